/**
 * @file The WebAssembly SIMD exp, log, log1p and tanh (src/tensor/kernels/wasm/vmath.ts) against
 * V8's Math.exp, Math.log, Math.log1p and Math.tanh (fdlibm) on 10⁶ inputs each — random over the
 * whole range, around 1, subnormal inputs and results, the overflow and underflow thresholds, tanh's
 * branch points — and on the special values; exp, log and tanh must give Math's values to the bit,
 * log1p within 1 ulp. Then the
 * fused logsumexp passes that use them, with the WebAssembly path on and off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { divideIntoVector, productChainsVector, vectorMath, vectorModuleSizes, vectorized, VECTOR_MIN, type VectorOp } from '../src/tensor/kernels/wasm/vmath.js';

/** Deterministic uniform [0, 1) (xorshift32), so a failure reproduces. */
function stream(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
const view = new DataView(new ArrayBuffer(8));
/** A double from random bits with the sign cleared: every exponent equally likely (subnormals, ∞ and NaN included). */
const randomBits = (u: () => number) => {
  view.setUint32(0, Math.floor(u() * 2 ** 31), false);
  view.setUint32(4, Math.floor(u() * 2 ** 32), false);
  return view.getFloat64(0, false);
};
/** Distance in units in the last place (0 for equal values and for two NaNs; −0 and +0 are 1 apart). */
const ordered = (v: number) => {
  view.setFloat64(0, v);
  const b = view.getBigInt64(0);
  return b < 0n ? -(b & 0x7fffffffffffffffn) - 1n : b;
};
const ulps = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b) ? 0 : Math.abs(Number(ordered(a) - ordered(b))));

const N = 1_000_000;
const MATH: Record<VectorOp, (v: number) => number> = { exp: Math.exp, log: Math.log, log1p: Math.log1p, tanh: Math.tanh };

/** The inputs of each operation: N values, a quarter from each of four distributions. */
function inputs(op: VectorOp): Float64Array {
  const u = stream({ exp: 1, log: 2, log1p: 3, tanh: 4 }[op]);
  const sign = () => (u() < 0.5 ? -1 : 1);
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const part = i % 4;
    if (op === 'exp') x[i] = [-745.2 + 1455 * u(), 2 * u() - 1, -745.2 + 37 * u(), (2 * u() - 1) * 2 ** (-60 * u())][part]!;
    else if (op === 'log') x[i] = [randomBits(u), 0.5 + 1.5 * u(), 2.2250738585072014e-308 * u(), 1 + (2 * u() - 1) * 2 ** (-30 * u())][part]!;
    else if (op === 'log1p') x[i] = [2 * u() - 1, randomBits(u), -1 + 2 ** (-50 * u()), (2 * u() - 1) * 2 ** (-70 * u())][part]!;
    // tanh: its whole range, every magnitude, around |x| = 1 (where it changes formula), and around the
    // points where expm1's argument ∓2|x| changes branch (|x| = ln2/4, 3ln2/4; k = 20 and 56 at 2|x| ≈ 13.9, 38.8)
    else x[i] = [(2 * u() - 1) * 25, sign() * randomBits(u), sign() * (1 + (2 * u() - 1) * 2 ** (-40 * u())), sign() * [0.1732868, 0.5198604, 6.93147, 19.4081, 22][Math.floor(5 * u())]! * (1 + (2 * u() - 1) * 2 ** (-30 * u()))][part]!;
  }
  return x;
}

const EDGES = [
  0, -0, Infinity, -Infinity, NaN, 1, -1, 2, 0.5, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -5e-324, 2.2250738585072014e-308,
  709.782712893384, 709.7827128933841, 709.79, 710, 1e300, -745.1332191019411, -745.1332191019412, -745.2, -746, -1e300,
  -708.3964185322641, -708.4, 2 ** -28, -(2 ** -28), 2 ** -29, 1e-17, -1e-17, 1 + 2 ** -52, 1 - 2 ** -53, -1 + 2 ** -53, -1 - 2 ** -52,
  2 ** 53, 2 ** 1023, 22, -22, 22 - 2 ** -48, 19.4, -19.4, 0.17328679513998632, 0.5198603854199589, 2 ** -55, -(2 ** -54),
];

