/**
 * @file The recursive LU (orders above 96: halves of the columns factored in turn, the coupling by
 * a triangular solve and one matrix product) against unblocked partial pivoting written here:
 * the same pivots, the same factors to rounding, at orders that split unevenly; singular inputs.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, luNaive, randn } from './support.js';

describe('linalg.lu, recursive (n > 96): against unblocked partial pivoting', () => {
  it.each([97, 130, 200, 257])('n = %i: the same permutation, L and U to rounding, P A = L U', (n) => {
    const a = randn([n, n], n);
    const { p, l, u } = linalg.lu(a);
    const oracle = luNaive(a.toFloat64Array(), n);
    // p is the permutation matrix with A = P L U: row i of L U is row perm[i] of A.
    const pv = p.toFloat64Array();
    for (let i = 0; i < n; i++) expect(pv[oracle.perm[i]! * n + i]).toBe(1);
    const lv = l.toFloat64Array(), uv = u.toFloat64Array();
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const expected = oracle.lu[i * n + j]!;
      const got = j < i ? lv[i * n + j]! : uv[i * n + j]!;
      worst = Math.max(worst, Math.abs(got - expected));
    }
    expect(worst).toBeLessThan(1e-11);
    const back = ad.matmul(p, ad.matmul(l, u)).toFloat64Array(), av = a.toFloat64Array();
    for (let i = 0; i < n * n; i++) expect(Math.abs(back[i]! - av[i]!)).toBeLessThan(1e-12);
  });

  it('a zero column past the first half: det exactly 0, the rest of the factorisation still right', () => {
    const n = 150, x = randn([n, n], 3).toFloat64Array();
    for (let i = 0; i < n; i++) x[i * n + 100] = 0;
    const a = ad.tensor(x, [n, n]);
    expect(linalg.det(a).item()).toBe(0);
    const { p, l, u } = linalg.lu(a);
    const back = ad.matmul(p, ad.matmul(l, u)).toFloat64Array();
    for (let i = 0; i < n * n; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThan(1e-12);
  });

  it('slogdet at n = 180 agrees with the unblocked factors’ pivots', () => {
    const n = 180, a = ad.add(randn([n, n], 5), ad.mul(2, ad.eye(n)));
    const oracle = luNaive(a.toFloat64Array(), n);
    let logAbs = 0, sign = 1;
    for (let i = 0; i < n; i++) { const d = oracle.lu[i * n + i]!; logAbs += Math.log(Math.abs(d)); sign *= Math.sign(d); }
    let swaps = 0;
    const perm = [...oracle.perm], seen = new Array(n).fill(false);
    for (let i = 0; i < n; i++) { if (seen[i]) continue; let len = 0; for (let j = i; !seen[j]; j = perm[j]!) { seen[j] = true; len++; } swaps += len - 1; }
    const r = linalg.slogdet(a);
    expect(r.sign.item()).toBe(sign * (swaps % 2 ? -1 : 1));
    expect(Math.abs(r.logAbsDet.item() - logAbs)).toBeLessThan(1e-10 * Math.abs(logAbs));
  });
});
