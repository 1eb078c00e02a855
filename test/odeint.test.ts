/**
 * @file odeint (src/transforms/odeint.ts, dopri5.ts, odeintRules.ts) against independent oracles:
 * closed forms (exponential decay, y' = Ay against linalg.expm, the harmonic oscillator), SciPy's
 * DOP853 at 1e-13 with gradients by central differences (test/odeintReference.py), and the
 * compositions: jvp, vmap against a loop, jit, second order, closures, scan; and its errors.
 * Solved at rtol = atol = 1e-10, the values and first derivatives are required to 1e-8 relative.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference } from './odeintReference.js';

const TIGHT = { rtol: 1e-10, atol: 1e-10 };
const flat = (x: Tensor | number) => (typeof x === 'number' ? [x] : Array.from(x.toFloat64Array()));
/** Largest |got − want| / max(1, |want|). */
function relErr(got: Tensor | number | readonly number[], want: readonly number[]): number {
  const g = Array.isArray(got) ? (got as number[]) : flat(got as Tensor | number);
  expect(g.length).toBe(want.length);
  return Math.max(...want.map((w, i) => Math.abs(g[i]! - w) / Math.max(1, Math.abs(w))));
}

describe('odeint: closed forms', () => {
  // y' = −k y, y(t0) = y0: y(t) = y0 e^{−k(t − t0)}; L = Σ_i w_i y(t_i).
  const decay = (y: Tensor, _t: Tensor, k: Tensor) => ad.mul(ad.neg(k), y);
  const times = [0.25, 0.7, 1.5, 3];
  const w = [0.3, -1.1, 0.8, 2];
  const loss = (y0: Tensor, t: Tensor, k: Tensor) => ad.sum(ad.mul(ad.tensor(w), ad.odeint(decay, y0, t, { args: [k], ...TIGHT })));
  const [Y0, K] = [1.7, 0.9];
  const e = times.map((t) => Math.exp(-K * (t - times[0]!)));

  it('y′ = −ky: values, and gradients in y0, k and every time (t[0] ≠ 0)', () => {
    const ys = ad.odeint(decay, ad.scalar(Y0), ad.tensor(times), { args: [K], ...TIGHT });
    expect(ys.shape).toEqual([4]);
    expect(relErr(ys, e.map((x) => Y0 * x))).toBeLessThan(1e-8);
    const [gy, gt, gk] = ad.grad(loss, [0, 1, 2])(ad.scalar(Y0), ad.tensor(times), ad.scalar(K)) as Tensor[];
    expect(relErr(gy!, [w.reduce((s, wi, i) => s + wi * e[i]!, 0)])).toBeLessThan(1e-8);
    expect(relErr(gk!, [w.reduce((s, wi, i) => s - wi * Y0 * (times[i]! - times[0]!) * e[i]!, 0)])).toBeLessThan(1e-8);
    // ∂L/∂t_i = −k w_i y(t_i) for i ≥ 1; ∂L/∂t_0 = Σ_{i≥1} k w_i y(t_i) (a later start is a shorter decay).
    const dti = w.map((wi, i) => -K * wi * Y0 * e[i]!);
    const want = [-dti.slice(1).reduce((s, x) => s + x, 0), ...dti.slice(1)];
    expect(relErr(gt!, want)).toBeLessThan(1e-8);
  });

  it('second order: hessian in (y0, k, t) against the closed form, and grad(grad) and hvp agree with it', () => {
    // L(x) with x = [y0, k, t0, t1, t2, t3].
    const L = (x: Tensor) => loss(ad.take(x, 0, 0), ad.slice(x, [2], [4]), ad.take(x, 1, 0));
    const x = ad.tensor([Y0, K, ...times]);
    const H = ad.hessian(L)(x).toArray() as number[][];
    // Exact: L = Σ w_i y0 exp(−k (t_i − t0)).
    const exact = (p: number[]) => {
      const [y0, k, ...t] = p as [number, number, ...number[]];
      return t.reduce((s, ti, i) => s + w[i]! * y0 * Math.exp(-k * (ti - t[0]!)), 0);
    };
    // Second differences of the closed form (an independent check of the formula-free Hessian).
    const h = 1e-4, p0 = [Y0, K, ...times];
    const at = (i: number, di: number, j: number, dj: number) => { const p = [...p0]; p[i]! += di; p[j]! += dj; return exact(p); };
    let worst = 0;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const fd = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h);
        worst = Math.max(worst, Math.abs(H[i]![j]! - fd) / Math.max(1, Math.abs(fd)));
      }
    }
    expect(worst).toBeLessThan(1e-6); // the central difference's own error is ~1e-8
    const kk = (k: Tensor) => loss(ad.scalar(Y0), ad.tensor(times), k);
    const d2k = w.reduce((s, wi, i) => s + wi * Y0 * (times[i]! - times[0]!) ** 2 * e[i]!, 0);
    expect(relErr(ad.grad(ad.grad(kk))(ad.scalar(K)), [d2k])).toBeLessThan(1e-8);
    expect(relErr(ad.hvp(kk, ad.scalar(K), ad.scalar(1)), [d2k])).toBeLessThan(1e-8);
    expect(relErr(ad.jvp(ad.grad(kk), [ad.scalar(K)], [ad.scalar(1)])[1], [d2k])).toBeLessThan(1e-8);
  });

  it("y′ = Ay against linalg.expm, values and the gradient in A (expm's own derivative as the oracle)", () => {
    const A = ad.tensor([[-0.5, 1.2, 0], [-1, -0.3, 0.4], [0.2, 0, -0.8]]);
    const y0 = ad.tensor([1, -0.5, 2]);
    const ts = [0, 0.4, 1.3, 2.5];
    const W = ad.tensor([[0.1, 0.2, -0.3], [1, -1, 0.5], [0.7, 0.2, 0.9], [-0.4, 1.1, 0.3]]);
    const viaOde = (a: Tensor) => ad.odeint((y: Tensor, _t: Tensor, m: Tensor) => ad.matmul(m, y), y0, ad.tensor(ts), { args: [a], ...TIGHT });
    const viaExpm = (a: Tensor) => ad.stack(ts.map((t) => ad.matmul(ad.linalg.expm(ad.mul(a, t)), y0)));
    expect(relErr(viaOde(A), flat(viaExpm(A)))).toBeLessThan(1e-8);
    const gOde = ad.grad((a: Tensor) => ad.sum(ad.mul(W, viaOde(a))))(A);
    const gExpm = ad.grad((a: Tensor) => ad.sum(ad.mul(W, viaExpm(a))))(A);
    expect(relErr(gOde, flat(gExpm))).toBeLessThan(1e-8);
  });

  it('the harmonic oscillator as a pytree {x, v}: cos and sin, and the gradient in ω', () => {
    const osc = (s: { x: Tensor; v: Tensor }, _t: Tensor, om: Tensor) => ({ x: s.v, v: ad.mul(ad.neg(ad.square(om)), s.x) });
    const ts = [0, 1, 2.5, 4];
    const om = 1.3;
    const sol = ad.odeint(osc, { x: ad.scalar(1), v: ad.scalar(0) }, ad.tensor(ts), { args: [om], ...TIGHT });
    expect(Object.keys(sol).sort()).toEqual(['v', 'x']);
    expect(relErr(sol.x, ts.map((t) => Math.cos(om * t)))).toBeLessThan(1e-8);
    expect(relErr(sol.v, ts.map((t) => -om * Math.sin(om * t)))).toBeLessThan(1e-8);
    // d/dω Σ x(t_i) = −Σ t_i sin(ω t_i)
    const g = ad.grad((o: Tensor) => ad.sum(ad.odeint(osc, { x: ad.scalar(1), v: ad.scalar(0) }, ad.tensor(ts), { args: [o], ...TIGHT }).x))(ad.scalar(om));
    expect(relErr(g, [ts.reduce((s, t) => s - t * Math.sin(om * t), 0)])).toBeLessThan(1e-8);
  });

  it('one time: y0 itself, with gradient one', () => {
    const f = (y: Tensor) => ad.sum(ad.odeint((z: Tensor) => ad.neg(z), y, ad.tensor([2])));
    expect(ad.odeint((z: Tensor) => ad.neg(z), ad.tensor([1, 2]), ad.tensor([2])).toArray()).toEqual([[1, 2]]);
    expect(ad.grad(f)(ad.tensor([1, 2])).toArray()).toEqual([1, 1]);
  });
});

