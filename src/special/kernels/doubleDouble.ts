/**
 * @file Error-free transformations for the kernels of ad.special's exponential integrals, Fresnel integrals and
 * ₁F₁ (Knuth's TwoSum, Dekker's product with Veltkamp's split; Dekker 1971): exact sums and products of doubles
 * as hi + lo pairs, without FMA.
 */

/** The rounding error of fl(a + b) = s: a + b = s + twoSumError(a, b, s) exactly. */
export function twoSumError(a: number, b: number, s: number): number {
  const bv = s - a, av = s - bv;
  return (a - av) + (b - bv);
}

/** The rounding error of fl(a·b) = p: a·b = p + productError(a, b, p) exactly (no overflow, no underflow). */
export function productError(a: number, b: number, p: number): number {
  const ca = 134217729 * a, cb = 134217729 * b; // 2²⁷ + 1
  const ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** A double-double hi + lo, |lo| ≤ ulp(hi)/2, written by the operations below into a caller's pair. */
export type DD = [number, number];

/** out = (hi, lo) + (bh, bl), to within a few units of 2⁻¹⁰⁶ relative. */
export function ddAdd(out: DD, hi: number, lo: number, bh: number, bl: number): void {
  const s = hi + bh, e = twoSumError(hi, bh, s) + lo + bl;
  const h = s + e;
  out[0] = h; out[1] = e - (h - s);
}

/** out = (hi, lo) · b for a double b. */
export function ddMul(out: DD, hi: number, lo: number, b: number): void {
  const p = hi * b, e = productError(hi, b, p) + lo * b;
  const h = p + e;
  out[0] = h; out[1] = e - (h - p);
}

/** out = (hi, lo) / b for a double b. */
export function ddDiv(out: DD, hi: number, lo: number, b: number): void {
  const q = hi / b, p = q * b, r = ((hi - p) - productError(q, b, p) + lo) / b;
  const h = q + r;
  out[0] = h; out[1] = r - (h - q);
}

/** out = (ah, al) · (bh, bl). */
export function ddMulDD(out: DD, ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh, e = productError(ah, bh, p) + (ah * bl + al * bh);
  const h = p + e;
  out[0] = h; out[1] = e - (h - p);
}

/** out = (ah, al) / (bh, bl). */
export function ddDivDD(out: DD, ah: number, al: number, bh: number, bl: number): void {
  const q = ah / bh;
  // (a − q·b)/b with q·b exact as p + pe
  const p = q * bh, pe = productError(q, bh, p);
  const r = ((((ah - p) - pe) + al) - q * bl) / bh;
  const h = q + r;
  out[0] = h; out[1] = r - (h - q);
}
