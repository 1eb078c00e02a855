/** @file Determinants: linalg.det, and linalg.slogdet → { sign, logAbsDet } (as numpy.linalg), from one Cholesky or LU factorisation. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { detFactorKernel, detFromFactors, factorSize, nearSingularKernel, readLogAbsDet, scaledInverseTranspose } from '../tensor/kernels/linalg/determinant.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { eye, type TensorLike } from '../tensor/create.js';
import { valueReads } from '../jit/valueReads.js';
import { mul, mulStrong } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { where } from '../ops/select.js';
import { broadcastTo, expandDims, slice, squeeze } from '../ops/shape.js';
import { adjugatePrimitive, adjugateTranspose, cofactorMatrix } from './adjugate.js';
import { batchOf, matrixTranspose, squareArg } from './matrix.js';
import { trace } from './diagonal.js';
import { invOf, solveSquare } from './solve.js';
import { extraArguments } from '../core/extraArguments.js';

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
// `tryCholesky` false (det) keeps to LU, whose product of pivots is exact on triangular and
// diagonal integer matrices where Cholesky's (√2)²·4 is not.
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

// 1 per matrix whose determinant is numerically singular, |det A| ≤ 2⁻²⁶ × Hadamard's bound
// (kernels/linalg/determinant.ts: there det(A)·A⁻ᵀ loses the adjugate's digits, and exactly
// singular it is 0·∞), else 0; from A (input 0) and its factors (input 1). A predicate: zero derivative.
const nearSingularP: Primitive<null> = definePrimitive<null>({
  name: 'nearSingular',
  saves: 'none',
  forward: ([a, f]) => perBatch(a!, f!, (fv, count, n, out) => nearSingularKernel(a!.values, fv, count, n, out)),
  vjp: null,
  jvp: null,
  batch: leadingAxesRule(() => nearSingularP),
});

/**
 * Whether no value of the mask can be read: under vmap (one value per example) or while jit
 * records (a read would keep the program from compiling). Then every matrix takes both forms
 * (batchedDetDerivative), so that a program recorded at a regular matrix is right at a singular one.
 */
const valueBlind = (mask: Tensor): boolean => opaqueTrace(mask) !== null || valueReads.watcher !== null;

/**
 * adj(A)ᵀ, the derivative of det A at any rank, and differentiable at any rank (./adjugate.ts): for
 * n ≤ 3 the cofactor polynomials (exact to every order), beyond from the SVD (exact to second order).
 */
const adjugateP = adjugatePrimitive((x) => det(x));
const adjugateT = (a: Tensor): Tensor => cofactorMatrix(a) ?? adjugateTranspose(a, adjugateP);

/**
 * ∂ det A / ∂A = adj(A)ᵀ: det(A)·A⁻ᵀ, except for the matrices of a batch that are near singular
 * (`mask`), where that formula loses its digits (or is 0·∞): they take the adjugate from the SVD.
 */
function detDerivative(a: Tensor, d: Tensor, mask: Tensor): Tensor {
  if (valueBlind(mask)) return batchedDetDerivative(a, d, mask);
  const formula = () => mul(perMatrix(d), matrixTranspose(invOf(a, null)));
  if (!mask.values.includes(1)) return formula();
  // A mixed batch takes the double where too: where(mask, adjT, formula()) sent 0·NaN (the singular
  // matrices' unselected det·A⁻ᵀ) into a second reverse pass, NaN for their Hessian blocks.
  return mask.values.every((x) => x === 1) ? adjugateT(a) : batchedDetDerivative(a, d, mask);
}

/**
 * detDerivative where no value can be read (valueBlind) to find the near-singular matrices: both
 * forms for every matrix, the adjugate chosen by the mask. The formula's branch inverts I in place
 * of a near-singular A (the "double where"), so that its unselected NaN does not reach a higher
 * derivative through the where's zero cotangent (0·NaN). Costs an SVD per matrix: only under vmap
 * (which is also how `hessian` and `jacobian` of det run) and in jit's higher-order and forward-mode
 * programs (its first-order gradient is the fused rule, which reads values as a kernel does).
 */
function batchedDetDerivative(a: Tensor, d: Tensor, mask: Tensor): Tensor {
  const singular = perMatrix(mask);
  const regular = where(singular, broadcastTo(eye(a.shape[a.ndim - 1]!), a.shape), a);
  const formula = mul(perMatrix(d), matrixTranspose(invOf(regular, null)));
  return where(singular, adjugateT(a), formula);
}

