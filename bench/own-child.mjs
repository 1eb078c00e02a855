// One workload group's own rows (plain and adjoint), in a process of its own:
// node bench/own-child.mjs <id> [--quick]. Prints them as one '@@own-rows {json}' line for run.mjs.
import { SETTINGS, ownImpls, parseArgs, runWorkload, select } from './harness.mjs';

const [id, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
const settings = opts.quick ? SETTINGS.quick : SETTINGS.full;
const rows = [];
let failed = false;
for (const w of select([id])) {
  const start = performance.now();
  try {
    const r = runWorkload(w, settings, ownImpls(w));
    rows.push(...r.rows);
    console.error(`  ${w.id} done in ${((performance.now() - start) / 1000).toFixed(1)} s (adjoint vs plain: worst rel err ${r.worst.toExponential(1)})`);
  } catch (e) {
    rows.push({ workload: w.id, impl: 'adjoint', size: w.size, f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note: `failed: ${e?.message ?? e}` });
    console.error(`  ${w.id} FAILED: ${e?.stack ?? e}`);
    failed = true;
  }
}
process.stdout.write(`@@own-rows ${JSON.stringify({ rows, failed })}\n`);
