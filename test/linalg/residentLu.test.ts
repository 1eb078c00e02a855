/**
 * @file The LU above order 64 with the matrix resident in the matrix kernel's memory (padded to a
 * multiple of 4 with the identity, multipliers negated while it runs, every product in place):
 * against unblocked partial pivoting written here, against the packed-copy path that runs with the
 * kernel off, on one thread and on two (the same bits), for orders that pad by 0–3, batches,
 * singular and rank-deficient inputs; and the one-vector substitution against the general one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, luNaive, randn } from './support.js';

afterEach(() => ad.config({ wasm: true, threads: 'auto' }));

/** luFactor's packed factors and pivots under a setting. */
function factorUnder(a: ad.Tensor, setting: { wasm?: boolean; threads?: number | 'auto' }): { lu: Float64Array; pivots: Float64Array } {
  ad.config({ wasm: true, threads: 'auto', ...setting });
  const f = linalg.luFactor(a);
  return { lu: f.lu.toFloat64Array(), pivots: f.pivots.toFloat64Array() };
}

/** The row permutation the pivots (row swaps, as LAPACK's ipiv, 0-based) make. */
function permutationOf(pivots: Float64Array, n: number): number[] {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) { const p = pivots[k]!; [perm[k], perm[p]] = [perm[p]!, perm[k]!]; }
  return perm;
}

