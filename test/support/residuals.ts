/** @file Shared by the checkpointing-bound audits: peak residual memory of a run, a scaled gap between two results, gradients against central differences. */
import { expect } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** Peak residual bytes a run adds over what was held before it. */
export const peakOf = (run: () => unknown): number => {
  ad.resetPeakMemory();
  const before = ad.memoryStats().residualBytes;
  run();
  return ad.memoryStats().peakResidualBytes - before;
};

/** Largest error relative to the largest |want| (second derivatives that cancel to small entries); ∞ on a length mismatch. */
export const sgap = (a: Tensor, b: Tensor): number => {
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  if (x.length !== y.length) return Infinity;
  const scale = Math.max(1e-300, ...Array.from(y, Math.abs));
  return Math.max(...Array.from(y, (v, i) => Math.abs(x[i]! - v))) / scale;
};

/**
 * Each entry of ∇f(w) (w of shape [4, 4]) against the central difference with step 1e-5, within
 * tol · max(1, |difference|).
 */
export function expectCentralDifferences(f: (w: Tensor) => Tensor, w: Tensor, tol: number): void {
  const h = 1e-5, g = ad.grad(f)(w).toFloat64Array();
  for (let i = 0; i < w.size; i++) {
    const e = ad.mul(ad.oneHot(ad.tensor([i]), w.size).reshape(w.shape), h);
    const fd = (f(ad.add(w, e)).item() - f(ad.sub(w, e)).item()) / (2 * h);
    expect(Math.abs(fd - g[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(fd)));
  }
}
