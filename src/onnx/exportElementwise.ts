/**
 * @file ONNX forms of the elementwise primitives: the unary and binary ops, comparisons, where,
 * trigonometry and log-space helpers. ONNX broadcasts as NumPy does, as adjoint does.
 *
 * Where ONNX has the op but ONNX Runtime's CPU provider has no float64 kernel for it (Tan, Asin,
 * Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, Erf), or has no such op (log1p, expm1), the op is
 * written with ones it has, in forms accurate to a few ulps, so an exported float64 graph gives
 * adjoint's values to about 1e-15 relative.
 */
import { rules, type GraphBuilder, type Lowering } from './graph.js';

type Unary = (g: GraphBuilder, x: string) => string;
type Binary = (g: GraphBuilder, a: string, b: string) => string;

const op1 = (opType: string): Unary => (g, x) => g.node(opType, [x]);
const op2 = (opType: string): Binary => (g, a, b) => g.node(opType, [a, b]);

const add = (g: GraphBuilder, a: string, b: string) => g.node('Add', [a, b]);
const sub = (g: GraphBuilder, a: string, b: string) => g.node('Sub', [a, b]);
const mul = (g: GraphBuilder, a: string, b: string) => g.node('Mul', [a, b]);
const div = (g: GraphBuilder, a: string, b: string) => g.node('Div', [a, b]);
const where = (g: GraphBuilder, c: string, a: string, b: string) => g.node('Where', [c, a, b]);
const eq = (g: GraphBuilder, a: string, b: string) => g.node('Equal', [a, b]);
const isInf = (g: GraphBuilder, x: string) => g.node('IsInf', [x]);

/**
 * log1p(x) = log(u) · x / (u − 1) with u = 1 + x, and x itself where u − 1 = 0 (Goldberg, "What
 * every computer scientist should know about floating-point arithmetic", Theorem 4): the rounding
 * of 1 + x cancels between log(u) and u − 1, leaving a few ulps. +∞ stays +∞.
 */
export const log1p: Unary = (g, x) => {
  const u = add(g, g.floats(1), x);
  const d = sub(g, u, g.floats(1));
  // log(u)·(x/d), not (log(u)·x)/d: the product overflows for x past 2.5e305 (3.8e36 in float32), where log1p does not.
  const ratio = mul(g, g.node('Log', [u]), div(g, x, d));
  // +∞ stays +∞; −∞ (like every x < −1) goes through the ratio, to NaN as Math.log1p.
  return where(g, g.node('Or', [eq(g, d, g.floats(0)), eq(g, x, g.floats(Infinity))]), x, ratio);
};

/**
 * expm1(x) = (u − 1) · x / log(u) with u = eˣ (Kahan's form, the same cancellation argument):
 * x where u = 1, −1 where u − 1 = −1, and u where u = +∞.
 */
export const expm1: Unary = (g, x) => {
  const u = g.node('Exp', [x]);
  const d = sub(g, u, g.floats(1));
  // d·(x/log u), not (d·x)/log u: the product overflows for x in (709.08, 709.78), where eˣ − 1 does not.
  const ratio = mul(g, d, div(g, x, g.node('Log', [u])));
  const small = where(g, eq(g, u, g.floats(1)), x, ratio);
  return where(g, g.node('Or', [eq(g, d, g.floats(-1)), isInf(g, u)]), d, small);
};

/** The stable sigmoid of adjoint's kernel: 1/(1 + e^{−|x|}) for x ≥ 0, e^{−|x|}/(1 + e^{−|x|}) below. */
const sigmoid: Unary = (g, x) => {
  const e = g.node('Exp', [g.node('Neg', [g.node('Abs', [x])])]);
  const d = add(g, g.floats(1), e);
  return where(g, g.node('GreaterOrEqual', [x, g.floats(0)]), g.node('Reciprocal', [d]), div(g, e, d));
};

