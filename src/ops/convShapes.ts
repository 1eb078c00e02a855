/**
 * @file The options of `conv` and `convTranspose` (PyTorch's conv1d/conv2d/conv3d and
 * conv_transpose), checked and turned into a ConvGeometry, with errors that name the op, the shapes
 * and the fix. Output sizes follow PyTorch: along each spatial axis, with input length L, kernel k,
 * stride s, dilation d and padding lo + hi,
 *
 *   conv:           out = ⌊(L + lo + hi − d·(k − 1) − 1) / s⌋ + 1
 *   convTranspose:  out = (L − 1)·s − 2·pad + d·(k − 1) + outputPadding + 1
 *
 * and padding 'same' pads max(0, (⌈L/s⌉ − 1)·s + d·(k − 1) + 1 − L) in total, the odd one after, for
 * ⌈L/s⌉ outputs (XLA's SAME, jax.lax.conv_general_dilated's; at stride 1 it is d·(k − 1), PyTorch's
 * 'same'), and 'same_lower' the odd one before. JAX's upper-case spellings ('SAME', 'SAME_LOWER',
 * 'VALID') are the same paddings.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { checkedSize } from '../tensor/checks.js';
import type { ConvGeometry } from '../tensor/kernels/im2col.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import type { TensorLike } from '../tensor/create.js';

/** One number for every spatial axis, or one per axis. */
export type PerAxis = number | readonly number[];
/** A number for every side, one per axis (both sides), one [before, after] pair per axis, or 'same' / 'same_lower' / 'valid' (also as JAX spells them, upper case). */
export type ConvPadding =
  | PerAxis | ReadonlyArray<readonly [number, number]> | 'same' | 'same_lower' | 'valid' | 'SAME' | 'SAME_LOWER' | 'VALID';

export interface ConvOptions {
  /** Step between output positions (default 1). */
  readonly stride?: PerAxis | undefined;
  /** Zeros around the input (default 0); 'same' gives ⌈L/stride⌉ outputs (the odd pad after; 'same_lower' before), 'valid' is 0. */
  readonly padding?: ConvPadding | undefined;
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: PerAxis | undefined;
  /** Channel groups (default 1): in and out channels both split into this many blocks. */
  readonly groups?: number | undefined;
  /** Added to each output channel: shape [out channels]. */
  readonly bias?: TensorLike | undefined;
}

export interface ConvTransposeOptions {
  readonly stride?: PerAxis | undefined;
  /** The padding of the convolution this transposes: removed from each side of the output. */
  readonly padding?: PerAxis | undefined;
  /** Extra positions at the end of each output axis, to pick among the sizes a strided conv maps to one; < stride or < dilation. */
  readonly outputPadding?: PerAxis | undefined;
  readonly dilation?: PerAxis | undefined;
  readonly groups?: number | undefined;
  /** Added to each output channel: shape [out channels] = [weight.shape[1] · groups]. */
  readonly bias?: TensorLike | undefined;
}

/** A whole number ≥ min, or an AdjointError naming the op and the option. */
function whole(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InvalidArgumentError(`${op}: ${name} must be ${min === 0 ? 'a whole number ≥ 0' : 'a positive integer'}, got ${typeof v === 'number' ? String(v) : describe(v)}.`);
  }
  return v;
}

/** A per-axis option as D numbers ≥ min: one for all axes, or a list of D. */
export function perAxis(op: string, name: string, v: unknown, D: number, min: number, dflt: number): number[] {
  if (v === undefined) return new Array<number>(D).fill(dflt);
  if (typeof v === 'number') return new Array<number>(D).fill(whole(op, name, v, min));
  if (!Array.isArray(v) || v.length !== D) {
    throw new InvalidArgumentError(`${op}: ${name} must be a number or a list of ${D} (one per spatial axis), got ${describe(v)}.`);
  }
  return v.map((e: unknown) => whole(op, name, e, min));
}

/**
 * A padding string as one of 'same', 'same_lower' or 'valid' (JAX's upper-case spellings too), or
 * null for anything else. @internal
 */
