/**
 * @file Scalar erf⁻¹ and erf in float64, by the algorithms XLA uses for `lax.erf_inv` and
 * `lax.erf` on f64 (xla/hlo/builder/lib/math.cc), so that `normal` and `truncatedNormal` follow
 * JAX's x64 values (up to the last-bit differences of `log1p`/`exp` between platforms' libms).
 * Kernels for the samplers: the differentiable `ad.erfinv`/`ad.erf` ops are a separate matter.
 */

// Giles (2010), "Approximating the erfinv function" (GPU Computing Gems, Jade Edition), the
// double-precision version: a polynomial in w − 3.125 for w = −log(1 − x²) < 6.25, in √w − 3.25
// for w < 16, and in √w − 5 beyond; highest degree first, for Horner's rule.
const CENTRAL = [
  -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18, 1.115787767802518096e-17,
  -1.333171662854620906e-16, 2.0972767875968561637e-17, 6.6376381343583238325e-15, -4.0545662729752068639e-14,
  -8.1519341976054721522e-14, 2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
  1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08, 4.2347877827932403518e-07,
  -1.3654692000834678645e-06, -1.3882523362786468719e-05, 0.0001867342080340571352, -0.00074070253416626697512,
  -0.0060336708714301490533, 0.24015818242558961693, 1.6536545626831027356,
];
const TAIL = [
  2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07, 1.8239629214389227755e-08,
  1.5027403968909827627e-06, -4.013867526981545969e-06, 2.9234449089955446044e-06, 1.2475304481671778723e-05,
  -4.7318229009055733981e-05, 6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
  0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066, -0.0037512085075692412107,
  0.005370914553590063617, 1.0052589676941592334, 3.0838856104922207635,
];
const FAR_TAIL = [
  -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09, -3.7894654401267369937e-09,
  7.6157012080783393804e-09, -1.4960026627149240478e-08, 2.9147953450901080826e-08, -6.7711997758452339498e-08,
  2.2900482228026654717e-07, -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
  7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026, 1.0103004648645343977,
  4.8499064014085844221,
];

/** p(w) by Horner's rule, highest coefficient first (XLA's `EvaluatePolynomial`). */
function horner(c: readonly number[], w: number): number {
  let p = c[0]!;
  for (let i = 1; i < c.length; i++) p = p * w + c[i]!;
  return p;
}

/** erf⁻¹(x) for x in [−1, 1] (±Infinity at ±1, NaN outside), relative error about 1e−16 (Giles). */
export function erfinv(x: number): number {
  if (Math.abs(x) === 1) return x * Infinity;
  const w = -Math.log1p(-x * x);
  if (w < 6.25) return horner(CENTRAL, w - 3.125) * x;
  if (w < 16) return horner(TAIL, Math.sqrt(w) - 3.25) * x;
  return horner(FAR_TAIL, Math.sqrt(w) - 5) * x;
}

// Cephes (Moshier) ndtr.c: erf(x) = x T(x²)/U(x²) for |x| < 1; erfc(x) = e^{−x²} P(|x|)/Q(|x|) for
// 1 ≤ |x| < 8 and e^{−x²} R(|x|)/S(|x|) beyond; the coefficients XLA's ErfImpl64/ErfcImpl64 use.
const T = [9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3, 5.55923013010394962768e4];
const U = [1, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4, 4.92673942608635921086e4];
const P = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0, 4.86371970985681366614e1,
  1.96520832956077098242e2, 5.26445194995477358631e2, 9.3452852717195760754e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const Q = [
  1, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2,
  1.82390916687909736289e3, 2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const R = [5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0, 6.16021097993053585195e0, 7.4097426995044893916e0, 2.9788666537210024067e0];
const S = [1, 2.2605286322011727659e0, 9.39603524938001434673e0, 1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198e0, 3.3690764510008151605e0];
/** Beyond this −x², e^{−x²} underflows: erfc is 0. */
const MAXLOG = 7.09782712893383996843e2;

/** erfc(x) for |x| ≥ 1 (XLA's ErfcImpl64). */
function erfcTail(x: number): number {
  const z = -x * x, a = Math.abs(x);
  let y = a < 8 ? (Math.exp(z) * horner(P, a)) / horner(Q, a) : (Math.exp(z) * horner(R, a)) / horner(S, a);
  if (z < -MAXLOG) y = 0;
  return x < 0 ? 2 - y : y;
}

/**
 * The log of erfcTail's rational factor, log erfc(x) + x² for x ≥ 1: smooth, about −log(x√π).
 * Past 1e8 that asymptote is exact in doubles (the next term is −1/(2x²)), and the polynomials'
 * x⁶ would overflow past 1e51.
 */
export function logErfcFactor(x: number): number {
  if (x > 1e8) return -Math.log(x) - 0.5 * Math.log(Math.PI);
  return Math.log(erfcFactor(x));
}

/** erfcTail's rational factor itself, erfc(x)·e^{x²} for 1 ≤ x ≤ 1e8 (no log and exp round trip for its callers). */
export function erfcFactor(x: number): number {
  return x < 8 ? horner(P, x) / horner(Q, x) : horner(R, x) / horner(S, x);
}

/** log erfc(x) for x ≥ 1, without underflow: −x² plus the log of erfcTail's rational factor. */
export function logErfcTail(x: number): number {
  return -x * x + logErfcFactor(x);
}

/** erf(x), as XLA's f64 Erf: the rational form below 1 in magnitude, 1 − erfc(x) above. */
export function erf(x: number): number {
  if (Math.abs(x) < 1) {
    const z = x * x;
    return (x * horner(T, z)) / horner(U, z);
  }
  return 1 - erfcTail(x);
}
