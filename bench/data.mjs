// Deterministic benchmark data: the xorshift32 stream of BENCHMARKS.md, one stream per array.

/** A xorshift32 stream started from `seed`: each call returns x / 2^32 in [0, 1). */
export function xorshift32(seed) {
  let x = seed >>> 0;
  if (x === 0) throw new Error('xorshift32: the seed must be nonzero');
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** n values map(u()) from one stream started at `seed`. */
export function uniform(n, seed, map = (u) => u) {
  const u = xorshift32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = map(u());
  return out;
}

/** n values (2u − 1)·scale, from one stream started at `seed`. */
export function symmetric(n, seed, scale = 1) {
  return uniform(n, seed, (u) => (2 * u - 1) * scale);
}

/** n integer labels ⌊k·u()⌋ from one stream started at `seed`. */
export function labels(n, k, seed) {
  const u = xorshift32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(k * u());
  return out;
}

/**
 * W1's MLP data for a B×D input, D → Hn (tanh) → C: X (seed 1), W1, b1, W2, b2 (seeds 2–5), labels (seed 7)
 * and their one-hot matrix, as BENCHMARKS.md fixes them for W1 (and W9, which reuses them).
 */
export function mlpData(B, D, Hn, C) {
  const y = labels(B, C, 7);
  const onehot = new Float64Array(B * C);
  for (let i = 0; i < B; i++) onehot[i * C + y[i]] = 1;
  return {
    X: uniform(B * D, 1), W1: symmetric(D * Hn, 2, Math.sqrt(3 / D)), b1: symmetric(Hn, 3, 0.1),
    W2: symmetric(Hn * C, 4, Math.sqrt(3 / Hn)), b2: symmetric(C, 5, 0.1), y, onehot,
  };
}
