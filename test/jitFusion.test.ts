/**
 * @file Fused elementwise loops of recorded programs (jit/elementwiseFusion.ts): a replay with
 * fused groups equals the unfused replay (code generation off) and the function run without jit,
 * bit for bit, on random chains of elementwise ops with broadcasting, ending in reductions or
 * not, on NaN, ±∞ and −0 too, and through gradients (logsumexp's fused VJP with the forward sum
 * recomputed inside it); what must not fuse does not; generated bodies are cached by structure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../src/index.js';
import { fusionStats } from '../src/jit/elementwiseFusion.js';
import { mulStrong } from '../src/ops/binary.js';

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-300, 5e-324, 1, -1, 0.5, -2.5, 3, 700, -700, 1e308, -1e-8];

/**
 * Bits of every leaf of a result tree (numbers and tensors), for exact comparison; every NaN as
 * one (ECMAScript leaves NaN's bits unspecified, and V8's optimised code may flip a NaN's sign
 * where its unoptimised code does not), −0 apart from 0.
 */
function bitsOf(r: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v instanceof ad.Tensor) {
      const x = v.toFloat64Array().map((e) => (Number.isNaN(e) ? NaN : e));
      out.push(`${v.shape.join('x')}:${Array.from(new Uint8Array(x.buffer)).join(',')}`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else out.push(String(Object.is(v, -0) ? '-0' : v));
  };
  walk(r);
  return out;
}

/**
 * Runs `f` at `args` three ways: jitted with code generation (the second call replays the fused
 * program), jitted without (the unfused replay), and as is. Returns the fused run's cache entry.
 */
function threeWays(f: (...xs: ad.Tensor[]) => unknown, args: ad.Tensor[], again: ad.Tensor[] = args) {
  const fused = ad.jit(f);
  fused(...args);
  const a = fused(...again);
  ad.config({ codegen: false });
  let b: unknown, info0: ad.JitCacheEntry;
  try {
    const plain = ad.jit(f);
    plain(...args);
    b = plain(...again);
    info0 = plain.cacheInfo()[0]!;
  } finally {
    ad.config({ codegen: true });
  }
  const c = f(...again);
  expect(bitsOf(a)).toEqual(bitsOf(b));
  expect(bitsOf(a)).toEqual(bitsOf(c));
  expect(info0.fusedGroups).toBe(0);
  return fused.cacheInfo()[0]!;
}

const value = fc.oneof(fc.constantFrom(...SPECIAL), fc.double({ min: -5, max: 5, noNaN: true }));

/** A random shape of rank 1…3 and broadcast-compatible shapes of each operand. */
const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 });
/** Broadcasting forms of `shape`: some axes set to 1, some leading axes dropped. */
const broadcastOf = (shape: number[]) =>
  fc.tuple(fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.integer({ min: 0, max: shape.length - 1 }))
    .map(([ones, drop]) => shape.map((v, i) => (ones[i] ? 1 : v)).slice(drop));

const UNARY = ['exp', 'log', 'neg', 'sqrt', 'tanh', 'abs', 'square', 'sigmoid', 'relu', 'sign', 'log1p', 'sin'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'greater', 'equal', 'mulStrong'] as const;
const REDUCE = ['none', 'sum', 'max', 'min', 'logsumexp'] as const;

interface Step { readonly kind: 'unary' | 'binary' | 'where'; readonly op: string; readonly a: number; readonly b: number; readonly c: number }

/** Applies one step to the values so far (indices wrap around). */
function apply(vals: ad.Tensor[], s: Step): ad.Tensor {
  const at = (i: number) => vals[i % vals.length]!;
  if (s.kind === 'unary') return (ad as unknown as Record<string, (x: ad.Tensor) => ad.Tensor>)[s.op]!(at(s.a));
  if (s.kind === 'where') return ad.where(ad.greater(at(s.a), 0), at(s.b), at(s.c));
  if (s.op === 'mulStrong') return mulStrong(at(s.a), at(s.b)); // the chain rule's product (not exported)
  return (ad as unknown as Record<string, (x: ad.Tensor, y: ad.Tensor) => ad.Tensor>)[s.op]!(at(s.a), at(s.b));
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('unary' as const), op: fc.constantFrom(...UNARY), a: fc.nat(20), b: fc.constant(0), c: fc.constant(0) }),
  fc.record({ kind: fc.constant('binary' as const), op: fc.constantFrom(...BINARY), a: fc.nat(20), b: fc.nat(20), c: fc.constant(0) }),
  fc.record({ kind: fc.constant('where' as const), op: fc.constant('where'), a: fc.nat(20), b: fc.nat(20), c: fc.nat(20) }),
);

