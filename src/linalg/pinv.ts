/** @file linalg.pinv (the Moore–Penrose pseudo-inverse) and linalg.lstsq (least squares through it), as jax.numpy.linalg. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { pinvKernel, pinvSymmetricKernel } from '../tensor/kernels/linalg/pinv.js';
import { symmetricPartInto } from '../tensor/kernels/linalg/symmetricPart.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { describe } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, greater, mul, sub } from '../ops/binary.js';
import { neg, square } from '../ops/unary.js';
import { max, sum } from '../ops/reduce.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { batchOf, checkFinite, checkSymmetric, matrixArg, squareArg, whereInBatch } from './matrix.js';
import { svd } from './svd.js';
import { extraArguments } from '../core/extraArguments.js';

interface PinvParams {
  /** The public op, for error messages (linalg.pinv or linalg.lstsq). */
  readonly op: string;
  /** Singular values ≤ rcond · max s count as zero. */
  readonly rcond: number;
  /** Symmetric input: eigendecomposition instead of SVD. */
  readonly hermitian: boolean;
}

/**
 * Ȧ ↦ Ṗ for P = A⁺ (Golub & Pereyra 1973, Thm 4.3; jax.numpy.linalg.pinv's custom JVP):
 *   Ṗ = −P Ȧ P + P Pᵀ Ȧᵀ (I − A P) + (I − P A) Ȧᵀ Pᵀ P,
 * the derivative wherever the rank of A is locally constant (at full rank always).
 */
function pinvTangent(a: Tensor, p: Tensor, t: Tensor): Tensor {
  const x = mm(mm(p, p, false, true), t, false, true); //   P Pᵀ Ȧᵀ      (n×m)
  const y = mm(mm(t, p, true, true), p, false, false); //   Ȧᵀ Pᵀ P      (n×m)
  const first = neg(mm(mm(p, t, false, false), p, false, false));
  return add(add(first, sub(x, mm(x, mm(a, p, false, false), false, false))), sub(y, mm(mm(p, a, false, false), y, false, false)));
}

// The transpose of pinvTangent under ⟨X, Y⟩ = tr(XᵀY), term by term (P̄ = G, n×m):
//   Ā = −Pᵀ G Pᵀ + (I − A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I − P A).
function pinvCotangent(a: Tensor, p: Tensor, g: Tensor): Tensor {
  const z = mm(g, mm(p, p, false, true), true, false); //   Gᵀ P Pᵀ      (m×n)
  const w = mm(mm(p, p, true, false), g, false, true); //   Pᵀ P Gᵀ      (m×n)
  const first = neg(mm(mm(p, g, true, false), p, false, true));
  return add(add(first, sub(z, mm(mm(a, p, false, false), z, false, false))), sub(w, mm(w, mm(p, a, false, false), false, false)));
}

const pinvP: Primitive<PinvParams> = definePrimitive<PinvParams>({
  name: 'pinv',
  saves: 'both',
  forward: ([a], { op, rcond, hermitian }) => {
    const m = a!.shape[a!.ndim - 2]!, n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    checkFinite(op, a!, m * n);
    const out = allocF64(count * n * m);
    if (!hermitian) return new Tensor(pinvKernel(a!.values, count, m, n, rcond, out), [...batch, n, m]);
    checkSymmetric(op, a!, count, n);
    const sym = allocF64(a!.size);
    for (let t = 0; t < count; t++) symmetricPartInto(a!.values, t * n * n, n, sym, t * n * n);
    const failed = pinvSymmetricKernel(sym, count, n, rcond, out);
    if (failed >= 0) throw new AdjointError(`${op}: the QL iteration did not converge for ${whereInBatch(a!.shape, failed)}; please report the matrix.`);
    return new Tensor(out, [...batch, n, n]);
  },
  vjp: (g, r) => [pinvCotangent(r.inputs[0]!, r.out!, g)],
  jvp: ([t], [a], p) => pinvTangent(a!, p, t!),
  batch: leadingAxesRule(() => pinvP),
});

