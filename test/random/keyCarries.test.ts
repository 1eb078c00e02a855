/**
 * @file PRNG keys in a loop's carry, as JAX programs carry them through lax.scan: scan, whileLoop and
 * foriLoop thread the keys' words, the step sees keys, and the draws are exactly those of the same
 * loop written in JavaScript; gradients through the loop's reparameterised draws, with checkpoints,
 * and under jit (replayed with each new key).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const { random } = ad;
const bits = (t: Tensor) => Array.from(t.toFloat64Array());

/** One step of a noisy walk: split the key, move by a scaled normal draw. */
function walkStep(c: { key: ad.random.Key; x: Tensor }, scale: Tensor) {
  const [next, sub] = random.split(c.key);
  return { key: next!, x: ad.add(ad.mul(c.x, 0.9), random.normal(sub!, [2], 0, scale)) };
}

/** The same walk as a JavaScript loop. */
function walkLoop(key: ad.random.Key, x: Tensor, scale: Tensor, n: number) {
  let c = { key, x };
  const xs: Tensor[] = [];
  for (let t = 0; t < n; t++) {
    xs.push(c.x);
    c = walkStep(c, scale);
  }
  return { c, xs };
}

describe('keys in a loop carry', () => {
  const key = random.key(3);
  const x0 = ad.tensor([1, -1]);
  const scale = ad.scalar(0.5);

  it('scan: the carry keeps its keys, and the draws are the JavaScript loop\'s', () => {
    const final = ad.scan((c) => walkStep(c, scale), { key, x: x0 }, { length: 6 });
    const { c } = walkLoop(key, x0, scale, 6);
    expect(final.key).toBeInstanceOf(random.Key);
    expect(final.key.words).toEqual(c.key.words);
    expect(bits(final.x)).toEqual(bits(c.x));
    // [carry, y]: the ys stacked as usual.
    const [last, ys] = ad.scan((c) => [walkStep(c, scale), c.x] as const, { key, x: x0 }, { length: 4 });
    const loop = walkLoop(key, x0, scale, 4);
    expect(bits(last.x)).toEqual(bits(loop.c.x));
    expect(bits(ys)).toEqual(bits(ad.stack(loop.xs, 0)));
  });

  it('scan of length 0 gives init back, keys included; keys among the ys are their stacked words', () => {
    const empty = ad.scan((c) => walkStep(c, scale), { key, x: x0 }, { length: 0 });
    expect(empty.key.words).toEqual(key.words);
    const [, keysOut] = ad.scan((k: ad.random.Key) => {
      const [a, b] = random.split(k);
      return [a!, b!] as const;
    }, key, { length: 3 });
    let k = key;
    const expected: ad.random.Key[] = [];
    for (let t = 0; t < 3; t++) {
      const [a, b] = random.split(k);
      expected.push(b!);
      k = a!;
    }
    expect(bits(keysOut as unknown as Tensor)).toEqual(bits(random.keyData(expected)));
  });

  it('gradients through the draws, with checkpoints, equal the JavaScript loop\'s', () => {
    const viaScan = (s: Tensor, checkpoints: number | 'all') =>
      ad.sum(ad.square(ad.scan((c) => walkStep(c, s), { key, x: x0 }, { length: 12, checkpoints }).x));
    const viaLoop = (s: Tensor) => ad.sum(ad.square(walkLoop(key, x0, s, 12).c.x));
    const want = ad.grad(viaLoop)(scale).item();
    expect(ad.grad((s: Tensor) => viaScan(s, 'all'))(scale).item()).toBeCloseTo(want, 12);
    expect(ad.grad((s: Tensor) => viaScan(s, 3))(scale).item()).toBeCloseTo(want, 12);
  });

  it('whileLoop and foriLoop', () => {
    // Draw uniforms until one is below 0.1, counting the draws.
    const cond = (c: { key: ad.random.Key; n: Tensor; u: Tensor }) => ad.greaterEqual(c.u, 0.1);
    const body = (c: { key: ad.random.Key; n: Tensor; u: Tensor }) => {
      const [next, sub] = random.split(c.key);
      return { key: next!, n: ad.add(c.n, 1), u: random.uniform(sub!, []) };
    };
    const out = ad.whileLoop(cond, body, { key, n: ad.scalar(0), u: ad.scalar(1) });
    let c = { key, n: ad.scalar(0), u: ad.scalar(1) };
    while (c.u.item() >= 0.1) c = body(c);
    expect(out.n.item()).toBe(c.n.item());
    expect(out.key.words).toEqual(c.key.words);
    const fori = ad.foriLoop(0, 5, (_i, s) => walkStep(s, scale), { key, x: x0 });
    expect(bits(fori.x)).toEqual(bits(walkLoop(key, x0, scale, 5).c.x));
    expect(fori.key.words).toEqual(walkLoop(key, x0, scale, 5).c.key.words);
  });

  it('under jit: replayed with each new key, bit for bit', () => {
    // (scale closed over: a sampler's check of a scale computed from the arguments would run the function as written)
    const run = ad.jit((k: ad.random.Key) => ad.scan((c) => walkStep(c, scale), { key: k, x: x0 }, { length: 5 }));
    for (const seed of [1, 2, 3]) {
      const got = run(random.key(seed));
      const { c } = walkLoop(random.key(seed), x0, scale, 5);
      expect(bits(got.x)).toEqual(bits(c.x));
      expect(got.key.words).toEqual(c.key.words);
    }
    expect(run.cacheInfo()[0]!.status).toBe('replayed');
    expect(run.cacheInfo()[0]!.replays).toBe(2);
  });
});

describe('a key where a tree must hold tensors', () => {
  it('is named as a key, with what to do (it was "an object (Key)")', () => {
    const key = random.key(0);
    expect(() => ad.grad((p: { w: Tensor; k: ad.random.Key }) => ad.sum(random.normal(p.k, [2], p.w)))({ w: ad.ones([2]), k: key }))
      .toThrow(/grad: the leaf at \[0\]\.k is a PRNG key, which is not a tensor and has no derivative; pass it as an argument that is not differentiated/);
    // Not differentiated, it is fine: grad's other arguments pass as they are.
    expect(ad.grad((w: Tensor, k: ad.random.Key) => ad.sum(random.normal(k, [2], w)))(ad.ones([2]), key).toArray()).toEqual([1, 1]);
    expect(() => ad.checkpoint((x: Tensor, k: ad.random.Key) => ad.mul(x, random.normal(k, [])))(ad.scalar(1), key)).toThrow(/checkpoint: the leaf at \[1\] is a PRNG key/);
  });
});
