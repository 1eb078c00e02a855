/** @file pinv, lstsq, matrixPower, multiDot and expm against PyTorch's values and autograd gradients (embedded literals), closed forms, and vmap/jit equal to eager. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, linalg, mT, randn } from './support.js';
import { REF } from './extrasReference.js';

/** A reference entry's fields (number arrays). */
const ref = (key: string) => REF[key] as Record<string, number[][]>;

const A1 = [[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [-0.4, 0.9, 1.1]];
const TALL = [[1, 2, 0.5], [0.3, -1, 2], [1.5, 0.2, -0.4], [-0.7, 1.1, 0.9]];
const WIDE = [[1, -0.5, 2, 0.3], [0.4, 1.2, -1, 0.8]];
const RD = [[1, 2, 3], [0, 1, 1], [1, 0, 1], [2, 1, 3]];
const B = [[1, 0], [2, 1], [-1, 3], [0.5, -2]];
const BW = [[1, -1], [0.5, 2]];

const t = (x: unknown) => ad.tensor(x as number[][]);
/** The weights PyTorch's reference gradients used: w = sin(1…N) in the output's shape. */
const weights = (shape: readonly number[]) => ad.reshape(ad.sin(ad.arange(1, shape.reduce((p, q) => p * q, 1) + 1)), shape);
/** ∇ of Σ w∘f(xs) at xs (one gradient per argument). */
function weightedGrads(f: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]): Tensor[] {
  const [out, pullback] = ad.vjp(f, ...xs);
  return pullback(weights((out as Tensor).shape)) as Tensor[];
}
const maxAbs = (x: Tensor) => Math.max(...ad.abs(x).toFloat64Array());

describe('linalg.pinv', () => {
  it.each(['tall', 'wide', 'rd'] as const)('%s: value and gradient equal torch.linalg.pinv', (name) => {
    const a = t({ tall: TALL, wide: WIDE, rd: RD }[name]);
    const r = ref(`pinv_${name}`);
    expectClose(linalg.pinv(a), t(r.p), 1e-13);
    expectClose(weightedGrads((x) => linalg.pinv(x), a)[0]!, t(r.g), 1e-13);
  });

  it('satisfies the four Penrose conditions on a rank-deficient batch', () => {
    const a = ad.stack([t(RD), ad.matmul(randn([4, 2], 3), randn([2, 3], 4))]);
    const p = linalg.pinv(a);
    const ap = ad.matmul(a, p), pa = ad.matmul(p, a);
    expectClose(ad.matmul(ap, a), a, 1e-13);
    expectClose(ad.matmul(pa, p), p, 1e-13);
    expectClose(ap, mT(ap), 1e-13);
    expectClose(pa, mT(pa), 1e-13);
  });

  it('hermitian: the eigendecomposition gives the same as the SVD (and torch)', () => {
    const s = t([[2, 1, 0], [1, 2, 1], [0, 1, 2]]);
    expectClose(linalg.pinv(s, { hermitian: true }), t(REF['pinv_herm']), 1e-13);
    const singular = t([[1, 1], [1, 1]]);
    expectClose(linalg.pinv(singular, { hermitian: true }), t([[0.25, 0.25], [0.25, 0.25]]), 1e-15);
  });

  it('rcond sets the cutoff: a singular value below it is dropped', () => {
    const a = t([[1, 0], [0, 1e-3]]);
    expectClose(linalg.pinv(a), t([[1, 0], [0, 1000]]), 1e-13);
    expectClose(linalg.pinv(a, { rcond: 1e-2 }), t([[1, 0], [0, 0]]), 0);
  });

  it('second derivatives: checkGrad at full rank, tall and wide', () => {
    for (const a of [randn([4, 3], 11), randn([2, 3, 5], 12)]) {
      expect(ad.checkGrad((x: Tensor) => linalg.pinv(x), [a], { order: 2, seed: 5 }).ok).toBe(true);
    }
  });
});

