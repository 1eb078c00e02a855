/**
 * @file Products kept as a mantissa and a separate binary exponent (powers of two, so exactly), for
 * rows whose partial products leave the float64 range although the results need not: the row
 * product, the leave-one-out products and the rest of a cumulative product, each rounded once into
 * range (./products.ts calls these where a plain product is not a normal number).
 */

/** Powers of two for exact rescaling (also logAbsProdKernel's). */
export const TWO_600 = 2 ** 600, TWO_M600 = 2 ** -600, TWO_400 = 2 ** 400, TWO_M400 = 2 ** -400;
export const TWO_500 = 2 ** 500, TWO_M500 = 2 ** -500, TWO_200 = 2 ** 200, TWO_M200 = 2 ** -200;

/** Into [2⁻²⁰⁰, 2²⁰⁰] by powers of two (exact); the exponent taken out is added to `scaledExponent`. */
let scaledExponent = 0;
function rescaled(m: number): number {
  while (Math.abs(m) > TWO_200 && Math.abs(m) < Infinity) { m *= TWO_M400; scaledExponent += 400; }
  while (Math.abs(m) < TWO_M200 && m !== 0) { m *= TWO_400; scaledExponent -= 400; }
  return m;
}

/** m · 2^k with a single rounding wherever the result is representable (m within [2⁻⁴⁰⁰, 2⁴⁰⁰]). */
function ldexp(m: number, k: number): number {
  if (m === 0 || !Number.isFinite(m)) return m; // not 0 · 2^k = 0 · ∞ = NaN beyond 2^1023
  if (k < -600) { m *= TWO_M600; k += 600; }
  else if (k > 600) { m *= TWO_600; k -= 600; }
  return m * 2 ** k; // 2^k exact (or 0, ∞ where the result is out of range anyway)
}

/** s · Π_{j≠z} x_j of a row of finite factors, with a separate binary exponent (see scaledLeaveOneOut). */
export function scaledProductExcept(x: Float64Array, s: number, start: number, end: number, inner: number, z: number): number {
  scaledExponent = 0;
  let m = rescaled(s);
  for (let p = start; p < end; p += inner) if (p !== z) m = rescaled(m * rescaled(x[p]!));
  return ldexp(m, scaledExponent);
}

/**
 * out_i = s · Π_{j≠i} x_j for a row whose product (or whose prefix or suffix products) leave the
 * float64 range although the leave-one-out products need not (10⁻¹⁰
 * forty times, then 10³⁰⁰ and 10¹⁰⁰: every L_i below 10⁴⁰ is 10¹⁰, while the plain prefix products
 * underflow to 0 and the suffix products overflow, giving ∞ and NaN). The prefix and suffix
 * products are kept as a mantissa in [2⁻²⁰⁰, 2²⁰⁰] and a binary exponent (powers of two, so
 * exactly), as logAbsProdKernel does; each L_i is then rounded once into range. Zero, ±∞ and NaN
 * factors pass through rescaled and ldexp unchanged, so they give the IEEE products (0, ±∞, and
 * NaN for ∞ · 0) of the exact finite part.
 */
export function scaledLeaveOneOut(out: Float64Array, x: Float64Array, s: number, start: number, end: number, inner: number): void {
  const count = (end - start) / inner;
  const prefixExponent = new Int32Array(count);
  scaledExponent = 0;
  const sm = rescaled(s), se = scaledExponent;
  let m = 1, e = 0;
  for (let p = start, i = 0; p < end; p += inner, i++) {
    out[p] = m; prefixExponent[i] = e;
    scaledExponent = e; m = rescaled(m * rescaled(x[p]!)); e = scaledExponent;
  }
  m = 1; e = 0;
  for (let p = end - inner, i = count - 1; p >= start; p -= inner, i--) {
    scaledExponent = prefixExponent[i]! + e + se;
    const both = rescaled(out[p]! * m) * sm; // within [2⁻⁴⁰⁰, 2⁴⁰⁰]
    out[p] = ldexp(both, scaledExponent);
    scaledExponent = e; m = rescaled(m * rescaled(x[p]!)); e = scaledExponent;
  }
}

