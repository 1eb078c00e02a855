/**
 * @file Sampling an image at the points of a grid, as PyTorch's grid_sampler (F.grid_sample) and ONNX's
 * GridSample: the one core behind `ad.gridSample` (./spatialTransform.ts) and the ONNX importer's
 * GridSample (../onnx/importGridSample.ts), in adjoint's ops, so it is differentiable in the image and
 * in the grid, to any order.
 *
 * X [N, C, …S] (S: 2 or 3 spatial lengths) is sampled at grid [N, …O, D], D = S's length, whose last
 * axis holds (x, y[, z]) in [−1, 1] — x indexing the last spatial axis. A coordinate g becomes a pixel
 * position ((g + 1)/2)(size − 1) with align_corners, else ((g + 1)·size − 1)/2 (pixel centres);
 * padding 'border' clamps it into the image, 'reflection' reflects it off the edges (PyTorch's
 * reflect_coordinates) and clamps, 'zeros' leaves it and reads 0 outside. A clamped position has a
 * zero derivative at and past the edges (PyTorch's clip_coordinates_set_grad: "borders are out of
 * bounds"). 'bilinear' mixes the 2^D neighbours with weights linear in the position (trilinear for
 * D = 3); 'bicubic' (D = 2 only, as PyTorch) the sixteen around it with Keys' weights (a = −0.75),
 * padding each tap's pixel instead of the position, as PyTorch; 'nearest' takes the pixel at the
 * position rounded half to even in 2-D and half away from zero in 3-D, as PyTorch 1.13's kernels (no grid gradient). Each tap is one `gather` from the flattened image.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, greater, greaterEqual, less, lessEqual, mul, sub } from './binary.js';
import { abs, sign } from './unary.js';
import { logicalAnd } from './predicates.js';
import { clip, stopGradient, where } from './select.js';
import { floor, fmod, round, trunc } from './rounding.js';
import { reshape, slice } from './shape.js';
import { gather } from './gather.js';

export type GridSampleMode = 'bilinear' | 'nearest' | 'bicubic';

/** x rounded half away from zero (C's round), from its integer part and the exact remainder x − trunc(x). */
function roundHalfAway(x: Tensor): Tensor {
  const whole = trunc(x);
  return where(greaterEqual(abs(sub(x, whole)), 0.5), add(whole, sign(x)), whole);
}
export type GridPaddingMode = 'zeros' | 'border' | 'reflection';

/**
 * x reflected into [low, high] (PyTorch's reflect_coordinates, given twice the bounds): the
 * distance from low folded by the span, every other fold mirrored.
 */
function reflect(x: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return mul(x, 0);
  const low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  const d = abs(sub(x, low));
  const extra = fmod(d, span), flips = floor(div(stopGradient(d), span));
  const even = lessEqual(fmod(flips, 2), 0.5);
  return add(where(even, extra, sub(span, extra)), low);
}

/** A grid coordinate g ∈ [−1, 1] as a pixel position along an axis of `size` pixels. */
function unnormalize(g: Tensor, size: number, alignCorners: boolean): Tensor {
  return alignCorners ? mul(add(g, 1), (size - 1) / 2) : div(sub(mul(add(g, 1), size), 1), 2);
}

/** p clamped into [0, size − 1], its derivative 0 at the edges and outside (PyTorch's clip_coordinates_set_grad). */
function clamped(p: Tensor, size: number): Tensor {
  return where(logicalAnd(greater(p, 0), less(p, size - 1)), p, stopGradient(clip(p, 0, size - 1)));
}

/** A pixel position padded as asked: reflected off the edges and/or clamped into the image ('zeros' leaves it). */
function padded(p: Tensor, size: number, alignCorners: boolean, padding: GridPaddingMode): Tensor {
  if (padding === 'reflection') p = alignCorners ? reflect(p, 0, 2 * (size - 1)) : reflect(p, -1, 2 * size - 1);
  return padding === 'zeros' ? p : clamped(p, size);
}

