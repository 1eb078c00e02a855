/** @file The catalogue of bad inputs to prod, cumprod, chainMatmul, chainProduct, logAbsProd and SignedLog: each gets an AdjointError naming the op, the argument and the fix. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError, type ClearError } from './support.js';

const x = ad.tensor([[1, 2], [3, 4]]);
// A value of the wrong type, as plain JavaScript would pass it.
const bad = (v: unknown): any => v;
const signed = ad.SignedLog.fromTensor(ad.tensor([1, -2]));

describe('catalogue: products', () => {
  const cases: Array<[string, () => unknown, ClearError]> = [
    ['prod of a string', () => ad.prod(bad('12')), { op: 'prod', fix: /Tensor or a number/ }],
    ['prod axis out of range', () => ad.prod(x, 2), { op: 'prod', fix: /integer in \[-2, 1\]/ }],
    ['prod non-integer axis', () => ad.prod(x, 0.5), { op: 'prod', fix: /an integer/ }],
    // (without an axis it runs along the flattened x, as numpy.cumprod: test/audit/numpyPortRefusals.test.ts)
    ['cumprod with a fractional axis', () => ad.cumprod(x, 1.5), { op: 'cumprod', fix: /an axis must be an integer, got 1.5/ }],
    ['cumprod axis out of range', () => ad.cumprod(x, 2), { op: 'cumprod', fix: /integer in \[-2, 1\]/ }],
    ['cumprod of a 0-d tensor on axis 3', () => ad.cumprod(ad.tensor(2), 3), { op: 'cumprod', fix: /0 or -1/ }],
    ['cumprod options not an object', () => ad.cumprod(x, 0, bad(true)), { op: 'cumprod', fix: /options must be an object/ }],
    ['cumprod misspelt option', () => ad.cumprod(x, 0, bad({ exlusive: true })), { op: 'cumprod', fix: /unknown option exlusive; the options are exclusive and reverse/ }],
    ['chainMatmul of an empty list', () => ad.chainMatmul([]), { op: 'chainMatmul', fix: /non-empty array/ }],
    ['chainMatmul of a 2-D tensor, not a list or a stack', () => ad.chainMatmul(x), { op: 'chainMatmul', fix: /\[n, s, s\].*as an array, chainMatmul\(\[A, B, C\]\)/, type: ad.ShapeError }],
    ['chainMatmul of a string, not a list', () => ad.chainMatmul(bad('AB')), { op: 'chainMatmul', fix: /non-empty array/ }],
    ['chainMatmul of a vector', () => ad.chainMatmul([x, ad.tensor([1, 2])]), { op: 'chainMatmul', fix: /reshape vectors/, type: ad.ShapeError }],
    ['chainMatmul of mismatched matrices', () => ad.chainMatmul([x, ad.ones([3, 1])]), { op: 'chainMatmul', fix: /columns of one must equal the rows of the next/, type: ad.ShapeError }],
    ['chainMatmul of a string factor', () => ad.chainMatmul([x, bad('x')]), { op: 'chainMatmul', fix: /matrix 1.*Tensor or a number/ }],
    ['chainProduct of an empty list', () => ad.chainProduct([], ad.matmul), { op: 'chainProduct', fix: /non-empty array/ }],
    ['chainProduct without an operator', () => ad.chainProduct([x, x], bad(undefined)), { op: 'chainProduct', fix: /must be a function/ }],
    ['chainProduct of a string element', () => ad.chainProduct([x, bad('x')], ad.matmul), { op: 'chainProduct', fix: /element 1.*Tensor or a number/ }],
    ['chainProduct operator returning a number', () => ad.chainProduct([x, x], bad(() => 1)), { op: 'chainProduct', fix: /must return a Tensor/ }],
    ['logAbsProd of a string', () => ad.logAbsProd(bad('3')), { op: 'logAbsProd', fix: /Tensor or a number/ }],
    ['logAbsProd axis out of range', () => ad.logAbsProd(x, 5), { op: 'logAbsProd', fix: /integer in \[-2, 1\]/ }],
    ['SignedLog with a sign of 2', () => ad.SignedLog.fromLog(0, 2), { op: 'SignedLog', fix: /sign must be -1, 0 or 1/ }],
    ['SignedLog of mismatched shapes', () => new ad.SignedLog(ad.ones([2]), ad.zeros([3])), { op: 'SignedLog', fix: /broadcast/, type: ad.ShapeError }],
    ['SignedLog.fromTensor of undefined', () => ad.SignedLog.fromTensor(bad(undefined)), { op: 'SignedLog.fromTensor', fix: /Tensor or a number/ }],
    ['SignedLog.sum axis out of range', () => signed.sum(1), { op: 'SignedLog.sum', fix: /integer in \[-1, 0\]/ }],
    ['SignedLog.prod axis out of range', () => signed.prod(3), { op: 'SignedLog.prod', fix: /integer in \[-1, 0\]/ }],
    ['SignedLog.add of mismatched shapes', () => signed.add(ad.ones([3])), { op: 'SignedLog.add', fix: /broadcast/, type: ad.ShapeError }],
    ['SignedLog.mul of a string', () => signed.mul(bad('2')), { op: 'SignedLog.mul', fix: /SignedLog, a Tensor or a number/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
