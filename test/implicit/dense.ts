/** @file Dense reference linear algebra for the implicit tests: Gaussian elimination, products, random matrices. */

export type Matrix = number[][];

/** x with A x = b, by Gaussian elimination with partial pivoting. */
export function solveDense(A: Matrix, b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i]![k]!) > Math.abs(M[p]![k]!)) p = i;
    [M[k], M[p]] = [M[p]!, M[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = M[i]![k]! / M[k]![k]!;
      for (let j = k; j <= n; j++) M[i]![j]! -= f * M[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * x[j]!;
    x[i] = s / M[i]![i]!;
  }
  return x;
}

export function matVec(A: Matrix, x: readonly number[]): number[] {
  return A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
}

export function matMul(A: Matrix, B: Matrix): Matrix {
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
}

export function transposeM(A: Matrix): Matrix {
  return A[0]!.map((_, j) => A.map((row) => row[j]!));
}

/** A deterministic pseudo-random number stream in [−1, 1). */
export function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

export function randomMatrix(m: number, n: number, seed: number): Matrix {
  const r = stream(seed);
  return Array.from({ length: m }, () => Array.from({ length: n }, r));
}

/** Gᵀ G + shift·I: symmetric positive definite. */
export function spd(n: number, seed: number, shift = 1): Matrix {
  const G = randomMatrix(n, n, seed);
  const A = matMul(transposeM(G), G);
  for (let i = 0; i < n; i++) A[i]![i]! += shift;
  return A;
}

/** Q diag(eigenvalues) Qᵀ with Q orthogonal (Gram–Schmidt of a random matrix). */
export function withEigenvalues(eigenvalues: number[], seed: number): Matrix {
  const n = eigenvalues.length;
  const G = randomMatrix(n, n, seed);
  const Q: number[][] = [];
  for (const g of G) {
    const v = [...g];
    for (const q of Q) {
      const d = q.reduce((s, qi, i) => s + qi * v[i]!, 0);
      for (let i = 0; i < n; i++) v[i]! -= d * q[i]!;
    }
    const nv = Math.hypot(...v);
    Q.push(v.map((x) => x / nv));
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => Q.reduce((s, q, k) => s + q[i]! * eigenvalues[k]! * q[j]!, 0)));
}

export function hilbert(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 1 / (i + j + 1)));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function maxAbsOf(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
