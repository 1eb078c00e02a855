/**
 * @file astype, iinfo, isdtype and x.dtype. Float formats against independent oracles: float32
 * against Math.fround; float16 and bfloat16 against the nearest of every finite number of the
 * format (all 2^16 bit patterns decoded and sorted, ties to the even pattern, past the largest
 * to ±∞). Integer types by their definition (truncation, saturation, NaN to 0, as XLA's
 * conversion), iinfo against numpy.iinfo's values.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

/** Every finite value of a 16-bit format with `exponentBits` exponent bits, sorted, each with its bit pattern. */
function formatValues(exponentBits: number): Array<{ v: number; bits: number }> {
  const fractionBits = 15 - exponentBits, bias = 2 ** (exponentBits - 1) - 1, maxE = 2 ** exponentBits - 1;
  const out: Array<{ v: number; bits: number }> = [];
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits >> 15 ? -1 : 1, e = (bits >> fractionBits) & maxE, f = bits & (2 ** fractionBits - 1);
    if (e === maxE) continue; // ±∞ and NaN
    const v = e === 0 ? sign * f * 2 ** (1 - bias - fractionBits) : sign * (1 + f / 2 ** fractionBits) * 2 ** (e - bias);
    out.push({ v, bits });
  }
  return out.sort((a, b) => a.v - b.v || a.bits - b.bits);
}

/** The nearest value of the format to x, ties to the even pattern; beyond max + half an ulp, ±∞. */
function nearest(values: Array<{ v: number; bits: number }>, x: number): number {
  if (Number.isNaN(x)) return NaN;
  const max = values[values.length - 1]!.v, below = values[values.length - 2]!.v;
  const limit = max + (max - below) / 2; // the tie at the top rounds to the even pattern: ∞
  if (x >= limit) return Infinity;
  if (x <= -limit) return -Infinity;
  let lo = 0, hi = values.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid]!.v <= x) lo = mid;
    else hi = mid;
  }
  const a = values[lo]!, b = values[hi]!;
  const da = Math.abs(x - a.v), db = Math.abs(b.v - x);
  const pick = da < db ? a : db < da ? b : (a.bits & 1) === 0 ? a : b;
  return pick.v === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : pick.v;
}

/** Test points: edges, halfway points between neighbours of the format, and log-uniform magnitudes. */
function points(values: Array<{ v: number; bits: number }>, seed: number): number[] {
  const xs = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.1, 1e-300, -1e-300, 1e300, -1e300];
  for (let i = 0; i + 1 < values.length; i += 97) {
    const [a, b] = [values[i]!.v, values[i + 1]!.v];
    xs.push(a, (a + b) / 2, a + (b - a) * 0.49, a + (b - a) * 0.51);
  }
  const top = values[values.length - 1]!.v, next = values[values.length - 2]!.v;
  xs.push(top, top + (top - next) / 2, top + (top - next) * 0.49, values[values.length / 2 + 1]!.v / 2);
  let s = seed;
  for (let i = 0; i < 2000; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648;
    xs.push((i % 2 ? -1 : 1) * 2 ** (-160 + 300 * u));
  }
  return xs;
}

const same = (got: number[], want: number[]) => {
  const bad = got.flatMap((g, i) => (Object.is(g, want[i]) ? [] : [`${i}: ${g} vs ${want[i]}`]));
  expect(bad.slice(0, 5)).toEqual([]);
};

describe('astype to float formats', () => {
  it('float32 is Math.fround, value for value (−0, subnormals, overflow to ±∞)', () => {
    const xs = points(formatValues(5), 7).concat([3.4028234663852886e38, 3.4028235677973366e38, 3.40282356779733e38, 1.401298464324817e-45, 7.006492321624085e-46, 7.0064923216240855e-46]);
    same(ad.astype(ad.tensor(xs), 'float32').toArray() as number[], xs.map(Math.fround));
  });

  it.each([['float16', 5], ['bfloat16', 8]] as const)('%s: the nearest number of the format, ties to even', (dtype, exponentBits) => {
    const values = formatValues(exponentBits);
    const xs = points(values, 11);
    same(ad.astype(ad.tensor(xs), dtype).toArray() as number[], xs.map((x) => nearest(values, x)));
  });

  it('numpy.float16 at its edges', () => {
    // np.float16(65519.99), np.float16(65520.0), np.float16(6e-08), np.float16(2.98e-08)
    expect(ad.astype(ad.tensor([65519.99, 65520, 6e-8, 2.98e-8, -2.9802322387695312e-8]), 'float16').toArray()).toEqual([65504, Infinity, 5.960464477539063e-8, 0, -0]);
  });

  it('derivative 1 (JAX’s convert_element_type between floats), second derivative 0, under jit and vmap too', () => {
    const x = ad.tensor([0.1, -2.5, 1e-50, 7e4]);
    const f = (t: ad.Tensor) => ad.sum(ad.mul(ad.astype(t, 'float16'), ad.tensor([1, 2, 3, 4])));
    expect(ad.grad(f)(x).toArray()).toEqual([1, 2, 3, 4]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.astype(t, 'float32')))(ad.tensor([Infinity, -Infinity, NaN])).toArray()).toEqual([1, 1, 1]);
    expect(ad.jvp((t: ad.Tensor) => ad.astype(t, 'float32'), [x], [ad.ones([4])])[1].toArray()).toEqual([1, 1, 1, 1]);
    expect(ad.hessian((t: ad.Tensor) => ad.sum(ad.astype(t, 'bfloat16')))(x).toArray()).toEqual(Array.from({ length: 4 }, () => [0, 0, 0, 0]));
    const direct = ad.astype(x, 'bfloat16').toArray();
    expect(ad.jit((t: ad.Tensor) => ad.astype(t, 'bfloat16'))(x).toArray()).toEqual(direct);
    expect(ad.vmap((t: ad.Tensor) => ad.astype(t, 'bfloat16'))(ad.reshape(x, [4, 1])).toArray()).toEqual((direct as number[]).map((v) => [v]));
  });
});

