/**
 * @file The distributions of jax.scipy.stats that ad.stats gained last (helper 110): truncnorm (with SciPy's ppf),
 * vonmises, wrapcauchy, pareto, gennorm, nbinom, betabinom, multinomial, and the sample statistics mode, rankdata
 * and sem. References are pasted literals, computed once (scratch/h110/ref_all.py, ref_extra.py):
 *  - mpmath at 60 digits (400 where a value sits 1e−159 from ½): each density written out (truncnorm's mass as
 *    Φ(b) − Φ(a), mirrored as Φ(−a) − Φ(−b) for a > 0; its quantile by findroot on log Φ; log I₀ by besseli;
 *    lgamma/beta/binomial for the counts), derivatives by mp.diff;
 *  - SciPy 1.10.1 (scipy.stats.*.logpdf/logpmf/cdf/ppf, mode, rankdata, sem);
 *  - torch 1.13 float64 distributions with autograd (VonMises, Pareto, NegativeBinomial with probs = 1 − p,
 *    Multinomial), first and second derivatives.
 * No Python at test time. Each block says what it guards against.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

const st = ad.stats;
const relErr = (got: number, want: number) => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));
/** Gradient of f at the point, in every argument. */
const grads = (f: (...v: ad.Tensor[]) => ad.Tensor, point: readonly number[]) =>
  (ad.grad(f, point.map((_, i) => i))(...point.map((v) => ad.scalar(v))) as ad.Tensor[]).map((t) => t.item());
/** d²f/dv² in argument i, the others fixed. */
const second = (f: (...v: ad.Tensor[]) => ad.Tensor, point: readonly number[], i: number) => {
  const g = (v: ad.Tensor) => f(...point.map((p, j) => (j === i ? v : ad.scalar(p))));
  return ad.grad(ad.grad(g))(ad.scalar(point[i]!)).item();
};
const T = (v: readonly number[] | ReadonlyArray<readonly number[]>) => ad.tensor(v as number[]);
const checkGrad2 = (f: (...a: ad.Tensor[]) => ad.Tensor, args: number[][], options: ad.CheckGradOptions = {}) =>
  ad.checkGrad((...a: ad.Tensor[]) => ad.sum(f(...a)), args.map((a) => T(a)), { order: 2, ...options });

describe('stats.truncnorm: values in both tails against mpmath', () => {
  // Rows: [x, a, b, logpdf, logcdf, logsf]. log M = log(Φ(b) − Φ(a)) in the tail it lies in, short intervals by
  // quadrature: SciPy 1.10 (log Φ differences) is 1.7e−9 off in logsf(30.000001; 30, 31), 1.9e−9 in
  // logcdf(−39.000001; −40, −39), 7e−6 in logcdf(−5e−11; −1e−10, 1e−10). The log-CDF and log-SF subtract two masses
  // without their common log Φ(b) (b ≤ 0) or log Φ(−a) (a > 0): the sums, near −775 at b = −39, are rounded to 1e−13,
  // which left logsf(−39.000001; −40, −39) 5e−15 off and logcdf there 5e−14.
  const ROWS = [
    [0.3, -1.0, 1.0, -0.5822233869025467, -0.3964319775209272, -1.116927090295457],
    [-0.9, -1.0, 1.0, -0.9422233869025467, -3.2910991890404553, -0.03792299533857851],
    [0.99, -1.0, 1.0, -1.0272733869025468, -0.0035684554734214616, -5.637406114463347],
    [1.5, 0.1, 2.0, -1.217081728766054, -0.10616063850810827, -2.2954126510266404],
    [-2.0, -3.0, -1.0, -1.0693721126570643, -1.9947870057865973, -0.146231848633147],
    [2.5, 1.0, 4.0, -2.2027172452423804, -0.03972625466754754, -3.2455403541245906],
    [30.2, 30.0, 31.0, -2.6176945768613993, -0.0024165317389197175, -6.026629955065225],
    [30.000001, 30.0, 31.0, 3.4022754231380485, -10.41322013376042, -3.0033260197756325e-05],
    [30.99, 30.0, 31.0, -26.78774457686137, -1.9983254092860353e-14, -31.54388176744123],
    [-39.5, -40.0, -39.0, -15.960781968827128, -19.63772254224647, -2.961048107938466e-09],
    [-39.999, -40.0, -39.0, -35.79578246882722, -42.723470750369344, -2.788896551974058e-19],
    [-39.000001, -40.0, -39.0, 3.6641790311724702, -3.902560782107248e-05, -10.151312029252901],
    [0.0, -40.0, Infinity, -0.9189385332046728, -0.6931471805599453, -0.6931471805599453],
    [3.0, -40.0, Infinity, -5.418938533204673, -0.0013508099647481938, -6.607726221510349],
    [-38.5, -Infinity, -38.0, -15.486722514384542, -19.138054271590953, -4.880323788642396e-09],
    [8.0, 5.0, Infinity, -17.853940139215947, -2.170216803710379e-09, -19.948438765925825],
    [1e-11, -1e-10, 1e-10, 22.33270374938051, -0.5978370007556204, -0.7985076962177716],
    [-5e-11, -1e-10, 1e-10, 22.33270374938051, -1.3862943611198906, -0.2876820724517809],
    [0.3, -0.5, 0.4, 0.09482573079097271, -0.11444049067864494, -2.2243749352965474],
    [5.0000003, 5.0, 5.000001, 13.815511557823577, -1.2039710546227913, -0.3566756938124459],
  ] as const;
  it('log-density, log-CDF and log-SF within 2e−14, CDF and SF (their exp) within 2e−14', () => {
    for (const [x, a, b, lp, lc, ls] of ROWS) {
      const at = `(${x}; ${a}, ${b})`;
      // logpdf(30.2; 30, 31) = −z²/2 − log M carries the rounding of x times x² (1.2e−14 of 2.6).
      expect(relErr(st.truncnorm.logpdf(x, a, b).item(), lp), `logpdf${at}`).toBeLessThan(2e-14);
      expect(relErr(st.truncnorm.logcdf(x, a, b).item(), lc), `logcdf${at}`).toBeLessThan(2e-14);
      expect(relErr(st.truncnorm.logsf(x, a, b).item(), ls), `logsf${at}`).toBeLessThan(2e-14);
      expect(relErr(st.truncnorm.cdf(x, a, b).item(), Math.exp(lc)), `cdf${at}`).toBeLessThan(2e-14);
      expect(relErr(st.truncnorm.sf(x, a, b).item(), Math.exp(ls)), `sf${at}`).toBeLessThan(2e-14);
    }
  });
  it('short intervals keep their digits: the rows where a log Φ difference would lose 4–9 (within 5e−15)', () => {
    const short = ROWS.filter(([x, a, b]) => b - a < 1e-5 || Math.abs(x - a) < 1e-5 || Math.abs(x - b) < 1e-5);
    expect(short.length).toBe(5);
    for (const [x, a, b, , lc, ls] of short) {
      expect(relErr(st.truncnorm.logcdf(x, a, b).item(), lc), `logcdf(${x}; ${a}, ${b})`).toBeLessThan(5e-15);
      expect(relErr(st.truncnorm.logsf(x, a, b).item(), ls), `logsf(${x}; ${a}, ${b})`).toBeLessThan(5e-15);
    }
  });
  it('the log-SF where the SF is 1 − 1e−268 (log1p of the CDF), and loc/scale', () => {
    const [[lc, ls]] = [
    [-616.9751012619225, -1.1249107064724062e-268],
  ] as const;
    expect(relErr(st.truncnorm.logcdf(-35, -40, Infinity).item(), lc!)).toBeLessThan(1e-15);
    expect(relErr(st.truncnorm.logsf(-35, -40, Infinity).item(), ls!)).toBeLessThan(2e-13);
    for (const [x, a, b, l, s, lp, lc2, ls2] of [
    [1.7, -1.0, 2.0, 1.5, 0.5, -0.10562505832026482, -0.4994689126766772, -0.9335713504337801],
    [-3.0, -2.0, 0.5, -1.0, 2.0, -1.7096844014260428, -1.5933969568421802, -0.2271943202142884],
  ] as const) {
      expect(relErr(st.truncnorm.logpdf(x, a, b, l, s).item(), lp)).toBeLessThan(1e-15);
      expect(relErr(st.truncnorm.logcdf(x, a, b, l, s).item(), lc2)).toBeLessThan(1e-15);
      expect(relErr(st.truncnorm.logsf(x, a, b, l, s).item(), ls2)).toBeLessThan(2e-15);
    }
  });
  it('agrees with SciPy 1.10 away from the tails (logpdf, cdf, sf within 5e−15: SciPy\'s own error is up to 2e−15)', () => {
    for (const [x, a, b, lp, c, s] of [
    [0.3, -1.0, 1.0, -0.5822233869025466, 0.6727160349573328, 0.3272839650426679],
    [-0.9, -1.0, 1.0, -0.9422233869025465, 0.03721292287035979, 0.9627870771296402],
    [1.5, 0.1, 2.0, -1.217081728766054, 0.8992801774463852, 0.10071982255361478],
    [-2.0, -3.0, -1.0, -1.069372112657064, 0.13604262737358375, 0.8639573726264161],
    [2.5, 1.0, 4.0, -2.202717245242379, 0.9610524867791481, 0.03894751322085187],
    [0.2, -0.5, 3.0, -0.5680379736426402, 0.3922869762595997, 0.6077130237404005],
  ] as const) {
      expect(relErr(st.truncnorm.logpdf(x, a, b).item(), lp), `logpdf(${x})`).toBeLessThan(5e-15);
      expect(relErr(st.truncnorm.cdf(x, a, b).item(), c), `cdf(${x})`).toBeLessThan(5e-15);
      expect(relErr(st.truncnorm.sf(x, a, b).item(), s), `sf(${x})`).toBeLessThan(5e-15);
    }
  });
});

