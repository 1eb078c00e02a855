/**
 * @file Second review of differentiating through argmin, root, the Krylov solvers and the
 * optimizers: two regressions (a solver reporting convergence its iterate did not reach, and
 * finite-difference Hessian-vector products under ad.hessian), then guards against independent
 * oracles — mpmath closed forms at 50 digits, PyTorch 1.13 float64 backprop through Newton or the
 * optimizer's own iterations, numpy.linalg.solve. Numbers from scratch/h78/o*.py.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const values = (t: ad.Tensor) => Array.from(t.toFloat64Array());
/** Largest error relative to max(1, |want|). */
const gap = (got: ArrayLike<number>, want: readonly number[]) =>
  Math.max(...want.map((w, i) => Math.abs(got[i]! - w) / Math.max(1, Math.abs(w))));

describe('cg and minres report the true residual, not a drifted recurrence', () => {
  // The 10×10 Hilbert matrix (κ ≈ 1.6e13), b = 1, tol 1e-12: minres's residual estimate |φ̄|
  // reached 1.9e-12 and it said converged while ‖b − A x‖ was 3.4e-2; cg's recursive residual said
  // 3.5e-13 while the true one was 2.4e-10, above tol·‖b‖ = 3.2e-12. Either way the argmin/root
  // derivative solves built on them could claim convergence they did not reach.
  const n = 10;
  const H = ad.tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 1 / (i + j + 1))));
  const b = ad.ones([n]);
  it.each([['cg', ad.cg], ['minres', ad.minres]] as const)('%s on hilbert(10)', (_, solve) => {
    const r = solve((v: ad.Tensor) => ad.matmul(H, v), b, { tol: 1e-12, maxIter: 500 });
    const trueResidual = ad.sqrt(ad.sum(ad.square(ad.sub(ad.matmul(H, r.x), b)))).item();
    expect(r.converged).toBe(trueResidual <= 1e-12 * Math.sqrt(n));
    expect(Math.abs(r.residualNorm - trueResidual)).toBeLessThan(1e-6 * trueResidual);
  });
  it('restarting from the iterate takes minres from 3.4e-2 to the precision limit', () => {
    const r = ad.minres((v: ad.Tensor) => ad.matmul(H, v), b, { tol: 1e-12, maxIter: 500 });
    expect(ad.sqrt(ad.sum(ad.square(ad.sub(ad.matmul(H, r.x), b)))).item()).toBeLessThan(1e-5);
  });
  it('a well-conditioned indefinite system still converges to numpy.linalg.solve, and its gradient in A is −u xᵀ', () => {
    const M = [[4, 1, 0, 2], [1, -3, 1, 0], [0, 1, 2, 1], [2, 0, 1, -1]];
    const rhs = ad.tensor([1, 2, 3, 4]);
    const r = ad.minres((v: ad.Tensor) => ad.matmul(ad.tensor(M), v), rhs, { tol: 1e-14 });
    expect(r.converged).toBe(true);
    expect(gap(values(r.x), [0.6417910447761194, 0.16417910447761191, 1.8507462686567164, -0.8656716417910447])).toBeLessThan(1e-14);
    const dA = ad.grad((a: ad.Tensor) => ad.sum(ad.mul(ad.tensor([1, -1, 2, 0.5]), ad.minres((v: ad.Tensor) => ad.matmul(a, v), rhs, { tol: 1e-14 }).x)))(ad.tensor(M));
    expect(gap(values(dA), [
      -0.014368456226331037, -0.0036756515927823578, -0.041434617955001134, 0.019380708398306978, -0.3544219202494987, -0.09066607262196477,
      -1.022053909556694, 0.4780574738249052, -0.4071062597460459, -0.1041434617955001, -1.173980842058365, 0.5491200712853642,
      -0.11494764981064826, -0.02940521274225885, -0.33147694364000896, 0.1550456671864558,
    ])).toBeLessThan(1e-13);
    const cg = ad.cg((v: ad.Tensor) => ad.matmul(ad.tensor(M), v), rhs);
    expect([cg.converged, cg.negativeCurvature]).toEqual([false, true]);
  });
});

