/**
 * @file Review of PRNG keys under jit (commit 0fb43de): a differential harness ran jit against the
 * function without jit (bit for bit, errors included) over keys as arguments, nested in arrays and
 * objects, returned, split, folded in, made from seed tensors; under grad, valueAndGrad, hessian,
 * jvp, vmap and nested jit; in scan, foriLoop, whileLoop, checkpoint, cond, customVjp/customJvp;
 * structured models' sample; and vmap over tensor keys against a loop. The draws all agreed. What
 * it found, fixed here:
 * - the reason `cacheInfo()` gave when a traced key's words were read named the function that
 *   made the key ("jit reads its key's words (this sampler …)", "random.split reads …") rather
 *   than what was read, and called user code a sampler;
 * - `keyData(keys)` of keys traced by jit read their words, so a jitted step that maps over
 *   `keyData(split(key, n))` (the vmap-over-keys pattern of docs/random.md) never replayed;
 * - a grad taken with respect to a tensor key, reaching a sampler that reads its key, was told it
 *   was inside a vmap.
 * Then seeded properties: random programs of split / foldIn / samplers under jit against the
 * function (bit for bit, replayed), every sampler under jit with several keys, and vmap over
 * tensor keys against a loop for every sampler.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const { random } = ad;
type Key = ad.random.Key;

/** Every leaf's bits: tensors as hex of their float64 values (−0 kept), keys as their words, errors as their message. */
function bits(x: unknown): string {
  const hex = (v: number) => {
    const d = new DataView(new ArrayBuffer(8));
    d.setFloat64(0, v);
    return d.getBigUint64(0).toString(16);
  };
  if (x instanceof ad.Tensor) return `T[${x.shape.join(',')}](${Array.from(x.toFloat64Array(), hex).join(',')})`;
  if (x instanceof random.Key) return `K(${x.words.join(',')})`;
  if (Array.isArray(x)) return `[${x.map(bits).join(',')}]`;
  if (x !== null && typeof x === 'object') return `{${Object.entries(x).map(([k, v]) => `${k}:${bits(v)}`).join(',')}}`;
  return typeof x === 'number' ? hex(x) : String(x);
}

