/** @file Running exported models on ONNX Runtime (onnxruntime-node) and comparing with adjoint: shared by the export tests. */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const require = createRequire(import.meta.url);
export type Ort = typeof import('onnxruntime-node');
export const ort: Ort = require('onnxruntime-node');

/** The tensor leaves of a tree, arrays by index and objects by key order (the exporter's input order). */
export function tensorLeaves(tree: unknown): Tensor[] {
  if (tree instanceof ad.Tensor) return [tree];
  if (Array.isArray(tree)) return tree.flatMap(tensorLeaves);
  if (tree !== null && typeof tree === 'object') return Object.values(tree).flatMap(tensorLeaves);
  return [];
}

/** Leaves of a result (tensors and numbers), as tensors. */
export function resultLeaves(tree: unknown): Tensor[] {
  if (typeof tree === 'number') return [ad.scalar(tree)];
  return tensorLeaves(tree);
}

export type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/**
 * A session on one thread. Float64 graphs run with ONNX Runtime's 'basic' optimizations: its
 * 'extended' fusions fold a constant factor into FusedMatMul's float32 `alpha` attribute (1e-8
 * relative in a float64 graph); see docs/onnx.md.
 */
export function session(bytes: Uint8Array, options: Parameters<Ort['InferenceSession']['create']>[1] = {}): Promise<Session> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'basic', ...options });
}

/** Runs a session on tensors given in input order; returns the outputs in output order as Float64Arrays with shapes. */
export async function run(s: Session, inputs: readonly Tensor[], dtype: 'float64' | 'float32' = 'float64'): Promise<Array<{ data: Float64Array; shape: number[] }>> {
  const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
  s.inputNames.forEach((name, i) => {
    const t = inputs[i]!;
    const data = dtype === 'float64' ? t.toFloat64Array() : Float32Array.from(t.toFloat64Array());
    feeds[name] = new ort.Tensor(dtype, data, [...t.shape]);
  });
  const out = await s.run(feeds);
  return s.outputNames.map((name) => {
    const o = out[name]!;
    return { data: Float64Array.from(o.data as Float64Array | Float32Array), shape: [...o.dims] };
  });
}

/**
 * |ort − adjoint| ≤ tol · max(|adjoint|, floor · max|adjoint of that output|) elementwise: relative,
 * with a floor for entries far below the output's scale (where any rounding is relative to the
 * scale); floor 1 makes it normwise.
 */
export function expectClose(got: { data: Float64Array; shape: number[] }, want: Tensor, tol: number, label = '', floor = 1e-3): void {
  expect(got.shape, `${label} shape`).toEqual([...want.shape]);
  const w = want.toFloat64Array();
  let scale = 0;
  for (const v of w) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < w.length; i++) {
    const a = got.data[i]!, b = w[i]!;
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
    const err = Math.abs(a - b);
    const bound = tol * Math.max(Math.abs(b), floor * scale);
    if (!(err <= bound)) expect.fail(`${label} entry ${i}: ONNX Runtime ${a}, adjoint ${b} (error ${err}, bound ${bound})`);
  }
}

/** Exports fn at args, runs it on ORT at the same args, and checks every output against fn(args). */
export async function expectExportMatches(fn: (...args: never[]) => unknown, args: readonly unknown[], tol = 1e-12, label = '', floor = 1e-3): Promise<void> {
  const bytes = ad.onnx.exportModel(fn, args);
  const s = await session(bytes);
  const got = await run(s, tensorLeaves(args));
  const want = resultLeaves((fn as (...a: unknown[]) => unknown)(...args));
  expect(got.length, `${label} outputs`).toBe(want.length);
  got.forEach((g, i) => expectClose(g, want[i]!, tol, `${label} output ${i}`, floor));
}
