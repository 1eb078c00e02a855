// W8, a tanh RNN (hidden 256, input 64, 2,000 steps) through ad.scan: peak residual memory and time per checkpointing choice.
import * as ad from 'adjoint';
import { uniform } from '../data.mjs';

const H = 256, I = 64, T = 2000;

export function setup() {
  const X = uniform(T * I, 51);
  const W = uniform(H * H, 52, (u) => (2 * u - 1) / Math.sqrt(H));
  const U = uniform(H * I, 53, (u) => (2 * u - 1) / Math.sqrt(I));
  const b = uniform(H, 54, (u) => 0.1 * (2 * u - 1));
  return {
    X, W, U, b,
    t: { X: ad.tensor(X, [T, I]), W: ad.tensor(W, [H, H]), U: ad.tensor(U, [H, I]), b: ad.tensor(b, [H]) },
  };
}

// ---- plain: the forward recurrence and hand-written backpropagation through time ----

function step(W, U, b, X, t, h, out) {
  for (let i = 0; i < H; i++) {
    let s = b[i];
    const wi = i * H, ui = i * I, xt = t * I;
    for (let j = 0; j < H; j++) s += W[wi + j] * h[j];
    for (let j = 0; j < I; j++) s += U[ui + j] * X[xt + j];
    out[i] = Math.tanh(s);
  }
}

export function plainF(d) {
  let h = new Float64Array(H), next = new Float64Array(H);
  for (let t = 0; t < T; t++) {
    step(d.W, d.U, d.b, d.X, t, h, next);
    [h, next] = [next, h];
  }
  return h.reduce((a, v) => a + v, 0);
}

export function plainVG(d) {
  const hs = new Float64Array((T + 1) * H);
  for (let t = 0; t < T; t++) step(d.W, d.U, d.b, d.X, t, hs.subarray(t * H, t * H + H), hs.subarray((t + 1) * H, (t + 2) * H));
  const gW = new Float64Array(H * H), gU = new Float64Array(H * I), gb = new Float64Array(H);
  let g = new Float64Array(H).fill(1), gPrev = new Float64Array(H);
  const ds = new Float64Array(H);
  for (let t = T - 1; t >= 0; t--) {
    const h = hs.subarray(t * H, t * H + H), hn = hs.subarray((t + 1) * H, (t + 2) * H);
    for (let i = 0; i < H; i++) ds[i] = g[i] * (1 - hn[i] * hn[i]);
    gPrev.fill(0);
    for (let i = 0; i < H; i++) {
      const di = ds[i], wi = i * H, ui = i * I, xt = t * I;
      gb[i] += di;
      for (let j = 0; j < H; j++) { gW[wi + j] += di * h[j]; gPrev[j] += di * d.W[wi + j]; }
      for (let j = 0; j < I; j++) gU[ui + j] += di * d.X[xt + j];
    }
    [g, gPrev] = [gPrev, g];
  }
  let value = 0;
  for (let i = 0; i < H; i++) value += hs[T * H + i];
  return { value, grads: { W: gW, U: gU, b: gb } };
}

// ---- adjoint: the loss written once, the checkpointing chosen by an option ----

export function loss(checkpoints, stats) {
  return (W, U, b, X) => {
    const hT = ad.scan((h, x) => ad.tanh(ad.add(ad.add(ad.matmul(W, h), ad.matmul(U, x)), b)), ad.zeros([H]), { xs: X, checkpoints, stats });
    return ad.sum(hT);
  };
}

/** One value-and-gradient with `checkpoints`: time, peak residual bytes and step calls. */
export function measureOnce(d, checkpoints) {
  const stats = {};
  const vg = ad.valueAndGrad(loss(checkpoints, stats), [0, 1, 2]);
  ad.resetPeakMemory();
  const base = ad.memoryStats().residualBytes;
  const t0 = performance.now();
  const [value, grads] = vg(d.t.W, d.t.U, d.t.b, d.t.X);
  const ms = performance.now() - t0;
  return { ms, peakBytes: ad.memoryStats().peakResidualBytes - base, stepCalls: stats.stepCalls, value: value.item(), grads };
}

export function adjointF(d) {
  return loss('all')(d.t.W, d.t.U, d.t.b, d.t.X).item();
}

export { H, I, T };
