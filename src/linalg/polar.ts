/** @file linalg.polar: the polar decomposition a = u p (or p u), values from the SVD, derivatives through a Sylvester equation (finite at repeated singular values). */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { gemm } from '../tensor/kernels/matmul.js';
import { svdKernel } from '../tensor/kernels/linalg/svd.js';
import { add, mul, sub } from '../ops/binary.js';
import { concat } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, matrixArg, matrixTranspose, noOptions, packRows, rows, symmetricPart } from './matrix.js';
import { sylvester } from './sylvester.js';
import { solveSquare } from './solve.js';
import { extraArguments } from '../core/extraArguments.js';

// A tall a [m, n] (m ≥ n) of full rank is a = u h with uᵀu = I and h = (aᵀa)^½ symmetric positive
// definite. Differentiating: ȧ = u̇ h + u ḣ. With X = uᵀȧ and Ω = uᵀu̇ restricted to the range of u
// (skew, as uᵀu = I), X = Ω h + ḣ and Xᵀ = −h Ω + ḣ, so
//   h Ω + Ω h = X − Xᵀ                                  (a Lyapunov equation: Ω = L⁻¹(X − Xᵀ)),
//   ḣ = X − Ω h = (X + Xᵀ)/2 − (Ω h − h Ω)/2            (the same, written symmetric),
//   u̇ = u Ω + (I − u uᵀ) ȧ h⁻¹                          (the second term only when m > n)
// (Higham, "Functions of Matrices", 2008, §8.1; in the eigenbasis of h, Ω's entries are the
// rotated X − Xᵀ over σᵢ + σⱼ — where the SVD's own rule has 1/(σᵢ² − σⱼ²), which is infinite at a
// repeated singular value though u and h are smooth there). L is its own transpose (h symmetric),
// so for cotangents ū, h̄ (hₛ = (h̄ + h̄ᵀ)/2), with Z = L⁻¹(uᵀū − hₛ h):
//   ā = u (Z − Zᵀ + hₛ) + (I − u uᵀ) ū h⁻¹.
// Both rules are written in ops whose own rules exist (sylvester, solve), so derivatives of any
// order follow. A singular a (σᵢ + σⱼ = 0, or h singular when m > n) gives ±∞/NaN: u is not
// unique there.
const polarP: Primitive<null> = definePrimitive<null>({
  name: 'polar',
  saves: 'output',
  forward: ([a]) => {
    const m = a!.shape[a!.ndim - 2]!, n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    checkFinite('linalg.polar', a!, m * n);
    const w = new Float64Array(count * m * n), s = new Float64Array(count * n), vh = new Float64Array(count * n * n);
    svdKernel(a!.values, count, m, n, w, s, vh);
    // u = W Vᵀ; h = V diag(s) Vᵀ = Vᵀᵀ (s ∘ Vᵀ), made exactly symmetric.
    const u = new Float64Array(count * m * n), h = new Float64Array(count * n * n), sv = new Float64Array(n * n);
    for (let t = 0; t < count; t++) {
      const vo = t * n * n;
      if (n > 0) gemm(w, t * m * n, vh, vo, u, t * m * n, m, n, n, false, false, true);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sv[i * n + j] = s[t * n + i]! * vh[vo + i * n + j]!;
      if (n > 0) gemm(vh, vo, sv, 0, h, vo, n, n, n, true, false, true);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const mean = 0.5 * (h[vo + i * n + j]! + h[vo + j * n + i]!);
          h[vo + i * n + j] = mean;
          h[vo + j * n + i] = mean;
        }
      }
    }
    return packRows(count, [{ data: u, per: m * n }, { data: h, per: n * n }], [...batch, m + n, n]);
  },
  vjp: (g, r) => {
    const n = g.shape[g.ndim - 1]!, m = g.shape[g.ndim - 2]! - n;
    const { u, h } = splitPolar(r.out!, m, n);
    const uBar = rows(g, 0, m), hs = symmetricPart(rows(g, m, n));
    const z = sylvester(h, h, sub(mm(u, uBar, true, false), mm(hs, h, false, false)));
    let aBar = mm(u, add(sub(z, matrixTranspose(z)), hs), false, false);
    if (m > n) {
      const p = matrixTranspose(solveSquare(h, matrixTranspose(uBar))); // ū h⁻¹ (h symmetric)
      aBar = add(aBar, sub(p, mm(u, mm(u, p, true, false), false, false)));
    }
    return [aBar];
  },
  jvp: ([t], _a, out) => {
    const n = out.shape[out.ndim - 1]!, m = out.shape[out.ndim - 2]! - n;
    const { u, h } = splitPolar(out, m, n);
    const x = mm(u, t!, true, false);
    const omega = sylvester(h, h, sub(x, matrixTranspose(x)));
    const hDot = sub(symmetricPart(x), mul(sub(mm(omega, h, false, false), mm(h, omega, false, false)), 0.5));
    let uDot = mm(u, omega, false, false);
    if (m > n) uDot = add(uDot, matrixTranspose(solveSquare(h, matrixTranspose(sub(t!, mm(u, x, false, false))))));
    return concat([uDot, hDot], -2);
  },
  batch: leadingAxesRule(() => polarP),
});

