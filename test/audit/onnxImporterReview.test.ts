/**
 * @file Audit regressions for the ONNX importer's later operators (recurrent layers, ConvTranspose,
 * Resize, GridSample, the multi-index and rescaling operators), found by a differential sweep of
 * their attributes against ONNX Runtime (one-node models, test/onnx/importOracle.ts).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import { encodeModel } from '../../src/onnx/proto.js';
import { attr, buildModel, compareWithOrt, floats, ints } from '../onnx/importOracle.js';
import { recurrentCase } from '../onnx/importMoreCases.js';

/** importModel against ONNX Runtime on one case: same shapes, error within float32 (ORT has no float64 recurrent kernels). */
async function matchesOrt(c: Parameters<typeof compareWithOrt>[0], tolerance = 2e-6): Promise<void> {
  const { error, shapes, expectedShapes } = await compareWithOrt(c);
  expect(shapes).toEqual(expectedShapes);
  expect(error).toBeLessThan(tolerance);
}

describe('recurrent layers', () => {
  it("LSTM's clip bounds the gates' inputs, not the cell state h reads (|H| was capped at tanh(clip))", async () => {
    // With initial states the cell state leaves [−0.3, 0.3] at the first step; H was 0.167 where ORT has 0.337.
    await matchesOrt(recurrentCase('LSTM', 1, { T: 3, B: 1, H: 2, bias: true, initial: true, attributes: [attr.float('clip', 0.3)] }));
    await matchesOrt(recurrentCase('LSTM', 2, { T: 4, B: 2, H: 3, bias: true, initial: true, peepholes: true, attributes: [attr.float('clip', 0.5)] }));
  });

  it.each(['RNN', 'GRU', 'LSTM'] as const)('%s: an entry of sequence length 0 ends with zero states (it kept its initial ones)', async (op) => {
    await matchesOrt(recurrentCase(op, 1, { T: 3, B: 3, H: 2, bias: true, initial: true, lens: [0, 2, 3] }));
    await matchesOrt(recurrentCase(op, 1, { T: 3, B: 3, H: 2, bias: true, initial: true, lens: [2, 0, 3], attributes: [attr.string('direction', 'reverse')] }));
    await matchesOrt(recurrentCase(op, 2, { T: 3, B: 2, H: 2, bias: true, initial: true, lens: [3, 0] }));
  });

  it('a sequence of length T = 0 ends with zero states', async () => {
    const c = recurrentCase('LSTM', 1, { T: 0, B: 2, H: 2, bias: true, initial: true });
    // ORT writes Y and Y_h but leaves Y_c's buffer uninitialised at T = 0 (garbage such as −1.6e28 in
    // about one run in seven), so Y_c is checked against the zeros its Y_h implies, not against ORT.
    await matchesOrt({ ...c, outputs: [{ name: 'Y' }, { name: 'Y_h' }] });
    const outputs = importModel<Record<string, ad.Tensor>>(encodeModel(buildModel(c, 'double')))(
      Object.fromEntries(c.inputs.flatMap((s) => (s && !s.init ? [[s.name, ad.tensor(Float64Array.from(s.data), [...s.shape])]] : []))));
    expect(outputs.Y_c!.shape).toEqual([1, 2, 2]);
    expect(Array.from(outputs.Y_c!.toFloat64Array())).toEqual([0, 0, 0, 0]);
  });
});

