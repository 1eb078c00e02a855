// W3, PCFG inside algorithm (CKY, log semiring; n=30 words, N=20 nonterminals): plain loops vs adjoint, gradient for R and U.
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { jitRow, timedJit } from '../jit.mjs';

export const n = 30;
export const N = 20;
const NN = N * N;

// ---- plain ----
// Charts are flat: beta[(i·(n+1) + j)·N + A] is the inside score of span (i, j) labelled A, and
// M[(i·(n+1) + j)·N² + B·N + C] = logsumexp_k beta(i, k, B) + beta(k, j, C), the split sum.

const at = (i, j) => i * (n + 1) + j;

/** Fills beta and M; returns log Z = beta(0, n, 0). Both sums are taken over a max-shifted exp. */
function inside(U, R, beta, M) {
  for (let i = 0; i < n; i++) for (let A = 0; A < N; A++) beta[at(i, i + 1) * N + A] = U[i * N + A];
  for (let w = 2; w <= n; w++) {
    for (let i = 0; i + w <= n; i++) {
      const j = i + w, mo = at(i, j) * NN;
      for (let B = 0; B < N; B++) {
        for (let C = 0; C < N; C++) {
          let m = -Infinity;
          for (let k = i + 1; k < j; k++) {
            const v = beta[at(i, k) * N + B] + beta[at(k, j) * N + C];
            if (v > m) m = v;
          }
          let s = 0;
          if (m !== -Infinity) for (let k = i + 1; k < j; k++) s += Math.exp(beta[at(i, k) * N + B] + beta[at(k, j) * N + C] - m);
          M[mo + B * N + C] = m === -Infinity ? m : m + Math.log(s);
        }
      }
      const bo = at(i, j) * N;
      for (let A = 0; A < N; A++) {
        const ro = A * NN;
        let m = -Infinity;
        for (let bc = 0; bc < NN; bc++) {
          const v = R[ro + bc] + M[mo + bc];
          if (v > m) m = v;
        }
        let s = 0;
        if (m !== -Infinity) for (let bc = 0; bc < NN; bc++) s += Math.exp(R[ro + bc] + M[mo + bc] - m);
        beta[bo + A] = m === -Infinity ? m : m + Math.log(s);
      }
    }
  }
  return beta[at(0, n) * N];
}

const chart = () => ({ beta: new Float64Array(n * (n + 1) * N), M: new Float64Array(n * (n + 1) * NN) });

function plainF(d) {
  const { beta, M } = chart();
  return inside(d.U, d.R, beta, M);
}

/**
 * Inside–outside written by hand, as the adjoint of the inside pass: ḡ(0, n, 0) = 1; for spans from
 * the widest down, with P = exp(R[A, BC] + M[BC] − beta(i, j, A)), R̄[A, BC] += ḡ(i, j, A)·P and
 * M̄[BC] += ḡ(i, j, A)·P; then Q = exp(beta(i, k, B) + beta(k, j, C) − M[BC]) sends M̄[BC]·Q to
 * both children ḡ(i, k, B) and ḡ(k, j, C). Finally Ū[i, A] = ḡ(i, i + 1, A).
 */
