/**
 * @file Gauss's hypergeometric function ₂F₁(a, b; c; x) for real arguments: the scalar kernel of special/hyp2f1.ts.
 * Edges as JAX's (x = 0 or a = 0 or b = 0 gives 1, c = 0, −1, … gives +∞, x > 1 +∞ where ₂F₁ is not real, Gauss's
 * sum at x = 1), terminating series where a, b, c − a or c − b is a non-positive integer, and otherwise a power
 * series of argument at most ½ in size reached by the linear transformations (DLMF 15.8.1, 15.8.4, and A&S 15.3.10–11
 * where c − a − b is an integer): x itself or Pfaff's x/(x − 1) for |x| ≤ ½ and −1 ≤ x < 0 (whichever sums with the
 * least cancellation), 1 − x for ½ < x < 1, and 1/(1 − x) after Pfaff's transformation for x < −1.
 */
import { digamma } from '../../tensor/kernels/gamma.js';
import { gammaRatio, poch } from './gammaFunction.js';
import { hyp2f1Exact, lowestExponent, scaled } from './hyp2f1Exact.js';

const EPS = 2.220446049250313e-16;
const MAX_TERMS = 200000;

const isNonPositiveInteger = (v: number) => v <= 0 && v === Math.floor(v);

/** Σ|term| of the last series summed: its ratio to |sum| is the cancellation the sum suffered. */
let lastAbs = 0;

/** The power series Σₖ (a)ₖ(b)ₖ/((c)ₖ k!) yᵏ, |y| < 1 (or terminating); sets lastAbs. */
function series(a: number, b: number, c: number, y: number): number {
  let term = 1, sum = 1, abs = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    term *= ((a + k) * (b + k)) / ((c + k) * (k + 1)) * y;
    if (term === 0) break;
    sum += term;
    const at = Math.abs(term);
    abs += at;
    // Below the rounding of the sum, the ratio below 1, and c + k past 0 (where c < 0 the ratio peaks again as
    // c + k nears 0: F(½, 20; −28.5; 0.1)'s terms from k = 28 add 8e−14).
    if (at <= EPS * 0.25 * Math.abs(sum) && c + k + 1 > 0 && Math.abs(((a + k + 1) * (b + k + 1)) / ((c + k + 1) * (k + 2)) * y) < 1) break;
    if (!(Math.abs(sum) < Infinity)) break;
  }
  lastAbs = abs;
  return sum;
}

/** The terminating series, n = the number of terms after the first (a = −n). */
function polynomial(n: number, b: number, c: number, x: number): number {
  let term = 1, sum = 1, abs = 1;
  for (let k = 0; k < n; k++) {
    term *= ((k - n) * (b + k)) / ((c + k) * (k + 1)) * x;
    sum += term;
    abs += Math.abs(term);
  }
  lastAbs = abs;
  return sum;
}

/**
 * ₂F₁(a, b; a + b + m; 1 − t), m a non-negative integer, 0 < t ≤ ½ (A&S 15.3.10, 15.3.11): the finite sum
 * Γ(m)Γ(a + b + m)/(Γ(a + m)Γ(b + m)) Σₙ₌₀^{m−1} (a)ₙ(b)ₙ/(n!(1 − m)ₙ) tⁿ, less
 * (−t)^m Γ(a + b + m)/(Γ(a)Γ(b)) Σₙ (a + m)ₙ(b + m)ₙ/(n!(n + m)!) tⁿ [log t − ψ(n + 1) − ψ(n + m + 1) + ψ(a + n + m) + ψ(b + n + m)].
 */
