/** @file The SPD inverse from a Cholesky factor (dpotri: blocked dtrtri then dlauum) against independent oracles, at sizes around its block width, and the slogdet gradient that uses it. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { choleskyInverseInto, invertLowerInPlace } from '../../src/tensor/kernels/linalg/choleskyInverse.js';
import { expectClose, linalg, randomSpd } from './support.js';

/** C = A·B for row-major n×n arrays, the naive triple loop (an oracle independent of the blocked kernels). */
function product(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) {
    const x = a[i * n + p]!;
    for (let j = 0; j < n; j++) c[i * n + j] += x * b[p * n + j]!;
  }
  return c;
}

/** max |M − s·I| over the entries. */
function distanceToIdentity(m: Float64Array, n: number, s = 1): number {
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(m[i * n + j]! - (i === j ? s : 0)));
  return worst;
}

describe('choleskyInverse kernel (dpotri)', () => {
  it.each([1, 2, 7, 63, 64, 65, 128, 129, 200])('L⁻¹ in place: L·X = I, X lower (n = %i)', (n) => {
    const l = linalg.cholesky(randomSpd([n, n], n)).toFloat64Array();
    const x = Float64Array.from(l);
    invertLowerInPlace(x, 0, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(x[i * n + j]).toBe(0);
    expect(distanceToIdentity(product(l, x, n), n)).toBeLessThan(1e-12);
  });

  it.each([1, 5, 64, 65, 130, 191])('scale·A⁻¹ from L: exactly symmetric, A·(A⁻¹/scale) = I (n = %i)', (n) => {
    const a = randomSpd([n, n], 2 * n), l = linalg.cholesky(a).toFloat64Array();
    // At an offset, into an output with room either side, to check the kernel's bounds.
    const padded = new Float64Array(n * n + 3);
    padded.set(l, 3);
    const out = new Float64Array(n * n + 2).fill(7);
    choleskyInverseInto(padded, 3, n, -2.5, out, 1);
    expect(out[0]).toBe(7);
    expect(out[n * n + 1]).toBe(7);
    const inv = out.subarray(1, 1 + n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(inv[i * n + j]).toBe(inv[j * n + i]);
    expect(distanceToIdentity(product(a.toFloat64Array(), inv, n), n, -2.5)).toBeLessThan(1e-11);
  });

  it('a zero scale gives exact zeros (a strong zero), whatever the factor holds', () => {
    const l = new Float64Array([0, 0, Infinity, 0]); // a zero pivot: L⁻¹ would be infinite
    const out = new Float64Array(4).fill(1);
    choleskyInverseInto(l, 0, 2, 0, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('slogdet of a batch of SPD matrices: the gradient is a⁻¹ per matrix, zero where the cotangent is', () => {
    const n = 150, a = randomSpd([2, n, n], 31);
    const g = ad.grad((m: Tensor) => ad.sum(ad.mul(linalg.slogdet(m).logAbsDet, ad.tensor([3, 0]))))(a);
    expectClose(ad.slice(g, [0, 0, 0], [1, n, n]), ad.mul(3, linalg.inv(ad.slice(a, [0, 0, 0], [1, n, n]))), 1e-12);
    expect(Math.max(...ad.abs(ad.slice(g, [1, 0, 0], [1, n, n])).toFloat64Array())).toBe(0);
  });
});