describe('linalg.luFactor above order 64, resident in the kernel memory', () => {
  it.each([65, 66, 67, 68, 97, 131, 257, 340])('n = %i: the naive pivots, its factors to rounding; one thread and two the same bits; the packed-copy path the same pivots', (n) => {
    const a = randn([n, n], 1000 + n);
    const oracle = luNaive(a.toFloat64Array(), n);
    const two = factorUnder(a, { threads: 2 }), one = factorUnder(a, { threads: 1 }), off = factorUnder(a, { wasm: false });
    expect(permutationOf(two.pivots, n)).toEqual(oracle.perm);
    expect(Array.from(off.pivots)).toEqual(Array.from(two.pivots));
    expect(Array.from(one.lu)).toEqual(Array.from(two.lu));
    let worst = 0, worstOff = 0;
    for (let i = 0; i < n * n; i++) {
      worst = Math.max(worst, Math.abs(two.lu[i]! - oracle.lu[i]!));
      worstOff = Math.max(worstOff, Math.abs(two.lu[i]! - off.lu[i]!));
    }
    expect(worst).toBeLessThan(1e-11);
    expect(worstOff).toBeLessThan(1e-11);
    // P A = L U entry by entry.
    const { p, l, u } = linalg.lu(a);
    const back = ad.matmul(p, ad.matmul(l, u)).toFloat64Array(), av = a.toFloat64Array();
    for (let i = 0; i < n * n; i++) expect(Math.abs(back[i]! - av[i]!)).toBeLessThan(1e-12);
  });

  it('a batch of three: each matrix factored as alone, bit for bit', () => {
    const n = 121, batch = randn([3, n, n], 7);
    const all = linalg.luFactor(batch), lu = all.lu.toFloat64Array(), piv = all.pivots.toFloat64Array();
    const values = batch.toFloat64Array();
    for (let t = 0; t < 3; t++) {
      const alone = linalg.luFactor(ad.tensor(values.slice(t * n * n, (t + 1) * n * n), [n, n]));
      expect(Array.from(lu.subarray(t * n * n, (t + 1) * n * n))).toEqual(Array.from(alone.lu.toFloat64Array()));
      expect(Array.from(piv.subarray(t * n, (t + 1) * n))).toEqual(Array.from(alone.pivots.toFloat64Array()));
    }
  });

  it('rank-deficient inputs: zero columns (first, middle, last), a zero row, the zero matrix — det exactly 0, P L U still A', () => {
    const n = 113;
    // A zero column or row leaves a pivot exactly 0 (its entries stay 0 under every update);
    // two equal rows only to rounding, so only the factors are checked there.
    const cases: Array<[string, boolean, (x: Float64Array) => void]> = [
      ['column 0', true, (x) => { for (let i = 0; i < n; i++) x[i * n] = 0; }],
      ['columns 40 and 41', true, (x) => { for (let i = 0; i < n; i++) x[i * n + 40] = x[i * n + 41] = 0; }],
      ['the last column', true, (x) => { for (let i = 0; i < n; i++) x[i * n + n - 1] = 0; }],
      ['row 77', true, (x) => x.fill(0, 77 * n, 78 * n)],
      ['everything', true, (x) => x.fill(0)],
      ['two equal rows', false, (x) => x.copyWithin(5 * n, 90 * n, 91 * n)],
    ];
    for (const [, exactZero, make] of cases) {
      const x = randn([n, n], 11).toFloat64Array();
      make(x);
      const a = ad.tensor(x, [n, n]);
      if (exactZero) expect(linalg.det(a).item()).toBe(0);
      // The same factors, zero signs included, as the path with the kernel off.
      const resident = factorUnder(a, {}), packed = factorUnder(a, { wasm: false });
      expect(Array.from(resident.pivots)).toEqual(Array.from(packed.pivots));
      if (exactZero && !x.every((t) => t === 0)) {
        for (let i = 0; i < n * n; i++) if (packed.lu[i] === 0) expect(Object.is(resident.lu[i], packed.lu[i]), `entry ${i}`).toBe(true);
      } else if (exactZero) expect(resident.lu.every((t) => Object.is(t, 0))).toBe(true);
      const { p, l, u } = linalg.lu(a);
      const back = ad.matmul(p, ad.matmul(l, u)).toFloat64Array();
      for (let i = 0; i < n * n; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThan(1e-12);
    }
  });

  it('a pivot that must come from the last row every step (a scaled reversal plus noise)', () => {
    const n = 100, x = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { x[i * n + (n - 1 - i)] = 10 + i; for (let j = 0; j < n; j++) x[i * n + j] += 1e-3 * Math.sin(i * n + j); }
    const a = ad.tensor(x, [n, n]);
    const oracle = luNaive(x, n);
    const f = factorUnder(a, {});
    expect(permutationOf(f.pivots, n)).toEqual(oracle.perm);
    const b = ad.tensor(Array.from({ length: n }, (_, i) => i - 40), [n]);
    const sol = linalg.solve(a, b), r = ad.sub(ad.matmul(a, sol), b).toFloat64Array();
    for (const v of r) expect(Math.abs(v)).toBeLessThan(1e-11);
  });
});

describe('substitution against one vector', () => {
  it.each([5, 40, 200])('n = %i: solve against one column is the same bits as that column of a solve against seven (the general row loop)', (n) => {
    const a = ad.add(randn([n, n], 21), ad.mul(n, ad.eye(n)));
    const b = randn([n, 7], 22);
    const all = linalg.solve(a, b).toFloat64Array();
    for (const c of [0, 3, 6]) {
      const one = linalg.solve(a, ad.tensor(Array.from({ length: n }, (_, i) => b.toFloat64Array()[i * 7 + c]!), [n, 1])).toFloat64Array();
      for (let i = 0; i < n; i++) expect(one[i]).toBe(all[i * 7 + c]);
    }
    // The transposed solves (b̄ = A⁻ᵀ w in the gradient) too: grad of ⟨w, solve(a, b)⟩ with respect to b.
    const w = randn([n], 23);
    const gOne = ad.grad((bb: ad.Tensor) => ad.sum(ad.mul(ad.reshape(linalg.solve(a, bb), [-1]), w)))(ad.reshape(ad.tensor(Array.from({ length: n }, () => 1)), [n, 1])).toFloat64Array();
    const wide = ad.grad((bb: ad.Tensor) => ad.sum(ad.mul(linalg.solve(a, bb), ad.stack(Array.from({ length: 7 }, () => w), 1))))(ad.ones([n, 7])).toFloat64Array();
    for (let i = 0; i < n; i++) expect(gOne[i]).toBe(wide[i * 7]);
  });
});

describe('the resident factorisations beside a chain tape kept in the kernel memory', () => {
  it.each([1, 2] as const)('threads %i: chainMatmul’s prefixes survive an LU and a Cholesky run between its forward and backward passes', (threads) => {
    ad.config({ threads });
    const ms = Array.from({ length: 30 }, (_, i) => ad.mul(0.5, randn([12, 12], 300 + i)));
    const w = randn([12, 12], 400), a = randn([100, 100], 401);
    const spd = ad.add(ad.matmul(a, linalg.matrixTranspose(a)), ad.mul(100, ad.eye(100)));
    const loss = (list: ad.Tensor[], m: ad.Tensor) => {
      const chain = ad.sum(ad.mul(ad.chainMatmul(list), w)); // its tape is left in the kernel's memory
      return ad.add(chain, ad.add(linalg.slogdet(m).logAbsDet, ad.sum(linalg.cholesky(spd)))); // both factorisations then write it
    };
    const fold = (list: ad.Tensor[], m: ad.Tensor) => ad.add(ad.sum(ad.mul(list.reduce((p, q) => ad.matmul(p, q)), w)), ad.add(linalg.slogdet(m).logAbsDet, ad.sum(linalg.cholesky(spd))));
    const [v, [gl, gm]] = ad.valueAndGrad(loss, [0, 1])(ms, a);
    const [vf, [fl, fm]] = ad.valueAndGrad(fold, [0, 1])(ms, a);
    expect(Math.abs(v.item() - vf.item())).toBeLessThan(1e-9 * Math.abs(vf.item()));
    for (let i = 0; i < ms.length; i++) {
      const x = gl[i]!.toFloat64Array(), y = fl[i]!.toFloat64Array();
      for (let j = 0; j < x.length; j++) expect(Math.abs(x[j]! - y[j]!)).toBeLessThan(1e-9 * (1 + Math.abs(y[j]!)));
    }
    const x = gm.toFloat64Array(), y = fm.toFloat64Array();
    for (let j = 0; j < x.length; j++) expect(Math.abs(x[j]! - y[j]!)).toBeLessThan(1e-12);
  });
});

describe('errors name the op called', () => {
  it('a non-finite entry: linalg.luFactor names itself (the shared primitive named linalg.lu), under jit and vmap too', () => {
    const bad = ad.tensor([[1, NaN], [0, 1]]);
    expect(() => linalg.luFactor(bad)).toThrow(/^linalg\.luFactor: /);
    expect(() => linalg.lu(bad)).toThrow(/^linalg\.lu: /);
    expect(() => ad.jit((x: ad.Tensor) => linalg.luFactor(x).lu)(bad)).toThrow(/linalg\.luFactor: /);
    expect(() => ad.vmap((x: ad.Tensor) => linalg.luFactor(x).lu)(ad.stack([ad.eye(2), bad]))).toThrow(/linalg\.luFactor: /);
    expect(linalg.luFactor(ad.eye(3)).pivots.toArray()).toEqual([0, 1, 2]);
  });
});
