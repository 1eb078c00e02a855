/** @file The catalogue of bad inputs to the tensor layer (tensor, scalar, the creation functions, random, Tensor's methods): each gets an AdjointError that starts with the op and says what to pass. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClearError, type ClearError } from './support.js';

const bad = <T>(v: unknown) => v as T;
/** `f` run under grad on a 0-d tensor, so its argument is traced. */
const underGrad = (f: (x: Tensor) => unknown) => () => ad.grad((x: Tensor) => (f(x), ad.sum(x)))(ad.tensor(2));

/** The catalogue's assertion, plus: the message starts with the op (`op: …`). */
function expectOpFirst(run: () => unknown, expected: ClearError): void {
  expectClearError(run, expected);
  try {
    run();
  } catch (e) {
    expect((e as Error).message.startsWith(`${expected.op}: `)).toBe(true);
  }
}

type Case = [string, () => unknown, ClearError];

describe('catalogue: tensor and scalar', () => {
  const cases: Case[] = [
    ['tensor of a string', () => ad.tensor(bad('3')), { op: 'tensor', fix: /cannot make a tensor from string '3'.*Number\(s\)/ }],
    ['tensor of undefined', () => ad.tensor(bad(undefined)), { op: 'tensor', fix: /from undefined; pass a number/ }],
    ['tensor of a Map', () => ad.tensor(bad(new Map())), { op: 'tensor', fix: /an object \(Map\); pass a number, nested arrays/ }],
    ['tensor of a ragged array', () => ad.tensor([[1, 2], [3]]), { op: 'tensor', fix: /ragged.*every row must have the same length/, type: ad.ShapeError }],
    ['tensor with a string element, quoted', () => ad.tensor([[1, bad('a')]]), { op: 'tensor', fix: /\[0\]\[1\] is string 'a'.*pass a number/ }],
    ['tensor with a boolean element', () => ad.tensor([bad(true)]), { op: 'tensor', fix: /boolean true.*pass a number/ }],
    ['tensor with typed-array rows', () => ad.tensor([bad(new Float64Array([1, 2]))]), { op: 'tensor', fix: /\[0\] is an object \(Float64Array\).*Array\.from\(a\)/ }],
    ['tensor(value, shape) that does not fill the shape', () => ad.tensor([1, 2, 3], [2, 2]), { op: 'tensor', fix: /3 values do not fill shape \[2,2\].*exactly as many/, type: ad.ShapeError }],
    ['tensor(value, shape) with a negative entry', () => ad.tensor([1, 2], [-2]), { op: 'tensor', fix: /entry -2.*non-negative integer/, type: ad.ShapeError }],
    ['tensor(value, shape) with a number for the shape', () => ad.tensor([1, 2], bad(2)), { op: 'tensor', fix: /got number 2; pass e\.g\. \[2, 3\] \(for one axis, \[2\]\)/ }],
    ['tensor(t, shape) of a tensor that does not fill the shape', () => ad.tensor(ad.zeros([2, 2]), [3]), { op: 'tensor', fix: /4 values do not fill shape \[3\]/ }],
    ['tensor of a DataView', () => ad.tensor(bad(new DataView(new ArrayBuffer(8)))), { op: 'tensor', fix: /DataView.*new Float64Array\(view\.buffer/ }],
    ['tensor of a BigInt64Array', () => ad.tensor(bad(new BigInt64Array(2))), { op: 'tensor', fix: /bigint elements.*Float64Array\.from\(x, Number\)/ }],
    ['tensor of nested traced tensors', underGrad((x) => ad.tensor([x, x])), { op: 'tensor', fix: /cut its derivatives.*ad\.stack/ }],
    ['tensor reshaping a traced tensor', underGrad((x) => ad.tensor(x, [1])), { op: 'tensor', fix: /use ad\.reshape\(x, \[1\]\)/ }],
    ['tensor of 10¹² elements', () => ad.tensor(0, [1e6, 1e6]), { op: 'tensor', fix: /1,000,000,000,000 elements.*2\^32.*smaller shape/, type: ad.ShapeError }],
    ['scalar of a string', () => ad.scalar(bad('3')), { op: 'scalar', fix: /string '3'; pass a number \(Number\(s\) parses a string\)/ }],
    ['scalar of undefined', () => ad.scalar(bad(undefined)), { op: 'scalar', fix: /got undefined; an argument is probably missing/ }],
    ['scalar of a bigint', () => ad.scalar(bad(3n)), { op: 'scalar', fix: /bigint 3n.*Number\(b\)/ }],
    ['scalar of many elements', () => ad.scalar(ad.tensor([1, 2])), { op: 'scalar', fix: /2 elements.*use ad\.tensor/ }],
    ['scalar of a traced [1] tensor', underGrad((x) => ad.scalar(ad.reshape(x, [1]))), { op: 'scalar', fix: /ad\.reshape\(x, \[\]\)/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectOpFirst(run, expected));
});

describe('catalogue: zeros, ones, full, eye', () => {
  const cases: Case[] = [
    ['zeros of a number', () => ad.zeros(bad(3)), { op: 'zeros', fix: /got number 3; pass e\.g\. \[2, 3\] \(for one axis, \[3\]\)/, type: ad.ShapeError }],
    ['zeros of undefined', () => ad.zeros(bad(undefined)), { op: 'zeros', fix: /got undefined; pass e\.g\. \[2, 3\]/ }],
    ['zeros with a negative size', () => ad.zeros([2, -1]), { op: 'zeros', fix: /entry -1; every entry must be a non-negative integer/ }],
    ['zeros with a NaN size', () => ad.zeros([NaN]), { op: 'zeros', fix: /entry NaN; every entry must be a non-negative integer/ }],
    ['zeros with a fractional size', () => ad.zeros([1.5]), { op: 'zeros', fix: /entry 1\.5; every entry must be a non-negative integer/ }],
    ['zeros with a string size, quoted', () => ad.zeros(bad([2, '3'])), { op: 'zeros', fix: /shape \[2,'3'\] has entry '3'.*a plain number/ }],
    ['zeros of 10¹² elements', () => ad.zeros([1e6, 1e6]), { op: 'zeros', fix: /\[1000000,1000000\] has 1,000,000,000,000 elements.*4,294,967,296.*smaller shape/, type: ad.ShapeError }],
    ['ones with an Infinity size', () => ad.ones([Infinity]), { op: 'ones', fix: /entry Infinity.*non-negative integer/ }],
    ['ones of 10¹² elements', () => ad.ones([1e12]), { op: 'ones', fix: /1,000,000,000,000 elements.*smaller shape/ }],
    ['full with a string value', () => ad.full([2], bad('a')), { op: 'full', fix: /fill value must be a number, got string 'a'.*Number\(s\)/ }],
    ['full with a missing value', () => bad<(shape: number[]) => Tensor>(ad.full)([2]), { op: 'full', fix: /got undefined; an argument is probably missing/ }],
    ['full with a traced value', underGrad((x) => ad.full([3], x)), { op: 'full', fix: /cut its derivatives.*ad\.broadcastTo\(value, \[3\]\)/ }],
    ['full with a many-element value', () => ad.full([3], ad.tensor([1, 2])), { op: 'full', fix: /shape \[2\].*ad\.broadcastTo/ }],
    ['full of 10¹² elements', () => ad.full([1e6, 1e6], 1), { op: 'full', fix: /1,000,000,000,000 elements/ }],
    ['eye of a fraction', () => ad.eye(2.5), { op: 'eye', fix: /n must be a non-negative integer.*number 2\.5/ }],
    ['eye of a string', () => ad.eye(bad('3')), { op: 'eye', fix: /non-negative integer.*string '3'/ }],
    ['eye of a tensor', () => ad.eye(bad(ad.scalar(3))), { op: 'eye', fix: /non-negative integer.*got a tensor of shape \[\]/ }],
    ['zeros with a tensor size', () => ad.zeros(bad([ad.scalar(3)])), { op: 'zeros', fix: /has entry a tensor of shape \[\]; every entry must be a non-negative integer/ }],
    ['eye of 10¹² elements', () => ad.eye(1e6), { op: 'eye', fix: /\[1000000,1000000\] has 1,000,000,000,000 elements.*smaller shape/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectOpFirst(run, expected));
});

describe('catalogue: arange, linspace', () => {
  const cases: Case[] = [
    ['arange(NaN)', () => ad.arange(NaN), { op: 'arange', fix: /stop is NaN; .* must be finite numbers/ }],
    ['arange to Infinity', () => ad.arange(0, Infinity), { op: 'arange', fix: /stop is Infinity.*finite/ }],
    ['arange with step 0', () => ad.arange(0, 1, 0), { op: 'arange', fix: /step must be a finite non-zero number/ }],
    ['arange of a string', () => ad.arange(bad('5')), { op: 'arange', fix: /stop must be a number, got string '5'.*Number\(s\)/ }],
    ['arange of 10¹² elements', () => ad.arange(1e12), { op: 'arange', fix: /\[1000000000000\] has 1,000,000,000,000 elements/ }],
    ['arange with a step so small the length overflows', () => ad.arange(-1e308, 1e308, 1e-300), { op: 'arange', fix: /elements, more than.*smaller shape/ }],
    ['arange of a traced bound', underGrad((x) => ad.arange(bad(x))), { op: 'arange', fix: /x\.item\(\).*ad\.add\(ad\.mul\(ad\.arange\(n\), step\), start\)/ }],
    ['linspace with a negative count', () => ad.linspace(0, 1, -1), { op: 'linspace', fix: /n \(the number of values\) must be a non-negative integer/ }],
    ['linspace with a fractional count', () => ad.linspace(0, 1, 2.5), { op: 'linspace', fix: /non-negative integer, got number 2\.5/ }],
    ['linspace with a string end', () => ad.linspace(bad('0'), 1, 3), { op: 'linspace', fix: /a \(the first value\) must be a number, got string '0'/ }],
    // (a traced end is no longer an error: linspace differentiates its endpoints, test/linspaceTraced.test.ts)
    ['linspace of 10¹² elements', () => ad.linspace(0, 1, 1e12), { op: 'linspace', fix: /1,000,000,000,000 elements/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectOpFirst(run, expected));
});

describe('catalogue: random', () => {
  const cases: Case[] = [
    ['normal with a fractional seed', () => ad.random.normal([2], 1.5), { op: 'random.normal', fix: /seed must be an integer, got number 1\.5; pass an integer seed/ }],
    ['normal with a string seed', () => ad.random.normal([2], bad('1')), { op: 'random.normal', fix: /got string '1'; pass an integer seed/ }],
    ['normal without a seed', () => bad<(shape: number[]) => Tensor>(ad.random.normal)([2]), { op: 'random.normal', fix: /got undefined; pass an integer seed/ }],
    ['uniform with a NaN seed', () => ad.random.uniform([2], NaN), { op: 'random.uniform', fix: /got number NaN; pass an integer seed/ }],
    ['uniform with a negative size', () => ad.random.uniform([-1], 0), { op: 'random.uniform', fix: /entry -1.*non-negative integer/ }],
    ['uniform of a number shape', () => (ad.random.uniform as (...a: unknown[]) => unknown)(2, 0), { op: 'random.uniform', fix: /\(for one axis, \[2\]\)/ }],
    ['normal with a string mean', () => ad.random.normal([2], 0, bad('a')), { op: 'random.normal', fix: /mean must be a number, got string 'a'/ }],
    ['normal with a traced std', underGrad((x) => ad.random.normal([2], 0, 0, bad(x))), { op: 'random.normal', fix: /std .*cut its derivatives.*ad\.add\(ad\.mul\(ad\.random\.normal\(shape, seed\), scale\), shift\)/ }],
    ['uniform with a traced low', underGrad((x) => ad.random.uniform([2], 0, bad(x))), { op: 'random.uniform', fix: /low .*ad\.random\.uniform\(shape, seed\)/ }],
    ['uniform of 10¹² elements', () => ad.random.uniform([1e12], 0), { op: 'random.uniform', fix: /1,000,000,000,000 elements/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectOpFirst(run, expected));
});

describe('catalogue: Tensor methods and numeric contexts', () => {
  const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  const cases: Case[] = [
    ['item() on many elements', () => x.item(), { op: 'item', fix: /6 elements.*Use toArray\(\) or toFloat64Array\(\)/ }],
    ['item() on an empty tensor', () => ad.zeros([0]).item(), { op: 'item', fix: /0 elements.*Use toArray\(\)/ }],
    ['a vector compared with a number', () => bad<number>(x) > 0, { op: 'numeric context', fix: /x\.item\(\).*ad\.greater \/ ad\.where/ }],
    ['a vector in arithmetic', () => bad<number>(x) * 2, { op: 'numeric context', fix: /shape \[2,3\] \(6 elements\).*x\.toArray\(\)/ }],
    ['a vector in Math.exp', () => Math.exp(bad(x)), { op: 'numeric context', fix: /x\.item\(\)/ }],
    ['a vector concatenated to a string', () => 'x = ' + bad<string>(x), { op: 'numeric context', fix: /String\(x\) or x\.toString\(\) for text/ }],
    ['reshape to a string size', () => x.reshape(bad(['6'])), { op: 'reshape', fix: /'6'.*integer/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectOpFirst(run, expected));
});
