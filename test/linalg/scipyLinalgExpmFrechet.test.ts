/**
 * @file linalg.expmFrechet against scipy.linalg.expm_frechet (SciPy 1.10 values in
 * scipyLinalgReference.ts: three pairs, norms 0.1 to 5), against central differences of linalg.expm,
 * its linearity in e, its own derivatives (checkGrad to second order), batching and bad input.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, randn } from './support.js';
import { SCIPY } from './scipyLinalgReference.js';

const L = ad.linalg;
const t = (x: number[][]) => ad.tensor(x);
const js = ad.linalg as unknown as Record<string, (...args: unknown[]) => unknown>;

describe('expmFrechet', () => {
  it.each(SCIPY.expmFrechet.map((r, i) => ({ ...r, i })))('as scipy.linalg.expm_frechet: pair $i', ({ a, e, expm, l }) => {
    const [ea, got] = L.expmFrechet(t(a), t(e));
    expectClose(ea, t(expm), 1e-13);
    expectClose(got, t(l), 1e-12);
    expectClose(L.expmFrechet(t(a), t(e), { computeExpm: false }), t(l), 1e-12);
  });

  it('is d/dh expm(a + h e) at h = 0 (central differences), linear in e, and jvp of expm', () => {
    const a = randn([4, 4], 1), e = randn([4, 4], 2), e2 = randn([4, 4], 3);
    const h = 1e-6;
    const fd = ad.div(ad.sub(L.expm(ad.add(a, ad.mul(h, e))), L.expm(ad.sub(a, ad.mul(h, e)))), 2 * h);
    const l = L.expmFrechet(a, e, { computeExpm: false });
    expectClose(l, fd, 1e-8);
    expectClose(L.expmFrechet(a, ad.add(ad.mul(2, e), e2))[1], ad.add(ad.mul(2, l), L.expmFrechet(a, e2)[1]), 1e-13);
    const [, tangent] = ad.jvp((x: Tensor) => L.expm(x), [a], [e]);
    expectClose(l, tangent as Tensor, 1e-13);
    // Commuting a and e: L(a, e) = e·e^a.
    const d = L.diag(ad.tensor([0.5, -1, 2]));
    expectClose(L.expmFrechet(d, ad.mul(3, d))[1], ad.matmul(ad.mul(3, d), L.expm(d)), 1e-14);
  });

  it('differentiable in a and e to second order; batch axes broadcast', () => {
    const f = (a: Tensor, e: Tensor) => { const [x, l] = L.expmFrechet(a, e); return ad.concat([x, l], -1); };
    expect(ad.checkGrad(f, [randn([2, 3, 3], 4), randn([3, 3], 5)], { order: 2, seed: 6 }).ok).toBe(true);
    const a = randn([2, 3, 3], 7), e = randn([3, 3], 8);
    const [x, l] = L.expmFrechet(a, e);
    expect(l.shape).toEqual([2, 3, 3]);
    for (let b = 0; b < 2; b++) {
      const [x1, l1] = L.expmFrechet(ad.take(a, b, 0), e);
      expectClose(ad.take(x, b, 0), x1, 0);
      expectClose(ad.take(l, b, 0), l1, 0);
    }
    expectClose(ad.vmap((y: Tensor) => L.expmFrechet(y, e)[1])(a) as Tensor, l, 1e-15);
  });

  it('bad input is an error naming expmFrechet, the shapes and the fix', () => {
    expect(() => L.expmFrechet(ad.eye(3), ad.eye(2))).toThrow(/linalg\.expmFrechet: e of shape \[2,2\] does not fit a of shape \[3,3\].*\[\.\.\., 3, 3\]/);
    expect(() => L.expmFrechet(ad.ones([2, 3]), ad.eye(2))).toThrow(/linalg\.expmFrechet: a must be a square matrix/);
    expect(() => js.expmFrechet!(ad.eye(2), ad.eye(2), { compute_expm: false })).toThrow(/linalg\.expmFrechet: unknown option\(s\) compute_expm; the only option is computeExpm/);
    expect(() => js.expmFrechet!(ad.eye(2), ad.eye(2), { computeExpm: 0 })).toThrow(/linalg\.expmFrechet: computeExpm must be true or false/);
    expect(() => js.expmFrechet!(ad.eye(2), ad.eye(2), 'SPS')).toThrow(/linalg\.expmFrechet: the third argument is an options object/);
  });
});
