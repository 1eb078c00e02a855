/**
 * @file optimizers.adamw/nadam/adamax/adabelief/lamb/lion/rmsprop/adagrad, the gradient transforms
 * (clip, clipByGlobalNorm, chain) and the schedules: trajectories against torch.optim and optax's
 * recurrences (test/implicit/optimizersReference.py), hypergradients through unrolled runs against
 * centered differences, schedules against closed forms and optax's own test values, properties.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { maxAbsDiff, maxAbsOf } from './dense.js';
import { regression, ridgeLoss, validationLoss } from './ridge.js';
import { reference } from './optimizersReference.js';

const O = ad.optimizers;
const S = ad.optimizers.schedules;
const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** The derivative at 0 by the five-point centered stencil, error O(h⁴). */
const fivePoint = (f: (s: number) => number, h: number) => (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);

// The reference problem: ½‖Aw + b − y‖² + 0.025·Σw⁴ from w = [0.5, −1, 2], b = 0.3.
const A = ad.tensor([[1, 2, -1], [0.5, -1, 2], [3, 0, 1], [-1, 1, 1.5]]);
const Y = ad.tensor([1, -2, 0.5, 3]);
type Params = { w: Tensor; b: Tensor };
const loss = (p: Params) =>
  ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.add(ad.matmul(A, p.w), p.b), Y)))), ad.mul(0.025, ad.sum(ad.square(ad.square(p.w)))));

function trajectory(opt: ad.optimizers.Optimizer<any>, steps = 6) {
  let params: Params = { w: ad.tensor([0.5, -1, 2]), b: ad.tensor(0.3) };
  let state = opt.init(params);
  const out: Array<{ w: number[]; b: number }> = [];
  for (let i = 0; i < steps; i++) {
    [params, state] = opt.step(params, ad.grad(loss)(params), state);
    out.push({ w: arr(params.w), b: params.b.item() });
  }
  return out;
}

const flat = (run: Array<{ w: number[]; b: number }>) => run.flatMap((s) => [...s.w, s.b]);
const relGap = (got: Array<{ w: number[]; b: number }>, want: Array<{ w: number[]; b: number }>) =>
  maxAbsDiff(flat(got), flat(want)) / maxAbsOf(flat(want));

describe('trajectories against torch.optim and optax recurrences', () => {
  const warmup = S.warmupCosineDecay({ initValue: 0, peakValue: 0.1, warmupSteps: 2, decaySteps: 5, endValue: 0.01 });
  it.each([
    ['adamwDefaults', () => O.adamw({ lr: 0.05 })],
    ['adamwTorch', () => O.adamw({ lr: 0.05 })],
    ['nadamwStrong', () => O.adamw({ lr: 0.05, weightDecay: 0.1, nesterov: true, epsRoot: 1e-3 })],
    ['nadam', () => O.nadam({ lr: 0.05 })],
    ['adamax', () => O.adamax({ lr: 0.05 })],
    ['adamaxTorch', () => O.adamax({ lr: 0.05 })],
    ['adabelief', () => O.adabelief({ lr: 0.05 })],
    ['adabeliefDecay', () => O.adabelief({ lr: 0.05, b1: 0.8, b2: 0.9, eps: 1e-8, weightDecay: 0.01 })],
    ['lamb', () => O.lamb({ lr: 0.05, weightDecay: 0.01 })],
    ['lion', () => O.lion({ lr: 0.05 })],
    ['rmsprop', () => O.rmsprop({ lr: 0.05 })],
    ['rmspropNesterovDebiased', () => O.rmsprop({ lr: 0.05, momentum: 0.8, nesterov: true, biasCorrection: true })],
    ['rmspropCentered', () => O.rmsprop({ lr: 0.05, centered: true })],
    ['rmspropTorch', () => O.rmsprop({ lr: 0.05, decay: 0.99, epsInSqrt: false, centered: true, momentum: 0.9 })],
    ['adagrad', () => O.adagrad({ lr: 0.3 })],
    ['adagradTorch', () => O.adagrad({ lr: 0.3, eps: 0 })],
    ['clipAdam', () => O.chain(O.clipByGlobalNorm(1), O.adam({ lr: 0.05 }))],
    ['clipSgd', () => O.chain(O.clip(0.5), O.sgd({ lr: 0.05 }))],
    ['adamL2Torch', () => O.chain(O.addDecayedWeights(0.1), O.adam({ lr: 0.05 }))],
    ['adamwWarmupCosine', () => O.adamw({ lr: warmup })],
  ] as const)('%s', (name, make) => {
    expect(relGap(trajectory(make()), reference[name]!)).toBeLessThan(1e-13);
  });

  it('the references are not all alike: each optimizer takes its own path', () => {
    const finals = Object.values(reference).map((run) => flat(run).slice(-4));
    const distinct = new Set(finals.map((f) => f.map((v) => v.toFixed(11)).join()));
    expect(distinct.size).toBe(finals.length - 4); // the torch twins repeat their numpy runs (to 1e-15)
  });
});