/** A random program: operands broadcasting into one shape, a chain of steps, then a reduction (or not). */
const programArb = shapeArb.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    operands: fc.array(broadcastOf(shape), { minLength: 2, maxLength: 3 }).map((xs) => [shape, ...xs]),
    steps: fc.array(stepArb, { minLength: 2, maxLength: 8 }),
    reduce: fc.constantFrom(...REDUCE),
    axis: fc.nat(2),
    trailing: fc.boolean(),
    seed: fc.nat(1000),
    special: fc.array(value, { minLength: 8, maxLength: 8 }),
  }),
);

type Program = typeof programArb extends fc.Arbitrary<infer T> ? T : never;

/** The function of a random program: the last step, reduced as asked, with the first intermediate as a second output. */
function functionOf(p: Program) {
  return (...xs: ad.Tensor[]) => {
    // The full-shape operand first, so the chain keeps the whole shape.
    const vals: ad.Tensor[] = [ad.add(xs[0]!, xs[1]!), ...xs];
    for (const s of p.steps) vals.push(apply(vals, s));
    let out = vals[vals.length - 1]!;
    const nd = out.ndim;
    if (p.reduce !== 'none' && nd > 0) {
      const axes = p.trailing ? Array.from({ length: nd - (p.axis % nd) }, (_, i) => (p.axis % nd) + i) : [p.axis % nd];
      out = (ad as unknown as Record<string, (x: ad.Tensor, a: number[]) => ad.Tensor>)[p.reduce]!(out, axes);
    }
    return [out, vals[p.steps.length > 3 ? 4 : 3]!];
  };
}

/** Operand values: random with special values sprinkled in (NaN, ±∞, −0, huge and tiny). */
function operandsOf(p: Program): ad.Tensor[] {
  return p.operands.map((shape, k) => {
    const t = ad.random.uniform(ad.random.key(p.seed + k), shape, -3, 3).toFloat64Array();
    for (let i = 0; i < t.length; i += 3) t[i] = p.special[(i + k) % p.special.length]!;
    return ad.tensor(t, shape);
  });
}

