/**
 * @file J₀(z) … J_v(z), the Bessel functions of the first kind of integer order (JAX's bessel_jn), as one primitive
 * over kernels/besselJn.ts whose parameter `order` k gives the k-th z-derivatives, J_n^{(k)} = 2^{−k} Σᵢ (−1)ⁱ C(k, i)
 * J_{n−k+2i} (DLMF 10.6.7; J₀′ = −J₁): each order's derivative is the next order, so z differentiates to any order.
 * The primitive puts the order axis last (so vmap's batch axis stays in front); the public function moves it first.
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
import { expandDims } from '../ops/shape.js';
import { moveaxis } from '../ops/layout.js';
import { besselJAll, besselJDerivatives } from './kernels/besselJn.js';
import { extraArguments } from '../core/extraArguments.js';

interface JnParams { readonly v: number; readonly nIter: number; readonly order: number }

/** dᵏ/dzᵏ J_n(z), n = 0 … v, as [...z.shape, v + 1]. */
const besselJnP: Primitive<JnParams> = definePrimitive<JnParams>({
  name: 'besselJn',
  saves: 'inputs',
  forward: ([z], { v, nIter, order }) => {
    const n = sizeOf(z!.shape), out = allocF64(n * (v + 1));
    const j = new Float64Array(v + order + 1), d = new Float64Array(v + 1);
    for (let i = 0; i < n; i++) {
      besselJAll(v + order, z!.values[i]!, nIter, j);
      if (order === 0) out.set(j.subarray(0, v + 1), i * (v + 1));
      else { besselJDerivatives(v, order, j, d); out.set(d, i * (v + 1)); }
    }
    return new Tensor(out, [...z!.shape, v + 1]);
  },
  vjp: (g, r, p, needs) => [needs[0] ? sum(mul(g, next(r.inputs[0]!, p)), -1) : null],
  jvp: ([t], [z], _out, p) => (t ? mul(expandDims(t, -1), next(z!, p)) : null),
  // The order axis is last, so a batch axis in front of z stays in front of the output.
  batch: ([z], _batched, p) => apply(besselJnP, [z!], p),
});

/** The next z-derivative of the table. */
const next = (z: Tensor, p: JnParams): Tensor => apply(besselJnP, [z], { ...p, order: p.order + 1 });

/** Options of besselJn: the largest order `v` (default 0) and JAX's recurrence length `nIter` (default 50). */
export interface BesselJnOptions { readonly v?: number; readonly nIter?: number }

/**
 * J₀(z), J₁(z), …, J_v(z), the Bessel functions of the first kind of integer order at real z (JAX's
 * `bessel_jn(z, *, v=0, n_iter=50)`), as a tensor [v + 1, ...z.shape]. Within 2e−16 of mpmath in absolute terms for
 * every z (|J_n| ≤ 1; relative error grows only near J_n's zeros), for any v: JAX runs Miller's backward recurrence
 * from order n_iter (its accuracy depends on n_iter: z = 30 needs n_iter ≈ 80, and a v past n_iter gives n_iter + 1
 * rows); adjoint starts it wherever accuracy needs (at least nIter), sums the power series for |z| ≤ 1 and Hankel's
 * expansion for |z| ≥ 25 above v, so nIter never costs digits. J_n(0) = [1, 0, …] (JAX: NaN), 0 at ±∞, NaN for NaN.
 * Differentiable in z to any order (J_n′ = (J_{n−1} − J_{n+1})/2).
 * @example ad.special.besselJn(ad.tensor([1, 2]), { v: 1 }) // [[J₀(1), J₀(2)], [J₁(1), J₁(2)]]
 */
export function besselJn(z: TensorLike, options?: BesselJnOptions): Tensor;
export function besselJn(z: TensorLike, options: BesselJnOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('besselJn', 'besselJn(z, { v, nIter }?)', extra, options);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`besselJn: the second argument is an options object { v, nIter }, got ${String(options)}; pass e.g. besselJn(z, { v: 3 }).`);
  }
  const { v = 0, nIter = 50 } = options;
  for (const key of Object.keys(options)) {
    if (key !== 'v' && key !== 'nIter') throw new InvalidArgumentError(`besselJn: unknown option '${key}' (takes v and nIter); pass e.g. besselJn(z, { v: 3 }).`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1e6) {
    throw new InvalidArgumentError(`besselJn: v must be a non-negative integer (the largest order), got ${String(v)}; pass e.g. { v: 3 } for J₀ … J₃.`);
  }
  if (typeof nIter !== 'number' || !Number.isInteger(nIter) || nIter < 0 || nIter > 1e7) {
    throw new InvalidArgumentError(`besselJn: nIter must be a non-negative integer (where the backward recurrence starts), got ${String(nIter)}; leave it out for 50.`);
  }
  const table = apply(besselJnP, [asTensor(z, 'besselJn')], { v, nIter, order: 0 });
  return moveaxis(table, -1, 0);
}

/** dᵏ/dzᵏ of J₀ … J_v as [...z.shape, v + 1], for the op table. @internal */
export function besselJnDerivative(z: TensorLike, v: number, order: number): Tensor {
  return apply(besselJnP, [asTensor(z, 'besselJn')], { v, nIter: 0, order });
}
