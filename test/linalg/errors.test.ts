/** @file Bad inputs to ad.linalg: each gets an AdjointError that starts with the op, names the batch index and shapes, and says what to do. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError } from '../catalogue/support.js';

const { linalg } = ad;
const spd = ad.tensor([[4, 2], [2, 3]]);
const notPd = ad.stack([spd, ad.tensor([[1, 2], [2, 1]])]);

describe('linalg errors', () => {
  it.each([
    ['cholesky of a matrix that is not positive definite names the batch index',
      () => linalg.cholesky(notPd), { op: 'linalg.cholesky', fix: /batch index \[1\].*\[2,2,2\].*not positive definite.*jitter/, type: ad.InvalidArgumentError }],
    ['cholesky of a non-symmetric matrix',
      () => linalg.cholesky(ad.tensor([[4, 1], [2, 3]])), { op: 'linalg.cholesky', fix: /not symmetric.*\[1, 0\].*symmetric part/ }],
    ['cholesky of a non-square matrix',
      () => linalg.cholesky(ad.ones([2, 3])), { op: 'linalg.cholesky', fix: /square.*\[2,3\]/, type: ad.ShapeError }],
    ['cholesky of a vector',
      () => linalg.cholesky(ad.ones([3])), { op: 'linalg.cholesky', fix: /Reshape a vector/, type: ad.ShapeError }],
    ['solve with a singular matrix names the batch index',
      () => linalg.solve(ad.stack([spd, ad.tensor([[1, 2], [2, 4]])]), ad.ones([2, 2, 1])),
      { op: 'linalg.solve', fix: /batch index \[1\].*singular.*linalg\.(qr|svd)/, type: ad.InvalidArgumentError }],
    ['inv of a singular matrix',
      () => linalg.inv(ad.zeros([2, 2])), { op: 'linalg.inv', fix: /singular/ }],
    ['solve with a mismatched b',
      () => linalg.solve(spd, ad.ones([3, 1])), { op: 'linalg.solve', fix: /\[3,1\].*\[2,2\].*\[\.\.\., 2, k\]/, type: ad.ShapeError }],
    ['solve with a vector b and a batched a',
      () => linalg.solve(ad.stack([spd, spd]), ad.ones([2])), { op: 'linalg.solve', fix: /\[\.\.\., 2, 1\] columns/, type: ad.ShapeError }],
    ['solve with batch axes that do not broadcast',
      () => linalg.solve(ad.stack([spd, spd]), ad.ones([3, 2, 1])), { op: 'linalg.solve', fix: /broadcast|\[2\]|\[3\]/, type: ad.ShapeError }],
    ['triangularSolve with an unknown option',
      () => linalg.triangularSolve(spd, ad.ones([2]), { lowr: true } as never), { op: 'linalg.triangularSolve', fix: /unknown option 'lowr'.*lower/ }],
    ['triangularSolve with a non-boolean flag',
      () => linalg.triangularSolve(spd, ad.ones([2]), { lower: 1 } as never), { op: 'linalg.triangularSolve', fix: /lower must be true or false/ }],
    ['triangularSolve from the right with a mismatched b',
      () => linalg.triangularSolve(spd, ad.ones([2, 3]), { left: false }), { op: 'linalg.triangularSolve', fix: /\[\.\.\., k, 2\]/ }],
    ['choleskySolve with a non-square factor',
      () => linalg.choleskySolve(ad.ones([3, 2]), ad.ones([3])), { op: 'linalg.choleskySolve', fix: /l must be a square/ }],
    ['det of a non-square matrix',
      () => linalg.det(ad.ones([2, 3])), { op: 'linalg.det', fix: /square/ }],
    ['slogdet of a vector',
      () => linalg.slogdet(ad.ones([4])), { op: 'linalg.slogdet', fix: /square/ }],
    ['eigh of a non-symmetric matrix names the batch index',
      () => linalg.eigh(ad.stack([spd, ad.tensor([[1, 5], [0, 1]])])), { op: 'linalg.eigh', fix: /batch index \[1\].*not symmetric/ }],
    ['eigh of a matrix with NaN',
      () => linalg.eigh(ad.tensor([[1, NaN], [NaN, 1]])), { op: 'linalg.eigh', fix: /non-finite.*detectAnomalies/ }],
    ['svd of a vector',
      () => linalg.svd(ad.ones([3])), { op: 'linalg.svd', fix: /Reshape it/ }],
    ['qr of an infinite matrix',
      () => linalg.qr(ad.tensor([[Infinity, 1], [1, 1]])), { op: 'linalg.qr', fix: /non-finite/ }],
    ['norm with a matrix ord on a vector axis',
      () => linalg.norm(ad.ones([3]), 'nuc', 0), { op: 'linalg.norm', fix: /not a vector norm.*two axes/ }],
    ['norm with an unknown matrix ord',
      () => linalg.norm(ad.ones([2, 2]), 3), { op: 'linalg.norm', fix: /not a matrix norm/ }],
    ['norm of a 3-D tensor with ord and no axis',
      () => linalg.norm(ad.ones([2, 2, 2]), 1), { op: 'linalg.norm', fix: /pass axis/ }],
    ['norm over the same axis twice',
      () => linalg.norm(ad.ones([2, 2]), 'fro', [0, -2]), { op: 'linalg.norm', fix: /same axis/ }],
    ['diag of a 3-D tensor',
      () => linalg.diag(ad.ones([2, 2, 2])), { op: 'linalg.diag', fix: /linalg\.diagonal/ }],
    ['diagonal with a fractional offset',
      () => linalg.diagonal(ad.ones([2, 2]), 0.5), { op: 'linalg.diagonal', fix: /integer/ }],
  ] as const)('%s', (_name, run, expected) => expectClearError(run, expected));
});