describe('update rules by hand', () => {
  it('adamw with weightDecay 0 is adam; with decay it subtracts lr·λ·params more', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
      (p0, g) => {
        const params = ad.tensor(p0), grads = ad.tensor(g);
        const adam = O.adam({ lr: 0.01 }), adamw = O.adamw({ lr: 0.01, weightDecay: 0 }), decayed = O.adamw({ lr: 0.01, weightDecay: 0.5 });
        const [pa] = adam.step(params, grads, adam.init(params));
        const [pw] = adamw.step(params, grads, adamw.init(params));
        const [pd] = decayed.step(params, grads, decayed.init(params));
        expect(maxAbsDiff(arr(pa), arr(pw))).toBeLessThan(1e-14);
        expect(maxAbsDiff(arr(pd), arr(pw).map((v, i) => v - 0.01 * 0.5 * p0[i]!))).toBeLessThan(1e-14);
      },
    ), { numRuns: 30 });
  });

  it('lion moves every coordinate by exactly lr (weight decay aside), whatever the gradient scale', () => {
    const opt = O.lion({ lr: 0.1, weightDecay: 0 });
    const [p] = opt.step(ad.tensor([1, 1, 1]), ad.tensor([1e-9, -3e6, 2]), opt.init(ad.tensor([1, 1, 1])));
    expect(arr(p)).toEqual([0.9, 1.1, 0.9]);
  });

  it('lamb rescales each leaf by its own trust ratio ‖p‖/‖u‖, 1 where params are 0', () => {
    const opt = O.lamb({ lr: 0.1 });
    const params = { a: ad.tensor([3, 4]), z: ad.zeros([2]) };
    const [p] = opt.step(params, { a: ad.tensor([1, 0]), z: ad.tensor([2, -2]) }, opt.init(params));
    expect(maxAbsDiff(arr(p.a), [2.5, 4])).toBeLessThan(1e-6); // u ≈ [1, 0], ratio 5
    expect(maxAbsDiff(arr(p.z), [-0.1, 0.1])).toBeLessThan(1e-6); // ratio 1, u ≈ sign
  });

  it('adagrad is 0 where the accumulator is 0 (no 0/0), with finite gradients there', () => {
    const opt = O.adagrad({ lr: 0.1, initialAccumulatorValue: 0, eps: 0 });
    const [p] = opt.step(ad.tensor([1, 2]), ad.tensor([0, 3]), opt.init(ad.tensor([1, 2])));
    expect(arr(p)).toEqual([1, 1.9]);
    const g = ad.grad((x: Tensor) => ad.sum(opt.step(x, ad.mul(x, ad.tensor([0, 1])), opt.init(x))[0]))(ad.tensor([1, 2]));
    expect(arr(g).every(Number.isFinite)).toBe(true);
  });

  it('clipByGlobalNorm: below maxNorm grads pass unchanged; above, the global norm becomes maxNorm', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.double({ min: 0.1, max: 20, noNaN: true }),
      (g, maxNorm) => {
        const t = O.clipByGlobalNorm(maxNorm);
        const params = { u: ad.zeros([3]), v: ad.zeros([]) };
        const [c] = t.update({ u: ad.tensor(g.slice(0, 3)), v: ad.tensor(g[3]!) }, t.init(params), params, ad.zeros([]));
        const norm = Math.hypot(...g), out = [...arr(c.u), c.v.item()];
        if (norm < maxNorm) expect(out).toEqual(g);
        else expect(Math.abs(Math.hypot(...out) - maxNorm)).toBeLessThan(1e-12 * maxNorm);
      },
    ), { numRuns: 50 });
  });

  it('the state is a pytree the same optimizer steps on (a scan carry), and chain keeps each part\'s', () => {
    const opt = O.chain(O.clip(1), O.clipByGlobalNorm(2), O.rmsprop({ lr: 0.1, momentum: 0.5, centered: true }));
    const params = { w: ad.tensor([1, 2]) };
    const state = opt.init(params);
    expect(Object.keys(state.optimizer).sort()).toEqual(['count', 'mu', 'nu', 'trace']);
    expect(state.transforms).toEqual([{}, {}]);
    const [, s1] = opt.step(params, { w: ad.tensor([3, 4]) }, state);
    expect(s1.count.item()).toBe(1);
    expect(s1.optimizer.count.item()).toBe(1);
  });
});

