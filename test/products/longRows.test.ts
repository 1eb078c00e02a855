/** @file prod on long rows, where the kernels take their fast paths (interleaved accumulators, blocked zero scan, output not zero-filled): values and first-order gradients against the naive oracle. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { exactProduct, prodGradient, productExcept } from './oracle.js';
import { expectNear } from './cases.js';

const prodAll = (x: Tensor) => ad.prod(x);
const EPS = 2 ** -53;

/** n factors near 1 of either sign (deterministic): products of thousands of them stay normal. */
function nearOne(n: number, seed = 1): number[] {
  return Array.from({ length: n }, (_, i) => {
    const v = Math.exp(0.05 * Math.sin(1.3 * (i + 1) + seed));
    return (i * 7 + seed) % 11 === 0 ? -v : v;
  });
}

/** x with 8-factor blocks `block` repeated `times` times. */
const repeatBlock = (block: number[], times: number): number[] => Array.from({ length: times }, () => block).flat();

describe('prod of long rows (eight interleaved accumulators)', () => {
  it('is correct to rounding (n roundings, like the left-to-right loop), and exact left to right below 32 factors', () => {
    for (const n of [31, 32, 33, 39, 100, 1000, 4097]) {
      const x = nearOne(n, n);
      const serial = productExcept(x);
      const value = ad.prod(ad.tensor(x)).item();
      if (n < 32) expect(value, `n=${n}`).toBe(serial);
      else expect(Math.abs(value - serial), `n=${n}`).toBeLessThanOrEqual(2 * n * EPS * Math.abs(serial));
    }
  });

  it('reduces each row of a matrix, and the rows of a strided axis', () => {
    const rows = [nearOne(64, 1), nearOne(64, 2), nearOne(64, 3)];
    const byRow = ad.prod(ad.tensor(rows), 1).toArray() as number[];
    rows.forEach((r, i) => expectNear([byRow[i]!], [productExcept(r)], 256 * EPS));
    const cols = rows[0]!.map((_, j) => rows.map((r) => r[j]!));
    const byCol = ad.prod(ad.tensor(cols), 0).toArray() as number[];
    rows.forEach((r, i) => expect(byCol[i]).toBe(productExcept(r))); // strided: left to right
  });

  it('gives the left-to-right loop\'s value when the product itself is ±∞, 0 or NaN', () => {
    const cases: Array<[string, number[]]> = [
      ['overflow', new Array(40).fill(1e20)],
      ['underflow', new Array(40).fill(-1e-20)],
      ['a NaN factor', [...nearOne(20), NaN, ...nearOne(20)]],
      ['∞ and 0', [...nearOne(20), Infinity, ...nearOne(10), 0, ...nearOne(10)]],
    ];
    for (const [what, x] of cases) expect(Object.is(ad.prod(ad.tensor(x)).item(), productExcept(x)), what).toBe(true);
  });

  it('gives the true product where partial products leave the range (the loop gives 0 or lost digits)', () => {
    const cases: Array<[string, number[]]> = [
      // Four accumulators underflow to 0 and four overflow to ∞ (0 · ∞ = NaN); left to right it is 0; the product is 1.
      ['accumulators 0 and ∞', repeatBlock([1e-300, 1e-300, 1e-300, 1e-300, 1e300, 1e300, 1e300, 1e300], 4)],
      // One accumulator underflows to 0 while the true product is 1 (and left to right stays in range).
      ['spurious underflow', [1e-110, 1e110, 1e110, 1e110, 1, 1, 1, 1, ...repeatBlock([1e-110, 1, 1, 1, 1, 1, 1, 1], 2), ...new Array(8).fill(1)]],
      // A subnormal result: rounded once, where the loop rounds each of its 40 steps to 2⁻¹⁰⁷⁴.
      ['subnormal', [4e-320, ...new Array(40).fill(0.9)]],
      ['through the subnormals and back', [2 ** -1000, 2 ** -1000, ...nearOne(40), 2 ** 1000, 2 ** 1000]],
    ];
    for (const [what, x] of cases) {
      const exact = exactProduct(x);
      const ulp = Math.max(2 ** -1074, Math.abs(exact) * EPS);
      expect(Math.abs(ad.prod(ad.tensor(x)).item() - exact), what).toBeLessThanOrEqual(x.length * ulp);
    }
  });

  it('is an exact ±0 when a factor is zero (the sign is the product of the signs)', () => {
    const x = nearOne(100);
    x[37] = 0;
    const negatives = x.filter((v) => v < 0).length;
    const value = ad.prod(ad.tensor(x)).item();
    expect(Object.is(value, negatives % 2 ? -0 : 0)).toBe(true);
    x[37] = -0;
    expect(Object.is(ad.prod(ad.tensor(x)).item(), negatives % 2 ? 0 : -0)).toBe(true);
  });
});