/** softplus(x) = max(x, 0) + log1p(e^{−|x|}), adjoint's kernel: no overflow for large x. */
const softplus: Unary = (g, x) =>
  add(g, g.node('Max', [x, g.floats(0)]), log1p(g, g.node('Exp', [g.node('Neg', [g.node('Abs', [x])])])));

/**
 * atan by Cephes' atan.c (S. Moshier): reduce |x| to [0, 0.66] with atan(x) = π/2 − atan(1/x)
 * above tan(3π/8) and π/4 + atan((x − 1)/(x + 1)) above 0.66, then z + z·w·P(w)/Q(w), w = z²
 * (relative error about 1e-16); the sign restored at the end.
 */
const P = [-8.750608600031904122785e-1, -1.615753718733365076637e1, -7.500855792314704667340e1, -1.228866684490136173410e2, -6.485021904942025371773e1];
const Q = [2.485846490142306297962e1, 1.650270098316988542046e2, 4.328810604912902668951e2, 4.853903996359136964868e2, 1.945506571482613964425e2];
const T3P8 = 2.41421356237309504880; // tan(3π/8)
const MOREBITS = 6.123233995736765886130e-17; // π/2 − fl(π/2)
export const atan: Unary = (g, x) => {
  const f = (v: number) => g.floats(v);
  const ax = g.node('Abs', [x]);
  const big = g.node('Greater', [ax, f(T3P8)]);
  const mid = g.node('Greater', [ax, f(0.66)]);
  // The reduced argument and the base angle (with Cephes' extra bits of π/2 and π/4).
  const zBig = g.node('Neg', [div(g, f(1), ax)]);
  const zMid = div(g, sub(g, ax, f(1)), add(g, ax, f(1)));
  const z = where(g, big, zBig, where(g, mid, zMid, ax));
  const base = where(g, big, f(Math.PI / 2), where(g, mid, f(Math.PI / 4), f(0)));
  const extra = where(g, big, f(MOREBITS), where(g, mid, f(0.5 * MOREBITS), f(0)));
  const w = mul(g, z, z);
  let p = f(P[0]!);
  for (let i = 1; i < P.length; i++) p = add(g, mul(g, p, w), f(P[i]!));
  let q = add(g, w, f(Q[0]!));
  for (let i = 1; i < Q.length; i++) q = add(g, mul(g, q, w), f(Q[i]!));
  const poly = add(g, mul(g, mul(g, z, w), div(g, p, q)), z);
  const y = add(g, base, add(g, poly, extra));
  return mul(g, g.node('Sign', [x]), y);
};

/**
 * atan2(y, x) from atan(y/x) and the quadrant, as Math.atan2 (IEEE 754): the signs of zeros count
 * (atan2(±0, −0) = ±π, atan2(±0, +0) = ±0, atan2(±0, x < 0) = ±π), ±π/2 on the y axis, ±π/4 and
 * ±3π/4 for two infinities (where y/x is NaN), and NaN for a NaN operand.
 */
const atan2: Binary = (g, y, x) => {
  const f = (v: number) => g.floats(v);
  // Sign bits, zeros included: v < 0, or 1/v < 0 for v = −0 (1/(−0) = −∞).
  const signBit = (v: string) => g.node('Or', [g.node('Less', [v, f(0)]), g.node('Less', [div(g, f(1), v), f(0)])]);
  const negY = signBit(y), negX = signBit(x);
  const ySign = where(g, negY, f(-1), f(1));
  const base = atan(g, div(g, y, x));
  const shifted = where(g, negX, add(g, base, mul(g, ySign, f(Math.PI))), base);
  const onYAxis = where(g, eq(g, y, f(0)), where(g, negX, mul(g, ySign, f(Math.PI)), y), mul(g, ySign, f(Math.PI / 2)));
  const corners = mul(g, ySign, where(g, negX, f((3 * Math.PI) / 4), f(Math.PI / 4)));
  const value = where(g, eq(g, x, f(0)), onYAxis, where(g, g.node('And', [isInf(g, x), isInf(g, y)]), corners, shifted));
  return where(g, g.node('Or', [g.node('IsNaN', [x]), g.node('IsNaN', [y])]), f(NaN), value);
};

