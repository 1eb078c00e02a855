/** @file Bad inputs to the further ad.linalg ops: each gets an AdjointError that starts with the op, names the shapes or value, and says what to do. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError } from '../catalogue/support.js';

const { linalg } = ad;
const sq = ad.tensor([[4, 2], [2, 3]]);

describe('linalg extras: errors', () => {
  it.each([
    ['pinv of a vector', () => linalg.pinv(ad.ones([3])), { op: 'linalg.pinv', fix: /matrix.*\[3\].*Reshape/, type: ad.ShapeError }],
    ['pinv with NaN', () => linalg.pinv(ad.tensor([[1, NaN], [0, 1]])), { op: 'linalg.pinv', fix: /non-finite/ }],
    ['pinv with an unknown option', () => linalg.pinv(sq, { rtol: 1e-3 } as never), { op: 'linalg.pinv', fix: /unknown option 'rtol'.*rcond, hermitian/ }],
    ['pinv with a negative rcond', () => linalg.pinv(sq, { rcond: -1 }), { op: 'linalg.pinv', fix: /rcond must be a finite number ≥ 0/ }],
    ['pinv hermitian of a non-square matrix', () => linalg.pinv(ad.ones([2, 3]), { hermitian: true }), { op: 'linalg.pinv', fix: /square.*\[2,3\]/ }],
    ['pinv hermitian of a non-symmetric matrix', () => linalg.pinv(ad.tensor([[1, 2], [0, 1]]), { hermitian: true }), { op: 'linalg.pinv', fix: /not symmetric/ }],
    ['lstsq with a b of the wrong height', () => linalg.lstsq(ad.ones([4, 2]), ad.ones([3, 1])), { op: 'linalg.lstsq', fix: /\[3,1\].*\[4,2\].*\[\.\.\., 4, k\]/, type: ad.ShapeError }],
    ['lstsq with a vector b and a batched a', () => linalg.lstsq(ad.ones([2, 4, 2]), ad.ones([4])), { op: 'linalg.lstsq', fix: /\[\.\.\., 4, 1\] columns/ }],
    ['lstsq with batches that do not broadcast', () => linalg.lstsq(ad.ones([2, 4, 2]), ad.ones([3, 4, 1])), { op: 'lstsq', fix: /\[2\]|\[3\]|broadcast/, type: ad.ShapeError }],
    ['lstsq with NaN in a', () => linalg.lstsq(ad.tensor([[1, NaN], [0, 1], [1, 1]]), ad.ones([3])), { op: 'linalg.lstsq', fix: /non-finite/ }],
    ['lstsq with a NaN rcond', () => linalg.lstsq(ad.ones([3, 2]), ad.ones([3]), NaN), { op: 'linalg.lstsq', fix: /rcond/ }],
    ['matrixPower with a fractional exponent', () => linalg.matrixPower(sq, 0.5), { op: 'linalg.matrixPower', fix: /integer.*eigh/ }],
    ['matrixPower of a non-square matrix', () => linalg.matrixPower(ad.ones([2, 3]), 2), { op: 'linalg.matrixPower', fix: /square.*\[2,3\]/, type: ad.ShapeError }],
    ['matrixPower −1 of a singular matrix', () => linalg.matrixPower(ad.stack([sq, ad.zeros([2, 2])]), -1), { op: 'linalg.matrixPower', fix: /batch index \[1\].*singular/ }],
    ['multiDot of one matrix', () => linalg.multiDot([sq]), { op: 'linalg.multiDot', fix: /at least two/ }],
    ['multiDot with a 3-D array', () => linalg.multiDot([sq, ad.ones([2, 2, 2]), sq]), { op: 'linalg.multiDot', fix: /array 1.*\[2,2,2\].*2-D/ }],
    ['multiDot with a vector in the middle', () => linalg.multiDot([sq, ad.ones([2]), sq]), { op: 'linalg.multiDot', fix: /array 1/ }],
    ['multiDot with sizes that do not chain', () => linalg.multiDot([sq, ad.ones([3, 2])]), { op: 'linalg.multiDot', fix: /arrays 0 and 1 do not chain.*2 and 3/ }],
    ['expm of a non-square matrix', () => linalg.expm(ad.ones([2, 3])), { op: 'linalg.expm', fix: /square.*\[2,3\]/, type: ad.ShapeError }],
    ['expm with NaN names the batch index', () => linalg.expm(ad.stack([sq, ad.tensor([[1, NaN], [0, 1]])])), { op: 'linalg.expm', fix: /batch index \[1\].*non-finite/ }],
    ['eigvalsh of a non-symmetric matrix', () => linalg.eigvalsh(ad.tensor([[1, 5], [0, 1]])), { op: 'linalg.eigvalsh', fix: /not symmetric/ }],
    ['svdvals with NaN', () => linalg.svdvals(ad.tensor([[1, NaN], [0, 1]])), { op: 'linalg.svdvals', fix: /non-finite.*from linalg\.svd/ }],
    ['cond with Infinity', () => linalg.cond(ad.tensor([[1, Infinity], [0, 1]])), { op: 'linalg.cond', fix: /non-finite/ }],
    ['matrixRank hermitian of a non-symmetric matrix', () => linalg.matrixRank(ad.tensor([[1, 5], [0, 1]]), { hermitian: true }), { op: 'linalg.matrixRank', fix: /not symmetric/ }],
    ['svdvals of a vector', () => linalg.svdvals(ad.ones([3])), { op: 'linalg.svdvals', fix: /Reshape/ }],
    ['matrixRank with tol and rtol', () => linalg.matrixRank(sq, { tol: 1, rtol: 1 }), { op: 'linalg.matrixRank', fix: /not both/ }],
    ['matrixRank with an unknown option', () => linalg.matrixRank(sq, { atol: 1 } as never), { op: 'linalg.matrixRank', fix: /unknown option 'atol'/ }],
    ['matrixRank of a scalar', () => linalg.matrixRank(ad.tensor(3)), { op: 'linalg.matrixRank', fix: /scalar/ }],
    ['cond with an unknown p', () => linalg.cond(sq, 3), { op: 'linalg.cond', fix: /p must be/ }],
    ['cond with p = 1 of a non-square matrix', () => linalg.cond(ad.ones([2, 3]), 1), { op: 'linalg.cond', fix: /square/ }],
    ['cond of an empty matrix', () => linalg.cond(ad.ones([0, 0])), { op: 'linalg.cond', fix: /empty/ }],
    ['vectorNorm with a matrix ord', () => linalg.vectorNorm(sq, 'fro' as never), { op: 'linalg.vectorNorm', fix: /matrixNorm/ }],
    ['vectorNorm over the same axis twice', () => linalg.vectorNorm(sq, 2, [0, -2]), { op: 'linalg.vectorNorm', fix: /twice/ }],
    ['matrixNorm of a vector', () => linalg.matrixNorm(ad.ones([3])), { op: 'linalg.matrixNorm', fix: /vectorNorm/, type: ad.ShapeError }],
    ['matrixNorm with a vector ord', () => linalg.matrixNorm(sq, 3), { op: 'linalg.matrixNorm', fix: /ord must be/ }],
    ['lu of a vector', () => linalg.lu(ad.ones([3])), { op: 'linalg.lu', fix: /matrix.*\[3\].*Reshape/, type: ad.ShapeError }],
    ['luSolve with a rectangular factor', () => linalg.luSolve(linalg.luFactor(ad.ones([3, 2])), ad.ones([3])), { op: 'linalg.luSolve', fix: /square.*\[3,2\]/, type: ad.ShapeError }],
    ['lu with Infinity', () => linalg.lu(ad.tensor([[Infinity, 1], [1, 1]])), { op: 'linalg.lu', fix: /non-finite/ }],
    ['luSolve without luFactor\'s result', () => linalg.luSolve(sq as never, ad.ones([2])), { op: 'linalg.luSolve', fix: /\{ lu, pivots \}/ }],
    ['luSolve with pivots of the wrong shape', () => linalg.luSolve({ lu: sq, pivots: ad.zeros([3]) }, ad.ones([2])), { op: 'linalg.luSolve', fix: /pivots of shape \[3\].*\[\.\.\., 2\]/ }],
    ['luSolve with a mismatched b', () => linalg.luSolve(linalg.luFactor(sq), ad.ones([3, 1])), { op: 'linalg.luSolve', fix: /\[3,1\].*\[2,2\]/ }],
    ['tensorsolve with shapes that do not fit', () => linalg.tensorsolve(ad.ones([2, 3, 5]), ad.ones([2, 3])), { op: 'linalg.tensorsolve', fix: /\[2,3,5\].*\[2,3\].*same size \(6\)/ }],
    ['tensorinv with unequal halves', () => linalg.tensorinv(ad.ones([2, 3, 5])), { op: 'linalg.tensorinv', fix: /not square for ind 2/ }],
    ['tensorinv of a singular tensor', () => linalg.tensorinv(ad.zeros([2, 2, 4])), { op: 'linalg.tensorinv', fix: /singular/ }],
  ] as const)('%s', (_name, run, expected) => expectClearError(run, expected));
});
