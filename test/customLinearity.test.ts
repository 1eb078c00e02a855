/**
 * @file Forward mode through a customVjp transposes its backward rule, and reverse mode through a
 * customJvp transposes its forward rule: both must be linear (in the cotangent, in the tangents). A
 * JAX-port review found rules that are not linear but passed the old check (the rule's derivative
 * compared at 0 and at one random point), so forward mode silently returned 0 (3·relu(g), sign(g),
 * floor(g)), or a wrong number (g + 1, clip(g, ±20)); and customJvp rules never checked (abs, square of
 * the tangent, t + 1). Each is now an error naming the fix; linear rules are unchanged; hvp agrees
 * with grad(grad) where the rule is not linear (it differentiates f's own ops for the forward value).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';

const x = ad.scalar(2);
const triple = (t: ad.Tensor) => ad.mul(t, 3);

describe('customVjp: forward mode needs a backward rule linear in the cotangent', () => {
  const nonlinear: Array<[string, (g: ad.Tensor) => ad.Tensor[]]> = [
    ['3·relu(g) (homogeneous for one sign only)', (g) => [ad.mul(3, ad.relu(g))]],
    ['sign(g) (signSGD)', (g) => [ad.sign(g)]],
    ['floor(g) (quantised)', (g) => [ad.floor(g)]],
    ['g + 1 (affine)', (g) => [ad.add(g, 1)]],
    ['clip(g, −20, 20) (linear up to a threshold)', (g) => [ad.clip(g, -20, 20)]],
  ];
  it.each(nonlinear)('%s: jvp is an error naming the fix, where it was a silent 0 or a wrong number', (_, rule) => {
    const f = ad.customVjp(triple, rule);
    expect(() => ad.jvp(f, [x], [ad.scalar(1)])).toThrow(/backward rule is not linear in the cotangent .* ad\.customVjp\(f, backward, \{ jvp/);
    expect(() => ad.jacfwd(f)(x)).toThrow(/not linear in the cotangent/);
  });

  it('hvp and jvp(grad) agree with grad(grad) and hessian where the rule is not linear', () => {
    const posGrad = ad.customVjp(triple, (g: ad.Tensor) => [ad.mul(3, ad.relu(g))]);
    const sq = (y: ad.Tensor) => ad.square(posGrad(y));
    expect(ad.grad(ad.grad(sq))(x).item()).toBe(18);
    expect(ad.hessian(sq)(x).item()).toBe(18);
    expect(ad.hvp(sq, x, ad.scalar(1)).item()).toBe(18); // was 0
    expect(ad.jvp(ad.grad(sq), [x], [ad.scalar(1)])[1].item()).toBe(18); // was 0
  });

  it('linear rules, including ones that read the primal, are transposed as before', () => {
    const sinRule = ad.customVjp((t: ad.Tensor) => ad.sin(t), (g: ad.Tensor, { args: [t] }: { args: [ad.Tensor] }) => [ad.mul(g, ad.cos(t))]);
    expect(ad.jvp(sinRule, [x], [ad.scalar(2)])[1].item()).toBeCloseTo(2 * Math.cos(2), 15);
    const scaled = ad.customVjp(triple, (g: ad.Tensor) => [ad.mul(g, 3)]);
    expect(ad.jacfwd(scaled)(ad.tensor([1, 2])).toArray()).toEqual([[3, 0], [0, 3]]);
    expect(ad.hvp((t: ad.Tensor) => ad.sum(ad.square(scaled(t))), ad.tensor([1, 2]), ad.tensor([1, 0])).toArray()).toEqual([18, 0]);
  });
});

describe('customJvp: reverse mode needs a forward rule linear in the tangents', () => {
  const nonlinear: Array<[string, (p: ad.Tensor[], t: ad.Tensor[]) => [ad.Tensor, ad.Tensor]]> = [
    ['|t|', ([p], [t]) => [triple(p!), ad.abs(t!)]],
    ['t²', ([p], [t]) => [triple(p!), ad.square(t!)]],
    ['t + 1 (affine)', ([p], [t]) => [triple(p!), ad.add(t!, 1)]],
  ];
  it.each(nonlinear)('%s: grad is an error naming the fix, where jacfwd and jacrev disagreed', (_, rule) => {
    const f = ad.customJvp(triple, rule as never);
    expect(() => ad.grad(f)(x)).toThrow(/customJvp: reverse mode .* is not linear in the input tangents/);
  });

  it('a linear forward rule is transposed as before', () => {
    const f = ad.customJvp(triple, (([p]: ad.Tensor[], [t]: ad.Tensor[]) => [triple(p!), ad.mul(t!, 3)]) as never);
    expect(ad.grad(f as (t: ad.Tensor) => ad.Tensor)(x).item()).toBe(3);
  });
});

describe('the linearity checks: huge coefficients, and rules that vanish at the first point', () => {
  it('a linear rule whose coefficient overflows at a large probe (eˣ at x = 704) is still linear', () => {
    const exp = ad.customJvp((t: ad.Tensor) => ad.exp(t), (([p]: ad.Tensor[], [t]: ad.Tensor[]) => [ad.exp(p!), ad.mul(t!, ad.exp(p!))]) as never) as (t: ad.Tensor) => ad.Tensor;
    expect(ad.grad(exp)(ad.scalar(704)).item()).toBe(Math.exp(704));
    const expVjp = ad.customVjp((t: ad.Tensor) => ad.exp(t), (g: ad.Tensor, { args: [t] }: { args: [ad.Tensor] }) => [ad.mul(g, ad.exp(t))]);
    expect(ad.jvp(expVjp, [ad.scalar(704)], [ad.scalar(1)])[1].item()).toBe(Math.exp(704));
  });

  it('x·t², 0 at x = 0 for every t, is checked again at the next point (it was cached as linear, then gave 0 at x = 2)', () => {
    const f = ad.customJvp(triple, (([p]: ad.Tensor[], [t]: ad.Tensor[]) => [triple(p!), ad.mul(p!, ad.square(t!))]) as never) as (t: ad.Tensor) => ad.Tensor;
    expect(ad.grad(f)(ad.scalar(0)).item()).toBe(0);
    expect(() => ad.grad(f)(ad.scalar(2))).toThrow(/customJvp: reverse mode .* is not linear in the input tangents/);
  });
});

describe('the linearity check reaches large cotangents', () => {
  it('a rule linear only below a threshold (g below 1e5, 2g above) is refused in forward mode', () => {
    const f = ad.customVjp(triple, (g: ad.Tensor) => [ad.where(ad.less(ad.abs(g), 1e5), g, ad.mul(2, g))]);
    expect(() => ad.jvp(f, [x], [ad.scalar(1)])).toThrow(/not linear in the cotangent/);
  });
});
