/** @file The catalogue of bad inputs to the solvers, argmin, root and the optimizers: each gets an AdjointError naming the op, the argument and the fix. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClearError } from './support.js';

const A = ad.tensor([[2, 1], [1, 3]]);
const matvec = (v: Tensor) => ad.matmul(A, v);
const b = ad.tensor([1, 2]);
const quadratic = (t: Tensor) => ad.sum(ad.square(ad.sub(t, 1)));
const shifted = (x: Tensor) => ad.sub(x, 2);
// A value of the wrong type, as plain JavaScript would pass it.
const bad = (v: unknown): any => v;

describe('catalogue: cg, minres, gmres', () => {
  const cases: Array<[string, () => unknown, Parameters<typeof expectClearError>[1]]> = [
    ['matvec not a function', () => ad.cg(bad(A), b), { op: 'cg', fix: /matvec must be a function/ }],
    ['matvec returns the wrong shape', () => ad.cg(() => ad.zeros([3]), b), { op: 'cg', fix: /matvec must return .*shape \[2\]/, type: ad.ShapeError }],
    ['matvec forgets to return', () => ad.minres(bad(() => { ad.matmul(A, b); }), b), { op: 'minres', fix: /return/ }],
    ['matvec returns another structure', () => ad.gmres(bad(() => [b, b]), b), { op: 'gmres', fix: /matvec must return/ }],
    ['b is a string', () => ad.cg(matvec, bad('1,2')), { op: 'cg', fix: /b must be a tensor/ }],
    ['b is missing', () => ad.cg(matvec, bad(undefined)), { op: 'cg', fix: /b must be a tensor/ }],
    ['negative maxIter', () => ad.cg(matvec, b, { maxIter: -1 }), { op: 'cg', fix: /maxIter must be an integer ≥ 0/ }],
    ['non-integer maxIter', () => ad.minres(matvec, b, { maxIter: 2.5 }), { op: 'minres', fix: /maxIter must be an integer ≥ 0/ }],
    ['tol NaN', () => ad.cg(matvec, b, { tol: NaN }), { op: 'cg', fix: /tol must be a number > 0/ }],
    ['tol negative', () => ad.gmres(matvec, b, { tol: -1e-8 }), { op: 'gmres', fix: /tol must be a number > 0/ }],
    ['tol 0 and no atol', () => ad.cg(matvec, b, { tol: 0 }), { op: 'cg', fix: /tol must be a number > 0.*atol/ }],
    ['restart 0', () => ad.gmres(matvec, b, { restart: 0 }), { op: 'gmres', fix: /restart must be an integer ≥ 1/ }],
    ['damping NaN', () => ad.cg(matvec, b, { damping: NaN }), { op: 'cg', fix: /damping must be a finite number/ }],
    ['x0 of the wrong shape', () => ad.cg(matvec, b, { x0: ad.zeros([3]) }), { op: 'cg', fix: /x0 .*shape \[2\]/, type: ad.ShapeError }],
    ['x0 of another structure', () => ad.cg(matvec, b, { x0: bad([b]) }), { op: 'cg', fix: /x0 must have b's structure/ }],
    ['preconditioner not a function', () => ad.cg(matvec, b, { preconditioner: bad(1) }), { op: 'cg', fix: /preconditioner must be a function/ }],
    ['preconditioner of the wrong shape', () => ad.cg(matvec, b, { preconditioner: () => ad.zeros([1]) }), { op: 'cg', fix: /preconditioner must return .*shape \[2\]/ }],
    ['options not an object', () => ad.cg(matvec, b, bad(1e-8)), { op: 'cg', fix: /options must be an object/ }],
    ['unknown option', () => ad.cg(matvec, b, bad({ maxiter: 5 })), { op: 'cg', fix: /unknown option maxiter.*maxIter/ }],
    ['throw not a boolean', () => ad.cg(matvec, b, bad({ throw: 'yes' })), { op: 'cg', fix: /throw must be true or false/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('catalogue: argmin', () => {
  const cases: Array<[string, () => unknown, Parameters<typeof expectClearError>[1]]> = [
    ['loss not a function', () => ad.argmin(bad(3), ad.zeros([2])), { op: 'argmin', fix: /loss must be a function/ }],
    ['loss not scalar', () => ad.argmin((t: Tensor) => ad.square(t), ad.zeros([2])), { op: 'argmin', fix: /Reduce it to a scalar/ }],
    ['loss forgets to return', () => ad.argmin(bad((t: Tensor) => { ad.sum(t); }), ad.zeros([2])), { op: 'argmin', fix: /return/ }],
    ['theta0 a string', () => ad.argmin(quadratic, bad('0')), { op: 'argmin', fix: /theta0 must be a tensor/ }],
    ['unknown solver', () => ad.argmin(quadratic, ad.zeros([2]), { solver: bad('lu') }), { op: 'argmin', fix: /solver must be 'cg' or 'minres'/ }],
    ['unknown method', () => ad.argmin(quadratic, ad.zeros([2]), { method: bad('bfgs') }), { op: 'argmin', fix: /'lbfgs' or 'newton-cg'/ }],
    ['tol NaN', () => ad.argmin(quadratic, ad.zeros([2]), { tol: NaN }), { op: 'argmin', fix: /tol must be a number > 0/ }],
    ['solverTol 0', () => ad.argmin(quadratic, ad.zeros([2]), { solverTol: 0 }), { op: 'argmin', fix: /solverTol must be a number > 0/ }],
    ['solverMaxIter negative', () => ad.argmin(quadratic, ad.zeros([2]), { solverMaxIter: -3 }), { op: 'argmin', fix: /solverMaxIter must be an integer ≥ 0/ }],
    ['preconditioner not a function', () => ad.argmin(quadratic, ad.zeros([2]), { preconditioner: bad('jacobi') }), { op: 'argmin', fix: /preconditioner must be a function/ }],
    ['unknown option', () => ad.argmin(quadratic, ad.zeros([2]), bad({ maxiter: 5 })), { op: 'argmin', fix: /unknown option maxiter.*maxIter/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('catalogue: root', () => {
  const cases: Array<[string, () => unknown, Parameters<typeof expectClearError>[1]]> = [
    ['F not a function', () => ad.root(bad({}), ad.zeros([2])), { op: 'root', fix: /F must be a function/ }],
    ['F of the wrong shape', () => ad.root(() => ad.zeros([3]), ad.zeros([2])), { op: 'root', fix: /F must return .*shape \[2\]/, type: ad.ShapeError }],
    ['x0 a string', () => ad.root(shifted, bad('0')), { op: 'root', fix: /x0 must be a tensor/ }],
    ['unknown solver', () => ad.root(shifted, ad.zeros([2]), { solver: bad('lu') }), { op: 'root', fix: /solver must be 'gmres', 'cg' or 'minres'/ }],
    ['maxIter negative', () => ad.root(shifted, ad.zeros([2]), { maxIter: -1 }), { op: 'root', fix: /maxIter must be an integer ≥ 0/ }],
    ['damping NaN', () => ad.root(shifted, ad.zeros([2]), { damping: NaN }), { op: 'root', fix: /damping must be a number ≥ 0/ }],
    ['restart 0', () => ad.root(shifted, ad.zeros([2]), { restart: 0 }), { op: 'root', fix: /restart must be an integer ≥ 1/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('catalogue: optimizers', () => {
  const params = ad.zeros([2]);
  const cases: Array<[string, () => unknown, Parameters<typeof expectClearError>[1]]> = [
    ['sgd without lr', () => ad.optimizers.sgd(bad({})), { op: 'optimizers.sgd', fix: /lr is required/ }],
    ['sgd lr NaN', () => ad.optimizers.sgd({ lr: NaN }), { op: 'optimizers.sgd', fix: /lr must be a finite number/ }],
    ['adam lr a string', () => ad.optimizers.adam({ lr: bad('0.1') }), { op: 'optimizers.adam', fix: /lr must be a finite number, a tensor or a function/ }],
    ['adam eps negative', () => ad.optimizers.adam({ lr: 0.1, eps: -1 }), { op: 'optimizers.adam', fix: /eps must be a number ≥ 0/ }],
    ['momentum options missing', () => ad.optimizers.momentum(bad(undefined)), { op: 'optimizers.momentum', fix: /pass an options object/ }],
    ['grads of the wrong shape', () => {
      const opt = ad.optimizers.sgd({ lr: 0.1 });
      return opt.step(params, ad.zeros([3]), opt.init(params));
    }, { op: 'optimizers.sgd', fix: /pass grads with params' shapes/, type: ad.ShapeError }],
    ['grads of another structure', () => {
      const opt = ad.optimizers.momentum({ lr: 0.1 });
      return opt.step(params, bad([params]), opt.init(params)); // the types reject it too
    }, { op: 'optimizers.momentum', fix: /structure of params/, type: ad.ShapeError }],
    ['adam state from another optimizer', () => {
      const opt = ad.optimizers.adam({ lr: 0.1 });
      return opt.step(params, params, bad(ad.optimizers.sgd({ lr: 0.1 }).init(params)));
    }, { op: 'optimizers.adam', fix: /state .*init/ }],
    ['reversibleMomentum steps negative', () => ad.optimizers.reversibleMomentum(quadratic, params, { steps: -1, lr: 0.1 }), { op: 'reversibleMomentum', fix: /integer ≥ 0/ }],
    ['reversibleMomentum lr of the wrong length', () => ad.optimizers.reversibleMomentum(quadratic, params, { steps: 3, lr: ad.ones([4]) }), { op: 'reversibleMomentum', fix: /shape \[3\]/ }],
    ['reversibleMomentum decay above 1', () => ad.optimizers.reversibleMomentum(quadratic, params, { steps: 3, lr: 0.1, decay: 1.5 }), { op: 'reversibleMomentum', fix: /\(0, 1\]/ }],
    ['reversibleMomentum loss not scalar', () => ad.optimizers.reversibleMomentum((t: Tensor) => ad.square(t), params, { steps: 2, lr: 0.1 }), { op: 'reversibleMomentum', fix: /Reduce it to a scalar/ }],
    ['reversibleMomentum loss not a function', () => ad.optimizers.reversibleMomentum(bad(null), params, { steps: 2, lr: 0.1 }), { op: 'reversibleMomentum', fix: /loss must be a function/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
