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
