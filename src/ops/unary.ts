/** @file Elementwise ops of one operand: each a kernel and its local derivative, chained with a strong zero. */
import { apply, applyGeneral, applyScalar } from '../core/trace.js';
import { definePrimitive, type Primitive, type Saves } from '../core/primitive.js';
import { unaryKernel, unaryVjpKernel, type UnaryKernel, type UnaryVjpKernel } from '../tensor/kernels/unary.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, div, divStrong, greater, mul, sub } from './binary.js';
import { chain, linearTangent } from './rules.js';
import { broadcastingRule } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import { where } from './select.js';
import { checkOptionKeys } from './poolShapes.js';

/**
 * An elementwise op whose derivative is f'(x), given as a function of the saved input `x`
 * and/or output `y`. VJP: g · f'(x); JVP: t · f'(x) — both with a strong zero. With `fused`, the
 * first-order VJP is one kernel pass (unaryVjpKernel, the same bits) reading the one residual
 * the derivative uses: the input ('inputs') or the output ('output').
 */
function elementwise(name: UnaryKernel, saves: Saves, derivative: ((x: Tensor, y: Tensor) => Tensor) | null, fused?: UnaryVjpKernel, quotient = false): Primitive<null> {
  // With `quotient`, the derivative is 1/d and is applied as the strong quotient g/d (ops/binary.ts).
  const apply = quotient ? divStrong : chain;
  const prim: Primitive<null> = definePrimitive<null>({
    name,
    saves,
    forward: ([x]) => new Tensor(unaryKernel(name, x!.values), x!.shape),
    vjp: derivative && ((g, r) => [apply(g, derivative(r.inputs[0]!, r.out!))]),
    ...(fused && {
      fusedVjp: (g, r) => [new Tensor(unaryVjpKernel(fused, g.values, (saves === 'output' ? r.out! : r.inputs[0]!).values), g.shape)],
      freshCotangents: true, // a new buffer from the kernel
    }),
    jvp: derivative && (([t], [x], y) => (t === null ? null : apply(t!, derivative(x!, y)))),
    batch: broadcastingRule(() => prim),
  });
  return prim;
}

/** Applies `prim` to x; `extra`, the arguments a public op was given past x, are refused (core/extraArguments.ts). */
function call(prim: Primitive<null>, x: TensorLike, extra?: readonly unknown[]): Tensor {
  if (extra !== undefined && extra.length > 0) extraArguments(prim.name, `${prim.name}(x)`, extra, x);
  if (x instanceof Tensor) return applyScalar(prim, x, null) ?? applyGeneral(prim, [x], null); // 0-d first (core/scalarTape.ts)
  return apply(prim, [asTensor(x, prim.name)], null);
}

// Linear: the VJP and JVP are negation itself.
const negP: Primitive<null> = definePrimitive<null>({
  name: 'neg',
  saves: 'none',
  forward: ([x]) => new Tensor(unaryKernel('neg', x!.values), x!.shape),
  vjp: (g) => [neg(g)],
  jvp: ([t]) => linearTangent(t!, neg),
  batch: broadcastingRule(() => negP),
});

