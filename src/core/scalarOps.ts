/**
 * @file The 0-d elementwise ops on numbers: their codes, what each computes (exactly the
 * expression its Float64Array kernel evaluates per element), an interpreter for runs of them and
 * their JavaScript source for generated code. Shared by the scalar tape (core/scalarTape.ts) and
 * recorded jit programs (jit/program.ts, jit/programLoops.ts).
 */

import { quotientStrong } from '../tensor/kernels/quotient.js';
import { ieeePow } from '../tensor/kernels/pow.js';

/**
 * Op codes. Binary ops take two inputs, unary ops one; IMPORT stands for a general tape node, CONST for a constant.
 * A const enum, so the backward walk's switch has literal cases (V8 then emits a jump table).
 */
export const enum Op {
  IMPORT = 0, ADD = 1, SUB = 2, MUL = 3, DIV = 4, MUL_STRONG = 5, POW = 6, MAXIMUM = 7, MINIMUM = 8,
  NEG = 9, EXP = 10, LOG = 11, LOG1P = 12, EXPM1 = 13, SQRT = 14, SQUARE = 15, ABS = 16,
  SIN = 17, COS = 18, TANH = 19, SIGMOID = 20, SOFTPLUS = 21, RELU = 22, RECIPROCAL = 23,
  // Comparisons: no derivative, so never taped; their codes only identify them.
  GREATER = 24, GREATER_EQUAL = 25, LESS = 26, LESS_EQUAL = 27, EQUAL = 28, NOT_EQUAL = 29, SIGN = 30,
  /** A constant operand: its adjoint is dropped. */
  CONST = 31,
  /** The strong quotient of derivative rules (`divStrong`: g/x, 0 where g = 0; tensor/kernels/quotient.ts). */
  DIV_STRONG = 32,
}

/**
 * Op codes below this are the 0-d ops; a recorded program's other slot kinds (jit/program.ts:
 * INPUT, CONSTANT, GENERAL) and the fused groups' WHERE (jit/elementwiseCodegen.ts) lie above it.
 */
export const SCALAR_CODE_LIMIT = 48;

/** In a recorded program (jit/program.ts): a 0-d constant, whose value is already in the numbers column. */
export const SCALAR_CONSTANT: number = Op.CONST;

/** Strong-zero product, as the `mulStrong` kernel: 0 when either factor is 0, whatever the other. */
export function strong(g: number, d: number): number {
  return g === 0 || d === 0 ? 0 : g * d;
}

/** sign(0) = 0 and sign(NaN) = NaN, as the `sign` kernel. */
export function signOf(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}

/** The stable sigmoid of the `sigmoid` kernel. */
export function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** One op on numbers: exactly the expression its Float64Array kernel evaluates per element. */
export type ScalarFn = (a: number, b: number) => number;

/** Primitive name → op code (read by definePrimitive) and the op on numbers. */
export const SCALAR_OPS: ReadonlyMap<string, { code: number; fn: ScalarFn }> = new Map(([
  ['add', Op.ADD, (a, b) => a + b],
  ['sub', Op.SUB, (a, b) => a - b],
  ['mul', Op.MUL, (a, b) => a * b],
  ['div', Op.DIV, (a, b) => a / b],
  ['mulStrong', Op.MUL_STRONG, strong],
  ['divStrong', Op.DIV_STRONG, quotientStrong],
  ['pow', Op.POW, ieeePow],
  ['maximum', Op.MAXIMUM, (a, b) => Math.max(a, b)],
  ['minimum', Op.MINIMUM, (a, b) => Math.min(a, b)],
  ['neg', Op.NEG, (a) => -a],
  ['exp', Op.EXP, (a) => Math.exp(a)],
  ['log', Op.LOG, (a) => Math.log(a)],
  ['log1p', Op.LOG1P, (a) => Math.log1p(a)],
  ['expm1', Op.EXPM1, (a) => Math.expm1(a)],
  ['sqrt', Op.SQRT, (a) => Math.sqrt(a)],
  ['square', Op.SQUARE, (a) => a * a],
  ['abs', Op.ABS, (a) => Math.abs(a)],
  ['sin', Op.SIN, (a) => Math.sin(a)],
  ['cos', Op.COS, (a) => Math.cos(a)],
  ['tanh', Op.TANH, (a) => Math.tanh(a)],
  ['sigmoid', Op.SIGMOID, sigmoidOf],
  ['softplus', Op.SOFTPLUS, (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)))],
  ['relu', Op.RELU, (a) => (a > 0 ? a : a === a ? 0 : a)],
  ['reciprocal', Op.RECIPROCAL, (a) => 1 / a],
  ['greater', Op.GREATER, (a, b) => (a > b ? 1 : 0)],
  ['greaterEqual', Op.GREATER_EQUAL, (a, b) => (a >= b ? 1 : 0)],
  ['less', Op.LESS, (a, b) => (a < b ? 1 : 0)],
  ['lessEqual', Op.LESS_EQUAL, (a, b) => (a <= b ? 1 : 0)],
  ['equal', Op.EQUAL, (a, b) => (a === b ? 1 : 0)],
  ['notEqual', Op.NOT_EQUAL, (a, b) => (a !== b ? 1 : 0)],
  ['sign', Op.SIGN, signOf],
] as Array<[string, number, ScalarFn]>).map(([name, code, fn]) => [name, { code, fn }]));

