// HG, the cost of one hypergradient: logistic regression (n = 1000, d = 256) with one L2 penalty
// per weight; θ* by ad.argmin, and dL_val/dλ (256 numbers) from one backward pass through it,
// timed against one gradient of the inner loss. Checked against a dense plain-JS reference.
import * as ad from 'adjoint';
import { symmetric, uniform } from '../data.mjs';
import { makeRow } from '../report.mjs';
import { compare } from '../check.mjs';
import { measure } from '../timing.mjs';

export const N = 1000, NV = 500, D = 256;

/** Data of a noisy linear classifier, from the xorshift streams of BENCHMARKS.md (seeds 61–65). */
export function setup() {
  const X = symmetric(N * D, 61, 1 / Math.sqrt(D));
  const Xv = symmetric(NV * D, 62, 1 / Math.sqrt(D));
  const w = symmetric(D, 63, 3);
  const label = (Xs, n, seed) => {
    const u = uniform(n, seed);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < D; j++) z += Xs[i * D + j] * w[j];
      y[i] = 1 / (1 + Math.exp(-z)) > u[i] ? 1 : 0;
    }
    return y;
  };
  const y = label(X, N, 64), yv = label(Xv, NV, 65);
  const lam = uniform(D, 66, (u) => 1e-3 * 10 ** (2 * u)); // penalties from 1e-3 to 1e-1
  const t = { X: ad.tensor(X, [N, D]), y: ad.tensor(y), Xv: ad.tensor(Xv, [NV, D]), yv: ad.tensor(yv), lam: ad.tensor(lam) };
  return { X, y, Xv, yv, lam, t };
}

const logLoss = (X, y) => (theta) => {
  const z = ad.matmul(X, theta);
  return ad.mean(ad.sub(ad.softplus(z), ad.mul(y, z)));
};
const innerLoss = (d, lam) => (theta) => ad.add(logLoss(d.t.X, d.t.y)(theta), ad.mul(0.5, ad.sum(ad.mul(lam, ad.square(theta)))));

// ---- plain: the inner gradient, and the hypergradient by a dense Hessian and Gaussian elimination ----

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** The inner loss's gradient at θ, in loops. */
export function plainGradient(d, theta) {
  const g = new Float64Array(D);
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < D; j++) z += d.X[i * D + j] * theta[j];
    const r = (sigmoid(z) - d.y[i]) / N;
    for (let j = 0; j < D; j++) g[j] += r * d.X[i * D + j];
  }
  for (let j = 0; j < D; j++) g[j] += d.lam[j] * theta[j];
  return g;
}

/** dL_val/dλ_j = −u_j θ*_j with (XᵀSX/n + diag λ) u = ∇L_val(θ*), S = diag(σ(1 − σ)). */
export function plainHypergradient(d, theta) {
  const H = new Float64Array(D * D);
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < D; j++) z += d.X[i * D + j] * theta[j];
    const s = sigmoid(z);
    const w = (s * (1 - s)) / N;
    for (let j = 0; j < D; j++) {
      const a = w * d.X[i * D + j];
      for (let k = 0; k < D; k++) H[j * D + k] += a * d.X[i * D + k];
    }
  }
  for (let j = 0; j < D; j++) H[j * D + j] += d.lam[j];
  const b = new Float64Array(D);
  for (let i = 0; i < NV; i++) {
    let z = 0;
    for (let j = 0; j < D; j++) z += d.Xv[i * D + j] * theta[j];
    const r = (sigmoid(z) - d.yv[i]) / NV;
    for (let j = 0; j < D; j++) b[j] += r * d.Xv[i * D + j];
  }
  // Gaussian elimination (H is SPD: no pivoting needed).
  for (let k = 0; k < D; k++) {
    for (let i = k + 1; i < D; i++) {
      const f = H[i * D + k] / H[k * D + k];
      for (let j = k; j < D; j++) H[i * D + j] -= f * H[k * D + j];
      b[i] -= f * b[k];
    }
  }
  const u = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < D; j++) s -= H[i * D + j] * u[j];
    u[i] = s / H[i * D + i];
  }
  return u.map((ui, j) => -ui * theta[j]);
}

