/**
 * @file Kummer's confluent hypergeometric function M(a, b, x) = ₁F₁(a; b; x) = Σₖ (a)ₖ/(b)ₖ xᵏ/k! and its
 * derivatives in a and b, a scalar kernel for special/hyp1f1.ts. Every form below runs as dual numbers (value,
 * ∂/∂a, ∂/∂b) when the derivatives are asked for:
 * - for large x > 0 the asymptotic series (DLMF 13.7.2) M ~ Γ(b)/Γ(a) eˣ x^{a−b} Σ (b − a)ₖ(1 − a)ₖ/(k! xᵏ), and for
 *   large x < 0, M ~ Γ(b)/Γ(b − a) |x|^{−a} Σ (a)ₖ(a − b + 1)ₖ/(k! |x|ᵏ), each when the other half (its prefactor
 *   times its series' largest term) is below 1e−18 of it and its terms fall below 1e−17 of the sum before they start
 *   to grow again, summed in double-double;
 * - else the series, or eˣ times that of Kummer's transformation M(a, b, x) = eˣ M(b − a, b, −x) (DLMF 13.2.39),
 *   whichever cancels less (Σ|t| against |Σt|), in double-double when long (|x| > 5) or cancelling;
 * - where even that cancels past 1e14 (a ≫ b with x ≪ 0, a ≪ 0 < x, b < 0 between poles), the series in exact
 *   (BigInt fixed-point) arithmetic, kernels/hyp1f1Exact.ts.
 * The edges are JAX's: a = 0 gives 1 (b = 0 too), a = b gives eˣ, b a non-positive integer +∞ (SciPy's; unless a is a
 * non-positive integer with b ≤ a, when the series ends before the pole, as SciPy's does).
 */
import { digamma, lgamma } from '../../tensor/kernels/gamma.js';
import { gammaFn, gammaRatio, gammaSign, psiShift, trigamma } from './gammaFunction.js';
import { hyp1f1Exact, largestTermLog2 } from './hyp1f1Exact.js';
import { ddAdd, ddDivDD, ddMul, ddMulDD, productError, twoSumError, type DD } from './doubleDouble.js';

const EPS = 1.1102230246251565e-16;
const MAX_TERMS = 20000;

/** The result of hyp1f1: value, ∂M/∂a, ∂M/∂b. */
export const hyp1f1Result = new Float64Array(3);
/** Scratch of the series: sum, ∂a, ∂b, Σ|terms| (of the value), number of terms, the cancellation of the derivative sums. */
const sr = new Float64Array(6);

const isNonPositiveInteger = (v: number) => v <= 0 && v === Math.floor(v);
const productErrorOf = (a: number, b: number, p: number) => (Math.abs(p) < 1e300 ? productError(a, b, p) : 0);

/**
 * Σₖ (p)ₖ/(q)ₖ zᵏ/k! into sr (p + plo exact), with its derivatives in a and b for p, q linear in them (∂p/∂a = pa, …).
 * The ratio of successive terms is r = (p + k)z/((q + k)(k + 1)); ∂r/∂p = z/((q + k)(k + 1)), ∂r/∂q = −r/(q + k).
 * It stops once past the sign changes (k > −p, −q) and the peak (k > |z|) the terms are below EPS of the sums.
 */
