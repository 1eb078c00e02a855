/** @file Catalogue of bad inputs to ad.random: each gets an AdjointError naming the op and the fix. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError, type ClearError } from '../catalogue/support.js';

const { random } = ad;
const k = random.key(0);
/** An argument of the wrong type, as untyped JavaScript would pass it. */
const bad = <T>(v: unknown): T => v as T;
type Case = [string, () => unknown, ClearError];

describe('catalogue: ad.random', () => {
  const cases: Case[] = [
    ['key of a fraction', () => random.key(1.5), { op: 'random.key', fix: /seed must be an integer, got number 1.5; pass an integer seed/ }],
    ['key past 2^53', () => random.key(2 ** 60), { op: 'random.key', fix: /pass it as a bigint/ }],
    ['key of a 65-bit bigint', () => random.key(2n ** 64n), { op: 'random.key', fix: /\[-2\^63, 2\^64\)/ }],
    ['a string where a key goes', () => random.normal(bad('k'), [2]), { op: 'random.normal', fix: /got string 'k'; make one with ad\.random\.key\(seed\)/ }],
    ['split keys where one goes', () => random.uniform(bad(random.split(k)), [2]), { op: 'random.uniform', fix: /several keys.*keys\[0\]/ }],
    ['raw key words where a key goes', () => random.gumbel(bad([0, 1]), [2]), { op: 'random.gumbel', fix: /wrapKeyData\(\[a, b\]\)/ }],
    ['two numbers to normal', () => random.normal(bad(3), bad(0)), { op: 'random.normal', fix: /normal\(\[3\], 0\).*normal\(ad\.random\.key\(3\), \[0\]\)/ }],
    ['a number shape', () => random.gumbel(k, bad(3)), { op: 'random.gumbel', fix: /\(for one axis, \[3\]\)/ }],
    ['a negative shape entry', () => random.normal(k, [2, -1]), { op: 'random.normal', fix: /non-negative integer/ }],
    ['split into 1.5 keys', () => random.split(k, 1.5), { op: 'random.split', fix: /non-negative integer/ }],
    ['foldIn of a negative number', () => random.foldIn(k, -1), { op: 'random.foldIn', fix: /\[0, 2\^32\).*>>> 0/ }],
    ['wrapKeyData of three words', () => random.wrapKeyData([1, 2, 3]), { op: 'random.wrapKeyData', fix: /two integers/ }],
    ['uniform with low ≥ high', () => random.uniform(k, [2], 1, 1), { op: 'random.uniform', fix: /low must be less than high, got low = 1, high = 1; swap them/ }],
    ['uniform with tensor bounds out of order', () => random.uniform(k, [2], ad.tensor([0, 2]), ad.tensor([1, 1])), { op: 'random.uniform', fix: /everywhere/ }],
    ['uniform with an infinite bound', () => random.uniform(k, [2], 0, Infinity), { op: 'random.uniform', fix: /finite/ }],
    ['normal with a negative std', () => random.normal(k, [2], 0, -1), { op: 'random.normal', fix: /std must be non-negative, got -1/ }],
    ['normal with a mean that does not broadcast', () => random.normal(k, [2], ad.zeros([3])), { op: 'random.normal', fix: /mean of shape \[3\] does not broadcast to the sample shape \[2\]; pass a sample shape that ends with \[3\]/ }],
    ['normal with a string std', () => random.normal(k, [2], 0, bad('1')), { op: 'random.normal', fix: /std must be a number or a tensor, got string '1'/ }],
    ['bernoulli with p > 1', () => random.bernoulli(k, 1.5, [2]), { op: 'random.bernoulli', fix: /p must be a probability in \[0, 1\], got 1.5.*sigmoid/ }],
    ['bernoulli with a tensor p out of range', () => random.bernoulli(k, ad.tensor([0.5, -0.1])), { op: 'random.bernoulli', fix: /everywhere/ }],
    ['randint with low ≥ high', () => random.randint(k, [2], 5, 5), { op: 'random.randint', fix: /low must be less than high/ }],
    ['randint with a fractional bound', () => random.randint(k, [2], 0, 2.5), { op: 'random.randint', fix: /high must be an integer, got number 2.5/ }],
    ['randint over more than 2^53', () => random.randint(k, [2], -(2 ** 53 - 1), 2 ** 53 - 1), { op: 'random.randint', fix: /narrow it/ }],
    ['permutation of a fraction', () => random.permutation(k, 2.5), { op: 'random.permutation', fix: /non-negative integer/ }],
    ['permutation of a scalar tensor', () => random.permutation(k, ad.tensor(3)), { op: 'random.permutation', fix: /at least one axis/ }],
    ['categorical of scalar logits', () => random.categorical(k, 1), { op: 'random.categorical', fix: /at least one axis/ }],
    ['categorical with a shape that drops the batch', () => random.categorical(k, ad.zeros([3, 4]), { shape: [2] }), { op: 'random.categorical', fix: /batch shape \[3\]/ }],
    ['categorical with an axis out of range', () => random.categorical(k, ad.zeros([3]), { axis: 2 }), { op: 'random.categorical', fix: /axis/ }],
    ['truncatedNormal with lower ≥ upper', () => random.truncatedNormal(k, 2, 1), { op: 'random.truncatedNormal', fix: /lower must be less than upper/ }],
    ['multivariateNormal with a mismatched cov', () => random.multivariateNormal(k, ad.zeros([2]), ad.eye(3)), { op: 'random.multivariateNormal', fix: /cov must have shape \[\.\.\., 2, 2\]/ }],
    ['multivariateNormal with a scalar mean', () => random.multivariateNormal(k, 0, ad.eye(1)), { op: 'random.multivariateNormal', fix: /at least one axis/ }],
    ['multivariateNormal of a non-SPD cov', () => random.multivariateNormal(k, ad.zeros([2]), ad.tensor([[1, 2], [2, 1]])), { op: 'cholesky', fix: /positive/ }],
    ['a sample larger than one stream', () => random.uniform(k, [2 ** 31]), { op: 'random.uniform', fix: /split/ }],
    ['threefry2x32 with a negative counter', () => random.threefry2x32(k, [0, -1]), { op: 'random.threefry2x32', fix: /\[0, 2\^32\)/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
