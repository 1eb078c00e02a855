/** @file cumprod against naive oracles: values, Jacobians in both modes, and Hessian-vector products, with any number of zeros. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { cumprodJacobian, cumprodOracle, cumprodWeightedHessian, matVec } from './oracle.js';
import { SEED, absScale, directionOf, expectNear, factorsArb, namedCases } from './cases.js';

const arr = (t: Tensor) => Array.from(t.data);
const finite = (m: number[][]) => m.every((row) => row.every(Number.isFinite));

function checkAgainstOracle(x: number[], seed: number, exclusive: boolean, what: string): void {
  const t = ad.tensor(x);
  const f = (z: Tensor) => ad.cumprod(z, 0, { exclusive });
  expect(arr(f(t)), `${what} value`).toEqual(cumprodOracle(x, exclusive));
  const J = cumprodJacobian(x, exclusive);
  if (!finite(J)) return;
  // Reverse mode row by row (jacobian), and forward mode along a direction.
  const rev = ad.jacobian(f)(t).toArray() as number[][];
  rev.forEach((row, k) => expectNear(row, J[k]!, 1e-12, undefined, `${what} jacobian row ${k}`));
  const v = directionOf(x.length, seed);
  expectNear(arr(ad.jvp(f, [t], [ad.tensor(v)])[1]), matVec(J, v), 1e-12, absScale(J, v), `${what} jvp`);
  // Second order: the HVP of Σ_k w_k c_k.
  const w = directionOf(x.length, seed + 7);
  const H = cumprodWeightedHessian(x, w, exclusive);
  if (!finite(H)) return;
  const scalar = (z: Tensor) => ad.sum(ad.mul(f(z), ad.tensor(w)));
  expectNear(arr(ad.hvp(scalar, t, ad.tensor(v))), matVec(H, v), 1e-12, absScale(H, v), `${what} hvp`);
}

describe('cumprod against the oracle', () => {
  for (const exclusive of [false, true]) {
    describe(exclusive ? 'exclusive' : 'inclusive', () => {
      it.each(namedCases.map(([name, x]) => ({ name, x })))('$name', ({ name, x }) => {
        checkAgainstOracle(x, 2, exclusive, name);
      });

      it('matches on random factors with 0, 1, 2 and many zeros (fast-check)', () => {
        fc.assert(
          fc.property(factorsArb, fc.integer({ min: 0, max: 1000 }), (x, s) => checkAgainstOracle(x, s, exclusive, JSON.stringify(x))),
          { seed: SEED + (exclusive ? 1 : 0), numRuns: 200 },
        );
      });
    });
  }
});

describe('cumprod', () => {
  it('with two zeros, second derivatives across them are products of the others', () => {
    // c_3 = x0 x1 x2 x3 with x1 = x3 = 0: ∂²c_3/∂x1∂x3 = x0 x2 = 6.
    const x = ad.tensor([2, 0, 3, 0]);
    const H = ad.hessian((z: Tensor) => ad.take(ad.cumprod(z, 0), [3], 0).sum())(x).toArray() as number[][];
    expect(H[1]![3]).toBe(6);
    expect(H[3]![1]).toBe(6);
    expect(H[0]![2]).toBe(0);
  });

  it('runs from the end with reverse, and along any axis', () => {
    const x = ad.tensor([[1, 2, 3], [4, 0, 6]]);
    expect(ad.cumprod(x, 1, { reverse: true }).toArray()).toEqual([[6, 6, 3], [0, 0, 6]]);
    expect(ad.cumprod(x, 0).toArray()).toEqual([[1, 2, 3], [4, 0, 18]]);
    expect(ad.cumprod(x, -1, { exclusive: true }).toArray()).toEqual([[1, 1, 2], [1, 4, 0]]);
    // d/dx of Σ cumprod along axis 1, row 2 = [4, 0, 6]: [1 + 0 + 0, 4 + 24, 0].
    expect(ad.grad((z: Tensor) => ad.sum(ad.cumprod(z, 1)))(x).toArray()).toEqual([[1 + 2 + 6, 1 + 3, 2], [1, 4 + 24, 0]]);
    expect(ad.cumprod(ad.tensor(5), 0).item()).toBe(5);
    expect(ad.cumprod(ad.zeros([0]), 0).shape).toEqual([0]);
  });

  it('exclusive products from both ends multiply to the leave-one-out products', () => {
    const x = ad.tensor([2, 0, 3, 5]);
    const loo = ad.mul(ad.cumprod(x, 0, { exclusive: true }), ad.cumprod(x, 0, { exclusive: true, reverse: true }));
    expect(loo.toArray()).toEqual([0, 30, 0, 0]);
    expect(arr(ad.grad((z: Tensor) => ad.prod(z))(x))).toEqual(arr(loo));
  });
});
