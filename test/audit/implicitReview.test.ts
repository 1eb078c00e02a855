/**
 * @file Audit regressions from the review of the implicit-differentiation solvers (argmin, root,
 * cg/minres/gmres, reversibleMomentum): each block names the wrong answer it guards against.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('gmres on a singular system returns a least-squares iterate, not rounding noise', () => {
  // [[1, 1], [1, 1]] x = [1, 0] has no solution; the smallest residual is 1/√2 (any x with
  // x₁ + x₂ = 1/2). GMRES back-substituted through a numerically singular triangular factor and
  // returned x ≈ [6.9e31, −6.9e31] with residual 1.
  const S = ad.tensor([[1, 1], [1, 1]]);
  it('finite iterate, minimal residual, converged false', () => {
    const r = ad.gmres((v: ad.Tensor) => ad.matmul(S, v), ad.tensor([1, 0]));
    const [x1, x2] = r.x.toArray() as number[];
    expect(r.converged).toBe(false);
    expect(Math.abs(x1! + x2! - 0.5)).toBeLessThan(1e-12);
    expect(Math.max(Math.abs(x1!), Math.abs(x2!))).toBeLessThan(10);
    expect(Math.abs(r.residualNorm - Math.SQRT1_2)).toBeLessThan(1e-12);
  });
  it('a zero row: the other unknowns are solved, the residual is the unreachable part', () => {
    const Z = ad.tensor([[2, 0, 0], [0, 0, 0], [0, 0, 1]]);
    for (const restart of [1, 30]) {
      const r = ad.gmres((v: ad.Tensor) => ad.matmul(Z, v), ad.tensor([2, 1, 3]), { restart });
      const [x1, x2, x3] = r.x.toArray() as number[];
      expect(r.converged).toBe(false);
      expect(Math.abs(x1! - 1) + Math.abs(x3! - 3)).toBeLessThan(1e-6);
      expect(Number.isFinite(x2!) && Math.abs(x2!) < 100).toBe(true);
      expect(Math.abs(r.residualNorm - 1)).toBeLessThan(1e-6);
    }
  });
  it('a non-singular system still solves to its tolerance', () => {
    const A = ad.tensor([[2, 1, 0], [-1, 3, 1], [0.5, 0, 1]]);
    const r = ad.gmres((v: ad.Tensor) => ad.matmul(A, v), ad.tensor([3, 3, 1]));
    expect(r.converged).toBe(true);
    const want = [14 / 15, 17 / 15, 8 / 15];
    (r.x.toArray() as number[]).forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThan(1e-12));
  });
});

describe('reversibleMomentum under vmap runs one example at a time', () => {
  // It took vmap's trace for a reverse one, so the loss read the whole batch of λ and failed with
  // "loss must return a single-element tensor … shape [2]"; a mapped lr or params0 failed reading
  // values. References: the same recurrence unrolled in plain ops, one example at a time
  // (v ← γv − (1 − γ)∇L(w), w ← w + αv, 30 steps), numbers from scratch/implrev/h6.mjs.
  const X = ad.tensor([[1, 0], [1, 1], [1, 2], [1, 3]]), y = ad.tensor([1, 2, 2, 4]);
  const trainLoss = (lam: ad.Tensor) => (t: ad.Tensor) =>
    ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(X, t), y)))), ad.mul(0.5, ad.mul(lam, ad.sum(ad.square(t)))));
  const val = (t: ad.Tensor) => ad.sum(ad.mul(t, ad.tensor([1, -2])));
  const w0 = ad.tensor([0.3, -0.2]);
  const run = (lam: ad.Tensor, lr: ad.Tensor | number, w: ad.Tensor = w0) =>
    ad.optimizers.reversibleMomentum(trainLoss(lam), w, { steps: 30, lr, decay: 0.9 });
  const close = (got: ad.Tensor, want: number[]) =>
    (got.toFloat64Array() as Float64Array).forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i]!))));

  it('a batched hyperparameter the loss closes over: values and grad of the vmap', () => {
    const lams = ad.tensor([0.5, 0.6]);
    close(ad.vmap((l: ad.Tensor) => val(run(l, 0.05)))(lams), [-1.387804899440414, -1.4160153013614987]);
    close(ad.grad((ls: ad.Tensor) => ad.sum(ad.vmap((l: ad.Tensor) => val(run(l, 0.05)))(ls)))(lams), [-0.2949592256925905, -0.26943956642824335]);
  });
  it('a batched learning rate and starting point', () => {
    const out = ad.vmap((w: ad.Tensor, lr: ad.Tensor) => run(ad.tensor(0.5), lr, w))(ad.tensor([[0.3, -0.2], [1, 1]]), ad.tensor([0.05, 0.02]));
    close(out, [0.8602801706197509, 1.1240425350300824, 0.8442891209231038, 0.9103742273038609]);
    const dLr = ad.grad((lrs: ad.Tensor) => ad.sum(ad.vmap((lr: ad.Tensor) => val(run(ad.tensor(0.5), lr)))(lrs)))(ad.tensor([0.05, 0.02]));
    close(dLr, [-16.68794755060001, 43.472583139907506]);
  });
  it('vmap of grad says what to write instead', () => {
    expect(() => ad.vmap(ad.grad((l: ad.Tensor) => val(run(l, 0.05))))(ad.tensor([0.5, 0.6]))).toThrow(/vmap\(grad\(·\)\) is not supported.*grad of the sum of a vmap/);
  });
});

describe("argmin on Rosenbrock's valley runs to its minimum", () => {
  // f = (a − x)² + 100(y − x²)², θ*(a) = (a, a²), dθ*/da = (1, 2a). From (−1.2, 1) the gradient
  // norm rises and falls for dozens of iterations while f falls; the stall check stopped L-BFGS
  // after 23 iterations (Newton–CG after 7) at θ ≈ (0.89, 0.77), called the loss unbounded below,
  // and the hypergradient of θ₁ + θ₂ came out 0.50 (0.29) instead of 4.
  const rosenbrock = (a: ad.Tensor) => (w: ad.Tensor) => {
    const x = ad.slice(w, [0], [1]), y = ad.slice(w, [1], [1]);
    return ad.sum(ad.add(ad.square(ad.sub(a, x)), ad.mul(100, ad.square(ad.sub(y, ad.square(x))))));
  };
  it.each(['lbfgs', 'newton-cg'] as const)('%s', (method) => {
    const info: Partial<ad.ArgminInfo> = {};
    const fit = (a: ad.Tensor) => ad.argmin(rosenbrock(a), ad.tensor([-1.2, 1]), { method, tol: 1e-10, info, warn: false });
    const J = ad.jacobian(fit)(ad.tensor(1.5)).toArray() as number[];
    expect(info.converged).toBe(true);
    expect(Math.abs(J[0]! - 1)).toBeLessThan(1e-8);
    expect(Math.abs(J[1]! - 3)).toBeLessThan(1e-8);
  });
});

