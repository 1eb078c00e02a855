/** @file Catalogue of bad inputs to the newer ad.random samplers and to keys given as tensors: each gets an AdjointError naming the op and the fix. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError, type ClearError } from '../catalogue/support.js';

const { random } = ad;
const k = random.key(0);
/** An argument of the wrong type, as untyped JavaScript would pass it. */
const bad = <T>(v: unknown): T => v as T;
type Case = [string, () => unknown, ClearError];

describe('catalogue: the newer ad.random samplers', () => {
  const cases: Case[] = [
    ['weibullMin with a zero scale', () => random.weibullMin(k, 0, 1, [2]), { op: 'random.weibullMin', fix: /scale must be positive, got 0/ }],
    ['weibullMin with a negative concentration', () => random.weibullMin(k, 1, ad.tensor([1, -1])), { op: 'random.weibullMin', fix: /concentration must be positive everywhere/ }],
    ['pareto with b ≤ 0', () => random.pareto(k, -2), { op: 'random.pareto', fix: /b must be positive/ }],
    ['pareto with b that does not broadcast', () => random.pareto(k, ad.ones([3]), [2]), { op: 'random.pareto', fix: /b of shape \[3\] does not broadcast to the sample shape \[2\]/ }],
    ['rayleigh with a NaN scale', () => random.rayleigh(k, NaN), { op: 'random.rayleigh', fix: /scale is NaN/ }],
    ['doubleSidedMaxwell with a negative scale', () => random.doubleSidedMaxwell(k, 0, -1), { op: 'random.doubleSidedMaxwell', fix: /scale must be non-negative/ }],
    ['lognormal with a string sigma', () => random.lognormal(k, bad('1')), { op: 'random.lognormal', fix: /sigma must be a number or a tensor/ }],
    ['triangular out of order', () => random.triangular(k, 0, 3, 1), { op: 'random.triangular', fix: /left ≤ mode ≤ right.*got left = 0, mode = 3, right = 1/ }],
    ['triangular of zero width', () => random.triangular(k, 1, 1, 1), { op: 'random.triangular', fix: /left < right/ }],
    ['wald with a zero mean', () => random.wald(k, 0), { op: 'random.wald', fix: /mean must be positive/ }],
    ['f with a negative dfden', () => random.f(k, 2, -1), { op: 'random.f', fix: /dfden must be positive, got -1/ }],
    ['generalizedNormal with p = 0', () => random.generalizedNormal(k, 0), { op: 'random.generalizedNormal', fix: /p must be a positive finite number/ }],
    ['generalizedNormal with a tensor p', () => random.generalizedNormal(k, bad(ad.tensor(2))), { op: 'random.generalizedNormal', fix: /positive finite number/ }],
    ['ball of dimension 0', () => random.ball(k, 0), { op: 'random.ball', fix: /d must be a positive integer/ }],
    ['ball with p = Infinity', () => random.ball(k, 2, Infinity), { op: 'random.ball', fix: /p must be a positive finite number/ }],
    ['orthogonal of a fractional size', () => random.orthogonal(k, 2.5), { op: 'random.orthogonal', fix: /n must be a non-negative integer/ }],
    ['orthogonal with a negative m', () => random.orthogonal(k, 2, [], -1), { op: 'random.orthogonal', fix: /m must be a non-negative integer/ }],
    ['geometric with p = 0', () => random.geometric(k, 0, [2]), { op: 'random.geometric', fix: /p must be a probability in \(0, 1\], got 0/ }],
    ['binomial with p > 1', () => random.binomial(k, 5, 1.5), { op: 'random.binomial', fix: /p must be a probability in \[0, 1\], got 1.5/ }],
    ['binomial with a negative n', () => random.binomial(k, ad.tensor([3, -1]), 0.5), { op: 'random.binomial', fix: /n must be finite and ≥ 0 everywhere/ }],
    ['binomial with an infinite n', () => random.binomial(k, Infinity, 0.5), { op: 'random.binomial', fix: /n must be finite/ }],
    ['multinomial of scalar p', () => random.multinomial(k, 3, 0.5), { op: 'random.multinomial', fix: /at least one axis/ }],
    ['multinomial with a negative weight', () => random.multinomial(k, 3, ad.tensor([0.5, -0.5, 1])), { op: 'random.multinomial', fix: /p must be finite and ≥ 0/ }],
    ['multinomial with a row of zero weights', () => random.multinomial(k, 3, ad.tensor([[0.5, 0.5], [0, 0]])), { op: 'random.multinomial', fix: /row 1 of p \(shape \[2,2\]\) is all zeros/ }],
    ['multinomial with a batch shape that drops p\'s', () => random.multinomial(k, 3, ad.ones([2, 3]), [4]), { op: 'random.multinomial', fix: /batch shape \[2\]/ }],
    ['a tensor key of the wrong shape', () => random.normal(ad.tensor([1, 2, 3]), [2]), { op: 'random.normal', fix: /shape \[2\].*got shape \[3\]/ }],
    ['a tensor key of fractional words', () => random.normal(ad.tensor([1, 2.5]), [2]), { op: 'random.normal', fix: /two integers in \[0, 2\^32\)/ }],
    ['a batch of keys outside vmap', () => random.gamma(random.keyData(random.split(k, 3)), 2), { op: 'random.gamma', fix: /holds 3 keys; map over them with ad\.vmap/ }],
    ['a sampler that reads its parameter, vmapped over 0 examples', () => ad.vmap((a: ad.Tensor) => random.gamma(k, a, [2]))(ad.zeros([0])), { op: 'vmap', fix: /batch of 0 examples.*skip the call when the batch is empty/ }],
    ['keyData of an array holding a non-key', () => random.keyData(bad([k, 3])), { op: 'random.keyData', fix: /keys\[1\] is number 3, not a key/ }],
    // A sampler that reads its parameters' values (gamma) cannot read a key batched below the grad; normal draws with a primitive (test/random/jitKeys.test.ts).
    ['a batched key under a grad inside the vmap', () => ad.vmap((kk: ad.Tensor, a: ad.Tensor) => ad.grad((ai: ad.Tensor) => ad.sum(random.gamma(kk, ai, [2])))(a))(random.keyData(random.split(k, 2)), ad.tensor([1, 2])),
      { op: 'random.gamma', fix: /take the grad of the sum of the vmapped function/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('keys given as tensors', () => {
  it('a row of keyData(keys) draws as its key does (JAX raw uint32[2] keys)', () => {
    const keys = random.split(k, 2);
    const rows = random.keyData(keys);
    expect(rows.shape).toEqual([2, 2]);
    expect(Array.from(random.normal(ad.take(rows, 1, 0), [4]).data)).toEqual(Array.from(random.normal(keys[1]!, [4]).data));
    expect(Array.from(random.binomial(ad.tensor(random.keyData(keys[0]!)), 30, 0.5, [3]).data)).toEqual(Array.from(random.binomial(keys[0]!, 30, 0.5, [3]).data));
  });
});
