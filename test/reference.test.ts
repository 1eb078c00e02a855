/**
 * @file adjoint against an independent float64 reference: hyper-dual numbers (test/support/hyperdual.ts).
 * Each program in test/support/programs.ts is written once, generically, and run both on adjoint
 * tensors and on tensors of hyper-duals. Hyper-duals give f, first and second derivatives exactly
 * (no truncation error), so values, gradients, JVPs, HVPs, Hessians and grad-of-grad must agree
 * to rounding.
 *
 * Tolerance (one combined check throughout): |a − b| ≤ 1e-8 · max(1, |b|), b the reference:
 * relative 1e-8 for entries larger than 1 in magnitude, absolute 1e-8 below that.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { adOps, hdOps, hyperEval, type HT } from './support/backends.js';
import { programs, trips, type ProgramCase } from './support/programs.js';
import * as H from './support/hyperdual.js';

const TOL = 1e-8;

/** Asserts |actual − expected| ≤ TOL · max(1, |expected|) elementwise, naming the first bad entry. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, b = expected[i]!;
    const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(err <= TOL) && (worst < 0 || !(err <= worstErr))) { worst = i; worstErr = err; }
  }
  if (worst >= 0) {
    expect.fail(`${what}: entry ${worst} is ${actual[worst]}, reference ${expected[worst]} (scaled error ${worstErr})`);
  }
}

const unit = (n: number, i: number) => Array.from({ length: n }, (_, k) => (k === i ? 1 : 0));
const zerosN = (n: number) => new Array<number>(n).fill(0);
const flat = (t: Tensor) => Array.from(t.data);

/** Points and directions for one program, from seeded normals. */
function pointsOf(p: ProgramCase): Array<{ x: number[]; v: number[]; label: string }> {
  const v = (k: number) => flat(ad.random.normal([p.n], 200 + 11 * k + p.n));
  if (p.points) return p.points.map((x, k) => ({ x, v: v(k), label: `point [${x}]` }));
  return p.scales.map((s, k) => ({
    x: flat(ad.random.normal([p.n], 100 + 7 * k + p.n, 0, s)),
    v: v(k),
    label: `point ${k} (scale ${s})`,
  }));
}

/** Reference derivatives of one program by hyper-dual evaluation. */
function reference(p: ProgramCase) {
  const f = (z: HT) => p.run(hdOps, z);
  return {
    value: (x: number[]) => hyperEval(f, x, zerosN(p.n), zerosN(p.n)).a,
    /** ∂f/∂x_i for every i: ε1 along e_i. */
    grad: (x: number[]) => Array.from({ length: p.n }, (_, i) => hyperEval(f, x, unit(p.n, i), zerosN(p.n)).b),
    /** ∇f · v: ε1 along v. */
    directional: (x: number[], v: number[]) => hyperEval(f, x, v, zerosN(p.n)).b,
    /** (H v)_j = vᵀ H e_j: ε1 along v, ε2 along e_j. */
    hvp: (x: number[], v: number[]) => Array.from({ length: p.n }, (_, j) => hyperEval(f, x, v, unit(p.n, j)).d),
    /** H_ij: ε1 along e_i, ε2 along e_j (the upper triangle, mirrored). */
    hessian: (x: number[]) => {
      const h = new Array<number>(p.n * p.n);
      for (let i = 0; i < p.n; i++) {
        for (let j = i; j < p.n; j++) {
          const r = hyperEval(f, x, unit(p.n, i), unit(p.n, j));
          h[i * p.n + j] = h[j * p.n + i] = r.d;
          // Both ε parts agree with the gradient: a check on the reference itself.
          if (i === j) expect(r.b).toBe(r.c);
        }
      }
      return h;
    },
  };
}

describe('the hyper-dual reference itself', () => {
  it('gives exact derivatives of elementary functions', () => {
    // f(x) = x³ at 2 with ε1 = ε2 = 1: f' = 12, f'' = 12
    const r = H.powConst(new H.HD(2, 1, 1, 0), 3);
    expect([r.a, r.b, r.c, r.d]).toEqual([8, 12, 12, 12]);
    // tanh'' = −2 tanh (1 − tanh²); softplus' = σ; logsumexp' = softmax
    const t = H.tanh(new H.HD(0.3, 1, 1, 0));
    expect(t.d).toBeCloseTo(-2 * Math.tanh(0.3) * (1 - Math.tanh(0.3) ** 2), 15);
    expect(H.softplus(new H.HD(0.4, 1, 0, 0)).b).toBeCloseTo(1 / (1 + Math.exp(-0.4)), 15);
    const l = H.logsumexpN([new H.HD(1, 1, 0, 0), new H.HD(2), new H.HD(3)]);
    expect(l.b).toBeCloseTo(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 15);
    // variable exponent: d/dy 2^y = 2^y log 2, d²/dy² = 2^y log² 2
    const p = H.pow(2, new H.HD(1.5, 1, 1, 0));
    expect(p.b).toBeCloseTo(2 ** 1.5 * Math.log(2), 14);
    expect(p.d).toBeCloseTo(2 ** 1.5 * Math.log(2) ** 2, 14);
  });

  it('the checker rejects a derivative that is wrong in the 7th digit', () => {
    expect(() => expectClose([1.0000001], [1], 'mutant')).toThrow(/entry 0/);
    expect(() => expectClose([1e-7], [0], 'mutant')).toThrow(/entry 0/);
    expectClose([1 + 5e-9, 2e-9], [1, 0], 'within tolerance');
  });
});

