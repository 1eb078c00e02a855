// Warm-up and median timing of several functions, interleaved in rounds so that load drift hits all of them alike.
import { performance } from 'node:perf_hooks';

/** Keeps results reachable so the JIT cannot drop the work that made them. */
export const sink = { last: null };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds per call of `fn`, timing `inner` back-to-back calls as one sample. */
function sample(fn, inner) {
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) sink.last = fn();
  return (performance.now() - t0) / inner;
}

/**
 * Times each function of `fns` ({ name: fn }) and returns { name: { ms, runs } }, `ms` the median
 * milliseconds per call and `runs` the number of timed calls. Each function is first warmed up
 * (at least `warmupRuns` calls and `warmupMs`), then measured in `rounds` rounds that visit every
 * function in turn (in reverse order every other round); in each round a function runs for about budgetMs / rounds, with at least
 * minRuns / rounds and at most maxRuns / rounds calls. Calls shorter than `minSampleMs` are
 * batched into one sample.
 */
export function measure(fns, { warmupRuns = 3, warmupMs = 300, rounds = 3, budgetMs = 2000, minRuns = 6, maxRuns = 300, minSampleMs = 2 } = {}) {
  const names = Object.keys(fns);
  const state = names.map((name) => {
    const fn = fns[name];
    const t0 = performance.now();
    let n = 0;
    while (n < warmupRuns || performance.now() - t0 < warmupMs) {
      sink.last = fn();
      n++;
    }
    const est = Math.max((performance.now() - t0) / n, 1e-4);
    return { name, fn, inner: Math.max(1, Math.ceil(minSampleMs / est)), samples: [], runs: 0 };
  });
  const perRoundMin = Math.ceil(minRuns / rounds);
  const perRoundMax = Math.max(perRoundMin, Math.ceil(maxRuns / rounds));
  for (let r = 0; r < rounds; r++) {
    // Every other round visits the functions in reverse (A B C, C B A, …): a machine whose speed
    // drifts during the run (a shared VM's did, severalfold within seconds) then slows the first
    // and the last alike instead of whichever comes last.
    for (const s of r % 2 === 0 ? state : [...state].reverse()) {
      const end = performance.now() + budgetMs / rounds;
      let k = 0;
      while (k < perRoundMin || (k < perRoundMax && performance.now() < end)) {
        s.samples.push(sample(s.fn, s.inner));
        k += s.inner;
      }
      s.runs += k;
    }
  }
  return Object.fromEntries(state.map((s) => [s.name, { ms: median(s.samples), runs: s.runs }]));
}

/**
 * One slot of paired timing (./paired.mjs; torch.py's `slot` is the same): with `warm`, a warm-up
 * first (3 calls and 300 ms); then samples of back-to-back calls (batched to `minSampleMs`) for
 * about `budgetMs`, at least 3 calls. Returns { ms, runs }: the median ms per call and the calls.
 */
export function timeSlot(fn, budgetMs, warm, minSampleMs = 2) {
  if (warm) {
    const t0 = performance.now();
    for (let n = 0; n < 3 || performance.now() - t0 < 300; n++) sink.last = fn();
  }
  const t0 = performance.now();
  sink.last = fn();
  const inner = Math.max(1, Math.ceil(minSampleMs / Math.max(performance.now() - t0, 1e-4)));
  const samples = [];
  let runs = 0;
  const end = performance.now() + budgetMs;
  while (runs < 3 || performance.now() < end) {
    samples.push(sample(fn, inner));
    runs += inner;
  }
  return { ms: median(samples), runs };
}