type Case = (typeof reference)[number];
const systems: Record<string, (y: Tensor, t: Tensor, p: Tensor) => Tensor> = {
  'Lotka–Volterra': (y, _t, p) => {
    const [a, b, c, d] = ad.unstack(p), [x, z] = ad.unstack(y);
    return ad.stack([ad.sub(ad.mul(a!, x!), ad.mul(b!, ad.mul(x!, z!))), ad.sub(ad.mul(d!, ad.mul(x!, z!)), ad.mul(c!, z!))]);
  },
  'Van der Pol (μ = 1)': (y, _t, p) => {
    const [x, v] = ad.unstack(y);
    return ad.stack([v!, ad.sub(ad.mul(ad.mul(ad.take(p, 0, 0), ad.sub(1, ad.square(x!))), v!), x!)]);
  },
  'forced oscillator (t[0] = 0.5)': (y, t, p) => {
    const [x, v] = ad.unstack(y);
    return ad.stack([v!, ad.add(ad.sub(ad.neg(x!), ad.mul(0.1, v!)), ad.mul(ad.take(p, 0, 0), ad.cos(ad.mul(1.3, t))))]);
  },
};

describe('odeint against SciPy (DOP853 at 1e-13) and central differences', () => {
  const run = (c: Case, y0: Tensor, t: Tensor, p: Tensor) => ad.odeint(systems[c.name]!, y0, t, { args: [p], ...TIGHT });
  const lossOf = (c: Case) => (y0: Tensor, t: Tensor, p: Tensor) => ad.sum(ad.mul(ad.tensor(c.weights), run(c, y0, t, p)));
  const inputs = (c: Case) => [ad.tensor(c.y0), ad.tensor(c.t), ad.tensor(c.params)] as const;

  it.each(reference.map((c) => [c.name, c] as const))('%s: values, and gradients in y0, the parameters and the times', (_n, c) => {
    const [y0, t, p] = inputs(c);
    expect(relErr(run(c, y0, t, p), c.ys.flat())).toBeLessThan(1e-8);
    const [gy, gt, gp] = ad.grad(lossOf(c), [0, 1, 2])(y0, t, p) as Tensor[];
    expect(relErr(gy!, c.gradY0)).toBeLessThan(1e-7);
    expect(relErr(gp!, c.gradParams)).toBeLessThan(1e-7);
    expect(relErr(gt!, c.gradT)).toBeLessThan(1e-7);
  });

  it.each(reference.map((c) => [c.name, c] as const))('%s: jvp (the sensitivity equations) against the differences, and against vjp', (_n, c) => {
    const [y0, t, p] = inputs(c);
    const dy = ad.tensor([0.3, -0.7]), dt = ad.tensor(c.t.map((_, i) => Math.cos(i))), dp = ad.tensor(c.params.map((_, i) => 1 - i / 4));
    const [value, tangent] = ad.jvp(lossOf(c), [y0, t, p], [dy, dt, dp]);
    expect(value.item()).toBe(lossOf(c)(y0, t, p).item()); // forward mode returns odeint's value exactly
    const dot = (g: readonly number[], d: Tensor) => g.reduce((s, x, i) => s + x * d.toFloat64Array()[i]!, 0);
    const want = dot(c.gradY0, dy) + dot(c.gradT, dt) + dot(c.gradParams, dp);
    expect(relErr(tangent, [want])).toBeLessThan(1e-7);
  });
});

