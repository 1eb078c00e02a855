/**
 * @file NumPy's other names for adjoint's ops, as jax.numpy keeps them (camelCased): code ported from
 * NumPy or JAX finds `ad.absolute`, `ad.arccos`, `ad.concatenate`, `ad.takeAlongAxis`, … under the
 * names it uses. Each is the same function as the op it names, with that op's signature, defaults,
 * derivatives and errors (which name the op). (`var` has no alias — a reserved word in JavaScript:
 * `ad.variance`. NumPy's argmax/argmin are `ad.maxIndex`/`ad.minIndex`; `ad.argmin` is the
 * implicit-differentiation optimiser.) Also: numpy.nanargmax/nanargmin (`nanMaxIndex`/`nanMinIndex`),
 * trapz (`trapezoid`), fabs (`abs`: real input), diag (`linalg.diag`, at the top as jnp.diag),
 * asarray and array (`tensor`: a tensor is returned as it is, nested arrays and typed arrays are
 * read), and empty/emptyLike (`zeros`/`zerosLike`: jnp's empty arrays are zeros).
 */
export { abs as absolute, neg as negative, abs as fabs } from './unary.js';
export { sub as subtract, mul as multiply, div as divide, div as trueDivide, pow as power } from './binary.js';
export {
  acos as arccos, asin as arcsin, atan as arctan, atan2 as arctan2, acosh as arccosh, asinh as arcsinh, atanh as arctanh,
} from './trig.js';
export { checkedMax as amax, checkedMin as amin } from './reduce.js';
export { rad2deg as degrees, deg2rad as radians } from './elementwiseExtras.js';
export { round as around } from './rounding.js';
export { concat as concatenate } from './shape.js';
export { vstack as rowStack } from './layout.js';
export { gather as takeAlongAxis, scatter as putAlongAxis } from './gather.js';
export { nanMaxIndex as nanargmax, nanMinIndex as nanargmin } from './numpyNanCumulative.js';
export { trapezoid as trapz } from './contractions.js';
export { diag } from '../linalg/diagonal.js';
export { tensor as asarray, tensor as array, zeros as empty } from '../tensor/create.js';
export { zerosLike as emptyLike } from './arrayHelpers.js';