describe('hypergradients through unrolled training', () => {
  const r = regression(30, 20, 4, 5);
  const lam0 = ad.tensor([0.5, 1, 2, 4]);
  const trained = (make: (lr: Tensor) => ad.optimizers.Optimizer<any>, n: number, checkpoints: ad.Checkpoints = 'all') =>
    (lam: Tensor, lr: Tensor) => {
      const opt = make(lr);
      const inner = ridgeLoss(r, lam);
      const init = ad.tensor([0.1, -0.2, 0.3, 0.05]);
      const [w] = ad.scan(([p, s]: [Tensor, any]) => opt.step(p, ad.grad(inner)(p), s), [init, opt.init(init)], { length: n, checkpoints }) as [Tensor, unknown];
      return validationLoss(r)(w);
    };

  it.each([
    ['adamw', (lr: Tensor) => O.adamw({ lr, weightDecay: 0.1 }), 0.01],
    ['nadam', (lr: Tensor) => O.nadam({ lr }), 0.01],
    ['adamax', (lr: Tensor) => O.adamax({ lr }), 0.01],
    ['adabelief', (lr: Tensor) => O.adabelief({ lr, eps: 1e-8 }), 0.01],
    ['lamb', (lr: Tensor) => O.lamb({ lr, weightDecay: 0.01 }), 0.01],
    ['lion', (lr: Tensor) => O.lion({ lr }), 0.003],
    ['rmsprop', (lr: Tensor) => O.rmsprop({ lr, centered: true, momentum: 0.5 }), 0.003],
    ['adagrad', (lr: Tensor) => O.adagrad({ lr }), 0.05],
    ['chain', (lr: Tensor) => O.chain(O.clip(2), O.clipByGlobalNorm(3), O.adamw({ lr })), 0.01],
    ['scheduled', (lr: Tensor) => O.adamw({ lr: S.warmupCosineDecay({ initValue: 0, peakValue: lr, warmupSteps: 5, decaySteps: 30 }) }), 0.01],
  ] as const)('%s: d(validation)/d(lr) and d/dλ equal centered differences; checkpointed scan agrees', (_, make, lr) => {
    const f = trained(make, 30);
    const [gLam, gLr] = ad.grad(f, [0, 1])(lam0, ad.tensor(lr));
    const fdLr = fivePoint((s) => f(lam0, ad.tensor(lr + s)).item(), lr * 1e-4);
    expect(Math.abs(gLr.item() - fdLr)).toBeLessThan(1e-7 * Math.abs(fdLr));
    const dir = ad.tensor([1, -1, 0.5, 2]);
    const fdLam = fivePoint((s) => f(ad.add(lam0, ad.mul(s, dir)), ad.tensor(lr)).item(), 1e-4);
    // Lion's sign has derivative 0: its trajectory does not move with λ (to rounding, 1e-12).
    expect(Math.abs(ad.dot(gLam, dir).item() - fdLam)).toBeLessThan(1e-7 * Math.abs(fdLam) + 1e-10);
    const [cLam, cLr] = ad.grad(trained(make, 30, 4), [0, 1])(lam0, ad.tensor(lr));
    expect(maxAbsDiff(arr(cLam), arr(gLam))).toBeLessThanOrEqual(1e-12 * maxAbsOf(arr(gLam)));
    expect(Math.abs(cLr.item() - gLr.item())).toBeLessThan(1e-12 * Math.abs(gLr.item()));
  });

  it('the clipping threshold gets a hypergradient too', () => {
    const f = (maxNorm: Tensor) => trained(() => O.chain(O.clipByGlobalNorm(maxNorm), O.sgd({ lr: 0.01 })), 20)(lam0, ad.tensor(0));
    const g = ad.grad(f)(ad.tensor(0.5)).item();
    expect(Math.abs(g - fivePoint((s) => f(ad.tensor(0.5 + s)).item(), 1e-4))).toBeLessThan(1e-7 * Math.abs(g));
    expect(g).not.toBe(0);
  });
});

