/**
 * @file Samplers under vmap, as JAX's batching rules: a batched parameter with one key gives, for
 * each example, the draw of that example's parameter with the same key (the key broadcast); a
 * batch of keys (keyData of split keys) gives each example its own key. Checked against the
 * explicit loop, value for value, and gradients of the vmapped reparameterised samplers against
 * the loop's.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const { random } = ad;
const key = random.key(3);
const B = 3;
const keys = random.split(random.key(11), B);
const keyBatch = random.keyData(keys);
const rows = (t: ad.Tensor) => Array.from({ length: t.shape[0]! }, (_, b) => ad.take(t, b, 0));
type Sampler = (k: ad.random.KeyLike, p: ad.Tensor) => ad.Tensor;

/** [name, sampler of one parameter tensor, a batch of parameters, differentiable?] */
const cases: Array<[string, Sampler, ad.Tensor, boolean]> = [
  ['uniform (low)', (k, p) => random.uniform(k, [4], p, 5), ad.tensor([[0, 1, 2, 3], [-1, 0, 1, 2], [4, 4, 4, 4]]), true],
  ['normal (std)', (k, p) => random.normal(k, [4], 1, p), ad.tensor([0.5, 1, 2]), true],
  ['exponential (rate)', (k, p) => random.exponential(k, [4], p), ad.tensor([0.5, 1, 2]), true],
  ['laplace (scale)', (k, p) => random.laplace(k, [4], 0, p), ad.tensor([0.5, 1, 2]), true],
  ['logistic (loc)', (k, p) => random.logistic(k, [4], p), ad.tensor([0.5, 1, 2]), true],
  ['cauchy (scale)', (k, p) => random.cauchy(k, [4], 0, p), ad.tensor([0.5, 1, 2]), true],
  ['bernoulli (p)', (k, p) => random.bernoulli(k, p, [4]), ad.tensor([0.1, 0.5, 0.9]), false],
  ['categorical (logits)', (k, p) => random.categorical(k, p, { shape: [5] }), ad.tensor([[0, 1, 2], [2, 1, 0], [0, 0, 0]]), false],
  ['truncatedNormal (lower)', (k, p) => random.truncatedNormal(k, p, 2, [4]), ad.tensor([-1, 0, 1]), true],
  ['multivariateNormal (mean)', (k, p) => random.multivariateNormal(k, p, ad.tensor([[2, 0.5], [0.5, 1]]), [3]), ad.tensor([[0, 0], [1, 2], [-1, 3]]), true],
  ['gamma (a)', (k, p) => random.gamma(k, p, [4]), ad.tensor([0.5, 1, 4]), true],
  ['loggamma (a)', (k, p) => random.loggamma(k, p, [4]), ad.tensor([0.01, 1, 4]), true],
  ['beta (a)', (k, p) => random.beta(k, p, 2, [4]), ad.tensor([0.5, 1, 4]), true],
  ['dirichlet (alpha)', (k, p) => random.dirichlet(k, p, [2]), ad.tensor([[1, 2, 3], [0.5, 0.5, 0.5], [4, 1, 1]]), true],
  ['chisquare (df)', (k, p) => random.chisquare(k, p, [4]), ad.tensor([1, 3, 10]), true],
  ['t (df)', (k, p) => random.t(k, p, [4]), ad.tensor([1, 3, 10]), true],
  ['poisson (lam)', (k, p) => random.poisson(k, p, [4]), ad.tensor([0.5, 3, 40]), false],
  ['choice (p)', (k, p) => random.choice(k, 3, [4], { p }), ad.tensor([[0.2, 0.3, 0.5], [1, 0, 0], [0.1, 0.1, 0.8]]), false],
  ['permutation (x)', (k, p) => random.permutation(k, p), ad.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]), true],
  ['weibullMin (concentration)', (k, p) => random.weibullMin(k, 1.5, p, [4]), ad.tensor([0.5, 1, 3]), true],
  ['pareto (b)', (k, p) => random.pareto(k, p, [4]), ad.tensor([0.5, 1, 3]), true],
  ['rayleigh (scale)', (k, p) => random.rayleigh(k, p, [4]), ad.tensor([0.5, 1, 3]), true],
  ['doubleSidedMaxwell (scale)', (k, p) => random.doubleSidedMaxwell(k, 1, p, [4]), ad.tensor([0.5, 1, 3]), true],
  ['lognormal (sigma)', (k, p) => random.lognormal(k, p, [4]), ad.tensor([0.5, 1, 3]), true],
  ['triangular (mode)', (k, p) => random.triangular(k, 0, p, 2, [4]), ad.tensor([0.5, 1, 1.5]), true],
  ['wald (mean)', (k, p) => random.wald(k, p, [4]), ad.tensor([0.5, 1, 3]), true],
  ['f (dfnum)', (k, p) => random.f(k, p, 6, [4]), ad.tensor([2, 5, 10]), true],
  ['geometric (p)', (k, p) => random.geometric(k, p, [4]), ad.tensor([0.1, 0.5, 0.9]), false],
  ['binomial (n)', (k, p) => random.binomial(k, p, 0.4, [4]), ad.tensor([5, 30, 200]), false],
  ['multinomial (p)', (k, p) => random.multinomial(k, 20, p, [2]), ad.tensor([[0.2, 0.3, 0.5], [1, 0, 0], [0.1, 0.1, 0.8]]), false],
];