function series(p: number, plo: number, q: number, z: number, pa: number, pb: number, qa: number, qb: number, derivs: boolean): void {
  let t = 1, ta = 0, tb = 0, s = 1, sa = 0, sb = 0, abs = 1, absA = 0, absB = 0, k = 0;
  const past = Math.max(-p, -q, Math.abs(z));
  for (; k < MAX_TERMS; k++) {
    const qk = q + k, pk = (p + k) + plo, f = z / (qk * (k + 1)), r = pk === 0 ? 0 : pk * f; // pk = 0: the polynomial's end, even at q + k = 0
    if (derivs) {
      const drq = -r / qk;
      const ra = f * pa + drq * qa, rb = f * pb + drq * qb;
      const nta = ta * r + t * ra, ntb = tb * r + t * rb;
      ta = nta; tb = ntb; sa += ta; sb += tb; absA += Math.abs(ta); absB += Math.abs(tb);
    }
    t *= r;
    if (t === 0 && !derivs) break; // a polynomial: (p)ₖ reached 0 (before any pole of (q)ₖ)
    s += t;
    abs += Math.abs(t);
    if (k > past) { // k > −q: the term after the last sign change of q + k (near a pole of (q)ₖ, the largest) is in
      const small = Math.abs(t) <= EPS * 0.25 * Math.abs(s)
        && (!derivs || ((Math.abs(ta) <= EPS * 0.25 * Math.abs(sa) || ta === 0) && (Math.abs(tb) <= EPS * 0.25 * Math.abs(sb) || tb === 0)));
      if (small) break;
    }
  }
  sr[0] = s; sr[1] = sa; sr[2] = sb; sr[3] = abs; sr[4] = k;
  sr[5] = derivs ? Math.max(sa === 0 ? 1 : absA / Math.abs(sa), sb === 0 ? 1 : absB / Math.abs(sb)) : 1;
}

const T: DD = [0, 0], TA: DD = [0, 0], TB: DD = [0, 0], S: DD = [0, 0], SA: DD = [0, 0], SB: DD = [0, 0];
const NUM: DD = [0, 0], DEN: DD = [0, 0], R: DD = [0, 0], F: DD = [0, 0], DRQ: DD = [0, 0], RA: DD = [0, 0], RB: DD = [0, 0];
const U: DD = [0, 0], V: DD = [0, 0];

/** out = sf·(fh, fl) + sd·(dh, dl) for seeds sf, sd in {−1, 0, 1}. */
function seeded(out: DD, sf: number, fh: number, fl: number, sd: number, dh: number, dl: number): void {
  out[0] = 0; out[1] = 0;
  if (sf !== 0) ddAdd(out, out[0], out[1], sf * fh, sf * fl);
  if (sd !== 0) ddAdd(out, out[0], out[1], sd * dh, sd * dl);
}

/**
 * series() in double-double (p + k and q + k exact, every product and quotient to ~2⁻¹⁰⁴): for sums whose terms
 * cancel (Σ|t| ≫ |Σt|: a < 0 or a > b with x of the other sign, or b < 0), where the doubles' ~kε per term would
 * be multiplied by that cancellation. Writes sr like series().
 */
function seriesDD(p: number, plo: number, q: number, z: number, pa: number, pb: number, qa: number, qb: number, derivs: boolean): void {
  T[0] = 1; T[1] = 0; TA[0] = TA[1] = TB[0] = TB[1] = 0; S[0] = 1; S[1] = 0; SA[0] = SA[1] = SB[0] = SB[1] = 0;
  let abs = 1;
  const past = Math.max(-p, -q, Math.abs(z));
  for (let k = 0; k < MAX_TERMS; k++) {
    const ph = p + k, pl = twoSumError(p, k, ph) + plo, qh = q + k, ql = twoSumError(q, k, qh);
    ddMul(NUM, ph, pl, z);
    ddMul(DEN, qh, ql, k + 1);
    ddDivDD(R, NUM[0], NUM[1], DEN[0], DEN[1]);
    if (ph === 0 && pl === 0) { R[0] = 0; R[1] = 0; }
    if (derivs) {
      ddDivDD(F, z, 0, DEN[0], DEN[1]);
      ddDivDD(DRQ, -R[0], -R[1], qh, ql);
      seeded(RA, pa, F[0], F[1], qa, DRQ[0], DRQ[1]);
      seeded(RB, pb, F[0], F[1], qb, DRQ[0], DRQ[1]);
      ddMulDD(U, TA[0], TA[1], R[0], R[1]); ddMulDD(V, T[0], T[1], RA[0], RA[1]); ddAdd(TA, U[0], U[1], V[0], V[1]);
      ddMulDD(U, TB[0], TB[1], R[0], R[1]); ddMulDD(V, T[0], T[1], RB[0], RB[1]); ddAdd(TB, U[0], U[1], V[0], V[1]);
      ddAdd(SA, SA[0], SA[1], TA[0], TA[1]); ddAdd(SB, SB[0], SB[1], TB[0], TB[1]);
    }
    const sign = Math.sign(T[0]) * Math.sign(R[0]);
    ddMulDD(T, T[0], T[1], R[0], R[1]);
    if (T[0] === 0 && !derivs) break;
    if (!(Math.abs(T[0]) < Infinity)) { S[0] = sign * Infinity; S[1] = 0; abs = Infinity; break; } // overflow: M too, if all terms are positive
    ddAdd(S, S[0], S[1], T[0], T[1]);
    abs += Math.abs(T[0]);
    if (k > past) {
      const tiny = 1e-34;
      const small = Math.abs(T[0]) <= tiny * Math.abs(S[0])
        && (!derivs || ((Math.abs(TA[0]) <= tiny * Math.abs(SA[0]) || TA[0] === 0) && (Math.abs(TB[0]) <= tiny * Math.abs(SB[0]) || TB[0] === 0)));
      if (small || (T[0] === 0 && TA[0] === 0 && TB[0] === 0)) break;
    }
  }
  sr[0] = S[0] + S[1]; sr[1] = SA[0] + SA[1]; sr[2] = SB[0] + SB[1]; sr[3] = abs;
}

