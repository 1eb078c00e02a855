/**
 * @file chainMatmul's gradient where the output's cotangent has rank one (sum of the product, a
 * bilinear form αᵀPβ): matrix–vector products instead of the prefix sweep
 * (src/tensor/kernels/chainRankOne.ts), against the O(n²) leave-one-out oracle and the fold of
 * ad.matmul, list and stack forms, square and rectangular, resident extents or not, from 24 rows
 * on (and the sweep below); cotangents that only look like rank one take the general sweep.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { chainGradient, type Mat } from './oracle.js';
import { expectNear } from './cases.js';
import { rankOneCotangents, rankOneFactors } from '../../src/tensor/kernels/chainRankOne.js';
import type { Matrix, OneBuffer } from '../../src/tensor/kernels/chain.js';
import { nativeRankOneChain, useNativeKernel } from '../../src/tensor/kernels/native/nativeGemm.js';
import { nativeState, restoreNative } from '../nativeState.js';

const toMat = (t: Tensor) => t.toArray() as Mat;

function chainOf(extents: number[], seed: number): Tensor[] {
  return extents.slice(1).map((c, i) => ad.mul(ad.random.normal([extents[i]!, c], seed + i), 1 / Math.sqrt(extents[i]!)));
}

/** The oracle's gradients for the output cotangent g, flattened. */
const oracleOf = (ms: Tensor[], g: Mat) => chainGradient(ms.map(toMat), g).map((m) => m.flat());

