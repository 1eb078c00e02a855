/**
 * @file hyp2f1 against mpmath (hyp2f1Reference.py → .json): values over |a|, |b|, |c| ≤ 50 and −1000 ≤ x < 1 within
 * 128 ε·max(1, κ) (κ the condition number in a, b, c, x; the worst measured is 85), JAX's edges, the x-derivatives
 * to second order, the refusal of a, b, c derivatives, broadcasting, vmap, jit and argument errors.
 * Imports hyp2f1 from its source until it is exported from ad.special.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from 'adjoint';
import { relErr } from './support.js';

interface Point { a: number; b: number; c: number; x: number; value: number; kappa: number; kind: string }
interface Deriv { a: number; b: number; c: number; x: number; da: number; db: number; dc: number; dx: number; dxx: number }
const REF = JSON.parse(readFileSync(new URL('./hyp2f1Reference.json', import.meta.url), 'utf8')) as
  { points: Point[]; derivatives: Deriv[]; jaxSpecialCases: Array<{ a: number; b: number; c: number; x: number; scipy: number | string }> };
const EPS = 2 ** -52;
/** Its public signature (src's Tensor type differs from the published one until it is exported from ad.special). */
const { hyp2f1 } = ad.special;
const F = (a: number, b: number, c: number, x: number) => hyp2f1(a, b, c, x).item();

