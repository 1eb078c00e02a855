/**
 * @file besselJn (JAX's bessel_jn) against mpmath (besselJnReference.py → .json): J₀ … J₆₀ at z from −1e4 to 1e5,
 * within 3e−16 absolutely (|J_n| ≤ 1) and 1e−14 relatively away from the zeros; its z-derivatives to second order;
 * the output layout [v + 1, ...z.shape], vmap, jit and option errors. Imports besselJn from its source until it is
 * exported from ad.special.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from 'adjoint';

/** Its public signature (src's Tensor type differs from the published one until it is exported from ad.special). */
const { besselJn } = ad.special;
import { relErr } from './support.js';

const REF = JSON.parse(readFileSync(new URL('./besselJnReference.json', import.meta.url), 'utf8')) as
  { V: number; rows: Array<{ z: number; mpmath: number[]; scipy: number[] }>; derivatives: Array<{ n: number; z: number; d1: number; d2: number }> };

describe('besselJn values', () => {
  it.each(REF.rows)('J₀ … J₆₀ at z = $z', ({ z, mpmath }) => {
    const got = besselJn(z, { v: REF.V }).toArray() as number[];
    expect(got.length).toBe(REF.V + 1);
    got.forEach((g, n) => {
      const want = mpmath[n]!;
      expect(Math.abs(g - want), `J_${n}(${z})`).toBeLessThanOrEqual(3e-16);
      if (Math.abs(want) > 1e-3) expect(relErr(g, want), `J_${n}(${z})`).toBeLessThan(1e-13);
      else if (Math.abs(want) > 1e-290 && Math.abs(z) <= 1) expect(relErr(g, want), `J_${n}(${z})`).toBeLessThan(1e-15); // the power series: relative even where tiny
    });
  });

  it('does not depend on nIter (JAX: z = 30 needs n_iter ≈ 80)', () => {
    const a = besselJn(30, { v: 5, nIter: 0 }).toArray(), b = besselJn(30, { v: 5, nIter: 500 }).toArray();
    (a as number[]).forEach((v, i) => expect(Math.abs(v - (b as number[])[i]!)).toBeLessThan(3e-16));
    expect(besselJn(30, { v: 60, nIter: 10 }).shape).toEqual([61]); // JAX: n_iter + 1 rows when v > n_iter
  });

  it('has the edges: J(0) = [1, 0, …], 0 at ±∞, NaN for NaN, odd orders odd', () => {
    expect(besselJn(0, { v: 3 }).toArray()).toEqual([1, 0, 0, 0]);
    expect(besselJn(ad.tensor([Infinity, -Infinity]), { v: 1 }).toArray()).toEqual([[0, 0], [0, 0]]);
    expect((besselJn(NaN, { v: 1 }).toArray() as number[]).every((v) => Number.isNaN(v))).toBe(true);
    const p = besselJn(7.3, { v: 4 }).toArray() as number[], m = besselJn(-7.3, { v: 4 }).toArray() as number[];
    p.forEach((v, n) => expect(m[n]).toBe(n % 2 === 0 ? v : -v));
  });

  it('lays the orders out first: [v + 1, ...z.shape], v = 0 by default', () => {
    const z = ad.tensor([[0.5, 1], [2, 3], [4, 5]]);
    const out = besselJn(z, { v: 2 });
    expect(out.shape).toEqual([3, 3, 2]);
    expect((out.toArray() as number[][][])[2]![1]![0]).toBe((besselJn(2, { v: 2 }).toArray() as number[])[2]);
    expect(besselJn(z).shape).toEqual([1, 3, 2]);
    expect(besselJn(1.5).shape).toEqual([1]);
  });
});

describe('besselJn derivatives', () => {
  it.each(REF.derivatives)('J_$n′ and J_$n″ at z = $z', ({ n, z, d1, d2 }) => {
    const f = (t: ad.Tensor) => ad.take(besselJn(t, { v: n }), n);
    expect(relErr(ad.grad(f)(ad.scalar(z)).item(), d1)).toBeLessThan(1e-14);
    expect(relErr(ad.grad(ad.grad(f))(ad.scalar(z)).item(), d2)).toBeLessThan(1e-14);
    const [, t] = ad.jvp(f, [ad.scalar(z)], [ad.scalar(1)]);
    expect(relErr(t.item(), d1)).toBeLessThan(1e-14);
  });

  it('J₀′ = −J₁ and J_n′ = (J_{n−1} − J_{n+1})/2, over a tensor of z (reverse mode sums the orders)', () => {
    const z = ad.tensor([0.3, 2, 17, 40]);
    const j = besselJn(z, { v: 4 }).toArray() as number[][];
    const g = ad.grad((t: ad.Tensor) => ad.sum(besselJn(t, { v: 3 })))(z).toArray() as number[];
    g.forEach((v, i) => {
      const want = -j[1]![i]! + (j[0]![i]! - j[2]![i]!) / 2 + (j[1]![i]! - j[3]![i]!) / 2 + (j[2]![i]! - j[4]![i]!) / 2;
      expect(Math.abs(v - want)).toBeLessThan(1e-15);
    });
  });
});

describe('besselJn as an op', () => {
  it('vmap over z equals a loop, and jit the eager values', () => {
    const zs = ad.tensor([[0.1, 3], [25.5, -40]]);
    const mapped = ad.vmap((z: ad.Tensor) => besselJn(z, { v: 3 }))(zs);
    expect(mapped.shape).toEqual([2, 4, 2]);
    const loop = [0, 1].map((i) => besselJn(ad.take(zs, i, 0), { v: 3 }).toArray());
    expect(mapped.toArray()).toEqual(loop);
    const jf = ad.jit((z: ad.Tensor) => besselJn(z, { v: 3 }));
    expect(jf(zs).toArray()).toEqual(besselJn(zs, { v: 3 }).toArray());
    const g = (z: ad.Tensor) => ad.sum(besselJn(z, { v: 2 }));
    expect(ad.vmap(ad.grad(g))(ad.tensor([1, 2])).toArray()).toEqual([ad.grad(g)(ad.scalar(1)).item(), ad.grad(g)(ad.scalar(2)).item()]);
  });

  it('refuses bad options and extra arguments', () => {
    expect(() => besselJn(1, { v: -1 })).toThrow(/besselJn: v must be a non-negative integer/);
    expect(() => besselJn(1, { v: 1.5 })).toThrow(ad.InvalidArgumentError);
    expect(() => besselJn(1, { nIter: -3 })).toThrow(/besselJn: nIter must be a non-negative integer/);
    expect(() => besselJn(1, { n: 3 } as unknown as { v: number })).toThrow(/unknown option 'n'/);
    expect(() => besselJn(1, 3 as unknown as { v: number })).toThrow(/options object/);
    expect(() => (besselJn as (...a: unknown[]) => ad.Tensor)(1, { v: 1 }, 5)).toThrow(/besselJn: takes besselJn\(z, \{ v, nIter \}\?\); got 1 more argument/);
  });
});