describe('stats.truncnorm.ppf (SciPy\'s; JAX has none)', () => {
  // Rows: [q, a, b, ppf]. The start inverts log Φ (a = −40: Φ(a) = 3.7e−350 is no double); Newton steps on log CDF = log q
  // then fix x − a in short intervals (SciPy's and the start's ppf(0.3; −1e−10, 1e−10) were 8e−6 and 3e−6 off).
  const ROWS = [
    [0.3, -1.0, 1.0, -0.34921993245688215],
    [0.01, -1.0, 2.0, -0.9667232518503338],
    [0.999, 0.1, 2.0, 1.9919630885563897],
    [1e-10, 30.0, 31.0, 30.00000000000333],
    [0.5, 30.0, 31.0, 30.02307046782731],
    [0.99, 30.0, 31.0, 30.15294665858197],
    [0.999999999999, 30.0, 31.0, 30.904624997225266],
    [1e-10, -40.0, -39.0, -39.585627837274046],
    [0.5, -40.0, -39.0, -39.01775730523235],
    [0.99, -40.0, -39.0, -39.00025753097462],
    [1e-300, -40.0, Infinity, -37.0470962993612],
    [0.75, 5.0, Infinity, 5.26093360482116],
    [0.5, -Infinity, -38.0, -38.018223745586276],
    [0.3, -1e-10, 1e-10, -4.0000000000000004e-11],
    [0.7, 5.0, 5.000001, 5.000000699999475],
  ] as const;
  it('within 3e−15 of mpmath, including a = 30, b = 31, a = −40 and q = 1e−300', () => {
    for (const [q, a, b, x] of ROWS) expect(relErr(st.truncnorm.ppf(q, a, b).item(), x), `ppf(${q}; ${a}, ${b})`).toBeLessThan(3e-15);
  });
  it('q = 0 and 1 give a and b; q outside [0, 1], NaN, a ≥ b or scale ≤ 0 give NaN; loc and scale', () => {
    expect(st.truncnorm.ppf(T([0, 1]), -1, 2).toArray()).toEqual([-1, 2]);
    expect(st.truncnorm.ppf(0, -Infinity, 2).item()).toBe(-Infinity);
    expect(st.truncnorm.ppf(T([NaN, -0.1, 1.1]), -1, 2).toArray()).toEqual([NaN, NaN, NaN]);
    expect(st.truncnorm.ppf(0.5, 2, 1).item()).toBeNaN();
    expect(st.truncnorm.ppf(0.5, 0, 1, 0, -1).item()).toBeNaN();
    expect(relErr(st.truncnorm.ppf(0.3, -1, 1, 2, 3).item(), 2 + 3 * ROWS[0]![3]!)).toBeLessThan(1e-15);
    // ppf inverts cdf.
    const xs = [-0.5, 0.3, 1.9];
    (st.truncnorm.ppf(st.truncnorm.cdf(T(xs), -1, 2), -1, 2).toArray() as number[]).forEach((v, i) => expect(Math.abs(v - xs[i]!)).toBeLessThan(1e-15));
  });
  it('derivatives in q, a, b and d²/dq² against mpmath; d²x/dq² = x (dx/dq)² (f′ = −x f) to 2e−15', () => {
    // Rows: [q, a, b, ∂q, ∂a, ∂b, ∂²q]. At (0.99; −40, −39) dx/dq = M/φ(x) carries the rounding of x·x/2 ≈ 760 (7e−14).
    // With two differentiable Newton steps on log CDF d²x/dq² there was 5e−10 off (N_x = 0 only to the residual of an x
    // rounded to its last place, h′ = 3864, times the first step's own second derivative); the steps on CDF − q with
    // that residual taken out have N_x = 0 exactly.
    const ROWS2 = [
    [0.3, -1.0, 2.0, 2.1130915069464486, 0.43723033582667786, 0.04181111779489645, -1.0823707932050681],
    [0.5, 30.0, 31.0, 0.06654177952400049, 0.9992332715887688, 5.6713335235116577e-14, 0.13293640427837103],
    [0.99, -40.0, -39.0, 0.025882860398787292, 7.075056398834405e-20, 0.9999934053396492, -0.026127148560286015],
    [0.3, -1e-10, 1e-10, 2e-10, 0.7, 0.3, -1.6e-30],
  ] as const;
    for (const [q, a, b, dq, da, db, dqq] of ROWS2) {
      const at = `(${q}; ${a}, ${b})`;
      const f = (Q: ad.Tensor, A: ad.Tensor, B: ad.Tensor) => st.truncnorm.ppf(Q, A, B);
      const [gq, ga, gb] = grads(f, [q, a, b]);
      expect(relErr(gq!, dq), `∂q${at}`).toBeLessThan(1e-13);
      expect(relErr(ga!, da), `∂a${at}`).toBeLessThan(1e-13);
      expect(relErr(gb!, db), `∂b${at}`).toBeLessThan(1e-13);
      // d²x/dq² = x/f² also for the 2e−10-wide interval, where it is −1.6e−30.
      expect(relErr(second(f, [q, a, b], 0), dqq), `∂²q${at}`).toBeLessThan(3e-13);
    }
    for (const [q, a, b] of [[0.3, -40, -39], [0.99, -40, -39], [0.6, -40, -39], [0.99, -1, 2], [0.5, 30, 31], [0.2, 30, 31], [0.7, -3, -2], [0.4, 3, 4]] as const) {
      const f = (Q: ad.Tensor) => st.truncnorm.ppf(Q, a, b);
      const x = f(ad.scalar(q)).item(), d1 = ad.grad(f)(ad.scalar(q)).item(), d2 = ad.grad(ad.grad(f))(ad.scalar(q)).item();
      // The derivatives are the exact root's, x the root rounded: x (dx/dq)² at x moves by ~x²·ulp(x) (6e−15 at 0.99; −40, −39).
      expect(relErr(d2, x * d1 * d1), `identity at (${q}; ${a}, ${b})`).toBeLessThan(3e-14);
    }
  });
  it('derivatives where the quantile lies a few ulps to a few thousand from an end, against mpmath', () => {
    // Rows: [q, a, b, ppf, ∂q, ∂a, ∂b, ∂²a, ∂q∂a] (mpmath at 80 digits, bisection on the CDF, mp.diff). With Newton steps on
    // log CDF the residual of a rounded x (x − a = 9 ulps at (1e−12; 30, 31)) entered ∂N/∂x: d²x/dq² at (1e−12; −1, 2) was
    // 80 times too large, ∂q there 8e−4 off; through exp(log CDF) d²x/dq² at (1e−9; 5, 5 + 1e−6) was 4e−2 off; with the
    // tail read at the rounded x rather than the root, ∂b at (1e−12; 30, 31) (∝ CDF itself) was 4% off.
    const ROWS = [
      [1e-09, -1.0, 2.0, -0.9999999966169684, 3.3830316166461274, 0.9999999956169684, 2.2313015939357347e-10, 7.766063181042389e-09, -4.383031586990258],
      [1e-12, 30.0, 31.0, 30.000000000000032, 0.033296419072528644, 0.9999999999999989, 5.675685232638392e-26, 7.358431834139439e-17, -0.0011074278251395713],
      [0.999999999, -40.0, -39.0, -39.00000000002562, 0.025624200803307694, 7.004351835071797e-27, 0.9999999999993439, 2.801740734028719e-25, -7.004352040168156e-18],
      [1e-09, 5.0, 5.000001, 5.000000000000001, 9.999975001437824e-07, 0.999999999000005, 9.999950000120044e-10, -4.999973995065074e-09, -0.9999950000125093],
    ] as const;
    for (const [q, a, b, x, dq, da, db, daa, dqa] of ROWS) {
      const at = `(${q}; ${a}, ${b})`;
      expect(st.truncnorm.ppf(q, a, b).item(), `ppf${at}`).toBe(x);
      const [gq, ga, gb] = grads((Q, A, B) => st.truncnorm.ppf(Q, A, B), [q, a, b]);
      expect(relErr(gq!, dq), `∂q${at}`).toBeLessThan(2e-13);
      expect(relErr(ga!, da), `∂a${at}`).toBeLessThan(2e-13);
      expect(relErr(gb!, db), `∂b${at}`).toBeLessThan(2e-13);
      // ∂²a is 1e−8 or less of ∂a (≈ 1): within 1e−18 absolute (at 1 ulp from a, x − a itself is known to O(1)).
      expect(Math.abs(second((Q, A, B) => st.truncnorm.ppf(Q, A, B), [q, a, b], 1) - daa), `∂²a${at}`).toBeLessThanOrEqual(2e-13 * Math.abs(daa) + 1e-18);
      const gqa = ad.grad((A: ad.Tensor) => ad.grad((Q: ad.Tensor) => st.truncnorm.ppf(Q, A, b))(ad.scalar(q)))(ad.scalar(a)).item();
      expect(Math.abs(gqa - dqa), `∂q∂a${at}`).toBeLessThanOrEqual(2e-13 * Math.abs(dqa));
    }
    // At q = 1e−300 the quantile rounds onto a: it is given one ulp inside, where the CDF has its derivatives (dx/dq = 1/f(a)).
    expect(st.truncnorm.ppf(1e-300, -1, 2).item()).toBeGreaterThan(-1);
    expect(relErr(ad.grad((Q: ad.Tensor) => st.truncnorm.ppf(Q, -1, 2))(ad.scalar(1e-300)).item(), 1 / st.truncnorm.pdf(-1, -1, 2).item())).toBeLessThan(1e-15);
  });
});

