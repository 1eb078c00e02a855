/** @file Profile mode reports time per op kind, forward and backward, and the tape's size. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('profile', () => {
  it('attributes forward kernels and backward rules to op kinds and counts tape nodes', () => {
    const W = ad.random.normal([16, 16], 1);
    const f = (w: ad.Tensor) => ad.sum(ad.tanh(ad.matmul(w, ad.tanh(ad.matmul(w, ad.ones([16]))))));
    const { result, profile } = ad.profile(() => ad.grad(f)(W));
    expect(result.shape).toEqual([16, 16]);
    const fwd = new Map(profile.forward.map((r) => [r.op, r]));
    const bwd = new Map(profile.backward.map((r) => [r.op, r]));
    expect(fwd.get('matmul')?.calls).toBe(2);
    expect(fwd.get('tanh')?.calls).toBe(2);
    expect(bwd.get('matmul')?.calls).toBe(2);
    expect(bwd.get('tanh')?.calls).toBe(2);
    expect(profile.tapeNodes).toBeGreaterThanOrEqual(5); // 2 matmul, 2 tanh, sum (+ reshapes)
    expect(profile.peakResidualBytes).toBeGreaterThan(0);
    expect(ad.formatProfile(profile)).toMatch(/matmul .* 2×/);
  });

  it('is off afterwards', () => {
    ad.profile(() => ad.exp(1));
    const { profile } = ad.profile(() => ad.add(1, 2));
    expect(profile.forward.map((r) => r.op)).toEqual(['add']);
    expect(profile.tapeNodes).toBe(0);
  });
});
