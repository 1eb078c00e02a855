// Specialised product paths against their generic ops forms (issue 17, goal 4), each pair in one workload:
// CM chainMatmul vs a fold of ad.matmul (200 matrices n×n, n = 8…128), CP chainProduct vs a fold of the
// same operator (the log-semiring matrix product), CUMPROD cumprod vs exp(cumsum(log x)), LAP logAbsProd
// vs sum(log(abs(x))). The `adjoint` row is the generic form, the alternative the specialised one.
import * as ad from 'adjoint';
import { symmetric, uniform } from '../data.mjs';
import { chainSum, chainSumVG } from '../plain/linalg.mjs';
import { jitRow, timedJit } from '../jit.mjs';

// ---- CM: sum of the entries of M₀M₁⋯M₁₉₉, every matrix n×n, entries (2u−1)·√(3/n) (seed 41, in order) ----

const COUNT = 200;

// ---- CMW: the same chains under ⟨W, M₀M₁⋯M₁₉₉⟩, W n×n of full rank, entries 2u−1 (seed 43) ----
// sum(P)'s cotangent 𝟙𝟙ᵀ has rank one, which chainMatmul's gradient takes by matrix–vector
// products (src/tensor/kernels/chainRankOne.ts); W's takes the general sweep of matrix products.

/** CM (weighted false) or CMW (weighted true) at n×n. */
function chainWorkload(S, weighted = false) {
  const SS = S * S;
  const plainF = (d) => chainSum(d.Ms, S, d.W);
  const plainVG = (d) => {
    const { value, grads } = chainSumVG(d.Ms, S, d.W);
    return { value, grads: { Ms: grads } };
  };
  let W = null; // the weights as a tensor, set by setup
  const reduce = (P) => (weighted ? ad.sum(ad.mul(P, W)) : ad.sum(P));
  const fold = (Ms) => reduce(Ms.reduce((acc, M) => ad.matmul(acc, M)));
  const special = (Ms) => reduce(ad.chainMatmul(Ms));
  return {
    id: weighted ? 'CMW' : 'CM',
    size: `${COUNT} x ${S}x${S}`,
    setup() {
      const all = symmetric(COUNT * SS, 41, Math.sqrt(3 / S));
      const Ms = Array.from({ length: COUNT }, (_, i) => all.slice(i * SS, (i + 1) * SS));
      const w = weighted ? symmetric(SS, 43, 1) : null;
      W = weighted ? ad.tensor(w, [S, S]) : null;
      return { Ms, W: w, t: { Ms: Ms.map((m) => ad.tensor(m, [S, S])), stack: ad.tensor(all, [COUNT, S, S]) } };
    },
    plain: { f: plainF, vg: plainVG },
    adjoint: listImpl(fold, 'Ms', 'fold of ad.matmul'),
    alternatives: [
      { impl: 'adjoint-chainMatmul', ...listImpl(special, 'Ms') },
      { impl: 'adjoint-chainMatmul-stacked', ...stackedImpl(special) },
      // Goal 3's "jit never slower than eager", for the chain's two recorded calls (src/products/chainRecorded.ts).
      jitImpl('adjoint-chainMatmul-jit', special, (d) => d.t.Ms, 'the list'),
      jitImpl('adjoint-chainMatmul-stacked-jit', special, (d) => d.t.stack, 'the factors as one tensor [200, n, n]'),
    ],
  };
}

/** f and vg rows for a loss of one list argument `name` (the gradient a list of matrices). */
function listImpl(loss, name, note) {
  const vg = ad.valueAndGrad(loss);
  return {
    note,
    f: (d) => loss(d.t[name]).item(),
    vg: (d) => {
      const [v, g] = vg(d.t[name]);
      return { value: v.item(), grads: { [name]: g } };
    },
  };
}

/** The same loss of the factors as one stacked tensor [200, n, n] (one leaf; its gradient one tensor, compared as the list). */
function stackedImpl(loss) {
  const vg = ad.valueAndGrad(loss);
  return {
    note: 'the factors as one tensor [200, n, n]',
    f: (d) => loss(d.t.stack).item(),
    vg: (d) => {
      const [v, g] = vg(d.t.stack);
      return { value: v.item(), grads: { Ms: g } };
    },
  };
}

