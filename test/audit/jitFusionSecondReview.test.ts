/**
 * @file Second adversarial review of `ad.jit`'s fused loops (src/jit/elementwiseFusion.ts,
 * elementwiseCodegen.ts) after three changes: a fused `sum` over contiguous rows collects each row
 * into a reused scratch buffer and adds it in NumPy's pairwise order (kernels/rowSum.ts), as does
 * logsumexp's fused VJP and its epilogue (the VJP's output summed back over a broadcast axis);
 * reductions whose reduced axes are innermost fold each row in a local (`rowDepth`); pointers whose
 * innermost stride is 0 or 1 step by a constant (`innerSteps`).
 *
 * The contract: the fused replay, the unfused replay (codegen off) and the function run without
 * jit give the same bits. The property tests of test/jitFusion.test.ts use axes of length ≤ 5, where
 * pairwise and left-to-right sums coincide; here the axes run to 300 and one axis to 8191–8193
 * (a block of 8192 and past it), so a sum added in another order shows in the last bits.
 * A scratch fuzzer of the same design (≈ 20,000 programs, ranks 1–4, lengths 1…300 and
 * 8191–16385, gradients with broadcast biases) found no value difference; it caught each of four
 * planted mistakes (left-to-right row sums, a stride read as 1, the epilogue's rows summed in
 * order, the row's output index one level off). Those mutants are what the cases below pin.
 *
 * NaN payloads are compared as one NaN: ECMAScript leaves NaN bit patterns to the engine, and
 * V8's optimizing tier can return either operand's NaN from NaN + NaN (observed: fused and unfused
 * replays differing only in a NaN's sign bit under default flags, never with --no-opt), so a test
 * on them would be flaky without meaning anything about order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { rowSum } from '../../src/tensor/kernels/rowSum.js';

/** Bits of every leaf (every NaN written as the one quiet NaN, −0 kept), for exact comparison. */
function bitsOf(r: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v instanceof ad.Tensor) {
      const x = v.toFloat64Array().slice(), u = new Uint32Array(x.buffer);
      for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) { u[2 * i] = 0; u[2 * i + 1] = 0x7ff80000; } // little-endian words
      out.push(`${v.shape.join('x')}:${Buffer.from(x.buffer).toString('hex')}`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else out.push(String(Object.is(v, -0) ? '-0' : v));
  };
  walk(r);
  return out;
}

/** A companion jitted function run between replays: it shares the fused loops' scratch buffer. */
const other = ad.jit((x: ad.Tensor) => ad.logsumexp(ad.mul(ad.add(x, 1), 0.5), -1));
const otherArg = ad.random.normal(ad.random.key(5), [3, 700]);

/**
 * `f` at three argument sets: jitted with code generation (record, replay, the companion, replay),
 * jitted without, and eager; replays 2 and 3 must agree bit for bit. Returns the fused entry.
 */
function threeWays(f: (...xs: ad.Tensor[]) => unknown, sets: ad.Tensor[][]): ad.JitCacheEntry {
  const fused = ad.jit(f);
  fused(...sets[0]!);
  const a1 = fused(...sets[1]!);
  other(otherArg);
  const a2 = fused(...sets[2]!);
  ad.config({ codegen: false });
  let b1: unknown, b2: unknown;
  try {
    const plain = ad.jit(f);
    plain(...sets[0]!);
    b1 = plain(...sets[1]!);
    b2 = plain(...sets[2]!);
  } finally {
    ad.config({ codegen: true });
  }
  const a = bitsOf([a1, a2]);
  expect(a).toEqual(bitsOf([b1, b2]));
  expect(a).toEqual(bitsOf([f(...sets[1]!), f(...sets[2]!)]));
  return fused.cacheInfo()[0]!;
}

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-300, 5e-324, 1e308, -1e308, 700, -700, 1e16, 0.1];

/** Values of `shape` from `seed` (scaled normals), with `special` entries spread over them. */
function valuesOf(shape: number[], seed: number, special: readonly number[]): ad.Tensor {
  const v = ad.random.normal(ad.random.key(seed), shape).toFloat64Array().map((x) => x * (1 + (seed % 3) * 40));
  special.forEach((s, i) => v.length > 0 && (v[(i * 7919 + seed) % v.length] = s));
  return ad.tensor(v, shape);
}

