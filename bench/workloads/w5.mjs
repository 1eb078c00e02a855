// W5, matrix chain: sum of the entries of M₀M₁⋯M₁₉₉ (16×16), plain loops vs a fold of ad.matmul and vs ad.chainMatmul; gradient for every matrix.
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { matmul, matmulNT, matmulTN } from '../plain/linalg.mjs';

const COUNT = 200, S = 16, SS = S * S;

// ---- plain ----

function plainF(d) {
  let acc = d.Ms[0];
  for (let i = 1; i < COUNT; i++) acc = matmul(acc, d.Ms[i], S, S, S);
  let s = 0;
  for (let k = 0; k < SS; k++) s += acc[k];
  return s;
}

/**
 * With prefixes P_i = M₀⋯M_i and Ḡ the cotangent of P_i (all ones for the last):
 * M̄_i = P_{i−1}ᵀ Ḡ, then Ḡ ← Ḡ M_iᵀ for P_{i−1}; M̄₀ is the last Ḡ.
 */
function plainVG(d) {
  const { Ms } = d;
  const P = [Ms[0]];
  for (let i = 1; i < COUNT; i++) P.push(matmul(P[i - 1], Ms[i], S, S, S));
  let value = 0;
  for (let k = 0; k < SS; k++) value += P[COUNT - 1][k];
  const grads = new Array(COUNT);
  let G = new Float64Array(SS).fill(1);
  for (let i = COUNT - 1; i >= 1; i--) {
    grads[i] = matmulTN(P[i - 1], G, S, S, S);
    G = matmulNT(G, Ms[i], S, S, S);
  }
  grads[0] = G;
  return { value, grads: { Ms: grads } };
}

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
