// W7, Hessian-vector product of W1's loss with respect to W1 along V: hand-derived forward-over-reverse vs ad.hvp.
import * as ad from 'adjoint';
import { jitRow, timedJit } from '../jit.mjs';
import { symmetric } from '../data.mjs';
import { matmul, matmulNT, matmulTN } from '../plain/linalg.mjs';
import { B, C, D, Hn, crossEntropy, makeLoss, plainF, plainForward, setup as setupW1 } from './w1.mjs';

/**
 * H(W1)·V by hand: the tangent of the gradient along W1 → W1 + εV. With Zd = X V,
 * Hd = (1 − H²) ∘ Zd, Ld = Hd W2, Pd = P ∘ (Ld − ⟨P, Ld⟩) per row, dL = (P − Y)/B, dH = dL W2ᵀ:
 * HV = Xᵀ [ (Pd/B) W2ᵀ ∘ (1 − H²) − 2 dH ∘ H ∘ Hd ].
 */
function plainHVP(d) {
  const { H, L } = plainForward(d);
  const P = new Float64Array(B * C);
  crossEntropy(L, d.y, P);
  const Hd = matmul(d.X, d.V, B, D, Hn);
  for (let k = 0; k < B * Hn; k++) Hd[k] *= 1 - H[k] * H[k];
  const Ld = matmul(Hd, d.W2, B, Hn, C);
  const dL = new Float64Array(B * C), dLd = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    const o = i * C;
    let pl = 0;
    for (let c = 0; c < C; c++) pl += P[o + c] * Ld[o + c];
    for (let c = 0; c < C; c++) {
      dL[o + c] = P[o + c] / B;
      dLd[o + c] = (P[o + c] * (Ld[o + c] - pl)) / B;
    }
    dL[o + d.y[i]] -= 1 / B;
  }
  const dH = matmulNT(dL, d.W2, B, C, Hn);
  const dZd = matmulNT(dLd, d.W2, B, C, Hn);
  for (let k = 0; k < B * Hn; k++) {
    const h = H[k];
    dZd[k] = dZd[k] * (1 - h * h) - 2 * dH[k] * h * Hd[k];
  }
  return { grads: { HV: matmulTN(d.X, dZd, B, D, Hn) } };
}

function adjointF(d) {
  return d.lossW1(d.t.W1).item();
}

function adjointHVP(d) {
  return { grads: { HV: ad.hvp(d.lossW1, d.t.W1, d.t.V) } };
}

/**
 * The same HVP under ad.jit: the recorded program drops what the HVP does not need (the primal
 * gradient's Xᵀ·dZ product, which forward-over-reverse computes and discards) and the dispatch.
 */
function jitImpl() {
  // The loss is an argument: a function, so part of the signature by identity (one recording per setup).
  const f = timedJit((loss, W1) => loss(W1));
  const hvp = timedJit((loss, W1, V) => ad.hvp(loss, W1, V));
  return jitRow(hvp, {
    f: (d) => f(d.lossW1, d.t.W1).item(),
    vg: (d) => ({ grads: { HV: hvp(d.lossW1, d.t.W1, d.t.V) } }),
    label: 'ad.jit((loss, W1, V) => ad.hvp(loss, W1, V))',
  });
}

export default {
  id: 'W7',
  size: 'HVP wrt W1 [784,256]',
  setup() {
    const d = setupW1();
    d.V = symmetric(D * Hn, 6);
    d.t.V = ad.tensor(d.V, [D, Hn]);
    const loss = makeLoss(d.t.X, d.t.Y);
    const { b1, W2, b2 } = d.t;
    d.lossW1 = (W1) => loss(W1, b1, W2, b2);
    return d;
  },
  plain: { f: plainF, vg: plainHVP },
  adjoint: { f: adjointF, vg: adjointHVP },
  alternatives: [jitImpl()],
};
