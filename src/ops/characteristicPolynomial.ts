/**
 * @file The characteristic polynomial det(λI − A) of a square matrix, as differentiable ops:
 * Householder reduction to upper Hessenberg form, then La Budde's recurrence on the Hessenberg
 * matrix (Wilkinson, "The Algebraic Eigenvalue Problem", §6.57; Rehman & Ipsen, "La Budde's
 * method for computing characteristic polynomials", 2011).
 *
 * Why not the Faddeev–LeVerrier recurrence (c_{n−k} = −tr(A M_k)/k): its traces of powers of A
 * cancel catastrophically when the eigenvalues span a wide range — diag(1e-3, 1, 1e3, 1e6) gave a
 * constant coefficient of 4,945,990 for 1e6. The reduction is a similarity by reflections (backward
 * stable), and the recurrence multiplies each leading principal minor's polynomial by one linear
 * factor plus a combination of earlier minors: a diagonal or triangular matrix gives exactly the
 * products Π(λ − a_ii), as numpy.poly of its eigenvalues does.
 */
import { Tensor } from '../tensor/tensor.js';
import { eye, tensor, zeros } from '../tensor/create.js';
import { add, div, greater, greaterEqual, mul, sub } from './binary.js';
import { sqrt } from './unary.js';
import { where } from './select.js';
import { sum } from './reduce.js';
import { concat, reshape, slice } from './shape.js';
import { matmul, outer } from './linalg.js';

/** Entry (i, j) of a matrix, 0-d. */
const at = (a: Tensor, i: number, j: number) => reshape(slice(a, [i, j], [1, 1]), []);

/** A coefficient vector (highest degree first) with `k` zeros in front. */
const shifted = (p: Tensor, k: number) => (k === 0 ? p : concat([zeros([k]), p], 0));

/**
 * Q A Qᵀ upper Hessenberg, Q orthogonal: for each column k < n − 2, the reflection
 * P = I − 2vvᵀ/(vᵀv), v = x + sign(x₀)‖x‖e₁ over x = A[k+1:, k], zeroes x below its first entry
 * (A ← P A P). A column already zero below the subdiagonal is left as it is (P = I): the
 * denominators are taken where they are positive only, so no 0/0 reaches the values or the
 * derivatives.
 */
function hessenberg(a: Tensor): Tensor {
  const n = a.shape[0]!;
  for (let k = 0; k < n - 2; k++) {
    const x = reshape(slice(a, [k + 1, k], [n - k - 1, 1]), [n - k - 1]);
    const x0 = reshape(slice(x, [0], [1]), []);
    const ss = sum(mul(x, x));
    const positive = greater(ss, 0);
    const norm = where(positive, sqrt(where(positive, ss, 1)), 0);
    const s = where(greaterEqual(x0, 0), 1, -1);
    const head = add(x0, mul(s, norm)); // no cancellation: x₀ and s‖x‖ have one sign
    const v = concat([zeros([k + 1]), reshape(head, [1]), slice(x, [1], [n - k - 2])], 0);
    const vv = sum(mul(v, v));
    const some = greater(vv, 0);
    const scale = where(some, div(2, where(some, vv, 1)), 0);
    const p = sub(eye(n), mul(scale, outer(v, v)));
    a = matmul(matmul(p, a), p);
  }
  return a;
}

/**
 * det(λI − A) for a square A [n, n] (n ≥ 1), coefficients highest degree first ([1, …], n + 1 of
 * them). La Budde's recurrence on H = hessenberg(A), with p₀ = 1 and, for the leading k × k block,
 *   p_k(λ) = (λ − h_kk) p_{k−1}(λ) − Σ_{i<k} h_ik (h_{i+1,i} ⋯ h_{k,k−1}) p_{i−1}(λ)
 * (1-based; the expansion of det(λI − H_k) along its last column).
 */
export function characteristicPolynomial(a: Tensor): Tensor {
  const n = a.shape[0]!;
  const h = hessenberg(a);
  const ps: Tensor[] = [tensor([1])]; // ps[k]: the coefficients of p_k, k + 1 of them
  for (let k = 1; k <= n; k++) {
    const prev = ps[k - 1]!;
    // (λ − h_kk) p_{k−1}: p_{k−1} shifted up one degree, minus h_kk times it.
    let pk = sub(concat([prev, zeros([1])], 0), mul(at(h, k - 1, k - 1), shifted(prev, 1)));
    let beta: Tensor | null = null; // h_{i+1,i} ⋯ h_{k,k−1}, built from i = k − 1 down
    for (let i = k - 1; i >= 1; i--) {
      const sub1 = at(h, i, i - 1); // h_{i+1,i} in 1-based terms
      beta = beta === null ? sub1 : mul(beta, sub1);
      pk = sub(pk, mul(mul(at(h, i - 1, k - 1), beta), shifted(ps[i - 1]!, k - i + 1)));
    }
    ps.push(pk);
  }
  return ps[n]!;
}
