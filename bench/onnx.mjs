// W1's training step (loss, gradient and an SGD update of the 784-256-10 MLP, B = 128) on ONNX Runtime's CPU provider against adjoint:
// the step exported once with ad.onnx.exportModel, then 20 steps per sample, each step's outputs fed back as the next step's inputs.
// Run after `npm run build`: node bench/onnx.mjs. Prints the median milliseconds per step and the ratios to adjoint's jit replay.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import * as ad from 'adjoint';
import w1, { makeLoss } from './workloads/w1.mjs';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const STEPS = 20, ROUNDS = 7, LR = 0.1;
const d = w1.setup();
const { W1, b1, W2, b2, X, Y } = d.t;
const loss = makeLoss(X, Y);
const params = { W1, b1, W2, b2 };
const lossOf = (p) => loss(p.W1, p.b1, p.W2, p.b2);
/** One step: the loss and the parameters after plain SGD. */
const trainStep = (p) => {
  const [value, g] = ad.valueAndGrad(lossOf)(p);
  const next = {};
  for (const k of Object.keys(p)) next[k] = ad.sub(p[k], ad.mul(LR, g[k]));
  return { loss: value, params: next };
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function ortRunner(dtype, threads, level) {
  const bytes = ad.onnx.exportModel(trainStep, [params], { dtype });
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: level });
  const Array_ = dtype === 'float64' ? Float64Array : Float32Array;
  const first = Object.values(params).map((t) => new ort.Tensor(dtype, Array_.from(t.toFloat64Array()), [...t.shape]));
  return async () => {
    let feeds = first, last = 0;
    for (let s = 0; s < STEPS; s++) {
      const input = {};
      session.inputNames.forEach((n, i) => (input[n] = feeds[i]));
      const out = await session.run(input);
      last = out['out.loss'].data[0];
      feeds = session.outputNames.slice(1).map((n) => out[n]);
    }
    return last;
  };
}

function adjointRunner() {
  const step = ad.jit(trainStep);
  return async () => {
    let p = params, last = 0;
    for (let s = 0; s < STEPS; s++) {
      const r = step(p);
      p = r.params;
      last = r.loss.item();
    }
    return last;
  };
}

const runners = {
  'adjoint jit (1 thread)': adjointRunner(),
  'ORT float64, 1 thread': await ortRunner('float64', 1, 'basic'),
  'ORT float64, default threads': await ortRunner('float64', 0, 'basic'),
  'ORT float32, 1 thread': await ortRunner('float32', 1, 'all'),
  'ORT float32, default threads': await ortRunner('float32', 0, 'all'),
};
const samples = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
const finals = {};
for (const [name, run] of Object.entries(runners)) finals[name] = await run(); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(runners)) {
    const t0 = performance.now();
    await run();
    samples[name].push((performance.now() - t0) / STEPS);
  }
}
const base = median(samples['adjoint jit (1 thread)']);
console.log(`W1 training step (SGD, lr ${LR}), ${STEPS} steps per sample, median of ${ROUNDS}; loss after ${STEPS} steps in brackets`);
for (const name of Object.keys(runners)) {
  const ms = median(samples[name]);
  console.log(`${name.padEnd(30)} ${ms.toFixed(2).padStart(7)} ms/step   ${(base / ms).toFixed(2)}× adjoint's speed   [${finals[name].toPrecision(10)}]`);
}