describe('chainMatmul with a rank-one output cotangent', () => {
  // The path runs from 24 rows of the product on (below, the sweep of matrix products is faster).
  const shapes: Array<[string, number[]]> = [
    ['24×24 (resident extents)', [24, 24, 24, 24, 24, 24]],
    ['26×26 (not multiples of 4)', [26, 26, 26, 26, 26]],
    ['rectangular', [25, 5, 2, 7, 4]],
    ['a tall product of thin factors', [30, 1, 1, 3, 2]],
    ['12×12 and 16×16 (natively from 8 rows; the sweep without the addon)', [12, 12, 12, 16, 16]],
    ['8×8 (natively from 8 rows; the sweep without the addon)', [8, 8, 8, 8, 8, 8]],
    ['below the threshold (the sweep): 6×6', [6, 6, 6, 6, 6]],
  ];

  it.each(shapes)('%s: the gradient of sum(P) and of αᵀPβ equal the leave-one-out oracle and the fold of matmul', (_, extents) => {
    const ms = chainOf(extents, 31 * extents.length + extents[1]!);
    const rows = extents[0]!, cols = extents[extents.length - 1]!;
    const alpha = ad.random.normal([rows], 7), beta = ad.random.normal([cols], 8);
    const losses: Array<[string, (P: Tensor) => Tensor, Mat]> = [
      ['sum', (P) => ad.sum(P), Array.from({ length: rows }, () => new Array<number>(cols).fill(1))],
      ['bilinear', (P) => ad.dot(alpha, ad.matmul(P, beta)), (alpha.toArray() as number[]).map((a) => (beta.toArray() as number[]).map((b) => a * b))],
    ];
    for (const [name, loss, g] of losses) {
      const grads = ad.grad((xs: Tensor[]) => loss(ad.chainMatmul(xs)))(ms) as Tensor[];
      const fold = ad.grad((xs: Tensor[]) => loss(xs.reduce((acc, m) => ad.matmul(acc, m))))(ms) as Tensor[];
      const oracle = oracleOf(ms, g);
      grads.forEach((gr, i) => {
        expect(gr.shape).toEqual(ms[i]!.shape);
        expectNear(gr.toFloat64Array(), oracle[i]!, 1e-12, oracle[i]!.map(() => 1), `${name} factor ${i}`);
        expectNear(gr.toFloat64Array(), Array.from(fold[i]!.toFloat64Array()), 1e-12, oracle[i]!.map(() => 1), `${name} factor ${i} (fold)`);
      });
    }
  });

  it('the stack form [n, s, s] gives the list form\'s bits, and gradients of some factors only', () => {
    // 24×24 reads the factors where they lie; 8×8 where the forward pass left them, in the
    // WebAssembly kernel's memory (its tape), one array in place of a list.
    for (const s of [24, 8]) {
      const stack = ad.mul(ad.random.normal(ad.random.key(9), [40, s, s]), 1 / Math.sqrt(s));
      const factors = Array.from({ length: 40 }, (_, i) => ad.take(stack, i, 0));
      const gs = ad.grad((t: Tensor) => ad.sum(ad.chainMatmul(t)))(stack);
      const gl = ad.grad((xs: Tensor[]) => ad.sum(ad.chainMatmul(xs)))(factors) as Tensor[];
      expect(Array.from(gs.toFloat64Array())).toEqual(gl.flatMap((g) => Array.from(g.toFloat64Array())));
      const oracle = oracleOf(factors, Array.from({ length: s }, () => new Array<number>(s).fill(1)));
      gl.forEach((g, i) => expectNear(g.toFloat64Array(), oracle[i]!, 1e-12, oracle[i]!.map(() => 1), `${s}×${s} factor ${i}`));
    }
    // Only the middle factor differentiated: the others are constants (needs mostly false).
    const [a, b, c] = chainOf([24, 3, 5, 2], 3);
    const gb = ad.grad((x: Tensor) => ad.sum(ad.chainMatmul([a!, x, c!])))(b!);
    const ones = Array.from({ length: 24 }, () => [1, 1]);
    expectNear(gb.toFloat64Array(), oracleOf([a!, b!, c!], ones)[1]!, 1e-13, new Array(15).fill(1), 'middle factor');
  });

  it('a zero cotangent gives zero gradients; a NaN or an infinite one takes the general sweep, as the fold', () => {
    const ms = chainOf([24, 24, 24, 24], 12);
    const zero = ad.grad((xs: Tensor[]) => ad.mul(0, ad.sum(ad.chainMatmul(xs))))(ms) as Tensor[];
    zero.forEach((g) => expect(Array.from(g.toFloat64Array()).every((x) => x === 0)).toBe(true));
    for (const bad of [NaN, Infinity]) {
      const w = ad.tensor(Array.from({ length: 576 }, (_, i) => (i === 5 ? bad : 1)), [24, 24]);
      const g = ad.grad((xs: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(xs), w)))(ms) as Tensor[];
      const f = ad.grad((xs: Tensor[]) => ad.sum(ad.mul(xs.reduce((acc, m) => ad.matmul(acc, m)), w)))(ms) as Tensor[];
      g.forEach((gi, i) => expect(Array.from(gi.toFloat64Array()).map(Number.isNaN)).toEqual(Array.from(f[i]!.toFloat64Array()).map(Number.isNaN)));
    }
  });

  it('recognises rank one within a few roundings and nothing coarser', () => {
    const alpha = [0.3, -1.7, 2.9e-8, 4.1e5], beta = [1.1, -0.2, 3.3];
    const g = new Float64Array(alpha.flatMap((a) => beta.map((b) => a * b)));
    const uv = rankOneFactors(g, 4, 3)!;
    expect(uv).not.toBeNull();
    g.forEach((x, at) => expect(Math.abs(x - uv.u[Math.floor(at / 3)]! * uv.v[at % 3]!)).toBeLessThanOrEqual(8 * Number.EPSILON * Math.abs(x)));
    // One entry off by a relative 1e-12: not rank one (the general sweep runs).
    const off = g.slice();
    off[7]! *= 1 + 1e-12;
    expect(rankOneFactors(off, 4, 3)).toBeNull();
    expect(rankOneFactors(new Float64Array([1, 0, 0, 1]), 2, 2)).toBeNull(); // the identity: rank two
    expect(rankOneFactors(new Float64Array(6), 2, 3)).toEqual({ u: new Float64Array(2), v: new Float64Array(3) });
    expect(rankOneFactors(new Float64Array([1, NaN, 1, 1]), 2, 2)).toBeNull();
    expect(rankOneFactors(new Float64Array([1, Infinity, 1, 1]), 2, 2)).toBeNull();
  });

  it('a full-rank cotangent near rank one (the general sweep) and the rank-one one agree with the oracle alike', () => {
    const ms = chainOf([24, 24, 24, 24, 24], 40);
    const w = ad.add(ad.ones([24, 24]), ad.mul(1e-9, ad.random.normal([24, 24], 41)));
    const grads = ad.grad((xs: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(xs), w)))(ms) as Tensor[];
    const oracle = oracleOf(ms, toMat(w));
    grads.forEach((g, i) => expectNear(g.toFloat64Array(), oracle[i]!, 1e-12, oracle[i]!.map(() => 1), `near rank one, factor ${i}`));
  });
});