/** Keys' cubic convolution weights (a = −0.75, PyTorch's) of the taps ⌊p⌋ − 1 … ⌊p⌋ + 2 for the fractional part t of p. */
function cubicWeights(t: Tensor): Tensor[] {
  const a = -0.75;
  const far = (s: Tensor) => sub(mul(add(mul(sub(mul(a, s), 5 * a), s), 8 * a), s), 4 * a); // 1 ≤ |s| < 2
  const near = (s: Tensor) => add(mul(mul(sub(mul(a + 2, s), a + 3), s), s), 1); //             |s| < 1
  const u = sub(1, t);
  return [far(add(t, 1)), near(t), near(u), far(add(u, 1))];
}

/** Σ of the terms, left to right (PyTorch's order of the neighbours). */
const total = (terms: Tensor[]): Tensor => terms.reduce((acc, term) => add(acc, term));

/**
 * x [N, C, …S] sampled at grid [N, …O, D] (checked by the caller: D = S's length, 2 or 3; bicubic
 * only for D = 2; the same N), giving [N, C, …O].
 */
export function sampleGrid(x: Tensor, grid: Tensor, mode: GridSampleMode, padding: GridPaddingMode, alignCorners: boolean): Tensor {
  const [n, c] = x.shape as [number, number];
  const sizes = x.shape.slice(2), D = sizes.length, outShape = grid.shape.slice(1, -1);
  const points = outShape.reduce((a, b) => a * b, 1);
  const cubic = mode === 'bicubic';
  // The position along spatial axis d from grid component D − 1 − d. Bicubic pads each tap (as
  // PyTorch's get_value_bounded); the other modes pad the position.
  const positions = sizes.map((size, d) => {
    const begin = [...grid.shape.map(() => 0)];
    begin[grid.ndim - 1] = D - 1 - d;
    const g = slice(grid, begin, [n, ...outShape, 1]);
    const p = reshape(unnormalize(g, size, alignCorners), [n, 1, points]);
    return cubic ? p : padded(p, size, alignCorners, padding);
  });
  const flat = reshape(x, [n, c, sizes.reduce((a, b) => a * b, 1)]);
  // The pixel at `at` (one position per spatial axis) of every image, 0 outside it.
  const tap = (at: Tensor[]): Tensor => {
    let inside: Tensor | null = null, index: Tensor | null = null;
    at.forEach((i, d) => {
      const within = mul(greaterEqual(i, 0), lessEqual(i, sizes[d]! - 1));
      inside = inside === null ? within : mul(inside, within);
      const ci = clip(i, 0, sizes[d]! - 1);
      index = index === null ? ci : add(mul(index, sizes[d]!), ci);
    });
    return mul(gather(flat, index!, 2), inside!);
  };
  let out: Tensor;
  // PyTorch 1.13 rounds a 2-D nearest position half to even (nearbyint) but a 3-D one half away from zero
  // (std::round): at a tie, −0.5 and size − 0.5 with alignCorners false, they read different pixels.
  if (mode === 'nearest') out = tap(positions.map((p) => (positions.length === 3 ? roundHalfAway(p) : round(p))));
  else {
    const low = positions.map((p) => floor(stopGradient(p)));
    const frac = positions.map((p, d) => sub(p, low[d]!));
    if (cubic) {
      const [wy, wx] = frac.map(cubicWeights) as [Tensor[], Tensor[]];
      const terms: Tensor[] = [];
      for (let j = 0; j < 4; j++) {
        const yj = padded(add(low[0]!, j - 1), sizes[0]!, alignCorners, padding);
        for (let i = 0; i < 4; i++) terms.push(mul(tap([yj, padded(add(low[1]!, i - 1), sizes[1]!, alignCorners, padding)]), mul(wx[i]!, wy[j]!)));
      }
      out = total(terms);
    } else {
      // Corner k takes, along spatial axis d, ⌊p⌋ + 1 with weight frac where bit D − 1 − d of k is set
      // (x the lowest bit: PyTorch's nw, ne, sw, se order), else ⌊p⌋ with weight 1 − frac.
      const terms: Tensor[] = [];
      for (let k = 0; k < 2 ** D; k++) {
        const high = sizes.map((_, d) => ((k >> (D - 1 - d)) & 1) === 1);
        const weight = frac.map((f, d) => (high[d] ? f : sub(1, f))).reduce((a, b) => mul(a, b));
        terms.push(mul(tap(low.map((l, d) => (high[d] ? add(l, 1) : l))), weight));
      }
      out = total(terms);
    }
  }
  return reshape(out, [n, c, ...outShape]);
}
