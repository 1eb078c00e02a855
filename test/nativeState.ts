/** @file What the native addon offers here, and putting its switches back after a test (shared by the native kernels' tests). */
import * as ad from 'adjoint';
import { nativeKernelInfo, useFusedSteps, useNativeKernel } from '../src/tensor/kernels/native/nativeGemm.js';

/** Whether the addon is loaded, and whether it runs fused steps (the CPU has AVX2 and FMA3). */
export function nativeState(): { available: boolean; fusable: boolean } {
  const available = nativeKernelInfo().available;
  const was = useFusedSteps(true), fusable = available && nativeKernelInfo().fused;
  useFusedSteps(was);
  return { available, fusable };
}

/** The defaults again: the native kernel on, fused steps where they run, automatic threads, the compiled kernels on. */
export function restoreNative(): void {
  useNativeKernel(true);
  useFusedSteps(true);
  ad.config({ threads: 'auto', wasm: true });
}