export function paddingName(padding: unknown): 'same' | 'same_lower' | 'valid' | null {
  if (typeof padding !== 'string') return null;
  const name = padding.toLowerCase();
  return name === 'same' || name === 'same_lower' || name === 'valid' ? name : null;
}

/**
 * XLA's SAME padding of one axis, [before, after]: ⌈L/s⌉ outputs from a window spanning `extent`
 * (d·(k − 1) + 1), the odd one of max(0, (⌈L/s⌉ − 1)·s + extent − L) after — or before, `lower`.
 */
export function samePads(L: number, s: number, extent: number, lower: boolean): [number, number] {
  const total = Math.max(0, (Math.ceil(L / s) - 1) * s + extent - L), small = Math.floor(total / 2);
  return lower ? [total - small, small] : [small, total - small];
}

/** Padding as [before, after] per axis. */
function paddingPairs(op: string, padding: unknown, D: number, inSize: Shape, kernel: readonly number[], dilation: readonly number[], stride: readonly number[]): Array<[number, number]> {
  const name = paddingName(padding);
  if (name === 'valid') return kernel.map(() => [0, 0]);
  if (name !== null) return inSize.map((L, j) => samePads(L, stride[j]!, dilation[j]! * (kernel[j]! - 1) + 1, name === 'same_lower'));
  if (Array.isArray(padding) && padding.length === D && padding.every((p) => Array.isArray(p))) {
    return padding.map((p: unknown[]) => {
      if (p.length !== 2) throw new InvalidArgumentError(`${op}: each axis's padding pair must be [before, after], got ${describe(p)}.`);
      return [whole(op, 'padding', p[0], 0), whole(op, 'padding', p[1], 0)];
    });
  }
  if (typeof padding === 'string') {
    throw new InvalidArgumentError(`${op}: padding must be a number, a list of ${D}, [before, after] pairs, 'same', 'same_lower' or 'valid' (or JAX's 'SAME', 'SAME_LOWER', 'VALID'), got '${padding}'.`);
  }
  return perAxis(op, 'padding', padding, D, 0, 0).map((p) => [p, p]);
}

function groupsOf(op: string, v: unknown): number {
  return v === undefined ? 1 : whole(op, 'groups', v, 1);
}

/** The spatial rank D from the weight ([out, in/groups, …kernel]), and whether x is unbatched ([C, …]). */
export function spatialRank(op: string, xShape: Shape, wShape: Shape, layout: string): { D: number; unbatched: boolean } {
  if (wShape.length < 3) {
    throw new ShapeError(`${op}: weight of shape ${formatShape(wShape)} must be ${layout} with at least one spatial axis (rank ≥ 3); for a 1-d convolution use [out, in, k].`);
  }
  const D = wShape.length - 2, empty = wShape.slice(2).indexOf(0);
  if (empty >= 0) throw new ShapeError(`${op}: weight of shape ${formatShape(wShape)} has an empty kernel along spatial axis ${empty}; every kernel size must be at least 1.`);
  if (xShape.length !== D + 2 && xShape.length !== D + 1) {
    throw new ShapeError(
      `${op}: input of shape ${formatShape(xShape)} does not fit a ${D}-d weight ${formatShape(wShape)}: ` +
        `it must be [batch, channels, …${D} spatial] (rank ${D + 2}) or unbatched [channels, …] (rank ${D + 1}).`,
    );
  }
  return { D, unbatched: xShape.length === D + 1 };
}

/** Checks that `groups` divides both channel counts. */
function checkGroups(op: string, groups: number, cin: number, cout: number, xShape: Shape, wShape: Shape): void {
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ShapeError(
      `${op}: groups = ${groups} must divide both the input channels (${cin}) and the output channels (${cout}) ` +
        `(input ${formatShape(xShape)}, weight ${formatShape(wShape)}); choose groups among their common divisors.`,
    );
  }
}

