/**
 * @file Regressions found by an independent differential review of the ad.linalg extras (lstsq,
 * pinv, expm, cond, norms, …) and the jax.random tail against PyTorch 1.13 (float64 autograd),
 * NumPy and closed forms, by a harness outside the repo. Oracle values are written out here (the
 * numbers NumPy / torch printed, or exact closed forms), so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const close = (got: number[], want: number[], rtol: number) =>
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(rtol * Math.abs(want[i]!)));

describe('svd and eigh at extreme scales (their sums of squares overflowed or underflowed)', () => {
  // s of [[1, 2], [3, 4]]: √(15 ± √221); numpy.linalg.svd(1e200 * a) gives these times 1e200.
  const s = [Math.sqrt(15 + Math.sqrt(221)), Math.sqrt(15 - Math.sqrt(221))];
  for (const scale of [1e200, 1e-200, 1e300, 1e-300]) {
    it(`svdvals, matrixNorm(2), cond and pinv of ${scale}·[[1, 2], [3, 4]]`, () => {
      const a = ad.mul(ad.tensor([[1, 2], [3, 4]]), scale);
      close(arr(ad.linalg.svdvals(a)).map((v) => v / scale), s, 1e-14); // was the column norms √10, √20 (no rotation)
      close([ad.linalg.matrixNorm(a, 2).item() / scale], [s[0]!], 1e-14);
      close([ad.linalg.cond(a).item()], [s[0]! / s[1]!], 1e-13);
      close(arr(ad.linalg.pinv(a)).map((v) => v * scale), [-2, 1, 1.5, -0.5], 1e-13); // inv: [[-2, 1], [1.5, -0.5]]
    });
    it(`eigvalsh and pinv(hermitian) of ${scale}·tridiag(1, 2, 1)`, () => {
      const a = ad.mul(ad.tensor([[2, 1, 0], [1, 2, 1], [0, 1, 2]]), scale);
      // 2 − √2, 2, 2 + √2; at 1e200 they were NaN (and pinv silently all zeros), at 1e-200 wrong.
      close(arr(ad.linalg.eigvalsh(a)).map((v) => v / scale), [2 - Math.SQRT2, 2, 2 + Math.SQRT2], 1e-14);
      close(arr(ad.linalg.pinv(a, { hermitian: true })).map((v) => v * scale), [0.75, -0.5, 0.25, -0.5, 1, -0.5, 0.25, -0.5, 0.75], 1e-13);
    });
  }
});

describe('cond of a zero matrix', () => {
  it('is Infinity for p undefined, 2 and −2, as numpy.linalg.cond (it was NaN = 0/0)', () => {
    for (const p of [undefined, 2, -2] as const) expect(ad.linalg.cond(ad.zeros([3, 3]), p).item()).toBe(Infinity);
    expect(arr(ad.linalg.cond(ad.zeros([2, 2, 3]), -2))).toEqual([Infinity, Infinity]);
    expect(ad.linalg.cond(ad.tensor([[1, 0], [0, 0]]), -2).item()).toBe(0); // a finite 0 stays 0, as NumPy
  });
});

describe('random samplers at extreme parameters', () => {
  const key = ad.random.key(77), N = 4000;
  const ks = (xs: ArrayLike<number>, cdf: (x: number) => number) => {
    const s = Float64Array.from(xs).sort();
    let d = 0;
    s.forEach((x, i) => { const F = cdf(x); d = Math.max(d, Math.abs(F - i / s.length), Math.abs(F - (i + 1) / s.length)); });
    return d;
  };
  const critical = 1.95 / Math.sqrt(N); // KS at α = 0.001
  const Phi = (x: number) => ad.special.ndtr(ad.tensor(x)).item();

  it('wald with a large mean stays positive and has its distribution (JAX\'s formula cancelled: 57 % of wald(1e9) draws ≤ 0)', () => {
    for (const mu of [1e7, 1e9, 1e12]) {
      const w = ad.random.wald(key, mu, [N]).data;
      expect(Array.from(w).every((x) => x > 0)).toBe(true);
      expect(ks(w, (x) => Phi(Math.sqrt(1 / x) * (x / mu - 1)) + Math.exp(2 / mu) * Phi(-Math.sqrt(1 / x) * (x / mu + 1)))).toBeLessThan(critical);
    }
  });

  it('f with tiny degrees of freedom has no NaN draws (0/0 of underflowed chi-squares: 69 % at df = 0.001)', () => {
    const f = ad.random.f(key, 0.001, 0.001, [N]).data;
    expect(Array.from(f).some(Number.isNaN)).toBe(false);
    // P(F < 2⁻¹⁰⁷⁴) = 0.3446 by mpmath (betainc(5e-4, 5e-4, 0, x/(1+x))): the draws that round to 0.
    const zeros = Array.from(f).filter((x) => x === 0).length / N;
    expect(Math.abs(zeros - 0.3446)).toBeLessThan(5 * Math.sqrt(0.3446 * 0.6554 / N));
    expect(Array.from(ad.random.f(key, 2, 0.01, [N]).data).some(Number.isNaN)).toBe(false);
  });

  it('generalizedNormal and ball with a large p (gamma(1/p) underflowed to 0: half the draws were exactly 0)', () => {
    const p = 1000, x = ad.random.generalizedNormal(key, p, [N]).data;
    expect(Array.from(x).filter((v) => v === 0).length).toBe(0);
    // P(|x| ≤ t) = P(1/p, t^p) (regularised lower incomplete gamma), = t/Γ(1 + 1/p) where t^p underflows.
    const g1 = Math.exp(ad.special.gammaln(ad.tensor(1 + 1 / p)).item());
    const cdf = (t: number) => (t ** p < 1e-250 ? t / g1 : ad.special.gammainc(ad.tensor(1 / p), ad.tensor(t ** p)).item());
    expect(ks(Array.from(x, Math.abs), cdf)).toBeLessThan(critical);
    const b = ad.random.ball(key, 2, 2000, [N]).data;
    // ‖x‖^d is uniform on [0, 1] (d = 2); the p-norm through the larger entry, as it does not underflow.
    const r2 = Array.from({ length: N }, (_, i) => {
      const [u, v] = [Math.abs(b[2 * i]!), Math.abs(b[2 * i + 1]!)], m = Math.max(u, v);
      return (m * ((u / m) ** 2000 + (v / m) ** 2000) ** (1 / 2000)) ** 2;
    });
    expect(ks(r2, (t) => Math.min(Math.max(t, 0), 1))).toBeLessThan(2 * critical);
  });
});

describe("wald's derivative in the mean", () => {
  const Phi = (x: number) => ad.special.ndtr(ad.tensor(x)).item();
  const logPhi = (x: number) => ad.special.logNdtr(ad.tensor(x)).item();
  // The Wald CDF with shape 1 (Chhikara & Folks 1989): Φ((x/μ − 1)/√x) + e^{2/μ}Φ(−(x/μ + 1)/√x).
  const cdf = (x: number, mu: number) => Phi((x / mu - 1) / Math.sqrt(x)) + Math.exp(2 / mu + logPhi(-(x / mu + 1) / Math.sqrt(x)));

  it('is unbiased: the mean of dx/dμ is dE[x]/dμ = 1 (the transform\'s own derivative averaged 1.30 at μ = 3)', () => {
    for (const [mu, n] of [[0.5, 40000], [3, 40000]] as const) {
      const g = ad.grad((m: Tensor) => ad.mean(ad.random.wald(ad.random.key(100), m, [n])))(ad.tensor(mu)).item();
      expect(Math.abs(g - 1)).toBeLessThan(0.03);
    }
  });

  it('keeps each draw at its CDF value: F(x + h·dx/dμ; μ + h) = F(x; μ) + O(h²)', () => {
    for (const mu of [0.05, 1, 3, 1e3]) {
      const k = ad.random.key(5), x = arr(ad.random.wald(k, mu, [6]));
      const slope = arr(ad.jacobian((m: Tensor) => ad.random.wald(k, m, [6]))(ad.tensor(mu)) as Tensor);
      const h = mu * 1e-6;
      x.forEach((xi, i) => expect(Math.abs(cdf(xi + h * slope[i]!, mu + h) - cdf(xi, mu)) / h).toBeLessThan(1e-4));
    }
  });

  it('second derivative along the same path: unbiased for d²E[x²]/dμ² = 6μ + 2; jit, vmap and forward mode as reverse', () => {
    // E[x²] = μ³ + μ² (variance μ³ at shape 1).
    const second = (mu: number) => ad.grad(ad.grad((m: Tensor) => ad.mean(ad.square(ad.random.wald(ad.random.key(200), m, [40000])))))(ad.tensor(mu)).item();
    expect(Math.abs(second(0.5) - 5)).toBeLessThan(0.3);
    expect(Math.abs(second(2) - 14)).toBeLessThan(0.8);
    const k = ad.random.key(8);
    const d1 = (m: Tensor) => ad.grad((v: Tensor) => ad.sum(ad.sin(ad.random.wald(k, v, [6]))))(m);
    const d2 = ad.grad(d1)(ad.tensor(2)).item();
    expect(ad.jvp(d1, [ad.tensor(2)], [ad.tensor(1)])[1].item()).toBeCloseTo(d2, 12);
    expect(ad.jit(d1)(ad.tensor(2)).item()).toBeCloseTo(d1(ad.tensor(2)).item(), 14);
    const per = arr(ad.vmap(d1)(ad.tensor([0.5, 2])));
    expect(per[0]).toBeCloseTo(d1(ad.tensor(0.5)).item(), 14);
    expect(per[1]).toBeCloseTo(d1(ad.tensor(2)).item(), 14);
  });
});

describe('luSolve pivots and tensorsolve axes', () => {
  const a = ad.tensor([[1, 2], [3, 4]]);
  it('luSolve rejects pivots outside [0, n) (torch\'s 1-based [2, 2] silently gave x = [0, 0])', () => {
    const f = ad.linalg.luFactor(a);
    expect(() => ad.linalg.luSolve({ lu: f.lu, pivots: ad.tensor([2, 2]) }, ad.tensor([5, 11]))).toThrow(/linalg\.luSolve: pivots must be 0-based row indices in \[0, 2\).*subtract 1/);
    expect(() => ad.linalg.luSolve({ lu: f.lu, pivots: ad.tensor([0.5, 1]) }, ad.tensor([5, 11]))).toThrow(ad.InvalidArgumentError);
    expect(arr(ad.linalg.luSolve(f, ad.tensor([5, 11])))).toEqual([1, 2]);
    // Pivots traced by jit are checked too (read, so the function runs as written): the same answer.
    expect(arr(ad.jit((lu: Tensor, p: Tensor, b: Tensor) => ad.linalg.luSolve({ lu, pivots: p }, b))(f.lu, f.pivots, ad.tensor([5, 11])))).toEqual([1, 2]);
  });
  it('tensorsolve names itself for an axis listed twice (it was transpose\'s error)', () => {
    expect(() => ad.linalg.tensorsolve(ad.ones([6, 2, 3]), ad.ones([2, 3]), [0, 0])).toThrow(/linalg\.tensorsolve: axes \[0,0\] name an axis/);
  });
});

describe('a key tensor of shape [2] with invalid words', () => {
  it('says which words are wrong (the message read "must have shape [2], got shape [2]")', () => {
    expect(() => ad.random.weibullMin(ad.tensor([1.5, 2]), 1, 1, [2])).toThrow(/got the words \[1\.5, 2\]; pass a tensor of two integers in \[0, 2\^32\)/);
    expect(() => ad.random.normal(ad.tensor([-1, 2]), [2])).toThrow(/got the words \[-1, 2\]/);
    expect(() => ad.random.normal(ad.tensor([1, 2, 3]), [2])).toThrow(/got shape \[3\]/);
  });
});

describe("svd's derivatives at extreme scales (F = 1/(sⱼ² − sᵢ²) overflowed: NaN)", () => {
  const base = ad.tensor([[1, 2], [3, 4], [0.5, -1]]);
  const w = ad.tensor([[1, 2], [3, -1], [0.5, 2]]);
  const lossU = (a: Tensor) => ad.sum(ad.mul(ad.linalg.svd(a).u, w)); // u is scale-free: its gradient scales as 1/c
  const norm2 = (a: Tensor) => ad.linalg.matrixNorm(a, 2); //           homogeneous of degree 1: its Hessian as 1/c
  for (const c of [1e200, 1e-200]) {
    it(`u's gradient, its jvp and the 2-norm's Hessian at ${c}·a are those at a scaled by 1/${c}`, () => {
      const g0 = arr(ad.grad(lossU)(base)), g = arr(ad.grad(lossU)(ad.mul(base, c)));
      g.forEach((v, i) => expect(Math.abs(v * c - g0[i]!)).toBeLessThanOrEqual(1e-13 * Math.abs(g0[i]!)));
      const t = ad.tensor([[1, 0], [0, 1], [1, 1]]);
      const j0 = ad.jvp(lossU, [base], [t])[1].item(), j = ad.jvp(lossU, [ad.mul(base, c)], [t])[1].item();
      expect(Math.abs(j * c - j0)).toBeLessThanOrEqual(1e-13 * Math.abs(j0));
      const h0 = arr(ad.hessian(norm2)(base) as Tensor), h = arr(ad.hessian(norm2)(ad.mul(base, c)) as Tensor);
      const scale = Math.max(...h0.map(Math.abs));
      h.forEach((v, i) => expect(Math.abs(v * c - h0[i]!)).toBeLessThanOrEqual(1e-12 * scale));
    });
  }
});
