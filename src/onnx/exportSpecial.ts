/**
 * @file ONNX forms of erf, erfc, ndtr, the Gaussian e^{−cx²}, log(x/y) and x log(x/y) − x + y: adjoint's own kernel (W. J. Cody's rational Chebyshev
 * approximations, src/tensor/kernels/erf.ts) written as ONNX nodes — ONNX Runtime's Erf has no
 * float64 kernel, and its float32 one would not give adjoint's values. All three intervals are
 * evaluated and Where picks one, so a float64 graph equals the kernel to rounding.
 */
import { rules, type GraphBuilder, type Lowering } from './graph.js';
import { CODY } from '../tensor/kernels/erf.js';
import { log1p } from './exportElementwise.js';

const { A, B, C, D, P, Q, ONE_OVER_SQRT_PI, SMALL, ERFC_ZERO } = CODY;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SH = 0.7071067839860916, SL = Math.SQRT1_2 - SH, SQRT1_2_LO = -4.833646656726457e-17; // as src/special/kernels/normal.ts

/** The ratio num/den of Cody's form: num = ((c_last·t + c_0)·t + c_1)·t … + c_tail, den likewise (see erf.ts). */
function ratio(g: GraphBuilder, t: string, num: readonly number[], den: readonly number[], lead: number, steps: number): string {
  let n = g.node('Mul', [g.floats(num[lead]!), t]);
  let d = t;
  for (let i = 0; i < steps; i++) {
    n = g.node('Mul', [g.node('Add', [n, g.floats(num[i]!)]), t]);
    d = g.node('Mul', [g.node('Add', [d, g.floats(den[i]!)]), t]);
  }
  return g.node('Div', [g.node('Add', [n, g.floats(num[steps]!)]), g.node('Add', [d, g.floats(den[steps]!)])]);
}

/** erf(x) for |x| ≤ 0.46875: x·A(x²)/B(x²). */
const erfSmall = (g: GraphBuilder, x: string) => g.node('Mul', [x, ratio(g, g.node('Mul', [x, x]), A, B, 4, 3)]);

/**
 * erfc(y) for y in (0.46875, 27.3] (y clamped there first, so the branches Where discards stay
 * finite), e^{−y²} split as e^{−s²}·e^{−(y−s)(y+s)}, s = ⌊16y⌋/16. The clamp's floor is the
 * interval's own end, SMALL: a floor of 0.5 made every |x| in (0.46875, 0.5) compute erf(0.5).
 */
function erfcLarge(g: GraphBuilder, yIn: string, lo?: string): string {
  const y = g.node('Min', [g.node('Max', [yIn, g.floats(SMALL)]), g.floats(ERFC_ZERO)]);
  const near = ratio(g, y, C, D, 8, 7);
  const z = g.node('Reciprocal', [g.node('Mul', [y, y])]);
  const tail = g.node('Div', [g.node('Sub', [g.floats(ONE_OVER_SQRT_PI), g.node('Mul', [z, ratio(g, z, P, Q, 5, 4)])]), y]);
  const r0 = g.node('Where', [g.node('LessOrEqual', [y, g.floats(4)]), near, tail]);
  // erfc(y + lo) = erfc(y) − lo·(2/√π)e^{−y²} (ndtr's argument in double-double, as the kernel).
  const r = lo === undefined ? r0 : g.node('Sub', [r0, g.node('Mul', [lo, g.floats(TWO_OVER_SQRT_PI)])]);
  const s = g.node('Div', [g.node('Floor', [g.node('Mul', [y, g.floats(16)])]), g.floats(16)]);
  const e1 = g.node('Exp', [g.node('Neg', [g.node('Mul', [s, s])])]);
  const e2 = g.node('Exp', [g.node('Neg', [g.node('Mul', [g.node('Sub', [y, s]), g.node('Add', [y, s])])])]);
  return g.node('Mul', [g.node('Mul', [e1, e2]), r]);
}

const erf: Lowering<null> = (g, [input]) => {
  const x = input!.name;
  const y = g.node('Abs', [x]);
  const large = g.node('Where', [g.node('Greater', [y, g.floats(ERFC_ZERO)]), g.floats(1), g.node('Sub', [g.floats(1), erfcLarge(g, y)])]);
  const signed = g.node('Where', [g.node('Less', [x, g.floats(0)]), g.node('Neg', [large]), large]);
  return g.node('Where', [g.node('LessOrEqual', [y, g.floats(SMALL)]), erfSmall(g, x), signed]);
};

const erfc: Lowering<null> = (g, [input]) => {
  const x = input!.name;
  const y = g.node('Abs', [x]);
  const r = g.node('Where', [g.node('Greater', [y, g.floats(ERFC_ZERO)]), g.floats(0), erfcLarge(g, y)]);
  const signed = g.node('Where', [g.node('Less', [x, g.floats(0)]), g.node('Sub', [g.floats(2), r]), r]);
  return g.node('Where', [g.node('LessOrEqual', [y, g.floats(SMALL)]), g.node('Sub', [g.floats(1), erfSmall(g, x)]), signed]);
};

/**
 * Φ(x) as the kernel computes it (src/special/kernels/normal.ts): ½ erfc(hi) where hi = −x·SQRT1_2 ≤ 0.46875,
 * else ½ erfc(hi + lo) with lo the rest of −x/√2 (Dekker's product: x split in 26-bit halves by Veltkamp's
 * 2²⁷ + 1, SQRT1_2 = SH + SL, plus −x·(1/√2 − SQRT1_2)); 0 past hi = 27.3, where the split may overflow.
 */
