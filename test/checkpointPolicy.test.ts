/**
 * @file checkpoint(f, { policy }) (jax.checkpoint's policy): every policy gives the gradient of the
 * uncheckpointed program bit for bit (first and second order, under jit and vmap), and saves what
 * it says (the stats option: outputs saved in the forward pass, ops of the recomputation answered
 * from them).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const W1 = ad.random.normal([6, 8], 1), W2 = ad.random.normal([8, 8], 2), Wb = ad.random.normal([3, 8, 8], 3);
const block = (h: ad.Tensor) => ad.tanh(ad.matmul(ad.tanh(ad.matmul(h, W1)), W2));
const x = ad.random.normal([4, 6], 4);
const loss = (f: (h: ad.Tensor) => ad.Tensor) => (h: ad.Tensor) => ad.sum(ad.square(f(h)));
const bits = (t: ad.Tensor) => Array.from(t.toFloat64Array());
const policies: ad.CheckpointPolicy[] = ['nothing', 'everything', 'dots', 'dotsWithNoBatchDims', (op) => op.name === 'tanh'];

describe('checkpoint policies', () => {
  it('every policy gives the uncheckpointed gradient bit for bit: grad, hvp, jit, vmap', () => {
    const plainGrad = bits(ad.grad(loss(block))(x));
    const v = ad.random.normal([4, 6], 5);
    const plainHvp = bits(ad.hvp(loss(block), x, v));
    for (const policy of policies) {
      const f = ad.checkpoint(block, { policy });
      expect(bits(ad.grad(loss(f))(x))).toEqual(plainGrad);
      expect(bits(ad.hvp(loss(f), x, v))).toEqual(plainHvp);
      expect(bits(ad.jit(ad.grad(loss(f)))(x))).toEqual(plainGrad);
      const x2 = ad.random.normal([4, 6], 6);
      expect(bits(ad.jit(ad.grad(loss(f)))(x2))).toEqual(bits(ad.grad(loss(block))(x2)));
      const rows = ad.vmap(ad.grad((r: ad.Tensor) => ad.sum(ad.square(f(ad.expandDims(r, 0))))))(x);
      const loop = ad.stack([0, 1, 2, 3].map((i) => ad.grad((r: ad.Tensor) => ad.sum(ad.square(block(ad.expandDims(r, 0)))))(ad.take(x, i, 0))));
      expect(bits(rows)).toEqual(bits(loop));
    }
  });

  it("'dots' saves the products and the recomputation reuses them; 'nothing' and 'everything' save nothing", () => {
    const counts = (f: (h: ad.Tensor) => ad.Tensor, policy: ad.CheckpointPolicy, at = x) => {
      const stats: Partial<ad.CheckpointStats> = {};
      ad.grad((h: ad.Tensor) => ad.sum(ad.square(ad.checkpoint(f, { policy, stats })(h))))(at);
      return [stats.saved ?? 0, stats.reused ?? 0];
    };
    expect(counts(block, 'nothing')).toEqual([0, 0]);
    expect(counts(block, 'everything')).toEqual([0, 0]);
    expect(counts(block, 'dots')).toEqual([2, 2]);
    expect(counts(block, 'dotsWithNoBatchDims')).toEqual([2, 2]);
    expect(counts(block, (op) => op.name === 'tanh')).toEqual([2, 2]);
    // A batched product is a dot with batch dimensions: 'dots' saves it, 'dotsWithNoBatchDims' does not.
    const row = ad.take(x, 0, 0).reshape([1, 6]);
    const batchedBlock = (h: ad.Tensor) => ad.tanh(ad.matmul(Wb, ad.tanh(ad.matmul(h, W1)).reshape([8, 1])));
    expect(counts(batchedBlock, 'dots', row)).toEqual([2, 2]);
    expect(counts(batchedBlock, 'dotsWithNoBatchDims', row)).toEqual([1, 1]);
    // Under a jit replay each call saves and reuses its own outputs.
    const stats: Partial<ad.CheckpointStats> = {};
    const step = ad.jit(ad.grad((h: ad.Tensor) => ad.sum(ad.square(ad.checkpoint(block, { policy: 'dots', stats })(h)))));
    step(x);
    step(ad.random.normal([4, 6], 8));
    expect(stats.saved).toBeGreaterThanOrEqual(2);
    // A policy function sees each op's name and input shapes.
    const seen = new Set<string>();
    ad.grad(loss(ad.checkpoint(block, { policy: (op) => (seen.add(`${op.name}:${op.shapes.length}`), false) })))(x);
    expect(seen.has('matmul:2') && seen.has('tanh:1')).toBe(true);
  });

  it('a review\'s cases: random draws of different settings are not confused, numbers are boxed under every policy, saved outputs are residuals', () => {
    // randint's bounds live in a closure among the primitive's parameters: two draws from one key with
    // different bounds must not answer each other (they did under a save-everything policy: 2.13 off).
    const h = ad.random.normal([8], 9), key = ad.tensor([7, 11]);
    const draws = (v: ad.Tensor, s: ad.Tensor) => ad.sum(ad.add(ad.take(v, ad.random.randint(s, [4], 0, 8)), ad.mul(3, ad.take(v, ad.random.randint(s, [4], 0, 4)))));
    const want = bits(ad.grad(draws)(h, key));
    for (const policy of [() => true, (op: ad.CheckpointOp) => op.name.startsWith('random')] as ad.CheckpointPolicy[]) {
      expect(bits(ad.grad(ad.checkpoint(draws, { policy }))(h, key))).toEqual(want);
    }
    // Numbers reach f as 0-d tensors whatever the policy.
    for (const policy of policies) expect(ad.checkpoint((v: ad.Tensor) => v.shape.length, { policy })(3 as never)).toBe(0);
    // A predicate's truthy answer saves.
    const stats: Partial<ad.CheckpointStats> = {};
    ad.grad(loss(ad.checkpoint(block, { policy: (op) => (op.name === 'matmul' ? 1 : 0) as never, stats })))(x);
    expect(stats.saved).toBe(2);
    // What a policy saves is held as residuals.
    const held = (policy: ad.CheckpointPolicy) => {
      const before = ad.memoryStats().residualBytes;
      const kept = ad.vjp((v: ad.Tensor) => ad.sum(ad.checkpoint(block, { policy })(v)), x); // its tape held while the pullback lives
      const bytes = ad.memoryStats().residualBytes - before;
      expect(kept.length).toBe(2);
      return bytes;
    };
    expect(held('dots')).toBe(held('nothing') + 2 * 4 * 8 * 8); // the two saved [4, 8] products
    expect(() => ad.checkpoint(block, { stats: { saved: 'x' } as never })).toThrow(/stats must be an object/);
  });

  it('the options are checked: JAX names and keyword options answered with what to write', () => {
    expect(() => ad.checkpoint(block, { policy: 'dots_saveable' as never })).toThrow(/JAX's dots_saveable is 'dots'/);
    expect(() => ad.checkpoint(block, { policy: 'save_only_these_names' as never })).toThrow(/checkpoint the pieces between the values/);
    expect(() => ad.checkpoint(block, { prevent_cse: false } as never)).toThrow(/unknown option\(s\) prevent_cse.*the options are policy and stats/);
    expect(() => ad.checkpoint(block, 3 as never)).toThrow(/options, \{ policy, stats \}/);
  });
});