// Logistic regression with one L2 penalty exp(λ_j) per weight and an unpenalised bias, θ = { w, b }.
const X = ad.tensor([[0.5, -1.2, 0.3], [1.5, 0.2, -0.7], [-0.3, 0.8, 1.1], [0.9, -0.4, -1.5], [-1.1, 1.3, 0.2], [0.2, 0.1, 0.9]]);
const y = ad.tensor([1, 0, 1, 0, 1, 1]);
const Xv = ad.tensor([[0.1, 0.7, -0.2], [1.2, -0.5, 0.4]]), yv = ad.tensor([1, 0]);
type Params = { w: ad.Tensor; b: ad.Tensor };
const nll = (p: Params, data: ad.Tensor, labels: ad.Tensor) => {
  const z = ad.add(ad.matmul(data, p.w), p.b);
  return ad.sum(ad.sub(ad.softplus(z), ad.mul(labels, z)));
};
const train = (lam: ad.Tensor, data: ad.Tensor = X) => (p: Params) => ad.add(nll(p, data, y), ad.mul(0.5, ad.sum(ad.mul(ad.exp(lam), ad.square(p.w)))));
const outer = (options: ad.ArgminOptions<Params> = {}) => (lam: ad.Tensor) =>
  nll(ad.argmin(train(lam), { w: ad.zeros([3]), b: ad.tensor(0) }, { tol: 1e-13, ...options }) as Params, Xv, yv);
const lam0 = ad.tensor([-1, 0, 0.5]);
// torch: 40 Newton steps from 0 (converged to rounding), backprop through all of them.
const torchGrad = [0.34175525272741136, -0.022562451717348393, -0.21585178327301863];
const torchHessian = [
  -0.03009346938171626, 0.008651425746948794, -0.045474823708135347, 0.008651425746948795, 0.010300082591304258,
  0.0056037497159704755, -0.04547482370813539, 0.005603749715970477, 0.1394076610079545,
];

describe("argmin's finite-difference Hessian-vector products under ad.hessian", () => {
  // ad.hessian maps the tangent solve over a basis with vmap; the finite-difference product read
  // ‖v‖∞ from v's values and threw "vmap: data reads the value of a batched tensor".
  it('the hessian of the validation loss in λ equals torch (Newton unrolled)', () => {
    expect(gap(values(ad.hessian(outer({ hvp: 'finiteDifference' }))(lam0)), torchHessian)).toBeLessThan(1e-8);
  });
  it('and so do vmap of its grad and a plain grad', () => {
    const g = values(ad.vmap(ad.grad(outer({ hvp: 'finiteDifference' })))(ad.stack([lam0, lam0])));
    expect(gap(g, [...torchGrad, ...torchGrad])).toBeLessThan(1e-9);
  });
});

