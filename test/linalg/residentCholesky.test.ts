/**
 * @file Cholesky above order 56 with the matrix resident in the matrix kernel's memory (kept as the
 * negated upper factor, padded to a multiple of 4 with the identity, recursive, products in
 * place): against Cholesky–Banachiewicz written here, against the blocked path that runs with the
 * kernel off, on one thread and on two (the same bits), at orders that pad by 0–3; a matrix that
 * is not positive definite fails at the same row; batches; log-determinants through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, randn } from './support.js';

afterEach(() => ad.config({ wasm: true, threads: 'auto' }));

/** L with A = L Lᵀ by Cholesky–Banachiewicz, or the first row whose pivot is not positive. */
function choleskyNaive(a: Float64Array, n: number): { l: Float64Array; failed: number } {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = a[i * n + j]!;
    for (let p = 0; p < j; p++) s -= l[i * n + p]! * l[j * n + p]!;
    if (j < i) l[i * n + j] = s / l[j * n + j]!;
    else if (s > 0) l[i * n + i] = Math.sqrt(s);
    else return { l, failed: i };
  }
  return { l, failed: -1 };
}

/** X Xᵀ/n + shift·I, X standard normal: positive definite for shift > 0. */
function spd(n: number, seed: number, shift = 1): ad.Tensor {
  const x = randn([n, n], seed);
  return ad.add(ad.div(ad.matmul(x, linalg.matrixTranspose(x)), n), ad.mul(shift, ad.eye(n)));
}

function choleskyUnder(a: ad.Tensor, setting: { wasm?: boolean; threads?: number | 'auto' }): Float64Array {
  ad.config({ wasm: true, threads: 'auto', ...setting });
  return linalg.cholesky(a).toFloat64Array();
}

describe('linalg.cholesky above order 56, resident in the kernel memory', () => {
  it.each([57, 58, 59, 60, 97, 128, 131, 257, 400])('n = %i: the plain factor to rounding, one thread and two the same bits, the blocked path to rounding, L Lᵀ = A', (n) => {
    const a = spd(n, 500 + n), av = a.toFloat64Array();
    const oracle = choleskyNaive(av, n);
    expect(oracle.failed).toBe(-1);
    const two = choleskyUnder(a, { threads: 2 }), one = choleskyUnder(a, { threads: 1 }), off = choleskyUnder(a, { wasm: false });
    expect(Array.from(one)).toEqual(Array.from(two));
    let worst = 0, worstOff = 0;
    for (let i = 0; i < n * n; i++) {
      worst = Math.max(worst, Math.abs(two[i]! - oracle.l[i]!));
      worstOff = Math.max(worstOff, Math.abs(two[i]! - off[i]!));
    }
    expect(worst).toBeLessThan(1e-12);
    expect(worstOff).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(two[i * n + j]).toBe(0);
    const back = ad.matmul(ad.tensor(two, [n, n]), linalg.matrixTranspose(ad.tensor(two, [n, n]))).toFloat64Array();
    for (let i = 0; i < n * n; i++) expect(Math.abs(back[i]! - av[i]!)).toBeLessThan(1e-12);
  });

  it('reads the lower triangle only, of the symmetric part', () => {
    const n = 90, a = spd(n, 3).toFloat64Array(), skewed = Float64Array.from(a);
    // An upper triangle 1e-9 off: the factor is that of ½(A + Aᵀ).
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) skewed[i * n + j] = a[i * n + j]! + 2e-9;
    const sym = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) sym[i * n + j] = a[i * n + j]! + 1e-9;
    const got = linalg.cholesky(ad.tensor(skewed, [n, n])).toFloat64Array();
    const oracle = choleskyNaive(sym, n).l;
    for (let i = 0; i < n * n; i++) expect(Math.abs(got[i]! - oracle[i]!)).toBeLessThan(1e-12);
  });

  it.each([[70, 0], [70, 33], [70, 69], [203, 150], [203, 202]])('n = %i, indefinite from row %i: the error names the same row as the plain algorithm', (n, row) => {
    // Make the leading minor of order row + 1 singular-then-negative: A[row][row] lowered by its Schur complement + 1.
    const a = spd(n, 9).toFloat64Array();
    const { l } = choleskyNaive(a, n);
    let schur = a[row * n + row]!;
    for (let p = 0; p < row; p++) schur -= l[row * n + p]! ** 2;
    a[row * n + row] = a[row * n + row]! - schur - 1;
    expect(choleskyNaive(a, n).failed).toBe(row);
    expect(() => linalg.cholesky(ad.tensor(a, [n, n]))).toThrow(`its leading ${row + 1}×${row + 1} minor is not positive`);
  });

  it('NaN on the diagonal: refused, as by the plain path', () => {
    const n = 80, a = spd(n, 4).toFloat64Array();
    a[40 * n + 40] = NaN;
    expect(() => linalg.cholesky(ad.tensor(a, [n, n]))).toThrow();
  });

  it('a batch of three: each factor as alone, bit for bit', () => {
    const n = 75, mats = [spd(n, 1), spd(n, 2), spd(n, 3)];
    const all = linalg.cholesky(ad.stack(mats)).toFloat64Array();
    mats.forEach((m, t) => expect(Array.from(all.subarray(t * n * n, (t + 1) * n * n))).toEqual(Array.from(linalg.cholesky(m).toFloat64Array())));
  });

  it('slogdet of a positive-definite matrix (the Cholesky route) equals Σ 2 log L_ii of the plain factor, and its gradient is A⁻¹', () => {
    const n = 150, a = spd(n, 12), oracle = choleskyNaive(a.toFloat64Array(), n).l;
    let logdet = 0;
    for (let i = 0; i < n; i++) logdet += 2 * Math.log(oracle[i * n + i]!);
    expect(Math.abs(linalg.slogdet(a).logAbsDet.item() - logdet)).toBeLessThan(1e-11 * Math.abs(logdet));
    const g = ad.grad((m: ad.Tensor) => linalg.slogdet(m).logAbsDet)(a);
    const eye = ad.matmul(g, a).toFloat64Array();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(eye[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-11);
  });
});
