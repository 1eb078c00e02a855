/**
 * @file One-node cases for the importer's later operator groups (importUnary, importScatter,
 * importNormalize, importSpatial, importResize, importRecurrent), run against ONNX Runtime by
 * importMore.test.ts; importOps.test.ts counts them in its coverage of the operator table.
 */
import { attr, floats, ints, type Case, type InputSpec } from './importOracle.js';

const scaled = (spec: InputSpec, by: number): InputSpec => ({ ...spec, data: spec.data.map((v) => v * by) });
const within = (name: string, shape: number[], lo: number, hi: number): InputSpec => {
  const s = floats(name, shape, 3);
  return { ...s, data: s.data.map((v) => lo + ((v + 2) / 4) * (hi - lo)) };
};
const x234 = floats('x', [2, 3, 4]);
const image = floats('x', [1, 2, 3, 4]);
const floatOut = [{ name: 'y', type: 'float' as const }];
const strings = (name: string, values: string[]) => ({ name, type: 8, strings: values.map((v) => new TextEncoder().encode(v)) });
const f32 = (name: string, data: number[]): InputSpec => ({ name, data, shape: [data.length], init: true });

/**
 * Where ONNX Runtime's float64 kernel is itself less precise than float64 (measured while writing
 * these tests): its Shrink rounds the input to float32; GroupNormalization's statistics are float32
 * (stash_type = 1, the default).
 */
export const MORE_TOLERANCE: Record<string, number> = {
  'Shrink bias 0.2 lambd 0.6': 2e-7, 'Shrink defaults': 2e-7, 'GroupNormalization per channel (opset 21)': 2e-7,
};

/** A recurrent layer's case: X [T, B, I], weights for D directions, G gates, hidden H, then the optional inputs. */
export function recurrentCase(op: 'RNN' | 'GRU' | 'LSTM', D: number, options: {
  H?: number; I?: number; T?: number; B?: number; attributes?: Case['attributes']; bias?: boolean; initial?: boolean; peepholes?: boolean; lens?: number[]; layout?: 1; opset?: number;
} = {}): Case {
  const { H = 3, I = 2, T = 4, B = 2 } = options;
  const G = op === 'RNN' ? 1 : op === 'GRU' ? 3 : 4;
  const batchFirst = options.layout === 1;
  const inputs: Array<InputSpec | null> = [
    floats('X', batchFirst ? [B, T, I] : [T, B, I], 1),
    scaled(floats('W', [D, G * H, I], 2, { init: true }), 0.4),
    scaled(floats('R', [D, G * H, H], 3, { init: true }), 0.4),
    options.bias ? scaled(floats('B', [D, 2 * G * H], 4, { init: true }), 0.3) : null,
    options.lens ? { name: 'lens', data: options.lens, shape: [B], type: 'int32', init: true } : null,
    options.initial ? scaled(floats('h0', batchFirst ? [B, D, H] : [D, B, H], 5), 0.5) : null,
  ];
  if (op === 'LSTM') inputs.push(options.initial ? scaled(floats('c0', batchFirst ? [B, D, H] : [D, B, H], 6), 0.5) : null, options.peepholes ? scaled(floats('P', [D, 3 * H], 7, { init: true }), 0.3) : null);
  while (inputs[inputs.length - 1] === null) inputs.pop();
  const direction = D === 2 ? [attr.string('direction', 'bidirectional')] : [];
  return {
    op, inputs, opset: options.opset ?? 14,
    attributes: [attr.int('hidden_size', H), ...direction, ...(options.layout ? [attr.int('layout', 1)] : []), ...(options.attributes ?? [])],
    outputs: op === 'LSTM' ? [{ name: 'Y' }, { name: 'Y_h' }, { name: 'Y_c' }] : [{ name: 'Y' }, { name: 'Y_h' }],
  };
}

