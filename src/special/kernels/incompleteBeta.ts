/**
 * @file The regularised incomplete beta function I_x(a, b) and its derivatives in a and b, scalar
 * kernels. The continued fraction of A&S 26.5.8 (Numerical Recipes §6.4):
 *   I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …))),
 *   d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),  d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)),
 * which converges fast for x < (a + 1)/(a + b + 2); beyond, I_x(a, b) = 1 − I_{1−x}(b, a). The
 * a- and b-derivatives run the same fraction as dual numbers (dualFraction.ts; Boik & Robison-Cox
 * 1998), once per parameter, with the prefactor's log-derivative log x − 1/a − ψ(a) + ψ(a + b).
 * `logIncompleteBeta` gives log I and its derivatives from the same fraction in logs, where I underflows.
 */
import { digamma, lgamma } from '../../tensor/kernels/gamma.js';
import { bd0, betaln, stirlerr } from './stirling.js';
import { dualFraction, fractionResult } from './dualFraction.js';
import { hurwitzZeta } from './zeta.js';

const EPS = 1e-16;
const EULER_GAMMA = 0.5772156649015329;
const MAX_TERMS = 1_000_000;

/** [I, ∂I/∂a, ∂I/∂b, 1 − I] of the last `incompleteBeta` call (1 − I computed as itself, not by subtraction, where it is the smaller). */
export const betaResult = new Float64Array(4);
const complementScratch = new Float64Array(4);

let fp = 0, fq = 0, fy = 0, wrtQ = false;
/** d_n of the fraction and its derivative in p (or in q when wrtQ); b_n = 1. */
function betaTerms(n: number, out: Float64Array): void {
  const m = n >> 1;
  let d: number, dd: number;
  if (n & 1) {
    const num = -(fp + m) * (fp + fq + m) * fy, den = (fp + 2 * m) * (fp + 2 * m + 1);
    d = num / den;
    dd = wrtQ ? (-(fp + m) * fy) / den : (-fy * (2 * fp + fq + 2 * m) - d * (2 * fp + 4 * m + 1)) / den;
  } else {
    const den = (fp + 2 * m - 1) * (fp + 2 * m);
    d = (m * (fq - m) * fy) / den;
    dd = wrtQ ? (m * fy) / den : (-d * (2 * fp + 4 * m - 1)) / den;
  }
  out[0] = d; out[1] = dd; out[2] = 1; out[3] = 0;
}

/**
 * The fraction's prefactor y^p (1 − y)^q / (p B(p, q)), with z = 1 − y. Below p + q = 20 from logs;
 * above, p log y + q log z − log B(p, q) cancels (1e−14 at p = 100, q = 200), so it is Loader's
 * binomial form, n = p + q: q/n · √(n/(2π p q)) · exp(stirlerr(n) − stirlerr(p) − stirlerr(q) − bd0(p, ny) − bd0(q, nz)).
 */
function prefactor(p: number, q: number, y: number, z: number, logY: number, logZ: number, yExact = false): number {
  const n = p + q;
  // Far in the tail, e^{p log y} carries log y's rounding times |p log y| (I_x(5.07, 30.04) at x = 9.9e−27, ~1e−132,
  // was 7.3e−14 off, SciPy's 1.6e−14): where y is the caller's own x, y^p by pow (one rounding) times e^{rest}, when
  // the rest of the exponent (q log z − log(p B(p, q))) is the smaller part and y^p is normal.
  if (yExact && y < 0.5) {
    const yp = Math.pow(y, p);
    if (yp > 1e-290) {
      const small = p < 1 && q < 1 && n < 20;
      const rest = small ? q * logZ + lgamma(n + 1) - lgamma(p + 1) - lgamma(q + 1) : q * logZ - Math.log(p) - betaln(p, q);
      if (Math.abs(rest) < 0.25 * Math.abs(p * logY)) return small ? yp * Math.exp(rest) * (q / n) : yp * Math.exp(rest);
    }
  }
  if (n >= 20) return (q / n) * Math.sqrt(n / (2 * Math.PI * p * q)) * Math.exp(loaderExponent(p, q, y, z));
  // Both below 1: 1/(p B(p, q)) = q/(p + q) · Γ(p + q + 1)/(Γ(p + 1) Γ(q + 1)), lgammas near 1 that are
  // O(p + q) and exact to an ulp of 1, where −log p − betaln(p, q) is a difference of logs of size
  // |log p| (18 at 1e−8) whose rounding, through exp, cost J 2e−15 and 1 − J 1.4e−14.
  if (p < 1 && q < 1) return Math.exp(p * logY + q * logZ + lgamma(n + 1) - lgamma(p + 1) - lgamma(q + 1)) * (q / n);
  return Math.exp(p * logY + q * logZ - Math.log(p) - betaln(p, q));
}
/** The exponent of Loader's binomial form of the prefactor, n = p + q. */
function loaderExponent(p: number, q: number, y: number, z: number): number {
  const n = p + q;
  return stirlerr(n) - stirlerr(p) - stirlerr(q) - bd0(p, n * y) - bd0(q, n * z);
}
/** log of `prefactor`, the same three forms in logs, which do not underflow where the prefactor does. */
function logPrefactor(p: number, q: number, y: number, z: number, logY: number, logZ: number): number {
  const n = p + q;
  if (n >= 20) return Math.log(q / n) + 0.5 * Math.log(n / (2 * Math.PI * p * q)) + loaderExponent(p, q, y, z);
  if (p < 1 && q < 1) return p * logY + q * logZ + lgamma(n + 1) - lgamma(p + 1) - lgamma(q + 1) + Math.log(q / n);
  return p * logY + q * logZ - Math.log(p) - betaln(p, q);
}

