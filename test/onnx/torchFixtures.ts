/** @file The PyTorch fixtures of test/onnx/fixtures (make_fixtures.py, make_more_fixtures.py, make_loss_if_fixtures.py): loading them and comparing with them. */
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from '../../src/index.js';

export interface Stored { shape: number[]; data: number[] }
export interface Fixture {
  dtype: string;
  inputs: Record<string, Stored>;
  outputs: Record<string, Stored>;
  cotangents: Record<string, Stored>;
  loss: number;
  inputGradients: Record<string, Stored>;
  paramGradients: Record<string, Stored>;
}

const dir = new URL('./fixtures/', import.meta.url);

/** The model's bytes and PyTorch's record of it. */
export const load = (name: string) => ({
  bytes: new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))),
  fixture: JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture,
});
export const asTensor = (s: Stored) => ad.tensor(Float64Array.from(s.data), s.shape);
export const tensors = (r: Record<string, Stored>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asTensor(v)]));

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: ad.Tensor, b: Stored): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array();
  let err = 0, scale = 0;
  b.data.forEach((v, i) => {
    err = Math.max(err, Math.abs(x[i]! - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return err / scale;
}

/** One run of a make_loss_if_fixtures.py case: inputs (int64 ones are class targets), outputs, cotangents, gradients. */
export interface TorchRun {
  inputs: Record<string, Stored & { dtype: 'float' | 'int64' }>;
  outputs: Record<string, Stored>;
  cotangents: Record<string, Stored>;
  inputGradients: Record<string, Stored>;
  paramGradients: Record<string, Stored>;
}
/** A make_loss_if_fixtures.py case: the exported model (base64), its opset, and its runs. */
export interface TorchCase { opset: number; onnx: string; runs: TorchRun[] }

/** The cases of losses.json or if.json, by name. */
export const loadCases = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, TorchCase>;
export const bytesOf = (c: TorchCase) => new Uint8Array(Buffer.from(c.onnx, 'base64'));
export const feedsOf = (r: TorchRun) => Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, asTensor(v)]));
