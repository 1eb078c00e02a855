/**
 * @file Kernels that write into uninitialized memory (`uninitializedF64`) write every entry before
 * anything reads it: with the memory poisoned (every such array starting as NaN, at every length)
 * each op's value, VJP, JVP and second-order VJP must come out bit for bit as without.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { poisonUninitialized, uninitializedF64 } from '../src/tensor/alloc.js';
import { opTable, sample } from './ops.table.js';

afterEach(() => poisonUninitialized(false));

const values = (t: Tensor | null | undefined): number[] => (t ? Array.from(t.toFloat64Array()) : []);

/** Every number `run` produces, computed without and with the poison; equal bit for bit (NaN = NaN, −0 ≠ 0). */
function expectSameWithPoison(run: () => number[]): void {
  const plain = run();
  poisonUninitialized(true);
  let poisoned: number[];
  try {
    poisoned = run();
  } finally {
    poisonUninitialized(false);
  }
  expect(poisoned.length).toBe(plain.length);
  const differs = plain.findIndex((v, i) => !Object.is(v, poisoned[i]));
  expect(differs, `entry ${differs}: ${plain[differs]} without the poison, ${poisoned[differs]} with it`).toBe(-1);
}

/** Value, VJP (cotangent from a seed), JVP and the VJP of ⟨VJP, w⟩ — a second-order pass — of `fn` at `args`. */
function derivatives(fn: (...xs: Tensor[]) => Tensor, args: Tensor[], seed: number): number[] {
  const [out, pullback] = ad.vjp(fn, ...args);
  const g = ad.random.normal((out as Tensor).shape, seed);
  const cts = pullback(g) as Array<Tensor | null>;
  const [, tangent] = ad.jvp(fn, args, args.map((a, k) => ad.random.normal(a.shape, seed + 1 + k)));
  const weights = args.map((a, k) => ad.random.normal(a.shape, seed + 11 + k));
  const inner = (...xs: Tensor[]) => {
    const c = ad.vjp(fn, ...xs)[1](g) as Array<Tensor | null>;
    return c.reduce<Tensor>((acc, ct, k) => (ct ? ad.add(acc, ad.sum(ad.mul(ct, weights[k]!))) : acc), ad.tensor(0));
  };
  const second = ad.vjp(inner, ...args)[1](ad.tensor(1)) as Array<Tensor | null>;
  return [...values(out as Tensor), ...cts.flatMap(values), ...values(tangent as Tensor), ...second.flatMap(values)];
}

describe('every op of the table, with its output memory poisoned', () => {
  const cases = opTable.filter((row) => !row.zeroGradient && !row.domains.includes('index'))
    .flatMap((row) => row.shapes.slice(-1).map((shapes) => ({ name: row.name, row, shapes })));
  it.each(cases)('$name at $shapes', ({ row, shapes }) => {
    const args = shapes.map((s, k) => sample(row.domains[k]!, s, 31 + 13 * k));
    expectSameWithPoison(() => derivatives(row.fn, args, 5));
  });
});

describe('the large-array paths, with their output memory poisoned', () => {
  const x = ad.random.normal([96, 64], 1), y = ad.random.normal([96, 64], 2), b = ad.random.normal([64], 3);
  const programs: Array<{ name: string; fn: (...xs: Tensor[]) => Tensor; args: Tensor[] }> = [
    { name: 'tanh(x + b), broadcast', fn: (x, b) => ad.tanh(ad.add(x, b)), args: [x, b] },
    { name: 'elementwise chain', fn: (x, y) => ad.mul(ad.sigmoid(ad.sub(x, y)), ad.exp(ad.div(y, ad.add(ad.square(x), 1)))), args: [x, y] },
    { name: 'where, maximum, atan2', fn: (x, y) => ad.add(ad.where(ad.greater(x, y), x, y), ad.add(ad.maximum(x, y), ad.atan2(x, y))), args: [x, y] },
    { name: 'logSoftmax, logsumexp', fn: (x) => ad.add(ad.logSoftmax(x, -1), ad.logsumexp(x, 0)), args: [x] },
    { name: 'softmax over axis 0', fn: (x) => ad.softmax(x, 0), args: [x] },
    { name: 'cumsum, transpose, concat', fn: (x, y) => ad.concat([ad.cumsum(x, 0), ad.reshape(ad.transpose(y), [96, 64])], 0), args: [x, y] },
    { name: 'matmul (WebAssembly)', fn: (x, y) => ad.matmul(x, ad.transpose(y)), args: [x, y] },
    { name: 'matmul with 3 rows (JavaScript)', fn: (a, y) => ad.matmul(a, y), args: [ad.random.normal([3, 96], 4), y] },
    { name: 'matmul of depth 5 (JavaScript)', fn: (a, c) => ad.matmul(a, c), args: [ad.random.normal([90, 5], 5), ad.random.normal([5, 70], 6)] },
    { name: 'outer product (depth 1)', fn: (a, c) => ad.matmul(a, c), args: [ad.random.normal([80, 1], 7), ad.random.normal([1, 90], 8)] },
    { name: 'batched matmul, broadcast', fn: (a, c) => ad.matmul(a, c), args: [ad.random.normal([3, 40, 12], 9), ad.random.normal([12, 50], 10)] },
    { name: 'take along an axis', fn: (x) => ad.take(x, ad.tensor([5, 0, 5, 95, 17]), 0), args: [x] },
    // Matrix chains: prefixes, values and cotangents carved from uninitialized chunks or one array.
    { name: 'chainMatmul, 12 stacked 32×32 (native or resident)', fn: (s) => ad.chainMatmul(s), args: [ad.mul(ad.random.normal([12, 32, 32], 11), 0.2)] },
    { name: 'sum of chainMatmul, 12 stacked 32×32 (rank-one cotangent)', fn: (s) => ad.sum(ad.chainMatmul(s)), args: [ad.mul(ad.random.normal([12, 32, 32], 12), 0.2)] },
    { name: 'chainMatmul of a list, 20×20 and 20×9', fn: (a, b, c) => ad.chainMatmul([a, b, c]), args: [ad.random.normal([20, 20], 13), ad.random.normal([20, 20], 14), ad.random.normal([20, 9], 15)] },
    { name: 'chainMatmul of a list, 6×6 (small products)', fn: (a, b, c, d) => ad.chainMatmul([a, b, c, d]), args: [6, 7, 8, 9].map((seed) => ad.random.normal([6, 6], seed)) },
    { name: 'sum of chainMatmul, 40 stacked 8×8', fn: (s) => ad.sum(ad.chainMatmul(s)), args: [ad.mul(ad.random.normal([40, 8, 8], 16), 0.3)] },
  ];
  it.each(programs)('$name', ({ fn, args }) => {
    expectSameWithPoison(() => derivatives(fn, args, 21));
  });

  it('the poison is NaN at every length, and an empty product is still zeros', () => {
    poisonUninitialized(true);
    for (const n of [1, 9, 5000]) expect(uninitializedF64(n).every(Number.isNaN)).toBe(true);
    // k = 0: nothing to add, so every entry of the fresh result is the JavaScript path's zero fill.
    expect(values(ad.matmul(ad.zeros([5, 0]), ad.zeros([0, 6])))).toEqual(new Array(30).fill(0));
  });
});