describe('hyp2f1 values', () => {
  it(`matches mpmath at ${REF.points.length} points within 128 ε·max(1, κ)`, () => {
    const a = ad.tensor(REF.points.map((p) => p.a)), b = ad.tensor(REF.points.map((p) => p.b));
    const c = ad.tensor(REF.points.map((p) => p.c)), x = ad.tensor(REF.points.map((p) => p.x));
    const got = hyp2f1(a, b, c, x).toArray() as number[];
    let worst = 0, where: Point | undefined;
    REF.points.forEach((p, i) => {
      const e = relErr(got[i]!, p.value) / (EPS * Math.max(1, p.kappa));
      if (!(e <= worst)) { worst = e; where = p; }
    });
    expect(worst, JSON.stringify(where)).toBeLessThan(128);
  });

  it('has JAX\'s edges', () => {
    expect(F(0, 2, 3, 0.5)).toBe(1); // a = 0
    expect(F(2, 0, 3, 5)).toBe(1); // b = 0, any x
    expect(F(2, 3, 4, 0)).toBe(1); // x = 0
    expect(F(1, 1, 0, 0)).toBe(1); // x = 0 before c's pole, as JAX (and SciPy)
    expect(F(1, 1, 0, 0.5)).toBe(Infinity); // c = 0
    expect(F(1, 1, -1, 0.5)).toBe(Infinity); // c a negative integer
    expect(F(-1, 1, -2, 0.5)).toBe(Infinity); // JAX's convention; SciPy terminates the series first (1.25)
    expect(F(0, 1, -2, 0.5)).toBe(1); // a = 0 with c ≠ 0 comes first
    expect(F(1, 1, 2, 2)).toBe(Infinity); // x > 1, not real
    expect(F(1, 1, 2, 1)).toBe(Infinity); // c − a − b = 0 at x = 1
    expect(F(0.5, 0.5, 1, 1)).toBe(Infinity);
    expect(relErr(F(1, 1, 3, 1), 2)).toBeLessThan(4 * EPS); // Gauss: Γ(3)Γ(1)/(Γ(2)Γ(2))
    expect(relErr(F(2, 3, 7, 1), 5)).toBeLessThan(8 * EPS); // Γ(7)Γ(2)/(Γ(5)Γ(4))
  });

  it('is the polynomial where the series terminates, x ≥ 1 included', () => {
    expect(relErr(F(-2, 1, 3, 2), 1 / 3)).toBeLessThan(4 * EPS); // JAX: ∞
    expect(relErr(F(-2, 3, 0.5, 5), 341)).toBeLessThan(4 * EPS);
    expect(relErr(F(-2, 3, 0.5, 1), 5)).toBeLessThan(4 * EPS); // Chu–Vandermonde (c − b)ₙ/(c)ₙ; JAX: ∞ (c − a − b < 0)
    // c − a a non-positive integer: (1 − x)^{c−a−b} F(c − a, c − b; c; x) = (1 − x)^{−4} F(−1, −1.5; 1.5; x) = (1 + x)/(1 − x)⁴
    expect(relErr(F(2.5, 3, 1.5, 0.3), 1.3 / 0.7 ** 4)).toBeLessThan(8 * EPS);
    expect(relErr(F(2.5, 3, 1.5, 3), 4 / 16)).toBeLessThan(8 * EPS); // x > 1 too, (1 − x)^{−4} real; JAX: ∞
    expect(relErr(F(3, 1, 3, 0.5), 2)).toBeLessThan(4 * EPS); // a = c: (1 − x)^{−b}
    expect(relErr(F(1, 2, 2, 0.5), 2)).toBeLessThan(4 * EPS); // b = c
  });

  it('gives SciPy\'s values at JAX\'s special-case test points where JAX agrees with SciPy', () => {
    for (const p of REF.jaxSpecialCases) {
      const want = typeof p.scipy === 'string' ? Number(p.scipy.replace('inf', 'Infinity')) : p.scipy;
      const got = F(p.a, p.b, p.c, p.x);
      if (p.c === 0 || p.c === -1) { expect(got).toBe(Infinity); continue; } // JAX's poles (SciPy: 1 at x = 0)
      if (p.x === 0) { expect(got).toBe(1); continue; }
      if (want === Infinity) expect(got).toBe(Infinity);
      else expect(relErr(got, want), JSON.stringify(p)).toBeLessThan(1e-14);
    }
  });

  it('is log(1 + x)/x and arcsin at their classic parameters', () => {
    for (const x of [-1000, -3, -1, -0.5, 0.3, 0.9, 0.999999]) expect(relErr(F(1, 1, 2, x), -Math.log1p(-x) / x)).toBeLessThan(8 * EPS);
    for (const x of [0.1, 0.7, 0.99]) expect(relErr(F(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(8 * EPS);
  });
});

describe('hyp2f1 derivatives', () => {
  it.each(REF.derivatives)('in x, to second order, at %o', (d) => {
    const f = (x: ad.Tensor) => hyp2f1(d.a, d.b, d.c, x);
    expect(relErr(ad.grad(f)(ad.scalar(d.x)).item(), d.dx)).toBeLessThan(1e-13);
    expect(relErr(ad.grad(ad.grad(f))(ad.scalar(d.x)).item(), d.dxx)).toBeLessThan(1e-13);
    const [, t] = ad.jvp(f, [ad.scalar(d.x)], [ad.scalar(1)]);
    expect(relErr(t.item(), d.dx)).toBeLessThan(1e-13);
  });

  it('has slope 0 where a = 0 (F ≡ 1), even where the shifted F is ∞', () => {
    expect(ad.grad((x: ad.Tensor) => hyp2f1(0, 2, 3, x))(ad.scalar(2)).item()).toBe(0);
  });

  it('refuses derivatives in a, b and c, naming the operand', () => {
    for (const [k, name] of [[0, 'a'], [1, 'b'], [2, 'c']] as const) {
      const args = [0.5, 1.5, 2.5, 0.3];
      const f = (t: ad.Tensor) => hyp2f1(...(args.map((v, i) => (i === k ? t : v)) as [ad.Tensor, number, number, number]));
      expect(() => ad.grad(f)(ad.scalar(args[k]!))).toThrow(ad.InvalidArgumentError);
      expect(() => ad.grad(f)(ad.scalar(args[k]!))).toThrow(new RegExp(`hyp2f1: no derivative in operand ${k}.*in ${name}`));
    }
    // Held constant, they are fine:
    expect(ad.grad((x: ad.Tensor) => hyp2f1(ad.stopGradient(ad.scalar(0.5)), 1.5, 2.5, x))(ad.scalar(0.3)).item()).toBeCloseTo(0.5 * 1.5 / 2.5 * F(1.5, 2.5, 3.5, 0.3), 14);
  });
});

describe('hyp2f1 as an op', () => {
  it('broadcasts its four arguments', () => {
    const out = hyp2f1(ad.tensor([[0.5], [1]]), 1, ad.tensor([2, 3, 4]), 0.25);
    expect(out.shape).toEqual([2, 3]);
    const want = [[0.5, 2], [0.5, 3], [0.5, 4], [1, 2], [1, 3], [1, 4]].map(([a, c]) => F(a!, 1, c!, 0.25));
    expect((out.toArray() as number[][]).flat()).toEqual(want);
  });

  it('vmap and jit give the eager values', () => {
    const xs = ad.tensor([-5, -0.5, 0.2, 0.8, 0.99]);
    const eager = (xs.toArray() as number[]).map((x) => F(0.7, 1.3, 2.9, x));
    expect(ad.vmap((x: ad.Tensor) => hyp2f1(0.7, 1.3, 2.9, x))(xs).toArray()).toEqual(eager);
    expect(ad.vmap((c: ad.Tensor) => hyp2f1(0.7, 1.3, c, 0.5))(ad.tensor([2, 3])).toArray()).toEqual([F(0.7, 1.3, 2, 0.5), F(0.7, 1.3, 3, 0.5)]);
    const jf = ad.jit((x: ad.Tensor) => hyp2f1(0.7, 1.3, 2.9, x));
    expect(jf(xs).toArray()).toEqual(eager);
    const jg = ad.jit(ad.grad((x: ad.Tensor) => ad.sum(hyp2f1(0.7, 1.3, 2.9, x))));
    expect(jg(xs).toArray()).toEqual(ad.grad((x: ad.Tensor) => ad.sum(hyp2f1(0.7, 1.3, 2.9, x)))(xs).toArray());
  });

  it('refuses extra arguments and shapes that do not broadcast', () => {
    expect(() => (hyp2f1 as (...a: unknown[]) => ad.Tensor)(1, 1, 2, 0.5, 7)).toThrow(/hyp2f1: takes hyp2f1\(a, b, c, x\); got 1 more argument/);
    expect(() => hyp2f1(ad.tensor([1, 2]), 1, ad.tensor([2, 3, 4]), 0.5)).toThrow(ad.AdjointError);
    expect(() => hyp2f1(1, 1, 2, 'x' as unknown as number)).toThrow(ad.AdjointError);
  });
});
