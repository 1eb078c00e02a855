/**
 * @file binaryCrossEntropyWithLogits's second derivative at a zero logit (zero-initialised heads: Newton
 * and Laplace curvatures there). It was 0 — log1p(e^−|x|) + max(−x, 0) took |x|′(0) = 0 — for
 * (1 + (p − 1)y)·σ(x)σ(−x): ¼ at y = 1, 0.325 with posWeight 2 and y = 0.3 (PyTorch's hvp agrees away from 0).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';

describe('binaryCrossEntropyWithLogits: second derivatives', () => {
  const loss = (y: number, posWeight?: number) => (x: ad.Tensor) =>
    ad.binaryCrossEntropyWithLogits(ad.reshape(x, [1]), ad.tensor([y]), posWeight === undefined ? {} : { posWeight: ad.tensor([posWeight]) });

  it.each([[1, undefined, 0.25], [0.3, 2, 0.325], [0, undefined, 0.25]] as const)('at x = 0, y = %s, posWeight %s: %s by grad(grad), hvp and hessian', (y, p, want) => {
    const f = loss(y, p);
    expect(ad.grad(ad.grad(f))(ad.scalar(0)).item()).toBeCloseTo(want, 15);
    expect(ad.hvp(f, ad.scalar(0), ad.scalar(1)).item()).toBeCloseTo(want, 15);
    expect(ad.hessian(f)(ad.scalar(0)).item()).toBeCloseTo(want, 15);
  });

  it('elsewhere (1 + (p − 1)y)·σ(x)σ(−x), far in both tails too', () => {
    for (const x of [-40, -3, 0.7, 5, 40]) {
      const s = 1 / (1 + Math.exp(-x));
      expect(ad.grad(ad.grad(loss(0.3, 2)))(ad.scalar(x)).item()).toBeCloseTo(1.3 * s * (1 - s), 15);
    }
  });
});
