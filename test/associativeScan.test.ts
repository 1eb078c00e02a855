/** @file associativeScan (jax.lax.associative_scan) against the sequential left fold, for every length, non-commutative operators, pytrees, reverse, axes, gradients, vmap and jit. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

/** The sequential oracle: out[i] = fn(out[i − 1], x[i]) along axis 0 of every leaf (flat arrays of rows). */
function foldRows<T>(fn: (a: T, b: T) => T, rows: T[]): T[] {
  const out: T[] = [];
  rows.forEach((r, i) => out.push(i === 0 ? r : fn(out[i - 1]!, r)));
  return out;
}

const matmul2 = (a: number[], b: number[]) => [a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!];

describe('associativeScan', () => {
  it('equals the left fold for every length 0…40 (sum, and a non-commutative 2×2 matrix product)', () => {
    for (let n = 0; n <= 40; n++) {
      const xs = Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2);
      expect(ad.associativeScan(ad.add, ad.tensor(xs, [n])).toArray()).toEqual(foldRows((a: number, b: number) => a + b, xs));
      const ms = Array.from({ length: n }, (_, i) => [1, (i % 3) - 1, (i % 2), 1]);
      const got = ad.associativeScan((a: ad.Tensor, b: ad.Tensor) => ad.matmul(a, b), ad.tensor(ms.flat(), [n, 2, 2])).toArray() as number[][][];
      expect(got.map((m) => m.flat())).toEqual(foldRows(matmul2, ms)); // small integers: exact in any order
    }
  });

  it('reverse puts the later element on the left, as JAX: [..., f(f(z, y), x), f(z, y), z]', () => {
    const ms = [[1, 1, 0, 1], [1, 0, 2, 1], [0, 1, 1, 3], [2, 0, 1, 1]];
    const got = (ad.associativeScan((a: ad.Tensor, b: ad.Tensor) => ad.matmul(a, b), ad.tensor(ms.flat(), [4, 2, 2]), { reverse: true }).toArray() as number[][][]).map((m) => m.flat());
    const want = foldRows(matmul2, [...ms].reverse()).reverse();
    expect(got).toEqual(want);
    expect(ad.associativeScan(ad.add, ad.tensor([1, 2, 3, 4, 5]), { reverse: true }).toArray()).toEqual([15, 14, 12, 9, 5]);
  });

  it('pytrees: a linear recurrence h_t = a_t h_{t−1} + b_t by the combine (a₁, b₁)∘(a₂, b₂) = (a₁a₂, a₂b₁ + b₂)', () => {
    const a = [0.5, 0.9, 1.1, 0.3, 2, -0.7, 0.25], b = [1, 2, 3, 4, 5, -1, 0.5];
    const out = ad.associativeScan(
      (p: { a: ad.Tensor; b: ad.Tensor }, q: { a: ad.Tensor; b: ad.Tensor }) => ({ a: ad.mul(p.a, q.a), b: ad.add(ad.mul(q.a, p.b), q.b) }),
      { a: ad.tensor(a), b: ad.tensor(b) },
    );
    let h = 0;
    (out.b.toArray() as number[]).forEach((v, t) => {
      h = a[t]! * h + b[t]!;
      expect(v).toBeCloseTo(h, 13);
    });
  });

  it('along another axis, batched over the rest; max as the operator', () => {
    const x = ad.tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]]);
    expect(ad.associativeScan(ad.maximum, x, { axis: 1 }).toArray()).toEqual([[3, 3, 4, 4, 5], [9, 9, 9, 9, 9]]);
    expect(ad.associativeScan(ad.maximum, x, { axis: -1, reverse: true }).toArray()).toEqual([[5, 5, 5, 5, 5], [9, 6, 6, 5, 3]]);
    expect(ad.associativeScan(ad.add, x, { axis: 0 }).toArray()).toEqual([[3, 1, 4, 1, 5], [12, 3, 10, 6, 8]]);
  });

  it('property: agrees with cumsum and cumprod on random data', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
      const t = ad.tensor(xs);
      const s = ad.associativeScan(ad.add, t).toArray() as number[], c = ad.cumsum(t, 0).toArray() as number[];
      s.forEach((v, i) => expect(Math.abs(v - c[i]!)).toBeLessThanOrEqual(1e-12 * (1 + xs.reduce((m, x) => m + Math.abs(x), 0))));
      const p = ad.associativeScan(ad.mul, t).toArray() as number[], q = ad.cumprod(t, 0).toArray() as number[];
      p.forEach((v, i) => expect(Math.abs(v - q[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(q[i]!))));
    }), { numRuns: 60, seed: 5 });
  });

  it('gradients, vmap and jit agree with the sequential program', () => {
    // The oracle: cumprod, whose gradient is written independently (products.ts).
    const par = (x: ad.Tensor) => ad.sum(ad.mul(ad.associativeScan(ad.mul, x), ad.tensor([1, -2, 3, 0.5, 2])));
    const ref = (x: ad.Tensor) => ad.sum(ad.mul(ad.cumprod(x, 0), ad.tensor([1, -2, 3, 0.5, 2])));
    const x = ad.tensor([0.9, -1.1, 0.7, 1.3, 0.4]);
    (ad.grad(par)(x).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo((ad.grad(ref)(x).toArray() as number[])[i]!, 13));
    (ad.hessian(par)(x).toArray() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo((ad.hessian(ref)(x).toArray() as number[][]).flat()[i]!, 12));
    const X = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(ad.vmap((r: ad.Tensor) => ad.associativeScan(ad.add, r))(X).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    const j = ad.jit((r: ad.Tensor) => ad.associativeScan(ad.add, r));
    j(ad.tensor([1, 1, 1, 1]));
    expect(j(ad.tensor([1, 2, 3, 4])).toArray()).toEqual([1, 3, 6, 10]);
  });

  it('bad input: leaves of different lengths, a missing axis, a result of another shape or structure, options', () => {
    expect(() => ad.associativeScan(ad.add as never, { a: ad.tensor([1, 2]), b: ad.tensor([1, 2, 3]) })).toThrow(/associativeScan: every leaf must have the same length along the scanned axis, but leaf 0 has 2 and leaf 1 has 3/);
    expect(() => ad.associativeScan(ad.add, ad.scalar(1))).toThrow(/associativeScan: axis 0 is not an axis of every leaf/);
    expect(() => ad.associativeScan(ad.add, ad.tensor([1, 2]), { axis: 1 })).toThrow(ad.InvalidArgumentError);
    expect(() => ad.associativeScan((a: ad.Tensor) => ad.sum(a), ad.tensor([1, 2, 3]))).toThrow(/associativeScan: fn\(a, b\) must combine a and b elementwise/);
    expect(() => ad.associativeScan((a: ad.Tensor) => [a], ad.tensor([1, 2, 3]))).toThrow(/associativeScan: fn must return a tree with the structure of elems/);
    expect(() => ad.associativeScan(ad.add, ad.tensor([1, 2]), { revers: true } as never)).toThrow(/associativeScan/);
    expect(() => ad.associativeScan(ad.add, ad.tensor([1, 2]), { reverse: 1 as never })).toThrow(/reverse must be true or false/);
    expect(() => ad.associativeScan('add' as never, ad.tensor([1, 2]))).toThrow(/associativeScan: fn must be a function/);
  });
});
