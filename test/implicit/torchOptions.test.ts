/**
 * @file PyTorch's optimizer options that optax lacks: SGD's `dampening` (optimizers.momentum) and
 * clip_grad_norm_'s ε = 1e−6 (optimizers.clipByGlobalNorm's `epsilon`), against PyTorch 1.13's numbers
 * (computed once with torch.optim.SGD and torch.nn.utils.clip_grad_norm_ in float64; the script is in the comments).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';

describe('optimizers.momentum({ dampening })', () => {
  it('three steps equal torch.optim.SGD(lr=0.1, momentum=0.9, dampening=0.3): the first buffer is the gradient itself', () => {
    // w = tensor([1., -2.]); SGD([w], lr=0.1, momentum=0.9, dampening=0.3); grads [.5, 1], [1.5, -.5], [-1, 2] → w
    const opt = ad.optimizers.momentum({ lr: 0.1, beta: 0.9, dampening: 0.3 });
    let w = ad.tensor([1, -2]), state = opt.init(w);
    for (const g of [[0.5, 1], [1.5, -0.5], [-1, 2]]) [w, state] = opt.step(w, ad.tensor(g), state);
    const want = [0.7349999999999999, -2.3445000000000005];
    Array.from(w.toFloat64Array()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 15));
  });

  it('dampening 0 is the plain momentum, and nesterov with dampening is refused as in PyTorch', () => {
    const plain = ad.optimizers.momentum({ lr: 0.1 }), zero = ad.optimizers.momentum({ lr: 0.1, dampening: 0 });
    const p = ad.tensor([1, 2]), g = ad.tensor([0.3, -0.4]);
    expect(zero.step(p, g, zero.init(p))[0].toArray()).toEqual(plain.step(p, g, plain.init(p))[0].toArray());
    expect(() => ad.optimizers.momentum({ lr: 0.1, nesterov: true, dampening: 0.1 })).toThrow(/nesterov needs dampening 0 \(as torch.optim.SGD\)/);
    expect(() => ad.optimizers.momentum({ lr: 0.1, dampening: 2 })).toThrow(/dampening/);
    // momentum 0: PyTorch keeps no buffer, and dampening does nothing (plain SGD)
    const still = ad.optimizers.momentum({ lr: 0.1, beta: 0, dampening: 0.3 });
    let w = ad.tensor([1]), st = still.init(w);
    for (let i = 0; i < 3; i++) [w, st] = still.step(w, ad.tensor([1]), st);
    expect(w.item()).toBeCloseTo(0.7, 15);
  });
});

describe('optimizers.clipByGlobalNorm(maxNorm, { epsilon })', () => {
  it('epsilon 1e−6 is torch.nn.utils.clip_grad_norm_: maxNorm/(‖g‖ + ε), also just below maxNorm', () => {
    // clip_grad_norm_ of grads [3, 0] and 4 with max_norm 1 → [0.599999880000024, 0] and 0.799999840000032;
    // of [0.6, 0] and 0.8 (norm exactly 1) → [0.5999994000006, 0] and 0.7999992000008.
    const clip = ad.optimizers.clipByGlobalNorm(1, { epsilon: 1e-6 });
    const params = { a: ad.zeros([2]), b: ad.scalar(0) };
    const run = (a: number[], b: number) => clip.update({ a: ad.tensor(a), b: ad.scalar(b) }, clip.init(params), params, ad.scalar(0))[0] as { a: ad.Tensor; b: ad.Tensor };
    const big = run([3, 0], 4), edge = run([0.6, 0], 0.8);
    expect(big.a.toFloat64Array()[0]).toBeCloseTo(0.599999880000024, 15);
    expect(big.b.item()).toBeCloseTo(0.799999840000032, 15);
    expect(edge.a.toFloat64Array()[0]).toBeCloseTo(0.5999994000006, 15);
    expect(edge.b.item()).toBeCloseTo(0.7999992000008, 15);
    const optax = ad.optimizers.clipByGlobalNorm(1); // ε = 0: a norm of exactly maxNorm is left alone
    expect((optax.update({ a: ad.tensor([0.6, 0]), b: ad.scalar(0.8) }, optax.init(params), params, ad.scalar(0))[0] as { b: ad.Tensor }).b.item()).toBe(0.8);
    expect(() => ad.optimizers.clipByGlobalNorm(1, { epsilon: -1 })).toThrow(/epsilon/);
  });
});