/** B₂ₖ/(2k), k = 1 … 7: the digamma asymptotic series ψ(s) ~ log s − 1/(2s) − Σ B₂ₖ/(2k s^{2k}) (A&S 6.3.18). */
const PSI_ASYMPTOTIC = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * ψ(s + t) − ψ(s) for s > 0, s + t > 0. With both at least 10 from the asymptotic series (A&S 6.3.18),
 * term by term in differences that do not cancel, L = log1p(t/s):
 *   L + t/(2s(s + t)) − Σₖ B₂ₖ/(2k) · s^{−2k} · expm1(−2k L)
 * (the eighth term is under 1e−16 of the first there, as stirlerr's). The two digammas would leave
 * |ψ(s)|·ε: at b = 1e10, ψ(a + b) − ψ(b) ≈ a/b = 1e−10 next to ψ ≈ 23 kept 5 digits, and betainc's
 * b-derivative, which carries it, lost them (1e−4 relative at (a, b, x) = (0.5, 1e10, 1e−10)). `st` is s + t as the
 * caller has it: ψ(p + q) − ψ(p + 1) passed (p + 1) + (q − 1), whose roundings (~2e−16) moved ψ near its pole
 * at 0 (ψ′ ≈ 1/(p + q)²: ∂I/∂a was 1.1e−11 off at a = 1.4e−6, b = 3.4e−6).
 */
function digammaDifference(s: number, t: number, st = s + t): number {
  if (s < 10 || st < 10) return digamma(st) - digamma(s);
  const L = Math.log1p(t / s), r = 1 / (s * s);
  let sum = 0, power = 1;
  for (let k = 0; k < PSI_ASYMPTOTIC.length; k++) { power *= r; sum += PSI_ASYMPTOTIC[k]! * power * Math.expm1(-2 * (k + 1) * L); }
  return L + t / (2 * s * st) - sum;
}

let fz = 0;
/** e_m = 1 + d_{2m+1} and its derivative into out[0], out[1], from z = 1 − y: [p(2m + 1 − q) + m(3m + 2 − q) + (p + m)(p + q + m) z]/((p + 2m)(p + 2m + 1)). */
function oddPlusOne(m: number, out: Float64Array): void {
  const den = (fp + 2 * m) * (fp + 2 * m + 1);
  const e = (fp * (2 * m + 1 - fq) + m * (3 * m + 2 - fq) + (fp + m) * (fp + fq + m) * fz) / den;
  const dNum = wrtQ ? -(fp + m) * (1 - fz) : 2 * m + 1 - fq + (2 * fp + fq + 2 * m) * fz;
  out[0] = e; out[1] = (dNum - (wrtQ ? 0 : e * (2 * fp + 4 * m + 1))) / den;
}
const even = new Float64Array(4), odd = new Float64Array(4), nextEven = new Float64Array(4), plusOne = new Float64Array(2);
/** The contracted fraction's n-th term: numerator −d_{2n} d_{2n+1}, denominator e_n + d_{2n+2} (see runFraction). */
function contractedTerms(n: number, out: Float64Array): void {
  betaTerms(2 * n, even); betaTerms(2 * n + 1, odd); betaTerms(2 * n + 2, nextEven); oddPlusOne(n, plusOne);
  out[0] = -even[0]! * odd[0]!; out[1] = -(even[1]! * odd[0]! + even[0]! * odd[1]!);
  out[2] = plusOne[0]! + nextEven[0]!; out[3] = plusOne[1]! + nextEven[1]!;
}

/** [g, ∂g/∂p, ∂g/∂q] of the last `runFraction`: the fraction 1 + d₁/(1 + d₂/(1 + …)) of I_y(p, q) = prefactor/g. */
const fractionParts = new Float64Array(3);
/**
 * g by the fraction as written or, `contracted`, by its even part (the contraction of b₀ + K(aₙ/1), Lorentzen &
 * Waadeland, Continued Fractions §2.4), g = 1 + d₁/(1 + d₂ − d₂d₃/(1 + d₃ + d₄ − d₄d₅/(1 + d₅ + d₆ − …))), whose
 * denominators take 1 + d_{2m+1} from z = 1 − y (oddPlusOne). For large p and y near 1 each d_{2m+1} is near −1:
 * 1 + d₁ = (1 − q + (p + q) z)/(p + 1) and g itself are O(1/p), so the recurrences cancelled, and y = fl(1 − x)
 * carried its rounding times p (I_x(0.5, 1e10) at x = 3e−10 was 1.6e−8 off, its b-derivative 1.5e−6). Written as
 * g = (1 + d₁ + d₂ + T)/(1 + d₂ + T), T the fraction from its second level, nothing cancels.
 */
function runFraction(p: number, q: number, y: number, z: number, withDerivatives: boolean, contracted: boolean): void {
  fp = p; fq = q; fy = y; fz = z;
  for (const inQ of withDerivatives ? [false, true] : [false]) {
    wrtQ = inQ;
    let g: number, dg: number;
    if (contracted) {
      dualFraction(0, 0, contractedTerms, EPS, MAX_TERMS);
      const t = fractionResult[0]!, dt = fractionResult[1]!;
      betaTerms(2, even); oddPlusOne(0, plusOne);
      const den = 1 + even[0]! + t, num = plusOne[0]! + even[0]! + t;
      g = num / den;
      dg = g * ((plusOne[1]! + even[1]! + dt) / num - (even[1]! + dt) / den);
    } else {
      dualFraction(1, 0, betaTerms, EPS, MAX_TERMS);
      g = fractionResult[0]!; dg = fractionResult[1]!;
    }
    fractionParts[0] = g; fractionParts[inQ ? 2 : 1] = dg;
  }
}

/** J = I_y(p, q) by the fraction, with ∂J/∂p into out[1] and ∂J/∂q into out[2] when asked; z = 1 − y. */
function fraction(p: number, q: number, y: number, z: number, logY: number, log1mY: number, withDerivatives: boolean, out: Float64Array, flip: boolean): void {
  // The contraction where it helps: y above ½, z below it and exact (x itself when flipped, 1 − x by Sterbenz
  // otherwise), and then p > q (below the flip point). Elsewhere its denominators would cancel instead
  // (p(1 − q) + p(p + q) z at (p, q, z) = (1, 100, 0.99) cost 5e−15). Unflipped, this is a large and x near 1:
  // betainc(1e10, 2.5, 1 − 1e−9) was 8e−8 off, as the flipped side at large b.
  runFraction(p, q, y, z, withDerivatives, z < 0.5);
  const g = fractionParts[0]!, dgp = fractionParts[1]!, dgq = fractionParts[2]!;
  const j = prefactor(p, q, y, z, logY, log1mY, !flip || z >= 0.5) / g; // y is x, or 1 − x exact (Sterbenz)
  const sign = flip ? -1 : 1;
  out[0] = flip ? 1 - j : j;
  out[3] = flip ? j : 1 - j;
  if (!withDerivatives) return;
  // −1/p − ψ(p) = −ψ(p + 1) (the recurrence), which does not cancel for small p (1/p − 1/p at p = 1e−8 lost 8 digits).
  const dp = sign * j * (logY + digammaDifference(p + 1, q - 1, p + q) - dgp / g);
  const dq = sign * j * (log1mY + digammaDifference(q, p) - dgq / g);
  // Flipped, p = b and q = a: ∂/∂a is the q-derivative.
  out[1] = flip ? dq : dp; out[2] = flip ? dp : dq;
}

/**
 * I_x(a, b) past the flip point when b is small, where 1 − I_{1−x}(b, a) cancels (I is about
 * b·|log(1 − x)|: 1 − J lost 8 digits at b = 1e−8, and its a-derivative all of them). A&S 26.5.4's
 * series on the other side, y = 1 − x:
 *   I_y(b, a) = y^b G (1 + b S),  G = Γ(a + b)/(Γ(a) Γ(1 + b)) = 1/(b B(a, b)),  S = Σ_{n≥1} cₙ/(n + b),  cₙ = (1 − a)ₙ yⁿ/n!,
 * so I_x(a, b) = −expm1(L) − b e^L S with L = b log y + log G, and log G — the Taylor series in b of
 * lgamma(a + b) − lgamma(a) − lgamma(1 + b), ψ^{(k−1)} = (−1)^k (k − 1)! ζ(k, ·) — is
 *   log G = b (ψ(a) + γ) + Σ_{k≥2} (−b)^k (ζ(k, a) − ζ(k, 1))/k,
 * O(b) to full relative accuracy (lgamma differences would leave |lgamma(a)|·ε of it). Differentiated
 * term by term: ∂log G/∂a = ψ(a + b) − ψ(a) = −Σ_{k≥2} (−b)^{k−1} ζ(k, a),
 * ∂log G/∂b = ψ(a) + γ − Σ_{k≥2} (−b)^{k−1} (ζ(k, a) − ζ(k, 1)), ∂cₙ/∂a by the recurrence of cₙ, and
 *   ∂I/∂a = −e^L ((1 + bS) ∂log G/∂a + b ∂S/∂a),  ∂I/∂b = −e^L ((1 + bS)(log y + ∂log G/∂b) + S + b ∂S/∂b).
 * The caller keeps b ≤ ½ and b ≤ a/4 (the k-series shrinks like (b/min(a, 1))^k) and y < 1/(a + 2)
 * (past the flip point: the n-series shrinks like (a y)ⁿ/n!).
 */
function smallBUpperTail(a: number, b: number, y: number, logY: number, withDerivatives: boolean, out: Float64Array): void {
  const psiA = digamma(a) + EULER_GAMMA;
  let logG = b * psiA, dGa = 0, dGb = psiA;
  for (let k = 2, q = -b; k < 200; k++, q *= -b) { // q = (−b)^{k−1}
    const za = hurwitzZeta(k, a), zd = za - hurwitzZeta(k, 1);
    const term = (-b * q * zd) / k;
    logG += term; dGb -= q * zd; dGa -= q * za;
    if (Math.abs(q * za) <= EPS * Math.abs(dGa) && Math.abs(q * zd) <= EPS * (Math.abs(dGb) + Math.abs(logY))) break;
  }
  let c = 1, dc = 0, s = 0, sa = 0, sb = 0; // c = cₙ, dc = ∂cₙ/∂a
  for (let n = 1; n < MAX_TERMS; n++) {
    const ratio = ((n - a) * y) / n;
    dc = dc * ratio - (c * y) / n;
    c *= ratio;
    const term = c / (n + b), dTerm = dc / (n + b);
    s += term; sa += dTerm; sb -= term / (n + b);
    if (Math.abs(term) <= EPS * Math.abs(s) && Math.abs(dTerm) <= EPS * Math.abs(sa)) break;
  }
  const L = b * logY + logG, e = Math.exp(L);
  out[0] = -Math.expm1(L) - b * e * s;
  out[3] = e * (1 + b * s); // I_y(b, a) itself
  if (!withDerivatives) return;
  out[1] = -e * ((1 + b * s) * dGa + b * sa);
  out[2] = -e * ((1 + b * s) * (logY + dGb) + s + b * sb);
}

/**
 * I_x(a, b), 1 − I_x(a, b) and, when `withDerivatives`, ∂I/∂a and ∂I/∂b into betaResult. a ≤ 0, b ≤ 0, x outside
 * [0, 1] or NaN give NaN (SciPy's domain); x = 0 gives 0 and x = 1 gives 1 with zero derivatives.
 */
export function incompleteBeta(a: number, b: number, x: number, withDerivatives: boolean): void {
  if (!(a > 0 && b > 0 && x >= 0 && x <= 1) || a === Infinity || b === Infinity) { betaResult.fill(NaN); return; }
  if (x === 0 || x === 1) { betaResult[0] = x; betaResult[1] = 0; betaResult[2] = 0; betaResult[3] = 1 - x; return; }
  if (x < (a + 1) / (a + b + 2)) {
    fraction(a, b, x, 1 - x, Math.log(x), Math.log1p(-x), withDerivatives, betaResult, false);
    // Small a: I is near 1 already here, and 1 − I is the small-b series of the other side, its derivatives too: those
    // of I from the fraction are those of a number near 1, exact only to its ulp (∂I/∂b = 4.6e−7 was 2.9e−10 off at
    // (a, b, x) = (3.5e−6, 8.1, 3.3e−9)). With a′ = b, b′ = a: ∂I/∂a = −∂(1 − I)/∂b′, ∂I/∂b = −∂(1 − I)/∂a′.
    if (a <= 0.5 && a <= b / 4) {
      smallBUpperTail(b, a, x, Math.log(x), withDerivatives, complementScratch);
      betaResult[3] = complementScratch[0]!;
      if (withDerivatives) { betaResult[1] = -complementScratch[2]!; betaResult[2] = -complementScratch[1]!; }
    }
  } else if (b <= 0.5 && b <= a / 4) smallBUpperTail(a, b, 1 - x, Math.log1p(-x), withDerivatives, betaResult);
  else fraction(b, a, 1 - x, x, Math.log1p(-x), Math.log(x), withDerivatives, betaResult, true);
}

/** [log I (or log(1 − I)), ∂/∂x, ∂/∂a, ∂/∂b] of the last `logIncompleteBeta` call. */
export const logBetaResult = new Float64Array(4);

/**
 * log I_x(a, b) (`upper` false) or log(1 − I_x(a, b)) = log I_{1−x}(b, a) (`upper` true, A&S 26.5.2) and their
 * derivatives for the far tails, where I or 1 − I underflows (stats.beta.logcdf(1e−30, 100, 2) was −∞ for −6903.14).
 * In the tail's own orientation, J = I_y(p, q) with (p, q, y) = (a, b, x) or (b, a, 1 − x) below its flip point,
 * J = prefactor/g with g the fraction above (contracted where y = fl(1 − x) is above ½, as `fraction`), so in logs
 *   log J = log(y^p (1 − y)^q/(p B(p, q))) − log g   (the prefactor's own three forms, in logs),
 *   ∂J/∂y / J = p g/(y (1 − y))   (the density y^{p−1}(1 − y)^{q−1}/B(p, q) over J; ∂/∂x is its negative for the upper tail),
 *   ∂/∂p = log y − ψ(p + 1) + ψ(p + q) − g_p/g,   ∂/∂q = log(1 − y) − ψ(q) + ψ(p + q) − g_q/g,
 * the fraction's derivatives as dual numbers (Boik & Robison-Cox 1998). 1 − y is x itself for the upper tail and
 * log y is log1p(−x): nothing rounds 1 − x but the fraction's y, whose effect the contraction removes (the complement
 * at fl(1 − x) was 3e−4 off in log at (x, a, b) = (1e−13, 0.5, 1e15)). Past the flip point J is not small (it is
 * near the median there), and this is the log of incompleteBeta's I or 1 − I and its derivatives over it.
 * a ≤ 0, b ≤ 0, x outside (0, 1) or NaN give NaN.
 */
export function logIncompleteBeta(a: number, b: number, x: number, upper: boolean): void {
  if (!(a > 0 && b > 0 && x > 0 && x < 1) || a === Infinity || b === Infinity) { logBetaResult.fill(NaN); return; }
  const logX = Math.log(x), log1mX = Math.log1p(-x);
  const p = upper ? b : a, q = upper ? a : b, y = upper ? 1 - x : x, z = upper ? x : 1 - x;
  const logY = upper ? log1mX : logX, logZ = upper ? logX : log1mX;
  const sign = upper ? -1 : 1;
  if (y < (p + 1) / (p + q + 2)) {
    runFraction(p, q, y, z, true, z < 0.5);
    const g = fractionParts[0]!;
    const dp = logY + digammaDifference(p + 1, q - 1, p + q) - fractionParts[1]! / g;
    const dq = logZ + digammaDifference(q, p) - fractionParts[2]! / g;
    logBetaResult[0] = logPrefactor(p, q, y, z, logY, logZ) - Math.log(g);
    logBetaResult[1] = (sign * p * g) / (x * (1 - x));
    logBetaResult[2] = upper ? dq : dp;
    logBetaResult[3] = upper ? dp : dq;
    return;
  }
  incompleteBeta(a, b, x, true);
  const f = upper ? betaResult[3]! : betaResult[0]!;
  logBetaResult[0] = Math.log(f);
  logBetaResult[1] = sign * Math.exp((a - 1) * logX + (b - 1) * log1mX - betaln(a, b) - Math.log(f));
  logBetaResult[2] = (sign * betaResult[1]!) / f;
  logBetaResult[3] = (sign * betaResult[2]!) / f;
}
