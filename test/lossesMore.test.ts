/**
 * @file The PyTorch losses and functional ops of src/losses/torchLikelihood.ts, src/losses/torchMargin.ts and
 * src/ops/pairwiseDistance.ts, and softplus's beta and threshold, against PyTorch 1.13's values and autograd
 * gradients (test/lossesMoreReference.py): every option and reduction, inputs on the kinks; then second-order
 * gradient checks, vmap and jit against the eager values, the deliberate differences, and the errors.
 * Also binaryCrossEntropyWithLogits's target shape (it broadcast [4, 1] against [4] into a [4, 4] loss).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference } from './lossesMoreReference.js';

type Options = Record<string, unknown>;
const tensorOptions = (o: Options): Options =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? ad.tensor(v as number[]) : v]));

/** Each reference case's call: the arguments (as tensors) and its options, as the test calls adjoint. */
const calls: Record<string, (args: Tensor[], o: Options) => Tensor> = {
  poissonNllLoss: ([x, t], o) => ad.poissonNllLoss(x!, t!, o),
  gaussianNllLoss: ([x, t, v], o) => ad.gaussianNllLoss(x!, t!, v!, o),
  binaryCrossEntropy: ([x, t], o) => ad.binaryCrossEntropy(x!, t!, o),
  huberLoss: ([x, t], o) => ad.huberLoss(x!, t!, o),
  softMarginLoss: ([x, t], o) => ad.softMarginLoss(x!, t!, o),
  multilabelSoftMarginLoss: ([x, t, w], o) => ad.multilabelSoftMarginLoss(x!, t!, { ...o, weight: w }),
  marginRankingLoss: ([a, b, y], o) => ad.marginRankingLoss(a!, b!, y!, o),
  hingeEmbeddingLoss: ([x, t], o) => ad.hingeEmbeddingLoss(x!, t!, o),
  multiMarginLoss: ([x, t], o) => ad.multiMarginLoss(x!, t!, o),
  multilabelMarginLoss: ([x, t], o) => ad.multilabelMarginLoss(x!, t!, o),
  cosineEmbeddingLoss: ([a, b, y], o) => ad.cosineEmbeddingLoss(a!, b!, y!, o),
  tripletMarginLoss: ([a, p, n], o) => ad.tripletMarginLoss(a!, p!, n!, o),
  pairwiseDistance: ([a, b], o) => ad.pairwiseDistance(a!, b!, o),
  softplus: ([x], o) => ad.softplus(x!, o),
};

let worst = 0;
function expectClose(got: Tensor, want: unknown, tol: number, what: string): void {
  const g = got.toFloat64Array(), v = [want].flat(4) as number[];
  expect(g.length, what).toBe(v.length);
  v.forEach((wi, i) => {
    const error = Math.abs(g[i]! - wi) / Math.max(1, Math.abs(wi));
    worst = Math.max(worst, error);
    expect(error, `${what}, entry ${i}: ${g[i]} against ${wi}`).toBeLessThanOrEqual(tol);
  });
}

describe('the losses against torch.nn.functional (values, and gradients in every float argument)', () => {
  it.each(reference.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const args = (c.args as unknown as unknown[]).map((a) => ad.tensor(a as number[]));
    const call = calls[c.fn]!, options = tensorOptions(c.options as Options);
    const value = call(args, options);
    expect(value.shape, 'shape').toEqual(ad.tensor(c.value as unknown as number[]).shape);
    expectClose(value, c.value, 1e-12, 'value');
    const weights = ad.reshape(ad.arange(1, value.size + 1), [...value.shape]);
    const argnums = c.grad as unknown as number[];
    if (argnums.length === 0) return;
    const loss = (...xs: Tensor[]) => ad.sum(ad.mul(call(xs, options), weights));
    const grads = ad.grad(loss, argnums)(...args) as Tensor[];
    argnums.forEach((_, k) => expectClose(grads[k]!, (c.grads as unknown as unknown[])[k], 1e-12, `gradient ${k}`));
  });

  it('agrees to 1e-12 (relative, absolute below 1)', () => expect(worst).toBeLessThanOrEqual(1e-12));
});

