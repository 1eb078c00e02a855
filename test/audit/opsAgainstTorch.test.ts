/**
 * @file Regressions found by differential testing of the op catalogue and ad.linalg against
 * PyTorch 1.13 (float64, torch.autograd) and NumPy. The oracle values are written out here (closed
 * forms, or the numbers torch/NumPy printed), so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('clip with lo > hi', () => {
  // numpy.clip, jnp.clip (minimum(maximum(x, lo), hi)) and torch.clamp all give hi everywhere
  // when lo > hi: np.clip([-5, 0, 5], 1, -1) == [-1, -1, -1].
  it('is hi everywhere, as minimum(maximum(x, lo), hi)', () => {
    expect(arr(ad.clip(ad.tensor([-5, 0, 5]), 1, -1))).toEqual([-1, -1, -1]);
    expect(arr(ad.clip(ad.tensor([-5, 0, 5]), ad.tensor([1, -2, 1]), ad.tensor([-1, 2, 0])))).toEqual([-1, 0, 0]);
  });

  it('sends the whole gradient to hi there, and none to x or lo', () => {
    const [gx, glo, ghi] = ad.grad((x: Tensor, lo: Tensor, hi: Tensor) => ad.sum(ad.mul(ad.clip(x, lo, hi), ad.tensor([1, 2, 3]))), [0, 1, 2])(
      ad.tensor([-5, 0, 5]), ad.tensor(1), ad.tensor(-1),
    );
    expect(arr(gx)).toEqual([0, 0, 0]);
    expect(glo.item()).toBe(0);
    expect(ghi.item()).toBe(6);
  });

  it('keeps the documented gradient on [lo, hi] (boundaries included) when lo ≤ hi', () => {
    const g = ad.grad((x: Tensor) => ad.sum(ad.clip(x, -0.5, 0.5)))(ad.tensor([-1, -0.5, 0, 0.5, 1]));
    expect(arr(g)).toEqual([0, 1, 1, 1, 0]);
    const [glo, ghi] = ad.grad((lo: Tensor, hi: Tensor) => ad.sum(ad.clip(ad.tensor([-1, 0, 1]), lo, hi)), [0, 1])(ad.tensor(-0.5), ad.tensor(0.5));
    expect([glo.item(), ghi.item()]).toEqual([1, 1]);
  });
});

describe('clip at NaN', () => {
  // torch.clamp(nan, 0, 1) is nan and its gradient 0 (the VJP passes g where lo <= x <= hi, false
  // at NaN); a NaN bound gives NaN, as np.clip / jnp.clip (maximum and minimum propagate NaN).
  it('gives NaN with a zero gradient for a NaN entry, and the usual gradient elsewhere', () => {
    const x = ad.tensor([Number.NaN, 0.5, 2]);
    expect(arr(ad.clip(x, 0, 1))).toEqual([Number.NaN, 0.5, 1]);
    expect(arr(ad.grad((v: Tensor) => ad.sum(ad.clip(v, 0, 1)))(x))).toEqual([0, 1, 0]);
    const [, tangent] = ad.jvp((v: Tensor) => ad.clip(v, 0, 1), [x], [ad.tensor([1, 1, 1])]);
    expect(arr(tangent as Tensor)).toEqual([0, 1, 0]);
  });

  it('gives NaN everywhere a bound is NaN, with no gradient to x or the bounds', () => {
    const x = ad.tensor([-1, 0.5, 2]);
    expect(arr(ad.clip(x, Number.NaN, 1))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(arr(ad.clip(x, ad.tensor([0, Number.NaN, 0]), 1))).toEqual([0, Number.NaN, 1]);
    const [gx, glo, ghi] = ad.grad((v: Tensor, lo: Tensor, hi: Tensor) => ad.sum(ad.clip(v, lo, hi)), [0, 1, 2])(
      x, ad.tensor([0, 0, 0]), ad.tensor([1, Number.NaN, 1]),
    );
    expect(arr(gx)).toEqual([0, 0, 0]);
    expect(arr(glo)).toEqual([1, 0, 0]);
    expect(arr(ghi)).toEqual([0, 0, 1]);
  });

  it('does the same under vmap and jit', () => {
    const f = (v: Tensor) => ad.sum(ad.clip(v, 0, 1));
    const X = ad.tensor([[Number.NaN, 0.5], [2, Number.NaN]]);
    expect(arr(ad.vmap(ad.grad(f))(X) as Tensor)).toEqual([0, 1, 0, 0]);
    const jg = ad.jit(ad.grad(f));
    jg(ad.tensor([0.2, 0.3]));
    expect(arr(jg(ad.tensor([Number.NaN, 0.5])))).toEqual([0, 1]);
  });
});

describe('the gradient of det at an exactly singular matrix', () => {
  // The true derivative is the transposed adjugate, [[4, −2], [−2, 1]] here. The first-order fused
  // kernel once returned exact zeros (as torch 1.13 does), then the rule's 0·∞ = NaN; the rule now
  // takes the adjugate from the SVD there (test/audit/higherBadInputAndDegenerate.test.ts), in
  // reverse and forward mode alike, never a silent 0.
  const singular = [[1, 2], [2, 4]];
  it('is the adjugate in reverse mode, as in forward mode, not a finite 0', () => {
    const g = arr(ad.grad((a: Tensor) => ad.linalg.det(a))(ad.tensor(singular)));
    [4, -2, -2, 1].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 14));
    const t = ad.jvp((a: Tensor) => ad.linalg.det(a), [ad.tensor(singular)], [ad.tensor([[1, 0], [0, 0]])])[1].item();
    expect(t).toBeCloseTo(4, 14);
  });

  it('leaves the other matrices of a batch exact, and a zero cotangent still gives 0', () => {
    const a = ad.tensor([singular, [[2, 1], [1, 3]]]);
    const g = arr(ad.grad((x: Tensor) => ad.sum(ad.mul(ad.linalg.det(x), ad.tensor([1, 2]))))(a));
    [4, -2, -2, 1].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 14));
    // d det/da = det(a)·a⁻ᵀ = adj(a)ᵀ = [[3, −1], [−1, 2]] for [[2, 1], [1, 3]], times the cotangent 2.
    expect(g.slice(4)).toEqual([6, -2, -2, 4]);
    const g0 = arr(ad.grad((x: Tensor) => ad.sum(ad.mul(ad.linalg.det(x), ad.tensor([0, 1]))))(a));
    expect(g0).toEqual([0, 0, 0, 0, 3, -1, -1, 2]);
  });
});

describe('pow at the cases where JavaScript and IEEE 754 differ', () => {
  // IEEE 754, C, NumPy, JAX and torch: pow(1, y) = 1 for every y, NaN included, and
  // pow(−1, ±∞) = 1; Math.pow gives NaN for those. np.power([1, -1, -1, 1], [nan, inf, -inf, -inf])
  // == [1, 1, 1, 1]. Every path — tensor kernel, 0-d ops, the scalar tape, jit replay — agrees.
  const bases = [1, -1, -1, 1, 1, 2, -2, 0, Number.NaN];
  const exps = [Number.NaN, Infinity, -Infinity, -Infinity, Infinity, Number.NaN, 0.5, 0, 0];
  const expected = [1, 1, 1, 1, 1, Number.NaN, Number.NaN, 1, 1];

  it('gives 1 for 1 to any power and for −1 to ±∞, on tensors and on 0-d values', () => {
    expect(arr(ad.pow(ad.tensor(bases), ad.tensor(exps)))).toEqual(expected);
    expect(bases.map((b, i) => ad.pow(ad.scalar(b), exps[i]!).item())).toEqual(expected);
    const jitted = ad.jit((a: Tensor, b: Tensor) => ad.pow(a, b));
    for (let k = 0; k < 3; k++) expect(arr(jitted(ad.tensor(bases), ad.tensor(exps)))).toEqual(expected);
  });

  it('has the same value on the scalar tape of 0-d ops under valueAndGrad', () => {
    const f = (x: Tensor) => ad.add(ad.pow(x, ad.mul(x, Number.NaN)), ad.pow(ad.neg(x), Infinity)); // 1^NaN + (−1)^∞ at x = 1
    const [v, g] = ad.valueAndGrad(f)(ad.scalar(1));
    expect(v.item()).toBe(2);
    expect(Number.isNaN(g.item())).toBe(true); // b·a^(b−1) with b = NaN
  });
});

describe('maximum and minimum where an operand is NaN', () => {
  // The output is NaN: neither operand wins nor ties, so both weights are 0 (JAX's rule), whichever
  // side the NaN is on. Before, the second operand took the whole cotangent (1 − a's weight).
  const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [['maximum', ad.maximum], ['minimum', ad.minimum]];
  it.each(cases)('%s: both gradients 0 on tensors, on the scalar tape and under jit', (_name, op) => {
    const f = (a: Tensor, b: Tensor) => ad.sum(op(a, b));
    const a = ad.tensor([Number.NaN, 1, 2, 3]), b = ad.tensor([1, Number.NaN, 2, 5]);
    const expectA = op === ad.maximum ? [0, 0, 0.5, 0] : [0, 0, 0.5, 1];
    const expectB = op === ad.maximum ? [0, 0, 0.5, 1] : [0, 0, 0.5, 0];
    for (const g of [ad.grad(f, [0, 1]), ad.jit(ad.grad(f, [0, 1]))]) {
      for (let k = 0; k < 2; k++) {
        const [ga, gb] = g(a, b);
        expect([arr(ga), arr(gb)]).toEqual([expectA, expectB]);
      }
    }
    const scalar = ad.grad((x: Tensor, y: Tensor) => op(x, y), [0, 1]);
    expect(scalar(ad.scalar(Number.NaN), ad.scalar(1)).map((t) => t.item())).toEqual([0, 0]);
    expect(scalar(ad.scalar(1), ad.scalar(Number.NaN)).map((t) => t.item())).toEqual([0, 0]);
    const [, tangent] = ad.jvp((x: Tensor, y: Tensor) => op(x, y), [ad.tensor([1, Number.NaN]), ad.tensor([Number.NaN, 1])], [ad.ones([2]), ad.ones([2])]);
    expect(arr(tangent as Tensor)).toEqual([0, 0]);
  });
});

describe('take with per-example indices under vmap', () => {
  // As jax.vmap(jnp.take): each example's indices pick from that example (or from a shared x).
  it('picks per example, along any axis, with negative indices, and differentiates into x', () => {
    const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(arr(ad.vmap((a: Tensor, i: Tensor) => ad.take(a, i, 0), [0, 0])(x, ad.tensor([0, 2])))).toEqual([1, 6]);
    const shared = ad.vmap((a: Tensor, i: Tensor) => ad.take(a, i, 1), [null, 0])(x, ad.tensor([[0, 2], [1, -1]]));
    expect(shared.shape).toEqual([2, 2, 2]);
    expect(arr(shared)).toEqual([1, 3, 4, 6, 2, 3, 5, 6]);
    const picked = (a: Tensor) => ad.sum(ad.vmap((row: Tensor, i: Tensor) => ad.mul(ad.take(row, i, 0), ad.tensor([1, 10])), [0, 0])(a, ad.tensor([[0, 0], [2, 1]])));
    expect(arr(ad.grad(picked)(x))).toEqual([11, 0, 0, 0, 10, 1]);
  });

  it('reports an index out of range, naming take', () => {
    expect(() => ad.vmap((a: Tensor, i: Tensor) => ad.take(a, i, 0), [0, 0])(ad.tensor([[1, 2, 3], [4, 5, 6]]), ad.tensor([0, 3]))).toThrow(/take/);
  });
});

describe('svd of a matrix with a singular value at the rounding level', () => {
  // One-sided Jacobi rotated the noise column (s₃ = 4e-157) in subnormal arithmetic: U's last
  // column came out far from orthogonal (|UᵀU − I| = 1.0; numpy: 7e-16). It is now
  // reorthogonalised against the others, and a graded matrix keeps its exact vectors.
  const orthogonality = (q: Tensor) => {
    const k = q.shape[1]!, qtq = ad.matmul(ad.linalg.matrixTranspose(q), q).toArray() as number[][];
    return Math.max(...qtq.flatMap((row, i) => row.map((x, j) => Math.abs(x - (i === j ? 1 : 0)))).slice(0, k * k));
  };
  it.each([
    [[[1, 2, 3], [2, 4, 6], [1, 0, 1]]],
    [[[1, 1, 1], [1, 1, 1], [1, 1, 1]]],
    [[[1, 2], [2, 4], [3, 6]]],
    [[[1, 2, 3, 4], [2, 4, 6, 8], [1, 1, 1, 1]]],
  ])('has orthonormal U and V for %j', (a) => {
    const { u, s, vh } = ad.linalg.svd(ad.tensor(a));
    expect(orthogonality(u)).toBeLessThan(1e-14);
    expect(orthogonality(ad.linalg.matrixTranspose(vh))).toBeLessThan(1e-14);
    const back = ad.matmul(ad.mul(u, s), vh).toArray() as number[][];
    a.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(back[i]![j]! - x)).toBeLessThan(1e-14)));
  });
  it('keeps the exact vectors of a graded matrix', () => {
    const { u, s, vh } = ad.linalg.svd(ad.tensor([[1, 0], [0, 1e-200]]));
    expect(Array.from(s.toFloat64Array())).toEqual([1, 1e-200]);
    expect(u.toArray()).toEqual([[1, 0], [0, 1]]);
    expect(vh.toArray()).toEqual([[1, 0], [0, 1]]);
  });
});