// d det A = det A · tr(A⁻¹ dA), so Ā = ḡ det(A) A⁻ᵀ (the adjugate, transposed, times ḡ). Where A
// is near singular that formula loses the adjugate's digits (exactly singular it is 0·∞ = NaN);
// there the adjugate comes from the SVD instead: the polynomial det has a finite derivative everywhere.
// Up to 3×3 the adjugate is its cofactor polynomials at every matrix: exact to every order, where
// det(A)·A⁻ᵀ lost digits at ill-conditioned matrices the near-singular test does not flag (the third
// derivative 170 off at [[1, 2, 3], [4, 5, 6], [7, 8, 9 + 1e−5]], the Hessian 2e−4).
const detP: Primitive<null> = definePrimitive<null>({
  name: 'det',
  saves: 'both',
  forward: ([a, f]) => perBatch(a!, f!, detFromFactors),
  vjp: (g, r) => {
    const small = cofactorMatrix(r.inputs[0]!); // n ≤ 3: the cofactor polynomials, exact at every rank and order
    if (small !== null) return [mulStrong(perMatrix(g), small), null];
    return [mulStrong(perMatrix(g), detDerivative(r.inputs[0]!, r.out!, apply(nearSingularP, [r.inputs[0]!, r.inputs[1]!], null))), null];
  },
  fusedVjp: (g, r) => {
    const small = cofactorMatrix(r.inputs[0]!);
    if (small !== null) return [mulStrong(perMatrix(g), small), null];
    const a = r.inputs[0]!, f = r.inputs[1]!, d = r.out!, scale = allocF64(g.size), gd = g.values, od = d.values;
    for (let i = 0; i < scale.length; i++) scale[i] = gd[i] === 0 ? 0 : gd[i]! * od[i]!;
    const fused = fusedInverseTranspose(a, f, new Tensor(scale, g.shape));
    const mask = apply(nearSingularP, [a, f], null);
    if (!mask.values.includes(1)) return [fused, null];
    // A near-singular A: det(A)·A⁻ᵀ is not the derivative to working precision (0·A⁻ᵀ, the
    // kernel's strong zero, at det A = 0); the SVD's adjugate is. Computed here, not by falling
    // back to the rule, so that a jit program recorded at a regular matrix replays this same
    // function at a singular one (returning null there made the replay throw).
    return [where(perMatrix(mask), mulStrong(perMatrix(g), adjugateT(a)), fused), null];
  },
  jvp: ([t], [a, f], out) => {
    if (t === null) return null;
    const small = cofactorMatrix(a!);
    if (small !== null) return sum(mul(small, t), [-2, -1]);
    const mask = apply(nearSingularP, [a!, f!], null);
    const regular = !valueBlind(mask) && !mask.values.includes(1);
    return regular ? mul(out, trace(solveSquare(a!, t))) : sum(mul(detDerivative(a!, out, mask), t), [-2, -1]);
  },
  batch: leadingAxesRule(() => detP),
});

/**
 * The determinant of each square matrix, batched over leading axes.
 * @example ad.linalg.det(ad.tensor([[1, 2], [3, 4]])) // -2
 */
export function det(a: TensorLike): Tensor;
export function det(a: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.det', 'linalg.det(a)', extra, a);
  const t = squareArg('linalg.det', a);
  return apply(detP, [t, apply(signDetP, [t], { tryCholesky: false })], null);
}

/**
 * sign(det a) and log|det a| (as numpy.linalg.slogdet): the determinant without overflow or
 * underflow. A singular matrix gives sign 0 and logAbsDet −∞. logAbsDet is differentiable
 * (its gradient is a⁻ᵀ); sign has zero derivative.
 * @example ad.linalg.slogdet(ad.tensor([[1, 2], [3, 4]])).sign // -1
 */
export function slogdet(a: TensorLike): { sign: Tensor; logAbsDet: Tensor };
export function slogdet(a: TensorLike, ...extra: unknown[]): { sign: Tensor; logAbsDet: Tensor } {
  if (extra.length > 0) extraArguments('linalg.slogdet', 'linalg.slogdet(a)', extra, a);
  const t = squareArg('linalg.slogdet', a);
  const f = apply(signDetP, [t], { tryCholesky: true });
  // The sign is entry 1 of each packed factorisation (kernels/linalg/determinant.ts), sliced out
  // with an op so that a jit recording replays it.
  const begin = f.shape.map(() => 0), size = [...f.shape];
  begin[f.ndim - 1] = 1;
  size[f.ndim - 1] = 1;
  return { sign: squeeze(slice(f, begin, size), -1), logAbsDet: apply(logAbsDetP, [t, f], null) };
}
