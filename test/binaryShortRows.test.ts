/**
 * @file Two-operand ops broadcast over a 2-D output of short rows (a bias [n], a column [m, 1], an
 * outer [m, 1] × [1, n]) — walked in one double loop below 64 columns (tensor/kernels/binary.ts
 * shortRows), by rows above — against a naive loop over the broadcast indices, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const ops = { add: (x: number, y: number) => x + y, sub: (x: number, y: number) => x - y, mul: (x: number, y: number) => x * y, div: (x: number, y: number) => x / y, pow: (x: number, y: number) => (x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : x ** y) }; // IEEE pow (ops: ieeePow)

function values(shape: number[], seed: number): Float64Array {
  const size = shape.reduce((p, d) => p * d, 1);
  let s = seed;
  // Signed zeros, infinities and NaN among ordinary numbers.
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-310];
  return Float64Array.from({ length: size }, (_, i) => {
    s = (s * 16807) % 2147483647;
    return i % 11 === 7 ? special[s % special.length]! : (s / 2147483647) * 4 - 2;
  });
}

describe('a 2-D broadcast of short rows', () => {
  const cases: Array<[number[], number[]]> = [];
  for (const [m, n] of [[1, 1], [3, 1], [4, 5], [7, 63], [2, 64], [3, 65], [130, 10]]) {
    cases.push([[m, n], [n]], [[n], [m, n]], [[m, n], [m, 1]], [[m, 1], [m, n]], [[m, 1], [1, n]], [[1, n], [m, 1]], [[m, n], [1, n]], [[m, n], [m, n]]);
  }
  it.each(Object.keys(ops))('%s equals the naive loop over broadcast indices, bit for bit', (name) => {
    const op = ops[name as keyof typeof ops];
    cases.forEach(([sa, sb], k) => {
      const a = values(sa, 3 + k), b = values(sb, 101 + k);
      const out = (ad as unknown as Record<string, (x: ad.Tensor, y: ad.Tensor) => ad.Tensor>)[name]!(ad.tensor(a, sa), ad.tensor(b, sb));
      const [m, n] = out.shape as [number, number];
      const at = (v: Float64Array, s: number[], i: number, j: number) => v[(s.length === 2 ? (s[0] === 1 ? 0 : i) * s[1]! : 0) + (s[s.length - 1] === 1 ? 0 : j)]!;
      const got = out.toFloat64Array();
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const want = op(at(a, sa, i, j), at(b, sb, i, j));
          if (!Object.is(got[i * n + j], want)) expect(got[i * n + j], `${name} ${JSON.stringify([sa, sb])} at [${i}, ${j}]`).toBe(want);
        }
      }
    });
  });
});