describe('stats.truncnorm: derivatives, support, broadcasting, vmap', () => {
  // Rows: [[x, a, b, loc, scale], ∂logpdf, ∂logcdf, ∂logsf], each in (x, a, b, loc, scale), mpmath.
  const ROWS = [
    [[0.3, -1.0, 1.5, 0.1, 1.1], [-0.16528925619834706, 0.3124067079042929, -0.16721926075176674, 0.16528925619834706, -0.8790383170548459], [0.8627447215261782, -0.2727957967812527, -0.16721926075176674, -0.8627447215261782, -0.15686267664112327], [-0.9880182957141588, 0.3124067079042929, 0.1915000867536794, 0.9880182957141588, 0.179639690129847]],
    [[30.2, 30.0, 31.0, 0.0, 1.0], [-30.2, 30.033259667435328, -1.7045932838228663e-12, 30.2, 911.04], [0.07314744757721817, -0.0726640873853792, -1.7045932838228663e-12, -0.07314744757721817, -2.209052916831989], [-30.233040366219992, 30.033259667435328, 7.045363750170667e-10, 30.233040366219992, 913.0378190598437]],
    [[-39.5, -40.0, -39.0, 0.0, 1.0], [39.5, 2.7334909240424955e-16, -39.02560741993011, -39.5, 1559.25], [39.52528419857007, -9.231497835739661e-08, -39.02560741993011, -39.52528419857007, 1561.2487258435178], [-1.1703626816518107e-07, 2.7334909240424955e-16, 1.1555670118301789e-07, 1.1703626816518107e-07, -4.622932592524652e-06]],
    [[1e-11, -1e-10, 1e-10, 0.0, 1.0], [-1e-11, 5000000000.0, -5000000000.0, 1e-11, -1.0], [9090909090.90909, -4090909090.909091, -5000000000.0, -9090909090.90909, -0.0909090909090909], [-11111111111.11111, 5000000000.0, 6111111111.111111, 11111111111.11111, 0.1111111111111111]],
  ] as const;
  it('first derivatives of logpdf, logcdf and logsf in all five arguments within 2e−14', () => {
    for (const [point, ...want] of ROWS) {
      (['logpdf', 'logcdf', 'logsf'] as const).forEach((name, k) => {
        const got = grads((X, A, B, L, S) => st.truncnorm[name](X, A, B, L, S), point);
        got.forEach((g, i) => expect(Math.abs(g - want[k]![i]!), `∂${i} ${name}(${point})`).toBeLessThanOrEqual(2e-14 * Math.abs(want[k]![i]!) + 1e-30));
      });
    }
  });
  it('checkGrad to second order in every argument, in the middle, both far tails and a 2e−10-wide interval', () => {
    for (const name of ['logpdf', 'logcdf', 'logsf', 'cdf', 'sf'] as const) {
      const mid = checkGrad2((X, A, B, L, S) => st.truncnorm[name](X, A, B, L, S), [[0.3, 1.7], [-1, -1.2], [1, 2.5], [0.1, 0.2], [1.1, 0.9]]);
      expect(mid.ok, `${name} middle (${mid.maxRelativeError})`).toBe(true);
      if (name === 'cdf' || name === 'sf') continue; // exp of logcdf, logsf: their tails are checked below
      const up = checkGrad2((X, A, B) => st.truncnorm[name](X, A, B), [[30.2, 30.9], [30, 30], [31, 31]], { rtol: 1e-4 });
      expect(up.ok, `${name} a = 30 (${up.maxRelativeError})`).toBe(true);
      const down = checkGrad2((X, A, B) => st.truncnorm[name](X, A, B), [[-39.5, -39.1], [-40, -40], [-39, -39]], { rtol: 1e-4 });
      expect(down.ok, `${name} a = −40 (${down.maxRelativeError})`).toBe(true);
      const narrow = checkGrad2((X, A, B) => st.truncnorm[name](X, A, B), [[1e-11], [-1e-10], [1e-10]], { eps: 1e-13, rtol: 1e-4 });
      expect(narrow.ok, `${name} narrow (${narrow.maxRelativeError})`).toBe(true);
    }
    const p = checkGrad2((Q, A, B, L, S) => st.truncnorm.ppf(Q, A, B, L, S), [[0.3, 0.8], [-1, -1.2], [1, 2.5], [0.1, 0.2], [1.1, 0.9]]);
    expect(p.ok, `ppf (${p.maxRelativeError})`).toBe(true);
    const pf = checkGrad2((Q, A) => st.truncnorm.ppf(Q, A, Infinity), [[0.3, 0.9], [-40, 0.5]]);
    expect(pf.ok, `ppf half-infinite (${pf.maxRelativeError})`).toBe(true);
  });
  it('outside [a, b]: log-density −∞, CDF 0 below and 1 above, gradient 0; invalid parameters and NaN give NaN', () => {
    expect(st.truncnorm.logpdf(T([-2, 2, -Infinity, Infinity]), -1, 1).toArray()).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
    expect(st.truncnorm.pdf(T([-1.5, 1.5]), -1, 1).toArray()).toEqual([0, 0]);
    expect(st.truncnorm.cdf(T([-2, -1, 1, 2]), -1, 1).toArray()).toEqual([0, 0, 1, 1]);
    expect(st.truncnorm.logcdf(T([-2, -1, 1, 2]), -1, 1).toArray()).toEqual([-Infinity, -Infinity, 0, 0]);
    expect(st.truncnorm.sf(T([-2, -1, 1, 2]), -1, 1).toArray()).toEqual([1, 1, 0, 0]);
    expect(st.truncnorm.logsf(T([-2, -1, 1, 2]), -1, 1).toArray()).toEqual([0, 0, -Infinity, -Infinity]);
    expect(grads((X, A) => st.truncnorm.logcdf(X, A, 1), [-2, -1])).toEqual([0, 0]);
    // The closed support: the density at a and b is φ/M (SciPy's); a = −∞, b = ∞ is the normal.
    expect(st.truncnorm.logpdf(-1, -1, 1).item()).toBeCloseTo(-1.0372233869025468, 15);
    expect(st.truncnorm.logpdf(0.5, -Infinity, Infinity).item()).toBe(st.norm.logpdf(0.5).item());
    for (const v of [st.truncnorm.logpdf(0, 1, 1), st.truncnorm.logpdf(0, 1, -1), st.truncnorm.cdf(NaN, -1, 1), st.truncnorm.logpdf(0, NaN, 1), st.truncnorm.logsf(0, -1, 1, 0, 0), st.truncnorm.sf(0, -1, 1, NaN)]) {
      expect(v.item()).toBeNaN();
    }
  });
  it('broadcasts its five arguments, and vmap (of the value and of its gradient) agrees with the direct call', () => {
    const x = T([[0.2], [1.5], [-0.4]]), a = T([-1, 0.1]), b = T([2, 3]);
    const got = st.truncnorm.logcdf(x, a, b, 0.1, T([[1], [1.2], [0.9]]));
    expect(got.shape).toEqual([3, 2]);
    const xs = [0.2, 1.5, -0.4], as = [-1, 0.1], bs = [2, 3], ss = [1, 1.2, 0.9];
    (got.toArray() as number[][]).forEach((r, i) => r.forEach((v, j) => expect(v).toBe(st.truncnorm.logcdf(xs[i]!, as[j]!, bs[j]!, 0.1, ss[i]!).item())));
    const f = (q: ad.Tensor, lo: ad.Tensor) => st.truncnorm.ppf(q, lo, 2);
    const qs = T([0.1, 0.5, 0.9]), los = T([-1, 0.5, -30]);
    expect(ad.vmap(f)(qs, los).toArray()).toEqual(f(qs, los).toArray());
    const g = ad.grad((q: ad.Tensor, lo: ad.Tensor) => ad.sum(f(q, lo)), [0, 1]);
    const perExample = ad.vmap((q: ad.Tensor, lo: ad.Tensor) => ad.stack(g(q, lo) as ad.Tensor[]))(qs, los).toArray() as number[][];
    const whole = (g(qs, los) as ad.Tensor[]).map((t) => t.toArray() as number[]);
    perExample.forEach((r, i) => { expect(r[0]).toBe(whole[0]![i]); expect(r[1]).toBe(whole[1]![i]); });
  });
});

