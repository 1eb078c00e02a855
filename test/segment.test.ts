/** @file ad.segmentSum/Mean/Max/Min/Prod (jax.ops' segment reductions) against PyTorch 1.13's scatter_reduce (values and autograd gradients), brute force, second order, vmap and jit with constant and traced ids, and errors. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

// PyTorch 1.13, float64: y = torch.full((4, 2), init).scatter_reduce(0, ids[keep] (expanded), X[keep], reduce,
// include_self = reduce in {sum, prod}); (y · W).sum().backward(). keep = 0 ≤ id < 4 (jax.ops drops the rest).
// The prod gradient agrees with a brute-force leave-one-out product.
const X = [[2, -1], [0.5, 3], [2, 4], [-3, 3], [0, -1], [9, 9], [1.5, 7]];
const IDS = [3, 0, 3, 1, 3, -1, 5];
const W = ad.tensor([[1, 2], [-1, 0.5], [3, 3], [0.25, -2]]);
const torchRef = {
  segmentSum: [[[0.5, 3], [-3, 3], [0, 0], [4, 2]], [[0.25, -2], [1, 2], [0.25, -2], [-1, 0.5], [0.25, -2], [0, 0], [0, 0]]],
  segmentMax: [[[0.5, 3], [-3, 3], [-Infinity, -Infinity], [2, 4]], [[0.125, 0], [1, 2], [0.125, -2], [-1, 0.5], [0, 0], [0, 0], [0, 0]]],
  segmentMin: [[[0.5, 3], [-3, 3], [Infinity, Infinity], [0, -1]], [[0, -1], [1, 2], [0, 0], [-1, 0.5], [0.25, -1], [0, 0], [0, 0]]],
  segmentProd: [[[0.5, 3], [-3, 3], [1, 1], [0, 4]], [[0, 8], [1, 2], [0, -2], [-1, 0.5], [1, 8], [0, 0], [0, 0]]],
} as const;
type Name = keyof typeof torchRef;
const ops: Record<Name | 'segmentMean', typeof ad.segmentSum> = {
  segmentSum: ad.segmentSum, segmentMax: ad.segmentMax, segmentMin: ad.segmentMin, segmentProd: ad.segmentProd, segmentMean: ad.segmentMean,
};

/** A seeded stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The reduction by a plain loop over the rows (ids outside [0, S) skipped). */
function naive(name: Name | 'segmentMean', x: number[][], ids: number[], S: number): number[][] {
  const init = { segmentSum: 0, segmentMean: 0, segmentMax: -Infinity, segmentMin: Infinity, segmentProd: 1 }[name];
  const f = { segmentSum: (a: number, b: number) => a + b, segmentMean: (a: number, b: number) => a + b, segmentMax: Math.max, segmentMin: Math.min, segmentProd: (a: number, b: number) => a * b }[name];
  const out = Array.from({ length: S }, () => x[0]!.map(() => init));
  const count = new Array<number>(S).fill(0);
  ids.forEach((s, i) => { if (s >= 0 && s < S) { count[s]!++; out[s] = out[s]!.map((v, c) => f(v, x[i]![c]!)); } });
  return name === 'segmentMean' ? out.map((row, s) => row.map((v) => v / Math.max(count[s]!, 1))) : out;
}

describe('segment reductions against PyTorch 1.13 scatter_reduce', () => {
  it.each(Object.keys(torchRef) as Name[])('%s: values and gradients (ties split equally; zeros in the product)', (name) => {
    const [value, gradient] = torchRef[name];
    for (const ids of [IDS, ad.tensor(IDS)]) {
      expect(ops[name](ad.tensor(X), ids, { numSegments: 4 }).toArray()).toEqual(value);
      const g = ad.grad((x: Tensor) => ad.sum(ad.mul(ops[name](x, ids, { numSegments: 4 }), W)))(ad.tensor(X));
      expect((g.toArray() as number[][]).map((row) => row.map((v) => v + 0))).toEqual(gradient); // −0 and +0 alike
    }
  });

  it('segmentMean is the sum over the count, 0 for an empty segment', () => {
    expect(ad.segmentMean(ad.tensor(X), IDS, { numSegments: 4 }).toArray()).toEqual([[0.5, 3], [-3, 3], [0, 0], [4 / 3, 2 / 3]]);
  });
});

