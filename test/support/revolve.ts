/** @file The optimum of binomial checkpointing, for tests that count a loop's step calls. */

/** C(n, k), exact in float64 for the sizes the tests use. */
export const choose = (n: number, k: number): number => {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
};

/**
 * Griewank (1992) / Griewank & Walther (2000): with s snapshots and l steps the fewest forward steps
 * are t·l − β(s + 1, t − 1), t the integer with β(s, t − 1) < l ≤ β(s, t), β(s, t) = C(s + t, s).
 */
export function griewank(l: number, s: number): number {
  if (l <= 1) return 0;
  let t = 0;
  while (choose(s + t, s) < l) t++;
  return t * l - choose(s + t, s + 1);
}
