/** @file prod against the naive leave-one-out oracle: values, gradients (both rule paths), JVPs, Hessian-vector products and third derivatives, with any number of zeros. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { matVec, prodGradient, prodHessian, prodThird, productExcept } from './oracle.js';
import { SEED, absScale, directionOf, expectNear, factorsArb, namedCases } from './cases.js';

const prodAll = (x: Tensor) => ad.prod(x);
const arr = (t: Tensor) => Array.from(t.data);
const finiteHessian = (x: number[]) => prodHessian(x).every((row) => row.every(Number.isFinite));

/** Every derivative the library offers for prod at x in direction v, against the oracle. */
function checkAgainstOracle(x: number[], v: number[], what: string): void {
  const t = ad.tensor(x);
  const vt = ad.tensor(v);
  expect(ad.prod(t).item(), `${what} value`).toBe(productExcept(x));
  const gradient = prodGradient(x);
  // First order: the fused kernel (division trick / one-zero / prefix-suffix).
  expectNear(arr(ad.grad(prodAll)(t)), gradient, 1e-12, undefined, `${what} grad`);
  // Forward mode: Σ v_i L_i.
  const jv = gradient.reduce((s, g, i) => s + g * v[i]!, 0);
  const jvScale = gradient.reduce((s, g, i) => s + Math.abs(g * v[i]!), 0);
  expectNear([ad.jvp(prodAll, [t], [vt])[1].item()], [jv], 1e-12, [jvScale], `${what} jvp`);
  if (!finiteHessian(x)) return;
  // Under jvp, grad's rule is traced: the ops path (g · leaveOneOutProd), and the HVP through it.
  const [tracedGrad, hv] = ad.jvp(ad.grad(prodAll), [t], [vt]) as [Tensor, Tensor];
  expectNear(arr(tracedGrad), gradient, 1e-12, undefined, `${what} traced grad`);
  const H = prodHessian(x);
  expectNear(arr(hv), matVec(H, v), 1e-12, absScale(H, v), `${what} hvp`);
  // Reverse over reverse: ∇⟨∇prod(x), v⟩ = H v.
  const rr = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(prodAll)(z), vt)))(t);
  expectNear(arr(rr), matVec(H, v), 1e-12, absScale(H, v), `${what} grad of grad`);
}

