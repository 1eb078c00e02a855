/**
 * @file Property-based tests: random small programs (test/support/randomPrograms.ts) over 1–3
 * inputs of broadcast-compatible shapes, each ending in a scalar. For every program:
 *   1. reverse vs forward mode: ⟨∇f, v⟩ = jvp's tangent, to 1e-9 relative;
 *   2. reverse mode vs centered finite differences (h = 1e-6) along every coordinate, to 1e-5
 *      relative plus a small roundoff floor;
 *   3. second order: hvp vs centered differences of the gradient along v, and hvp vs
 *      reverse-over-reverse ∇⟨∇f, v⟩ (exact, 1e-9 relative).
 * Tolerances are spelled out in test/support/propertyChecks.ts. Inputs are drawn from [-2, 2]
 * with special points (0, ±1, 0.5) mixed in; every op is smooth there, integer powers at 0 too.
 * The fast-check seed is fixed, so runs are deterministic.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { BINARY, programArb, REDUCE, SHAPED, toFunction, UNARY, type RandomProgram } from './support/randomPrograms.js';
import { BOUND, checkProgram, describeProgram, magnitude } from './support/propertyChecks.js';

const SEED = 20240611;
const NUM_RUNS = 3000;

describe('random programs', () => {
  it(`reverse = forward, reverse ≈ finite differences, hvp ≈ differences of grad (${NUM_RUNS} programs)`, () => {
    let kept = 0;
    fc.assert(
      fc.property(programArb, (p) => {
        const M = magnitude(p);
        fc.pre(M <= BOUND);
        kept++;
        const bad = checkProgram(p, toFunction(p), M);
        if (bad.length > 0) throw new Error(`${describeProgram(p)}\n  ${bad.slice(0, 5).join('\n  ')}`);
      }),
      { seed: SEED, numRuns: NUM_RUNS, maxSkipsPerRun: 10 },
    );
    // The magnitude filter must not hollow the test out.
    expect(kept).toBe(NUM_RUNS);
  });

  it('generated programs cover every op and shape family', () => {
    const seen = new Set<string>();
    const families = new Set<string>();
    const visit = (e: RandomProgram['expr']): void => {
      seen.add(e.k === 'input' || e.k === 'const' ? e.k : e.op);
      if ('x' in e) visit(e.x);
      if ('y' in e) visit(e.y);
    };
    for (const p of fc.sample(programArb, { seed: SEED, numRuns: NUM_RUNS })) {
      visit(p.expr);
      families.add(String(p.S));
    }
    expect(seen.size).toBe(2 + UNARY.length + BINARY.length + REDUCE.length + SHAPED.length);
    expect(families.size).toBe(6);
  });
});

describe('the checks can fail', () => {
  // sin with a derivative that is wrong by 1e-4 relative, and right otherwise (second order too).
  const sinWrong = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args }) => [ad.mul(g, ad.mul(1.0001, ad.cos(args[0])))]);
  // sin whose gradient is right but whose reverse-mode second derivative is wrong: the backward
  // rule calls a cos whose own backward rule is off by 1% in its argument (its forward rule is right).
  const cosWrong = ad.customVjp((x: Tensor) => ad.cos(x), (g: Tensor, { args }) => [ad.mul(g, ad.neg(ad.sin(ad.mul(args[0], 1.01))))],
    { jvp: ([x], [t]) => [ad.cos(x as Tensor), ad.mul(t as Tensor, ad.neg(ad.sin(x as Tensor)))] });
  // sin with a right backward rule and a forward rule off by 1e-4.
  const sinJvpWrong = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args }) => [ad.mul(g, ad.cos(args[0]))],
    { jvp: ([x], [t]) => [ad.sin(x as Tensor), ad.mul(t as Tensor, ad.mul(1.0001, ad.cos(x as Tensor)))] });
  const sinBadSecond = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args }) => [ad.mul(g, cosWrong(args[0]))]);

  const p: RandomProgram = {
    S: [3],
    inputs: [{ shape: [3], x: [0.3, -1.2, 0.8], v: [0.5, 0.25, -1] }],
    expr: { k: 'input', i: 0 },
    final: 'sum',
  };

  it('a correct program passes', () => {
    expect(checkProgram(p, (xs) => ad.sum(ad.sin(xs[0]!)), 1)).toEqual([]);
  });

  it('a first-derivative error of 1e-4 is caught by the finite-difference check', () => {
    const bad = checkProgram(p, (xs) => ad.sum(sinWrong(xs[0]!)), 1);
    expect(bad.some((b) => b.includes('finite difference'))).toBe(true);
  });

  it('a forward mode that disagrees with reverse mode is caught', () => {
    // The forward rule given to customVjp disagrees with its backward rule.
    const bad = checkProgram(p, (xs) => ad.sum(sinJvpWrong(xs[0]!)), 1);
    expect(bad.some((b) => b.startsWith('jvp tangent'))).toBe(true);
  });

  it('a second-derivative error is caught (hvp vs reverse-over-reverse)', () => {
    const bad = checkProgram(p, (xs) => ad.sum(sinBadSecond(xs[0]!)), 1);
    expect(bad.some((b) => b.startsWith('(Hv)') && b.includes('reverse-over-reverse'))).toBe(true);
  });
});
