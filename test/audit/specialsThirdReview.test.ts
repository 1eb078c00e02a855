/**
 * @file Third accuracy review of ad.special against mpmath at 50 digits (helper 97). References were
 * computed once with /usr/bin/python3 (mpmath 1.2.1, mp.dps = 50) and pasted here, e.g.
 *   float(mpmath.ncdf(x)), float(mpmath.npdf(x)), float(mpmath.log1p(-mpmath.ncdf(-x)))   (log Φ for x > 0)
 *   r = lambda x: mpmath.npdf(x)/mpmath.ncdf(x); float(mpmath.diff(r, x, k))               (log Φ's derivatives)
 * The measurement grids (a few thousand points a function over every branch switch) are summarised
 * in the report; here are the points that failed, each bound one the old code broke.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { ulp } from '../support/ulp.js';
import { run, session } from '../onnx/ortSupport.js';

const S = ad.special;
const ulps = (got: number, want: number) => Math.abs(got - want) / ulp(want);
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
type F = (x: ad.Tensor) => ad.Tensor;
const d1 = (f: F, x: number) => ad.grad(f)(ad.scalar(x)).item();
const d2 = (f: F, x: number) => ad.grad(ad.grad(f))(ad.scalar(x)).item();
const d3 = (f: F, x: number) => ad.grad(ad.grad(ad.grad(f)))(ad.scalar(x)).item();

describe('ndtr in the lower tail', () => {
  // ½ erfc(−x/√2) with −x/√2 rounded: erfc's slope amplifies that half ulp by ≈ t² (1443 ulp at −37.26,
  // 33 at −5.3, SciPy's 35). Now −x/√2 in double-double and erfc(hi + lo) = erfc(hi) − lo·erfc′(hi).
  // The derivative φ = e^{−x²/2}/√(2π) had the rounding of x² in it (2.2e−13 at −37).
  const rows: Array<[number, number, number, number]> = [ // x, Φ(x), φ(x), −xφ(x)
    [-37.263843282649106, 3.1619194737965627e-304, 1.179100021790006e-302, 4.393779842655093e-301],
    [-25.00930516482594, 2.4212682063448428e-138, 6.0650743020961785e-137, 1.5168329406846705e-135],
    [-19.146687862280334, 5.1570868550747245e-82, 9.90090286548936e-81, 1.8956949672028173e-79],
    [-5.296523274247377, 5.901415050970763e-8, 3.2303087484816664e-7, 1.7109405469338063e-6],
    [-1.5, 0.06680720126885807, 0.12951759566589172, 0.1942763934988376],
    [-0.7, 0.24196365222307303, 0.31225393336676127, 0.21857775335673288],
  ];
  it.each(rows)('at %d', (x, p, phi, dphi) => {
    expect(ulps(S.ndtr(x).item(), p)).toBeLessThanOrEqual(6); // erfc's own (Cody's) error: ≤ 4.9 ulp measured
    expect(rel(d1(S.ndtr, x), phi)).toBeLessThan(2e-15);
    expect(rel(d2(S.ndtr, x), dphi)).toBeLessThan(2e-15);
  });
  it('keeps the edges, the batched and forward paths', () => {
    expect(Array.from(S.ndtr(ad.tensor([0, -0, Infinity, -Infinity, -40, NaN])).toFloat64Array())).toEqual([0.5, 0.5, 1, 0, 0, NaN]);
    expect(Array.from(ad.grad((x: ad.Tensor) => ad.sum(S.ndtr(x)))(ad.tensor([Infinity, -Infinity, 0])).toFloat64Array()))
      .toEqual([0, 0, 0.3989422804014327]);
    const xs = rows.map((r) => r[0]);
    expect(Array.from(S.ndtr(ad.tensor(xs)).toFloat64Array())).toEqual(xs.map((x) => S.ndtr(x).item()));
    const [, t] = ad.jvp(S.ndtr, [ad.scalar(-25.00930516482594)], [ad.scalar(1)]);
    expect(rel((t as ad.Tensor).item(), 6.0650743020961785e-137)).toBeLessThan(2e-15);
    expect(ad.jit(S.ndtr)(ad.scalar(-37.263843282649106)).item()).toBe(S.ndtr(-37.263843282649106).item());
  });
});

describe('erf′ and erfc′ far out', () => {
  // 2/√π e^{−x²} with x² rounded: relative x²ε (5.7e−14 at 21.37). Now e^{−h²}·e^{−(x−h)(x+h)}, h = x to a sixteenth.
  const rows: Array<[number, number, number]> = [ // x, erfc′(x), erfc″(x)
    [21.37, -5.250460271120461e-199, 2.2440467198768856e-197],
    [-5.5, -8.223316045262922e-14, -9.045647649789214e-13],
    [26.1, -1.6095743479277808e-296, 8.401978096183016e-295],
  ];
  it.each(rows)('at %d', (x, e1, e2) => {
    expect(rel(d1(ad.erfc, x), e1)).toBeLessThan(2e-15);
    expect(rel(d2(ad.erfc, x), e2)).toBeLessThan(2e-15);
    expect(d1(ad.erf, x)).toBe(-d1(ad.erfc, x));
  });
  it('is 0 at ±∞ and NaN at NaN', () => {
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.erf(x)))(ad.tensor([Infinity, -Infinity, 41, NaN])).toFloat64Array();
    expect(Array.from(g)).toEqual([0, 0, 0, NaN]);
  });
});

describe('logNdtr above 0', () => {
  // log1p(−½ erfc(x/√2)) had x/√2's rounding amplified as ndtr's (2.5e−14 at x = 12); the slope φ/Φ had
  // x²'s (7e−15 at 11.6). Now log1p(−Φ(−x)) with the double-double ndtr, and e^{−x²/2} split.
  const rows: Array<[number, number, number]> = [ // x, log Φ(x), φ/Φ
    [5.33, -4.91063845370038e-8, 2.70393242431327e-7],
    [9, -1.1285884059538405e-19, 1.0279773571668915e-18],
    [12, -1.776482112077679e-33, 2.1463837356630605e-32],
    [20, -2.7536241186062337e-89, 5.520948362159764e-88],
    [35.8, -5.522032342745382e-281, 1.978427648153364e-279],
  ];
  it.each(rows)('at %d', (x, v, s) => {
    expect(rel(S.logNdtr(x).item(), v)).toBeLessThan(1e-15);
    expect(rel(d1(S.logNdtr, x), s)).toBeLessThan(1e-15);
  });
});

describe('logNdtr′, ″ and ‴ in the lower tail', () => {
  // r = φ/Φ was √(2/π)/e^{log F(t)} (2.7e−15 at −1.36e4); r′ = −r(x + r) cancels for x ≪ 0 (2.3e−13 at −19.8,
  // the switch to the asymptotic series at −20, 1.2e−13 at −14.5); r″ by autodiff of either was 1e−5 off at
  // −1e5 (6e3 with r′ from the kernel). Now Laplace's fraction: r = u + K, r′ = −K(u + K), r″ = K″(u).
  const rows: Array<[number, number, number, number]> = [ // x, r, r′, r″
    [-1e5, 100000.00001, -0.9999999999, 1.9999999976e-15],
    [-13600.5, 13600.500073526708, -0.9999999945938233, 7.949967315069349e-13],
    [-747.25, 747.2513382354209, -0.9999982091323727, 4.793170650347029e-9],
    [-40, 40.02496884720726, -0.9993773316214086, 3.101744039648625e-5],
    [-19.8, 19.850250623456304, -0.9974874695925582, 0.00025000895010280207],
    [-14.5, 14.568324559578466, -0.9953743593293534, 0.0006206801309102098],
    [-5, 5.186503967125842, -0.9673035653828878, 0.0108257645063567],
    [-3, 3.2830986549304364, -0.9294408132147319, 0.03147067283084249],
    [-2.5, 2.822744797663907, -0.9110261985788846, 0.04287863103702551],
  ];
  it.each(rows)('at %d', (x, r, r1, r2) => {
    expect(rel(d1(S.logNdtr, x), r)).toBeLessThan(1e-15);
    expect(rel(d2(S.logNdtr, x), r1)).toBeLessThan(x <= -3 ? 1e-15 : 5e-15); // above −3, −r(x + r) directly
    expect(rel(d3(S.logNdtr, x), r2)).toBeLessThan(2e-15);
  });
  it('keeps the edges and the batched path', () => {
    const g2 = (xs: number[]) => Array.from(ad.grad((x: ad.Tensor) => ad.sum(ad.grad((y: ad.Tensor) => ad.sum(S.logNdtr(y)))(x)))(ad.tensor(xs)).toFloat64Array());
    const xs = rows.map((r) => r[0]);
    expect(g2(xs)).toEqual(xs.map((x) => d2(S.logNdtr, x)));
    expect(g2([-Infinity, -1e300, Infinity])).toEqual([-1, -1, 0]); // +∞ was NaN (−0·∞)
    expect(d3(S.logNdtr, Infinity)).toBe(0);
    expect(d1(S.logNdtr, -1e300)).toBe(1e300);
    expect(Number.isNaN(d2(S.logNdtr, NaN))).toBe(true);
  });
});

describe('polygamma of large order', () => {
  // x < 0: the reflection's Pₙ(cot πx), of degree n + 1, carried cot's rounding n + 1 times (49 ulp at n = 30,
  // 117 at n = 100); now from n = 16 the series Σ (x + k)^{−n−1} summed outward from the pole (reflection kept
  // where the series cancels, near the zeros between poles). x ≫ 1: n!·ζ(n + 1, x) multiplied n! in after
  // x^{−n} had underflowed (ψ⁽¹⁰⁰⁾(6829) was −0, as SciPy's). References: float(mpmath.polygamma(n, x)).
  const rows: Array<[number, number, number, number]> = [ // n, x, ψ⁽ⁿ⁾(x), bound in ulp
    [30, -8.993356282917002, -8.490143708085103e99, 4],
    [30, -4.986716781837853, -3.9926165635166505e90, 4],
    [30, -9.139113687888207, 9.532225222523116e58, 4],
    [100, -6.213171327060113, 5.866728397858911e225, 8],
    [100, -3.1269073222001857, 3.2949507987416463e248, 8],
    [100, -11.744889861490783, -7.771486215459142e217, 8],
    [50, -6.972, -4.764477430487107e143, 4],
    [20, -3.3, 2.325831561706772e29, 4],
    [6, -6.502, -5162.75286451613, 4], // near a zero: the reflection
    [100, 6829, -3.447214918870989e-228, 6],
    [100, 0.5, -2.366100660490897e188, 6],
  ];
  it.each(rows)('n = %d at %d', (n, x, want, bound) => {
    expect(ulps(S.polygamma(n, x).item(), want)).toBeLessThanOrEqual(bound);
  });
  it('is the derivative of the order below, and keeps the poles', () => {
    expect(d1((x) => S.polygamma(99, x), 6829)).toBe(S.polygamma(100, 6829).item());
    expect(S.polygamma(30, -3).item()).toBe(-Infinity);
    expect(S.polygamma(31, -3).item()).toBe(Infinity);
    expect(ulps(S.polygamma(40, 1e5).item(), -2.040196193638474e-154)).toBeLessThanOrEqual(2);
  });
});

describe('betainc: tiny parameters and far tails', () => {
  // ψ(a + b) − ψ(a + 1) took a + b as (a + 1) + (b − 1), whose roundings moved ψ near its pole (∂I/∂a 1.1e−11 off at
  // a = 1.4e−6); with small a, ∂I/∂b came from the fraction's I ≈ 1 (2.9e−10 off) — now from the series of 1 − I;
  // e^{p log y} carried log y's rounding times |p log y| (7.3e−14 at I = 5.6e−127, 8.8e−14 in the upper tail's
  // derivatives) — now y^p by pow where y (x, or 1 − x exact) is small. References: I by mpmath's 2F1 form
  // I = x^a (1 − x)^b/(a B(a, b))·₂F₁(a + b, 1; a + 1; x) on the side of the flip point where it is small,
  // the parameter derivatives by mpmath.diff of that side (−∂(1 − I) where 1 − I is the smaller).
  const rows: Array<[number, number, number, number, number, number]> = [ // a, b, x, I, ∂I/∂a, ∂I/∂b
    [3.512366766077617e-6, 8.127144868572925, 3.327115450052517e-9, 0.999940602305179, -16.910517618777675, 4.5982553181820804e-7],
    [1.3666945941086642e-6, 3.4173843591610847e-6, 0.04513160202570654, 0.7143214270103123, -149314.39546708154, 59713.56339732433],
    [1.1727729021370355e-6, 1.1860970773798261e-6, 0.6573053054464759, 0.5028246548825306, -213163.03430727645, 210768.76354818422],
    [5.066603985144965, 30.039710101683962, 9.908108319212149e-27, 5.59871336493124e-127, -3.2500808485403645e-125, 8.862076643586428e-128],
    [0.005052653559719966, 19.722630924467968, 0.9999999999998352, 1, -4.008505017557699e-254, 5.867208097770209e-255],
    [2.5814947856129202, 1.2151495473862236e-6, 5.204577056499114e-29, 4.5578043252304906e-80, -2.9859452842789145e-78, 3.75082362771451e-74],
  ];
  it.each(rows)('at (%d, %d, %d)', (a, b, x, i, da, db) => {
    expect(rel(S.betainc(a, b, x).item(), i)).toBeLessThan(4e-15);
    const [ga, gb] = ad.grad((p: ad.Tensor, q: ad.Tensor) => S.betainc(p, q, x), [0, 1])(ad.scalar(a), ad.scalar(b)) as ad.Tensor[];
    expect(rel(ga!.item(), da)).toBeLessThan(4e-15);
    expect(rel(gb!.item(), db)).toBeLessThan(4e-15);
  });
});

describe('zeta near s = 1 and for large q', () => {
  // Cephes' stopping test (term/sum < ε, as SciPy's and JAX's) ignored the tail ∫ u^{−s} = a^{1−s}/(s − 1), huge near
  // s = 1: ζ(1 + 5e−11, 4.8e−16) was 9e−6 off (7.6e10 ulp). The Euler–Maclaurin tail took a^{1−s} as a·a^{−s}, 0 once
  // a^{−s} underflows: ζ(1.5, 1e300) and ζ(2, 1e200) were 0. References: float(mpmath.zeta(s, q)).
  const rows: Array<[number, number, number]> = [
    [1.0000000000525406, 4.785525964832193e-16, 2089653504002345.2],
    [1.5, 1e300, 2e-150],
    [2, 1e200, 1e-200],
    [1.0000000001, 1, 9999999173.173574],
    [1.0000001, 1e6, 9999986.178660814],
  ];
  it.each(rows)('ζ(%d, %d)', (s, q, want) => {
    expect(ulps(S.zeta(s, q).item(), want)).toBeLessThanOrEqual(2);
  });
  it('keeps the q-derivative −s·ζ(s + 1, q) there', () => {
    expect(rel(d1((q) => S.zeta(1.5, q), 1e100), -1e-150)).toBeLessThan(1e-15); // −1.5·ζ(2.5, q) = −q^{−1.5}(1 + O(1/q)); was 0
    // 4e−15: s + 1 = 2.0000001 rounds, and q^{−s−1} carries that times log q (the derivative is ζ(fl(s + 1), q)).
    expect(rel(d1((q) => S.zeta(1.0000001, q), 1e6), -9.999991184494235e-7)).toBeLessThan(4e-15);
  });
});

describe('betaln′ for b ≪ a', () => {
  // ψ(a) − ψ(a + b) as two digammas kept |ψ(a)|ε/(b ψ′(a)) of a difference ≈ −b ψ′(a): 7.4e−8 relative at (1, 1e−10),
  // 1.7e−5 at (1e−8, 1e−20), and 0 once a + b rounds to a (−1.08e−101 at a = 1.6e55). Now a kernel: the recurrence
  // up to 10 in terms t/((s + j)(s + j + t)), then the asymptotic series in log1p(t/s). References: mpmath at 800 digits.
  const rows: Array<[number, number, number, number]> = [ // a, b, ∂/∂a, ∂/∂b
    [1, 1e-10, -1.644934066728021e-10, -10000000000],
    [3, 1e-8, -3.949340660776574e-9, -100000001.49999999],
    [1e-8, 1e-20, -9.99999999999e-5, -9.999999999990001e19],
    [1.6456449122882289e55, 1.771923389838892e-46, -1.0767349484738333e-101, -5.643584850984572e45],
    [5, 1e308, -707.6900909737343, -5e-308],
    [0.5, 2.5, -2.886294361119891, -0.21962769445322394],
  ];
  it.each(rows)('at (%d, %d)', (a, b, da, db) => {
    const [ga, gb] = ad.grad((p: ad.Tensor, q: ad.Tensor) => S.betaln(p, q), [0, 1])(ad.scalar(a), ad.scalar(b)) as ad.Tensor[];
    expect(rel(ga!.item(), da)).toBeLessThan(1e-15);
    expect(rel(gb!.item(), db)).toBeLessThan(1e-15);
  });
  it('keeps the second derivative ψ′(a) − ψ′(a + b) where it does not cancel', () => {
    expect(rel(d2((a) => S.betaln(a, 2.5), 0.5), 4.539868133696453)).toBeLessThan(1e-14);
  });
});

describe('factorial for large n', () => {
  // exp(lgamma(n + 1)) carried lgamma's rounding times |lgamma| (≈ 600): 1,160 ulp at 151.12 (SciPy's gamma: 2.7).
  // Now n·Γ(n) by Stirling's x^{x−½} as h·h, e^{−x}, e^{stirlerr} (or the recurrence below 10). float(mpmath.gamma(n + 1)).
  const rows: Array<[number, number, number]> = [ // n, n!, n!·ψ(n + 1)
    [127.2252484752144, 8.980482952243942e213, 4.355430071405178e214],
    [151.120464513782, 1.5796235327642661e265, 7.93189359557944e265],
    [25.478166888170414, 7.330855403285124e25, 2.387892854274014e26],
    [0.3, 0.8974706963062772, -0.15184386483996465],
  ];
  it.each(rows)('at %d', (n, want, slope) => {
    expect(ulps(S.factorial(n).item(), want)).toBeLessThanOrEqual(6);
    expect(rel(d1(S.factorial, n), slope)).toBeLessThan(2e-15);
  });
  it('keeps the edges', () => {
    expect(Array.from(S.factorial(ad.tensor([0, 1, 5, 20, -1, -2, 171, Infinity, NaN])).toFloat64Array()))
      .toEqual([1, 1, 120, 2432902008176640000, 0, 0, Infinity, Infinity, NaN]); // 5! was 119.99999999999997, NaN gave 0
    expect(Array.from(ad.grad((n: ad.Tensor) => ad.sum(S.factorial(n)))(ad.tensor([-2, -1.5])).toFloat64Array())).toEqual([0, 0]);
    expect(ulps(S.factorial(9.5).item(), 1133278.3889487856)).toBeLessThanOrEqual(4);
  });
});

describe('relEntr and klDiv near x = y and at extreme ratios', () => {
  // log(x/y) kept only ε/|log(x/y)| of itself near x = y (5.7 % at x/y = 1 − 9e−16), and x/y overflowed to ∞ or 0;
  // klDiv's terms cancel to (x − y)²/(2y) (relative error 1 — 100 % — at x = 1 + 1e−15, y = 1; 3.6 at 1 − 7e−9).
  // SciPy's rel_entr and kl_div have the same formulas and errors. float(x log(x/y)) and (that − x + y), mpmath at 80 digits.
  const rows: Array<[number, number, number, number, number]> = [ // x, y, relEntr, klDiv, ∂klDiv/∂y
    [1.000000000000001, 1, 1.1102230246251571e-15, 6.162975822039152e-31, -1.1102230246251565e-15],
    [0.01101129451172277, 0.01101129451172278, -1.0408340855860838e-17, 4.9192017912357445e-33, 9.452422551027015e-16],
    [5.718867043347892e-5, 5.718867084580757e-5, -4.1232865090920564e-13, 1.4864387953114374e-21, 7.209970896287612e-9],
    [1.5949106306628587e109, 9.153029197628656e-246, 1.3009214572008502e112, 1.2993265465701872e112, -Infinity],
    [1e-300, 1e300, -1.3815510557964275e-297, 1e300, 1],
    [3, 1.5, 2.0794415416798357, 0.579441541679836, -1],
  ];
  it.each(rows)('at (%d, %d)', (x, y, re, kl, dy) => {
    expect(rel(S.relEntr(x, y).item(), re)).toBeLessThan(5e-16);
    expect(rel(S.klDiv(x, y).item(), kl)).toBeLessThan(5e-16);
    const g = ad.grad((q: ad.Tensor) => S.klDiv(x, q))(ad.scalar(y)).item();
    if (dy === -Infinity) expect(g).toBe(-Infinity); else expect(rel(g, dy)).toBeLessThan(5e-16);
  });
  it('keeps SciPy\'s edges', () => {
    expect(Array.from(S.relEntr(ad.tensor([0, 0, 1, -1, 1]), ad.tensor([3, 0, 0, 1, 1])).toFloat64Array())).toEqual([0, 0, Infinity, Infinity, 0]);
    expect(Array.from(S.klDiv(ad.tensor([0, 1, 2, 1]), ad.tensor([3, 1, 1, -1])).toFloat64Array())).toEqual([3, 0, 0.3862943611198906, Infinity]);
  });
});

describe('the new kernels export to ONNX as they compute', () => {
  it('ndtr deep in the tail, relEntr and klDiv near x = y and far from it', async () => {
    const x = ad.tensor([-37.263843282649106, -25.00930516482594, -5.296523274247377, -0.5, 3]);
    const s1 = await session(ad.onnx.exportModel((t: ad.Tensor) => S.ndtr(t), [x]));
    const [nd] = await run(s1, [x]);
    const want = S.ndtr(x).toFloat64Array();
    nd!.data.forEach((v, i) => expect(ulps(v, want[i]!)).toBeLessThanOrEqual(2)); // Exp in ONNX Runtime vs V8
    const a = ad.tensor(rows2.map((r) => r[0])), b = ad.tensor(rows2.map((r) => r[1]));
    const s2 = await session(ad.onnx.exportModel((p: ad.Tensor, q: ad.Tensor) => [S.relEntr(p, q), S.klDiv(p, q)], [a, b]));
    const [re, kl] = await run(s2, [a, b]);
    re!.data.forEach((v, i) => expect(rel(v, rows2[i]![2])).toBeLessThan(1e-15));
    kl!.data.forEach((v, i) => expect(rel(v, rows2[i]![3])).toBeLessThan(1e-15));
  });
});
const rows2: Array<[number, number, number, number]> = [ // x, y, relEntr, klDiv (mpmath, as above)
  [1.000000000000001, 1, 1.1102230246251571e-15, 6.162975822039152e-31],
  [5.718867043347892e-5, 5.718867084580757e-5, -4.1232865090920564e-13, 1.4864387953114374e-21],
  [3, 1.5, 2.0794415416798357, 0.579441541679836],
  [1.5949106306628587e109, 9.153029197628656e-246, 1.3009214572008502e112, 1.2993265465701872e112],
];

describe('ndtri′ and erfcinv′ in the tails', () => {
  // √(2π)e^{y²/2} from the rounded output y carried its rounding times y² (2.4e−13 at p = 5e−249, y = −33.7; erfcinv′
  // 2.3e−13 at 1e−300). Now 1/(p·r(y)), r = φ/Φ, whose sensitivity to y is ~1/y². References: y = √2·erfinv(2p − 1)
  // at 400 digits, 1/φ(y) and y/φ(y)² (erfcinv: −(√π/2)e^{z²}, 2z·that², z = erfinv(1 − y)).
  const rows: Array<[number, number, number]> = [ // p, ndtri′, ndtri″
    [5.277270736923366e-249, 5.62093928501054e246, -Infinity],
    [1.0335114198564106e-48, 6.587228894737577e46, -6.3442327633266305e94],
    [1e-300, 2.697304465042612e298, -Infinity],
    [0.9999, 2526.222398425407, 23734017.942727566],
    [0.9999999999999999, 1081559575103678.6, 9.603278253574069e30],
  ];
  it.each(rows)('ndtri at %d', (p, d, dd) => {
    expect(rel(d1(S.ndtri, p), d)).toBeLessThan(1e-15);
    if (dd === -Infinity) expect(d2(S.ndtri, p)).toBe(-Infinity); else expect(rel(d2(S.ndtri, p), dd)).toBeLessThan(2e-15);
  });
  it('erfcinv, and the edges', () => {
    expect(rel(d1(S.erfcinv, 1e-300), -1.9063218669084349e298)).toBeLessThan(1e-15);
    expect(rel(d1(S.erfcinv, 1e-100), -3.311561294461473e98)).toBeLessThan(1e-15);
    expect(rel(d2(S.erfcinv, 1e-100), 3.304313880571065e198)).toBeLessThan(1e-15);
    expect(rel(d1(S.erfcinv, 1.999999999999999), -78290201920409.81)).toBeLessThan(1e-15);
    expect(rel(d2(S.erfcinv, 1.999999999999999), -6.946723716499372e28)).toBeLessThan(2e-15);
    expect([0, 1].map((p) => d1(S.ndtri, p))).toEqual([Infinity, Infinity]);
    expect([0, 2].map((y) => d1(S.erfcinv, y))).toEqual([-Infinity, -Infinity]);
    expect(d1(S.ndtri, 0.5)).toBe(2.5066282746310002);
    const g = ad.grad((p: ad.Tensor) => ad.sum(S.ndtri(p)))(ad.tensor([1e-300, 0.3, 0.9999])).toFloat64Array();
    expect(Array.from(g)).toEqual([1e-300, 0.3, 0.9999].map((p) => d1(S.ndtri, p)));
  });
});

describe('entr′ and xlogy′ at tiny arguments', () => {
  // xlogy's y-partial was x·(1/y): 1/y overflows for subnormal y and its derivative −(1/y)² from y = 1e−154, so
  // entr′(7.3e−313) = −(log x + x·(1/x)) was −∞ (for +717.72) and entr″(1e−300) was +∞ (for −1e300). Now x/y.
  it('has the right signs and values', () => {
    expect(rel(d1(S.entr, 7.3119970588e-313), 717.7196176752258)).toBeLessThan(1e-15);
    expect(rel(d1(S.entr, 5e-324), 743.4400719213812)).toBeLessThan(1e-15);
    expect(rel(d2(S.entr, 1e-300), -1e300)).toBeLessThan(1e-15);
    expect(rel(d2(S.entr, 6.731871135395854e-296), -1.4854710969466546e295)).toBeLessThan(1e-15);
    // ∂²/∂y² xlogy(x, y) = −x/y², finite at (1e−300, 1e−200) where (1/y)² overflows.
    expect(rel(ad.grad(ad.grad((y: ad.Tensor) => ad.xlogy(1e-300, y)))(ad.scalar(1e-200)).item(), -1e100)).toBeLessThan(1e-15);
    expect(ad.grad((y: ad.Tensor) => ad.xlogy(0, y))(ad.scalar(0)).item()).toBe(0); // the strong zero
    expect(ad.grad((y: ad.Tensor) => ad.xlogy(ad.scalar(0), y))(ad.scalar(2)).item()).toBe(0);
  });
});

describe('gammainc for large a near x = a', () => {
  // The series and Legendre's fraction need ~√a terms there and stopped at a million unconverged: P(1e12, 1e12) was 0.341
  // for 0.5000001, P(1e20, 1e20) −6.51 and Q 7.51, P(1e300, 1e300) −∞ (SciPy right there; its lower tail is not: P(1e12,
  // 1e12(1 − 5e−6)) = 2.96e−9 for 2.87e−7). Now Temme's uniform expansion from a = 1e6. References: mpmath at a = 1e6
  // (x^a e^{−x}/Γ(a + 1)·₁F₁(1; a + 1; x)); beyond, SciPy's igam/igamc where they agree with the normal limit.
  const rows: Array<[number, number, number, number]> = [ // a, x, P, bound (relative)
    [1e6, 995000, 2.7495803592700707538e-7, 1e-14],
    [1e6, 998000, 0.022696114006736802806, 2e-15],
    [1e6, 1e6, 0.50013298076087259124, 2e-15],
    [1e12, 1e12, 0.5000001329807602, 2e-15],
    [1e20, 1e20, 0.500000000013298, 2e-15],
    [1e20, 1e20 * (1 + 2e-10), 0.9772498569890695, 2e-15],
    [1e300, 1e300, 0.5, 2e-15],
  ];
  it.each(rows)('P(%d, %d)', (a, x, p, bound) => {
    expect(rel(S.gammainc(a, x).item(), p)).toBeLessThan(bound);
    expect(rel(S.gammaincc(a, x).item(), 1 - p)).toBeLessThan(p > 0.4 ? 4e-15 : 1e-15);
  });
  it('and its a-derivative there', () => {
    // mpmath.diff of the ₁F₁ form in a at 40 digits: ∂P/∂a(1e6, 998000) and (1e6, 1e6).
    const g = (a: number, x: number) => ad.grad((s: ad.Tensor) => S.gammainc(s, x))(ad.scalar(a)).item();
    expect(rel(g(1e6, 998000), -5.3900890028576e-5)).toBeLessThan(1e-13);
    expect(rel(g(1e6, 1e6), -0.0003989423136466252)).toBeLessThan(1e-13);
  });
});