describe('second order, forward and reverse (checkGrad)', () => {
  // Three steps as a function of (lr, initial params): the JVP against the VJP, and both orders
  // against finite differences, as the op table checks every primitive.
  it.each([
    ['adamw', (lr: Tensor) => O.adamw({ lr, weightDecay: 0.1 })],
    ['nadam', (lr: Tensor) => O.nadam({ lr })],
    ['adamax', (lr: Tensor) => O.adamax({ lr })],
    ['adabelief', (lr: Tensor) => O.adabelief({ lr, eps: 1e-8 })],
    ['lamb', (lr: Tensor) => O.lamb({ lr, weightDecay: 0.01 })],
    ['rmsprop', (lr: Tensor) => O.rmsprop({ lr, centered: true, momentum: 0.5, nesterov: true })],
    ['adagrad', (lr: Tensor) => O.adagrad({ lr })],
    ['chain', (lr: Tensor) => O.chain(O.addDecayedWeights(0.1), O.clipByGlobalNorm(1), O.adam({ lr: S.cosineDecay({ initValue: lr, decaySteps: 3 }) }))],
  ] as const)('%s', (_, make) => {
    const steps = (lr: Tensor, w0: Params) => {
      const opt: ad.optimizers.Optimizer<any> = make(lr);
      let params = w0, state = opt.init(w0);
      for (let i = 0; i < 3; i++) [params, state] = opt.step(params, ad.grad(loss)(params), state);
      return params;
    };
    const result = ad.checkGrad(steps, [ad.tensor(0.05), { w: ad.tensor([0.5, -1, 2]), b: ad.tensor(0.3) }], { order: 2, rtol: 1e-6 }); // errors seen: 1e-10 to 5e-8
    expect(result.ok).toBe(true);
    expect(result.checks.filter((c) => c.order === 2).length).toBeGreaterThan(0);
  });
});

