/** @file Comparing adjoint's results with NumPy reference literals, and vmap/jit with the eager loop, for the jax.numpy tests (test/numpyMore*.test.ts). */
import { expect } from 'vitest';
import * as ad from 'adjoint';

export type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]!) : [])] : []);

/** Equal to NumPy within `tol`·max(|expected|, 1) (tol 0: bit for bit, NaN and signed zeros included), and of the same shape. */
export function close(actual: ad.Tensor, expected: Nested, tol = 0): void {
  const got = actual.toArray() as Nested;
  expect(shapeOf(got)).toEqual(shapeOf(expected));
  const [a, e] = [flat(got), flat(expected)];
  a.forEach((v, i) => {
    const w = e[i]!;
    if (tol === 0 || Number.isNaN(w) || !Number.isFinite(w)) expect(Object.is(v, w) || (v === w && w !== 0), `entry ${i}: ${v} vs ${w}`).toBe(true);
    else expect(Math.abs(v - w), `entry ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(w), 1));
  });
}

/** A tensor from a reference literal. */
export const T = (v: Nested): ad.Tensor => ad.tensor(v as number[]);

/** f under vmap over rows, and jit replayed on every row, equal the eager loop (bit for bit unless `tol`); jit records (is not eager). */
export function batched(f: (x: ad.Tensor) => ad.Tensor, rows: ad.Tensor[], tol = 0): void {
  const eager = rows.map(f);
  close(ad.vmap(f)(ad.stack(rows)), ad.stack(eager).toArray() as Nested, tol);
  const jitted = ad.jit(f);
  for (let i = 0; i < rows.length; i++) close(jitted(rows[i]!), eager[i]!.toArray() as Nested, tol);
  expect(jitted.cacheInfo()[0]!.status).not.toBe('eager');
}

/** checkGrad of Σ (k + 1)·f(x)ₖ² (every entry weighted differently), and of its gradient's squared norm (second order). */
export function gradOk(f: (x: ad.Tensor) => ad.Tensor, x: ad.Tensor, order: 1 | 2 = 2): void {
  const loss = (t: ad.Tensor) => { const y = f(t); return ad.sum(ad.mul(ad.square(y), ad.add(ad.arange(y.size).reshape(y.shape), 1))); };
  expect(ad.checkGrad(loss, [x]).ok).toBe(true);
  if (order === 2) expect(ad.checkGrad((t: ad.Tensor) => ad.sum(ad.square(ad.grad(loss)(t))), [x]).ok).toBe(true);
}