/** hypot(a, b) = m·√((a/m)² + (b/m)²) with m = max(|a|, |b|), 0 where m = 0: no overflow or underflow. */
const hypot: Binary = (g, a, b) => {
  const aa = g.node('Abs', [a]), ab = g.node('Abs', [b]);
  const m = g.node('Max', [aa, ab]);
  const safe = where(g, eq(g, m, g.floats(0)), g.floats(1), m);
  const ra = div(g, aa, safe), rb = div(g, ab, safe);
  const scaled = mul(g, m, g.node('Sqrt', [add(g, mul(g, ra, ra), mul(g, rb, rb))]));
  // An infinite side gives +∞, even beside NaN (IEEE 754 hypot, Math.hypot); ∞/∞ would be NaN.
  return where(g, g.node('Or', [isInf(g, a), isInf(g, b)]), g.floats(Infinity), scaled);
};

/**
 * asin(x) = atan(x / √((1 − x)(1 + x))); acos(x) = 2 atan(√((1 − x)/(1 + x))), which stays accurate
 * near 1, where π/2 − asin(x) cancels (a relative error of 1e-11 at 1 − 1e-10). NaN outside [−1, 1].
 */
const asin: Unary = (g, x) => atan(g, div(g, x, g.node('Sqrt', [mul(g, sub(g, g.floats(1), x), add(g, g.floats(1), x))])));
const acos: Unary = (g, x) =>
  mul(g, g.floats(2), atan(g, g.node('Sqrt', [div(g, sub(g, g.floats(1), x), add(g, g.floats(1), x))])));

/**
 * An odd function from its form on |x|: sign(x)·f(|x|), with ±0 (and NaN) passed through. The
 * forms below are accurate for arguments ≥ 0 only (fdlibm evaluates these functions the same way).
 */
const odd = (g: GraphBuilder, x: string, f: (a: string) => string): string =>
  where(g, eq(g, x, g.floats(0)), x, mul(g, g.node('Sign', [x]), f(g.node('Abs', [x]))));
/**
 * Past |x| = 709 (float64; 88 in float32), e^{|x|} overflows before sinh and cosh do (up to 710.48;
 * 89.41 in float32): e^{|x|}/2 as (e^{|x|/2}/2)·e^{|x|/2}.
 */
const largeExp = (g: GraphBuilder): number => (g.dtype === 'float64' ? 709 : 88);
const halfExp = (g: GraphBuilder, a: string): string => {
  const h = g.node('Exp', [mul(g, a, g.floats(0.5))]);
  return mul(g, mul(g, h, g.floats(0.5)), h);
};
/**
 * sinh(x) = sign(x)·(u + u/(u + 1))/2 with u = expm1(|x|) ≥ 0: no cancellation near 0, and none for
 * x < 0 (where u + 1 = eˣ would be all rounding); u/(u + 1) as 1 − 1/(u + 1) once u > 1 (finite at ∞).
 */
