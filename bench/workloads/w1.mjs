// W1, MLP loss: B=128, 784 → 256 (tanh) → 10, softmax cross-entropy; plain loops vs adjoint, gradient for W1, b1, W2, b2.
import * as ad from 'adjoint';
import { mlpData } from '../data.mjs';
import { matmul, matmulNT, matmulTN } from '../plain/linalg.mjs';
import { jitRow, timedJit } from '../jit.mjs';

export const B = 128, D = 784, Hn = 256, C = 10;

/** The data of BENCHMARKS.md as Float64Arrays, plus the same as tensors and a one-hot label matrix. */
export function setup() {
  const { X, W1, b1, W2, b2, y, onehot } = mlpData(B, D, Hn, C);
  return {
    X, W1, b1, W2, b2, y,
    t: {
      X: ad.tensor(X, [B, D]), W1: ad.tensor(W1, [D, Hn]), b1: ad.tensor(b1, [Hn]),
      W2: ad.tensor(W2, [Hn, C]), b2: ad.tensor(b2, [C]), Y: ad.tensor(onehot, [B, C]),
    },
  };
}

// ---- plain ----

/** H = tanh(X W1 + b1), logits L = H W2 + b2. */
export function plainForward(d, W1 = d.W1) {
  const Z = matmul(d.X, W1, B, D, Hn);
  for (let i = 0; i < B; i++) for (let j = 0; j < Hn; j++) Z[i * Hn + j] = Math.tanh(Z[i * Hn + j] + d.b1[j]);
  const L = matmul(Z, d.W2, B, Hn, C);
  for (let i = 0; i < B; i++) for (let c = 0; c < C; c++) L[i * C + c] += d.b2[c];
  return { H: Z, L };
}

/** Mean over the batch of logsumexp(L_i) − L_i[y_i]; with `P`, also writes softmax(L) into it. */
export function crossEntropy(L, y, P = null) {
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const o = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (L[o + c] > m) m = L[o + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(L[o + c] - m);
    const lse = m + Math.log(s);
    loss += lse - L[o + y[i]];
    if (P) for (let c = 0; c < C; c++) P[o + c] = Math.exp(L[o + c] - lse);
  }
  return loss / B;
}

export function plainF(d) {
  return crossEntropy(plainForward(d).L, d.y);
}

/** Column sums of an [m,n] matrix. */
export function colSums(a, m, n) {
  const s = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) s[j] += a[i * n + j];
  return s;
}

/** The backward pass from the forward's H and P: dL = (P − Y)/B, then through W2, tanh and W1. */
export function plainBackward(d, H, P) {
  const dL = P; // overwritten in place
  for (let i = 0; i < B; i++) {
    for (let c = 0; c < C; c++) dL[i * C + c] /= B;
    dL[i * C + d.y[i]] -= 1 / B;
  }
  const gW2 = matmulTN(H, dL, B, Hn, C);
  const gb2 = colSums(dL, B, C);
  const dZ = matmulNT(dL, d.W2, B, C, Hn);
  for (let k = 0; k < B * Hn; k++) dZ[k] *= 1 - H[k] * H[k];
  const gW1 = matmulTN(d.X, dZ, B, D, Hn);
  const gb1 = colSums(dZ, B, Hn);
  return { dL, dZ, grads: { W1: gW1, b1: gb1, W2: gW2, b2: gb2 } };
}

function plainVG(d) {
  const { H, L } = plainForward(d);
  const P = new Float64Array(B * C);
  const value = crossEntropy(L, d.y, P);
  return { value, grads: plainBackward(d, H, P).grads };
}

// ---- adjoint ----

/** The loss in adjoint ops; X and the one-hot labels Y are constants taken by closure. */
export function makeLoss(X, Y) {
  return (W1, b1, W2, b2) => {
    const H = ad.tanh(ad.add(ad.matmul(X, W1), b1));
    const logits = ad.add(ad.matmul(H, W2), b2);
    const picked = ad.sum(ad.mul(ad.logSoftmax(logits, -1), Y), 1); // log p(label) per example
    return ad.neg(ad.mean(picked));
  };
}

function prepare(d) {
  const loss = makeLoss(d.t.X, d.t.Y);
  d.loss = loss;
  d.vg = ad.valueAndGrad(loss, [0, 1, 2, 3]);
}

function adjointF(d) {
  const { W1, b1, W2, b2 } = d.t;
  return d.loss(W1, b1, W2, b2).item();
}

function adjointVG(d) {
  const { W1, b1, W2, b2 } = d.t;
  const [v, [g1, gb1, g2, gb2]] = d.vg(W1, b1, W2, b2);
  return { value: v.item(), grads: { W1: g1, b1: gb1, W2: g2, b2: gb2 } };
}

/**
 * The same value and gradient under ad.jit: the recorded forward and backward programs replayed,
 * without the tracing of each op (W1's elementwise ops stay separate calls: its tanh runs on the
 * vector kernel, outside fused loops).
 */
function jitImpl() {
  // The loss is an argument: a function, so part of the signature by identity (one recording per setup).
  const f = timedJit((loss, W1, b1, W2, b2) => loss(W1, b1, W2, b2));
  const vg = timedJit((loss, W1, b1, W2, b2) => ad.valueAndGrad(loss, [0, 1, 2, 3])(W1, b1, W2, b2));
  return jitRow(vg, {
    f: (d) => f(d.loss, d.t.W1, d.t.b1, d.t.W2, d.t.b2).item(),
    vg: (d) => {
      const [v, [g1, gb1, g2, gb2]] = vg(d.loss, d.t.W1, d.t.b1, d.t.W2, d.t.b2);
      return { value: v.item(), grads: { W1: g1, b1: gb1, W2: g2, b2: gb2 } };
    },
  });
}

export default {
  id: 'W1',
  size: 'B=128 784-256-10',
  setup() {
    const d = setup();
    prepare(d);
    return d;
  },
  plain: { f: plainF, vg: plainVG },
  adjoint: { f: adjointF, vg: adjointVG },
  alternatives: [jitImpl()],
};