describe('ConvTranspose', () => {
  it.each(['SAME_UPPER', 'SAME_LOWER'])('auto_pad %s with a kernel shorter than the stride keeps the full extent (it padded zeros up to L·s)', async (autoPad) => {
    // ONNX Runtime clamps the total padding at 0: x [1, 1, 3], k = 1, stride 2 → 5 positions, not 6.
    const x = floats('x', [1, 1, 3]), w = floats('w', [1, 2, 1], 2, { init: true });
    await matchesOrt({ op: 'ConvTranspose', inputs: [x, w], attributes: [attr.ints('strides', [2]), attr.string('auto_pad', autoPad)] });
    const x2 = floats('x', [1, 2, 4, 2]), w2 = floats('w', [2, 1, 1, 1], 2, { init: true });
    await matchesOrt({ op: 'ConvTranspose', inputs: [x2, w2], attributes: [attr.ints('strides', [3, 3]), attr.ints('dilations', [1, 2]), attr.string('auto_pad', autoPad)] });
    // output_padding counts toward the full extent: L = 1, k = 1, stride 3, output_padding 1 → 2 positions.
    const x3 = floats('x', [1, 1, 1, 2]), w3 = floats('w', [1, 1, 1, 2], 2, { init: true });
    await matchesOrt({ op: 'ConvTranspose', inputs: [x3, w3], attributes: [attr.ints('strides', [3, 2]), attr.ints('output_padding', [1, 0]), attr.string('auto_pad', autoPad)] });
  });
});

describe('Resize', () => {
  it('a scale that rounds an axis down to 0 positions gives the empty result, as ONNX Runtime (it threw)', async () => {
    // ⌊1 · 0.5⌋ = 0: output [1, 1, 0, 6].
    await matchesOrt({ op: 'Resize', opset: 13, inputs: [floats('x', [1, 1, 1, 3]), null, { name: 's', data: [1, 1, 0.5, 2], shape: [4], init: true }] });
    await matchesOrt({ op: 'Resize', opset: 13, inputs: [floats('x', [2, 3]), null, { name: 's', data: [0.4, 1.5], shape: [2], init: true }], attributes: [attr.string('mode', 'linear')] });
  });
});

describe('LpNormalization', () => {
  it.each([1, 2])('p = %i: a zero vector normalises to zeros, as ONNX Runtime (it was 0/0 = NaN), with a zero gradient there', async (p) => {
    const c = { op: 'LpNormalization', inputs: [{ name: 'x', data: [0, 0, 0, 1, -2, 3], shape: [2, 3] }], attributes: [attr.int('p', p)] };
    await matchesOrt(c, 1e-12);
    const model = importModel<ad.Tensor>(encodeModel(buildModel(c, 'double')));
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(model({ x }), ad.tensor([[1, 2, 3], [1, -1, 2]]))))(ad.tensor([[0, 0, 0], [1, -2, 3]]));
    expect(Array.from(g.toFloat64Array().subarray(0, 3))).toEqual([0, 0, 0]);
    expect(g.toFloat64Array().every(Number.isFinite)).toBe(true);
  });
});

