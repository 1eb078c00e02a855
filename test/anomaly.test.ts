/** @file Anomaly mode names the op and the user's line that produced a NaN or ±Infinity, forward or backward. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

function anomaly(fn: () => unknown): ad.AnomalyError {
  try {
    ad.detectAnomalies(fn);
  } catch (e) {
    expect(e).toBeInstanceOf(ad.AnomalyError);
    return e as ad.AnomalyError;
  }
  throw new Error('expected an AnomalyError');
}

describe('detectAnomalies', () => {
  it('reports a forward NaN with the op and this file as the site', () => {
    const e = anomaly(() => ad.log(ad.tensor([1, -1])));
    expect(e.op).toBe('log');
    expect(e.message).toMatch(/op 'log' produced NaN at flat index 1/);
    expect(e.site).toMatch(/anomaly\.test\.ts/);
  });

  it('reports a backward Infinity, blaming the op and where it was called', () => {
    const f = (x: Tensor) => ad.sum(ad.sqrt(x)); // sqrt'(0) = ∞
    const e = anomaly(() => ad.grad(f)(ad.tensor([0, 4])));
    expect(e.op).toBe('sqrt');
    expect(e.message).toMatch(/backward pass of op 'sqrt' produced a cotangent with Infinity/);
    expect(e.site).toMatch(/anomaly\.test\.ts/);
  });

  it('does not flag intermediates of derivative rules that a strong zero cancels', () => {
    const f = (x: Tensor) => ad.where(ad.greater(x, 0), ad.sqrt(x), 0);
    expect(ad.detectAnomalies(() => ad.grad(f)(ad.tensor(0)).item())).toBe(0);
  });

  it('is off outside the call, and returns the value', () => {
    expect(ad.detectAnomalies(() => ad.exp(1).item())).toBeCloseTo(Math.E, 15);
    expect(Number.isNaN(ad.log(-1).item())).toBe(true); // no throw
  });
});