/**
 * Σₖ (p1)ₖ(p2)ₖ/(k! zᵏ) for z > 0 into sr (value, ∂a, ∂b), p1 and p2 linear in a and b, in double-double (its
 * terms may alternate while p1 + k or p2 + k < 0). Returns false when it is no use at this z: a term above 1e6, the
 * terms rising again after falling (past the sign changes) before they are below 1e−17 of the sum, or cancelling by
 * more than 1e6.
 */
function asymptotic(p1: number, p2: number, z: number, p1a: number, p1b: number, p2a: number, p2b: number, derivs: boolean): boolean {
  T[0] = 1; T[1] = 0; TA[0] = TA[1] = TB[0] = TB[1] = 0; S[0] = 1; S[1] = 0; SA[0] = SA[1] = SB[0] = SB[1] = 0;
  let abs = 1, falling = false;
  const past = Math.max(-p1, -p2, 0);
  for (let k = 0; k < 2000; k++) {
    const h1 = p1 + k, l1 = twoSumError(p1, k, h1), h2 = p2 + k, l2 = twoSumError(p2, k, h2), d = (k + 1) * z;
    ddMulDD(NUM, h1, l1, h2, l2);
    ddDivDD(R, NUM[0], NUM[1], d, productErrorOf(k + 1, z, d));
    if (derivs) {
      ddDivDD(F, h2, l2, d, productErrorOf(k + 1, z, d)); // ∂r/∂p1
      ddDivDD(DRQ, h1, l1, d, productErrorOf(k + 1, z, d)); // ∂r/∂p2
      seeded(RA, p1a, F[0], F[1], p2a, DRQ[0], DRQ[1]);
      seeded(RB, p1b, F[0], F[1], p2b, DRQ[0], DRQ[1]);
      ddMulDD(U, TA[0], TA[1], R[0], R[1]); ddMulDD(V, T[0], T[1], RA[0], RA[1]); ddAdd(TA, U[0], U[1], V[0], V[1]);
      ddMulDD(U, TB[0], TB[1], R[0], R[1]); ddMulDD(V, T[0], T[1], RB[0], RB[1]); ddAdd(TB, U[0], U[1], V[0], V[1]);
      ddAdd(SA, SA[0], SA[1], TA[0], TA[1]); ddAdd(SB, SB[0], SB[1], TB[0], TB[1]);
    }
    const before = Math.abs(T[0]);
    ddMulDD(T, T[0], T[1], R[0], R[1]);
    const next = Math.abs(T[0]);
    // Past the sign changes the terms may rise for a while (z not ≫ (p1)(p2)) but, once falling, must not rise again
    // before they are negligible: that is the series diverging. Terms above 1e6 are refused outright.
    if (next > before && k > past && falling) return false;
    if (next < before && k > past) falling = true;
    if (next > 1e6) return false;
    ddAdd(S, S[0], S[1], T[0], T[1]);
    abs += next;
    if (abs > 1e6 * Math.abs(S[0])) return false;
    const tiny = 0.1 * EPS;
    const done = k > past && next <= tiny * Math.abs(S[0])
      && (!derivs || ((Math.abs(TA[0]) <= tiny * Math.abs(SA[0]) || TA[0] === 0) && (Math.abs(TB[0]) <= tiny * Math.abs(SB[0]) || TB[0] === 0)));
    if (done || (T[0] === 0 && TA[0] === 0 && TB[0] === 0)) {
      sr[0] = S[0] + S[1]; sr[1] = SA[0] + SA[1]; sr[2] = SB[0] + SB[1];
      return true;
    }
  }
  return false;
}

