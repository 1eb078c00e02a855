/** @file argmin: ridge hypergradients against the closed form, logistic regression against centered differences, diagnostics, forward mode and higher order. */
import { describe, expect, it, vi } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { maxAbsDiff, maxAbsOf } from './dense.js';
import { classification, logLoss, regression, ridgeHypergradient, ridgeLoss, validationLoss } from './ridge.js';

const relErr = (got: ArrayLike<number>, want: ArrayLike<number>) => maxAbsDiff(got, want) / maxAbsOf(want);
const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('argmin: ridge regression hypergradients equal the closed form', () => {
  const r = regression(40, 30, 6, 1);
  const outer = (options: ad.ArgminOptions<Tensor>) => (lam: Tensor) =>
    validationLoss(r)(ad.argmin(ridgeLoss(r, lam), ad.zeros([6]), { tol: 1e-12, ...options }));

  it('one shared penalty, exact HVPs: to 1e-7', () => {
    const ref = ridgeHypergradient(r, new Array(6).fill(2));
    const g = ad.grad(outer({}))(ad.tensor(2)).item();
    expect(Math.abs(g - ref.shared) / Math.abs(ref.shared)).toBeLessThan(1e-7);
  });

  it('one penalty per feature, exact HVPs: to 1e-7; the solution itself matches too', () => {
    const lam = [0.5, 1, 2, 4, 8, 16];
    const ref = ridgeHypergradient(r, lam);
    const info: Partial<ad.ArgminInfo> = {};
    const theta = ad.argmin(ridgeLoss(r, ad.tensor(lam)), ad.zeros([6]), { tol: 1e-12, info });
    expect(relErr(arr(theta), ref.theta)).toBeLessThan(1e-10);
    expect(info.converged).toBe(true);
    const g = ad.grad(outer({ info }))(ad.tensor(lam));
    expect(relErr(arr(g), ref.perFeature)).toBeLessThan(1e-7);
    expect(info.adjointSolves).toBe(1);
    expect(info.adjoint!.converged).toBe(true);
    expect(info.adjoint!.solver).toBe('cg');
  });

  it('finite-difference HVPs: to 1e-4, for both', () => {
    const lam = [0.5, 1, 2, 4, 8, 16];
    const ref = ridgeHypergradient(r, lam);
    const g = ad.grad(outer({ hvp: 'finiteDifference' }))(ad.tensor(lam));
    expect(relErr(arr(g), ref.perFeature)).toBeLessThan(1e-4);
    const shared = ridgeHypergradient(r, new Array(6).fill(3)).shared;
    const gs = ad.grad(outer({ hvp: 'finiteDifference' }))(ad.tensor(3)).item();
    expect(Math.abs(gs - shared) / Math.abs(shared)).toBeLessThan(1e-4);
  });

  it('newton-cg as the inner optimizer, and minres as the solver, give the same hypergradient', () => {
    const lam = [1, 1, 2, 2, 3, 3];
    const ref = ridgeHypergradient(r, lam);
    const g = ad.grad(outer({ method: 'newton-cg', solver: 'minres' }))(ad.tensor(lam));
    expect(relErr(arr(g), ref.perFeature)).toBeLessThan(1e-7);
  });

  it('a diagonal preconditioner gives the same hypergradient in fewer CG iterations', () => {
    // 30 features on scales from 1 to 100: a badly conditioned Hessian that Jacobi scaling fixes.
    const big = regression(80, 40, 30, 7);
    const scale = ad.tensor(Array.from({ length: 30 }, (_, j) => 10 ** (2 * j / 29)));
    const X = ad.mul(big.tX, scale), Xv = ad.mul(big.tXv, scale);
    const lam = ad.full([30], 0.1);
    const diag = ad.add(ad.sum(ad.square(X), 0), lam); // diag(XᵀX + Λ)
    const hyper = (info: Partial<ad.ArgminInfo>, preconditioner?: (v: Tensor) => Tensor) => ad.grad((l: Tensor) => {
      const theta = ad.argmin((t: Tensor) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(X, t), big.ty)))), ad.mul(0.5, ad.sum(ad.mul(l, ad.square(t))))),
        ad.zeros([30]), { tol: 1e-10, method: 'newton-cg', info, preconditioner });
      return ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(Xv, theta), big.tyv))));
    })(lam);
    const plain: Partial<ad.ArgminInfo> = {};
    const pre: Partial<ad.ArgminInfo> = {};
    const g1 = hyper(plain), g2 = hyper(pre, (v) => ad.div(v, diag));
    expect(relErr(arr(g2), arr(g1))).toBeLessThan(1e-7);
    expect(pre.adjoint!.converged && plain.adjoint!.converged).toBe(true);
    expect(pre.adjoint!.iterations).toBeLessThan(plain.adjoint!.iterations / 2);
  });

  it('hyperparameters in a pytree, read in several places, all get their gradients', () => {
    const lam = [0.5, 1, 2, 4, 8, 16];
    const ref = ridgeHypergradient(r, lam);
    const f = (h: { a: Tensor; b: Tensor }) =>
      validationLoss(r)(ad.argmin((theta: Tensor) => ad.add(ridgeLoss(r, h.a)(theta), ridgeLoss(r, h.b)(theta)), ad.zeros([6]), { tol: 1e-12 }));
    // The sum is twice ridge with penalty (a + b)/2, so θ* is ridge's at λ = (a + b)/2 and ∂/∂a = ∂/∂b = ½ ∂/∂λ.
    const g = ad.grad(f)({ a: ad.tensor(lam), b: ad.tensor(lam) });
    const half = ref.perFeature.map((v) => v / 2);
    expect(relErr(arr(g.a), half)).toBeLessThan(1e-7);
    expect(relErr(arr(g.b), half)).toBeLessThan(1e-7);
  });
});