describe('segment reductions against a loop', () => {
  const names = ['segmentSum', 'segmentMean', 'segmentMax', 'segmentMin', 'segmentProd'] as const;
  it.each(names)('%s over random ids (n = 37, 6 segments, some dropped, some zeros and ties)', (name) => {
    const r = rng(name.length);
    for (let trial = 0; trial < 4; trial++) {
      const n = [37, 1, 2, 16][trial]!;
      const ids = Array.from({ length: n }, () => Math.floor(r() * 8) - 1);
      const x = Array.from({ length: n }, () => [Math.round(r() * 6 - 3) / 2, r() * 2 - 1]);
      const got = ops[name](ad.tensor(x), ids, { numSegments: 6 }).toArray() as number[][];
      const want = naive(name, x, ids, 6);
      got.forEach((row, s) => row.forEach((v, c) => expect(v).toBeCloseTo(want[s]![c]!, 12)));
      const sorted = [...ids.keys()].sort((a, b) => ids[a]! - ids[b]!);
      expect(ops[name](ad.tensor(sorted.map((i) => x[i]!)), sorted.map((i) => ids[i]!), { numSegments: 6, indicesAreSorted: true }).toArray())
        .toEqual(ops[name](ad.tensor(sorted.map((i) => x[i]!)), sorted.map((i) => ids[i]!), { numSegments: 6 }).toArray());
    }
  });

  it('numSegments defaults to max(ids) + 1, as JAX; no rows gives the identities', () => {
    expect(ad.segmentSum(ad.tensor([1, 2, 3]), [2, 0, 2]).toArray()).toEqual([2, 0, 4]);
    expect(ad.segmentProd(ad.zeros([0, 2]), [], { numSegments: 2 }).toArray()).toEqual([[1, 1], [1, 1]]);
    expect(ad.segmentMax(ad.zeros([0]), [], { numSegments: 1 }).toArray()).toEqual([-Infinity]);
    expect(ad.segmentSum(ad.zeros([0]), []).shape).toEqual([0]);
  });

  it('segmentProd: exact gradients with one and with two zeros, NaN propagates through max', () => {
    const g = (x: number[]) => ad.grad((v: Tensor) => ad.sum(ad.segmentProd(v, x.map(() => 0))))(ad.tensor(x)).toArray();
    expect(g([2, 0, 5, 3])).toEqual([0, 30, 0, 0]);
    expect(g([2, 0, 5, 0])).toEqual([0, 0, 0, 0]);
    expect(ad.segmentMax(ad.tensor([1, NaN, 3]), [0, 0, 0]).toArray()).toEqual([NaN]);
    expect(Object.is(ad.segmentMax(ad.tensor([-0, -1]), [0, 0]).item(), -0)).toBe(true);
    expect(Object.is(ad.segmentMin(ad.tensor([0, 1]), [0, 0]).item(), 0)).toBe(true);
  });
});

describe('segment reductions: second order, vmap and jit', () => {
  const x = ad.tensor([[0.3, -1.2], [0.7, 2.1], [-0.4, 0.9], [1.3, -0.6], [0.2, 1.7]]);
  const ids = [1, 0, 1, 1, 2];
  it.each(['segmentSum', 'segmentMean', 'segmentProd', 'segmentMax', 'segmentMin'] as const)('%s: checkGrad to second order (no ties)', (name) => {
    expect(ad.checkGrad((v: Tensor) => ops[name](v, ids, { numSegments: 3 }), [x], { order: 2 }).ok).toBe(true);
  });

  it.each(['segmentSum', 'segmentMean', 'segmentProd', 'segmentMax', 'segmentMin'] as const)('%s: vmap and jit, ids constant or traced, equal eager', (name) => {
    const f = (v: Tensor, i: Tensor) => ops[name](v, i, { numSegments: 3 });
    const batch = ad.stack([x, ad.mul(x, 2), ad.neg(x)]);
    const idsBatch = ad.tensor([ids, [0, 0, 2, 1, 1], [2, 2, 2, 0, 5]]);
    const eager = [0, 1, 2].map((b) => f(ad.take(batch, b, 0), ad.take(idsBatch, b, 0)).toArray());
    expect(ad.vmap(f)(batch, idsBatch).toArray()).toEqual(eager);                       // traced ids
    expect(ad.vmap((v: Tensor) => f(v, ad.tensor(ids)))(batch).toArray())
      .toEqual([0, 1, 2].map((b) => f(ad.take(batch, b, 0), ad.tensor(ids)).toArray())); // constant ids
    const jitted = ad.jit(f);
    for (let b = 0; b < 3; b++) expect(jitted(ad.take(batch, b, 0), ad.take(idsBatch, b, 0)).toArray()).toEqual(eager[b]);
    const gradEager = ad.grad((v: Tensor) => ad.sum(ad.mul(f(v, ad.tensor(ids)), W.slice([0, 0], [3, 2]))))(x).toArray();
    expect(ad.jit(ad.grad((v: Tensor, i: Tensor) => ad.sum(ad.mul(f(v, i), ad.slice(W, [0, 0], [3, 2])))))(x, ad.tensor(ids)).toArray()).toEqual(gradEager);
  });
});

describe('segment reductions: errors name the op, the shapes and the fix', () => {
  it('bad ids and options', () => {
    expect(() => ad.segmentSum(ad.zeros([3, 2]), [0, 1])).toThrow(/segmentSum: segmentIds of shape \[2\] must be 1-d with one id per row of data \(shape \[3,2\]\), i\.e\. \[3\]/);
    expect(() => ad.segmentMax(ad.zeros([3]), [[0, 1, 2]])).toThrow(ad.ShapeError);
    expect(() => ad.segmentProd(ad.zeros([2]), [0, 0.5])).toThrow(/segmentProd: segment id 0.5 at position 1 .*not an integer/);
    expect(() => ad.segmentMin(ad.zeros([2]), [0, 1], { numSegments: -1 })).toThrow(/segmentMin: numSegments must be a whole number ≥ 0/);
    expect(() => ad.segmentSum(ad.zeros([2]), [1, 0], { indicesAreSorted: true })).toThrow(/segmentSum: indicesAreSorted is true but segmentIds \[2\] are not sorted/);
    expect(() => ad.segmentSum(ad.zeros([2]), [1, 0], { num: 2 } as never)).toThrow(/segmentSum/);
  });

  it('traced ids need numSegments; traced non-integer ids fail in the op', () => {
    expect(() => ad.vmap((v: Tensor, i: Tensor) => ad.segmentSum(v, i))(ad.zeros([2, 3]), ad.zeros([2, 3])))
      .toThrow(/segmentSum: the segment ids are traced .*pass \{ numSegments \}/);
    const jitted = ad.jit((v: Tensor, i: Tensor) => ad.segmentMean(v, i, { numSegments: 2 }));
    jitted(ad.zeros([2]), ad.tensor([0, 1]));
    expect(() => jitted(ad.zeros([2]), ad.tensor([0, 0.5]))).toThrow(/segmentMean.*not an integer/);
  });
});