describe('odeint under vmap, jit, closures and loops', () => {
  const lv = systems['Lotka–Volterra']!;
  const p = ad.tensor([1.5, 1, 3, 1]);
  const t = ad.tensor([0, 0.5, 1.5]);
  const sol = (y0: Tensor, pp: Tensor) => ad.odeint(lv, y0, t, { args: [pp], ...TIGHT });
  const loss = (y0: Tensor, pp: Tensor) => ad.sum(ad.square(sol(y0, pp)));

  it('vmap: each example solved on its own, as a loop gives it, for values and per-example gradients', () => {
    const Y0 = ad.tensor([[1, 1], [2, 0.5], [0.5, 3]]);
    const P = ad.tensor([[1.5, 1, 3, 1], [1, 1, 1, 1], [2, 0.5, 1, 0.7]]);
    const batched = ad.vmap(sol)(Y0, P);
    const looped = ad.stack([0, 1, 2].map((i) => sol(ad.take(Y0, i, 0), ad.take(P, i, 0))));
    expect(batched.shape).toEqual([3, 3, 2]);
    expect(relErr(batched, flat(looped))).toBeLessThan(1e-15);
    const perExample = ad.vmap(ad.grad(loss, [0, 1]))(Y0, P) as Tensor[];
    const loopGrads = [0, 1, 2].map((i) => ad.grad(loss, [0, 1])(ad.take(Y0, i, 0), ad.take(P, i, 0)) as Tensor[]);
    expect(relErr(perExample[0]!, loopGrads.flatMap((g) => flat(g[0]!)))).toBeLessThan(1e-15);
    expect(relErr(perExample[1]!, loopGrads.flatMap((g) => flat(g[1]!)))).toBeLessThan(1e-15);
    // grad of a sum over the batch: the same per-example gradients.
    const gOfVmap = ad.grad((pp: Tensor) => ad.sum(ad.vmap((y: Tensor, q: Tensor) => loss(y, q))(Y0, pp)))(P);
    expect(relErr(gOfVmap, loopGrads.flatMap((g) => flat(g[1]!)))).toBeLessThan(1e-12);
    // Only the parameters mapped, y0 shared (a hyperparameter sweep).
    expect(relErr(ad.vmap((pp: Tensor) => sol(ad.tensor([1, 1]), pp))(P), flat(ad.stack([0, 1, 2].map((i) => sol(ad.tensor([1, 1]), ad.take(P, i, 0))))))).toBeLessThan(1e-15);
  });

  it('jit: the steps depend on values, so the call runs as is (eager, with the reason), with the same results', () => {
    const f = ad.jit((pp: Tensor) => loss(ad.tensor([1, 1]), pp));
    const g = ad.jit(ad.grad((pp: Tensor) => loss(ad.tensor([1, 1]), pp)));
    for (const q of [p, ad.tensor([1, 1, 1, 1]), p]) {
      expect(f(q).item()).toBe(loss(ad.tensor([1, 1]), q).item());
      expect(g(q).toArray()).toEqual(ad.grad((pp: Tensor) => loss(ad.tensor([1, 1]), pp))(q).toArray());
    }
    const [entry] = f.cacheInfo();
    expect(entry!.status).toBe('eager');
    expect(entry!.reason).toMatch(/^odeint chooses its steps from the values/);
  });

  it("closures: a tensor func reads through its closure gets the gradient it would get through options.args, in every mode", () => {
    const viaArgs = (pp: Tensor) => ad.sum(ad.square(sol(ad.tensor([1, 1]), pp)));
    const viaClosure = (pp: Tensor) => ad.sum(ad.square(ad.odeint((y: Tensor, tt: Tensor) => lv(y, tt, pp), ad.tensor([1, 1]), t, TIGHT)));
    expect(ad.grad(viaClosure)(p).toArray()).toEqual(ad.grad(viaArgs)(p).toArray());
    const v = ad.tensor([1, -1, 0.5, 0.2]);
    expect(ad.jvp(viaClosure, [p], [v])[1].item()).toBe(ad.jvp(viaArgs, [p], [v])[1].item());
    expect(relErr(ad.hvp(viaClosure, p, v), flat(ad.hvp(viaArgs, p, v)))).toBeLessThan(1e-12);
  });

  it('jacfwd and jacrev agree; inside scan and checkpoint, a chain of solves has the gradient of one solve', () => {
    const f = (y0: Tensor) => sol(y0, p);
    expect(relErr(ad.jacrev(f)(ad.tensor([1, 1])), flat(ad.jacfwd(f)(ad.tensor([1, 1]))))).toBeLessThan(1e-8);
    const short = (c: Tensor) => ad.take(ad.odeint(lv, c, ad.tensor([0, 0.2]), { args: [p], ...TIGHT }), 1, 0);
    const chained = (y: Tensor) => ad.sum(ad.scan(short, y, { length: 3, checkpoints: 2 }));
    const once = (y: Tensor) => ad.sum(ad.take(ad.odeint(lv, y, ad.tensor([0, 0.6]), { args: [p], ...TIGHT }), 1, 0));
    expect(relErr(ad.grad(chained)(ad.tensor([1, 1])), flat(ad.grad(once)(ad.tensor([1, 1]))))).toBeLessThan(1e-8);
    expect(ad.grad((y: Tensor) => ad.sum(ad.checkpoint(f)(y)))(ad.tensor([1, 1])).toArray())
      .toEqual(ad.grad((y: Tensor) => ad.sum(f(y)))(ad.tensor([1, 1])).toArray());
  });

  it('checkGrad: reverse mode against differences and against forward mode, to second order', () => {
    const f = (y0: Tensor, pp: Tensor) => ad.sum(ad.square(ad.odeint(lv, y0, ad.tensor([0, 1]), { args: [pp], ...TIGHT })));
    const r = ad.checkGrad(f, [ad.tensor([1, 1]), p]);
    expect(r.ok).toBe(true);
    expect(r.maxRelativeError).toBeLessThan(1e-6);
  });

  it('gradients converge with the tolerance (they are the exact solution’s, to about rtol)', () => {
    const c = reference[0]!;
    const errAt = (tol: number) => {
      const g = ad.grad((pp: Tensor) => ad.sum(ad.mul(ad.tensor(c.weights), ad.odeint(lv, ad.tensor(c.y0), ad.tensor(c.t), { args: [pp], rtol: tol, atol: tol }))))(ad.tensor(c.params));
      return relErr(g, c.gradParams);
    };
    const [loose, tight] = [errAt(1e-5), errAt(1e-9)];
    expect(loose).toBeGreaterThan(1e-8);
    expect(loose).toBeLessThan(1e-3);
    expect(tight).toBeLessThan(loose / 100);
  });
});