export const MORE_CASES: Record<string, Case> = {
  // ---- unary ----
  'Tan': { op: 'Tan', inputs: [scaled(x234, 0.7)] },
  'Asin': { op: 'Asin', inputs: [within('x', [2, 3], -0.99, 0.99)] },
  'Acos': { op: 'Acos', inputs: [within('x', [2, 3], -0.99, 0.99)] },
  'Atan': { op: 'Atan', inputs: [x234] },
  'Sinh': { op: 'Sinh', inputs: [x234] },
  'Cosh': { op: 'Cosh', inputs: [x234] },
  'Asinh': { op: 'Asinh', inputs: [x234] },
  'Acosh': { op: 'Acosh', inputs: [within('x', [2, 3], 1.01, 4)] },
  'Atanh': { op: 'Atanh', inputs: [within('x', [2, 3], -0.95, 0.95)] },
  'Celu alpha 0.7 (opset 12)': { op: 'Celu', inputs: [x234], opset: 12, attributes: [attr.float('alpha', 0.7)] },
  'Mish (opset 18)': { op: 'Mish', inputs: [x234], opset: 18 },
  'ThresholdedRelu alpha 0.3': { op: 'ThresholdedRelu', inputs: [x234], attributes: [attr.float('alpha', 0.3)] },
  'Shrink bias 0.2 lambd 0.6': { op: 'Shrink', inputs: [x234], attributes: [attr.float('bias', 0.2), attr.float('lambd', 0.6)] },
  'Shrink defaults': { op: 'Shrink', inputs: [x234] },
  'Det of a batch': { op: 'Det', inputs: [{ ...floats('x', [2, 3, 3]), data: floats('x', [2, 3, 3]).data.map((v, i) => (i % 4 === 0 ? v + 3 : v)) }] },

  // ---- multi-index ----
  'GatherND tuples of 2': { op: 'GatherND', inputs: [floats('x', [3, 4, 2]), ints('i', [0, 1, 2, -1, 1, 3], [3, 2])] },
  'GatherND batch_dims 1': { op: 'GatherND', inputs: [floats('x', [2, 3, 4]), ints('i', [2, 1, 0, 0, 1, 3, 2, 2], [2, 2, 2])], attributes: [attr.int('batch_dims', 1)] },
  'GatherND with indices fed at the run': { op: 'GatherND', inputs: [floats('x', [3, 4], 1, { init: true }), ints('i', [2, 1, 0], [3, 1], false)], outputs: floatOut },
  'ScatterND (set)': { op: 'ScatterND', inputs: [floats('x', [4, 3]), ints('i', [2, 0, -1], [3, 1]), floats('u', [3, 3], 2)] },
  'ScatterND tuples of 2': { op: 'ScatterND', inputs: [floats('x', [3, 4, 2]), ints('i', [0, 1, 2, 3], [2, 2]), floats('u', [2, 2], 2)] },
  'ScatterND add, repeated (opset 16)': { op: 'ScatterND', inputs: [floats('x', [4, 2]), ints('i', [1, 3, 1], [3, 1]), floats('u', [3, 2], 2)], opset: 16, attributes: [attr.string('reduction', 'add')] },
  'ScatterND mul, repeated (opset 16)': { op: 'ScatterND', inputs: [floats('x', [4, 2]), ints('i', [1, 3, 1], [3, 1]), floats('u', [3, 2], 2)], opset: 16, attributes: [attr.string('reduction', 'mul')] },
  'ScatterND max (opset 18)': { op: 'ScatterND', inputs: [floats('x', [4, 2]), ints('i', [1, 3, 1], [3, 1]), floats('u', [3, 2], 2)], opset: 18, attributes: [attr.string('reduction', 'max')] },
  'ScatterND min (opset 18)': { op: 'ScatterND', inputs: [floats('x', [4, 2]), ints('i', [0, 2, 0], [3, 1]), floats('u', [3, 2], 2)], opset: 18, attributes: [attr.string('reduction', 'min')] },
  'OneHot axis −1, negative and out-of-range indices': { op: 'OneHot', inputs: [ints('i', [0, 3, -1, 7, 2, -5], [2, 3], false), ints('d', [5], []), f32('v', [-0.5, 2])], outputs: floatOut },
  'OneHot axis 0': { op: 'OneHot', inputs: [ints('i', [1, 0, 2], [3], false), ints('d', [3], []), f32('v', [0, 1])], attributes: [attr.int('axis', 0)], outputs: floatOut },
  'EyeLike k = 1': { op: 'EyeLike', inputs: [floats('x', [3, 5])], attributes: [attr.int('k', 1)] },
  'EyeLike k = −2, dtype int64': { op: 'EyeLike', inputs: [floats('x', [4, 3])], attributes: [attr.int('k', -2), attr.int('dtype', 7)], outputs: [{ name: 'y', type: 'int64' }] },
  'ReverseSequence time axis 0': { op: 'ReverseSequence', inputs: [floats('x', [4, 3, 2]), ints('l', [4, 1, 3], [3], false)] },
  'ReverseSequence batch axis 0': { op: 'ReverseSequence', inputs: [floats('x', [3, 4]), ints('l', [2, 4, 0], [3], false)], attributes: [attr.int('batch_axis', 0), attr.int('time_axis', 1)] },

  // ---- rescaling ----
  'Hardmax axis 1 (opset 13), ties to the first': { op: 'Hardmax', inputs: [{ name: 'x', data: [1, 3, 3, 0, 2, 2, 2, 1, 5, 0, 0, 5], shape: [2, 3, 2] }], opset: 13, attributes: [attr.int('axis', 1)] },
  'Hardmax (opset 11: coerced to 2-D)': { op: 'Hardmax', inputs: [x234], opset: 11 },
  'LpNormalization p = 2': { op: 'LpNormalization', inputs: [x234] },
  'LpNormalization p = 1 axis 0': { op: 'LpNormalization', inputs: [x234], attributes: [attr.int('axis', 0), attr.int('p', 1)] },
  'MeanVarianceNormalization default axes': { op: 'MeanVarianceNormalization', inputs: [floats('x', [2, 3, 2, 3])] },
  'MeanVarianceNormalization axes [1]': { op: 'MeanVarianceNormalization', inputs: [x234], attributes: [attr.ints('axes', [1])] },
  'GroupNormalization per channel (opset 21)': {
    op: 'GroupNormalization', opset: 21, inputs: [floats('x', [2, 4, 3]), floats('s', [4], 2, { init: true }), floats('b', [4], 3, { init: true })],
    attributes: [attr.int('num_groups', 2), attr.float('epsilon', 1e-3)],
  },
  'GroupNormalization per group (opset 18)': {
    op: 'GroupNormalization', opset: 18, inputs: [floats('x', [2, 6, 2]), floats('s', [3], 2, { init: true }), floats('b', [3], 3, { init: true })],
    attributes: [attr.int('num_groups', 3)],
  },

  // ---- spatial ----
  'ConvTranspose stride 2, pads, bias': {
    op: 'ConvTranspose', inputs: [floats('x', [2, 3, 3, 4]), floats('w', [3, 2, 3, 2], 2, { init: true }), floats('b', [2], 3, { init: true })],
    attributes: [attr.ints('strides', [2, 1]), attr.ints('pads', [1, 0, 0, 1])],
  },
  'ConvTranspose output_padding, dilations, groups': {
    op: 'ConvTranspose', inputs: [floats('x', [1, 4, 3, 3]), floats('w', [4, 1, 2, 3], 2, { init: true })],
    attributes: [attr.ints('strides', [3, 2]), attr.ints('output_padding', [2, 1]), attr.ints('dilations', [1, 2]), attr.int('group', 2)],
  },
  'ConvTranspose output_shape': {
    op: 'ConvTranspose', inputs: [floats('x', [1, 2, 3, 3]), floats('w', [2, 3, 3, 3], 2, { init: true })],
    attributes: [attr.ints('strides', [2, 2]), attr.ints('output_shape', [6, 7])],
  },
  'ConvTranspose output_shape with SAME_UPPER': {
    op: 'ConvTranspose', inputs: [floats('x', [1, 2, 3, 3]), floats('w', [2, 3, 3, 3], 2, { init: true })],
    attributes: [attr.ints('strides', [2, 2]), attr.ints('output_shape', [6, 8]), attr.string('auto_pad', 'SAME_UPPER')],
  },
  'ConvTranspose auto_pad SAME_UPPER': {
    op: 'ConvTranspose', inputs: [floats('x', [1, 2, 3, 4]), floats('w', [2, 2, 3, 2], 2, { init: true })],
    attributes: [attr.ints('strides', [2, 2]), attr.string('auto_pad', 'SAME_UPPER')],
  },
  'ConvTranspose auto_pad SAME_LOWER': {
    op: 'ConvTranspose', inputs: [floats('x', [1, 2, 3, 4]), floats('w', [2, 2, 3, 2], 2, { init: true })],
    attributes: [attr.ints('strides', [2, 2]), attr.string('auto_pad', 'SAME_LOWER')],
  },
  'ConvTranspose 1-D': { op: 'ConvTranspose', inputs: [floats('x', [2, 2, 5]), floats('w', [2, 3, 4], 2, { init: true })], attributes: [attr.ints('strides', [3])] },
  'DepthToSpace DCR': { op: 'DepthToSpace', inputs: [floats('x', [2, 8, 2, 3])], attributes: [attr.int('blocksize', 2)] },
  'DepthToSpace CRD': { op: 'DepthToSpace', inputs: [floats('x', [1, 8, 2, 3])], attributes: [attr.int('blocksize', 2), attr.string('mode', 'CRD')] },
  'SpaceToDepth': { op: 'SpaceToDepth', inputs: [floats('x', [2, 2, 4, 6])], attributes: [attr.int('blocksize', 2)] },

  // ---- Resize ----
  'Resize nearest ×2 (half_pixel, round_prefer_floor)': { op: 'Resize', inputs: [image, null, f32('s', [1, 1, 2, 2])], opset: 13 },
  'Resize nearest asymmetric floor (PyTorch nearest), sizes': {
    op: 'Resize', inputs: [image, null, null, ints('z', [1, 2, 7, 5])], opset: 13,
    attributes: [attr.string('coordinate_transformation_mode', 'asymmetric'), attr.string('nearest_mode', 'floor')],
  },
  'Resize nearest down, round_prefer_ceil': {
    op: 'Resize', inputs: [floats('x', [1, 1, 6, 7]), null, null, ints('z', [1, 1, 4, 3])], opset: 13,
    attributes: [attr.string('nearest_mode', 'round_prefer_ceil')],
  },
  'Resize nearest align_corners ceil': {
    op: 'Resize', inputs: [image, null, null, ints('z', [1, 2, 5, 6])], opset: 13,
    attributes: [attr.string('coordinate_transformation_mode', 'align_corners'), attr.string('nearest_mode', 'ceil')],
  },
  'Resize linear half_pixel ×1.5': { op: 'Resize', inputs: [image, null, f32('s', [1, 1, 1.5, 1.5])], opset: 13, attributes: [attr.string('mode', 'linear')] },
  'Resize linear align_corners, sizes': {
    op: 'Resize', inputs: [image, null, null, ints('z', [1, 2, 7, 3])], opset: 13,
    attributes: [attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', 'align_corners')],
  },
  'Resize linear pytorch_half_pixel to length 1': {
    op: 'Resize', inputs: [image, null, null, ints('z', [1, 2, 1, 6])], opset: 13,
    attributes: [attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', 'pytorch_half_pixel')],
  },
  'Resize linear asymmetric down': {
    op: 'Resize', inputs: [floats('x', [1, 1, 5, 6]), null, null, ints('z', [1, 1, 3, 4])], opset: 13,
    attributes: [attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', 'asymmetric')],
  },
  'Resize cubic half_pixel': { op: 'Resize', inputs: [image, null, f32('s', [1, 1, 2, 1.5])], opset: 13, attributes: [attr.string('mode', 'cubic')] },
  'Resize cubic exclude_outside, a = −0.5': {
    op: 'Resize', inputs: [image, null, null, ints('z', [1, 2, 5, 7])], opset: 13,
    attributes: [attr.string('mode', 'cubic'), attr.int('exclude_outside', 1), attr.float('cubic_coeff_a', -0.5)],
  },
  'Resize linear half_pixel_symmetric (opset 19)': {
    op: 'Resize', inputs: [image, null, f32('s', [1, 1, 1.7, 0.8])], opset: 19,
    attributes: [attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', 'half_pixel_symmetric')],
  },
  'Resize nearest (opset 10: asymmetric), down': { op: 'Resize', inputs: [floats('x', [1, 1, 5, 6]), f32('s', [1, 1, 0.6, 0.7])], opset: 10 },
  'Resize linear (opset 10)': { op: 'Resize', inputs: [image, f32('s', [1, 1, 1.5, 2.5])], opset: 10, attributes: [attr.string('mode', 'linear')] },
  'Upsample nearest (opset 9)': { op: 'Upsample', inputs: [image, f32('s', [1, 1, 2, 3])], opset: 9 },
  'Upsample linear (opset 7: scales attribute)': { op: 'Upsample', inputs: [image], opset: 7, attributes: [attr.string('mode', 'linear'), attr.floats('scales', [1, 1, 2, 1.5])] },
  'Resize tf_crop_and_resize linear, extrapolation_value': {
    op: 'Resize', inputs: [image, f32('r', [0, 0, 0.2, -0.1, 1, 1, 0.9, 1.3]), null, ints('z', [1, 2, 4, 5])], opset: 13,
    attributes: [attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', 'tf_crop_and_resize'), attr.float('extrapolation_value', 9.5)],
  },
  'Resize tf_crop_and_resize nearest, scales': {
    op: 'Resize', inputs: [image, f32('r', [0, 0, 0.1, 0.2, 1, 1, 0.8, 0.9]), f32('s', [1, 1, 2, 1.5])], opset: 13,
    attributes: [attr.string('coordinate_transformation_mode', 'tf_crop_and_resize')],
  },
  'Resize keep_aspect_ratio_policy not_larger (opset 18)': {
    op: 'Resize', inputs: [image, null, null, ints('z', [5, 7])], opset: 18,
    attributes: [attr.ints('axes', [2, 3]), attr.string('mode', 'linear'), attr.string('keep_aspect_ratio_policy', 'not_larger')],
  },
  'Resize keep_aspect_ratio_policy not_smaller (opset 18)': {
    op: 'Resize', inputs: [image, null, null, ints('z', [4, 4])], opset: 18,
    attributes: [attr.ints('axes', [2, 3]), attr.string('keep_aspect_ratio_policy', 'not_smaller')],
  },
  'Resize axes (opset 18)': { op: 'Resize', inputs: [image, null, null, ints('z', [5, 2])], opset: 18, attributes: [attr.ints('axes', [-2, 1]), attr.string('mode', 'linear')] },

  // ---- GridSample ----
  'GridSample bilinear zeros (opset 16)': { op: 'GridSample', opset: 16, inputs: [image, scaled(floats('g', [1, 3, 4, 2], 2), 0.6)] },
  'GridSample bilinear border align_corners': { op: 'GridSample', opset: 16, inputs: [image, scaled(floats('g', [1, 3, 4, 2], 2), 0.6)], attributes: [attr.string('padding_mode', 'border'), attr.int('align_corners', 1)] },
  'GridSample bilinear reflection': { op: 'GridSample', opset: 16, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('padding_mode', 'reflection')] },
  'GridSample bilinear reflection align_corners': { op: 'GridSample', opset: 16, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('padding_mode', 'reflection'), attr.int('align_corners', 1)] },
  'GridSample nearest zeros': { op: 'GridSample', opset: 16, inputs: [floats('x', [2, 2, 3, 4]), scaled(floats('g', [2, 2, 3, 2], 4), 0.6)], attributes: [attr.string('mode', 'nearest')] },
  'GridSample bicubic zeros': { op: 'GridSample', opset: 16, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('mode', 'bicubic')] },
  'GridSample bicubic border align_corners': { op: 'GridSample', opset: 16, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('mode', 'bicubic'), attr.string('padding_mode', 'border'), attr.int('align_corners', 1)] },
  'GridSample bicubic reflection': { op: 'GridSample', opset: 16, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('mode', 'bicubic'), attr.string('padding_mode', 'reflection')] },
  'GridSample cubic (opset 20) reflection align_corners': { op: 'GridSample', opset: 20, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('mode', 'cubic'), attr.string('padding_mode', 'reflection'), attr.int('align_corners', 1)] },
  'GridSample linear (opset 20) border': { op: 'GridSample', opset: 20, inputs: [image, floats('g', [1, 3, 4, 2], 2)], attributes: [attr.string('padding_mode', 'border')] },

  // ---- recurrent ----
  'RNN forward': recurrentCase('RNN', 1, { bias: true }),
  'RNN reverse, Relu, initial_h': recurrentCase('RNN', 1, { initial: true, attributes: [attr.string('direction', 'reverse'), { name: 'activations', type: 8, strings: [new TextEncoder().encode('Relu')] }] }),
  'GRU forward': recurrentCase('GRU', 1, { bias: true }),
  'GRU bidirectional, linear_before_reset, initial_h': recurrentCase('GRU', 2, { bias: true, initial: true, attributes: [attr.int('linear_before_reset', 1)] }),
  'LSTM forward': recurrentCase('LSTM', 1, { bias: true }),
  'LSTM bidirectional, initial states, peepholes': recurrentCase('LSTM', 2, { bias: true, initial: true, peepholes: true }),
  'LSTM bidirectional, sequence_lens': recurrentCase('LSTM', 2, { bias: true, initial: true, lens: [4, 2] }),
  'GRU reverse, sequence_lens': recurrentCase('GRU', 1, { bias: true, lens: [1, 3], attributes: [attr.string('direction', 'reverse')] }),
  'RNN clip': recurrentCase('RNN', 1, { bias: true, attributes: [attr.float('clip', 0.5)] }),
  'LSTM input_forget, clip': recurrentCase('LSTM', 1, { bias: true, initial: true, attributes: [attr.int('input_forget', 1), attr.float('clip', 0.8)] }),
  'RNN LeakyRelu α 0.3': recurrentCase('RNN', 1, { bias: true, attributes: [strings('activations', ['LeakyRelu']), attr.floats('activation_alpha', [0.3])] }),
  'RNN bidirectional ThresholdedRelu, Affine': recurrentCase('RNN', 2, { bias: true, attributes: [strings('activations', ['ThresholdedRelu', 'Affine']), attr.floats('activation_alpha', [0.2, 0.7]), attr.floats('activation_beta', [0.1])] }),
  'GRU HardSigmoid, ScaledTanh with α and β': recurrentCase('GRU', 1, { bias: true, attributes: [strings('activations', ['HardSigmoid', 'ScaledTanh']), attr.floats('activation_alpha', [0.3, 0.8]), attr.floats('activation_beta', [0.4, 1.5])] }),
  'LSTM Sigmoid, Elu, Affine: parameters in the order of the activations that take them': recurrentCase('LSTM', 1, { bias: true, attributes: [strings('activations', ['Sigmoid', 'Elu', 'Affine']), attr.floats('activation_alpha', [0.7, 0.5]), attr.floats('activation_beta', [0.1])] }),
  'GRU activations Relu, Softsign': recurrentCase('GRU', 1, { bias: true, attributes: [{ name: 'activations', type: 8, strings: ['Relu', 'Softsign'].map((a) => new TextEncoder().encode(a)) }] }),
};
