/**
 * @file Audit regressions for ad.onnx.exportModel, found by a differential sweep of the op table,
 * special values (NaN, ±∞, ties, signed zeros), empty tensors and float32 against ONNX Runtime.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linearRecurrence } from '../../src/products/recurrence.js';
import { expectClose, expectExportMatches, run, session } from '../onnx/ortSupport.js';

describe('empty tensors', () => {
  it('cumprod along an empty axis, and its gradient, export (Split with no outputs made an invalid model)', async () => {
    const x = ad.zeros([0, 3]);
    await expectExportMatches((x: ad.Tensor) => ad.cumprod(x, 0), [x]);
    await expectExportMatches(ad.valueAndGrad((x: ad.Tensor) => ad.sum(ad.cumprod(x, 0))), [x]);
    // linearRecurrence is internal: its Tensor is src's type, 'adjoint' resolves to dist's for the type check.
    const recurrence = linearRecurrence as unknown as (a: ad.Tensor, b: ad.Tensor, axis: number, reverse: boolean) => ad.Tensor;
    await expectExportMatches((a: ad.Tensor, b: ad.Tensor) => recurrence(a, b, 1, false), [ad.zeros([2, 0]), ad.zeros([2, 0])]);
  });

  it('a reshape to a shape with an empty axis keeps it (ONNX Reshape read the 0 as "copy the input\'s dimension")', async () => {
    const x = ad.zeros([2, 0]);
    await expectExportMatches((x: ad.Tensor) => ad.logsumexp(x, 0), [x]);
    await expectExportMatches(ad.valueAndGrad((x: ad.Tensor) => ad.sum(ad.logsumexp(x, 0))), [x]);
    await expectExportMatches(ad.grad((x: ad.Tensor) => ad.sum(ad.nanmean(x, 0))), [x]);
  });
});

describe('float32 export', () => {
  it("norm and std of entries beyond 2^±63 scale in float32 too (squareScale's 2^±450 bounds were ∞ and 0 there: ‖[3e20, 4e20]‖ was ∞)", async () => {
    const x = ad.tensor([[3e20, 4e20, 1e19], [3e-25, -4e-25, 0], [3, 4, 0]]);
    const fns = [
      (x: ad.Tensor) => ad.linalg.norm(x, 2, -1),
      (x: ad.Tensor) => ad.std(x, 1),
      (x: ad.Tensor) => ad.linalg.norm(x, 'fro'),
    ];
    for (const f of fns) {
      const s = await session(ad.onnx.exportModel(f, [x], { dtype: 'float32' }));
      const [got] = await run(s, [x], 'float32');
      expectClose(got!, f(x), 1e-6, 'float32', 0);
    }
  });
});

describe('elementwise forms', () => {
  it('log1p of huge x is finite (log(u)·x overflowed before the division: log1p(1e307) was ∞; 3e38 in float32)', async () => {
    const x = ad.tensor([1e307, 1.7e308, 2.5e305, 1e300, 3, 1e-10]);
    await expectExportMatches((x: ad.Tensor) => ad.log1p(x), [x]);
    await expectExportMatches((x: ad.Tensor) => ad.softplus(ad.log1p(x)), [x]);
    const x32 = ad.tensor([3e38, 1e37, 3, 1e-6]);
    const s = await session(ad.onnx.exportModel((x: ad.Tensor) => ad.log1p(x), [x32], { dtype: 'float32' }));
    const [got] = await run(s, [x32], 'float32');
    expectClose(got!, ad.log1p(x32), 1e-6, 'float32', 0);
  });
});

describe('names', () => {
  it('two inputs or outputs of the same name are an ExportError at export (the model was written, and ONNX Runtime refused it)', () => {
    const x = ad.tensor([1, 2]);
    expect(() => ad.onnx.exportModel((p: { 'a.b': ad.Tensor; a: { b: ad.Tensor } }) => ad.sub(p['a.b'], p.a.b), [{ 'a.b': x, a: { b: x } }]))
      .toThrow(/two inputs would both be named 'args\.0\.a\.b'/);
    expect(() => ad.onnx.exportModel((y: ad.Tensor) => ({ 'a.b': ad.exp(y), a: { b: ad.neg(y) } }), [x]))
      .toThrow(/two outputs would both be named 'out\.a\.b'/);
    expect(() => ad.onnx.exportModel((y: ad.Tensor) => ({ 'a.b': ad.exp(y), a: { b: ad.neg(y) } }), [x])).toThrow(ad.onnx.ExportError);
  });
});
