// W12, loopy belief propagation (BENCHMARKS.md): a 64×64 grid, K = 2, unary = 2u − 1 (seed 81), Potts pairwise of strength
// 0.5; 50 damped (0.5) sum-product iterations in log space through ad.PairwiseMRF.beliefs; loss = Σ_v b_v(1); gradient
// with respect to the unary scores and the Potts strength, unrolled through ad.scan with checkpoints 'all' (adjoint) and
// c = 10 (adjoint-c10). Plain: the same iterations in Float64Array loops and hand-written reverse mode storing every
// iteration's messages (bench/plain/bp.mjs). adjoint-c10's note gives the peak residual memory of both (one measured run each).
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { bpLoss, bpLossGrad, directedEdges } from '../plain/bp.mjs';

const H = 64, W = 64, V = H * W, K = 2, ITERATIONS = 50, DAMPING = 0.5, STRENGTH = 0.5;

function gridEdges() {
  const edges = [];
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    if (c + 1 < W) edges.push([r * W + c, r * W + c + 1]);
    if (r + 1 < H) edges.push([r * W + c, (r + 1) * W + c]);
  }
  return edges;
}

const edges = gridEdges();
const potts = ad.eye(K);
const loss = (checkpoints) => (unary, strength) => {
  const mrf = new ad.PairwiseMRF({ unary, edges, pairwise: ad.mul(strength, potts) });
  return ad.sum(ad.take(mrf.beliefs({ method: 'bp', iterations: ITERATIONS, damping: DAMPING, checkpoints }).unary, [1], 1));
};

function impl(checkpoints) {
  const vg = ad.valueAndGrad(loss(checkpoints), [0, 1]);
  return {
    f: (d) => loss(checkpoints)(d.unary, d.strength).item(),
    vg: (d) => {
      const [v, [gu, gs]] = vg(d.unary, d.strength);
      return { value: v.item(), grads: { unary: gu, strength: [gs.item()] } };
    },
    peakBytes(d) {
      vg(d.unary, d.strength); // warm
      ad.resetPeakMemory();
      const base = ad.memoryStats().residualBytes;
      vg(d.unary, d.strength);
      return ad.memoryStats().peakResidualBytes - base;
    },
  };
}

const all = impl('all'), c10 = impl(10);
const alternative = { impl: 'adjoint-c10', ...c10 };
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export default {
  id: 'W12',
  size: `64×64 grid, K=2, ${ITERATIONS} damped BP iterations`,
  setup() {
    const u = symmetric(V * K, 81);
    const d = { u, g: directedEdges(edges), unary: ad.tensor(u, [V, K]), strength: ad.tensor(STRENGTH) };
    // Peak residual memory of one value-and-gradient per checkpointing choice, reported in the rows' notes.
    const [pa, pc] = [all.peakBytes(d), c10.peakBytes(d)];
    alternative.note = `checkpoints 10: peak residuals ${mb(pc)}, ${(100 * pc / pa).toFixed(1)}% of 'all' (${mb(pa)})`;
    return d;
  },
  plain: {
    f: (d) => bpLoss(d.g, d.u, STRENGTH, V, K, ITERATIONS, DAMPING),
    vg: (d) => {
      const r = bpLossGrad(d.g, d.u, STRENGTH, V, K, ITERATIONS, DAMPING);
      return { value: r.value, grads: { unary: r.gu, strength: [r.gs] } };
    },
  },
  adjoint: { f: all.f, vg: all.vg },
  alternatives: [alternative],
};