/**
 * g · eˣ · x^c · (1 + clo·log x) for x > 0 (c + clo exact): the factors g, x^{c/2} twice and e^{x/2} twice multiplied
 * in the order that keeps each partial product nearest 1 (eˣ overflows from x = 709.8 and x^c under- or overflows
 * while M need not: logs, exp(log g + x + c log x), would cost ε·x, 438 ulp at x = 245), else from logs.
 */
function prefactor(g: number, x: number, c: number, clo: number, sign: number, logG: () => number): number {
  const corr = 1 + clo * Math.log(x), p = Math.pow(x, c / 2), h = Math.exp(x / 2);
  const ok = (v: number) => v !== 0 && Math.abs(v) < Infinity;
  if (ok(g) && ok(p) && ok(h)) {
    const factors = [g, p, p, h, h];
    let v = 1;
    while (factors.length > 0) {
      let best = 0, bestSize = Infinity;
      for (let i = 0; i < factors.length; i++) {
        const size = Math.abs(Math.log(Math.abs(v * factors[i]!)));
        if (size < bestSize) { bestSize = size; best = i; }
      }
      v *= factors[best]!;
      factors.splice(best, 1);
      if (!ok(v)) break;
    }
    if (ok(v)) return v * corr;
  }
  return sign * Math.exp(logG() + x + c * Math.log(x)) * corr;
}

/**
 * Γ(n)/Γ(d) where it is good to a few ulp — both positive (gammaRatio's Stirling difference), or Γ(n), Γ(d) and the
 * ratio normal doubles — else NaN: past Γ's range gammaRatio goes by logs, ε·|log Γ| off (1e−13 at 170), and a
 * subnormal Γ keeps fewer digits (M(−6.53, −172.63, 303.0) was 1.7e−12 off); the series takes those instead.
 */
function accurateGammaRatio(n: number, d: number): number {
  const NORMAL = 2.2250738585072014e-308;
  const normal = (v: number) => Math.abs(v) >= NORMAL && Math.abs(v) < Infinity;
  if (n > 0 && d > 0) return gammaRatio(n, d);
  const gn = gammaFn(n), gd = gammaFn(d);
  return normal(gn) && normal(gd) && normal(gn / gd) ? gn / gd : NaN;
}

/** M(a, b, x) for x ≥ 40: the asymptotic form if it converges, else false. */
/**
 * log of the size of the asymptotic series Σ (p1)ₖ(p2)ₖ/(k! zᵏ) (its largest term before the smallest), for telling
 * whether the half of M it belongs to is negligible: a terminating series (p1 or p2 a non-positive integer) says
 * nothing about its size by converging (M(1, 91, 51.2): the eˣ half alone is 3.9e6, M is 2.25).
 */
