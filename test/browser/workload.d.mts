/** @file Types of workload.mjs (plain JavaScript, served to the browser as is). */
import type * as Adjoint from 'adjoint';

export interface WorkloadResults {
  values: Record<string, number[]>;
  backends: Record<string, { wasm?: boolean; codegen?: boolean; loops?: number }>;
  ms: Record<string, number>;
  /** A small CNN trained by Adam: the loss before each step and after the last, and the median ms of a step. */
  cnn: { losses: number[]; msPerStep: number };
}

export declare function workload(ad: typeof Adjoint, variants: { codegen: boolean[]; wasm: boolean[] }): WorkloadResults;