const SCALAR_FNS: ScalarFn[] = [];
for (const { code, fn } of SCALAR_OPS.values()) SCALAR_FNS[code] = fn;

/**
 * The op of `code` on numbers: the common ops spelled out in a switch with literal cases (a jump
 * table, measured faster on W6 than calling through SCALAR_FNS), the rest through SCALAR_FNS.
 * test/scalarTape.test.ts checks every op against its Float64Array kernel bit for bit.
 */
export function scalarForward(code: number, a: number, b: number): number {
  switch (code) {
    case Op.ADD: return a + b;
    case Op.SUB: return a - b;
    case Op.MUL: return a * b;
    case Op.DIV: return a / b;
    case Op.MUL_STRONG: return strong(a, b);
    case Op.POW: return ieeePow(a, b);
    case Op.MAXIMUM: return Math.max(a, b);
    case Op.MINIMUM: return Math.min(a, b);
    case Op.NEG: return -a;
    case Op.EXP: return Math.exp(a);
    case Op.LOG: return Math.log(a);
    case Op.LOG1P: return Math.log1p(a);
    case Op.EXPM1: return Math.expm1(a);
    case Op.SQRT: return Math.sqrt(a);
    case Op.SQUARE: return a * a;
    case Op.ABS: return Math.abs(a);
    case Op.SIN: return Math.sin(a);
    case Op.COS: return Math.cos(a);
    case Op.TANH: return Math.tanh(a);
    default: return SCALAR_FNS[code]!(a, b);
  }
}

/**
 * Runs consecutive 0-d ops of a recorded program (jit/program.ts) on the numbers column `v`:
 * slot k gets op code[k] of slots a[k] and b[k] (a unary op has b = a). Stops at the first slot
 * whose code is not a scalar op (SCALAR_CODE_LIMIT or more) and returns its index, or `to`. The common ops are
 * spelled out as in `scalarForward`, whose results they equal bit for bit.
 */
export function runScalars(code: Uint8Array, a: Int32Array, b: Int32Array, v: Float64Array, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = code[k]!;
    if (c >= SCALAR_CODE_LIMIT) return k;
    const x = v[a[k]!]!;
    switch (c) {
      case Op.CONST: break; // a constant: its value is in place
      case Op.ADD: v[k] = x + v[b[k]!]!; break;
      case Op.SUB: v[k] = x - v[b[k]!]!; break;
      case Op.MUL: v[k] = x * v[b[k]!]!; break;
      case Op.DIV: v[k] = x / v[b[k]!]!; break;
      case Op.MUL_STRONG: { const y = v[b[k]!]!; v[k] = x === 0 || y === 0 ? 0 : x * y; break; }
      case Op.NEG: v[k] = -x; break;
      case Op.EXP: v[k] = Math.exp(x); break;
      case Op.LOG: v[k] = Math.log(x); break;
      case Op.SQUARE: v[k] = x * x; break;
      case Op.SIN: v[k] = Math.sin(x); break;
      case Op.COS: v[k] = Math.cos(x); break;
      case Op.TANH: v[k] = Math.tanh(x); break;
      default: v[k] = scalarForward(c, x, v[b[k]!]!);
    }
  }
  return to;
}

/** Whether op `code` reads two inputs (the rest of the scalar ops read one). */
export function scalarArity(code: number): 1 | 2 {
  return (code >= Op.ADD && code <= Op.MINIMUM) || (code >= Op.GREATER && code <= Op.NOT_EQUAL) || code === Op.DIV_STRONG ? 2 : 1;
}

/**
 * The JavaScript expression of op `code` on the expressions `x` and `y` (plain identifiers), for
 * generated code (jit/programLoops.ts): the same expression as `scalarForward`, so the results
 * are equal bit for bit; `sf` names scalarForward itself, for the ops not spelled out here.
 */
export function scalarExpression(code: number, x: string, y: string): string {
  switch (code) {
    case Op.ADD: return `${x} + ${y}`;
    case Op.SUB: return `${x} - ${y}`;
    case Op.MUL: return `${x} * ${y}`;
    case Op.DIV: return `${x} / ${y}`;
    case Op.MUL_STRONG: return `(${x} === 0 || ${y} === 0 ? 0 : ${x} * ${y})`;
    case Op.NEG: return `-${x}`;
    case Op.EXP: return `Math.exp(${x})`;
    case Op.LOG: return `Math.log(${x})`;
    case Op.SQUARE: return `${x} * ${x}`;
    case Op.SIN: return `Math.sin(${x})`;
    case Op.COS: return `Math.cos(${x})`;
    case Op.TANH: return `Math.tanh(${x})`;
    default: return `sf(${code}, ${x}, ${y})`;
  }
}
