/**
 * @file Derivatives at edge inputs that a differential run against PyTorch (float64) found wrong:
 * each case against its closed form. modf's fractional part at whole numbers, xlogy's mixed second
 * derivative at x = 0, logsumexp's derivative in a zero weight, the Huber loss's curvature at 0, and
 * location–scale log-densities outside their support.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const values = (t: ad.Tensor): number[] => Array.from(t.toFloat64Array());

describe('modf: the fractional part has derivative 1 at whole numbers too', () => {
  it('as PyTorch’s frac and JAX’s modf, with the signed zeros kept', () => {
    const x = ad.tensor([1, 2.5, -3, 0, -0, -0.25]);
    expect(values(ad.grad((z: ad.Tensor) => ad.sum(ad.modf(z)[0]))(x))).toEqual([1, 1, 1, 1, 1, 1]);
    const [frac, whole] = ad.modf(x);
    expect(values(frac).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual([0, 0.5, '-0', 0, '-0', -0.25]);
    expect(values(whole).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual([1, 2, -3, 0, '-0', '-0']);
    // ±∞: fractional part ±0, held constant (x − x would be NaN there).
    const inf = ad.tensor([Infinity, -Infinity]);
    expect(values(ad.modf(inf)[0]).map((v) => Object.is(v, -0) ? '-0' : v)).toEqual([0, '-0']);
    expect(values(ad.grad((z: ad.Tensor) => ad.sum(ad.modf(z)[0]))(inf))).toEqual([0, 0]);
  });
});

describe('xlogy: the Hessian at x = 0 is symmetric', () => {
  it('∂²/∂x∂y = 1/y in both orders, and the Hessian', () => {
    for (const y of [0.957, 3, 1e-300]) {
      const h = ad.hessian((z: ad.Tensor) => ad.xlogy(ad.take(z, 0), ad.take(z, 1)))(ad.tensor([0, y]));
      const [[hxx, hxy], [hyx, hyy]] = h.toArray() as number[][];
      expect(hxy).toBe(1 / y);
      expect(hyx).toBe(1 / y);
      expect(hxx).toBe(0);
      expect(hyy).toBe(0); // −x/y² at x = 0
      expect(ad.grad((x: ad.Tensor) => ad.grad((yy: ad.Tensor) => ad.xlogy(x, yy))(y))(0).item()).toBe(1 / y);
      expect(ad.grad((yy: ad.Tensor) => ad.grad((x: ad.Tensor) => ad.xlogy(x, yy))(0))(y).item()).toBe(1 / y);
    }
  });

  it('keeps its strong zero: at x = y = 0 the value is 0 and the y-derivative 0', () => {
    const [gx, gy] = ad.grad((x: ad.Tensor, y: ad.Tensor) => ad.xlogy(x, y), [0, 1])(ad.scalar(0), ad.scalar(0));
    expect(ad.xlogy(0, 0).item()).toBe(0);
    expect(gx!.item()).toBe(-Infinity); // log y at y = 0: a genuine limit
    expect(gy!.item()).toBe(0);
  });
});

describe('logsumexp with weights b: the derivative in a zero weight', () => {
  const a = [0.5, 1, -0.3];
  const total = Math.exp(0.5) * 1 + Math.exp(1) * 2;
  it('is e^{a_j} / Σ b eᵃ, by grad and by jvp', () => {
    const x = ad.tensor(a);
    const g = values(ad.grad((b: ad.Tensor) => ad.logsumexp(x, 0, { b }))(ad.tensor([1, 2, 0])));
    a.forEach((v, j) => expect(g[j]).toBeCloseTo(Math.exp(v) / total, 15));
    const [, t] = ad.jvp((b: ad.Tensor) => ad.logsumexp(x, 0, { b }) as ad.Tensor, [ad.tensor([1, 2, 0])], [ad.tensor([0, 0, 1])]);
    expect((t as ad.Tensor).item()).toBeCloseTo(Math.exp(-0.3) / total, 15);
  });

  it('while a zero weight still removes its term from the value and the shift, whatever its exponent', () => {
    for (const big of [1000, Infinity, NaN]) {
      const f = (x: ad.Tensor) => ad.logsumexp(x, 0, { b: [1, 0] }) as ad.Tensor;
      expect(f(ad.tensor([0, big])).item()).toBe(0);
      expect(values(ad.grad(f)(ad.tensor([0, big])))).toEqual([1, 0]);
    }
  });

  it('broadcasts a against b, and a mask against both', () => {
    const v = ad.logsumexp(ad.tensor([0, 1]), 1, { b: [[1, 1], [2, 0]], where: [[true, true], [true, false]] }) as ad.Tensor;
    expect(values(v)[0]).toBeCloseTo(Math.log(1 + Math.E), 15);
    expect(values(v)[1]).toBeCloseTo(Math.log(2), 15);
  });
});

describe('huberLoss: second derivative 1 inside |e| ≤ δ, at e = 0 too', () => {
  it('matches ½e² and δ(|e| − ½δ) to the second derivative', () => {
    const huber = (e: ad.Tensor) => ad.losses.huberLoss(e, null, 1.5);
    const d1 = ad.grad(huber), d2 = ad.grad(ad.grad(huber));
    for (const e of [0, 1e-9, -0.7, 1.5, -1.5]) {
      expect(d2(e).item()).toBe(1);
      expect(d1(e).item()).toBe(e === 0 ? 0 : e);
    }
    for (const e of [2, -3]) {
      expect(d2(e).item()).toBe(0);
      expect(d1(e).item()).toBe(Math.sign(e) * 1.5);
      expect(huber(ad.scalar(e)).item()).toBe(1.5 * (Math.abs(e) - 0.75));
    }
    expect(values(ad.losses.huberLoss(ad.tensor([0.5, 3]), ad.tensor([0, 0]), 1))).toEqual([0.125, 2.5]);
  });
});

describe('location–scale log-densities outside their support: −∞, with no derivative', () => {
  it.each([
    ['uniform', (x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.stats.uniform.logpdf(x, l, s), [0.1, 0.3, 1]],
    ['uniform, above', (x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.stats.uniform.logpdf(x, l, s), [1.4, 0.3, 1]],
    ['expon', (x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.stats.expon.logpdf(x, l, s), [-1, 0, 2]],
  ] as const)('%s', (_name, f, [x, l, s]) => {
    const args = [ad.scalar(x), ad.scalar(l), ad.scalar(s)] as const;
    expect(f(...args).item()).toBe(-Infinity);
    expect(ad.grad(f, [0, 1, 2])(...args).map((g) => g.item())).toEqual([0, 0, 0]);
  });

  it('inside, the scale derivative is still −1/scale (and the expon slopes)', () => {
    const [gx, gl, gs] = ad.grad((x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.stats.uniform.logpdf(x, l, s), [0, 1, 2])(ad.scalar(0.5), ad.scalar(0.3), ad.scalar(2));
    expect([gx!.item(), gl!.item(), gs!.item()]).toEqual([0, 0, -0.5]);
    const [ex, el, es] = ad.grad((x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.stats.expon.logpdf(x, l, s), [0, 1, 2])(ad.scalar(3), ad.scalar(1), ad.scalar(2));
    // log p = −(x − loc)/s − log s: ∂x = −1/s, ∂loc = 1/s, ∂s = (x − loc)/s² − 1/s.
    expect([ex!.item(), el!.item(), es!.item()]).toEqual([-0.5, 0.5, 0]);
  });
});

describe('1/x in derivative rules at deep subnormals: g/x, not g·(1/x) = ∞', () => {
  const x = 1e-310; // 1/x overflows (|x| < 2⁻¹⁰²⁴), g/x need not
  it('log, log2, log10 and the numerator of div, by grad, jvp and jit', () => {
    expect(ad.grad((z: ad.Tensor) => ad.mul(z, ad.log(z)))(x).item()).toBe(Math.log(x) + 1); // log z + z/z
    expect(ad.grad((z: ad.Tensor) => ad.mul(1e-300, ad.log(z)))(x).item()).toBe(1e-300 / x);
    expect(ad.grad((z: ad.Tensor) => ad.mul(1e-300, ad.log2(z)))(x).item()).toBe((1e-300 * Math.LOG2E) / x);
    expect(ad.grad((z: ad.Tensor) => ad.mul(1e-300, ad.log10(z)))(x).item()).toBe((1e-300 * Math.LOG10E) / x);
    expect(ad.grad((a: ad.Tensor) => ad.mul(1e-300, ad.div(a, x)))(1).item()).toBe(1e-300 / x);
    expect((ad.jvp((z: ad.Tensor) => ad.log(z), [ad.scalar(x)], [ad.scalar(1e-300)])[1] as ad.Tensor).item()).toBe(1e-300 / x);
    // Tensors (the fused first-order kernel and the ops rule at second order) and 0-d (the scalar tape), eager and jitted.
    const f = (z: ad.Tensor) => ad.sum(ad.mul(z, ad.log(z)));
    const points = ad.tensor([x, -0 + 3e-320, 2.5, 1e-300]);
    const eager = values(ad.grad(f)(points));
    expect(eager).toEqual([Math.log(x) + 1, Math.log(3e-320) + 1, Math.log(2.5) + 2.5 * (1 / 2.5), Math.log(1e-300) + 1e-300 * (1 / 1e-300)]);
    expect(values(ad.jit(ad.grad(f))(points))).toEqual(eager);
    const scalar = ad.grad((z: ad.Tensor) => ad.mul(z, ad.log(z)));
    const jitted = ad.jit(scalar);
    for (const z of [x, 3e-320, 2.5]) {
      expect(jitted(ad.scalar(z)).item()).toBe(scalar(ad.scalar(z)).item());
      expect(jitted(ad.scalar(z)).item()).toBe(Math.log(z) + (z < 2 ** -1022 ? z / z : z * (1 / z)));
    }
  });

  it('keeps the strong zero: a zero cotangent at x = 0 gives 0, not 0/0', () => {
    const g = ad.grad((z: ad.Tensor) => ad.sum(ad.where(ad.greater(z, 0), ad.log(z), 0)))(ad.tensor([0, 2]));
    expect(values(g)).toEqual([0, 0.5]);
    expect(ad.grad((z: ad.Tensor) => ad.log(z))(0).item()).toBe(Infinity);
  });

  it('a Kullback–Leibler gradient through a target that underflowed to a subnormal stays finite', () => {
    const a = ad.tensor([-1.6884377368330525, 0.1375973740592907, -3.736292244927375, 0.47219353704795114]);
    const b = ad.tensor([-1.4150132729968405, -1.4150132729968405, -700, 30]); // softmax(b)[2] ≈ 9.2e−318
    const g = values(ad.grad((bb: ad.Tensor) => ad.sum(ad.losses.klDivergence(ad.logSoftmax(a), ad.softmax(bb))))(b));
    expect(g.every(Number.isFinite)).toBe(true);
    // PyTorch (float64): [-6.65e-13, -7.07e-13, -6.7e-315, 1.37e-12]
    expect(g[0]).toBeCloseTo(-6.650036280175849e-13, 24);
    expect(g[3]).toBeCloseTo(1.3713474800169934e-12, 24);
  });
});

describe('non-projective DependencyCRF with arcs hundreds of nats below the best: finite second order', () => {
  // Two words: the trees as head arrays, their scores from arc [h, m] at h·3 + m, by brute force in adjoint's ops.
  const bruteLogZ = (trees: number[][]) => (a: ad.Tensor) =>
    ad.logsumexp(ad.stack(trees.map(([h1, h2]) => ad.add(ad.take(a, h1! * 3 + 1), ad.take(a, h2! * 3 + 2)))), 0);
  const flat = (a: ad.Tensor) => ad.reshape(a, [9]);
  const close = (got: number[], want: number[], tol: number) => got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} against ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));

  it('the gradient of the entropy (multi-root; words preferring each other by 500 and 490)', () => {
    const arcs = ad.tensor([[0, 0, 0], [0, 0, 500], [0, 490, 0]]);
    const entropy = (y: ad.Tensor) => new ad.DependencyCRF({ arcScores: y, projective: false }).entropy();
    const brute = bruteLogZ([[0, 0], [0, 1], [2, 0]]);
    // H = log Z − Σ p·s: by the brute force, −Σ_t p_t (s_t − log Z) over the three trees.
    const bruteEntropy = (y: ad.Tensor) => {
      const lz = brute(flat(y));
      const s = ad.stack([[0, 0], [0, 1], [2, 0]].map(([h1, h2]) => ad.add(ad.take(flat(y), h1! * 3 + 1), ad.take(flat(y), h2! * 3 + 2))));
      const logp = ad.sub(s, lz);
      return ad.neg(ad.sum(ad.mul(ad.exp(logp), logp)));
    };
    expect(entropy(arcs).item()).toBeCloseTo(bruteEntropy(arcs).item(), 12);
    close(values(ad.grad(entropy)(arcs)), values(ad.grad(bruteEntropy)(arcs)), 1e-9);
  });

  it('the Hessian of log Z (one root dependent; arcs at −400 and −500)', () => {
    const arcs = ad.tensor([[0, 0, 0], [0, 0, -400], [0, -500, 0]]);
    const logZ = (y: ad.Tensor) => new ad.DependencyCRF({ arcScores: y, projective: false, singleRoot: true }).logPartition();
    const h = values(ad.hessian(logZ)(arcs));
    // Two trees: t₁ = {0→1, 1→2} (score −400) and t₂ = {2→1, 0→2} (score −500), p(t₂) = q = 1/(1 + e¹⁰⁰).
    // The Hessian is the covariance of the arc indicators: q(1 − q)·dᵢ·dⱼ with d = 1[t₁] − 1[t₂].
    const q = 1 / (1 + Math.exp(100)), d = new Array<number>(9).fill(0);
    d[1] = 1; d[5] = 1; d[7] = -1; d[2] = -1;
    // Finite everywhere (it had −∞ at the variance of 1→2 and its covariance with 2→1); the arcs that
    // are not the root dependent's agree to the bit's order, and the root arc's terms, which pass
    // through a logsumexp of two terms 100 nats apart (σ(1 − σ) with 1 − σ rounding to 0, as in any
    // float64 softmax Hessian), are at worst 0: far below ε against the unit-scale gradient.
    expect(h.every(Number.isFinite)).toBe(true);
    h.forEach((g, k) => {
      const [i, j] = [Math.floor(k / 9), k % 9], want = q * (1 - q) * d[i]! * d[j]!;
      const tol = i === 1 || j === 1 ? Math.abs(want) : 1e-9 * Math.abs(want);
      expect(Math.abs(g - want), `entry ${k}: ${g} against ${want}`).toBeLessThanOrEqual(tol);
    });
  });
});

describe('det where det itself leaves the normal range: the adjugate', () => {
  it('s·[[1, 2], [−1, 3]]: gradient s·[[3, 1], [−2, 1]] and the constant Hessian, from s = 1e−162 (det subnormal) to 1e160 (det = ∞)', () => {
    for (const s of [1, 1e-150, 1e-160, 1e-162, 1e150, 1e160]) {
      const a = ad.mul(s, ad.tensor([[1, 2], [-1, 3]]));
      values(ad.grad(ad.linalg.det)(a)).forEach((g, i) => expect(g / s).toBeCloseTo([3, 1, -2, 1][i]!, 13));
      const h = values(ad.hessian(ad.linalg.det)(a)); // ∂²det/∂a₀₀∂a₁₁ = 1, ∂²det/∂a₀₁∂a₁₀ = −1
      expect(h[3]).toBeCloseTo(1, 13);
      expect(h[6]).toBeCloseTo(-1, 13);
    }
  });
});
