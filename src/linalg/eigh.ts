/** @file linalg.eigh: eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { AdjointError } from '../core/errors.js';
import { eighKernel } from '../tensor/kernels/linalg/eigh.js';
import { symmetricPartInto } from '../tensor/kernels/linalg/symmetricPart.js';
import type { Tensor } from '../tensor/tensor.js';
import { eye, type TensorLike } from '../tensor/create.js';
import { add, mul, mulStrong, sub } from '../ops/binary.js';
import { reciprocal } from '../ops/unary.js';
import { concat, expandDims, squeeze } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, checkSymmetric, constantZero, noOptions, packRows, rows, squareArg, symmetricPart, whereInBatch } from './matrix.js';
import { diagEmbed, diagonal } from './diagonal.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * F[i, j] = 1/(λⱼ − λᵢ) off the diagonal, 0 on it: ±∞ between repeated eigenvalues, where the
 * eigenvectors are not differentiable. Built from λ with adjoint's ops (so it has derivatives).
 */
export function gapReciprocals(lambda: Tensor): Tensor {
  const n = lambda.shape[lambda.ndim - 1]!;
  const gaps = sub(expandDims(lambda, -2), expandDims(lambda, -1)); // [i, j] = λⱼ − λᵢ
  const id = eye(n);
  return sub(reciprocal(add(gaps, id)), id);
}

/** The packed output [..., n+1, n]: row 0 the eigenvalues, rows 1…n the eigenvectors V. */
const split = (packed: Tensor, n: number) => ({ values: squeeze(rows(packed, 0, 1), -2), vectors: rows(packed, 1, n) });

// The function is of sym(A) = ½(A + Aᵀ). With A = V Λ Vᵀ and M = Vᵀ sym(Ȧ) V (Giles 2008, §3.1;
// Seeger et al. 2017, §3):
//   λ̇ = diag(M),   V̇ = V (F ∘ M),   F as above;
// transposed:  Ā = sym(V (diag(λ̄) + F ∘ (Vᵀ V̄)) Vᵀ).
// The products with F are strong: where V̄ (or a tangent) is zero they give 0 even against
// F = ±∞, so eigenvalues alone stay differentiable with repeated eigenvalues.
const eighP: Primitive<null> = definePrimitive<null>({
  name: 'eigh',
  saves: 'output',
  forward: ([a]) => {
    const n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    checkFinite('linalg.eigh', a!, n * n);
    checkSymmetric('linalg.eigh', a!, count, n);
    const values = new Float64Array(count * n), vectors = new Float64Array(count * n * n);
    const sym = new Float64Array(a!.size);
    for (let t = 0; t < count; t++) symmetricPartInto(a!.values, t * n * n, n, sym, t * n * n);
    const failed = eighKernel(sym, count, n, values, vectors);
    if (failed >= 0) {
      throw new AdjointError(`linalg.eigh: the QL iteration did not converge for ${whereInBatch(a!.shape, failed)}; please report the matrix.`);
    }
    return packRows(count, [{ data: values, per: n }, { data: vectors, per: n * n }], [...batch, n + 1, n]);
  },
  vjp: (g, r) => {
    const n = g.shape[g.ndim - 1]!;
    const { values, vectors: v } = split(r.out!, n);
    const { values: lambdaBar, vectors: vBar } = split(g, n);
    // Eigenvalues alone (V̄ = 0, not traced: no derivative through it either): Ā = V diag(λ̄) Vᵀ,
    // one product instead of three, as PyTorch's rule when the vectors' gradient is undefined.
    if (constantZero(vBar)) return [symmetricPart(mm(mul(v, expandDims(lambdaBar, -2)), v, false, true))];
    const f = gapReciprocals(values);
    const inner = add(diagEmbed(lambdaBar, 0, n, n), mulStrong(f, mm(v, vBar, true, false)));
    return [symmetricPart(mm(mm(v, inner, false, false), v, false, true))];
  },
  jvp: ([t], _a, out) => {
    const n = out.shape[out.ndim - 1]!;
    const { values, vectors: v } = split(out, n);
    const m = mm(mm(v, symmetricPart(t!), true, false), v, false, false);
    const vDot = mm(v, mulStrong(gapReciprocals(values), m), false, false);
    return concat([expandDims(diagonal(m), -2), vDot], -2);
  },
  batch: leadingAxesRule(() => eighP),
});

/**
 * Eigenvalues in ascending order and orthonormal eigenvectors (the columns of `vectors`) of
 * each symmetric matrix: a = vectors · diag(values) · vectorsᵀ. Householder tridiagonalisation,
 * then implicit QL (below order 64) or divide and conquer. Each eigenvector is signed so that its
 * entry of largest magnitude is positive. Eigenvectors of repeated eigenvalues are not unique and have no derivative: their
 * gradients are ±∞/NaN (see docs/linalg.md); eigenvalues stay differentiable.
 * @example ad.linalg.eigh(ad.tensor([[2, 1], [1, 2]])).values // [1, 3]
 */
export function eigh(a: TensorLike): { values: Tensor; vectors: Tensor };
export function eigh(a: TensorLike, ...extra: unknown[]): { values: Tensor; vectors: Tensor } {
  noOptions('linalg.eigh', extra, "eigh(a) reads the whole matrix, which must be symmetric (no UPLO: for one triangle's matrix build it with ad.tril and its transpose)");
  if (extra.length > 0) extraArguments('linalg.eigh', 'linalg.eigh(a)', extra, a);
  const t = squareArg('linalg.eigh', a);
  const n = t.shape[t.ndim - 1]!;
  return split(apply(eighP, [t], null), n);
}