describe('guards: argmin against torch and mpmath', () => {
  it('logistic regression, pytree θ: grad and hessian in λ (exact, minres, newton-cg)', () => {
    expect(ad.abs(ad.sub(outer()(lam0), 0.9555252964837473)).item()).toBeLessThan(1e-13);
    for (const options of [{}, { solver: 'minres' as const }, { method: 'newton-cg' as const }]) {
      expect(gap(values(ad.grad(outer(options))(lam0)), torchGrad)).toBeLessThan(1e-12);
    }
    expect(gap(values(ad.hessian(outer())(lam0)), torchHessian)).toBeLessThan(1e-12);
  });
  it('logistic regression: gradient with respect to the training data', () => {
    const dX = ad.grad((data: ad.Tensor) => nll(ad.argmin(train(ad.zeros([3]), data), { w: ad.zeros([3]), b: ad.tensor(0) }, { tol: 1e-13 }) as Params, Xv, yv))(X);
    expect(gap(values(dX), [
      0.2234064135213941, -0.07137200707018264, -0.0716638487291603, -0.04985920483110867, 0.10359824706115817, -0.2182113314781101,
      0.047205537298317245, -0.025668109334481777, 0.013140893312736674, -0.08102807651002068, 0.08168312780844356, -0.12306675487728763,
      0.003770627372937813, -0.0362476718874225, 0.09240625275521162, 0.10514639885073325, -0.03984194389749912, -0.01703033537536326,
    ])).toBeLessThan(1e-12);
  });
  it('damping biases forward and reverse mode alike: jvp equals grad · tangent', () => {
    const tangent = ad.tensor([1, 2, 3]);
    const forward = ad.jvp(outer({ damping: 0.3 }), [lam0], [tangent])[1].item();
    const reverse = ad.sum(ad.mul(ad.grad(outer({ damping: 0.3 }))(lam0), tangent)).item();
    expect(Math.abs(forward - reverse)).toBeLessThan(1e-13);
    expect(Math.abs(forward - -0.3509250005263178)).toBeGreaterThan(1e-2); // undamped: torch's grad · tangent
  });
  it('ridge with penalty exp(λ): value, first and second derivative against mpmath; jit and vmap', () => {
    const Xr = ad.tensor([[1, 0.3], [1, 1], [1, 2.2], [1, 3]]), yr = ad.tensor([1, 2, 2, 4]);
    const Xrv = ad.tensor([[1, 1.5], [1, 2.5]]), yrv = ad.tensor([2, 3.5]);
    const ridge = (lam: ad.Tensor) => {
      const theta = ad.argmin((t: ad.Tensor) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(Xr, t), yr)))), ad.mul(0.5, ad.mul(ad.exp(lam), ad.sum(ad.square(t))))),
        ad.zeros([2]), { tol: 1e-13 });
      return ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(Xrv, theta), yrv))));
    };
    const l = ad.tensor(-0.5);
    expect(Math.abs(ridge(l).item() - 0.13569553700795359)).toBeLessThan(1e-14);
    expect(Math.abs(ad.grad(ridge)(l).item() - 0.042945452725263454)).toBeLessThan(1e-14);
    expect(Math.abs(ad.grad(ad.grad(ridge))(l).item() - 0.058774814041847913)).toBeLessThan(1e-13);
    expect(Math.abs(ad.jit(ad.grad(ridge))(l).item() - 0.042945452725263454)).toBeLessThan(1e-14);
    expect(gap(values(ad.vmap(ad.grad(ridge))(ad.tensor([-0.5, 0.5]))), [0.042945452725263454, 0.16908320137121965])).toBeLessThan(1e-14);
  });
  it('θ an array of a matrix and a vector: Σ A*² + Σ c*² = 33λ², derivative 66λ', () => {
    const g = ad.grad((l: ad.Tensor) => {
      const [A, c] = ad.argmin(([A, c]: [ad.Tensor, ad.Tensor]) =>
        ad.add(ad.sum(ad.square(ad.sub(A, ad.mul(l, ad.tensor([[1, 2], [3, 4]]))))), ad.mul(ad.add(1, ad.square(l)), ad.sum(ad.square(ad.sub(c, l))))),
      [ad.zeros([2, 2]), ad.zeros([3])]) as [ad.Tensor, ad.Tensor];
      return ad.add(ad.sum(ad.square(A)), ad.sum(ad.square(c)));
    })(ad.tensor(0.7)).item();
    expect(Math.abs(g - 66 * 0.7)).toBeLessThan(1e-9);
  });
});