describe('argmin: logistic regression', () => {
  const train = classification(80, 5, 10);
  const val = classification(60, 5, 20);
  const fit = (lam: Tensor) => ad.argmin(
    (theta: Tensor) => ad.add(logLoss(train.X, train.y)(theta), ad.mul(0.5, ad.sum(ad.mul(ad.exp(lam), ad.square(theta))))),
    ad.zeros([5]), { tol: 1e-12, method: 'newton-cg' });
  const outer = (lam: Tensor) => logLoss(val.X, val.y)(fit(lam));

  it("the hypergradient of per-feature log-penalties equals a centered difference of the outer objective", () => {
    const lam0 = [-3, -2, -1, -2.5, -1.5];
    const g = arr(ad.grad(outer)(ad.tensor(lam0)));
    const h = 1e-4;
    const fd = lam0.map((_, j) => {
      const at = (s: number) => outer(ad.tensor(lam0.map((l, k) => (k === j ? l + s : l)))).item();
      return (at(h) - at(-h)) / (2 * h);
    });
    expect(relErr(g, fd)).toBeLessThan(1e-5);
  });

  it('lbfgs (the default) agrees with newton-cg', () => {
    const lam = ad.tensor([-3, -2, -1, -2.5, -1.5]);
    const viaLbfgs = ad.grad((l: Tensor) => logLoss(val.X, val.y)(ad.argmin(
      (theta: Tensor) => ad.add(logLoss(train.X, train.y)(theta), ad.mul(0.5, ad.sum(ad.mul(ad.exp(l), ad.square(theta))))),
      ad.zeros([5]), { tol: 1e-11 })))(lam);
    expect(relErr(arr(viaLbfgs), arr(ad.grad(outer)(lam)))).toBeLessThan(1e-7);
  });

  it('forward mode (jvp) gives the directional hypergradient, and checkGrad passes to second order', () => {
    const lam = ad.tensor([-2, -2, -1, -1, -3]);
    const dir = ad.tensor([1, -1, 0.5, 0.25, 2]);
    const [, tangent] = ad.jvp(outer, [lam], [dir]);
    const g = ad.grad(outer)(lam);
    expect(Math.abs(tangent.item() - ad.dot(g, dir).item())).toBeLessThan(1e-10 * Math.abs(tangent.item()) + 1e-14);
    const check = ad.checkGrad(outer, [lam], { order: 2, eps: 1e-4, rtol: 1e-4 });
    expect(check.checks.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('argmin: higher order and composition', () => {
  // 1-D ridge: θ* = s/(q + λ) with s = Σxy, q = Σx²; outer θ*² has closed-form first and second derivatives.
  const x = ad.tensor([1, 2, 3]), y = ad.tensor([2, 4, 7]);
  const s = 31, q = 14;
  const thetaStar = (lam: Tensor) =>
    ad.argmin((w: Tensor) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.mul(w, x), y)))), ad.mul(ad.mul(0.5, lam), ad.square(w))), ad.tensor(0), { tol: 1e-13 });

  it('grad, grad of grad, and hvp of the outer objective match the closed form', () => {
    const outer = (lam: Tensor) => ad.square(thetaStar(lam));
    const l = 1.5;
    // f(λ) = s²/(q+λ)², f' = −2s²/(q+λ)³, f'' = 6s²/(q+λ)⁴.
    expect(ad.grad(outer)(l).item()).toBeCloseTo(-2 * s * s / (q + l) ** 3, 12);
    const second = 6 * s * s / (q + l) ** 4;
    expect(Math.abs(ad.grad(ad.grad(outer))(l).item() - second) / second).toBeLessThan(1e-9);
    expect(Math.abs(ad.hvp(outer, ad.tensor(l), ad.tensor(1)).item() - second) / second).toBeLessThan(1e-9);
  });

  it('composes with checkpoint and checkpointed scan (argmin inside a recomputed region)', () => {
    const r = regression(30, 20, 4, 9);
    const outer = (lam: Tensor) => validationLoss(r)(ad.argmin(ridgeLoss(r, lam), ad.zeros([4]), { tol: 1e-12 }));
    const lam = ad.tensor([0.5, 1, 2, 3]);
    const direct = ad.grad(outer)(lam);
    const viaCheckpoint = ad.grad((l: Tensor) => ad.checkpoint(outer)(l))(lam);
    // Three outer steps of hypergradient descent, as a checkpointed loop: d(final λ)/d(initial λ).
    const descend = (checkpoints: ad.Checkpoints) => (l0: Tensor) =>
      ad.sum(ad.scan((l: Tensor) => ad.sub(l, ad.mul(0.1, ad.grad(outer)(l))), l0, { length: 3, checkpoints }));
    expect(relErr(arr(viaCheckpoint), arr(direct))).toBeLessThan(1e-12);
    expect(relErr(arr(ad.grad(descend(1))(lam)), arr(ad.grad(descend('all'))(lam)))).toBeLessThan(1e-9);
  });

  it('theta0 gets no gradient (it is only a starting point); a loss that ignores λ gives a zero hypergradient', () => {
    const [gLam, gStart] = ad.grad((lam: Tensor, start: Tensor) => ad.argmin(
      (w: Tensor) => ad.add(ad.square(ad.sub(w, 3)), ad.mul(lam, ad.square(w))), start, { tol: 1e-12 }), [0, 1])(ad.tensor(1), ad.tensor(0.5));
    expect(gStart.item()).toBe(0);
    expect(gLam.item()).toBeCloseTo(-3 / 4, 10); // θ* = 3/(1+λ)
    const ignoresLam = (lam: Tensor) => ad.add(ad.sum(ad.argmin((w: Tensor) => ad.sum(ad.square(ad.sub(w, 1))), ad.zeros([2]))), ad.mul(lam, 0));
    const zero = ad.grad(ignoresLam)(ad.tensor(2));
    expect(zero.item()).toBe(0);
  });
});

