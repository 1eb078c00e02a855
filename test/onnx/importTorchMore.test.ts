/**
 * @file importModel on PyTorch's recurrent, transposed-convolution, interpolation, pixel-shuffle
 * and grid-sampling layers (test/onnx/fixtures/make_more_fixtures.py, PyTorch 1.13, opset 17,
 * float64): outputs and the gradients of a scalar loss with respect to the inputs (and the
 * parameters the exporter keeps by name) equal PyTorch's autograd ones; a recurrent layer with the
 * batch first (layout 1, which ONNX Runtime does not run) equals the same layer with the time
 * first.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import { encodeModel } from '../../src/onnx/proto.js';
import { buildModel } from './importOracle.js';
import { recurrentCase } from './importMoreCases.js';
import { asTensor, load, relativeError, tensors } from './torchFixtures.js';

const worst: Record<string, number> = {};
const record = (what: string, e: number) => ((worst[what] = Math.max(worst[what] ?? 0, e)), e);

describe.each([
  ['lstm', 'a 2-layer bidirectional nn.LSTM with initial states and a linear head'],
  ['gru', 'a 2-layer bidirectional nn.GRU, batch first'],
  ['rnn', 'two nn.RNN layers (ReLU, tanh)'],
  ['deconv', 'nn.ConvTranspose2d with output_padding, then groups and dilation'],
  ['interpolate', 'F.interpolate nearest, bilinear (half-pixel and align_corners), bicubic'],
  ['shuffle', 'nn.PixelShuffle and nn.PixelUnshuffle'],
  ['grid_sample', 'F.grid_sample (bilinear zeros and reflection, nearest border): gradients in the image and the grid'],
  ['masked', 'x[x > 0] and torch.nonzero (NonZero, then Transpose and GatherND; make_mask_fixtures.py)'],
])('PyTorch %s: %s', (name) => {
  const { bytes, fixture } = load(name);
  const model = importModel<ad.Tensor>(bytes);
  const inputs = tensors(fixture.inputs);
  const r = asTensor(fixture.cotangents.y!);
  const loss = (params: typeof model.params, x: Record<string, ad.Tensor>) => ad.sum(ad.mul(model.apply(params, x), r));

  it('gives PyTorch outputs to 1e-12', () => {
    expect(record('outputs', relativeError(model(inputs), fixture.outputs.y!))).toBeLessThan(1e-12);
  });

  it('gives PyTorch autograd gradients to 1e-12', () => {
    const [gp, gx] = ad.grad(loss, [0, 1])(model.params, inputs) as [Record<string, ad.Tensor>, Record<string, ad.Tensor>];
    for (const [k, g] of Object.entries(fixture.inputGradients)) expect(record('input gradients', relativeError(gx[k]!, g)), k).toBeLessThan(1e-12);
    for (const [k, g] of Object.entries(fixture.paramGradients)) {
      if (k in gp) expect(record('parameter gradients', relativeError(gp[k]!, g)), k).toBeLessThan(1e-12);
    }
  });
});

describe('recurrent layers with the batch first (layout 1)', () => {
  it.each(['RNN', 'GRU', 'LSTM'] as const)('%s layout 1 equals layout 0 with the axes swapped, in value and gradient', (op) => {
    const timeFirst = recurrentCase(op, 2, { bias: true, initial: true });
    const batchFirst = recurrentCase(op, 2, { bias: true, initial: true, layout: 1 });
    const m0 = importModel<Record<string, ad.Tensor>>(encodeModel(buildModel(timeFirst, 'double')));
    const m1 = importModel<Record<string, ad.Tensor>>(encodeModel(buildModel(batchFirst, 'double')));
    const feed = (c: typeof timeFirst) => Object.fromEntries(c.inputs.filter((s) => s !== null && !s.init).map((s) => [s!.name, ad.tensor(Float64Array.from(s!.data), [...s!.shape])]));
    const f0 = feed(timeFirst), f1 = feed(batchFirst);
    // The batch-first inputs hold the same numbers in another order: feed m0 their transposes.
    const swapped = Object.fromEntries(Object.entries(f1).map(([k, v]) => [k, ad.transpose(v, [1, 0, 2])]));
    expect(Object.keys(swapped).sort()).toEqual(Object.keys(f0).sort());
    const y0 = m0(swapped), y1 = m1(f1);
    expect(ad.transpose(y1.Y!, [1, 2, 0, 3]).toArray()).toEqual(y0.Y!.toArray());
    expect(ad.transpose(y1.Y_h!, [1, 0, 2]).toArray()).toEqual(y0.Y_h!.toArray());
    const g0 = ad.grad((x: ad.Tensor) => ad.sum(ad.sin(m0({ ...swapped, X: x }).Y!)))(swapped.X!);
    const g1 = ad.grad((x: ad.Tensor) => ad.sum(ad.sin(m1({ ...f1, X: x }).Y!)))(f1.X!);
    expect(ad.transpose(g1, [1, 0, 2]).toArray()).toEqual(g0.toArray());
  });
});

describe('imported recurrent layers under transformations', () => {
  it('an imported LSTM passes checkGrad to second order in its input', () => {
    const m = importModel<Record<string, ad.Tensor>>(encodeModel(buildModel(recurrentCase('LSTM', 1, { bias: true, T: 3 }), 'double')));
    const x = ad.random.normal([3, 2, 2], 1);
    const check = ad.checkGrad((x: ad.Tensor) => ad.sum(ad.mul(m({ X: x }).Y!, m({ X: x }).Y!)), [x], { order: 2 });
    expect(check.ok).toBe(true);
  });

  it('jit of the gradient through the imported PyTorch LSTM equals the gradient; vmap over whole inputs equals one call each', () => {
    const imported = (name: string) => ({ model: importModel<ad.Tensor>(load(name).bytes), fixture: load(name).fixture });
    const { model, fixture } = imported('lstm');
    const inputs = tensors(fixture.inputs);
    const g = ad.grad((x: Record<string, ad.Tensor>) => ad.sum(ad.tanh(model(x))));
    const jitted = ad.jit(g);
    const want = g(inputs), got = jitted(inputs);
    for (const k of Object.keys(want)) expect(got[k]!.toArray()).toEqual(want[k]!.toArray());
    const gru = imported('gru');
    const x = asTensor(gru.fixture.inputs.x!);
    const xs = [x, ad.mul(-0.5, x), ad.flip(x, 1)];
    const mapped = ad.vmap((one: ad.Tensor) => gru.model({ x: one }))(ad.stack(xs, 0));
    xs.forEach((xi, i) => expect(relativeError(ad.take(mapped, i, 0), { shape: [...gru.model({ x: xi }).shape], data: Array.from(gru.model({ x: xi }).toFloat64Array()) })).toBeLessThan(1e-13));
  });

  it('reports the worst errors', () => {
    console.log('importModel vs PyTorch (recurrent, ConvTranspose, Resize, PixelShuffle, GridSample), worst relative errors:', JSON.stringify(worst));
  });
});