describe('attribute values outside the specification are import-time errors naming the node, the attribute and what is supported', () => {
  const reject = (c: Parameters<typeof buildModel>[0], message: RegExp) => expect(() => importModel(encodeModel(buildModel(c, 'double')))).toThrow(message);
  const image = floats('x', [1, 2, 3, 4]);
  const scales = { name: 's', data: [1, 1, 2, 1.5], shape: [4], init: true };
  it.each([
    // 0/1 flags read as "=== 1" took any other value for 0.
    ['GRU linear_before_reset = 2', recurrentCase('GRU', 1, { attributes: [attr.int('linear_before_reset', 2)] }), /node 'the_GRU' \(GRU, opset 14\): attribute linear_before_reset = 2 is not supported \(supported: 0, 1\)/],
    ['LSTM input_forget = 3', recurrentCase('LSTM', 1, { attributes: [attr.int('input_forget', 3)] }), /\(LSTM, opset 14\): attribute input_forget = 3 is not supported \(supported: 0, 1\)/],
    // clip ≤ 0 clipped every gate input to 0 (or beyond, for a negative one); ONNX Runtime's GRU and LSTM refuse it.
    ['RNN clip = 0', recurrentCase('RNN', 1, { attributes: [attr.float('clip', 0)] }), /\(RNN, opset 14\): attribute clip = 0 is not supported \(supported: a positive threshold\)/],
    ['LSTM clip = −1', recurrentCase('LSTM', 1, { attributes: [attr.float('clip', -1)] }), /\(LSTM, opset 14\): attribute clip = -1 is not supported/],
    ['Resize exclude_outside = 2', { op: 'Resize', opset: 13, inputs: [image, null, scales], attributes: [attr.string('mode', 'cubic'), attr.int('exclude_outside', 2)] }, /\(Resize, opset 13\): attribute exclude_outside = 2 is not supported \(supported: 0, 1\)/],
    ['GridSample align_corners = 2', { op: 'GridSample', opset: 16, inputs: [image, floats('g', [1, 2, 2, 2], 2)], attributes: [attr.int('align_corners', 2)] }, /\(GridSample, opset 16\): attribute align_corners = 2 is not supported \(supported: 0, 1\)/],
    // Resize's later attributes and modes at an opset that does not define them were applied.
    ['Resize keep_aspect_ratio_policy at opset 13', { op: 'Resize', opset: 13, inputs: [image, null, scales], attributes: [attr.string('keep_aspect_ratio_policy', 'not_larger')] }, /\(Resize, opset 13\): attribute keep_aspect_ratio_policy is defined from opset 18 on/],
    ['Resize axes at opset 13', { op: 'Resize', opset: 13, inputs: [image, null, { ...scales, data: [2, 1.5], shape: [2] }], attributes: [attr.ints('axes', [2, 3])] }, /attribute axes is defined from opset 18 on \(this model's opset is 13\)/],
    ['Resize half_pixel_symmetric at opset 18', { op: 'Resize', opset: 18, inputs: [image, null, scales], attributes: [attr.string('coordinate_transformation_mode', 'half_pixel_symmetric')] }, /attribute coordinate_transformation_mode = "half_pixel_symmetric" is not supported \(supported: "half_pixel", "pytorch_half_pixel"/],
  ] as const)('%s', (_, c, message) => reject(c as Parameters<typeof buildModel>[0], message));
});

describe('Resize at opsets 11–12', () => {
  it.each(['nearest', 'linear'])("coordinate_transformation_mode tf_half_pixel_for_nn, %s (it was rejected)", async (mode) => {
    const roi = { name: 'roi', data: [], shape: [0], init: true };
    await matchesOrt({ op: 'Resize', opset: 11, inputs: [floats('x', [1, 2, 4, 5]), roi, { name: 's', data: [1, 1, 2, 3], shape: [4], init: true }], attributes: [attr.string('mode', mode), attr.string('coordinate_transformation_mode', 'tf_half_pixel_for_nn')] });
    await matchesOrt({ op: 'Resize', opset: 12, inputs: [floats('x', [1, 2, 4, 5]), roi, { name: 's', data: [], shape: [0], init: true }, ints('z', [1, 2, 2, 7])], attributes: [attr.string('mode', mode), attr.string('nearest_mode', 'floor'), attr.string('coordinate_transformation_mode', 'tf_half_pixel_for_nn')] });
  });
});

describe('OneHot', () => {
  it('float indices are compared as they are, as ONNX Runtime and the ONNX reference implementation (a fractional index hits nothing)', async () => {
    // The specification's text says non-integer indices are cast to int64; ONNX Runtime's kernel (float indices,
    // float depth) and onnx.reference compare the values exactly. Integral floats, negative ones included, hit.
    await matchesOrt({
      op: 'OneHot', opset: 11, outputs: [{ name: 'y', type: 'float' }],
      inputs: [{ name: 'i', data: [1.4, -1.6, 2.9, 0.5, -0.4, 3, -3], shape: [7] }, { name: 'd', data: [4], shape: [], init: true }, { name: 'v', data: [-1, 5], shape: [2], init: true }],
    }, 1e-12);
  });
});
