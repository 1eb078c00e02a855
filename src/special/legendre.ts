/**
 * @file The associated Legendre functions of the first kind (JAX's lpmn and lpmn_values) as one primitive over
 * kernels/legendre.ts whose parameter `order` k gives the k-th z-derivatives of the table: each order's derivative is
 * the next, so z differentiates to any order (lpmn's derivative table is order 1). The primitive puts the table's
 * axes last ([...z.shape, m, l], so vmap's batch axis stays in front); the public functions move them first.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { apply } from '../core/trace.js';
import { InvalidArgumentError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { sizeOf } from '../tensor/shape.js';
import { mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { expandDims, transpose } from '../ops/shape.js';
import { legendreDerivative, legendreTable } from './kernels/legendre.js';
import { extraArguments } from '../core/extraArguments.js';

interface LegendreParams { readonly n: number; readonly normalized: boolean; readonly order: number }

/** dᵏ/dzᵏ P_l^m(z) (normalised or not), as [...z.shape, n + 1, n + 1]. */
const legendreP: Primitive<LegendreParams> = definePrimitive<LegendreParams>({
  name: 'legendreP',
  saves: 'inputs',
  forward: ([z], { n, normalized, order }) => {
    const count = sizeOf(z!.shape), size = (n + 1) * (n + 1), out = allocF64(count * size);
    const p = new Float64Array(size), d = new Float64Array(size);
    for (let i = 0; i < count; i++) {
      legendreTable(n, z!.values[i]!, normalized, p);
      if (order === 0) out.set(p, i * size);
      else { legendreDerivative(n, z!.values[i]!, normalized, order, p, d); out.set(d, i * size); }
    }
    return new Tensor(out, [...z!.shape, n + 1, n + 1]);
  },
  vjp: (g, r, p, needs) => [needs[0] ? sum(mul(g, next(r.inputs[0]!, p)), [-2, -1]) : null],
  jvp: ([t], [z], _out, p) => (t ? mul(expandDims(t, [-1, -2]), next(z!, p)) : null),
  // The table's axes are last, so a batch axis in front of z stays in front of the output.
  batch: ([z], _batched, p) => apply(legendreP, [z!], p),
});

const next = (z: Tensor, p: LegendreParams): Tensor => apply(legendreP, [z], { ...p, order: p.order + 1 });

/** [K, n + 1, n + 1] → [n + 1, n + 1, K] (JAX's layout: order, degree, point). */
const table = (z: Tensor, n: number, normalized: boolean, order: number): Tensor =>
  transpose(apply(legendreP, [z], { n, normalized, order }), [1, 2, 0]);

/** Checks lpmn's and lpmn_values' m, n and z as JAX does; returns z as a tensor. */
function checked(op: string, m: unknown, n: unknown, z: TensorLike): Tensor {
  for (const [name, v] of [['m', m], ['n', n]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 5000) {
      throw new InvalidArgumentError(`${op}: ${name} must be a non-negative integer (the largest ${name === 'm' ? 'order' : 'degree'}), got ${String(v)}; pass e.g. ${op}(3, 3, z).`);
    }
  }
  if (m !== n) {
    throw new InvalidArgumentError(`${op}: m and n must be equal (JAX computes only the square table, raising NotImplementedError for m != n), got m = ${String(m)}, n = ${String(n)}; pass ${op}(${String(n)}, ${String(n)}, …) and slice the orders you need.`);
  }
  const t = asTensor(z, op);
  if (t.ndim !== 1) {
    throw new InvalidArgumentError(`${op}: z must be a 1-D tensor of points, got shape [${t.shape.join(', ')}]; pass ad.reshape(z, [-1]) and reshape the last axis back.`);
  }
  return t;
}

/**
 * The associated Legendre functions of the first kind P_l^m(z) for orders m = 0 … M and degrees l = 0 … N at the
 * points z (1-D, in [−1, 1]), and their z-derivatives (JAX's `lpmn(m, n, z)`): `[values, derivatives]`, each
 * [M + 1, N + 1, z.length], indexed [order, degree, point], zero for m > l. As JAX, only M = N (a square table; JAX
 * raises NotImplementedError otherwise) and with the Condon–Shortley phase (−1)^m, as SciPy's lpmn. The derivatives at
 * z = ±1 are JAX's limits: P_l′(±1) = (±1)^{l+1} l(l + 1)/2, the m = 1 row +∞ at 1 and (−1)^l ∞ at −1 (SciPy: +∞ at
 * both), −(l + 2)(l + 1)l(l − 1)(±1)^{l+1}/4 at m = 2, 0 beyond. Outside [−1, 1] the rows m ≥ 1 are NaN (as JAX).
 * Both outputs are differentiable in z to any order inside (−1, 1).
 * @example const [p, dp] = ad.special.lpmn(1, 1, ad.tensor([0.5])) // p: [[[1], [0.5]], [[0], [−0.866…]]]
 */
export function lpmn(m: number, n: number, z: TensorLike): [Tensor, Tensor];
export function lpmn(m: number, n: number, z: TensorLike, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('lpmn', 'lpmn(m, n, z)', extra, z);
  const t = checked('lpmn', m, n, z);
  return [table(t, n, false, 0), table(t, n, false, 1)];
}

/**
 * The values of lpmn (JAX's `lpmn_values(m, n, z, is_normalized)`): [M + 1, N + 1, z.length], M = N as in lpmn. With
 * `isNormalized` each P_l^m is multiplied by √((2l + 1)(l − m)!/(4π(l + m)!)), so that P_l^m(cos θ) e^{imφ} are the
 * orthonormal spherical harmonics (Condon–Shortley phase kept). Differentiable in z to any order inside (−1, 1).
 * @example ad.special.lpmnValues(1, 1, ad.tensor([0]), true) // [[[0.28209479177387814], [0]], [[0], [−0.34549414947133544]]]
 */
export function lpmnValues(m: number, n: number, z: TensorLike, isNormalized: boolean): Tensor;
export function lpmnValues(m: number, n: number, z: TensorLike, isNormalized: boolean, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('lpmnValues', 'lpmnValues(m, n, z, isNormalized)', extra, isNormalized);
  const t = checked('lpmnValues', m, n, z);
  if (typeof isNormalized !== 'boolean') {
    throw new InvalidArgumentError(`lpmnValues: isNormalized must be true or false, got ${String(isNormalized)}; pass lpmnValues(m, n, z, true) for the spherical-harmonic normalisation.`);
  }
  return table(t, n, isNormalized, 0);
}

/** The k-th z-derivative of the table as [...z.shape, n + 1, n + 1], for the op table. @internal */
export function legendreDerivativeTable(z: TensorLike, n: number, normalized: boolean, order: number): Tensor {
  return apply(legendreP, [asTensor(z, 'lpmn')], { n, normalized, order });
}
