/**
 * @file log₂x and log₁₀x correctly rounded (but for a true value within about 2⁻⁷⁵ relative of a
 * midpoint between two doubles): numpy.log2 (glibc, correctly rounded but for a few in 10⁴) and
 * numpy.log10 (glibc, wrong in the last bit on ~9 % of inputs) agree with it wherever they are right.
 * `ln(x)·log₂e` rounded twice was an ulp off NumPy on ~30 % of inputs for log₂ and ~16 % for log₁₀;
 * V8's Math.log2 and Math.log10 (fdlibm) still miss about 1 in 200 of the inputs glibc rounds right.
 *
 * x = 2ᵉ·m with m in [√½, √2), and ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716:
 * 2(s + s³/3 + s⁵/5 + …), s and s² in double-double, the series' first three coefficients in
 * double-double and the rest (s⁹ on, ≤ 2⁻²⁵ of the sum) in double. Then log₂x = e + ln m·log₂e and
 * log₁₀x = (e + ln m·log₂e)·log₁₀2 in double-double, rounded once. Exact where the value is: k at 2ᵏ,
 * and k at the double nearest 10ᵏ (within 2⁻⁷⁰ of k, far inside half an ulp).
 */

/** Little-endian hosts keep the high word of a float64 in the second 32-bit word. */
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

// Double-double constants (hi + lo), from mpmath at 300 bits.
const LOG2E_HI = 1.4426950408889634, LOG2E_LO = 2.0355273740931033e-17;
const LOG10_2_HI = 0.3010299956639812, LOG10_2_LO = -2.8037281277851704e-18;
const THIRD_HI = 0.3333333333333333, THIRD_LO = 1.850371707708594e-17;
const FIFTH_HI = 0.2, FIFTH_LO = -1.1102230246251566e-17;
const SEVENTH_HI = 0.14285714285714285, SEVENTH_LO = 7.93016446160826e-18;
const SPLIT = 134217729; // 2²⁷ + 1, Veltkamp's splitter
// log₂e's high part split in halves of 26 bits for Dekker's product.
const LOG2E_H = SPLIT * LOG2E_HI - (SPLIT * LOG2E_HI - LOG2E_HI), LOG2E_L = LOG2E_HI - LOG2E_H;
const L10_H = SPLIT * LOG10_2_HI - (SPLIT * LOG10_2_HI - LOG10_2_HI), L10_L = LOG10_2_HI - L10_H;

// The result of log2DD, R[0] + R[1]. Every double-double step is written out inline: helper
// functions V8 did not inline passed their doubles boxed, an allocation each (20 times slower).
const R = new Float64Array(2);

