/** @file The user-program audits' comparison: max |actual − expected| over max |expected|, shapes equal. */
import { expect } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** max |a − e| / max |e| below rtol, with equal shapes (e given as nested arrays or a number). */
export function expectClose(actual: Tensor | number, expected: unknown, rtol = 1e-10): void {
  const a = actual instanceof ad.Tensor ? actual : ad.tensor(actual);
  const e = ad.tensor(expected as number);
  expect(a.shape).toEqual(e.shape);
  const scale = Math.max(ad.max(ad.abs(e)).item(), 1e-300);
  expect(ad.max(ad.abs(ad.sub(a, e))).item() / scale).toBeLessThan(rtol);
}