describe('argmin: diagnostics reach the user', () => {
  const r = regression(30, 10, 8, 3);

  it('non-convergence: info says so, and one console warning is printed per call site', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) {
        const info: Partial<ad.ArgminInfo> = {};
        ad.argmin(ridgeLoss(r, ad.tensor(0.1)), ad.zeros([8]), { maxIter: 2, info });
        expect(info.converged).toBe(false);
        expect(info.iterations).toBe(2);
        expect(info.gradientNorm).toBeGreaterThan(1e-9);
        expect(info.warnings![0]).toMatch(/inner optimizer stopped before/);
      }
      const printed = () => warn.mock.calls.filter((c) => /inner optimizer stopped/.test(String(c[0])));
      expect(printed().length).toBe(1); // three calls from one line: one warning
      expect(String(printed()[0]![0])).toMatch(/argmin called at .*argmin\.test\.ts/);
      ad.argmin(ridgeLoss(r, ad.tensor(0.1)), ad.zeros([8]), { maxIter: 2 }); // another line
      expect(printed().length).toBe(2);
    } finally {
      warn.mockRestore();
    }
  });

  it('an adjoint solve cut short is reported with its residual', () => {
    const info: Partial<ad.ArgminInfo> = {};
    ad.grad((lam: Tensor) => validationLoss(r)(ad.argmin(ridgeLoss(r, lam), ad.zeros([8]), { tol: 1e-12, solverMaxIter: 2, info, warn: false })))(ad.tensor(0.01));
    expect(info.adjoint!.converged).toBe(false);
    expect(info.adjoint!.iterations).toBe(2);
    expect(info.adjoint!.residualNorm).toBeGreaterThan(0);
    expect(info.warnings!.some((w) => /did not converge/.test(w))).toBe(true);
  });

  it('negative curvature at a saddle: warned, solved with minres, and the derivative is still the IFT one', () => {
    // L(θ) = ½θᵀDθ − λᵀθ with D = diag(1, −1): the stationary point θ* = D⁻¹λ is a saddle, dθ*/dλ = D⁻¹.
    const D = ad.tensor([1, -1]);
    const lam0 = ad.tensor([0.3, 0.7]);
    const info: Partial<ad.ArgminInfo> = {};
    const g = ad.grad((lam: Tensor) => ad.sum(ad.argmin(
      (t: Tensor) => ad.sub(ad.mul(0.5, ad.sum(ad.mul(D, ad.square(t)))), ad.sum(ad.mul(lam, t))),
      ad.div(lam0, D), { info, warn: false })))(lam0);
    expect(maxAbsDiff(arr(g), [1, -1])).toBeLessThan(1e-12);
    expect(info.adjoint!.solver).toBe('minres');
    expect(info.warnings!.some((w) => /not positive definite/.test(w))).toBe(true);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => ad.argmin((t: Tensor) => ad.sum(t), ad.zeros([2]), { hvp: 'fd' as 'exact' })).toThrow(/option hvp must be 'exact' or 'finiteDifference'/);
    expect(() => ad.argmin((t: Tensor) => ad.square(t), ad.zeros([2]))).toThrow(/argmin: loss must return a single-element tensor or a number, but it returned a tensor of shape \[2\]/);
  });
});
