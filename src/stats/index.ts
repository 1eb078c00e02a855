/**
 * @file `ad.stats`: the distributions of jax.scipy.stats, one namespace per family, each with
 * the functions JAX gives it (logpdf/pdf or logpmf/pmf, cdf, logcdf, sf, logsf, ppf, isf). Arguments
 * broadcast; outside the support a log-density is −∞; invalid parameters (a scale ≤ 0) give NaN,
 * as SciPy and JAX; a non-tensor or shapes that do not broadcast throw an AdjointError naming the function.
 */
export * as norm from './norm.js';
export * as t from './t.js';
export * as beta from './beta.js';
export * as lognorm from './lognorm.js';
export { gamma, chi2 } from './gamma.js';
export { expon, laplace, logistic, cauchy, uniform } from './locationScale.js';
export { gumbelR, gumbelL } from './gumbel.js';
export { poisson, bernoulli, binom, geom } from './discrete.js';
export { dirichlet, multivariateNormal } from './multivariate.js';
export * as truncnorm from './truncnorm.js';
export * as pareto from './pareto.js';
export * as gennorm from './gennorm.js';
export { vonmises, wrapcauchy } from './circular.js';
export { nbinom, betabinom } from './overdispersed.js';
export { multinomial } from './multinomial.js';
export { mode, rankdata, sem } from './sampleStatistics.js';
export { gaussianKde } from './gaussianKde.js';
export type { GaussianKde, GaussianKdeOptions, BandwidthMethod } from './gaussianKde.js';
export type { ModeOptions, ModeResult, RankMethod, RankdataOptions, SemOptions, NanPolicy } from './sampleStatistics.js';
