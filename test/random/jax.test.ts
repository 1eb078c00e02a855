/**
 * @file Known answers: Threefry-2x32-20 against Random123's kat_vectors and ad.random's keys, bits,
 * uniforms and integers against the values JAX's own tests pin (tests/random_test.py), so the
 * streams are JAX's bit for bit.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { adler32 } from './stats.js';

const { random } = ad;

describe('Threefry-2x32-20', () => {
  // Random123's kat_vectors for threefry2x32_20, as in JAX's testThreefry2x32.
  it.each([
    [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
  ])('key %j, counter %j', (words, counts, expected) => {
    expect(Array.from(random.threefry2x32(random.wrapKeyData(words), counts))).toEqual(expected);
  });

  it('pairs the first half of the counters with the second (JAX testThreefry2x32Large)', () => {
    const n = 10007;
    const counts = new Array<number>(2 * n);
    counts.fill(0x243f6a88, 0, n).fill(0x85a308d3, n);
    const out = random.threefry2x32(random.wrapKeyData([0x13198a2e, 0x03707344]), counts);
    expect(out.subarray(0, n).every((w) => w === 0xc4923a9c)).toBe(true);
    expect(out.subarray(n).every((w) => w === 0x483df7a0)).toBe(true);
  });

  it('pads an odd number of counters with a zero and drops its output', () => {
    const k = random.wrapKeyData([1, 2]);
    const odd = random.threefry2x32(k, [5, 6, 7]);
    const even = random.threefry2x32(k, [5, 6, 7, 0]);
    // Blocks (5, 7) and (6, 0) in both; the padded call drops the last word.
    expect(Array.from(odd)).toEqual([even[0], even[1], even[2]]);
  });
});

describe('keys as JAX makes them (x64 mode)', () => {
  // test_prng_seeds_and_keys, the enable_x64 column.
  it.each([
    [0, [0, 0]],
    [1, [0, 1]],
    [3, [0, 3]],
    [-1, [4294967295, 4294967295]],
    [-3, [4294967295, 4294967293]],
    [2147483647 + 100, [0, 2147483747]],
    [-2147483648 - 100, [4294967295, 2147483548]],
    [-2147483648 - 101, [4294967295, 2147483547]],
  ])('key(%d)', (seed, words) => {
    expect(random.keyData(random.key(seed))).toEqual(words);
    expect(random.key(BigInt(seed)).words).toEqual(words);
  });

  it('takes all 64 bits of a bigint seed', () => {
    expect(random.keyData(random.key(0x123456789abcdef0n))).toEqual([0x12345678, 0x9abcdef0]);
    expect(random.keyData(random.key(2n ** 64n - 1n))).toEqual([4294967295, 4294967295]);
  });

  it('split(key(0), 4) and foldIn(key(0), 4) (testPRNGValues)', () => {
    expect(random.split(random.key(0), 4).map((k) => random.keyData(k))).toEqual([
      [2285895361, 1501764800],
      [1518642379, 4090693311],
      [433833334, 4221794875],
      [839183663, 3740430601],
    ]);
    expect(random.keyData(random.foldIn(random.key(0), 4))).toEqual([2285895361, 433833334]);
  });

  it('keys are immutable values', () => {
    const k = random.key(5);
    expect(Object.isFrozen(k)).toBe(true);
    expect(Object.isFrozen(k.words)).toBe(true);
    expect(String(k)).toBe('Key(0, 5)');
    expect(random.split(k, 0)).toEqual([]);
  });
});

describe('random bits', () => {
  it('uint32 bits of key(1701) (testRngRandomBits)', () => {
    expect(random.bits(random.key(1701), [3]).toArray()).toEqual([56197195, 4200222568, 961309823]);
  });

  it('uint32 bits of the RandomValuesCase seed', () => {
    expect(random.bits(random.key(adler32('bitsthreefry2x32')), [5]).toArray())
      .toEqual([1978747883, 4134381225, 3628107870, 689687174, 2788938207]);
  });

  // 64-bit bits are not a float64 value, but uniform keeps their top 52: u·2^52 = bits >> 12.
  it.each([
    [1701, [3982329540505020460n, 16822122385914693683n, 7882654074788531506n]],
    [adler32('bitsthreefry2x32'), [17649965731882839947n, 1415307058040849897n, 8282622628079774249n, 14024425113645909402n, 2012979996110532418n]],
  ])('uint64 bits of key(%d) through uniform (x64 testRngRandomBits, RandomValuesCase)', (seed, expected) => {
    const u = random.uniform(random.key(seed), [expected.length]).toArray() as number[];
    expect(u.map((v) => v * 2 ** 52)).toEqual(expected.map((b) => Number(b >> 12n)));
  });

  it('randint(key(0), [3, 3], 0, 8) with int64 (x64 testPRNGValues)', () => {
    expect(random.randint(random.key(0), [3, 3], 0, 8).toArray()).toEqual([[7, 2, 6], [2, 1, 0], [6, 7, 7]]);
  });
});

/**
 * JAX's float32 RandomValuesCase values are made from 32-bit bits: f = (bits >>> 9)·2^−23. From
 * ad.random.bits (JAX's own words, above) the same maps give JAX's published samples, which checks
 * each sampler's recipe (interval, transform, clamp) as ad.random implements it in float64.
 */
describe("JAX's float32 sampler values from the same words", () => {
  const f32 = (name: string, n = 5) =>
    (random.bits(random.key(adler32(`${name}threefry2x32`)), [n]).toArray() as number[]).map((b) => Math.fround((b >>> 9) * 2 ** -23));
  const close = (actual: number[], expected: number[], tol: number) =>
    actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!))));

  it('uniform', () => close(f32('uniform'), [0.298671, 0.073213, 0.873356, 0.260549, 0.412797], 1e-6));

  it('bernoulli(p = 0.5) is uniform < p', () => {
    expect(f32('bernoulli').map((u) => u < 0.5)).toEqual([false, true, true, true, false]);
  });

  it('normal is √2·erfinv(u) for u in [nextafter(−1, 0), 1)', () => {
    const lo = Math.fround(-1 + 2 ** -24);
    // float32 u; √2·erfinv(u) = Φ⁻¹((u + 1)/2), computed independently of ad.random's erfinv.
    const u = f32('normal').map((f) => Math.max(lo, Math.fround(Math.fround(f * Math.fround(1 - lo)) + lo)));
    close(u.map(probit), [-1.173234, -1.511662, 0.070593, -0.099764, 1.052845], 2e-5);
  });

  it('gumbel is −log(−log(u)) for u in [tiny, 1)', () => {
    close(f32('gumbel').map((u) => -Math.log(-Math.log(Math.max(2 ** -126, u)))), [2.06701, 0.911726, 0.145736, 0.185427, -0.00711], 2e-5);
  });

  it('randint(0, 10) with int32 (two split streams, JAX modulo combination)', () => {
    const [k1, k2] = random.split(random.key(adler32('randintthreefry2x32')));
    const hi = random.bits(k1!, [5]).toArray() as number[], lo = random.bits(k2!, [5]).toArray() as number[];
    const m = (2 ** 16 % 10) ** 2 % 10;
    expect(hi.map((h, i) => ((h % 10) * m + (lo[i]! % 10)) % 10)).toEqual([0, 5, 7, 7, 5]);
  });
});

/** √2·erfinv(u), by bisection on erf(x/√2) = u with erf from its series. */
function probit(u: number): number {
  let a = -10, b = 10;
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    if (erfSeries(m / Math.SQRT2) < u) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/** erf by its Maclaurin series (accurate to ~1e−15 for |x| < 3, all these tests need). */
function erfSeries(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
