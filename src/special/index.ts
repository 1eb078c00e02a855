/**
 * @file `ad.special`: the special functions under jax.scipy.special's names — the incomplete gamma
 * and beta functions, the normal CDF family, Bessel I₀/I₁, Hurwitz ζ — beside the library's
 * existing ones (lgamma as gammaln, digamma, polygamma, erf, erfc, erfinv, xlogy, logit); Γ itself, beta, poch, the
 * exponential integrals, spence, fresnel, bernoulli, hyp1f1, the Bessel J₀…J_v, the associated Legendre
 * functions and softmax under SciPy's axis default.
 */
export { lgamma, lgamma as gammaln, digamma, polygamma, erf, erfc, erfinv } from '../ops/special.js';
export { xlogy } from '../ops/logspace.js';
export { logit } from '../ops/activations.js';
export { gammainc, gammaincc, betaln, multigammaln } from './gamma.js';
export { betainc } from './beta.js';
export { i0, i0e, i1, i1e } from './bessel.js';
export { zeta } from './zeta.js';
export { ndtr, logNdtr, ndtri, erfcinv } from './normal.js';
export { erfcx } from './erfcx.js';
export { xlog1py, entr, relEntr, klDiv, factorial, expit, logsumexp } from './elementary.js';
export type { LogsumexpOptions } from './elementary.js';
export { gamma, gammasgn, beta, poch } from './gammaFunction.js';
export { expi, exp1, expn } from './expint.js';
export { spence, fresnel } from './spence.js';
export { bernoulli } from './bernoulli.js';
export { hyp1f1 } from './hyp1f1.js';
export { besselJn } from './besselJn.js';
export type { BesselJnOptions } from './besselJn.js';
export { lpmn, lpmnValues } from './legendre.js';
export { softmax, logSoftmax } from './softmax.js';
