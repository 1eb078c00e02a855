/** @file One generic test: checkGrad over the table of every primitive, to second order, at broadcasting shapes. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { primitiveRegistry } from '../src/core/primitive.js';
import { opTable, sample } from './ops.table.js';

describe.each(opTable)('$name', (row) => {
  it.each(row.shapes.map((s, i) => ({ shapes: s, seed: 100 * i + 7 })))('shapes $shapes', ({ shapes, seed }) => {
    const args = shapes.map((s, k) => sample(row.domains[k]!, s, seed + 13 * k));
    if (row.zeroGradient) {
      const [out, pullback] = ad.vjp(row.fn, ...args);
      const cts = pullback(ad.ones((out as ad.Tensor).shape));
      for (const c of cts) expect(Array.from((c as ad.Tensor).data).every((v) => v === 0)).toBe(true);
      const [, t] = ad.jvp(row.fn, args, args.map((a) => ad.ones(a.shape)));
      expect(Array.from((t as ad.Tensor).data).every((v) => v === 0)).toBe(true);
      return;
    }
    const result = ad.checkGrad(row.fn, args, { order: 2, directions: 2, seed });
    if (!result.ok) console.error(row.name, shapes, result.checks.filter((c) => !c.ok));
    expect(result.ok).toBe(true);
    expect(result.checks.length).toBe(12); // 2 directions × (order 1: 2 checks + order 2: 2 × 2 checks)
  });
});

describe('the table', () => {
  it('covers every primitive the library defines', () => {
    const covered = new Set(opTable.flatMap((r) => r.covers ?? [r.name]));
    const missing = [...primitiveRegistry.keys()].filter((name) => !covered.has(name) && name !== 'region');
    expect(missing).toEqual([]);
  });
});