const sinh: Unary = (g, x) => odd(g, x, (a) => {
  const u = expm1(g, a);
  const u1 = add(g, u, g.floats(1));
  const w = where(g, g.node('Greater', [u, g.floats(1)]), sub(g, g.floats(1), g.node('Reciprocal', [u1])), div(g, u, u1));
  return where(g, g.node('Greater', [a, g.floats(largeExp(g))]), halfExp(g, a), mul(g, g.floats(0.5), add(g, u, w)));
});
const cosh: Unary = (g, x) => {
  const a = g.node('Abs', [x]);
  const e = g.node('Exp', [a]);
  return where(g, g.node('Greater', [a, g.floats(largeExp(g))]), halfExp(g, a), mul(g, g.floats(0.5), add(g, e, g.node('Reciprocal', [e]))));
};
/** Past 2^28, asinh and acosh are log(2x) to rounding (the next term is 1/(4x²)); their forms below would square x into ∞. */
const HUGE = 2 ** 28;
const log2x = (g: GraphBuilder, a: string) => add(g, g.node('Log', [a]), g.floats(Math.LN2));
/** asinh(x) = sign(x) log1p(|x| + x²/(1 + √(1 + x²))): no cancellation for small |x|. */
const asinh: Unary = (g, x) => odd(g, x, (a) => {
  const a2 = mul(g, a, a);
  const t = add(g, a, div(g, a2, add(g, g.floats(1), g.node('Sqrt', [add(g, g.floats(1), a2)]))));
  return where(g, g.node('Greater', [a, g.floats(HUGE)]), log2x(g, a), log1p(g, t));
});
/** acosh(x) = log1p(t + √(2t + t²)) with t = x − 1 (exact for x near 1); NaN below 1. */
const acosh: Unary = (g, x) => {
  const t = sub(g, x, g.floats(1));
  const near = log1p(g, add(g, t, g.node('Sqrt', [add(g, mul(g, g.floats(2), t), mul(g, t, t))])));
  const value = where(g, g.node('Greater', [x, g.floats(HUGE)]), log2x(g, x), near);
  return where(g, g.node('Less', [x, g.floats(1)]), g.floats(NaN), value);
};
/** atanh(x) = sign(x)·½ log1p(2|x|/(1 − |x|)): on |x|, since for x near −1, 1 + 2x/(1 − x) cancels. */
const atanh: Unary = (g, x) => odd(g, x, (a) =>
  mul(g, g.floats(0.5), log1p(g, div(g, mul(g, g.floats(2), a), sub(g, g.floats(1), a)))));
const tan: Unary = (g, x) => div(g, g.node('Sin', [x]), g.node('Cos', [x]));

/** logaddexp as adjoint's kernel: a + log 2 where a = b (∓∞ included), else max + log1p(e^{−|a − b|}). */
const logaddexp: Binary = (g, a, b) => {
  const general = add(g, g.node('Max', [a, b]), log1p(g, g.node('Exp', [g.node('Neg', [g.node('Abs', [sub(g, a, b)])])])));
  return where(g, eq(g, a, b), add(g, a, g.floats(Math.LN2)), general);
};
/** xlogy(x, y) = x log y, and 0 where x = 0 unless y is NaN. */
const xlogy: Binary = (g, x, y) => {
  const zero = g.node('And', [eq(g, x, g.floats(0)), g.node('Not', [g.node('IsNaN', [y])])]);
  return where(g, zero, mul(g, x, g.floats(0)), mul(g, x, g.node('Log', [y])));
};
/** mulStrong: the product, and exactly 0 where either factor is 0 (0 · ∞ = 0: the strong zero). */
export const mulStrong: Binary = (g, a, b) => {
  const zero = g.node('Or', [eq(g, a, g.floats(0)), eq(g, b, g.floats(0))]);
  return where(g, zero, g.floats(0), mul(g, a, b));
};

/**
 * divStrong: g/x as adjoint's kernel computes it — exactly 0 where g = 0 (even at x = 0) or 1/x = 0,
 * g/x where 1/x overflows at a non-zero x, and g·(1/x) elsewhere (Div alone rounded differently,
 * which a gradient's cancellations made 1e−12 relative).
 */
const divStrong: Binary = (g, a, b) => {
  const r = g.node('Reciprocal', [b]);
  const zero = g.node('Or', [eq(g, a, g.floats(0)), eq(g, r, g.floats(0))]);
  const overflow = g.node('And', [g.node('IsInf', [r]), g.node('Not', [eq(g, b, g.floats(0))])]);
  return where(g, zero, g.floats(0), where(g, overflow, g.node('Div', [a, b]), mul(g, a, r)));
};

