/**
 * @file The exponential integrals E₁(x), Eₙ(x) and Ei(x), scalar kernels for special/expint.ts.
 *
 * Eₙ(x) = ∫₁^∞ e^{−xt} t^{−n} dt (A&S 5.1.4) for x > 0 and any integer n (n < 0 too: the derivative chain
 * Eₙ′ = −Eₙ₋₁ of E₀ = e^{−x}/x runs below 0); as Numerical Recipes §6.3: the power series (A&S 5.1.12)
 *   Eₙ(x) = (−x)^{n−1}/(n − 1)! (ψ(n) − log x) − Σ_{k ≥ 0, k ≠ n−1} (−x)^k/((k − n + 1) k!)
 * for small x, and the continued fraction (A&S 5.1.22, even form)
 *   Eₙ(x) = e^{−x} · 1/(x + n − 1·n/(x + n + 2 − 2(n + 1)/(x + n + 4 − …)))
 * beyond, evaluated backward from a depth found by running it forward (no rescaling, no Lentz drift). For n ≤ 0
 * the closed form E₋ₖ(x) = k! e^{−x} Σ_{j ≤ k} x^j/j! / x^{k+1} (all terms positive).
 * Ei(x) for x > 0 is γ + log x + Σ x^k/(k·k!) (A&S 5.1.10) written about its zero x₀ = 0.37250741078136663…:
 *   Ei(x) = log(x/x₀) + (x − x₀) Σ_{k ≥ 1} P_k/(k·k!),  P_k = Σ_{j<k} x^j x₀^{k−1−j}  (x^k − x₀^k = (x − x₀)P_k),
 * both terms of the sign of x − x₀ (no cancellation anywhere, relative accuracy at the zero), and beyond x = 40
 * the asymptotic series Ei(x) = eˣ/x Σ k!/x^k (A&S 5.1.51) up to its smallest term; Ei(−x) = −E₁(x).
 */
import { digamma } from '../../tensor/kernels/gamma.js';
import { ddAdd, ddDiv, ddMul, type DD } from './doubleDouble.js';

const EULER = 0.5772156649015329;
const EPS = 1.1102230246251565e-16;

/** Eₙ(x) for small x by the power series (n ≥ 1; n = 1 is −γ − log x − Σ (−x)^k/(k·k!)). */
function expnSeries(n: number, x: number): number {
  const nm1 = n - 1;
  let ans = nm1 !== 0 ? 1 / nm1 : -Math.log(x) - EULER;
  let fact = 1;
  for (let i = 1; i < 500; i++) {
    fact *= -x / i;
    let del: number;
    if (i !== nm1) del = -fact / (i - nm1);
    else del = fact * (digamma(n) - Math.log(x));
    ans += del;
    // Past i = 2 (or n − 1) the ψ term to come is below |fact|·x|log x| ≤ 0.37|fact|: negligible once del is.
    if (Math.abs(del) <= Math.abs(ans) * EPS * 0.5 && i >= Math.min(nm1, 2)) break;
  }
  return ans;
}

/**
 * The continued fraction of Eₙ(x)eˣ (A&S 5.1.22): 1/(b₀ + a₁/(b₁ + a₂/(b₂ + …))) with b_i = x + n + 2i and
 * a_i = −i(n − 1 + i). Its depth is found by Lentz's forward evaluation, then it is summed backward from there
 * (each step one division and one add, errors damped, not multiplied).
 */
function expnFractionScaled(n: number, x: number): number {
  const tiny = 1e-300;
  let b = x + n, c = 1 / tiny, d = 1 / b, h = d, depth = 1;
  for (let i = 1; i < 100000; i++) {
    const a = -i * (n - 1 + i);
    b += 2;
    d = a * d + b; if (d === 0) d = tiny;
    c = b + a / c; if (c === 0) c = tiny;
    d = 1 / d;
    const del = c * d;
    h *= del;
    if (Math.abs(del - 1) <= EPS) { depth = 2 * i + 10; break; }
    depth = i + 1;
  }
  let tail = 0;
  for (let i = depth; i >= 1; i--) tail = (-i * (n - 1 + i)) / (x + n + 2 * i + tail);
  return 1 / (x + n + tail);
}

