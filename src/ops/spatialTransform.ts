/**
 * @file Spatial transformer networks' two functions, as PyTorch's `F.affine_grid` and `F.grid_sample`
 * (Jaderberg et al. 2015): a grid of sampling points from a batch of affine matrices, and an image read
 * at a grid's points by the grid sampler the ONNX importer's GridSample uses (./gridSampling.ts). Both
 * are composites of adjoint's ops: differentiable in theta, the image and the grid, under every
 * transformation.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { matmul } from './linalg.js';
import { reshape, transpose } from './shape.js';
import { checkOptionKeys, flag } from './poolShapes.js';
import { sampleGrid, type GridPaddingMode, type GridSampleMode } from './gridSampling.js';

export type { GridPaddingMode, GridSampleMode } from './gridSampling.js';

/** Options of `affineGrid` (torch.nn.functional.affine_grid's keyword). */
export interface AffineGridOptions {
  /** −1 and 1 are the centres of the corner pixels (true) or their outer edges (false, the default, as PyTorch since 1.3). */
  readonly alignCorners?: boolean | undefined;
}

/** Options of `gridSample` (torch.nn.functional.grid_sample's keywords). */
export interface GridSampleOptions extends AffineGridOptions {
  /** 'bilinear' (the default; trilinear for 5-D input), 'nearest', or 'bicubic' (4-D input only). */
  readonly mode?: GridSampleMode | undefined;
  /** What a point outside the image reads: 'zeros' (the default), 'border' (the nearest edge pixel) or 'reflection'. */
  readonly paddingMode?: GridPaddingMode | undefined;
}

/**
 * PyTorch's linspace_from_neg_one: `steps` points from −1 to 1 (torch.linspace's halves: from the
 * start below the middle, from the end above), scaled by (steps − 1)/steps without alignCorners;
 * one step is 0.
 */
function baseCoordinates(steps: number, alignCorners: boolean): number[] {
  if (steps <= 1) return [0];
  const step = 2 / (steps - 1), half = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) => {
    const v = i < half ? -1 + step * i : 1 - step * (steps - i - 1);
    return alignCorners ? v : (v * (steps - 1)) / steps;
  });
}

/**
 * The sampling grid of a batch of affine transforms, as `torch.nn.functional.affine_grid`: theta
 * [N, 2, 3] and size [N, C, H, W] give a grid [N, H, W, 2] whose point (i, j) is theta·(x_j, y_i, 1),
 * x and y running over [−1, 1] along the width and height (pixel centres; with `alignCorners` the
 * corner pixels' centres are ±1); theta [N, 3, 4] and size [N, C, D, H, W] give [N, D, H, W, 3].
 * Differentiable in theta. The grid is `gridSample`'s.
 * @example
 * ad.affineGrid(ad.tensor([[[1, 0, 0], [0, 1, 0]]]), [1, 1, 1, 2]).toArray(); // => [[[[-0.5, 0], [0.5, 0]]]]
 */
export function affineGrid(theta: TensorLike, size: readonly number[], options?: AffineGridOptions): Tensor;
export function affineGrid(theta: TensorLike, size: readonly number[], options: AffineGridOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'affineGrid';
  if (extra.length > 0) extraArguments(op, 'affineGrid(theta, size, options?)', extra, options);
  checkOptionKeys(op, options, ['alignCorners']);
  const alignCorners = flag(op, 'alignCorners', options.alignCorners, false);
  const t = asTensor(theta, op);
  if (!Array.isArray(size) || (size.length !== 4 && size.length !== 5) || !size.every((s) => Number.isInteger(s))) {
    throw new InvalidArgumentError(`${op}: size must be the output's [N, C, H, W] or [N, C, D, H, W] (whole numbers; 2-D and 3-D transforms), got ${describe(size)}.`);
  }
  if (size.some((s) => s <= 0)) throw new InvalidArgumentError(`${op}: size [${size.join(', ')}] must be positive (PyTorch's "expected non-zero, positive output size").`);
  const D = size.length - 2, [n] = size as [number];
  if (t.ndim !== 3 || t.shape[0] !== n || t.shape[1] !== D || t.shape[2] !== D + 1) {
    throw new ShapeError(`${op}: theta of shape ${formatShape(t.shape)} must be a batch of ${D}-D affine matrices [${n}, ${D}, ${D + 1}] for size [${size.join(', ')}] (N = size[0]).`);
  }
  // The base grid [points, D + 1]: (x, y[, z], 1) with x along the last spatial axis, row-major over the output.
  const spatial = size.slice(2), axes = spatial.map((s) => baseCoordinates(s, alignCorners)).reverse(); // x first
  const points = spatial.reduce((a, b) => a * b, 1);
  const base = new Float64Array(points * (D + 1));
  for (let q = 0; q < points; q++) {
    let rest = q;
    for (let k = 0; k < D; k++) { // k = 0 is x, the fastest-varying axis
      const len = spatial[D - 1 - k]!;
      base[q * (D + 1) + k] = axes[k]![rest % len]!;
      rest = Math.floor(rest / len);
    }
    base[q * (D + 1) + D] = 1;
  }
  const grid = matmul(new Tensor(base, [points, D + 1]), transpose(t, [0, 2, 1])); // [N, points, D]
  return reshape(grid, [n, ...spatial, D]);
}