/** A comparison's 0/1 result. */
const compare = (opType: string, negate = false): Binary => (g, a, b) => {
  const c = g.node(opType, [a, b]);
  return g.toFloat(negate ? g.node('Not', [c]) : c);
};

/**
 * log_base x = ln(x)·log_base(e), moved onto k where x is base^k for an integer k (k = Round of
 * it), as adjoint's kernel, which rounds correctly, is exact there; elsewhere within an ulp or two
 * of it. 10^k for k < 0 as 1/10^(−k): one rounding, the literal 1ek's (Pow(10, −5) need not be 1e-5).
 */
const logBase = (base: 2 | 10): Unary => (g, x) => {
  const r = mul(g, g.node('Log', [x]), g.floats(base === 2 ? Math.LOG2E : Math.LOG10E));
  const k = g.node('Round', [r]);
  const up = g.node('Pow', [g.floats(base), g.node('Abs', [k])]);
  const power = where(g, g.node('Less', [k, g.floats(0)]), g.node('Reciprocal', [up]), up);
  return where(g, eq(g, power, x), k, r);
};

const unaryOps: Record<string, Unary> = {
  neg: op1('Neg'), exp: op1('Exp'), log: op1('Log'), log1p, expm1, sqrt: op1('Sqrt'),
  square: (g, x) => mul(g, x, x), abs: op1('Abs'), sign: op1('Sign'), round: op1('Round'), sin: op1('Sin'), cos: op1('Cos'),
  tanh: op1('Tanh'), sigmoid, softplus, relu: op1('Relu'), reciprocal: op1('Reciprocal'), stopGradient: op1('Identity'),
  tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, log2: logBase(2), log10: logBase(10),
  // ∛x = sign(x)·|x|^⅓: within an ulp or two of Math.cbrt (Pow(27, ⅓) is 3 + 4e-16), odd in x.
  cbrt: (g, x) => mul(g, g.node('Sign', [x]), g.node('Pow', [g.node('Abs', [x]), g.floats(1 / 3)])),
};

const binaryOps: Record<string, Binary> = {
  add: op2('Add'), sub: op2('Sub'), mul: op2('Mul'), div: op2('Div'), pow: op2('Pow'),
  maximum: op2('Max'), minimum: op2('Min'), mulStrong, divStrong,
  greater: compare('Greater'), greaterEqual: compare('GreaterOrEqual'), less: compare('Less'),
  lessEqual: compare('LessOrEqual'), equal: compare('Equal'), notEqual: compare('Equal', true),
  atan2, hypot, logaddexp, xlogy,
  // u/hypot(u, v), hypot's derivative (0 where hypot is 0).
  hypotSlope: (g, u, v) => {
    const h = hypot(g, u, v);
    return where(g, eq(g, h, g.floats(0)), g.floats(0), div(g, u, h));
  },
  // C's fmod (std::fmod in ONNX Runtime's Mod kernel): exact, with the dividend's sign, as JavaScript's %.
  fmod: (g, a, b) => g.node('Mod', [a, b], { fmod: 1 }),
};

/** where(c, a, b): a where c ≠ 0 (NaN counts as true, as in adjoint's kernel), else b. */
const whereLowering: Lowering<null> = (g, [c, a, b]) =>
  where(g, g.node('Not', [eq(g, c!.name, g.floats(0))]), a!.name, b!.name);

/** The elementwise rules by primitive name (erf and erfc are in exportSpecial.ts). */
export const elementwiseRules = rules({ where: whereLowering });
for (const [name, f] of Object.entries(unaryOps)) elementwiseRules[name] = (g, [x]) => f(g, x!.name);
for (const [name, f] of Object.entries(binaryOps)) elementwiseRules[name] = (g, [a, b]) => f(g, a!.name, b!.name);