describe('odeint errors', () => {
  const decay = (y: Tensor) => ad.neg(y);
  const y0 = ad.tensor([1, 2]);
  const err = (fn: () => unknown) => { try { fn(); } catch (e) { return e as Error; } throw new Error('no error thrown'); };

  it('t must be 1-D, finite and strictly increasing (checked under grad and vmap too)', () => {
    expect(err(() => ad.odeint(decay, y0, ad.tensor([[0, 1]])))).toBeInstanceOf(ad.ShapeError);
    expect(err(() => ad.odeint(decay, y0, ad.tensor([[0, 1]]))).message).toMatch(/^odeint: t must be a 1-D tensor .* got shape \[1,2\]/);
    expect(err(() => ad.odeint(decay, y0, ad.tensor([0, 1, 1]))).message).toMatch(/^odeint: t must hold finite, strictly increasing times; t\[2\] = 1 after t\[1\] = 1/);
    expect(err(() => ad.odeint(decay, y0, [0, NaN]))).toBeInstanceOf(ad.InvalidArgumentError);
    expect(err(() => ad.grad((y: Tensor) => ad.sum(ad.odeint(decay, y, ad.tensor([1, 0]))))(y0)).message).toMatch(/strictly increasing/);
    expect(err(() => ad.vmap((y: Tensor) => ad.odeint(decay, y, ad.tensor([0, 2, 1])))(ad.ones([2, 2]))).message).toMatch(/strictly increasing/);
  });

  it("func must return y's structure and shapes", () => {
    const shape = err(() => ad.odeint((y: Tensor) => ad.sum(y), y0, [0, 1]));
    expect(shape).toBeInstanceOf(ad.ShapeError);
    expect(shape.message).toMatch(/^odeint: func returned dy\/dt of shape \[\] for a leaf of y of shape \[2\]/);
    const tree = err(() => ad.odeint(((s: { a: Tensor; b: Tensor }) => ({ a: s.b })) as never, { a: ad.scalar(1), b: ad.scalar(2) }, [0, 1]));
    expect(tree).toBeInstanceOf(ad.ShapeError);
    expect(tree.message).toMatch(/^odeint: func must return dy\/dt with the structure of y, \{a: \*, b: \*\}; it returned \{a: \*\}/);
  });

  it('mxstep exceeded and step-size underflow are OdeintErrors naming the time reached (never a silent NaN)', () => {
    const e = err(() => ad.odeint(systems['Lotka–Volterra']!, ad.tensor([1, 1]), [0, 5], { args: [ad.tensor([1.5, 1, 3, 1])], mxstep: 10 }));
    expect(e).toBeInstanceOf(ad.OdeintError);
    expect(e).toBeInstanceOf(ad.AdjointError);
    expect(e.message).toMatch(/^odeint: more than mxstep = 10 steps were needed between t = 0 and t = 5 .* it reached t = [0-9.]+ /);
    expect((e as InstanceType<typeof ad.OdeintError>).time).toBeGreaterThan(0);
    // y′ = y², y(0) = 1 blows up at t = 1.
    const blowUp = err(() => ad.odeint((y: Tensor) => ad.square(y), ad.scalar(1), [0, 2]));
    expect(blowUp).toBeInstanceOf(ad.OdeintError);
    expect(blowUp.message).toMatch(/^odeint: the step size fell to .* at t = 1\.0000000/);
    expect((blowUp as InstanceType<typeof ad.OdeintError>).time).toBeCloseTo(1, 6);
    // y′ = −√y reaches 0 at t = 2, then √ of a negative number.
    expect(err(() => ad.odeint((y: Tensor) => ad.neg(ad.sqrt(y)), ad.scalar(1), [0, 3])).message).toMatch(/func returned NaN or ±Infinity near there/);
    expect(err(() => ad.odeint((y: Tensor) => ad.sqrt(ad.neg(y)), ad.scalar(1), [0, 1])).message).toMatch(/^odeint: func returned NaN in dy\/dt at t\[0\] = 0/);
  });

  it('options and arguments', () => {
    expect(err(() => ad.odeint(decay, y0, [0, 1], { arg: [] } as never)).message).toBe("odeint: unknown option 'arg'; the options are args, rtol, atol, mxstep, hmax.");
    expect(err(() => ad.odeint(decay, y0, [0, 1], { args: 3 } as never)).message).toMatch(/^odeint: options.args must be an array/);
    expect(err(() => ad.odeint(decay, y0, [0, 1], { rtol: -1 })).message).toMatch(/^odeint: rtol must be a finite number ≥ 0/);
    expect(err(() => ad.odeint(decay, y0, [0, 1], { rtol: 0, atol: 0 })).message).toMatch(/both 0/);
    expect(err(() => ad.odeint(decay, y0, [0, 1], { mxstep: 2.5 })).message).toMatch(/^odeint: mxstep must be a positive integer/);
    expect(err(() => ad.odeint(decay, y0, [0, 1], { hmax: 0 })).message).toMatch(/^odeint: hmax must be a number > 0/);
    expect(err(() => ad.odeint(decay as never, null, [0, 1])).message).toMatch(/^odeint: y0 holds no tensor/);
    expect(err(() => ad.odeint(3 as never, y0, [0, 1]))).toBeInstanceOf(ad.InvalidArgumentError);
    expect(err(() => (ad.odeint as (...a: unknown[]) => unknown)(decay, y0, [0, 1], {}, 1e-6)).message)
      .toBe('odeint: takes odeint(func, y0, t, options?); got 1 more argument, number 0.000001, which would be ignored.');
  });

  it('hmax bounds the steps: more of them, the same answer', () => {
    const a = ad.odeint(decay, y0, [0, 1, 2], TIGHT), b = ad.odeint(decay, y0, [0, 1, 2], { ...TIGHT, hmax: 0.01 });
    expect(relErr(a, flat(b))).toBeLessThan(1e-9);
    expect(err(() => ad.odeint(decay, y0, [0, 1, 2], { hmax: 0.01, mxstep: 99 }))).toBeInstanceOf(ad.OdeintError);
  });
});
