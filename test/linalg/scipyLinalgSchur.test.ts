/**
 * @file linalg.schur and linalg.hessenberg against scipy.linalg.schur / hessenberg (SciPy 1.10, five
 * random matrices n = 1…6, values in scipyLinalgReference.ts: the same LAPACK steps, so the same
 * T, Z, H and Q to rounding), their invariants on random batches (fast-check: a = z t zᵀ, z
 * orthogonal, t quasi-triangular with LAPACK's standardised 2×2 blocks, eigenvalues conserved),
 * special matrices, vmap/jit, and the errors a derivative and bad input give.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, matrixAt, mT, randn } from './support.js';
import { SCIPY } from './scipyLinalgReference.js';

const L = ad.linalg;
const t = (x: number[][]) => ad.tensor(x);
const js = ad.linalg as unknown as Record<string, (...args: unknown[]) => unknown>;

/** The eigenvalues of a real Schur form, as sorted [re, im] pairs; throws unless t is quasi-triangular with standardised blocks. */
function schurEigenvalues(tt: Tensor): Array<[number, number]> {
  const n = tt.shape[0]!, d = tt.toArray() as number[][];
  const ev: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < i - 1; j++) expect(d[i]![j]).toBe(0);
  for (let k = 0; k < n;) {
    if (k + 1 < n && d[k + 1]![k] !== 0) {
      expect(k + 2 >= n || d[k + 2]![k + 1] === 0).toBe(true); // no two consecutive subdiagonal entries
      expect(d[k]![k]).toBe(d[k + 1]![k + 1]); //                 equal diagonal
      expect(Math.sign(d[k]![k + 1]!) * Math.sign(d[k + 1]![k]!)).toBe(-1); // opposite off-diagonal signs
      const im = Math.sqrt(Math.abs(d[k]![k + 1]!)) * Math.sqrt(Math.abs(d[k + 1]![k]!)); // no underflow at 1e-300
      ev.push([d[k]![k]!, im], [d[k]![k]!, -im]);
      k += 2;
    } else { ev.push([d[k]![k]!, 0]); k += 1; }
  }
  return ev.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

function expectSchur(a: Tensor, tol = 1e-12): void {
  const [tt, z] = L.schur(a);
  const n = a.shape[a.ndim - 1]!, count = a.size / (n * n);
  const size = Math.max(...Array.from(a.toFloat64Array(), Math.abs), Number.MIN_VALUE); // relative to the entries' size
  expectClose(ad.div(ad.matmul(ad.matmul(z, tt), mT(z)), size), ad.div(a, size), tol);
  expectClose(ad.matmul(mT(z), z), ad.broadcastTo(ad.eye(n), z.shape), tol);
  for (let b = 0; b < count; b++) schurEigenvalues(matrixAt(tt, b));
}

