// One peer group's rows, in a process of its own: node bench/peers/child.mjs <group> [--quick] [--only W1,...]. Prints its rows as one '@@peer-rows {json}' line for run.mjs.
import { SETTINGS, parseArgs, runWorkload, select } from '../harness.mjs';
import { loadPeerGroup } from './index.mjs';

const [group, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
const settings = opts.quick ? SETTINGS.quick : SETTINGS.full;
const peers = await loadPeerGroup(group);
for (const line of peers.status) console.error(`  peer ${line}`);
/** Workloads whose peer rows take several seconds each (one cold value-and-gradient of 1–10 s): a quick run leaves them to the full run. */
const SLOW_FOR_QUICK = new Set(['W2L', 'W3']);
const rows = [];
for (const w of select(opts.only)) {
  if (opts.quick && SLOW_FOR_QUICK.has(w.id) && !opts.only?.includes(w.id)) {
    for (const p of peers.forWorkload(w)) {
      rows.push({ workload: w.id, impl: p.impl, size: w.size, f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note: p.skip ?? 'quick run: left to the full run (seconds per call)' });
    }
    continue;
  }
  try {
    rows.push(...runWorkload(w, settings, peers.forWorkload(w), { timePlain: false }).rows);
  } catch (e) {
    for (const p of peers.forWorkload(w)) {
      rows.push({ workload: w.id, impl: p.impl, size: w.size, f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note: `failed: ${String(e?.message ?? e).split('\n')[0]}` });
    }
  }
}
process.stdout.write(`@@peer-rows ${JSON.stringify({ rows })}\n`);
