/**
 * @file A split of a key given as a tensor iterates by row, as JAX's key arrays do, so that
 * `const [a, b] = ad.random.split(k)` reads the same whether k is a key or a tensor of its words —
 * the form a key takes inside `vmap` — and gives the keys of the plain split. Each entry is
 * keys.take(i, 0), an op, so this works on traced keys (vmap, jit). Tensors in general do not
 * iterate: test frameworks compare iterables entry by entry, and toEqual of two tensors would walk
 * them down to 0-d entries.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('random.split of a key given as a tensor', () => {
  it('iterates by row: the keys of the plain split, bit for bit, for any count', () => {
    const key = ad.random.key(7), words = ad.tensor(ad.random.keyData(key)); // the key as a [2] tensor
    const [a, b] = ad.random.split(words);
    const plain = ad.random.split(key);
    expect(a!.shape).toEqual([2]);
    expect(a!.toArray()).toEqual(ad.random.keyData(plain[0]!));
    expect(b!.toArray()).toEqual(ad.random.keyData(plain[1]!));
    const five = [...ad.random.split(words, 5)];
    expect(five.map((k) => k.toArray())).toEqual(ad.random.split(key, 5).map((k) => ad.random.keyData(k)));
    expect([...ad.random.split(words, 0)]).toEqual([]);
  });

  it('splits inside vmap by destructuring, as in JAX, with the samples of a loop over the keys', () => {
    const sample = (k: ad.random.Key | ad.Tensor) => {
      const [k1, k2] = k instanceof ad.Tensor ? ad.random.split(k) : ad.random.split(k);
      return ad.add(ad.random.normal(k1!, [3]), ad.random.uniform(k2!, [3]));
    };
    const keys = ad.random.split(ad.random.key(0), 4);
    const mapped = ad.vmap(sample)(ad.random.keyData(keys));
    expect(mapped.shape).toEqual([4, 3]);
    expect(mapped.toArray()).toEqual(keys.map((k) => sample(k).toArray()));
  });

  it('iterates under jit, replayed on new keys', () => {
    const f = (k: ad.Tensor) => {
      const [k1, k2, k3] = ad.random.split(k, 3);
      return ad.stack([ad.random.normal(k1!, [2]), ad.random.normal(k2!, [2]), ad.random.normal(k3!, [2])]);
    };
    const jitted = ad.jit(f);
    for (const seed of [1, 2, 3]) {
      const k = ad.tensor(ad.random.keyData(ad.random.key(seed)));
      expect(jitted(k).toArray()).toEqual(f(k).toArray());
    }
  });

  it('leaves tensors in general not iterable; a split of keys is still a [n, 2] tensor of their words', () => {
    expect(Symbol.iterator in ad.tensor([1, 2])).toBe(false);
    const k = ad.tensor(ad.random.keyData(ad.random.key(3)));
    const keys = ad.random.split(k, 3);
    expect(keys).toBeInstanceOf(ad.Tensor);
    expect(keys.shape).toEqual([3, 2]);
    expect(keys.toArray()).toEqual(ad.random.split(ad.random.key(3), 3).map((key) => ad.random.keyData(key)));
    expect(ad.add(keys, 0).toArray()).toEqual(keys.toArray()); // an ordinary tensor to every op
  });
});

describe('random.split with a shape (JAX\'s num tuple)', () => {
  it('gives the keys of split(key, size) in row-major order, nested by the shape, for keys and tensor keys', () => {
    const key = ad.random.key(3);
    const grid = ad.random.split(key, [2, 3]);
    const flat = ad.random.split(key, 6).map((k) => ad.random.keyData(k));
    expect(grid.length).toBe(2);
    expect(grid.map((row) => row.map((k) => ad.random.keyData(k)))).toEqual([flat.slice(0, 3), flat.slice(3)]);
    const words = ad.random.keyData(grid);
    expect(words.shape).toEqual([2, 3, 2]);
    expect(words.toArray()).toEqual([flat.slice(0, 3), flat.slice(3)]);
    expect(ad.random.split(ad.tensor(ad.random.keyData(key)), [2, 3]).toArray()).toEqual(words.toArray());
    expect(ad.random.keyData(ad.random.split(key, []))).toEqual(ad.random.keyData(ad.random.split(key, 1)[0]!)); // a shape [] is one key
    expect(ad.random.split(key, [4]).map((k) => ad.random.keyData(k))).toEqual(ad.random.split(key, 4).map((k) => ad.random.keyData(k)));
    expect(ad.random.split(key, [0, 3])).toEqual([]);
  });

  it('under jit and vmap, as the flat split', () => {
    const f = ad.jit((k: ad.Tensor) => ad.random.split(k, [2, 2]));
    const k5 = ad.tensor(ad.random.keyData(ad.random.key(5)));
    expect(f(k5).toArray()).toEqual(ad.random.keyData(ad.random.split(ad.random.key(5), [2, 2])).toArray());
    const k6 = ad.tensor(ad.random.keyData(ad.random.key(6)));
    expect(f(k6).toArray()).toEqual(ad.random.keyData(ad.random.split(ad.random.key(6), [2, 2])).toArray());
    const keys = ad.random.keyData(ad.random.split(ad.random.key(0), 4));
    const mapped = ad.vmap((k: ad.Tensor) => ad.random.split(k, [3]))(keys);
    expect(mapped.shape).toEqual([4, 3, 2]);
    expect(ad.take(mapped, 2, 0).toArray()).toEqual(ad.random.split(ad.take(keys, 2, 0), [3]).toArray());
  });

  it('refuses a shape with a negative or fractional extent, and ragged nested keys', () => {
    expect(() => ad.random.split(ad.random.key(0), [2, -1])).toThrow(/random.split: a shape of keys must list non-negative integers, got \[2, -1\]/);
    expect(() => ad.random.split(ad.random.key(0), [1.5])).toThrow(/non-negative integers/);
    const ks = ad.random.split(ad.random.key(0), 3);
    expect(() => ad.random.keyData([[ks[0]!, ks[1]!], [ks[2]!]])).toThrow(/random.keyData: nested arrays of keys must be rectangular/);
  });
});
