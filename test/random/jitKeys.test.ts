/**
 * @file PRNG keys under jit: a Key argument is a program input (its two words), so a recorded
 * program replays with the next call's key and draws what the function draws without jit, bit for
 * bit; keys returned are rebuilt as keys. Samplers that read their parameters' values run as
 * written, with a reason. Also: tensor keys under jit, foldIn of a traced step, and a batched key
 * under a grad inside vmap (drawn by the same primitives).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const { random } = ad;
const bits = (t: Tensor) => Array.from(t.toFloat64Array(), (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('a Key argument under jit', () => {
  const step = (w: Tensor, key: ad.random.Key) => {
    const [k1, k2] = random.split(key);
    const noise = random.normal(k1!, [3], 0, 0.1);
    const mask = random.bernoulli(k2!, 0.8, [3]);
    return { loss: ad.sum(ad.mul(ad.mul(ad.add(w, noise), mask), w)), next: k2! };
  };

  it('replays with each new key, drawing as the function does, and returns keys as keys', () => {
    const jitted = ad.jit(step);
    const w = ad.tensor([1, -2, 3]);
    let key = random.key(0);
    for (let i = 0; i < 6; i++) {
      const want = step(w, key);
      const got = jitted(w, key);
      expect(bits(got.loss)).toEqual(bits(want.loss));
      expect(got.next).toBeInstanceOf(random.Key);
      expect(got.next.words).toEqual(want.next.words);
      key = got.next;
    }
    const [entry] = jitted.cacheInfo();
    expect(entry!.signature).toBe('(T[3],K)');
    expect(entry!.status).toBe('replayed');
    expect(entry!.replays).toBe(5);
    expect(entry!.calls.randomSplit).toBe(1);
    expect(entry!.calls.randomNoise).toBe(2);
  });

  it('a different key gives a different draw (the key is an input, not a constant of the recording)', () => {
    const draw = ad.jit((key: ad.random.Key) => random.uniform(key, [4]));
    const a = draw(random.key(1)), b = draw(random.key(2));
    expect(bits(b)).not.toEqual(bits(a));
    expect(bits(b)).toEqual(bits(random.uniform(random.key(2), [4])));
    expect(draw.cacheInfo()[0]!.replays).toBe(1);
  });

  it('keys nested in plain objects and arrays, and jit(valueAndGrad) through a reparameterised draw', () => {
    const loss = (w: Tensor, p: { keys: ad.random.Key[] }) =>
      ad.sum(ad.mul(random.normal(p.keys[0]!, [3], w, 0.5), random.laplace(p.keys[1]!, [3], w, 2)));
    const vg = ad.valueAndGrad(loss, 0);
    const jitted = ad.jit(vg);
    const w = ad.tensor([0.5, 1, -1]);
    for (let i = 0; i < 4; i++) {
      const keys = random.split(random.foldIn(random.key(7), i), 2);
      const [v, g] = jitted(w, { keys });
      const [v0, g0] = vg(w, { keys });
      expect(bits(v)).toEqual(bits(v0));
      expect(bits(g)).toEqual(bits(g0));
    }
    expect(jitted.cacheInfo()[0]!.status).toBe('replayed');
  });

  it('every sampler that draws from its key alone replays bit for bit', () => {
    const mean = ad.tensor([0.5, -1]);
    const cov = ad.tensor([[2, 0.3], [0.3, 1]]);
    const samplers: Array<[string, (k: ad.random.Key) => Tensor]> = [
      ['uniform', (k) => random.uniform(k, [2, 3], -1, 2)],
      ['normal', (k) => random.normal(k, [5])],
      ['gumbel', (k) => random.gumbel(k, [4])],
      ['bernoulli', (k) => random.bernoulli(k, 0.3, [6])],
      ['bits', (k) => random.bits(k, [3])],
      ['randint', (k) => random.randint(k, [4], -5, 9)],
      ['randint (wide)', (k) => random.randint(k, [2], 0, 2 ** 40)],
      ['exponential', (k) => random.exponential(k, [3], 2)],
      ['laplace', (k) => random.laplace(k, [3], 1, 0.5)],
      ['logistic', (k) => random.logistic(k, [3])],
      ['cauchy', (k) => random.cauchy(k, [3], 0, 2)],
      ['rademacher', (k) => random.rademacher(k, [5])],
      ['weibullMin', (k) => random.weibullMin(k, 1.5, 2, [3])],
      ['pareto', (k) => random.pareto(k, 3, [3])],
      ['rayleigh', (k) => random.rayleigh(k, 2, [3])],
      ['maxwell', (k) => random.maxwell(k, [3])],
      ['doubleSidedMaxwell', (k) => random.doubleSidedMaxwell(k, 1, 2, [3])],
      ['lognormal', (k) => random.lognormal(k, 0.5, [3])],
      ['triangular', (k) => random.triangular(k, 0, 1, 3, [4])],
      ['wald', (k) => random.wald(k, 2, [3])],
      ['multivariateNormal', (k) => random.multivariateNormal(k, mean, cov, [3])],
      ['orthogonal', (k) => random.orthogonal(k, 3)],
    ];
    for (const [name, draw] of samplers) {
      const jitted = ad.jit(draw);
      for (let seed = 0; seed < 3; seed++) {
        const key = random.key(seed + 10);
        expect(bits(jitted(key)), `${name}, key ${seed}`).toEqual(bits(draw(key)));
      }
      expect(jitted.cacheInfo()[0]!.status, name).toBe('replayed');
      expect(jitted.cacheInfo()[0]!.replays, name).toBe(2);
    }
  });

  it('a sampler that reads its parameters (gamma) runs as written, with the reason', () => {
    const draw = ad.jit((a: Tensor, key: ad.random.Key) => random.gamma(key, a, [2]));
    const a = ad.tensor([0.5, 3]);
    for (const seed of [1, 2]) expect(bits(draw(a, random.key(seed)))).toEqual(bits(random.gamma(random.key(seed), a, [2])));
    const [entry] = draw.cacheInfo();
    expect(entry!.status).toBe('eager');
    expect(entry!.reason).toMatch(/read the value of a tensor computed from the arguments/);
  });

  it("reading a traced key's words runs the function as written", () => {
    const f = ad.jit((key: ad.random.Key) => ad.scalar(key.words[0] + random.split(key)[1]!.words[1]));
    for (const seed of [3, 4]) {
      const key = random.key(seed);
      expect(f(key).item()).toBe(key.words[0] + random.split(key)[1]!.words[1]);
    }
    expect(f.cacheInfo()[0]!.status).toBe('eager');
  });

  it('foldIn of a step given as a tensor replays per step (a number would record a program per value)', () => {
    const f = ad.jit((key: ad.random.Key, step: Tensor) => random.normal(random.foldIn(key, step), [2]));
    const key = random.key(5);
    for (let i = 0; i < 4; i++) {
      expect(bits(f(key, ad.scalar(i)))).toEqual(bits(random.normal(random.foldIn(key, i), [2])));
    }
    expect(f.cacheInfo()).toHaveLength(1);
    expect(f.cacheInfo()[0]!.replays).toBe(3);
    // A step that is not an integer in [0, 2^32) fails at replay; the function then runs as written and throws its error.
    expect(() => f(key, ad.scalar(-1))).toThrow(/random\.foldIn: data must be an integer in \[0, 2\^32\)/);
  });

  it('a key made from a seed tensor replays per seed', () => {
    const f = ad.jit((seed: Tensor) => random.uniform(random.key(seed), [3]));
    for (const s of [0, 42, 2 ** 40]) expect(bits(f(ad.scalar(s)))).toEqual(bits(random.uniform(random.key(s), [3])));
    expect(f.cacheInfo()[0]!.replays).toBe(2);
  });
});

describe('tensor keys under jit', () => {
  it('a row of keyData(keys) as an argument replays (it was refused: "the key is a tensor traced by a transformation")', () => {
    const rows = random.keyData(random.split(random.key(0), 3));
    const f = ad.jit((k: Tensor) => ad.add(random.uniform(k, [2]), random.exponential(k, [2])));
    for (let b = 0; b < 3; b++) {
      const k = ad.take(rows, b, 0);
      expect(bits(f(k))).toEqual(bits(ad.add(random.uniform(k, [2]), random.exponential(k, [2]))));
    }
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
    // Words that are not a key's fail at replay: the function runs as written and throws the sampler's error.
    expect(() => f(ad.tensor([1.5, 2]))).toThrow(/random\.uniform: .*got the words \[1\.5, 2\]/);
  });

  it('a sampler that reads its parameters with a tensor key runs as written (it threw before)', () => {
    const k = ad.take(random.keyData(random.split(random.key(1), 2)), 1, 0);
    const f = ad.jit((key: Tensor, a: Tensor) => random.gamma(key, a, [3]));
    expect(bits(f(k, ad.scalar(2)))).toEqual(bits(random.gamma(k, 2, [3])));
    expect(f.cacheInfo()[0]!.status).toBe('eager');
  });

  it('vmap over keys inside jit', () => {
    const keys = random.keyData(random.split(random.key(2), 4));
    const f = ad.jit(ad.vmap((k: Tensor, m: Tensor) => random.normal(k, [3], m)));
    const means = ad.tensor([0, 1, 2, 3]);
    const loop = ad.stack([0, 1, 2, 3].map((b) => random.normal(ad.take(keys, b, 0), [3], b)), 0);
    expect(bits(f(keys, means) as Tensor)).toEqual(bits(loop));
    expect(bits(f(keys, means) as Tensor)).toEqual(bits(loop));
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
  });
});

describe('a batched key under a grad inside vmap', () => {
  it('samplers that draw from the key alone give per-example gradients (the key was refused there)', () => {
    const keys = random.keyData(random.split(random.key(0), 3));
    const f = (k: Tensor, a: Tensor) => ad.grad((ai: Tensor) => ad.sum(ad.mul(random.normal(k, [2], ai, 2), ai)))(a);
    const a = ad.tensor([1, 2, -0.5]);
    const loop = [0, 1, 2].map((b) => f(ad.take(keys, b, 0), ad.take(a, b, 0)).item());
    expect(Array.from((ad.vmap(f)(keys, a) as Tensor).toFloat64Array())).toEqual(loop);
  });
});

describe('parameter checks under jit are guards a replay runs again', () => {
  it('normal, uniform and bernoulli with tensor parameters replay, and a replay that fails a check throws its error', () => {
    const normal = ad.jit((k: ad.random.Key, mu: Tensor, s: Tensor) => random.normal(k, [3], mu, s));
    const mu = ad.tensor([0, 1, 2]);
    for (const seed of [1, 2, 3]) expect(bits(normal(random.key(seed), mu, ad.scalar(seed / 2)))).toEqual(bits(random.normal(random.key(seed), [3], mu, ad.scalar(seed / 2))));
    expect(normal.cacheInfo()[0]!.status).toBe('replayed');
    expect(normal.cacheInfo()[0]!.calls.guard).toBe(1);
    expect(() => normal(random.key(1), mu, ad.scalar(-1))).toThrow(/random\.normal: std must be non-negative/);
    const uniform = ad.jit((k: ad.random.Key, lo: Tensor, hi: Tensor) => random.uniform(k, [2], lo, hi));
    expect(bits(uniform(random.key(0), ad.scalar(0), ad.scalar(1)))).toEqual(bits(random.uniform(random.key(0), [2], 0, 1)));
    expect(bits(uniform(random.key(0), ad.scalar(1), ad.scalar(3)))).toEqual(bits(random.uniform(random.key(0), [2], ad.scalar(1), ad.scalar(3))));
    expect(() => uniform(random.key(0), ad.scalar(3), ad.scalar(1))).toThrow(/low must be less than high/);
    expect(() => uniform(random.key(0), ad.scalar(0), ad.scalar(Infinity))).toThrow(/low and high must be finite/);
    expect(uniform.cacheInfo()[0]!.replays).toBe(1);
    const bern = ad.jit((k: ad.random.Key, p: Tensor) => random.bernoulli(k, p, [6]));
    expect(bits(bern(random.key(4), ad.scalar(0.9)))).toEqual(bits(random.bernoulli(random.key(4), 0.9, [6])));
    expect(bits(bern(random.key(4), ad.scalar(0.2)))).toEqual(bits(random.bernoulli(random.key(4), 0.2, [6])));
    expect(() => bern(random.key(4), ad.scalar(1.5))).toThrow(/p must be a probability in \[0, 1\]/);
    expect(bern.cacheInfo()[0]!.replays).toBe(1);
  });

  it('the checks hold under grad too (the values below the derivative are the argument\'s), and are left out under vmap', () => {
    const k = random.key(2);
    expect(() => ad.grad((s: Tensor) => ad.sum(random.normal(k, [3], 0, s)))(ad.scalar(-1))).toThrow(/random\.normal: std must be non-negative/);
    expect(ad.grad((s: Tensor) => ad.sum(random.normal(k, [3], 0, s)))(ad.scalar(2)).item()).toBeCloseTo(ad.sum(random.normal(k, [3])).item(), 14);
    // Under vmap each example's values are not the argument's: left out there (as JAX checks nothing).
    expect((ad.vmap((s: Tensor) => random.normal(k, [2], 0, s))(ad.tensor([1, 2])) as Tensor).shape).toEqual([2, 2]);
  });

  it('a function that catches a failed check is not kept (its catch path depends on the values)', () => {
    const f = ad.jit((k: ad.random.Key, s: Tensor) => {
      try {
        return random.normal(k, [2], 0, s);
      } catch {
        return ad.zeros([2]);
      }
    });
    expect(bits(f(random.key(0), ad.scalar(-1)))).toEqual(['0', '0']);
    expect(bits(f(random.key(0), ad.scalar(1)))).toEqual(bits(random.normal(random.key(0), [2], 0, 1)));
    expect(f.cacheInfo()[0]!.status).toBe('eager');
    // Recorded with valid values first: the replay's guard throws, and the function runs as written (its catch).
    const g = ad.jit((k: ad.random.Key, s: Tensor) => {
      try {
        return random.normal(k, [2], 0, s);
      } catch {
        return ad.zeros([2]);
      }
    });
    expect(bits(g(random.key(0), ad.scalar(1)))).toEqual(bits(random.normal(random.key(0), [2], 0, 1)));
    expect(bits(g(random.key(0), ad.scalar(-1)))).toEqual(['0', '0']);
    expect(g.cacheInfo()[0]!.status).toBe('replayed');
  });
});

describe('categorical under jit', () => {
  it('logits computed from the arguments replay (the check of the logits is a guard), bit for bit with eager, large logits included', () => {
    const logits = ad.tensor([[0.5, 2, -1, 0.1], [1e16, 1e16, -Infinity, 3], [-Infinity, Infinity, -Infinity, -Infinity]]);
    const f = ad.jit((k: ad.random.Key, l: Tensor) => random.categorical(k, ad.mul(l, 1), { shape: [50, 3] }));
    for (const seed of [0, 1, 2]) expect(bits(f(random.key(seed), logits))).toEqual(bits(random.categorical(random.key(seed), logits, { shape: [50, 3] })));
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
    expect(() => f(random.key(0), ad.tensor([[0, NaN, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]))).toThrow(/have a NaN at flat index 1/);
    expect(() => f(random.key(0), ad.tensor([[0, 0, 0, 0], [-Infinity, -Infinity, -Infinity, -Infinity], [1, 1, 1, 1]]))).toThrow(/every logit is −Infinity/);
    const alongRows = ad.jit((k: ad.random.Key, l: Tensor) => random.categorical(k, l, { axis: 0 }));
    for (const seed of [3, 4]) expect(bits(alongRows(random.key(seed), logits))).toEqual(bits(random.categorical(random.key(seed), logits, { axis: 0 })));
    expect(alongRows.cacheInfo()[0]!.status).toBe('replayed');
  });
});


describe('permutation under jit', () => {
  it("the order is drawn from the key alone: a permutation of n replays, and x's shuffle replays (its take a gather)", () => {
    const order = ad.jit((k: ad.random.Key) => random.permutation(k, 7));
    const shuffle = ad.jit((k: ad.random.Key, x: Tensor) => random.permutation(k, x, 1));
    const x = ad.reshape(ad.arange(12), [3, 4]);
    for (const seed of [0, 1, 2]) {
      expect(bits(order(random.key(seed)))).toEqual(bits(random.permutation(random.key(seed), 7)));
      expect(bits(shuffle(random.key(seed), x))).toEqual(bits(random.permutation(random.key(seed), x, 1)));
    }
    expect(order.cacheInfo()[0]!.status).toBe('replayed');
    expect(shuffle.cacheInfo()[0]!.status).toBe('replayed');
  });
});
