/**
 * @file importModel on models exported by PyTorch (test/onnx/fixtures/make_fixtures.py, PyTorch 1.13,
 * opset 17): outputs and the gradients of a scalar loss with respect to the inputs and the
 * parameters equal PyTorch's; the imported models pass checkGrad to second order, and work under
 * vmap, jit, jvp and hvp.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import { asTensor, load, relativeError, tensors } from './torchFixtures.js';

const worst: Record<string, number> = {};
function record(what: string, e: number): number {
  worst[what] = Math.max(worst[what] ?? 0, e);
  return e;
}

describe.each(['mlp', 'cnn', 'attention', 'shape_ops'])('PyTorch model %s', (name) => {
  const { bytes, fixture } = load(name);
  const model = importModel<ad.Tensor>(bytes);
  const inputs = tensors(fixture.inputs);
  const r = asTensor(fixture.cotangents.y!);
  const loss = (params: typeof model.params, x: Record<string, ad.Tensor>) => ad.sum(ad.mul(model.apply(params, x), r));

  it('gives PyTorch outputs to 1e-10', () => {
    expect(record('outputs', relativeError(model(inputs), fixture.outputs.y!))).toBeLessThan(1e-10);
    expect(Math.abs(loss(model.params, inputs).item() - fixture.loss)).toBeLessThan(1e-10 * Math.max(1, Math.abs(fixture.loss)));
  });

  it('gives PyTorch gradients (inputs and parameters) to 1e-10', () => {
    const [gp, gx] = ad.grad(loss, [0, 1])(model.params, inputs) as [Record<string, ad.Tensor>, Record<string, ad.Tensor>];
    for (const [k, g] of Object.entries(fixture.inputGradients)) expect(record('input gradients', relativeError(gx[k]!, g))).toBeLessThan(1e-10);
    const compared = Object.entries(fixture.paramGradients).filter(([k]) => k in gp);
    // Every PyTorch parameter is an initializer of the same name (the exporter keeps state_dict names).
    expect(compared.map(([k]) => k)).toEqual(Object.keys(fixture.paramGradients));
    for (const [k, g] of compared) expect(record('parameter gradients', relativeError(gp[k]!, g)), k).toBeLessThan(1e-10);
  });

  it('passes checkGrad to second order in the inputs and the parameters', () => {
    const x = inputs.x!;
    expect(ad.checkGrad((x: ad.Tensor) => ad.sum(ad.mul(model({ x }), r)), [x], { order: 2 }).ok).toBe(true);
    const weights = Object.keys(model.params).filter((k) => /weight$|^w$/.test(k)).slice(0, 2);
    const part = (p: Record<string, ad.Tensor>) => ad.sum(ad.mul(model.apply(p, { x }), r));
    const check = ad.checkGrad(part, [Object.fromEntries(weights.map((k) => [k, model.params[k]!]))], { order: 2 });
    expect(check.ok, JSON.stringify(check.checks.filter((c) => !c.ok))).toBe(true);
  });

  it('runs under jit with the same values and gradients', () => {
    const g = ad.grad(loss, [0, 1]);
    const jitted = ad.jit(g);
    const [gp, gx] = g(model.params, inputs) as [Record<string, ad.Tensor>, Record<string, ad.Tensor>];
    for (let rep = 0; rep < 2; rep++) {
      const [jp, jx] = jitted(model.params, inputs) as [Record<string, ad.Tensor>, Record<string, ad.Tensor>];
      expect(jx.x!.toArray()).toEqual(gx.x!.toArray());
      for (const k of Object.keys(gp)) expect(jp[k]!.toArray()).toEqual(gp[k]!.toArray());
    }
  });
});

describe('PyTorch models under transformations', () => {
  const { bytes, fixture } = load('mlp');
  const model = importModel<ad.Tensor>(bytes);
  const x = asTensor(fixture.inputs.x!);

  it('vmap: the model applied to one example at a time equals the batch at once', () => {
    const perExample = ad.vmap((row: ad.Tensor) => ad.squeeze(model({ x: ad.expandDims(row, 0) }), 0));
    const batched = perExample(x);
    expect(relativeError(batched, fixture.outputs.y!)).toBeLessThan(1e-14);
    // Per-example gradients: vmap(grad) row b is the gradient of example b's loss alone.
    const r = asTensor(fixture.cotangents.y!);
    const g = ad.vmap(ad.grad((row: ad.Tensor, ri: ad.Tensor) => ad.sum(ad.mul(model({ x: ad.expandDims(row, 0) }), ri))))(x, r);
    expect(relativeError(g, fixture.inputGradients.x!)).toBeLessThan(1e-12);
  });

  it.each(['cnn', 'attention', 'shape_ops'])('vmap of %s over a stack of whole inputs equals one call each', (name) => {
    // (shape_ops takes a mean over its whole input, and cnn has a fixed batch: whole inputs are the examples.)
    const other = load(name);
    const m = importModel<ad.Tensor>(other.bytes);
    const x = asTensor(other.fixture.inputs.x!);
    const inputs = [x, ad.mul(0.5, x), ad.flip(x, -1)];
    const mapped = ad.vmap((one: ad.Tensor) => m({ x: one }))(ad.stack(inputs, 0));
    inputs.forEach((xi, i) => {
      const y = m({ x: xi });
      expect(relativeError(ad.take(mapped, i, 0), { shape: [...y.shape], data: Array.from(y.toFloat64Array()) })).toBeLessThan(1e-12);
    });
  });

  it('hvp and jvp agree with the dense Hessian', () => {
    const f = (x: ad.Tensor) => ad.sum(ad.tanh(model({ x })));
    const v = ad.random.normal(x.shape, 3);
    const hv = ad.hvp(f, x, v);
    const H = ad.hessian(f)(x);
    const dense = ad.reshape(ad.matmul(ad.reshape(H, [x.size, x.size]), ad.reshape(v, [x.size])), x.shape);
    expect(ad.max(ad.abs(ad.sub(hv, dense))).item()).toBeLessThan(1e-12);
    const [, t] = ad.jvp(f, [x], [v]);
    expect(Math.abs((t as ad.Tensor).item() - ad.sum(ad.mul(ad.grad(f)(x), v)).item())).toBeLessThan(1e-12);
  });

  it('a dynamic batch dimension takes any size', () => {
    const y = model({ x: ad.slice(x, [0, 0], [2, 4]) });
    expect(y.shape).toEqual([2, 3]);
    expect(relativeError(y, { shape: [2, 3], data: fixture.outputs.y!.data.slice(0, 6) })).toBeLessThan(1e-14);
  });

  it('a float32 model runs in float64: PyTorch float32 outputs to float32 rounding', () => {
    const f32 = load('mlp_float32');
    const m = importModel<ad.Tensor>(f32.bytes);
    const e = relativeError(m(tensors(f32.fixture.inputs)), f32.fixture.outputs.y!);
    record('float32 outputs', e);
    expect(e).toBeLessThan(1e-6);
    const r = asTensor(f32.fixture.cotangents.y!);
    const gx = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(m({ x }), r)))(asTensor(f32.fixture.inputs.x!));
    expect(record('float32 gradients', relativeError(gx, f32.fixture.inputGradients.x!))).toBeLessThan(1e-6);
  });

  it('reports the worst errors', () => {
    console.log('importModel vs PyTorch, worst relative errors:', JSON.stringify(worst));
  });
});
