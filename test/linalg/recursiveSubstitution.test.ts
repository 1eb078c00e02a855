/**
 * @file The recursive triangular solve (halves solved in turn, the coupling by one matrix product,
 * 16-row leaves substituted) against plain substitution written here, for every combination of
 * lower/upper, transposed or not, unit diagonal or not, left or right, at sizes that split unevenly.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, randn } from './support.js';

/** Element (i, p) of op(A) for the n×n row-major A. */
const opA = (a: Float64Array, n: number, transposeA: boolean) => (i: number, p: number) => (transposeA ? a[p * n + i]! : a[i * n + p]!);

/** X with op(A) X = B (B n×k) by row substitution, reading only A's `lower` (or upper) triangle. */
function substituteNaive(a: Float64Array, b: Float64Array, n: number, k: number, lower: boolean, transposeA: boolean, unit: boolean): Float64Array {
  const x = Float64Array.from(b), at = opA(a, n, transposeA), forward = lower !== transposeA;
  for (let s = 0; s < n; s++) {
    const i = forward ? s : n - 1 - s;
    for (let j = 0; j < k; j++) {
      let v = x[i * k + j]!;
      if (forward) for (let p = 0; p < i; p++) v -= at(i, p) * x[p * k + j]!;
      else for (let p = i + 1; p < n; p++) v -= at(i, p) * x[p * k + j]!;
      x[i * k + j] = unit ? v : v / at(i, i);
    }
  }
  return x;
}

/** A triangular-friendly matrix: a dominant diagonal, the other triangle garbage (must be ignored). */
function matrix(n: number, seed: number): Float64Array {
  const a = randn([n, n], seed).toFloat64Array();
  for (let i = 0; i < n; i++) a[i * n + i] = 4 + Math.abs(a[i * n + i]!);
  return a;
}

describe('linalg.triangularSolve, recursive: every variant against plain substitution', () => {
  const cases: [number, number][] = [[33, 8], [47, 13], [64, 40], [100, 9], [150, 33]];
  for (const lower of [true, false]) for (const transposeA of [false, true]) for (const unitDiagonal of [false, true]) {
    it.each(cases)(`lower ${lower}, transposeA ${transposeA}, unit ${unitDiagonal}: n = %i, k = %i, left and right`, (n, k) => {
      const a = matrix(n, n * 7 + k), b = randn([n, k], n + k).toFloat64Array();
      const expected = substituteNaive(a, b, n, k, lower, transposeA, unitDiagonal);
      const left = linalg.triangularSolve(ad.tensor(a, [n, n]), ad.tensor(b, [n, k]), { lower, transposeA, unitDiagonal }).toFloat64Array();
      let worst = 0, scale = 0;
      for (let i = 0; i < expected.length; i++) { worst = Math.max(worst, Math.abs(left[i]! - expected[i]!)); scale = Math.max(scale, Math.abs(expected[i]!)); }
      expect(worst / scale).toBeLessThan(1e-13);
      // Right side: X op(A) = Bᵀ-shaped, i.e. op(A)ᵀ Xᵀ = B.
      const bt = new Float64Array(k * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) bt[j * n + i] = b[i * k + j]!;
      const right = linalg.triangularSolve(ad.tensor(a, [n, n]), ad.tensor(bt, [k, n]), { lower, transposeA, unitDiagonal, left: false }).toFloat64Array();
      const expectedRight = substituteNaive(a, b, n, k, lower, !transposeA, unitDiagonal);
      worst = 0; scale = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
        worst = Math.max(worst, Math.abs(right[j * n + i]! - expectedRight[i * k + j]!));
        scale = Math.max(scale, Math.abs(expectedRight[i * k + j]!));
      }
      expect(worst / scale).toBeLessThan(1e-13);
    });
  }

  it('solve and inv through LU at n = 300 with 300 right-hand sides: residuals at rounding', () => {
    const n = 300, a = ad.add(randn([n, n], 1), ad.mul(5, ad.eye(n))), b = randn([n, n], 2);
    const x = linalg.solve(a, b);
    const r = ad.sub(ad.matmul(a, x), b).toFloat64Array();
    expect(Math.max(...r.map(Math.abs))).toBeLessThan(1e-11);
    const inv = linalg.inv(a);
    const e = ad.sub(ad.matmul(a, inv), ad.eye(n)).toFloat64Array();
    expect(Math.max(...e.map(Math.abs))).toBeLessThan(1e-12);
  });
});
