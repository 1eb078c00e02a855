/**
 * @file The strong quotient of derivative rules: g/x with a strong zero in g, for the derivatives
 * 1/x of log (and log2, log10) and of a/b in a.
 *
 * The rules computed g · (1/x) with a strong zero (0 where g = 0, even at x = 0, where 1/x = ∞).
 * For 0 < |x| < 2⁻¹⁰²⁴ — deep subnormals, such as a softmax probability that underflowed — 1/x
 * overflows to ±∞ while g/x is finite: d/dz of z·log z at 1e−310 was +∞ (PyTorch: −712.8, log z + 1),
 * and a Kullback–Leibler gradient through such a target NaN. There the quotient is divided, g/x;
 * everywhere else it is g·(1/x) as before (the same bits: 1/x rounded, then the product).
 */

/** g/x with a strong zero: 0 where g = 0 or x = ±∞ (1/x = 0), g/x where 1/x overflows, else g·(1/x). */
export function quotientStrong(g: number, x: number): number {
  if (g === 0) return 0;
  const r = 1 / x;
  if (r === 0) return 0;
  if ((r === Infinity || r === -Infinity) && x !== 0) return g / x;
  return g * r;
}