describe('under vmap and jit', () => {
  // A run of 10 steps as a function of lr: mapped over several learning rates at once, and compiled.
  const target = ad.tensor([1, -2]), weights = ad.tensor([1, 3]);
  const quadratic = (w: Tensor) => ad.sum(ad.mul(weights, ad.square(ad.sub(w, target))));
  const runOf = (make: (lr: Tensor) => ad.optimizers.Optimizer<any>) => (lr: Tensor) => {
    const opt = make(lr);
    const init = ad.tensor([0.3, 0.1]);
    const [w] = ad.scan(([p, s]: [Tensor, any]) => opt.step(p, ad.grad(quadratic)(p), s), [init, opt.init(init)], { length: 10 }) as [Tensor, unknown];
    return quadratic(w);
  };
  const lrs = [0.01, 0.05, 0.1];
  it.each([
    ['chain(clipByGlobalNorm, lamb)', (lr: Tensor) => O.chain(O.clipByGlobalNorm(2), O.lamb({ lr, weightDecay: 0.01 }))],
    ['adamax', (lr: Tensor) => O.adamax({ lr })],
    ['lion', (lr: Tensor) => O.lion({ lr })],
    ['adagrad', (lr: Tensor) => O.adagrad({ lr, initialAccumulatorValue: 0 })],
    ['rmsprop, scheduled', (lr: Tensor) => O.rmsprop({ lr: S.exponentialDecay({ initValue: lr, transitionSteps: 3, decayRate: 0.5, staircase: true }), momentum: 0.5 })],
  ] as const)('%s: vmap over learning rates and jit give the eager values and hypergradients', (_, make) => {
    const run = runOf(make);
    const eager = lrs.map((lr) => run(ad.tensor(lr)).item());
    const eagerGrad = lrs.map((lr) => ad.grad(run)(ad.tensor(lr)).item());
    expect(maxAbsDiff(arr(ad.vmap(run)(ad.tensor(lrs))), eager)).toBeLessThan(1e-14 * maxAbsOf(eager));
    expect(maxAbsDiff(arr(ad.vmap(ad.grad(run))(ad.tensor(lrs))), eagerGrad)).toBeLessThan(1e-14 * maxAbsOf(eagerGrad));
    expect(Math.abs(ad.jit(ad.grad(run))(ad.tensor(lrs[1]!)).item() - eagerGrad[1]!)).toBeLessThan(1e-14 * Math.abs(eagerGrad[1]!));
    expect(new Set(eager).size).toBe(3); // lr matters
  });
});