function asymptoticLogSize(p1: number, p2: number, z: number): number {
  // The largest term before the smallest (where it would be cut off); a series that grows from its first term is
  // of the size of that term. Products of the ratios while they stay in range, logs after.
  // p1, p2 ≥ 0: rₖ = (p1 + k)(p2 + k)/((k + 1)z) = ((k + 1) + p1 + p2 − 2 + (p1 − 1)(p2 − 1)/(k + 1))/z falls then
  // rises (or only rises), so from r₀ < 1 the terms fall to their smallest first: the largest before it is t₀ = 1.
  if (p1 >= 0 && p2 >= 0 && p1 * p2 < z) return 0;
  let t = 1, max = 1, min = 1, sizeAtMin = 1, log = 0;
  const past = Math.max(-p1, -p2, 0);
  for (let k = 0; k < 5000; k++) {
    const r = Math.abs((p1 + k) * (p2 + k) / ((k + 1) * z));
    if (r === 0) return Math.log(max) + log; // it ends
    t *= r;
    if (t > 1e200 || t < 1e-200) { // rescale (all four by the same factor)
      const f = t; log += Math.log(f); t /= f; max /= f; min /= f; sizeAtMin /= f;
    }
    if (t > max) max = t;
    if (t < min) { min = t; sizeAtMin = max; }
    if (t < max * 2e-22) return Math.log(max) + log; // the largest is known, and the smallest far below it
    if (k > past && r >= 1) break; // past the sign changes (p + k)/(k + 1)·… only grows: the smallest is behind
  }
  return Math.log(sizeAtMin) + log;
}

function largePositive(a: number, b: number, x: number, derivs: boolean): boolean {
  if (isNonPositiveInteger(a)) return false; // a polynomial: 1/Γ(a) = 0
  // The other half, Γ(b)/Γ(b − a) (−x)^{−a} Σ (a)ₖ(a − b + 1)ₖ/(k!(−x)ᵏ) (DLMF 13.7.2), against this one,
  // Γ(b)/Γ(a) eˣ x^{a−b}: below 1e−18 (b ≫ x breaks it: M(5, 71, 56.9) = 732.8, where this half alone is 2.0e5).
  if (!isNonPositiveInteger(b - a)) {
    const rest = -x + (b - 2 * a) * Math.log(x) + asymptoticLogSize(a, a - b + 1, x);
    // Cheap first (the common case): for a, b − a > 0, log Γ(a) − log Γ(b − a) ≤ (a − ½) log a − a + 1.01 (Stirling;
    // −log a below 1) + 0.13 (−min log Γ).
    const bound = a > 0 && b - a > 0 ? (a >= 1 ? (a - 0.5) * Math.log(a) - a + 1.01 : -Math.log(a)) + 0.13 : Infinity;
    if (!(rest + bound < -41.5) && !(lgamma(a) - lgamma(b - a) + rest < -41.5)) return false;
  }
  if (!asymptotic(b - a, 1 - a, x, -1, 1, -1, 0, derivs)) return false;
  const c = a - b, clo = twoSumError(a, -b, c), g = accurateGammaRatio(b, a);
  if (g !== g) return false;
  const pre = prefactor(g, x, c, clo, gammaSign(a) * gammaSign(b), () => lgamma(b) - lgamma(a));
  const m = pre * sr[0]!;
  hyp1f1Result[0] = m;
  if (derivs) {
    const lx = Math.log(x);
    hyp1f1Result[1] = m * (lx - digamma(a)) + pre * sr[1]!;
    hyp1f1Result[2] = m * (digamma(b) - lx) + pre * sr[2]!;
  }
  return m === m;
}