function degenerate(a: number, b: number, m: number, t: number): number {
  const c = a + b + m;
  let first = 0, firstAbs = 0;
  if (m > 0) {
    // Γ(m)Γ(c)/(Γ(a + m)Γ(b + m)) = (m − 1)! Γ(c)/(Γ(a + m)Γ(b + m)).
    let fact = 1;
    for (let k = 2; k < m; k++) fact *= k;
    const pre = fact * gammaRatio(c, a + m) / gammaFnOrRatio(b + m);
    let term = 1, sum = 1, abs = 1;
    for (let n = 0; n < m - 1; n++) {
      term *= ((a + n) * (b + n)) / ((n + 1) * (1 - m + n)) * t;
      sum += term;
      abs += Math.abs(term);
    }
    first = pre * sum;
    firstAbs = Math.abs(pre) * abs;
  }
  // Γ(c)/(Γ(a)Γ(b)), 0 where a or b is a pole.
  const pre2 = gammaRatio(c, a) / gammaFnOrRatio(b);
  const sign = m % 2 === 0 ? 1 : -1;
  let tm = 1;
  for (let k = 0; k < m; k++) tm *= t;
  let fact = 1;
  for (let k = 2; k <= m; k++) fact *= k;
  const logT = Math.log(t);
  // ψ(n + 1), ψ(n + m + 1), ψ(a + n + m), ψ(b + n + m) at n = 0, stepped by ψ(z + 1) = ψ(z) + 1/z.
  let p1 = digamma(1), p2 = digamma(m + 1), pa = digamma(a + m), pb = digamma(b + m);
  let term = 1 / fact, sum = 0, abs = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const w = term * (logT - p1 - p2 + pa + pb);
    sum += w;
    abs += Math.abs(w);
    if (Math.abs(w) <= EPS * 0.25 * Math.abs(sum) && n > 2 && Math.abs(((a + m + n) * (b + m + n)) / ((n + 1) * (n + m + 1)) * t) < 1) break;
    term *= ((a + m + n) * (b + m + n)) / ((n + 1) * (n + m + 1)) * t;
    p1 += 1 / (n + 1); p2 += 1 / (n + m + 1); pa += 1 / (a + m + n); pb += 1 / (b + m + n);
    if (term === 0) break;
  }
  const second = sign * tm * pre2 * sum;
  lastAbs = firstAbs + Math.abs(sign * tm * pre2) * abs;
  return first - second;
}

/** 1/… helper: Γ(v) as gammaRatio(v, 1), ∞ at the poles (so dividing by it gives 0). */
function gammaFnOrRatio(v: number): number {
  return gammaRatio(v, 1);
}

/** A candidate evaluation: its value and the magnitude of what it summed (their ratio is its cancellation). */
interface Candidate { v: number; abs: number }

const cancellation = (k: Candidate) => (k.v === 0 ? (k.abs === 0 ? 1 : Infinity) : k.abs / Math.abs(k.v));

/**
 * The first candidate that hardly cancels (the series are listed before the connection formulas, whose Γ-ratio
 * coefficients at large parameters carry a few ulp more), else the one that cancels least (NaN ones last).
 */
function best(ks: readonly Candidate[]): Candidate {
  let out = ks[0]!, cond = cancellation(out);
  for (const k of ks) {
    const ck = cancellation(k);
    if (ck <= 4) return k;
    if (ck < cond || (!(cond === cond) && ck === ck)) { cond = ck; out = k; }
  }
  return out;
}

/** pre·series(p, q, r, y) as a candidate. */
function seriesCandidate(pre: number, p: number, q: number, r: number, y: number): Candidate {
  const v = pre * series(p, q, r, y);
  return { v, abs: Math.abs(pre) * lastAbs };
}

/** Cancellation above which the series is summed again in fixed point (kernels/hyp2f1Exact.ts): 6 bits. */
const EXACT_ABOVE = 64;
/** The largest |y| for which a series is summed in fixed point (~4,000 terms for 16 digits at 0.99). */
const EXACT_Y = 0.99;

/**
 * The series whose double sum cancelled, summed exactly: of the direct series and Euler's and Pfaff's
 * transformations (p, q exact as integers over 2^E), those with |y| ≤ EXACT_Y, the least cancelling first.
 */
