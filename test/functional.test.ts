/**
 * @file torch.nn.functional's and jax.nn's composites (src/ops/functional.ts, rmsNorm) against PyTorch 1.13's
 * values and autograd gradients (test/functionalReference.py), their conventions at kinks and NaN, second
 * derivatives by checkGrad, and dropout (flax's mask) and jax.lax.dynamic_slice / dynamic_update_slice
 * (XLA's clamped starts) under vmap, jit and grad.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference } from './functionalReference.js';

const x = ad.tensor([[-1.5, 0.2, 0.7, -0.3], [2.0, -0.6, 0.0, 1.1], [0.5, 0.5, -2.5, 0.9]]);
const y2 = ad.tensor([[0.0, 0.2, 0.7, -0.3], [1, 1, 1, 1]]);

/** Value and the gradients of Σ (1, 2, 3, …) ∘ f(args) in each argument, as the reference computes them. */
function valueAndGrads(f: (...args: Tensor[]) => Tensor, args: Tensor[]): { value: Tensor; grads: Tensor[] } {
  const value = f(...args);
  const weights = ad.reshape(ad.arange(1, value.size + 1), [...value.shape]);
  const grads = ad.grad((...a: Tensor[]) => ad.sum(ad.mul(f(...a), weights)), args.map((_, i) => i))(...args) as Tensor[];
  return { value, grads };
}

function expectClose(got: Tensor, want: unknown, tol: number): void {
  const g = (got.toFloat64Array()), w = (want as number[]).flat(4) as number[];
  expect(g.length).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    const scale = Math.max(1, Math.abs(w[i]!));
    expect(Math.abs(g[i]! - w[i]!), `entry ${i}: ${g[i]} against ${w[i]}`).toBeLessThanOrEqual(tol * scale);
  }
}

