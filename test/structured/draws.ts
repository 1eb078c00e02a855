/** @file Random scores for structured-model tests: small integers (exact ties) or reals, with −∞ (forbidden parts) mixed in. */

/** A source of scores, called once per score. */
export type Draw = () => number;

/** Uniform numbers in [0, 1) from a seed (mulberry32). */
export function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Scores from a seed: −∞ with probability `forbidden`, otherwise an integer in −2 … 2 (so ties are
 * common) or, with `real`, a real number in (−2, 2).
 */
export function seeded(seed: number, { forbidden = 1 / 6, real = false } = {}): Draw {
  const u = uniforms(seed);
  return () => (u() < forbidden ? -Infinity : real ? u() * 4 - 2 : Math.floor(u() * 5) - 2);
}

/** Scores taken in turn from a list (cycling), for fast-check arbitraries. */
export const fromCells = (xs: readonly number[]): Draw => { let i = 0; return () => xs[i++ % xs.length]!; };
export const fill = (count: number, draw: Draw) => Array.from({ length: count }, draw);
export const rows = (r: number, c: number, draw: Draw) => Array.from({ length: r }, () => fill(c, draw));
