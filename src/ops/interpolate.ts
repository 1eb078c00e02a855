/**
 * @file torch.nn.functional.interpolate: resizing the spatial axes of [N, C, *spatial] by nearest, linear
 * (bilinear, trilinear) and bicubic interpolation, or by area (adaptive average pooling), with PyTorch's
 * coordinates — written with ./resizeAxis.ts's separable taps (ONNX's Resize), so differentiable in x under
 * every transformation.
 *
 * PyTorch's source coordinate of output position x (aten's area_pixel_compute_source_index), with
 * scale = 1/scaleFactor when a factor is given, else in/out:
 *   nearest        ⌊x·scale⌋, nearest-exact ⌊(x + ½)·scale⌋, capped at in − 1 (exact for a size, float32 for a factor);
 *   linear, cubic  (x + ½)·scale − ½ (half_pixel; a negative one reads the edge, as torch clamps it for
 *                  linear), or x·(in − 1)/(out − 1) with alignCorners (align_corners);
 * bicubic's kernel is Keys' with a = −0.75, its taps past the edge reading the edge, as torch's.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { checkOptionKeys } from './poolShapes.js';
import { adaptiveAvgPool } from './pooling.js';
import { resizeAxis, type ResizeOptions } from './resizeAxis.js';
import { take } from './shape.js';

/** PyTorch's interpolation modes. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

/** Options of `interpolate` (torch.nn.functional.interpolate's keywords). */
export interface InterpolateOptions {
  /** The output's spatial size: one number for every spatial axis, or one per axis. */
  readonly size?: number | readonly number[] | undefined;
  /** The factor the spatial axes are scaled by (the output ⌊in·factor⌋): one number, or one per axis. */
  readonly scaleFactor?: number | readonly number[] | undefined;
  /** 'nearest' (default), 'nearest-exact', 'linear' (3-D input), 'bilinear' and 'bicubic' (4-D), 'trilinear' (5-D), 'area'. */
  readonly mode?: InterpolateMode | undefined;
  /** The corner pixels' centres aligned (linear modes and bicubic only; default false). */
  readonly alignCorners?: boolean | undefined;
}

const SPATIAL: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

/** One entry per spatial axis from a number or a list. */
function perAxis(op: string, name: string, v: number | readonly number[], k: number, ok: (x: number) => boolean): number[] {
  const list = typeof v === 'number' ? new Array<number>(k).fill(v) : v;
  if (!Array.isArray(list) || list.length !== k || !list.every((x) => typeof x === 'number' && ok(x))) {
    throw new InvalidArgumentError(`${op}: ${name} must be a number or ${k} of them (one per spatial axis), each ${name === 'size' ? 'a whole number ≥ 0' : 'a finite number > 0'}, got ${describe(v)}.`);
  }
  return [...list];
}

/**
 * The spatial axes of x [N, C, *spatial] (1 to 3 of them) resized, as `torch.nn.functional.interpolate`:
 * to `size`, or by `scaleFactor` (⌊in·factor⌋ positions, the coordinates scaled by 1/factor, as torch's),
 * by `mode` with PyTorch's coordinates (see the file comment). Differentiable in x.
 * @example ad.interpolate(ad.tensor([[[1, 2]]]), { scaleFactor: 2 }).toArray(); // => [[[1, 1, 2, 2]]]
 * @example ad.interpolate(ad.tensor([[[1, 2]]]), { size: 4, mode: 'linear' }).toArray(); // => [[[1, 1.25, 1.75, 2]]]
 */
