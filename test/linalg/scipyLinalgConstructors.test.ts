/**
 * @file linalg.blockDiag, toeplitz, hilbert, choFactor and choSolve against SciPy 1.10
 * (scipy.linalg.block_diag, toeplitz, hilbert, cho_factor, cho_solve; values pasted below),
 * JAX's batching of toeplitz, gradients to second order (checkGrad), vmap and jit, and bad input.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, randn, randomSpd } from './support.js';

const L = ad.linalg;
const t = (x: number[][] | number[]) => ad.tensor(x);
const js = ad.linalg as unknown as Record<string, (...args: unknown[]) => unknown>;

describe('blockDiag', () => {
  it('as scipy.linalg.block_diag', () => {
    // block_diag([[1,2]], 3, [[4,5],[6,7]])
    expect(L.blockDiag(t([[1, 2]]), 3, t([[4, 5], [6, 7]])).toArray()).toEqual([[1, 2, 0, 0, 0], [0, 0, 3, 0, 0], [0, 0, 0, 4, 5], [0, 0, 0, 6, 7]]);
    // block_diag(zeros((0,2)), [[1]], zeros((2,0))): empty blocks still take their rows and columns
    const e = L.blockDiag(ad.zeros([0, 2]), t([[1]]), ad.zeros([2, 0]));
    expect(e.toArray()).toEqual([[0, 0, 1], [0, 0, 0], [0, 0, 0]]);
    expect(L.blockDiag().shape).toEqual([1, 0]);
    expect(L.blockDiag(t([1, 2, 3])).toArray()).toEqual([[1, 2, 3]]);
  });
  it('is differentiable in every block, to second order', () => {
    const f = (a: Tensor, b: Tensor, c: Tensor) => ad.sin(L.blockDiag(a, b, c));
    expect(ad.checkGrad(f, [randn([2, 3], 1), randn([2], 2), randn([], 3)], { order: 2, seed: 4 }).ok).toBe(true);
    const g = ad.grad((a: Tensor) => ad.sum(ad.mul(L.blockDiag(a, t([[5]])), ad.arange(16).reshape([4, 4]))))(ad.ones([3, 3]));
    expect(g.toArray()).toEqual([[0, 1, 2], [4, 5, 6], [8, 9, 10]]);
  });
  it('bad blocks are errors naming blockDiag', () => {
    expect(() => L.blockDiag(ad.ones([2, 2, 2]))).toThrow(/linalg\.blockDiag: argument 0 has shape \[2,2,2\].*at most two axes.*vmap/);
    expect(() => js.blockDiag!(t([[1]]), { lower: true })).toThrow(/linalg\.blockDiag: argument 1 is .*spread/);
    expect(() => js.blockDiag!([t([[1]]), t([[2]])])).toThrow(/linalg\.blockDiag: .*array/);
  });
});

describe('toeplitz', () => {
  it('as scipy.linalg.toeplitz', () => {
    expect(L.toeplitz(t([1, 2, 3]), t([9, 4, 5, 6])).toArray()).toEqual([[1, 4, 5, 6], [2, 1, 4, 5], [3, 2, 1, 4]]);
    expect(L.toeplitz(t([1.5, -2, 3.25])).toArray()).toEqual([[1.5, -2, 3.25], [-2, 1.5, -2], [3.25, -2, 1.5]]);
    expect(L.toeplitz(7).toArray()).toEqual([[7]]);
    expect(L.toeplitz(t([1, 2]), t([0])).toArray()).toEqual([[1], [2]]);
    expect(L.toeplitz(ad.zeros([0]), t([1, 2])).shape).toEqual([0, 2]);
  });
  it('batched over broadcast leading axes, as JAX (each row its own matrix)', () => {
    const c = randn([2, 1, 3], 5), r = randn([4, 2], 6);
    const out = L.toeplitz(c, r);
    expect(out.shape).toEqual([2, 4, 3, 2]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) {
      const one = L.toeplitz(ad.reshape(ad.take(ad.take(c, i, 0), 0, 0), [3]), ad.take(r, j, 0));
      expectClose(ad.take(ad.take(out, i, 0), j, 0), one, 0);
    }
    const v = ad.vmap((x: Tensor) => L.toeplitz(x))(randn([3, 4], 7)) as Tensor;
    expectClose(v, L.toeplitz(randn([3, 4], 7)), 0);
    expectClose(ad.jit((x: Tensor, y: Tensor) => L.toeplitz(x, y))(c, r) as Tensor, out, 0);
  });
  it('is differentiable in c and r (r[0] gets no gradient), to second order', () => {
    expect(ad.checkGrad((c: Tensor, r: Tensor) => ad.exp(L.toeplitz(c, r)), [randn([2, 3], 8), randn([2, 4], 9)], { order: 2, seed: 2 }).ok).toBe(true);
    const [gc, gr] = ad.grad((c: Tensor, r: Tensor) => ad.sum(L.toeplitz(c, r)), [0, 1])(t([1, 2, 3]), t([0, 4, 5, 6])) as Tensor[];
    expect(gc!.toArray()).toEqual([3, 2, 1]);
    expect(gr!.toArray()).toEqual([0, 3, 2, 1]);
    // Without r, c is both: the symmetric matrix's sum is 3c₀ + 4c₁ + 2c₂.
    expect(ad.grad((c: Tensor) => ad.sum(L.toeplitz(c)))(t([1, 2, 3])).toArray()).toEqual([3, 4, 2]);
  });
  it('mismatched batches are errors naming toeplitz', () => {
    expect(() => L.toeplitz(ad.ones([2, 3]), ad.ones([3, 3]))).toThrow(/linalg\.toeplitz/);
    expect(() => js.toeplitz!(t([1, 2]), t([1, 2]), 'full')).toThrow(/linalg\.toeplitz: takes no options/);
  });
});

describe('hilbert', () => {
  it('as scipy.linalg.hilbert', () => {
    expect(L.hilbert(4).toArray()).toEqual([
      [1.0, 0.5, 0.3333333333333333, 0.25], [0.5, 0.3333333333333333, 0.25, 0.2],
      [0.3333333333333333, 0.25, 0.2, 0.16666666666666666], [0.25, 0.2, 0.16666666666666666, 0.14285714285714285],
    ]);
    expect(L.hilbert(0).shape).toEqual([0, 0]);
    expect(() => L.hilbert(2.5)).toThrow(/linalg\.hilbert: n must be a non-negative integer.*2\.5/);
    expect(() => L.hilbert(-1)).toThrow(/linalg\.hilbert/);
  });
});

describe('choFactor and choSolve', () => {
  const a = t([[4, 2, 0.6], [2, 5, 1], [0.6, 1, 3]]), b = t([[1, 2], [0, 1], [3, -1]]);
  // x = scipy.linalg.cho_solve(scipy.linalg.cho_factor(a), b), the same with lower=True
  const x = [[0.24663677130044845, 0.5291479820627802], [-0.3094170403587444, 0.08161434977578474], [1.053811659192825, -0.4663677130044843]];
  it('as scipy.linalg.cho_factor (upper by default; the other triangle zero, as JAX) and cho_solve', () => {
    const up = L.choFactor(a);
    expect(up.lower).toBe(false);
    expectClose(up.c, t([[2.0, 1.0, 0.3], [0.0, 2.0, 0.35], [0.0, 0.0, 1.6695807857064]]), 1e-15);
    expectClose(L.choSolve(up, b), t(x), 1e-15);
    const low = L.choFactor(a, true);
    expect(low.lower).toBe(true);
    expectClose(low.c, t([[2.0, 0.0, 0.0], [1.0, 2.0, 0.0], [0.3, 0.35, 1.6695807857064]]), 1e-15);
    expectClose(L.choSolve(low, b), t(x), 1e-15);
    expectClose(L.choSolve(L.choFactor(a, { lower: true }), b), t(x), 1e-15);
    expectClose(L.choSolve([up.c, false], ad.take(b, 0, 1)), ad.take(t(x), 0, 1), 1e-15);
  });
  it('batched and broadcast; differentiable in a and b to second order', () => {
    const spd = (m: Tensor) => ad.add(ad.matmul(m, L.matrixTranspose(m)), ad.mul(3, ad.eye(3)));
    const as = randomSpd([2, 3, 3], 11), bs = randn([3, 2], 12);
    for (const lower of [false, true]) {
      expectClose(ad.matmul(as, L.choSolve(L.choFactor(as, lower), bs)), ad.broadcastTo(bs, [2, 3, 2]), 1e-12);
      const f = (m: Tensor, r: Tensor) => L.choSolve(L.choFactor(spd(m), { lower }), r);
      expect(ad.checkGrad(f, [randn([2, 3, 3], 13), randn([3, 1], 14)], { order: 2, seed: 5 }).ok).toBe(true);
    }
  });
  it('bad input is an error naming the function and the fix', () => {
    expect(() => js.choSolve!(a, b)).toThrow(/linalg\.choSolve: pass the \{ c, lower \} that linalg\.choFactor returns/);
    expect(() => js.choSolve!({ c: a, lower: 'yes' }, b)).toThrow(/linalg\.choSolve: the factor's lower must be true or false/);
    expect(() => js.choFactor!(a, { upper: true })).toThrow(/linalg\.choFactor: unknown option\(s\) upper/);
    expect(() => js.choFactor!(a, 'L')).toThrow(/linalg\.choFactor: the second argument is lower/);
    expect(() => L.choSolve(L.choFactor(a), ad.ones([2, 2]))).toThrow(/linalg\.choSolve: b of shape \[2,2\] does not fit/);
    expect(() => L.choFactor(t([[1, 2], [2, 1]]))).toThrow(/not positive definite/);
  });
});