describe.skipIf(!nativeState().available)('the rank-one sweep natively (native/chain.cc)', () => {
  /** Factors of the given extents as plain matrices, one buffer each or all in one (at offsets). */
  function matrices(extents: number[], seed: number, oneArray: boolean): Matrix[] {
    let s = seed;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const sizes = extents.slice(1).map((c, i) => extents[i]! * c);
    const all = Float64Array.from({ length: sizes.reduce((a, b) => a + b, 0) + 3 }, (_, i) => (i % 17 === 5 ? 0 : i % 29 === 3 ? -0 : random() * 10 ** ((i % 7) - 3)));
    let at = 3;
    return extents.slice(1).map((c, i) => {
      const r = extents[i]!, m = oneArray ? { data: all, at, rows: r, cols: c } : { data: all.slice(at, at + r * c), at: 0, rows: r, cols: c };
      at += r * c;
      return m;
    });
  }
  const run = (native: boolean, ms: Matrix[], u: Float64Array, v: Float64Array, needs: boolean[], oneBuffer: boolean) => {
    useNativeKernel(native);
    try {
      const first = needs.findIndex(Boolean);
      const out = new Array<Float64Array | null>(ms.length).fill(null);
      const whole: OneBuffer | null = oneBuffer ? { array: null } : null;
      rankOneCotangents(ms, u, v, needs, first, out, whole);
      return whole !== null ? [Array.from(whole.array!)] : out.map((o) => (o === null ? null : Array.from(o)));
    } finally {
      restoreNative();
    }
  };

  it.each([
    ['square 12×12', [12, 12, 12, 12, 12, 12]],
    ['rectangular', [7, 3, 9, 1, 5, 11]],
    ['one factor', [4, 6]],
    ['long rows (not multiples of 4)', [13, 130, 5, 67]],
    ['past a chunk of 32,768 (each cotangent a view of a chunk)', [181, 190, 187]],
  ])("%s: the JavaScript loops' bits, every factor or some, in chunks or in one buffer", (_, extents) => {
    for (const oneArray of [false, true]) {
      const ms = matrices(extents, 11 + extents.length, oneArray);
      const u = Float64Array.from({ length: extents[0]! }, (_, i) => (i === 1 ? -0 : Math.cos(i + 1) * 3));
      const v = Float64Array.from({ length: extents[extents.length - 1]! }, (_, i) => Math.sin(i + 2) / 7);
      const every = ms.map(() => true), some = ms.map((_, i) => i % 2 === 1 || i === ms.length - 1);
      for (const needs of [every, some]) {
        for (const oneBuffer of [false, true]) {
          const natively = run(true, ms, u, v, needs, oneBuffer), loops = run(false, ms, u, v, needs, oneBuffer);
          expect(natively.map((o) => o?.map((x) => Object.is(x, -0) ? '-0' : x))).toEqual(loops.map((o) => o?.map((x) => Object.is(x, -0) ? '-0' : x)));
        }
      }
    }
  });

  it('refuses arguments that do not describe a chain', () => {
    const native = nativeRankOneChain()!;
    const m = new Float64Array(4), u = new Float64Array(2), v = new Float64Array(2), out = new Float64Array(4);
    const args = (...xs: number[]) => Float64Array.from(xs);
    expect(() => native([m], [out], u, v, args(1, 0, 0, 2, 2, 0))).not.toThrow();
    expect(() => native([m], [out], u, v, args(1, 0, 1, 2, 2, 0))).toThrow(RangeError); // past the factor's array
    expect(() => native([m], [out], u, v, args(1, 0, 0, 2, 2, 1))).toThrow(RangeError); // past the output's
    expect(() => native([m, m], [out, out], u, v, args(2, 0, 0, 2, 2, 0, 0, 1, 2, 0))).toThrow(RangeError); // 2×2 then 1×2
    expect(() => native([m], [out], u, v, args(1, 1, 0, 2, 2, 0))).toThrow(RangeError); // first ≥ n
    expect(() => native([m], [out], u, v, args(1, 0, 0.5, 2, 2, 0))).toThrow(/whole numbers/);
    expect(() => native([new Float32Array(4) as unknown as Float64Array], [out], u, v, args(1, 0, 0, 2, 2, 0))).toThrow(TypeError);
    expect(() => native([m], [out], new Float64Array(1), v, args(1, 0, 0, 2, 2, 0))).toThrow(RangeError); // u shorter than the rows
  });

  it('reads every array after the last getter of mats or outs has run: a getter that detaches u or a factor gets an error, not a write to freed memory', () => {
    const native = nativeRankOneChain()!;
    const args = Float64Array.from([2, 0, 0, 2, 2, 0, 0, 2, 2, 4]);
    const u = new Float64Array(2).fill(1), v = new Float64Array(2).fill(1);
    const m0 = new Float64Array(4).fill(1), out = new Float64Array(8);
    const mats: Float64Array[] = [m0];
    Object.defineProperty(mats, 1, { get: () => { structuredClone(u.buffer, { transfer: [u.buffer] }); return new Float64Array(4).fill(1); } });
    expect(() => native(mats, [out], u, v, args)).toThrow(RangeError); // u has no entries left
    const thrower: Float64Array[] = [m0];
    Object.defineProperty(thrower, 1, { get: () => { throw new Error('from a getter'); } });
    expect(() => native(thrower, [out], new Float64Array(2), v, args)).toThrow('from a getter');
    expect(Array.from(out)).toEqual(new Array(8).fill(0)); // nothing written
  });
});
