// adjoint against PyTorch in paired rounds: the ratio that goal 1 of issue 17 is about, timed so
// that the machine's drift cancels. On the bench's shared VM a 512³ product took 3.6 ms one minute
// and 8.8 the next, and the two sides of a row timed seconds apart still differed by up to 1.5×
// from one run to the next (W1: 0.67–1.08). Here adjoint's best form of a workload (the fastest
// adjoint row just measured) and PyTorch's (one thread) are timed in turn in short slots, each
// side in a process of its own that waits while the other runs (./pair-child.mjs, torch.py
// --serve); a round is one slot of each (in alternating order), and the reported ratio is the
// median of the rounds' ratios.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TORCH_SCRIPT, findPython, torchForms, torchInputs } from './peers/torch.mjs';

/** Rounds and slot length; a side whose value and gradient takes over `maxMs` is not paired (W6's eager PyTorch takes seconds). */
export const PAIRING = {
  quick: { rounds: 5, slotMs: 150, maxMs: 250 },
  full: { rounds: 9, slotMs: 400, maxMs: 1000 },
};

/** A child process spoken to in lines: `ask(obj)` sends obj as JSON and resolves with the JSON of the next '@@t ' line. */
function lineChild(exe, args) {
  const child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  let failure = null;
  const fail = (why) => {
    failure ??= new Error(why);
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === '@@ready' || line.startsWith('@@t ')) waiting.shift()?.resolve(line === '@@ready' ? null : JSON.parse(line.slice(4)));
  });
  child.on('error', (e) => fail(`${exe}: ${e.message}`));
  child.on('exit', (code, signal) => fail(`${exe} ${args[0]} ended (status ${code}${signal ? `, ${signal}` : ''})`));
  const next = () => (failure ? Promise.reject(failure) : new Promise((resolve, reject) => waiting.push({ resolve, reject })));
  return {
    ready: next(),
    ask(obj) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(obj)}\n`);
      return answer;
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The pairs of workload `id` (its sizes from `workloads`): per size, adjoint's fastest row of
 * `ownRows` (by value-and-gradient, verified: no MISMATCH or failure) against the `pytorch` row of
 * `torchRows`, both timed in paired rounds. Returns [{ workload, size, impl, rounds, adjoint_ms,
 * pytorch_ms, ratio, low, high }] (ratio: the median over rounds of adjoint ÷ PyTorch; low and high
 * the rounds' extremes), or [] where there is nothing to pair or no Python with torch.
 */
export async function runPaired(id, workloads, ownRows, torchRows, { quick = false } = {}) {
  const { rounds, slotMs, maxMs } = quick ? PAIRING.quick : PAIRING.full;
  const ok = (r) => r.vg_ms !== null && r.vg_ms <= maxMs && !/MISMATCH|failed/.test(r.note ?? '');
  const pairs = [];
  for (const w of torchForms(workloads)) {
    const torch = torchRows.find((r) => r.workload === w.id && r.size === w.size && r.impl === 'pytorch' && ok(r));
    const ours = ownRows.filter((r) => r.workload === w.id && r.size === w.size && r.impl.startsWith('adjoint') && ok(r));
    if (!torch || ours.length === 0) continue;
    const best = ours.reduce((a, b) => (b.vg_ms < a.vg_ms ? b : a));
    pairs.push({ w, impl: best.impl });
  }
  const py = findPython();
  if (pairs.length === 0 || py.exe === null) return [];
  const { dir, files } = torchInputs(pairs.map((p) => p.w), {});
  const theirs = lineChild(py.exe, [TORCH_SCRIPT, '--serve', files.manifest, files.data]);
  const ours = lineChild(process.execPath, [fileURLToPath(new URL('./pair-child.mjs', import.meta.url)), id]);
  const out = [];
  try {
    await Promise.all([theirs.ready, ours.ready]);
    for (const { w, impl } of pairs) {
      const a = (ms) => ours.ask({ size: w.size, impl, ms });
      const p = (ms) => theirs.ask({ size: w.size, ms });
      await a(slotMs); // warm-up rounds, not counted (each side's first request also warms up)
      await p(slotMs);
      const times = [];
      for (let r = 0; r < rounds; r++) {
        // Every other round PyTorch goes first, so a drift during the pairs slows both sides alike.
        let x, y;
        if (r % 2 === 0) {
          x = await a(slotMs);
          y = await p(slotMs);
        } else {
          y = await p(slotMs);
          x = await a(slotMs);
        }
        times.push({ adjoint: x.ms, pytorch: y.ms });
      }
      const ratios = times.map((t) => t.adjoint / t.pytorch);
      const sig = (x) => Number(x.toPrecision(4));
      out.push({
        workload: w.id, size: w.size, impl, rounds,
        adjoint_ms: sig(median(times.map((t) => t.adjoint))), pytorch_ms: sig(median(times.map((t) => t.pytorch))),
        ratio: sig(median(ratios)), low: sig(Math.min(...ratios)), high: sig(Math.max(...ratios)),
      });
    }
  } catch (e) {
    console.error(`  paired rounds for ${id} failed: ${e?.message ?? e}`);
  } finally {
    ours.close();
    theirs.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The paired ratios as a table. */
export function formatPaired(pairs) {
  if (pairs.length === 0) return '';
  const head = 'adjoint ÷ PyTorch (1 thread), value and gradient, in paired rounds (bench/paired.mjs): ratio = median over rounds, [lowest, highest] round';
  const lines = pairs.map((p) => `  ${p.workload.padEnd(10)} ${p.size.padEnd(36)} ${p.impl.padEnd(30)} ${p.adjoint_ms.toPrecision(4).padStart(8)} ms ÷ ${p.pytorch_ms.toPrecision(4).padStart(8)} ms = ${p.ratio.toFixed(2)} [${p.low.toFixed(2)}, ${p.high.toFixed(2)}] over ${p.rounds} rounds`);
  return [head, ...lines].join('\n');
}