/**
 * Times one inner gradient (plain and ad.valueAndGrad) and one hypergradient (plain dense, and the
 * backward pass through ad.argmin with exact and finite-difference HVPs, reusing one forward
 * solve via ad.vjp); the hypergradient's cost in inner-gradient units is the row's vg/own f.
 */
export function runHypergradient({ quick }) {
  const d = setup();
  const rows = [];
  const info = {};
  const solved = {};
  for (const hvp of ['exact', 'finiteDifference']) {
    solved[hvp] = ad.vjp((lam) => logLoss(d.t.Xv, d.t.yv)(ad.argmin(innerLoss(d, lam), ad.zeros([D]), { tol: 1e-10, hvp, info })), d.t.lam);
  }
  const theta = ad.argmin(innerLoss(d, d.t.lam), ad.zeros([D]), { tol: 1e-10 });
  const forwardIterations = info.iterations;
  const forwardEvaluations = info.evaluations;
  const thetaArr = theta.toFloat64Array();
  const reference = plainHypergradient(d, thetaArr);
  const settings = quick
    ? { warmupRuns: 2, warmupMs: 150, rounds: 2, budgetMs: 700, minRuns: 3, maxRuns: 60 }
    : { warmupRuns: 3, warmupMs: 400, rounds: 3, budgetMs: 2400, minRuns: 6, maxRuns: 200 };
  const vg = ad.valueAndGrad(innerLoss(d, d.t.lam));
  const cgIterations = {};
  const t = measure({
    plainG: () => plainGradient(d, thetaArr),
    plainHG: () => plainHypergradient(d, thetaArr),
    adjointG: () => vg(theta),
    exactHG: () => { const g = solved.exact[1](1)[0]; cgIterations.exact = info.adjoint.iterations; return g; },
    fdHG: () => { const g = solved.finiteDifference[1](1)[0]; cgIterations.fd = info.adjoint.iterations; return g; },
  }, settings);
  const check = (g) => {
    const c = compare({ hypergradient: [g.toFloat64Array(), reference] });
    return { note: c.failures.length ? `MISMATCH vs plain: ${c.failures.join('; ')}` : '', worst: c.worst };
  };
  const size = `logistic n=${N} d=${D}, ${D} penalties`;
  rows.push(makeRow({ workload: 'HG', impl: 'plain', size, fMs: t.plainG.ms, vgMs: t.plainHG.ms, plainFMs: t.plainG.ms,
    runs: { f: t.plainG.runs, vg: t.plainHG.runs }, note: 'f = inner gradient; vg = dense Hessian + elimination' }));
  const exact = check(solved.exact[1](1)[0]);
  const fd = check(solved.finiteDifference[1](1)[0]);
  // Finite differences are accurate to ~1e-6 relative here, short of compare()'s 1e-8: report, do not flag.
  rows.push(makeRow({ workload: 'HG', impl: 'adjoint', size, fMs: t.adjointG.ms, vgMs: t.exactHG.ms, plainFMs: t.plainG.ms,
    runs: { f: t.adjointG.runs, vg: t.exactHG.runs }, note: [`hvp exact; ${cgIterations.exact} CG iterations; vg/own f = hypergradient in inner gradients`, exact.note].filter(Boolean).join('; ') }));
  rows.push(makeRow({ workload: 'HG', impl: 'adjoint-fd', size, fMs: t.adjointG.ms, vgMs: t.fdHG.ms, plainFMs: t.plainG.ms,
    runs: { f: t.adjointG.runs, vg: t.fdHG.runs }, note: `hvp finiteDifference; ${cgIterations.fd} CG iterations; rel err ${fd.worst.toExponential(1)}` }));
  return {
    rows,
    summary: {
      exactUnits: t.exactHG.ms / t.adjointG.ms, fdUnits: t.fdHG.ms / t.adjointG.ms, cg: cgIterations,
      forwardIterations, forwardEvaluations, worst: exact.worst,
    },
  };
}
