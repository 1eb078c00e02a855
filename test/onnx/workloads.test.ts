/**
 * @file Bench workloads exported to ONNX and run on ONNX Runtime (CPU, float64): W1's loss and
 * gradient, W2's forward algorithm and gradient, W5's matrix chain (a fold of matmul and
 * chainMatmul) and gradient, W7's Hessian-vector product — each equal to adjoint's to 1e-12
 * relative; and a training step of W1's MLP (Adam, from ad.optimizers) exported once and run for
 * 20 steps entirely on ONNX Runtime, following adjoint's own loss curve step for step.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
// @ts-expect-error the bench is plain JavaScript
import w1, { makeLoss } from '../../bench/workloads/w1.mjs';
// @ts-expect-error the bench is plain JavaScript
import w2, { logPartition } from '../../bench/workloads/w2.mjs';
// @ts-expect-error the bench is plain JavaScript
import w5, { chain, chainOp } from '../../bench/workloads/w5.mjs';
// @ts-expect-error the bench is plain JavaScript
import w7 from '../../bench/workloads/w7.mjs';
import { expectClose, expectExportMatches, resultLeaves, run, session, tensorLeaves } from './ortSupport.js';

type Params = { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor };
type Loss = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) => Tensor;

function w1Setup(): { params: Params; loss: Loss } {
  const d = w1.setup();
  const { W1, b1, W2, b2, X, Y } = d.t;
  return { params: { W1, b1, W2, b2 }, loss: makeLoss(X, Y) };
}

describe('bench workloads on ONNX Runtime', () => {
  it('W1: MLP loss and gradient', async () => {
    const { params: p, loss } = w1Setup();
    await expectExportMatches(ad.valueAndGrad(loss, [0, 1, 2, 3]), [p.W1, p.b1, p.W2, p.b2], 1e-12, 'W1');
  });

  it('W1 exported as float32: loss and gradient within float32 rounding of adjoint', async () => {
    const { params: p, loss } = w1Setup();
    const vg = ad.valueAndGrad(loss, [0, 1, 2, 3]);
    const args = [p.W1, p.b1, p.W2, p.b2] as const;
    const s = await session(ad.onnx.exportModel(vg, [...args], { dtype: 'float32' }), { graphOptimizationLevel: 'all' });
    const got = await run(s, args, 'float32');
    resultLeaves(vg(...args)).forEach((want, i) => expectClose(got[i]!, want, 1e-4, `W1 float32 output ${i}`, 1e-2));
  });

  it('W2: forward algorithm, log Z and gradient', async () => {
    const d = w2.setup();
    await expectExportMatches(ad.valueAndGrad(logPartition, [0, 1]), [d.t.E, d.t.T], 1e-12, 'W2');
  });

  it('W5: matrix chain as a fold of matmul and as chainMatmul, with gradients', async () => {
    const d = w5.setup();
    // Gradients through 200 products carry ~200 roundings in each library's own summation order,
    // so entries far below their matrix's scale agree normwise (relative to the output's largest
    // entry: Higham, "Accuracy and Stability of Numerical Algorithms", §3.5), not each to 1e-12.
    await expectExportMatches(ad.valueAndGrad(chain), [d.t.Ms], 1e-12, 'W5 fold', 1);
    await expectExportMatches(ad.valueAndGrad(chainOp), [d.t.Ms], 1e-12, 'W5 chainMatmul', 1);
  });

  it('W7: Hessian-vector product of the MLP loss', async () => {
    const d = w7.setup();
    await expectExportMatches((W1: Tensor, V: Tensor) => ad.hvp(d.lossW1, W1, V), [d.t.W1, d.t.V], 1e-12, 'W7');
  });
});

describe('a training step exported once, trained on ONNX Runtime', () => {
  it('20 Adam steps of W1 on ONNX Runtime follow adjoint step for step', async () => {
    const { params, loss } = w1Setup();
    const opt = ad.optimizers.adam({ lr: 0.001 });
    const lossOf = (p: Params) => loss(p.W1, p.b1, p.W2, p.b2);
    const trainStep = (p: Params, state: ReturnType<typeof opt.init>) => {
      const [value, grads] = ad.valueAndGrad(lossOf)(p);
      const [next, nextState] = opt.step(p, grads, state);
      return { loss: value, params: next, state: nextState };
    };
    const state0 = opt.init(params);
    const bytes = ad.onnx.exportModel(trainStep, [params, state0]);
    const s = await session(bytes);
    expect(s.inputNames.slice(0, 4)).toEqual(['args.0.W1', 'args.0.b1', 'args.0.W2', 'args.0.b2']);
    expect(s.outputNames.slice(0, 5)).toEqual(['out.loss', 'out.params.W1', 'out.params.b1', 'out.params.W2', 'out.params.b2']);

    // Adjoint's own loop, and the same loop on ONNX Runtime feeding each step's outputs back in.
    const curve: number[] = [];
    let p: Params = params, st = state0;
    const step = ad.jit(trainStep);
    for (let t = 0; t < 20; t++) {
      const r = step(p, st);
      curve.push(r.loss.item());
      p = r.params as Params;
      st = r.state;
    }
    let inputs = tensorLeaves([params, state0]);
    const ortCurve: number[] = [];
    for (let t = 0; t < 20; t++) {
      const out = await run(s, inputs);
      ortCurve.push(out[0]!.data[0]!);
      inputs = out.slice(1).map((o) => ad.tensor(o.data, o.shape));
    }
    for (let t = 0; t < 20; t++) expect(Math.abs(ortCurve[t]! - curve[t]!)).toBeLessThanOrEqual(1e-10 * Math.abs(curve[t]!));
    expect(curve[19]!).toBeLessThan(curve[0]! * 0.8); // it trains
    // The final parameters agree too.
    resultLeaves(p).forEach((want, i) => expectClose({ data: inputs[i]!.toFloat64Array(), shape: [...inputs[i]!.shape] }, want, 1e-9, `param ${i}`));
  });
});