/** The bits of f(...args), or the error it throws. */
function outcome(f: () => unknown): string {
  try {
    return bits(f());
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
}

/** A small deterministic generator for the property tests (LCG, as in the other audit files). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const keyAt = (i: number) => random.foldIn(random.key(1234), i);

describe("the reason jit gives when a traced key's words are read", () => {
  it('names the key words and the readers, not the function that made the key', () => {
    // It read "jit reads its key's words (this sampler draws on the values of its parameters, so it runs as written) read the value …"
    // for user code reading key.words, and "random.split reads …" for a key split from the argument.
    const direct = ad.jit((k: Key) => ad.scalar(k.words[0]));
    const split = ad.jit((k: Key) => ad.scalar(random.split(k)[1]!.words[1]));
    const sampler = ad.jit((k: Key) => random.gamma(k, 2, [2]));
    for (const f of [direct, split, sampler]) {
      for (const s of [1, 2]) f(random.key(s));
      const [entry] = f.cacheInfo();
      expect(entry!.status).toBe('eager');
      expect(entry!.reason).toMatch(/^a PRNG key's words \(needed by key\.words, keyData, threefry2x32, toString, a structured model's sample, or a sampler that draws on the values of its parameters: the gamma family, poisson/);
      expect(entry!.reason).toMatch(/read the value of a tensor computed from the arguments, at\n/);
      expect(entry!.reason).not.toMatch(/^(jit|random\.split) reads/);
    }
    expect(direct(random.key(9)).item()).toBe(0);
    expect(split(random.key(9)).item()).toBe(random.split(random.key(9))[1]!.words[1]);
  });

  it('a grad with respect to a tensor key that reaches gamma is told so (it was told it ran inside a vmap)', () => {
    const k = ad.take(random.keyData(random.split(random.key(3), 2)), 1, 0);
    const f = ad.grad((t: Tensor) => ad.sum(random.gamma(t, 2, [2])));
    expect(() => f(k)).toThrow(/random\.gamma: the key is a tensor being differentiated or batched under a grad .*a grad taken with respect to the key.*do not differentiate with respect to it/);
    expect(() => ad.jit(f)(k)).toThrow(/a grad taken with respect to the key/);
    // The vmap(grad) case keeps its advice.
    const keys = random.keyData(random.split(random.key(4), 2));
    expect(() => ad.vmap((kk: Tensor, a: Tensor) => ad.grad((ai: Tensor) => ad.sum(random.gamma(kk, ai, [2])))(a))(keys, ad.tensor([1, 2])))
      .toThrow(/take the grad of the sum of the vmapped function/);
  });
});

describe('keyData of keys traced by jit', () => {
  const step = (w: Tensor, key: Key) => {
    const [next, sub] = random.split(key);
    const rows = random.keyData(random.split(sub!, 3));
    const noise = ad.vmap((k: Tensor, x: Tensor) => ad.mul(x, random.normal(k, [2])), [0, null])(rows, w) as Tensor;
    return { noise, rows, next: next! };
  };

  it('stacks their words without reading them: a step that maps over keyData(split(key, n)) replays (it ran as written)', () => {
    const jitted = ad.jit(step);
    const w = ad.tensor([1, -2]);
    let key = random.key(0);
    for (let i = 0; i < 5; i++) {
      const want = step(w, key), got = jitted(w, key);
      expect(bits(got)).toBe(bits(want));
      key = got.next;
    }
    const [entry] = jitted.cacheInfo();
    expect(entry!.reason).toBeNull();
    expect(entry!.status).toBe('replayed');
    expect(entry!.replays).toBe(4);
  });

  it('keeps its values and errors for plain keys, mixed keys and non-keys', () => {
    const keys = random.split(random.key(5), 3);
    expect(Array.from(random.keyData(keys).toFloat64Array())).toEqual(keys.flatMap((k) => [...k.words]));
    expect(random.keyData([]).shape).toEqual([0, 2]);
    expect(random.keyData(random.key(7))).toEqual([0, 7]);
    // A traced key beside a plain one, and a non-key beside a traced one (the error names the entry).
    const mixed = ad.jit((k: Key) => random.keyData([random.split(k)[0]!, random.key(3)]));
    for (const s of [1, 2, 3]) expect(bits(mixed(random.key(s)))).toBe(bits(random.keyData([random.split(random.key(s))[0]!, random.key(3)])));
    expect(mixed.cacheInfo()[0]!.status).toBe('replayed');
    const bad = ad.jit((k: Key) => random.keyData([k, 5 as unknown as Key]));
    expect(() => bad(random.key(1))).toThrow(/random\.keyData: keys\[1\] is number 5, not a key/);
  });
});

describe('seeded properties: jit against the function, bit for bit', () => {
  const keyOnly: Array<(k: Key | Tensor, w: Tensor) => Tensor> = [
    (k, w) => random.normal(k, [3], w, 0.5),
    (k, w) => ad.mul(w, random.uniform(k, [3], -1, 3)),
    (k) => random.gumbel(k, [3]),
    (k) => random.bits(k, [3]),
    (k) => random.randint(k, [3], -5, 2 ** 40),
    (k) => random.rademacher(k, [3]),
    (k, w) => ad.mul(w, random.exponential(k, [3], 2)),
    (k, w) => random.cauchy(k, [3], w, 1),
    (k) => random.maxwell(k, [3]),
    (k, w) => ad.add(w, random.logistic(k, [3])),
    (k) => random.bernoulli(k, 0.3, [3]),
    (k, w) => random.multivariateNormal(k, w, ad.eye(3)),
    (k) => ad.sum(random.orthogonal(k, 3), 0),
    (k) => random.lognormal(k, 0.5, [3]),
  ];

  it('random programs of split, foldIn (number and tensor data), samplers and returned keys replay and agree', () => {
    const rnd = lcg(2024);
    const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
    for (let prog = 0; prog < 60; prog++) {
      const tensorKey = rnd() < 0.3;
      const steps = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => ({
        kind: pick(['split', 'foldIn', 'foldInT', 'sample', 'sample', 'keep'] as const),
        n: Math.floor(rnd() * 4), c: Math.floor(rnd() * 2 ** 32), f: pick(keyOnly), which: rnd(),
      }));
      const fn = (w: Tensor, key: Key | Tensor, d: Tensor) => {
        let keys: Array<Key | Tensor> = [key];
        let acc = ad.zerosLike(w);
        const kept: Array<Key | Tensor> = [];
        for (const st of steps) {
          const k = keys[Math.floor(st.which * keys.length)]!;
          if (st.kind === 'split' && st.n > 0) {
            keys = k instanceof ad.Tensor
              ? Array.from({ length: st.n }, (_, r) => ad.take(random.split(k, st.n), r, 0))
              : random.split(k, st.n);
          } else if (st.kind === 'foldIn') keys.push(random.foldIn(k as Key, st.c));
          else if (st.kind === 'foldInT') keys.push(random.foldIn(k, d));
          else if (st.kind === 'sample') acc = ad.add(acc, st.f(k, w));
          else if (st.kind === 'keep') kept.push(k);
        }
        return { acc, kept, last: keys[keys.length - 1]! };
      };
      const jitted = ad.jit(fn);
      for (let call = 0; call < 3; call++) {
        const key = tensorKey ? ad.take(random.keyData(random.split(keyAt(prog + call), 2)), 0, 0) : keyAt(prog + call);
        const args = [ad.tensor([0.5, -1, 2]), key, ad.scalar((call * 7) % 5)] as const;
        expect(outcome(() => jitted(...args)), `program ${prog}, call ${call}`).toBe(outcome(() => fn(...args)));
      }
      const [entry] = jitted.cacheInfo();
      expect(entry!.status, `program ${prog}: ${entry!.reason}`).toBe('replayed');
      expect(entry!.replays).toBe(2);
    }
  });

  // Every sampler with its parameters as jit inputs: the key-only ones agree; the ones that read
  // their parameters' values (or check them) run as written with a reason, and agree.
  const T = ad.tensor;
  const samplers: Array<[string, (k: Key | Tensor, p: Record<string, Tensor>) => Tensor, () => Record<string, Tensor>]> = [
    ['uniform', (k, p) => random.uniform(k, [4], p.lo!, p.hi!), () => ({ lo: T([0, -1, 2, 0]), hi: T([1, 3, 2.5, 0.1]) })],
    ['normal', (k, p) => random.normal(k, [4], p.m!, p.s!), () => ({ m: T([0, 1, -1, 2]), s: T([1, 0.5, 2, 0]) })],
    ['laplace', (k, p) => random.laplace(k, [3], p.l!, 2), () => ({ l: T([0, 1, 2]) })],
    ['weibullMin', (k, p) => random.weibullMin(k, p.s!, p.c!, [3]), () => ({ s: T([1, 2, 3]), c: T([0.5, 1, 2]) })],
    ['pareto', (k, p) => random.pareto(k, p.b!, [3]), () => ({ b: T([1, 2, 3]) })],
    ['rayleigh', (k, p) => random.rayleigh(k, p.s!, [3]), () => ({ s: T([1, 2, 3]) })],
    ['doubleSidedMaxwell', (k, p) => random.doubleSidedMaxwell(k, p.l!, p.s!, [3]), () => ({ l: T([0, 1, 2]), s: T([1, 2, 3]) })],
    ['triangular', (k, p) => random.triangular(k, p.a!, p.b!, p.c!, [3]), () => ({ a: T([0, 0, 0]), b: T([0.5, 0.1, 1]), c: T([1, 2, 3]) })],
    ['wald', (k, p) => random.wald(k, p.m!, [3]), () => ({ m: T([1, 2, 1e7]) })],
    ['gamma', (k, p) => random.gamma(k, p.a!, [3]), () => ({ a: T([0.5, 1, 3]) })],
    ['loggamma', (k, p) => random.loggamma(k, p.a!, [3]), () => ({ a: T([0.5, 1, 3]) })],
    ['beta', (k, p) => random.beta(k, p.a!, p.b!, [3]), () => ({ a: T([0.5, 1, 3]), b: T([2, 2, 2]) })],
    ['dirichlet', (k, p) => random.dirichlet(k, p.a!), () => ({ a: T([0.5, 1, 3]) })],
    ['chisquare', (k, p) => random.chisquare(k, p.d!, [3]), () => ({ d: T([1, 2, 3]) })],
    ['t', (k, p) => random.t(k, p.d!, [3]), () => ({ d: T([1, 2, 3]) })],
    ['f', (k, p) => random.f(k, p.a!, p.b!, [3]), () => ({ a: T([1, 2, 3]), b: T([4, 5, 6]) })],
    ['generalizedNormal', (k) => random.generalizedNormal(k, 1.5, [3]), () => ({})],
    ['ball', (k) => random.ball(k, 3, 2, [2]), () => ({})],
    ['poisson', (k, p) => random.poisson(k, p.l!, [3]), () => ({ l: T([0.5, 5, 50]) })],
    ['binomial', (k, p) => random.binomial(k, p.n!, p.p!, [3]), () => ({ n: T([5, 10, 100]), p: T([0.1, 0.5, 0.9]) })],
    ['multinomial', (k, p) => random.multinomial(k, p.n!, p.p!), () => ({ n: T(10), p: T([0.2, 0.3, 0.5]) })],
    ['geometric', (k, p) => random.geometric(k, p.p!, [3]), () => ({ p: T([0.1, 0.5, 0.9]) })],
    ['truncatedNormal', (k, p) => random.truncatedNormal(k, p.a!, p.b!, [3]), () => ({ a: T([-1, 0, 2]), b: T([1, 3, 5]) })],
    ['categorical', (k, p) => random.categorical(k, p.l!), () => ({ l: T([[0, 1, 2], [3, 0, -1]]) })],
    ['choice', (k, p) => random.choice(k, p.x!, [2]), () => ({ x: T([10, 20, 30, 40]) })],
    ['permutation', (k, p) => random.permutation(k, p.x!), () => ({ x: T([1, 2, 3, 4, 5]) })],
  ];

  it('every sampler: jit with a Key, a tensor key and a key of a seed tensor agrees with the function over several keys', () => {
    const all = [...keyOnly.map((f, i) => [`keyOnly ${i}`, (k: Key | Tensor) => f(k, T([0.5, -1, 2])), () => ({})] as const), ...samplers];
    for (const [name, draw, params] of all) {
      const viaKey = ad.jit((k: Key, p: Record<string, Tensor>) => draw(k, p));
      const viaTensor = ad.jit((k: Tensor, p: Record<string, Tensor>) => draw(k, p));
      const viaSeed = ad.jit((s: Tensor, p: Record<string, Tensor>) => draw(random.key(s), p));
      for (let i = 0; i < 3; i++) {
        const key = keyAt(100 + i), row = ad.take(random.keyData(random.split(key, 2)), 1, 0), seed = ad.scalar([0, 2 ** 40 + 3, -7][i]!);
        expect(outcome(() => viaKey(key, params())), `${name} key ${i}`).toBe(outcome(() => draw(key, params())));
        expect(outcome(() => viaTensor(row, params())), `${name} tensor key ${i}`).toBe(outcome(() => draw(row, params())));
        expect(outcome(() => viaSeed(seed, params())), `${name} seed ${i}`).toBe(outcome(() => draw(random.key(seed), params())));
      }
      for (const f of [viaKey, viaTensor, viaSeed]) {
        const [entry] = f.cacheInfo();
        expect(entry!.status === 'replayed' || entry!.reason !== null, name).toBe(true);
      }
    }
  });

  it('every sampler: vmap over a batch of tensor keys equals the loop over its rows (also under jit and nested vmap)', () => {
    const all = [...keyOnly.map((f, i) => [`keyOnly ${i}`, (k: Key | Tensor) => f(k, T([0.5, -1, 2])), () => ({})] as const), ...samplers];
    for (const [name, draw, params] of all) {
      const p = params();
      const keys = random.split(keyAt(7), 4);
      const loop = ad.stack(keys.map((k) => draw(k, p)), 0);
      const rows = random.keyData(keys);
      expect(bits(ad.vmap((k: Tensor) => draw(k, p))(rows)), name).toBe(bits(loop));
      expect(bits(ad.jit(ad.vmap((k: Tensor, q: Record<string, Tensor>) => draw(k, q), [0, null]))(rows, p)), `${name} jit(vmap)`).toBe(bits(loop));
      const nested = ad.vmap(ad.vmap((k: Tensor) => draw(k, p)))(ad.reshape(rows, [2, 2, 2])) as Tensor;
      expect(bits(ad.reshape(nested, loop.shape)), `${name} nested`).toBe(bits(loop));
    }
  });
});
