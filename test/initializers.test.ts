/**
 * @file jax.nn.initializers: each draw is JAX's sampler times JAX's factor (so the same key gives JAX's values where
 * the sampler is JAX's bit for bit: test/random/jax.test.ts), fans read as JAX's _compute_fans, and the sample
 * variances are the promised ones.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const I = ad.initializers;
const key = ad.random.key(7);
const values = (t: Tensor) => Array.from(t.toFloat64Array());
const variance = (t: Tensor) => ad.variance(t).item();

describe('variance scaling', () => {
  it("draws JAX's sampler times JAX's factor, fans from in_axis −2, out_axis −1 and the receptive field", () => {
    // Dense [in 300, out 200]: fan_in 300, fan_out 200.
    expect(values(I.glorotUniform()(key, [300, 200]))).toEqual(values(ad.mul(ad.random.uniform(key, [300, 200], -1, 1), Math.sqrt(3 * (1 / 250)))));
    expect(values(I.heNormal()(key, [300, 200]))).toEqual(values(ad.mul(ad.random.truncatedNormal(key, -2, 2, [300, 200]), Math.sqrt(2 / 300) / 0.87962566103423978)));
    expect(values(I.varianceScaling(0.5, 'fan_out', 'normal')(key, [300, 200]))).toEqual(values(ad.mul(ad.random.normal(key, [300, 200]), Math.sqrt(0.5 / 200))));
    // A convolution kernel [3, 3, in 16, out 32] (flax's HWIO): receptive field 9, fan_in 144, fan_out 288.
    expect(values(I.lecunUniform()(key, [3, 3, 16, 32]))).toEqual(values(ad.mul(ad.random.uniform(key, [3, 3, 16, 32], -1, 1), Math.sqrt(3 / 144))));
    // fan_geo_avg, and axes given: PyTorch's [out, in, kh, kw] layout read with inAxis 1, outAxis 0.
    expect(values(I.varianceScaling(1, 'fan_geo_avg', 'uniform', { inAxis: 1, outAxis: 0 })(key, [32, 16, 3, 3])))
      .toEqual(values(ad.mul(ad.random.uniform(key, [32, 16, 3, 3], -1, 1), Math.sqrt(3 / Math.sqrt(144 * 288)))));
  });
  it('takes batchAxis as a number or a list (JAX\'s batch_axis)', () => {
    // [batch 4, in 30, out 20]: the batch is in neither fan, so fan_in 30.
    const want = values(ad.mul(ad.random.uniform(key, [4, 30, 20], -1, 1), Math.sqrt(3 / 30)));
    expect(values(I.lecunUniform({ batchAxis: 0 })(key, [4, 30, 20]))).toEqual(want);
    expect(values(I.lecunUniform({ batchAxis: [0] })(key, [4, 30, 20]))).toEqual(want);
  });
  it('has the promised variances and ranges', () => {
    const shape = [400, 300];
    expect(Math.abs(variance(I.glorotNormal()(key, shape)) / (2 / 700) - 1)).toBeLessThan(0.03);
    expect(Math.abs(variance(I.heUniform()(key, shape)) / (2 / 400) - 1)).toBeLessThan(0.03);
    expect(Math.abs(variance(I.lecunNormal()(key, shape)) / (1 / 400) - 1)).toBeLessThan(0.03);
    const t = I.heNormal()(key, shape);
    expect(ad.max(ad.abs(t)).item()).toBeLessThanOrEqual(2 * Math.sqrt(2 / 400) / 0.87962566103423978);
    expect(I.xavierUniform).toBe(I.glorotUniform);
    expect(I.kaimingNormal).toBe(I.heNormal);
  });
});

describe('the other initializers', () => {
  it('normal, uniform, truncatedNormal, constant, zeros, ones', () => {
    expect(values(I.normal(0.1)(key, [5]))).toEqual(values(ad.mul(ad.random.normal(key, [5]), 0.1)));
    expect(values(I.uniform()(key, [5]))).toEqual(values(ad.mul(ad.random.uniform(key, [5]), 0.01)));
    expect(values(I.truncatedNormal(0.5, -1, 3)(key, [5]))).toEqual(values(ad.mul(ad.random.truncatedNormal(key, -1, 3, [5]), 0.5)));
    expect(I.constant(3)(key, [2]).toArray()).toEqual([3, 3]);
    expect(I.zeros(key, [2, 1]).toArray()).toEqual([[0], [0]]);
    expect(I.ones(key, [2]).toArray()).toEqual([1, 1]);
  });
  it('orthogonal: orthonormal rows or columns along columnAxis, times scale', () => {
    const q = I.orthogonal(2)(key, [6, 4]); // 6 rows, 4 columns: orthonormal columns, scaled
    const qtq = values(ad.matmul(ad.matrixTranspose(q), q));
    qtq.forEach((v, i) => expect(Math.abs(v - (i % 5 === 0 ? 4 : 0))).toBeLessThan(1e-12));
    expect(values(q)).toEqual(values(ad.mul(ad.random.orthogonal(key, 6, [], 4), 2)));
    const wide = I.orthogonal(1, 0)(key, [3, 5]); // columns along axis 0: 5 rows of 3 → orthonormal columns of the [5, 3] reading
    const m = ad.matrixTranspose(wide);
    values(ad.matmul(ad.matrixTranspose(m), m)).forEach((v, i) => expect(Math.abs(v - (i % 4 === 0 ? 1 : 0))).toBeLessThan(1e-12));
  });
  it('checks its arguments', () => {
    expect(() => I.varianceScaling(1, 'fan_mean' as never, 'uniform')).toThrow(/initializers.varianceScaling: mode must be/);
    expect(() => I.glorotUniform()(key, [3])).toThrow(/initializers.glorotUniform: axis -2 is out of range/);
    expect(() => I.orthogonal()(key, [4])).toThrow(/initializers.orthogonal: the shape \[4\] must have at least 2 axes/);
    expect(() => I.normal(-1)).toThrow(/initializers.normal: stddev must be a finite number ≥ 0/);
    expect(() => (I.heNormal()(key, [2, 2]) as unknown as (...a: unknown[]) => unknown, (I.heNormal() as (...a: unknown[]) => unknown)(key, [2, 2], 3))).toThrow(/initializers.heNormal: .*would be ignored/);
  });
});