const ndtr: Lowering<null> = (g, [input]) => {
  const x = input!.name;
  const hi = g.node('Mul', [x, g.floats(-Math.SQRT1_2)]);
  const c = g.node('Mul', [x, g.floats(134217729)]);
  const xh = g.node('Sub', [c, g.node('Sub', [c, x])]), xl = g.node('Sub', [x, xh]);
  const err = g.node('Add', [g.node('Add', [g.node('Add', [g.node('Add', [g.node('Mul', [xh, g.floats(SH)]), hi]),
    g.node('Mul', [xh, g.floats(SL)])]), g.node('Mul', [xl, g.floats(SH)])]), g.node('Mul', [xl, g.floats(SL)])]);
  const lo = g.node('Sub', [g.node('Neg', [err]), g.node('Mul', [x, g.floats(SQRT1_2_LO)])]);
  const corrected = g.node('Where', [g.node('Greater', [hi, g.floats(ERFC_ZERO)]), g.floats(0), erfcLarge(g, hi, lo)]);
  const plain = erfc(g, [{ ...input!, name: hi }], null, []);
  return g.node('Mul', [g.floats(0.5), g.node('Where', [g.node('Greater', [hi, g.floats(SMALL)]), corrected, plain])]);
};

/** e^{−c·x²} as its kernel (src/ops/special.ts): y = min(|x|, 40), h = ⌊16y⌋/16, e^{−c·h²}·e^{−c·(y − h)(y + h)}. */
const expNegSquare: Lowering<{ readonly c: number }> = (g, [input], { c }) => {
  const y = g.node('Min', [g.node('Abs', [input!.name]), g.floats(40)]);
  const h = g.node('Div', [g.node('Floor', [g.node('Mul', [y, g.floats(16)])]), g.floats(16)]);
  const e1 = g.node('Exp', [g.node('Mul', [g.floats(-c), g.node('Mul', [h, h])])]);
  const e2 = g.node('Exp', [g.node('Mul', [g.floats(-c), g.node('Mul', [g.node('Sub', [y, h]), g.node('Add', [y, h])])])]);
  // Past 40 the kernel's 0 (e^{−c·1600} underflows for c = 1, but not e^{−800} for c = ½ in every libm's last bit), ∞ for c < 0.
  return g.node('Where', [g.node('Greater', [g.node('Abs', [input!.name]), g.floats(40)]), g.floats(c > 0 ? 0 : Infinity), g.node('Mul', [e1, e2])]);
};

/** log(x/y) as its kernel (src/special/kernels/stirling.ts logRatio): log1p((x − y)/y) where |x − y| ≤ y/2, log(x/y) while the ratio is normal, log x − log y beyond. */
function logRatioNodes(g: GraphBuilder, x: string, y: string): string {
  const d = g.node('Sub', [x, y]), r = g.node('Div', [x, y]);
  const far = g.node('Sub', [g.node('Log', [x]), g.node('Log', [y])]);
  const mid = g.node('Where', [g.node('Greater', [r, g.floats(1e-300)]), g.node('Where', [g.node('Less', [r, g.floats(1e300)]), g.node('Log', [r]), far]), far]);
  // At y = ∞, ∞ ≤ ∞ would pick log1p(−∞/∞) = NaN: the kernel's −∞ (NaN for x = ∞ too) is log x − log y's.
  const close = g.node('And', [g.node('LessOrEqual', [g.node('Abs', [d]), g.node('Mul', [y, g.floats(0.5)])]), g.node('Less', [y, g.floats(Infinity)])]);
  return g.node('Where', [close, log1p(g, g.node('Div', [d, y])), mid]);
}
const logRatio: Lowering<null> = (g, [x, y]) => logRatioNodes(g, x!.name, y!.name);

/**
 * x log(x/y) − x + y as its kernel (klDivergence): where |x − y| < (x + y)/3, Loader's bd0 series
 * (x − y)v + 2xv·Σⱼ v^{2j}/(2j + 1), v = (x − y)/(x + y), to j = 18 (|v| < ⅓: the rest is below 1e−18); beyond,
 * x·log(x/y) + (y − x).
 */
const klDiv: Lowering<null> = (g, [xIn, yIn]) => {
  const x = xIn!.name, y = yIn!.name;
  const d = g.node('Sub', [x, y]), s = g.node('Add', [x, y]);
  const v = g.node('Div', [d, s]), v2 = g.node('Mul', [v, v]);
  let p = g.floats(1 / 37);
  for (let k = 35; k >= 3; k -= 2) p = g.node('Add', [g.node('Mul', [p, v2]), g.floats(1 / k)]);
  const series = g.node('Add', [g.node('Mul', [d, v]), g.node('Mul', [g.node('Mul', [g.node('Mul', [g.floats(2), x]), g.node('Mul', [v, v2])]), p])]);
  const far = g.node('Add', [g.node('Mul', [x, logRatioNodes(g, x, y)]), g.node('Sub', [y, x])]);
  const close = g.node('Less', [g.node('Abs', [d]), g.node('Div', [s, g.floats(3)])]);
  return g.node('Where', [close, series, far]);
};

export const specialRules = rules({
  erf,
  erfc,
  ndtr,
  expNegSquare,
  logRatio,
  klDiv,
});
