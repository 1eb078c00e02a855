/**
 * @file importModel against ONNX Runtime for the later operator groups (test/onnx/importMoreCases.ts):
 * float64 to 1e-12 of ORT's scale where ORT has the kernel, float32 (to 2e-6) where it has not.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import { encodeModel } from '../../src/onnx/proto.js';
import { buildModel, compareWithOrt } from './importOracle.js';
import { MORE_CASES, MORE_TOLERANCE } from './importMoreCases.js';

const results: Record<string, { precision: string; error: number }> = {};

describe('importModel against ONNX Runtime: trigonometry, multi-index, rescaling, spatial, Resize, recurrent layers', () => {
  it.each(Object.keys(MORE_CASES))('%s', async (name) => {
    const { precision, error, shapes, expectedShapes } = await compareWithOrt(MORE_CASES[name]!);
    results[name] = { precision, error };
    expect(shapes).toEqual(expectedShapes);
    expect(error).toBeLessThan(MORE_TOLERANCE[name] ?? (precision === 'double' ? 1e-12 : 2e-6));
  });

  it('reports the worst errors', () => {
    const by = (p: string) => Object.entries(results).filter(([, r]) => r.precision === p);
    const worst = (list: Array<[string, { error: number }]>) => list.filter(([n]) => !(n in MORE_TOLERANCE)).reduce((m, [, r]) => Math.max(m, r.error), 0);
    console.log(`importModel vs ORT (later groups): ${by('double').length} cases in float64 (worst ${worst(by('double')).toExponential(2)}), ` +
      `${by('float32').length} in float32 (worst ${worst(by('float32')).toExponential(2)}: ${by('float32').map(([n]) => n).join('; ')})`);
  });
});

// Cases whose fed float inputs the result does not depend on smoothly (a maximum's position), or where a
// finite difference would cross a kink at the sample (none, as the samples stand): no gradient check.
const NOT_SMOOTH = /Hardmax/;

describe('the imported operators are differentiable: checkGrad (reverse and forward) against finite differences', () => {
  const differentiable = Object.keys(MORE_CASES).filter((name) => !NOT_SMOOTH.test(name) &&
    MORE_CASES[name]!.inputs.some((s) => s !== null && !s.init && (s.type ?? 'float') === 'float'));
  it.each(differentiable)('%s', (name) => {
    const c = MORE_CASES[name]!;
    const model = importModel<ad.Tensor | Record<string, ad.Tensor>>(encodeModel(buildModel(c, 'double')));
    const fed = c.inputs.filter((s) => s !== null && !s.init);
    const floatsFed = fed.filter((s) => (s!.type ?? 'float') === 'float').map((s) => s!.name);
    const values = Object.fromEntries(fed.map((s) => [s!.name, ad.tensor(Float64Array.from(s!.data), [...s!.shape])]));
    const loss = (x: Record<string, ad.Tensor>) => {
      const out = model({ ...values, ...x });
      const leaves = out instanceof ad.Tensor ? [out] : Object.values(out);
      return leaves.reduce((acc: ad.Tensor, y) => ad.add(acc, ad.sum(ad.mul(ad.sin(ad.mul(y, 1.3)), y))), ad.scalar(0));
    };
    const check = ad.checkGrad(loss, [Object.fromEntries(floatsFed.map((k) => [k, values[k]!]))], { order: 1 });
    expect(check.ok, JSON.stringify(check.checks.filter((k) => !k.ok))).toBe(true);
  });
});

describe('unsupported attribute values are import-time errors naming the node, the attribute and what is supported', () => {
  const reject = (c: Parameters<typeof buildModel>[0], message: RegExp) => expect(() => importModel(encodeModel(buildModel(c, 'double')))).toThrow(message);
  const resize = MORE_CASES['Resize linear align_corners, sizes']!;
  const lstm = MORE_CASES['LSTM forward']!;
  const rnn = MORE_CASES['RNN forward']!;
  it.each([
    ['Resize coordinate mode', { ...resize, attributes: [{ name: 'coordinate_transformation_mode', type: 3, s: new TextEncoder().encode('corners') }] },
      /node 'the_Resize' \(Resize, opset 13\): attribute coordinate_transformation_mode = "corners" is not supported \(supported: "half_pixel"/],
    ['Resize antialias', { ...resize, opset: 18, attributes: [{ name: 'antialias', type: 2, i: 1 }] }, /attribute antialias = 1 is not supported \(supported: 0\)/],
    ['Upsample cubic', { ...MORE_CASES['Upsample nearest (opset 9)']!, attributes: [{ name: 'mode', type: 3, s: new TextEncoder().encode('cubic') }] }, /attribute mode = "cubic" is not supported \(supported: "nearest", "linear", "bilinear"\)/],
    ['LSTM layout 2', { ...lstm, attributes: [...lstm.attributes!, { name: 'layout', type: 2, i: 2 }] }, /node 'the_LSTM' \(LSTM, opset 14\): attribute layout = 2 is not supported \(supported: 0, 1\)/],
    ['RNN activation Gelu', { ...rnn, attributes: [...rnn.attributes!, { name: 'activations', type: 8, strings: [new TextEncoder().encode('Gelu')] }] },
      /attribute activations = "Gelu" is not supported \(supported: "Sigmoid", "Tanh", "Relu", "Softsign", "Softplus", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu"\)/],
    ['RNN direction', { ...rnn, attributes: [...rnn.attributes!, { name: 'direction', type: 3, s: new TextEncoder().encode('both') }] }, /attribute direction = "both" is not supported \(supported: "forward", "reverse", "bidirectional"\)/],
    ['DepthToSpace mode', { ...MORE_CASES['DepthToSpace CRD']!, attributes: [{ name: 'blocksize', type: 2, i: 2 }, { name: 'mode', type: 3, s: new TextEncoder().encode('XYZ') }] }, /attribute mode = "XYZ" is not supported \(supported: "DCR", "CRD"\)/],
    ['ScatterND mul before opset 16', { ...MORE_CASES['ScatterND mul, repeated (opset 16)']!, opset: 15 }, /attribute reduction = "mul" is not supported \(supported: "none"\)/],
    ['ScatterND max at opset 16', { ...MORE_CASES['ScatterND max (opset 18)']!, opset: 16 }, /attribute reduction = "max" is not supported \(supported: "none", "add", "mul"\)/],
    ['LpNormalization p = 3', { ...MORE_CASES['LpNormalization p = 2']!, attributes: [{ name: 'p', type: 2, i: 3 }] }, /attribute p = 3 is not supported \(supported: 1, 2\)/],
  ] as const)('%s', (_, c, message) => reject(c as Parameters<typeof buildModel>[0], message));
});
