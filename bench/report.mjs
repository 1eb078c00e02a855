// Output of a bench run: machine description, result rows, the printed table and bench/results.json.
import os from 'node:os';
import { writeFileSync } from 'node:fs';

export function machineInfo() {
  const cpus = os.cpus();
  return { node: process.version, cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length };
}

/** Rounds a timing or ratio to 4 significant digits (null stays null). */
const sig = (x) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toPrecision(4)));

/** A row of BENCHMARKS.md: times in ms, ratio_vs_plain = vg / plain f, ratio_vs_own_f = vg / own f. */
export function makeRow({ workload, impl, size, fMs, vgMs, plainFMs, runs, note }) {
  const row = {
    workload, impl, size,
    f_ms: sig(fMs),
    vg_ms: sig(vgMs),
    ratio_vs_plain: sig(vgMs / plainFMs),
    ratio_vs_own_f: sig(vgMs / fMs),
    runs,
  };
  if (note) row.note = note;
  return row;
}

const COLUMNS = [
  ['workload', 'workload'], ['impl', 'impl'], ['size', 'size'], ['f_ms', 'f ms'], ['vg_ms', 'vg ms'],
  ['ratio_vs_plain', 'vg/plain f'], ['ratio_vs_own_f', 'vg/own f'], ['runs', 'runs (f/vg)'], ['peak_bytes', 'peak B'], ['note', 'note'],
];

function cell(row, key) {
  const v = row[key];
  if (v === null || v === undefined) return key === 'note' ? '' : '-';
  if (key === 'runs') return `${v.f}/${v.vg}`;
  if (key === 'peak_bytes') return String(v);
  if (typeof v === 'number') return key.startsWith('ratio') ? v.toFixed(2) : v < 10 ? v.toFixed(3) : v.toFixed(1);
  return String(v);
}

/** The rows as an aligned text table (numbers right-aligned). */
export function formatTable(rows) {
  const cells = rows.map((r) => COLUMNS.map(([k]) => cell(r, k)));
  const widths = COLUMNS.map(([, h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const numeric = new Set(['f_ms', 'vg_ms', 'ratio_vs_plain', 'ratio_vs_own_f', 'runs', 'peak_bytes']);
  const line = (vals) =>
    vals.map((v, i) => (numeric.has(COLUMNS[i][0]) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(COLUMNS.map(([, h]) => h)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function writeResults(path, data) {
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
}