describe('vectorised exp, log, log1p against Math', () => {
  afterAll(() => ad.config({ wasm: true }));

  it('compile here, in modules under the 4 kB browsers compile synchronously', () => {
    expect(vectorized('exp', 1 << 20)).toBe(true);
    for (const size of vectorModuleSizes()) expect(size).toBeLessThan(4096);
  });

  // Maximum ulp distance from Math.*: exp, log and tanh are fdlibm's algorithms with its branches as
  // selects (0); log1p is log(1 + x) with a first-order correction (1).
  const BOUND: Record<VectorOp, number> = { exp: 0, log: 0, log1p: 1, tanh: 0 };
  for (const op of ['exp', 'log', 'log1p', 'tanh'] as const) {
    it(`${op}: 10⁶ random inputs within ${BOUND[op]} ulp of Math.${op}, the special values exactly`, () => {
      const x = inputs(op);
      const out = new Float64Array(N);
      vectorMath(op, x, out);
      let worst = 0, at = 0;
      for (let i = 0; i < N; i++) {
        const d = ulps(out[i]!, MATH[op](x[i]!));
        if (d > worst) [worst, at] = [d, x[i]!];
      }
      if (worst > BOUND[op]) throw new Error(`${op}: ${worst} ulp from Math.${op} at ${at}`);
      // Edge values, in a long array (the vector path) at even and odd positions.
      const e = Float64Array.from({ length: 2048 }, (_, i) => EDGES[(i >> 1) % EDGES.length]!);
      const eo = new Float64Array(e.length);
      vectorMath(op, e, eo);
      for (let i = 0; i < e.length; i++) {
        const ref = MATH[op](e[i]!);
        if (!Number.isFinite(ref) || ref === 0 || op !== 'log1p') {
          if (!Object.is(eo[i], ref)) throw new Error(`${op}(${e[i]}) = ${eo[i]}, Math.${op} gives ${ref}`);
        } else expect(ulps(eo[i]!, ref)).toBeLessThanOrEqual(BOUND[op]);
      }
    });
  }

  it("an element's result does not depend on its position or on the array's length (two pairs a step: every length mod 4)", () => {
    const cases = {
      log1p: [[1, 9999], [7, 16385], [40000 - 8193, 8193], [2, 65537], [13, 131075], [3, 8194], [5, 8195]],
      tanh: [[3, 65], [5, 66], [9, 67], [11, 68], [1, 16385], [13, 131075]],
    } as const;
    for (const op of ['log1p', 'tanh'] as const) {
      const x = inputs(op).subarray(0, 140001);
      const whole = new Float64Array(x.length);
      vectorMath(op, x, whole);
      for (const [start, len] of cases[op]) {
        expect(vectorized(op, len)).toBe(true);
        const part = new Float64Array(len + 1).fill(7);
        vectorMath(op, x.subarray(start, start + len), part, len);
        for (let i = 0; i < len; i++) if (!Object.is(part[i], whole[start + i])) throw new Error(`${op} at ${start + i} (length ${len}) differs`);
        expect(part[len]).toBe(7); // nothing written past n
      }
    }
  });

  it('ad.config({ wasm: false }) turns it off: Math.* itself', () => {
    ad.config({ wasm: false });
    expect(vectorized('exp', 1 << 20)).toBe(false);
    const x = inputs('log1p').subarray(0, 1 << 14);
    const out = new Float64Array(x.length);
    vectorMath('log1p', x, out);
    for (let i = 0; i < x.length; i++) expect(Object.is(out[i], Math.log1p(x[i]!))).toBe(true);
    ad.config({ wasm: true });
    expect(vectorized('exp', VECTOR_MIN.exp)).toBe(true);
    expect(vectorized('exp', VECTOR_MIN.exp - 1)).toBe(false);
  });
});

