/**
 * @file Long rows whose product leaves the float64 range — 300 factors from (0, 1), from [1, 10],
 * with extreme factors among them — where prod, its gradient, logAbsProd and cumprod take their
 * blocked and scaled fast paths (../../src/tensor/kernels/scaledProducts.ts): against the exact
 * products of BigInt arithmetic, each rounded once.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { exactProduct, roundExact, split } from './oracle.js';

const EPS = 2 ** -53;
const MIN_SUBNORMAL = 2 ** -1074;

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** n factors of a kind: uniform (0, 1) (the product underflows), [1, 10] (it overflows), or either with a few extreme factors. */
function row(kind: 'unit' | 'large' | 'mixed' | 'signed', n: number, seed: number): number[] {
  const u = stream(seed);
  return Array.from({ length: n }, (_, i) => {
    if (kind === 'unit') return 1e-3 + u();
    if (kind === 'large') return 1 + 9 * u();
    if (kind === 'signed') return (u() < 0.5 ? -1 : 1) * (0.5 + u());
    // mixed: mostly (0, 2), and every 37th an extreme factor (a subnormal, 1e±300, 2^±70)
    const extremes = [5e-324, 3e-310, 1e-300, 1e300, 2 ** 70, 2 ** -70, 1.7e308];
    return i % 37 === 5 ? extremes[(i / 37) % extremes.length | 0]! : 2 * u() + 1e-3;
  });
}

/** Within `roundings` roundings of the exactly rounded value (relative), or a unit of the last subnormal place. */
function expectRounded(got: number, exact: number, roundings: number, what: string): void {
  if (!Number.isFinite(exact) || exact === 0) {
    if (exact === 0) expect(Math.abs(got) <= MIN_SUBNORMAL * roundings, `${what}: ${got} vs ${exact}`).toBe(true);
    else expect(got, what).toBe(exact);
    return;
  }
  const tol = roundings * EPS * Math.abs(exact) + roundings * MIN_SUBNORMAL;
  if (!(Math.abs(got - exact) <= tol)) expect.fail(`${what}: got ${got}, exact ${exact} (tolerance ${tol})`);
}

const kinds = ['unit', 'large', 'mixed', 'signed'] as const;
const n = 300;

