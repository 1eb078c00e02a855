/**
 * @file The round trip: importModel(exportModel(f, args)) equals f in value and gradient — for W1's
 * MLP loss, for its exported gradient (valueAndGrad), whose imported gradient in turn is the
 * Hessian-vector product, and for every op-table row that exports.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
// @ts-expect-error the bench is plain JavaScript
import w1, { makeLoss } from '../../bench/workloads/w1.mjs';
import { opTable, sample } from '../ops.table.js';

/** Largest |a − b| over max(|b|, 1e-3·max|b|): relative, with a floor far below the scale (as ortSupport's expectClose). */
function closeness(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  let scale = 0;
  for (const v of y) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  y.forEach((v, i) => {
    if (Object.is(v, x[i]) || (Number.isNaN(v) && Number.isNaN(x[i]!))) return;
    worst = Math.max(worst, Math.abs(x[i]! - v) / Math.max(Math.abs(v), 1e-3 * scale));
  });
  return worst;
}

const leaves = (tree: unknown): Tensor[] =>
  tree instanceof ad.Tensor ? [tree] : Array.isArray(tree) ? tree.flatMap(leaves) : tree !== null && typeof tree === 'object' ? Object.values(tree).flatMap(leaves) : [];

const worst = { value: 0, gradient: 0 };
const roundTripped = new Set<string>(), refused = new Set<string>();

describe('round trip of W1 (MLP loss)', () => {
  const d = w1.setup();
  const { W1, b1, W2, b2, X, Y } = d.t;
  const loss = makeLoss(X, Y) as (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) => Tensor;
  const args = [W1, b1, W2, b2] as Tensor[];

  it('the imported loss equals the loss, and so does its gradient', () => {
    const model = ad.onnx.importModel<Tensor>(ad.onnx.exportModel(loss, args));
    expect(model.inputNames).toEqual(['args.0', 'args.1', 'args.2', 'args.3']);
    const imported = (...p: Tensor[]) => model(...p);
    expect(closeness(imported(...args), loss(W1, b1, W2, b2))).toBeLessThan(1e-12);
    const want = ad.grad(loss, [0, 1, 2, 3])(W1, b1, W2, b2) as Tensor[];
    const got = ad.grad(imported, [0, 1, 2, 3])(...args) as Tensor[];
    got.forEach((g, i) => expect(closeness(g, want[i]!), `gradient ${i}`).toBeLessThan(1e-12));
  });

  it('the imported valueAndGrad equals valueAndGrad, and its gradient is the Hessian-vector product', () => {
    const step = ad.valueAndGrad(loss, [0, 1, 2, 3]);
    const model = ad.onnx.importModel<Record<string, Tensor>>(ad.onnx.exportModel(step, args));
    const out = model(...args);
    const want = leaves(step(W1, b1, W2, b2));
    expect(model.outputNames.length).toBe(want.length);
    model.outputNames.forEach((name, i) => expect(closeness(out[name]!, want[i]!), name).toBeLessThan(1e-12));
    // d/dW1 ⟨∇_{W1} loss, V⟩ = H·V: forward-over-reverse on the original against reverse through the imported backward pass.
    const V = ad.random.normal(W1.shape, 5);
    const hv = ad.hvp((w: Tensor) => loss(w, b1, W2, b2), W1, V);
    const gradW1 = model.outputNames[1]!;
    const viaImport = ad.grad((w: Tensor) => ad.sum(ad.mul(model(w, b1, W2, b2)[gradW1]!, V)))(W1);
    expect(closeness(viaImport, hv)).toBeLessThan(1e-10);
  });
});

describe.each(opTable)('round trip of $name', (row) => {
  it.each(row.shapes.map((s, i) => ({ shapes: s, seed: 100 * i + 7 })))('shapes $shapes', ({ shapes, seed }) => {
    const args = shapes.map((s, k) => sample(row.domains[k]!, s, seed + 13 * k));
    let bytes: Uint8Array;
    try {
      bytes = ad.onnx.exportModel(row.fn, args);
    } catch (e) {
      // Rows of primitives with no ONNX form (the export tests check that refusal).
      expect(String(e)).toMatch(/has no ONNX form/);
      refused.add(row.name);
      return;
    }
    const model = ad.onnx.importModel<Tensor>(bytes);
    const imported = (...xs: Tensor[]) => model(...xs);
    worst.value = Math.max(worst.value, closeness(imported(...args), row.fn(...args)));
    expect(closeness(imported(...args), row.fn(...args))).toBeLessThan(1e-12);
    roundTripped.add(row.name);
    // ONNX has no stop-gradient: exported, stopGradient is an Identity, and differentiable again
    // (so are the ops built on it: round, floor, ceil, trunc, mod, fmod).
    if (row.domains.every((d) => d === 'index') || (row.covers ?? [row.name]).includes('stopGradient')) return;
    const weights = ad.random.normal([...row.fn(...args).shape], seed + 1);
    const which = row.domains.flatMap((d, i) => (d === 'index' ? [] : [i]));
    const lossOf = (f: (...xs: Tensor[]) => Tensor) => (...xs: Tensor[]) => ad.sum(ad.mul(f(...xs), weights));
    const want = ad.grad(lossOf(row.fn), which)(...args) as Tensor[];
    const got = ad.grad(lossOf(imported), which)(...args) as Tensor[];
    got.forEach((g, i) => {
      const e = closeness(g, want[i]!);
      worst.gradient = Math.max(worst.gradient, e);
      expect(e, `gradient ${which[i]}`).toBeLessThan(1e-10);
    });
  });
});

describe('round trip report', () => {
  it('prints the worst errors', () => {
    expect(roundTripped.size).toBeGreaterThan(50);
    console.log(`round trip over the op table: ${roundTripped.size} rows exported and imported (${[...refused].filter((r) => !roundTripped.has(r)).length} not exportable), ` +
      `worst value error ${worst.value.toExponential(2)}, gradient ${worst.gradient.toExponential(2)}`);
  });
});
