/** @file Shared by the checkpointing-bound audits: peak residual memory of a run, and a scaled gap between two results. */
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
