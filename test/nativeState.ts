/** @file What the native addon offers here, and putting its switches back after a test (shared by the native kernels' tests). */
import * as ad from 'adjoint';
import { nativeKernelInfo, useFusedSteps, useNativeKernel, useWideVectors } from '../src/tensor/kernels/native/nativeGemm.js';

/**
 * Whether the addon is loaded, whether it runs fused steps (the CPU has AVX2 and FMA3), and whether
 * it runs them on AVX-512's eight lanes (`wide`).
 */
export function nativeState(): { available: boolean; fusable: boolean; wide: boolean } {
  const available = nativeKernelInfo().available;
  const was = useFusedSteps(true), wasWide = useWideVectors(true);
  const fusable = available && nativeKernelInfo().fused, wide = fusable && nativeKernelInfo().lanes === 8;
  useFusedSteps(was);
  useWideVectors(wasWide);
  return { available, fusable, wide };
}

/** The defaults again: the native kernel on, fused steps (as wide as they run), automatic threads, the compiled kernels on. */
export function restoreNative(): void {
  useNativeKernel(true);
  useFusedSteps(true);
  useWideVectors(true);
  ad.config({ threads: 'auto', wasm: true });
}