export function interpolate(x: TensorLike, options: InterpolateOptions): Tensor;
export function interpolate(x: TensorLike, options: InterpolateOptions, ...extra: unknown[]): Tensor {
  const op = 'interpolate';
  if (extra.length > 0) extraArguments(op, 'interpolate(x, options)', extra, options);
  checkOptionKeys(op, options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
  const t = asTensor(x, op);
  const mode = options.mode ?? 'nearest';
  if (!['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'].includes(mode)) {
    throw new InvalidArgumentError(`${op}: mode must be 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear' or 'area', got ${describe(mode)}.`);
  }
  const k = t.ndim - 2;
  if (k < 1 || k > 3) throw new ShapeError(`${op}: the input ${formatShape(t.shape)} must be [N, C, *spatial] with 1 to 3 spatial axes (3-D to 5-D).`);
  const wanted = SPATIAL[mode];
  if (wanted !== undefined && wanted !== k) {
    throw new ShapeError(`${op}: mode '${mode}' takes ${wanted + 2}-D input ([N, C] and ${wanted} spatial axes), got ${formatShape(t.shape)}.`);
  }
  const alignCorners = options.alignCorners;
  if (alignCorners !== undefined) {
    if (typeof alignCorners !== 'boolean') throw new InvalidArgumentError(`${op}: alignCorners must be true or false, got ${describe(alignCorners)}.`);
    if (wanted === undefined) throw new InvalidArgumentError(`${op}: alignCorners applies to the linear modes and bicubic only (as torch's), not '${mode}'; leave it out.`);
  }
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new InvalidArgumentError(`${op}: give exactly one of size and scaleFactor.`);
  }
  const spatial = t.shape.slice(2);
  const factors = options.scaleFactor === undefined ? null : perAxis(op, 'scaleFactor', options.scaleFactor, k, (v) => Number.isFinite(v) && v > 0);
  const sizes = factors !== null ? spatial.map((n, i) => Math.floor(n * factors[i]!)) : perAxis(op, 'size', options.size!, k, (v) => Number.isInteger(v) && v >= 0);
  if (mode === 'area') return adaptiveAvgPool(t, sizes);
  const resize: ResizeOptions = {
    mode: mode === 'nearest' || mode === 'nearest-exact' ? 'nearest' : mode === 'bicubic' ? 'cubic' : 'linear',
    transform: mode === 'nearest' ? 'asymmetric' : mode === 'nearest-exact' ? 'half_pixel' : alignCorners === true ? 'align_corners' : 'half_pixel',
    rounding: mode === 'nearest' ? 'floor' : 'round_prefer_ceil',
    cubicA: -0.75, excludeOutside: false, extrapolation: 0, policy: 'stretch',
  };
  if (sizes.some((m) => m < 1)) throw new ShapeError(`${op}: the output's spatial size ${formatShape(sizes)} must be at least 1 along every axis (as torch's).`);
  let y = t;
  sizes.forEach((m, i) => {
    const n = spatial[i]!;
    if (resize.mode === 'nearest') {
      // The index as torch 1.13 gives it: for a size, exactly ⌊x·in/out⌋ (nearest) and ⌊(2x + 1)·in/(2·out)⌋
      // (nearest-exact); for a factor, ⌊x·s⌋ and ⌊(x + ½)·s⌋ as float products with s = (float)(1/factor) (aten's
      // nearest_neighbor_compute_source_index). Each matches torch on 3,270 size and factor pairs; x/(out/in) in
      // float64 landed one below at exact boundaries (⌊9·14/18⌋ = 7 read 6).
      if (m === n && factors === null) return;
      const s32 = Math.fround(factors !== null ? 1 / factors[i]! : n / m);
      const exact = mode === 'nearest-exact';
      const at = Array.from({ length: m }, (_, x) => Math.min(Math.floor(factors === null
        ? (exact ? (2 * x + 1) * n : x * n) / (exact ? 2 * m : m) // exact: a quotient of whole numbers floors right
        : Math.fround((exact ? x + 0.5 : Math.fround(x)) * s32)), n - 1));
      y = take(y, at, i + 2);
      return;
    }
    // A linear axis that keeps its length is copied, as torch's (its kernels copy where out = in, whatever the factor).
    if (m === n && (resize.mode === 'linear' || factors === null)) return;
    // resizeAxis's scale multiplies the coordinates' denominator: out/in, or the factor itself (torch's 1/factor).
    y = resizeAxis(y, i + 2, m, factors !== null ? factors[i]! : m / n, [0, 1], resize);
  });
  return y;
}