describe('schedules', () => {
  const at = (s: ad.optimizers.schedules.Schedule, counts: number[]) => counts.map((k) => s(k).item());

  it('constant, linear and polynomial: closed forms, held before the begin and after the end', () => {
    expect(at(S.constant(0.3), [0, 5, 1e6])).toEqual([0.3, 0.3, 0.3]);
    const lin = S.linear({ initValue: 2, endValue: -1, transitionSteps: 6, transitionBegin: 3 });
    expect(maxAbsDiff(at(lin, [0, 3, 4, 6, 9, 50]), [2, 2, 1.5, 0.5, -1, -1])).toBeLessThan(1e-15);
    // optax's schedule tests: 10 + 20·(1 − n/10)² after 4 steps at 30.
    const quad = S.polynomial({ initValue: 30, endValue: 10, power: 2, transitionSteps: 10, transitionBegin: 4 });
    const counts = Array.from({ length: 20 }, (_, k) => k);
    const want = counts.map((k) => (k < 4 ? 30 : k >= 14 ? 10 : 10 + 20 * (1 - (k - 4) / 10) ** 2));
    expect(maxAbsDiff(at(quad, counts), want)).toBeLessThan(1e-13);
    expect(at(S.linear({ initValue: 1, endValue: 0, transitionSteps: 0 }), [0, 10])).toEqual([1, 1]); // optax: no transition
  });

  it('exponentialDecay: continuous, staircase, begin and end value as optax', () => {
    for (const staircase of [false, true]) {
      for (const [rate, end] of [[0.2, 0.1], [1, 0.1], [2, 3]] as const) {
        const s = S.exponentialDecay({ initValue: 1, transitionSteps: 2, decayRate: rate, transitionBegin: 3, staircase, endValue: end });
        const counts = Array.from({ length: 14 }, (_, k) => k);
        const want = counts.map((k) => {
          const p = (k - 3) / 2, v = k <= 3 ? 1 : rate ** (staircase ? Math.floor(p) : p);
          return rate < 1 ? Math.max(v, end) : Math.min(v, end);
        });
        expect(maxAbsDiff(at(s, counts), want)).toBeLessThan(1e-14);
      }
    }
    expect(at(S.exponentialDecay({ initValue: 0.5, transitionSteps: 10, decayRate: 0 }), [0, 100])).toEqual([0.5, 0.5]);
  });

  it('cosineDecay and warmupCosineDecay: optax\'s test values (float32 there, so 1e-6)', () => {
    const cos = S.cosineDecay({ initValue: 0.1, decaySteps: 100, exponent: 2 });
    const want = [0.1, 0.09516553580760956, 0.025, 0.0021446612663567066, 0];
    at(cos, [0, 10, 50, 75, 100]).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-6 * 0.1));
    const alpha = S.cosineDecay({ initValue: 0.1, decaySteps: 5, alpha: 0.1 });
    const ks = Array.from({ length: 12 }, (_, k) => k);
    expect(maxAbsDiff(at(alpha, ks), ks.map((k) => 0.1 * (0.9 * (0.5 + 0.5 * Math.cos(Math.PI * Math.min(k, 5) / 5)) + 0.1)))).toBeLessThan(1e-16);
    const warm = S.warmupCosineDecay({ initValue: 0.2, peakValue: 1.21, endValue: -3, warmupSteps: 50, decaySteps: 100, exponent: 2 });
    const wantWarm = [0.20000004768371582, 0.4020000100135803, 1.2100000381469727, -1.947500228881836, -3.000000238418579];
    at(warm, [0, 10, 50, 75, 100]).forEach((v, i) => expect(Math.abs(v - wantWarm[i]!)).toBeLessThan(1e-6 * Math.abs(wantWarm[i]!)));
    const zeroPeak = S.warmupCosineDecay({ initValue: 0.2, peakValue: 0, endValue: -3, warmupSteps: 50, decaySteps: 100, exponent: 2 });
    expect(maxAbsDiff(at(zeroPeak, [0, 10, 50, 75, 100]), [0.2, 0.16, 0, 0, 0])).toBeLessThan(1e-15);
  });

  it('piecewiseConstant and join', () => {
    const pc = S.piecewiseConstant({ initValue: 1, boundariesAndScales: { 200: 0.01, 100: 0.1 } });
    expect(maxAbsDiff(at(pc, [50, 99, 100, 150, 250]), [1, 1, 0.1, 0.1, 0.001])).toBeLessThan(1e-17);
    const joined = S.join([S.constant(5), S.linear({ initValue: 1, endValue: 0, transitionSteps: 10 })], [3]);
    expect(at(joined, [0, 2, 3, 8, 20])).toEqual([5, 5, 1, 0.5, 0]);
  });

  it('properties: linear stays between its ends and is monotone; cosine between α·init and init', () => {
    fc.assert(fc.property(
      fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }),
      fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }),
      (a, b, steps, k, alpha) => {
        const lin = S.linear({ initValue: a, endValue: b, transitionSteps: steps });
        const [v, next] = at(lin, [k, k + 1]);
        expect(v!).toBeGreaterThanOrEqual(Math.min(a, b) - 1e-12);
        expect(v!).toBeLessThanOrEqual(Math.max(a, b) + 1e-12);
        expect((next! - v!) * (b - a)).toBeGreaterThanOrEqual(-1e-12);
        const c = S.cosineDecay({ initValue: 2, decaySteps: steps, alpha })(k).item();
        expect(c).toBeGreaterThanOrEqual(2 * alpha - 1e-12);
        expect(c).toBeLessThanOrEqual(2 + 1e-12);
      },
    ), { numRuns: 40 });
  });

  it('are differentiable in their values: d/d(peak) of warmupCosineDecay is its shape', () => {
    // The value is linear in (init, peak, end): d/d(peak) at k = k/w in warmup, then the cosine factor.
    const d = (k: number) => ad.grad((peak: Tensor) => S.warmupCosineDecay({ initValue: 0, peakValue: peak, warmupSteps: 4, decaySteps: 12, endValue: 0.1 })(k))(ad.tensor(1)).item();
    expect(d(2)).toBeCloseTo(0.5, 15);
    expect(d(8)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI * 4 / 8)), 15); // α = end/peak: its own derivative cancels the α-term's
  });
});

