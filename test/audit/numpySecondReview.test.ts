/**
 * @file Regressions from a second adversarial differential review of the jax.numpy-style op
 * catalogue against NumPy 1.24 (values) and PyTorch 1.13 float64 autograd (gradients). The oracle
 * values are the numbers NumPy / torch printed, written out, so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('variance, std, nanvar and nanstd of finite entries whose mean overflows', () => {
  // The mean of [1e308, 1.7e308] overflows to +∞, every rough deviation is −∞, and the mean-rounding
  // correction subtracted −∞ from −∞: NaN. NumPy 1.24 (and jnp) give +∞:
  //   np.var([1e308, 1.7e308]) = inf, np.std(...) = inf, np.nanvar([1e308, 1.7e308, nan]) = inf,
  //   np.var([[1e308, 1.7e308], [1, 3]], axis=1) = [inf, 1], np.std([-1e308, -1.7e308, -1.5e308]) = inf.
  it('is +∞ as NumPy, not NaN', () => {
    expect(ad.variance(ad.tensor([1e308, 1.7e308])).item()).toBe(Infinity);
    expect(ad.std(ad.tensor([1e308, 1.7e308])).item()).toBe(Infinity);
    expect(ad.std(ad.tensor([-1e308, -1.7e308, -1.5e308]), undefined, { ddof: 1 }).item()).toBe(Infinity);
    expect(ad.nanvar(ad.tensor([1e308, 1.7e308, NaN])).item()).toBe(Infinity);
    expect(ad.nanstd(ad.tensor([NaN, -1e308, -1.7e308])).item()).toBe(Infinity);
    expect(arr(ad.variance(ad.tensor([[1e308, 1.7e308], [1, 3]]), 1))).toEqual([Infinity, 1]);
    expect(arr(ad.nanvar(ad.tensor([[1e308, 1.7e308, NaN], [1, NaN, 3]]), 1))).toEqual([Infinity, 1]);
  });

  it('under jit as eagerly', () => {
    const v = ad.jit((x: Tensor) => ad.variance(x, 1));
    expect(arr(v(ad.tensor([[1, 2], [3, 5]])))).toEqual([0.25, 1]);
    expect(arr(v(ad.tensor([[1e308, 1.7e308], [1, 3]])))).toEqual([Infinity, 1]);
  });

  it('keeps NumPy\'s NaN where an entry is infinite or NaN', () => {
    // np.var([1, inf]) = np.var([inf, inf]) = np.var([-inf, inf]) = np.var([1, nan]) = nan
    for (const x of [[1, Infinity], [Infinity, Infinity], [-Infinity, Infinity], [1, NaN]]) {
      expect(ad.variance(ad.tensor(x)).item()).toBeNaN();
      expect(ad.std(ad.tensor(x)).item()).toBeNaN();
    }
    // np.nanvar([inf, 1, nan]) = nan, np.nanvar([nan, nan]) = nan
    expect(ad.nanvar(ad.tensor([Infinity, 1, NaN])).item()).toBeNaN();
    expect(ad.nanvar(ad.tensor([NaN, NaN])).item()).toBeNaN();
  });

  it('leaves ordinary values and gradients as they were', () => {
    // np.var([1e9 + 1, 1e9 + 2, 1e9 + 3]) = 2/3; torch: d/dx Σ w·var(x, dim=1, unbiased=True) for
    // x = [[1, 2, 4], [0, -1, 5]], w = [1, 2]: [[-1.3333333333333335, -0.3333333333333335, 1.6666666666666665],
    // [-2.6666666666666665, -4.666666666666666, 7.333333333333334]].
    expect(ad.variance(ad.tensor([1e9 + 1, 1e9 + 2, 1e9 + 3])).item()).toBe(2 / 3);
    const g = ad.grad((x: Tensor) => ad.sum(ad.mul(ad.variance(x, 1, { ddof: 1 }), ad.tensor([1, 2]))))(ad.tensor([[1, 2, 4], [0, -1, 5]]));
    const want = [-1.3333333333333335, -0.3333333333333335, 1.6666666666666665, -2.6666666666666665, -4.666666666666666, 7.333333333333334];
    arr(g).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
    const gn = ad.grad((x: Tensor) => ad.nanvar(x))(ad.tensor([1, NaN, 3, 8]));
    // torch.var over the non-NaN entries [1, 3, 8] (unbiased=False): 2(x − 4)/3 = [-2, ·, -2/3, 8/3]
    expect(arr(gn)).toEqual([-2, 0, -2 / 3, 8 / 3]);
  });
});

describe('trapezoid with x of fewer axes than y and a negative axis', () => {
  // numpy.trapz takes d = diff(x, axis=axis) with the axis as given, so −2 is x's own axis 0 when
  // x is [2, 2] and y [2, 2, 2]. The axis was normalised against y (to 1) and x differenced along
  // its axis 1: a silently different integral here, an error for the default axis −1.
  const y = ad.tensor([[[1, 2], [3, 5]], [[-1, 4], [2, -3]]]);
  const x = ad.tensor([[0, 1], [3, 7]]);
  it('differences x along its own axis, as NumPy', () => {
    // np.trapz(y, x, axis=-2) = [[6, 21], [1.5, 3]]
    expect(ad.trapezoid(y, x, 1, -2).toArray()).toEqual([[6, 21], [1.5, 3]]);
    // y = arange(24).reshape(2, 4, 3) ** 1.5, x [4, 3]: np.trapz(y, x, axis=-2), and the default
    // axis −1 on y transposed against xᵀ [3, 4] (a [2, 3] result either way)
    const yy = ad.pow(ad.reshape(ad.arange(24), [2, 4, 3]), 1.5);
    const xx = ad.tensor([[0, 0, 1], [1, 2, 2], [3, 3, 4], [7, 5, 8]]);
    const want = [105.88504400415715, 72.40316536786199, 159.03271977534888, 529.4975112730801, 370.2899331880565, 620.2672025330278];
    for (const got of [ad.trapezoid(yy, xx, 1, -2), ad.trapezoid(ad.transpose(yy, [0, 2, 1]), ad.transpose(xx))]) {
      expect(got.shape).toEqual([2, 3]);
      arr(got).forEach((v, i) => expect(Math.abs(v - want[i]!) / want[i]!).toBeLessThan(1e-14));
    }
  });
  it('with gradients in y and x as torch.autograd', () => {
    // torch: r = (diff(x, dim=0) · (y[:, 1:] + y[:, :-1]) / 2).sum(1), L = Σ [[1, 2], [3, 4]] · r
    const w = ad.tensor([[1, 2], [3, 4]]);
    const [gy, gx] = ad.grad((a: Tensor, b: Tensor) => ad.sum(ad.mul(ad.trapezoid(a, b, 1, -2), w)), [0, 1])(y, x);
    expect(gy.toArray()).toEqual([[[1.5, 6], [1.5, 6]], [[4.5, 12], [4.5, 12]]]);
    expect(gx.toArray()).toEqual([[-3.5, -9], [3.5, 9]]);
  });
});

describe('the gradient of logsumexp where an entry is +∞', () => {
  // lse = +∞ and every weight was exp(x − ∞)/Σ = NaN. torch.logsumexp (and JAX) give 0 to the
  // finite entries: torch's grad of logsumexp([inf, 1, -inf]) is [nan, 0, 0], of [inf, inf, 1]
  // [nan, nan, 0]. The entries at +∞ take the limit, 1/k each, as logaddexp(∞, 1)'s [1, 0]
  // (torch.logaddexp's too) and cumlogsumexp's rule already did, and as the log-semiring matmul
  // that logsumexp(add(a, b)) runs as (ops/outerSum.ts) already gave.
  const f = (t: Tensor) => ad.logsumexp(t);
  it('is 0 at the finite entries and 1/k at the k entries at +∞, eagerly, under jit and in forward mode', () => {
    expect(arr(ad.grad(f)(ad.tensor([Infinity, 1, -Infinity])))).toEqual([1, 0, 0]);
    expect(arr(ad.grad(f)(ad.tensor([Infinity, Infinity, 1])))).toEqual([0.5, 0.5, 0]);
    expect(arr(ad.jit(ad.grad(f))(ad.tensor([Infinity, Infinity, 1])))).toEqual([0.5, 0.5, 0]);
    expect(ad.jvp(f, [ad.tensor([Infinity, 1, 2])], [ad.tensor([3, 5, 7])])[1].item()).toBe(3);
    // still NaN where an entry is NaN (torch: nan everywhere), and 0 for a row of −∞ only
    expect(arr(ad.grad(f)(ad.tensor([NaN, Infinity, 1]))).every(Number.isNaN)).toBe(true);
    expect(arr(ad.grad(f)(ad.tensor([-Infinity, -Infinity])))).toEqual([0, 0]);
  });

  it('along an axis, long rows (the vectorised kernel) and the fused jit VJP alike', () => {
    const m = ad.tensor([[Infinity, 1, 2], [0, 1, 2], [3, Infinity, Infinity]]);
    const w = ad.tensor([1, 2, 3]);
    const loss = (t: Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.sub(t, 0), 1), w));
    // row 1 is softmax([0, 1, 2]) · 2 (torch: [0.18006114634076095, 0.4894569421095954, 1.330481911549644])
    const want = [[1, 0, 0], [0.18006114634076095, 0.4894569421095954, 1.330481911549644], [0, 1.5, 1.5]];
    for (const g of [ad.grad(loss)(m), ad.jit(ad.grad(loss))(m)]) {
      const got = g.toArray() as number[][];
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 15)));
    }
    arr(ad.grad(loss)(m).sum(1)).forEach((v, i) => expect(v).toBeCloseTo(i + 1, 15));
    const long = new Float64Array(5000).map((_, i) => Math.sin(i));
    long[7] = Infinity;
    const g = ad.grad(f)(ad.tensor(long)).toFloat64Array();
    expect([g[7], g.reduce((s, v) => s + (v === 0 ? 0 : 1), 0)]).toEqual([1, 1]);
  });

  it('equals the log-semiring matmul that logsumexp(add(a, b)) runs as', () => {
    const a0 = ad.random.normal(ad.random.key(1), [10, 1]).toFloat64Array();
    a0[3] = Infinity;
    const a = ad.tensor(a0, [10, 1]), b = ad.random.normal(ad.random.key(2), [1, 9]), w = ad.arange(10);
    const viaAdd = ad.grad((x: Tensor, y: Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.add(x, y), 1), w)), [0, 1])(a, b);
    const direct = ad.grad((x: Tensor, y: Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.sub(x, ad.neg(y)), 1), w)), [0, 1])(a, b);
    expect(arr(direct[0])[3]).toBe(3);
    arr(direct[0]).forEach((v, i) => expect(v).toBeCloseTo(arr(viaAdd[0])[i]!, 12));
    arr(direct[1]).forEach((v, i) => expect(v).toBeCloseTo(arr(viaAdd[1])[i]!, 12));
  });
});

describe("mod's and fmod's derivative in b where the quotient overflows", () => {
  // d/db mod(a, b) = −(a // b), d/db fmod(a, b) = −trunc(a/b). For mod(1e300, 1e−300) the quotient
  // is 1e600: torch.remainder and torch.fmod (float64 autograd) give −inf, JAX likewise; adjoint
  // dropped the term and gave 0 — a huge derivative reported as none. torch 1.13, grad of the sum:
  //   remainder(3, 0): gb = −inf; fmod(inf, 2): gb = −inf, fmod(−inf, 2): +inf.
  const A = [1e300, -1e300, 1e300, 3, 5, 7];
  const B = [1e-300, 1e-300, -1e-300, 0, 3, -2];
  it('is ∓∞ as torch, with the values unchanged', () => {
    for (const [op, want, value] of [
      ['mod', [-Infinity, Infinity, Infinity, -Infinity, -1, 4], [4.891554850853602e-301, 5.108445149146398e-301, -5.108445149146398e-301, NaN, 2, -1]],
      ['fmod', [-Infinity, Infinity, Infinity, -Infinity, -1, 3], [4.891554850853602e-301, -4.891554850853602e-301, 4.891554850853602e-301, NaN, 2, 1]],
    ] as const) {
      const f = op === 'mod' ? ad.mod : ad.fmod;
      const [ga, gb] = ad.grad((a: Tensor, b: Tensor) => ad.sum(f(a, b)), [0, 1])(ad.tensor(A), ad.tensor(B));
      expect(arr(gb)).toEqual(want);
      expect(arr(ga)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(arr(f(ad.tensor(A), ad.tensor(B)))).toEqual(value);
      expect(ad.jvp((b: Tensor) => ad.sum(f(ad.tensor(A.slice(4)), b)), [ad.tensor(B.slice(4))], [ad.tensor([1, 1])])[1].item()).toBe(want[4] + want[5]);
    }
    expect(arr(ad.grad((b: Tensor) => ad.sum(ad.fmod(ad.tensor([Infinity, -Infinity]), b)))(ad.tensor([2, 2])))).toEqual([-Infinity, Infinity]);
  });
});

describe("linspace's endpoint (NumPy's fourth argument)", () => {
  // np.linspace(0, 1, 5, False) = [0, 0.2, 0.4, 0.6000000000000001, 0.8]; a fourth argument was
  // ignored, so the same call gave [0, 0.25, 0.5, 0.75, 1] silently.
  it('leaves b out when false, positional or as { endpoint: false }, as NumPy', () => {
    expect(arr(ad.linspace(0, 1, 5, false))).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8]);
    expect(arr(ad.linspace(0, 1, 5, { endpoint: false }))).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8]);
    // np.linspace(0.1, 0.7, 7, False), np.linspace(2, -3, 1, False), np.linspace(0, 1, 0, False)
    expect(arr(ad.linspace(0.1, 0.7, 7, false))).toEqual([0.1, 0.18571428571428572, 0.27142857142857146, 0.3571428571428571, 0.44285714285714284, 0.5285714285714286, 0.6142857142857142]);
    expect(arr(ad.linspace(2, -3, 1, false))).toEqual([2]);
    expect(ad.linspace(0, 1, 0, false).shape).toEqual([0]);
    expect(arr(ad.linspace(0, 1, 5, true))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(arr(ad.linspace(0, 1, 5, {}))).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
  it('rejects anything else by name', () => {
    expect(() => ad.linspace(0, 1, 5, 'no' as unknown as boolean)).toThrow(/linspace: endpoint must be true or false/);
    expect(() => ad.linspace(0, 1, 5, { endPoint: false } as unknown as boolean)).toThrow(/linspace: unknown option 'endPoint'/);
    expect(() => ad.linspace(0, 1, 5, { endpoint: 0 } as unknown as boolean)).toThrow(/got number 0/);
  });
});

describe("diff's prepend and append (numpy.diff's)", () => {
  // They were not accepted: ad.diff(x, 1, -1, { prepend: 0 }) ignored its fourth argument and gave
  // [3, 5] for a row NumPy differences to [1, 3, 5]. Values from NumPy 1.24, gradients from torch.diff.
  const x = ad.tensor([[1, 4, 9], [16, 25, 36]]);
  it('joins them along the axis first, as NumPy', () => {
    expect(ad.diff(x, 1, -1, { prepend: 0 }).toArray()).toEqual([[1, 3, 5], [16, 9, 11]]);
    expect(ad.diff(x, 2, 0, { append: ad.tensor([[0, 1, 2]]) }).toArray()).toEqual([[-31, -45, -61]]);
    expect(ad.diff(x, 0, -1, { prepend: 5 }).toArray()).toEqual([[1, 4, 9], [16, 25, 36]]); // n = 0 returns x
    expect(ad.diff(x, 1, 1, { prepend: ad.tensor([[7], [8]]), append: -1 }).toArray()).toEqual([[-6, 3, 5, -10], [8, 9, 11, -37]]);
  });
  it('is differentiable in x and in them, as torch.diff', () => {
    const w = ad.reshape(ad.arange(8), [2, 4]);
    const [gx, gp] = ad.grad((a: Tensor, p: Tensor) => ad.sum(ad.mul(ad.diff(a, 1, 1, { prepend: p, append: -1 }), w)), [0, 1])(x, ad.tensor([[7], [8]]));
    expect(gx.toArray()).toEqual([[-1, -1, -1], [-1, -1, -1]]);
    expect(gp.toArray()).toEqual([[0], [-4]]);
  });
  it('names a misfit or an unknown option', () => {
    expect(() => ad.diff(x, 1, 1, { prepend: ad.tensor([1, 2, 3]) })).toThrow(/diff: prepend\/append of shape \[3\] does not fit x of shape \[2,3\]/);
    expect(() => ad.diff(x, 1, 1, { prepended: 0 } as never)).toThrow(/diff: unknown option 'prepended'/);
  });
});

describe("round's decimals (NumPy's second argument)", () => {
  // round(x, 2) ignored the 2 and gave whole numbers. NumPy 1.24 (np.round(x, d), bit for bit):
  it('rounds to that many decimal places as numpy.round computes it', () => {
    expect(arr(ad.round(ad.tensor([2.675, 1.005, 1250, 1350, 1.2345, -0.125]), 2))).toEqual([2.68, 1, 1250, 1350, 1.23, -0.12]);
    expect(arr(ad.round(ad.tensor([1250, 1350, -1450, 49]), -2))).toEqual([1200, 1400, -1400, 0]);
    expect(arr(ad.round(ad.tensor([0.25, 0.35, 123456789.123456789]), 1))).toEqual([0.2, 0.4, 123456789.1]);
    // np.round(0.1 + 0.2, 15), np.round(1/3, 9), np.round(1e300, -299) (1e300/1e299 rounds), np.round(5e-324, 320) (10³²⁰ = inf)
    expect(ad.round(0.1 + 0.2, 15).item()).toBe(0.3);
    expect(ad.round(1 / 3, 9).item()).toBe(0.333333333);
    expect(ad.round(1e300, -299).item()).toBe(1.0000000000000002e300);
    expect(ad.round(5e-324, 320).item()).toBeNaN();
    expect(arr(ad.tensor([2.5, 0.15]).round(1))).toEqual([2.5, 0.2]);
    expect(Object.is(ad.round(-0.001, 2).item(), -0)).toBe(true);
  });
  it('has a zero derivative, and rejects a fractional count', () => {
    expect(arr(ad.grad((x: Tensor) => ad.sum(ad.round(ad.mul(x, 3), 2)))(ad.tensor([1.23, 2])))).toEqual([0, 0]);
    expect(() => ad.round(1, 1.5)).toThrow(/round: decimals must be an integer/);
  });
});