describe('the first-order gradient of long rows against the O(n²) oracle', () => {
  // 4500 factors: past the length (4096) from which the division trick writes into memory that is not zero-filled first.
  const n = 4500;
  const cases: Array<[string, number[]]> = [];
  const base = nearOne(n);
  cases.push(['no zero (division trick)', base]);
  cases.push(['one zero', base.map((v, i) => (i === 2222 ? 0 : v))]);
  cases.push(['one zero in the tail', base.map((v, i) => (i === n - 3 ? 0 : v))]);
  cases.push(['two zeros in different blocks', base.map((v, i) => (i === 10 || i === 3000 ? 0 : v))]);
  cases.push(['two zeros in one block', base.map((v, i) => (i === 600 || i === 601 ? -0 : v))]);
  cases.push(['product underflows without a zero (prefix × suffix)', base.map((v, i) => (i % 1200 === 0 ? 1e-90 * v : v))]);
  cases.push(['∞ and a zero (NaN where the product of the others holds both)', base.map((v, i) => (i === 100 ? Infinity : i === 4000 ? 0 : v))]);
  cases.push(['one zero, the others underflow', base.map((v, i) => (i === 1 ? 0 : i % 1000 === 0 ? 1e-100 * v : v))]);

  it.each(cases.map(([name, x]) => ({ name, x })))('$name', ({ name, x }) => {
    const g = ad.grad(prodAll)(ad.tensor(x)).data;
    expectNear(g, prodGradient(x), 1e-12, undefined, name);
  });

  it('with a scale: x̄ = ḡ · L, a zero cotangent giving an exact zero row (also in memory that was not zero-filled)', () => {
    // Leave freed, NaN-filled buffers of the gradient's size around, so that memory handed out
    // without zero-filling is likely to hold NaN rather than 0.
    const gc = (globalThis as { gc?: () => void }).gc;
    const bytes = 3 * 2000 * 8;
    for (let k = 0; k < 8; k++) {
      const buffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer?.allocUnsafeSlow(bytes);
      if (buffer) new Float64Array(buffer.buffer, buffer.byteOffset, bytes / 8).fill(NaN);
    }
    gc?.();
    const rows = [nearOne(2000, 1), nearOne(2000, 2), nearOne(2000, 3)];
    const w = [1.5, 0, -2];
    for (let rep = 0; rep < 3; rep++) {
      const g = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.prod(z, 1), ad.tensor(w))))(ad.tensor(rows)).toArray() as number[][];
      expect(g[1]!.every((v) => Object.is(v, 0)), 'the zero-cotangent row').toBe(true);
      expectNear(g[0]!, prodGradient(rows[0]!).map((v) => 1.5 * v), 1e-12, undefined, 'row 0');
      expectNear(g[2]!, prodGradient(rows[2]!).map((v) => -2 * v), 1e-12, undefined, 'row 2');
      // The same along a strided axis (each column a product).
      const cols = ad.transpose(ad.tensor(rows));
      const gc0 = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.prod(z, 0), ad.tensor(w))))(cols).toArray() as number[][];
      expect(gc0.every((r) => Object.is(r[1], 0)), 'the zero-cotangent column').toBe(true);
      expectNear(gc0.map((r) => r[2]!), prodGradient(rows[2]!).map((v) => -2 * v), 1e-12, undefined, 'column 2');
    }
  });
});

describe('the exact-product oracle of these tests', () => {
  it('is the correctly rounded product on known cases', () => {
    expect(exactProduct([2 ** -1000, 2 ** -1000, 2 ** 1000, 2 ** 1000, 3])).toBe(3);
    expect(exactProduct([2 ** -1000, 3, 2 ** -70])).toBe(3 * 2 ** -1070); // subnormal, exact
    expect(exactProduct([2 ** -1000, 5, 2 ** -75])).toBe(2 ** -1073); // 2.5 units of 2⁻¹⁰⁷⁴: half to even, 2
    expect(exactProduct([1 + 2 ** -52, 1 + 2 ** -52])).toBe(1 + 2 ** -51);
    expect(exactProduct([3 * 2 ** -540, 2 ** -540])).toBe(0); // 3/64 of 2⁻¹⁰⁷⁴ rounds to 0
    expect(exactProduct([0.1, 0.1])).toBe(0.010000000000000002); // 0.1·0.1 rounded once
    expect(exactProduct(new Array(40).fill(0.9))).toBeCloseTo(0.9 ** 40, 15);
  });
});
