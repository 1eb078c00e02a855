// Marginals vs log Z for the structured models not timed elsewhere (W11 and W11N time Eisner and the Matrix-Tree
// theorem): the vg/own f column is issue #18's "marginals (value and gradient) ≤ 3× logPartition alone".
// SM: a semi-Markov CRF, n = 100 words, segments of L ≤ 8 words, C = 10 labels: segments[n, L, C] = 2u − 1 (seed 91),
//     transitions[C, C] = 2u − 1 (seed 92); log Z and its gradient in both (segment marginals, transition counts).
// CTC: ad.ctcLoss of one sequence of T = 150 frames over K = 30 classes (blank 0) against U = 40 labels in 1 … 29
//     (⌊29u⌋ + 1, seed 94): log-probabilities logSoftmax(2·(2u − 1)) over classes (seed 93), loss and its gradient.
//     adjoint-Alignment: the same lattice written as an ad.Alignment (user code: scores gathered, skips, two initial and final states).
// Plain: the same forward algorithms in Float64Array loops and their adjoints (bench/plain/structured.mjs).
import * as ad from 'adjoint';
import { labels, symmetric } from '../data.mjs';
import { ctcLossGrad, ctcLossPlain, semiMarkovLogZ, semiMarkovMarginals } from '../plain/structured.mjs';

const [n, L, C] = [100, 8, 10];
const semiMarkov = {
  id: 'SM',
  size: `semi-Markov CRF n=${n}, L=${L}, C=${C}`,
  setup() {
    const G = symmetric(n * L * C, 91), T = symmetric(C * C, 92);
    return { G, T, g: ad.tensor(G, [n, L, C]), t: ad.tensor(T, [C, C]) };
  },
  plain: {
    f: (d) => semiMarkovLogZ(d.G, d.T, n, L, C),
    vg: (d) => {
      const { logZ, grads } = semiMarkovMarginals(d.G, d.T, n, L, C);
      return { value: logZ, grads };
    },
  },
  adjoint: semiMarkovRow(ad.semirings.log),
  // The log-semiring kernels against the generic semiring program they stand for (#17 goal 4): a
  // copy of the log semiring is not the one the kernels recognise.
  alternatives: [{ impl: 'adjoint-generic', ...semiMarkovRow({ ...ad.semirings.log }), note: 'the generic semiring program' }],
};

/** log Z of the semi-Markov CRF in `semiring` and its gradient (the marginals). */
function semiMarkovRow(semiring) {
  const logZ = (g, t) => new ad.SemiMarkovCRF({ segments: g, transitions: t }).sum(semiring);
  const vg = ad.valueAndGrad(logZ, [0, 1]);
  return {
    f: (d) => logZ(d.g, d.t).item(),
    vg: (d) => {
      const [v, [gg, gt]] = vg(d.g, d.t);
      return { value: v.item(), grads: { segments: gg, transitions: gt } };
    },
  };
}

const [T, K, U] = [150, 30, 40];
/** Row-wise log-softmax of x [T, K]. */
function logSoftmaxRows(x) {
  const out = new Float64Array(x.length);
  for (let t = 0; t < T; t++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, x[t * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(x[t * K + k] - m);
    for (let k = 0; k < K; k++) out[t * K + k] = x[t * K + k] - m - Math.log(s);
  }
  return out;
}
const ctc = {
  id: 'CTC',
  size: `ctcLoss T=${T}, K=${K}, U=${U}`,
  setup() {
    const P = logSoftmaxRows(symmetric(T * K, 93, 2));
    const y = Array.from(labels(U, K - 1, 94), (k) => k + 1);
    return { P, y, p: ad.tensor(P, [T, K]) };
  },
  plain: {
    f: (d) => ctcLossPlain(d.P, K, T, d.y),
    vg: (d) => {
      const { loss, grad } = ctcLossGrad(d.P, K, T, d.y);
      return { value: loss, grads: { logProbs: grad } };
    },
  },
  adjoint: (() => {
    const loss = (p, y) => ad.ctcLoss(p, y, [T], [U], { reduction: 'sum' });
    return {
      f: (d) => loss(d.p, d.y).item(),
      vg: (d) => {
        const [v, g] = ad.valueAndGrad((p) => loss(p, d.y))(d.p);
        return { value: v.item(), grads: { logProbs: g } };
      },
    };
  })(),
  // ctcLoss's kernels against the program they stand for, as a user would write it (#17 goal 4): the
  // CTC lattice as an ad.Alignment (the generic forward algorithm over the log semiring).
  alternatives: [{ impl: 'adjoint-Alignment', ...ctcAlignmentRow(), note: 'the same lattice as ad.Alignment: the generic semiring program' }],
};

/**
 * −log Z of the CTC lattice of one sequence as an ad.Alignment: states are the target with blanks
 * around and between its labels (S = 2U + 1), scores[t, s] = logProbs[t, ext[s]], a skip into a
 * label from the label before the blank before it when the two differ, two initial and two final
 * states (Graves et al. 2006).
 */
function ctcAlignmentRow() {
  const loss = (p, y) => {
    const ext = [0];
    for (const k of y) ext.push(k, 0);
    const index = [];
    for (let t = 0; t < T; t++) for (const k of ext) index.push(t * K + k);
    const scores = ad.reshape(ad.take(ad.reshape(p, [T * K]), index), [T, ext.length]);
    const skips = ext.map((k, s) => s % 2 === 1 && s >= 3 && k !== ext[s - 2]);
    return ad.neg(new ad.Alignment({ scores, skips, initialStates: 2, finalStates: 2 }).logPartition());
  };
  return {
    f: (d) => loss(d.p, d.y).item(),
    vg: (d) => {
      const [v, g] = ad.valueAndGrad((p) => loss(p, d.y))(d.p);
      return { value: v.item(), grads: { logProbs: g } };
    },
  };
}

export default [semiMarkov, ctc];