describe('schur', () => {
  it.each(SCIPY.schur.map((r, i) => ({ ...r, i })))('as scipy.linalg.schur: matrix $i', ({ a, t: tRef, z: zRef, ev }) => {
    const [tt, z] = L.schur(t(a));
    expectClose(tt, t(tRef), 1e-12);
    expectClose(z, t(zRef), 1e-12);
    const got = schurEigenvalues(tt);
    got.forEach(([re, im], k) => { expect(Math.abs(re - ev[k]![0])).toBeLessThan(1e-12); expect(Math.abs(Math.abs(im) - Math.abs(ev[k]![1]))).toBeLessThan(1e-12); });
  });

  it('a = z t zᵀ, z orthogonal, t quasi-triangular with standardised blocks: random batches', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: -3, max: 3, noNaN: true }), (n, seed, logScale) => {
      expectSchur(ad.mul(randn([2, n, n], seed), 10 ** logScale));
    }), { numRuns: 60, seed: 99 });
  });

  it('special matrices: triangular, diagonal, symmetric, a rotation, zero, companion, repeated complex pairs, 0×0', () => {
    const upper = t([[1, 2, 3], [0, 4, 5], [0, 0, 6]]);
    expectClose(L.schur(upper)[0], upper, 0);
    expectClose(L.schur(upper)[1], ad.eye(3), 0);
    const sym = t([[2, 1, 0], [1, 3, 1], [0, 1, 4]]);
    const [ts] = L.schur(sym);
    expectClose(ad.mul(ts, ad.sub(1, ad.eye(3))), ad.zeros([3, 3]), 1e-14); // diagonal for a symmetric matrix
    expect(schurEigenvalues(L.schur(t([[0, -1], [1, 0]]))[0])).toEqual([[0, -1], [0, 1]]);
    expect(L.schur(ad.zeros([3, 3]))[0].toArray()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    // x⁴ − 1's companion matrix: eigenvalues ±1, ±i.
    const comp = t([[0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    const ev = schurEigenvalues(L.schur(comp)[0]);
    [[-1, 0], [0, -1], [0, 1], [1, 0]].forEach(([re, im], k) => { expect(Math.abs(ev[k]![0] - re!)).toBeLessThan(1e-14); expect(Math.abs(ev[k]![1] - im!)).toBeLessThan(1e-14); });
    expectSchur(comp);
    const rot = t([[0, -1], [1, 0]]);
    expectSchur(L.blockDiag(rot, rot, ad.mul(2, rot))); // repeated complex pairs
    // Entries of 1e-300 (and 1e300) are scaled into range first, as dgees does: without it every
    // subdiagonal entry of the tiny matrix passed dlahqr's deflation test and t came back wrong.
    for (const size of [1e-300, 1e-200, 1e200, 1e300]) expectSchur(ad.mul(size, randn([4, 4], 3)), 1e-12);
    expect(L.schur(ad.zeros([0, 0]))[0].shape).toEqual([0, 0]);
    expect(L.schur(t([[5]]))[0].toArray()).toEqual([[5]]);
  });

  it('batched; vmap and jit give the batch\'s values', () => {
    const a = randn([3, 4, 4], 12);
    const [tt, z] = L.schur(a);
    for (let b = 0; b < 3; b++) {
      const [t1, z1] = L.schur(matrixAt(a, b));
      expectClose(matrixAt(tt, b), t1, 0);
      expectClose(matrixAt(z, b), z1, 0);
    }
    expectClose(ad.vmap((x: Tensor) => L.schur(x)[0])(a) as Tensor, tt, 0);
    expectClose(ad.jit((x: Tensor) => L.schur(x)[1])(a) as Tensor, z, 0);
  });

  it('a derivative is an error, as JAX\'s, naming what to differentiate instead', () => {
    const run = () => ad.grad((x: Tensor) => ad.sum(L.schur(x)[0]))(randn([3, 3], 1));
    expect(run).toThrow(ad.AdjointError);
    expect(run).toThrow(/linalg\.schur: the Schur form has no derivative.*jax\.scipy\.linalg\.schur raises too.*linalg\.eigh.*linalg\.sqrtm/);
    expect(() => ad.jvp((x: Tensor) => L.schur(x)[1], [randn([3, 3], 1)], [randn([3, 3], 2)])).toThrow(/linalg\.schur: the Schur form has no derivative/);
  });

  it('bad input is an error naming schur', () => {
    expect(() => L.schur(ad.ones([2, 3]))).toThrow(/linalg\.schur: a must be a square matrix.*\[2,3\]/);
    expect(() => js.schur!(ad.eye(2), 'complex')).toThrow(/linalg\.schur: output must be 'real'.*no complex dtype/);
    expect(() => js.schur!(ad.eye(2), 'real', { sort: 'lhp' })).toThrow(/linalg\.schur: takes no options/);
    expect(() => L.schur(t([[1, NaN], [0, 1]]))).toThrow(/linalg\.schur: .*non-finite entry/);
  });
});

describe('hessenberg', () => {
  it.each(SCIPY.schur.map((r, i) => ({ ...r, i })))('as scipy.linalg.hessenberg (LAPACK\'s signs): matrix $i', ({ a, h: hRef, q: qRef }) => {
    expectClose(L.hessenberg(t(a)), t(hRef), 1e-13);
    const [h, q] = L.hessenberg(t(a), { calcQ: true });
    expectClose(h, t(hRef), 1e-13);
    expectClose(q, t(qRef), 1e-13);
  });

  it('a = q h qᵀ, q orthogonal, h zero below the subdiagonal: random batches', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
      const a = randn([2, n, n], seed);
      const [h, q] = L.hessenberg(a, { calcQ: true });
      expectClose(ad.matmul(ad.matmul(q, h), mT(q)), a, 1e-13);
      expectClose(ad.matmul(mT(q), q), ad.broadcastTo(ad.eye(n), [2, n, n]), 1e-13);
      const d = h.toFloat64Array();
      for (let b = 0; b < 2; b++) for (let i = 0; i < n; i++) for (let j = 0; j < i - 1; j++) expect(d[b * n * n + i * n + j]).toBe(0);
    }), { numRuns: 40, seed: 7 });
  });

  it('a derivative is an error; bad input names hessenberg', () => {
    expect(() => ad.grad((x: Tensor) => ad.sum(L.hessenberg(x)))(randn([3, 3], 1))).toThrow(/linalg\.hessenberg: the Hessenberg form has no derivative/);
    expect(() => js.hessenberg!(ad.eye(3), { calc_q: true })).toThrow(/linalg\.hessenberg: unknown option\(s\) calc_q; the only option is calcQ/);
    expect(() => js.hessenberg!(ad.eye(3), true)).toThrow(/linalg\.hessenberg: takes no options.*calcQ: true/);
    expect(() => js.hessenberg!(ad.eye(3), { calcQ: 1 })).toThrow(/linalg\.hessenberg: calcQ must be true or false/);
    expect(() => L.hessenberg(ad.ones([3]))).toThrow(/linalg\.hessenberg: a must be a square matrix/);
  });
});
