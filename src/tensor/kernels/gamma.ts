/**
 * @file Scalar log-gamma and digamma over the whole real line: Taylor series about their zeros,
 * recurrences, Stirling's series for large arguments and reflection for negative ones.
 *
 * Sources: Abramowitz & Stegun 6.1.33 and 6.3.14 (the Taylor series in ζ), 6.1.40–41 and 6.3.18
 * (Stirling's and the digamma asymptotic series), 6.1.17 and 6.3.7 (reflection); the layout —
 * reduce to [1, 2], a zero-centred expansion there, recurrences outside — is that of Boost.Math's
 * lgamma/digamma (J. Maddock). Coefficients were computed with mpmath at 40 digits, e.g.
 * `[(-1)**k * zeta(k) / k for k in range(2, 55)]`, and rounded to nearest.
 */

/** lgamma(1 + z) = −γz + Σ_{k≥2} (−1)^k ζ(k)/k · z^k (A&S 6.1.33), |z| ≤ ½: C1[k−1] is the z^k coefficient. */
const C1 = [
  -0.5772156649015329, 0.8224670334241132, -0.40068563438653143, 0.27058080842778454,
  -0.20738555102867398, 0.1695571769974082, -0.1440498967688461, 0.12550966952474304,
  -0.11133426586956469, 0.1000994575127818, -0.09095401714582904, 0.083353840546109,
  -0.0769325164113522, 0.07143294629536133, -0.06666870588242046, 0.06250095514121304,
  -0.058823978658684585, 0.055555767627403614, -0.05263167937961666, 0.05000004769810169,
  -0.047619070330142226, 0.04545455629320467, -0.04347826605304026, 0.04166666915034121,
  -0.04000000119214014, 0.03846153903467518, -0.037037037312989324, 0.035714285847333355,
  -0.034482758684919304, 0.03333333336437758, -0.03225806453115042, 0.03125000000727597,
  -0.030303030306558044, 0.029411764707594344, -0.02857142857226011, 0.027777777778181998,
  -0.027027027027223673, 0.02631578947377995, -0.025641025641072283, 0.025000000000022737,
  -0.024390243902450117, 0.023809523809529224, -0.023255813953491015, 0.02272727272727402,
  -0.022222222222222855, 0.021739130434782917, -0.021276595744681003, 0.02083333333333341,
  -0.02040816326530616, 0.020000000000000018, -0.019607843137254912, 0.019230769230769235,
  -0.01886792452830189, 0.01851851851851852,
];

/** lgamma(2 + z) = (1 − γ)z + Σ_{k≥2} (−1)^k (ζ(k) − 1)/k · z^k, |z| ≤ ½ (the same series minus log(1 + z)). */
const C2 = [
  0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
  -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425,
  -0.00022315475845357939, 9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05,
  -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
  -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07, 4.7698101693639804e-08,
  -2.2711094608943164e-08, 1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
  -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
];

/**
 * ψ(x₀ + t) = Σ_{k≥1} ψ⁽ᵏ⁾(x₀)/k! · tᵏ about the positive zero x₀ of digamma, for x in [1, 2]
 * (|t| ≤ 0.54; the pole at 0 bounds the radius by x₀): relative accuracy near the zero.
 */
const D = [
  0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652,
  0.10782405069126237, -0.07219956125645471, 0.04880428816414311, -0.03316112647484736,
  0.022597648232218104, -0.01542476590494896, 0.010538791616612175, -0.007204534386356869,
  0.004926781395729853, -0.003369801655439328, 0.002305126326734928, -0.0015769367714301972,
  0.0010788252019162967, -0.0007380709389960052, 0.000504953265834602, -0.0003454680251063077,
  0.00023635601564027053, -0.00016170622091974803, 0.0001106337276874741, -7.569179582195066e-05,
  5.178575795222081e-05, -3.5430070947659604e-05, 2.424006611860132e-05, -1.6584242271854135e-05,
  1.134638458466385e-05, -7.762817668462094e-06, 5.3110609208898636e-06, -3.6336507898010456e-06,
  2.486022733129538e-06, -1.7008538854332607e-06, 1.1636675363548843e-06, -7.96142543124197e-07,
  5.446941930669446e-07, -3.7266161283438227e-07, 2.549626552021554e-07, -1.7443695117727745e-07,
  1.1934394829830244e-07, -8.165115189488409e-08,
];
/** x₀ = 1.46163214496836234126… as a sum of two doubles (hi exact to 53 bits, lo the rest). */
const X0_HI = 1.4616321449683622;
const X0_LO = 9.549995429965697e-17;

/** Stirling: lgamma(x) = (x − ½) log x − x + ½ log 2π + Σ B₂ₖ / (2k(2k − 1) x^{2k−1}) (A&S 6.1.40). */
const STIRLING = [
  0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953,
  0.0008417508417508417, -0.0019175269175269176, 0.00641025641025641,
];
/** ψ(x) = log x − 1/(2x) − Σ B₂ₖ / (2k x^{2k}) (A&S 6.3.18). */
const PSI_ASYMPTOTIC = [
  0.08333333333333333, -0.008333333333333333, 0.003968253968253968, -0.004166666666666667,
  0.007575757575757576, -0.021092796092796094, 0.08333333333333333, -0.4432598039215686,
];
const HALF_LOG_2PI = 0.9189385332046728;
const LOG_PI = 1.1447298858494002;