describe('long rows whose product leaves the range: blocked and scaled paths against exact products', () => {
  it.each(kinds.map((kind) => ({ kind })))('prod of 300 $kind factors is the exact product rounded (n roundings)', ({ kind }) => {
    for (let seed = 1; seed <= 4; seed++) {
      const x = row(kind, n, seed);
      expectRounded(ad.prod(ad.tensor(x)).item(), exactProduct(x), n + 1, `${kind} seed ${seed}`);
    }
  });

  it.each(kinds.map((kind) => ({ kind })))('the gradient of prod of 300 $kind factors, and with tiny and huge cotangents', ({ kind }) => {
    const x = row(kind, n, 7);
    for (const s of [1, 1e-300, 1e300, -3e-310]) {
      const g = ad.grad((z: Tensor) => ad.mul(ad.prod(z), s))(ad.tensor(x)).toArray() as number[];
      for (let i = 0; i < n; i++) {
        const others = x.filter((_, j) => j !== i);
        expectRounded(g[i]!, exactProduct([s, ...others]), n + 4, `${kind} s=${s} L[${i}]`);
      }
    }
  });

  it('the gradient of a product of 10⁴ factors from (0, 1): every L_i underflows to ±0, as exactly', () => {
    const x = row('unit', 10_000, 3).map((v, i) => (i % 3 === 0 ? -v : v));
    const g = ad.grad((z: Tensor) => ad.prod(z))(ad.tensor(x)).toArray() as number[];
    const sign = x.filter((v) => v < 0).length % 2 === 0 ? 1 : -1;
    expect(g.every((v, i) => Object.is(v, (sign * Math.sign(x[i]!)) > 0 ? 0 : -0))).toBe(true);
  });

  it.each(kinds.map((kind) => ({ kind })))('logAbsProd of 300 $kind factors is log of the exact product', ({ kind }) => {
    const x = row(kind, n, 11);
    // log|Π x| from the exact BigInt product: log of its top 64 bits plus the exponent.
    let m = 1n, e = 0;
    for (const v of x) { const [a, b] = split(Math.abs(v)); m *= a; e += b; }
    const bits = m.toString(2).length, shift = Math.max(0, bits - 64);
    const exact = Math.log(Number(m >> BigInt(shift))) + (e + shift) * Math.LN2;
    const got = ad.logAbsProd(ad.tensor(x)).logAbs.item();
    expect(Math.abs(got - exact)).toBeLessThanOrEqual((n + 2) * EPS + 4 * EPS * Math.abs(exact));
  });

  it.each(kinds.map((kind) => ({ kind })))('cumprod of 300 $kind factors: each prefix the exact product rounded', ({ kind }) => {
    const x = row(kind, n, 13);
    for (const exclusive of [false, true]) {
      const c = ad.cumprod(ad.tensor(x), 0, { exclusive }).toArray() as number[];
      for (let k = 0; k < n; k++) expectRounded(c[k]!, exactProduct(x.slice(0, exclusive ? k : k + 1)), k + 2, `${kind} exclusive=${exclusive} c[${k}]`);
    }
  });

  it.each([false, true].map((exclusive) => ({ exclusive })))('the gradient of a weighted cumprod (exclusive: $exclusive) of 120 factors near 10⁻⁶: each x̄_k the exact sum rounded', ({ exclusive }) => {
    // x̄_k = Σ_m w_m ∂c_m/∂x_k = Σ_{m ≥ k (exclusive: m > k)} w_m Π_{j ≤ m (exclusive: j < m), j ≠ k} x_j:
    // every term exactly in BigInt arithmetic, summed exactly, rounded once. The products underflow
    // from about the 50th factor, while the x̄_k of the first ones stay in range.
    const count = 120, u = stream(21);
    const x = Array.from({ length: count }, () => 1e-6 * (0.5 + u()));
    const w = Array.from({ length: count }, () => u() - 0.3);
    const g = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.cumprod(z, 0, { exclusive }), ad.tensor(w))))(ad.tensor(x)).toArray() as number[];
    const parts = x.map(split), weights = w.map(split);
    for (let k = 0; k < count; k++) {
      const terms: Array<[bigint, number]> = [];
      for (let m = exclusive ? k + 1 : k; m < count; m++) {
        let tm = weights[m]![0], te = weights[m]![1];
        for (let j = 0; j < (exclusive ? m : m + 1); j++) if (j !== k) { tm *= parts[j]![0]; te += parts[j]![1]; }
        terms.push([tm, te]);
      }
      const low = Math.min(0, ...terms.map(([, e]) => e));
      const sum = terms.reduce((acc, [tm, te]) => acc + (tm << BigInt(te - low)), 0n);
      const exact = roundExact(sum, low);
      // A sum of terms of one sign near the largest: a few roundings of the largest term's size.
      const largest = Math.max(0, ...terms.map(([tm, te]) => Math.abs(roundExact(tm, te))));
      expect(Math.abs(g[k]! - exact), `x̄[${k}]: ${g[k]} vs ${exact}`).toBeLessThanOrEqual(4 * count * EPS * largest + 4 * MIN_SUBNORMAL);
    }
  });

  it('rows of a matrix along either axis, some in range and some not, each as its own row', () => {
    const rows = [row('unit', 64, 1), row('signed', 64, 2), row('large', 64, 3), row('mixed', 64, 4)];
    const g = ad.grad((z: Tensor) => ad.sum(ad.prod(z, 1)))(ad.tensor(rows)).toArray() as number[][];
    const gt = ad.grad((z: Tensor) => ad.sum(ad.prod(z, 0)))(ad.transpose(ad.tensor(rows))).toArray() as number[][];
    rows.forEach((x, r) => {
      for (let i = 0; i < 64; i++) {
        const exact = exactProduct(x.filter((_, j) => j !== i));
        expectRounded(g[r]![i]!, exact, 68, `row ${r} L[${i}]`);
        expectRounded(gt[i]![r]!, exact, 68, `column ${r} L[${i}]`);
      }
    });
  });
});
