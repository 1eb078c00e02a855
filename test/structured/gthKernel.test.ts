/**
 * @file The Matrix-Tree theorem's subtraction-free elimination as kernels (gthLog.ts) against the
 * ops program they stand for (gthLogDetOps): the same log det to the bit, the same cotangent to
 * rounding, Hessian-vector products through both, and vmap folding into the batch axis. The
 * brute-force suites (dependency.test.ts, test/audit/structuredAgainstBruteForce.test.ts) check
 * the model's values and marginals against enumeration on both routes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { gthLogDet, gthLogDetOps } from '../../src/structured/gthLog.js';
import { internal } from '../support/internalTensor.js';

/** Positive rows [B, n + R, n] with a zero word diagonal, from a seed. */
function rowsOf(B: number, n: number, singleRoot: boolean, seed: number, spread = 4): Tensor {
  const R = singleRoot ? 2 : 1;
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const v = Float64Array.from({ length: B * (n + R) * n }, () => Math.exp(spread * (rnd() - 0.5)));
  for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) v[(b * (n + R) + i) * n + i] = 0;
  return ad.tensor(v, [B, n + R, n]);
}

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const maxRelative = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300)));

describe('gthLogDet (the kernels) against gthLogDetOps (the ops)', () => {
  it('has the same log det bit for bit, and the same cotangent to rounding', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.integer({ min: 1, max: 2 ** 30 }), fc.double({ min: 0.5, max: 40, noNaN: true }),
      (B, n, singleRoot, seed, spread) => {
        const rows = rowsOf(B, n, singleRoot, seed, spread);
        expect(arr(gthLogDet(internal(rows), singleRoot))).toEqual(arr(gthLogDetOps(internal(rows), singleRoot)));
        const w = ad.tensor(Array.from({ length: B }, (_, b) => 1 - 0.6 * b));
        const f = (impl: typeof gthLogDet) => (r: Tensor) => ad.sum(ad.mul(impl(internal(r), singleRoot), w));
        const kernel = arr(ad.grad(f(gthLogDet))(rows)), ops = arr(ad.grad(f(gthLogDetOps))(rows));
        // Both are reverse mode through the same elimination, grouped slightly differently. The
        // pivots' cotangents ḡ/p − Σ s̄·s/p cancel where the weights spread widely: at e^±12, both
        // err by about 1e-11 relative on a column (against mpmath at 60 digits; the marginals
        // w·∂/∂w by a few 1e-16 absolutely), so the bound widens there.
        const scale = Math.max(...ops.map(Math.abs));
        const bound = spread <= 10 ? 1e-13 : 1e-9;
        kernel.forEach((x, i) => expect(Math.abs(x - ops[i]!)).toBeLessThanOrEqual(bound * scale));
      },
    ), { numRuns: 60, seed: 17 });
  });

  it('gives Hessian-vector products through the generic program, and jvp agrees with them', () => {
    for (const singleRoot of [false, true]) {
      const rows = rowsOf(2, 6, singleRoot, 5);
      const v = ad.mul(rowsOf(2, 6, singleRoot, 9), 0.3);
      const f = (impl: typeof gthLogDet) => (r: Tensor) => ad.sum(impl(internal(r), singleRoot));
      const hk = arr(ad.hvp(f(gthLogDet), rows, v) as Tensor), ho = arr(ad.hvp(f(gthLogDetOps), rows, v) as Tensor);
      const scale = Math.max(...ho.map(Math.abs));
      hk.forEach((x, i) => expect(Math.abs(x - ho[i]!)).toBeLessThanOrEqual(1e-11 * scale));
      const [, tk] = ad.jvp(f(gthLogDet), [rows], [v]), [, to] = ad.jvp(f(gthLogDetOps), [rows], [v]);
      expect(maxRelative([(tk as Tensor).item()], [(to as Tensor).item()])).toBeLessThan(1e-12);
    }
  });

  it('folds a vmapped axis into the batch', () => {
    const stack = ad.reshape(rowsOf(6, 5, true, 3), [3, 2, 7, 5]);
    const g = (r: Tensor) => ad.grad((x: Tensor) => ad.sum(gthLogDet(internal(x), true)))(r) as Tensor;
    const mapped = ad.vmap(g)(stack) as Tensor;
    const looped = ad.stack([0, 1, 2].map((i) => g(ad.reshape(ad.slice(stack, [i, 0, 0, 0], [1, 2, 7, 5]), [2, 7, 5]))));
    expect(maxRelative(arr(mapped), arr(looped))).toBeLessThan(1e-14);
  });

  it('is what a non-projective DependencyCRF with one root dependent runs, on every sentence length', () => {
    // Marginals are a distribution over heads: each word's column sums to 1 (padding excluded).
    const N = 7;
    const scores = ad.tensor(Array.from({ length: 2 * N * N }, (_, i) => 6 * Math.sin(1.3 * i)), [2, N, N]);
    const crf = new ad.DependencyCRF({ arcScores: scores, projective: false, singleRoot: true, lengths: [6, 4] });
    const mu = crf.marginals().toArray() as number[][][];
    [6, 4].forEach((len, b) => {
      for (let m = 1; m <= len; m++) expect(mu[b]!.reduce((acc, row) => acc + row[m]!, 0)).toBeCloseTo(1, 12);
      expect(mu[b]!.reduce((acc, row) => acc + row[0]!, 0)).toBe(0);
      expect(mu[b]![0]!.reduce((acc, x) => acc + x, 0)).toBeCloseTo(1, 12); // one root dependent
    });
  });
});