describe('fused elementwise loops', () => {
  afterEach(() => ad.config({ codegen: true }));

  it('random chains with broadcasting and reductions: the fused replay equals the unfused replay and eager, bit for bit', () => {
    let fusedSome = 0;
    fc.assert(
      fc.property(programArb, (p) => {
        const info = threeWays(functionOf(p), operandsOf(p));
        if (info.fusedGroups > 0) fusedSome++;
      }),
      { numRuns: 150 },
    );
    expect(fusedSome).toBeGreaterThan(50);
  });

  it('gradients: logsumexp of a broadcast sum, its fused VJP recomputing the sum, equal bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(1), fc.nat(1000), fc.array(value, { minLength: 4, maxLength: 4 }), (m, k, axis, seed, special) => {
        const a0 = ad.random.normal(ad.random.key(seed), [m, 1]).toFloat64Array();
        const b = ad.random.normal(ad.random.key(seed + 1), [m, k]);
        special.forEach((v, i) => (a0[(i * 7) % a0.length] = v));
        const a = ad.tensor(a0, [m, 1]);
        // x − (−y): a broadcast sum that logsumexp does not turn into a logMatmul (ops/outerSum.ts notes adds only).
        const f = ad.valueAndGrad((x: ad.Tensor, y: ad.Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.sub(x, y), axis), ad.arange(axis === 0 ? k : m))), [0, 1]);
        const info = threeWays(f, [a, ad.neg(b)]);
        expect(info.calls['logsumexp.fusedVjp']).toBeGreaterThan(0);
        expect(info.fusedGroups).toBeGreaterThanOrEqual(2); // the forward reduction and the VJP
      }),
      { numRuns: 40 },
    );
  });

  it("the softmax VJP's cotangent summed back over a broadcast axis folds into the VJP's last pass", () => {
    const f = ad.grad((x: ad.Tensor, y: ad.Tensor) => ad.logsumexp(ad.logsumexp(ad.add(x, y), 0)), [0, 1]);
    const x = ad.tensor([[0.5], [-1], [Infinity], [2]]), y = ad.random.normal(ad.random.key(9), [4, 6]);
    const info = threeWays(f, [x, y]);
    expect(info.calls.sum).toBe(1); // x's cotangent: the VJP's output summed over axis 1
    // The forward add and logsumexp; the VJP (recomputing x + y) and the sum.
    expect([info.fusedGroups, info.fusedOps]).toEqual([2, 4]);
  });

  it('long rows (vector exp lengths) in logsumexp and its VJP, as a CRF forward algorithm', () => {
    const K = 40, n = 12;
    const logZ = (E: ad.Tensor, T: ad.Tensor) => {
      let alpha = ad.reshape(ad.take(E, [0], 0), [K]);
      // α − (−T): the broadcast form itself (an add would become a logMatmul: ops/outerSum.ts).
      for (let t = 1; t < n; t++) alpha = ad.add(ad.logsumexp(ad.sub(ad.reshape(alpha, [K, 1]), T), 0), ad.reshape(ad.take(E, [t], 0), [K]));
      return ad.logsumexp(alpha);
    };
    const E = ad.random.normal(ad.random.key(3), [n, K]), T = ad.random.normal(ad.random.key(4), [K, K]);
    const T2 = ad.tensor(T.toFloat64Array().map((v, i) => (i % 97 === 0 ? -Infinity : v)), [K, K]);
    const info = threeWays(ad.valueAndGrad(logZ, [0, 1]), [E, ad.neg(T)], [E, ad.neg(T2)]);
    expect(info.fusedGroups).toBeGreaterThanOrEqual(2 * n);
    expect(info.fusedOps).toBeGreaterThan(info.fusedGroups);
  });

  it('broadcasting: a row, a column and a 0-d value into one loop', () => {
    const f = (x: ad.Tensor, r: ad.Tensor, c: ad.Tensor, s: ad.Tensor) => ad.sum(ad.mul(ad.add(ad.sub(x, r), c), ad.exp(s)), 1);
    const x = ad.random.normal(ad.random.key(1), [4, 5, 6]);
    const r = ad.tensor([-0, 1, NaN, Infinity, -Infinity, 2]);
    const c = ad.random.normal(ad.random.key(2), [5, 1]);
    const info = threeWays(f, [x, r, c, ad.scalar(0.25)]);
    expect(info.fusedGroups).toBe(1);
    expect(info.fusedOps).toBe(4); // sub, add, mul and the sum; exp(s) is 0-d (a number)
  });

  it('long arrays of exp, log1p and tanh stay with their kernels (vector or threaded), the rest fuses around them', () => {
    const x = ad.tensor(Float64Array.from({ length: 20000 }, (_, i) => (i % 13 === 0 ? SPECIAL[i % SPECIAL.length]! : Math.sin(i) * 3)), [20000]);
    const info = threeWays((t: ad.Tensor) => ad.sum(ad.mul(ad.add(ad.log1p(ad.abs(t)), ad.exp(ad.neg(t))), ad.tanh(t))), [x]);
    // abs and neg each form no group alone; log1p, exp and tanh run as calls; add, mul and sum fuse.
    expect([info.fusedGroups, info.fusedOps]).toEqual([1, 3]);
    const f = (t: ad.Tensor) => ad.sum(ad.mul(ad.add(ad.log1p(ad.abs(t)), ad.exp(ad.neg(t))), ad.tanh(t)));
    const short = threeWays(f, [ad.tensor(x.toFloat64Array().subarray(0, 40))]);
    expect([short.fusedGroups, short.fusedOps]).toEqual([1, 8]);
    // From 64 elements exp and tanh run in their vector kernels (the same bits as Math.exp and Math.tanh); log1p fuses up to 8,191.
    const middle = threeWays(f, [ad.tensor(x.toFloat64Array().subarray(0, 100))]);
    expect([middle.fusedGroups, middle.fusedOps]).toEqual([1, 5]);
  });

  it('a reduction over several axes fuses only when they are trailing (the kernel folds others one axis at a time)', () => {
    const x = ad.random.normal(ad.random.key(5), [3, 4, 5]);
    const trailing = threeWays((t: ad.Tensor) => ad.sum(ad.exp(t), [1, 2]), [x]);
    expect(trailing.fusedGroups).toBe(1);
    const leading = threeWays((t: ad.Tensor) => ad.sum(ad.exp(t), [0, 1]), [x]);
    expect(leading.fusedGroups).toBe(0);
  });

  it('does not fuse a producer read outside the group before the root, nor delay it', () => {
    // y is read by the matmul before z: z cannot take y (exp is not cheap enough to compute twice).
    const f = (x: ad.Tensor) => {
      const y = ad.exp(x);
      return ad.mul(y, ad.matmul(y, y));
    };
    const info = threeWays(f, [ad.random.normal(ad.random.key(6), [3, 3])]);
    expect(info.fusedGroups).toBe(0);
  });

  it('a producer read earlier outside the group stays where it is, and so does what it reads', () => {
    // c = a − 1 is read by the matmul before the root: the root's group reads c, and a must not
    // be taken into the root's group either, since c's own call reads it before the root runs.
    const f = (x: ad.Tensor) => {
      const a = ad.exp(x);
      const c = ad.sub(a, 1);
      const m = ad.matmul(c, c);
      return ad.add(ad.add(c, m), ad.mul(a, 2));
    };
    const info = threeWays(f, [ad.random.normal(ad.random.key(8), [3, 3])]);
    // The root's group: both adds and the mul; then c's own group with a (both kept).
    expect(info.fusedGroups).toBe(2);
    expect(info.fusedOps).toBe(5);
  });

  it('a group member that is also an output is written out', () => {
    const f = (x: ad.Tensor) => {
      const y = ad.exp(x);
      return [y, ad.add(ad.mul(y, 2), 1)];
    };
    const info = threeWays(f, [ad.tensor([0, -0, NaN, Infinity, -Infinity, 1])]);
    expect(info.fusedGroups).toBe(1);
    expect(info.fusedOps).toBe(3);
  });

  it('codegen off: no groups, the calls one by one', () => {
    ad.config({ codegen: false });
    const f = ad.jit((x: ad.Tensor) => ad.logsumexp(ad.add(x, 1), 0));
    f(ad.tensor([1, 2, 3]));
    f(ad.tensor([1, 2, 3]));
    const info = f.cacheInfo()[0]!;
    expect(info.fusedGroups).toBe(0);
    expect(info.calls).toEqual({ add: 1, logsumexp: 1 });
  });

  it('generated bodies are cached by structure: re-recording, or new sizes, compile nothing', () => {
    const f = ad.jit((x: ad.Tensor, y: ad.Tensor) => ad.max(ad.mul(ad.sub(x, y), ad.sigmoid(x)), 1));
    f(ad.ones([3, 4]), ad.ones([4]));
    f(ad.ones([3, 4]), ad.ones([4]));
    const before = fusionStats.compiled;
    f.clearCache();
    f(ad.ones([3, 4]), ad.ones([4]));
    f(ad.ones([3, 4]), ad.ones([4]));
    f(ad.ones([7, 9]), ad.ones([9]));
    f(ad.ones([7, 9]), ad.ones([9]));
    expect(fusionStats.compiled).toBe(before);
    expect(f.cacheInfo().map((e) => e.fusedGroups)).toEqual([1, 1]);
  });
});