describe('the vector quotient c / x (a product gradient\'s division trick)', () => {
  it('gives the JavaScript quotients to the bit over a sub-range of odd length, across chunks', () => {
    const u = stream(5);
    const x = Float64Array.from({ length: 70001 }, (_, i) => [randomBits(u), -randomBits(u), 1 + u(), EDGES[i % EDGES.length]!][i % 4]!);
    for (const c of [1.5, -3e-300, 7e307, Infinity, 0]) {
      const out = new Float64Array(x.length).fill(42);
      expect(divideIntoVector(out, x, c, 3, 70000)).toBe(true);
      for (let p = 0; p < x.length; p++) {
        const want = p < 3 || p >= 70000 ? 42 : c / x[p]!;
        if (!Object.is(out[p], want)) throw new Error(`c = ${c}, x[${p}] = ${x[p]}: ${out[p]} instead of ${want}`);
      }
    }
    expect(divideIntoVector(new Float64Array(10), x, 1, 0, 10)).toBe(false); // short: left to JavaScript
  });
});

describe('the vector product chains (a long row\'s product)', () => {
  /** kernels/products.ts productChains as a scalar loop: eight chains, the tail into the first, paired at the end. */
  function chains(x: Float64Array, start: number, end: number): number {
    const a = new Float64Array(8).fill(1);
    let p = start;
    for (; p + 8 <= end; p += 8) for (let j = 0; j < 8; j++) a[j]! *= x[p + j]!;
    for (; p < end; p++) a[0]! *= x[p]!;
    return ((a[0]! * a[1]!) * (a[2]! * a[3]!)) * ((a[4]! * a[5]!) * (a[6]! * a[7]!));
  }

  it('gives the scalar chains\' product to the bit, across chunks, with tails, ±0, ±∞, NaN and subnormals', () => {
    const u = stream(9);
    const near1 = (n: number) => Float64Array.from({ length: n }, () => Math.exp(0.02 * (u() - 0.5)) * (u() < 0.01 ? -1 : 1));
    const cases: Array<[Float64Array, number, number]> = [];
    for (const n of [4096, 4103, 65536, 65543, 140007, 200000]) cases.push([near1(n), 0, n], [near1(n + 5), 3, n + 3]);
    const wild = Float64Array.from({ length: 9000 }, (_, i) => [randomBits(u), 1 + u(), EDGES[i % EDGES.length]!, 0.5][i % 4]!);
    cases.push([wild, 0, 9000], [wild, 1, 8999], [Float64Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? 1e-200 : 1e150)), 0, 5000]);
    for (const [x, start, end] of cases) {
      const got = productChainsVector(x, start, end), want = chains(x, start, end);
      if (!Object.is(got, want)) throw new Error(`[${start}, ${end}) of ${x.length}: ${got} instead of ${want}`);
    }
    expect(productChainsVector(new Float64Array(100), 0, 100)).toBe(null); // short: left to JavaScript
  });

  it('the quotients of a row the product left in place equal those of a fresh copy, and another row is copied', async () => {
    const u = stream(11);
    const x = Float64Array.from({ length: 50003 }, () => Math.exp(u() - 0.5));
    const y = productChainsVector(x, 2, 50001)!; // stages x[2, 50001)
    const staged = new Float64Array(x.length).fill(7);
    expect(divideIntoVector(staged, x, y, 2, 50001)).toBe(true);
    const other = Float64Array.from(x, (v) => v * 2); // a different array over the same range: its own factors
    const fromOther = new Float64Array(x.length).fill(7);
    divideIntoVector(fromOther, other, y, 2, 50001);
    await Promise.resolve(); // the run ends: the staged row is forgotten
    const fresh = new Float64Array(x.length).fill(7);
    divideIntoVector(fresh, x, y, 2, 50001);
    expect(staged).toEqual(fresh);
    for (let p = 0; p < x.length; p++) {
      expect(Object.is(fresh[p], p < 2 || p >= 50001 ? 7 : y / x[p]!)).toBe(true);
      expect(Object.is(fromOther[p], p < 2 || p >= 50001 ? 7 : y / other[p]!)).toBe(true);
    }
  });
});

