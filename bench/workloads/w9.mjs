// W9, per-example gradients: W1's MLP, one gradient per example (B = 128 of them), by vmap(valueAndGrad(loss))
// against a hand-written batched forward with per-example backward passes and against a loop of 128 valueAndGrad calls; W9S the same
// on a small MLP (16 → 16 → 10), where per-call overhead dominates.
import * as ad from 'adjoint';
import { mlpData } from '../data.mjs';
import { matmul } from '../plain/linalg.mjs';

const B = 128, C = 10;

function setup(D, Hn) {
  const { X, W1, b1, W2, b2, y, onehot } = mlpData(B, D, Hn, C);
  const t = {
    X: ad.tensor(X, [B, D]), W1: ad.tensor(W1, [D, Hn]), b1: ad.tensor(b1, [Hn]),
    W2: ad.tensor(W2, [Hn, C]), b2: ad.tensor(b2, [C]), Y: ad.tensor(onehot, [B, C]),
  };
  // One example's loss: −log softmax(tanh(x W1 + b1) W2 + b2)[label].
  const loss = (W1t, b1t, W2t, b2t, x, yrow) => {
    const h = ad.tanh(ad.add(ad.matmul(x, W1t), b1t));
    const logits = ad.add(ad.matmul(h, W2t), b2t);
    return ad.neg(ad.sum(ad.mul(ad.logSoftmax(logits), yrow)));
  };
  const perExample = ad.vmap(ad.valueAndGrad(loss, [0, 1, 2, 3]), [null, null, null, null, 0, 0]);
  const one = ad.valueAndGrad(loss, [0, 1, 2, 3]);
  const rows = Array.from({ length: B }, (_, b) => [ad.take(t.X, b, 0), ad.take(t.Y, b, 0)]);
  return { D, Hn, X, W1, b1, W2, b2, y, t, loss, perExample, one, rows };
}

/**
 * Plain, batched as one would write it by hand: the forward pass as matrix products over the whole
 * batch (H = tanh(X W1 + b1), logits = H W2 + b2), then each example's gradients written at its
 * offset: δ = softmax − onehot, gW2 = h δᵀ, gb2 = δ, dz = (W2 δ) ⊙ (1 − h²), gW1 = x dzᵀ, gb1 = dz.
 */
function plainPerExample(d, grads) {
  const { D, Hn, X, W1, b1, W2, b2, y } = d;
  const H = matmul(X, W1, B, D, Hn);
  for (let e = 0; e < B; e++) for (let j = 0; j < Hn; j++) H[e * Hn + j] = Math.tanh(H[e * Hn + j] + b1[j]);
  const Z = matmul(H, W2, B, Hn, C);
  const dz = new Float64Array(Hn);
  let total = 0;
  for (let e = 0; e < B; e++) {
    const zo = e * C, ho = e * Hn, xo = e * D;
    let m = -Infinity;
    for (let c = 0; c < C; c++) { Z[zo + c] += b2[c]; if (Z[zo + c] > m) m = Z[zo + c]; }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(Z[zo + c] - m);
    const lse = m + Math.log(sum);
    total += lse - Z[zo + y[e]];
    if (!grads) continue;
    for (let c = 0; c < C; c++) Z[zo + c] = Math.exp(Z[zo + c] - lse) - (c === y[e] ? 1 : 0);
    const gW1 = grads.W1, gb1 = grads.b1, gW2 = grads.W2, gb2 = grads.b2;
    for (let j = 0; j < Hn; j++) {
      const h = H[ho + j];
      let s = 0;
      for (let c = 0; c < C; c++) { s += W2[j * C + c] * Z[zo + c]; gW2[(ho + j) * C + c] = h * Z[zo + c]; }
      dz[j] = s * (1 - h * h);
      gb1[ho + j] = dz[j];
    }
    for (let c = 0; c < C; c++) gb2[zo + c] = Z[zo + c];
    for (let i = 0; i < D; i++) {
      const xi = X[xo + i], o = (xo + i) * Hn;
      for (let j = 0; j < Hn; j++) gW1[o + j] = xi * dz[j];
    }
  }
  return total / B;
}

function plainVG(d) {
  const grads = {
    W1: new Float64Array(B * d.D * d.Hn), b1: new Float64Array(B * d.Hn), W2: new Float64Array(B * d.Hn * C), b2: new Float64Array(B * C),
  };
  return { value: plainPerExample(d, grads), grads };
}

const mean = (v) => ad.mean(v).item();
const asGrads = ([g1, gb1, g2, gb2]) => ({ W1: g1, b1: gb1, W2: g2, b2: gb2 });

function vmapVG(d) {
  const { W1, b1, W2, b2, X, Y } = d.t;
  const [values, grads] = d.perExample(W1, b1, W2, b2, X, Y);
  return { value: mean(values), grads: asGrads(grads) };
}

function loopVG(d) {
  const { W1, b1, W2, b2 } = d.t;
  const per = d.rows.map(([x, yrow]) => d.one(W1, b1, W2, b2, x, yrow));
  const stackGrad = (k) => ad.stack(per.map((r) => r[1][k]), 0);
  return { value: per.reduce((s, r) => s + r[0].item(), 0) / B, grads: asGrads([0, 1, 2, 3].map(stackGrad)) };
}

function adjointF(d) {
  const { W1, b1, W2, b2, X, Y } = d.t;
  return mean(ad.vmap(d.loss, [null, null, null, null, 0, 0])(W1, b1, W2, b2, X, Y));
}

const make = (id, D, Hn) => ({
  id,
  size: `B=128 ${D}-${Hn}-10, per-example`,
  setup: () => setup(D, Hn),
  plain: { f: (d) => plainPerExample(d, null), vg: plainVG },
  adjoint: { f: adjointF, vg: vmapVG, note: 'vmap(valueAndGrad(loss))' },
  alternatives: [{ impl: 'adjoint-loop', f: adjointF, vg: loopVG, note: 'a loop of 128 valueAndGrad calls' }],
});

export default [make('W9', 784, 256), make('W9S', 16, 16)];