/** (R[0], R[1]) = log₂x for finite x > 0, in double-double. */
function log2DD(x: number): void {
  let e = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; e = -54; } // subnormal: ×2⁵⁴, exact
  f64[0] = x;
  const word = u32[HI]!;
  e += (word >>> 20) - 1023;
  u32[HI] = (word & 0x000fffff) | 0x3ff00000; // m in [1, 2)
  let m = f64[0]!;
  if (m > Math.SQRT2) { m *= 0.5; e += 1; }
  // s = (m − 1)/(m + 1): m − 1 exact (Sterbenz), m + 1 = dh + dl (Knuth's two-sum), and s's low part
  // from the quotient's remainder num − sh·(dh + dl), sh·dh exact by Dekker's product (p + q).
  const num = m - 1;
  const dh = m + 1, back = dh - m, dl = (m - (dh - back)) + (1 - back);
  const sh = num / dh;
  let c = SPLIT * sh;
  const sH = c - (c - sh), sL = sh - sH;
  c = SPLIT * dh;
  const dH = c - (c - dh), dL = dh - dH;
  let p = sh * dh, q = ((sH * dH - p) + sH * dL + sL * dH) + sL * dL;
  const sl = (((num - p) - q) - sh * dl) / dh;
  // z = s² = zh + zl.
  p = sh * sh;
  q = ((sH * sH - p) + 2 * sH * sL) + sL * sL + 2 * sh * sl;
  const zh = p + q, zl = q - (zh - p);
  c = SPLIT * zh;
  const zH = c - (c - zh), zL = zh - zH;
  // atanh(s)/s − 1 = z·P, P = 1/3 + z(1/5 + z(1/7 + z·r)), r = Σ z^j/(9 + 2j) in double (z ≤ 0.0295).
  const r = 1 / 9 + zh * (1 / 11 + zh * (1 / 13 + zh * (1 / 15 + zh * (1 / 17 + zh * (1 / 19 + zh * (1 / 21 + zh * (1 / 23 + zh * (1 / 25 + zh * (1 / 27 + zh * (1 / 29 + zh / 31))))))))));
  // Each step: (h, l) ← (ch, cl) + (zh + zl)·(h, l), in double-double, the sum of terms of one sign.
  let h = SEVENTH_HI + zh * r, l = (SEVENTH_HI - h) + zh * r + SEVENTH_LO;
  for (let k = 0; k < 3; k++) {
    // (h, l) ← z·(h, l)
    c = SPLIT * h;
    const hH = c - (c - h), hL = h - hH;
    p = zh * h;
    q = ((zH * hH - p) + zH * hL + zL * hH) + zL * hL + (zh * l + zl * h);
    h = p + q; l = q - (h - p);
    if (k === 2) break;
    // (h, l) ← constant + (h, l): 1/5, then 1/3
    const ch = k === 0 ? FIFTH_HI : THIRD_HI, cl = k === 0 ? FIFTH_LO : THIRD_LO;
    const sum = ch + h, err = (ch - sum) + h + cl + l;
    h = sum + err; l = err - (h - sum);
  }
  // atanh(s) = s + s·(h, l), and ln m = 2·atanh(s).
  c = SPLIT * h;
  let hH = c - (c - h), hL = h - hH;
  p = sh * h;
  q = ((sH * hH - p) + sH * hL + sL * hH) + sL * hL + (sh * l + sl * h);
  let th = p + q, tl = q - (th - p);
  let sum = sh + th, err = (sh - sum) + th + sl + tl;
  h = 2 * (sum + err); l = 2 * (err - (sum + err - sum));
  // log₂m = ln m · log₂e
  c = SPLIT * h;
  hH = c - (c - h); hL = h - hH;
  p = h * LOG2E_HI;
  q = ((hH * LOG2E_H - p) + hH * LOG2E_L + hL * LOG2E_H) + hL * LOG2E_L + (h * LOG2E_LO + l * LOG2E_HI);
  th = p + q; tl = q - (th - p);
  if (e === 0) { R[0] = th; R[1] = tl; return; }
  // e + log₂m: |log₂m| ≤ ½ ≤ |e|/2, so no cancellation; e exact.
  sum = e + th;
  const bb = sum - e;
  err = (e - (sum - bb)) + (th - bb) + tl;
  R[0] = sum + err; R[1] = err - (R[0]! - sum);
}

/** log₂x correctly rounded (−∞ at ±0, NaN below 0 and at NaN, ∞ at ∞). @internal */
export function log2Rounded(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? x : NaN;
  log2DD(x);
  return R[0]! + R[1]!;
}

/** log₁₀x correctly rounded (as log2Rounded). @internal */
export function log10Rounded(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? x : NaN;
  if (x === 1) return 0;
  log2DD(x);
  // (R[0] + R[1])·log₁₀2 in double-double, rounded once.
  const h = R[0]!, l = R[1]!;
  const c = SPLIT * h, hH = c - (c - h), hL = h - hH;
  const p = h * LOG10_2_HI;
  const q = ((hH * L10_H - p) + hH * L10_L + hL * L10_H) + hL * L10_L + (h * LOG10_2_LO + l * LOG10_2_HI);
  return p + q;
}

/** out[i] = log₂x[i] or log₁₀x[i], correctly rounded. @internal */
export function logBaseKernel(base: 2 | 10, x: Float64Array, out: Float64Array): Float64Array {
  const n = x.length;
  if (base === 2) for (let i = 0; i < n; i++) out[i] = log2Rounded(x[i]!);
  else for (let i = 0; i < n; i++) out[i] = log10Rounded(x[i]!);
  return out;
}
