/**
 * @file Array helpers (src/ops/arrayHelpers.ts) against NumPy 1.24 (numpy.diff, numpy.split,
 * numpy.kron) and PyTorch 1.13 (gradients of torch.diff and torch.kron, torch's one_hot), with
 * jax.nn.one_hot's conventions for indices out of range; literals computed by a harness outside
 * the repo (/usr/bin/python3).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

// Oracles.
const DX = [[1.0, 4.0, 9.0, 16.0, 25.0], [2.0, -3.0, 0.5, 7.0, 1.0]];
const DY = [[[0, 1.0, 2.8284271247461903, 5.196152422706632], [8.0, 11.180339887498947, 14.696938456699067, 18.520259177452132], [22.627416997969522, 27.0, 31.622776601683796, 36.48287269390939]], [[41.569219381653056, 46.87216658103186, 52.38320341483518, 58.09475019311125], [64.0, 70.09279563550022, 76.36753236814712, 82.8190799272728], [89.44271909999158, 96.23408959407264, 103.18914671611545, 110.30412503619254]]];
const DIFF_1 = { shape: [2, 4], values: [[3.0, 5.0, 7.0, 9.0], [-5.0, 3.5, 6.5, -6.0]] };
const DIFF_2_AXIS1 = { shape: [2, 3], values: [[2.0, 2.0, 2.0], [8.5, 3.0, -12.5]] };
const DIFF_1_AXIS0 = { shape: [1, 5], values: [[1.0, -7.0, -8.5, -9.0, -24.0]] };
const DIFF_2_Y_AXIS1 = { shape: [2, 1, 4], values: [[[6.627416997969522, 5.6393202250021055, 5.057326813031853, 4.63850676171176]], [[3.011938481644634, 2.9206649041040578, 2.8372853946563765, 2.760715374758206]]] };
const DIFF_4 = { shape: [2, 1], values: [[0], [-10.0]] };
const SPLIT_5 = [[0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]];
const SPLIT_IDX = [[0, 1.0], [2.0, 3.0, 4.0], [5.0, 6.0], [7.0, 8.0, 9.0]];
const SPLIT_NEG = [[0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0]];
const SPLIT_OOR = [[0, 1.0, 2.0], [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], [], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]];
const SPLIT_EMPTY = [[0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]];
const SPLIT_Y = [{ shape: [2, 3, 1], values: [[[0], [8.0], [22.627416997969522]], [[41.569219381653056], [64.0], [89.44271909999158]]] }, { shape: [2, 3, 2], values: [[[1.0, 2.8284271247461903], [11.180339887498947, 14.696938456699067], [27.0, 31.622776601683796]], [[46.87216658103186, 52.38320341483518], [70.09279563550022, 76.36753236814712], [96.23408959407264, 103.18914671611545]]] }, { shape: [2, 3, 1], values: [[[5.196152422706632], [18.520259177452132], [36.48287269390939]], [[58.09475019311125], [82.8190799272728], [110.30412503619254]]] }];
const KRON_AB = { shape: [4, 6], values: [[1.0, -2.0, 2.0, -4.0, -1.0, 2.0], [3.0, 4.0, 6.0, 8.0, -3.0, -4.0], [0.5, -1.0, 3.0, -6.0, 2.0, -4.0], [1.5, 2.0, 9.0, 12.0, 6.0, 8.0]] };
const KRON_AC = { shape: [2, 9], values: [[2.0, -1.0, 0.5, 4.0, -2.0, 1.0, -2.0, 1.0, -0.5], [1.0, -0.5, 0.25, 6.0, -3.0, 1.5, 4.0, -2.0, 1.0]] };
const KRON_CD = { shape: [3, 1, 6], values: [[[0, 2.0, -0, -1.0, 0, 0.5]], [[4.0, 6.0, -2.0, -3.0, 1.0, 1.5]], [[8.0, 10.0, -4.0, -5.0, 2.0, 2.5]]] };
const KRON_CC = { shape: [9], values: [4.0, -2.0, 1.0, -2.0, 1.0, -0.5, 1.0, -0.5, 0.25] };
const KA = [[1.0, 2.0, -1.0], [0.5, 3.0, 2.0]];
const KB = [[1.0, -2.0], [3.0, 4.0]];
const KC = [2.0, -1.0, 0.5];
const KD = [[[0, 1.0]], [[2.0, 3.0]], [[4.0, 5.0]]];
const KRON_W = [[-0.7, -0.6, -0.49999999999999994, -0.3999999999999999, -0.29999999999999993, -0.19999999999999996], [-0.09999999999999987, 1.1102230246251565e-16, 0.10000000000000009, 0.20000000000000007, 0.30000000000000004, 0.40000000000000013], [0.5000000000000002, 0.6000000000000001, 0.7000000000000002, 0.8, 0.9000000000000001, 1.0000000000000002], [1.1, 1.2000000000000002, 1.3, 1.4000000000000001, 1.5000000000000002, 1.6000000000000003]];
const KRON_GRAD = { a: [[0.20000000000000084, 1.4000000000000004, 2.600000000000001], [7.400000000000001, 8.6, 9.800000000000002]], b: [[2.7500000000000004, 3.500000000000001], [7.250000000000002, 8.000000000000002]] };
const DIFF_W = [[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]];
const DIFF_GRAD = [[1.0, -4.0, 5.5, -3.0, 0.5], [3.0, -5.75, 1.5, 2.25, -1.0]];
const ONEHOT = [[[1.0, 0, 0, 0], [0, 0, 1.0, 0]], [[0, 1.0, 0, 0], [0, 1.0, 0, 0]]];

const asCase = (t: Tensor) => ({ shape: [...t.shape], values: t.toArray() });

describe('zerosLike, onesLike, fullLike', () => {
  it('take the shape, not the values', () => {
    const x = ad.tensor([[NaN, 2, 3], [4, 5, 6]]);
    expect(asCase(ad.zerosLike(x))).toEqual({ shape: [2, 3], values: [[0, 0, 0], [0, 0, 0]] });
    expect(asCase(ad.onesLike(x))).toEqual({ shape: [2, 3], values: [[1, 1, 1], [1, 1, 1]] });
    expect(asCase(ad.fullLike(x, -2.5))).toEqual({ shape: [2, 3], values: [[-2.5, -2.5, -2.5], [-2.5, -2.5, -2.5]] });
    expect(ad.zerosLike(7).shape).toEqual([]);
  });
  it('carry no gradient, and map under vmap', () => {
    expect(ad.grad((t: Tensor) => ad.sum(ad.mul(ad.onesLike(t), t)))(ad.tensor([3, 4])).toArray()).toEqual([1, 1]);
    expect(ad.vmap((t: Tensor) => ad.add(t, ad.fullLike(t, 1)))(ad.zeros([3, 2])).toArray()).toEqual([[1, 1], [1, 1], [1, 1]]);
  });
  it('name the op for a bad fill value', () => {
    expect(() => ad.fullLike(ad.zeros([2]), 'a' as unknown as number)).toThrow(ad.AdjointError);
  });
});

describe('diff, as numpy.diff', () => {
  const x = ad.tensor(DX), y = ad.tensor(DY);
  it('orders 1 to 4 along the last axis, along axis 0 and along a middle axis', () => {
    expect(asCase(ad.diff(x))).toEqual(DIFF_1);
    expect(asCase(ad.diff(x, 2, 1))).toEqual(DIFF_2_AXIS1);
    expect(asCase(ad.diff(x, 1, 0))).toEqual(DIFF_1_AXIS0);
    expect(asCase(ad.diff(y, 2, 1))).toEqual(DIFF_2_Y_AXIS1);
    expect(asCase(ad.diff(x, 4))).toEqual(DIFF_4);
  });
  it('n = 0 is x; n past the length leaves an empty axis, as NumPy', () => {
    expect(ad.diff(x, 0)).toBe(x);
    expect(ad.diff(x, 7).shape).toEqual([2, 0]);
  });
  it('its gradient is torch.diff\'s (second differences, weighted)', () => {
    const g = ad.grad((t: Tensor) => ad.sum(ad.mul(ad.diff(t, 2), ad.tensor(DIFF_W))))(x);
    expect(g.toArray()).toEqual(DIFF_GRAD);
  });
  it('errors name diff and the fix', () => {
    expect(() => ad.diff(3)).toThrow(/^diff: x is 0-d/);
    expect(() => ad.diff(x, -1)).toThrow(/^diff: the order n must be a whole number ≥ 0, got -1/);
    expect(() => ad.diff(x, 1, 2)).toThrow(/^diff: axis 2 is out of range for a tensor of rank 2/);
  });
});

describe('split, as numpy.split', () => {
  const s = ad.arange(10);
  const values = (parts: Tensor[]) => parts.map((p) => p.toArray());
  it('into equal sections, at indices, negative indices, out-of-range and out-of-order indices', () => {
    expect(values(ad.split(s, 5))).toEqual(SPLIT_5);
    expect(values(ad.split(s, [2, 5, 7]))).toEqual(SPLIT_IDX);
    expect(values(ad.split(s, [-3]))).toEqual(SPLIT_NEG);
    expect(values(ad.split(s, [3, 20, 1]))).toEqual(SPLIT_OOR);
    expect(values(ad.split(s, []))).toEqual(SPLIT_EMPTY);
    expect(ad.split(ad.tensor(DY), [1, 3], 2).map(asCase)).toEqual(SPLIT_Y);
  });
  it('gradients flow back to each part', () => {
    const f = (t: Tensor) => { const [a, b, c] = ad.split(t, [1, 3]) as [Tensor, Tensor, Tensor]; return ad.add(ad.sum(a), ad.add(ad.sum(ad.mul(b, 2)), ad.sum(ad.square(c)))); };
    expect(ad.grad(f)(ad.tensor([1, 2, 3, 4, 5])).toArray()).toEqual([1, 2, 2, 8, 10]);
  });
  it('a length that does not divide names the shapes and the fix', () => {
    expect(() => ad.split(s, 3)).toThrow(ad.ShapeError);
    expect(() => ad.split(s, 3)).toThrow(/^split: axis 0 of shape \[10\] \(length 10\) does not split into 3 equal sections; give a number of sections that divides/);
    expect(() => ad.split(s, 0)).toThrow(/^split: /);
    expect(() => ad.split(s, [1.5])).toThrow(/^split: a split index must be an integer, got 1.5/);
    expect(() => ad.split(3, 1)).toThrow(/^split: x is 0-d/);
  });
});

describe('oneHot, as jax.nn.one_hot', () => {
  it('in range as torch.nn.functional.one_hot, along a new last axis', () => {
    expect(asCase(ad.oneHot(ad.tensor([[0, 2], [1, 1]]), 4))).toEqual({ shape: [2, 2, 4], values: ONEHOT });
    expect(ad.oneHot(2, 3).toArray()).toEqual([0, 0, 1]);
    expect(ad.oneHot([1, 0], 2).toArray()).toEqual([[0, 1], [1, 0]]);
  });
  it('out of range, negative, fractional or NaN: a row of zeros (where torch throws)', () => {
    expect(ad.oneHot(ad.tensor([3, -1, 1.5, NaN]), 3).toArray()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });
  it('numClasses must be a whole number', () => {
    expect(() => ad.oneHot([0], 2.5)).toThrow(/^oneHot: numClasses must be a whole number ≥ 0, got 2.5/);
  });
});

describe('kron, as numpy.kron', () => {
  it('matrices, a matrix and a vector, operands of different ranks', () => {
    const [a, b, c, d] = [ad.tensor(KA), ad.tensor(KB), ad.tensor(KC), ad.tensor(KD)];
    expect(asCase(ad.kron(a, b))).toEqual(KRON_AB);
    expect(asCase(ad.kron(a, c))).toEqual(KRON_AC);
    expect(asCase(ad.kron(c, d))).toEqual(KRON_CD);
    expect(asCase(ad.kron(c, c))).toEqual(KRON_CC);
  });
  it('its gradient is torch.kron\'s', () => {
    const [ga, gb] = ad.grad((p: Tensor, q: Tensor) => ad.sum(ad.mul(ad.kron(p, q), ad.tensor(KRON_W))), [0, 1])(ad.tensor(KA), ad.tensor(KB)) as [Tensor, Tensor];
    const close = (t: Tensor, want: number[][]) => t.toFloat64Array().every((v, i) => Math.abs(v - want.flat()[i]!) <= 1e-12 * Math.max(1, Math.abs(want.flat()[i]!)));
    expect(close(ga, KRON_GRAD.a) && close(gb, KRON_GRAD.b)).toBe(true);
  });
  it('vmap equals a loop', () => {
    const as = ad.random.normal([3, 2, 2], 1), bs = ad.random.normal([3, 3], 2);
    const looped = ad.stack([0, 1, 2].map((i) => ad.kron(ad.take(as, i, 0), ad.take(bs, i, 0))));
    expect(ad.vmap(ad.kron)(as, bs).toArray()).toEqual(looped.toArray());
  });
});
