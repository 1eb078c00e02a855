/**
 * @file torch.nn.functional's unfold (im2col: the sliding blocks of an image as columns) and fold (col2im: the
 * columns summed back into an image, unfold's adjoint), as composites of `take` and `scatterAdd` over the padded
 * image's flattened spatial axis, so every transformation comes with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { pad } from './rearrange.js';
import { broadcastTo, reshape, slice, take } from './shape.js';
import { scatterAdd } from './gather.js';
import { checkOptionKeys } from './poolShapes.js';

/** Options of `unfold` and `fold` (torch's keywords; each one number, or one per spatial axis [h, w]). */
export interface UnfoldOptions {
  /** The spacing of a block's taps (default 1). */
  readonly dilation?: number | readonly [number, number] | undefined;
  /** Zeros added on both sides of each spatial axis (default 0). */
  readonly padding?: number | readonly [number, number] | undefined;
  /** The step between blocks (default 1). */
  readonly stride?: number | readonly [number, number] | undefined;
}

/** A pair from one number or two: whole numbers ≥ `least`. */
function pair(op: string, name: string, v: unknown, least: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (p === null || !p.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= least)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a whole number ≥ ${least} or a pair of them [h, w], got ${describe(v)}.`);
  }
  return p as [number, number];
}

/** The blocks' geometry: taps, padding, the padded size, the blocks per axis, and each (tap, block)'s flat position in the padded image. */
function geometry(op: string, size: readonly [number, number], kernelSize: unknown, options: UnfoldOptions) {
  checkOptionKeys(op, options, ['dilation', 'padding', 'stride']);
  const k = pair(op, 'kernelSize', kernelSize, 1), d = pair(op, 'dilation', options.dilation ?? 1, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0), s = pair(op, 'stride', options.stride ?? 1, 1);
  const padded = [size[0] + 2 * p[0], size[1] + 2 * p[1]] as const;
  // Blocks per axis: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 (torch's).
  const blocks = [0, 1].map((a) => Math.floor((padded[a]! - d[a]! * (k[a]! - 1) - 1) / s[a]!) + 1) as [number, number];
  if (blocks[0] < 1 || blocks[1] < 1) {
    throw new ShapeError(
      `${op}: a ${k[0]}×${k[1]} block with dilation [${d}] does not fit the spatial size [${size}] padded by [${p}] (blocks per axis [${blocks}]); ` +
        'use a smaller kernelSize or dilation, or more padding.',
    );
  }
  const taps = k[0] * k[1], count = blocks[0] * blocks[1];
  const at = new Float64Array(taps * count);
  for (let i = 0; i < k[0]; i++) for (let j = 0; j < k[1]; j++) {
    for (let bh = 0; bh < blocks[0]; bh++) for (let bw = 0; bw < blocks[1]; bw++) {
      at[(i * k[1] + j) * count + bh * blocks[1] + bw] = (bh * s[0] + i * d[0]) * padded[1] + bw * s[1] + j * d[1];
    }
  }
  return { taps, count, p, padded, positions: tensor(at, [taps, count]) };
}

/**
 * The sliding blocks of a batch of images as columns, as torch.nn.functional.unfold (im2col): x [N, C, H, W]
 * (or [C, H, W]) to [N, C·kh·kw, L], column l the block at the l-th position (row-major over the block grid),
 * row c·kh·kw + i·kw + j its channel c at tap (i, j). L = Lh·Lw, L_a = ⌊(n_a + 2p_a − d_a(k_a − 1) − 1)/s_a⌋ + 1.
 * @example ad.unfold(ad.reshape(ad.arange(9), [1, 1, 3, 3]), 2).shape; // => [1, 4, 4]
 */
export function unfold(x: TensorLike, kernelSize: number | readonly [number, number], options?: UnfoldOptions): Tensor;
export function unfold(x: TensorLike, kernelSize: number | readonly [number, number], options: UnfoldOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'unfold';
  if (extra.length > 0) extraArguments(op, 'unfold(x, kernelSize, { dilation, padding, stride })', extra, options);
  const t = asTensor(x, op);
  if (t.ndim !== 3 && t.ndim !== 4) {
    throw new ShapeError(`${op}: x must be [N, C, H, W] or [C, H, W] (torch's), got ${formatShape(t.shape)}; reshape other layouts first.`);
  }
  const [h, w] = t.shape.slice(-2) as [number, number], lead = t.shape.slice(0, -2);
  const g = geometry(op, [h, w], kernelSize, options);
  const padded = pad(t, [...lead.map(() => [0, 0] as const), [g.p[0], g.p[0]], [g.p[1], g.p[1]]]);
  const flat = reshape(padded, [...lead, g.padded[0] * g.padded[1]]);
  const cols = take(flat, g.positions, lead.length); // [..., C, taps, L]
  return reshape(cols, [...lead.slice(0, -1), lead[lead.length - 1]! * g.taps, g.count]);
}

/**
 * unfold's adjoint, as torch.nn.functional.fold (col2im): columns [N, C·kh·kw, L] (or [C·kh·kw, L]) summed
 * back into images [N, C, H, W] of `outputSize` [H, W] — each block's entries added where unfold read them
 * (overlaps add up), the padding cut off. fold(unfold(x)) is x times how many blocks cover each pixel.
 * @example ad.fold(ad.ones([1, 4, 4]), [3, 3], 2).toArray(); // => [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]
 */
export function fold(cols: TensorLike, outputSize: number | readonly [number, number], kernelSize: number | readonly [number, number], options?: UnfoldOptions): Tensor;
export function fold(cols: TensorLike, outputSize: number | readonly [number, number], kernelSize: number | readonly [number, number], options: UnfoldOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'fold';
  if (extra.length > 0) extraArguments(op, 'fold(cols, outputSize, kernelSize, { dilation, padding, stride })', extra, options);
  const t = asTensor(cols, op);
  const [h, w] = pair(op, 'outputSize', outputSize, 1);
  const g = geometry(op, [h, w], kernelSize, options);
  if ((t.ndim !== 2 && t.ndim !== 3) || t.shape[t.ndim - 2]! % g.taps !== 0 || t.shape[t.ndim - 1] !== g.count) {
    throw new ShapeError(
      `${op}: cols must be [N, C·${g.taps}, ${g.count}] or [C·${g.taps}, ${g.count}] for a ${g.taps}-tap block over [${h}, ${w}] ` +
        `(${g.count} blocks), got ${formatShape(t.shape)}.`,
    );
  }
  const lead = t.shape.slice(0, -2), c = t.shape[t.ndim - 2]! / g.taps;
  const values = reshape(t, [...lead, c, g.taps * g.count]);
  const where = broadcastTo(reshape(g.positions, [...lead.map(() => 1), 1, g.taps * g.count]), values.shape);
  const image = scatterAdd(zeros([...lead, c, g.padded[0] * g.padded[1]]), where, values, lead.length + 1);
  const full = reshape(image, [...lead, c, g.padded[0], g.padded[1]]);
  return slice(full, [...lead.map(() => 0), 0, g.p[0], g.p[1]], [...lead, c, h, w]);
}