const expP = elementwise('exp', 'output', (_x, y) => y, 'exp'); // (eˣ)' = eˣ
const logP = elementwise('log', 'inputs', (x) => x, 'log', true); // (log x)' = 1/x, as g/x: finite at subnormal x
const log1pP = elementwise('log1p', 'inputs', (x) => reciprocal(add(x, 1)), 'log1p'); // 1/(1+x)
// eˣ from the input, not y + 1 from the output, which cancels for x ≪ 0 (expm1′(−20) lost 8 digits,
// expm1′(−40) was 0; PyTorch and JAX use y + 1). Costs an exp per element, and expm1 is not hot.
const expm1P = elementwise('expm1', 'inputs', (x) => exp(x), 'expm1');
const sqrtP = elementwise('sqrt', 'output', (_x, y) => div(0.5, y), 'sqrt'); // 1/(2√x); +∞ at 0
const squareP = elementwise('square', 'inputs', (x) => mul(2, x), 'square');
const absP = elementwise('abs', 'inputs', (x) => sign(x)); // abs'(0) = sign(0) = 0
const signP = elementwise('sign', 'none', null); // piecewise constant
// Round half to even (ops/rounding.ts builds floor, ceil and trunc on it): piecewise constant. A
// primitive, so that its zero derivative survives an ONNX export (Round) and import.
const roundP = elementwise('round', 'none', null);
const sinP = elementwise('sin', 'inputs', (x) => cos(x));
const cosP = elementwise('cos', 'inputs', (x) => neg(sin(x)));
const tanhP = elementwise('tanh', 'output', (_x, y) => sub(1, square(y)), 'tanh'); // 1 − tanh²
const sigmoidP = elementwise('sigmoid', 'output', (_x, y) => mul(y, sub(1, y)), 'sigmoid'); // σ(1 − σ)
const softplusP = elementwise('softplus', 'inputs', (x) => sigmoid(x)); // log(1+eˣ)' = σ(x)
const reluP = elementwise('relu', 'inputs', (x) => greater(x, 0), 'relu'); // relu'(0) = 0
const reciprocalP = elementwise('reciprocal', 'output', (_x, y) => neg(square(y)), 'reciprocal'); // (1/x)' = −1/x²

/** −x. @example ad.neg(ad.tensor([1, -2])) // [-1, 2] */
export function neg(x: TensorLike): Tensor;
export function neg(x: TensorLike, ...extra: unknown[]): Tensor { return call(negP, x, extra); }
/** eˣ. @example ad.exp(0) // 1 */
export function exp(x: TensorLike): Tensor;
export function exp(x: TensorLike, ...extra: unknown[]): Tensor { return call(expP, x, extra); }
/** Natural logarithm. @example ad.log(Math.E) // 1 */
export function log(x: TensorLike): Tensor;
export function log(x: TensorLike, ...extra: unknown[]): Tensor { return call(logP, x, extra); }
/** log(1 + x), accurate for small x. @example ad.log1p(1e-10) */
export function log1p(x: TensorLike): Tensor;
export function log1p(x: TensorLike, ...extra: unknown[]): Tensor { return call(log1pP, x, extra); }
/** eˣ − 1, accurate for small x. @example ad.expm1(1e-10) */
export function expm1(x: TensorLike): Tensor;
export function expm1(x: TensorLike, ...extra: unknown[]): Tensor { return call(expm1P, x, extra); }
/** √x; its derivative at 0 is +∞ (a zero cotangent still gives 0). @example ad.sqrt(ad.tensor([4, 9])) // [2, 3] */
export function sqrt(x: TensorLike): Tensor;
export function sqrt(x: TensorLike, ...extra: unknown[]): Tensor { return call(sqrtP, x, extra); }
/** x². @example ad.square(3) // 9 */
export function square(x: TensorLike): Tensor;
export function square(x: TensorLike, ...extra: unknown[]): Tensor { return call(squareP, x, extra); }
/** |x|; abs'(0) = 0. @example ad.abs(ad.tensor([-1, 2])) // [1, 2] */
export function abs(x: TensorLike): Tensor;
export function abs(x: TensorLike, ...extra: unknown[]): Tensor { return call(absP, x, extra); }
/** −1, 0 or 1 (no gradient). @example ad.sign(ad.tensor([-3, 0, 2])) // [-1, 0, 1] */
export function sign(x: TensorLike): Tensor;
export function sign(x: TensorLike, ...extra: unknown[]): Tensor { return call(signP, x, extra); }
/** x rounded half to even, signed zeros kept; derivative 0 (the public `ad.round` is ops/rounding.ts). @internal */
export function roundHalfEven(x: TensorLike): Tensor { return call(roundP, x); }
/** Sine. @example ad.sin(0) // 0 */
export function sin(x: TensorLike): Tensor;
export function sin(x: TensorLike, ...extra: unknown[]): Tensor { return call(sinP, x, extra); }
/** Cosine. @example ad.cos(0) // 1 */
export function cos(x: TensorLike): Tensor;
export function cos(x: TensorLike, ...extra: unknown[]): Tensor { return call(cosP, x, extra); }
/** Hyperbolic tangent. @example ad.tanh(0) // 0 */
export function tanh(x: TensorLike): Tensor;
export function tanh(x: TensorLike, ...extra: unknown[]): Tensor { return call(tanhP, x, extra); }
/** 1 / (1 + e⁻ˣ), computed without overflow. @example ad.sigmoid(0) // 0.5 */
export function sigmoid(x: TensorLike): Tensor;
export function sigmoid(x: TensorLike, ...extra: unknown[]): Tensor { return call(sigmoidP, x, extra); }
/** Options of `softplus` (torch.nn.functional.softplus's keywords). */
export interface SoftplusOptions {
  /** The sharpness β: log(1 + e^(βx))/β (default 1; a finite number other than 0). */
  readonly beta?: number | undefined;
  /** Where βx exceeds it, the value is x itself, as torch's (default 20). */
  readonly threshold?: number | undefined;
}