describe('linalg.lstsq', () => {
  it.each([['tall', TALL, B], ['wide', WIDE, BW]] as const)('%s: solution, singular values, rank and gradients equal torch', (name, a, b) => {
    const want = ref(`lstsq_${name}`);
    const r = linalg.lstsq(t(a), t(b));
    expectClose(r.solution, t(want.x), 1e-13);
    expectClose(r.singularValues, t(want.s), 1e-14);
    expect(r.rank.item()).toBe(want.rank);
    const [ga, gb] = weightedGrads((x, y) => linalg.lstsq(x, y).solution, t(a), t(b));
    expectClose(ga!, t(want.ga), 1e-12);
    expectClose(gb!, t(want.gb), 1e-12);
  });

  it('rank-deficient: the least-norm solution (gelsd), rank 2', () => {
    const want = ref('lstsq_rd');
    const r = linalg.lstsq(t(RD), t(B));
    expectClose(r.solution, t(want.x), 1e-13);
    expect(r.rank.item()).toBe(2);
    expectClose(r.singularValues, t(want.s), 1e-14);
  });

  it('the residuals satisfy the normal equations aᵀ(a x − b) = 0, and equal ‖a x − b‖²', () => {
    const a = randn([3, 6, 3], 21), b = randn([3, 6, 2], 22);
    const { solution: x, residuals } = linalg.lstsq(a, b);
    const r = ad.sub(ad.matmul(a, x), b);
    expect(maxAbs(ad.matmul(mT(a), r))).toBeLessThan(1e-13);
    expectClose(residuals, ad.sum(ad.square(r), -2), 1e-14);
    expect(residuals.shape).toEqual([3, 2]);
  });

  it("a vector b gives a vector solution and a residual of shape [1] (jnp's); batch axes broadcast", () => {
    const r = linalg.lstsq(t([[1, 0], [1, 1], [1, 2]]), ad.tensor([1, 2, 4]));
    expectClose(r.solution, ad.tensor([5 / 6, 1.5]), 1e-14);
    expect(r.residuals.shape).toEqual([1]); // jnp.linalg.lstsq's (and NumPy's for a full-rank tall a)
    expect(r.residuals.item()).toBeCloseTo(1 / 6, 14);
    const batched = linalg.lstsq(randn([2, 5, 3], 1), randn([5, 1], 2));
    expect(batched.solution.shape).toEqual([2, 3, 1]);
  });

  it('second derivatives in a and b (checkGrad)', () => {
    const f = (a: Tensor, b: Tensor) => linalg.lstsq(a, b).solution;
    expect(ad.checkGrad(f, [randn([5, 3], 31), randn([5, 2], 32)], { order: 2, seed: 2 }).ok).toBe(true);
  });
});

describe('linalg.matrixPower', () => {
  it.each([0, 1, 2, 3, 5, 7, -1, -3])('n = %i: value and gradient equal torch.linalg.matrix_power', (n) => {
    const want = ref(`mpow_${n}`);
    expectClose(linalg.matrixPower(t(A1), n), t(want.y), 1e-13);
    expectClose(weightedGrads((x) => linalg.matrixPower(x, n), t(A1))[0]!, t(want.g), 1e-12);
  });

  it('batches; a singular matrix to a negative power is an error naming matrixPower', () => {
    const a = randn([2, 3, 3], 8);
    expectClose(linalg.matrixPower(a, 4), ad.matmul(ad.matmul(a, a), ad.matmul(a, a)), 1e-13);
    expect(() => linalg.matrixPower(ad.zeros([2, 2]), -1)).toThrow(/linalg\.matrixPower.*singular/);
  });
});

describe('linalg.multiDot', () => {
  it('equals torch.linalg.multi_dot and the left-to-right product', () => {
    const ms = [t([[1, 2], [3, 4], [5, 6]]), t([[0.5, -1, 2, 0], [1, 1, -1, 3]]), t([[1], [2], [-1], [0.5]])];
    expectClose(linalg.multiDot(ms), t(REF['multidot']), 1e-15);
  });

  it('chooses the cheapest order (the classic 10×100·100×5·5×50 example: (AB)C)', () => {
    // Count products by their shapes: (AB)C takes 10·100·5 + 10·5·50 = 7500 multiplications.
    const a = randn([10, 100], 1), b = randn([100, 5], 2), c = randn([5, 50], 3);
    expectClose(linalg.multiDot([a, b, c]), ad.matmul(ad.matmul(a, b), c), 1e-12);
  });

  it('1-D first and last arrays are a row and a column, their axes dropped', () => {
    const v = ad.tensor([1, 2]), m = t([[1, 2, 3], [4, 5, 6]]), w = ad.tensor([1, 0, -1]);
    expect(linalg.multiDot([v, m, w]).shape).toEqual([]);
    expect(linalg.multiDot([v, m, w]).item()).toBe(-6);
    expect(linalg.multiDot([v, m]).toArray()).toEqual([9, 12, 15]);
    expect(linalg.multiDot([m, w]).toArray()).toEqual([-2, -2]);
  });
});

