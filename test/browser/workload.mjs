// The computation the browser test runs in Chromium and in Node, to compare: grad, hvp, jit with
// generated loops and interpreted, the WebAssembly and JavaScript matmul, a CRF, argmin, and a
// small CNN trained by Adam (its losses and time per step in `cnn`).
// `variants` says which backends to try ({ codegen: [true, false], wasm: [true, false] }); each
// result records what ad.backendInfo() said while it ran, and how long it took (ms).

const now = () => performance.now();

/** Runs everything with `ad` (the package under test); returns plain numbers and flags. */
export function workload(ad, variants) {
  const out = { values: {}, backends: {}, ms: {} };
  const f = (x) => ad.sum(ad.mul(ad.sin(x), x));
  out.values.grad = ad.grad(f)(ad.tensor([0, 1, 2])).toArray();
  const rosen = (p) => {
    const a = ad.slice(p, [0], [p.size - 1]);
    const b = ad.slice(p, [1], [p.size - 1]);
    return ad.sum(ad.add(ad.mul(100, ad.square(ad.sub(b, ad.square(a)))), ad.square(ad.sub(1, a))));
  };
  out.values.hvp = ad.hvp(rosen, ad.tensor([-1.2, 1, 0.5, 2]), ad.tensor([1, -1, 0.5, 0])).toArray();

  // jit: a scalar recurrence (its loop becomes generated code, or is interpreted).
  const loss = (w, steps) => {
    let x = ad.scalar(1);
    for (let t = 0; t < steps; t++) x = ad.tanh(ad.add(ad.mul(w, x), 0.5));
    return x;
  };
  for (const codegen of variants.codegen) {
    ad.config({ codegen });
    const step = ad.jit(ad.valueAndGrad(loss));
    step(ad.scalar(0.8), 2000); // records
    step(ad.scalar(0.7), 2000); // plans (generates its loops) and replays
    const times = [];
    let value, gradient;
    for (let i = 0; i < 7; i++) {
      const t0 = now();
      [value, gradient] = step(ad.scalar(-0.3), 2000);
      times.push(now() - t0);
    }
    const name = codegen ? 'jitGenerated' : 'jitInterpreted';
    out.ms[name] = times.sort((p, q) => p - q)[3]; // the median
    out.values[name] = [value.item(), gradient.item()];
    out.backends[name] = { codegen: ad.backendInfo().codegen, loops: step.cacheInfo()[0].loops };
  }

  // matmul: 96×80 by 80×64 (the WebAssembly kernel's 4×4 blocks and the JavaScript edges), and a timing at 256.
  const a = ad.random.normal([96, 80], 1), b = ad.random.normal([80, 64], 2);
  const big = ad.random.normal([256, 256], 3);
  for (const wasm of variants.wasm) {
    ad.config({ wasm });
    const name = wasm ? 'matmulWasm' : 'matmulJs';
    out.values[name] = Array.from(ad.matmul(a, b).toFloat64Array());
    out.backends[name] = { wasm: ad.backendInfo().wasm };
    ad.matmul(big, big);
    const t0 = now();
    for (let i = 0; i < 5; i++) ad.matmul(big, big);
    out.ms[name] = (now() - t0) / 5;
  }
  ad.config({ wasm: variants.wasm[0], codegen: variants.codegen[0] });

  // A linear-chain CRF: log Z, marginals (its gradient), the Viterbi path.
  const crf = new ad.LinearChainCRF({ emissions: ad.random.normal([7, 4], 4), transitions: ad.random.normal([4, 4], 5) });
  out.values.crfLogPartition = [crf.logPartition().item()];
  out.values.crfMarginals = Array.from(crf.marginals().unary.toFloat64Array());
  out.values.crfArgmax = crf.argmax().tags;

  // argmin: the ridge hypergradient dθ*/dλ = −Σxy / (Σx² + λ)² = −31/225 at λ = 1.
  const x = ad.tensor([1, 2, 3]), y = ad.tensor([2, 4, 7]);
  const fit = (lam) => ad.argmin((w) =>
    ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.mul(w, x), y)))), ad.mul(ad.mul(0.5, lam), ad.square(w))), ad.tensor(0));
  out.values.argminHypergradient = [ad.grad(fit)(ad.tensor(1)).item()];
  out.cnn = trainCnn(ad);
  return out;
}

/**
 * A small CNN (two ad.conv layers, 682 parameters) trained by ad.optimizers.adam to tell
 * horizontal from vertical bars in 32 noisy 8×8 images. Returns the loss before each step and
 * after the last, and the median milliseconds of a step (value, gradient and update).
 */
function trainCnn(ad, steps = 30) {
  const count = 32, images = [], labels = [];
  const noise = ad.random.uniform([count, 64], 21).toFloat64Array();
  for (let n = 0; n < count; n++) {
    const horizontal = n % 2, at = (5 * n + 2) % 8;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) images.push(((horizontal ? i : j) === at ? 1 : 0) + 0.8 * (noise[n * 64 + i * 8 + j] - 0.5));
    labels.push(...(horizontal ? [0, 1] : [1, 0]));
  }
  const x = ad.tensor(images, [count, 1, 8, 8]), y = ad.tensor(labels, [count, 2]);
  const scaled = (shape, seed, fanIn) => ad.mul(ad.random.normal(shape, seed), Math.sqrt(2 / fanIn));
  let params = {
    w1: scaled([8, 1, 3, 3], 22, 9), b1: ad.zeros([8]), w2: scaled([8, 8, 3, 3], 23, 72), b2: ad.zeros([8]),
    wo: scaled([8, 2], 24, 8), bo: ad.zeros([2]),
  };
  const loss = (p) => {
    const h1 = ad.relu(ad.conv(x, p.w1, { padding: 'same', bias: p.b1 }));              // [32, 8, 8, 8]
    const h2 = ad.relu(ad.conv(h1, p.w2, { stride: 2, padding: 1, bias: p.b2 }));       // [32, 8, 4, 4]
    const logits = ad.add(ad.matmul(ad.mean(h2, [2, 3]), p.wo), p.bo);
    return ad.neg(ad.mean(ad.sum(ad.mul(ad.logSoftmax(logits), y), 1)));                // cross-entropy
  };
  const step = ad.valueAndGrad(loss), opt = ad.optimizers.adam({ lr: 0.01 });
  let state = opt.init(params);
  const losses = [], times = [];
  for (let t = 0; t < steps; t++) {
    const t0 = now();
    const [value, gradient] = step(params);
    [params, state] = opt.step(params, gradient, state);
    losses.push(value.item());
    times.push(now() - t0);
  }
  losses.push(loss(params).item());
  return { losses, msPerStep: times.sort((p, q) => p - q)[times.length >> 1] };
}
