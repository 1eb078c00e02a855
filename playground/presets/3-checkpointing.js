// Checkpointing: memory against time
// The gradient of a 256-step RNN, ad.scan storing c carries (revolve's schedule) instead of all
// 257: peak residual memory falls with c while the steps run again (stepCalls, exact) and the time
// grow (timings on a busy machine are noisy: stepCalls is what they follow).
const T = 256, H = 32;
const W = ad.random.normal([H, H], 7, 0, 0.3);
const settings = [2, 4, 8, 'sqrt', 32, 64, 'all']; // 'sqrt': c = √256 = 16
const rows = [];
const gradient = (checkpoints, stats = {}) =>
  ad.grad((w) => ad.sum(ad.scan((h) => ad.tanh(ad.matmul(w, h)), ad.ones([H]), { length: T, checkpoints, stats })))(W);
gradient('all'); // warm up the JavaScript engine before timing
for (const checkpoints of settings) {
  const stats = {};
  ad.resetPeakMemory();
  const before = ad.memoryStats().residualBytes;
  gradient(checkpoints, stats);
  const peakKiB = (ad.memoryStats().peakResidualBytes - before) / 1024;
  let ms = Infinity; // the faster of two runs
  for (let run = 0; run < 2; run++) {
    const started = performance.now();
    gradient(checkpoints);
    ms = Math.min(ms, performance.now() - started);
  }
  rows.push({ checkpoints, c: stats.checkpoints, peakKiB, stepCalls: stats.stepCalls, ms });
}
const c = rows.map((r) => r.c);
plot(c, { 'peak memory (KiB)': rows.map((r) => r.peakKiB) }, { title: 'Peak residual memory', xLabel: 'carries stored, c', logX: true, logY: true });
plot(c, { 'time (ms)': rows.map((r) => r.ms) }, { title: 'Time of one gradient (the faster of 2 runs)', xLabel: 'carries stored, c', logX: true, logY: true });
for (const { checkpoints, c, peakKiB, stepCalls } of rows) print({ checkpoints, c, peakKiB, stepCalls });