describe('linalg.expm', () => {
  it.each([0.005, 0.1, 0.4, 0.9, 1, 10, 40])('%s·A (each Padé degree, and scaling): value and gradient equal torch.linalg.matrix_exp', (sc) => {
    const want = ref(`expm_${sc}`);
    expectClose(linalg.expm(t(want.a)), t(want.y), 1e-13);
    expectClose(weightedGrads((x) => linalg.expm(x), t(want.a))[0]!, t(want.g), 1e-12);
  });

  it('closed forms: nilpotent, rotation generator, diagonalisable, expm(A)·expm(−A) = I', () => {
    expectClose(linalg.expm(t([[0, 1, 2], [0, 0, 3], [0, 0, 0]])), t([[1, 1, 3.5], [0, 1, 3], [0, 0, 1]]), 1e-15);
    const th = 2.5;
    expectClose(linalg.expm(t([[0, -th], [th, 0]])), t([[Math.cos(th), -Math.sin(th)], [Math.sin(th), Math.cos(th)]]), 1e-14);
    // S diag(d) S⁻¹ → S diag(eᵈ) S⁻¹
    const s = t([[1, 2], [1, 3]]), d = [0.5, -2];
    const a = ad.matmul(ad.matmul(s, linalg.diag(ad.tensor(d))), linalg.inv(s));
    expectClose(linalg.expm(a), ad.matmul(ad.matmul(s, linalg.diag(ad.tensor(d.map(Math.exp)))), linalg.inv(s)), 1e-13);
    const x = ad.mul(randn([3, 4, 4], 9), 3);
    expectClose(ad.matmul(linalg.expm(x), linalg.expm(ad.neg(x))), ad.broadcastTo(ad.eye(4), [3, 4, 4]), 1e-10);
  });

  it('no overscaling: e^[[1, b], [0, −1]] to rounding at b up to 1e100 (Al-Mohy & Higham 2009; Higham 2005 loses 7 digits at 1e10)', () => {
    for (const b of [1e4, 1e10, 1e100]) {
      const e = linalg.expm(t([[1, b], [0, -1]])).toArray() as number[][];
      const want = [Math.E, (b * (Math.E - 1 / Math.E)) / 2, 1 / Math.E];
      [e[0]![0]!, e[0]![1]!, e[1]![1]!].forEach((x, i) => expect(Math.abs(x / want[i]! - 1)).toBeLessThan(1e-15));
    }
  });

  it('overflow gives ∞ (as torch), structural zeros kept', () => {
    const e = linalg.expm(t([[1000, 0], [0, 1]])).toArray() as number[][];
    expect([e[0]![0], e[0]![1], e[1]![0]]).toEqual([Infinity, 0, 0]);
    expect(Math.abs(e[1]![1]! / Math.E - 1)).toBeLessThan(1e-13); // scaled by 2⁻⁸ (‖Aᵏ‖^{1/k} = 1000), then squared 8 times
    expect(linalg.expm(t([[1000, 1], [0, 1000]])).toArray()).toEqual([[Infinity, Infinity], [0, Infinity]]);
  });

  it('second derivatives (Fréchet of Fréchet) pass checkGrad, batched', () => {
    expect(ad.checkGrad((x: Tensor) => linalg.expm(x), [ad.mul(randn([2, 3, 3], 4), 1.5)], { order: 2, seed: 3 }).ok).toBe(true);
  });
});

describe('linalg.lu and luFactor of empty matrices', () => {
  it("give torch.linalg.lu's and lu_factor's shapes (p the m×m identity) instead of an error", () => {
    // torch.linalg.lu(torch.zeros(m, n)) for (0, 0), (3, 0), (0, 2): P [m, m], L [m, k], U [k, n]; lu_factor: LU [m, n], pivots [k]
    const cases: Array<[number[], number[][]]> = [
      [[0, 0], [[0, 0], [0, 0], [0, 0], [0, 0], [0]]],
      [[3, 0], [[3, 3], [3, 0], [0, 0], [3, 0], [0]]],
      [[0, 2], [[0, 0], [0, 0], [0, 2], [0, 2], [0]]],
      [[2, 3, 0], [[2, 3, 3], [2, 3, 0], [2, 0, 0], [2, 3, 0], [2, 0]]],
    ];
    for (const [shape, want] of cases) {
      const { p, l, u } = linalg.lu(ad.zeros(shape));
      const { lu, pivots } = linalg.luFactor(ad.zeros(shape));
      expect([p.shape, l.shape, u.shape, lu.shape, pivots.shape]).toEqual(want);
    }
    expect(Array.from(linalg.lu(ad.zeros([3, 0])).p.toFloat64Array())).toEqual(Array.from(ad.eye(3).toFloat64Array()));
    expect(linalg.luSolve(linalg.luFactor(ad.zeros([0, 0])), ad.zeros([0, 2])).shape).toEqual([0, 2]);
  });
});

describe('vmap and jit equal eager', () => {
  it('expm, pinv, lstsq and matrixPower', () => {
    const a = randn([3, 4, 3], 41), b = randn([3, 4, 2], 42), sq = randn([3, 3, 3], 43);
    const f = (x: Tensor, y: Tensor, z: Tensor) =>
      ad.add(ad.sum(linalg.expm(z)), ad.add(ad.sum(linalg.pinv(x)), ad.add(ad.sum(linalg.lstsq(x, y).solution), ad.sum(linalg.matrixPower(z, -2)))));
    const eager = ad.stack([0, 1, 2].map((i) => f(ad.take(a, [i], 0).reshape([4, 3]), ad.take(b, [i], 0).reshape([4, 2]), ad.take(sq, [i], 0).reshape([3, 3]))));
    expectClose(ad.vmap(f)(a, b, sq) as Tensor, eager, 1e-13);
    const g = ad.jit((x: Tensor, y: Tensor, z: Tensor) => ad.grad((zz: Tensor) => f(x, y, zz))(z));
    expectClose(g(a, b, sq) as Tensor, ad.grad((zz: Tensor) => f(a, b, zz))(sq), 1e-13);
  });
});
