/**
 * @file ONNX's elementwise operators in adjoint's ops: arithmetic (integer Div truncates),
 * activations, comparisons and logic, Where, Clip, Cast, the rounding functions (zero gradient,
 * as JAX's) and the identities (Identity, Dropout at inference). All broadcast as NumPy, as ONNX's
 * multidirectional broadcasting does.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, equal, greater, greaterEqual, less, lessEqual, maximum, minimum, mul, notEqual, pow, sub } from '../ops/binary.js';
import { abs, cos, exp, log, neg, reciprocal, relu, sigmoid, sign, sin, softplus, sqrt, tanh } from '../ops/unary.js';
import { clip, stopGradient, where } from '../ops/select.js';
import { erf } from '../ops/special.js';
import { ceil, floor, fmod, mod, round, trunc } from '../ops/rounding.js';
import { isnan } from '../ops/predicates.js';
import { elu, gelu as geluOf, leakyRelu, softsign } from '../ops/activations.js';
import { ones, zeros } from '../tensor/create.js';
import { astype } from '../ops/dtypes.js';
import { kindOf, oneNumber, same, type Kind, type OperatorDef, type Value } from './importNode.js';

// ---- Operator builders ----

type Fn1 = (x: Tensor) => Tensor;

/** A unary operator without attributes, keeping its input's kind. */
export function unary(fn: Fn1): OperatorDef {
  return { attributes: [], compile: () => ([x]) => [same(x!, fn(x!.tensor))] };
}

/** A unary operator with float attributes read at import. */
export function unaryWith(attributes: Record<string, number>, fn: (x: Tensor, a: Record<string, number>) => Tensor): OperatorDef {
  return {
    attributes: Object.keys(attributes),
    compile: (node) => {
      const a: Record<string, number> = {};
      for (const [name, fallback] of Object.entries(attributes)) a[name] = node.float(name, fallback);
      return ([x]) => [same(x!, fn(x!.tensor, a))];
    },
  };
}

/** A binary arithmetic operator: the result has the inputs' kind. */
function binary(fn: (a: Tensor, b: Tensor) => Tensor): OperatorDef {
  return { attributes: [], compile: () => ([a, b]) => [same(a!, fn(a!.tensor, b!.tensor))] };
}

/** A comparison or logical operator: a bool result. */
function predicate(fn: (a: Tensor, b: Tensor) => Tensor): OperatorDef {
  return { attributes: [], compile: () => ([a, b]) => [{ tensor: fn(a!.tensor, b!.tensor), kind: 'bool' }] };
}

/** Sum, Mean, Max, Min: any number of inputs, folded pairwise with broadcasting. */
function variadic(fn: (a: Tensor, b: Tensor) => Tensor, finish?: (t: Tensor, n: number) => Tensor): OperatorDef {
  return {
    attributes: [],
    compile: (node) => (inputs) => {
      if (inputs.length === 0) node.runError('needs at least one input.');
      let acc = inputs[0]!.tensor;
      for (let i = 1; i < inputs.length; i++) acc = fn(acc, inputs[i]!.tensor);
      return [same(inputs[0]!, finish ? finish(acc, inputs.length) : acc)];
    },
  };
}

/** Division; integers truncate toward zero, as C (and ONNX Runtime) do. */
const divOp: OperatorDef = {
  attributes: [],
  compile: () => ([a, b]) => {
    const q = div(a!.tensor, b!.tensor);
    return [same(a!, a!.kind === 'float' ? q : trunc(q))];
  },
};

/**
 * Mod: fmod = 1 is C's fmod (the dividend's sign), which the spec requires for floats; fmod = 0
 * (integers only) is Python's %, the divisor's sign — numpy.mod.
 */
const modOp: OperatorDef = {
  attributes: ['fmod'],
  compile: (node) => {
    const cFmod = node.oneOf('fmod', node.int('fmod', 0), [0, 1]) === 1;
    return ([a, b]) => {
      if (!cFmod && a!.kind === 'float') node.runError('Mod of floating-point inputs needs fmod = 1 (the ONNX specification).');
      return [same(a!, cFmod ? fmod(a!.tensor, b!.tensor) : mod(a!.tensor, b!.tensor))];
    };
  },
};