describe('astype to integers and bool', () => {
  it('truncates toward zero, saturates, NaN to 0, no −0; derivative 0', () => {
    const x = ad.tensor([2.7, -2.7, -0.5, 300, -300, NaN, Infinity, -Infinity, 1e30]);
    expect(ad.astype(x, 'int8').toArray()).toEqual([2, -2, 0, 127, -128, 0, 127, -128, 127]);
    expect(Object.is((ad.astype(x, 'int8').toArray() as number[])[2], 0)).toBe(true);
    expect(ad.astype(x, 'uint8').toArray()).toEqual([2, 0, 0, 255, 0, 0, 255, 0, 255]);
    expect(ad.astype(x, 'int32').toArray()).toEqual([2, -2, 0, 300, -300, 0, 2147483647, -2147483648, 2147483647]);
    expect(ad.astype(x, 'uint32').toArray()).toEqual([2, 0, 0, 300, 0, 0, 4294967295, 0, 4294967295]);
    expect(ad.astype(ad.tensor([-1e30, 1e30, 3.5]), 'int64').toArray()).toEqual([-(2 ** 63), 2 ** 63, 3]);
    expect(ad.astype(ad.tensor([-7, 1e30]), 'uint64').toArray()).toEqual([0, 2 ** 64]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.astype(t, 'int16')))(ad.tensor([1.5, 2])).toArray()).toEqual([0, 0]);
  });

  it('bool: 1 where x ≠ 0 (NaN too), as NumPy', () => {
    expect(ad.astype(ad.tensor([0, -0, 2, -0.1, NaN, Infinity]), 'bool').toArray()).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('float64 (or a tensor standing for its dtype) is x itself; the method form; x.dtype', () => {
    const x = ad.tensor([1.7, -1.7]);
    expect(ad.astype(x, 'float64')).toBe(x);
    expect(ad.astype(x, ad.ones([1]))).toBe(x);
    expect(x.dtype).toBe('float64');
    expect(x.astype('int32').toArray()).toEqual([1, -1]);
    expect(ad.astype(2.5, 'int8').item()).toBe(2);
    expect(ad.finfo(x.dtype).eps).toBe(2 ** -52);
  });

  it('errors name the op and the names it takes', () => {
    expect(() => ad.astype(ad.ones([1]), 'float128' as ad.DType)).toThrow(/^astype: unknown dtype string 'float128'; use one of 'float64', 'float32'/);
    expect(() => ad.astype(ad.ones([1]), 'complex64' as ad.DType)).toThrow(/adjoint has no complex numbers/);
  });
});

describe('iinfo and isdtype', () => {
  it('iinfo: numpy.iinfo’s bits, kind, min and max (64-bit maxima as the float64 above)', () => {
    const numpy: Array<[ad.IntInfo['dtype'], number, string, number, number]> = [
      ['int8', 8, 'i', -128, 127], ['int16', 16, 'i', -32768, 32767], ['int32', 32, 'i', -2147483648, 2147483647],
      ['int64', 64, 'i', -9223372036854775808, 9223372036854775807], ['uint8', 8, 'u', 0, 255], ['uint16', 16, 'u', 0, 65535],
      ['uint32', 32, 'u', 0, 4294967295], ['uint64', 64, 'u', 0, 18446744073709551615],
    ];
    for (const [dtype, bits, kind, min, max] of numpy) expect(ad.iinfo(dtype)).toEqual({ dtype, bits, kind, min, max });
    expect(() => ad.iinfo('float64' as never)).toThrow(/^iinfo: string 'float64' is not an integer type; .*ad\.finfo/);
    expect(() => ad.iinfo('toString' as never)).toThrow(/is not an integer type/);
  });

  it('isdtype: the array API’s kinds', () => {
    const x = ad.ones([2]);
    expect(ad.isdtype(x.dtype, 'real floating')).toBe(true);
    expect(ad.isdtype(x, 'numeric')).toBe(true);
    expect(ad.isdtype('float64', ['integral', 'bool'])).toBe(false);
    expect(ad.isdtype('float64', 'float64')).toBe(true);
    expect(ad.isdtype('float32', 'float64')).toBe(false);
    expect(ad.isdtype('int8', 'signed integer')).toBe(true);
    expect(ad.isdtype('uint8', 'signed integer')).toBe(false);
    expect(ad.isdtype('uint8', 'integral')).toBe(true);
    expect(ad.isdtype('bool', 'numeric')).toBe(false);
    expect(ad.isdtype('bfloat16', 'real floating')).toBe(true);
    expect(ad.isdtype('float64', 'complex floating')).toBe(false);
    expect(() => ad.isdtype('float64', 'floating' as ad.DTypeKind)).toThrow(/^isdtype: unknown kind string 'floating'/);
  });
});
