/** @file Derivatives through cg, minres, gmres, argmin, root and reversibleMomentum report solves that did not converge: info statistics, one warning per call site, or a ConvergenceError on request. */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

type SolveInfo = NonNullable<ad.LinearSolveOptions['info']>;

// D = diag(1, 2, …, 50): A⁻¹b = b / D, so d Σ(A⁻¹b) / db = 1 / D.
const n = 50;
const D = ad.arange(1, n + 1);
const e1 = ad.tensor(Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)));
const scaleByD = (x: Tensor) => ad.mul(D, x);
const reciprocalD = Array.from({ length: n }, (_, i) => 1 / (i + 1));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

/** Runs `f`, returning the error it threw (or fails). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());
const printed = (pattern: RegExp) => warn.mock.calls.map((c) => String(c[0])).filter((m) => pattern.test(m));

describe('cg, minres, gmres: the solves of derivative passes are reported', () => {
  it('a backward solve cut short (issue #12: the forward solve converged in one step) is warned about, with its statistics', () => {
    const info: SolveInfo = {};
    const sumOfSolution = (b: Tensor) => ad.sum(ad.cg(scaleByD, b, { maxIter: 5, info }).x);
    const g = ad.grad(sumOfSolution)(e1);
    // The adjoint solve D u = 1 needs 50 iterations (50 distinct eigenvalues); 5 leave it far off.
    expect(maxAbsDiff(g.toFloat64Array(), reciprocalD)).toBeGreaterThan(0.1);
    expect(info.adjointSolves).toBe(1);
    expect(info.adjoint).toMatchObject({ solver: 'cg', iterations: 5, converged: false, negativeCurvature: false });
    // The reported residual is that of the returned gradient: ‖D g − 1‖.
    const residual = Math.hypot(...Array.from(g.toFloat64Array(), (u, i) => (i + 1) * u - 1));
    expect(info.adjoint!.residualNorm).toBeCloseTo(residual, 10);
    expect(info.warnings).toHaveLength(1);
    expect(info.warnings![0]).toMatch(/^cg: the adjoint solve of a backward pass did not converge \(cg, 5 iterations, residual .*\), so the derivative is approximate\. Raise maxIter/);
    expect(printed(/adjoint solve of a backward pass did not converge/)).toHaveLength(1);
    expect(printed(/adjoint solve/)[0]).toMatch(/cg called at .*convergence\.test\.ts/);
    // With room to converge, the gradient is the closed form and nothing is reported.
    const quiet: SolveInfo = {};
    const exact = ad.grad((b: Tensor) => ad.sum(ad.cg(scaleByD, b, { info: quiet }).x))(e1);
    expect(maxAbsDiff(exact.toFloat64Array(), reciprocalD)).toBeLessThan(1e-10); // tol 1e-10
    expect(quiet.adjoint!.converged).toBe(true);
    expect(quiet.warnings).toEqual([]);
  });

  it('throw: true makes it a ConvergenceError carrying the solve', () => {
    const error = thrown(() => ad.grad((b: Tensor) => ad.sum(ad.cg(scaleByD, b, { maxIter: 5, throw: true }).x))(e1));
    expect(error).toBeInstanceOf(ad.AdjointError);
    expect(error).toBeInstanceOf(ad.ConvergenceError);
    expect(error.message).toMatch(/^cg: the adjoint solve of a backward pass did not converge/);
    expect((error as Error & { solve: ad.LinearSolveInfo }).solve).toMatchObject({ solver: 'cg', iterations: 5, converged: false });
    expect(warn).not.toHaveBeenCalled();
    // Without derivatives, throw: true applies to the solve itself.
    expect(thrown(() => ad.cg(scaleByD, ad.ones([n]), { maxIter: 5, throw: true })).message).toMatch(/^cg: the solve did not converge \(cg, 5 iterations/);
  });

  it('cg on an indefinite A: negative curvature is reported and the derivative redone with minres (diag(1, −1): [1, −1], not [0, 0])', () => {
    const A = ad.tensor([1, -1]);
    const info: SolveInfo = {};
    const g = ad.grad((b: Tensor) => ad.sum(ad.cg((x: Tensor) => ad.mul(A, x), b, { info }).x))(ad.tensor([1, 0]));
    expect(maxAbsDiff(g.toFloat64Array(), [1, -1])).toBeLessThan(1e-15); // A⁻ᵀ·1
    expect(info.adjoint).toMatchObject({ solver: 'minres', converged: true });
    expect(info.warnings![0]).toMatch(/^cg: cg met negative curvature \(pᵀAp ≤ 0\) in the adjoint solve of a backward pass: A is not positive definite, so the derivative was computed with minres instead/);
    expect(printed(/negative curvature/)).toHaveLength(1);
    const error = thrown(() => ad.grad((b: Tensor) => ad.sum(ad.cg((x: Tensor) => ad.mul(A, x), b, { throw: true }).x))(ad.tensor([1, 0])));
    expect(error).toBeInstanceOf(ad.ConvergenceError);
    expect(error.message).toMatch(/negative curvature/);
    // The solve itself breaking down is its status; with throw: true, an error.
    const forward = ad.cg((x: Tensor) => ad.mul(A, x), ad.tensor([1, 1]));
    expect(forward).toMatchObject({ converged: false, negativeCurvature: true });
    expect(thrown(() => ad.cg((x: Tensor) => ad.mul(A, x), ad.tensor([1, 1]), { throw: true })).message).toMatch(/negative curvature.*minres/);
  });

  it('differentiating a solve that did not converge says the derivative is that of the exact solution', () => {
    const info: SolveInfo = {};
    ad.grad((b: Tensor) => ad.sum(ad.cg(scaleByD, b, { maxIter: 3, info }).x))(ad.ones([n]));
    expect(info.warnings!.some((w) => /^cg: differentiating a solve that did not converge .*: the derivative is that of the exact solution A⁻¹b/.test(w))).toBe(true);
  });

  it('forward mode: a tangent solve cut short is reported the same way', () => {
    const info: SolveInfo = {};
    const [, tangent] = ad.jvp((b: Tensor) => ad.sum(ad.minres(scaleByD, b, { info, maxIter: 4 }).x), [e1], [ad.ones([n])]);
    const exactTangent = reciprocalD.reduce((a, b) => a + b, 0);
    expect(Math.abs(tangent.item() - exactTangent)).toBeGreaterThan(0.1);
    expect(info.adjoint).toMatchObject({ solver: 'minres', iterations: 4, converged: false });
    expect(info.warnings!.some((w) => /^minres: the tangent solve of a forward-mode pass did not converge/.test(w))).toBe(true);
    const [, right] = ad.jvp((b: Tensor) => ad.sum(ad.minres(scaleByD, b).x), [e1], [ad.ones([n])]);
    expect(Math.abs(right.item() - exactTangent)).toBeLessThan(1e-10);
  });

  it('gmres: the transposed solve of a backward pass is reported', () => {
    // Upper bidiagonal A (1 on the diagonal, 2 above): Aᵀ is lower bidiagonal and its solve needs n steps.
    const A = ad.add(ad.eye(n), ad.mul(2, ad.tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j === i + 1 ? 1 : 0))))));
    const info: SolveInfo = {};
    ad.grad((b: Tensor) => ad.sum(ad.gmres((x: Tensor) => ad.matmul(A, x), b, { info, maxIter: 8 }).x))(e1);
    expect(info.adjoint).toMatchObject({ solver: 'gmres', converged: false });
    expect(info.adjoint!.iterations).toBeLessThanOrEqual(8);
    expect(info.warnings!.some((w) => /^gmres: the adjoint solve of a backward pass did not converge/.test(w))).toBe(true);
  });

  it('warns once per call site, and not at all with warn: false', () => {
    const f = (b: Tensor) => ad.sum(ad.cg(scaleByD, b, { maxIter: 2 }).x);
    for (let i = 0; i < 4; i++) ad.grad(f)(e1); // one call site, four backward passes
    expect(printed(/adjoint solve of a backward pass/)).toHaveLength(1);
    ad.grad((b: Tensor) => ad.sum(ad.cg(scaleByD, b, { maxIter: 2 }).x))(e1); // another call site
    expect(printed(/adjoint solve of a backward pass/)).toHaveLength(2);
    const info: SolveInfo = {};
    ad.grad((b: Tensor) => ad.sum(ad.cg(scaleByD, b, { maxIter: 2, warn: false, info }).x))(e1);
    expect(printed(/adjoint solve of a backward pass/)).toHaveLength(2);
    expect(info.warnings).toHaveLength(1); // recorded all the same (the forward solve of e₁ converged: e₁ is an eigenvector)
  });
});

describe('argmin, root, reversibleMomentum: throw: true', () => {
  // L(θ) = ½ Σ d_i θ_i² − λ·θ: θ* = λ / d, dΣθ*/dλ = 1 / d.
  const quadratic = (lam: Tensor) => (t: Tensor) => ad.sub(ad.mul(0.5, ad.sum(ad.mul(D, ad.square(t)))), ad.sum(ad.mul(lam, t)));

  it('argmin: an inner run or an adjoint solve cut short throws a ConvergenceError', () => {
    const inner = thrown(() => ad.argmin(quadratic(ad.ones([n])), ad.zeros([n]), { maxIter: 2, throw: true }));
    expect(inner.name).toBe('ConvergenceError');
    expect(inner.message).toMatch(/^argmin: the inner optimizer stopped before/);
    const adjoint = thrown(() => ad.grad((lam: Tensor) => ad.sum(ad.argmin(quadratic(lam), ad.zeros([n]), { solverMaxIter: 3, throw: true })))(ad.ones([n])));
    expect(adjoint.name).toBe('ConvergenceError');
    expect(adjoint.message).toMatch(/^argmin: the adjoint solve of a backward pass did not converge \(cg, 3 iterations/);
    const g = ad.grad((lam: Tensor) => ad.sum(ad.argmin(quadratic(lam), ad.zeros([n]), { tol: 1e-12, throw: true })))(ad.ones([n]));
    expect(maxAbsDiff(g.toFloat64Array(), reciprocalD)).toBeLessThan(1e-9);
  });

  it('root: a tangent solve cut short is reported, and thrown on request', () => {
    // F(x) = D x − a: x* = a / D, dx*/da = 1 / D.
    const solveFor = (options: ad.RootOptions) => (a: Tensor) => ad.sum(ad.root((x: Tensor) => ad.sub(ad.mul(D, x), a), ad.zeros([n]), options));
    const info: Partial<ad.RootInfo> = {};
    ad.jvp(solveFor({ solverMaxIter: 3, info, warn: false }), [ad.ones([n])], [ad.ones([n])]);
    expect(info.adjoint).toMatchObject({ solver: 'gmres', converged: false });
    expect(info.warnings!.some((w) => /^root: the tangent solve of a forward-mode pass did not converge/.test(w))).toBe(true);
    expect(thrown(() => ad.grad(solveFor({ solverMaxIter: 3, throw: true }))(ad.ones([n]))).name).toBe('ConvergenceError');
  });

  it('reversibleMomentum: a loss that is not deterministic spoils the reversal, which is reported', () => {
    let calls = 0; // the loss moves its target on every call: the backward pass cannot retrace the run
    const drifting = (w: Tensor) => ad.sum(ad.square(ad.sub(w, 1 + 1e-3 * calls++)));
    const info: Partial<ad.optimizers.ReversibleInfo> = {};
    const run = (options: Partial<ad.optimizers.ReversibleMomentumOptions>) => (lr: Tensor) =>
      ad.sum(ad.optimizers.reversibleMomentum(drifting, ad.zeros([2]), { steps: 10, lr, ...options }));
    ad.grad(run({ info }))(ad.tensor(0.1));
    expect(info.reversedExactly).toBe(false);
    expect(info.warnings![0]).toMatch(/^reversibleMomentum: running the optimizer backwards did not arrive back .* must be deterministic/);
    expect(printed(/running the optimizer backwards/)).toHaveLength(1);
    expect(thrown(() => ad.grad(run({ throw: true }))(ad.tensor(0.1))).name).toBe('ConvergenceError');
    // A deterministic loss reverses exactly, with nothing to report.
    const exactInfo: Partial<ad.optimizers.ReversibleInfo> = {};
    ad.grad((lr: Tensor) => ad.sum(ad.optimizers.reversibleMomentum((w: Tensor) => ad.sum(ad.square(ad.sub(w, 1))), ad.zeros([2]), { steps: 10, lr, info: exactInfo })))(ad.tensor(0.1));
    expect(exactInfo.reversedExactly).toBe(true);
    expect(exactInfo.warnings).toEqual([]);
  });
});
