/** @file Determinants: linalg.det, and linalg.slogdet → { sign, logAbsDet } (as numpy.linalg), from one Cholesky or LU factorisation. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { detFactorKernel, detFromFactors, factorSize, readLogAbsDet, scaledInverseTranspose } from '../tensor/kernels/linalg/determinant.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { full, type TensorLike } from '../tensor/create.js';
import { valueReads } from '../jit/valueReads.js';
import { equal, mul, mulStrong } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { matmul } from '../ops/linalg.js';
import { stopGradient, where } from '../ops/select.js';
import { expandDims, slice, squeeze } from '../ops/shape.js';
import { leaveOneOutProd } from '../products/prod.js';
import { svd } from './svd.js';
import { batchOf, matrixTranspose, squareArg } from './matrix.js';
import { trace } from './diagonal.js';
import { invOf, solveSquare } from './solve.js';

/** A cotangent of shape [...batch] as [...batch, 1, 1], to scale whole matrices. */
const perMatrix = (g: Tensor) => expandDims(expandDims(g, -1), -1);

/** One number per matrix of `a` ([...batch]) read from its packed factors. */
function perBatch(a: Tensor, f: Tensor, read: (f: Float64Array, count: number, n: number, out: Float64Array) => Float64Array): Tensor {
  const n = a.shape[a.ndim - 1]!;
  const { batch, count } = batchOf(a.shape);
  return new Tensor(read(f.values, count, n, allocF64(count)), batch);
}

// The factorisation that slogdet and det read (kernels/linalg/determinant.ts: Cholesky for an
// exactly symmetric positive-definite matrix, LU otherwise), packed per matrix, with sign(det A)
// and log|det A| already read off it: one pass gives both, and the gradients below reuse it. The
// sign is piecewise constant, and the factors are passed on only as values: zero derivative,
// never recorded. (Named for the one result the public API takes from it directly.)
// `tryCholesky` false (det) keeps to LU, whose product of pivots is exact on small integer and
// diagonal matrices where (√2)²·4 is not.
const signDetP: Primitive<{ tryCholesky: boolean }> = definePrimitive<{ tryCholesky: boolean }>({
  name: 'signDet',
  saves: 'none',
  forward: ([a], { tryCholesky }) => {
    const n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    return new Tensor(detFactorKernel(a!.values, count, n, tryCholesky, allocF64(count * factorSize(n))), [...batch, factorSize(n)]);
  },
  vjp: null,
  jvp: null,
  batch: leadingAxesRule(() => signDetP),
});

/** The scaled transposed inverse of each matrix from its factors, one kernel (first order). */
function fusedInverseTranspose(a: Tensor, f: Tensor, scale: Tensor): Tensor {
  const n = a.shape[a.ndim - 1]!;
  return new Tensor(scaledInverseTranspose(f.values, batchOf(a.shape).count, n, scale.values, allocF64(a.size)), a.shape);
}

// log|det A| of A (input 0) read from its factors (input 1, a constant).
// d log|det A| = tr(A⁻¹ dA)  (Jacobi's formula; Giles 2008, §2.2.4), so Ā = ḡ A⁻ᵀ.
// At a singular matrix log|det A| = −∞ and A⁻¹ does not exist: the derivative is ±∞/NaN there.
// At first order Ā comes from the saved factors, equal to the rule up to rounding: for an SPD
// matrix A⁻ᵀ = A⁻¹ = L⁻ᵀL⁻¹ by LAPACK's dpotri (a blocked triangular inverse, then the blocked
// product XᵀX: n³/3 + n³/3 flops, kernels/linalg/choleskyInverse.ts), so value and gradient cost
// 3 Cholesky factorisations, the arithmetic floor.
const logAbsDetP: Primitive<null> = definePrimitive<null>({
  name: 'logAbsDet',
  saves: 'inputs',
  forward: ([a, f]) => perBatch(a!, f!, readLogAbsDet),
  vjp: (g, r) => [mulStrong(perMatrix(g), matrixTranspose(invOf(r.inputs[0]!, null))), null],
  fusedVjp: (g, r) => [fusedInverseTranspose(r.inputs[0]!, r.inputs[1]!, g), null],
  jvp: ([t], [a]) => (t === null ? null : trace(solveSquare(a!, t))),
  batch: leadingAxesRule(() => logAbsDetP),
});

/**
 * Whether some determinant in `d` is exactly 0, where det(A)·A⁻ᵀ is 0·∞. Read only where values
 * can be: not under vmap (one value per example) nor while jit records (a read would keep the
 * program from compiling); there the formula's NaN stays (docs/linalg.md).
 */
function someSingular(d: Tensor): boolean {
  return opaqueTrace(d) === null && valueReads.watcher === null && d.values.includes(0);
}

