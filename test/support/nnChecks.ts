/** @file The comparison the pooling, normalisation and attention tests share: a tensor against reference numbers, entrywise relative. */
import { expect } from 'vitest';
import type { Tensor } from 'adjoint';

/** |got − want| ≤ tol · (1 + |want|) at every entry, with the entry named on failure. */
export function expectAllClose(got: Tensor, want: readonly number[], tol = 1e-12): void {
  const g = got.toFloat64Array();
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]!), `entry ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}