/** E₋ₖ(x) = k! e^{−x} Σ_{j=0}^{k} x^j/j! / x^{k+1} for k ≥ 0 (the upper incomplete gamma Γ(k + 1, x) over x^{k+1}). */
function expnNonPositive(k: number, x: number): number {
  // Σ_{j=0}^{k} k!/j! · x^{j−k−1}, summed from j = k down: terms k!/(j! x^{k+1−j}), all positive.
  let term = 1 / x, sum = term;
  for (let j = k; j >= 1; j--) { term *= j / x; sum += term; if (term < sum * 1e-17 && j < x) break; }
  return sum * Math.exp(-x);
}

/**
 * Eₙ(x) for integer n (any sign) and x ≥ 0: x = 0 gives 1/(n − 1) for n ≥ 2 and +∞ otherwise; x < 0 or n not an
 * integer NaN. The series where x is small against the fraction's reach (x ≤ 1 for n ≤ 1, else x ≤ 0.25),
 * the fraction (eˣEₙ(x)·e^{−x}) beyond.
 */
export function expn(n: number, x: number): number {
  if (!(x >= 0) || n !== Math.floor(n) || !(Math.abs(n) < Infinity)) return NaN;
  if (x === 0) return n >= 2 ? 1 / (n - 1) : Infinity;
  if (x === Infinity) return 0;
  if (n <= 0) return expnNonPositive(-n, x);
  if (x <= (n === 1 ? 0.5 : 0.25)) return expnSeries(n, x);
  return expnFractionScaled(n, x) * Math.exp(-x);
}

/** E₁(x) = expn(1, x) (SciPy's exp1 for real x: NaN below 0). */
export function expint1(x: number): number { return expn(1, x); }

/** The positive zero of Ei, x₀ = 0.372507410781366634461991866580…, as hi + lo. */
const X0_HI = 0.3725074107813666;
const X0_LO = 1.3140183414386028e-17;
const LOG_X0 = -0.9874983466453419; // log x₀ (mpmath)

/**
 * Ei(x) = −PV ∫_{−x}^∞ e^{−t}/t dt (SciPy's expi): −∞ at 0, −E₁(−x) below, the series about x₀ to x = 40, the
 * asymptotic series beyond (eˣ formed as e^{x/2}·e^{x/2} past 709, where Ei is still finite up to 716.35).
 */
export function expi(x: number): number {
  if (x !== x) return NaN;
  if (x < 0) return -expint1(-x);
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x <= 40) {
    const d = (x - X0_HI) - X0_LO; // exact to first order: x − X0_HI is exact within a factor 2 of x₀ (Sterbenz)
    // log(x/x₀); below 1e−290 x/x₀ may round as a subnormal (Ei(5e−324) was −743.7517, not −743.8629): log x − log x₀.
    const logRatio = x > 0.5 * X0_HI && x < 2 * X0_HI ? Math.log1p(d / X0_HI)
      : x < 1e-290 ? Math.log(x) - LOG_X0 : Math.log(x / X0_HI) - X0_LO / X0_HI;
    // Σ T_k/k with T_k = P_k/k!: T₁ = 1, T_{k+1} = (x·T_k + x₀^k/k!)/(k + 1), in double-double: a term near the
    // peak k ≈ x is a product of k roundings in doubles (12 ulp at x = 25); all terms are positive.
    const t: DD = [1, 0], term: DD = [0, 0], sum: DD = [1, 0];
    let u = 1;
    for (let k = 1; k < 300; k++) {
      u *= X0_HI / k; // x₀^k/k!
      ddMul(t, t[0], t[1], x);
      ddAdd(t, t[0], t[1], u, 0);
      ddDiv(t, t[0], t[1], k + 1);
      ddDiv(term, t[0], t[1], k + 1);
      ddAdd(sum, sum[0], sum[1], term[0], term[1]);
      if (term[0] <= sum[0] * 1e-33) break;
    }
    return logRatio + (d * sum[0] + d * sum[1]);
  }
  // eˣ/x Σ_{k ≥ 0} k!/x^k, to the smallest term (at k ≈ x: under 1e−17 of the sum from x = 40).
  let term = 1, tail = 0; // 1 + Σ_{k ≥ 1}, the small terms summed first
  for (let k = 1; k < x; k++) {
    const next = term * k / x;
    if (next > term) break;
    term = next;
    tail += term;
    if (term <= tail * EPS * 0.25) break;
  }
  const sum = 1 + tail;
  if (x < 709) return (Math.exp(x) / x) * sum;
  const h = Math.exp(x / 2);
  return h * ((h / x) * sum);
}
