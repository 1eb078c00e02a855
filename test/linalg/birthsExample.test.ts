/** @file Smoke test of examples/births-gp.mjs's core on a tiny subsample (the full example takes ~25 s): the fit lowers the loss and predicts finite births. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
// @ts-expect-error an untyped example module
import { fit, heldOut, model, prepare } from '../../examples/births-gp.mjs';

describe('examples/births-gp.mjs on 40 days', () => {
  it('Adam lowers −log marginal likelihood, and the GP mean gives finite held-out errors', () => {
    const data = prepare(40, 30, 3);
    const m = model(data);
    const losses: number[] = [];
    const { theta } = fit(m, 6, (_i: number, l: number) => losses.push(l));
    expect(losses).toHaveLength(6);
    expect(losses[5]!).toBeLessThan(losses[0]!);
    const r = heldOut(data, m, theta);
    expect(Number.isFinite(r.gp) && r.gp > 0 && Number.isFinite(r.weekday)).toBe(true);
    // The GP's gradient is the one of its loss: a finite-difference check along the first hyperparameter.
    const [, g] = m.valueAndGrad(theta);
    const shifted = (sgn: number) => m.loss(ad.add(theta, ad.tensor([sgn * 1e-5, 0, 0, 0, 0, 0, 0]))).item();
    expect(Math.abs((shifted(1) - shifted(-1)) / 2e-5 - g.toFloat64Array()[0])).toBeLessThan(1e-5);
  });
});
