/**
 * @file linalg.solve's first-order VJP from the forward pass's own LU factors (B̄ = A⁻ᵀX̄ by
 * transposed substitutions, Ā = −B̄Xᵀ) against the generic rule (which factors Aᵀ) and against
 * central differences; a second solve in between (the kept factors are the other matrix's) falls
 * back to the generic rule.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, linalg, randn } from './support.js';

/** The generic first-order gradient: under an outer jvp the backward pass is traced, so fused rules step aside. */
const generic = (f: (...x: Tensor[]) => Tensor, args: Tensor[], argnums: number[]): Tensor[] => {
  const g = ad.grad(f, argnums as never) as unknown as (...x: Tensor[]) => Tensor | Tensor[];
  const out = ad.jvp((...u: Tensor[]) => g(...u) as never, args, args.map((a) => ad.zeros(a.shape)))[0] as unknown;
  return (Array.isArray(out) ? out : [out]) as Tensor[];
};

describe('solve: the fused first-order VJP', () => {
  it.each([[5, 1], [40, 3], [130, 7]])('n = %i, k = %i: equals the generic rule to rounding, for a and b', (n, k) => {
    const a = ad.add(randn([n, n], n), ad.mul(3, ad.eye(n))), b = randn([n, k], n + 1), w = randn([n, k], n + 2);
    const f = (m: Tensor, r: Tensor) => ad.sum(ad.mul(linalg.solve(m, r), w));
    const [ga, gb] = ad.grad(f, [0, 1])(a, b) as Tensor[];
    const [ra, rb] = generic(f, [a, b], [0, 1]);
    expectClose(ga!, ra!, 1e-12);
    expectClose(gb!, rb!, 1e-12);
  });

  it.each([[1, 70], [3, 90], [2, 8]])('one right-hand side, %i × n = %i: Ā = −(0 + b̄ xᵀ) entry by entry, −0 included (native from 64²)', (count, n) => {
    // x with zero entries (b's, A diagonal there) and b̄ of both signs: products ±0, each Ā entry −0 then.
    const d = ad.add(ad.mul(0.1, randn([count, n, n], 5)), ad.mul(3, ad.eye(n)));
    const zeroRows = ad.tensor(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1)), [n, 1]);
    const a = ad.add(ad.mul(d, ad.mul(zeroRows, ad.transpose(zeroRows))), ad.mul(3, ad.mul(ad.eye(n), ad.sub(1, zeroRows))));
    const b = ad.mul(randn([count, n, 1], 6), zeroRows);
    const w = randn([count, n, 1], 7);
    const f = (m: Tensor, r: Tensor) => ad.sum(ad.mul(linalg.solve(m, r), w));
    const [ga, gb] = ad.grad(f, [0, 1])(a, b) as Tensor[];
    const x = linalg.solve(a, b).toFloat64Array(), gbv = gb!.toFloat64Array(), gav = ga!.toFloat64Array();
    let negativeZeros = 0;
    for (let t = 0; t < count; t++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const want = -(0 + gbv[t * n + i]! * x[t * n + j]!), got = gav[(t * n + i) * n + j]!;
          if (!Object.is(got, want)) expect.fail(`[${t}, ${i}, ${j}]: ${got} against ${want}`);
          if (Object.is(want, -0)) negativeZeros++;
        }
      }
    }
    expect(negativeZeros).toBeGreaterThan(count * n);
  });

  it('batched [3, 20, 20] with [3, 20, 2], and a vector right-hand side', () => {
    const a = ad.add(randn([3, 20, 20], 1), ad.mul(4, ad.eye(20))), b = randn([3, 20, 2], 2);
    const f = (m: Tensor, r: Tensor) => ad.sum(ad.square(linalg.solve(m, r)));
    const [ga, gb] = ad.grad(f, [0, 1])(a, b) as Tensor[];
    const [ra, rb] = generic(f, [a, b], [0, 1]);
    expectClose(ga!, ra!, 1e-12);
    expectClose(gb!, rb!, 1e-12);
    const a2 = ad.add(randn([6, 6], 3), ad.mul(4, ad.eye(6))), v = randn([6], 4);
    const gv = ad.grad((m: Tensor) => ad.sum(ad.square(linalg.solve(m, v))))(a2);
    expectClose(gv, generic((m: Tensor) => ad.sum(ad.square(linalg.solve(m, v))), [a2], [0])[0]!, 1e-12);
  });

  it('two solves in one loss (the first one’s factors are no longer kept): both gradients right', () => {
    const a1 = ad.add(randn([8, 8], 5), ad.mul(3, ad.eye(8))), a2 = ad.add(randn([8, 8], 6), ad.mul(3, ad.eye(8))), b = randn([8, 2], 7);
    const f = (m1: Tensor, m2: Tensor) => ad.sum(ad.mul(linalg.solve(m1, b), linalg.solve(m2, b)));
    const [g1, g2] = ad.grad(f, [0, 1])(a1, a2) as Tensor[];
    const [r1, r2] = generic(f, [a1, a2], [0, 1]);
    expectClose(g1!, r1!, 1e-12);
    expectClose(g2!, r2!, 1e-12);
    expect(ad.checkGrad(f, [a1, a2], { order: 1 }).ok).toBe(true);
  });
});
