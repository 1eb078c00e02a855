/**
 * @file The transposed adjugate adj(A)ᵀ (the cofactor matrix, ∂ det A/∂A) at any rank, from the
 * SVD, with a derivative that holds at every rank too: what det's gradient uses where A is
 * (nearly) singular and det(A)·A⁻ᵀ is 0·∞ or loses its digits (./det.ts).
 */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Tensor } from '../tensor/tensor.js';
import { eye } from '../tensor/create.js';
import { mul, sub } from '../ops/binary.js';
import { expandDims, stack, take } from '../ops/shape.js';
import { neg } from '../ops/unary.js';
import { onesLike } from '../ops/arrayHelpers.js';
import { matmul } from '../ops/linalg.js';
import { sum } from '../ops/reduce.js';
import { stopGradient, where } from '../ops/select.js';
import { prod } from '../products/prod.js';
import { svd } from './svd.js';
import { diagEmbed, diagonal } from './diagonal.js';
import { matrixTranspose } from './matrix.js';

/** det(U)·det(Vᵀ) = ±1 per matrix as [..., 1, 1]: the orientation of the two orthogonal factors. */
function orientation(u: Tensor, vh: Tensor, det: (x: Tensor) => Tensor): Tensor {
  return expandDims(expandDims(stopGradient(mul(det(u), det(vh))), -1), -1);
}

/**
 * With A = U diag(s) Vᵀ (square): adj(A) = adj(Vᵀ) adj(diag s) adj(U) = det(U) det(V) · V diag(c) Uᵀ,
 * c_i = Π_{j≠i} s_j (adj(XY) = adj(Y) adj(X), adj(Q) = det(Q) Qᵀ for orthogonal Q); so
 * adj(A)ᵀ = ±U diag(c) Vᵀ, backward stable at any rank (no division).
 *
 * Its derivative, from adj(A + dA) = ±V adj(diag(s) + E) Uᵀ with E = Uᵀ dA V (exact for any SVD
 * of A, so also where singular values repeat: rank ≤ n − 2, where differentiating U and V would
 * divide by sᵢ² − sⱼ² = 0): to first order in E, the adjugate of a diagonal matrix moves by
 *   D(E) = diag(C·diag(E)) − E ∘ C,   C_ik = Π_{m≠i,k} s_m (i ≠ k), C_ii = 0
 * (the cofactor of entry (k, i) of diag(s) + E, expanded: its diagonal gathers the E_kk, its
 * off-diagonal entries are −E_ik times the other pivots). D is self-adjoint (C is symmetric) and
 * D(E)ᵀ = D(Eᵀ), so the JVP and the VJP are one map:
 *   X ↦ ±U D((Uᵀ X V)ᵀ) Vᵀ,
 * with tangent X = dA, or with cotangent X = Ḡ of adj(A)ᵀ giving Ā. The Hessian of det is symmetric.
 * Written in ops of the SVD's factors, so differentiated again where the singular values are distinct.
 */
function adjugateMap(a: Tensor, x: Tensor, det: (x: Tensor) => Tensor): Tensor {
  const { u, s, vh } = svd(a);
  const n = s.shape[s.ndim - 1]!;
  // C_ik = Π_m s_m over m ∉ {i, k}: s broadcast to [..., n (i), n (k), n (m)], the excluded entries 1.
  const sm = expandDims(expandDims(s, -2), -2); // [..., 1, 1, n]
  const ii = expandDims(eye(n), 1); // [n, 1, n]: m = i
  const kk = expandDims(eye(n), 0); // [1, n, n]: m = k
  const skip = where(ii, 1, where(kk, 1, sm)); // [..., n, n, n]
  const offDiagonal = sub(1, eye(n));
  const C = mul(prod(skip, -1), offDiagonal); // [..., n, n], C_ii = 0
  const W = matrixTranspose(matmul(matmul(matrixTranspose(u), x), matrixTranspose(vh))); // (Uᵀ X V)ᵀ
  const dw = diagonal(W); // [..., n]
  const D = sub(diagEmbed(sum(mul(C, expandDims(dw, -2)), -1), 0, n, n), mul(W, C));
  return mul(orientation(u, vh, det), matmul(matmul(u, D), vh));
}

/** adj(A)ᵀ per square matrix, as ±U diag(c) Vᵀ (see adjugateMap). */
function adjugateValue(a: Tensor, det: (x: Tensor) => Tensor): Tensor {
  const { u, s, vh } = svd(a);
  const c = prod(where(eye(s.shape[s.ndim - 1]!), 1, expandDims(s, -2)), -1); // c_i = Π_{j≠i} s_j
  return mul(orientation(u, vh, det), matmul(mul(u, expandDims(c, -2)), vh));
}

/** The primitive for one `det` (passed in: det.ts imports this file). */
export function adjugatePrimitive(det: (x: Tensor) => Tensor): Primitive<null> {
  const p: Primitive<null> = definePrimitive<null>({
    name: 'adjugateTranspose',
    saves: 'inputs',
    forward: ([a]) => adjugateValue(a!, det),
    vjp: (g, r) => [adjugateMap(r.inputs[0]!, g, det)],
    jvp: ([t], [a]) => (t === null ? null : adjugateMap(a!, t, det)),
    batch: leadingAxesRule(() => p),
  });
  return p;
}

/** adj(A)ᵀ of each square matrix of `a` (batched over leading axes), differentiable at any rank. */
export function adjugateTranspose(a: Tensor, primitive: Primitive<null>): Tensor {
  return apply(primitive, [a], null);
}

/**
 * adj(A)ᵀ of matrices of order n ≤ 3 as the cofactor polynomials themselves, C_ij = (−1)^(i+j)·M_ij
 * (M_ij the minor without row i and column j): differentiated exactly to every order and at every
 * rank, where the SVD form's derivative holds only to second order where singular values repeat
 * (the zero matrix, or rank ≤ n − 2: det's third derivative there was NaN, or wrong at 0). Null for n > 3.
 */
export function cofactorMatrix(a: Tensor): Tensor | null {
  const n = a.shape[a.ndim - 1]!;
  if (n > 3) return null;
  if (n === 0) return a;
  const at = (i: number, j: number): Tensor => take(take(a, i, -2), j, -1); // [...batch]
  let rows: Tensor[][];
  if (n === 1) rows = [[onesLike(at(0, 0))]];
  else if (n === 2) rows = [[at(1, 1), neg(at(1, 0))], [neg(at(0, 1)), at(0, 0)]];
  else {
    const minor = (i: number, j: number): Tensor => {
      const [r0, r1] = [0, 1, 2].filter((r) => r !== i) as [number, number];
      const [c0, c1] = [0, 1, 2].filter((c) => c !== j) as [number, number];
      return sub(mul(at(r0, c0), at(r1, c1)), mul(at(r0, c1), at(r1, c0)));
    };
    rows = [0, 1, 2].map((i) => [0, 1, 2].map((j) => ((i + j) % 2 === 0 ? minor(i, j) : neg(minor(i, j)))));
  }
  return stack(rows.map((row) => stack(row, -1)), -2);
}

