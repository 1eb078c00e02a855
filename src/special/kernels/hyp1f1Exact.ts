/**
 * @file Kummer's M(a, b, x) = Σₖ (a)ₖ/(b)ₖ xᵏ/k! (and its a- and b-derivatives) summed in fixed-point BigInt
 * arithmetic, for the arguments where kernels/hyp1f1.ts's double-double sums lose more than 1e−14 to cancellation:
 * a ≫ b with x ≪ 0 of similar size, a ≪ 0 < x, b < 0 between the poles. The series is entire and a, b, x are dyadic
 * rationals, so each term's ratio to the last, (a + k)x/((b + k)(k + 1)), is applied exactly and divided once
 * (truncation ≤ 1 unit of 2^−F); a unit lost at term j grows by at most the terms' largest rise after j, so with F =
 * 80 + (that rise) + (the bits by which the sum falls below its first term) bits the sum is good to ~2⁻⁶⁴ whatever it
 * cancels. The rise comes from the terms' sizes in doubles, the sum's size from a first run, and a second run 40
 * bits finer must agree to 2⁻⁵⁶ (2⁻⁵⁰ for the derivatives). "The series with extra precision" is the last resort
 * of Pearson, Olver & Porter (2017, Numer. Algorithms 74, §3), its cost set by the cancellation. Of the series and
 * Kummer's transformation M(a, b, x) = eˣ M(b − a, b, −x) (DLMF 13.2.39) it sums the one whose largest term is
 * smaller against M. Cost: 0.3–5 ms an element (up to ~2,000 bits and ~1,500 terms at a = 200, |x| = 500).
 */
/** A double as m·2^e with m an odd BigInt (or 0). */
const VIEW = new DataView(new ArrayBuffer(8));
function decompose(v: number): [bigint, number] {
  if (v === 0) return [0n, 0];
  VIEW.setFloat64(0, v);
  const hi = VIEW.getUint32(0), lo = VIEW.getUint32(4);
  const field = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo), e: number;
  if (field === 0) e = -1074; else { m |= 1n << 52n; e = field - 1075; }
  while ((m & 1n) === 0n) { m >>= 1n; e++; }
  return [v < 0 ? -m : m, e];
}

/** v·2^E as a BigInt (exact: E ≥ −(v's lowest exponent)). */
function scaled(v: number, E: number): bigint {
  const [m, e] = decompose(v);
  return m << BigInt(e + E);
}

function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  const h = (v < 0n ? -v : v).toString(16);
  return (h.length - 1) * 4 + 32 - Math.clz32(parseInt(h[0]!, 16));
}

/** v·2^−F·f·2ⁿ as a double, v rounded to 62 bits first (< 2⁻⁶¹ relative), scaled by mantissa and exponent. */
function toDouble(v: bigint, F: number, f: number, n: number): number {
  if (v === 0n) return 0;
  const shift = Math.max(0, bitLength(v) - 62);
  return ldexp(Number(v >> BigInt(shift)) * f, shift - F + n);
}

/** v·2^e in two steps (neither overflows while the result is in range). */
function ldexp(v: number, e: number): number {
  const e1 = Math.trunc(e / 2);
  return v * 2 ** e1 * 2 ** (e - e1);
}

/** Results of one fixed-point run: the sums (value, ∂M/∂a, ∂M/∂b), each times 2^F; ok false past a pole of (q)ₖ. */
interface Run { s: bigint; sa: bigint; sb: bigint; ok: boolean }

/**
 * Σ tₖ with t₀ = 2^F and tₖ₊₁ = tₖ(p + k)z/((q + k)(k + 1)), p = P/2^E, q = Q/2^E, z = Z/2^E; with `derivs` also the
 * dual sums in (a, b) for ∂p = (pa, pb), ∂q = (qa, qb): ∂tₖ₊₁ = ∂tₖ·r + tₖ·z/((q + k)(k + 1))·∂p − tₖ₊₁/(q + k)·∂q.
 */