describe('long rows in the threads\' shared memory (quotients split across threads)', () => {
  afterAll(() => ad.config({ threads: 'auto' }));
  const u = stream(13);
  const x = Float64Array.from({ length: 300007 }, () => Math.exp(0.02 * (u() - 0.5))); // past PARALLEL_QUOTIENTS (2¹⁸)
  const run = (threads: number) => {
    ad.config({ threads });
    const y = productChainsVector(x, 5, 300002)!;
    const out = new Float64Array(x.length).fill(7);
    expect(divideIntoVector(out, x, y, 5, 300002)).toBe(true);
    return { y, out };
  };
  it('gives the same product and quotients, to the bit, on one thread and on two', () => {
    const one = run(1), two = run(2);
    expect(Object.is(two.y, one.y)).toBe(true);
    for (let p = 0; p < x.length; p++) {
      const want = p < 5 || p >= 300002 ? 7 : one.y / x[p]!;
      if (!Object.is(two.out[p], want) || !Object.is(one.out[p], want)) throw new Error(`x[${p}]: ${two.out[p]} / ${one.out[p]} instead of ${want}`);
    }
  });
  it('copies the row in again when something else wrote the shared memory between the product and its quotients', () => {
    ad.config({ threads: 2 });
    const y = productChainsVector(x, 5, 300002)!;
    // A product large enough to run on the threads overwrites the start of the shared memory.
    const a = ad.random.normal([256, 256], 1);
    ad.matmul(a, a);
    const out = new Float64Array(x.length);
    divideIntoVector(out, x, y, 5, 300002);
    for (let p = 5; p < 300002; p++) if (!Object.is(out[p], y / x[p]!)) throw new Error(`x[${p}]: ${out[p]} instead of ${y / x[p]!}`);
    const g = ad.grad((v: Tensor) => ad.prod(v))(ad.tensor(x.subarray(0, 270000)));
    const p = productChainsVector(x, 0, 270000)!;
    expect(Object.is(g.toFloat64Array()[123456], p / x[123456]!)).toBe(true);
  });
});

describe('the fused logsumexp passes on the vector path', () => {
  afterAll(() => ad.config({ wasm: true }));
  // [3, 40, 50] with −∞ rows, a +∞ and a NaN: every (outer, n, inner) layout of the reductions.
  const u = stream(9);
  const data = Float64Array.from({ length: 3 * 40 * 50 }, () => 40 * u() - 20);
  for (let j = 0; j < 50; j++) data[40 * 50 + j] = -Infinity; // x[1, 0, :]
  for (let i = 0; i < 40; i++) data[i * 50 + 7] = -Infinity; // x[0, :, 7]
  data[2 * 2000 + 5 * 50 + 3] = Infinity;
  data[2 * 2000 + 9 * 50 + 11] = NaN;
  const x = ad.tensor(data, [3, 40, 50]);
  const weights = ad.tensor(Float64Array.from({ length: 3 * 40 * 50 }, (_, i) => (i % 5 === 2 ? 0 : 1 + (i % 7))), [3, 40, 50]);

  function run(axis: number | number[]) {
    const lse = ad.logsumexp(x, axis);
    const g = ad.grad((v: ad.Tensor) => ad.sum(ad.mul(ad.logsumexp(v, axis, true), ad.sum(weights, axis, true))))(x);
    return [Array.from(lse.toFloat64Array()), Array.from(g.toFloat64Array())];
  }
  for (const axis of [0, 1, 2, [1, 2], [0, 1, 2]]) {
    it(`axis ${JSON.stringify(axis)}: value and gradient the same bits with WebAssembly on and off`, () => {
      expect(vectorized('exp', x.size)).toBe(true);
      const on = run(axis);
      ad.config({ wasm: false });
      const off = run(axis);
      ad.config({ wasm: true });
      expect(on).toEqual(off);
    });
  }
});
