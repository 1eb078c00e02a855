/**
 * @file eigh's Householder reduction (src/tensor/kernels/linalg/eigh.ts, reduce) with each step's
 * two row loops in one WebAssembly call (rotations.ts: symvRows, rank2Rows) instead of one call a
 * row: the same bits as the per-row kernels (FNV-1a hashes of u, d, e after the reduction,
 * recorded from the per-row build at d9447fc, WebAssembly on and off), and the decomposition it
 * leads to — residual ‖AV − VΛ‖ and ‖VᵀV − I‖ — at orders about the QL/divide-and-conquer and
 * JavaScript/WebAssembly switch (63, 64) and above, on random, clustered, graded (1e±150) matrices
 * and ones with rows and columns of exact zeros; batches the same bits as one matrix at a time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { eighKernel, reduceTridiagonal } from '../../src/tensor/kernels/linalg/eigh.js';

afterAll(() => ad.config({ wasm: true }));

type Kind = 'random' | 'clustered' | 'graded' | 'zeros';

/** A symmetric n×n matrix of a kind, from an LCG (the generator the hashes were recorded with). */
function matrix(n: number, kind: Kind, seed: number): Float64Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let x = rnd();
    if (kind === 'graded') x *= 10 ** (150 * ((i + j) / (n - 1) - 1)); // 1e-150 … 1e150 along the diagonals
    if (kind === 'zeros' && (i % 7 === 3 || j % 5 === 1)) x = 0; // whole rows and columns of zeros
    if (kind === 'clustered') x = i === j ? 1 + 1e-12 * x : 1e-9 * x; // eigenvalues within 1e-8 of 1
    a[i * n + j] = x;
    a[j * n + i] = x;
  }
  return a;
}

/** FNV-1a (64-bit) of the arrays' bytes. */
function fnv(arrays: Float64Array[]): string {
  let h = 0xcbf29ce484222325n;
  for (const a of arrays) for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) { h ^= BigInt(b); h = (h * 0x100000001b3n) & 0xffffffffffffffffn; }
  return h.toString(16);
}

const withWasm = <T>(wasm: boolean, f: () => T): T => {
  ad.config({ wasm });
  try { return f(); } finally { ad.config({ wasm: true }); }
};

describe('the reduction: the bits of the per-row kernels', () => {
  // Recorded from d9447fc (one WebAssembly call a row, two lanes for the matrix–vector sums); off:
  // tred2's scalar loops, from 64 on different from on (the running sum against two lanes).
  const on: Array<[number, Kind, string]> = [[63, 'random', 'f97244f0535fede8'], [64, 'random', '6ebb25f993ffb379'], [65, 'zeros', 'c6fb2507c60e2bb'], [100, 'zeros', 'e94a08dfcee4dc9d'], [200, 'graded', '807300640d9702c'], [300, 'clustered', 'cda645687fb78160']];
  const off: Array<[number, Kind, string]> = [[63, 'random', 'f97244f0535fede8'], [64, 'random', '8be08c15f6688a29'], [65, 'zeros', '1a01e385a7fea8fe'], [100, 'zeros', 'eeb50012533fab6'], [200, 'graded', '13292fe2faee6262'], [300, 'clustered', '3b8b01252943631f']];
  for (const [wasm, cases] of [[true, on], [false, off]] as const) {
    it.each(cases)(`wasm ${wasm}: n = %i, %s`, (n, kind, hash) => {
      const u = matrix(n, kind, n), d = new Float64Array(n), e = new Float64Array(n);
      withWasm(wasm, () => reduceTridiagonal(u, n, d, e));
      expect(fnv([u, d, e])).toBe(hash);
    });
  }
});

/** max ‖A vⱼ − λⱼ vⱼ‖∞ / (‖A‖max · n) and max |VᵀV − I|, V with eigenvectors as columns. */
function quality(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): { residual: number; orthogonality: number } {
  let norm = 0;
  for (const x of a) norm = Math.max(norm, Math.abs(x));
  let residual = 0, orthogonality = 0;
  const av = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    av.fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) av[i] += a[i * n + k]! * vectors[k * n + j]!;
    for (let i = 0; i < n; i++) residual = Math.max(residual, Math.abs(av[i]! - values[j]! * vectors[i * n + j]!));
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vectors[k * n + j]! * vectors[k * n + c]!;
      orthogonality = Math.max(orthogonality, Math.abs(dot - (c === j ? 1 : 0)));
    }
  }
  return { residual: residual / (norm * n), orthogonality };
}

describe('eighKernel after the reduction: a decomposition', () => {
  const cases: Array<[number, Kind]> = [];
  for (const n of [63, 64, 100, 200, 300]) for (const kind of ['random', 'clustered', 'graded', 'zeros'] as const) cases.push([n, kind]);
  for (const wasm of [true, false]) {
    it.each(cases)(`wasm ${wasm}: n = %i, %s — ‖AV − VΛ‖ ≤ 1e-14·n‖A‖, ‖VᵀV − I‖ ≤ 1e-13, ascending`, (n, kind) => {
      const a = matrix(n, kind, 1000 + n), values = new Float64Array(n), vectors = new Float64Array(n * n);
      expect(withWasm(wasm, () => eighKernel(a, 1, n, values, vectors))).toBe(-1);
      const q = quality(a, n, values, vectors);
      expect(q.residual).toBeLessThan(1e-14);
      expect(q.orthogonality).toBeLessThan(1e-13);
      for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    });
  }

  it.each([64, 100])('a batch of three at n = %i: each the bits of the matrix alone', (n) => {
    const kinds: Kind[] = ['random', 'zeros', 'graded'];
    const a = new Float64Array(3 * n * n);
    kinds.forEach((kind, t) => a.set(matrix(n, kind, t + 7), t * n * n));
    const values = new Float64Array(3 * n), vectors = new Float64Array(3 * n * n);
    expect(eighKernel(a, 3, n, values, vectors)).toBe(-1);
    kinds.forEach((kind, t) => {
      const one = new Float64Array(n), oneV = new Float64Array(n * n);
      eighKernel(matrix(n, kind, t + 7), 1, n, one, oneV);
      expect(values.subarray(t * n, (t + 1) * n)).toEqual(one);
      expect(vectors.subarray(t * n * n, (t + 1) * n * n)).toEqual(oneV);
    });
  });
});