function run(P: bigint, Q: bigint, Z: bigint, E: number, [p, q, z]: readonly number[], F: number,
  pa: number, pb: number, qa: number, qb: number, derivs: boolean): Run {
  const past = Math.max(-p!, -q!, Math.abs(z!)); // p, q, z as doubles: to tell when the terms fall for good
  const one = 1n << BigInt(E), bigE = BigInt(E);
  let t = 1n << BigInt(F), ta = 0n, tb = 0n, s = t, sa = 0n, sb = 0n;
  let pk = P, qk = Q;
  const bigPa = BigInt(pa), bigPb = BigInt(pb), bigQa = BigInt(qa), bigQb = BigInt(qb);
  for (let k = 0; k < 100000; k++) {
    if (qk === 0n) {
      // A pole of (q)ₖ: reached only past the polynomial's end (p a non-positive integer above q); the derivatives
      // of the terms beyond are infinite.
      if (t === 0n && !derivs) break;
      return { s, sa, sb, ok: false };
    }
    const den = qk * BigInt(k + 1), denE = den << bigE, tz = t * Z;
    const tn = (tz * pk) / denE;
    if (derivs) {
      const f = tz / den, tq = (tn << bigE) / qk, pz = pk * Z;
      ta = (ta * pz) / denE + bigPa * f - bigQa * tq;
      tb = (tb * pz) / denE + bigPb * f - bigQb * tq;
      sa += ta; sb += tb;
    }
    t = tn;
    s += t;
    // Past the sign changes and |z|, |rₖ| only falls once below 1: a zero term then means the rest are below 2^−F.
    const falling = k > past && Math.abs((p! + k) * z! / ((q! + k) * (k + 1))) < 1;
    if (t === 0n && (!derivs || (ta === 0n && tb === 0n)) && (falling || pk === 0n)) break;
    pk += one; qk += one;
    if (k === 99999) return { s, sa, sb, ok: false }; // not converged
  }
  return { s, sa, sb, ok: true };
}

/**
 * The profile of the terms of Σ (p)ₖ/(q)ₖ zᵏ/k!, in doubles: log₂ of the largest term, the largest rise
 * log₂|tₖ/tⱼ| (j < k; a unit lost at the trough j is multiplied by it) and the number of terms. |p + k| is floored at
 * 1: the derivative terms, tₖ·Σ 1/(p + j), do not carry the small factor of a p + j near 0.
 */
function profile(p: number, q: number, z: number): { max: number; rise: number; terms: number } {
  let l = 0, max = 0, min = 0, rise = 0, k = 0;
  const past = Math.max(-p, -q, Math.abs(z)) + 2;
  for (; k < 100000; k++) {
    const r = Math.max(1, Math.abs(p + k)) * Math.abs(z) / (Math.abs(q + k) * (k + 1));
    if (!(r < Infinity)) break;
    l += Math.log2(r);
    max = Math.max(max, l); min = Math.min(min, l); rise = Math.max(rise, l - min);
    if (k > past && l < max - 80) break;
  }
  return { max, rise, terms: k };
}

/** log₂ of the largest term of the series of M(a, b, x) (|a + k| floored at 1). */
export const largestTermLog2 = (a: number, b: number, x: number): number => profile(a, b, x).max;

const LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10; // Cody–Waite: n·LN2_HI exact for |n| < 2²⁰

/**
 * M(a, b, x) (and ∂M/∂a, ∂M/∂b with `derivs`) into out[0..2], for finite a, b, x with b not a non-positive integer
 * (unless the series ends first). Returns false (out untouched) if it cannot reach 2⁻⁵⁶ within its precision cap.
 */
