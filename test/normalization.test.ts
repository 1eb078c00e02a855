/** @file ad.standardize, ad.layerNorm, ad.groupNorm and ad.batchNorm against PyTorch (values and autograd gradients in x, weight and bias), vmap/jit against eager, second order, and errors. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference, seq, weights } from './nnReference.js';
import { expectAllClose } from './support/nnChecks.js';

type NormCase = (typeof reference.norm)[number];

/** The op of a reference case as a function of its inputs (as nnReference.py wrote them). */
function normOf(c: NormCase): (...xs: Tensor[]) => Tensor {
  const o = c.options as Record<string, unknown>;
  switch (c.op) {
    case 'standardize': return (x) => ad.standardize(x!, o.axis as number | number[], o.epsilon === undefined ? {} : { epsilon: o.epsilon as number });
    case 'standardizeMean': return (x, m) => ad.standardize(x!, -1, { mean: ad.div(m!, 16) });
    case 'standardizeMeanVariance': return (x, m, v) => ad.standardize(x!, -1, { mean: m!, variance: ad.add(ad.square(v!), 1) });
    case 'layerNorm': return (x, w, b) => ad.layerNorm(x!, o.normalizedShape as number[], { weight: w!, bias: b! });
    case 'layerNormPlain': return (x) => ad.layerNorm(x!, o.normalizedShape as number, { epsilon: o.epsilon as number });
    case 'groupNorm': return (x, w, b) => ad.groupNorm(x!, o.groups as number, { weight: w!, bias: b! });
    case 'groupNormPlain': return (x) => ad.groupNorm(x!, o.groups as number);
    case 'batchNormTraining': return (x, w, b) => ad.batchNorm(x!, null, null, { training: true, weight: w!, bias: b! });
    default: return (x, w, b) => ad.batchNorm(x!, seq([3], 3), ad.add(ad.square(seq([3], 4)), 0.5), { weight: w!, bias: b! });
  }
}

const close = (got: Tensor, want: readonly number[], tol = 1e-11) => expectAllClose(got, want, tol);

describe('normalisation against PyTorch', () => {
  it.each(reference.norm.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const f = normOf(c), inputs = c.shapes.map((s, i) => seq(s, i));
    const y = f(...inputs);
    expect(y.shape).toEqual(c.outShape);
    close(y, c.value);
    const argnums = inputs.map((_, i) => i);
    const grads = ad.grad((...xs: Tensor[]) => ad.sum(ad.mul(f(...xs), weights(y.shape))), argnums)(...inputs) as Tensor[];
    grads.forEach((g, i) => close(g, c.grads[i]!));
  });
});

