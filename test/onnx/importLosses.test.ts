/**
 * @file importModel's NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, and TopK-1:
 * - against PyTorch (fixtures/losses.json, make_loss_if_fixtures.py): F.cross_entropy and F.nll_loss
 *   exported at opsets 12 and 13, every reduction, with and without class weights and an
 *   ignore_index some targets hit, on [N, C] and [N, C, d1, d2] scores — PyTorch's float64 losses and
 *   autograd gradients in the scores; the gradient in the weights (PyTorch has none) by finite
 *   differences (checkGrad) and against the spec's closed form;
 * - one-node models against ONNX Runtime (log_prob, a negative ignore_index, TopK-1);
 * - targets out of range are AdjointErrors naming the node and its operator, eagerly, under grad
 *   and on a jit replay;
 * - under jit and vmap the same values and gradients.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from '../../src/index.js';
import { AdjointError } from '../../src/core/errors.js';
import { importModel } from '../../src/onnx/import.js';
import { encodeModel } from '../../src/onnx/proto.js';
import { attr, buildModel, compareWithOrt, type Case } from './importOracle.js';
import { LOSS_CASES } from './importLossIfCases.js';
import { asTensor, bytesOf, feedsOf, loadCases, relativeError } from './torchFixtures.js';
import { ort } from './ortSupport.js';

const TORCH = loadCases('losses.json');

describe('importModel on PyTorch\'s F.cross_entropy and F.nll_loss (opsets 12, 13)', () => {
  it('the fixtures cover both operators, both opsets, every reduction, weights, ignore_index and spatial axes', () => {
    const names = Object.keys(TORCH);
    expect(names.length).toBe(48);
    for (const part of ['ce ', 'nll ', ' none', ' sum', ' mean', 'weights', 'ignore_index 2', '[N, C, d1, d2]']) expect(names.some((n) => n.includes(part)), part).toBe(true);
    expect(new Set(Object.values(TORCH).map((c) => c.opset))).toEqual(new Set([12, 13]));
    // The exporter wrote the operators under test (not a decomposition).
    for (const [name, c] of Object.entries(TORCH)) {
      const text = Buffer.from(bytesOf(c)).toString('latin1');
      expect(text.includes(name.startsWith('ce') ? 'SoftmaxCrossEntropyLoss' : 'NegativeLogLikelihoodLoss'), name).toBe(true);
    }
  });

  it.each(Object.keys(TORCH))('%s: PyTorch\'s loss and its gradient in the scores, to 1e-12', (name) => {
    const c = TORCH[name]!, [run] = c.runs;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const feeds = feedsOf(run!);
    expect(relativeError(model(feeds), run!.outputs.y!)).toBeLessThan(1e-12);
    const r = asTensor(run!.cotangents.y!);
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(model({ ...feeds, x }), r)))(feeds.x!);
    expect(relativeError(g, run!.inputGradients.x!)).toBeLessThan(1e-12);
  });

  const weighted = Object.keys(TORCH).filter((n) => n.includes('weights'));
  it.each(weighted)('%s: the gradient in the class weights passes checkGrad (finite differences), to second order', (name) => {
    const c = TORCH[name]!, feeds = feedsOf(c.runs[0]!);
    const model = importModel<ad.Tensor>(bytesOf(c));
    const r = asTensor(c.runs[0]!.cotangents.y!);
    const check = ad.checkGrad((w: ad.Tensor) => ad.sum(ad.mul(model({ ...feeds, w }), r)), [feeds.w!], { order: 2 });
    expect(check.ok, JSON.stringify(check.checks.filter((k) => !k.ok))).toBe(true);
  });

  it('the weights\' gradient of a weighted mean equals the closed form (ℓ_i − L)·[t_i = c] / Σ w_t', () => {
    // L = Σ w_{t_i} ℓ_i / Σ w_{t_i} over the targets not ignored, so ∂L/∂w_c = Σ_{i: t_i = c} (ℓ_i − L) / Σ w_{t_i}.
    const c = TORCH['nll [N, C] mean weights ignore_index 2']!, feeds = feedsOf(c.runs[0]!);
    const model = importModel<ad.Tensor>(bytesOf(c));
    const g = ad.grad((w: ad.Tensor) => model({ ...feeds, w }))(feeds.w!).toFloat64Array();
    const x = feeds.x!.toArray() as number[][], t = feeds.t!.toFloat64Array(), w = feeds.w!.toFloat64Array();
    const kept = [...t.keys()].filter((i) => t[i] !== 2);
    const total = kept.reduce((s, i) => s + w[t[i]!]!, 0);
    const L = kept.reduce((s, i) => s - w[t[i]!]! * x[i]![t[i]!]!, 0) / total;
    const want = [0, 1, 2, 3].map((k) => kept.filter((i) => t[i] === k).reduce((s, i) => s + (-x[i]![k]! - L), 0) / total);
    expect(kept.length).toBeLessThan(t.length); // some targets are ignored
    want.forEach((v, k) => expect(Math.abs(g[k]! - v)).toBeLessThan(1e-14 * Math.max(1, Math.abs(v))));
    expect(g[2]).toBe(0); // the ignored class: no weight counted, no gradient
  });
});

describe('importModel against ONNX Runtime: TopK-1, NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss', () => {
  it.each(Object.keys(LOSS_CASES))('%s', async (name) => {
    const { precision, error, shapes, expectedShapes } = await compareWithOrt(LOSS_CASES[name]!);
    expect(shapes).toEqual(expectedShapes);
    expect(error).toBeLessThan(precision === 'double' ? 1e-12 : 2e-6);
  });

  const differentiable = Object.keys(LOSS_CASES).filter((n) => !n.startsWith('TopK'));
  it.each(differentiable)('%s: checkGrad in the scores and the fed weights, to second order', (name) => {
    const c = LOSS_CASES[name]!;
    const model = importModel<ad.Tensor | Record<string, ad.Tensor>>(encodeModel(buildModel(c, 'double')));
    const fed = c.inputs.filter((s) => s !== null && !s.init);
    const values = Object.fromEntries(fed.map((s) => [s!.name, ad.tensor(Float64Array.from(s!.data), [...s!.shape])]));
    const floatNames = fed.filter((s) => (s!.type ?? 'float') === 'float').map((s) => s!.name);
    const loss = (x: Record<string, ad.Tensor>) => {
      const out = model({ ...values, ...x });
      const leaves = out instanceof ad.Tensor ? [out] : Object.values(out);
      return leaves.reduce((acc: ad.Tensor, y) => ad.add(acc, ad.sum(ad.mul(ad.sin(y), y))), ad.scalar(0));
    };
    const check = ad.checkGrad(loss, [Object.fromEntries(floatNames.map((k) => [k, values[k]!]))], { order: 2 });
    expect(check.ok, JSON.stringify(check.checks.filter((k) => !k.ok))).toBe(true);
  });

  it('a mean over targets that are all ignored is 0/0 = NaN, as ONNX Runtime (and the spec\'s reference) give', async () => {
    const c: Case = {
      op: 'NegativeLogLikelihoodLoss', opset: 13, inputs: [{ name: 'p', data: [0.1, 0.2, 0.3, 0.4], shape: [2, 2] }, { name: 't', data: [1, 1], shape: [2], type: 'int64' }],
      attributes: [attr.int('ignore_index', 1)], outputs: [{ name: 'loss', type: 'float' }],
    };
    const bytes = encodeModel(buildModel(c, 'double'));
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ p: new ort.Tensor('float64', Float64Array.from([0.1, 0.2, 0.3, 0.4]), [2, 2]), t: new ort.Tensor('int64', BigInt64Array.from([1n, 1n]), [2]) });
    expect(Number.isNaN(Number(out.loss!.data[0]))).toBe(true);
    expect(Number.isNaN(importModel<ad.Tensor>(bytes)({ p: ad.tensor([[0.1, 0.2], [0.3, 0.4]]), t: ad.tensor([1, 1]) }).item())).toBe(true);
  });
});

const sce = (reduction: string, extra: Case['attributes'] = []): ad.onnx.ImportedModel<Record<string, ad.Tensor>> => importModel(encodeModel(buildModel({
  op: 'SoftmaxCrossEntropyLoss', opset: 13, inputs: [{ name: 's', data: [], shape: [3, 4] }, { name: 't', data: [], shape: [3], type: 'int64' }, { name: 'w', data: [], shape: [4] }],
  attributes: [attr.string('reduction', reduction), ...extra], outputs: [{ name: 'loss', type: 'float' }, { name: 'log_prob', type: 'float' }],
}, 'double')));
const scores = ad.random.normal([3, 4], 7), weights = ad.tensor([0.5, 1, 2, 0.75]);

describe('targets out of range are errors naming the node and the operator', () => {
  const model = sce('mean', [attr.int('ignore_index', -1)]);
  it.each([
    ['a target equal to C', [0, 4, 1], /node 'the_SoftmaxCrossEntropyLoss' \(SoftmaxCrossEntropyLoss\): target 4 \(entry 1 of the targets, shape \[3\]\) is not a class in \[0, 4\) nor ignore_index \(-1\)/],
    ['a negative target other than ignore_index', [0, -2, 1], /\(SoftmaxCrossEntropyLoss\): target -2 .* not a class in \[0, 4\)/],
  ])('%s', (_, t, message) => {
    const feeds = { s: scores, t: ad.tensor(t), w: weights };
    expect(() => model(feeds)).toThrow(AdjointError);
    expect(() => model(feeds)).toThrow(message);
    // Under grad (the values are read below the derivative) and on a jit replay (a guard).
    expect(() => ad.grad((s: ad.Tensor) => model({ ...feeds, s }).loss!)(scores)).toThrow(message);
    const jitted = ad.jit((s: ad.Tensor, tt: ad.Tensor) => model({ s, t: tt, w: weights }).loss!);
    expect(jitted(scores, ad.tensor([0, 3, -1])).item()).toBeCloseTo(model({ s: scores, t: ad.tensor([0, 3, -1]), w: weights }).loss!.item(), 14);
    expect(() => jitted(scores, ad.tensor(t))).toThrow(message);
  });

  it('without ignore_index, −100 (PyTorch\'s default) is out of range too; NegativeLogLikelihoodLoss says so', () => {
    const nll = importModel<ad.Tensor>(encodeModel(buildModel({
      op: 'NegativeLogLikelihoodLoss', opset: 12, inputs: [{ name: 'p', data: [], shape: [2, 3] }, { name: 't', data: [], shape: [2], type: 'int64' }], outputs: [{ name: 'loss', type: 'float' }],
    }, 'double')));
    expect(() => nll({ p: ad.zeros([2, 3]), t: ad.tensor([-100, 1]) })).toThrow(/\(NegativeLogLikelihoodLoss\): target -100 .* not a class in \[0, 3\) \(the node has no ignore_index\)/);
  });

  it('under vmap an out-of-range target is still an error, not a number', () => {
    const f = (t: ad.Tensor) => sce('sum')({ s: scores, t, w: weights }).loss!;
    expect(() => ad.vmap(f)(ad.tensor([[0, 1, 2], [0, 9, 2]]))).toThrow(AdjointError);
  });

  it('shapes that do not fit and unknown reductions are errors', () => {
    const model = sce('none');
    expect(() => model({ s: scores, t: ad.tensor([0, 1]), w: weights })).toThrow();
    expect(() => sce('batchmean')).toThrow(/attribute reduction = "batchmean" is not supported \(supported: "none", "sum", "mean"\)/);
    const nll = importModel<ad.Tensor>(encodeModel(buildModel({
      op: 'NegativeLogLikelihoodLoss', opset: 13, inputs: [{ name: 'p', data: [], shape: [2, 3] }, { name: 't', data: [], shape: [2], type: 'int64' }, { name: 'w', data: [], shape: [2] }], outputs: [{ name: 'loss', type: 'float' }],
    }, 'double')));
    expect(() => nll({ p: ad.zeros([2, 3]), t: ad.tensor([0, 1]), w: ad.ones([2]) })).toThrow(/the weights have shape \[2\]; they must have one entry per class, shape \[3\]/);
  });
});

describe('the losses under transformations', () => {
  const model = sce('mean', [attr.int('ignore_index', 3)]);
  const t = ad.tensor([0, 3, 2]);
  const loss = (s: ad.Tensor, w: ad.Tensor) => model({ s, t, w }).loss!;

  it('jit of the gradient (scores and weights) equals the gradient, on replays too', () => {
    const g = ad.grad(loss, [0, 1]);
    const jitted = ad.jit(g);
    for (const s of [scores, ad.mul(2, scores)]) {
      const want = g(s, weights) as ad.Tensor[], got = jitted(s, weights) as ad.Tensor[];
      want.forEach((w, i) => expect(got[i]!.toArray()).toEqual(w.toArray()));
    }
    expect(jitted.cacheInfo()[0]!.replays).toBe(1);
  });

  it('vmap over a batch of scores and targets equals one call each', () => {
    const batch = ad.random.normal([4, 3, 4], 9), targets = ad.tensor([[0, 3, 2], [1, 1, 3], [3, 3, 3], [2, 0, 1]]);
    const f = (s: ad.Tensor, tt: ad.Tensor) => sce('sum', [attr.int('ignore_index', 3)])({ s, t: tt, w: weights }).loss!;
    const mapped = ad.vmap(f)(batch, targets);
    for (let i = 0; i < 4; i++) expect(ad.take(mapped, i, 0).item()).toBeCloseTo(f(ad.take(batch, i, 0), ad.take(targets, i, 0)).item(), 14);
    const gm = ad.vmap(ad.grad(f))(batch, targets);
    for (let i = 0; i < 4; i++) {
      const want = ad.grad(f)(ad.take(batch, i, 0), ad.take(targets, i, 0));
      expect(ad.max(ad.abs(ad.sub(ad.take(gm, i, 0), want))).item()).toBeLessThan(1e-15);
    }
    expect(ad.take(gm, 2, 0).toArray()).toEqual(ad.zeros([3, 4]).toArray()); // every target of example 2 ignored
  });

  it('log_prob is logSoftmax of the scores along the class axis', () => {
    expect(model({ s: scores, t, w: weights }).log_prob!.toArray()).toEqual(ad.logSoftmax(scores, 1).toArray());
  });
});

describe('TopK-1 attribute rules', () => {
  const topk = (opset: number, attributes: Case['attributes'], inputs: Case['inputs']) => () => importModel(encodeModel(buildModel({
    op: 'TopK', opset, inputs, attributes, outputs: [{ name: 'v' }, { name: 'i', type: 'int64' }],
  }, 'double')));
  const x = { name: 'x', data: [1, 2, 3], shape: [3] };
  it('k is required at opsets ≤ 9, and belongs to TopK-1 only', () => {
    expect(topk(9, [], [x])).toThrow(/attribute k is required \(TopK-1, opsets 1–9\)/);
    expect(topk(11, [attr.int('k', 2)], [x, { name: 'k', data: [2], shape: [1], type: 'int64', init: true }])).toThrow(/attribute k belongs to TopK-1 \(opsets 1–9\); at opset 11 K is the second input/);
    expect(topk(9, [attr.int('k', 2)], [x])).not.toThrow();
  });

  it('largest and sorted belong to TopK-11 (an invalid model before opset 11 is refused, not read)', () => {
    const k = { name: 'k', data: [2], shape: [1], type: 'int64' as const, init: true };
    expect(topk(9, [attr.int('k', 2), attr.int('largest', 0)], [x])).toThrow(/attribute largest belongs to TopK-11 \(opset 11 on\); at opset 9 TopK has only axis and k/);
    expect(topk(10, [attr.int('sorted', 1)], [x, k])).toThrow(/attribute sorted belongs to TopK-11/);
    expect(topk(11, [attr.int('largest', 0), attr.int('sorted', 1)], [x, k])).not.toThrow();
  });
});
