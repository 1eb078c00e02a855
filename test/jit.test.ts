/**
 * @file `jit`: a replayed program gives exactly (bit for bit) what running the function gives, on
 * new inputs, for every op, for random programs, and for transformations recorded inside it; a
 * function that reads values runs as is; the signature separates shapes and static arguments.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { opTable, sample } from './ops.table.js';
import { definePrimitive, type Primitive } from '../src/core/primitive.js';
import { apply } from '../src/core/trace.js';
import { Tensor as RawTensor } from '../src/tensor/tensor.js';
import type { Tensor } from 'adjoint';
import { exprArb, evaluate, programArb, toFunction } from './support/randomPrograms.js';

/** Leaves of a result (tensors as arrays of numbers), for exact comparison. */
function leaves(x: unknown): unknown[] {
  if (x instanceof ad.Tensor) return [x.shape, Array.from(x.toFloat64Array())];
  if (Array.isArray(x)) return x.map(leaves);
  if (x !== null && typeof x === 'object') return Object.entries(x).map(([k, v]) => [k, leaves(v)]);
  return [x];
}

/** Exact equality, NaN equal to NaN and 0 distinct from -0 (Object.is at every leaf). */
function expectSame(actual: unknown, expected: unknown, what = ''): void {
  const a = JSON.stringify(leaves(actual), replacer);
  const e = JSON.stringify(leaves(expected), replacer);
  expect(a, what).toBe(e);
}
const replacer = (_k: string, v: unknown) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `#${Object.is(v, -0) ? '-0' : String(v)}` : v);

/** Numbers of a result in order (tensor entries flattened), for a tolerance comparison. */
function numbers(x: unknown): number[] {
  if (x instanceof ad.Tensor) return Array.from(x.toFloat64Array());
  if (Array.isArray(x)) return x.flatMap(numbers);
  if (x !== null && typeof x === 'object') return Object.values(x).flatMap(numbers);
  return typeof x === 'number' ? [x] : [];
}

/**
 * Agreement with running the function as is. Not always bit for bit: at first order some rules
 * take a fused kernel on plain values (products' division pass), which a recording (whose values
 * are traced) replaces by the generic rule; the two differ by rounding only.
 */