/** The packed output [..., m + n, n]: u (m rows), then h (n rows). */
function splitPolar(packed: Tensor, m: number, n: number): { u: Tensor; h: Tensor } {
  return { u: rows(packed, 0, m), h: rows(packed, m, n) };
}

/** u [..., m, n] and h [..., n, n] of a tall a = u h (m ≥ n). */
function tallPolar(a: Tensor): { u: Tensor; h: Tensor } {
  const m = a.shape[a.ndim - 2]!, n = a.shape[a.ndim - 1]!;
  return splitPolar(apply(polarP, [a], null), m, n);
}

/**
 * The polar decomposition of each matrix [..., m, n] (jax.scipy.linalg.polar, scipy.linalg.polar):
 * `[u, p]` with a = u·p (side 'right', the default; p [..., n, n]) or a = p·u (side 'left'; p
 * [..., m, m]), u [..., m, n] with orthonormal columns (m ≥ n) or rows (m < n), p symmetric
 * positive semi-definite. Values from the reduced SVD a = W·diag(s)·Vᵀ: u = W·Vᵀ, p = V·diag(s)·Vᵀ
 * (right) or W·diag(s)·Wᵀ (left), as JAX's method 'svd'. Batched over leading axes.
 *
 * Differentiable in reverse and forward mode to any order wherever a has full rank, repeated
 * singular values included (polar(I)'s derivative is finite): the rule solves the Lyapunov
 * equation h·Ω + Ω·h = uᵀȧ − ȧᵀu instead of going through the SVD's, whose terms are ±∞ at
 * repeated singular values (JAX's derivative is NaN there). At a rank-deficient a, u is not unique
 * and the derivative is ±∞/NaN.
 * @example ad.linalg.polar(ad.tensor([[0, -2], [3, 0]]))[1] // [[3, 0], [0, 2]]
 */
export function polar(a: TensorLike, side?: 'right' | 'left'): [Tensor, Tensor];
export function polar(a: TensorLike, side: unknown = 'right', ...extra: unknown[]): [Tensor, Tensor] {
  const op = 'linalg.polar';
  if (side !== 'right' && side !== 'left') {
    throw new InvalidArgumentError(`${op}: side must be 'right' (a = u p) or 'left' (a = p u), got ${describe(side)}.`);
  }
  noOptions(op, extra, "polar(a, side?) computes the decomposition from the SVD (JAX's method 'svd'; no other method is offered)");
  if (extra.length > 0) extraArguments(op, 'linalg.polar(a, side?)', extra, side);
  const t = matrixArg(op, a);
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  if (m >= n) {
    // a = u h; the left factor is u h uᵀ (p u = u h uᵀ u = u h = a).
    const { u, h } = tallPolar(t);
    return [u, side === 'right' ? h : symmetricPart(mm(mm(u, h, false, false), u, false, true))];
  }
  // Wide: aᵀ = u′ h′ is tall, so a = h′ u′ᵀ (the left factor is h′, u = u′ᵀ) and the right factor is
  // uᵀ a = u′ h′ u′ᵀ.
  const { u: ut, h } = tallPolar(matrixTranspose(t));
  return [matrixTranspose(ut), side === 'left' ? h : symmetricPart(mm(mm(ut, h, false, false), ut, false, true))];
}
