// W10, Gaussian-process log marginal likelihood (BENCHMARKS.md): n = 512 points tᵢ = i/n, y = sin(6t) + 0.1(2u−1) (seed 61),
// squared-exponential kernel k(s, t) = σf² exp(−(s − t)²/(2ℓ²)) + σn² δ with ℓ = 0.2, σf² = 1, σn² = 0.01; the value
// −½ yᵀK⁻¹y − ½ log det K − (n/2) log 2π through cholesky, choleskySolve and the log-determinant (2 Σ log Lᵢᵢ), and its
// gradient with respect to θ = (log ℓ, log σf, log σn). Plain: a hand-written Cholesky and solves in Float64Array loops, and
// the hand-written gradient ½ tr((ααᵀ − K⁻¹) ∂K/∂θ) (Rasmussen & Williams 2006, eq. 5.9) with K⁻¹ from the factor (potri).
import * as ad from 'adjoint';
import { uniform } from '../data.mjs';
import { cholesky, choleskyInverse, choleskySolveVector } from '../plain/linalg.mjs';

const n = 512;
const THETA = [Math.log(0.2), 0, Math.log(0.1)];

function setup() {
  const t = Float64Array.from({ length: n }, (_, i) => i / n);
  const noise = uniform(n, 61, (u) => 0.1 * (2 * u - 1));
  const y = Float64Array.from(t, (ti, i) => Math.sin(6 * ti) + noise[i]);
  const T = ad.tensor(t, [n]), Y = ad.tensor(y, [n, 1]);
  const sq = ad.square(ad.sub(ad.reshape(T, [n, 1]), ad.reshape(T, [1, n]))); // (tᵢ − tⱼ)², a constant
  const eye = ad.eye(n);
  const logMarginal = (theta) => {
    const [logLength, logSignal, logNoise] = [0, 1, 2].map((i) => ad.reshape(ad.slice(theta, [i], [1]), []));
    const k = ad.mul(ad.exp(ad.mul(2, logSignal)), ad.exp(ad.mul(sq, ad.mul(-0.5, ad.exp(ad.mul(-2, logLength))))));
    const kyy = ad.add(k, ad.mul(ad.exp(ad.mul(2, logNoise)), eye));
    const l = ad.linalg.cholesky(kyy);
    const alpha = ad.linalg.choleskySolve(l, Y);
    const logdet = ad.mul(2, ad.sum(ad.log(ad.linalg.diagonal(l))));
    return ad.sub(ad.mul(-0.5, ad.add(ad.sum(ad.mul(Y, alpha)), logdet)), (n / 2) * Math.log(2 * Math.PI));
  };
  return { t, y, theta: ad.tensor(THETA), logMarginal, vg: ad.valueAndGrad(logMarginal) };
}

/** K, its factor and α = K⁻¹y, by hand; with `grads`, the gradient from K⁻¹. */
function plain(d, grads) {
  const { t, y } = d;
  const [ell, sf, sn] = THETA.map(Math.exp);
  const se = new Float64Array(n * n), kyy = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    const r = t[i] - t[j], v = sf * sf * Math.exp((-0.5 * r * r) / (ell * ell));
    se[i * n + j] = se[j * n + i] = v;
    kyy[i * n + j] = kyy[j * n + i] = v + (i === j ? sn * sn : 0);
  }
  const l = cholesky(kyy, n);
  const alpha = choleskySolveVector(l, y, n);
  let fit = 0, logdet = 0;
  for (let i = 0; i < n; i++) { fit += y[i] * alpha[i]; logdet += Math.log(l[i * n + i]); }
  const value = -0.5 * fit - logdet - (n / 2) * Math.log(2 * Math.PI);
  if (!grads) return value;
  // ∂K/∂log ℓ = K_se ∘ (tᵢ − tⱼ)²/ℓ², ∂K/∂log σf = 2 K_se, ∂K/∂log σn = 2σn² I; gᵢ = ½ Σ (ααᵀ − K⁻¹) ∘ ∂K/∂θᵢ.
  const kInv = choleskyInverse(l, n);
  let gl = 0, gs = 0, gn = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const w = alpha[i] * alpha[j] - kInv[i * n + j], k = se[i * n + j], r = t[i] - t[j];
    gl += w * k * (r * r) / (ell * ell);
    gs += w * 2 * k;
    if (i === j) gn += w * 2 * sn * sn;
  }
  return { value, grads: { theta: [0.5 * gl, 0.5 * gs, 0.5 * gn] } };
}

export default {
  id: 'W10',
  size: 'n=512, GP log marginal',
  setup,
  plain: { f: (d) => plain(d, false), vg: (d) => plain(d, true) },
  adjoint: {
    f: (d) => d.logMarginal(d.theta).item(),
    vg: (d) => { const [v, g] = d.vg(d.theta); return { value: v.item(), grads: { theta: g } }; },
    note: 'cholesky, choleskySolve, 2 Σ log diag L',
  },
};
