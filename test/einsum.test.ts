/** @file einsum against a nested-loop evaluator over random specs (diagonals, sums, broadcasting, '...', implicit outputs), its gradients, contraction order and errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { naiveEinsum } from './support/indexOracles.js';

const arr = (t: Tensor) => Array.from(t.data);
const close = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-12 * (1 + Math.abs(b[i]!)));

/**
 * A random einsum: letters from a pool with 'B' (ASCII before the lowercase ones), repeats within a
 * term (diagonals), lengths of 1 that broadcast, and '...' standing for up to two broadcast axes,
 * spelled out for the oracle as the letters 'Y', 'Z' (aligned on the right).
 */
const POOL = ['a', 'b', 'c', 'B'];
const specArb = fc.record({
  sizes: fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 6, maxLength: 6 }),
  terms: fc.array(fc.record({
    letters: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    ellipsis: fc.option(fc.record({ at: fc.nat(3), span: fc.integer({ min: 0, max: 2 }) }), { freq: 3 }),
    ones: fc.array(fc.integer({ min: 0, max: 5 }).map((v) => v === 0), { minLength: 5, maxLength: 5 }),
  }), { minLength: 1, maxLength: 3 }),
  explicit: fc.boolean(),
  keep: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  seed: fc.nat(1000),
});

