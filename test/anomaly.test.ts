/** @file Anomaly mode names the op and the user's line that produced a NaN or ±Infinity reaching a result or a cotangent. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

function anomaly(fn: () => unknown, options?: ad.AnomalyOptions): ad.AnomalyError {
  try {
    ad.detectAnomalies(fn, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ad.AnomalyError);
    return e as ad.AnomalyError;
  }
  throw new Error('expected an AnomalyError');
}

describe('detectAnomalies', () => {
  it('reports a forward NaN that reaches the result, naming the op that made it and this file as the site', () => {
    const e = anomaly(() => ad.log(ad.tensor([1, -1])));
    expect(e.op).toBe('log');
    expect(e.message).toMatch(/NaN reached the value detectAnomalies returns.*made by op 'log' \(NaN at flat index 1/s);
    expect(e.site).toMatch(/anomaly\.test\.ts/);
  });

  it('names the op that first made the bad value, not the ops it flowed through', () => {
    const e = anomaly(() => ad.sum(ad.mul(ad.add(ad.sqrt(ad.tensor([4, -1])), 1), 2)));
    expect(e.op).toBe('sqrt');
  });

  it('reports a backward Infinity, blaming the op and where it was called', () => {
    const f = (x: Tensor) => ad.sum(ad.sqrt(x)); // sqrt'(0) = ∞
    const e = anomaly(() => ad.grad(f)(ad.tensor([0, 4])));
    expect(e.op).toBe('sqrt');
    expect(e.message).toMatch(/backward pass of op 'sqrt' produced a cotangent with Infinity/);
    expect(e.site).toMatch(/anomaly\.test\.ts/);
  });

  it('does not flag the strong-zero idiom where(z > 0, sqrt(z), 0), even at z < 0', () => {
    const f = (z: Tensor) => ad.where(ad.greater(z, 0), ad.sqrt(z), 0);
    expect(ad.detectAnomalies(() => ad.grad(f)(ad.tensor(-1)).item())).toBe(0);
    expect(ad.detectAnomalies(() => ad.grad(f)(ad.tensor(0)).item())).toBe(0);
    expect(ad.detectAnomalies(() => ad.sum(f(ad.tensor([-1, 4]))).item())).toBe(2);
  });

  it('does not flag a CRF with a documented −∞ transition mask', () => {
    const crf = new ad.LinearChainCRF({
      emissions: ad.tensor([[0, -10, 0], [-10, 0, 0], [1, 2, 3]]),
      transitions: ad.tensor([[-10, -Infinity, 0], [-10, -10, -10], [-10, 0, -10]]),
    });
    const m = ad.detectAnomalies(() => crf.marginals());
    expect(Number.isFinite(ad.sum(m.unary).item())).toBe(true);
    expect(ad.detectAnomalies(() => crf.logPartition().item())).toBeCloseTo(crf.logPartition().item(), 12);
  });

  it('strict mode flags every non-finite intermediate where it is made', () => {
    const f = (z: Tensor) => ad.where(ad.greater(z, 0), ad.sqrt(z), 0);
    const e = anomaly(() => f(ad.tensor(-1)), { strict: true });
    expect(e.op).toBe('sqrt');
    expect(e.message).toMatch(/op 'sqrt' produced NaN at flat index 0/);
  });

  it('nanOnly lets ±Infinity through and still flags NaN', () => {
    expect(ad.detectAnomalies(() => ad.exp(1000).item(), { nanOnly: true })).toBe(Infinity);
    expect(anomaly(() => ad.exp(1000)).op).toBe('exp');
    expect(anomaly(() => ad.sub(ad.exp(1000), ad.exp(1000)), { nanOnly: true }).op).toBe('sub');
  });

  it("pass: 'forward' checks values only, pass: 'backward' cotangents only", () => {
    const f = (x: Tensor) => ad.sum(ad.sqrt(x));
    expect(ad.detectAnomalies(() => ad.grad(f)(ad.tensor([1, 4])), { pass: 'forward' }).toArray()).toEqual([0.5, 0.25]);
    expect(() => ad.detectAnomalies(() => ad.grad(f)(ad.tensor([0, 4])), { pass: 'forward' })).toThrow(/Infinity reached the value or gradient that grad returns/);
    expect(Number.isNaN(ad.detectAnomalies(() => ad.log(-1), { pass: 'backward' }).item())).toBe(true);
    expect(anomaly(() => ad.grad(f)(ad.tensor([0, 4])), { pass: 'backward' }).message).toMatch(/cotangent/);
  });

  it('flags a bad value returned by a transformation inside the function', () => {
    const e = anomaly(() => {
      const [value] = ad.valueAndGrad((x: Tensor) => ad.sum(ad.log(x)))(ad.tensor([-1, 2]));
      void value;
      return 0;
    });
    expect(e.op).toBe('log');
    expect(e.message).toMatch(/valueAndGrad/);
  });

  it('rejects async functions, which would leave the mode at their first await', () => {
    expect(() => ad.detectAnomalies((async () => 1) as unknown as () => number)).toThrow(/async/);
    expect(() => ad.detectAnomalies(() => Promise.resolve(1))).toThrow(/Promise/);
    expect(() => ad.detectAnomalies(() => 1, { pass: 'sideways' as 'both' })).toThrow(ad.InvalidArgumentError);
  });

  it('is off outside the call, restores nested settings, and returns the value', () => {
    expect(ad.detectAnomalies(() => ad.exp(1).item())).toBeCloseTo(Math.E, 15);
    expect(Number.isNaN(ad.log(-1).item())).toBe(true); // no throw
    ad.detectAnomalies(() => {
      expect(ad.detectAnomalies(() => ad.exp(1000).item(), { nanOnly: true })).toBe(Infinity);
      return 0;
    });
  });
});

describe('detectAnomalies and value reads', () => {
  it('a bad value read with item() or in a numeric context is a result', () => {
    const e = anomaly(() => {
      const loss = ad.log(ad.sub(ad.tensor(1), 2));
      return loss.item() > 0 ? 1 : 0;
    });
    expect(e.op).toBe('log');
    expect(e.message).toMatch(/reached a value read by item\(\)/);
    expect(anomaly(() => +ad.sqrt(-1)).message).toMatch(/numeric context/);
    expect(anomaly(() => ad.exp(ad.tensor([1, 1000])).toArray()).op).toBe('exp');
  });
});