/** M(a, b, x) for x ≤ −40: the algebraic asymptotic form if it converges and the exponential half is negligible. */
function largeNegative(a: number, b: number, x: number, derivs: boolean): boolean {
  const z = -x, d = b - a, dlo = twoSumError(b, -a, d);
  if (isNonPositiveInteger(d) && dlo === 0) return false; // 1/Γ(b − a) = 0: eˣ times a polynomial
  // The other half, Γ(b)/Γ(a) eˣ |x|^{a−b}, against this one, Γ(b)/Γ(b − a) |x|^{−a}: Γ(b − a)/Γ(a) eˣ |x|^{2a−b}.
  const logRatio = lgamma(d) - lgamma(a) + x + (2 * a - b) * Math.log(z)
    + (isNonPositiveInteger(a) ? -Infinity : asymptoticLogSize(b - a, 1 - a, z)); // with its series' size, as largePositive
  if (!(logRatio < -41.5)) return false; // e^{−41.5} = 1e−18
  if (!asymptotic(a, a - b + 1, z, 1, 0, 1, -1, derivs)) return false;
  // Γ(b)/Γ(b − a) with b − a = d + dlo: Γ(d + dlo) = Γ(d)(1 + ψ(d)·dlo).
  const g = accurateGammaRatio(b, d) * (1 - digamma(d) * dlo);
  if (g !== g) return false;
  let pre = g * Math.pow(z, -a);
  if (!(Math.abs(pre) < Infinity) || pre === 0 || !(Math.abs(g) < Infinity) || g === 0) {
    pre = gammaSign(b) * gammaSign(d) * Math.exp(lgamma(b) - lgamma(d) - a * Math.log(z));
  }
  const m = pre * sr[0]!;
  hyp1f1Result[0] = m;
  if (derivs) {
    const lz = Math.log(z);
    // ψ(b − a) = ψ(d + dlo), and ψ(b) − ψ(b − a) = psiShift(d, a) + (ψ′(b) − ψ′(d))·dlo (near a pole of ψ at b − a,
    // ψ′(d)·dlo is 1e−13 of ψ(d)).
    const t = dlo === 0 ? 0 : dlo * trigamma(d);
    hyp1f1Result[1] = m * (digamma(d) + t - lz) + pre * sr[1]!;
    hyp1f1Result[2] = m * (psiShift(d, a) + (dlo === 0 ? 0 : dlo * trigamma(b)) - t) + pre * sr[2]!;
  }
  return true;
}

/**
 * M(a, b, x) by the series, or eˣ times the series of Kummer's transformation, whichever cancels less (measured as
 * Σ|t|/|Σt|); in double-double past |x| = 5, or past a cancellation of 8 or 30 terms, and NaN past 1e18, where even that would keep
 * fewer than 11 digits (x < −40 with a² ≳ |x|, where neither asymptotic form holds yet, or a ≪ −|x|).
 */
function bySeries(a: number, b: number, x: number, derivs: boolean): void {
  const d = b - a, dlo = twoSumError(b, -a, d);
  const run = (kummer: boolean, dd: boolean) => {
    const sum = dd ? seriesDD : series;
    if (!kummer) { sum(a, 0, b, x, 1, 0, 0, 1, derivs); return; }
    sum(d, dlo, b, -x, -1, 1, 0, 1, derivs);
    const e = Math.exp(x);
    sr[0] *= e; sr[1] *= e; sr[2] *= e; sr[3] *= e;
  };
  const long = Math.abs(x) > 5; // past ~30 terms: double-double from the start
  // b a non-positive integer (reached only with a a non-positive integer ≥ b): SciPy's M is the polynomial, the series
  // ended before its pole, and Kummer's transformation does not hold for it (eˣ M(b − a, b, −x) is another polynomial
  // times eˣ: M(−68, −68, x) would be eˣ, not Σₖ₌₀⁶⁸ xᵏ/k!).
  const polynomialPastPole = isNonPositiveInteger(b);
  let kummer = x <= -1 && !polynomialPastPole;
  run(kummer, long);
  let cancellation = sr[3]! / Math.abs(sr[0]!);
  if (!(cancellation <= 1e3) && !polynomialPastPole) {
    const keep = Array.from(sr);
    run(!kummer, long);
    const other = sr[3]! / Math.abs(sr[0]!);
    if (other < cancellation) { kummer = !kummer; cancellation = other; } else sr.set(keep);
  }
  if (!long && (!(cancellation <= 8) || sr[4]! > 30 || !(sr[5]! <= 8))) {
    run(kummer, true);
    cancellation = sr[3]! / Math.abs(sr[0]!);
  }
  if (sr[0] === Infinity && a > 0 && b > 0 && (kummer ? d > 0 && x < 0 : x > 0)) {
    // Positive terms past 1.8e308, or past 1.3e300 where double-double's splitting overflows (M(127, 0.016, 396.5) =
    // 2.19e306): summed exactly unless the largest term alone overflows.
    if (largestTermLog2(a, b, x) < 1024 && hyp1f1Exact(a, b, x, derivs, hyp1f1Result)) return;
    hyp1f1Result[0] = Infinity; hyp1f1Result[1] = NaN; hyp1f1Result[2] = NaN; return;
  }
  if (!(cancellation <= 1e14)) {
    // Past what double-double keeps to 1e−14 (a ≫ b with x ≪ 0, a ≪ 0 < x, b < 0 between poles): the series in
    // exact arithmetic (kernels/hyp1f1Exact.ts), 0.3–3 ms an element. (It replaces a recurrence in a, DLMF 13.3.1,
    // whose error estimate fell short by up to 60× — 3.6e−13 at (135.5, 23.1, −12.4) — whose ∂M/∂a from an integer a
    // was wrong by up to 10¹⁵ — (−194, 0.0245, 498) — and which amplified its start past use for a ≫ b, x ≪ 0.)
    if (hyp1f1Exact(a, b, x, derivs, hyp1f1Result)) return;
    sr.fill(NaN);
  }
  hyp1f1Result[0] = sr[0]!; hyp1f1Result[1] = sr[1]!; hyp1f1Result[2] = sr[2]!;
}

