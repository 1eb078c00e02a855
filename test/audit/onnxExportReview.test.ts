/**
 * @file Audit regressions for ad.onnx.exportModel, found by a differential sweep of the op table,
 * special values (NaN, ±∞, ties, signed zeros), empty tensors and float32 against ONNX Runtime.
 */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import { linearRecurrence } from '../../src/products/recurrence.js';
import { expectExportMatches } from '../onnx/ortSupport.js';

describe('empty tensors', () => {
  it('cumprod along an empty axis, and its gradient, export (Split with no outputs made an invalid model)', async () => {
    const x = ad.zeros([0, 3]);
    await expectExportMatches((x: ad.Tensor) => ad.cumprod(x, 0), [x]);
    await expectExportMatches(ad.valueAndGrad((x: ad.Tensor) => ad.sum(ad.cumprod(x, 0))), [x]);
    await expectExportMatches((a: ad.Tensor, b: ad.Tensor) => linearRecurrence(a, b, 1, false), [ad.zeros([2, 0]), ad.zeros([2, 0])]);
  });

  it('a reshape to a shape with an empty axis keeps it (ONNX Reshape read the 0 as "copy the input\'s dimension")', async () => {
    const x = ad.zeros([2, 0]);
    await expectExportMatches((x: ad.Tensor) => ad.logsumexp(x, 0), [x]);
    await expectExportMatches(ad.valueAndGrad((x: ad.Tensor) => ad.sum(ad.logsumexp(x, 0))), [x]);
    await expectExportMatches(ad.grad((x: ad.Tensor) => ad.sum(ad.nanmean(x, 0))), [x]);
  });
});