function exactFallback(a: number, b: number, c: number, x: number, fallback: Candidate): Candidate {
  const E = Math.max(0, -Math.min(lowestExponent(a), lowestExponent(b), lowestExponent(c)));
  if (!(E < 2000)) return fallback;
  const A = scaled(a, E), B = scaled(b, E), C = scaled(c, E);
  const options: Array<{ pre: number; P: bigint; Q: bigint; y: number; k: Candidate; p: number; q: number }> = [];
  const add = (pre: number, P: bigint, Q: bigint, p: number, q: number, y: number) => {
    if (!(Math.abs(y) <= EXACT_Y) || !(Math.abs(pre) < Infinity)) return;
    options.push({ pre, P, Q, y, p, q, k: seriesCandidate(pre, p, q, c, y) });
  };
  add(1, A, B, a, b, x);
  add(Math.pow(1 - x, c - a - b), C - A, C - B, c - a, c - b, x);
  if (x < 0.5) {
    const w = x / (x - 1);
    add(Math.pow(1 - x, -a), A, C - B, a, c - b, w);
    add(Math.pow(1 - x, -b), B, C - A, b, c - a, w);
  }
  options.sort((u, v) => cancellation(u.k) - cancellation(v.k));
  for (const o of options) {
    const cond = cancellation(o.k);
    const bits = cond < Infinity ? Math.log2(cond) + 8 : Math.log2(Math.max(2, Math.abs(o.k.abs))) + 120;
    const v = hyp2f1Exact(o.P, o.Q, C, E, o.y, bits);
    if (v === v) return { v: o.pre * v, abs: Math.abs(o.pre * v) };
  }
  return fallback;
}

/** ₂F₁ for x < 1, no edge case applying. */
function general(a: number, b: number, c: number, x: number): number {
  const ks: Candidate[] = [];
  if (x < -1) {
    // Pfaff: (1 − x)^{−a} F(a, c − b; c; w), w = x/(x − 1) in (½, 1): the series in w where it converges fast enough,
    // and w's transformation to 1 − w = 1/(1 − x).
    const u = 1 - x, pa = Math.pow(u, -a), pb = Math.pow(u, -b);
    if (x >= -9) {
      const w = x / (x - 1);
      ks.push(seriesCandidate(pa, a, c - b, c, w), seriesCandidate(pb, b, c - a, c, w));
    }
    let f = nearOne(a, c - b, c, 1 / u);
    ks.push({ v: pa * f, abs: Math.abs(pa) * lastAbs });
    f = nearOne(b, c - a, c, 1 / u);
    ks.push({ v: pb * f, abs: Math.abs(pb) * lastAbs });
  } else if (x > 0.5) {
    if (x < 0.9) ks.push(seriesCandidate(1, a, b, c, x), seriesCandidate(Math.pow(1 - x, c - a - b), c - a, c - b, c, x));
    if (!(ks.length > 0 && cancellation(ks[0]!) <= 4)) ks.push({ v: nearOne(a, b, c, 1 - x), abs: lastAbs });
    if (x >= 0.9 && cancellation(ks[0]!) > EXACT_ABOVE) {
      ks.push(seriesCandidate(1, a, b, c, x), seriesCandidate(Math.pow(1 - x, c - a - b), c - a, c - b, c, x));
    }
  } else {
    if (x >= -0.5) {
      ks.push(seriesCandidate(1, a, b, c, x));
      if (cancellation(ks[0]!) <= 4) return ks[0]!.v;
      ks.push(seriesCandidate(Math.pow(1 - x, c - a - b), c - a, c - b, c, x));
    }
    if (x < 0) {
      const w = x / (x - 1), u = 1 - x;
      ks.push(seriesCandidate(Math.pow(u, -a), a, c - b, c, w), seriesCandidate(Math.pow(u, -b), b, c - a, c, w));
    }
  }
  const k = best(ks);
  if (cancellation(k) <= EXACT_ABOVE) return k.v;
  return exactFallback(a, b, c, x, k).v;
}

/**
 * ₂F₁(a, b; c; 1 − t) for 0 < t < ½ by the transformation to t (DLMF 15.8.4), or A&S 15.3.10–11 where
 * d = c − a − b is an integer (after Euler's transformation to d ≥ 0 where it is negative). t is passed rather than
 * x so that x < −1 can give 1/(1 − x) exactly. Sets lastAbs to the magnitude of the terms.
 */
