/**
 * @file Threefry-2x32 with 20 rounds, the counter-based hash behind JAX's default PRNG, and the two
 * ways JAX feeds it counters: `threefry_2x32` over a counter array and the iota streams of
 * `random_bits` (jax/_src/prng.py, non-partitionable mode). Pure uint32 arithmetic (`Math.imul` is
 * not needed: only additions, rotations and xors), so every platform gives the same words.
 */

// Rotation distances of Threefry-2x32 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers:
// as easy as 1, 2, 3", table 4): rounds alternate between the two groups of four.
const R0 = 13, R1 = 15, R2 = 26, R3 = 6;
const R4 = 17, R5 = 29, R6 = 16, R7 = 24;
/** The key-schedule parity constant of Threefish/Threefry for 32-bit words. */
const PARITY = 0x1bd11bda;

/** The hash's two output words, written by `threefry2x32` (one shared pair: no allocation per call). */
export const block = new Uint32Array(2);

/** One mix round: x0 += x1; x1 = rotl(x1, r) ^ x0 (on the words held in `block`'s scratch). */
function rounds(x0: number, x1: number, a: number, b: number, c: number, d: number): void {
  x0 = (x0 + x1) >>> 0; x1 = ((x1 << a) | (x1 >>> (32 - a))) ^ x0;
  x0 = (x0 + x1) >>> 0; x1 = ((x1 << b) | (x1 >>> (32 - b))) ^ x0;
  x0 = (x0 + x1) >>> 0; x1 = ((x1 << c) | (x1 >>> (32 - c))) ^ x0;
  x0 = (x0 + x1) >>> 0; x1 = ((x1 << d) | (x1 >>> (32 - d))) ^ x0;
  block[0] = x0;
  block[1] = x1 >>> 0;
}

/**
 * Threefry-2x32-20 of the counter (x0, x1) under the key (k0, k1): five groups of four rounds,
 * the key schedule injected before the first and after each group (the i-th injection adds i to
 * the second word). The result is left in `block`. Known answers (Random123's kat_vectors, also in
 * JAX's tests/random_test.py) are checked in test/random/threefry.test.ts.
 */
export function threefry2x32(k0: number, k1: number, x0: number, x1: number): void {
  const k2 = (k0 ^ k1 ^ PARITY) >>> 0;
  rounds((x0 + k0) >>> 0, (x1 + k1) >>> 0, R0, R1, R2, R3);
  rounds((block[0]! + k1) >>> 0, (block[1]! + k2 + 1) >>> 0, R4, R5, R6, R7);
  rounds((block[0]! + k2) >>> 0, (block[1]! + k0 + 2) >>> 0, R0, R1, R2, R3);
  rounds((block[0]! + k0) >>> 0, (block[1]! + k1 + 3) >>> 0, R4, R5, R6, R7);
  rounds((block[0]! + k1) >>> 0, (block[1]! + k2 + 4) >>> 0, R0, R1, R2, R3);
  block[0] = (block[0]! + k2) >>> 0;
  block[1] = (block[1]! + k0 + 5) >>> 0;
}

/**
 * JAX's `threefry_2x32(key, counts)` (jax/_src/prng.py): the `n` counters, padded with one 0 when
 * `n` is odd, are cut into halves; the i-th words of the two halves form one block, and the first
 * and second output words go back to the first and second halves (the padding's output is
 * dropped). `counts` null means the iota 0, 1, …, n − 1 of `random_bits` and `split`, not made.
 */
export function hashCounts(k0: number, k1: number, n: number, counts: ArrayLike<number> | null): Uint32Array {
  const half = (n + 1) >>> 1;
  const out = new Uint32Array(n);
  for (let i = 0; i < half; i++) {
    const j = half + i;
    const second = j < n ? (counts === null ? j : counts[j]!) : 0;
    threefry2x32(k0, k1, counts === null ? i : counts[i]!, second);
    out[i] = block[0]!;
    if (j < n) out[j] = block[1]!;
  }
  return out;
}

/**
 * The most 32-bit words one key gives in a single stream: JAX's `random_bits` hashes an iota of
 * up to 2^32 − 2 counters under the key and splits the key into blocks beyond that. Samples that
 * large (2^31 float64 values, 16 GiB) are refused with a message rather than drawn from blocks.
 */
export const MAX_STREAM_WORDS = 2 ** 32 - 2;

/**
 * `n` uniform values in [0, 1) from JAX's 64-bit `random_bits(key, 64, shape)` and the float64
 * branch of `uniform`: the counters 0 … 2n − 1 make n blocks (i, n + i) whose two words are the
 * high and low halves of a 64-bit integer b; the value is the double 1.m − 1 whose 52-bit mantissa
 * m is b >> 12, exactly (hi·2^20 + lo >>> 12)·2^−52.
 */
export function unitUniform(k0: number, k1: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    threefry2x32(k0, k1, i, n + i);
    out[i] = (block[0]! * 1048576 + (block[1]! >>> 12)) * 2 ** -52;
  }
  return out;
}

/**
 * The 64-bit words of JAX's `random_bits(key, 64, shape)` as two uint32 halves: `hi[i]` and
 * `lo[i]` are the two outputs of block (i, n + i). For `randint`'s integer arithmetic.
 */
export function words64(k0: number, k1: number, n: number): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    threefry2x32(k0, k1, i, n + i);
    hi[i] = block[0]!;
    lo[i] = block[1]!;
  }
  return { hi, lo };
}
