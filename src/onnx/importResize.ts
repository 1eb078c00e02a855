/**
 * @file ONNX's Resize (PyTorch's F.interpolate exports to it) and its predecessor Upsample in adjoint's ops.
 *
 * Every mode is separable: along each resized axis, output position x maps to a coordinate
 * x_original of the input (coordinate_transformation_mode), and the output is Σⱼ wⱼ·input[iⱼ] over a
 * few taps — 1 for nearest (nearest_mode rounds x_original), 2 for linear (the neighbours of
 * x_original, weights 1 − t and t for its fractional part t), 4 for cubic (Keys' kernel with
 * a = cubic_coeff_a). Tap positions outside the input take the edge entry, as ONNX Runtime does;
 * with exclude_outside they get weight 0 and the rest are renormalised. Each axis is one `take`
 * per tap and a weighted sum, so the result is differentiable in the input. Positions and weights
 * depend on shapes only and are computed in float64 at import of each shape.
 */
import { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/binary.js';
import { reshape, take } from '../ops/shape.js';
import { where } from '../ops/select.js';
import { numbers, same, type NodeContext, type OperatorDef } from './importNode.js';
import { axisIn } from './importShape.js';

type Transform = 'half_pixel' | 'half_pixel_symmetric' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_crop_and_resize' | 'tf_half_pixel_for_nn';
type Policy = 'stretch' | 'not_larger' | 'not_smaller';
type Mode = 'nearest' | 'linear' | 'cubic';
type Rounding = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'legacy';

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

interface ResizeOptions { mode: Mode; transform: Transform; rounding: Rounding; cubicA: number; excludeOutside: boolean; extrapolation: number; policy: Policy }

/**
 * x resized along `axis` from n to m positions. tf_crop_and_resize's positions outside the input
 * take extrapolation_value; resizing the next axis keeps them so (its weights add up to 1), so an
 * output is that value exactly when one of its coordinates is outside, as the specification says.
 */
function resizeAxis(x: Tensor, axis: number, m: number, scale: number, crop: readonly [number, number], o: ResizeOptions): Tensor {
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

/**
 * t resized along `axes` to the `sizes` given, or by the `scales` given (output length ⌊n·scale⌋,
 * also for tf_crop_and_resize, as ONNX Runtime and the ONNX reference implementation compute it,
 * where the specification's text multiplies by the roi's end − start); for sizes the scale is m/n, or with keep_aspect_ratio_policy the smallest (not_larger) or largest
 * (not_smaller) of them for every axis, the lengths then round(n·scale)).
 */
function resized(node: NodeContext, t: Tensor, axes: number[], scales: number[] | undefined, sizes: number[] | undefined, roi: number[] | undefined, o: ResizeOptions): Tensor {
  const given = (scales ?? sizes)!;
  if (given.length !== axes.length) node.runError(`${scales ? 'scales' : 'sizes'} has ${given.length} entries for ${axes.length} axes of the input of shape [${t.shape}].`);
  const crops = axes.map((ax, i): [number, number] => {
    if (o.transform !== 'tf_crop_and_resize') return [0, 1];
    if (roi === undefined) node.runError('coordinate_transformation_mode tf_crop_and_resize needs the roi input.');
    const k = roi.length === 2 * axes.length ? i : roi.length === 2 * t.ndim ? ax : node.runError(`roi has ${roi.length} entries; it needs a start and an end per resized axis.`);
    return [roi[k]!, roi[k + roi.length / 2]!];
  });
  let common: number | undefined;
  if (sizes !== undefined && o.policy !== 'stretch') {
    const ratios = axes.map((ax, i) => sizes[i]! / t.shape[ax]!);
    common = o.policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
  }
  let y = t;
  axes.forEach((ax, i) => {
    const n = t.shape[ax]!;
    const m = scales ? Math.floor(n * scales[i]!) : common !== undefined ? Math.round(n * common) : sizes![i]!;
    const scale = scales ? scales[i]! : common ?? m / n;
    if (!(m >= 0) || !(scale > 0)) node.runError(`axis ${ax} of length ${n} would be resized to ${m} (scale ${scale}).`);
    if (m !== n || scale !== 1 || o.transform === 'tf_crop_and_resize') y = resizeAxis(y, ax, m, scale, crops[i]!, o);
  });
  return y;
}

/**
 * Resize before opset 11 and Upsample (opsets 7–9): scales only (an attribute at Upsample-7, an input
 * after), nearest or linear, with the asymmetric coordinates x/scale; nearest takes ⌊x/scale⌋, or
 * ⌈x/scale⌉ when downsampling (ONNX Runtime's behaviour; the specification leaves it open).
 */
function legacyResize(inputScales: (node: NodeContext) => boolean): OperatorDef {
  return {
    attributes: ['mode', 'scales'],
    staticInputs: [1],
    compile: (node) => {
      const mode = node.oneOf('mode', node.string('mode', 'nearest'), ['nearest', 'linear', 'bilinear']);
      const o: ResizeOptions = { mode: mode === 'nearest' ? 'nearest' : 'linear', transform: 'asymmetric', rounding: 'legacy', cubicA: -0.75, excludeOutside: false, extrapolation: 0, policy: 'stretch' };
      const fromInput = inputScales(node);
      return ([x, scalesIn]) => {
        const t = x!.tensor;
        const scales = fromInput ? (scalesIn ? numbers(scalesIn) : node.runError('input scales is required.')) : (node.floats('scales') ?? node.runError('attribute scales is required.'));
        return [same(x!, resized(node, t, t.shape.map((_, i) => i), scales, undefined, undefined, o))];
      };
    },
  };
}

const resizeOp: OperatorDef = {
  attributes: [
    'antialias', 'axes', 'coordinate_transformation_mode', 'cubic_coeff_a', 'exclude_outside',
    'extrapolation_value', 'keep_aspect_ratio_policy', 'mode', 'nearest_mode',
  ],
  staticInputs: [1, 2, 3],
  compile: (node: NodeContext) => {
    if (node.opset < 11) return legacyResize(() => true).compile(node);
    // Each attribute and mode as its definition at the model's opset: axes, antialias and the policy from 18,
    // half_pixel_symmetric from 19, tf_half_pixel_for_nn in 11–12 only.
    for (const name of ['antialias', 'axes', 'keep_aspect_ratio_policy']) {
      if (node.opset < 18 && node.has(name)) node.fail(`attribute ${name} is defined from opset 18 on (this model's opset is ${node.opset}).`);
    }
    const transforms: Transform[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'];
    if (node.opset < 13) transforms.push('tf_half_pixel_for_nn');
    if (node.opset >= 19) transforms.splice(1, 0, 'half_pixel_symmetric');
    const o: ResizeOptions = {
      mode: node.oneOf<Mode>('mode', node.string('mode', 'nearest') as Mode, ['nearest', 'linear', 'cubic']),
      transform: node.oneOf<Transform>('coordinate_transformation_mode', node.string('coordinate_transformation_mode', 'half_pixel') as Transform, transforms),
      rounding: node.oneOf<Rounding>('nearest_mode', node.string('nearest_mode', 'round_prefer_floor') as Rounding, ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']),
      cubicA: node.float('cubic_coeff_a', -0.75),
      excludeOutside: node.oneOf('exclude_outside', node.int('exclude_outside', 0), [0, 1]) === 1,
      extrapolation: node.float('extrapolation_value', 0),
      policy: node.oneOf<Policy>('keep_aspect_ratio_policy', node.string('keep_aspect_ratio_policy', 'stretch') as Policy, ['stretch', 'not_larger', 'not_smaller']),
    };
    node.oneOf('antialias', node.int('antialias', 0), [0]);
    return ([x, roiIn, scalesIn, sizesIn]) => {
      const t = x!.tensor;
      const axes = (node.ints('axes') ?? t.shape.map((_, i) => i)).map((a) => axisIn(node, a, t.ndim));
      const scales = scalesIn && scalesIn.tensor.size > 0 ? numbers(scalesIn) : undefined;
      const sizes = sizesIn && sizesIn.tensor.size > 0 ? numbers(sizesIn) : undefined;
      if ((scales === undefined) === (sizes === undefined)) node.runError('exactly one of scales and sizes must be given (non-empty).');
      const roi = roiIn && roiIn.tensor.size > 0 ? numbers(roiIn) : undefined;
      return [same(x!, resized(node, t, axes, scales, sizes, roi, o))];
    };
  },
};

/** Resize and Upsample by ONNX name. */
export const RESIZE: Record<string, OperatorDef> = { Resize: resizeOp, Upsample: legacyResize((node) => node.opset >= 9) };