/** Row `impl`: the same loss under ad.jit (value, and value and gradient), of the argument `arg(d)`; the recording call is not timed. */
function jitImpl(impl, loss, arg, what) {
  const f = timedJit(loss), vg = timedJit(ad.valueAndGrad(loss));
  const row = jitRow(vg, {
    f: (d) => f(arg(d)).item(),
    vg: (d) => {
      const [v, g] = vg(arg(d));
      return { value: v.item(), grads: { Ms: g } };
    },
  });
  return { impl, f: row.f, vg: row.vg, get note() { return `${what}: ${row.note}`; } }; // a getter: read once timed (not spread)
}

// ---- CP: log Z of a chain of 100 log-semiring products of 16×16 score matrices, (2u−1) (seed 42) ----
// C = A ⊗ B, C_ij = log Σ_k exp(A_ik + B_kj); log Z = logsumexp of the entries of the whole product.

const CP_COUNT = 100, K = 16, KK = K * K;

function logMatmul(a, b) {
  const c = new Float64Array(KK);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, a[i * K + k] + b[k * K + j]);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(a[i * K + k] + b[k * K + j] - m);
      c[i * K + j] = m + Math.log(s);
    }
  }
  return c;
}

function logSumAll(c) {
  let m = -Infinity;
  for (let i = 0; i < c.length; i++) m = Math.max(m, c[i]);
  let s = 0;
  for (let i = 0; i < c.length; i++) s += Math.exp(c[i] - m);
  return m + Math.log(s);
}

function cpPlainF(d) {
  let acc = d.Ms[0];
  for (let i = 1; i < CP_COUNT; i++) acc = logMatmul(acc, d.Ms[i]);
  return logSumAll(acc);
}

/** Prefixes forward; backward, with Ḡ the cotangent of C = P_{i−1} ⊗ M_i: w = Ḡ_ij exp(A_ik + B_kj − C_ij) goes to Ā_ik and B̄_kj. */
function cpPlainVG(d) {
  const P = [d.Ms[0]];
  for (let i = 1; i < CP_COUNT; i++) P.push(logMatmul(P[i - 1], d.Ms[i]));
  const last = P[CP_COUNT - 1];
  const value = logSumAll(last);
  let G = new Float64Array(KK);
  for (let q = 0; q < KK; q++) G[q] = Math.exp(last[q] - value);
  const grads = new Array(CP_COUNT);
  for (let t = CP_COUNT - 1; t >= 1; t--) {
    const A = P[t - 1], B = d.Ms[t], C = P[t];
    const ga = new Float64Array(KK), gb = new Float64Array(KK);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const g = G[i * K + j], c = C[i * K + j];
        for (let k = 0; k < K; k++) {
          const w = g * Math.exp(A[i * K + k] + B[k * K + j] - c);
          ga[i * K + k] += w;
          gb[k * K + j] += w;
        }
      }
    }
    grads[t] = gb;
    G = ga;
  }
  grads[0] = G;
  return { value, grads: { Ms: grads } };
}

const logSemiring = (a, b) => ad.logsumexp(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), 1);
const logZ = (p) => ad.logsumexp(ad.reshape(p, [KK]), 0);

const chainProductWorkload = {
  id: 'CP',
  size: `${CP_COUNT} x ${K}x${K} log-semiring`,
  setup() {
    const all = symmetric(CP_COUNT * KK, 42);
    const Ms = Array.from({ length: CP_COUNT }, (_, i) => all.slice(i * KK, (i + 1) * KK));
    return { Ms, t: { Ms: Ms.map((m) => ad.tensor(m, [K, K])) } };
  },
  plain: { f: cpPlainF, vg: cpPlainVG },
  adjoint: listImpl((Ms) => logZ(Ms.reduce(logSemiring)), 'Ms', 'fold of the ops product'),
  alternatives: [
    { impl: 'adjoint-chainProduct', ...listImpl((Ms) => logZ(ad.chainProduct(Ms, logSemiring)), 'Ms', "the default: keeps the prefixes only (the fold's tape where its steps save only views, else each step recomputed in the pullback)") },
    { impl: 'adjoint-chainProduct-kept', ...listImpl((Ms) => logZ(ad.chainProduct(Ms, logSemiring, { recompute: false })), 'Ms', '{ recompute: false }: keeps each step\'s tape') },
  ],
};

