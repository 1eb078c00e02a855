/**
 * @file What samplers share: checking the sample shape against one key's stream, reading a
 * parameter (a number, or a tensor that broadcasts to the sample), and shifting and scaling a
 * standard sample with derivatives kept (the reparameterisation x = shift + scale · ε).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add, mul } from '../ops/binary.js';
import { checkableValues, checkedSize } from '../tensor/checks.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { describe } from '../tensor/describe.js';
import { checkShape, formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { MAX_STREAM_WORDS } from './threefry.js';

/**
 * The number of elements of a sample of `shape` drawn with `wordsPerValue` 32-bit words each,
 * checked: a valid shape, within one key's stream (see MAX_STREAM_WORDS).
 */
export function sampleSize(op: string, shape: Shape, wordsPerValue: number): number {
  const n = checkedSize(op, shape);
  if (n * wordsPerValue > MAX_STREAM_WORDS) {
    throw new ShapeError(
      `${op}: a sample of shape ${formatShape(shape)} needs ${n * wordsPerValue} random words, more than one key's stream ` +
        `(2^32 - 2); draw it in pieces, one key from ad.random.split per piece.`,
    );
  }
  return n;
}

/**
 * A sampler's optional sample shape: undefined where it is left out (undefined or null: the
 * parameters' shape), else checked as a shape — a number or a string there would otherwise meet
 * the broadcasting code (`shape.join is not a function`).
 */
export function optionalShape(op: string, shape: unknown): Shape | undefined {
  if (shape === undefined || shape === null) return undefined;
  checkShape(shape as Shape, op);
  return shape as Shape;
}

/** A parameter as given: a number, or a tensor (possibly being differentiated). */
export type Param = number | Tensor;

/** Checks that `v` is a number or a tensor whose shape broadcasts to the sample's `shape`. */
export function param(op: string, name: string, v: unknown, shape: Shape): Param {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new InvalidArgumentError(`${op}: ${name} is NaN; pass a number.`);
    return v;
  }
  if (!(v instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a number or a tensor, got ${describe(v)}; pass a number, or ad.tensor(values).`);
  }
  if (!broadcastsTo(v.shape, shape)) {
    throw new ShapeError(
      `${op}: ${name} of shape ${formatShape(v.shape)} does not broadcast to the sample shape ${formatShape(shape)}; ` +
        `pass a sample shape that ends with ${formatShape(v.shape)} (axes of 1 may differ), or reshape ${name}.`,
    );
  }
  return v;
}

/** Whether `from` broadcasts to exactly `to` (NumPy's rules: trailing axes equal or 1). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[offset + i]);
}

/**
 * The values of a parameter for checking it (`p` in [0, 1], low < high), or null when they must
 * not be read: a tensor being differentiated or batched is checked by the caller's own code.
 */
export function valuesToCheck(p: Param): ArrayLike<number> | null {
  if (typeof p === 'number') return [p];
  // Checked under jit too (a parameter traced by the recording alone is read): see checkableValues.
  return checkableValues(p, "a random sampler's check of its parameter");
}

/**
 * Throws unless every readable value of parameter `name` is ≥ 0 (`strict`: > 0), saying `fix`:
 * a scale or rate out of range would give a sample from no distribution (or a mirrored one).
 */
export function checkPositive(op: string, name: string, p: Param, strict: boolean, fix: string): void {
  checkParam(p, (values) => {
    if (Array.from(values).every((v) => (strict ? v > 0 : v >= 0))) return;
    throw new InvalidArgumentError(
      `${op}: ${name} must be ${strict ? 'positive' : 'non-negative'}${typeof p === 'number' ? `, got ${p}` : ' everywhere'}; ${fix}`,
    );
  });
}

/**
 * Runs `check` on a parameter's values (a number's one value): for a tensor computed from a `jit`
 * recording's arguments, a guard each replay runs again, so the sampler still replays (see
 * ops/argumentChecks.ts); left out where the values are batched (vmap) and in an ONNX export.
 */
export function checkParam(p: Param, check: (values: ArrayLike<number>) => void): void {
  if (typeof p === 'number') check([p]);
  else checkArgumentValues(p, check);
}

/**
 * shift + scale · base as a tensor of `shape`: in one loop when both are numbers and base is an
 * array, else with the library's ops so that derivatives reach the parameters (d/dshift = 1, d/dscale = base).
 */
export function affine(base: Float64Array | Tensor, shape: Shape, scale: Param, shift: Param): Tensor {
  if (typeof scale === 'number' && typeof shift === 'number') {
    if (scale === 1 && shift === 0) return base instanceof Tensor ? base : new Tensor(base, [...shape]);
    // A base drawn by a primitive (a traced key): the same arithmetic as ops (x·scale + shift, so −0 becomes +0 alike).
    if (base instanceof Tensor) return add(mul(base, scale), shift);
    for (let i = 0; i < base.length; i++) base[i] = base[i]! * scale + shift;
    return new Tensor(base, [...shape]);
  }
  return add(mul(base instanceof Tensor ? base : new Tensor(base, [...shape]), scale as TensorLike), shift as TensorLike);
}