describe('transformations', () => {
  const x = ad.tensor([[0.3, -1.2, 2.5, 0.4], [1.1, 0.7, -0.4, 3]]), t = ad.tensor([[0.1, 0.2, 1.5, -1], [1, 0.4, 0.5, 2]]);
  const v = ad.tensor([[0.5, 1, 2, 0.3], [1.5, 0.25, 3, 0.8]]);
  it('second-order gradients check against finite differences', () => {
    ad.assertGrad((a: Tensor, b: Tensor, c: Tensor) => ad.gaussianNllLoss(a, b, c, { full: true }), [x, t, v], { order: 2 });
    ad.assertGrad((a: Tensor, b: Tensor) => ad.poissonNllLoss(a, b, { full: true, reduction: 'sum' }), [x, ad.add(ad.abs(t), 0.05)], { order: 2 }); // (no target at 1, where full's term jumps)
    ad.assertGrad((a: Tensor, b: Tensor) => ad.binaryCrossEntropy(a, b), [ad.sigmoid(x), ad.sigmoid(t)], { order: 2 });
    ad.assertGrad((a: Tensor, b: Tensor) => ad.cosineEmbeddingLoss(a, b, ad.tensor([1, -1]), { margin: -0.5 }), [x, t], { order: 2 });
    ad.assertGrad((a: Tensor, p: Tensor, n: Tensor) => ad.tripletMarginLoss(a, p, n, { margin: 5, p: 3 }), [x, t, v], { order: 2 });
    ad.assertGrad((a: Tensor, b: Tensor, w: Tensor) => ad.multilabelSoftMarginLoss(a, b, { weight: w }), [x, ad.sigmoid(t), ad.tensor([1, 2, 0.5, 3])], { order: 2 });
    ad.assertGrad((a: Tensor) => ad.softplus(a, { beta: 2, threshold: 3 }), [x], { order: 2 });
    ad.assertGrad((a: Tensor) => ad.multiMarginLoss(a, ad.tensor([2, 0]), { p: 2 }), [x], { order: 2 });
  });

  it('vmap over examples is the batched call, and jit replays the eager values', () => {
    const perExample = ad.vmap((a: Tensor, p: Tensor, n: Tensor) => ad.tripletMarginLoss(a, p, n, { reduction: 'none' }));
    expect(perExample(x, t, v).toArray()).toEqual(ad.tripletMarginLoss(x, t, v, { reduction: 'none' }).toArray());
    const gaussian = ad.vmap((a: Tensor, b: Tensor, c: Tensor) => ad.gaussianNllLoss(a, b, c, { reduction: 'sum' }));
    expect(gaussian(x, t, v).toArray()).toEqual(ad.sum(ad.gaussianNllLoss(x, t, v, { reduction: 'none' }), -1).toArray());
    const scores = ad.tensor([[0.1, 0.2, 0.4, 0.8], [0.3, -0.2, 0.9, 1.3]]), lists = ad.tensor([[3, 0, -1, 1], [1, 2, 3, 0]]);
    const loss = (a: Tensor) => ad.add(ad.multilabelMarginLoss(a, lists), ad.multiMarginLoss(a, ad.tensor([1, 3]), { p: 2 }));
    const jitted = ad.jit(ad.valueAndGrad(loss));
    const [value, gradient] = jitted(scores);
    expect(value.item()).toBe(loss(scores).item());
    expect(gradient.toArray()).toEqual(ad.grad(loss)(scores).toArray());
    expect(jitted(ad.mul(scores, 2))[0].item()).toBe(loss(ad.mul(scores, 2)).item());
    const bce = ad.jit((a: Tensor) => ad.grad((u: Tensor) => ad.binaryCrossEntropy(u, ad.tensor([1, 0, 1])))(a));
    expect(bce(ad.tensor([0, 0.5, 1e-13])).toArray()).toEqual(ad.grad((u: Tensor) => ad.binaryCrossEntropy(u, ad.tensor([1, 0, 1])))(ad.tensor([0, 0.5, 1e-13])).toArray());
    const [, tangent] = ad.jvp((a: Tensor) => ad.pairwiseDistance(a, t), [x], [ad.onesLike(x)]);
    expect(tangent.shape).toEqual([2]);
  });
});

