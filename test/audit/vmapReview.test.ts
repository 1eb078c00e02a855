/**
 * @file Regressions found by a differential harness of vmap against a per-example loop stacked with
 * ad.stack (every op-table row and the ops beyond it, random in/out axes, nested vmaps, vmap of grad
 * and grad of vmap, jit of vmap): each test fails on the code before its fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** f over each example along `axis`, stacked along 0. */
const loop = (f: (x: Tensor) => Tensor, xs: Tensor, axis = 0) => ad.stack(Array.from({ length: xs.shape[axis]! }, (_, b) => f(ad.take(xs, b, axis))), 0);

describe('HMM under vmap', () => {
  const hmm = (e: Tensor) => new ad.HMM({
    initial: ad.log(ad.tensor([0.6, 0.4])),
    transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])),
    emission: ad.logSoftmax(e, -1),
  });
  const logits = ad.tensor([[[0.1, 0.5, -1], [2, 0, 0.3]], [[1, 1, 1], [0, -2, 0.5]], [[-1, 0.2, 0.7], [0.4, 0.4, -3]]]);

  it('batched parameters: the check that rows are normalised reads every example (it read a box and threw)', () => {
    const ll = (e: Tensor) => hmm(e).logLikelihood([0, 2, 1, 1]);
    expect(arr(ad.vmap(ll, 1)(ad.transpose(logits, [1, 0, 2])) as Tensor)).toEqual(arr(loop(ll, logits)));
    const near = (got: Tensor, want: Tensor) => arr(want).forEach((v, i) => expect(arr(got)[i]).toBeCloseTo(v, 14));
    near(ad.vmap(ad.grad(ll))(logits) as Tensor, loop(ad.grad(ll), logits));
    const unary = (e: Tensor) => hmm(e).posterior([1, 0]).marginals().unary;
    near(ad.vmap(unary)(logits) as Tensor, loop(unary, logits));
  });

  it('an unnormalised example in the batch is still refused, naming the row and the example', () => {
    const emission = ad.stack([ad.logSoftmax(ad.take(logits, 0), -1), ad.take(logits, 1)], 0);
    const make = (e: Tensor) => new ad.HMM({ initial: ad.log(ad.tensor([0.6, 0.4])), transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])), emission: e }).logLikelihood([0]);
    expect(() => ad.vmap(make)(emission)).toThrow(/HMM: emission must hold log-probabilities.*row 0 of example 1 \(under vmap\)/);
  });
});
