/**
 * @file lpmn and lpmnValues (JAX's lpmn, lpmn_values) against mpmath (legendreReference.py → .json): values,
 * normalised values and z-derivatives to second order for n up to 30, within 1e−14 of each order's largest |P_l^m|
 * (relative errors grow only near zeros); JAX's conventions (m = n only, Condon–Shortley phase, the derivatives' limits
 * at ±1), the layout [m, l, point], vmap, jit and argument errors. Imports them from their source until they are
 * exported from ad.special.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from 'adjoint';

/** Their public signatures (src's Tensor type differs from the published one until they are exported from ad.special). */
const { lpmn, lpmnValues } = ad.special;

type Table = number[][];
interface Case { n: number; z: number; values: Table; normalized: Table; d1: Table | null; d2: Table | null; scipyValues: Array<Array<number | string>>; scipyDerivatives: Array<Array<number | string>> }
const REF = JSON.parse(readFileSync(new URL('./legendreReference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const num = (v: number | string) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v);

/** Each order m's table row against the reference, error relative to the row's largest entry. */
function expectRows(got: Table, want: Table, tol: number, what: string) {
  want.forEach((row, m) => {
    const scale = Math.max(...row.map(Math.abs), 1e-300);
    row.forEach((w, l) => expect(Math.abs(got[m]![l]! - w) / scale, `${what} m=${m} l=${l}`).toBeLessThan(tol));
  });
}
const at = (t: ad.Tensor, k = 0) => (t.toArray() as number[][][]).map((row) => row.map((v) => v[k]!));

describe('lpmn values and derivatives', () => {
  it.each(REF.cases)('n = $n at z = $z', (c) => {
    const [p, dp] = lpmn(c.n, c.n, ad.tensor([c.z]));
    expect(p.shape).toEqual([c.n + 1, c.n + 1, 1]);
    expectRows(at(p), c.values, 1e-14, 'P');
    expectRows(at(lpmnValues(c.n, c.n, ad.tensor([c.z]), true)), c.normalized, 1e-14, 'normalised P');
    expectRows(at(lpmnValues(c.n, c.n, ad.tensor([c.z]), false)), c.values, 1e-14, 'lpmnValues');
    if (c.d1) expectRows(at(dp), c.d1, 1e-14, 'dP');
    if (c.d2) {
      // The second derivative: grad of each entry of the table (and of the derivative table, its derivative).
      const d2 = c.d2.map((row, m) => row.map((_, l) => (l >= m ? ad.grad((t: ad.Tensor) => ad.sum(ad.take(ad.take(lpmn(c.n, c.n, ad.reshape(t, [1]))[1], m, 0), l, 0)))(ad.scalar(c.z)).item() : 0)));
      expectRows(d2, c.d2, 1e-13, 'd²P');
    }
    // SciPy agrees (its values; at ±1 its m = 1 derivative row is +∞ at −1 for odd l too, where JAX and adjoint give −∞).
    if (Math.abs(c.z) < 0.99) expectRows(at(p), c.scipyValues.map((r) => r.map(num)), 1e-12, 'SciPy P'); // SciPy's √(1 − z²) costs it digits nearer ±1
  });

  it('has JAX\'s derivative limits at z = ±1', () => {
    const [, d] = lpmn(3, 3, ad.tensor([-1, 1]));
    expect(at(d, 0)).toEqual([[0, 1, -3, 6], [0, -Infinity, Infinity, -Infinity], [0, 0, 6, -30], [0, 0, 0, 0]]);
    expect(at(d, 1)).toEqual([[0, 1, 3, 6], [0, Infinity, Infinity, Infinity], [0, 0, -6, -30], [0, 0, 0, 0]]);
  });

  it('includes the Condon–Shortley phase, and the normalisation makes the harmonics orthonormal', () => {
    const [p] = lpmn(2, 2, ad.tensor([0.6]));
    const w = Math.sqrt(1 - 0.36);
    expect(at(p)[1]![1]).toBeCloseTo(-w, 15); // P₁¹ = −√(1 − z²)
    expect(at(p)[2]![2]).toBeCloseTo(3 * (1 - 0.36), 14); // P₂² = 3(1 − z²)
    // ∫ P̄_l^m P̄_{l'}^m dz · 2π = δ: Gauss–Legendre with 20 nodes (exact for these degrees).
    const nodes: number[] = [], weights: number[] = [];
    for (let i = 1; i <= 20; i++) { // Newton on P₂₀
      let x = Math.cos(Math.PI * (i - 0.25) / 20.5), dp = 0;
      for (let it = 0; it < 100; it++) {
        let p0 = 1, p1 = x;
        for (let k = 2; k <= 20; k++) { const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p2; }
        dp = 20 * (x * p1 - p0) / (x * x - 1);
        const dx = p1 / dp; x -= dx; if (Math.abs(dx) < 1e-16) break;
      }
      nodes.push(x); weights.push(2 / ((1 - x * x) * dp * dp));
    }
    const pn = lpmnValues(6, 6, ad.tensor(nodes), true).toArray() as number[][][];
    for (const m of [0, 2, 5]) for (const l of [m, 6]) for (const l2 of [m, 6]) {
      const s = nodes.reduce((acc, _, k) => acc + weights[k]! * pn[m]![l]![k]! * pn[m]![l2]![k]!, 0) * 2 * Math.PI;
      expect(s).toBeCloseTo(l === l2 ? 1 : 0, 13);
    }
  });
});

describe('lpmn as an op', () => {
  it('vmap over z equals a loop, and jit the eager values', () => {
    const zs = ad.tensor([[0.1, -0.4, 0.9], [0.5, 0.2, -0.7]]);
    const f = (z: ad.Tensor) => lpmnValues(3, 3, z, true);
    const mapped = ad.vmap(f)(zs);
    expect(mapped.shape).toEqual([2, 4, 4, 3]);
    expect(mapped.toArray()).toEqual([0, 1].map((i) => f(ad.take(zs, i, 0)).toArray()));
    const g = (z: ad.Tensor) => lpmn(2, 2, z)[1];
    expect(ad.vmap(g)(zs).toArray()).toEqual([0, 1].map((i) => g(ad.take(zs, i, 0)).toArray()));
    expect(ad.jit(f)(ad.take(zs, 0, 0)).toArray()).toEqual(f(ad.take(zs, 0, 0)).toArray());
    const loss = (z: ad.Tensor) => ad.sum(ad.square(lpmnValues(4, 4, z, false)));
    expect(ad.jit(ad.grad(loss))(ad.take(zs, 1, 0)).toArray()).toEqual(ad.grad(loss)(ad.take(zs, 1, 0)).toArray());
    expect(ad.vmap(ad.grad(loss))(zs).toArray()).toEqual([0, 1].map((i) => ad.grad(loss)(ad.take(zs, i, 0)).toArray()));
  });

  it('refuses what JAX refuses, and bad arguments', () => {
    expect(() => lpmn(2, 3, ad.tensor([0.5]))).toThrow(/lpmn: m and n must be equal/);
    expect(() => lpmnValues(3, 2, ad.tensor([0.5]), true)).toThrow(/lpmnValues: m and n must be equal/);
    expect(() => lpmn(2, 2, ad.tensor([[0.5]]))).toThrow(/lpmn: z must be a 1-D tensor of points, got shape \[1, 1\]/);
    expect(() => lpmn(2, 2, 0.5)).toThrow(/1-D/);
    expect(() => lpmn(-1, -1, ad.tensor([0.5]))).toThrow(/lpmn: m must be a non-negative integer/);
    expect(() => lpmn(1.5, 1.5, ad.tensor([0.5]))).toThrow(ad.InvalidArgumentError);
    expect(() => lpmnValues(2, 2, ad.tensor([0.5]), 1 as unknown as boolean)).toThrow(/isNormalized must be true or false/);
    expect(() => (lpmn as (...a: unknown[]) => unknown)(2, 2, ad.tensor([0.5]), true)).toThrow(/lpmn: takes lpmn\(m, n, z\); got 1 more argument/);
    expect(() => (lpmnValues as (...a: unknown[]) => unknown)(2, 2, ad.tensor([0.5]), true, 0)).toThrow(/lpmnValues: takes/);
  });
});