describe('against torch.nn.functional (values and gradients, float64)', () => {
  const w = ad.tensor([0.5, -1.0, 2.0, 1.5]);
  const x4 = ad.tensor([[[-1.0, 2.0], [0.5, -3.0]], [[0.0, -0.5], [4.0, -1.0]]]);
  const cases: Array<[string, (...a: Tensor[]) => Tensor, Tensor[]]> = [
    ['rmsNorm', (a, b) => ad.rmsNorm(a, [4], { weight: b }), [x, w]],
    ['normalize', (a) => ad.normalize(a), [x]],
    ['normalizeP1Axis0', (a) => ad.normalize(a, { p: 1, axis: 0 }), [x]],
    ['normalizePInf', (a) => ad.normalize(a, { p: Infinity }), [x]],
    ['cdist2', (a, b) => ad.cdist(a, b), [x, y2]],
    ['cdist1', (a, b) => ad.cdist(a, b, 1), [x, y2]],
    ['cdist3', (a, b) => ad.cdist(a, b, 3), [x, y2]],
    ['cdistInf', (a, b) => ad.cdist(a, b, Infinity), [x, y2]],
    ['cdist0.5', (a, b) => ad.cdist(a, b, 0.5), [x, y2]],
    ['cdistCoincident', (a) => ad.cdist(a, ad.tensor([[0.0, 0.2, 0.7, -0.3], [1, 0, 0, 0]])), [ad.tensor([[0.0, 0.2, 0.7, -0.3]])]],
    ['prelu', (a, b) => ad.prelu(a, b), [x4, ad.tensor([0.25, -0.5])]],
    ['glu', (a) => ad.glu(a), [x]],
    ['gluAxis0', (a) => ad.glu(ad.concat([a, ad.mul(a, 0.5)], 0), 0), [x]],
    ['softmin', (a) => ad.softmin(a, 1), [x]],
    ['hardShrink', (a) => ad.hardShrink(a), [x]],
    ['softShrink', (a) => ad.softShrink(a, 0.5), [x]],
    ['tanhShrink', (a) => ad.tanhShrink(a), [x]],
    ['threshold', (a) => ad.threshold(a, 0.2, -7), [x]],
  ];
  it.each(cases)('%s', (name, f, args) => {
    const ref = reference[name]!;
    const { value, grads } = valueAndGrads(f, args);
    expectClose(value, ref.value, 1e-14);
    grads.forEach((g, i) => expectClose(g, ref.grads[i], 1e-12));
  });

  it('second derivatives by finite differences (checkGrad, order 2)', () => {
    const smooth = ad.tensor([[-1.5, 0.2, 0.7, -0.3], [2.0, -0.6, 0.1, 1.1]]);
    for (const f of [
      (a: Tensor) => ad.rmsNorm(a, 4, { weight: ad.tensor([0.5, -1, 2, 1.5]) }),
      (a: Tensor) => ad.normalize(a, { p: 3 }),
      (a: Tensor) => ad.cdist(a, ad.tensor([[0.3, -0.1, 0.2, 0.5]])),
      (a: Tensor) => ad.glu(a),
      (a: Tensor) => ad.softmin(a),
      (a: Tensor) => ad.tanhShrink(a),
    ]) ad.assertGrad((a: Tensor) => ad.sum(ad.mul(f(a), f(a))), [smooth], { order: 2 });
  });

  it("NaN and the kinks as torch's: hardShrink and threshold keep NaN, softShrink gives 0; prelu's slope at 0", () => {
    expect(ad.hardShrink(ad.tensor([NaN, 0.5, -0.5])).toArray()).toEqual([NaN, 0, 0]);
    expect(ad.softShrink(ad.tensor([NaN])).toArray()).toEqual([0]);
    expect(ad.threshold(ad.tensor([NaN, 0.2]), 0.2, -7).toArray()).toEqual([NaN, -7]);
    expect(ad.grad((a: Tensor) => ad.sum(ad.prelu(a, ad.tensor([0.25]))))(ad.tensor([0, 1, -1])).toArray()).toEqual([0.25, 1, 0.25]);
    // A zero slice: divided by ε, its gradient finite (torch's 1/ε).
    expect(ad.normalize(ad.tensor([[0, 0]])).toArray()).toEqual([[0, 0]]);
    expect(ad.grad((a: Tensor) => ad.sum(ad.normalize(a)))(ad.tensor([[0, 0]])).toArray()).toEqual([[1e12, 1e12]]);
  });

  it("cdist with p = ∞ gives each coordinate at the maximum the whole gradient (torch's), and rows of length 0 are 0 apart", () => {
    // torch.cdist([[0, 1, 2]], [[1, 0, 1]], p=inf).sum().backward(): [[-1, 1, 1]] (all three differences are 1).
    expect(ad.grad((a: Tensor) => ad.sum(ad.cdist(a, ad.tensor([[1, 0, 1]]), Infinity)))(ad.tensor([[0, 1, 2]])).toArray()).toEqual([[-1, 1, 1]]);
    for (const p of [0, 1, 2, 3, Infinity]) expect(ad.cdist(ad.zeros([2, 0]), ad.zeros([3, 0]), p).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('checks its arguments', () => {
    expect(() => ad.glu(ad.ones([3]))).toThrow(/glu: axis -1 of the input \[3\] has odd length 3/);
    expect(() => ad.prelu(ad.ones([2, 3]), ad.ones([2]))).toThrow(/prelu: weight of shape \[2\] must have one entry, or one per channel/);
    expect(() => ad.cdist(ad.ones([2, 3]), ad.ones([2, 2]))).toThrow(/cdist: x1 \[2,3\] and x2 \[2,2\]/);
    expect(() => ad.cdist(ad.ones([2, 3]), ad.ones([2, 3]), -1)).toThrow(/cdist: p must be a number ≥ 0/);
    expect(() => ad.softShrink(x, -1)).toThrow(/softShrink: lambd must be a finite number ≥ 0/);
    expect(() => ad.normalize(x, { dim: 1 } as never)).toThrow(/normalize: unknown option 'dim'/);
    expect(() => ad.rmsNorm(x, [3])).toThrow(/rmsNorm: normalizedShape \[3\] must be the trailing axes/);
    expect(() => ad.dropout(ad.random.key(0), x, 1.5)).toThrow(/dropout: rate is the probability of dropping an entry/);
  });
});

describe('dropout', () => {
  it("keeps each entry with probability 1 − rate, scaled by 1/(1 − rate), with flax's mask (random.bernoulli)", () => {
    const key = ad.random.key(3);
    const out = ad.dropout(key, ad.full([2000], 2), 0.25).toFloat64Array();
    const mask = ad.random.bernoulli(key, 0.75, [2000]).toFloat64Array();
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(mask[i] ? 2 / 0.75 : 0);
    const kept = mask.reduce((a, b) => a + b, 0) / mask.length;
    expect(Math.abs(kept - 0.75)).toBeLessThan(4 * Math.sqrt(0.75 * 0.25 / 2000));
  });
  it('rate 0 is x, rate 1 zeros; the gradient is the mask over keep', () => {
    const key = ad.random.key(1), v = ad.tensor([1, -2, 3]);
    expect(ad.dropout(key, v, 0)).toBe(v);
    expect(ad.dropout(key, v, 1).toArray()).toEqual([0, 0, 0]);
    const g = ad.grad((a: Tensor) => ad.sum(ad.dropout(key, a, 0.5)))(ad.ones([64])).toFloat64Array();
    const m = ad.random.bernoulli(key, 0.5, [64]).toFloat64Array();
    g.forEach((gi, i) => expect(gi).toBe(m[i] ? 2 : 0));
  });
});

describe('pixelShuffle, pixelUnshuffle and gumbelSoftmax', () => {
  it("pixelShuffle is torch's (values of torch.nn.functional.pixel_shuffle(arange(96).reshape(2, 8, 2, 3), 2)); unshuffle inverts it", () => {
    const x = ad.reshape(ad.arange(96), [2, 8, 2, 3]);
    const y = ad.pixelShuffle(x, 2);
    expect(y.shape).toEqual([2, 2, 4, 6]);
    expect(Array.from(y.toFloat64Array()).slice(0, 20)).toEqual([0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20, 3, 9, 4, 10, 5, 11, 15, 21]);
    expect(ad.pixelUnshuffle(y, 2).toArray()).toEqual(x.toArray());
    expect(ad.pixelShuffle(ad.reshape(ad.arange(9), [9, 1, 1]), 3).shape).toEqual([1, 3, 3]);
    expect(() => ad.pixelShuffle(ad.ones([3, 2, 2]), 2)).toThrow(/pixelShuffle: the input \[3,2,2\] must be \[\.\.\., C·r², H, W\] with r = 2/);
    expect(() => ad.pixelUnshuffle(ad.ones([1, 3, 2]), 2)).toThrow(/pixelUnshuffle: the input \[1,3,2\] must be/);
  });
  it('gumbelSoftmax: softmax((logits + Gumbel noise from the key)/τ); hard gives the one-hot with the soft gradient', () => {
    const key = ad.random.key(4), logits = ad.tensor([[1, 2, 3], [0, -1, 0.5]]);
    const soft = ad.gumbelSoftmax(key, logits, { tau: 0.5 });
    expect(soft.toArray()).toEqual(ad.softmax(ad.div(ad.add(logits, ad.random.gumbel(key, [2, 3])), 0.5), -1).toArray());
    const hard = ad.gumbelSoftmax(key, logits, { tau: 0.5, hard: true });
    const rows = hard.toArray() as number[][];
    rows.forEach((row, i) => {
      expect(row.filter((v) => v === 1).length).toBe(1);
      expect(row.indexOf(1)).toBe((ad.maxIndex(soft, -1).toArray() as number[])[i]);
    });
    const w = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    const g = (h: boolean) => ad.grad((l: Tensor) => ad.sum(ad.mul(ad.gumbelSoftmax(key, l, { tau: 0.5, hard: h }), w)))(logits).toArray();
    expect(g(true)).toEqual(g(false));
    expect(() => ad.gumbelSoftmax(key, logits, { tau: 0 })).toThrow(/gumbelSoftmax: tau must be a finite number > 0/);
  });
});

describe('dynamicSlice and dynamicUpdateSlice (jax.lax), negative starts from the end, then clamped as XLA clamps them', () => {
  const grid = ad.reshape(ad.arange(12), [3, 4]);
  it('slices at number or tensor starts, clamped into range', () => {
    expect(ad.dynamicSlice(ad.arange(6), [ad.scalar(4)], [3]).toArray()).toEqual([3, 4, 5]);
    // A negative start counts from the end (jax.lax's _dynamic_slice_indices): −2 of 4 is 2.
    expect(ad.dynamicSlice(grid, [1, ad.scalar(-2)], [2, 2]).toArray()).toEqual([[6, 7], [10, 11]]);
    expect(ad.dynamicSlice(ad.arange(6), [-2], [2]).toArray()).toEqual([4, 5]);
    expect(ad.dynamicSlice(ad.arange(6), [-9], [2]).toArray()).toEqual([0, 1]); // −9 + 6 = −3, clamped to 0
    expect(ad.dynamicSlice(grid, ad.tensor([2, 1]), [1, 3]).toArray()).toEqual([[9, 10, 11]]);
    expect(ad.dynamicSlice(grid, [0, 0], [3, 0]).shape).toEqual([3, 0]);
  });
  it('updates a block, clamped into range; the gradient splits between x and the update', () => {
    expect(ad.dynamicUpdateSlice(ad.zeros([5]), ad.tensor([1, 2]), [ad.scalar(1)]).toArray()).toEqual([0, 1, 2, 0, 0]);
    expect(ad.dynamicUpdateSlice(ad.zeros([5]), ad.tensor([1, 2]), [9]).toArray()).toEqual([0, 0, 0, 1, 2]);
    expect(ad.dynamicUpdateSlice(ad.zeros([5]), ad.tensor([1]), [-1]).toArray()).toEqual([0, 0, 0, 0, 1]);
    expect(ad.vmap((s: Tensor) => ad.dynamicUpdateSlice(ad.zeros([4]), ad.tensor([7]), [s]))(ad.tensor([-1, 0])).toArray()).toEqual([[0, 0, 0, 7], [7, 0, 0, 0]]);
    expect(ad.dynamicUpdateSlice(ad.zeros([3, 4]), ad.ones([2, 2]), [5, 1]).toArray()).toEqual([[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0]]);
    const [gx, gu] = ad.grad((a: Tensor, u: Tensor) => ad.sum(ad.mul(ad.dynamicUpdateSlice(a, u, [ad.scalar(1)]), ad.tensor([1, 2, 3, 4]))), [0, 1])(ad.zeros([4]), ad.ones([2]));
    expect(gx!.toArray()).toEqual([1, 0, 0, 4]);
    expect(gu!.toArray()).toEqual([2, 3]);
  });
  it('takes per-example starts under vmap and traced starts under jit', () => {
    expect(ad.vmap((s: Tensor) => ad.dynamicSlice(ad.arange(6), [s], [2]))(ad.tensor([0, 2, 5])).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(ad.vmap((s: Tensor) => ad.dynamicUpdateSlice(ad.zeros([4]), ad.tensor([7, 8]), [s]))(ad.tensor([0, 1, 3])).toArray())
      .toEqual([[7, 8, 0, 0], [0, 7, 8, 0], [0, 0, 7, 8]]);
    const jitted = ad.jit((a: Tensor, s: Tensor) => ad.dynamicSlice(a, [s], [2]));
    expect(jitted(ad.arange(6), ad.scalar(3)).toArray()).toEqual([3, 4]);
    expect(jitted(ad.arange(6), ad.scalar(0)).toArray()).toEqual([0, 1]);
    // A window walked by scan: the running sums of three consecutive entries.
    const xs = ad.arange(1, 7);
    const [, ys] = ad.scan((i: Tensor) => [ad.add(i, 1), ad.sum(ad.dynamicSlice(xs, [i], [3]))] as const, ad.scalar(0), { length: 4 });
    expect((ys as Tensor).toArray()).toEqual([6, 9, 12, 15]);
  });
  it('checks its arguments', () => {
    expect(() => ad.dynamicSlice(grid, [1], [2, 2])).toThrow(/dynamicSlice: startIndices must list one start/);
    expect(() => ad.dynamicSlice(grid, [0, 0], [4, 2])).toThrow(/dynamicSlice: sliceSizes .* must give one whole size per axis/);
    expect(() => ad.dynamicSlice(grid, [0.5, 0], [1, 2])).toThrow(/dynamicSlice: start 0.5 of axis 0 must be an integer/);
    expect(() => ad.dynamicUpdateSlice(grid, ad.ones([4, 1]), [0, 0])).toThrow(/dynamicUpdateSlice: update \[4,1\] must have the rank of x \[3,4\] and fit inside it/);
  });
});
