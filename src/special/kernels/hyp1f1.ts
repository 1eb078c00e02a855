/**
 * @file Kummer's confluent hypergeometric function M(a, b, x) = ₁F₁(a; b; x) = Σₖ (a)ₖ/(b)ₖ xᵏ/k! and its
 * derivatives in a and b, a scalar kernel for special/hyp1f1.ts. Every form below runs as dual numbers (value,
 * ∂/∂a, ∂/∂b) when the derivatives are asked for:
 * - for large x > 0 the asymptotic series (DLMF 13.7.2) M ~ Γ(b)/Γ(a) eˣ x^{a−b} Σ (b − a)ₖ(1 − a)ₖ/(k! xᵏ), and for
 *   large x < 0, M ~ Γ(b)/Γ(b − a) |x|^{−a} Σ (a)ₖ(a − b + 1)ₖ/(k! |x|ᵏ) when the exponentially small other half
 *   (eˣ|x|^{a−b}/Γ(a)) is below the last digit; each only where its terms fall below 1e−17 of the sum before they
 *   start to grow again, summed in double-double;
 * - else the series, or eˣ times that of Kummer's transformation M(a, b, x) = eˣ M(b − a, b, −x) (DLMF 13.2.39),
 *   whichever cancels less (Σ|t| against |Σt|), in double-double when long (|x| > 5) or cancelling;
 * - where even that cancels past 1e14 (a ≪ 0 < x, or b − a ≪ 0 > x), the three-term recurrence in the first
 *   parameter (DLMF 13.3.1), started where the series still holds and run twice to measure how much it amplifies an
 *   error in its start; past an estimated 1e−13, NaN (a ≫ b with x ≪ 0 of similar size).
 * The edges are JAX's: a = 0 gives 1 (b = 0 too), a = b gives eˣ, b a non-positive integer +∞ (SciPy's; unless a is a
 * non-positive integer with b ≤ a, when the series ends before the pole, as SciPy's does).
 */
import { digamma, lgamma } from '../../tensor/kernels/gamma.js';
import { cotDerivativePolynomial, polygammaWith } from '../../tensor/kernels/polygamma.js';
import { gammaFn, gammaRatio, gammaSign, psiShift } from './gammaFunction.js';
import { ddAdd, ddDivDD, ddMul, ddMulDD, productError, twoSumError, type DD } from './doubleDouble.js';

const EPS = 1.1102230246251565e-16;
const MAX_TERMS = 20000;

/** The result of hyp1f1: value, ∂M/∂a, ∂M/∂b. */
export const hyp1f1Result = new Float64Array(3);
/** Scratch of the series: sum, ∂a, ∂b, Σ|terms| (of the value), number of terms, the cancellation of the derivative sums. */
const sr = new Float64Array(6);

