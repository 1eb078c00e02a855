/** @file Helpers for the linalg tests: random matrices of known structure and entrywise comparison. */
import { expect } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

export const { linalg } = ad;
export const mT = linalg.matrixTranspose;

/** A random normal [..., m, n] tensor. */
export const randn = (shape: number[], seed: number): Tensor => ad.random.normal(shape, seed);

/** A random symmetric positive-definite batch: x xᵀ + n·I. */
export function randomSpd(shape: number[], seed: number): Tensor {
  const x = randn(shape, seed), n = shape[shape.length - 1]!;
  return ad.add(ad.matmul(x, mT(x)), ad.mul(n, ad.eye(n)));
}

/** max |a − b| ≤ tol · max(1, max|b|), with a message naming the largest difference. */
export function expectClose(a: Tensor, b: Tensor, tol = 1e-10): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  let worst = 0, scale = 1;
  for (let i = 0; i < x.length; i++) { worst = Math.max(worst, Math.abs(x[i]! - y[i]!)); scale = Math.max(scale, Math.abs(y[i]!)); }
  expect(worst / scale).toBeLessThanOrEqual(tol);
}

/** The matrix at flat batch index t of a [..., m, n] tensor. */
export function matrixAt(x: Tensor, t: number): Tensor {
  const m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!;
  return ad.tensor(x.toFloat64Array().subarray(t * m * n, (t + 1) * m * n), [m, n]);
}
