/** @file ad.linalg: the public linear algebra namespace (as jax.numpy.linalg and jax.scipy.linalg), re-exports only. */
export { cholesky } from './cholesky.js';
export { triangularSolve, choleskySolve } from './triangular.js';
export type { TriangularSolveOptions } from './triangular.js';
export { solve, inv } from './solve.js';
export { det, slogdet } from './det.js';
export { eigh } from './eigh.js';
export { qr } from './qr.js';
export { svd } from './svd.js';
export { norm } from './norm.js';
export type { NormOrder } from './norm.js';
export { trace, diagonal, diag } from './diagonal.js';
export { matrixTranspose } from './matrix.js';
export { pinv, lstsq } from './pinv.js';
export type { PinvOptions, LstsqResult } from './pinv.js';
export { matrixPower, multiDot } from './products.js';
export { expm } from './expm.js';