/**
 * adj(A)ᵀ, the derivative of det A, also where A is singular: with A = U diag(s) Vᵀ,
 * adj(A) = adj(Vᵀ) adj(diag s) adj(U) = det(U) det(V) · V diag(c) Uᵀ, c_i = Π_{j≠i} s_j
 * (adj(XY) = adj(Y) adj(X), adj(Q) = det(Q) Qᵀ for orthogonal Q). Differentiable again (through
 * svd) where the singular values are distinct. Null when the factors are not orthogonal to working
 * precision (|det U · det V| ≠ 1: the svd kernel's U for a tiny non-zero singular value is not
 * always orthogonal to the others), so that the caller keeps the formula's NaN, never a wrong number.
 */
function adjugateTranspose(a: Tensor): Tensor | null {
  const { u, s, vh } = svd(a);
  const orientation = stopGradient(mul(det(u), det(vh))); // ±1 per matrix
  if (orientation.values.some((o) => !(Math.abs(Math.abs(o) - 1) <= 1e-8))) return null;
  return mul(perMatrix(orientation), matmul(mul(u, expandDims(leaveOneOutProd(s, s.ndim - 1), -2)), vh));
}

/**
 * ∂ det A / ∂A = adj(A)ᵀ: det(A)·A⁻ᵀ, except for the matrices of a batch with det A = 0 (where
 * that is 0·∞), which take the adjugate from the SVD when it can be formed (adjugateTranspose).
 */
function detDerivative(a: Tensor, d: Tensor): Tensor {
  const formula = () => mul(perMatrix(d), matrixTranspose(invOf(a, null)));
  const adjT = someSingular(d) ? adjugateTranspose(a) : null;
  if (adjT === null) return formula();
  return d.values.every((x) => x === 0) ? adjT : where(perMatrix(equal(d, 0)), adjT, formula());
}

// d det A = det A · tr(A⁻¹ dA), so Ā = ḡ det(A) A⁻ᵀ (the adjugate, transposed, times ḡ). At an
// exactly singular A this formula is 0·∞ = NaN; there (a batch with a zero determinant) the
// adjugate comes from the SVD instead: the polynomial det has a finite derivative everywhere.
const detP: Primitive<null> = definePrimitive<null>({
  name: 'det',
  saves: 'both',
  forward: ([a, f]) => perBatch(a!, f!, detFromFactors),
  vjp: (g, r) => [mulStrong(perMatrix(g), detDerivative(r.inputs[0]!, r.out!)), null],
  fusedVjp: (g, r) => {
    const a = r.inputs[0]!, d = r.out!, scale = allocF64(g.size), gd = g.values, od = d.values;
    let singular = false;
    for (let i = 0; i < scale.length; i++) {
      singular ||= od[i] === 0 && gd[i] !== 0;
      scale[i] = gd[i] === 0 ? 0 : gd[i]! * od[i]!;
    }
    const fused = fusedInverseTranspose(a, r.inputs[1]!, new Tensor(scale, g.shape));
    if (!singular) return [fused, null];
    // det A = 0 under a non-zero cotangent: 0·A⁻ᵀ (the kernel's strong zero) is not the
    // derivative; the adjugate is, or the rule's NaN where it cannot be formed. Computed here,
    // not by falling back to the rule, so that a jit program recorded at a regular matrix replays
    // this same function at a singular one (returning null there made the replay throw).
    const adjT = adjugateTranspose(a) ?? full(a.shape, NaN);
    return [where(perMatrix(equal(d, 0)), mulStrong(perMatrix(g), adjT), fused), null];
  },
  jvp: ([t], [a], out) => {
    if (t === null) return null;
    return someSingular(out) ? sum(mul(detDerivative(a!, out), t), [-2, -1]) : mul(out, trace(solveSquare(a!, t)));
  },
  batch: leadingAxesRule(() => detP),
});

/**
 * The determinant of each square matrix, batched over leading axes.
 * @example ad.linalg.det(ad.tensor([[1, 2], [3, 4]])) // -2
 */
export function det(a: TensorLike): Tensor {
  const t = squareArg('linalg.det', a);
  return apply(detP, [t, apply(signDetP, [t], { tryCholesky: false })], null);
}

/**
 * sign(det a) and log|det a| (as numpy.linalg.slogdet): the determinant without overflow or
 * underflow. A singular matrix gives sign 0 and logAbsDet −∞. logAbsDet is differentiable
 * (its gradient is a⁻ᵀ); sign has zero derivative.
 * @example ad.linalg.slogdet(ad.tensor([[1, 2], [3, 4]])).sign // -1
 */
export function slogdet(a: TensorLike): { sign: Tensor; logAbsDet: Tensor } {
  const t = squareArg('linalg.slogdet', a);
  const f = apply(signDetP, [t], { tryCholesky: true });
  // The sign is entry 1 of each packed factorisation (kernels/linalg/determinant.ts), sliced out
  // with an op so that a jit recording replays it.
  const begin = f.shape.map(() => 0), size = [...f.shape];
  begin[f.ndim - 1] = 1;
  size[f.ndim - 1] = 1;
  return { sign: squeeze(slice(f, begin, size), -1), logAbsDet: apply(logAbsDetP, [t, f], null) };
}
