/** @file ad.conv as users meet it: the errors that name the op, the shapes and the fix, and a tiny CNN whose loss falls under ad.optimizers.sgd. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

describe('errors', () => {
  const x = ad.zeros([2, 4, 6, 6]), w = ad.zeros([8, 4, 3, 3]);
  const throwsAdjoint = (fn: () => unknown, pattern: RegExp) => {
    let caught: unknown;
    try { fn(); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ad.AdjointError);
    expect((caught as Error).message).toMatch(pattern);
  };

  it('channels that do not match, and groups that do not divide them', () => {
    throwsAdjoint(() => ad.conv(ad.zeros([2, 3, 6, 6]), w), /^conv: input \[2,3,6,6\] has 3 channels but weight \[8,4,3,3\] expects 4 per group × 1 group = 4; the weight must be \[out, in\/groups/);
    throwsAdjoint(() => ad.conv(x, ad.zeros([8, 3, 3, 3]), { groups: 2 }), /conv: input \[2,4,6,6\] has 4 channels but weight \[8,3,3,3\] expects 3 per group × 2 groups = 6/);
    throwsAdjoint(() => ad.conv(ad.zeros([1, 6, 5]), ad.zeros([4, 2, 3]), { groups: 3 }), /conv: groups = 3 must divide both the input channels \(6\) and the output channels \(4\).*common divisors/);
  });

  it('a kernel larger than the padded input', () => {
    throwsAdjoint(() => ad.conv(ad.zeros([1, 4, 2, 6]), w), /conv: along spatial axis 0 the kernel spans 3 .* padded input is only 2 long \(input \[1,4,2,6\], padding 0\+0\); pad more/);
    throwsAdjoint(() => ad.conv(x, w, { dilation: 3 }), /kernel spans 7 \(size 3, dilation 3\)/);
    expect(ad.conv(ad.zeros([1, 4, 2, 6]), w, { padding: [1, 0] }).shape).toEqual([1, 8, 2, 4]);
  });

  it('bad stride, padding, dilation, groups and options', () => {
    throwsAdjoint(() => ad.conv(x, w, { stride: 0 }), /conv: stride must be a positive integer, got 0/);
    throwsAdjoint(() => ad.conv(x, w, { stride: 1.5 }), /conv: stride must be a positive integer, got 1\.5/);
    throwsAdjoint(() => ad.conv(x, w, { stride: [1, 2, 1] }), /conv: stride must be a number or a list of 2 \(one per spatial axis\)/);
    throwsAdjoint(() => ad.conv(x, w, { padding: -1 }), /conv: padding must be a whole number ≥ 0, got -1/);
    throwsAdjoint(() => ad.conv(x, w, { padding: 'full' as never }), /conv: padding must be .*'same', 'same_lower' or 'valid' \(or JAX's .*\), got 'full'/);
    throwsAdjoint(() => ad.conv(x, w, { dilation: 0 }), /conv: dilation must be a positive integer/);
    throwsAdjoint(() => ad.conv(x, w, { groups: 0 }), /conv: groups must be a positive integer/);
    throwsAdjoint(() => ad.conv(x, w, { pad: 1 } as never), /conv: unknown option 'pad'; the options are stride, padding, dilation, groups, bias/);
  });

  it('ranks and the bias', () => {
    throwsAdjoint(() => ad.conv(x, ad.zeros([8, 4])), /conv: weight of shape \[8,4\] must be \[out, in\/groups, …kernel\] with at least one spatial axis/);
    throwsAdjoint(() => ad.conv(ad.zeros([6, 6]), w), /conv: input of shape \[6,6\] does not fit a 2-d weight \[8,4,3,3\]: it must be \[batch, channels, …2 spatial\]/);
    throwsAdjoint(() => ad.conv(x, ad.zeros([8, 4, 0, 3])), /conv: weight of shape \[8,4,0,3\] has an empty kernel along spatial axis 0; every kernel size must be at least 1/);
    throwsAdjoint(() => ad.conv(x, w, { bias: ad.zeros([4]) }), /conv: bias of shape \[4\] must be \[8\], one value per output channel/);
  });

  it('convTranspose: channels and outputPadding', () => {
    throwsAdjoint(() => ad.convTranspose(x, ad.zeros([3, 2, 3, 3])), /convTranspose: input \[2,4,6,6\] has 4 channels but weight \[3,2,3,3\] has 3 .*\[in, out\/groups, …kernel\]/);
    throwsAdjoint(() => ad.convTranspose(x, ad.zeros([4, 2, 3, 3]), { stride: 2, outputPadding: 2 }), /convTranspose: outputPadding 2 along spatial axis 0 must be smaller than the stride \(2\) or the dilation \(1\)/);
    throwsAdjoint(() => ad.convTranspose(ad.zeros([1, 4, 1]), ad.zeros([4, 2, 1]), { padding: 1 }), /convTranspose: along spatial axis 0 the output would have -1 positions/);
  });
});

describe('a tiny CNN', () => {
  // 8×8 images of one bar, vertical (class 0) or horizontal (class 1), at a random row or column, with noise.
  const N = 16;
  const images: number[] = [], labels: number[] = [];
  const noise = ad.random.uniform([N, 64], 5).toFloat64Array();
  for (let n = 0; n < N; n++) {
    const horizontal = n % 2, at = (3 * n + 1) % 8;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) images.push(((horizontal ? i : j) === at ? 1 : 0) + 0.2 * (noise[n * 64 + i * 8 + j]! - 0.5));
    labels.push(horizontal);
  }
  const X = ad.tensor(images, [N, 1, 8, 8]);
  const Y = ad.tensor(labels.flatMap((l) => (l ? [0, 1] : [1, 0])), [N, 2]);

  type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor; wo: Tensor; bo: Tensor };
  const scaled = (shape: number[], seed: number, fanIn: number) => ad.mul(ad.random.normal(shape, seed), Math.sqrt(2 / fanIn));
  const init: Params = {
    w1: scaled([4, 1, 3, 3], 1, 9), b1: ad.zeros([4]), w2: scaled([4, 4, 3, 3], 2, 36), b2: ad.zeros([4]),
    wo: scaled([4, 2], 3, 4), bo: ad.zeros([2]),
  };
  const loss = (p: Params) => {
    const h1 = ad.relu(ad.conv(X, p.w1, { padding: 'same', bias: p.b1 }));
    const h2 = ad.relu(ad.conv(h1, p.w2, { stride: 2, padding: 1, bias: p.b2 })); // [N, 4, 4, 4]
    const logits = ad.add(ad.matmul(ad.mean(h2, [2, 3]), p.wo), p.bo);
    return ad.neg(ad.mean(ad.sum(ad.mul(ad.logSoftmax(logits), Y), 1)));
  };

  it('learns: the loss falls by more than half in 30 steps of sgd', () => {
    const opt = ad.optimizers.sgd({ lr: 0.5 });
    let params = init, state = opt.init(params);
    const gradient = ad.grad(loss);
    const first = loss(params).item();
    for (let t = 0; t < 30; t++) [params, state] = opt.step(params, gradient(params) as Params, state) as [Params, typeof state];
    const last = loss(params).item();
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(first / 2);
  });
});
