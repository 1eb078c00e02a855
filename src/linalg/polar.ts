/** @file linalg.polar: the polar decomposition a = u p (or p u) through the SVD, as jax.scipy.linalg.polar's method 'svd'. */
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { expandDims } from '../ops/shape.js';
import { mul } from '../ops/binary.js';
import { mm } from '../ops/linalg.js';
import { matrixArg, noOptions } from './matrix.js';
import { svd } from './svd.js';

/**
 * The polar decomposition of each matrix [..., m, n] (jax.scipy.linalg.polar, scipy.linalg.polar):
 * `[u, p]` with a = u·p (side 'right', the default; p [..., n, n]) or a = p·u (side 'left'; p
 * [..., m, m]), u [..., m, n] with orthonormal columns (m ≥ n) or rows (m < n), p symmetric
 * positive semi-definite. From the reduced SVD a = W·diag(s)·Vᵀ: u = W·Vᵀ, p = V·diag(s)·Vᵀ
 * (right) or W·diag(s)·Wᵀ (left). Batched over leading axes.
 *
 * Derivatives go through linalg.svd's, in reverse and forward mode to any order; they are finite
 * where the singular values are distinct (and non-zero when m ≠ n). At repeated singular values
 * u and p are still differentiable when a has full rank, but the SVD's intermediate terms are
 * ±∞ there, so the derivatives come out NaN (see docs/linalg.md, "Degenerate derivatives").
 * @example ad.linalg.polar(ad.tensor([[0, -2], [3, 0]]))[1] // [[3, 0], [0, 2]]
 */
export function polar(a: TensorLike, side?: 'right' | 'left'): [Tensor, Tensor];
export function polar(a: TensorLike, side: unknown = 'right', ...extra: unknown[]): [Tensor, Tensor] {
  const op = 'linalg.polar';
  if (side !== 'right' && side !== 'left') {
    throw new InvalidArgumentError(`${op}: side must be 'right' (a = u p) or 'left' (a = p u), got ${describe(side)}.`);
  }
  noOptions(op, extra, "polar(a, side?) computes the decomposition from the SVD (JAX's method 'svd'; no other method is offered)");
  const { u: w, s, vh } = svd(matrixArg(op, a));
  const u = mm(w, vh, false, false);
  // p = V diag(s) Vᵀ = (Vᵀ)ᵀ (s ∘ Vᵀ), or W diag(s) Wᵀ = (W ∘ s) Wᵀ.
  const p = side === 'right' ? mm(vh, mul(expandDims(s, -1), vh), true, false) : mm(mul(w, expandDims(s, -2)), w, false, true);
  return [u, p];
}
