/**
 * @file stats.cauchy.logsf and logcdf far in their decaying tails: values and derivatives in x and in
 * the scale against mpmath at 450 digits (log(atan2(1, z)/π) differentiated; the figures below are
 * its output). The atan2 form's derivative −1/((1 + z²)·atan2(1, z)) lost digits from about 1e150 and
 * was 0 from 1e154, where the true one is −1/z (a port review found logsf's scale derivative 0 at
 * 1e200 for 1).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';

// z, log sf(z), d/ds log sf(z/s) at s = 1, d/dz log sf(z), d²/dz² log sf(z) (mpmath)
const MPMATH: Array<[number, number, number, number, number]> = [
  [1e200, -461.66174848465854, 1, -1e-200, 0],
  [1e160, -369.55834476489671, 1, -1e-160, 1e-320],
  [1e10, -24.170580815789857, 1, -1e-10, 1e-20],
  [1e8, -19.565410629801766, 0.99999999999999993, -9.9999999999999993e-9, 9.999999999999998e-17],
  [9.99e7, -19.564410129468182, 0.99999999999999993, -1.0010010010010009e-8, 1.0020030040050058e-16],
  [1000, -8.0524854981647261, 0.99999933333391111, -0.00099999933333391111, 9.9999800000288889e-7],
  [0.5, -1.0429418980620317, 0.36128841010354014, -0.72257682020708028, 0.055944195065089002],
  [-3, -0.10804899566097343, -0.10638893577971611, -0.035462978593238702, -0.022535410006647728],
];
const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-15 * Math.abs(want) + 1e-323);

describe('stats.cauchy.logsf and logcdf in the far tails', () => {
  it.each(MPMATH)('logsf at z = %s: value, scale derivative, x derivative and second derivative as mpmath', (z, value, dScale, dz, d2z) => {
    close(ad.stats.cauchy.logsf(z).item(), value);
    close(ad.grad((s: ad.Tensor) => ad.stats.cauchy.logsf(z, 0, s))(ad.scalar(1)).item(), dScale);
    close(ad.grad((t: ad.Tensor) => ad.stats.cauchy.logsf(t))(ad.scalar(z)).item(), dz);
    close(ad.grad(ad.grad((t: ad.Tensor) => ad.stats.cauchy.logsf(t)))(ad.scalar(z)).item(), d2z);
  });

  it.each(MPMATH)('logcdf at −z = −%s mirrors logsf at z', (z, value, dScale, dz) => {
    close(ad.stats.cauchy.logcdf(-z).item(), value);
    close(ad.grad((s: ad.Tensor) => ad.stats.cauchy.logcdf(-z, 0, s))(ad.scalar(1)).item(), dScale);
    close(ad.grad((t: ad.Tensor) => ad.stats.cauchy.logcdf(t))(ad.scalar(-z)).item(), -dz);
  });

  it('with a location and scale, and batched: the same as the standardised form', () => {
    const x = ad.tensor([3e170, -2, 5e9]), loc = 1, scale = ad.tensor([2, 0.5, 3]);
    const g = ad.grad((sc: ad.Tensor) => ad.sum(ad.stats.cauchy.logsf(x, loc, sc)))(scale).toFloat64Array();
    expect(g[0]).toBeCloseTo(1 / 2, 15); // log sf ≈ −log((x − loc)/s) − log π far out: d/ds = 1/s
    expect(Number.isFinite(g[1]!) && Number.isFinite(g[2]!)).toBe(true);
  });
});