/**
 * M(a, b, x) into hyp1f1Result[0], and with `derivs` ∂M/∂a, ∂M/∂b into [1], [2]. NaN in gives NaN; b a
 * non-positive integer gives +∞ (derivatives NaN) unless the series ends first.
 */
export function hyp1f1(a: number, b: number, x: number, derivs: boolean): void {
  hyp1f1Result[1] = 0; hyp1f1Result[2] = 0;
  if (a !== a || b !== b || x !== x) { hyp1f1Result.fill(NaN); return; }
  if (a === 0 && !derivs) { hyp1f1Result[0] = 1; return; } // JAX's edge, b = 0 included
  if (isNonPositiveInteger(b) && !(isNonPositiveInteger(a) && b <= a)) {
    hyp1f1Result[0] = a === 0 ? 1 : Infinity; hyp1f1Result[1] = NaN; hyp1f1Result[2] = NaN; return;
  }
  if (x === 0) { hyp1f1Result[0] = 1; return; }
  const equal = a === b && !isNonPositiveInteger(b); // JAX's eˣ; at b ≤ 0 SciPy's polynomial (its series ends at k = −b)
  if (equal && !derivs) { hyp1f1Result[0] = Math.exp(x); return; }
  if (!(Math.abs(a) < Infinity && Math.abs(b) < Infinity)) { hyp1f1Result.fill(NaN); return; }
  if (x === Infinity || x === -Infinity) { infiniteX(a, b, x); return; }
  general(a, b, x, derivs);
  if (a === 0) hyp1f1Result[0] = 1;
  else if (equal) hyp1f1Result[0] = Math.exp(x);
}

/** M(a, b, x) for finite arguments past the edges: an asymptotic form where one holds, else the series. */
function general(a: number, b: number, x: number, derivs: boolean): void {
  if (x >= 40 && largePositive(a, b, x, derivs)) return;
  if (x <= -40 && largeNegative(a, b, x, derivs)) return;
  bySeries(a, b, x, derivs);
}

/** The limits at x = ±∞ (b > 0): +∞ (sign of 1/Γ(a)) or 0 upward; downward |x|^{−a}: 0, 1 or ∞. */
function infiniteX(a: number, b: number, x: number): void {
  if (x > 0) hyp1f1Result[0] = isNonPositiveInteger(a) ? (a === 0 ? 1 : NaN) : gammaSign(a) * gammaSign(b) * Infinity;
  else hyp1f1Result[0] = a > 0 ? 0 : a === 0 ? 1 : isNonPositiveInteger(b - a) ? 0 : gammaSign(b) * gammaSign(b - a) * Infinity;
  hyp1f1Result[1] = NaN; hyp1f1Result[2] = NaN;
  if (gammaFn(b) !== gammaFn(b)) hyp1f1Result[0] = NaN;
}
