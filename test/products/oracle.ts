/** @file Naive oracles for product derivatives, written independently of the library: plain loops, O(n²) and worse, no cleverness. */

/** Π_{j ∉ skip} x_j, multiplied left to right. */
export function productExcept(x: readonly number[], ...skip: number[]): number {
  let p = 1;
  for (let j = 0; j < x.length; j++) if (!skip.includes(j)) p *= x[j]!;
  return p;
}

/** ∂/∂x_i Π x = Π_{j≠i} x_j, each formed anew (O(n²)). */
export function prodGradient(x: readonly number[]): number[] {
  return x.map((_, i) => productExcept(x, i));
}

/** H_ij = ∂²/∂x_i∂x_j Π x = Π_{k≠i,j} x_k for i ≠ j, 0 on the diagonal (O(n³)). */
export function prodHessian(x: readonly number[]): number[][] {
  return x.map((_, i) => x.map((__, j) => (i === j ? 0 : productExcept(x, i, j))));
}

/** ∂³/∂x_i∂x_j∂x_k Π x: the product of the others for distinct i, j, k, else 0. */
export function prodThird(x: readonly number[], i: number, j: number, k: number): number {
  return i === j || j === k || i === k ? 0 : productExcept(x, i, j, k);
}

export function matVec(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  return m.map((row) => {
    let s = 0;
    for (let j = 0; j < v.length; j++) s += row[j]! * v[j]!;
    return s;
  });
}

/** Inclusive (or exclusive) cumulative products, left to right (or from the end). */
export function cumprodOracle(x: readonly number[], exclusive = false, reverse = false): number[] {
  const n = x.length;
  return x.map((_, k) => {
    let p = 1;
    for (let j = 0; j < n; j++) {
      const inside = reverse ? (exclusive ? j > k : j >= k) : exclusive ? j < k : j <= k;
      if (inside) p *= x[j]!;
    }
    return p;
  });
}

/** The indices j in the k-th (forward, inclusive unless `exclusive`) cumulative product. */
function prefixSet(k: number, exclusive: boolean): number[] {
  const out: number[] = [];
  for (let j = 0; j < (exclusive ? k : k + 1); j++) out.push(j);
  return out;
}

/** J[k][i] = ∂c_k/∂x_i for the forward cumulative product: the product over the set, i left out. */
export function cumprodJacobian(x: readonly number[], exclusive = false): number[][] {
  return x.map((_, k) => {
    const set = prefixSet(k, exclusive);
    return x.map((__, i) => (set.includes(i) ? productExcept(set.map((j) => x[j]!), set.indexOf(i)) : 0));
  });
}

/** ∂²(Σ_k w_k c_k)/∂x_i∂x_j for the forward cumulative product. */
export function cumprodWeightedHessian(x: readonly number[], w: readonly number[], exclusive = false): number[][] {
  return x.map((_, i) => x.map((__, j) => {
    if (i === j) return 0;
    let s = 0;
    for (let k = 0; k < x.length; k++) {
      const set = prefixSet(k, exclusive);
      if (set.includes(i) && set.includes(j)) s += w[k]! * productExcept(set.map((l) => x[l]!), set.indexOf(i), set.indexOf(j));
    }
    return s;
  }));
}

// ---- matrices, as arrays of rows ----

export type Mat = number[][];

export function matMul(a: Mat, b: Mat): Mat {
  return a.map((row) => b[0]!.map((_, j) => {
    let s = 0;
    for (let p = 0; p < row.length; p++) s += row[p]! * b[p]![j]!;
    return s;
  }));
}

export const transposeMat = (a: Mat): Mat => a[0]!.map((_, j) => a.map((row) => row[j]!));
const identity = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)));

/** M_from ⋯ M_{to−1}, formed from scratch (the identity of the right size when empty). */
export function chainRange(ms: readonly Mat[], from: number, to: number, size: number): Mat {
  let p = identity(size);
  for (let i = from; i < to; i++) p = matMul(p, ms[i]!);
  return p;
}

/**
 * The gradient of ⟨W, M_0 ⋯ M_{n−1}⟩ by leave-one-out: for each i the prefix and the suffix are
 * multiplied out from scratch, M̄_i = (M_0⋯M_{i−1})ᵀ W (M_{i+1}⋯M_{n−1})ᵀ — O(n²) matrix products.
 */
export function chainGradient(ms: readonly Mat[], w: Mat): Mat[] {
  const n = ms.length;
  return ms.map((m, i) => {
    const prefix = chainRange(ms, 0, i, ms[0]!.length);
    const suffix = chainRange(ms, i + 1, n, m[0]!.length);
    return matMul(matMul(transposeMat(prefix), w), transposeMat(suffix));
  });
}

/**
 * The Hessian of ⟨W, M_0 ⋯ M_{n−1}⟩ applied to directions V: for each i, the sum over j ≠ i of the
 * gradient's prefix/suffix with M_j replaced by V_j — O(n³) matrix products.
 */
export function chainHvp(ms: readonly Mat[], vs: readonly Mat[], w: Mat): Mat[] {
  const n = ms.length;
  return ms.map((m, i) => {
    let acc: Mat = m.map((row) => row.map(() => 0));
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const swapped = ms.map((mk, k) => (k === j ? vs[j]! : mk));
      const prefix = chainRange(swapped, 0, i, ms[0]!.length);
      const suffix = chainRange(swapped, i + 1, n, m[0]!.length);
      const term = matMul(matMul(transposeMat(prefix), w), transposeMat(suffix));
      acc = acc.map((row, r) => row.map((v, c) => v + term[r]![c]!));
    }
    return acc;
  });
}