describe('where adjoint differs from torch 1.13, on purpose', () => {
  it('softMarginLoss stays finite where torch overflows (∞, NaN gradient)', () => {
    expect(ad.softMarginLoss(ad.tensor([-1000, 800]), ad.tensor([1, -1]), { reduction: 'none' }).toArray()).toEqual([1000, 800]);
    expect(ad.grad((a: Tensor) => ad.softMarginLoss(a, ad.tensor([1, -1]), { reduction: 'sum' }))(ad.tensor([-1000, 800])).toArray()).toEqual([-1, 1]);
  });
  it("poissonNllLoss with full: a target 0's gradient is 0 (torch: NaN)", () => {
    const g = ad.grad((t: Tensor) => ad.poissonNllLoss(ad.tensor([0.5, 0.2]), t, { full: true, reduction: 'sum' }))(ad.tensor([0, 3]));
    expect((g.toArray() as number[])[0]).toBe(-0.5);
  });
  it("multiMarginLoss's 'mean' over an empty batch is NaN (torch returns uninitialised memory)", () => {
    expect(ad.multiMarginLoss(ad.zeros([0, 3]), ad.zeros([0])).item()).toBeNaN();
    expect(ad.multiMarginLoss(ad.zeros([0, 3]), ad.zeros([0]), { reduction: 'sum' }).item()).toBe(0);
  });
  it('binaryCrossEntropy: the gradient in the target where x is 0 or 1 is the clamped slope (torch: ±∞)', () => {
    const g = ad.grad((y: Tensor) => ad.binaryCrossEntropy(ad.tensor([0, 1]), y, { reduction: 'sum' }))(ad.tensor([0.5, 0.5]));
    expect(g.toArray()).toEqual([100, -100]);
  });
});