describe('stats.truncnorm: properties over random intervals, from the middle to 38 standard deviations out (fast-check)', () => {
  it('the CDF is monotone, CDF + SF = 1, and cdf(ppf(q)) = q', () => {
    fc.assert(fc.property(fc.double({ min: -38, max: 37, noNaN: true }), fc.double({ min: 1e-6, max: 4, noNaN: true }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (a, width, q) => {
      const b = a + width;
      const x = st.truncnorm.ppf(q, a, b).item();
      const c = st.truncnorm.cdf(x, a, b).item(), s = st.truncnorm.sf(x, a, b).item();
      const later = st.truncnorm.cdf(Math.min(b, x + width / 10), a, b).item();
      // x is known to its last place: the CDF there to that place times the density (1e−6 wide at 3.8e−5: 1e−12 of q).
      const tolerance = 1e-14 * q + 2.3e-16 * Math.abs(x) * st.truncnorm.pdf(x, a, b).item();
      return x >= a && x <= b && Math.abs(c - q) <= tolerance && Math.abs(c + s - 1) <= 2e-15 && later >= c;
    }), { numRuns: 150, seed: 11 });
  });
  it('jit equals eager (value and gradient)', () => {
    const f = (x: ad.Tensor, a: ad.Tensor) => ad.sum(ad.add(st.truncnorm.logcdf(x, a, 31), st.truncnorm.ppf(0.3, a, 31)));
    const x = T([30.2, 30.7]), a = T([30, 29.5]);
    const jitted = ad.jit(ad.grad(f, [0, 1]));
    jitted(x, a);
    const [gx, ga] = jitted(x, a) as ad.Tensor[], [ex, ea] = ad.grad(f, [0, 1])(x, a) as ad.Tensor[];
    expect([gx!.toArray(), ga!.toArray()]).toEqual([ex!.toArray(), ea!.toArray()]);
  });
});

describe('stats.vonmises', () => {
  // Rows: [x, κ, logpdf, ∂x, ∂κ, ∂²κ] (mpmath, besseli). Above κ = 30 log(e^{−κ}I₀(κ)) is its asymptotic series: the
  // κ-derivative I₁/I₀ − 1 from i0e and i1e keeps only ε·2κ (3e−12 at κ = 1e4). At (0.01, 1e4) ∂κ is a difference of
  // two terms 3e4 times its size (−2 sin²(x/2) and 1 − I₁/I₀), so 1e−11 there.
  const ROWS = [
    [0.3, 2.0, -0.7511976296410897, -0.5910404133226791, 0.25756183116159803, -0.1642231977212077],
    [3.0, 2.0, -4.641855601093193, -0.2822400161197344, -1.6877671545644535, -0.1642231977212077],
    [10.0, 2.0, -4.340013666045206, 1.0880422217787395, -1.5368461870404604, -0.1642231977212077],
    [-4.0, 0.5, -2.226248596026633, -0.3784012476539641, -0.8961432334444138, -0.4561947127365571],
    [0.0, 1e-300, -1.8378770664093456, 0.0, 1.0, -0.5],
    [0.001, 0.001, -1.8368773169093298, -9.999998333333416e-07, 0.9994995000625416, -0.4999998125000521],
    [0.2, 29.9, 0.17972830048868352, -5.940212990772331, -0.003066255424564056, -0.0005691353900068518],
    [0.2, 30.0, 0.17941883565596753, -5.960079923851837, -0.003122977524094464, -0.0005653130416681776],
    [0.2, 30.1, 0.1791037176608457, -5.979946856931343, -0.0031793193124693476, -0.0005615290807690691],
    [0.01, 10000.0, 3.1862233188111313, -99.99833334166665, 1.66679029731349e-09, -5.0002500375078146e-09],
    [1e-06, 10000000000.0, 10.588986931753055, -9999.999999998332, 4.950000000125004e-11, -5.00000000025e-21],
    [3.1, 100.0, -198.53112478367987, -4.158066243329049, -1.9941225232784483, -5.0253830221470356e-05],
  ] as const;
  it('values, ∂/∂x, ∂/∂κ and ∂²/∂κ² from κ = 1e−300 to 1e10 against mpmath', () => {
    for (const [x, k, v, dx, dk, dkk] of ROWS) {
      const at = `(${x}, ${k})`;
      expect(relErr(st.vonmises.logpdf(x, k).item(), v), `logpdf${at}`).toBeLessThan(5e-15);
      const [gx, gk] = grads((X, K) => st.vonmises.logpdf(X, K), [x, k]);
      expect(Math.abs(gx! - dx), `∂x${at}`).toBeLessThanOrEqual(5e-16 * Math.abs(dx));
      expect(relErr(gk!, dk), `∂κ${at}`).toBeLessThan(k === 1e4 ? 1e-11 : 1e-14);
      expect(relErr(second((X, K) => st.vonmises.logpdf(X, K), [x, k], 1), dkk), `∂²κ${at}`).toBeLessThan(1e-13);
    }
  });
  it('agrees with torch.distributions.VonMises (whose log I₀ is a polynomial fit: within 1e−7) and its Hessian', () => {
    // Rows: [x, κ, log_prob, ∂x, ∂κ].
    for (const [x, k, v, dx, dk] of [
    [0.3, 2.0, -0.7511976318169059, -0.5910404133226791, 0.2575618474746677],
    [3.0, 0.5, -2.3944230087449463, -0.0705600040299336, -1.2324920498743195],
    [-1.2, 7.0, -4.428865695746618, 6.5242736017705845, -0.5631744749176312],
  ] as const) {
      expect(relErr(st.vonmises.logpdf(x, k).item(), v)).toBeLessThan(1e-7);
      const [gx, gk] = grads((X, K) => st.vonmises.logpdf(X, K), [x, k]);
      expect(relErr(gx!, dx)).toBeLessThan(1e-15);
      expect(relErr(gk!, dk)).toBeLessThan(1e-7);
    }
    const H = ad.hessian((X: ad.Tensor, K: ad.Tensor) => st.vonmises.logpdf(X, K), [0, 1])(ad.scalar(0.3), ad.scalar(2)) as ad.Tensor[][];
    // torch: [[−1.910672978251212, −0.29552020666133955], [−0.29552020666133955, −0.1642233011953787]].
    expect(relErr(H[0]![0]!.item(), -1.910672978251212)).toBeLessThan(1e-15);
    expect(relErr(H[0]![1]!.item(), -0.29552020666133955)).toBeLessThan(1e-15);
    expect(relErr(H[1]![1]!.item(), -0.1642233011953787)).toBeLessThan(1e-6);
    const c = checkGrad2((X, K) => st.vonmises.logpdf(X, K), [[0.3, 2, -4, 0.01], [0.5, 31, 1e4, 29.9]]);
    expect(c.ok, String(c.maxRelativeError)).toBe(true);
  });
  it('period 2π in x (SciPy\'s vonmises and JAX: no support limit); κ ≤ 0, κ = ∞, NaN give NaN', () => {
    expect(relErr(st.vonmises.logpdf(0.3 + 2 * Math.PI, 2).item(), st.vonmises.logpdf(0.3, 2).item())).toBeLessThan(1e-15);
    expect(st.vonmises.pdf(10, 2).item()).toBeCloseTo(Math.exp(ROWS[2]![2]!), 15);
    expect(st.vonmises.logpdf(0, T([0, -1, Infinity, NaN])).toArray()).toEqual([NaN, NaN, NaN, NaN]);
    expect(st.vonmises.logpdf(T([Infinity, NaN]), 2).toArray()).toEqual([NaN, NaN]);
  });
});

describe('stats.wrapcauchy', () => {
  // Rows: [x, c, logpdf, ∂x, ∂c] (mpmath). (1 − c)² + 4c sin²(x/2) keeps c = 1 − 1e−10 at x = 1e−8, where
  // 1 + c² − 2c cos x rounds to 2e−16 (SciPy's form: logpdf there is off by 4.6).
  const ROWS = [
    [0.3, 0.5, -0.903637924088891, -1.0029073697805453, 1.7572189225223434],
    [2.0, 0.1, -1.937063440593843, -0.16635071358603806, -1.1462810350738237],
    [6.0, 0.9, -0.9938272380914047, 6.15652402066029, -8.000609892169296],
    [1e-08, 0.9999999999, 12.670680759888352, -199980001.99648905, -9997999372.91063],
    [0.0, 0.5, -0.7392647777412358, 0.0, 2.6666666666666665],
    [6.283185307179586, 0.5, -0.7392647777412358, 9.797174393178826e-16, 2.6666666666666665],
    [3.141592653589793, 1e-300, -1.8378770664093456, 0.0, -2.0],
  ] as const;
  it('values and derivatives against mpmath (within 1e−15) and SciPy', () => {
    for (const [x, c, v, dx, dc] of ROWS) {
      const at = `(${x}, ${c})`;
      expect(relErr(st.wrapcauchy.logpdf(x, c).item(), v), `logpdf${at}`).toBeLessThan(1e-15);
      const [gx, gc] = grads((X, C) => st.wrapcauchy.logpdf(X, C), [x, c]);
      expect(Math.abs(gx! - dx), `∂x${at}`).toBeLessThanOrEqual(1e-15 * Math.abs(dx) + 1e-300);
      expect(relErr(gc!, dc), `∂c${at}`).toBeLessThan(1e-15);
    }
    for (const [x, c, v] of [
    [0.3, 0.5, -0.903637924088891],
    [2.0, 0.1, -1.9370634405938427],
    [6.0, 0.9, -0.9938272380914063],
  ] as const) expect(relErr(st.wrapcauchy.logpdf(x, c).item(), v)).toBeLessThan(2e-15);
    const r = checkGrad2((X, C) => st.wrapcauchy.logpdf(X, C), [[0.3, 2, 6], [0.5, 0.9, 0.1]]);
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
  });
  it('−∞ outside [0, 2π]; c outside (0, 1) or NaN gives NaN', () => {
    expect(st.wrapcauchy.logpdf(T([-1e-300, 2 * Math.PI + 1e-15, 7]), 0.5).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(st.wrapcauchy.pdf(-0.1, 0.5).item()).toBe(0);
    expect(st.wrapcauchy.logpdf(1, T([0, 1, -0.1, 1.5, NaN])).toArray()).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(st.wrapcauchy.logpdf(NaN, 0.5).item()).toBeNaN();
  });
});

describe('stats.pareto', () => {
  it('agrees with torch.distributions.Pareto (values, gradients, Hessian) and SciPy (loc, scale)', () => {
    // Rows: [x, b, scale, log_prob, ∂x, ∂b, ∂scale] (torch's Pareto(scale, alpha = b)).
    for (const [x, b, s, v, dx, db, ds] of [
    [3.0, 1.5, 2.0, -1.3013448427221919, -0.8333333333333334, 0.26120155855850224, 0.75],
    [1.0, 3.0, 1.0, 1.0986122886681098, -4.0, 0.3333333333333333, 3.0],
    [100.0, 0.3, 0.5, -7.398638200278437, -0.013000000000000001, -1.9649840332147028, 0.6000000000000001],
  ] as const) {
      expect(relErr(st.pareto.logpdf(x, b, 0, s).item(), v)).toBeLessThan(5e-16);
      grads((X, B, S) => st.pareto.logpdf(X, B, 0, S), [x, b, s]).forEach((g, i) => expect(relErr(g, [dx, db, ds][i]!), `∂${i}`).toBeLessThan(5e-16));
    }
    const H = ad.hessian((X: ad.Tensor, B: ad.Tensor, S: ad.Tensor) => st.pareto.logpdf(X, B, 0, S), [0, 1, 2])(ad.scalar(3), ad.scalar(1.5), ad.scalar(2)) as ad.Tensor[][];
    const torchH = [[0.2777777777777778, -0.3333333333333333, 0.0], [-0.3333333333333333, -0.4444444444444444, 0.5], [0.0, 0.5, -0.375]];
    H.forEach((r, i) => r.forEach((h, j) => expect(Math.abs(h.item() - torchH[i]![j]!), `H[${i}][${j}]`).toBeLessThan(1e-15)));
    // Rows: [x, b, loc, scale, scipy logpdf]. At y = 1e300 SciPy's −∞ is its y^{b+1} overflowing: the log-density is
    // log ½ − 1.5 log 1e300 = −1036.8564390278805.
    for (const [x, b, l, s, v] of [
    [5.0, 1.5, 0.2, 2.0, -2.4763539158365306],
    [1.2, 3.0, -1.0, 2.2, 0.3101549283038395],
    [1e+300, 0.5, 0.0, 1.0, -Infinity],
    [2.0, 0.001, 0.0, 1.0, -7.6015956067226425],
  ] as const) {
      const got = st.pareto.logpdf(x, b, l, s).item();
      expect(relErr(got, v === -Infinity ? -1036.8564390278805 : v), `pareto.logpdf(${x}, ${b})`).toBeLessThan(1e-15);
    }
    const r = checkGrad2((X, B, L, S) => st.pareto.logpdf(X, B, L, S), [[3, 5], [1.5, 3], [0.2, -1], [2, 1.5]]);
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
  });
  it('−∞ below y = 1 (and at y = ∞); b ≤ 0 or scale ≤ 0 give NaN (SciPy; JAX does not check)', () => {
    expect(st.pareto.logpdf(T([0.999999, 1, Infinity]), 2).toArray()).toEqual([-Infinity, Math.log(2), -Infinity]);
    expect(st.pareto.pdf(0.5, 2).item()).toBe(0);
    expect(st.pareto.logpdf(2, T([0, -1, NaN])).toArray()).toEqual([NaN, NaN, NaN]);
    expect(st.pareto.logpdf(2, 1, 0, T([0, -1])).toArray()).toEqual([NaN, NaN]);
    expect(grads((X, B) => st.pareto.logpdf(X, B), [0.5, 2])).toEqual([0, 0]);
  });
});

describe('stats.gennorm (x, beta: JAX\'s parameters)', () => {
  // Rows: [x, β, logpdf, cdf, ∂x logpdf, ∂β logpdf, ∂x cdf, ∂β cdf] (mpmath). log(β/(2Γ(1/β))) is −log 2 − lgamma(1 + 1/β),
  // without the cancellation of log β − lgamma(1/β) at large β.
  const ROWS = [
    [0.3, 1.5, -0.7551491148508543, 0.6557778396556174, -0.8215838362577491, 0.2786176231604701, 0.46994053439296185, 0.028560041532460657],
    [-2.0, 0.7, -2.5533748765785775, 0.16568083404115877, 0.5685766774493648, 0.2362537281014586, 0.07781859418250354, -0.48803944084289436],
    [1.5, 3.0, -3.9549555388196027, 0.9975574527975386, -6.75, -1.3831151598673666, 0.01915952038559872, 0.005122315495536021],
    [-30.0, 2.0, -900.5723649429247, 0.0, 60.0, -3061.0685210024453, 0.0, 0.0],
    [0.5, 100.0, -0.6874568726138757, 0.7514266321250963, -1.5777218104420236e-28, -5.608854578686745e-05, 0.5028532642501925, -1.410215416798634e-05],
    [2.0, 0.01, -365.43947828618013, 0.5, -0.005034777750283594, 46100.920558980404, 0.0, 0.0],
    [-1e-05, 0.5, -1.389456638780059, 0.49999750526421805, 158.11388300841895, 3.7275444073949275, 0.24921067926838322, -9.272454512705176e-06],
    [5.0, 1.0, -5.693147180559945, 0.9966310265004573, -1.0, -7.624405227072034, 0.0033689734995427335, 0.03505169413111104],
  ] as const;
  it('log-density, CDF and their first derivatives against mpmath (within 3e−15)', () => {
    for (const [x, b, lp, c, dx, db, cx, cb] of ROWS) {
      const at = `(${x}, ${b})`;
      expect(relErr(st.gennorm.logpdf(x, b).item(), lp), `logpdf${at}`).toBeLessThan(3e-16);
      expect(relErr(st.gennorm.cdf(x, b).item(), c), `cdf${at}`).toBeLessThan(3e-16);
      const [gx, gb] = grads((X, B) => st.gennorm.logpdf(X, B), [x, b]);
      expect(relErr(gx!, dx), `∂x logpdf${at}`).toBeLessThan(3e-15);
      expect(relErr(gb!, db), `∂β logpdf${at}`).toBeLessThan(3e-15);
      if (b === 0.01) continue; // its CDF is ½ + 4e−159: below (mpmath at 60 digits)
      const [hx, hb] = grads((X, B) => st.gennorm.cdf(X, B), [x, b]);
      expect(Math.abs(hx! - cx), `∂x cdf${at}`).toBeLessThanOrEqual(3e-15 * Math.abs(cx));
      expect(Math.abs(hb! - cb), `∂β cdf${at}`).toBeLessThanOrEqual(3e-15 * Math.abs(cb));
    }
    // (2, 0.01) at 400 digits: cdf − ½ = 3.95e−159, ∂x = 1.9572716728808146e−159, ∂β = 1.8228515858052058e−154.
    const [hx, hb] = grads((X, B) => st.gennorm.cdf(X, B), [2, 0.01]);
    expect(relErr(hx!, 1.9572716728808146e-159)).toBeLessThan(1e-13);
    expect(relErr(hb!, 1.8228515858052058e-154)).toBeLessThan(1e-13);
    for (const [x, b, lp, c] of [
    [0.3, 1.5, -0.7551491148508542, 0.6557778396556175],
    [-2.0, 0.7, -2.5533748765785775, 0.1656808340411589],
    [1.5, 3.0, -3.9549555388196027, 0.9975574527975386],
    [0.5, 100.0, -0.6874568726138759, 0.7514266321250962],
  ] as const) {
      expect(relErr(st.gennorm.logpdf(x, b).item(), lp)).toBeLessThan(2e-15);
      expect(relErr(st.gennorm.cdf(x, b).item(), c)).toBeLessThan(2e-15);
    }
  });
  it('at x = 0 the CDF is ½ with derivative the density; second order in x and β (the CDF once in β: gammaincc\'s a-derivative has none)', () => {
    expect(st.gennorm.cdf(0, 1.5).item()).toBe(0.5);
    expect(ad.grad((X: ad.Tensor) => st.gennorm.cdf(X, 1.5))(ad.scalar(0)).item()).toBe(st.gennorm.pdf(0, 1.5).item());
    expect(ad.grad((B: ad.Tensor) => st.gennorm.cdf(0, B))(ad.scalar(1.5)).item()).toBe(0);
    const r = checkGrad2((X, B) => st.gennorm.logpdf(X, B), [[0.3, -2, 1.5], [1.5, 0.7, 3]]);
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
    const cx = checkGrad2((X) => st.gennorm.cdf(X, T([1.5, 0.7, 3])), [[0.3, -2, 1.5]]);
    expect(cx.ok, String(cx.maxRelativeError)).toBe(true);
    const cb = checkGrad2((B) => st.gennorm.cdf(T([0.3, -2, 1.5]), B), [[1.5, 0.7, 3]], { order: 1 });
    expect(cb.ok, String(cb.maxRelativeError)).toBe(true);
    expect(() => ad.grad(ad.grad((B: ad.Tensor) => st.gennorm.cdf(0.3, B)))(ad.scalar(1.5))).toThrow(/second derivative of gammainc in a/);
  });
  it('x = ±∞ gives −∞ and 0/1; β ≤ 0 or NaN gives NaN', () => {
    expect(st.gennorm.logpdf(T([Infinity, -Infinity]), 1.5).toArray()).toEqual([-Infinity, -Infinity]);
    expect(st.gennorm.cdf(T([-Infinity, Infinity, NaN]), 2).toArray()).toEqual([0, 1, NaN]);
    expect(st.gennorm.logpdf(1, T([0, -1, NaN])).toArray()).toEqual([NaN, NaN, NaN]);
    expect(st.gennorm.cdf(1, 0).item()).toBeNaN();
  });
});

describe('stats.nbinom (failures before the n-th success, SciPy\'s p)', () => {
  // Rows: [k, n, p, logpmf, ∂n, ∂p] (mpmath, lgamma form). For n + k ≥ 30 Loader's form; its n − k, written out, is k
  // itself: from (n + k) − n, ∂/∂n at (10, 1e12, 1 − 1e−11) was −6.9e−18 for −8.27e−19 (two O(1e−1) terms absorbed it).
  const ROWS = [
    [0.0, 3.0, 0.4, -2.748872195622465, -0.916290731874155, 7.5],
    [5.0, 3.0, 0.4, -2.2584778767289957, 0.17656641098298784, -0.833333333333334],
    [2.0, 2.5, 0.9, -3.3926649553230797, 0.5803537700564594, -17.222222222222225],
    [40.0, 25.0, 0.3, -4.303487495926212, -0.23604007837367388, 26.190476190476193],
    [1000000.0, 1000000.0, 0.5, -8.173267527466782, 2.500000625e-07, 0.0],
    [3000000000.0, 1000000000.0, 0.25, -12.523024776662156, 3.75000000078125e-10, -3.8893845486632136e-62],
    [10.0, 1000000000000.0, 0.99999999999, -2.078561643140093, -8.2749870999917785e-19, 82750.36415394946],
    [0.0, 10000000000.0, 0.999, -10005003.335835343, -0.0010005003335835344, 10010010010.01001],
  ] as const;
  it('values within 5e−16 and derivatives against mpmath (within 1e−13 of their largest term)', () => {
    for (const [k, n, p, v, dn, dp] of ROWS) {
      const at = `(${k}, ${n}, ${p})`;
      expect(relErr(st.nbinom.logpmf(k, n, p).item(), v), `logpmf${at}`).toBeLessThan(5e-16);
      const [gn, gp] = grads((N, P) => st.nbinom.logpmf(k, N, P), [n, p]);
      // ∂n = ψ(n + k) − ψ(n) + log p, ∂p = n/p − k/(1 − p): each a difference of the terms named here.
      expect(Math.abs(gn! - dn), `∂n${at}`).toBeLessThanOrEqual(1e-13 * (Math.abs(dn) + Math.abs(Math.log(p)) + Math.min(1, k / n)));
      expect(Math.abs(gp! - dp), `∂p${at}`).toBeLessThanOrEqual(1e-13 * (Math.abs(dp) + n / p + k / (1 - p)));
    }
  });
  it('agrees with torch.distributions.NegativeBinomial (probs = 1 − p) and SciPy (with loc)', () => {
    for (const [k, n, p, v, dn, dp] of [
    [5.0, 3.0, 0.4, -2.2584778767289952, 0.17656641098298775, -0.8333333333333341],
    [0.0, 2.5, 0.9, -0.26340128914456573, -0.10536051565782628, 2.7777777777777777],
    [12.0, 7.5, 0.35, -2.703553150309059, -0.05202526531916951, 2.9670329670329743],
  ] as const) {
      expect(relErr(st.nbinom.logpmf(k, n, p).item(), v)).toBeLessThan(2e-15);
      const [gn, gp] = grads((N, P) => st.nbinom.logpmf(k, N, P), [n, p]);
      expect(Math.abs(gn! - dn)).toBeLessThan(3e-16);
      expect(relErr(gp!, dp)).toBeLessThan(2e-15);
    }
    // torch's Hessian at (5, 3, 0.4): [[∂nn, ∂np], [∂pn, ∂pp]] = [[−0.2617970522363194, 2.5], [2.5, −32.63888888888889]];
    // its ∂nn = ψ′(8) − ψ′(3) is 3e−10 off mpmath's −0.261797052154195011 (torch's float64 trigamma), ours is not.
    const H = ad.hessian((N: ad.Tensor, P: ad.Tensor) => st.nbinom.logpmf(5, N, P), [0, 1])(ad.scalar(3), ad.scalar(0.4)) as ad.Tensor[][];
    expect(relErr(H[0]![0]!.item(), -0.261797052154195011)).toBeLessThan(1e-15);
    expect(relErr(H[0]![0]!.item(), -0.2617970522363194)).toBeLessThan(1e-9);
    expect(relErr(H[0]![1]!.item(), 2.5)).toBeLessThan(1e-15);
    expect(relErr(H[1]![1]!.item(), -32.63888888888889)).toBeLessThan(1e-15);
    for (const [k, n, p, l, v] of [
    [5.0, 3.0, 0.4, 0.0, -2.258477876728995],
    [7.0, 2.5, 0.9, 2.0, -9.314137130611027],
    [0.0, 1.0, 1.0, 0.0, 0.0],
  ] as const) expect(relErr(st.nbinom.logpmf(k, n, p, l).item(), v)).toBeLessThan(1e-15);
    const r = checkGrad2((N, P) => st.nbinom.logpmf(T([0, 3, 50]), N, P), [[2.5, 4, 40], [0.3, 0.6, 0.45]]);
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
    expect(Math.abs(ad.sum(st.nbinom.pmf(ad.arange(0, 400), 3.5, 0.2)).item() - 1)).toBeLessThan(2e-15);
  });
  it('k not a non-negative integer gives −∞; n ≤ 0, p outside (0, 1] or NaN give NaN (SciPy); p = 1 is the point mass at 0', () => {
    expect(st.nbinom.logpmf(T([Infinity, 1.5, -1]), 3, 0.5).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(st.nbinom.logpmf(2, T([0, -1, NaN]), 0.4).toArray()).toEqual([NaN, NaN, NaN]);
    expect(st.nbinom.logpmf(2, 3, T([0, 1.1, -0.1])).toArray()).toEqual([NaN, NaN, NaN]);
    expect(st.nbinom.logpmf(T([0, 2]), 3, 1).toArray()).toEqual([0, -Infinity]);
    expect(st.nbinom.logpmf(NaN, 3, 0.5).item()).toBeNaN();
  });
});

describe('stats.betabinom', () => {
  // Rows: [k, n, a, b, logpmf, ∂a, ∂b, ∂n] (mpmath, binomial·beta/beta). SciPy's betaln form cancels terms of size
  // n log 2 or (a + b) log: (5e5; 1e6, ½, ½) was 2.7e−12 off, (5; 10, 1e8, 1e8) 8 digits; the regrouped forms keep them.
  const ROWS = [
    [0.0, 5.0, 2.0, 3.0, -1.791759469228055, -0.7456349206349207, 0.3472222222222222, -0.2361111111111111],
    [3.0, 5.0, 2.0, 3.0, -1.6582280766035324, 0.3376984126984127, -0.1623015873015873, 0.037698412698412696],
    [5.0, 5.0, 2.0, 3.0, -3.044522437723423, 0.7043650793650794, -0.7456349206349207, 0.9543650793650794],
    [3.0, 10.0, 0.5, 0.5, -2.726312877037062, 0.1376984126984127, 0.9812992562992563, -0.06888399370952321],
    [5.0, 10.0, 100000000.0, 100000000.0, -1.4020427430880291, 1.2499999437500026e-16, 1.2499999437500026e-16, -0.04751226242502456],
    [40.0, 100.0, 10000000000.0, 20000000000.0, -3.481835614579747, 6.666666643666666e-10, -3.333333322583333e-10, 0.1020419962380514],
    [500000.0, 1000000.0, 0.5, 0.5, -14.26709376325373, 0.6931466805601953, 0.6931466805601953, -9.999995e-07],
    [3.0, 7.0, 0.001, 2000.0, -25.467961926785826, 1001.4952563643358, -0.001496257854989209, 0.5080270515439246],
    [250.0, 1000.0, 300.0, 700.0, -6.995056835433214, -0.08650321328915167, 0.03521084587199638, -0.03416299991577814],
  ] as const;
  it('values and derivatives against mpmath', () => {
    for (const [k, n, a, b, v, da, db, dn] of ROWS) {
      const at = `(${k}; ${n}, ${a}, ${b})`;
      // (250; 1000, 300, 700): every grouping has terms of size ~1e3, so 1e−13 there.
      expect(relErr(st.betabinom.logpmf(k, n, a, b).item(), v), `logpmf${at}`).toBeLessThan(a === 300 ? 1e-13 : 2e-15);
      const [gn, ga, gb] = grads((N, A, B) => st.betabinom.logpmf(k, N, A, B), [n, a, b]);
      // ∂a = ψ(k + a) − ψ(a) − ψ(n + a + b) + ψ(a + b): for a, b ≫ n, k/a and n/(a + b) cancel to 1e−16 of them.
      const scaleA = Math.abs(da) + Math.min(k / a, 1) + n / (a + b), scaleB = Math.abs(db) + Math.min((n - k) / b, 1) + n / (a + b);
      expect(Math.abs(ga! - da), `∂a${at}`).toBeLessThanOrEqual(5e-14 * scaleA);
      expect(Math.abs(gb! - db), `∂b${at}`).toBeLessThanOrEqual(5e-14 * scaleB);
      expect(relErr(gn!, dn), `∂n${at}`).toBeLessThan(5e-14);
    }
  });
  it('SciPy\'s values, the exact edges, a pmf that sums to 1, second-order derivatives', () => {
    for (const [k, n, a, b, v] of [
    [0.0, 5.0, 2.0, 3.0, -1.791759469228055],
    [3.0, 5.0, 2.0, 3.0, -1.658228076603533],
    [5.0, 5.0, 2.0, 3.0, -3.044522437723423],
    [3.0, 10.0, 0.5, 0.5, -2.7263128770370617],
    [0.0, 0.0, 2.0, 3.0, 0.0],
  ] as const) {
      const got = st.betabinom.logpmf(k, n, a, b).item();
      if (v === 0) expect(got).toBe(0); else expect(relErr(got, v)).toBeLessThan(2e-15);
    }
    expect(Math.abs(ad.sum(st.betabinom.pmf(ad.arange(0, 41), 40, 2.5, 0.7)).item() - 1)).toBeLessThan(2e-15);
    const r = checkGrad2((N, A, B) => st.betabinom.logpmf(T([0, 3, 4, 40]), N, A, B), [[5, 7, 5, 100], [0.5, 2, 1e3, 3], [1.5, 4, 2e3, 7]]);
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
  });
  it('k outside 0…n or not an integer gives −∞; n < 0, a ≤ 0, b ≤ 0 give NaN; n need not be an integer (as binom, JAX)', () => {
    expect(st.betabinom.logpmf(T([6, 2.5, -1]), 5, 2, 3).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(st.betabinom.logpmf(2, T([-1, NaN]), 2, 3).toArray()).toEqual([NaN, NaN]);
    expect(st.betabinom.logpmf(2, 5, T([0, -1]), 3).toArray()).toEqual([NaN, NaN]);
    expect(st.betabinom.logpmf(2, 5, 2, 0).item()).toBeNaN();
    expect(Number.isFinite(st.betabinom.logpmf(2, 5.5, 2, 3).item())).toBe(true);
  });
});

describe('stats.multinomial', () => {
  // Rows: [x, n, p, logpmf, ∂p] (mpmath; ∂pᵢ = xᵢ/pᵢ, JAX's: p is not renormalised). From n = 30 Loader's form (the
  // direct sum cancels terms of size n log n: 1e10 trials keep 16 digits).
  const ROWS = [
    [[1.0, 2.0, 3.0], 6.0, [0.2, 0.3, 0.5], -2.0024805005437076, [5.0, 6.666666666666667, 6.0]],
    [[0.0, 0.0, 6.0], 6.0, [0.2, 0.3, 0.5], -4.1588830833596715, [0.0, 0.0, 12.0]],
    [[10.0, 20.0, 30.0], 60.0, [0.2, 0.3, 0.5], -4.438342586645657, [50.0, 66.66666666666667, 60.0]],
    [[3000000000.0, 5000000000.0, 2000000000.0], 10000000000.0, [0.3, 0.5, 0.2], -23.110449047767588, [10000000000.0, 10000000000.0, 10000000000.0]],
    [[0.0, 7.0, 33.0], 40.0, [0.0, 0.2, 0.8], -1.8887912442971586, [0.0, 35.0, 41.25]],
  ] as const;
  it('values within 3e−15 and ∂p = x/p against mpmath; torch and SciPy', () => {
    for (const [x, n, p, v, g] of ROWS) {
      expect(relErr(st.multinomial.logpmf(T(x), n, T(p)).item(), v), `logpmf(${x})`).toBeLessThan(3e-15);
      const got = ad.grad((P: ad.Tensor) => st.multinomial.logpmf(T(x), n, P))(T(p)).toArray() as number[];
      got.forEach((gi, i) => expect(relErr(gi, g[i]!), `∂p${i} (${x})`).toBeLessThan(5e-16));
    }
    for (const [x, n, p, v] of [
    [[1.0, 2.0, 3.0], 6.0, [0.2, 0.3, 0.5], -2.0024805005437063],
    [[4.0, 0.0, 1.0, 2.0], 7.0, [0.1, 0.2, 0.3, 0.4], -7.592934289892904],
  ] as const) expect(relErr(st.multinomial.logpmf(T(x), n, T(p)).item(), v)).toBeLessThan(1e-15);
    for (const [x, n, p, v] of [
    [[1.0, 2.0, 3.0], 6.0, [0.2, 0.3, 0.5], -2.0024805005437063],
    [[1.0, 2.0, 3.0], 7.0, [0.2, 0.3, 0.5], -Infinity],
    [[0.0, 0.0, 6.0], 6.0, [0.2, 0.8, 0.0], -Infinity],
  ] as const) {
      const got = st.multinomial.logpmf(T(x), n, T(p)).item();
      if (v === -Infinity) expect(got).toBe(-Infinity); else expect(relErr(got, v)).toBeLessThan(1e-15);
    }
    const r = checkGrad2((P) => st.multinomial.logpmf(T([10, 20, 30]), 60, P), [[0.2, 0.3, 0.5]]);
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
  });
  it('rows of counts broadcast with n and p; support, invalid p and n; vmap', () => {
    const x = T([[1, 2, 3], [1, 2.5, 2.5], [-1, 4, 3], [1, 2, 3], [0, 0, 6]]);
    expect(st.multinomial.logpmf(x, T([6, 6, 6, -6, 6]), T([0.2, 0.3, 0.5])).toArray()).toEqual([
      st.multinomial.logpmf(T([1, 2, 3]), 6, T([0.2, 0.3, 0.5])).item(), -Infinity, -Infinity, NaN, st.multinomial.logpmf(T([0, 0, 6]), 6, T([0.2, 0.3, 0.5])).item(),
    ]);
    expect(st.multinomial.logpmf(T([1, 2, 3]), 7, T([0.2, 0.3, 0.5])).item()).toBe(-Infinity);
    expect(st.multinomial.logpmf(T([1, 2, 3]), 6, T([0.2, -0.3, 1.1])).item()).toBeNaN();
    expect(st.multinomial.pmf(T([1, 1]), 2, T([0.5, 0.5])).item()).toBe(0.5);
    const xs = T([[1, 2, 3], [6, 0, 0]]), ps = T([[0.2, 0.3, 0.5], [0.5, 0.25, 0.25]]);
    expect(ad.vmap((xi: ad.Tensor, pi: ad.Tensor) => st.multinomial.logpmf(xi, 6, pi))(xs, ps).toArray()).toEqual(st.multinomial.logpmf(xs, 6, ps).toArray());
  });
});

describe('stats.mode, stats.rankdata, stats.sem against SciPy 1.10', () => {
  const X1 = [[1, 2, 1, 3, 2, 1], [3, 1, 3, 2, 1, 3], [1, 2, 2, 3, 1, 2]];
  it('mode along 0, 1 and the flattened array (JAX\'s keepdims = false), ties to the smallest, NaN one value, empty', () => {
    let m = st.mode(T(X1));
    expect([m.mode.toArray(), m.count.toArray()]).toEqual([[1, 2, 1, 3, 1, 1], [2, 2, 1, 2, 2, 1]]);
    m = st.mode(T(X1), 1);
    expect([m.mode.toArray(), m.count.toArray()]).toEqual([[1, 3, 2], [3, 3, 3]]);
    m = st.mode(T(X1), null);
    expect([m.mode.item(), m.count.item()]).toEqual([1, 7]);
    expect(st.mode(T(X1), 1, { keepdims: true }).mode.shape).toEqual([3, 1]);
    expect(st.mode(T(X1), null, { keepdims: true }).count.shape).toEqual([1, 1]);
    m = st.mode(T([NaN, 1, 1, NaN, NaN]));
    expect([m.mode.item(), m.count.item()]).toEqual([NaN, 3]);
    m = st.mode(T([3, 1, 3, 1, -Infinity, -Infinity]));
    expect([m.mode.item(), m.count.item()]).toEqual([-Infinity, 2]);
    m = st.mode(ad.zeros([0, 3]));
    expect([m.mode.toArray(), m.count.toArray()]).toEqual([[NaN, NaN, NaN], [0, 0, 0]]);
    // The mode is the entry it is: its gradient goes to the first (stably sorted) of the modal entries.
    expect(ad.grad((v: ad.Tensor) => st.mode(v).mode)(T([2, 4, 1, 4, 3])).toArray()).toEqual([0, 1, 0, 0, 0]);
    expect(ad.vmap((r: ad.Tensor) => st.mode(r).mode)(T(X1)).toArray()).toEqual([1, 3, 2]);
  });
  it('rankdata with every method, flattened and along an axis; NaN lanes give NaN (SciPy\'s propagate)', () => {
    const v = T([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    const want = {
      average: [[4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8], [[2, 4.5, 2, 6, 4.5, 2], [5, 1.5, 5, 3, 1.5, 5], [1.5, 4, 4, 6, 1.5, 4]]],
      min: [[4, 1, 6, 1, 7, 11, 3, 10, 7, 4, 7], [[1, 4, 1, 6, 4, 1], [4, 1, 4, 3, 1, 4], [1, 3, 3, 6, 1, 3]]],
      max: [[5, 2, 6, 2, 9, 11, 3, 10, 9, 5, 9], [[3, 5, 3, 6, 5, 3], [6, 2, 6, 3, 2, 6], [2, 5, 5, 6, 2, 5]]],
      dense: [[3, 1, 4, 1, 5, 7, 2, 6, 5, 3, 5], [[1, 2, 1, 3, 2, 1], [3, 1, 3, 2, 1, 3], [1, 2, 2, 3, 1, 2]]],
      ordinal: [[4, 1, 6, 2, 7, 11, 3, 10, 8, 5, 9], [[1, 4, 2, 6, 5, 3], [4, 1, 5, 3, 2, 6], [1, 3, 4, 6, 2, 5]]],
    } as const;
    for (const method of ['average', 'min', 'max', 'dense', 'ordinal'] as const) {
      expect(st.rankdata(v, method).toArray(), method).toEqual(want[method][0]);
      expect(st.rankdata(T(X1), method, { axis: 1 }).toArray(), `${method}, axis 1`).toEqual(want[method][1]);
      expect(ad.vmap((r: ad.Tensor) => st.rankdata(r, method))(T(X1)).toArray(), `${method}, vmap`).toEqual(want[method][1]);
    }
    expect(st.rankdata(T([[3, 1], [1, 1]])).toArray()).toEqual([4, 2, 2, 2]);
    expect(st.rankdata(T([[1, NaN, 2], [3, 1, 2]]), 'average', { axis: 1 }).toArray()).toEqual([[NaN, NaN, NaN], [3, 1, 2]]);
    // ±∞ are ranked (SciPy 1.10 gives NaN for [∞, −∞, 0]: its NaN test sums the lane).
    expect(st.rankdata(T([Infinity, -Infinity, 0])).toArray()).toEqual([3, 1, 2]);
    expect(ad.jit((r: ad.Tensor) => st.rankdata(r, 'min', { axis: 1 }))(T(X1)).toArray()).toEqual(want.min[1]);
  });
  it('sem along 0, 1, all entries, with ddof, with NaN propagated or omitted; differentiable', () => {
    const close = (got: ad.Tensor, want: number[]) => (got.toArray() as number[]).forEach((g, i) =>
      (Number.isNaN(want[i]!) ? expect(g).toBeNaN() : expect(relErr(g, want[i]!)).toBeLessThan(5e-16)));
    close(st.sem(T(X1)), [0.6666666666666667, 0.3333333333333333, 0.5773502691896258, 0.33333333333333337, 0.3333333333333333, 0.5773502691896258]);
    close(st.sem(T(X1), 1), [0.33333333333333337, 0.4013864859597432, 0.3073181485764296]);
    expect(relErr(st.sem(T(X1), null).item(), 0.1961873335922044)).toBeLessThan(5e-16);
    close(st.sem(T(X1), 1, { ddof: 0 }), [0.3042903097250923, 0.36641405439647, 0.28054180384339106]);
    const x2 = T([[1, 2, 3, NaN, 4, 2], [4, 5, 4, 3, NaN, 1], [7, NaN, 8, 7, 9, NaN]]);
    close(st.sem(x2), [1.7320508075688774, NaN, 1.5275252316519468, NaN, NaN, NaN]);
    close(st.sem(x2, 0, { nanPolicy: 'omit' }), [1.7320508075688774, 1.4999999999999998, 1.5275252316519468, 2.0, 2.5, 0.5]);
    expect(st.sem(T(X1), 1, { keepdims: true }).shape).toEqual([3, 1]);
    const r = ad.checkGrad((v: ad.Tensor) => ad.sum(st.sem(v)), [T([1, 2, 4, 7])], { order: 2 });
    expect(r.ok, String(r.maxRelativeError)).toBe(true);
  });
});

describe('bad input: AdjointErrors naming the function, the shapes and the fix', () => {
  it('shapes that do not broadcast, a missing or mismatched category axis, bad options', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => st.truncnorm.logpdf(ad.ones([2]), ad.ones([3]), 1), /^stats\.truncnorm\.logpdf: shapes \[2\] and \[3\].*cannot be broadcast.*reshape or expandDims/],
      [() => st.truncnorm.ppf(ad.ones([2]), 0, ad.ones([3])), /^stats\.truncnorm\.ppf: shapes/],
      [() => st.vonmises.logpdf(ad.ones([2]), ad.ones([3])), /^stats\.vonmises\.logpdf: shapes \[2\] and \[3\]/],
      [() => st.wrapcauchy.pdf(ad.ones([4]), ad.ones([3])), /^stats\.wrapcauchy\.logpdf: shapes/],
      [() => st.pareto.logpdf(ad.ones([2]), 1, 0, ad.ones([3])), /^stats\.pareto\.logpdf: shapes/],
      [() => st.gennorm.cdf(ad.ones([2]), ad.ones([3])), /^stats\.gennorm\.cdf: shapes/],
      [() => st.nbinom.logpmf(ad.ones([2]), ad.ones([3]), 0.5), /^stats\.nbinom\.logpmf: shapes/],
      [() => st.betabinom.pmf(1, ad.ones([2]), ad.ones([3]), 1), /^stats\.betabinom\.logpmf: shapes/],
      [() => st.vonmises.logpdf('x' as unknown as number, 1), /^stats\.vonmises\.logpdf: expected a Tensor or a number/],
      [() => st.multinomial.logpmf(ad.ones([3]), 3, ad.ones([2])), /^stats\.multinomial\.logpmf: x \[3\] and p \[2\] must have the same last axis/],
      [() => st.multinomial.logpmf(2, 2, ad.ones([2])), /^stats\.multinomial\.logpmf: x must have at least one axis.*ad\.tensor/],
      [() => st.multinomial.logpmf(ad.ones([2, 3]), ad.ones([3]), ad.ones([3])), /^stats\.multinomial\.logpmf \(x and p without their last axis, and n\): shapes \[2\] and \[\] and \[3\]/],
      [() => st.mode(ad.ones([2, 2]), 2), /^stats\.mode: axis 2 is out of range.*\[-2, 1\]/],
      [() => st.mode(ad.ones([2]), 0, { keepdims: 1 } as never), /^stats\.mode: keepdims must be true or false/],
      [() => st.mode(ad.ones([2]), 0, { nanPolicy: 'omit' } as never), /^stats\.mode: nanPolicy must be 'propagate'/],
      [() => st.rankdata(ad.ones([2]), 'foo' as never), /^stats\.rankdata: method must be one of 'average', 'min', 'max', 'dense', 'ordinal'/],
      [() => st.rankdata(ad.ones([2]), 'min', { axes: 0 } as never), /^stats\.rankdata: unknown option 'axes'; the options are axis, nanPolicy/],
      [() => st.sem(ad.ones([2]), 0, { nanPolicy: 'raise' } as never), /^stats\.sem: nanPolicy must be 'propagate' or 'omit'/],
      [() => st.sem(ad.ones([2]), 0.5 as never), /^stats\.sem: axis must be an integer, or null/],
    ];
    for (const [f, re] of cases) {
      let error: unknown;
      try { f(); } catch (e) { error = e; }
      expect(error, String(re)).toBeInstanceOf(ad.AdjointError);
      expect((error as Error).message).toMatch(re);
    }
  });
});
