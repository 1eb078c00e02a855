/** @file Test-side helpers for the samplers' tests: KS and chi-square statistics with their limits, moments, and JAX's test seeds. */

/** The Kolmogorov–Smirnov statistic of a sample against a CDF. */
export function ks(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const xs = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < xs.length; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / xs.length - f, f - i / xs.length);
  }
  return d;
}

/** The KS statistic's critical value at α = 0.001 for n draws (asymptotic: 1.95/√n). */
export const ksCritical = (n: number): number => 1.95 / Math.sqrt(n);

/** Pearson's chi-square statistic of counts against expected counts. */
export function chiSquare(counts: readonly number[], expected: readonly number[]): number {
  return counts.reduce((s, c, i) => s + (c - expected[i]!) ** 2 / expected[i]!, 0);
}

/** A chi-square limit for df degrees of freedom: the mean plus 5 standard deviations (past the 0.1% point from df = 5 on). */
export const chiLimit = (df: number): number => df + 5 * Math.sqrt(2 * df);

/** The sample mean and the (n − 1) variance. */
export function moments(x: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2;
  return { mean, variance: v / (x.length - 1) };
}

/** zlib's adler32 of an ASCII string: JAX's RandomValuesCase seeds (tests/random_test.py) are adler32(name + impl). */
export function adler32(s: string): number {
  let a = 1, b = 0;
  for (const ch of s) {
    a = (a + ch.charCodeAt(0)) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}
