// W2, CRF log-partition by the forward algorithm (K=45, n=100): plain loops vs adjoint, gradient for E and T.
import * as ad from 'adjoint';
import { jitRow, timedJit } from '../jit.mjs';
import { symmetric } from '../data.mjs';

export const K = 45;

// ---- plain ----

/** Fills A[n,K] with α_t and returns log Z = logsumexp_j α_{n−1}[j]. */
function forward(E, T, n, A) {
  for (let j = 0; j < K; j++) A[j] = E[j];
  for (let t = 1; t < n; t++) {
    const prev = (t - 1) * K, cur = t * K;
    for (let j = 0; j < K; j++) {
      let m = -Infinity;
      for (let i = 0; i < K; i++) {
        const v = A[prev + i] + T[i * K + j];
        if (v > m) m = v;
      }
      let s = 0;
      for (let i = 0; i < K; i++) s += Math.exp(A[prev + i] + T[i * K + j] - m);
      A[cur + j] = m + Math.log(s) + E[cur + j];
    }
  }
  const last = (n - 1) * K;
  let m = -Infinity;
  for (let j = 0; j < K; j++) if (A[last + j] > m) m = A[last + j];
  let s = 0;
  for (let j = 0; j < K; j++) s += Math.exp(A[last + j] - m);
  return m + Math.log(s);
}

function plainF(d) {
  return forward(d.E, d.T, d.n, new Float64Array(d.n * K));
}

/**
 * The adjoint of the forward algorithm: ḡ_{n−1} = softmax(α_{n−1}); at step t, with
 * P_ij = exp(α_{t−1}[i] + T_ij − (α_t[j] − E_tj)), Ē_t = ḡ_t, T̄_ij += ḡ_t[j] P_ij and
 * ḡ_{t−1}[i] = Σ_j ḡ_t[j] P_ij; finally Ē_0 = ḡ_0.
 */
function plainVG(d) {
  const { E, T, n } = d;
  const A = new Float64Array(n * K);
  const logZ = forward(E, T, n, A);
  const gE = new Float64Array(n * K), gT = new Float64Array(K * K);
  let g = new Float64Array(K), gPrev = new Float64Array(K);
  const last = (n - 1) * K;
  for (let j = 0; j < K; j++) g[j] = Math.exp(A[last + j] - logZ);
  const lse = new Float64Array(K);
  for (let t = n - 1; t >= 1; t--) {
    const cur = t * K, prev = cur - K;
    for (let j = 0; j < K; j++) {
      gE[cur + j] = g[j];
      lse[j] = A[cur + j] - E[cur + j];
    }
    for (let i = 0; i < K; i++) {
      const a = A[prev + i];
      let acc = 0;
      for (let j = 0; j < K; j++) {
        const p = g[j] * Math.exp(a + T[i * K + j] - lse[j]);
        gT[i * K + j] += p;
        acc += p;
      }
      gPrev[i] = acc;
    }
    [g, gPrev] = [gPrev, g];
  }
  for (let j = 0; j < K; j++) gE[j] = g[j];
  return { value: logZ, grads: { E: gE, T: gT } };
}

// ---- adjoint ----

/** log Z as a user would write it: α as a [K] tensor, row t of E taken with ad.take. */
export function logPartition(E, T) {
  const n = E.shape[0];
  let alpha = ad.reshape(ad.take(E, [0], 0), [K]);
  for (let t = 1; t < n; t++) {
    const row = ad.reshape(ad.take(E, [t], 0), [K]);
    alpha = ad.add(ad.logsumexp(ad.add(ad.reshape(alpha, [K, 1]), T), 0), row);
  }
  return ad.logsumexp(alpha);
}

const vgLogPartition = ad.valueAndGrad(logPartition, [0, 1]);

function adjointF(d) {
  return logPartition(d.t.E, d.t.T).item();
}

function adjointVG(d) {
  const [v, [gE, gT]] = vgLogPartition(d.t.E, d.t.T);
  return { value: v.item(), grads: { E: gE, T: gT } };
}

/** The same function and gradient under ad.jit (recorded on the first call, replayed after). */
function jitImpl() {
  const f = timedJit(logPartition);
  const vg = timedJit(vgLogPartition);
  return jitRow(vg, {
    f: (d) => f(d.t.E, d.t.T).item(),
    vg: (d) => {
      const [v, [gE, gT]] = vg(d.t.E, d.t.T);
      return { value: v.item(), grads: { E: gE, T: gT } };
    },
  });
}

/** The same log Z through ad.LinearChainCRF (the forward algorithm written once over a semiring). */
const crfLogZ = (E, T) => new ad.LinearChainCRF({ emissions: E, transitions: T }).logPartition();
const vgCrf = ad.valueAndGrad(crfLogZ, [0, 1]);

function crfF(d) {
  return crfLogZ(d.t.E, d.t.T).item();
}

/** Marginals as the gradient of log Z: unary = ∂/∂E, Σ_t pairwise = ∂/∂T. */
function crfVG(d) {
  const [v, [gE, gT]] = vgCrf(d.t.E, d.t.T);
  return { value: v.item(), grads: { E: gE, T: gT } };
}

/** The workload for sequence length n (W2: 100, W2L: 1000). */
export function crf(id, n) {
  return {
    id,
    size: `K=${K} n=${n}`,
    setup() {
      const E = symmetric(n * K, 11);
      const T = symmetric(K * K, 12);
      return { n, E, T, t: { E: ad.tensor(E, [n, K]), T: ad.tensor(T, [K, K]) } };
    },
    plain: { f: plainF, vg: plainVG },
    adjoint: { f: adjointF, vg: adjointVG },
    alternatives: [{ impl: 'adjoint-LinearChainCRF', f: crfF, vg: crfVG }, jitImpl()],
  };
}

export default crf('W2', 100);