function plainVG(d) {
  const { U, R } = d;
  const { beta, M } = chart();
  const logZ = inside(U, R, beta, M);
  const g = new Float64Array(beta.length), gM = new Float64Array(NN);
  const gR = new Float64Array(N * NN), gU = new Float64Array(n * N);
  g[at(0, n) * N] = 1;
  for (let w = n; w >= 2; w--) {
    for (let i = 0; i + w <= n; i++) {
      const j = i + w, bo = at(i, j) * N, mo = at(i, j) * NN;
      gM.fill(0);
      for (let A = 0; A < N; A++) {
        const ga = g[bo + A];
        if (ga === 0) continue;
        const b = beta[bo + A], ro = A * NN;
        for (let bc = 0; bc < NN; bc++) {
          const p = ga * Math.exp(R[ro + bc] + M[mo + bc] - b);
          gR[ro + bc] += p;
          gM[bc] += p;
        }
      }
      for (let B = 0; B < N; B++) {
        for (let C = 0; C < N; C++) {
          const gm = gM[B * N + C];
          if (gm === 0) continue;
          const mm = M[mo + B * N + C];
          for (let k = i + 1; k < j; k++) {
            const l = at(i, k) * N + B, r = at(k, j) * N + C;
            const q = gm * Math.exp(beta[l] + beta[r] - mm);
            g[l] += q;
            g[r] += q;
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) for (let A = 0; A < N; A++) gU[i * N + A] = g[at(i, i + 1) * N + A];
  return { value: logZ, grads: { R: gR, U: gU } };
}

// ---- adjoint ----

/** root = one-hot on nonterminal 0 in log space, so log Z is the inside score of 0 over the sentence. */
const root = ad.tensor(Array.from({ length: N }, (_, A) => (A === 0 ? 0 : -Infinity)));
const logPartition = (U, R) => new ad.PCFG({ terminals: U, rules: R, root }).logPartition();
const vgLogPartition = ad.valueAndGrad(logPartition, [0, 1]);

function adjointF(d) {
  return logPartition(d.t.U, d.t.R).item();
}

function adjointVG(d) {
  const [v, [gU, gR]] = vgLogPartition(d.t.U, d.t.R);
  return { value: v.item(), grads: { R: gR, U: gU } };
}

/** PCFG.marginals(): the span marginals [n, n+1, N] (width-one spans are ∂/∂U) and expected rule counts (∂/∂R). */
function marginalsVG(d) {
  const { spans, rules } = new ad.PCFG({ terminals: d.t.U, rules: d.t.R, root }).marginals();
  const s = spans.data, gU = new Float64Array(n * N);
  for (let i = 0; i < n; i++) for (let A = 0; A < N; A++) gU[i * N + A] = s[at(i, i + 1) * N + A];
  return { grads: { R: rules, U: gU } };
}

/**
 * The ops form PCFG's fast path stands for (#17 goal 4): the same inside algorithm through the
 * generic semiring program — a log semiring without the `contract` (logMatmul) hook, so each
 * split and rule sum is semiring.times then semiring.sum over broadcast tensors.
 */
const generic = { ...ad.semirings.log, contract: undefined };
const genericLogPartition = (U, R) => new ad.PCFG({ terminals: U, rules: R, root }).sum(generic);
const vgGeneric = ad.valueAndGrad(genericLogPartition, [0, 1]);
const genericImpl = {
  impl: 'adjoint-generic',
  f: (d) => genericLogPartition(d.t.U, d.t.R).item(),
  vg: (d) => {
    const [v, [gU, gR]] = vgGeneric(d.t.U, d.t.R);
    return { value: v.item(), grads: { R: gR, U: gU } };
  },
  note: 'the generic semiring program (log semiring without its logMatmul contraction)',
};

/** The same log-partition and gradient under ad.jit (recorded on the first call, replayed after). */
function jitImpl() {
  const f = timedJit(logPartition);
  const vg = timedJit(vgLogPartition);
  return jitRow(vg, {
    f: (d) => f(d.t.U, d.t.R).item(),
    vg: (d) => {
      const [v, [gU, gR]] = vg(d.t.U, d.t.R);
      return { value: v.item(), grads: { R: gR, U: gU } };
    },
  });
}

export default {
  id: 'W3',
  size: `n=${n} N=${N}`,
  setup() {
    const R = symmetric(N * NN, 21);
    const U = symmetric(n * N, 22);
    return { R, U, t: { R: ad.tensor(R, [N, N, N]), U: ad.tensor(U, [n, N]) } };
  },
  plain: { f: plainF, vg: plainVG },
  adjoint: { f: adjointF, vg: adjointVG },
  // vg/own f of this row is the marginals / log-partition ratio.
  alternatives: [{ impl: 'adjoint-PCFG.marginals', f: adjointF, vg: marginalsVG }, jitImpl(), genericImpl],
};