describe.each(programs)('$name', (p) => {
  const f = (x: Tensor) => p.run(adOps, x);
  const ref = reference(p);
  const pts = pointsOf(p);

  it('value', () => {
    for (const { x, label } of pts) expectClose([f(ad.tensor(x)).item()], [ref.value(x)], `${label} value`);
  });

  it('gradient (grad, valueAndGrad, vjp pullback)', () => {
    for (const { x, label } of pts) {
      const expected = ref.grad(x);
      expectClose(flat(ad.grad(f)(ad.tensor(x))), expected, `${label} grad`);
      const [value, g] = ad.valueAndGrad(f)(ad.tensor(x));
      expectClose([value.item()], [ref.value(x)], `${label} valueAndGrad value`);
      expectClose(flat(g), expected, `${label} valueAndGrad grad`);
      const [, pullback] = ad.vjp(f, ad.tensor(x));
      expectClose(flat(pullback(ad.tensor(-2.5))[0] as Tensor), expected.map((e) => -2.5 * e), `${label} vjp`);
    }
  });

  it('JVP (forward mode) along a random direction', () => {
    for (const { x, v, label } of pts) {
      const [y, dy] = ad.jvp(f, [ad.tensor(x)], [ad.tensor(v)]) as [Tensor, Tensor];
      expectClose([y.item()], [ref.value(x)], `${label} jvp primal`);
      expectClose([dy.item()], [ref.directional(x, v)], `${label} jvp tangent`);
    }
  });

  it('Hessian-vector product (hvp, forward-over-reverse)', () => {
    for (const { x, v, label } of pts) {
      expectClose(flat(ad.hvp(f, ad.tensor(x), ad.tensor(v)) as Tensor), ref.hvp(x, v), `${label} hvp`);
    }
  });

  it('grad of grad (reverse-over-reverse) and forward-over-forward', () => {
    for (const { x, v, label } of pts) {
      const hv = ref.hvp(x, v);
      const vt = ad.tensor(v);
      const rr = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(f)(z), vt)))(ad.tensor(x));
      expectClose(flat(rr), hv, `${label} grad(<grad f, v>)`);
      // vᵀ H v by jvp of jvp: both ε parts along v.
      const ff = ad.jvp((z: Tensor) => ad.jvp(f, [z], [vt])[1] as Tensor, [ad.tensor(x)], [vt])[1] as Tensor;
      expectClose([ff.item()], [hyperEval((z) => p.run(hdOps, z), x, v, v).d], `${label} jvp(jvp)`);
    }
  });

  it('full Hessian (ad.hessian)', () => {
    const { x, label } = pts[0]!;
    const Hm = ad.hessian(f)(ad.tensor(x));
    expect(Hm.shape).toEqual([p.n, p.n]);
    expectClose(flat(Hm), ref.hessian(x), `${label} hessian`);
  });
});

describe('pytree arguments', () => {
  const p = programs[0]!; // the 2-layer network, 26 parameters
  const ref = reference(p);
  const { x, v } = pointsOf(p)[0]!;
  const split = (z: number[]) => ({ W1: ad.tensor(z.slice(0, 12), [3, 4]), rest: [ad.tensor(z.slice(12, 16)), ad.tensor(z.slice(16))] });
  type Params = ReturnType<typeof split>;
  const fTree = (q: Params) => p.run(adOps, ad.concat([ad.reshape(q.W1, [12]), ...q.rest], 0));
  const flatTree = (q: Params) => [...flat(q.W1), ...q.rest.flatMap(flat)];

  it('grad and hvp with respect to an object of tensors come back in its structure, equal to the reference', () => {
    const g = ad.grad(fTree)(split(x)) as Params;
    expect(g.W1.shape).toEqual([3, 4]);
    expect(g.rest.map((t) => t.shape)).toEqual([[4], [10]]);
    expectClose(flatTree(g), ref.grad(x), 'pytree grad');
    expectClose(flatTree(ad.hvp(fTree, split(x), split(v)) as Params), ref.hvp(x, v), 'pytree hvp');
  });

  it('grad with argnums [0, 1] over two arguments', () => {
    const f2 = (a: Tensor, b: Tensor) => p.run(adOps, ad.concat([a, b], 0));
    const [value, [ga, gb]] = ad.valueAndGrad(f2, [0, 1])(ad.tensor(x.slice(0, 9)), ad.tensor(x.slice(9)));
    expectClose([value.item()], [ref.value(x)], 'argnums value');
    expectClose([...flat(ga), ...flat(gb)], ref.grad(x), 'argnums grad');
  });
});

describe('the control-flow program takes different paths at different points', () => {
  it('trip counts differ, and the branch flips with the sign of sum(x)', () => {
    const p = programs.find((q) => q.name.includes('while loop'))!;
    trips.length = 0;
    const xs = [[0.1, -0.2, 0.05], [1.2, 0.9, -0.4], [-3, -1, 0.5]];
    for (const x of xs) {
      const expected = reference(p).grad(x); // hyper-dual path
      const got = flat(ad.grad((z: Tensor) => p.run(adOps, z))(ad.tensor(x)));
      expectClose(got, expected, `grad at [${x}]`);
    }
    // Every run above pushed its trip count; adjoint's run followed the reference's path.
    const perPoint = xs.map((_, k) => trips.slice(k * (p.n + 1), (k + 1) * (p.n + 1)));
    for (const counts of perPoint) expect(new Set(counts).size).toBe(1);
    expect(new Set(perPoint.map((c) => c[0])).size).toBe(3);
  });
});
