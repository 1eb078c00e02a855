/** @file random.PRNGKey (JAX's older name for key) and random.clone (the identity outside JAX's key-reuse checks). */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const { random } = ad;

describe('random.PRNGKey', () => {
  it('is key: the same words for numbers, bigints and seeds as tensors, so the same draws', () => {
    for (const seed of [0, 42, -1, 2 ** 40 + 3]) expect(random.keyData(random.PRNGKey(seed))).toEqual(random.keyData(random.key(seed)));
    expect(random.keyData(random.PRNGKey(2n ** 63n + 5n))).toEqual(random.keyData(random.key(2n ** 63n + 5n)));
    // jax.random.PRNGKey(42) is [0, 42]; its normal draws are key(42)'s
    expect(random.keyData(random.PRNGKey(42))).toEqual([0, 42]);
    expect(random.normal(random.PRNGKey(42), [4]).toArray()).toEqual(random.normal(random.key(42), [4]).toArray());
    expect(random.PRNGKey(ad.tensor(7)).toArray()).toEqual([0, 7]);
    const perSeed = ad.vmap((s: ad.Tensor) => random.uniform(random.PRNGKey(s), [2]))(ad.tensor([1, 2]));
    expect(perSeed.toArray()).toEqual([random.uniform(random.key(1), [2]).toArray(), random.uniform(random.key(2), [2]).toArray()]);
  });

  it('names itself in its errors', () => {
    expect(() => random.PRNGKey(1.5)).toThrow(/^random\.PRNGKey: seed must be an integer, got number 1\.5/);
    expect(() => random.PRNGKey(ad.tensor([1, 2]))).toThrow(/^random\.PRNGKey: the seed given as a tensor must be 0-d/);
    expect(() => (random.PRNGKey as (...a: unknown[]) => unknown)(1, 2)).toThrow(/random\.PRNGKey/);
  });
});

describe('random.clone', () => {
  it('gives the key itself: draws with a key and its clone are equal', () => {
    const k = random.key(3);
    expect(random.clone(k)).toBe(k);
    expect(random.normal(random.clone(k), [3]).toArray()).toEqual(random.normal(k, [3]).toArray());
    expect(random.keyData(random.clone(5))).toEqual(random.keyData(random.key(5)));
    const words = ad.tensor(random.keyData(k));
    expect(random.clone(words)).toBe(words);
    const [a, b] = random.split(random.clone(k));
    expect(random.keyData(a)).toEqual(random.keyData(random.split(k)[0]));
    expect(random.keyData(b)).toEqual(random.keyData(random.split(k)[1]));
  });

  it('under jit and vmap, the identity', () => {
    const drawJit = ad.jit((k: ad.random.Key) => random.normal(random.clone(k), [2]));
    expect(drawJit(random.key(9)).toArray()).toEqual(random.normal(random.key(9), [2]).toArray());
    expect(drawJit(random.key(10)).toArray()).toEqual(random.normal(random.key(10), [2]).toArray());
    const keys = random.keyData(random.split(random.key(0), 3));
    const drawn = ad.vmap((k: ad.Tensor) => random.uniform(random.clone(k), [2]))(keys);
    expect(drawn.shape).toEqual([3, 2]);
  });

  it('refuses what is not a key', () => {
    expect(() => random.clone(ad.tensor([1, 2, 3]))).toThrow(/random\.clone: a key given as a tensor must have shape \[2\]/);
    expect(() => random.clone(0.5)).toThrow(/^random\.clone: seed must be an integer/);
  });
});
