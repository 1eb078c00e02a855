/**
 * @file ONNX forms of erf and erfc: adjoint's own kernel (W. J. Cody's rational Chebyshev
 * approximations, src/tensor/kernels/erf.ts) written as ONNX nodes — ONNX Runtime's Erf has no
 * float64 kernel, and its float32 one would not give adjoint's values. All three intervals are
 * evaluated and Where picks one, so a float64 graph equals the kernel to rounding.
 */
import type { GraphBuilder, Lowering } from './graph.js';

// Cody's coefficients (SPECFUN CALERF), as in src/tensor/kernels/erf.ts.
const A = [3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
const C = [
  5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1, 2.98635138197400131e2,
  8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3,
  3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3,
];
const P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const Q = [2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SMALL = 0.46875;
const ERFC_ZERO = 27.3;

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

/** erfc(y) for y in (0.46875, 27.3] (y clamped there first), e^{−y²} split as e^{−s²}·e^{−(y−s)(y+s)}, s = ⌊16y⌋/16. */
function erfcLarge(g: GraphBuilder, yIn: string): string {
  const y = g.node('Min', [g.node('Max', [yIn, g.floats(0.5)]), g.floats(ERFC_ZERO)]);
  const near = ratio(g, y, C, D, 8, 7);
  const z = g.node('Reciprocal', [g.node('Mul', [y, y])]);
  const tail = g.node('Div', [g.node('Sub', [g.floats(ONE_OVER_SQRT_PI), g.node('Mul', [z, ratio(g, z, P, Q, 5, 4)])]), y]);
  const r = g.node('Where', [g.node('LessOrEqual', [y, g.floats(4)]), near, tail]);
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

export const specialRules: Record<string, Lowering<unknown>> = {
  erf: erf as Lowering<unknown>,
  erfc: erfc as Lowering<unknown>,
};
