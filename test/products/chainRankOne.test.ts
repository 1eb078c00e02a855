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
import { rankOneFactors } from '../../src/tensor/kernels/chainRankOne.js';

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
    ['below the threshold (the sweep): 8×8', [8, 8, 8, 8, 8]],
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
    const stack = ad.mul(ad.random.normal(ad.random.key(9), [40, 24, 24]), 1 / Math.sqrt(24));
    const factors = Array.from({ length: 40 }, (_, i) => ad.take(stack, i, 0));
    const gs = ad.grad((t: Tensor) => ad.sum(ad.chainMatmul(t)))(stack);
    const gl = ad.grad((xs: Tensor[]) => ad.sum(ad.chainMatmul(xs)))(factors) as Tensor[];
    expect(Array.from(gs.toFloat64Array())).toEqual(gl.flatMap((g) => Array.from(g.toFloat64Array())));
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