describe('misuse', () => {
  it('unknown options and wrong types throw naming the optimizer and the option', () => {
    expect(() => O.adamw({ lr: 0.1, weight_decay: 0.1 } as never)).toThrow(/optimizers\.adamw: unknown option weight_decay/);
    expect(() => O.rmsprop({ lr: 0.1, momentum: '0.9' } as never)).toThrow(/optimizers\.rmsprop: option momentum must be/);
    expect(() => O.lion({ lr: 0.1, b1: 1.5 })).toThrow(/optimizers\.lion: option b1 must be a number in \[0, 1\]/);
    expect(() => O.nadam({ lr: 0.1, b2: 1 })).toThrow(/optimizers\.nadam: option b2 must be a number in \[0, 1\)/);
    expect(() => O.adagrad({ lr: 0.1, eps: -1 })).toThrow(/optimizers\.adagrad: option eps must be a number ≥ 0/);
    expect(() => O.lamb({} as never)).toThrow(/optimizers\.lamb: option lr is required/);
    expect(() => O.rmsprop({ lr: 0.1, nesterov: true })).toThrow(/nesterov needs a momentum/);
  });

  it('chain, transforms and schedules reject what they cannot use', () => {
    expect(() => O.chain(O.clip(1) as never)).toThrow(/optimizers\.chain: the last argument must be an optimizer/);
    expect(() => O.chain(O.sgd({ lr: 1 }) as never, O.sgd({ lr: 1 }))).toThrow(/argument 0 must be a gradient transform/);
    expect(() => O.clipByGlobalNorm(-1)).toThrow(/optimizers\.clipByGlobalNorm: maxNorm must be a number ≥ 0/);
    const opt = O.chain(O.clip(1), O.sgd({ lr: 1 }));
    expect(() => opt.step(ad.zeros([2]), ad.zeros([2]), { count: ad.zeros([]) } as never)).toThrow(/state\.transforms must hold the states of the 1 transforms/);
    expect(() => opt.step(ad.zeros([2]), ad.zeros([3]), opt.init(ad.zeros([2])))).toThrow(/optimizers\.clip: leaf 0 of grads has shape \[3\]/);
    expect(() => S.cosineDecay({ initValue: 1, decaySteps: 0 })).toThrow(/cosineDecay: the cosine decay needs a positive number of steps/);
    expect(() => S.warmupCosineDecay({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(/decaySteps − warmupSteps/);
    expect(() => S.exponentialDecay({ initValue: 1, transitionSteps: 10 } as never)).toThrow(/option decayRate is required/);
    expect(() => S.piecewiseConstant({ initValue: 1, boundariesAndScales: { 10: -1 } })).toThrow(/boundariesAndScales must be .* scales ≥ 0/);
    expect(() => S.join([S.constant(1), S.constant(2)], [])).toThrow(/boundaries must be 1 finite step numbers/);
    expect(() => O.adamw({ lr: S.constant(ad.tensor([1, 2])) }).step(ad.zeros([2]), ad.zeros([2]), O.adamw({ lr: 1 }).init(ad.zeros([2])))).toThrow(/lr must be a single number/);
  });
});
