/**
 * @file ONNX's Resize (PyTorch's F.interpolate exports to it) and its predecessor Upsample in adjoint's ops:
 * the node's attributes and inputs read into ../ops/resizeAxis.ts's separable resizing (coordinate_transformation_mode,
 * nearest_mode, cubic_coeff_a, exclude_outside), one axis at a time.
 */
import type { Tensor } from '../tensor/tensor.js';
import { resizeAxis, type Mode, type Policy, type ResizeOptions, type Rounding, type Transform } from '../ops/resizeAxis.js';
import { numbers, same, type NodeContext, type OperatorDef } from './importNode.js';
import { axisIn } from './importShape.js';

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