/** Casting by kind alone (CastLike, whose target's width a value does not carry): to float the values are kept (float32 is computed in float64), to integers truncated, to bool tested against 0. */
function castTo(v: Value, kind: Kind): Value {
  if (kind === v.kind || kind === 'float') return { tensor: v.tensor, kind };
  if (kind === 'bool') return { tensor: notEqual(v.tensor, 0), kind };
  return { tensor: v.kind === 'bool' ? v.tensor : trunc(v.tensor), kind };
}

/** The narrow float types a Cast rounds to (to nearest, ties to even; ±∞ past the largest finite value, as the spec says). */
const FLOAT_TYPES: Readonly<Record<number, 'float32' | 'float16' | 'bfloat16'>> = { 1: 'float32', 10: 'float16', 16: 'bfloat16' };
/** The integer types of up to 32 bits, as [bits, signed]: an integer cast out of range keeps the low bits (two's complement, the spec's example 200 → −56 in int8). */
const INT_TYPES: Readonly<Record<number, readonly [number, boolean]>> = { 2: [8, false], 3: [8, true], 4: [16, false], 5: [16, true], 6: [32, true], 12: [32, false] };

/** Cast to the element type `to`: castTo's kinds, then the target's width (ONNX Cast, "discard higher bits" between integers). */
function castToType(v: Value, to: number, kind: Kind): Value {
  const narrowFloat = FLOAT_TYPES[to];
  if (narrowFloat !== undefined) return { tensor: astype(v.tensor, narrowFloat), kind };
  const out = castTo(v, kind);
  const width = INT_TYPES[to];
  if (width === undefined || v.kind === 'bool') return out;
  // From floats out of range the spec leaves the result undefined; from integers, the low bits.
  const [bits, signed] = width, m = 2 ** bits;
  const low = mod(out.tensor, m); // in [0, m): numpy.mod takes the divisor's sign
  return { tensor: signed ? where(greaterEqual(low, m / 2), sub(low, m), low) : low, kind };
}

const cast: OperatorDef = {
  attributes: ['to', 'saturate'],
  compile: (node) => {
    const to = node.int('to', 0);
    const kind = kindOf(to) ?? node.fail(`casting to element type ${to} is not supported (float types, integer types and bool are).`);
    return ([x]) => [castToType(x!, to, kind)];
  },
};

const castLike: OperatorDef = {
  attributes: ['saturate'],
  compile: () => ([x, like]) => [castTo(x!, like!.kind)],
};

/** Clip: min and max as attributes before opset 11, as optional inputs from 11 on. */
const clipOp: OperatorDef = {
  attributes: ['min', 'max'],
  compile: (node) => {
    if (node.opset < 11) {
      const lo = node.float('min', -Infinity), hi = node.float('max', Infinity);
      return ([x]) => [same(x!, clip(x!.tensor, lo, hi))];
    }
    return ([x, lo, hi]) => [same(x!, clip(x!.tensor, lo?.tensor ?? -Infinity, hi?.tensor ?? Infinity))];
  },
};

/** Dropout at inference is the identity; its mask (if asked for) is all true. Training mode is not supported. */
const dropout: OperatorDef = {
  attributes: ['ratio', 'seed', 'is_test'],
  staticInputs: [2],
  compile: (node) => {
    if (node.opset < 7 && node.int('is_test', 0) === 0) node.fail('Dropout in training mode (is_test = 0) is not supported; adjoint imports models for inference and fine-tuning.');
    return ([x, , training]) => {
      if (training !== undefined && oneNumber(node, training, 'training_mode') !== 0) {
        node.runError('Dropout in training mode is not supported; adjoint imports models for inference and fine-tuning.');
      }
      const out = [x!];
      if (node.outputs.length > 1) out.push({ tensor: ones(x!.tensor.shape), kind: 'bool' });
      return out;
    };
  },
};

// Gaussian error linear unit (opset 20): x Φ(x), or its tanh approximation (Hendrycks & Gimpel 2016).
const gelu: OperatorDef = {
  attributes: ['approximate'],
  compile: (node) => {
    const mode = node.oneOf('approximate', node.string('approximate', 'none'), ['none', 'tanh']);
    return ([x]) => [same(x!, geluOf(x!.tensor, { approximate: mode === 'tanh' }))];
  },
};

