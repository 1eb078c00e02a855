/**
 * @file Separable resizing along one axis — the taps and weights of nearest, linear and cubic (Keys) interpolation
 * under ONNX's coordinate transformations — shared by ONNX's Resize (../onnx/importResize.ts) and
 * torch.nn.functional.interpolate (./interpolate.ts).
 *
 * Along each resized axis, output position x maps to a coordinate x_original of the input
 * (the transformation), and the output is Σⱼ wⱼ·input[iⱼ] over a few taps — 1 for nearest (its rounding
 * of x_original), 2 for linear (the neighbours of x_original, weights 1 − t and t for its fractional part
 * t), 4 for cubic (Keys' kernel with coefficient a). Tap positions outside the input take the edge entry, as
 * ONNX Runtime and PyTorch do; with excludeOutside they get weight 0 and the rest are renormalised. Each axis
 * is one `take` per tap and a weighted sum, so the result is differentiable in the input. Positions and
 * weights depend on shapes only and are computed in float64. @internal
 */
import { Tensor } from '../tensor/tensor.js';
import { add, mul } from './binary.js';
import { reshape, take } from './shape.js';
import { where } from './select.js';

export type Transform = 'half_pixel' | 'half_pixel_symmetric' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_crop_and_resize' | 'tf_half_pixel_for_nn';
export type Policy = 'stretch' | 'not_larger' | 'not_smaller';
export type Mode = 'nearest' | 'linear' | 'cubic';
export type Rounding = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'legacy';

/** The input coordinate of output position x along an axis of length n resized to m by `scale` (`crop`: tf_crop_and_resize's roi [start, end]). */
function original(transform: Transform, x: number, n: number, m: number, scale: number, crop: readonly [number, number]): number {
  switch (transform) {
    case 'tf_crop_and_resize': {
      const [start, end] = crop;
      return m > 1 ? start * (n - 1) + (x * (end - start) * (n - 1)) / (m - 1) : 0.5 * (start + end) * (n - 1);
    }
    case 'half_pixel': return (x + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return m > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return m === 1 ? 0 : (x * (n - 1)) / (m - 1);
    case 'asymmetric': return x / scale;
    // Opsets 11–12 only (TensorFlow's half-pixel centres for nearest).
    case 'tf_half_pixel_for_nn': return (x + 0.5) / scale;
    case 'half_pixel_symmetric': {
      // Centred: the resized grid's midpoint over the input's (opset 19).
      const adjustment = m / (scale * n), offset = (n / 2) * (1 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
  }
}

function rounded(mode: Rounding, v: number, scale: number): number {
  switch (mode) {
    // Resize before opset 11 and Upsample, as ONNX Runtime runs them: up when downsampling, down otherwise.
    case 'legacy': return scale < 1 ? Math.ceil(v) : Math.floor(v);
    case 'floor': return Math.floor(v);
    case 'ceil': return Math.ceil(v);
    // Halves go down (up); anything else to the nearest integer.
    case 'round_prefer_floor': return v - Math.floor(v) === 0.5 ? Math.floor(v) : Math.round(v);
    case 'round_prefer_ceil': return v - Math.floor(v) === 0.5 ? Math.ceil(v) : Math.round(v);
  }
}

/** Keys' cubic convolution weights of the taps at ⌊x⌋ − 1 … ⌊x⌋ + 2 for fractional part t (the ONNX reference's cubic_coeffs). */
function cubicWeights(t: number, a: number): number[] {
  const far = (s: number) => ((a * s - 5 * a) * s + 8 * a) * s - 4 * a; // 1 ≤ |s| < 2
  const near = (s: number) => ((a + 2) * s - (a + 3)) * s * s + 1; //      |s| < 1
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** Per tap, the input positions and weights of every output position; `outside`: positions beyond the input (tf_crop_and_resize), or null. */
interface Taps { positions: Int32Array[]; weights: Float64Array[]; outside: Float64Array | null }

/** The taps (positions clamped to the input, weights) of every output position along one axis. */
function axisTaps(o: ResizeOptions, n: number, m: number, scale: number, crop: readonly [number, number]): Taps {
  const count = o.mode === 'nearest' ? 1 : o.mode === 'linear' ? 2 : 4;
  const positions = Array.from({ length: count }, () => new Int32Array(m));
  const weights = Array.from({ length: count }, () => new Float64Array(m));
  const clamp = (i: number) => Math.min(Math.max(i, 0), n - 1);
  const outside = o.transform === 'tf_crop_and_resize' ? new Float64Array(m) : null;
  for (let x = 0; x < m; x++) {
    const v = original(o.transform, x, n, m, scale, crop);
    if (outside !== null && (v < 0 || v > n - 1)) outside[x] = 1;
    if (o.mode === 'nearest') {
      positions[0]![x] = clamp(rounded(o.rounding, v, scale));
      weights[0]![x] = 1;
      continue;
    }
    const base = Math.floor(v), t = v - base;
    const first = o.mode === 'linear' ? base : base - 1;
    const w = o.mode === 'linear' ? [1 - t, t] : cubicWeights(t, o.cubicA);
    if (o.excludeOutside) {
      let total = 0;
      w.forEach((wj, j) => (total += first + j < 0 || first + j >= n ? 0 : wj));
      w.forEach((wj, j) => (w[j] = first + j < 0 || first + j >= n ? 0 : wj / total));
    }
    for (let j = 0; j < count; j++) {
      positions[j]![x] = clamp(first + j);
      weights[j]![x] = w[j]!;
    }
  }
  return { positions, weights, outside };
}

export interface ResizeOptions { mode: Mode; transform: Transform; rounding: Rounding; cubicA: number; excludeOutside: boolean; extrapolation: number; policy: Policy }

/**
 * x resized along `axis` from n to m positions. tf_crop_and_resize's positions outside the input
 * take extrapolation_value; resizing the next axis keeps them so (its weights add up to 1), so an
 * output is that value exactly when one of its coordinates is outside, as the specification says.
 */
export function resizeAxis(x: Tensor, axis: number, m: number, scale: number, crop: readonly [number, number], o: ResizeOptions): Tensor {
  const n = x.shape[axis]!;
  const { positions, weights, outside } = axisTaps(o, n, m, scale, crop);
  const along = x.shape.map((_, i) => (i === axis ? m : 1));
  let out: Tensor | null = null;
  positions.forEach((p, j) => {
    const tap = take(x, p, axis);
    const term = o.mode === 'nearest' ? tap : mul(tap, reshape(new Tensor(weights[j]!, [m]), along));
    out = out === null ? term : add(out, term);
  });
  if (outside !== null && outside.includes(1)) return where(reshape(new Tensor(outside, [m]), along), o.extrapolation, out!);
  return out!;
}