describe('guards: root against mpmath and torch', () => {
  it('x³ + λx − 1 = 0 at λ = 2: x, dx/dλ, d²x/dλ²', () => {
    const x = (lam: ad.Tensor) => ad.root((z: ad.Tensor) => ad.sub(ad.add(ad.pow(z, 3), ad.mul(lam, z)), 1), ad.tensor(0.5), { tol: 1e-14 });
    const l = ad.tensor(2);
    expect(Math.abs(x(l).item() - 0.45339765151640377)).toBeLessThan(1e-15);
    expect(Math.abs(ad.grad(x)(l).item() - -0.17327023155040818)).toBeLessThan(1e-15);
    expect(Math.abs(ad.grad(ad.grad(x))(l).item() - 0.10122162988602392)).toBeLessThan(1e-14);
  });
  it('the equilibrium z = tanh(Wz + λ): grads in λ and W, hessian in λ, against 300 iterations in torch', () => {
    const W = ad.tensor([[0.3, -0.2, 0.1], [0.1, 0.4, -0.3], [-0.2, 0.1, 0.2]]);
    const c = ad.tensor([1, -2, 0.5]);
    const f = (lam: ad.Tensor, w: ad.Tensor) => ad.sum(ad.mul(c, ad.root((z: ad.Tensor) => ad.sub(z, ad.tanh(ad.add(ad.matmul(w, z), lam))), ad.zeros([3]), { tol: 1e-14 })));
    const l = ad.tensor([0.5, -1, 0.2]);
    const [dl, dW] = ad.grad(f, [0, 1])(l, W) as [ad.Tensor, ad.Tensor];
    expect(gap(values(dl), [0.4465621682659162, -0.6191296267589097, 0.911766036567898])).toBeLessThan(1e-13);
    expect(gap(values(dW), [0.3151593215077639, -0.38005435564842716, -0.014649509598801246, -0.43694806000337566, 0.5269208367435906,
      0.02031059963123872, 0.643474942300646, -0.7759740483067269, -0.029910561739768086])).toBeLessThan(1e-13);
    expect(gap(values(ad.hessian((lam: ad.Tensor) => f(lam, W))(l)), [-0.8506942225578815, -0.08318098277098002, -0.08556972089208374,
      -0.08318098277097996, -1.288444334571661, 0.47559927669567414, -0.08556972089208371, 0.47559927669567414, -0.09798359494781649])).toBeLessThan(1e-13);
  });
  it('a singular Jacobian: the adjoint solve that cannot converge is reported, not hidden', () => {
    const info: Partial<ad.RootInfo> = {};
    ad.grad((l: ad.Tensor) => ad.sum(ad.slice(ad.root((x: ad.Tensor) => ad.sub(ad.matmul(ad.tensor([[1, 1], [1, 1]]), x), ad.mul(l, ad.ones([2]))),
      ad.zeros([2]), { info, warn: false }), [0], [1])))(ad.tensor(1));
    expect(info.converged).toBe(true);
    expect(info.adjoint!.converged).toBe(false);
    expect(info.warnings!.some((w) => /adjoint solve of a backward pass did not converge/.test(w))).toBe(true);
  });
});

