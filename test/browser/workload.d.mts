/** @file Types of workload.mjs (plain JavaScript, served to the browser as is). */
import type * as Adjoint from 'adjoint';

export interface WorkloadResults {
  values: Record<string, number[]>;
  backends: Record<string, { wasm?: boolean; codegen?: boolean; loops?: number }>;
  ms: Record<string, number>;
}

export declare function workload(ad: typeof Adjoint, variants: { codegen: boolean[]; wasm: boolean[] }): WorkloadResults;
