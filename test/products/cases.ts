/** @file Inputs for the product tests (named hard cases and a fast-check generator) and an entrywise comparison that demands exact zeros. */
import { expect } from 'vitest';
import fc from 'fast-check';

/** The fixed fast-check seed of the product tests, so runs repeat. */
export const SEED = 5;

/** Named factor lists: each zero case, signs, and magnitudes near the ends of float64. */
export const namedCases: ReadonlyArray<readonly [string, number[]]> = [
  ['no zeros', [1.5, -0.7, 2.2, 0.9, -1.3, 1.1]],
  ['one zero', [1.5, -0.7, 0, 0.9, -1.3, 1.1]],
  ['two zeros', [1.5, 0, 2.2, 0.9, 0, 1.1]],
  ['three zeros', [0, -0.7, 0, 0.9, 0, 1.1]],
  ['many zeros', [0, 0, 2.2, 0, 0, 0]],
  ['all zeros', [0, 0, 0, 0]],
  ['zeros at both ends', [0, 1.5, -2, 0]],
  ['negative factors', [-1.5, -0.7, -2.2, -0.9, -1.3]],
  ['a negative zero', [1.5, -0, 2.2, 0.9]],
  ['near underflow', [1e-100, -3e-101, 2.5, 1e-99, 0.5]],
  ['product underflows to 0, no zero factor', [1e-100, -1e-100, 1e-100, 1e-100]],
  ['product overflows, no zero factor', [1e200, -1e200, 3, 2]],
  ['tiny and zero', [1e-150, 0, 1e-150, 2]],
  ['single factor', [3.5]],
  ['single zero', [0]],
  ['two factors, one zero', [0, -4]],
];

/** A factor: mostly moderate, sometimes tiny (near 1e−100), sometimes an integer, either sign. */
const factor = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0.25, max: 3, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 0.5, max: 5, noNaN: true }).map((v) => v * 1e-100) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }) },
).chain((v) => fc.boolean().map((neg) => (neg ? -v : v)));

/**
 * 1–9 factors with 0, 1, 2 or more of them set to zero, and at most two tiny ones (so every
 * leave-one-out product the oracle forms is a normal number or exactly zero).
 */
export const factorsArb: fc.Arbitrary<number[]> = fc
  .record({
    values: fc.array(factor, { minLength: 1, maxLength: 9 }),
    zeros: fc.oneof(fc.constant(0), fc.constant(1), fc.constant(2), fc.integer({ min: 3, max: 9 })),
    where: fc.array(fc.nat(), { minLength: 9, maxLength: 9 }),
  })
  .map(({ values, zeros, where }) => {
    let tiny = 0;
    const xs = values.map((v) => (Math.abs(v) < 1e-50 && ++tiny > 2 ? 1.5 : v));
    for (let k = 0; k < Math.min(zeros, xs.length); k++) xs[where[k]! % xs.length] = 0;
    return xs;
  });

/** A direction for Hessian-vector products. */
export const directionOf = (n: number, seed: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.sin(1.7 * (i + 1) + seed) + 0.25);

/**
 * Entrywise: `actual` matches `expected` to `rtol` relative to `scale` (default |expected|), so an
 * expected exact zero with zero scale demands an exact zero; NaN and ±∞ must match as such.
 */
export function expectNear(actual: ArrayLike<number>, expected: readonly number[], rtol = 1e-12, scale?: readonly number[], what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || a === e, `${what}[${i}]: ${a} vs ${e}`).toBe(true);
      continue;
    }
    const tol = rtol * (scale ? scale[i]! : Math.abs(e));
    if (!(Math.abs(a - e) <= tol)) expect.fail(`${what}[${i}]: got ${a}, expected ${e} (tolerance ${tol})`);
  }
}

/** Σ_j |m_ij v_j|: the scale of a matrix–vector product's entries, for a relative comparison. */
export function absScale(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  return m.map((row) => row.reduce((s, x, j) => s + Math.abs(x * v[j]!), 0));
}