/** c[0] + c[1] z + c[2] z² + …, by Horner's rule. */
function poly(c: readonly number[], z: number): number {
  let s = c[c.length - 1]!;
  for (let k = c.length - 2; k >= 0; k--) s = s * z + c[k]!;
  return s;
}

/** z · (c[0] + c[1] z + c[2] z² + …): a series with no constant term. */
function series(c: readonly number[], z: number): number {
  return z * poly(c, z);
}

/** |sin(πy)| for y ≥ 0, reduced exactly to [0, ½] first (so large and near-integer y stay accurate). */
function sinPiAbs(y: number): number {
  const f = y - Math.floor(y); // exact
  return Math.sin(Math.PI * Math.min(f, 1 - f)); // 1 − f is exact for f ≥ ½
}

/**
 * cot(πx), reduced exactly to r = x − round(x) ∈ [−½, ½]; for |r| > ¼ as tan(π(½ − |r|)), ½ − |r|
 * exact, since 1/tan(πr) would amplify the rounding of πr near the zeros of cot.
 */
export function cotPi(x: number): number {
  const r = x - Math.round(x);
  const a = Math.abs(r);
  if (a <= 0.25) return 1 / Math.tan(Math.PI * r);
  const c = Math.tan(Math.PI * (0.5 - a));
  return r < 0 ? -c : c;
}

/** lgamma(1 + y) for y ≥ 0, without forming 1 + y when y is small. */
function lgamma1p(y: number): number {
  return y < 0.5 ? series(C1, y) : lgammaPositive(1 + y);
}

/** log Γ(x) for x > 0. */
function lgammaPositive(x: number): number {
  if (x < 0.5) return series(C1, x) - Math.log(x); // lgamma(x) = lgamma(1 + x) − log x
  if (x === 1 || x === 2) return 0; // +0, as C99 (the series would give −0)
  if (x < 1.5) return series(C1, x - 1); // x − 1 and x − 2 are exact (Sterbenz)
  if (x <= 2.5) return series(C2, x - 2);
  if (x < 13) {
    // lgamma(x) = log((x − 1)(x − 2)…(x − n)) + lgamma(x − n), x − n in [1.5, 2.5]; the product is < 13¹¹.
    let p = 1;
    while (x > 2.5) { x -= 1; p *= x; } // exact subtractions
    return Math.log(p) + series(C2, x - 2);
  }
  const z = 1 / x;
  const tail = z * poly(STIRLING, z * z); // Σ B₂ₖ/(2k(2k−1)) z^{2k−1}
  const lx = Math.log(x);
  // (x − ½)(log x − 1) − ½ equals (x − ½) log x − x and cannot overflow before the result does.
  const main = x < 1e10 ? (x - 0.5) * lx - x : (x - 0.5) * (lx - 1) - 0.5;
  return main + HALF_LOG_2PI + tail;
}

/**
 * log |Γ(x)|. Poles (0, −1, −2, …) give +∞, as do ±∞ (C99 and JAX); NaN gives NaN.
 * For x < 0, Γ(x)Γ(1 − x) = π / sin(πx) (A&S 6.1.17) with y = −x:
 * log|Γ(−y)| = log π − log|sin(πy)| − lgamma(1 + y).
 */
export function lgamma(x: number): number {
  if (x > 0) return x === Infinity ? Infinity : lgammaPositive(x);
  if (x !== x) return x;
  if (x === Math.floor(x)) return Infinity; // 0, −0, negative integers, −∞
  const y = -x;
  return LOG_PI - Math.log(sinPiAbs(y)) - lgamma1p(y);
}

/** ψ on [1, 2] and (0, 1) by the series about x₀: t = x − x₀ (+1 for x < 1) in one rounding. */
function digammaNearRoot(t: number): number {
  return series(D, t);
}

/** ψ(x) for x > 0. */
function digammaPositive(x: number): number {
  if (x >= 10) {
    const z = 1 / (x * x);
    return Math.log(x) - 0.5 / x - series(PSI_ASYMPTOTIC, z);
  }
  if (x < 1) {
    // ψ(x) = ψ(x + 1) − 1/x, with x + 1 − x₀ formed as x − (x₀ − 1): x₀_hi − 1 is exact.
    return digammaNearRoot((x - (X0_HI - 1)) - X0_LO) - 1 / x;
  }
  // ψ(x) = ψ(x − n) + Σ_{k=1..n} 1/(x − k), x − n in [1, 2] (A&S 6.3.5).
  let acc = 0;
  while (x > 2) { x -= 1; acc += 1 / x; }
  return digammaNearRoot((x - X0_HI) - X0_LO) + acc;
}

/**
 * ψ(x) = Γ'(x)/Γ(x). ψ(+0) = −∞, ψ(−0) = +∞, ψ(+∞) = +∞; negative integers and −∞ give NaN
 * (as SciPy's psi). For x < 0: ψ(x) = ψ(1 − x) − π cot(πx) (A&S 6.3.7).
 */
export function digamma(x: number): number {
  if (x > 0) return x === Infinity ? Infinity : digammaPositive(x);
  if (x === 0) return 1 / x > 0 ? -Infinity : Infinity;
  if (x !== x || x === Math.floor(x)) return NaN;
  return digammaPositive(1 - x) - Math.PI * cotPi(x);
}
