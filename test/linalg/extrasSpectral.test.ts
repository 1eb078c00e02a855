/** @file eigvalsh, svdvals, matrixRank, cond, vectorNorm, matrixNorm, lu / luFactor / luSolve and tensorsolve / tensorinv against PyTorch literals and closed forms; a fast-check property over random inputs. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, linalg, mT, randn } from './support.js';
import { REF } from './extrasReference.js';

const ref = (key: string) => REF[key] as Record<string, number[][]>;
const t = (x: unknown) => ad.tensor(x as number[][]);
const weights = (shape: readonly number[]) => ad.reshape(ad.sin(ad.arange(1, shape.reduce((p, q) => p * q, 1) + 1)), shape);
function weightedGrad(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const [out, pullback] = ad.vjp(f, x);
  return (pullback(weights((out as Tensor).shape)) as Tensor[])[0]!;
}

const A1 = [[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [-0.4, 0.9, 1.1]];
const TALL = [[1, 2, 0.5], [0.3, -1, 2], [1.5, 0.2, -0.4], [-0.7, 1.1, 0.9]];
const RD = [[1, 2, 3], [0, 1, 1], [1, 0, 1], [2, 1, 3]];
const SYM = [[2, -1, 0.5], [-1, 3, 0.2], [0.5, 0.2, 1]];
const X3 = [[[1, -2, 3], [0.5, 4, -1]], [[2, 2, -2], [1, 0, -3]]];
const WIDE = [[1, -0.5, 2, 0.3], [0.4, 1.2, -1, 0.8]];
const LA = [[1, 2, 0.5, -1], [3, -1, 2, 0.4], [0.2, 0.7, -2, 1], [-4, 1, 0.3, 2]];

describe('eigvalsh, svdvals', () => {
  it('values and gradients equal torch', () => {
    expectClose(linalg.eigvalsh(t(SYM)), t(ref('eigvalsh').y), 1e-14);
    // torch's gradient is of the function of a's lower triangle; adjoint's of its symmetric part:
    // they agree after symmetrising (g + gᵀ)/2 of torch's.
    const g = t(ref('eigvalsh').g);
    expectClose(weightedGrad((x) => linalg.eigvalsh(x), t(SYM)), ad.mul(ad.add(g, mT(g)), 0.5), 1e-13);
    expectClose(linalg.svdvals(t(TALL)), t(ref('svdvals').y), 1e-14);
    expectClose(weightedGrad((x) => linalg.svdvals(x), t(TALL)), t(ref('svdvals').g), 1e-13);
  });
});

describe('matrixRank', () => {
  it('as torch / numpy, with tol, rtol, hermitian and vectors', () => {
    const r = REF['rank'] as Record<string, number>;
    expect(linalg.matrixRank(t(A1)).item()).toBe(r.a1);
    expect(linalg.matrixRank(t(RD)).item()).toBe(r.rd);
    expect(linalg.matrixRank(t(RD), { tol: 1.5 }).item()).toBe(r.rd_tol);
    expect(linalg.matrixRank(t(RD), { rtol: 0.5 }).item()).toBe(1);
    expect(linalg.matrixRank(t([[1, 1], [1, 1]]), { hermitian: true }).item()).toBe(1);
    expect(linalg.matrixRank(ad.tensor([0, 0])).item()).toBe(0);
    expect(linalg.matrixRank(ad.tensor([0, 3])).item()).toBe(1);
    expect(linalg.matrixRank(ad.stack([t(A1), ad.zeros([3, 3])])).toArray()).toEqual([3, 0]);
  });
});

describe('cond', () => {
  it.each([undefined, 2, -2, 1, -1, Infinity, -Infinity, 'fro', 'nuc'] as const)('p = %s: value and gradient equal torch', (p) => {
    const want = REF[`cond_${p === undefined ? 'None' : p === Infinity ? 'inf' : p === -Infinity ? '-inf' : p}`] as Record<string, number | number[][]>;
    expect(linalg.cond(t(A1), p).item()).toBeCloseTo(want.torch as number, 12);
    expectClose(weightedGrad((x) => linalg.cond(x, p), t(A1)), t(want.g), 1e-12);
  });

  it('a tall matrix (p = 2), a singular one (∞ for the norm orders), a batch', () => {
    expect(linalg.cond(t(TALL)).item()).toBeCloseTo(REF['cond_tall'] as number, 13);
    expect(linalg.cond(t([[1, 2], [2, 4]]), 1).item()).toBe(Infinity);
    expect(linalg.cond(ad.stack([t(A1), ad.eye(3)]), 'fro').shape).toEqual([2]);
    // 'nuc' too (its inverse's SVD used to stop on the ±∞ entries), in a batch beside a regular one
    expect(linalg.cond(t([[1, 2], [2, 4]]), 'nuc').item()).toBe(Infinity);
    expect(linalg.cond(t([[1, 0], [0, 0]]), 'nuc').item()).toBe(Infinity);
    expect(linalg.cond(ad.stack([t([[2, 1], [1, 3]]), t([[1, 2], [2, 4]])]), 'nuc').toArray()).toEqual([5, Infinity]); // numpy.linalg.cond([[2, 1], [1, 3]], 'nuc') = 5
  });
});

describe('vectorNorm, matrixNorm', () => {
  it('equal torch.linalg.vector_norm and matrix_norm', () => {
    const v = REF['vnorm'] as Record<string, number[][]>, m = REF['mnorm'] as Record<string, number[][]>;
    const x = t(X3);
    expectClose(linalg.vectorNorm(x), t(v.all), 1e-15);
    expectClose(linalg.vectorNorm(x, 1, [1, 2]), t(v.ord1_d12), 1e-15);
    expectClose(linalg.vectorNorm(x, Infinity, 0), t(v.inf_d0), 1e-15);
    expectClose(linalg.vectorNorm(x, 3, -1), t(v.p3_d_1), 1e-14);
    expectClose(linalg.vectorNorm(x, 0), t(v.ord0), 0);
    expect(linalg.vectorNorm(x, 2, [0, 2], true).shape).toEqual([1, 2, 1]);
    expectClose(linalg.matrixNorm(x), t(m.fro), 1e-15);
    expectClose(linalg.matrixNorm(x, 'nuc'), t(m.nuc), 1e-14);
    expectClose(linalg.matrixNorm(x, -2), t(m.m2), 1e-14);
    expectClose(linalg.matrixNorm(x, Infinity), t(m.inf), 1e-15);
    expectClose(linalg.matrixNorm(x, 1, [0, 2]), t(m.one_d02), 1e-15);
  });

  it('of a 0-d tensor with axis omitted: its one entry\'s norm, 0-d (torch.linalg.vector_norm(tensor(-2.)) = 2)', () => {
    for (const [ord, want] of [[2, 2], [1, 2], [Infinity, 2], [-Infinity, 2], [0, 1], [3, 2]] as const) {
      const r = linalg.vectorNorm(ad.tensor(-2), ord);
      expect([r.shape, r.item()]).toEqual([[], want]);
    }
    expect(linalg.vectorNorm(ad.tensor(-2), 2, undefined, true).shape).toEqual([]);
    expect(ad.grad((v: Tensor) => linalg.vectorNorm(v))(ad.tensor(-2)).item()).toBe(-1);
  });

  it('a p-norm is homogeneous: at 1e±200 its value and gradient are those at 1 scaled (they were 0, NaN or lost)', () => {
    const base = ad.tensor([2, 1, 0.5, -3]);
    for (const p of [-3, -1, -0.5, 0.5, 3, 10]) {
      const value = linalg.vectorNorm(base, p).item(), grad = ad.grad((v: Tensor) => linalg.vectorNorm(v, p))(base).toFloat64Array();
      for (const scale of [1e200, 1e-200, 1e160, 1e-160]) {
        const x = ad.mul(base, scale);
        expect(linalg.vectorNorm(x, p).item() / (value * scale)).toBeCloseTo(1, 13);
        const g = ad.grad((v: Tensor) => linalg.vectorNorm(v, p))(x).toFloat64Array();
        g.forEach((gi, i) => expect(gi / grad[i]!, `p = ${p}, scale ${scale}`).toBeCloseTo(1, 12));
      }
    }
    // numpy's edges: a zero entry makes a negative-p norm 0; ∞ and NaN pass through
    expect(linalg.vectorNorm(ad.tensor([0, 1, 2]), -1).item()).toBe(0);
    expect(linalg.vectorNorm(ad.tensor([0, 0]), 3).item()).toBe(0);
    expect(linalg.vectorNorm(ad.tensor([Infinity, 1]), 3).item()).toBe(Infinity);
    expect(linalg.vectorNorm(ad.tensor([Infinity, 1]), -3).item()).toBe(1);
    expect(linalg.vectorNorm(ad.tensor([NaN, 1]), 3).item()).toBeNaN();
    expect(linalg.norm(ad.ones([2, 3]), 0.5, 1).toArray()).toEqual([9, 9]);
  });
});

describe('lu, luFactor, luSolve', () => {
  it.each([['square', LA, 'lu'], ['tall', TALL, 'lu_tall'], ['wide', WIDE, 'lu_wide']] as const)('%s: p, l, u, packed factors, pivots and the gradient of l and u equal torch', (_name, a, key) => {
    const want = ref(key);
    const { p, l, u } = linalg.lu(t(a));
    expectClose(p, t(want.p), 0);
    expectClose(l, t(want.l), 1e-15);
    expectClose(u, t(want.u), 1e-15);
    expectClose(ad.matmul(p, ad.matmul(l, u)), t(a), 1e-15);
    const f = linalg.luFactor(t(a));
    expectClose(f.lu, t(want.lu), 1e-15);
    expect(f.pivots.toArray()).toEqual(want.piv);
    // torch's weights: sin(1…) over l's entries, cos(1…) over u's.
    const wl = ad.reshape(ad.sin(ad.arange(1, l.size + 1)), l.shape), wu = ad.reshape(ad.cos(ad.arange(1, u.size + 1)), u.shape);
    const g = ad.grad((x: Tensor) => { const r = linalg.lu(x); return ad.add(ad.sum(ad.mul(r.l, wl)), ad.sum(ad.mul(r.u, wu))); })(t(a));
    expectClose(g, t(want.g), 1e-13);
    const both = (x: Tensor) => { const r = linalg.lu(x); return ad.concat([ad.reshape(r.l, [-1]), ad.reshape(r.u, [-1])], 0); };
    expect(ad.checkGrad(both, [ad.stack([t(a), ad.mul(t(a), -2)])], { order: 2, seed: 3 }).ok).toBe(true);
  });

  it('luSolve equals torch.linalg.lu_solve', () => {
    expectClose(linalg.luSolve(linalg.luFactor(t(LA)), t([[1, 0], [2, 1], [-1, 3], [0.5, -2]])), t(ref('lu').x), 1e-14);
  });

  it('batched, vmap and jit equal eager; second derivatives pass checkGrad', () => {
    const a = ad.add(randn([3, 4, 4], 5), ad.mul(0.5, ad.eye(4))), b = randn([3, 4, 2], 6);
    const f = linalg.luFactor(a);
    expectClose(linalg.luSolve(f, b), linalg.solve(a, b), 1e-12);
    const solveVia = (x: Tensor, y: Tensor) => linalg.luSolve(linalg.luFactor(x), y);
    expectClose(ad.vmap(solveVia)(a, b) as Tensor, linalg.solve(a, b), 1e-12);
    expectClose(ad.jit(solveVia)(a, b) as Tensor, linalg.solve(a, b), 1e-12);
    const both = (x: Tensor) => { const r = linalg.lu(x); return ad.concat([r.l, r.u], -1); };
    expect(ad.checkGrad(both, [a], { order: 2, seed: 4 }).ok).toBe(true);
    expect(ad.checkGrad(solveVia, [a, b], { order: 2, seed: 9 }).ok).toBe(true);
  });
});

describe('tensorsolve, tensorinv', () => {
  it('as numpy: tensordot(a, x) = b and tensordot(tensorinv(a), a) = I', () => {
    const a = ad.add(ad.reshape(ad.eye(6), [2, 3, 6]), ad.mul(0.1, randn([2, 3, 6], 1))), b = randn([2, 3], 2);
    const x = linalg.tensorsolve(a, b);
    expect(x.shape).toEqual([6]);
    expectClose(ad.reshape(ad.matmul(ad.reshape(a, [6, 6]), x), [2, 3]), b, 1e-13);
    const moved = linalg.tensorsolve(ad.transpose(a, [2, 0, 1]), b, [0]);
    expectClose(moved, x, 1e-13);
    const ainv = linalg.tensorinv(a);
    expect(ainv.shape).toEqual([6, 2, 3]);
    expectClose(ad.matmul(ad.reshape(ainv, [6, 6]), ad.reshape(a, [6, 6])), ad.eye(6), 1e-13);
  });
});

describe('vmap and jit equal eager', () => {
  it('cond (p = 1 and 2), matrixRank, eigvalsh, svdvals, vectorNorm and matrixNorm', () => {
    const a = ad.add(randn([3, 3, 3], 51), ad.mul(2, ad.eye(3)));
    const f = (x: Tensor) => ad.stack([
      linalg.cond(x, 1), linalg.cond(x), linalg.matrixRank(x), ad.sum(linalg.eigvalsh(ad.add(x, mT(x))), -1),
      ad.sum(linalg.svdvals(x), -1), linalg.vectorNorm(x, 3, [-2, -1]), linalg.matrixNorm(x, 'nuc'),
    ]);
    const eager = ad.stack([0, 1, 2].map((i) => f(ad.reshape(ad.take(a, [i], 0), [3, 3]))));
    expectClose(ad.vmap(f)(a) as Tensor, eager, 1e-13);
    expectClose(ad.jit(f)(a) as Tensor, f(a), 1e-13);
    expectClose(mT(f(a)), eager, 1e-13);
  });
});

describe('properties over random inputs (fast-check)', () => {
  it('lstsq meets the normal equations, pinv the Penrose conditions, expm(a)expm(−a) = I, matrixPower(a, j+k) = aʲaᵏ', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 3 }),
      (m, n, seed, j, k) => {
        const a = randn([m, n], seed), b = randn([m, 2], seed + 1);
        const { solution, rank } = linalg.lstsq(a, b);
        const r = ad.sub(ad.matmul(a, solution), b);
        if (Math.max(...ad.abs(ad.matmul(mT(a), r)).toFloat64Array()) > 1e-11) return false;
        if (rank.item() !== Math.min(m, n)) return false;
        const p = linalg.pinv(a);
        expectClose(ad.matmul(ad.matmul(a, p), a), a, 1e-12);
        expectClose(ad.matmul(ad.matmul(p, a), p), p, 1e-12);
        const sq = ad.add(randn([n, n], seed + 2), ad.mul(n, ad.eye(n)));
        expectClose(ad.matmul(linalg.expm(sq), linalg.expm(ad.neg(sq))), ad.eye(n), 1e-9);
        expectClose(linalg.matrixPower(sq, j + k), ad.matmul(linalg.matrixPower(sq, j), linalg.matrixPower(sq, k)), 1e-9);
        return true;
      }), { numRuns: 40, seed: 17 });
  });
});