describe("argmin's preconditioner errors are named in argmin's terms", () => {
  // The adjoint solve runs cg on theta0's space, but its misuse error read "cg: the preconditioner
  // must return b's structure and shapes … where b has shape [2]": neither cg nor b is the caller's.
  const fit = (preconditioner: (v: ad.Tensor) => ad.Tensor) => (lam: ad.Tensor) =>
    ad.sum(ad.argmin((w: ad.Tensor) => ad.add(ad.sum(ad.square(ad.sub(w, 1))), ad.mul(lam, ad.sum(ad.square(w)))), ad.zeros([2]), { preconditioner }));
  it('a scalar where a vector goes', () => {
    expect(() => ad.grad(fit((v) => ad.sum(v)))(ad.tensor(0.5))).toThrow(
      /^argmin: the preconditioner must return theta0's structure and shapes, but it has shape \[\] where theta0 has shape \[2\]\.$/,
    );
  });
  it('a well-shaped one still gives the closed form: d/dλ 2/(1 + λ) = −8/9 at λ = 1/2', () => {
    expect(Math.abs(ad.grad(fit((v) => ad.mul(0.5, v)))(ad.tensor(0.5)).item() + 8 / 9)).toBeLessThan(1e-9);
  });
});

describe("root's report of a run stuck far from a root", () => {
  // x³ − 2x + 2 from 0: damped Newton stops at x = √(2/3), a local minimum of |F| = 0.91 where
  // F' = 0. The message said "the residual F is at the limit of floating-point precision".
  it('says where it is stuck and why, not precision', () => {
    const info: Partial<ad.RootInfo> = {};
    const x = ad.root((x: ad.Tensor) => ad.add(ad.sub(ad.pow(x, 3), ad.mul(2, x)), 2), ad.tensor(0), { info, warn: false });
    expect(info.converged).toBe(false);
    expect(Math.abs(x.item() - Math.sqrt(2 / 3))).toBeLessThan(1e-4);
    expect(info.message).toMatch(/^no progress in the last iterations: ‖F‖∞ stays at 9\.11e-1, far above rounding \(near a local minimum of ‖F‖/);
    expect(info.message).not.toMatch(/precision/);
  });
});

describe('implicit solvers inside checkpoint and checkpointed loops keep their closures’ gradients', () => {
  // A step c ← argmin_w ‖w − c‖² + λ‖w‖² = c/(1 + λ), three times from c₀ = (1, 2): Σc₃ = 3/(1 + λ)³,
  // d/dλ = −9/(1 + λ)⁴ = −16/9 at λ = 1/2 (one step under checkpoint: −3/(1 + λ)² = −4/3). Recomputed
  // in the backward pass, the solver's own backward read λ outside the recomputation's context and
  // gave 0 (scan with checkpoints: 1, 2 or 'sqrt' gave −32/27, the step taped in the forward phase
  // alone); argmin, cg, root and reversibleMomentum alike.
  const solvers: Array<[string, (l: ad.Tensor, c: ad.Tensor) => ad.Tensor]> = [
    ['argmin', (l, c) => ad.argmin((w: ad.Tensor) => ad.add(ad.sum(ad.square(ad.sub(w, c))), ad.mul(l, ad.sum(ad.square(w)))), ad.zeros([2]), { tol: 1e-12 })],
    ['cg', (l, c) => ad.cg((v: ad.Tensor) => ad.mul(ad.add(1, l), v), c).x],
    ['root', (l, c) => ad.root((w: ad.Tensor) => ad.sub(ad.mul(ad.add(1, l), w), c), ad.zeros([2]))],
  ];
  const c0 = ad.tensor([1, 2]);
  it.each(solvers)('%s in scan with checkpoints', (_, step) => {
    for (const checkpoints of [1, 2, 'sqrt', 'all'] as const) {
      const g = ad.grad((l: ad.Tensor) => ad.sum(ad.scan((c: ad.Tensor) => step(l, c), c0, { length: 3, checkpoints })))(ad.tensor(0.5)).item();
      expect(Math.abs(g + 16 / 9), String(checkpoints)).toBeLessThan(1e-9);
    }
  });
  it.each(solvers)('%s in checkpoint and in a checkpointed whileLoop', (_, step) => {
    const g = ad.grad((l: ad.Tensor) => ad.sum(ad.checkpoint((c: ad.Tensor) => step(l, c))(c0)))(ad.tensor(0.5)).item();
    expect(Math.abs(g + 4 / 3)).toBeLessThan(1e-9);
    type S = { i: ad.Tensor; c: ad.Tensor };
    const w = ad.grad((l: ad.Tensor) =>
      ad.sum(ad.whileLoop((s: S) => s.i.item() < 3, (s: S) => ({ i: ad.add(s.i, 1), c: step(l, s.c) }), { i: 0, c: c0 }, { checkpoints: 1 }).c))(ad.tensor(0.5)).item();
    expect(Math.abs(w + 16 / 9)).toBeLessThan(1e-9);
  });
  it('reversibleMomentum in checkpoint', () => {
    // 400 steps of momentum converge to c/(1 + λ) to about 1e-7.
    const step = (l: ad.Tensor, c: ad.Tensor) => ad.optimizers.reversibleMomentum(
      (w: ad.Tensor) => ad.add(ad.sum(ad.square(ad.sub(w, c))), ad.mul(l, ad.sum(ad.square(w)))), ad.zeros([2]), { steps: 400, lr: 0.1 });
    const g = ad.grad((l: ad.Tensor) => ad.sum(ad.checkpoint((c: ad.Tensor) => step(l, c))(c0)))(ad.tensor(0.5)).item();
    expect(Math.abs(g + 4 / 3)).toBeLessThan(1e-6);
  });
});

describe('a mapped warm start under vmap', () => {
  // cg's x0 mapped by vmap read the whole batch's values: "vmap: data reads the value of a batched
  // tensor"; argmin's theta0 and root's x0 were already read per example.
  it('cg, minres and gmres solve each example from its own x0', () => {
    for (const solve of [ad.cg, ad.minres, ad.gmres]) {
      const x = ad.vmap((x0: ad.Tensor) => solve((v: ad.Tensor) => ad.mul(ad.tensor([2, 4]), v), ad.ones([2]), { x0 }).x)(ad.tensor([[0, 0], [5, -5]]));
      (x.toFloat64Array() as Float64Array).forEach((v, i) => expect(Math.abs(v - [0.5, 0.25][i % 2]!)).toBeLessThan(1e-12));
    }
  });
  it('with a mapped matrix too, and its gradient', () => {
    const g = ad.vmap(ad.grad((d: ad.Tensor, x0: ad.Tensor) => ad.sum(ad.cg((v: ad.Tensor) => ad.mul(d, v), ad.ones([2]), { x0 }).x)))(
      ad.tensor([[2, 4], [1, 8]]), ad.tensor([[1, 1], [-3, 2]]));
    const want = [-0.25, -0.0625, -1, -0.015625]; // −1/d², the grad of Σ 1/d
    (g.toFloat64Array() as Float64Array).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-10));
  });
  it("root's x0", () => {
    const x = ad.vmap((x0: ad.Tensor) => ad.root((x: ad.Tensor) => ad.sub(ad.pow(x, 3), 8), x0))(ad.tensor([1, 3]));
    (x.toFloat64Array() as Float64Array).forEach((v) => expect(Math.abs(v - 2)).toBeLessThan(1e-10));
  });
});