/**
 * The rest of a cumulative product, from position p on (`count` steps of `step`), after the running
 * product `acc` (normal; the product before factor p) would leave the normal range at p: kept as a mantissa and a binary
 * exponent (rescaled), each output rounded once into range. A product that passes through the
 * subnormals or overflows and comes back (10⁻¹⁶⁰, 10⁻¹⁶⁰, 10²⁰⁰) is then 10⁻¹²⁰ to the last bit, where
 * the plain loop gives 1.1·10⁻⁵ relative error or 0; an exact zero factor gives exact zeros after it,
 * and ±∞ or NaN factors the IEEE products.
 */
export function scaledCumprod(x: Float64Array, out: Float64Array, p: number, step: number, count: number, acc: number, exclusive: boolean): void {
  scaledExponent = 0;
  let m = rescaled(acc), e = scaledExponent;
  for (let i = 0; i < count; i++, p += step) {
    if (exclusive) out[p] = ldexp(m, e);
    scaledExponent = e; m = rescaled(m * rescaled(x[p]!)); e = scaledExponent;
    if (!exclusive) out[p] = ldexp(m, e);
  }
}

/**
 * a + b for a = m · 2^E (m a mantissa from rescaled, or 0, ±∞, NaN) and a plain number b, as a
 * mantissa whose exponent is left in `scaledExponent`. The operand with the smaller exponent is
 * scaled down to the other's (what falls below the subnormals is below 2⁻⁸⁰⁰ of the larger).
 */
function addScaled(m: number, E: number, b: number): number {
  scaledExponent = E;
  if (b === 0) return m;
  if (!Number.isFinite(b) || !Number.isFinite(m)) return m + b; // ±∞ and NaN as IEEE adds them
  scaledExponent = 0;
  const bm = rescaled(b), be = scaledExponent;
  if (m === 0) return bm;
  if (E >= be) { scaledExponent = E; return rescaled(m + ldexp(bm, be - E)); }
  scaledExponent = be;
  return rescaled(ldexp(m, E - be) + bm);
}

/**
 * One lane of cumprod's first-order cotangent (cumprodCotangentKernel's rule: x̄_k = s_k · e_k,
 * s_k = x_{k+1} s_{k+1} + b_k with b_k = ḡ_k, or ḡ_{k+1} when exclusive and s_{n−1} = 0) for a lane
 * where e or s left the normal range: the exclusive products e and the sums s are kept as a
 * mantissa and a binary exponent, so each x̄_k is rounded once into range. (∂c_m/∂x_k =
 * e_k Π_{k<j≤m} x_j: e_k may underflow and s_k overflow while their product is 10³⁰⁰.) Positions go
 * from `start` by `step` in scan order; zero, ±∞ and NaN give the IEEE values of the exact rest,
 * and x̄_k = 0 where s_k or e_k is 0 (a strong zero, as the fast loop).
 */
export function scaledCumprodCotangent(
  x: Float64Array, g: Float64Array, res: Float64Array, start: number, step: number, n: number, exclusive: boolean,
): void {
  const em = new Float64Array(n), ee = new Int32Array(n);
  let m = 1, e = 0;
  for (let k = 0, p = start; k < n; k++, p += step) {
    em[k] = m; ee[k] = e;
    scaledExponent = e; m = rescaled(m * rescaled(x[p]!)); e = scaledExponent;
  }
  let sm = 0, se = 0; // s_k = sm · 2^se
  for (let k = n - 1, p = start + (n - 1) * step; k >= 0; k--, p -= step) {
    if (k < n - 1) { scaledExponent = se; sm = rescaled(sm * rescaled(x[p + step]!)); se = scaledExponent; }
    sm = addScaled(sm, se, exclusive ? (k < n - 1 ? g[p + step]! : 0) : g[p]!); se = scaledExponent;
    if (sm === 0 || em[k] === 0) { res[p] = 0; continue; }
    scaledExponent = se + ee[k]!;
    const both = rescaled(sm * em[k]!);
    res[p] = ldexp(both, scaledExponent);
  }
}