/** Samplers without tensor parameters: only the key is batched. */
const keyOnly: Array<[string, (k: ad.random.KeyLike) => ad.Tensor]> = [
  ['gumbel', (k) => random.gumbel(k, [3])],
  ['bits', (k) => random.bits(k, [3])],
  ['randint', (k) => random.randint(k, [3], 0, 100)],
  ['rademacher', (k) => random.rademacher(k, [3])],
  ['maxwell', (k) => random.maxwell(k, [3])],
  ['generalizedNormal', (k) => random.generalizedNormal(k, 1.5, [3])],
  ['ball', (k) => random.ball(k, 3, 1.5, [2])],
  ['orthogonal', (k) => random.orthogonal(k, 3)],
  ['permutation (n)', (k) => random.permutation(k, 5)],
  ['choice (n)', (k) => random.choice(k, 5, [2], { replace: false })],
];

const loop = (f: (b: number) => ad.Tensor) => ad.stack(Array.from({ length: B }, (_, b) => f(b)), 0);

describe('vmap over sampler parameters (one key: broadcast, as JAX)', () => {
  it.each(cases)('%s', (_name, sample, params) => {
    const mapped = ad.vmap((p: ad.Tensor) => sample(key, p))(params);
    expect(Array.from(mapped.data)).toEqual(Array.from(loop((b) => sample(key, rows(params)[b]!)).data));
  });
});

describe('vmap over a batch of keys (keyData of split keys)', () => {
  it.each(cases)('%s, keys and parameters batched together', (_name, sample, params) => {
    const mapped = ad.vmap((k: ad.Tensor, p: ad.Tensor) => sample(k, p))(keyBatch, params);
    expect(Array.from(mapped.data)).toEqual(Array.from(loop((b) => sample(keys[b]!, rows(params)[b]!)).data));
  });
  it.each(keyOnly)('%s', (_name, sample) => {
    const mapped = ad.vmap((k: ad.Tensor) => sample(k))(keyBatch);
    expect(Array.from(mapped.data)).toEqual(Array.from(loop((b) => sample(keys[b]!)).data));
  });
  it('split and foldIn of a mapped key give each example its keys (tensors of key words, as JAX\'s raw keys)', () => {
    const mapped = ad.vmap((k: ad.Tensor) => {
      const sub = random.split(k, 3);
      return ad.concat([random.normal(ad.take(sub, 2, 0), [2]), random.gamma(random.foldIn(k, 7), 2, [2])], 0);
    })(keyBatch);
    const expected = loop((b) => ad.concat([random.normal(random.split(keys[b]!, 3)[2]!, [2]), random.gamma(random.foldIn(keys[b]!, 7), 2, [2])], 0));
    expect(Array.from(mapped.data)).toEqual(Array.from(expected.data));
    expect(Array.from(random.split(ad.take(keyBatch, 0, 0), 2).data)).toEqual(Array.from(random.keyData(random.split(keys[0]!, 2)).data));
  });
  it('a key batch with the parameters unbatched', () => {
    const mapped = ad.vmap((k: ad.Tensor) => random.gamma(k, ad.tensor([0.5, 2])), [0])(keyBatch);
    expect(Array.from(mapped.data)).toEqual(Array.from(loop((b) => random.gamma(keys[b]!, ad.tensor([0.5, 2]))).data));
  });
  it('nested vmaps over keys and parameters', () => {
    const as = ad.tensor([[0.5, 1], [2, 3], [4, 5]]);
    const mapped = ad.vmap((k: ad.Tensor, a: ad.Tensor) => ad.vmap((ai: ad.Tensor) => random.gamma(k, ai, [2]))(a))(keyBatch, as);
    const expected = loop((b) => ad.stack([0, 1].map((j) => random.gamma(keys[b]!, as.data[2 * b + j]!, [2])), 0));
    expect(Array.from(mapped.data)).toEqual(Array.from(expected.data));
  });
});

