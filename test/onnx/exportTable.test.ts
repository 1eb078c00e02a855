/**
 * @file The export table against the op table: every primitive is mapped, not exportable, or
 * tape-only; every op-table row, with its gradient, exported and run on ONNX Runtime equals
 * adjoint to 1e-12 relative (float64) — or, where it uses a primitive listed as not exportable,
 * is an ExportError naming it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { primitiveRegistry } from '../../src/core/primitive.js';
import { recordProgram } from '../../src/jit/jit.js';
import { genericPrograms } from '../../src/core/genericPrograms.js';
import { exportRules, notExportable, tapeOnly } from '../../src/onnx/exportTable.js';
import { opTable, sample } from '../ops.table.js';
import { expectClose, resultLeaves, run, session } from './ortSupport.js';

/** Primitives seen in a successful export (general calls only: 0-d ops go through the same rules). */
const exported = new Set<string>();
/** Non-exportable primitives whose export was refused with their name. */
const refused = new Set<string>();

/** The general calls a recording of fn makes (fused VJPs off, as the exporter records). */
function callsOf(fn: (...xs: Tensor[]) => unknown, args: Tensor[]): Set<string> {
  const names = new Set<string>();
  // As the exporter records: the generic programs a kernel stands for where it has them (prod's H·t as cumprods).
  const was = genericPrograms.on;
  genericPrograms.on = true;
  try {
    recordProgram(fn as (...a: unknown[]) => unknown, args, (rec) => {
      rec.fusedVjps = false;
      rec.onCall = (prim) => names.add(prim.name);
    });
  } finally {
    genericPrograms.on = was;
  }
  return names;
}

describe('the export table', () => {
  it('lists every primitive exactly once: mapped, not exportable, or tape-only', () => {
    const places = (name: string) => [name in exportRules, name in notExportable, tapeOnly.has(name)].filter(Boolean).length;
    expect([...primitiveRegistry.keys()].filter((name) => places(name) !== 1)).toEqual([]);
  });

  it('docs/onnx.md lists the same primitives as exportable and as not exportable', () => {
    const doc = readFileSync(new URL('../../docs/onnx.md', import.meta.url), 'utf8');
    /** Primitive names in the first column of the table rows of a section. */
    const listed = (from: string, to: string) => {
      const section = doc.slice(doc.indexOf(from), doc.indexOf(to));
      const rows = section.split('\n').filter((l) => l.startsWith('| `'));
      return rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!)).sort();
    };
    expect(listed('## What is exportable', '## What is not exportable')).toEqual(Object.keys(exportRules).sort());
    expect(listed('## What is not exportable', '## Measured')).toEqual(Object.keys(notExportable).sort());
  });
});

describe.each(opTable)('export of $name (value and gradient)', (row) => {
  it.each(row.shapes.map((s, i) => ({ shapes: s, seed: 100 * i + 7 })))('shapes $shapes', async ({ shapes, seed }) => {
    const args = shapes.map((s, k) => sample(row.domains[k]!, s, seed + 13 * k));
    const weights = ad.random.normal([...row.fn(...args).shape], seed + 1);
    const loss = (...xs: Tensor[]) => ad.sum(ad.mul(row.fn(...xs), weights));
    const fn = ad.valueAndGrad(loss, args.map((_, i) => i));
    const calls = callsOf(fn, args);
    const blocked = [...calls].filter((n) => n in notExportable);
    if (blocked.length > 0) {
      expect(() => ad.onnx.exportModel(fn, args)).toThrow(new RegExp(`'(${blocked.join('|')})' has no ONNX form`));
      blocked.forEach((n) => refused.add(n));
      return;
    }
    const s = await session(ad.onnx.exportModel(fn, args));
    const got = await run(s, args);
    const want = resultLeaves(fn(...args));
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expectClose(g, want[i]!, 1e-12, `${row.name} output ${i}`));
    calls.forEach((n) => exported.add(n));
  });
});

describe('coverage', () => {
  it('every mapped primitive was exported by some row, and every non-exportable one refused', () => {
    const mapped = [...primitiveRegistry.keys()].filter((n) => n in exportRules);
    expect(mapped.filter((n) => !exported.has(n))).toEqual([]);
    expect(Object.keys(notExportable).filter((n) => primitiveRegistry.has(n) && !refused.has(n))).toEqual([]);
  });
});