export function hyp1f1Exact(a: number, b: number, x: number, derivs: boolean, out: Float64Array): boolean {
  // Kummer's if its largest term against its sum is smaller: the sums are M and M·e^{−x}.
  // (Not for b a non-positive integer: SciPy's polynomial there, the series ended before the pole, is no solution
  // of Kummer's transformation.)
  const direct = profile(a, b, x), transformed = profile(b - a, b, -x);
  const kummer = !(b <= 0 && b === Math.floor(b)) && transformed.max + x * Math.LOG2E < direct.max;
  const shape = kummer ? transformed : direct;
  // Cost ∝ terms × bits: past ~1 s an element (a = 1e5, x = −1e5 would take 40 s) it declines (the caller's NaN).
  if (shape.terms * (2 * shape.rise + shape.max + 200) > 3e9) return false;
  const E = Math.max(0, ...[a, b, x].map((v) => -decompose(v)[1]));
  const A = scaled(a, E), B = scaled(b, E), X = scaled(x, E);
  const P = kummer ? B - A : A, Z = kummer ? -X : X;
  const [pa, pb] = kummer ? [-1, 1] : [1, 0];
  const pqz = kummer ? [b - a, b, -x] : [a, b, x];
  // Units of 2^−F lost to truncation: ≤ 1 a term, multiplied by the largest rise after it; then as many bits again
  // as the sum is below its first term (read from a first run).
  let F = 64 + 16 + Math.ceil(shape.rise + Math.log2(shape.terms + 2));
  // eˣ = 2ⁿ e^{x − n ln 2} with the reduced argument exact to 2⁻⁷⁰ (Cody–Waite).
  let n = 0, e = 1;
  if (kummer) { n = Math.round(x * Math.LOG2E); e = Math.exp((x - n * LN2_HI) - n * LN2_LO); }
  // A sum within its truncation noise (at most 2^noise units: a unit a term, times the largest rise) is known only to
  // be small: a terminating series at its root (M(−1, 1, 1) = 1 − 1 = 0, M(−2, 3, 2) = 1 − 4/3 + 1/3) is 0 at
  // every precision. Past ZERO_F bits such a sum is below half the smallest double, so 0 is its rounding.
  const noise = Math.ceil(shape.rise + Math.log2(shape.terms + 2)) + 2;
  const ZERO_F = noise + 2 + n + 1075;
  const tiny = (v: bigint) => bitLength(v) <= noise;
  // The bits a sum still needs: as many as it falls below its first term (2^F), or, within the noise, up to ZERO_F.
  const need = (v: bigint, F: number) => (tiny(v) ? ZERO_F - F : F + 1 - bitLength(v));
  const big = (u: bigint, v: bigint) => ((u < 0n ? -u : u) > (v < 0n ? -v : v) ? u : v);
  let r = run(P, B, Z, E, pqz, F, pa, pb, 0, 1, derivs);
  let rerun = true;
  for (let attempt = 0; attempt < 6; attempt++) {
    if (!r.ok) return false;
    const below = Math.max(need(r.s, F), derivs ? need(big(r.sa, r.sb), F) : 0);
    if (rerun && below > 0) {
      F += below + 8;
      r = run(P, B, Z, E, pqz, F, pa, pb, 0, 1, derivs);
      rerun = false;
      continue;
    }
    // A posteriori: the same sums at 40 more bits must agree to 2⁻⁵⁶ (the derivatives to 2⁻⁵⁰ of the larger), or
    // both lie within the noise past ZERO_F bits (the value 0).
    const check = run(P, B, Z, E, pqz, F + 40, pa, pb, 0, 1, derivs);
    const zero = (u: bigint, v: bigint) => F >= ZERO_F && tiny(u) && tiny(v);
    const agree = (u: bigint, v: bigint, tol: number, size: bigint) => {
      const d = (u << 40n) - v;
      return d === 0n || bitLength(d) <= bitLength(size) - tol || zero(u, v);
    };
    if (check.ok && agree(r.s, check.s, 56, check.s)
      && (!derivs || (agree(r.sa, check.sa, 50, big(check.sa, check.sb)) && agree(r.sb, check.sb, 50, big(check.sa, check.sb))))) {
      const G = F + 40;
      const value = (u: bigint, v: bigint) => (zero(u, v) ? 0 : toDouble(v, G, e, n));
      out[0] = value(r.s, check.s);
      if (derivs) { out[1] = value(r.sa, check.sa); out[2] = value(r.sb, check.sb); }
      return true;
    }
    F += 64; rerun = true;
    r = run(P, B, Z, E, pqz, F, pa, pb, 0, 1, derivs);
  }
  return false;
}
