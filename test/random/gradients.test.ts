/** @file Reparameterised samplers are differentiable in their parameters: checkGrad (reverse vs finite differences, jvp vs vjp). */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const { random } = ad;
const key = random.key(17);

describe('reparameterised gradients', () => {
  it('normal: d/dmean and d/dstd of a smooth function of the sample', () => {
    const f = (mean: ad.Tensor, std: ad.Tensor) => ad.sum(ad.sin(random.normal(key, [6], mean, std)));
    expect(ad.checkGrad(f, [ad.tensor(0.3), ad.tensor([0.5, 1, 1.5, 2, 0.7, 0.9])]).ok).toBe(true);
  });

  it('normal: the gradient of E[x²] estimates is 2·mean and 2·std (closed form of the reparameterised estimator)', () => {
    const g = ad.grad((p: ad.Tensor[]) => ad.mean(ad.square(random.normal(key, [1000], p[0]!, p[1]!))))([ad.tensor(0.4), ad.tensor(1.3)]);
    const z = random.normal(key, [1000]).data;
    const [gm, gs] = [g[0]!.item(), g[1]!.item()];
    // d/dm mean((m + s z)²) = 2 mean(m + s z); d/ds = 2 mean(z (m + s z))
    expect(gm).toBeCloseTo(2 * z.reduce((s, v) => s + 0.4 + 1.3 * v, 0) / 1000, 12);
    expect(gs).toBeCloseTo(2 * z.reduce((s, v) => s + v * (0.4 + 1.3 * v), 0) / 1000, 12);
  });

  it('uniform: d/dlow and d/dhigh', () => {
    const f = (low: ad.Tensor, high: ad.Tensor) => ad.sum(ad.exp(random.uniform(key, [2, 3], low, high)));
    expect(ad.checkGrad(f, [ad.tensor([-1, 0, 0.5]), ad.tensor(2)]).ok).toBe(true);
  });

  it('multivariateNormal: d/dmean and d/dcov through the Cholesky factor', () => {
    const f = (mean: ad.Tensor, a: ad.Tensor) => {
      const cov = ad.add(ad.matmul(a, ad.transpose(a)), ad.eye(3)); // SPD for every a
      return ad.sum(ad.tanh(random.multivariateNormal(key, mean, cov, [4])));
    };
    const a = ad.tensor([[1, 0.2, 0], [0.3, 0.8, 0.1], [-0.2, 0.4, 1.1]]);
    expect(ad.checkGrad(f, [ad.tensor([0.1, -0.3, 0.2]), a]).ok).toBe(true);
  });

  it('permutation of a tensor: the gradient comes back in the original order', () => {
    const x = ad.tensor([1, 2, 3, 4, 5]);
    const w = ad.tensor([10, 20, 30, 40, 50]);
    const g = ad.grad((v: ad.Tensor) => ad.sum(ad.mul(random.permutation(key, v), w)))(x);
    const order = random.permutation(key, 5).toArray() as number[];
    const expected = new Array<number>(5);
    order.forEach((src, i) => (expected[src] = w.data[i]!));
    expect(g.toArray()).toEqual(expected);
  });

  it('the same key gives the same sample under grad as outside it', () => {
    const outside = random.normal(key, [4], 0.5, 2).toArray();
    let inside: unknown;
    ad.grad((m: ad.Tensor) => { const x = random.normal(key, [4], m, 2); inside = x.toArray(); return ad.sum(x); })(ad.tensor(0.5));
    expect(inside).toEqual(outside);
  });

  it('truncatedNormal: d/dlower and d/dupper by implicit reparameterisation, against finite differences with the same key', () => {
    const k = random.key(3);
    const f = (a: ad.Tensor, b: ad.Tensor) => ad.sum(random.truncatedNormal(k, a, b, [6]));
    const a = ad.tensor(-0.5), b = ad.tensor(1.2), h = 1e-6;
    const [ga, gb] = ad.grad(f, [0, 1])(a, b) as [ad.Tensor, ad.Tensor];
    expect(ga.item()).toBeCloseTo((f(ad.add(a, h), b).item() - f(ad.sub(a, h), b).item()) / (2 * h), 7);
    expect(gb.item()).toBeCloseTo((f(a, ad.add(b, h)).item() - f(a, ad.sub(b, h)).item()) / (2 * h), 7);
    // An infinite bound contributes nothing; the sample's value is the one drawn without differentiation.
    expect(ad.grad((u: ad.Tensor) => ad.sum(random.truncatedNormal(k, -Infinity, u, [4])))(ad.tensor(0.3)).item()).toBeGreaterThan(0);
    expect(ad.checkGrad((lo: ad.Tensor, hi: ad.Tensor) => random.truncatedNormal(k, lo, hi, [3]), [ad.tensor([-1, 0, 0.5]), ad.tensor([1, 2, 3])]).ok).toBe(true);
  });
});
