/**
 * @file Review of the out-of-range product paths (../../src/tensor/kernels/scaledProducts.ts and
 * its callers): the leave-one-out products L_i = Π_{j≠i} x_j that `prod`'s JVP and higher-order
 * rules use (leaveOneOutProd, no row product given) must not take the division trick with a product
 * of the factors that passed through the subnormals. There it kept about ten digits
 * (10⁻³⁰⁰ · 1.2345678901·10⁻¹⁵ = 1.23456789·10⁻³¹⁵), and every L_i was 10⁻⁹ to 8 % off while `prod`
 * itself and its first-order gradient were exact. Checked against exact BigInt products.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { exactProduct } from '../products/oracle.js';

const EPS = 2 ** -53;

/** L_i of x along axis 0 from the JVP of prod with the tangent e_i (column `col` of an [n, 2] x when given). */
function jvpLeaveOneOut(x: number[] | number[][], i: number, col?: number): number {
  const rows = x.length;
  const tangent = col === undefined
    ? Array.from({ length: rows }, (_, k) => (k === i ? 1 : 0))
    : Array.from({ length: rows }, (_, k) => [0, 1].map((c) => (k === i && c === col ? 1 : 0)));
  const [, t] = ad.jvp((z: ad.Tensor) => ad.prod(z, 0), [ad.tensor(x)], [ad.tensor(tangent)]) as [ad.Tensor, ad.Tensor];
  const v = t.toArray() as number | number[];
  return typeof v === 'number' ? v : v[col ?? 0]!;
}

function expectNear(got: number, exact: number, n: number, what: string): void {
  expect(Math.abs(got - exact) <= (n + 1) * EPS * Math.abs(exact), `${what}: ${got} vs exact ${exact}`).toBe(true);
}

const others = (x: number[], i: number): number[] => x.filter((_, k) => k !== i);

describe('leave-one-out products whose running product passed through the subnormals', () => {
  it('a short row: prod within its roundings, and so is every L_i of its JVP', () => {
    const x = [1e-300, 1e-300, 1.2345678901e-15, 1e300, 1e300, 1];
    expectNear(ad.prod(ad.tensor(x)).toArray() as number, exactProduct(x), x.length, 'prod');
    for (let i = 0; i < x.length; i++) expectNear(jvpLeaveOneOut(x, i), exactProduct(others(x, i)), x.length, `L_${i}`);
  });

  it('the same row along a strided axis (shape [6, 2], beside a column of ones)', () => {
    const column = [1e-300, 1e-300, 1.2345678901e-15, 1e300, 1e300, 1];
    const x = column.map((v) => [1, v]);
    for (let i = 0; i < column.length; i++) expectNear(jvpLeaveOneOut(x, i, 1), exactProduct(others(column, i)), column.length, `L_${i}`);
  });

  it('a row of 32 whose chained product is NaN (one chain overflows, one underflows)', () => {
    const x = Array.from({ length: 32 }, () => 1);
    x[0] = 1e-300; x[1] = 1.2345678901e-15; x[2] = 1e300;
    x[4] = 1e200; x[12] = 1e200; x[5] = 1e-200; x[13] = 1e-200;
    expectNear(ad.prod(ad.tensor(x)).toArray() as number, exactProduct(x), x.length, 'prod');
    for (const i of [0, 1, 2, 3, 4, 5, 31]) expectNear(jvpLeaveOneOut(x, i), exactProduct(others(x, i)), x.length, `L_${i}`);
  });
});