describe('normalisation: definitions and transformations', () => {
  it('standardize with the mean given uses E[x²] − mean², as JAX', () => {
    const x = ad.tensor([1, 2, 3, 4]);
    // E[x²] = 7.5, so with mean 1 the variance is 6.5.
    close(ad.standardize(x, -1, { mean: 1, epsilon: 0 }), [0, 1, 2, 3].map((d) => d / Math.sqrt(6.5)), 1e-15);
  });

  it('layerNorm over [C] equals standardize over the last axis, then the affine map', () => {
    const x = seq([2, 3, 5]), w = seq([5], 1), b = seq([5], 2);
    const direct = ad.add(ad.mul(ad.standardize(x, -1), w), b);
    close(ad.layerNorm(x, [5], { weight: w, bias: b }), Array.from(direct.toFloat64Array()), 1e-15);
  });

  it('training-mode batchNorm gives each channel mean 0 and variance 1/(1 + ε/σ²)', () => {
    const y = ad.batchNorm(seq([6, 2, 3]), null, null, { training: true, epsilon: 0 });
    const m = ad.mean(y, [0, 2]).toFloat64Array(), v = ad.variance(y, [0, 2]).toFloat64Array();
    m.forEach((mi) => expect(Math.abs(mi)).toBeLessThan(1e-15));
    v.forEach((vi) => expect(vi).toBeCloseTo(1, 14));
  });

  const model = (x: Tensor, w: Tensor) => ad.sum(ad.mul(
    ad.groupNorm(ad.tanh(x), 2, { weight: w, bias: w }),
    ad.layerNorm(x, [4, 3], { epsilon: 1e-3 }),
  ));
  const xs = seq([3, 4, 3]).div(4), w = seq([4], 5).div(8);

  it('vmap equals a loop (groupNorm/layerNorm per example), and so do per-example gradients', () => {
    const perExample = (x: Tensor) => model(ad.expandDims(x, 0), w);
    const batched = ad.vmap(ad.grad(perExample))(xs);
    const looped = ad.stack([0, 1, 2].map((i) => ad.grad(perExample)(ad.take(xs, i, 0))));
    close(batched, Array.from(looped.toFloat64Array()), 1e-13);
    const bn = (x: Tensor) => ad.batchNorm(x, null, null, { training: true });
    const stacked = ad.stack([xs, ad.mul(xs, 2)]);
    close(ad.vmap(bn)(stacked), Array.from(ad.stack([bn(xs), bn(ad.mul(xs, 2))]).toFloat64Array()), 1e-14);
  });

  it('jit equals eager, values and gradients', () => {
    const g = ad.grad(model, [0, 1]);
    const jg = ad.jit(g);
    const [gx, gw] = g(xs, w) as Tensor[];
    const [jx, jw] = jg(xs, w) as Tensor[];
    close(jx!, Array.from(gx!.toFloat64Array()), 1e-13);
    close(jw!, Array.from(gw!.toFloat64Array()), 1e-13);
  });

  it('second-order checkGrad in x, weight and bias', () => {
    const bn = (x: Tensor, wt: Tensor, b: Tensor) => ad.batchNorm(x, null, null, { training: true, weight: wt, bias: b });
    expect(ad.checkGrad(bn, [seq([3, 2, 2]).div(4), seq([2], 1), seq([2], 2)], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad(model, [xs, w], { order: 2 }).ok).toBe(true);
  });
});

describe('normalisation options given as undefined take their defaults', () => {
  it('standardize, layerNorm, groupNorm, batchNorm', () => {
    const x = seq([2, 4, 3]);
    expect(ad.standardize(x, -1, { epsilon: undefined, mean: undefined, variance: undefined }).toArray()).toEqual(ad.standardize(x).toArray());
    expect(ad.layerNorm(x, [3], { weight: undefined, bias: undefined, epsilon: undefined }).toArray()).toEqual(ad.layerNorm(x, [3]).toArray());
    expect(ad.groupNorm(x, 2, { weight: undefined }).toArray()).toEqual(ad.groupNorm(x, 2).toArray());
    expect(ad.batchNorm(x, ad.zeros([4]), ad.ones([4]), { training: undefined }).toArray()).toEqual(ad.batchNorm(x, ad.zeros([4]), ad.ones([4])).toArray());
  });
});

describe('normalisation errors', () => {
  const x = seq([2, 3, 4]);
  it('name the op, the shapes and the fix', () => {
    expect(() => ad.layerNorm(x, [3])).toThrow(/layerNorm: normalizedShape \[3\] must be the trailing axes of the input \[2,3,4\] .* standardize\(x, axes\)/);
    expect(() => ad.layerNorm(x, [4], { weight: ad.ones([3]) })).toThrow(/layerNorm: weight of shape \[3\] must be \[4\]/);
    expect(() => ad.groupNorm(x, 2)).toThrow(/groupNorm: numGroups 2 must be a positive integer dividing the 3 channels/);
    expect(() => ad.groupNorm(ad.ones([3]), 1)).toThrow(/groupNorm: input of shape \[3\] must be \[batch, channels, …\]/);
    expect(() => ad.batchNorm(x, null, null)).toThrow(/batchNorm: runningMean is needed when training is false/);
    expect(() => ad.batchNorm(x, ad.zeros([4]), ad.ones([3]))).toThrow(/batchNorm: runningMean of shape \[4\] must be \[3\]/);
    expect(() => ad.batchNorm(ad.ones([1, 3]), null, null, { training: true })).toThrow(/1 value per channel/);
    expect(() => ad.batchNorm(x, null, null, { training: 'yes' as unknown as boolean })).toThrow(/batchNorm: training must be true or false/);
    expect(() => ad.batchNorm(x, null, null, { momentum: 0.1 } as ad.BatchNormOptions)).toThrow(/batchNorm: unknown option 'momentum'/);
    expect(() => ad.standardize(x, -1, { epsilon: -1 })).toThrow(/standardize: epsilon must be a finite number ≥ 0/);
    expect(() => ad.standardize(x, 3)).toThrow(ad.AdjointError);
  });
});
