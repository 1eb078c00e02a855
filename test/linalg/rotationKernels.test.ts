/**
 * @file The WebAssembly rotations behind linalg.eigh's QL iteration and linalg.svd's one-sided
 * Jacobi (src/tensor/kernels/wasm/rotations.ts): rotations bit for bit the scalar loop's, inner
 * products to rounding, and eigh/svd with the kernels on against off (ad.config({ wasm: false })):
 * eigh the same bits, svd the same to rounding — relative accuracy of tiny singular values kept.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { RotationSpace, paddedStride, rotationModuleSize, rotationSpace } from '../../src/tensor/kernels/wasm/rotations.js';
import { linalg, randn } from './support.js';

afterAll(() => ad.config({ wasm: true }));

const random = (n: number, seed: number) => {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
};

describe('rotation kernels', () => {
  it('the module stays under the 4 kB browsers compile synchronously', () => {
    expect(rotationModuleSize()).toBeLessThan(4096);
  });

  it.each([1, 3, 4, 5, 33, 130])('rotate on rows of %i: the scalar loop’s bits (padding stays zero)', (len) => {
    const stride = paddedStride(len);
    const space = rotationSpace(2 * stride)!;
    expect(space).not.toBeNull();
    const x = random(len, 1), y = random(len, 2);
    const p = RotationSpace.rowAt(0, stride), q = RotationSpace.rowAt(1, stride);
    space.view.set(x, p);
    space.view.set(y, q);
    const c = Math.cos(0.7), s = Math.sin(0.7);
    space.rotate(p, q, stride, c, s);
    for (let i = 0; i < len; i++) {
      expect(space.view[p + i]).toBe(c * x[i]! - s * y[i]!);
      expect(space.view[q + i]).toBe(s * x[i]! + c * y[i]!);
    }
    for (let i = len; i < stride; i++) expect(Math.abs(space.view[p + i]!) + Math.abs(space.view[q + i]!)).toBe(0);
  });

  it.each([1, 7, 64, 257])('dots on rows of %i: xx, yy, xy to rounding', (len) => {
    const stride = paddedStride(len);
    const space = rotationSpace(2 * stride)!;
    const x = random(len, 3), y = random(len, 4);
    space.view.set(x, RotationSpace.rowAt(0, stride));
    space.view.set(y, RotationSpace.rowAt(1, stride));
    const out = new Float64Array(3);
    space.dots(RotationSpace.rowAt(0, stride), RotationSpace.rowAt(1, stride), stride, out);
    let xx = 0, yy = 0, xy = 0, bound = 0;
    for (let i = 0; i < len; i++) { xx += x[i]! ** 2; yy += y[i]! ** 2; xy += x[i]! * y[i]!; bound += Math.abs(x[i]! * y[i]!); }
    expect(Math.abs(out[0]! - xx)).toBeLessThanOrEqual(len * 2.3e-16 * xx);
    expect(Math.abs(out[1]! - yy)).toBeLessThanOrEqual(len * 2.3e-16 * yy);
    expect(Math.abs(out[2]! - xy)).toBeLessThanOrEqual(len * 2.3e-16 * bound);
  });
});

describe('eigh and svd with the WebAssembly rotations on and off', () => {
  const run = <T>(wasm: boolean, f: () => T): T => {
    ad.config({ wasm });
    try { return f(); } finally { ad.config({ wasm: true }); }
  };

  it.each([32, 45])('eigh at n = %i (rotations in SIMD, the reduction in JavaScript): the same bits', (n) => {
    const x = randn([n, n], n);
    const a = ad.add(x, linalg.matrixTranspose(x));
    const on = run(true, () => linalg.eigh(a)), off = run(false, () => linalg.eigh(a));
    expect(on.values.toFloat64Array()).toEqual(off.values.toFloat64Array());
    expect(on.vectors.toFloat64Array()).toEqual(off.vectors.toFloat64Array());
  });

  it.each([64, 96, 150])('eigh at n = %i (the reduction in SIMD too): the same to rounding', (n) => {
    const x = randn([n, n], n);
    const a = ad.add(x, linalg.matrixTranspose(x));
    const on = run(true, () => linalg.eigh(a)), off = run(false, () => linalg.eigh(a));
    const l1 = on.values.toFloat64Array(), l0 = off.values.toFloat64Array();
    const scale = Math.max(...l0.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(l1[i]! - l0[i]!)).toBeLessThan(1e-13 * scale);
    const v1 = on.vectors.toFloat64Array(), v0 = off.vectors.toFloat64Array();
    // Each vector is signed by its largest entry, so the two agree entry by entry (distinct eigenvalues).
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(v1[i]! - v0[i]!));
    expect(worst).toBeLessThan(1e-10);
    expect(l1).not.toEqual(l0); // two paths: a test that could not tell them apart would prove nothing
  });

  it.each([[40, 40], [90, 35], [35, 90]])('svd of %i×%i: the same to rounding, A = U diag(s) Vᵀ', (m, n) => {
    const a = randn([m, n], m + n);
    const on = run(true, () => linalg.svd(a)), off = run(false, () => linalg.svd(a));
    const s1 = on.s.toFloat64Array(), s0 = off.s.toFloat64Array();
    for (let i = 0; i < s0.length; i++) expect(Math.abs(s1[i]! - s0[i]!)).toBeLessThan(1e-13 * s0[0]!);
    const back = ad.matmul(ad.mul(on.u, ad.expandDims(on.s, -2)), on.vh).toFloat64Array(), av = a.toFloat64Array();
    for (let i = 0; i < av.length; i++) expect(Math.abs(back[i]! - av[i]!)).toBeLessThan(1e-13 * s0[0]!);
  });

  it('a graded matrix (columns scaled 1 … 1e-30) keeps its tiny singular values to high relative accuracy', () => {
    const m = 48, n = 40;
    const b = randn([m, n], 9).toFloat64Array();
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) b[i * n + j]! *= 10 ** (-30 * j / (n - 1));
    const a = ad.tensor(b, [m, n]);
    const on = run(true, () => linalg.svdvals(a)).toFloat64Array(), off = run(false, () => linalg.svdvals(a)).toFloat64Array();
    // One-sided Jacobi's relative accuracy does not depend on the order of its sums: each
    // singular value, down to ~1e-30 of the largest, agrees to a few ulps between the two paths.
    expect(off[n - 1]! / off[0]!).toBeLessThan(1e-28);
    for (let i = 0; i < n; i++) expect(Math.abs(on[i]! - off[i]!) / off[i]!).toBeLessThan(1e-12);
  });
});

describe('svd of tall matrices through QR (m ≥ 2n, n ≥ 48)', () => {
  it('σ([A; A]) = √2 σ(A) for a column-graded A (1 … 1e-24): the QR path keeps relative accuracy', () => {
    // [A; A] (120×50) goes through QR first; A (60×50) does not; in exact arithmetic the
    // singular values differ by √2 exactly, so each must agree to rounding, tiny ones included.
    const m = 60, n = 50;
    const b = randn([m, n], 21).toFloat64Array();
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) b[i * n + j]! *= 10 ** (-24 * j / (n - 1));
    const stacked = new Float64Array(2 * m * n);
    stacked.set(b, 0);
    stacked.set(b, m * n);
    const one = linalg.svdvals(ad.tensor(b, [m, n])).toFloat64Array();
    const two = linalg.svdvals(ad.tensor(stacked, [2 * m, n])).toFloat64Array();
    expect(one[n - 1]! / one[0]!).toBeLessThan(1e-22);
    for (let i = 0; i < n; i++) expect(Math.abs(two[i]! / Math.SQRT2 - one[i]!) / one[i]!).toBeLessThan(1e-12);
  });

  it.each([[200, 50], [50, 200], [300, 64]])('%i×%i: A = U diag(s) Vᵀ, UᵀU = VᵀV = I', (m, n) => {
    const a = randn([m, n], m * 3 + n);
    const { u, s, vh } = linalg.svd(a);
    const k = Math.min(m, n);
    const back = ad.matmul(ad.mul(u, ad.expandDims(s, -2)), vh).toFloat64Array(), av = a.toFloat64Array();
    const top = s.toFloat64Array()[0]!;
    for (let i = 0; i < av.length; i++) expect(Math.abs(back[i]! - av[i]!)).toBeLessThan(1e-13 * top);
    const uu = ad.matmul(linalg.matrixTranspose(u), u).toFloat64Array(), vv = ad.matmul(vh, linalg.matrixTranspose(vh)).toFloat64Array();
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      expect(Math.abs(uu[i * k + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      expect(Math.abs(vv[i * k + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-13);
    }
  });
});

