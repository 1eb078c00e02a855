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

/** P A = L U by unblocked partial pivoting (dgetf2), an oracle: the packed factors and the row permutation. */
export function luNaive(a: Float64Array, n: number): { lu: Float64Array; perm: number[] } {
  const lu = Float64Array.from(a), perm = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]!) > Math.abs(lu[p * n + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) { const s = lu[k * n + j]!; lu[k * n + j] = lu[p * n + j]!; lu[p * n + j] = s; }
      [perm[k], perm[p]] = [perm[p]!, perm[k]!];
    }
    const pivot = lu[k * n + k]!;
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= pivot);
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j]!;
    }
  }
  return { lu, perm };
}
