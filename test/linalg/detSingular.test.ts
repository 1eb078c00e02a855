/** @file det's first and second derivatives at singular and nearly singular matrices, under vmap, jit and forward mode, against the permutation expansion. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

// Oracle: det A = Σ_σ sgn σ Π_i A[i, σ(i)] (Leibniz), so ∂det/∂A[i,j] sums the terms with σ(i) = j
// without their factor A[i, j], and ∂²det/∂A[i,j]∂A[k,l] those with σ(i) = j and σ(k) = l (i ≠ k)
// without both factors. Exact in floating point for small integer matrices.
function permutations(n: number): Array<{ p: number[]; sign: number }> {
  if (n === 1) return [{ p: [0], sign: 1 }];
  const out: Array<{ p: number[]; sign: number }> = [];
  for (const { p, sign } of permutations(n - 1)) {
    for (let at = 0; at <= p.length; at++) out.push({ p: [...p.slice(0, at), n - 1, ...p.slice(at)], sign: (p.length - at) % 2 === 0 ? sign : -sign });
  }
  return out;
}

function leibniz(a: number[][], fixed: Array<[number, number]>): number {
  const n = a.length;
  let total = 0;
  for (const { p, sign } of permutations(n)) {
    if (!fixed.every(([i, j]) => p[i] === j)) continue;
    let term = sign;
    for (let i = 0; i < n; i++) if (!fixed.some(([r]) => r === i)) term *= a[i]![p[i]!]!;
    total += term;
  }
  return total;
}

const gradientOracle = (a: number[][]) => a.map((row, i) => row.map((_, j) => leibniz(a, [[i, j]])));
const hessianOracle = (a: number[][]) =>
  a.map((row, i) => row.map((_, j) => a.map((r2, k) => r2.map((_, l) => (i === k || j === l ? 0 : leibniz(a, [[i, j], [k, l]]))))));

const detOf = (x: ad.Tensor) => ad.linalg.det(x);
const scale = (a: number[][]) => Math.max(1, ...a.flat().map(Math.abs)) ** (a.length - 1);
const closeTo = (got: unknown, want: number[][] | number[][][][], tol: number) => {
  const g = (got as number[]).flat(3) as number[], w = (want as unknown as number[]).flat(3) as number[];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThanOrEqual(tol));
};

// Singular (rank n − 1 and lower), nearly singular (det a rounding error away from 0, where
// det(A)·A⁻ᵀ meets a zero pivot of Aᵀ or loses the cofactors' digits) and regular matrices.
const cases: Array<[string, number[][]]> = [
  ['rank 2 of 3, det not exactly 0 in floating point', [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
  ['rank 2 of 3, det exactly 0', [[1, 2, 3], [2, 4, 6], [1, 0, 1]]],
  ['rank 1 of 3', [[1, 2, 3], [2, 4, 6], [3, 6, 9]]],
  ['rank 3 of 4', [[2, -1, 0, 1], [1, 3, 1, 5], [0, 1, 4, 5], [3, 2, 1, 6]]],
  ['rank 1 of 2', [[1, 2], [2, 4]]],
  ['regular', [[2, 1, 0], [1, 3, 1], [0, 1, 4]]],
];

describe('linalg.det at singular and nearly singular matrices', () => {
  it.each(cases)('%s: gradient, vmap of the gradient and jit of the gradient are the adjugate', (_, a) => {
    const tol = 1e-12 * scale(a);
    const want = gradientOracle(a);
    const g = ad.grad(detOf);
    closeTo(g(ad.tensor(a)).toArray(), want, tol);
    // vmap: no value can be read per example; the NaN of det(A)·A⁻ᵀ was the answer.
    const batched = ad.vmap(g)(ad.stack([ad.tensor(a), ad.tensor(a)])).toArray() as number[][][];
    closeTo(batched[0], want, tol);
    closeTo(batched[1], want, tol);
  });

  it.each(cases)('%s: the Hessian (eager, and jit recorded at a regular matrix) is the second adjugate', (_, a) => {
    const tol = 1e-11 * scale(a);
    const want = hessianOracle(a);
    closeTo(ad.hessian(detOf)(ad.tensor(a)).toArray(), want, tol);
    const n = a.length, regular = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 3 : i + j === n - 1 ? 1 : 0)));
    const h = ad.jit(ad.hessian(detOf));
    closeTo(h(ad.tensor(regular)).toArray(), hessianOracle(regular), 1e-11 * scale(regular));
    closeTo(h(ad.tensor(a)).toArray(), want, tol); // the replay of a program recorded at the regular matrix
  });

  it.each(cases)('%s: forward mode, eager and in a jit replay, is tr(adj(A) dA)', (_, a) => {
    const n = a.length;
    const dA = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i * n + j) % 3) - 1));
    const adj = gradientOracle(a);
    const want = adj.reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * dA[i]![j]!, 0), 0);
    const tangent = (x: ad.Tensor, t: ad.Tensor) => ad.jvp(detOf, [x], [t])[1];
    expect(Math.abs(tangent(ad.tensor(a), ad.tensor(dA)).item() - want)).toBeLessThanOrEqual(1e-12 * scale(a) * n);
    const j = ad.jit(tangent);
    j(ad.eye(n), ad.tensor(dA));
    expect(Math.abs(j(ad.tensor(a), ad.tensor(dA)).item() - want)).toBeLessThanOrEqual(1e-12 * scale(a) * n);
  });

  it('a batch mixing singular and regular matrices, under vmap: each its own adjugate', () => {
    const [[, s], [, r]] = [cases[1]!, cases[5]!];
    const got = ad.vmap(ad.grad(detOf))(ad.tensor([s, r])).toArray() as number[][][];
    closeTo(got[0], gradientOracle(s), 1e-12 * scale(s));
    closeTo(got[1], gradientOracle(r), 1e-12 * scale(r));
  });

  it('property: random integer matrices of rank n − 1 (one row a sum of two others), gradient and Hessian', () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 7) - 3;
    for (let trial = 0; trial < 12; trial++) {
      const n = 3 + (trial % 2);
      const a = Array.from({ length: n }, () => Array.from({ length: n }, next));
      a[n - 1] = a[0]!.map((v, j) => v + a[1]![j]!);
      closeTo(ad.grad(detOf)(ad.tensor(a)).toArray(), gradientOracle(a), 1e-11 * scale(a));
      closeTo(ad.hessian(detOf)(ad.tensor(a)).toArray(), hessianOracle(a), 1e-10 * scale(a));
    }
  });
});