const LENGTH = fc.constantFrom<number>(1, 2, 3, 7, 8, 9, 16, 17, 127, 128, 129, 130, 300);
/** Ranks 1–4 with lengths up to 300 (sizes ≤ 12,000), or one axis of 8191–8193 beside short ones. */
const shapeArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(LENGTH, { minLength: 1, maxLength: 4 }).filter((s) => s.reduce((a, b) => a * b, 1) <= 12000) } as const,
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(fc.constantFrom<number>(1, 2, 3), { minLength: 0, maxLength: 2 }), fc.constantFrom<number>(8191, 8192, 8193), fc.nat(2))
      .map(([rest, long, at]) => { const s: number[] = [...rest]; s.splice(at % (rest.length + 1), 0, long); return s; }),
  },
);
const UNARY = ['neg', 'square', 'abs', 'sqrt', 'log', 'exp', 'tanh', 'sigmoid', 'relu'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'greater', 'less', 'equal'] as const;
type Step = { readonly op: string; readonly a: number; readonly b: number | 'c'; readonly c: number };
const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom<string>(...UNARY, ...BINARY, ...BINARY, 'where'),
  a: fc.nat(9), b: fc.oneof(fc.nat(9), fc.constant<'c'>('c')), c: fc.constantFrom(2, -0.5, 0, 3.25),
});
/** Where the reduction reads: the last axis, a trailing block from `k`, axis `k`, or all axes. */
const ENDINGS = ['sum', 'sum', 'max', 'min', 'logsumexp', 'logsumexp', 'mean', 'softmax', 'logSoftmax', 'none'] as const;
const programArb = shapeArb.chain((shape) => fc.record({
  shape: fc.constant(shape),
  // The second operand's shape: some axes 1, some leading axes dropped, or 0-d.
  other: fc.tuple(fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.nat(shape.length), fc.boolean())
    .map(([ones, drop, scalar]) => (scalar ? [] : shape.map((v, i) => (ones[i] ? 1 : v)).slice(drop % shape.length))),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 5 }),
  ending: fc.constantFrom(...ENDINGS),
  axes: fc.tuple(fc.constantFrom('last', 'block', 'one', 'all'), fc.nat(3)),
  keepdims: fc.boolean(), keep: fc.boolean(),
  mode: fc.constantFrom('value', 'grad', 'valueAndGrad'),
  seed: fc.nat(1000),
  special: fc.array(fc.constantFrom(...SPECIAL), { maxLength: 4 }),
}));
type Program = typeof programArb extends fc.Arbitrary<infer T> ? T : never;

/** The program's function of (x, y): a chain, then its ending, then (for gradients) a weighted sum. */
function functionOf(p: Program): (x: ad.Tensor, y: ad.Tensor) => unknown {
  const rank = p.shape.length, [kind, k] = p.axes;
  const axes = kind === 'last' ? [rank - 1] : kind === 'block' ? Array.from({ length: rank - (k % rank) }, (_, i) => (k % rank) + i) : kind === 'one' ? [k % rank] : undefined;
  const body = (x: ad.Tensor, y: ad.Tensor) => {
    const vs: ad.Tensor[] = [x, y];
    const at = (i: number) => vs[vs.length - 1 - (i % Math.min(vs.length, 4))]!;
    const fns = ad as unknown as Record<string, (...a: unknown[]) => ad.Tensor>;
    for (const s of p.steps) {
      const b = s.b === 'c' ? s.c : at(s.b);
      vs.push(s.op === 'where' ? ad.where(at(s.a), at(s.a + 1), b) : (UNARY as readonly string[]).includes(s.op) ? fns[s.op]!(at(s.a)) : fns[s.op]!(at(s.a), b));
    }
    const v = ad.add(vs[vs.length - 1]!, ad.mul(x, 0.5)); // the domain's shape
    const r = p.ending === 'none' ? v : p.ending === 'softmax' || p.ending === 'logSoftmax' ? ad[p.ending](v, axes?.[0] ?? 0)
      : ad[p.ending](v, axes, p.keepdims);
    return [r, v] as const;
  };
  if (p.mode === 'value') return (x, y) => { const [r, v] = body(x, y); return p.keep ? [r, v] : r; };
  const loss = (x: ad.Tensor, y: ad.Tensor) => {
    const [r, v] = body(x, y);
    const w = ad.tensor(Float64Array.from({ length: r.size }, (_, i) => ((i * 7919) % 13) / 4 - 1.5), r.shape);
    const s = ad.sum(ad.mul(r, w));
    return p.keep ? ad.add(s, ad.sum(ad.mul(v, 0.25))) : s;
  };
  return p.mode === 'grad' ? ad.grad(loss, [0, 1]) : ad.valueAndGrad(loss, [0, 1]);
}