/** The geometry of conv(x, w, options): x [N, C, …] (or [C, …] when `unbatched`), w [O, C/G, …k]. */
export function convGeometry(op: string, xShape: Shape, wShape: Shape, o: ConvOptions, unbatched: boolean): ConvGeometry {
  const D = wShape.length - 2, lead = unbatched ? 0 : 1;
  const stride = perAxis(op, 'stride', o.stride, D, 1, 1);
  const dilation = perAxis(op, 'dilation', o.dilation, D, 1, 1);
  const groups = groupsOf(op, o.groups);
  const kernel = wShape.slice(2), inSize = xShape.slice(lead + 1);
  const cin = xShape[lead]!, cout = wShape[0]!;
  if (cin !== wShape[1]! * groups) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} has ${cin} channels but weight ${formatShape(wShape)} expects ` +
        `${wShape[1]} per group × ${groups} group${groups === 1 ? '' : 's'} = ${wShape[1]! * groups}; ` +
        `the weight must be [out, in/groups, …kernel] (check the channel axis, or groups).`,
    );
  }
  checkGroups(op, groups, cin, cout, xShape, wShape);
  const pads = paddingPairs(op, o.padding, D, inSize, kernel, dilation, stride);
  const outSize = inSize.map((L, j) => {
    const extent = dilation[j]! * (kernel[j]! - 1) + 1, padded = L + pads[j]![0] + pads[j]![1];
    if (extent > padded) {
      throw new ShapeError(
        `${op}: along spatial axis ${j} the kernel spans ${extent} (size ${kernel[j]}, dilation ${dilation[j]}) but the padded input ` +
          `is only ${padded} long (input ${formatShape(xShape)}, padding ${pads[j]!.join('+')}); pad more, or use a smaller kernel or dilation.`,
      );
    }
    return Math.floor((padded - extent) / stride[j]!) + 1;
  });
  checkedSize(op, [...xShape.slice(0, lead), cout, ...outSize]); // a huge padding: named here, not a RangeError in the kernel
  return { inSize, kernel, outSize, stride, dilation, padLo: pads.map((p) => p[0]), groups };
}

/** The geometry of convTranspose(x, w, options), x [N, C, …] (or [C, …]), w [C, O/G, …k]: the conv it transposes. */
export function convTransposeGeometry(op: string, xShape: Shape, wShape: Shape, o: ConvTransposeOptions, unbatched: boolean): ConvGeometry {
  const D = wShape.length - 2, lead = unbatched ? 0 : 1;
  const stride = perAxis(op, 'stride', o.stride, D, 1, 1);
  const dilation = perAxis(op, 'dilation', o.dilation, D, 1, 1);
  const padding = perAxis(op, 'padding', o.padding, D, 0, 0);
  const outputPadding = perAxis(op, 'outputPadding', o.outputPadding, D, 0, 0);
  const groups = groupsOf(op, o.groups);
  const kernel = wShape.slice(2), lengths = xShape.slice(lead + 1);
  if (xShape[lead] !== wShape[0]) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} has ${xShape[lead]} channels but weight ${formatShape(wShape)} has ${wShape[0]} ` +
        `(for convTranspose the weight is [in, out/groups, …kernel], as PyTorch's conv_transpose).`,
    );
  }
  checkGroups(op, groups, wShape[1]! * groups, wShape[0]!, xShape, wShape);
  const inSize = lengths.map((L, j) => {
    const s = stride[j]!, d = dilation[j]!, op_ = outputPadding[j]!;
    if (L < 1) throw new ShapeError(`${op}: input ${formatShape(xShape)} is empty along spatial axis ${j}; a transposed convolution needs at least one position.`);
    if (op_ >= s && op_ >= d) {
      throw new InvalidArgumentError(`${op}: outputPadding ${op_} along spatial axis ${j} must be smaller than the stride (${s}) or the dilation (${d}).`);
    }
    const size = (L - 1) * s - 2 * padding[j]! + d * (kernel[j]! - 1) + op_ + 1;
    if (size < 1) {
      throw new ShapeError(`${op}: along spatial axis ${j} the output would have ${size} positions (input ${formatShape(xShape)}, weight ${formatShape(wShape)}, padding ${padding[j]}); use less padding.`);
    }
    return size;
  });
  checkedSize(op, [...xShape.slice(0, lead), wShape[1]! * groups, ...inSize]); // a huge stride: named here, not a RangeError in the kernel
  return { inSize, kernel, outSize: lengths, stride, dilation, padLo: padding, groups };
}
