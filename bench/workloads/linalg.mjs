// LA rows (issue #14, speed): cholesky, solve, eigh and slogdet at n = 256 and 512 against plain JavaScript loops of the same
// algorithms (bench/plain/linalg.mjs, bench/plain/eigh.mjs). f is the decomposition itself; vg is a value and gradient through it,
// against the hand-written gradient: logdet through Cholesky (A⁻¹ by potri), a solve (b̄ = A⁻ᵀw, Ā = −b̄xᵀ), the weighted sum of
// eigenvalues (V diag(w) Vᵀ).
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { cholesky, choleskyInverse, luFactor, luSolveVector, matmul } from '../plain/linalg.mjs';
import { eigh } from '../plain/eigh.mjs';

/** A = X Xᵀ/n + I, X[n,n] = 2u−1 (seed 101): symmetric positive definite, condition number about 5. */
function spd(n) {
  const x = symmetric(n * n, 101);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let p = 0; p < n; p++) s += x[i * n + p] * x[j * n + p];
    a[i * n + j] = a[j * n + i] = s / n + (i === j ? 1 : 0);
  }
  return a;
}

function setup(n) {
  const a = spd(n), b = symmetric(n, 102), w = symmetric(n, 103);
  return { n, a, b, w, A: ad.tensor(a, [n, n]), B: ad.tensor(b, [n, 1]), W: ad.tensor(w, [n]) };
}

const logdetOfL = (l, n) => { let s = 0; for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]); return 2 * s; };

const choleskyLogdet = (m) => ad.mul(2, ad.sum(ad.log(ad.linalg.diagonal(ad.linalg.cholesky(m)))));
const choleskyVG = ad.valueAndGrad(choleskyLogdet);
const slogdetVG = ad.valueAndGrad((m) => ad.linalg.slogdet(m).logAbsDet);
const solveLoss = (m, b, w) => ad.sum(ad.mul(ad.reshape(ad.linalg.solve(m, b), [-1]), w));
const solveVG = ad.valueAndGrad(solveLoss, [0, 1]);
const eighLoss = (m, w) => ad.sum(ad.mul(ad.linalg.eigh(m).values, w));
const eighVG = ad.valueAndGrad(eighLoss);

/** The plain log-determinant and its gradient A⁻¹ (potri from the factor). */
function plainLogdetVG(d) {
  const l = cholesky(d.a, d.n);
  return { value: logdetOfL(l, d.n), grads: { A: choleskyInverse(l, d.n) } };
}

function plainSolve(d) {
  const f = luFactor(d.a, d.n);
  const x = luSolveVector(f, d.b, d.n);
  let v = 0;
  for (let i = 0; i < d.n; i++) v += x[i] * d.w[i];
  return { f, x, v };
}

function plainEigh(d) {
  const values = new Float64Array(d.n), vectors = new Float64Array(d.n * d.n);
  eigh(Float64Array.from(d.a), 1, d.n, values, vectors);
  return { values, vectors };
}

const rows = (n) => [
  {
    id: 'LA-CHOL', size: `n=${n} (n³/3 flops)`, setup: () => setup(n),
    plain: { f: (d) => logdetOfL(cholesky(d.a, d.n), d.n), vg: plainLogdetVG },
    adjoint: { f: (d) => choleskyLogdet(d.A).item(), vg: (d) => { const [v, g] = choleskyVG(d.A); return { value: v.item(), grads: { A: g } }; }, note: 'logdet = 2 Σ log diag cholesky(a); plain vg: A⁻¹ by potri' },
  },
  {
    id: 'LA-SLOGDET', size: `n=${n} (SPD)`, setup: () => setup(n),
    plain: { f: (d) => logdetOfL(cholesky(d.a, d.n), d.n), vg: plainLogdetVG },
    adjoint: { f: (d) => ad.linalg.slogdet(d.A).logAbsDet.item(), vg: (d) => { const [v, g] = slogdetVG(d.A); return { value: v.item(), grads: { A: g } }; }, note: 'slogdet(a).logAbsDet; floor vg/f = 3' },
  },
  {
    id: 'LA-SOLVE', size: `n=${n}, 1 rhs (2n³/3 flops)`, setup: () => setup(n),
    plain: {
      f: (d) => plainSolve(d).v,
      vg: (d) => {
        const { f, x, v } = plainSolve(d);
        const bBar = luSolveVector(f, d.w, d.n, true);
        const aBar = new Float64Array(d.n * d.n);
        for (let i = 0; i < d.n; i++) for (let j = 0; j < d.n; j++) aBar[i * d.n + j] = -bBar[i] * x[j];
        return { value: v, grads: { A: aBar, b: bBar } };
      },
    },
    adjoint: { f: (d) => solveLoss(d.A, d.B, d.W).item(), vg: (d) => { const [v, [ga, gb]] = solveVG(d.A, d.B, d.W); return { value: v.item(), grads: { A: ga, b: gb } }; }, note: 'sum(w ∘ solve(a, b)); plain: LU, unblocked' },
  },
  {
    id: 'LA-EIGH', size: `n=${n} (tred2 + divide and conquer)`, setup: () => setup(n),
    plain: {
      f: (d) => { const { values } = plainEigh(d); let v = 0; for (let i = 0; i < d.n; i++) v += values[i] * d.w[i]; return v; },
      vg: (d) => {
        const { values, vectors } = plainEigh(d), n = d.n;
        let v = 0;
        for (let i = 0; i < n; i++) v += values[i] * d.w[i];
        // ∂/∂A Σ wᵢ λᵢ = V diag(w) Vᵀ (Giles 2008, §3.1).
        const vw = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vw[i * n + j] = vectors[i * n + j] * d.w[j];
        const vt = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[j * n + i] = vectors[i * n + j];
        return { value: v, grads: { A: matmul(vw, vt, n, n, n) } };
      },
    },
    adjoint: { f: (d) => eighLoss(d.A, d.W).item(), vg: (d) => { const [v, g] = eighVG(d.A, d.W); return { value: v.item(), grads: { A: g } }; }, note: 'sum(w ∘ eigh(a).values)' },
  },
];

export default [...rows(256), ...rows(512)];