/**
 * log(1 + eˣ), computed without overflow. With options, torch.nn.functional.softplus:
 * log(1 + e^(βx))/β, and x itself where βx > threshold (derivative 1 there, σ(βx) elsewhere).
 * @example ad.softplus(0) // log 2
 */
export function softplus(x: TensorLike, options?: SoftplusOptions): Tensor;
export function softplus(x: TensorLike, options?: SoftplusOptions, ...extra: unknown[]): Tensor {
  // Not an object: one argument, or an Array method's index and array (xs.map(ad.softplus)), or torch's positional beta (refused).
  if (typeof options !== 'object' || options === null) {
    if (options !== undefined || extra.length > 0) extraArguments('softplus', 'softplus(x, options?)', [options, ...extra], x);
    return call(softplusP, x);
  }
  if (extra.length > 0) extraArguments('softplus', 'softplus(x, options?)', extra, options);
  return softplusWith(x, options);
}
/**
 * torch's softplus(x, beta, threshold) as a composite of the primitive: where(βx > threshold, x,
 * softplus(βx)/β). The one-argument softplus stays the primitive (its ONNX Softplus, its fused rules).
 */
function softplusWith(x: TensorLike, options: SoftplusOptions): Tensor {
  checkOptionKeys('softplus', options, ['beta', 'threshold']);
  const beta = options.beta ?? 1, threshold = options.threshold ?? 20;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta === 0) throw new InvalidArgumentError(`softplus: beta must be a finite number other than 0, got ${describe(beta)}.`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new InvalidArgumentError(`softplus: threshold must be a number, got ${describe(threshold)}.`);
  const t = asTensor(x, 'softplus');
  if (beta === 1 && threshold === Infinity) return call(softplusP, t);
  const scaled = beta === 1 ? t : mul(t, beta);
  const smooth = beta === 1 ? call(softplusP, scaled) : div(call(softplusP, scaled), beta);
  return where(greater(scaled, threshold), t, smooth);
}
/** max(x, 0); relu'(0) = 0. @example ad.relu(ad.tensor([-1, 2])) // [0, 2] */
export function relu(x: TensorLike): Tensor;
export function relu(x: TensorLike, ...extra: unknown[]): Tensor { return call(reluP, x, extra); }
/** 1/x. @example ad.reciprocal(ad.tensor([2, 4])) // [0.5, 0.25] */
export function reciprocal(x: TensorLike): Tensor;
export function reciprocal(x: TensorLike, ...extra: unknown[]): Tensor { return call(reciprocalP, x, extra); }
