/**
 * @file linalg.polar against scipy.linalg.polar (SciPy 1.10; three random matrices, square, tall and
 * wide, both sides: values pasted below from scratch/h99/polar.py), its defining properties on random
 * batches (fast-check), gradients to second order where the singular values are distinct, and the
 * finite derivative at repeated ones (closed form at 2I).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, mT, randn } from './support.js';

const L = ad.linalg;
type Side = { u: number[][]; p: number[][] };
// rng = default_rng(3); a = round(normal(size), 3); u, p = scipy.linalg.polar(a, side)
const SCIPY: Record<string, { a: number[][]; right: Side; left: Side }> = {"sq": {"a": [[2.041, -2.556, 0.418], [-0.568, -0.453, -0.216], [-2.02, -0.232, -0.865]], "right": {"u": [[0.5059334725589774, -0.8602344719942386, -0.06346632601000426], [-0.583875221913059, -0.39569694552637275, 0.7088819736296551], [-0.6349181416374795, -0.3215907033698146, -0.7024659229640373]], "p": [[2.6467859896471975, -0.8813694714742342, 0.8868014319792925], [-0.8813694714742342, 2.4526190699225165, 0.004068489354994012], [0.8868014319792925, 0.004068489354994041, 0.4279855927877049]]}, "left": {"u": [[0.5059334725589774, -0.8602344719942386, -0.06346632601000426], [-0.583875221913059, -0.39569694552637275, 0.7088819736296551], [-0.6349181416374795, -0.3215907033698146, -0.7024659229640373]], "p": [[3.2048406036379657, 0.11602472981805187, -0.7675128450678176], [0.11602472981805183, 0.35777333606605916, 0.6580467324368463], [-0.7675128450678174, 0.6580467324368464, 1.964776712653398]]}}, "tall": {"a": [[3.323, 0.226], [-0.353, -0.281], [-0.668, -1.055], [-0.391, 0.482]], "right": {"u": [[0.9771928754133179, -0.05485596872728744], [-0.08438947850355542, -0.21729345460716273], [-0.12016043007350782, -0.8654809054625742], [-0.15340785900305062, 0.4480147090883954]], "p": [[3.417251051069507, 0.2973856989909893], [0.29738569899098927, 1.177687456855868]]}, "left": {"u": [[0.9771928754133179, -0.05485596872728744], [-0.08438947850355542, -0.21729345460716273], [-0.12016043007350782, -0.8654809054625742], [-0.15340785900305062, 0.4480147090883954]], "p": [[3.2348144760660884, -0.3295345578085334, -0.5948917937688082, -0.4085229912131599], [-0.3295345578085334, 0.09084894665636782, 0.2856167662509317, -0.07173915902576229], [-0.5948917937688082, 0.2856167662509317, 0.993349522552119, -0.37017906827421926], [-0.40852299121315994, -0.07173915902576229, -0.3701790682742193, 0.2759255626507994]]}}, "wide": {"a": [[-0.239, 0.958, -0.2, 0.024], [1.546, 0.545, -0.505, -0.183]], "right": {"u": [[-0.32146879846777954, 0.9302913345863864, -0.1734253792096777, 0.03375621796264768], [0.9145495244528572, 0.26701294363571837, -0.2839601654503557, -0.1080272173641829]], "p": [[1.4907246076379166, 0.1904623818946741, -0.3975537501551369, -0.17507781413809959], [0.1904623818946742, 1.0367411528152246, -0.32089980345331504, -0.026536376655263188], [-0.39755375015513705, -0.3208998034533151, 0.17808495939436517, 0.047802501176382836], [-0.1750778141380996, -0.02653637665526319, 0.047802501176382836, 0.02057913000874902]]}, "left": {"u": [[-0.32146879846777954, 0.9302913345863864, -0.1734253792096777, 0.03375621796264768], [0.9145495244528572, 0.26701294363571837, -0.2839601654503557, -0.1080272173641829]], "p": [[1.0035453664405962, 0.09142044353211608], [0.09142044353211608, 1.722584483415658]]}}};

describe('polar', () => {
  it.each(Object.keys(SCIPY))('as scipy.linalg.polar: %s, both sides', (name) => {
    const ref = SCIPY[name]!;
    for (const side of ['right', 'left'] as const) {
      const [u, p] = L.polar(ad.tensor(ref.a), side);
      expectClose(u, ad.tensor(ref[side].u), 1e-13);
      expectClose(p, ad.tensor(ref[side].p), 1e-13);
    }
    const [u] = L.polar(ad.tensor(ref.a)); // side 'right' by default
    expectClose(u, ad.tensor(ref.right.u), 1e-13);
  });

  it('a = u p (right) and p u (left), u with orthonormal columns or rows, p symmetric positive semi-definite: random batches', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), (m, n, seed) => {
      const a = randn([2, m, n], seed);
      for (const side of ['right', 'left'] as const) {
        const [u, p] = L.polar(a, side);
        expectClose(side === 'right' ? ad.matmul(u, p) : ad.matmul(p, u), a, 1e-12);
        expectClose(p, mT(p), 1e-13);
        expect(L.eigvalsh(ad.mul(ad.add(p, mT(p)), 0.5)).toFloat64Array().every((v) => v > -1e-12)).toBe(true);
        const k = Math.min(m, n);
        expectClose(m >= n ? ad.matmul(mT(u), u) : ad.matmul(u, mT(u)), ad.broadcastTo(ad.eye(k), [2, k, k]), 1e-12);
      }
    }), { numRuns: 40, seed: 99 });
  });

  it('u is the orthogonal matrix nearest a: closed form for a 2×2 rotation times a symmetric positive-definite matrix', () => {
    const th = 0.7, q = ad.tensor([[Math.cos(th), -Math.sin(th)], [Math.sin(th), Math.cos(th)]]);
    const s = ad.tensor([[3, 1], [1, 2]]);
    const [u, p] = L.polar(ad.matmul(q, s));
    expectClose(u, q, 1e-14);
    expectClose(p, s, 1e-14);
  });

  it('differentiable to second order where the singular values are distinct (square, tall, wide, batched)', () => {
    for (const [shape, seed] of [[[3, 3], 1], [[4, 2], 2], [[2, 3], 3], [[2, 3, 3], 4]] as const) {
      for (const side of ['right', 'left'] as const) {
        const f = (a: Tensor) => { const [u, p] = L.polar(a, side); return ad.concat([ad.reshape(u, [-1]), ad.reshape(p, [-1])], 0); };
        const r = ad.checkGrad(f, [randn([...shape], seed)], { order: 2, seed });
        expect(r.ok).toBe(true);
      }
    }
  });

  it('the derivative of u: u̇ = u Ω with Ω antisymmetric (square a), matching central differences', () => {
    const a = randn([3, 3], 21), da = randn([3, 3], 22);
    const [, ud] = ad.jvp((x: Tensor) => L.polar(x)[0], [a], [da]);
    const h = 1e-6;
    const fd = ad.div(ad.sub(L.polar(ad.add(a, ad.mul(h, da)))[0], L.polar(ad.sub(a, ad.mul(h, da)))[0]), 2 * h);
    expectClose(ud as Tensor, fd, 1e-8);
    const omega = ad.matmul(mT(L.polar(a)[0]), ud as Tensor);
    expectClose(omega, ad.neg(mT(omega)), 1e-12);
  });

  it('at repeated singular values the derivatives are finite: closed form at 2I, central differences and second order elsewhere', () => {
    // a = 2I: u = I, h = 2I, so h Ω + Ω h = 4Ω = ȧ − ȧᵀ, u̇ = Ω and ḣ = (ȧ + ȧᵀ)/2.
    const da = ad.tensor([[0.3, -1.2, 0.5], [0.7, 0.1, -0.4], [2.0, 0.6, -0.9]]);
    const [, [ud, pd]] = ad.jvp((x: Tensor) => L.polar(x), [ad.mul(ad.eye(3), 2)], [da]) as [unknown, [Tensor, Tensor]];
    expectClose(ud, ad.mul(ad.sub(da, mT(da)), 0.25), 1e-15);
    expectClose(pd, ad.mul(ad.add(da, mT(da)), 0.5), 1e-15);
    const g = ad.grad((x: Tensor) => ad.sum(ad.mul(L.polar(x)[0], da)))(ad.eye(3));
    expectClose(g, ad.mul(ad.sub(da, mT(da)), 0.5), 1e-15); // ⟨da, u̇⟩ with h = I: Ω = (ȧ − ȧᵀ)/2
    // Repeated singular values in square, tall and wide matrices, rotated so nothing is diagonal.
    const q3 = L.qr(randn([3, 3], 41)).q, q4 = L.qr(randn([4, 4], 42)).q, q2 = L.qr(randn([2, 2], 43)).q;
    const cases: Tensor[] = [
      ad.matmul(ad.matmul(q3, L.diag(ad.tensor([2, 2, 0.5]))), mT(q3)),
      ad.matmul(ad.matmul(q4, ad.tensor([[1.5, 0], [0, 1.5], [0, 0], [0, 0]])), q2),
      mT(ad.matmul(ad.matmul(q4, ad.tensor([[1, 0], [0, 1], [0, 0], [0, 0]])), q2)),
    ];
    for (const [i, a] of cases.entries()) {
      for (const side of ['right', 'left'] as const) {
        const f = (x: Tensor) => { const [u, p] = L.polar(x, side); return ad.concat([ad.reshape(u, [-1]), ad.reshape(p, [-1])], 0); };
        const dir = randn([...a.shape], 50 + i);
        const [, tan] = ad.jvp(f, [a], [dir]);
        const eps = 1e-6;
        const fd = ad.div(ad.sub(f(ad.add(a, ad.mul(eps, dir))), f(ad.sub(a, ad.mul(eps, dir)))), 2 * eps);
        expectClose(tan as Tensor, fd, 1e-8);
        expect(ad.checkGrad(f, [a], { order: 2, seed: i }).ok).toBe(true);
      }
    }
  });

  it('vmap and jit agree with the batch', () => {
    const a = randn([3, 3, 2], 30);
    const f = (x: Tensor) => L.polar(x, 'left')[1];
    expectClose(ad.vmap(f)(a) as Tensor, f(a), 1e-15);
    expectClose(ad.jit(f)(a) as Tensor, f(a), 1e-15);
  });

  it('bad input is an error naming polar', () => {
    expect(() => L.polar(ad.ones([3]))).toThrow(/linalg\.polar: a must be a matrix/);
    expect(() => (L.polar as (...a: unknown[]) => unknown)(ad.eye(2), 'both')).toThrow(/linalg\.polar: side must be 'right' \(a = u p\) or 'left'.*'both'/);
    expect(() => (L.polar as (...a: unknown[]) => unknown)(ad.eye(2), 'right', { method: 'qdwh' })).toThrow(/linalg\.polar: takes no options/);
  });
});
