/** @file Bad inputs to ad.linalg: each gets an AdjointError that starts with the op, names the batch index and shapes, and says what to do. */
import { describe, expect, it } from 'vitest';
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

  // The LU family and the triangular solves refuse NaN and ±∞ in a, as lu and cholesky do: an
  // elimination or a substitution skips a zero coefficient's product with an infinite entry, which
  // left finite, meaningless answers (det [[1, ∞], [0, 2]] was 2; NumPy and PyTorch give NaN).
  const infinite = ad.tensor([[1, Infinity], [0, 2]]);
  const batch = ad.stack([spd, ad.tensor([[1, 2], [NaN, 4]])]);
  it.each([
    ['det', () => linalg.det(infinite), { op: 'linalg.det', fix: /non-finite entry \(Infinity\).*detectAnomalies/ }],
    ['slogdet, naming the batch index', () => linalg.slogdet(batch), { op: 'linalg.slogdet', fix: /batch index \[1\].*non-finite entry \(NaN\)/ }],
    ['inv', () => linalg.inv(infinite), { op: 'linalg.inv', fix: /non-finite/ }],
    ['solve', () => linalg.solve(batch, ad.ones([2, 2, 1])), { op: 'linalg.solve', fix: /batch index \[1\].*non-finite/ }],
    ['matrixPower with a negative power', () => linalg.matrixPower(infinite, -2), { op: 'linalg.matrixPower', fix: /non-finite/ }],
    ['triangularSolve, in the triangle it reads', () => linalg.triangularSolve(infinite, ad.ones([2])), { op: 'linalg.triangularSolve', fix: /\[0, 1\] of the triangle it reads/ }],
    ['choleskySolve', () => linalg.choleskySolve(ad.tensor([[1, 0], [NaN, 2]]), ad.ones([2])), { op: 'linalg.choleskySolve', fix: /\[1, 0\]/ }],
    ['choSolve', () => linalg.choSolve({ c: ad.tensor([[1, Infinity], [0, 2]]), lower: false }, ad.ones([2])), { op: 'linalg.choSolve', fix: /non-finite/ }],
    ['det under jit, on a replay', () => {
      const det = ad.jit((a: ad.Tensor) => linalg.det(a));
      det(spd);
      return det(infinite);
    }, { op: 'linalg.det', fix: /non-finite/ }],
  ] as const)('%s of a matrix with a NaN or infinite entry', (_name, run, expected) => expectClearError(run, expected));

  it('a non-finite entry outside the triangle a solve reads, or in b, is no error', () => {
    const x = linalg.triangularSolve(infinite, ad.tensor([1, 2]), { lower: true }).toArray();
    expect(x).toEqual([1, 1]); // reads [[1, ·], [0, 2]]
    const unit = linalg.triangularSolve(ad.tensor([[NaN, 3], [0, NaN]]), ad.tensor([1, 1]), { unitDiagonal: true }).toArray();
    expect(unit).toEqual([-2, 1]); // the diagonal is taken as ones, never read
    expect(Array.from(linalg.solve(spd, ad.tensor([NaN, 1])).toFloat64Array()).every(Number.isNaN)).toBe(true); // b's NaN propagates
  });
});