const isNonPositiveInteger = (v: number) => v <= 0 && v === Math.floor(v);
const productErrorOf = (a: number, b: number, p: number) => (Math.abs(p) < 1e300 ? productError(a, b, p) : 0);
const COT1 = cotDerivativePolynomial(1);
/** ψ′(v), for reading a rounding error back into ψ: ψ(v + lo) = ψ(v) + ψ′(v)·lo. */
const trigamma = (v: number) => polygammaWith(1, COT1, v);

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
    if (k + 1 > past) {
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
    if (k + 1 > past) {
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

/** M(a, b, x) for x ≥ 40: the asymptotic form if it converges, else false. */
function largePositive(a: number, b: number, x: number, derivs: boolean): boolean {
  if (isNonPositiveInteger(a)) return false; // a polynomial: 1/Γ(a) = 0
  if (!asymptotic(b - a, 1 - a, x, -1, 1, -1, 0, derivs)) return false;
  const c = a - b, clo = twoSumError(a, -b, c);
  const pre = prefactor(gammaRatio(b, a), x, c, clo, gammaSign(a) * gammaSign(b), () => lgamma(b) - lgamma(a));
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
  const logRatio = lgamma(d) - lgamma(a) + x + (2 * a - b) * Math.log(z);
  if (!(logRatio < -41.5)) return false; // e^{−41.5} = 1e−18
  if (!asymptotic(a, a - b + 1, z, 1, 0, 1, -1, derivs)) return false;
  // Γ(b)/Γ(b − a) with b − a = d + dlo: Γ(d + dlo) = Γ(d)(1 + ψ(d)·dlo).
  const g = gammaRatio(b, d) * (1 - digamma(d) * dlo);
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
  let kummer = x <= -1;
  run(kummer, long);
  let cancellation = sr[3]! / Math.abs(sr[0]!);
  if (!(cancellation <= 1e3)) {
    const keep = Array.from(sr);
    run(!kummer, long);
    const other = sr[3]! / Math.abs(sr[0]!);
    if (other < cancellation) { kummer = !kummer; cancellation = other; } else sr.set(keep);
  }
  if (!long && (!(cancellation <= 8) || sr[4]! > 30 || !(sr[5]! <= 8))) {
    run(kummer, true);
    cancellation = sr[3]! / Math.abs(sr[0]!);
  }
  if (!(cancellation <= 1e14) && b > 0) {
    // The representation with z > 0 and a first parameter below −1, if one is: the series of a < 0 at x > 0, or
    // Kummer's of b − a < 0 at x < 0.
    if (x > 0 && a < -1) { byRecurrence(a, 0, b, x, 1, 0, 0, 1, 1, derivs); return; }
    if (x < 0 && d < -1) { byRecurrence(d, dlo, b, -x, -1, 1, 0, 1, Math.exp(x), derivs); return; }
  }
  if (sr[0] === Infinity && a > 0 && b > 0 && (kummer ? d > 0 && x < 0 : x > 0)) { hyp1f1Result[0] = Infinity; hyp1f1Result[1] = NaN; hyp1f1Result[2] = NaN; return; }
  if (!(cancellation <= 1e18)) sr.fill(NaN); // ≥ 1e−14 lost even in double-double
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

/**
 * M(p, q, z) for z > 0 and p < −1 whose series cancels past what double-double keeps (Σ|t|/|Σt| > 1e12: p ≪ −z or
 * p ≪ 0 ≪ z) by the recurrence in the first parameter (DLMF 13.3.1)
 *   M(α − 1) = (α M(α + 1) − (2α − q + z) M(α)) / (q − α),
 * run down from α = p₀ = p − ⌊p⌋ ∈ [0, 1) and p₀ + 1, whose series have positive terms (Zhang and Jin's CHGM does
 * the same): for α ≪ 0 both solutions oscillate, so errors grow only slowly. With `derivs`, the dual numbers of
 * M(α) in (a, b) through α = p − const (∂α = pa, pb) and q (qa, qb). Writes hyp1f1Result (times `scale`).
 */
function byRecurrence(p: number, plo: number, q: number, z: number, pa: number, pb: number, qa: number, qb: number,
  scale: number, derivs: boolean): void {
  const n = Math.floor(p);
  let s = p - n; // exact; p = s + n + plo, s in [0, 1)
  // q − α is the divisor: keep it ≥ ½ along the way (q > 0 ≥ α from s down). An integer p (a polynomial, Laguerre's)
  // starts from M(0) = 1 and M(−1): from M(1) it would carry the eˣ-sized solution that cancels to the polynomial.
  if (Math.abs(q - s) < 0.5 || (s === 0 && plo === 0)) s -= 1;
  // Start as far down as the series still holds (its cancellation below 1e12 at s and s + 1, double-double): the
  // recurrence is unstable only where M is the smaller solution (small |α| against z), and stable or neutral below.
  let lo = 1, hi = Math.floor(s - p) - 1; // candidate starts s − m, m in [lo, hi]
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = s - mid, startLo = twoSumError(s, -mid, start) + plo;
    seriesDD(start + 1, startLo, q, z, pa, pb, qa, qb, false);
    let ok = sr[3]! <= 1e12 * Math.abs(sr[0]!);
    if (ok) { seriesDD(start, startLo, q, z, pa, pb, qa, qb, false); ok = sr[3]! <= 1e12 * Math.abs(sr[0]!); }
    if (ok) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  let mUp: number, m: number, upA = 0, upB = 0, mA = 0, mB = 0;
  const chain = (s1: number, s2: number) => hyp1f1Result[1]! * s1 + hyp1f1Result[2]! * s2; // ∂/∂(a, b) from ∂/∂(first, second)
  if (best === 0) {
    // M(s + 1) and M(s) with their derivatives in (first, second) parameter, chained to (a, b).
    const up = s + 1, upLo = twoSumError(s, 1, up) + plo;
    general(up + upLo, q, z, derivs);
    mUp = hyp1f1Result[0]!;
    if (derivs) { upA = chain(pa, qa); upB = chain(pb, qb); }
    general(s + plo, q, z, derivs);
    m = hyp1f1Result[0]!;
    if (derivs) { mA = chain(pa, qa); mB = chain(pb, qb); }
  } else {
    const start = s - best, startLo = twoSumError(s, -best, start) + plo;
    seriesDD(start + 1, startLo, q, z, pa, pb, qa, qb, derivs);
    mUp = sr[0]!; upA = sr[1]!; upB = sr[2]!;
    seriesDD(start, startLo, q, z, pa, pb, qa, qb, derivs);
    m = sr[0]!; mA = sr[1]!; mB = sr[2]!;
    s = start;
  }
  const first = recur(s, plo, p, q, z, pa, pb, qa, qb, m, mA, mB, mUp, upA, upB, derivs);
  const r0 = rr[0]!, r1 = rr[1]!, r2 = rr[2]!, e0 = rr[3]!;
  // The same run from M(s)·(1 + 2⁻²⁰): how much the recurrence amplifies an error in its start (it does where the
  // wanted solution is the smaller one, e.g. a ≫ b, x ≪ 0). Past 1e−13 of estimated error, NaN.
  recur(s, plo, p, q, z, pa, pb, qa, qb, m * (1 + 2 ** -20), mA, mB, mUp, upA, upB, false);
  const amplification = Math.abs(rr[0]! * 2 ** (rr[3]! - e0) - r0) / Math.abs(r0) * 2 ** 20;
  // The start's error (a few ε) and each step's, amplified: measured errors are ≈ amplification·ε, so this is conservative.
  const ok = first && amplification * 4 * EPS * Math.sqrt(s - p + 1) < 1e-13;
  const h = e0 / 2, f1 = scale * 2 ** Math.floor(h), f2 = 2 ** (e0 - Math.floor(h)); // scale·2^e0, in two steps
  hyp1f1Result[0] = ok ? r0 * f1 * f2 : NaN;
  hyp1f1Result[1] = ok ? r1 * f1 * f2 : NaN;
  hyp1f1Result[2] = ok ? r2 * f1 * f2 : NaN;
}

/** recur's result: M(p) (and ∂a, ∂b) times 2^−rr[3]. */
const rr = new Float64Array(4);

/** The recurrence of byRecurrence from α = s down to p, rescaling by powers of 2 past 2^±600 (into rr). */
function recur(s: number, plo: number, p: number, q: number, z: number, pa: number, pb: number, qa: number, qb: number,
  m: number, mA: number, mB: number, mUp: number, upA: number, upB: number, derivs: boolean): boolean {
  let log2Scale = 0;
  for (let alpha = s + plo; alpha > p + plo + 0.5; alpha -= 1) {
    const c1 = 2 * alpha - q + z, d = q - alpha;
    const next = (alpha * mUp - c1 * m) / d;
    if (derivs) {
      // ∂α = (pa, pb), ∂q = (qa, qb): ∂c1 = 2∂α − ∂q, ∂d = ∂q − ∂α.
      const nextA = (pa * mUp + alpha * upA - (2 * pa - qa) * m - c1 * mA - next * (qa - pa)) / d;
      const nextB = (pb * mUp + alpha * upB - (2 * pb - qb) * m - c1 * mB - next * (qb - pb)) / d;
      upA = mA; upB = mB; mA = nextA; mB = nextB;
    }
    mUp = m; m = next;
    const size = Math.max(Math.abs(m), Math.abs(mUp), Math.abs(mA), Math.abs(mB));
    if (size > 2 ** 600 || (size < 2 ** -600 && size > 0)) {
      const e = Math.round(Math.log2(size)), f = 2 ** -e;
      m *= f; mUp *= f; mA *= f; mB *= f; upA *= f; upB *= f; log2Scale += e;
    }
  }
  rr[0] = m; rr[1] = mA; rr[2] = mB; rr[3] = log2Scale;
  return Number.isFinite(m);
}

/** The limits at x = ±∞ (b > 0): +∞ (sign of 1/Γ(a)) or 0 upward; downward |x|^{−a}: 0, 1 or ∞. */
function infiniteX(a: number, b: number, x: number): void {
  if (x > 0) hyp1f1Result[0] = isNonPositiveInteger(a) ? (a === 0 ? 1 : NaN) : gammaSign(a) * gammaSign(b) * Infinity;
  else hyp1f1Result[0] = a > 0 ? 0 : a === 0 ? 1 : isNonPositiveInteger(b - a) ? 0 : gammaSign(b) * gammaSign(b - a) * Infinity;
  hyp1f1Result[1] = NaN; hyp1f1Result[2] = NaN;
  if (gammaFn(b) !== gammaFn(b)) hyp1f1Result[0] = NaN;
}