// ---- CUMPROD and LAP: 100 rows of 1,000 factors, along the rows ----

const ROWS = 100, LEN = 1000;

/** x_i = exp(0.02(u − 0.5)) (seed 31, as W4): positive, so exp(cumsum(log x)) is the same function. */
function rowsSetup(seed, map) {
  return () => {
    const x = uniform(ROWS * LEN, seed, map);
    return { x, t: { x: ad.tensor(x, [ROWS, LEN]) } };
  };
}

function tensorImpl(loss, note) {
  const vg = ad.valueAndGrad(loss);
  return {
    note,
    f: (d) => loss(d.t.x).item(),
    vg: (d) => {
      const [v, g] = vg(d.t.x);
      return { value: v.item(), grads: { x: g } };
    },
  };
}

/** Σ of every row's inclusive cumulative products. */
function cumprodPlainF(d) {
  const { x } = d;
  let s = 0;
  for (let r = 0; r < ROWS; r++) {
    let acc = 1;
    for (let i = r * LEN, end = i + LEN; i < end; i++) { acc *= x[i]; s += acc; }
  }
  return s;
}

/** x̄_i = e_i s_i, e the exclusive products and s_i = 1 + x_{i+1} s_{i+1} (the transposed recurrence). */
function cumprodPlainVG(d) {
  const { x } = d;
  const g = new Float64Array(x.length);
  let value = 0;
  for (let r = 0; r < ROWS; r++) {
    const start = r * LEN, end = start + LEN;
    let acc = 1;
    for (let i = start; i < end; i++) { g[i] = acc; acc *= x[i]; value += acc; }
    let s = 0;
    for (let i = end - 1; i >= start; i--) {
      s = 1 + (i + 1 < end ? x[i + 1] * s : 0);
      g[i] *= s;
    }
  }
  return { value, grads: { x: g } };
}

const cumprodWorkload = {
  id: 'CUMPROD',
  size: `${ROWS}x${LEN}, axis 1`,
  setup: rowsSetup(31, (u) => Math.exp(0.02 * (u - 0.5))),
  plain: { f: cumprodPlainF, vg: cumprodPlainVG },
  adjoint: tensorImpl((x) => ad.sum(ad.exp(ad.cumsum(ad.log(x), 1))), 'exp(cumsum(log x)), positive x'),
  alternatives: [{ impl: 'adjoint-cumprod', ...tensorImpl((x) => ad.sum(ad.cumprod(x, 1))) }],
};

/** Σ over rows of log|Π x|, as Σ log|x_i|; gradient 1/x. Factors ±exp(0.02(u − 0.5)) with random signs (seed 32). */
function lapPlainF(d) {
  const { x } = d;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.log(Math.abs(x[i]));
  return s;
}

function lapPlainVG(d) {
  const { x } = d;
  const g = new Float64Array(x.length);
  let value = 0;
  for (let i = 0; i < x.length; i++) { value += Math.log(Math.abs(x[i])); g[i] = 1 / x[i]; }
  return { value, grads: { x: g } };
}

const logAbsProdWorkload = {
  id: 'LAP',
  size: `${ROWS}x${LEN}, axis 1`,
  setup: rowsSetup(32, (u) => (u < 0.5 ? -1 : 1) * Math.exp(0.02 * (2 * u - 1 - 0.5))),
  plain: { f: lapPlainF, vg: lapPlainVG },
  adjoint: tensorImpl((x) => ad.sum(ad.log(ad.abs(x))), 'sum(log(abs(x)))'),
  alternatives: [{ impl: 'adjoint-logAbsProd', ...tensorImpl((x) => ad.sum(ad.logAbsProd(x, 1).logAbs)) }],
};

/** All the pairs; `--only CM` (or CMW, CP, CUMPROD, LAP) runs one group. */
export default [
  ...[8, 16, 32, 64, 128].map((s) => chainWorkload(s)), ...[8, 16, 32, 64].map((s) => chainWorkload(s, true)),
  chainProductWorkload, cumprodWorkload, logAbsProdWorkload,
];