/** IsInf: +∞ and/or −∞ as detect_positive / detect_negative say. */
const isInf: OperatorDef = {
  attributes: ['detect_positive', 'detect_negative'],
  compile: (node) => {
    const positive = node.int('detect_positive', 1) === 1, negative = node.int('detect_negative', 1) === 1;
    return ([x]) => {
      const t = x!.tensor;
      const hit = positive && negative ? equal(abs(t), Infinity) : positive ? equal(t, Infinity) : negative ? equal(t, -Infinity) : zeros(t.shape);
      return [{ tensor: hit, kind: 'bool' }];
    };
  },
};

/** where(cond, x, y): the branch values' kind. */
const whereOp: OperatorDef = {
  attributes: [],
  compile: () => ([c, a, b]) => [same(a!, where(c!.tensor, a!.tensor, b!.tensor))],
};

/** Identity (and its cousins that only pass a value on). */
const identity: OperatorDef = { attributes: [], compile: () => ([x]) => [x!] };

// SELU's constants are float32 attributes: these are their defaults as ONNX writes them.
const SELU_ALPHA = 1.67326319217681884765625;
const SELU_GAMMA = 1.05070102214813232421875;

/** Elementwise operators by ONNX name. */
export const ELEMENTWISE: Record<string, OperatorDef> = {
  Add: binary(add),
  Sub: binary(sub),
  Mul: binary(mul),
  Div: divOp,
  Pow: binary(pow),
  Mod: modOp,
  Neg: unary(neg),
  Abs: unary(abs),
  Exp: unary(exp),
  Log: unary(log),
  Sqrt: unary(sqrt),
  Reciprocal: unary(reciprocal),
  Sin: unary(sin),
  Cos: unary(cos),
  Sum: variadic(add),
  Mean: variadic(add, (t, n) => div(t, n)),
  Max: variadic(maximum),
  Min: variadic(minimum),
  Relu: unary(relu),
  // LeakyRelu: x for x ≥ 0, αx below.
  LeakyRelu: unaryWith({ alpha: 0.01 }, (x, { alpha }) => leakyRelu(x, alpha!)),
  // PRelu: LeakyRelu with a slope tensor that broadcasts to x.
  PRelu: binary((x, slope) => where(less(x, 0), mul(x, slope), x)),
  // Elu: α(eˣ − 1) for x < 0 (expm1, no cancellation near 0), x from 0 on.
  Elu: unaryWith({ alpha: 1 }, (x, { alpha }) => elu(x, alpha!)),
  // Selu: γ·elu(x, α).
  Selu: unaryWith({ alpha: SELU_ALPHA, gamma: SELU_GAMMA }, (x, { alpha, gamma }) => mul(gamma!, elu(x, alpha!))),
  Tanh: unary(tanh),
  Sigmoid: unary(sigmoid),
  Softplus: unary(softplus),
  // Softsign: x / (1 + |x|).
  Softsign: unary(softsign),
  Gelu: gelu,
  Erf: unary(erf),
  // HardSigmoid: max(0, min(1, αx + β)).
  HardSigmoid: unaryWith({ alpha: 0.2, beta: 0.5 }, (x, { alpha, beta }) => clip(add(mul(alpha!, x), beta!), 0, 1)),
  // HardSwish: x · HardSigmoid(x) with α = 1/6, β = 1/2.
  HardSwish: unary((x) => mul(x, clip(add(mul(1 / 6, x), 0.5), 0, 1))),
  Sign: unary((x) => sign(stopGradient(x))),
  Floor: unary(floor),
  Ceil: unary(ceil),
  Round: unary(round),
  Equal: predicate(equal),
  Less: predicate(less),
  Greater: predicate(greater),
  LessOrEqual: predicate(lessEqual),
  GreaterOrEqual: predicate(greaterEqual),
  And: predicate(mul),
  Or: predicate(maximum),
  Xor: predicate(notEqual),
  Not: { attributes: [], compile: () => ([x]) => [{ tensor: sub(1, x!.tensor), kind: 'bool' }] },
  IsNaN: { attributes: [], compile: () => ([x]) => [{ tensor: isnan(x!.tensor), kind: 'bool' }] },
  IsInf: isInf,
  Where: whereOp,
  Clip: clipOp,
  Cast: cast,
  CastLike: castLike,
  Identity: identity,
  Dropout: dropout,
};

