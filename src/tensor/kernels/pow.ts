/**
 * @file aᵇ with IEEE 754's (and C's, NumPy's, JAX's, PyTorch's) special cases. JavaScript's
 * Math.pow differs from IEEE 754 in exactly two places (ECMAScript, Number::exponentiate, note):
 * it gives NaN for 1 to the power NaN, and for ±1 to the power ±∞, where IEEE 754's pow gives 1
 * (every power of 1 is 1; |a| = 1 never grows or shrinks). Every other case is the same.
 */

/** aᵇ as IEEE 754's pow: Math.pow(a, b), except 1 for a = 1 (any b, NaN included) and for a = −1, b = ±∞. */
export function ieeePow(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b);
}
