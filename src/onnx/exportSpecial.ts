/**
 * @file ONNX forms of erf and erfc: adjoint's own kernel (W. J. Cody's rational Chebyshev
 * approximations, src/tensor/kernels/erf.ts) written as ONNX nodes — ONNX Runtime's Erf has no
 * float64 kernel, and its float32 one would not give adjoint's values. All three intervals are
 * evaluated and Where picks one, so a float64 graph equals the kernel to rounding.
 */
import { rules, type GraphBuilder, type Lowering } from './graph.js';
import { CODY } from '../tensor/kernels/erf.js';

const { A, B, C, D, P, Q, ONE_OVER_SQRT_PI, SMALL, ERFC_ZERO } = CODY;

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
function erfcLarge(g: GraphBuilder, yIn: string): string {
  const y = g.node('Min', [g.node('Max', [yIn, g.floats(SMALL)]), g.floats(ERFC_ZERO)]);
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

export const specialRules = rules({
  erf,
  erfc,
});