describe('fused loops over long axes (pairwise row sums, row-local folds, constant steps)', () => {
  it('random chains ending in reductions, and their gradients, give the same bits three ways', () => {
    let fused = 0;
    fc.assert(
      fc.property(programArb, (p) => {
        const sets = [0, 1, 2].map((k) => [valuesOf(p.shape, p.seed + 10 * k, k === 0 ? [] : p.special), valuesOf(p.other, p.seed + 10 * k + 1, [])]);
        if (threeWays(functionOf(p), sets).fusedGroups > 0) fused++;
      }),
      { seed: 76, numRuns: 100 },
    );
    expect(fused).toBeGreaterThan(70);
  });

  it('a fused sum over rows of 8193 adds in NumPy order, not left to right (the test can tell them apart)', () => {
    const n = 8193, x = valuesOf([3, n], 7, []), y = valuesOf([n], 8, []);
    const f = (a: ad.Tensor, b: ad.Tensor) => ad.sum(ad.mul(ad.add(a, b), 1.5), -1);
    const info = threeWays(f, [[x, y], [y.reshape([1, n]).add(x), y], [x, ad.neg(y)]]);
    expect(info.fusedGroups).toBe(1);
    // The row's terms summed left to right differ from the result: the order is what is pinned.
    const t = ad.mul(ad.add(x, y), 1.5).toFloat64Array();
    const row = t.subarray(n, 2 * n);
    let seq = 0;
    for (const v of row) seq += v;
    const fusedRow = ad.jit(f);
    fusedRow(x, y);
    const got = fusedRow(x, y).toFloat64Array()[1]!;
    expect(got).toBe(rowSum(row, 0, n));
    expect(got).not.toBe(seq);
  });

  it('logsumexp over rows and columns of x + bias, the bias along rows ([B, 1]) and columns ([n]): the VJP and its epilogue', () => {
    for (const [B, n] of [[3, 8193], [130, 129], [1, 128]] as const) {
      for (const bias of [[B, 1], [n], []]) {
        for (const axis of [0, 1]) {
          // b − x: b's cotangent is the VJP's output summed back (the epilogue; x − b would sum its
          // negation), and where b is constant along the other axis x + b would become a logMatmul (ops/outerSum.ts).
          const f = ad.valueAndGrad((x: ad.Tensor, b: ad.Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.sub(b, x), axis), 0.75)), [0, 1]);
          const sets = [0, 1, 2].map((k) => [valuesOf([B, n], 100 + k, k === 2 ? [-Infinity, Infinity, NaN] : []), valuesOf(bias, 200 + k, [])]);
          if (B * n > 2000 && axis === 1) sets[1]![0] = ad.tensor(sets[1]![0]!.toFloat64Array().fill(-Infinity, 0, n), [B, n]); // an all −∞ row
          const info = threeWays(f as (...xs: ad.Tensor[]) => unknown, sets);
          expect(info.fusedGroups).toBeGreaterThanOrEqual(2);
        }
      }
    }
  });

  it('softmax, logSoftmax and mean over long rows, with a broadcast bias and trailing length-1 axes', () => {
    const shapes: Array<[number[], number[], number]> = [[[2, 8193, 1], [8193, 1], 1], [[4, 129, 1], [4, 1, 1], 1], [[129, 130], [130], 0], [[7, 9, 8], [9, 1], 2]];
    for (const [shape, bias, axis] of shapes) {
      for (const op of ['softmax', 'logSoftmax', 'mean'] as const) {
        const f = ad.valueAndGrad((x: ad.Tensor, b: ad.Tensor) => {
          const v = ad.sub(x, b);
          const r = op === 'mean' ? ad.mean(ad.square(v), axis, true) : ad[op](v, axis);
          return ad.sum(ad.mul(r, ad.tanh(v)));
        }, [0, 1]);
        threeWays(f as (...xs: ad.Tensor[]) => unknown, [0, 1, 2].map((k) => [valuesOf(shape, 300 + k, k === 1 ? [NaN, -0, 1e308, 1e308] : []), valuesOf(bias, 400 + k, [])]));
      }
    }
  });

  it('a kept member beside its reduction, two jitted functions interleaved, a jitted function calling another', () => {
    const inner = ad.jit((x: ad.Tensor, b: ad.Tensor) => ad.sum(ad.mul(ad.add(x, b), 0.1), -1));
    const inner2 = ad.jit((x: ad.Tensor) => ad.logsumexp(ad.sub(x, 0.5), 0));
    const outer = (x: ad.Tensor, b: ad.Tensor, y: ad.Tensor) => {
      const t = ad.mul(ad.add(x, b), 3);
      return [ad.add(ad.sum(inner(x, b)), ad.sum(inner2(y))), t, ad.sum(t, 1), ad.max(t, 1, true)];
    };
    for (const [B, n, m] of [[3, 8193, 20000], [5, 129, 7]] as const) {
      const sets = [0, 1, 2].map((k) => [valuesOf([B, n], 500 + k, []), valuesOf([n], 600 + k, []), valuesOf([m, 2], 700 + k, [])]);
      const info = threeWays(outer as (...xs: ad.Tensor[]) => unknown, sets);
      expect(info.fusedGroups).toBeGreaterThanOrEqual(3);
      threeWays(ad.valueAndGrad((x: ad.Tensor, b: ad.Tensor, y: ad.Tensor) => ad.sum(ad.jit(outer)(x, b, y)[0] as ad.Tensor), [0, 1, 2]) as (...xs: ad.Tensor[]) => unknown, sets);
    }
  });
});
