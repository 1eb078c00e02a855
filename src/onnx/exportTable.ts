/**
 * @file The export table: for every primitive, its ONNX form, or why it has none.
 *
 * Kept here, keyed by primitive name, rather than as a hook on `Primitive`: how a graph format
 * spells an op is the exporter's business, not the op's. test/onnx/exportTable.test.ts checks
 * that every primitive the library defines is in exactly one of the three lists below, and runs
 * each mapped one on ONNX Runtime against adjoint's kernel.
 */
import type { Lowering } from './graph.js';
import { elementwiseRules } from './exportElementwise.js';
import { shapeRules } from './exportShape.js';
import { reduceRules } from './exportReduce.js';
import { linalgRules } from './exportLinalg.js';
import { specialRules } from './exportSpecial.js';
import { searchRules } from './exportSearch.js';

/** Primitive name → its ONNX form. */
export const exportRules: Readonly<Record<string, Lowering<unknown>>> = {
  ...elementwiseRules,
  ...shapeRules,
  ...reduceRules,
  ...linalgRules,
  ...specialRules,
  ...searchRules,
};

/** Primitives with no reasonable ONNX form, and why: exporting a function that uses one is an error naming it. */
export const notExportable: Readonly<Record<string, string>> = {
  lgamma: 'a special function with no ONNX operator (its series and recurrences do not reduce to a fixed graph of ONNX operators)',
  digamma: 'a special function with no ONNX operator',
  polygamma: 'a special function with no ONNX operator',
  erfinv: 'computed by Newton–Halley iterations to convergence, which a fixed ONNX graph does not express',
  // ad.special (src/special): series, continued fractions and Newton iterations run to convergence.
  gammainc: 'the incomplete gamma function: a series or continued fraction run to convergence, which a fixed ONNX graph does not express',
  gammaincc: 'the incomplete gamma function (as gammainc)',
  gammaincGradA: "gammainc's derivative in a, by its series or continued fraction (as gammainc)",
  gammaincDensity: "gammainc's derivative in x, x^(a-1) e^(-x)/Γ(a), through Stirling's remainder and lgamma (which has no ONNX operator)",
  gammaLogcdfTail: "log P(a, x) in the far lower tail by a series run to convergence in log form (as gammainc)",
  gammaLogcdfTailGradX: "the x-derivative of gammaLogcdfTail's log P, from the same series (as gammainc)",
  gammaLogcdfTailGradA: "the a-derivative of gammaLogcdfTail's log P, from the same series (as gammaincGradA)",
  gammaLogsfTail: "log Q(a, x) in the far upper tail by Legendre's continued fraction in log form (as gammaincc)",
  gammaLogsfTailGradX: "the x-derivative of gammaLogsfTail's log Q, from the same fraction (as gammaincc)",
  gammaLogsfTailGradA: "the a-derivative of gammaLogsfTail's log Q, from the same fraction (as gammaincGradA)",
  betainc: 'the incomplete beta function: a continued fraction run to convergence, which a fixed ONNX graph does not express',
  betaincGradA: "betainc's derivative in a (as betainc)",
  betaincGradB: "betainc's derivative in b (as betainc)",
  betaincc: "1 - betainc, computed as itself by the same continued fraction (as betainc)",
  betaLogcdfTail: "log I_x(a, b) in the far lower tail by betainc's continued fraction in log form (as betainc)",
  betaLogcdfTailGradX: "the x-derivative of betaLogcdfTail's log I, from the same fraction (as betainc)",
  betaLogcdfTailGradA: "the a-derivative of betaLogcdfTail's log I, from the same fraction (as betaincGradA)",
  betaLogcdfTailGradB: "the b-derivative of betaLogcdfTail's log I, from the same fraction (as betaincGradB)",
  betaLogsfTail: "log(1 - I_x(a, b)) in the far upper tail by betainc's continued fraction in log form (as betainc)",
  betaLogsfTailGradX: "the x-derivative of betaLogsfTail's log(1 - I), from the same fraction (as betainc)",
  betaLogsfTailGradA: "the a-derivative of betaLogsfTail's log(1 - I), from the same fraction (as betaincGradA)",
  betaLogsfTailGradB: "the b-derivative of betaLogsfTail's log(1 - I), from the same fraction (as betaincGradB)",
  betaln: 'log B(a, b) through lgamma, which has no ONNX operator',
  digammaDifference: "ψ(s + t) − ψ(s), betaln's derivatives, by a recurrence and the asymptotic series (as digamma)",
  factorial: 'Γ(n + 1) by a recurrence and Stirling\'s series (as lgamma)',
  i0: 'a Bessel function by a series of data-dependent length, with no ONNX operator',
  i0e: 'a Bessel function (as i0)',
  i1: 'a Bessel function (as i0)',
  i1e: 'a Bessel function (as i0)',
  besselIOverPower: "I_n(x)/x^n, i1's derivative (as i0)",
  besselIScaledDerivative: "the derivatives of i0e and i1e, by quadrature or an asymptotic series (as i0)",
  zeta: 'the Hurwitz zeta function by Euler–Maclaurin summation of data-dependent length, with no ONNX operator',
  // The rest of jax.scipy.special (helper 109): Γ and its ratios through Stirling's forms and lgamma, series and
  // continued fractions run to convergence, exact phase reductions in double-double.
  gamma: 'Γ(x) through Stirling\'s form and the reflection (as lgamma, no ONNX operator)',
  gammasgn: 'the sign of Γ: piecewise in the integer part of x and the sign of zero, not mapped to ONNX nodes yet',
  beta: 'B(a, b) from Γ and betaln\'s Stirling form (as gamma)',
  poch: 'the Pochhammer symbol from Γ ratios and Stirling differences (as gamma)',
  psiShift: "ψ(s + t) − ψ(s), beta's and poch's derivative, by recurrence and an asymptotic series (as digamma)",
  trigammaShift: "ψ′(s + t) − ψ′(s), the second derivatives of betaln, beta and poch, by recurrence and an asymptotic series (as digamma)",
  expn: 'the exponential integral E_n by a series or a continued fraction run to convergence',
  expi: 'the exponential integral Ei by series run to convergence (as expn)',
  spence: "Spence's function by a dilogarithm series (as expn)",
  logOverXMinusOne: "the derivatives of log x/(x − 1), spence's, by series run to convergence (as expn)",
  fresnelS: 'the Fresnel integral S by a series or a complex continued fraction (as expn)',
  fresnelC: 'the Fresnel integral C (as fresnelS)',
  fresnelPhase: "sin or cos of πx²/2 with x² in double-double, fresnel's derivative (exact reductions ONNX's Sin and Cos do not make)",
  hyp1f1: 'the confluent hypergeometric function by series, asymptotic series and recurrences chosen per element',
  hyp1f1GradA: "hyp1f1's derivative in a (as hyp1f1)",
  hyp1f1GradB: "hyp1f1's derivative in b (as hyp1f1)",
  besselJn: 'Bessel functions J₀ … J_v by series, Hankel expansions and recurrences chosen per element (as i0)',
  legendreP: 'the associated Legendre tables by recurrences over orders and degrees, with their z-derivatives',
  logNdtr: 'log Φ through the tail rational form of erfc and logs of it, not mapped to ONNX nodes yet',
  logNdtrSlope: "φ/Φ, logNdtr's derivative (as logNdtr)",
  logNdtrCurvature: "(φ/Φ)′, logNdtr's second derivative, by a continued fraction in the lower tail (as logNdtr)",
  logNdtrThird: "(φ/Φ)″, logNdtr's third derivative, by a continued fraction in the lower tail (as logNdtr)",
  ndtri: 'the normal quantile by Newton iterations to convergence, which a fixed ONNX graph does not express',
  erfcinv: 'erfc⁻¹ through the normal quantile (as ndtri)',
  ndtriSlope: "ndtri's derivative 1/(p·φ/Φ), through logNdtr's slope (as logNdtr)",
  erfcinvSlope: "erfcinv's derivative, through logNdtr's slope (as logNdtr)",
  erfcx: "e^(x²)·erfc(x) by Cody's rational forms, not mapped to ONNX nodes yet (erfc's graph multiplies by e^(-x²), which underflows where erfcx does not)",
  erfcxDerivative: "erfcx's derivatives by a power series or a recurrence run to convergence, which a fixed ONNX graph does not express",
  cholesky: 'a factorization: ONNX has no such operator',
  triangularSolve: 'a triangular solve: ONNX has no such operator',
  solve: 'a linear solve (an LU factorization): ONNX has no such operator',
  det: 'a determinant by factorization: ONNX Det has no float64 kernel in ONNX Runtime and no gradient form here',
  logAbsDet: 'a log-determinant by factorization: ONNX has no such operator',
  signDet: 'the sign of a determinant by factorization: ONNX has no such operator',
  nearSingular: "which determinants are numerically singular, read off a factorization (det's gradient): ONNX has no such operator",
  adjugateTranspose: "the adjugate from a singular value decomposition (det's gradient at a singular matrix): ONNX has no such operator",
  eigh: 'an eigendecomposition: ONNX has no such operator',
  qr: 'a QR factorization: ONNX has no such operator',
  svd: 'a singular value decomposition: ONNX has no such operator',
  pinv: 'a pseudo-inverse from a singular value decomposition: ONNX has no such operator',
  lu: 'an LU factorization with partial pivoting: ONNX has no such operator',
  expm: 'a matrix exponential whose scaling and Padé degree depend on the values: ONNX has no such operator',
  sylvester: 'a Sylvester equation solved over two real Schur forms (QR iterations to convergence): ONNX has no such operator',
  polar: 'a polar decomposition from a singular value decomposition: ONNX has no such operator',
  sqrtm: 'a matrix square root over a real Schur form (QR iterations to convergence): ONNX has no such operator',
  eisnerCharts: "Eisner's dynamic program as one kernel: ONNX has no such operator, and unrolled it is O(n³) nodes",
  eisnerMarginals: "the outside pass of Eisner's dynamic program as one kernel (as eisnerCharts)",
  eisnerLogZ: "log Z read from eisnerCharts' packed charts (which have no ONNX form)",
  semiMarkovCharts: 'the semi-Markov forward and backward passes as one kernel: ONNX has no such operator, and unrolled it is O(n·L) nodes per label pair',
  semiMarkovLogZ: "log Z read from semiMarkovCharts' packed charts (which have no ONNX form)",
  semiMarkovMarginals: 'the semi-Markov marginals from the packed charts, as one kernel (as semiMarkovCharts)',
  ctcCharts: "CTC's forward (α) recursion as one kernel: ONNX has no such operator, and unrolled it is O(T) nodes per sequence",
  ctcLogLikelihood: "log p read from ctcCharts' charts (which have no ONNX form)",
  ctcOccupations: 'the CTC state occupations by the backward (β) recursion, as one kernel (as ctcCharts)',
  gthTape: "the Matrix-Tree theorem's subtraction-free elimination as one kernel (a non-projective DependencyCRF, which also reads its scores to choose its route, so it does not record as a graph)",
  gthLogDet: "log det read from gthTape's tapes (which have no ONNX form)",
  gthAdjoint: "the adjoint of gthTape's elimination as one kernel (as gthTape)",
  prodCotangent: "prod's cotangent ḡ·L under a transformation as one kernel that scales each L_i by ḡ before it leaves the float64 range (no ONNX form); while exporting, prod's rules record ḡ·leaveOneOutProd instead, which exports",
  leaveOneOutTangent: "prod's second derivative H·t as one kernel with a rescaled fallback (no ONNX form); while exporting, prod's rules record the recurrences it stands for (cumprods), which export",
  cumprodTangent: "cumprod's tangent as one kernel with a rescaled fallback (no ONNX form); while exporting, cumprod's rules record the recurrences it stands for, which export",
  cumprodCotangent: "cumprod's cotangent under a transformation as one kernel with a rescaled fallback (as cumprodTangent; exporting records the recurrences instead)",
  cumprodHessian: "cumprod's second derivative Σ_k g_k H^k u as one kernel with a rescaled fallback (as cumprodTangent)",
  cumprodSecondTangent: "the derivative of cumprod's tangent in x (forward over forward) as one kernel with a rescaled fallback (as cumprodTangent)",
  randomNoise: "a sample drawn from a PRNG key's words (threefry-2x32, JAX's streams): ONNX's RandomNormal and RandomUniform take a seed attribute and their own generator, so no graph reproduces the draws",
  randomSplit: 'new PRNG keys hashed from a key (threefry-2x32): no ONNX operator (as randomNoise)',
  randomFoldIn: 'a PRNG key hashed from a key and an integer (threefry-2x32): no ONNX operator (as randomNoise)',
  randomKey: "a PRNG key made from a seed tensor: no ONNX operator (as randomNoise; the key's words depend on the seed's 64-bit pattern)",
};

/**
 * Primitives that live on the reverse-mode tape only and never reach a recorded program: under a
 * recording their forward pass arrives as the primitives it is made of (chainMatmul as matmuls),
 * and their backward rule as the ops it runs.
 */
export const tapeOnly: ReadonlySet<string> = new Set(['region', 'chainMatmul', 'chainMatmulStack', 'chainProduct']);