function expectClose(actual: unknown, expected: unknown, what = ''): void {
  expect(leaves(actual).length, what).toBe(leaves(expected).length);
  const a = numbers(actual), e = numbers(expected);
  expect(a.length, what).toBe(e.length);
  a.forEach((v, i) => {
    const w = e[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) expect(v, `${what} [${i}]`).toBe(w);
    else expect(Math.abs(v - w), `${what} [${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(w)));
  });
}

/**
 * Records `f` on `first` and checks the recording was kept; then on each of `later`, the replay
 * equals a fresh recording at those inputs bit for bit, and running `f` as is up to rounding.
 */
function checkReplays(f: (...args: any[]) => unknown, first: unknown[], later: unknown[][], what = ''): void {
  const jf = ad.jit(f);
  expectClose(jf(...first), f(...first), `${what} (recording call)`);
  const [entry] = jf.cacheInfo();
  expect(entry?.status, `${what}: ${entry?.reason}`).toBe('replayed');
  for (const args of later) {
    const replayed = jf(...args);
    expectSame(replayed, ad.jit(f)(...args), `${what} (replay vs recording)`);
    expectClose(replayed, f(...args), `${what} (replay vs as is)`);
  }
  expect(jf.cacheInfo()[0]!.replays).toBe(later.length);
}

describe('jit replays every op exactly', () => {
  for (const row of opTable) {
    row.shapes.forEach((shapes, c) => {
      const args = (seed: number) => shapes.map((s, i) => sample(row.domains[i]!, s, seed + 7 * i));
      const argnums = shapes.map((_, i) => i);
      const loss = (...xs: Tensor[]) => ad.sum(ad.mul(row.fn(...xs), ad.random.normal(row.fn(...args(1)).shape, 99)));
      it(`${row.name} ${JSON.stringify(shapes)}: value, gradient and hvp`, () => {
        checkReplays(row.fn, args(1), [args(11), args(21)], `${row.name} forward`);
        if (row.domains.includes('index')) return;
        checkReplays(ad.valueAndGrad(loss, argnums), args(1), [args(11), args(21)], `${row.name} valueAndGrad`);
        const hv = (...xs: Tensor[]) => ad.hvp((ys: Tensor[]) => loss(...ys), xs, xs.map((x) => ad.cos(x)));
        checkReplays(hv, args(1), [args(11)], `${row.name} hvp`);
      });
    });
  }
});

describe('jit on random programs', () => {
  it('replays value and gradient of 300 random programs on new inputs', () => {
    fc.assert(
      fc.property(programArb, (p) => {
        const f = toFunction(p);
        const vg = ad.valueAndGrad((...xs: Tensor[]) => f(xs), p.inputs.map((_, i) => i));
        const at = (pick: (x: { x: number[]; v: number[] }) => number[]) => p.inputs.map((inp) => ad.tensor(pick(inp), inp.shape));
        checkReplays(vg, at((i) => i.x), [at((i) => i.v), at((i) => i.x.map((x, k) => x - i.v[k]!))]);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('jit on random scalar loops (generated code)', () => {
  it('replays 150 random recurrences x ← tanh(E(x, y, w)), y ← E′(…) exactly, as generated loops', () => {
    // Programs whose recording is a long run of 0-d ops (no general op such as stack breaks it; a
    // body that does not depend on w and v folds to constants when recorded).
    let eligible = 0, generated = 0;
    fc.assert(
      fc.property(exprArb(3, true), exprArb(3, true), fc.integer({ min: 12, max: 60 }), (e1, e2, steps) => {
        const f = (w: Tensor, v: Tensor) => {
          let x: Tensor = ad.scalar(0.3), y: Tensor = ad.scalar(-0.2);
          for (let t = 0; t < steps; t++) {
            const xs = [x, y, w, v];
            [x, y] = [ad.tanh(evaluate(e1, xs, [])), ad.sin(evaluate(e2, [y, v, x, w], []))];
          }
          return ad.add(x, ad.mul(y, 0.5));
        };
        const vg = ad.valueAndGrad(f, [0, 1]);
        checkReplays(vg, [ad.scalar(0.7), ad.scalar(-0.4)], [[ad.scalar(-1.1), ad.scalar(0.45)], [ad.scalar(0.05), ad.scalar(1.3)]]);
        const jf = ad.jit(vg);
        jf(ad.scalar(0.7), ad.scalar(-0.4));
        jf(ad.scalar(0.2), ad.scalar(0.1));
        const info = jf.cacheInfo()[0]!;
        if (info.generalOps === 0 && info.scalarOps >= 10 * steps) {
          eligible++;
          if (info.loopOps >= 0.6 * info.scalarOps) generated++; // a few first and last copies differ (constants made, accumulations started)
        }
      }),
      { seed: 11, numRuns: 150 },
    );
    expect(eligible).toBeGreaterThan(30);
    expect(generated).toBe(eligible); // each such body repeats with affine slots and becomes loops
  });
});

describe('the scalar tape inside a recording (its backward pass written into the program)', () => {
  const f = (x: Tensor) => {
    let y = x;
    for (let t = 0; t < 40; t++) y = ad.add(ad.mul(ad.sin(y), 0.9), ad.div(x, ad.add(3, ad.square(ad.tanh(y)))));
    return ad.add(ad.exp(ad.mul(y, 0.1)), ad.log1p(ad.square(y)));
  };
  const xs = [[ad.scalar(0.3)], [ad.scalar(0.9)], [ad.scalar(-0.5)]];
  it('grad, grad of grad and hvp of a scalar loop', () => {
    checkReplays(ad.grad(f), xs[0]!, xs.slice(1), 'grad');
    checkReplays(ad.grad(ad.grad(f)), xs[0]!, xs.slice(1), 'grad of grad');
    checkReplays((x: Tensor) => ad.hvp(f, x, ad.scalar(1.5)), xs[0]!, xs.slice(1), 'hvp');
  });
  it('a pullback called with a traced cotangent (the tape\'s traced entries, residuals recorded)', () => {
    const g = (x: Tensor, c: Tensor) => {
      const [y, pb] = ad.vjp(f, x);
      return ad.grad((cc: Tensor) => ad.mul(pb(ad.mul(cc, cc))[0], y))(c);
    };
    checkReplays(g, [ad.scalar(0.3), ad.scalar(1.5)], [[ad.scalar(0.7), ad.scalar(-0.4)], [ad.scalar(1.1), ad.scalar(2)]], 'traced cotangent');
  });
  it('rules with selections (pow at 0, ties of maximum, relu, abs) written with comparison ops', () => {
    const h = (x: Tensor) => {
      let y = x;
      for (let t = 0; t < 20; t++) y = ad.add(ad.maximum(ad.sin(y), ad.mul(y, 0.5)), ad.pow(ad.softplus(y), 1.5));
      return ad.add(ad.relu(y), ad.abs(ad.mul(y, 0.1)));
    };
    checkReplays(ad.valueAndGrad(h), [ad.scalar(0.2)], [[ad.scalar(-0.7)], [ad.scalar(1.3)]], 'mixed');
    // At a = 0 the exponent's partial aᵇ log a is taken as 0 (not 0 · −∞); ties split equally.
    const edges = (a: Tensor, b: Tensor) => ad.add(ad.pow(ad.mul(a, a), b), ad.maximum(a, ad.mul(b, 0)));
    const vg = ad.valueAndGrad(edges, [0, 1]);
    checkReplays(vg, [ad.scalar(0.5), ad.scalar(2)], [[ad.scalar(0), ad.scalar(2)], [ad.scalar(0), ad.scalar(3)]], 'pow and maximum at 0');
    const [, [ga, gb]] = ad.jit(vg)(ad.scalar(0), ad.scalar(2)) as [Tensor, Tensor[]];
    expect([ga!.item(), gb!.item()]).toEqual([0.5, 0]);
  });
});

describe('the scalar recurrence (W6) under jit', () => {
  const recurrence = (a: Tensor, b: Tensor, steps: number) => {
    let x = ad.scalar(0.5);
    for (let t = 0; t < steps; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
    return x;
  };
  it('replays the forward and backward pass bit for bit, and separates loop lengths', () => {
    const vg = ad.valueAndGrad(recurrence, [0, 1]);
    const jvg = ad.jit(vg);
    for (const [a, b] of [[2, 0.1], [1.5, -0.3], [2.5, 0.2]] as const) {
      for (const steps of [100, 37]) {
        const replayed = jvg(ad.scalar(a), ad.scalar(b), steps);
        expectSame(replayed, ad.jit(vg)(ad.scalar(a), ad.scalar(b), steps)); // a replay is its recording
        expectClose(replayed, vg(ad.scalar(a), ad.scalar(b), steps)); // eager: to rounding (statements)
      }
    }
    const info = jvg.cacheInfo();
    expect(info.map((e) => [e.signature, e.status, e.replays])).toEqual([
      ['(T[],T[],n100)', 'replayed', 2],
      ['(T[],T[],n37)', 'replayed', 2],
    ]);
    // 4 forward ops a step and the backward ones; no general calls: everything runs on numbers.
    expect(info[0]!.generalOps).toBe(0);
    expect(info[0]!.scalarOps).toBeGreaterThan(400);
    // Generated loops: the forward recurrence, the local derivatives cos x_t, the backward pass.
    expect(info[0]!.loops).toBe(3);
    expect(info[0]!.loopOps).toBeGreaterThan(0.95 * info[0]!.scalarOps);
  });
  it('preaccumulates each step: the hand-written adjoint G·sin x, G·x, G·(a·cos x + b), bit for bit, subnormal steps too', () => {
    // A step x' = a·sin x + b·x is one statement (src/jit/statements.ts): its adjoint G meets three
    // products, as in the bench's hand-written gradient, where the rules one op at a time make five.
    // From about step 2,480 back the adjoint is subnormal (below 2⁻¹⁰²²); the products stay exact.
    for (const steps of [50, 3000]) {
      const [v, [ga, gb]] = ad.jit(ad.valueAndGrad(recurrence, [0, 1]))(ad.scalar(2), ad.scalar(0.1), steps) as [Tensor, Tensor[]];
      const xs: number[] = [];
      let x = 0.5;
      for (let t = 0; t < steps; t++) { xs.push(x); x = 2 * Math.sin(x) + 0.1 * x; }
      let gx = 1, gaRef = 0, gbRef = 0;
      for (let t = steps - 1; t >= 0; t--) { gaRef += gx * Math.sin(xs[t]!); gbRef += gx * xs[t]!; gx *= 0.1 + 2 * Math.cos(xs[t]!); }
      expect(v.item()).toBe(x);
      expect(ga!.item()).toBe(gaRef);
      expect(gb!.item()).toBe(gbRef);
      if (steps === 3000) expect(Math.abs(gx)).toBeLessThan(2 ** -1022);
    }
  });
  it('a hand-written adjoint agrees (the oracle of the bench)', () => {
    const [v, [ga, gb]] = ad.jit(ad.valueAndGrad(recurrence, [0, 1]))(ad.scalar(2), ad.scalar(0.1), 50) as [Tensor, Tensor[]];
    const xs: number[] = [];
    let x = 0.5;
    for (let t = 0; t < 50; t++) { xs.push(x); x = 2 * Math.sin(x) + 0.1 * x; }
    let gx = 1, gaRef = 0, gbRef = 0;
    for (let t = 49; t >= 0; t--) { gaRef += gx * Math.sin(xs[t]!); gbRef += gx * xs[t]!; gx *= 2 * Math.cos(xs[t]!) + 0.1; }
    expect(v.item()).toBe(x);
    expect(ga!.item()).toBeCloseTo(gaRef, 10);
    expect(gb!.item()).toBeCloseTo(gbRef, 10);
  });
});

describe('transformations and library code inside jit', () => {
  const w = ad.random.normal([3, 4], 1);
  const x = (seed: number) => ad.random.normal([4], seed);
  it('grad, jvp, jacobian, hessian, customVjp and checkpoint', () => {
    const f = (v: Tensor) => ad.sum(ad.tanh(ad.matmul(w, v)));
    checkReplays(ad.grad(f), [x(1)], [[x(2)], [x(3)]], 'grad');
    checkReplays((v: Tensor) => ad.jvp(f, [v], [ad.ones([4])]), [x(1)], [[x(2)]], 'jvp');
    checkReplays(ad.jacobian((v: Tensor) => ad.tanh(ad.matmul(w, v))), [x(1)], [[x(2)]], 'jacobian');
    checkReplays(ad.hessian(f), [x(1)], [[x(2)]], 'hessian');
    const softSin = ad.customVjp((v: Tensor) => ad.sin(v), (g: Tensor, { args }) => [ad.mul(g, ad.cos(args[0]))]);
    checkReplays(ad.grad((v: Tensor) => ad.sum(softSin(ad.mul(v, v)))), [x(1)], [[x(2)]], 'customVjp');
    checkReplays(ad.grad((v: Tensor) => ad.sum(ad.checkpoint((u: Tensor) => ad.exp(ad.sin(u)))(v))), [x(1)], [[x(2)]], 'checkpoint');
  });
  it('scan with checkpoints, and a structured model', () => {
    const W = ad.mul(ad.random.normal([4, 4], 5), 0.4);
    const rnn = (h0: Tensor, xs: Tensor) => {
      const h = ad.scan((h: Tensor, xt: Tensor) => ad.tanh(ad.add(ad.matmul(W, h), xt)), h0, { xs, checkpoints: 3 });
      return ad.sum(h as Tensor);
    };
    const xs = (seed: number) => ad.random.normal([12, 4], seed);
    checkReplays(ad.valueAndGrad(rnn, [0, 1]), [x(1), xs(1)], [[x(2), xs(2)]], 'scan');
    const crf = (scores: Tensor, trans: Tensor) => new ad.LinearChainCRF({ emissions: scores, transitions: trans }).logPartition();
    const s = (seed: number) => ad.random.normal([6, 3], seed);
    checkReplays(ad.valueAndGrad(crf, [0, 1]), [s(1), ad.random.normal([3, 3], 2)], [[s(3), ad.random.normal([3, 3], 4)]], 'LinearChainCRF');
  });
});

describe('sparse cotangents in replays', () => {
  // A forward algorithm reading one row of E per step (as LinearChainCRF does): n take cotangents.
  const logZ = (E: Tensor, T: Tensor) => {
    let alpha = ad.reshape(ad.take(E, [0], 0), [3]);
    for (let t = 1; t < E.shape[0]!; t++) {
      const row = ad.reshape(ad.take(E, [t], 0), [3]);
      alpha = ad.add(ad.logsumexp(ad.add(ad.reshape(alpha, [3, 1]), T), 0), row);
    }
    return ad.logsumexp(alpha, 0);
  };
  const E = (seed: number) => ad.random.normal([30, 3], seed);
  const T = ad.random.normal([3, 3], 9);
  it('are added in place (O(n), not n dense [n, K] tensors), exactly as the recording forms them', () => {
    const vg = ad.valueAndGrad(logZ, [0, 1]);
    checkReplays(vg, [E(1), T], [[E(2), T], [E(3), ad.mul(T, -1)]], 'take');
    const jf = ad.jit(vg);
    jf(E(1), T);
    const calls = jf.cacheInfo()[0]!.calls;
    expect(calls.scatterAdd).toBe(1); // the first one is formed; the other 29 are added into it
    expect(calls.accumulateInto).toBe(29);
    // logsumexp's fused first-order rule is recorded as one call per step (29 in the loop, 1 at the end).
    expect(calls['logsumexp.fusedVjp']).toBe(30);
    expect(calls.exp).toBeUndefined(); // not the generic rule's exp(x − y)
  });
  it('slices too, and not scatters with repeated indices (their sums would round differently)', () => {
    const sliced = (x: Tensor) => ad.sum(ad.stack(Array.from({ length: 10 }, (_, i) => ad.mul(ad.square(ad.slice(x, [i], [2])), i + 1))));
    const repeated = (x: Tensor) => ad.sum(ad.stack(Array.from({ length: 10 }, (_, i) => ad.mul(ad.square(ad.take(x, [i, i, 0], 0)), i + 1))));
    const x = (seed: number) => ad.random.normal([11], seed);
    checkReplays(ad.grad(sliced), [x(1)], [[x(2)]], 'slice');
    checkReplays(ad.grad(repeated), [x(1)], [[x(2)]], 'repeated take');
    const js = ad.jit(ad.grad(sliced)), jr = ad.jit(ad.grad(repeated));
    js(x(1));
    jr(x(1));
    expect(js.cacheInfo()[0]!.calls.accumulateInto).toBe(9);
    expect(jr.cacheInfo()[0]!.calls.accumulateInto).toBeUndefined();
  });
  it('dense cotangents and slices add into a fused VJP\'s own buffer, as the backward pass adds them (same bits)', () => {
    // x meets the backward pass three times: logMatmul's fused rule (a fresh buffer), a slice and
    // exp's fused rule. The slice's cotangent is added into the first buffer (accumulateInto),
    // exp's dense one too (addInPlace), instead of pad + add + add.
    const f = (x: Tensor, y: Tensor) =>
      ad.add(ad.add(ad.logsumexp(ad.logMatmul(x, y)), ad.sum(ad.square(ad.slice(x, [1, 0], [2, 3])))), ad.sum(ad.exp(x)));
    const x = (seed: number) => ad.random.normal([4, 3], seed), y = ad.random.normal([3, 5], 5);
    const vg = ad.valueAndGrad(f, [0, 1]);
    checkReplays(vg, [x(1), y], [[x(2), y], [x(3), ad.neg(y)]], 'fresh accumulation');
    const jf = ad.jit(vg);
    jf(x(1), y);
    const calls = jf.cacheInfo()[0]!.calls;
    expect(calls.accumulateInto).toBe(1);
    expect(calls.addInPlace).toBe(1);
    expect(calls.pad).toBeUndefined();
    const bits = (t: Tensor) => Array.from(t.toFloat64Array(), (v) => (Object.is(v, -0) ? '-0' : String(v)));
    const [, [gx]] = jf(x(4), y) as [Tensor, Tensor[]];
    const [, [ex]] = vg(x(4), y) as [Tensor, Tensor[]];
    expect(bits(gx!)).toEqual(bits(ex!));
  });
});

describe('control flow that reads a value runs as written, and the reason names it', () => {
  const x = ad.tensor([1, -2, 3]);
  const cases: Array<[string, (v: Tensor) => Tensor, RegExp]> = [
    ['cond', (v) => ad.cond(ad.greater(ad.sum(v), 0), (u: Tensor) => ad.mul(u, 2), (u: Tensor) => ad.neg(u), v), /^cond's predicate read the value/],
    ['switch', (v) => ad.switch(ad.clip(ad.sum(v), 0, 1), [(u: Tensor) => ad.mul(u, 2), (u: Tensor) => ad.neg(u)], v), /^switch's index read the value/],
    ['whileLoop', (v) => ad.whileLoop((u: Tensor) => ad.less(ad.sum(u), 20), (u: Tensor) => ad.add(u, 1), v), /^whileLoop's condition read the value/],
    ['foriLoop', (v) => ad.foriLoop(0, ad.sum(v), (_i: number, u: Tensor) => ad.add(u, 1), v), /^foriLoop's upper read the value/],
  ];
  it('take with indices passed as an argument replays (a gather, its indices checked on every replay)', () => {
    const f = (v: Tensor, i: Tensor) => ad.take(v, i, 0);
    const jf = ad.jit(f);
    expect(jf(x, ad.tensor([2, 0])).toArray()).toEqual([3, 1]);
    expect(jf(x, ad.tensor([-1, 1])).toArray()).toEqual([3, -2]);
    expect(jf(x, ad.tensor([1])).toArray()).toEqual([-2]);
    const [entry, second] = jf.cacheInfo();
    expect(entry!.status).toBe('replayed');
    expect(entry!.replays).toBe(1);
    expect(second!.signature).toBe('(T[3],T[1])');
    // A bad index fails the replay, and the function runs as written: take's own error.
    expect(() => jf(x, ad.tensor([3, 0]))).toThrow(/take: index 3 is out of range for axis 0 of length 3/);
    expect(() => jf(x, ad.tensor([0.5, 0]))).toThrow(/take: index 0 is 0\.5, not an integer/);
    // Gradients with repeated indices: the same bits as without jit.
    const g = (v: Tensor, i: Tensor) => ad.grad((w: Tensor) => ad.sum(ad.square(ad.take(w, i, 0))))(v);
    const jg = ad.jit(g);
    for (const i of [[0, 0, 2, 0], [1, 2, 1, -1]]) expect(Array.from(jg(x, ad.tensor(i)).toFloat64Array())).toEqual(Array.from(g(x, ad.tensor(i)).toFloat64Array()));
    expect(jg.cacheInfo()[0]!.status).toBe('replayed');
  });
  for (const [name, f, reason] of cases) {
    it(name, () => {
      const jf = ad.jit(f);
      expect(jf(x).toArray()).toEqual(f(x).toArray());
      const y = ad.tensor([-4, 1, 1]);
      expect(jf(y).toArray()).toEqual(f(y).toArray());
      const [entry] = jf.cacheInfo();
      expect(entry!.status).toBe('eager');
      expect(entry!.reason).toMatch(reason);
    });
  }
});

describe('library code that iterates on values, signatures and zeros', () => {
  const bits = (t: Tensor) => Array.from(t.toFloat64Array(), (v) => (Object.is(v, -0) ? '-0' : String(v)));
  it('implicit solvers and reversible momentum run as is under jit (and say so), with the right values', () => {
    const x = ad.tensor([1, 2, 3]), y = ad.tensor([2, 4, 7]);
    const fit = (lam: Tensor) => ad.argmin((w: Tensor) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.mul(w, x), y)))),
      ad.mul(ad.mul(0.5, lam), ad.square(w))), ad.tensor(0)) as Tensor;
    for (const f of [fit, ad.grad(fit)]) {
      const jf = ad.jit(f);
      expect(jf(ad.tensor(1)).item()).toBeCloseTo(f(ad.tensor(1)).item(), 10);
      expect(jf(ad.tensor(2)).item()).toBeCloseTo(f(ad.tensor(2)).item(), 10);
      expect(jf.cacheInfo()[0]!.reason).toMatch(/argmin iterates until values converge/);
    }
    const A = ad.tensor([[4, 1], [1, 3]]);
    const solve = (b: Tensor) => ad.cg((v: Tensor) => ad.matmul(A, v), b).x as Tensor;
    expect(ad.jit(solve)(ad.tensor([1, 2])).toArray()).toEqual(solve(ad.tensor([1, 2])).toArray());
    const cbrt = (a: Tensor) => ad.root((z: Tensor) => ad.sub(ad.pow(z, 3), a), ad.tensor(1)) as Tensor;
    expect(ad.jit(cbrt)(ad.tensor(8)).item()).toBeCloseTo(2, 8);
    const trained = (l: Tensor) => ad.optimizers.reversibleMomentum(
      (w: Tensor) => ad.add(ad.sum(ad.square(ad.sub(w, 1))), ad.mul(l, ad.sum(ad.square(w)))), ad.zeros([3]), { steps: 5, lr: 0.1 }) as Tensor;
    const g = (l: Tensor) => ad.grad((m: Tensor) => ad.sum(trained(m)))(l) as Tensor;
    expect(ad.jit(g)(ad.tensor(0.1)).item()).toBeCloseTo(g(ad.tensor(0.1)).item(), 12);
  });
  it('in-place accumulation keeps the dense sum\'s signed zeros (−0 + 0 = +0 off the slice)', () => {
    // The first slice's cotangent is −0 (neg of a zero cotangent); the dense sum adds +0 to it.
    const f = (x: Tensor, c: Tensor) => ad.add(ad.sum(ad.square(ad.slice(x, [2], [2]))), ad.sum(ad.mul(ad.neg(ad.slice(x, [0], [2])), c)));
    const jg = ad.jit(ad.grad(f));
    const x = ad.tensor([1, 2, 3, 4]), c = ad.tensor(0);
    const recorded = jg(x, c) as Tensor;
    const replayed = jg(x, c) as Tensor;
    expect(jg.cacheInfo()[0]!.calls.accumulateInto).toBe(1);
    expect(bits(replayed)).toEqual(bits(recorded));
    expect(bits(replayed)).toEqual(['0', '0', '6', '8']);
  });
  it('signatures: holes, symbols, typed arrays by value, cyclic arguments', () => {
    const len = ad.jit((x: Tensor, arr: unknown[]) => ad.mul(x, arr.length));
    len(ad.tensor([1]), []);
    expect(len(ad.tensor([1]), new Array(1)).toArray()).toEqual([1]);
    const s1 = Symbol('k'), s2 = Symbol('k');
    const sym = ad.jit((x: Tensor, s: symbol) => (s === s1 ? ad.mul(x, 2) : ad.mul(x, 3)));
    sym(ad.tensor([1]), s1);
    expect(sym(ad.tensor([1]), s2).toArray()).toEqual([3]);
    const take = ad.jit((x: Tensor, idx: Int32Array) => ad.take(x, idx, 0));
    const idx = new Int32Array([0, 1]), v = ad.tensor([10, 20, 30]);
    take(v, idx);
    idx[0] = 2;
    expect(take(v, idx).toArray()).toEqual([30, 20]);
    const long = new Float64Array(1000).fill(1);
    const dot = ad.jit((x: Tensor, w: Float64Array) => ad.mul(x, w[999]!));
    dot(ad.tensor([1]), long);
    long[999] = 5;
    expect(dot(ad.tensor([1]), long).toArray()).toEqual([5]); // long arrays: a hash of their bytes
    const o: Record<string, unknown> = { k: 2 };
    o.self = o;
    const cyc = ad.jit((x: Tensor, p: { k: number }) => ad.mul(x, p.k));
    expect(cyc(ad.tensor([1]), o as { k: number }).toArray()).toEqual([2]);
    expect(cyc.cacheInfo()).toEqual([]); // runs as is
  });

  it('signatures: equal parts in a row are written once with their count, and every arrangement keys apart', () => {
    const f = ad.jit((xs: Tensor[], tag: unknown[]) => ad.add(ad.sum(xs[0]!), ad.mul(ad.sum(xs[xs.length - 1]!), tag.length)));
    const a = ad.ones([2]), b = ad.ones([3]);
    const calls: Array<[Tensor[], unknown[]]> = [
      [[a, a, a], []],
      [[a, a, b], []],
      [[a, b, b], []],
      [[a, b, a], []],
      [[a, a, a], ['x', 'x']],
      [[a, a, a], ['x*2']], // a string that spells a count is quoted: no clash with ['x', 'x']
      [[a, a, a], [[1, 1], [1, 1]]],
      [[a, a, a], [[1, 1, 1, 1]]],
      // A typed array whose class name spells a run (found by a differential run): quoted, no clash with [1, 1, X].
      [[a, a, a], [1, 1, new ({ X: class extends Float64Array {} }).X(0)]],
      [[a, a, a], [new ({ 'n1*2,X': class extends Float64Array {} })['n1*2,X'](0)]],
    ];
    for (const [xs, tag] of calls) {
      const want = 2 + xs[xs.length - 1]!.size * tag.length;
      expect(f(xs, tag).item()).toBe(want);
      expect(f(xs, tag).item()).toBe(want); // the replay of its own program
    }
    expect(f.cacheInfo().map((e) => e.signature)).toEqual([
      '([T[2]*3],[])', '([T[2]*2,T[3]],[])', '([T[2],T[3]*2],[])', '([T[2],T[3],T[2]],[])',
      '([T[2]*3],[s"x"*2])', '([T[2]*3],[s"x*2"])', '([T[2]*3],[[n1*2]*2])', '([T[2]*3],[[n1*4]])',
      '([T[2]*3],[n1*2,X()])', '([T[2]*3],["n1*2,X"()])',
    ]);
    expect(f.cacheInfo().every((e) => e.replays === 1)).toBe(true);
  });
  it('JSON.stringify of a traced tensor is a value read', () => {
    const h = ad.jit((x: Tensor) => (JSON.stringify(x) === '[1]' ? ad.mul(x, 100) : ad.neg(x)));
    expect(h(ad.tensor([1])).toArray()).toEqual([100]);
    expect(h(ad.tensor([2])).toArray()).toEqual([-2]);
    expect(h.cacheInfo()[0]!.status).toBe('eager');
    expect(JSON.stringify({ t: ad.tensor([[1, 2]]) })).toBe('{"t":[[1,2]]}');
  });
});

describe('what jit keeps and what it runs as is', () => {
  it('a function reading a value it computed runs as is, and says where', () => {
    let calls = 0;
    const f = (x: Tensor) => {
      calls++;
      return ad.sum(x).item() > 0 ? ad.exp(x) : ad.neg(x); // control flow on a value
    };
    const jf = ad.jit(f);
    expectSame(jf(ad.tensor([1, 2])), ad.exp(ad.tensor([1, 2])));
    expectSame(jf(ad.tensor([-1, -2])), ad.tensor([1, 2])); // the other branch: right, because f ran again
    expect(calls).toBe(2);
    const [e] = jf.cacheInfo();
    expect(e!.status).toBe('eager');
    expect(e!.reason).toMatch(/item\(\) read the value of a tensor computed from the arguments, at\n.*jit\.test/);
  });
  it('reading values that do not depend on the arguments is fine', () => {
    const c = ad.tensor([1, 2, 3]);
    const jf = ad.jit((x: Tensor) => (c.toArray() as number[]).length === 3 ? ad.mul(x, ad.sum(c).item()) : x);
    jf(ad.tensor([1, 1, 1]));
    expectSame(jf(ad.tensor([1, 2, 3])), ad.tensor([6, 12, 18]));
    expect(jf.cacheInfo()[0]!.status).toBe('replayed');
  });
  it('numbers and other arguments are part of the signature; tensors by shape', () => {
    const jf = ad.jit((x: Tensor, k: number, opts: { square: boolean }) => (opts.square ? ad.mul(ad.square(x), k) : ad.mul(x, k)));
    expectSame(jf(ad.tensor([1, 2]), 3, { square: true }), ad.tensor([3, 12]));
    expectSame(jf(ad.tensor([3, 4]), 3, { square: true }), ad.tensor([27, 48]));
    expectSame(jf(ad.tensor([3, 4]), 2, { square: true }), ad.tensor([18, 32]));
    expectSame(jf(ad.tensor([3, 4]), 2, { square: false }), ad.tensor([6, 8]));
    expectSame(jf(ad.tensor([[3, 4]]), 2, { square: false }), ad.tensor([[6, 8]]));
    expect(jf.cacheInfo().map((e) => [e.signature, e.replays])).toEqual([
      ['(T[2],n3,{"square":true})', 1],
      ['(T[2],n2,{"square":true})', 0],
      ['(T[2],n2,{"square":false})', 0],
      ['(T[1,2],n2,{"square":false})', 0],
    ]);
    jf.clearCache();
    expect(jf.cacheInfo()).toEqual([]);
  });
  it('keeps at most maxSignatures programs, dropping the oldest', () => {
    const jf = ad.jit((x: Tensor, k: number) => ad.mul(x, k), { maxSignatures: 2 });
    for (const k of [1, 2, 3]) jf(ad.tensor([1]), k);
    expect(jf.cacheInfo().map((e) => e.signature)).toEqual(['(T[1],n2)', '(T[1],n3)']);
    expect(() => ad.jit((x: Tensor) => x, { maxSignatures: 0 })).toThrow(/maxSignatures must be a positive integer/);
    expect(() => ad.jit(3 as never)).toThrow(/jit: expected a function/);
  });
  it('outputs: pytrees, numbers, constants and inputs passed through', () => {
    const c = ad.tensor([7, 8]);
    const jf = ad.jit((p: { a: Tensor; b: Tensor[] }) => ({ sum: ad.add(p.a, p.b[0]!), same: p.b[1]!, c, n: 4, list: [ad.exp(p.a)] }));
    const arg = (s: number) => ({ a: ad.tensor([s, 1]), b: [ad.tensor([2, s]), ad.tensor([s])] });
    jf(arg(1));
    const out = jf(arg(5));
    expectSame(out, { sum: ad.tensor([7, 6]), same: ad.tensor([5]), c, n: 4, list: [ad.exp(ad.tensor([5, 1]))] });
    expect(out.c).toBe(c);
    expect(jf.cacheInfo()[0]!.status).toBe('replayed');
  });
  it('tensors the function closes over are constants of the recording (as in JAX)', () => {
    let scale = ad.tensor(2);
    const jf = ad.jit((x: Tensor) => ad.mul(x, scale));
    jf(ad.tensor([1]));
    scale = ad.tensor(3);
    expectSame(jf(ad.tensor([1])), ad.tensor([2])); // the recorded constant; pass it as an argument to vary it
    expectSame(ad.jit((x: Tensor, s: Tensor) => ad.mul(x, s))(ad.tensor([1]), scale), ad.tensor([3]));
  });
  it('inside another transformation the function runs as is, so gradients through it are right', () => {
    const jf = ad.jit((x: Tensor) => ad.sum(ad.sin(x)));
    const g = ad.grad((x: Tensor) => jf(x))(ad.tensor([0, 1]));
    expectSame(g, ad.cos(ad.tensor([0, 1])));
    expect(jf.cacheInfo()).toEqual([]); // nothing recorded under grad
    const outer = ad.jit((x: Tensor) => ad.mul(jf(x), 2)); // jit inside jit: recorded into the outer program
    outer(ad.tensor([0, 1]));
    expectSame(outer(ad.tensor([1, 2])), ad.mul(ad.sum(ad.sin(ad.tensor([1, 2]))), 2));
    expect(outer.cacheInfo()[0]!.status).toBe('replayed');
  });
  it('errors thrown by the function reach the caller and record nothing', () => {
    const jf = ad.jit((x: Tensor) => ad.matmul(x, x));
    expect(() => jf(ad.tensor([[1, 2, 3]]))).toThrow(/matmul/);
    expect(jf.cacheInfo()).toEqual([]);
  });
  it('a result that is not a pytree is returned, and the function runs as is', () => {
    const jf = ad.jit((x: Tensor) => `${x.shape.length}`);
    expect(jf(ad.tensor([1]))).toBe('1');
    expect(jf.cacheInfo()[0]!.reason).toMatch(/result is not a tensor/);
  });
});

describe('fused first-order rules in a replay', () => {
  // A product a·b whose fused rule counts its runs: it gives both cotangents at once, and the
  // program records each as a call of its own; a replay must run the kernel once, not once per cotangent.
  let runs = 0;
  const productP: Primitive<null> = definePrimitive<null>({
    name: 'countedProduct',
    saves: 'inputs',
    forward: ([a, b]) => new RawTensor(a!.values.map((v, i) => v * b!.values[i]!), a!.shape),
    vjp: (g, r) => [ad.mul(g, r.inputs[1]!) as unknown as RawTensor, ad.mul(g, r.inputs[0]!) as unknown as RawTensor],
    fusedVjp: (g, r, _p, needs) => {
      runs++;
      const [a, b] = r.inputs as [RawTensor, RawTensor];
      return [
        needs[0] ? new RawTensor(g.values.map((v, i) => v * b.values[i]!), a.shape) : null,
        needs[1] ? new RawTensor(g.values.map((v, i) => v * a.values[i]!), b.shape) : null,
      ];
    },
    jvp: null,
  });
  const f = (a: Tensor, b: Tensor) => ad.sum(ad.mul(apply(productP, [a, b] as unknown as RawTensor[], null) as unknown as Tensor, ad.tensor([1, 2, 3])));

  it('runs once per replay however many cotangents it gives, with the same cotangents', () => {
    const jg = ad.jit(ad.grad(f, [0, 1]));
    jg(ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])); // records
    const [a, b] = [ad.tensor([0.5, -1, 2]), ad.tensor([3, 0, -2])];
    const before = runs;
    const [ga, gb] = jg(a, b);
    expect(runs - before).toBe(1);
    expect(jg.cacheInfo()[0]!.status).toBe('replayed');
    expect(Array.from(ga.toFloat64Array())).toEqual([3, 0, -6]);
    expect(Array.from(gb.toFloat64Array())).toEqual([0.5, -2, 6]);
    // Only one cotangent wanted: one call, one run.
    const ja = ad.jit(ad.grad(f, 0));
    ja(a, b);
    const mid = runs;
    expect(Array.from(ja(b, a).toFloat64Array())).toEqual([0.5, -2, 6]);
    expect(runs - mid).toBe(1);
  });

  it('falls back to the generic rule where the fused one declines the replay\'s values (it crashed)', () => {
    // A rule that declines when an entry of a is negative (as det's declines at a singular matrix).
    const pickyP: Primitive<null> = definePrimitive<null>({
      name: 'pickyProduct',
      saves: 'inputs',
      forward: ([a, b]) => new RawTensor(a!.values.map((v, i) => v * b!.values[i]!), a!.shape),
      vjp: (g, r) => [ad.mul(g, r.inputs[1]!) as unknown as RawTensor, ad.mul(g, r.inputs[0]!) as unknown as RawTensor],
      fusedVjp: (g, r) => {
        const [a, b] = r.inputs as [RawTensor, RawTensor];
        if (a.values.some((v) => v < 0)) return null;
        return [new RawTensor(g.values.map((v, i) => v * b.values[i]!), a.shape), new RawTensor(g.values.map((v, i) => v * a.values[i]!), b.shape)];
      },
      jvp: null,
    });
    const h = (a: Tensor, b: Tensor) => ad.sum(ad.mul(apply(pickyP, [a, b] as unknown as RawTensor[], null) as unknown as Tensor, ad.tensor([1, 2, 3])));
    const jg = ad.jit(ad.grad(h, [0, 1]));
    jg(ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])); // records the fused call
    const [ga, gb] = jg(ad.tensor([0.5, -1, 2]), ad.tensor([3, 0, -2]));
    expect(Array.from(ga.toFloat64Array())).toEqual([3, 0, -6]);
    expect(Array.from(gb.toFloat64Array())).toEqual([0.5, -2, 6]);
  });
});