/** A tolerance option: a finite number ≥ 0, or `fallback` when undefined. @internal */
export function tolerance<F extends number | undefined>(op: string, name: string, v: unknown, fallback: F): number | F {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a finite number ≥ 0 (a cutoff for the singular values), got ${describe(v)}.`);
  }
  return v;
}

/** Options of linalg.pinv. */
export interface PinvOptions {
  /** Singular values ≤ rcond · (largest) are taken as zero. Default 10·max(m, n)·ε, as jax.numpy.linalg.pinv's rtol. */
  rcond?: number | undefined;
  /** a is symmetric: use its eigendecomposition (|λ| as the singular values). Default false. */
  hermitian?: boolean | undefined;
}

/**
 * The Moore–Penrose pseudo-inverse of each matrix ([..., m, n] → [..., n, m]) from its SVD,
 * singular values ≤ rcond·max s taken as zero (numpy.linalg.pinv). Its derivative is the
 * closed form jax.numpy.linalg.pinv uses, exact wherever the rank is locally constant; where a
 * singular value crosses the cutoff, pinv jumps and the derivative is that of the side it is on.
 * @example ad.linalg.pinv(ad.tensor([[1, 0], [0, 2], [0, 0]])) // [[1, 0, 0], [0, 0.5, 0]]
 */
export function pinv(a: TensorLike, options?: PinvOptions): Tensor;
export function pinv(a: TensorLike, options: PinvOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.pinv', 'linalg.pinv(a, options?)', extra, options);
  const op = 'linalg.pinv';
  checkOptions(options, op, ['rcond', 'hermitian']);
  const hermitian = options.hermitian ?? false;
  if (typeof hermitian !== 'boolean') throw new InvalidArgumentError(`${op}: option hermitian must be true or false, got ${describe(hermitian)}.`);
  const t = hermitian ? squareArg(op, a) : matrixArg(op, a);
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  return apply(pinvP, [t], { op, rcond: tolerance(op, 'rcond', options.rcond, 10 * Math.max(m, n) * Number.EPSILON), hermitian });
}

/** The four results of linalg.lstsq (jax.numpy.linalg.lstsq's tuple, by name). */
export interface LstsqResult {
  /** x minimising ‖a x − b‖ (the least-norm one when a is rank-deficient): [..., n, k], or [n] for a vector b. */
  readonly solution: Tensor;
  /** ‖a x − b‖² per column of b: [..., k], or [1] for a vector b (jnp.linalg.lstsq's; always computed, as JAX's default). */
  readonly residuals: Tensor;
  /** The number of singular values above rcond · max s, per matrix: [...]. */
  readonly rank: Tensor;
  /** The singular values of a, descending: [..., min(m, n)]. */
  readonly singularValues: Tensor;
}

/**
 * Least squares min ‖a x − b‖ for each matrix a [..., m, n] (tall, wide or rank-deficient) by
 * its SVD: x = a⁺ b, singular values ≤ rcond·max s taken as zero (LAPACK's gelsd rule, as
 * numpy.linalg.lstsq and torch's 'gelsd' driver). rcond defaults to ε·max(m, n). b is
 * [..., m, k], or a vector [m] when a is 2-D; batch axes broadcast. Differentiable in a and b
 * (through pinv: exact wherever the rank is locally constant).
 * @example ad.linalg.lstsq(ad.tensor([[1, 0], [1, 1], [1, 2]]), ad.tensor([1, 2, 4])).solution // [5/6, 3/2] to rounding
 */
export function lstsq(a: TensorLike, b: TensorLike, rcond?: number): LstsqResult;
export function lstsq(a: TensorLike, b: TensorLike, rcond?: number, ...extra: unknown[]): LstsqResult {
  if (extra.length > 0) extraArguments('linalg.lstsq', 'linalg.lstsq(a, b, rcond?)', extra, rcond);
  const op = 'linalg.lstsq';
  const at = matrixArg(op, a);
  const bt = asTensor(b, op);
  const m = at.shape[at.ndim - 2]!, n = at.shape[at.ndim - 1]!;
  const cut = tolerance(op, 'rcond', rcond, Number.EPSILON * Math.max(m, n));
  let aFull = at, bFull: Tensor;
  const vector = bt.ndim === 1;
  if (vector) {
    if (at.ndim !== 2 || bt.shape[0] !== m) {
      throw new ShapeError(`${op}: b of shape ${formatShape(bt.shape)} does not fit a of shape ${formatShape(at.shape)}: a vector b needs a 2-D a with ${bt.shape[0]} rows; for a batch, pass b as [..., ${m}, 1] columns.`);
    }
    bFull = reshape(bt, [m, 1]);
  } else {
    if (bt.ndim < 2 || bt.shape[bt.ndim - 2] !== m) {
      throw new ShapeError(`${op}: b of shape ${formatShape(bt.shape)} does not fit a of shape ${formatShape(at.shape)}: b must be [..., ${m}, k] (as many rows as a). Reshape a vector to a column.`);
    }
    const batch = broadcastShapes(op, at.shape.slice(0, -2), bt.shape.slice(0, -2));
    const aShape = [...batch, m, n], bShape = [...batch, ...bt.shape.slice(-2)];
    aFull = shapesEqual(at.shape, aShape) ? at : broadcastTo(at, aShape);
    bFull = shapesEqual(bt.shape, bShape) ? bt : broadcastTo(bt, bShape);
  }
  const x = mm(apply(pinvP, [aFull], { op, rcond: cut, hermitian: false }), bFull, false, false);
  const residuals = sum(square(sub(mm(aFull, x, false, false), bFull)), -2);
  const s = svd(aFull).s;
  // An empty a has no largest singular value: its rank is 0.
  const rank = Math.min(m, n) === 0 ? sum(s, -1) : sum(greater(s, mul(max(s, -1, true), cut)), -1);
  return vector
    ? { solution: reshape(x, [n]), residuals, rank, singularValues: s } // residuals [1]: jnp's norm(b[:, None] − a x, axis=0)²
    : { solution: x, residuals, rank, singularValues: s };
}
