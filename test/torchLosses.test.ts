/**
 * @file crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropyWithLogits and klDiv
 * (torch.nn.functional's, src/losses/torchStyle.ts) against PyTorch 1.13's values
 * and autograd gradients (test/torchLossesReference.py): class indices with ignore_index −100, class weights and
 * label smoothing, class probabilities, every reduction, the unbatched form; and their errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference } from './torchLossesReference.js';

const x = ad.tensor(reference.x as unknown as number[][][]);
const t = ad.tensor(reference.t as unknown as number[][]);
const w = ad.tensor(reference.w as unknown as number[]);
const p = ad.tensor(reference.p as unknown as number[][][]);
const lp = ad.tensor(reference.lp as unknown as number[][][]);
const [a, b, y, q] = [reference.a, reference.b, reference.y, reference.q].map((v) => ad.tensor(v as unknown as number[][])) as [Tensor, Tensor, Tensor, Tensor];
const pw = ad.tensor(reference.pw as unknown as number[]), ew = ad.tensor(reference.ew as unknown as number[][]);

function expectClose(got: Tensor, want: unknown, tol: number): void {
  const g = got.toFloat64Array(), v = [want].flat(4) as number[];
  expect(g.length).toBe(v.length);
  v.forEach((wi, i) => expect(Math.abs(g[i]! - wi), `entry ${i}: ${g[i]} against ${wi}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(wi))));
}

describe('crossEntropy, nllLoss and the reduced pointwise losses against torch.nn.functional', () => {
  it.each(reference.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = c.options as { target?: string; reduction?: ad.Reduction; labelSmoothing?: number; weighted?: boolean; unbatched?: boolean; loss?: string; beta?: number; logTarget?: boolean };
    let f: (a: Tensor) => Tensor, arg: Tensor;
    if (o.loss !== undefined) {
      arg = a;
      const reduction = o.reduction;
      f = {
        mseLoss: (u: Tensor) => ad.mseLoss(u, b, { reduction }),
        l1Loss: (u: Tensor) => ad.l1Loss(u, b, { reduction }),
        smoothL1Loss: (u: Tensor) => ad.smoothL1Loss(u, b, { reduction, beta: o.beta }),
        bce: (u: Tensor) => ad.binaryCrossEntropyWithLogits(u, y, { reduction, ...(o.weighted ? { weight: ew, posWeight: pw } : {}) }),
        klDiv: (u: Tensor) => ad.klDiv(ad.logSoftmax(u, 1), o.logTarget ? ad.log(q) : q, { reduction: reduction as ad.Reduction, logTarget: o.logTarget }),
      }[o.loss]!;
    } else if (o.unbatched) {
      f = (a) => ad.crossEntropy(a, ad.scalar(2), { reduction: 'none' });
      arg = ad.reshape(ad.take(ad.take(x, 0, 2), 0, 1), [4]);
    } else if (c.name.startsWith('nllLoss')) {
      f = (a) => ad.nllLoss(a, t, { weight: w, reduction: o.reduction });
      arg = lp;
    } else {
      const options = { reduction: o.reduction, labelSmoothing: o.labelSmoothing, ...(o.weighted ? { weight: w } : {}) };
      f = (a) => ad.crossEntropy(a, o.target === 'indices' ? t : p, options);
      arg = x;
    }
    const value = f(arg);
    const weights = ad.reshape(ad.arange(1, value.size + 1), [...value.shape]);
    const grad = ad.grad((a: Tensor) => ad.sum(ad.mul(f(a), weights)))(arg);
    expectClose(value, c.value, 1e-14);
    expectClose(grad, c.grad, 1e-13);
  });

  it('is the ONNX importer’s SoftmaxCrossEntropyLoss arithmetic (one negative log-likelihood) and differentiates in the weights', () => {
    const gw = ad.grad((v: Tensor) => ad.crossEntropy(x, t, { weight: v }))(w);
    expect(gw.shape).toEqual([3]);
    ad.assertGrad((a: Tensor) => ad.crossEntropy(a, t, { weight: w, labelSmoothing: 0.1 }), [x], { order: 2 });
    ad.assertGrad((q: Tensor) => ad.crossEntropy(x, q, { labelSmoothing: 0.1 }), [p], { order: 2 });
  });

  it('smoothL1Loss with beta 0 is l1Loss, its derivative 0 at a tie as l1Loss (torch 1.13: −1 there)', () => {
    expect(ad.smoothL1Loss(a, b, { beta: 0, reduction: 'none' }).toArray()).toEqual(ad.l1Loss(a, b, { reduction: 'none' }).toArray());
    expect(ad.grad((u: Tensor) => ad.smoothL1Loss(u, b, { beta: 0, reduction: 'sum' }))(a).toArray()).toEqual(ad.grad((u: Tensor) => ad.l1Loss(u, b, { reduction: 'sum' }))(a).toArray());
  });

  it('checks its arguments', () => {
    expect(() => ad.crossEntropy(x, ad.tensor([[0, 3], [1, 1], [2, 2], [1, 0]]))).toThrow(/crossEntropy: target 3 \(entry 1 of the targets, shape \[4,2\]\) is not a class in \[0, 3\) nor ignore_index \(-100\)/);
    expect(() => ad.crossEntropy(x, ad.zeros([4, 3]))).toThrow(/crossEntropy: the targets have shape \[4,3\]; scores of shape \[4,3,2\] need targets of shape \[4,2\]/);
    expect(() => ad.crossEntropy(x, t, { weight: ad.ones([2]) })).toThrow(/crossEntropy: the weights have shape \[2\]; they must have one entry per class, shape \[3\]/);
    expect(() => ad.crossEntropy(x, t, { labelSmoothing: 2 })).toThrow(/crossEntropy: labelSmoothing must be a number in \[0, 1\]/);
    expect(() => ad.nllLoss(lp, t, { reduction: 'avg' as never })).toThrow(/nllLoss: reduction must be 'mean', 'sum' or 'none'/);
    expect(() => ad.nllLoss(lp, t, { ignore_index: 1 } as never)).toThrow(/nllLoss: unknown option 'ignore_index'/);
  });
});