describe('errors', () => {
  const m = ad.tensor([[0.1, 0.2, 0.4], [0.3, 0.5, 0.9]]);
  it('binaryCrossEntropyWithLogits refuses a target that would broadcast (it made a [4, 4] loss of [4, 1] against [4])', () => {
    const input = ad.tensor([[0.5], [-1], [2], [0]]), target = ad.tensor([1, 0, 1, 0]);
    expect(() => ad.binaryCrossEntropyWithLogits(input, target)).toThrow(ad.ShapeError);
    expect(() => ad.binaryCrossEntropyWithLogits(input, target)).toThrow(
      /binaryCrossEntropyWithLogits: the target has shape \[4\] and the input \[4,1\]; they must have the same shape, as in PyTorch \(broadcasting them would give a \[4,4\] loss\)\. Reshape one .*ad\.reshape\(target, \[4,1\]\)/,
    );
    expect(ad.binaryCrossEntropyWithLogits(input, ad.reshape(target, [4, 1]), { reduction: 'none' }).shape).toEqual([4, 1]);
    expect(() => ad.binaryCrossEntropyWithLogits(m, m, { weight: ad.ones([2, 2, 3]) })).toThrow(/binaryCrossEntropyWithLogits: weight of shape \[2,2,3\] would make the loss \[2,2,3\], not the input's shape \[2,3\]/);
    expect(() => ad.binaryCrossEntropyWithLogits(m, m, { posWeight: ad.ones([2]) })).toThrow(/posWeight of shape \[2\] does not broadcast to the input's shape \[2,3\]/);
    expect(ad.binaryCrossEntropyWithLogits(m, m, { weight: ad.ones([2, 1]), posWeight: ad.ones([3]), reduction: 'none' }).shape).toEqual([2, 3]);
  });
  it('binaryCrossEntropy: shapes, and probabilities in [0, 1]', () => {
    expect(() => ad.binaryCrossEntropy(ad.tensor([[0.5], [0.2]]), ad.tensor([1, 0]))).toThrow(/binaryCrossEntropy: the target has shape \[2\] and the input \[2,1\]/);
    expect(() => ad.binaryCrossEntropy(ad.tensor([1.2]), ad.tensor([1]))).toThrow(/binaryCrossEntropy: the input holds probabilities, in \[0, 1\]; entry 0 is 1.2/);
    expect(() => ad.jit((a: Tensor) => ad.binaryCrossEntropy(a, ad.tensor([1])))(ad.tensor([-0.5]))).toThrow(/entry 0 is -0.5/);
  });
  it('gaussianNllLoss: the variance shape and sign', () => {
    expect(() => ad.gaussianNllLoss(m, m, ad.ones([3]))).toThrow(/gaussianNllLoss: the variance has shape \[3\]; an input of shape \[2,3\] needs \[2,3\], \[2\] or \[2,1\]/);
    expect(() => ad.gaussianNllLoss(m, m, ad.tensor([[1, 2, 3], [1, -1, 1]]))).toThrow(/gaussianNllLoss: the variance has a negative entry, -1 \(entry 4\)/);
    expect(ad.gaussianNllLoss(m, m, 2, { reduction: 'none' }).shape).toEqual([2, 3]);
  });
  it('the class-index losses check shapes and classes', () => {
    expect(() => ad.multiMarginLoss(m, ad.tensor([0, 3]))).toThrow(/multiMarginLoss: target 3 \(entry 1\) is not a class in \[0, 3\)/);
    expect(() => ad.multiMarginLoss(m, ad.tensor([0, 1]), { p: 3 as 1 })).toThrow(/multiMarginLoss: p must be 1 or 2/);
    expect(() => ad.multiMarginLoss(m, ad.tensor([0, 1]), { weight: ad.ones([2]) })).toThrow(/multiMarginLoss: the weight has shape \[2\]; it must have one entry per class, shape \[3\]/);
    expect(() => ad.multiMarginLoss(ad.ones([2, 3, 2]), ad.tensor([0, 1]))).toThrow(/the scores must have shape \[C\] or \[N, C\]/);
    expect(() => ad.multiMarginLoss(m, ad.tensor([0, 1, 2]))).toThrow(/multiMarginLoss: the target has shape \[3\]; scores of shape \[2,3\] need a target of shape \[2\]/);
    expect(() => ad.multilabelMarginLoss(m, ad.tensor([[0, -1, 9], [1, 2, -1]]))).toThrow(/multilabelMarginLoss: target 9 \(entry 2\) is not −1 nor a class in \[0, 3\)/);
    expect(() => ad.multilabelMarginLoss(m, ad.tensor([[-2, -1, 0], [1, 2, -1]]))).toThrow(/target -2/);
    expect(() => ad.multilabelMarginLoss(m, ad.tensor([0, 1]))).toThrow(/multilabelMarginLoss: the target has shape \[2\]; scores of shape \[2,3\] need a target of shape \[2,3\]/);
  });
  it('the pair and triplet losses check their shapes', () => {
    expect(() => ad.marginRankingLoss(ad.tensor([1]), ad.tensor([0.5, 0]), ad.tensor([1, -1]))).toThrow(/marginRankingLoss: the x2 has shape \[2\] and the x1 \[1\]/);
    expect(() => ad.cosineEmbeddingLoss(m, m, ad.tensor([[1], [1]]))).toThrow(/cosineEmbeddingLoss: x1 \[2,3\] and x2 \[2,3\] must both be \[N, D\] with y \[N\], or both \[D\] with a 0-d y/);
    expect(() => ad.cosineEmbeddingLoss(m, m, ad.tensor([1, 1, -1]))).toThrow(/cosineEmbeddingLoss: y has shape \[3\]; .* need y of shape \[2\]/);
    expect(() => ad.tripletMarginLoss(m, ad.tensor([1, 2, 3]), m)).toThrow(/tripletMarginLoss: anchor \[2,3\], positive \[3\] and negative \[2,3\] must have the same number of axes/);
    expect(() => ad.multilabelSoftMarginLoss(m, ad.ones([3, 3]))).toThrow(/multilabelSoftMarginLoss: the target of shape \[3,3\] does not broadcast to the input's shape \[2,3\]/);
    expect(() => ad.softMarginLoss(ad.ones([2, 1]), ad.ones([2]))).toThrow(/softMarginLoss: the target of shape \[2\] would make the loss \[2,2\]/);
  });
  it('options', () => {
    expect(() => ad.huberLoss(m, m, { delta: 0 })).toThrow(/huberLoss: delta must be a finite number > 0, got number 0\./);
    expect(() => ad.poissonNllLoss(m, m, { reduction: 'avg' as 'sum' })).toThrow(/poissonNllLoss: reduction must be 'mean', 'sum' or 'none'/);
    expect(() => ad.tripletMarginLoss(m, m, m, { p: -1 })).toThrow(/tripletMarginLoss: p must be a number ≥ 0/);
    expect(() => ad.pairwiseDistance(m, m, { keep_dim: true } as never)).toThrow(/pairwiseDistance: unknown option 'keep_dim'/);
    expect(() => ad.softplus(m, { beta: 0 })).toThrow(/softplus: beta must be a finite number other than 0/);
    expect(() => (ad.softplus as (...a: unknown[]) => Tensor)(m, 2)).toThrow(/^softplus: takes softplus\(x, options\?\); got 1 more argument, number 2, which would be ignored\.$/);
    expect([m, m].map(ad.softplus as (a: Tensor) => Tensor).length).toBe(2); // an Array method's index and array still pass
    expect(() => (ad.softplus as (...a: unknown[]) => Tensor)(m, undefined, 7)).toThrow(/softplus: .*would be ignored/);
    expect(ad.softplus(m, { beta: undefined, threshold: undefined }).toArray()).toEqual(ad.softplus(m).toArray());
  });
});