describe('guards: the optimizers against the same updates backpropagated in torch', () => {
  const loss = (lam: ad.Tensor) => (w: ad.Tensor) => {
    const z = ad.matmul(X, w);
    return ad.add(ad.sum(ad.sub(ad.softplus(z), ad.mul(y, z))), ad.mul(0.5, ad.mul(lam, ad.sum(ad.square(w)))));
  };
  const probe = ad.tensor([1, -2, 0.5]);
  const w0 = ad.tensor([0.1, -0.2, 0.3]);
  it('reversibleMomentum, 50 steps: w_T and d/d(λ, lr, decay, w0); reversed exactly', () => {
    const info: Partial<ad.optimizers.ReversibleInfo> = {};
    const run = (lam: ad.Tensor, lr: ad.Tensor, decay: ad.Tensor, w: ad.Tensor) =>
      ad.optimizers.reversibleMomentum(loss(lam), w, { steps: 50, lr, decay, info });
    const args = [ad.tensor(0.3), ad.tensor(0.3), ad.tensor(0.9), w0] as const;
    expect(gap(values(run(...args)), [-0.761269222866388, -0.06715269605606274, 1.7511528536645335])).toBeLessThan(1e-14);
    const g = ad.grad((...a: [ad.Tensor, ad.Tensor, ad.Tensor, ad.Tensor]) => ad.sum(ad.mul(run(...a), probe)), [0, 1, 2, 3])(...args) as ad.Tensor[];
    expect(info.reversedExactly).toBe(true);
    expect(gap(g.flatMap(values), [-0.4923632214872677, 2.703397893156137, -13.537300854597238, -0.12158569978385174, 0.10483429940581343, 0.10885042917296273]))
      .toBeLessThan(1e-13);
  });
  it('sgd, momentum, nesterov and adam, 40 steps in a checkpointed scan: d/d(λ, lr, w0)', () => {
    const want: Record<string, number[]> = {
      sgd: [-0.5914016599893002, 6.2973668414894695, 0.009221321545367187, -0.18477801841705319, 0.15644173997521585],
      momentum: [1.6176962172072873, 40.27523874897762, -0.14168333236326444, 0.11169002426877506, 0.12168222263561046],
      nesterov: [-0.4476403223178701, 14.073326486498887, -0.031025631512014377, 0.007555734452081709, 0.04295783562778802],
      adam: [-0.24297109164408703, 25.102954124033435, -0.41947463777997784, 0.5942232007075317, 0.6397534166025135],
    };
    const make = (name: string, lr: ad.Tensor): ad.optimizers.Optimizer<any> =>
      name === 'sgd' ? ad.optimizers.sgd({ lr }) : name === 'adam' ? ad.optimizers.adam({ lr })
        : ad.optimizers.momentum({ lr, beta: 0.9, nesterov: name === 'nesterov' });
    for (const name of Object.keys(want)) {
      const f = (lam: ad.Tensor, lr: ad.Tensor, w: ad.Tensor) => {
        const opt = make(name, lr), L = loss(lam);
        const [wT] = ad.scan(([p, s]: [ad.Tensor, any]) => opt.step(p, ad.grad(L)(p), s), [w, opt.init(w)], { length: 40, checkpoints: 5 }) as [ad.Tensor, unknown];
        return ad.sum(ad.mul(wT, probe));
      };
      const g = ad.grad(f, [0, 1, 2])(ad.tensor(0.3), ad.tensor(0.05), w0) as ad.Tensor[];
      expect(gap(g.flatMap(values), want[name]!), name).toBeLessThan(1e-13);
    }
  });
  it("adam's b1 and b2 and momentum's β as traced hyperparameters, 20 plain steps", () => {
    const run = (opt: ad.optimizers.Optimizer<any>) => {
      let p = w0, s = opt.init(p);
      for (let i = 0; i < 20; i++) [p, s] = opt.step(p, ad.grad(loss(ad.tensor(0)))(p), s) as [ad.Tensor, unknown];
      return ad.sum(ad.mul(p, probe));
    };
    const [db1, db2] = ad.grad((b1: ad.Tensor, b2: ad.Tensor) => run(ad.optimizers.adam({ lr: 0.05, b1, b2, eps: 1e-3 })), [0, 1])(ad.tensor(0.8), ad.tensor(0.99)) as ad.Tensor[];
    expect(gap([db1!.item(), db2!.item()], [-1.8902424206487627, -0.16587555441268442])).toBeLessThan(1e-13);
    expect(Math.abs(ad.grad((beta: ad.Tensor) => run(ad.optimizers.momentum({ lr: 0.05, beta })))(ad.tensor(0.7)).item() - 3.618657149251296)).toBeLessThan(1e-13);
  });
});

describe("helper 78's leftovers: an empty problem and a negative momentum are errors", () => {
  it('argmin and root of an empty pytree name themselves (the user\'s loss failed inside on [])', () => {
    expect(() => ad.argmin((t: ad.Tensor) => ad.sum(ad.square(t)), [] as never)).toThrow(/^argmin: theta0 holds no tensor or number \(got an array of length 0\), so there is nothing to solve for/);
    expect(() => ad.argmin((t: { a: ad.Tensor }) => ad.sum(ad.square(t.a)), {} as never)).toThrow(/^argmin: theta0 holds no tensor or number/);
    expect(() => ad.root((x: ad.Tensor) => x, [] as never)).toThrow(/^root: x0 holds no tensor or number/);
  });
  it('momentum rejects a negative beta (as torch.optim.SGD); 0 and tensors still pass', () => {
    expect(() => ad.optimizers.momentum({ lr: 0.1, beta: -0.5 })).toThrow(/optimizers\.momentum: option beta must be a finite number ≥ 0, a tensor or a function of the step count, got -0\.5/);
    expect(() => ad.optimizers.momentum({ lr: 0.1, beta: Infinity })).toThrow(/option beta must be a finite number ≥ 0/);
    expect(() => ad.optimizers.momentum({ lr: 0.1, beta: 0 })).not.toThrow();
    expect(() => ad.optimizers.momentum({ lr: 0.1, beta: ad.tensor(0.9) })).not.toThrow();
  });
});