describe('two batched parameters, and a tensor key shared by the batch', () => {
  type Sampler2 = (k: ad.random.KeyLike, p: ad.Tensor, q: ad.Tensor) => ad.Tensor;
  const pairs: Array<[string, Sampler2, ad.Tensor, ad.Tensor]> = [
    ['uniform (low, high)', (k, p, q) => random.uniform(k, [3], p, q), ad.tensor([0, 1, 2]), ad.tensor([1, 5, 2.5])],
    ['normal (mean, std)', (k, p, q) => random.normal(k, [3], p, q), ad.tensor([0, 1, 2]), ad.tensor([1, 5, 2.5])],
    ['beta (a, b)', (k, p, q) => random.beta(k, p, q, [3]), ad.tensor([0.5, 1, 2]), ad.tensor([1, 5, 2.5])],
    ['truncatedNormal (lower, upper)', (k, p, q) => random.truncatedNormal(k, p, q, [3]), ad.tensor([-1, 0, 3.5]), ad.tensor([1, 5, 4])],
    ['binomial (n, p)', (k, p, q) => random.binomial(k, p, q, [3]), ad.tensor([5, 50, 500]), ad.tensor([0.5, 0.1, 0.7])],
    ['triangular (left, right)', (k, p, q) => random.triangular(k, p, 1, q, [3]), ad.tensor([0, -1, 0.5]), ad.tensor([1, 5, 2.5])],
  ];
  const keyRow = ad.tensor(random.keyData(key));
  it.each(pairs)('%s', (_name, sample, P, Q) => {
    const mapped = ad.vmap((p: ad.Tensor, q: ad.Tensor) => sample(key, p, q))(P, Q);
    const expected = loop((b) => sample(key, ad.take(P, b, 0), ad.take(Q, b, 0)));
    expect(Array.from(mapped.data)).toEqual(Array.from(expected.data));
    const shared = ad.vmap((k: ad.Tensor, p: ad.Tensor, q: ad.Tensor) => sample(k, p, q), [null, 0, 0])(keyRow, P, Q);
    expect(Array.from(shared.data)).toEqual(Array.from(expected.data));
  });
});

describe('gradients through vmapped samplers equal the loop\'s', () => {
  const smooth = (x: ad.Tensor) => ad.sum(ad.tanh(x));
  it.each(cases.filter((c) => c[3]))('grad(vmap) %s', (_name, sample, params) => {
    const g = ad.grad((P: ad.Tensor) => smooth(ad.vmap((p: ad.Tensor) => sample(key, p))(P)))(params);
    const expected = loop((b) => ad.grad((p: ad.Tensor) => smooth(sample(key, p)))(rows(params)[b]!));
    expect(g.shape).toEqual(params.shape);
    Array.from(g.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 10));
  });
  it.each(cases.filter((c) => c[3]))('vmap(grad) %s (per-example gradients)', (_name, sample, params) => {
    const g = ad.vmap(ad.grad((p: ad.Tensor) => smooth(sample(key, p))))(params);
    const expected = loop((b) => ad.grad((p: ad.Tensor) => smooth(sample(key, p)))(rows(params)[b]!));
    Array.from(g.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 10));
  });
  it.each(cases.filter((c) => c[3]))('grad(vmap) with a batch of keys: %s', (_name, sample, params) => {
    const g = ad.grad((P: ad.Tensor) => smooth(ad.vmap((k: ad.Tensor, p: ad.Tensor) => sample(k, p))(keyBatch, P)))(params);
    const expected = loop((b) => ad.grad((p: ad.Tensor) => smooth(sample(keys[b]!, p)))(rows(params)[b]!));
    Array.from(g.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 10));
  });
});

describe('an array of keys under vmap', () => {
  it("is refused with JAX's key-array route spelled out, and that route draws what the loop over the keys draws", () => {
    const { random } = ad;
    const keys = random.split(random.key(11), 3);
    expect(() => ad.vmap((k: ad.random.Key) => random.normal(k, [2]))(keys as never)).toThrow(
      /^vmap: argument 0\[0\] is a PRNG key, which has no axis to map\. For a key per example map random\.keyData\(keys\)/,
    );
    const mapped = ad.vmap((k: ad.Tensor) => random.normal(k, [2]))(random.keyData(keys)) as ad.Tensor;
    expect(mapped.toArray()).toEqual(keys.map((k) => random.normal(k, [2]).toArray()));
  });
});
