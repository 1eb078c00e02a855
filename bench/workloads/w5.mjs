// W5, matrix chain: sum of the entries of M₀M₁⋯M₁₉₉ (16×16), plain loops vs a fold of ad.matmul and vs ad.chainMatmul; gradient for every matrix.
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { chainSum, chainSumVG } from '../plain/linalg.mjs';

const COUNT = 200, S = 16, SS = S * S;

// ---- plain ----

const plainF = (d) => chainSum(d.Ms, S);
const plainVG = (d) => {
  const { value, grads } = chainSumVG(d.Ms, S);
  return { value, grads: { Ms: grads } };
};

// ---- adjoint ----

/** The loss as a fold of ad.matmul over the list of matrices (a pytree argument). */
export function chain(Ms) {
  return ad.sum(Ms.reduce((acc, M) => ad.matmul(acc, M)));
}

const vgChain = ad.valueAndGrad(chain);

function adjointF(d) {
  return chain(d.t.Ms).item();
}

function adjointVG(d) {
  const [v, g] = vgChain(d.t.Ms);
  return { value: v.item(), grads: { Ms: g } };
}

// ---- adjoint, chainMatmul: one node whose rule uses prefix and suffix products ----

export function chainOp(Ms) {
  return ad.sum(ad.chainMatmul(Ms));
}

const vgChainOp = ad.valueAndGrad(chainOp);

function chainMatmulF(d) {
  return chainOp(d.t.Ms).item();
}

function chainMatmulVG(d) {
  const [v, g] = vgChainOp(d.t.Ms);
  return { value: v.item(), grads: { Ms: g } };
}

export default {
  id: 'W5',
  size: '200 x 16x16',
  setup() {
    const all = symmetric(COUNT * SS, 41, Math.sqrt(3 / 16)); // one stream, filled in order
    const Ms = Array.from({ length: COUNT }, (_, i) => all.slice(i * SS, (i + 1) * SS));
    return { Ms, t: { Ms: Ms.map((m) => ad.tensor(m, [S, S])) } };
  },
  plain: { f: plainF, vg: plainVG },
  adjoint: { f: adjointF, vg: adjointVG },
  /** Further adjoint implementations, each a row of its own. */
  alternatives: [{ impl: 'adjoint-chainMatmul', f: chainMatmulF, vg: chainMatmulVG }],
};
