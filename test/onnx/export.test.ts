/** @file ad.onnx.exportModel: naming, constants, 0-d ops, options and errors, run on ONNX Runtime. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { decodeModel } from '../../src/onnx/proto.js';
import { expectExportMatches, run, session } from './ortSupport.js';

describe('onnx.exportModel', () => {
  it('a first function: elementwise ops, a matmul and a reduction, against adjoint', async () => {
    const W = ad.random.normal([3, 4], 1), x = ad.random.normal([2, 3], 2);
    await expectExportMatches((W: ad.Tensor, x: ad.Tensor) => ad.sum(ad.tanh(ad.matmul(x, W)), 1), [W, x]);
  });

  it('relEntr at y = +∞ is −∞ (NaN for x = ∞), as the kernel and SciPy: the lowering took log1p(−∞/∞)', async () => {
    const x = ad.tensor([1e16, 1, 5e-324, 1e308, Infinity, 2, 0]), y = ad.tensor([Infinity, Infinity, Infinity, Infinity, Infinity, 3, Infinity]);
    const f = (a: ad.Tensor, b: ad.Tensor) => ad.special.relEntr(a, b);
    const [got] = await run(await session(ad.onnx.exportModel(f, [x, y])), [x, y]);
    const want = f(x, y).toArray() as number[];
    expect(want.slice(0, 5)).toEqual([-Infinity, -Infinity, -Infinity, -Infinity, NaN]);
    expect(Array.from(got!.data)).toEqual(want);
  });

  it('names inputs and outputs by their place in the argument and result trees', () => {
    const params = { W1: ad.ones([2, 2]), b: [ad.zeros([2]), ad.zeros([2])] };
    const f = (p: typeof params, x: ad.Tensor) => ({ loss: ad.sum(ad.matmul(x, p.W1)), parts: [ad.add(p.b[0]!, x), p.b[1]!] });
    const model = decodeModel(ad.onnx.exportModel(f, [params, ad.ones([2])]));
    expect(model.graph!.input!.map((i) => i.name)).toEqual(['args.0.W1', 'args.0.b.0', 'args.0.b.1', 'args.1']);
    expect(model.graph!.output!.map((o) => o.name)).toEqual(['out.loss', 'out.parts.0', 'out.parts.1']);
    const single = decodeModel(ad.onnx.exportModel((x: ad.Tensor) => ad.exp(x), [ad.ones([2])]));
    expect(single.graph!.output!.map((o) => o.name)).toEqual(['out']);
    expect(single.producerName).toBe('adjoint');
    expect(single.opsetImport).toEqual([{ domain: '', version: 18 }]);
  });

  it('closed-over tensors become initializers; options.name names the graph', () => {
    const C = ad.random.normal([3, 3], 5);
    const model = decodeModel(ad.onnx.exportModel((x: ad.Tensor) => ad.matmul(C, x), [ad.ones([3, 1])], { name: 'affine' }));
    expect(model.graph!.name).toBe('affine');
    expect(model.graph!.initializer!.some((t) => t.dims?.join() === '3,3')).toBe(true);
  });

  it('0-d ops (a scalar loop under valueAndGrad) run as ONNX ops on 0-d tensors', async () => {
    const f = (a: ad.Tensor, b: ad.Tensor) => {
      let x = ad.scalar(0.5);
      for (let t = 0; t < 50; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, ad.sigmoid(x)));
      return x;
    };
    await expectExportMatches(ad.valueAndGrad(f, [0, 1]), [ad.scalar(1.3), ad.scalar(0.2)]);
  });

  it('float32 export runs within float32 rounding', async () => {
    const W = ad.random.normal([8, 5], 3), x = ad.random.normal([4, 8], 4);
    const f = (W: ad.Tensor, x: ad.Tensor) => ad.logSoftmax(ad.matmul(x, W), -1);
    const bytes = ad.onnx.exportModel(f, [W, x], { dtype: 'float32' });
    const s = await session(bytes);
    const [got] = await run(s, [W, x], 'float32');
    const want = f(W, x).toFloat64Array();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got!.data[i]! - want[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i]!)));
  });

  it('is refused inside a transformation', () => {
    expect(() => ad.grad((x: ad.Tensor) => {
      ad.onnx.exportModel((y: ad.Tensor) => ad.exp(y), [x]);
      return ad.sum(x);
    })(ad.ones([2]))).toThrow(/inside a transformation/);
  });

  it('a value read under recording is an error naming the read and the line', () => {
    const f = (x: ad.Tensor) => (ad.sum(x).item() > 0 ? ad.exp(x) : ad.neg(x));
    expect(() => ad.onnx.exportModel(f, [ad.ones([2])])).toThrow(/item\(\)[\s\S]*export\.test\.ts/);
  });

  it('a primitive with no ONNX form is an error naming it and the line', () => {
    const f = (x: ad.Tensor) => ad.sum(ad.lgamma(ad.exp(x)));
    let message = '';
    try {
      ad.onnx.exportModel(f, [ad.ones([2])]);
    } catch (e) {
      expect(e).toBeInstanceOf(ad.AdjointError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/'lgamma' has no ONNX form/);
    expect(message).toMatch(/export\.test\.ts/);
  });
});

describe('structured models whose kernels have no ONNX form export their op programs', () => {
  // While exporting, Eisner's, the semi-Markov CRF's and CTC's log-semiring kernels give way to the
  // semiring programs they stand for (core/genericPrograms.ts); values and gradients run on ORT.
  it('a projective DependencyCRF: log Z and the arc marginals', async () => {
    const arcs = ad.random.normal(ad.random.key(1), [7, 7]);
    const logZ = (a: ad.Tensor) => new ad.DependencyCRF({ arcScores: a, projective: true }).logPartition();
    await expectExportMatches(ad.valueAndGrad(logZ), [arcs], 1e-11, 'Eisner');
  });

  it('a SemiMarkovCRF: log Z and its gradient', async () => {
    const segments = ad.random.normal(ad.random.key(2), [9, 3, 4]), transitions = ad.random.normal(ad.random.key(3), [4, 4]);
    const logZ = (g: ad.Tensor, t: ad.Tensor) => new ad.SemiMarkovCRF({ segments: g, transitions: t }).logPartition();
    await expectExportMatches(ad.valueAndGrad(logZ, [0, 1]), [segments, transitions], 1e-11, 'semi-Markov');
  });

  it('ctcLoss and its gradient', async () => {
    const activations = ad.random.normal(ad.random.key(4), [8, 2, 5]); // [T, N, C]
    const loss = (u: ad.Tensor) => ad.ctcLoss(ad.logSoftmax(u, -1), [[1, 2, 2], [3, 0, 0]], [8, 6], [3, 1]);
    await expectExportMatches(ad.valueAndGrad(loss), [activations], 1e-11, 'CTC');
  });

  it('outside an export the kernels run as before', () => {
    const arcs = ad.random.normal(ad.random.key(1), [7, 7]);
    const ops = ad.profile(() => new ad.DependencyCRF({ arcScores: arcs, projective: true }).logPartition()).profile.forward.map((o) => o.op);
    expect(ops.some((op) => op.startsWith('eisner'))).toBe(true);
  });
});