const MODES: readonly GridSampleMode[] = ['bilinear', 'nearest', 'bicubic'];
const PADDINGS: readonly GridPaddingMode[] = ['zeros', 'border', 'reflection'];

/**
 * The input read at the grid's points, as `torch.nn.functional.grid_sample`: input [N, C, H, W] and
 * grid [N, H_out, W_out, 2] give [N, C, H_out, W_out]; input [N, C, D, H, W] and grid
 * [N, D_out, H_out, W_out, 3] give [N, C, D_out, H_out, W_out]. A grid point's last axis holds
 * (x, y[, z]) in [−1, 1], x along the width. `mode` 'bilinear' (trilinear for 5-D), 'nearest'
 * (ties half to even in 4-D, half away from zero in 5-D, as PyTorch's kernels) or 'bicubic' (Keys, a = −0.75; 4-D only); `paddingMode` 'zeros', 'border' or
 * 'reflection'; `alignCorners` as `affineGrid`'s. Differentiable in the input and (but for
 * 'nearest') in the grid, with PyTorch's derivatives: 0 in a clamped coordinate at and past the edges.
 * @example
 * const image = ad.tensor([[[[1, 2], [3, 4]]]]);
 * ad.gridSample(image, ad.tensor([[[[0, 0]]]])).toArray();                       // => [[[[2.5]]]]
 * ad.gridSample(image, ad.tensor([[[[1, -1]]]]), { alignCorners: true }).toArray(); // => [[[[2]]]]
 */
export function gridSample(input: TensorLike, grid: TensorLike, options?: GridSampleOptions): Tensor;
export function gridSample(input: TensorLike, grid: TensorLike, options: GridSampleOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'gridSample';
  if (extra.length > 0) extraArguments(op, 'gridSample(input, grid, options?)', extra, options);
  checkOptionKeys(op, options, ['mode', 'paddingMode', 'alignCorners']);
  const mode = options.mode ?? 'bilinear', paddingMode = options.paddingMode ?? 'zeros';
  if (!MODES.includes(mode)) throw new InvalidArgumentError(`${op}: mode must be 'bilinear', 'nearest' or 'bicubic', got ${describe(mode)}.`);
  if (!PADDINGS.includes(paddingMode)) throw new InvalidArgumentError(`${op}: paddingMode must be 'zeros', 'border' or 'reflection', got ${describe(paddingMode)}.`);
  const alignCorners = flag(op, 'alignCorners', options.alignCorners, false);
  const x = asTensor(input, op), g = asTensor(grid, op);
  const D = x.ndim - 2;
  if ((x.ndim !== 4 && x.ndim !== 5) || g.ndim !== x.ndim || g.shape[0] !== x.shape[0] || g.shape[g.ndim - 1] !== D) {
    throw new ShapeError(
      `${op}: input ${formatShape(x.shape)} and grid ${formatShape(g.shape)} must be [N, C, H, W] and [N, H_out, W_out, 2], ` +
        'or [N, C, D, H, W] and [N, D_out, H_out, W_out, 3] (the same N; the grid\'s last axis one coordinate per spatial axis).',
    );
  }
  if (mode === 'bicubic' && D !== 2) throw new InvalidArgumentError(`${op}: mode 'bicubic' needs a 4-D input [N, C, H, W] (PyTorch's too), got ${formatShape(x.shape)}; use 'bilinear' (trilinear) or 'nearest'.`);
  if (x.shape.slice(2).some((s) => s === 0)) throw new ShapeError(`${op}: input ${formatShape(x.shape)} has an empty spatial axis; there is nothing to sample.`);
  return sampleGrid(x, g, mode, paddingMode, alignCorners);
}
