/**
 * @file What the PyTorch-style losses share (torchStyle.ts, torchLikelihood.ts, torchMargin.ts): the
 * reduction, the checks of a call's extra arguments and options, and the shape rules for targets and
 * weights — the same shape as the input, or one that broadcasts to it without changing it.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { div, less } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { sum } from '../ops/reduce.js';
import { checkOptionKeys } from '../ops/poolShapes.js';
import type { Reduction } from './torchStyle.js';

/** The reduction option ('mean' when not given), or an error naming the op. @internal */
export function reductionOf(op: string, options: { readonly reduction?: Reduction | undefined }): Reduction {
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'sum' && reduction !== 'mean') throw new InvalidArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describe(reduction)}.`);
  return reduction;
}

/** A loss reduced: kept, summed, or averaged over every entry (an empty mean is 0/0 = NaN, as torch's). @internal */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : div(sum(loss), loss.size);
}

/**
 * The start of a loss `op` taking `form` (its signature as written): refuses arguments past it and
 * options not among `keys`; returns the reduction. @internal
 */
export function startLoss(op: string, form: string, extra: readonly unknown[], options: { readonly reduction?: Reduction | undefined }, keys: readonly string[]): Reduction {
  if (extra.length > 0) extraArguments(op, form, extra, options);
  checkOptionKeys(op, options, keys);
  return reductionOf(op, options);
}

/** A number option (`dflt` when not given) that is finite and passes `ok`, or an error naming it and `rule`. @internal */
export function numberOption(op: string, name: string, v: unknown, dflt: number, rule = 'a finite number', ok: (n: number) => boolean = () => true): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new InvalidArgumentError(`${op}: ${name} must be ${rule}, got ${describe(v)}.`);
  return v;
}

/**
 * `second` as a tensor of the shape of `first`, or a ShapeError naming both shapes and the reshape to
 * write (a broadcast of the two, as `input [4, 1]` against `target [4]`, would give a [4, 4] loss). @internal
 */
export function sameShape(op: string, first: Tensor, second: TensorLike, names: readonly [string, string]): Tensor {
  const t = asTensor(second, op);
  if (shapesEqual(t.shape, first.shape)) return t;
  let grown = '';
  try {
    grown = ` (broadcasting them would give a ${formatShape(broadcastShapes(op, first.shape, t.shape))} loss)`;
  } catch { /* they do not broadcast either */ }
  throw new ShapeError(
    `${op}: the ${names[1]} has shape ${formatShape(t.shape)} and the ${names[0]} ${formatShape(first.shape)}; they must have the same shape, as in PyTorch${grown}. ` +
      `Reshape one to the other's shape, e.g. ad.reshape(${names[1]}, ${formatShape(first.shape)}), if their sizes agree.`,
  );
}

/**
 * `value` as a tensor that broadcasts to `shape` without changing it (a weight per class against a
 * batch of scores), or a ShapeError naming the op, the option, both shapes and the loss shape it would
 * have made. @internal
 */
export function within(op: string, name: string, value: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(value, op);
  let out: readonly number[] | null = null;
  try {
    out = broadcastShapes(op, shape, t.shape);
  } catch { /* reported below */ }
  if (out === null || !shapesEqual(out, shape)) {
    throw new ShapeError(
      `${op}: ${name} of shape ${formatShape(t.shape)} ${out === null ? 'does not broadcast to' : `would make the loss ${formatShape(out)}, not`} the input's shape ` +
        `${formatShape(shape)}; give it that shape or one that broadcasts to it (a 1 or a missing leading axis where the input has more).`,
    );
  }
  return t;
}

/** max(z, 0) with torch's clamp_min gradient: all of it where z ≥ 0 (at the kink too), none below; NaN stays NaN. @internal */
export function clampMin0(z: Tensor): Tensor {
  return where(less(z, 0), 0, z);
}
