/**
 * @file Audit regressions for hypergradients, randomness, approximate inference and ONNX, each
 * against an exact or independent oracle (closed forms, numerical integration, finite differences).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const { random } = ad;

/** Mean and variance of the standard normal truncated to (a, b), by the midpoint rule on exp(−(x² − c²)/2), c the bound nearer 0. */
function truncatedMoments(a: number, b: number): { mean: number; variance: number } {
  const c = a >= 0 ? a : b;
  const lo = Number.isFinite(a) ? a : b - 60 / Math.abs(b) - 10;
  const hi = Number.isFinite(b) ? b : a + 60 / Math.abs(a) + 10;
  let z = 0, m1 = 0, m2 = 0;
  const steps = 100_000;
  for (let i = 0; i < steps; i++) {
    const x = lo + ((hi - lo) * (i + 0.5)) / steps;
    const w = Math.exp(-(x * x - c * c) / 2);
    z += w;
    m1 += w * (x - c);
    m2 += w * (x - c) ** 2;
  }
  return { mean: m1 / z + c, variance: m2 / z - (m1 / z) ** 2 };
}

describe('random.truncatedNormal in the tails (erf has no digits left there)', () => {
  // JAX's recipe inverts erf between erf(a/√2) and erf(b/√2); past about 8σ both are ±1 and every
  // draw collapsed onto a bound: (9, ∞) gave 1.8e308, (−10, −9) gave −10, and the gradient was NaN.
  it.each([[9, Infinity], [-Infinity, -9], [-10, -9], [8.5, 9], [40, 41], [5, 5.5], [3, 4]])('(%d, %d): moments by numerical integration', (a, b) => {
    const n = 20_000;
    const x = Array.from(random.truncatedNormal(random.key(12), a, b, [n]).toFloat64Array());
    const { mean, variance } = truncatedMoments(a, b);
    const m = x.reduce((s, v) => s + v, 0) / n;
    const v = x.reduce((s, t) => s + (t - m) ** 2, 0) / (n - 1);
    expect(x.every((t) => t > a && t < b)).toBe(true);
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(v - variance) / variance).toBeLessThan(0.06);
  });

  it('the tail form takes over from JAX\'s recipe continuously at ±3 (same key, same uniform)', () => {
    const k = random.key(5);
    const gap = (p: ad.Tensor, q: ad.Tensor) => ad.max(ad.abs(ad.sub(p, q))).item();
    expect(gap(random.truncatedNormal(k, 3 - 1e-12, 4, [500]), random.truncatedNormal(k, 3, 4, [500]))).toBeLessThan(1e-10);
    expect(gap(random.truncatedNormal(k, -4, -3 + 1e-12, [500]), random.truncatedNormal(k, -4, -3, [500]))).toBeLessThan(1e-10);
  });

  it.each([[9, Infinity], [-Infinity, -9], [8.5, 9], [-6, -5.5]])('(%d, %d): d/dlower, d/dupper against finite differences with the same key', (a, b) => {
    const w = ad.tensor([1, 2, 3]);
    const k = random.key(13);
    const value = (lo: number, hi: number) => ad.sum(ad.mul(w, random.truncatedNormal(k, lo, hi, [3]))).item();
    const [ga, gb] = ad.grad((lo: ad.Tensor, hi: ad.Tensor) => ad.sum(ad.mul(w, random.truncatedNormal(k, lo, hi, [3]))), [0, 1])(ad.tensor(a), ad.tensor(b));
    const h = 1e-5;
    const fa = Number.isFinite(a) ? (value(a + h, b) - value(a - h, b)) / (2 * h) : 0;
    const fb = Number.isFinite(b) ? (value(a, b + h) - value(a, b - h)) / (2 * h) : 0;
    expect(Math.abs(ga!.item() - fa)).toBeLessThan(1e-6 * (1 + Math.abs(fa)));
    expect(Math.abs(gb!.item() - fb)).toBeLessThan(1e-6 * (1 + Math.abs(fb)));
  });
});
