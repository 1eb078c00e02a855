/** @file Determinants: linalg.det, and linalg.slogdet → { sign, logAbsDet } (as numpy.linalg), from LU with partial pivoting. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { luDet, luFactor, luLogAbsDet, type LuFactors } from '../tensor/kernels/linalg/lu.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { mul, mulStrong } from '../ops/binary.js';
import { expandDims } from '../ops/shape.js';
import { batchOf, matrixTranspose, squareArg } from './matrix.js';
import { trace } from './diagonal.js';
import { invOf, solveSquare } from './solve.js';

/** One number per matrix, from its LU factors. */
function fromLu(a: Tensor, reduce: (f: LuFactors, count: number, n: number) => Float64Array): Tensor {
  const n = a.shape[a.ndim - 1]!;
  const { batch, count } = batchOf(a.shape);
  return new Tensor(reduce(luFactor(a.data, count, n), count, n), batch);
}

/** A cotangent of shape [...batch] as [...batch, 1, 1], to scale whole matrices. */
const perMatrix = (g: Tensor) => expandDims(expandDims(g, -1), -1);

// d log|det A| = tr(A⁻¹ dA)  (Jacobi's formula; Giles 2008, §2.2.4), so Ā = ḡ A⁻ᵀ.
// At a singular matrix log|det A| = −∞ and A⁻¹ does not exist: the derivative is ±∞/NaN there.
const logAbsDetP: Primitive<null> = definePrimitive<null>({
  name: 'logAbsDet',
  saves: 'inputs',
  forward: ([a]) => fromLu(a!, (f, c, n) => luLogAbsDet(f, c, n).logAbs),
  vjp: (g, r) => [mulStrong(perMatrix(g), matrixTranspose(invOf(r.inputs[0]!, null)))],
  jvp: ([t], [a]) => trace(solveSquare(a!, t!)),
  batch: leadingAxesRule(() => logAbsDetP),
});

// sign(det A) is piecewise constant: zero derivative, never recorded.
const signDetP: Primitive<null> = definePrimitive<null>({
  name: 'signDet',
  saves: 'none',
  forward: ([a]) => fromLu(a!, (f, c, n) => luLogAbsDet(f, c, n).sign),
  vjp: null,
  jvp: null,
  batch: leadingAxesRule(() => signDetP),
});

// d det A = det A · tr(A⁻¹ dA), so Ā = ḡ det(A) A⁻ᵀ (the adjugate, transposed, times ḡ). At an
// exactly singular A this formula is 0·∞: NaN, where the adjugate is the true derivative (see
// docs/linalg.md).
const detP: Primitive<null> = definePrimitive<null>({
  name: 'det',
  saves: 'both',
  forward: ([a]) => fromLu(a!, luDet),
  vjp: (g, r) => [mulStrong(perMatrix(g), mul(perMatrix(r.out!), matrixTranspose(invOf(r.inputs[0]!, null))))],
  jvp: ([t], [a], out) => mul(out, trace(solveSquare(a!, t!))),
  batch: leadingAxesRule(() => detP),
});

/**
 * The determinant of each square matrix, batched over leading axes.
 * @example ad.linalg.det(ad.tensor([[1, 2], [3, 4]])) // -2
 */
export function det(a: TensorLike): Tensor {
  return apply(detP, [squareArg('linalg.det', a)], null);
}

/**
 * sign(det a) and log|det a| (as numpy.linalg.slogdet): the determinant without overflow or
 * underflow. A singular matrix gives sign 0 and logAbsDet −∞. logAbsDet is differentiable
 * (its gradient is a⁻ᵀ); sign has zero derivative.
 * @example ad.linalg.slogdet(ad.tensor([[1, 2], [3, 4]])).sign // -1
 */
export function slogdet(a: TensorLike): { sign: Tensor; logAbsDet: Tensor } {
  const t = squareArg('linalg.slogdet', a);
  return { sign: apply(signDetP, [t], null), logAbsDet: apply(logAbsDetP, [t], null) };
}