describe('prod against the leave-one-out oracle', () => {
  it.each(namedCases.map(([name, x]) => ({ name, x })))('$name', ({ name, x }) => {
    checkAgainstOracle(x, directionOf(x.length, 1), name);
  });

  it('matches on random factors with 0, 1, 2 and many zeros (fast-check)', () => {
    fc.assert(
      fc.property(factorsArb, fc.integer({ min: 0, max: 1000 }), (x, s) => {
        checkAgainstOracle(x, directionOf(x.length, s), JSON.stringify(x));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('prod at second and third order with zeros', () => {
  it('with exactly two zeros, the Hessian entry between them is the product of the others (PyTorch gets 0)', () => {
    const x = ad.tensor([2, 0, 3, 0, 5]);
    const H = ad.hessian(prodAll)(x).toArray() as number[][];
    H.forEach((row, i) => expectNear(row, prodHessian([2, 0, 3, 0, 5])[i]!, 0));
    expect(H[1]![3]).toBe(30);
    expect(H[3]![1]).toBe(30);
    // The gradient itself is exactly 0 there.
    expect(arr(ad.grad(prodAll)(x))).toEqual([0, 0, 0, 0, 0]);
    // Reverse over reverse gives the same row.
    const row = ad.grad((z: Tensor) => ad.take(ad.grad(prodAll)(z), [3], 0).sum())(x);
    expect(arr(row)).toEqual([0, 30, 0, 0, 0]);
  });

  it('with exactly three zeros, the third derivative across them is the product of the others', () => {
    const xs = [0, 4, 0, -2, 0];
    const x = ad.tensor(xs);
    // ∂/∂x_k of the Hessian-vector product in direction e_j gives T[i][j][k].
    for (const j of [0, 2, 4]) {
      const ej = ad.tensor(xs.map((_, i) => (i === j ? 1 : 0)));
      const T = ad.jacobian((z: Tensor) => ad.hvp(prodAll, z, ej))(x).toArray() as number[][];
      for (let i = 0; i < xs.length; i++) expectNear(T[i]!, xs.map((_, k) => prodThird(xs, i, j, k)), 0);
    }
    expect(prodThird(xs, 0, 2, 4)).toBe(-8);
    // Fourth order, reverse mode four deep: ∂⁴/∂x0∂x2∂x4∂x_k = x3 for k = 1, x1 for k = 3.
    const d = (f: (z: Tensor) => Tensor, i: number) => (z: Tensor) => ad.take(ad.grad(f)(z), [i], 0).sum();
    expectNear(arr(ad.grad(d(d(d(prodAll, 0), 2), 4))(x)), [0, -2, 0, 4, 0], 0);
  });

  it('with two zeros and a product of the others that overflows, the first-order gradient is still exactly 0', () => {
    expect(arr(ad.grad(prodAll)(ad.tensor([1e200, 0, 1e200, 0])))).toEqual([0, 0, 0, 0]);
  });

  it('with one zero, the Hessian row of the zero holds the products of the others', () => {
    const xs = [1.5, -2, 0, 4];
    const H = ad.hessian(prodAll)(ad.tensor(xs)).toArray() as number[][];
    H.forEach((row, i) => expectNear(row, prodHessian(xs)[i]!, 0));
  });
});

describe('prod forward mode where the leave-one-out products overflow', () => {
  it('terms that cancel past float64 give their exact sum, not NaN (as cumprod’s last entry does)', () => {
    const tangent = (x: number[], v: number[]) => ad.jvp((z: ad.Tensor) => ad.prod(z), [ad.tensor(x)], [ad.tensor(v)])[1].item();
    // L_i = 1e600 each: Σ v_i L_i is exactly 0, then −1e600 (−∞ in float64)
    expect(tangent([1e300, 1e300, 1e300], [1, -1, 0])).toBe(0);
    expect(tangent([1e300, 1e300, 1e300], [1, -2, 0])).toBe(-Infinity);
    expect(tangent([-1e300, 1e300, 1e300, 2], [1e-10, 1e-10, 0, 0])).toBe(0); // L = ∓2e600
    // the same as cumprod's last entry, along rows, under jit; a NaN given stays NaN; ordinary rows keep their bits
    const x = ad.tensor([[1e300, 1e300, 1e300], [1.5, 2, 3]]), v = ad.tensor([[1, -1, 0], [1, 0.5, -2]]);
    const rows = ad.jvp((z: ad.Tensor) => ad.prod(z, 1), [x], [v])[1].toArray() as number[];
    const last = ad.jvp((z: ad.Tensor) => ad.take(ad.cumprod(z, 1), 2, 1), [x], [v])[1].toArray() as number[];
    expect(rows).toEqual([0, 2 * 3 + 0.5 * 1.5 * 3 - 2 * 1.5 * 2]);
    expect(rows[0]).toBe(last[0]);
    expect(ad.jit((a: ad.Tensor, b: ad.Tensor) => ad.jvp((z: ad.Tensor) => ad.prod(z, 1), [a], [b])[1])(x, v).toArray()).toEqual(rows);
    expect(tangent([1e300, 1e300, NaN], [1, -1, 0])).toBeNaN();
  });
});

describe('prod along axes', () => {
  // Rows with no, one, two and three zeros in one tensor: each row takes its own method.
  const rows = [[1.5, -2, 0.5, 3], [1.5, 0, 0.5, 3], [0, -2, 0.5, 0], [0, 0, 0.5, 0]];
  const flat = rows.flat();

  it('reduces each row (axis 1) and each column (axis 0) with exact gradients', () => {
    const x = ad.tensor(rows);
    expect(ad.prod(x, 1).toArray()).toEqual(rows.map((r) => productExcept(r)));
    const w = ad.tensor([1, -2, 3, 0.5]);
    const g1 = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.prod(z, 1), w)))(x).toArray() as number[][];
    rows.forEach((r, i) => expectNear(g1[i]!, prodGradient(r).map((v) => v * [1, -2, 3, 0.5][i]!), 1e-13));
    const cols = rows[0]!.map((_, j) => rows.map((r) => r[j]!));
    const g0 = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.prod(z, 0), w)))(x).toArray() as number[][];
    cols.forEach((c, j) => expectNear(g0.map((r) => r[j]!), prodGradient(c).map((v) => v * [1, -2, 3, 0.5][j]!), 1e-13));
  });

  it('Hessian-vector products per row match the oracle', () => {
    const x = ad.tensor(rows);
    const v = ad.tensor(directionOf(16, 3), [4, 4]);
    const hv = arr(ad.hvp((z: Tensor) => ad.sum(ad.prod(z, 1)), x, v));
    rows.forEach((r, i) => {
      const vi = directionOf(16, 3).slice(4 * i, 4 * i + 4);
      const H = prodHessian(r);
      expectNear(hv.slice(4 * i, 4 * i + 4), matVec(H, vi), 1e-12, absScale(H, vi));
    });
  });

  it('handles several axes, keepdims, and the empty product', () => {
    const x = ad.tensor(flat, [2, 2, 4]);
    expect(ad.prod(x, [0, 2]).toArray()).toEqual([
      productExcept([...flat.slice(0, 4), ...flat.slice(8, 12)]),
      productExcept([...flat.slice(4, 8), ...flat.slice(12, 16)]),
    ]);
    expect(ad.prod(x, [0, 2], true).shape).toEqual([1, 2, 1]);
    expect(ad.prod(x).item()).toBe(0);
    expect(ad.prod(ad.zeros([0])).item()).toBe(1);
    expect(ad.grad((z: Tensor) => ad.prod(z))(ad.zeros([0])).shape).toEqual([0]);
    expect(ad.prod(ad.tensor(7)).item()).toBe(7);
  });
});

describe('prod at benchmark scale', () => {
  it('10⁵ factors with a zero in the middle: the one nonzero gradient entry is the product of the others', () => {
    const n = 100000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.exp(0.02 * (((i * 7919) % 1000) / 1000 - 0.5));
    data[n / 2] = 0;
    const g = ad.grad(prodAll)(ad.tensor(data)).data;
    let others = 1;
    for (let i = 0; i < n; i++) if (i !== n / 2) others *= data[i]!;
    expectNear([g[n / 2]!], [others], 1e-13);
    let nonzero = 0;
    for (let i = 0; i < n; i++) if (g[i] !== 0) nonzero++;
    expect(nonzero).toBe(1);
  });
});