function nearOne(a: number, b: number, c: number, t: number): number {
  const d = c - a - b;
  const m = Math.round(d);
  // An integer to within the rounding of c − a − b (the parameters' own last bits): the limiting form, whose error
  // there (~|d − m| log t) is far below the other form's cancellation (~ε/|d − m|).
  if (Math.abs(d - m) <= 8 * EPS * (Math.abs(a) + Math.abs(b) + Math.abs(c))) {
    if (m < 0) { // Euler: (1 − x)^d F(c − a, c − b; c; x)
      const e = Math.pow(t, d), v = degenerate(c - a, c - b, -m, t);
      lastAbs *= Math.abs(e);
      return e * v;
    }
    return degenerate(a, b, m, t);
  }
  const A = gammaRatio(c, c - a) * gammaRatio(d, c - b);
  const B = gammaRatio(c, a) * gammaRatio(-d, b);
  const s1 = A === 0 ? 0 : series(a, b, 1 - d, t);
  const abs1 = A === 0 ? 0 : lastAbs;
  const p = Math.pow(t, d);
  const s2 = B === 0 ? 0 : series(c - a, c - b, 1 + d, t);
  const abs2 = B === 0 ? 0 : lastAbs;
  lastAbs = Math.abs(A) * abs1 + Math.abs(B * p) * abs2;
  return A * s1 + B * p * s2;
}

/** pre·F(−n, q; r; x), summed in fixed point where the double sum cancels. */
function terminating(n: number, q: number, r: number, x: number, pre: number): number {
  const v = polynomial(n, q, r, x);
  const k = { v, abs: lastAbs };
  if (cancellation(k) <= EXACT_ABOVE || !(Math.abs(x) < Infinity)) return pre * v;
  // q and r may be c − a and c − b, rounded: the exact ones are not needed, the polynomial's conditioning in them is
  // the function's own.
  const E = Math.max(0, -Math.min(lowestExponent(q), lowestExponent(r)));
  if (!(E < 2000)) return pre * v;
  const cond = cancellation(k);
  const bits = cond < Infinity ? Math.log2(cond) + 8 : Math.log2(Math.max(2, lastAbs)) + 120;
  const e = hyp2f1Exact(scaled(-n, E), scaled(q, E), scaled(r, E), E, x, bits, n + 2);
  return pre * (e === e ? e : v);
}

/**
 * ₂F₁(a, b; c; x) for real a, b, c, x, with JAX's edges: 1 at x = 0 or where a or b is 0 (c ≠ 0), +∞ where c is
 * 0, −1, −2, …; the polynomial where a or b is a non-positive integer, and (1 − x)^{c−a−b} times one where c − a or
 * c − b is (x > 1 too, where that power is real); +∞ for x > 1 otherwise (₂F₁ is not real there), Gauss's
 * Γ(c)Γ(c − a − b)/(Γ(c − a)Γ(c − b)) at x = 1 for c − a − b > 0 and +∞ for c − a − b ≤ 0; (1 − x)^{−a} where b = c
 * and (1 − x)^{−b} where a = c.
 */
export function hyp2f1(a: number, b: number, c: number, x: number): number {
  if (a !== a || b !== b || c !== c || x !== x) return NaN;
  if (x === 0 || ((a === 0 || b === 0) && c !== 0)) return 1;
  if (isNonPositiveInteger(c)) return Infinity;
  const aPoly = isNonPositiveInteger(a), bPoly = isNonPositiveInteger(b);
  if (aPoly || bPoly) {
    const n = aPoly && bPoly ? Math.min(-a, -b) : aPoly ? -a : -b;
    const other = aPoly && (!bPoly || -a <= -b) ? b : a;
    if (x === 1) return poch(c - other, n) / poch(c, n); // Chu–Vandermonde
    return terminating(n, other, c, x, 1);
  }
  const d = c - a - b;
  const caPoly = isNonPositiveInteger(c - a), cbPoly = isNonPositiveInteger(c - b);
  if ((caPoly || cbPoly) && x !== 1 && (x < 1 || d === Math.floor(d))) {
    // Euler: (1 − x)^d F(c − a, c − b; c; x), a polynomial.
    const n = caPoly && cbPoly ? Math.min(a - c, b - c) : caPoly ? a - c : b - c;
    const other = caPoly && (!cbPoly || a - c <= b - c) ? c - b : c - a;
    return terminating(n, other, c, x, Math.pow(1 - x, d));
  }
  if (x > 1) return Infinity;
  if (x === 1) {
    if (d <= 0) return Infinity;
    return gammaRatio(c, c - a) * gammaRatio(d, c - b);
  }
  if (b === c) return Math.pow(1 - x, -a);
  if (a === c) return Math.pow(1 - x, -b);
  if (x === -Infinity) return NaN;
  return general(a, b, c, x);
}
