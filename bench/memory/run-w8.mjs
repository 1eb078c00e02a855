// Runs W8: plain RNN vs ad.scan with 'all', c = 10, 'sqrt' (timed) and a sweep of c = 2…64, rows plus the SVG picture.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compare } from '../check.mjs';
import { makeRow } from '../report.mjs';
import { adjointF, measureOnce, plainF, plainVG, setup, T } from './w8.mjs';
import { tradeoffSvg } from './svg.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn, runs) {
  const ms = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = fn();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), last };
}

export function runW8({ quick }) {
  const d = setup();
  const runs = quick ? 1 : 3;
  const size = (ck) => `H=256 T=${T} checkpoints=${ck}`;
  const plainFt = time(() => plainF(d), runs);
  const plainVGt = time(() => plainVG(d), runs);
  const ownF = time(() => adjointF(d), runs);
  const rows = [makeRow({ workload: 'W8', impl: 'plain', size: size('all'), fMs: plainFt.ms, vgMs: plainVGt.ms, plainFMs: plainFt.ms, runs: { f: runs, vg: runs } })];
  const ref = plainVGt.last;
  const main = {};
  for (const ck of ['all', 10, 'sqrt']) {
    if (!quick) measureOnce(d, ck); // warm-up (a quick run times the first call)
    const ms = [];
    let m;
    for (let i = 0; i < runs; i++) { m = measureOnce(d, ck); ms.push(m.ms); }
    const check = compare({ value: [m.value, ref.value], W: [m.grads[0].data, ref.grads.W], U: [m.grads[1].data, ref.grads.U], b: [m.grads[2].data, ref.grads.b] });
    main[ck] = { ms: median(ms), peakBytes: m.peakBytes, stepCalls: m.stepCalls };
    const row = makeRow({ workload: 'W8', impl: 'adjoint', size: size(ck), fMs: ownF.ms, vgMs: median(ms), plainFMs: plainFt.ms, runs: { f: runs, vg: runs },
      note: [`${m.stepCalls} step calls`, check.failures.length ? `MISMATCH vs plain: ${check.failures.join('; ')}` : ''].filter(Boolean).join('; ') });
    row.peak_bytes = m.peakBytes;
    rows.push(row);
  }
  // A quick run draws only its three main points (c = 45 is 'sqrt' for T = 2000).
  const sweep = (quick ? [10, 45] : [2, 3, 4, 6, 8, 10, 12, 16, 24, 32, 45, 64]).map((c) => {
    const m = c === 10 ? main[10] : quick && c === 45 ? main.sqrt : measureOnce(d, c);
    return { c, peakBytes: m.peakBytes, ms: m.ms, stepCalls: m.stepCalls, mark: c === 10 || c === 45, label: c === 45 ? `'sqrt' (c = 45)` : `c = ${c}` };
  });
  for (const s of sweep) {
    if (s.c === 10 || (quick && s.c === 45)) continue;
    const row = makeRow({ workload: 'W8', impl: 'adjoint', size: size(s.c), fMs: ownF.ms, vgMs: s.ms, plainFMs: plainFt.ms, runs: { f: runs, vg: 1 }, note: `${s.stepCalls} step calls; sweep` });
    row.peak_bytes = s.peakBytes;
    rows.push(row);
  }
  const caption = `W8 on ${new Date().toISOString().slice(0, 10)}: one run each; 'all' peak ${main.all.peakBytes} B, c = 10 ${(100 * main[10].peakBytes / main.all.peakBytes).toFixed(2)}% of it in ${(main[10].ms / main.all.ms).toFixed(2)}× the time`;
  const svg = tradeoffSvg(sweep, main.all, caption);
  // The full run redraws the guide's picture; a quick run (fewer points) writes beside the results.
  const out = fileURLToPath(new URL(quick ? '../w8-checkpointing.quick.svg' : '../../docs/img/w8-checkpointing.svg', import.meta.url));
  mkdirSync(fileURLToPath(new URL('../../docs/img/', import.meta.url)), { recursive: true });
  writeFileSync(out, svg + '\n');
  return { rows, summary: { all: main.all, c10: main[10], sqrt: main.sqrt }, svg: out };
}
