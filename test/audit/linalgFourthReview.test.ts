/**
 * @file Defects found by porting linear-algebra code (session 15's review), each against an exact
 * oracle: det's Hessian on a batch mixing singular and regular matrices (the second adjugate), and
 * cond's gradient at a singular matrix, where it is ∞: no finite gradient in any transformation (JAX and
 * PyTorch give NaN; the eager p = 1 gradient at a 3×3 of rank 2 was 0, a stationary point that is not).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const L = ad.linalg;

describe('det: second order on a batch mixing singular and regular matrices', () => {
  it('is the second adjugate for every matrix (it was NaN for the singular ones, reverse over reverse)', () => {
    const a = ad.tensor([[[2, 1], [0.5, 3]], [[1, 2], [2, 4]]]); // regular, exactly singular
    const t = ad.tensor([[[0.3, -1.2], [0.7, 0.1]], [[0.3, -1.2], [0.7, 0.1]]]);
    const g = ad.grad((x: Tensor) => ad.sum(L.det(x)));
    // For 2×2, ∂²det[t] = [[t11, −t10], [−t01, t00]] at every matrix.
    const want = [[0.1, -0.7], [1.2, 0.3]];
    for (const got of [ad.grad((x: Tensor) => ad.sum(ad.mul(g(x), t)))(a), ad.jvp(g, [a], [t])[1]]) {
      for (const m of got.toArray() as number[][][]) m.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i]!, 14));
    }
    const h = ad.hessian((x: Tensor) => ad.sum(L.det(x)))(a);
    expect((h.toArray() as number[][][][][][]).flat(5).every(Number.isFinite)).toBe(true);
  });

  it('3×3 of rank 2, 1 and 0 beside a regular one, and det²: finite, the adjugate\'s derivative', () => {
    const b = ad.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[2, 0, 1], [1, 3, 0], [0, 1, 4]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]]);
    const t = ad.random.normal(ad.random.key(3), [4, 3, 3]);
    const g = ad.grad((x: Tensor) => ad.sum(L.det(x)));
    const rev = ad.grad((x: Tensor) => ad.sum(ad.mul(g(x), t)))(b).toArray() as number[][][];
    const fwd = ad.jvp(g, [b], [t])[1].toArray() as number[][][];
    rev.flat(2).forEach((v, i) => expect(v).toBeCloseTo(fwd.flat(2)[i]!, 12));
    // det² at a singular matrix: its Hessian is 2⟨adjᵀ, t⟩ adjᵀ, and ⟨adjᵀ, 𝟙⟩ = 0 for [[1..9]], adjᵀ = 0 at rank ≤ 1.
    const sq = ad.grad((x: Tensor) => ad.sum(ad.mul(ad.grad((y: Tensor) => ad.sum(ad.square(L.det(y))))(x), ad.ones([4, 3, 3]))))(b).toArray() as number[][][];
    for (const k of [0, 2, 3]) sq[k]!.flat().forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-13));
  });
});

describe('det: third order at rank ≤ n − 2 (n ≤ 3)', () => {
  it('is constant, as for a cubic: the zero matrix and the all-ones matrix give the regular matrix\'s D³det[V, V, ·] (it was diagonal at 0, NaN at 𝟙𝟙ᵀ)', () => {
    const V = ad.tensor([[0.3, -1.2, 0.5], [0.7, 0.1, -0.4], [1.1, 0.2, 0.9]]);
    const forward = (A: Tensor) => ad.grad((X: Tensor) => ad.jvp((Y: Tensor) => ad.jvp((Z: Tensor) => L.det(Z), [Y], [V])[1], [X], [V])[1])(A);
    const reverse = (A: Tensor) => ad.grad((X: Tensor) => ad.sum(ad.mul(ad.grad((Y: Tensor) => ad.sum(ad.mul(ad.grad(L.det)(Y), V)))(X), V)))(A);
    // D³det[V, V, ·]_ij = 2·cofactor_ij(V) for 3×3 (det is cubic): [[0.34, −2.14, 0.06], [2.36, −0.56, −2.76], [0.86, 0.94, 1.74]]
    const want = [0.34, -2.14, 0.06, 2.36, -0.56, -2.76, 0.86, 0.94, 1.74];
    for (const A of [ad.tensor([[2, 0, 1], [1, 3, 0], [0, 1, 4]]), ad.zeros([3, 3]), ad.ones([3, 3]), ad.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])]) {
      for (const got of [forward(A), reverse(A)]) (got.toArray() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 13));
    }
    const mapped = ad.vmap(reverse)(ad.stack([ad.zeros([3, 3]), ad.eye(3)])).toArray() as number[][][];
    mapped.forEach((m) => m.flat().forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 13)));
    // ill-conditioned but not flagged near-singular: det·A⁻ᵀ lost digits there (Hessian 2e−4 off, third derivative 170)
    const ill = ad.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9 + 1e-5]]);
    expect((ad.hessian(L.det)(ill).toArray() as number[][][][])[0]![0]![1]![1]).toBeCloseTo(9 + 1e-5, 12);
    (reverse(ill).toArray() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 13));
    // 2×2 and 1×1: the cofactor matrix itself at a singular matrix
    expect(ad.grad(L.det)(ad.tensor([[1, 2], [2, 4]])).toArray()).toEqual([[4, -2], [-2, 1]]);
    expect(ad.grad(L.det)(ad.tensor([[0]])).toArray()).toEqual([[1]]);
  });
});

describe('cond at a singular matrix', () => {
  it('is ∞ with no finite gradient for every p (NaN, or ±∞ where the formula divides by a zero singular value), eagerly, under vmap and under jit (it was 0 eagerly for p = 1 at a 3×3 of rank 2)', () => {
    const singular = [ad.tensor([[1, 2, 3], [2, 4, 6], [0, 1, 1]]), ad.tensor([[1, 2], [2, 4]]), ad.zeros([2, 2])];
    for (const s of singular) {
      for (const p of [undefined, 2, 1, -1, Infinity, -Infinity, 'fro', 'nuc'] as const) {
        const g = ad.grad((a: Tensor) => L.cond(a, p));
        expect(L.cond(s, p).item()).toBe(Infinity);
        const infinite = (v: number) => !Number.isFinite(v);
        expect((g(s).toArray() as number[][]).flat().every(infinite)).toBe(true);
        expect((ad.vmap(g)(ad.stack([s])).toArray() as number[][][]).flat(2).every(infinite)).toBe(true);
        const jitted = ad.jit(g);
        jitted(ad.eye(s.shape[0]!));
        expect((jitted(s).toArray() as number[][]).flat().every(infinite)).toBe(true);
      }
    }
    // A regular matrix keeps its finite gradient; a NaN in a keeps cond NaN (NumPy).
    expect((ad.grad((a: Tensor) => L.cond(a, 1))(ad.tensor([[2, 1], [1, 3]])).toArray() as number[][]).flat().every(Number.isFinite)).toBe(true);
    expect(L.cond(ad.tensor([[1, NaN], [0, 1]]), 1).item()).toBeNaN();
    // singular with entries whose sum overflows: still ∞ (a first form of the fix gave NaN: ∞ − ∞)
    expect(L.cond(ad.tensor([[1e308, 0, 1e308], [0, 1, 0], [1e308, 0, 1e308]]), 1).item()).toBe(Infinity);
    expect(L.cond(ad.tensor([[1.5e308, 1.5e308, 0], [1.5e308, 1.5e308, 0], [0, 0, 1]]), 'fro').item()).toBe(Infinity);
  });
});
