/**
 * @file Audit regressions for the pooling, normalisation and attention ops and the optax-style
 * optimizers, found by a differential review against PyTorch 1.13 (values written out beside each
 * case) and optax's recurrences.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

describe('pooling in ceil mode', () => {
  it('a window may overhang the padded input, as PyTorch (it threw)', () => {
    // torch.nn.functional.max_pool1d(tensor([[[1., 7, 3]]]), 4, 3, 0, 1, ceil_mode=True) == [[[7]]]
    expect(ad.maxPool(ad.tensor([[[1, 7, 3]]]), [4], { stride: 3, ceilMode: true }).toArray()).toEqual([[[7]]]);
    // avg_pool1d(tensor([[[2., 4, 9]]]), 4, 3, 0, ceil_mode=True) == [[[5]]]: the divisor stops at the padded end.
    expect(ad.avgPool(ad.tensor([[[2, 4, 9]]]), [4], { stride: 3, ceilMode: true }).toArray()).toEqual([[[5]]]);
    // avg_pool1d(tensor([[[2., 4, 9]]]), 4, 3, 1, ceil_mode=True) == [[[3.75, 4.5]]]
    expect(ad.avgPool(ad.tensor([[[2, 4, 9]]]), [4], { stride: 3, padding: 1, ceilMode: true }).toArray()).toEqual([[[3.75, 4.5]]]);
    // max_pool2d(tensor([[[[1., 2, 3], [4, 5, 6]]]]), (3, 2), 2, (1, 0), ceil_mode=True) == [[[[5, 6], [5, 6]]]]
    const x = ad.tensor([[[[1, 2, 3], [4, 5, 6]]]]);
    expect(ad.maxPool(x, [3, 2], { stride: 2, padding: [1, 0], ceilMode: true }).toArray()).toEqual([[[[5, 6], [5, 6]]]]);
    const g = ad.grad((t: Tensor) => ad.sum(ad.maxPool(t, [4], { stride: 3, ceilMode: true })))(ad.tensor([[[1, 7, 3]]]));
    expect(g.toArray()).toEqual([[[0, 1, 0]]]);
    // Without ceil mode it is still an error (PyTorch: "Output size is too small").
    expect(() => ad.maxPool(ad.tensor([[[1, 7, 3]]]), [4], { stride: 3 })).toThrow(/window spans 4/);
  });

  it('the overhanging windows export to ONNX and run on ONNX Runtime', async () => {
    const { expectExportMatches } = await import('../onnx/ortSupport.js');
    const x = ad.tensor([[[[1, 2, 3], [4, 5, 6]]], [[[0.5, -1, 2], [3, -2, 1]]]]);
    await expectExportMatches((t: Tensor) => ad.maxPool(t, [3, 2], { stride: 2, padding: [1, 0], ceilMode: true }), [x], 0, 'maxPool');
    await expectExportMatches((t: Tensor) => ad.avgPool(t, [3, 4], { stride: 3, ceilMode: true, countIncludePad: false }), [x], 1e-14, 'avgPool');
  });
});

describe('optimizer hyperparameters as one-element tensors', () => {
  const grads = { a: ad.tensor(1), v: ad.tensor([1, 1]) };
  it.each([
    ['sgd', () => ad.optimizers.sgd({ lr: ad.tensor([0.1]) })],
    ['adam', () => ad.optimizers.adam({ lr: ad.tensor([[0.1]]) })],
    ['adamw', () => ad.optimizers.adamw({ lr: ad.tensor([0.1]), weightDecay: ad.tensor([0.01]) })],
    ['rmsprop', () => ad.optimizers.rmsprop({ lr: () => ad.tensor([0.1]), momentum: ad.tensor([0.9]) })],
    ['chain(clip)', () => ad.optimizers.chain(ad.optimizers.clip(ad.tensor([1])), ad.optimizers.sgd({ lr: 0.1 }))],
    ['chain(clipByGlobalNorm)', () => ad.optimizers.chain(ad.optimizers.clipByGlobalNorm(ad.tensor([[1]])), ad.optimizers.sgd({ lr: 0.1 }))],
  ])('%s keeps the parameters\' shapes (a [1] or [1, 1] value added axes, then the next step blamed the grads)', (_, make) => {
    const opt = make() as ad.optimizers.Optimizer;
    let params = { a: ad.tensor(2), v: ad.tensor([1, 2]) };
    let state = opt.init(params);
    for (let i = 0; i < 2; i++) {
      [params, state] = opt.step(params, grads, state) as [typeof params, typeof state];
      expect([params.a.shape, params.v.shape]).toEqual([[], [2]]);
    }
    const scalar = ad.optimizers.sgd({ lr: 0.1 });
    expect(scalar.step(ad.tensor(2), ad.tensor(1), scalar.init(ad.tensor(2)))[0].shape).toEqual([]);
  });
});

describe('ONNX pooling import in ceil mode', () => {
  it('MaxPool/AveragePool whose ceil-mode window overhangs the padded input import, as ONNX Runtime runs them (it threw)', async () => {
    const { attr, buildModel } = await import('../onnx/importOracle.js');
    const { encodeModel } = await import('../../src/onnx/proto.js');
    const run = (op: string, shape: number[], x: number[], attributes: ReturnType<typeof attr.int>[]) => {
      const model = ad.onnx.importModel(encodeModel(buildModel({ op, inputs: [{ name: 'x', data: x, shape }], attributes }, 'double')));
      return (model.apply(model.params, { x: ad.tensor(x, shape) }) as Tensor).toArray();
    };
    // ONNX Runtime 1.x on torch.onnx.export of max_pool1d(x, 4, 3, ceil_mode=True): [[[7]]].
    expect(run('MaxPool', [1, 1, 3], [1, 7, 3], [attr.ints('kernel_shape', [4]), attr.ints('strides', [3]), attr.int('ceil_mode', 1)])).toEqual([[[7]]]);
    expect(run('AveragePool', [1, 1, 3], [2, 4, 9], [attr.ints('kernel_shape', [4]), attr.ints('strides', [3]), attr.int('ceil_mode', 1)])).toEqual([[[5]]]);
  });
});

describe('normalisation of an empty batch', () => {
  it('groupNorm of [0, C, …] is empty, as PyTorch (it threw reshape\'s error)', () => {
    // torch.nn.functional.group_norm(torch.zeros(0, 4, 3), 2).shape == (0, 4, 3), and its gradient too.
    expect(ad.groupNorm(ad.zeros([0, 4, 3]), 2).shape).toEqual([0, 4, 3]);
    expect(ad.grad((x: Tensor) => ad.sum(ad.groupNorm(x, 2, { weight: ad.ones([4]) })))(ad.zeros([0, 4, 3])).shape).toEqual([0, 4, 3]);
    expect(ad.groupNorm(ad.zeros([2, 4, 0]), 4).shape).toEqual([2, 4, 0]); // group_norm(torch.zeros(2, 4, 0), 4): (2, 4, 0)
  });
});

describe('attention masks of the wrong shape', () => {
  it('the error names dotProductAttention and the mask (it came from where, with internal shapes)', () => {
    const q = ad.zeros([2, 2, 3]), k = ad.zeros([4, 2, 3]);
    expect(() => ad.dotProductAttention(q, k, k, { mask: ad.ones([2, 2, 4, 1]) })).toThrow(/^dotProductAttention \(mask against the logits\)/);
    expect(() => ad.dotProductAttention(q, k, k, { bias: ad.ones([3, 2, 4]) })).toThrow(/^dotProductAttention \(bias against the logits\)/);
    expect(() => ad.dotProductAttention(q, k, k, { bias: ad.ones([3, 2, 2, 4]) })).toThrow(/^dotProductAttention: bias of shape \[3,2,2,4\]/);
  });
});

describe('attention exported in float32', () => {
  it('a fully masked row stays the mean of the values on ONNX Runtime (the float64 mask value rounded to −∞: NaN)', async () => {
    const { run, session } = await import('../onnx/ortSupport.js');
    const q = ad.tensor([[[1, 0]], [[0, 1]], [[1, 1]]]), v = ad.tensor([[[2, 1]], [[4, 3]], [[6, 5]]]);
    const mask = ad.tensor([[[1, 0, 0], [0, 0, 0], [1, 1, 0]]]); // query 1 sees no key
    const f = (qq: Tensor, kk: Tensor, vv: Tensor) => ad.dotProductAttention(qq, kk, vv, { mask });
    const want = f(q, q, v);
    expect(Array.from(want.toFloat64Array()).slice(2, 4).map((x) => +x.toFixed(12))).toEqual([4, 3]);
    const [got] = await run(await session(ad.onnx.exportModel(f, [q, q, v], { dtype: 'float32' })), [q, q, v], 'float32');
    Array.from(want.toFloat64Array()).forEach((w, i) => expect(Math.abs(got!.data[i]! - w)).toBeLessThan(1e-5));
  });
});

describe('pooling errors for windows made of padding', () => {
  it("with 'same' padding the error does not ask for less padding (the user gave none), and names the dilation", () => {
    // Length 1, window 2 at dilation 2: 'same' pads 1+1 and the taps (padded positions 0 and 2) miss the input.
    expect(() => ad.maxPool(ad.zeros([1, 1, 1]), [2], { padding: 'same', dilation: 2 })).toThrow(/dilation 2, padding 1\+1 from 'same'\); use 'valid' or explicit padding/);
    expect(() => ad.maxPool(ad.zeros([1, 1, 1]), [2], { padding: 1, dilation: 2 })).toThrow(/dilation 2, padding 1\+1\); use less padding/);
  });
});