function buildCase(c: typeof specArb extends fc.Arbitrary<infer T> ? T : never) {
  const width = Math.max(0, ...c.terms.map((t) => (t.ellipsis ? t.ellipsis.span : 0)));
  const broadcast = ['Y', 'Z'].slice(2 - width);
  const size = (l: string) => c.sizes[POOL.indexOf(l) >= 0 ? POOL.indexOf(l) : 4 + ['Y', 'Z'].indexOf(l)]!;
  const specTerms: string[] = [], oracleTerms: string[] = [], operands: Tensor[] = [];
  c.terms.forEach((t, i) => {
    const letters = t.letters.map((k) => POOL[k]!);
    const at = t.ellipsis ? Math.min(t.ellipsis.at, letters.length) : -1;
    const spanned = t.ellipsis ? broadcast.slice(broadcast.length - t.ellipsis.span) : [];
    specTerms.push(at < 0 ? letters.join('') : [...letters.slice(0, at), '...', ...letters.slice(at)].join(''));
    const full = at < 0 ? letters : [...letters.slice(0, at), ...spanned, ...letters.slice(at)];
    oracleTerms.push(full.join(''));
    // A letter repeated within a term keeps one length; other axes may be 1 (broadcast).
    const shape = full.map((l, k) => (full.indexOf(l) === k && t.ones[k] ? 1 : size(l)));
    full.forEach((l, k) => (shape[k] = shape[full.indexOf(l)]!));
    operands.push(ad.random.normal(shape, c.seed + i));
  });
  const counts = new Map<string, number>();
  for (const l of oracleTerms.join('')) if (!broadcast.includes(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const used = [...counts.keys()];
  let output: string, specOut = '';
  if (c.explicit) {
    const picked = used.filter((l) => c.keep[POOL.indexOf(l)]).sort((x, y) => c.order[POOL.indexOf(x)]! - c.order[POOL.indexOf(y)]!);
    output = [...broadcast, ...picked].join('');
    specOut = `->${width > 0 ? '...' : ''}${picked.join('')}`;
  } else {
    output = [...broadcast, ...used.filter((l) => counts.get(l) === 1).sort()].join('');
  }
  return { spec: specTerms.join(',') + specOut, oracleTerms, output, operands };
}

describe('einsum against nested loops', () => {
  it('agrees on random specs: sums, diagonals, broadcasting, ellipses, implicit outputs', () => {
    let contracted = 0;
    fc.assert(fc.property(specArb, (c) => {
      const { spec, oracleTerms, output, operands } = buildCase(c);
      const expected = naiveEinsum(oracleTerms, output, operands);
      const got = ad.einsum(spec, ...operands);
      if (operands.length > 1) contracted++;
      expect(got.shape, spec).toEqual(expected.shape);
      expect(close(arr(got), expected.data), `${spec}: ${arr(got)} vs ${expected.data}`).toBe(true);
    }), { seed: 61, numRuns: 400 });
    expect(contracted).toBeGreaterThan(150);
  });

  it('NumPy examples: products, traces, diagonals, transposes, batches', () => {
    const a = ad.tensor([[1, 2], [3, 4]]), b = ad.tensor([[5, 6], [7, 8]]);
    expect(ad.einsum('ij,jk->ik', a, b).toArray()).toEqual(ad.matmul(a, b).toArray());
    expect(ad.einsum('ij,jk', a, b).toArray()).toEqual([[19, 22], [43, 50]]);
    expect(ad.einsum('ba,cb', a, b).toArray()).toEqual([[23, 31], [34, 46]]); // implicit 'ac'
    expect(ad.einsum('ii', a).item()).toBe(5);
    expect(ad.einsum('ii->i', a).toArray()).toEqual([1, 4]);
    expect(ad.einsum('ij->ji', a).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(ad.einsum('ij->', a).item()).toBe(10);
    expect(ad.einsum('i,i', ad.tensor([1, 2]), ad.tensor([3, 4])).item()).toBe(11);
    expect(ad.einsum('i,j', ad.tensor([1, 2]), ad.tensor([3, 4])).toArray()).toEqual([[3, 4], [6, 8]]);
    expect(ad.einsum('...ii->...i', ad.arange(8).reshape([2, 2, 2])).toArray()).toEqual([[0, 3], [4, 7]]);
    expect(ad.einsum('bij,bjk->bik', ad.ones([3, 2, 4]), ad.ones([3, 4, 5])).shape).toEqual([3, 2, 5]);
    expect(ad.einsum(' i j , j k -> i k ', a, b).toArray()).toEqual([[19, 22], [43, 50]]); // spaces ignored
  });

  it('gradients to second order, through matmul, diagonals and broadcasting', () => {
    const x = ad.random.normal([3, 3], 1), y = ad.random.normal([3, 4], 2), z = ad.random.normal([4], 3);
    for (const [spec, args] of [['ij,jk,k->i', [x, y, z]], ['ii,ij->j', [x, y]], ['...i,i->...', [y, z]], ['ij,ij->ij', [ad.random.normal([1, 3], 4), x]]] as const) {
      expect(ad.checkGrad((...ts: Tensor[]) => ad.einsum(spec, ...ts), [...args], { order: 2 }).ok, spec).toBe(true);
    }
    // d/dA trace(A B) = Bᵀ
    const g = ad.grad((m: Tensor) => ad.einsum('ij,ji', m, x))(ad.zeros([3, 3]));
    expect(arr(g)).toEqual(arr(ad.transpose(x)));
  });

  it('contracts the cheap pair first: a matrix chain with a vector ends as matrix–vector products', () => {
    // (A B) v costs n³ and an n×n temporary; A (B v) costs 2n² and vectors only. Greedy picks the latter,
    // so the result agrees with it to the last bit.
    const a = ad.random.normal([30, 30], 5), b = ad.random.normal([30, 30], 6), v = ad.random.normal([30], 7);
    expect(arr(ad.einsum('ij,jk,k->i', a, b, v))).toEqual(arr(ad.matmul(a, ad.matmul(b, v))));
  });

  it('names bad specs and shapes', () => {
    const m = ad.zeros([2, 3]);
    expect(() => ad.einsum('ij,jk', m)).toThrow(/einsum: 'ij,jk' has 2 input terms but 1 operand was given/);
    expect(() => ad.einsum('ijk', m)).toThrow(/einsum: operand 0 has shape \[2,3\] \(2 axes\) but its term 'ijk' .* names 3/);
    expect(() => ad.einsum('ij,jk', m, ad.zeros([4, 2]))).toThrow(/einsum: 'j' has length 3 in operand 0 \(shape \[2,3\]\) but 4 in operand 1/);
    expect(() => ad.einsum('ii', m)).toThrow(/einsum: operand 0 .* repeats 'i' .* lengths 2 and 3/);
    expect(() => ad.einsum('ij->k', m)).toThrow(/einsum: the output 'k' .* has 'k', which no input term uses/);
    expect(() => ad.einsum('ij->ii', m)).toThrow(/einsum: the output 'ii' .* repeats 'i'/);
    expect(() => ad.einsum('i1', m)).toThrow(/einsum: '1' in operand 0's term 'i1' .* is not a subscript/);
    expect(() => ad.einsum('...i->i', ad.zeros([2, 3]))).toThrow(/einsum: the operands' '...' cover 1 axes but the output 'i'/);
    expect(() => ad.einsum('i->i->i', ad.zeros([2]))).toThrow(/einsum: 'i->i->i' has more than one '->'/);
    expect(() => ad.einsum('...i...', m)).toThrow(/einsum: .* has '...' twice/);
    expect(() => ad.einsum('ij')).toThrow(/einsum: no operands/);
    expect(() => ad.einsum(3 as never, m)).toThrow(/einsum: the first argument must be a spec string/);
  });
});
