/** @file LU factorisation with partial pivoting (P A = L U), batched, and solves and determinants from it. No AD here. */
import { substitute } from './triangular.js';

export interface LuFactors {
  /** L (unit lower, below the diagonal) and U (upper, diagonal included) packed in one n×n matrix per batch entry. */
  readonly lu: Float64Array;
  /** Row i of P A is row perm[t·n + i] of A. */
  readonly perm: Int32Array;
  /** det(P) = ±1 per batch entry. */
  readonly parity: Float64Array;
  /** The first batch entry with an exactly zero pivot (singular), or −1. */
  readonly singular: number;
}

/**
 * Right-looking LU with partial pivoting (the pivot of column k is its largest entry on or below
 * the diagonal): after each pivot, every row below subtracts a multiple of the pivot row, an
 * update along contiguous rows. Stable in practice (growth factor bounded by 2ⁿ⁻¹, small for all
 * but contrived matrices; Higham, "Accuracy and Stability of Numerical Algorithms", ch. 9).
 */
export function luFactor(a: Float64Array, count: number, n: number): LuFactors {
  const lu = Float64Array.from(a);
  const perm = new Int32Array(count * n);
  const parity = new Float64Array(count);
  let singular = -1;
  for (let t = 0; t < count; t++) {
    const off = t * n * n;
    let sign = 1;
    for (let i = 0; i < n; i++) perm[t * n + i] = i;
    for (let k = 0; k < n; k++) {
      let p = k, best = Math.abs(lu[off + k * n + k]!);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(lu[off + i * n + k]!);
        if (v > best) { best = v; p = i; }
      }
      if (p !== k) {
        const rk = off + k * n, rp = off + p * n;
        for (let j = 0; j < n; j++) { const s = lu[rk + j]!; lu[rk + j] = lu[rp + j]!; lu[rp + j] = s; }
        const s = perm[t * n + k]!; perm[t * n + k] = perm[t * n + p]!; perm[t * n + p] = s;
        sign = -sign;
      }
      const rk = off + k * n;
      const pivot = lu[rk + k]!;
      if (pivot === 0) { if (singular < 0) singular = t; continue; }
      for (let i = k + 1; i < n; i++) {
        const ri = off + i * n;
        const f = lu[ri + k]! / pivot;
        lu[ri + k] = f;
        if (f === 0) continue;
        for (let j = k + 1; j < n; j++) lu[ri + j] -= f * lu[rk + j]!;
      }
    }
    parity[t] = sign;
  }
  return { lu, perm, parity, singular };
}

/** X = A⁻¹ B for each batch entry from A's factors; B is n×k per entry. */
export function luSolve(f: LuFactors, b: Float64Array, count: number, n: number, k: number, out: Float64Array): Float64Array {
  for (let t = 0; t < count; t++) {
    const bo = t * n * k;
    for (let i = 0; i < n; i++) {
      const src = bo + f.perm[t * n + i]! * k;
      out.set(b.subarray(src, src + k), bo + i * k);
    }
    substitute(f.lu, t * n * n, n, true, false, true, out, bo, k);
    substitute(f.lu, t * n * n, n, false, false, false, out, bo, k);
  }
  return out;
}

/** log|det A| and sign(det A) per batch entry (−∞ and 0 for a singular matrix). */
export function luLogAbsDet(f: LuFactors, count: number, n: number): { logAbs: Float64Array; sign: Float64Array } {
  const logAbs = new Float64Array(count), sign = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    let s = f.parity[t]!, l = 0;
    for (let i = 0; i < n; i++) {
      const d = f.lu[t * n * n + i * n + i]!;
      if (d < 0) s = -s;
      l += Math.log(Math.abs(d));
    }
    logAbs[t] = l;
    sign[t] = l === -Infinity ? 0 : s;
  }
  return { logAbs, sign };
}

/** det A per batch entry: the product of U's diagonal times det(P) (overflows where det does). */
export function luDet(f: LuFactors, count: number, n: number): Float64Array {
  const out = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    let d = f.parity[t]!;
    for (let i = 0; i < n; i++) d *= f.lu[t * n * n + i * n + i]!;
    out[t] = d === 0 ? 0 : d; // no −0
  }
  return out;
}
