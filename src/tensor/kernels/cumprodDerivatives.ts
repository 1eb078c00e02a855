/**
 * @file Kernels of cumprod's tangent and of its second derivative (./products.ts has its value and
 * first-order cotangent): each runs the plain recurrences the ops would (the same operations in
 * the same order, so the same bits) and, in a lane of finite numbers where a product of non-zero
 * numbers left the normal range or a sum overflowed, runs the lane again with a separate binary
 * exponent (./scaledProducts.ts's units), so each entry is rounded once into range.
 *
 * Written for the forward direction (`reverse` mirrors every index), c the inclusive and
 * E_k = Π_{j<k} x_j the exclusive cumulative product:
 *
 *   tangent    ċ_k = Σ_{i≤k} t_i Π_{j≤k, j≠i} x_j,      ċ_k = x_k ċ_{k−1} + t_k E_k
 *   Hessian    Q(x, g, u)_i = Σ_k g_k Σ_{m≠i; i,m≤k} u_m Π_{j≤k, j∉{i,m}} x_j
 *                           = β_i E_i + s_i B_i,
 *
 * with s_i = Σ_{k≥i} g_k Π_{i<j≤k} x_j (s_i = x_{i+1} s_{i+1} + g_i, the first-order cotangent's
 * recurrence), B_i = Σ_{m<i} u_m Π_{j<i, j≠m} x_j (the exclusive product's tangent along u) and
 * β_i = Σ_{m>i} u_m s_m Π_{i<j<m} x_j (β_i = x_{i+1} β_{i+1} + u_{i+1} s_{i+1}). Q(x, g, ·) is the
 * Hessian of Σ_k g_k c_k applied to u; it is what jvp(grad), hessian and grad(grad) of a cumprod
 * need. An exclusive cumprod's tangent is the inclusive one moved one place on (ė_k = ċ_{k−1},
 * ė_0 = 0), and its cotangent g enters as g_{k+1}.
 *
 * The plain values go out of range where the entries need not: for x = [10³⁰⁰, 10³⁰⁰, 10⁻³⁰⁰,
 * 10⁻³⁰⁰, 2] and t = e₂, E₃ = ∞ (10⁶⁰⁰) while ċ₃ = 10³⁰⁰. Lanes with ±∞ or NaN keep the IEEE values
 * of the plain recurrences.
 */
import { aroundAxis, cumprodKernel } from './products.js';
import { addUnits, carriedUnits, ldexpUnits, mulUnits, normalized } from './scaledProducts.js';
import type { Shape } from '../shape.js';

/** The smallest positive normal float64. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** True when y is a finite, non-zero number with full relative precision (not subnormal). */
function isNormal(y: number): boolean {
  const a = Math.abs(y);
  return a >= MIN_NORMAL && a < Infinity;
}

/** Set when a plain operation of the current lane left the normal range (see strong, plain, sum). */
let bad = false;

/** a · b as mulStrong computes it (0 where either is 0), noting a product of non-zero numbers that is not normal. */
function strong(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const r = a * b;
  if (!isNormal(r)) bad = true;
  return r;
}

/** a · b as IEEE computes it (the recurrence's products), noting the same. */
function plain(a: number, b: number): number {
  const r = a * b;
  if (a !== 0 && b !== 0 && !isNormal(r)) bad = true;
  return r;
}

/**
 * x · r for a recurrence's coefficient x and its running tangent or cotangent r, as mulStrong: 0
 * where either is 0, whatever the other (∞, NaN) — what the product written with mul and prod
 * gives, whose rules multiply strongly. Else plain's IEEE product.
 */
function carry(x: number, r: number): number {
  return r === 0 || x === 0 ? 0 : plain(x, r);
}

/** a + b, noting an overflow (a sum that falls into the subnormals is exact). */
function sum(a: number, b: number): number {
  const r = a + b;
  if (!(Math.abs(r) < Infinity)) bad = true;
  return r;
}

/** Whether an exclusive product e_k from cumprodKernel is in range: normal, or an exact 0 after a zero factor. */
function inRange(e: number, zeroBefore: boolean): boolean {
  return isNormal(e) || (e === 0 && zeroBefore);
}

/**
 * The tangent of the cumulative product along `axis` in direction t (`reverse` and `exclusive` as
 * in cumprodKernel): bit for bit what cumprod's rule computed with ops — the recurrence
 * linearRecurrence(x, mulStrong(t, E)) with E = cumprodKernel's exclusive product, moved one place
 * on when exclusive — where those values stay in range; a finite lane where they leave it is
 * computed again with a separate exponent (scaledCumprodTangentLane).
 */
export function cumprodTangentKernel(
  x: Float64Array, t: Float64Array, shape: Shape, axis: number, reverse: boolean, exclusive: boolean,
): Float64Array {
  const out = new Float64Array(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  if (x.length === 0 || n === 0) return out;
  const E = cumprodKernel(x, shape, axis, reverse, true);
  const step = reverse ? -inner : inner;
  const last = exclusive ? n - 1 : n; // an exclusive product's tangent never reads the last ċ
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      bad = false;
      let finite = true, zeroBefore = false, r = 0;
      for (let k = 0, p = start; k < last; k++, p += step) {
        const v = x[p]!, tv = t[p]!, e = E[p]!;
        if (!(Math.abs(v) < Infinity && Math.abs(tv) < Infinity)) finite = false;
        if (!inRange(e, zeroBefore)) bad = true;
        const b = strong(tv, e);
        r = k === 0 ? b : sum(carry(v, r), b); // r_0 = b_0, as linearRecurrenceKernel
        out[exclusive ? p + step : p] = r; // exclusive: ė_0 = 0 stays
        if (v === 0) zeroBefore = true;
      }
      if (bad && finite) scaledCumprodTangentLane(x, t, out, start, step, n, exclusive);
    }
  }
  return out;
}

/** One lane of cumprodTangentKernel with E and ċ kept as mantissas with a separate exponent, each output rounded once into range. */
function scaledCumprodTangentLane(x: Float64Array, t: Float64Array, out: Float64Array, start: number, step: number, n: number, exclusive: boolean): void {
  let m = 1, me = 0, d = 0, de = 0; // E_k and ċ_{k−1}
  for (let k = 0, p = start; k < n; k++, p += step) {
    if (exclusive) {
      out[p] = k === 0 ? 0 : ldexpUnits(d, de);
      if (k === n - 1) break;
    }
    const v = x[p]!, tv = t[p]!;
    const a = mulUnits(d, de, v), aE = carriedUnits();
    const b = mulUnits(m, me, tv), bE = carriedUnits();
    d = addUnits(a, aE, b, bE); de = carriedUnits();
    if (!exclusive) out[p] = ldexpUnits(d, de);
    m = mulUnits(m, me, v); me = carriedUnits();
  }
}

/**
 * Q(x, g, u) along `axis` (see the file's comment): the derivative of cumprod's cotangent for
 * cotangent g, in x along u — bit for bit what jvp of cumprod's ops rule chain(s, E) computed,
 * mulStrong(β, E) + mulStrong(s, B) with s, β, B the linear recurrences, where those stay in
 * range; a finite lane where they leave it is computed again with a separate exponent
 * (scaledCumprodHessianLane).
 */
export function cumprodHessianKernel(
  x: Float64Array, g: Float64Array, u: Float64Array, shape: Shape, axis: number, reverse: boolean, exclusive: boolean,
): Float64Array {
  const out = new Float64Array(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  if (x.length === 0 || n === 0) return out;
  const E = cumprodKernel(x, shape, axis, reverse, true);
  const B = new Float64Array(n);
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      bad = false;
      let finite = true, zeroBefore = false, r = 0;
      // B_k = Binc_{k−1} (B_0 = 0), Binc_k = x_k Binc_{k−1} + u_k E_k: the exclusive tangent along u.
      for (let k = 0, p = start; k < n; k++, p += step) {
        const v = x[p]!, uv = u[p]!, e = E[p]!;
        if (!(Math.abs(v) < Infinity && Math.abs(uv) < Infinity && Math.abs(g[p]!) < Infinity)) finite = false;
        if (!inRange(e, zeroBefore)) bad = true;
        B[k] = r;
        if (k < n - 1) { const b = strong(uv, e); r = k === 0 ? b : sum(carry(v, r), b); }
        if (v === 0) zeroBefore = true;
      }
      // From the end: s_k = x_{k+1} s_{k+1} + g_k (g_{k+1} when exclusive), β_k = x_{k+1} β_{k+1} + u_{k+1} s_{k+1}.
      let s = 0, beta = 0;
      for (let k = n - 1, p = start + (n - 1) * step; k >= 0; k--, p -= step) {
        const gi = exclusive ? (k < n - 1 ? g[p + step]! : 0) : g[p]!;
        if (k === n - 1) s = gi;
        else {
          const xn = x[p + step]!;
          beta = sum(carry(xn, beta), strong(u[p + step]!, s));
          s = sum(carry(xn, s), gi);
        }
        out[p] = sum(strong(beta, E[p]!), strong(s, B[k]!));
      }
      if (bad && finite) scaledCumprodHessianLane(x, g, u, out, start, step, n, exclusive);
    }
  }
  return out;
}

/** One lane of cumprodHessianKernel with E, B, s and β kept as mantissas with a separate exponent, each output rounded once into range. */
function scaledCumprodHessianLane(
  x: Float64Array, g: Float64Array, u: Float64Array, out: Float64Array, start: number, step: number, n: number, exclusive: boolean,
): void {
  const em = new Float64Array(n), ee = new Int32Array(n), bm = new Float64Array(n), be = new Int32Array(n);
  let m = 1, me = 0, r = 0, re = 0; // E_k and Binc_{k−1}
  for (let k = 0, p = start; k < n; k++, p += step) {
    em[k] = m; ee[k] = me; bm[k] = r; be[k] = re;
    const v = x[p]!;
    const a = mulUnits(r, re, v), aE = carriedUnits();
    const b = mulUnits(m, me, u[p]!), bE = carriedUnits();
    r = addUnits(a, aE, b, bE); re = carriedUnits();
    m = mulUnits(m, me, v); me = carriedUnits();
  }
  let s = 0, se = 0, beta = 0, betaE = 0;
  for (let k = n - 1, p = start + (n - 1) * step; k >= 0; k--, p -= step) {
    const gm = normalized(exclusive ? (k < n - 1 ? g[p + step]! : 0) : g[p]!), gE = carriedUnits();
    if (k === n - 1) { s = gm; se = gE; } else {
      const xn = x[p + step]!;
      const a = mulUnits(beta, betaE, xn), aE = carriedUnits();
      const b = mulUnits(s, se, u[p + step]!), bE = carriedUnits();
      beta = addUnits(a, aE, b, bE); betaE = carriedUnits();
      const c = mulUnits(s, se, xn), cE = carriedUnits();
      s = addUnits(c, cE, gm, gE); se = carriedUnits();
    }
    // Mantissas within [2⁻²⁵⁶, 2²⁵⁶]: their products are normal, then brought back into range.
    const one = normalized(beta * em[k]!), oneE = carriedUnits() + betaE + ee[k]!;
    const two = normalized(s * bm[k]!), twoE = carriedUnits() + se + be[k]!;
    const total = addUnits(one, oneE, two, twoE);
    out[p] = ldexpUnits(total, carriedUnits());
  }
}

/**
 * R(x, t, u)_k = Σ_{i≠m; i,m≤k} t_i u_m Π_{j≤k, j∉{i,m}} x_j along `axis`: the derivative of the
 * tangent T(x, t) in x along u (forward over forward mode), by the recurrence
 * R_k = x_k R_{k−1} + u_k A_k + t_k B_k with A_k, B_k the exclusive products' tangents along t and u
 * — bit for bit what jvp of the tangent's ops rule computed where the values stay in range; a
 * finite lane where they leave it is computed again with a separate exponent
 * (scaledCumprodSecondTangentLane). Exclusive: moved one place on, as the tangent.
 */
export function cumprodSecondTangentKernel(
  x: Float64Array, t: Float64Array, u: Float64Array, shape: Shape, axis: number, reverse: boolean, exclusive: boolean,
): Float64Array {
  const out = new Float64Array(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  if (x.length === 0 || n === 0) return out;
  const E = cumprodKernel(x, shape, axis, reverse, true);
  const step = reverse ? -inner : inner;
  const last = exclusive ? n - 1 : n;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      bad = false;
      let finite = true, zeroBefore = false, a = 0, b = 0, c = 0; // A_k, B_k, R_{k−1}
      for (let k = 0, p = start; k < last; k++, p += step) {
        const v = x[p]!, tv = t[p]!, uv = u[p]!, e = E[p]!;
        if (!(Math.abs(v) < Infinity && Math.abs(tv) < Infinity && Math.abs(uv) < Infinity)) finite = false;
        if (!inRange(e, zeroBefore)) bad = true;
        const drive = sum(strong(uv, a), strong(tv, b));
        c = k === 0 ? drive : sum(carry(v, c), drive);
        out[exclusive ? p + step : p] = c;
        const at = strong(tv, e), bt = strong(uv, e);
        a = k === 0 ? at : sum(carry(v, a), at);
        b = k === 0 ? bt : sum(carry(v, b), bt);
        if (v === 0) zeroBefore = true;
      }
      if (bad && finite) scaledCumprodSecondTangentLane(x, t, u, out, start, step, n, exclusive);
    }
  }
  return out;
}

/** One lane of cumprodSecondTangentKernel with E, A, B and R kept as mantissas with a separate exponent, each output rounded once into range. */
function scaledCumprodSecondTangentLane(
  x: Float64Array, t: Float64Array, u: Float64Array, out: Float64Array, start: number, step: number, n: number, exclusive: boolean,
): void {
  let m = 1, me = 0, a = 0, aE = 0, b = 0, bE = 0, c = 0, cE = 0;
  for (let k = 0, p = start; k < n; k++, p += step) {
    if (exclusive) {
      out[p] = k === 0 ? 0 : ldexpUnits(c, cE);
      if (k === n - 1) break;
    }
    const v = x[p]!, tv = t[p]!, uv = u[p]!;
    const d1 = mulUnits(a, aE, uv), d1E = carriedUnits();
    const d2 = mulUnits(b, bE, tv), d2E = carriedUnits();
    const c1 = mulUnits(c, cE, v), c1E = carriedUnits();
    const c2 = addUnits(c1, c1E, d1, d1E), c2E = carriedUnits();
    c = addUnits(c2, c2E, d2, d2E); cE = carriedUnits();
    if (!exclusive) out[p] = ldexpUnits(c, cE);
    const a1 = mulUnits(a, aE, v), a1E = carriedUnits(), a2 = mulUnits(m, me, tv), a2E = carriedUnits();
    a = addUnits(a1, a1E, a2, a2E); aE = carriedUnits();
    const b1 = mulUnits(b, bE, v), b1E = carriedUnits(), b2 = mulUnits(m, me, uv), b2E = carriedUnits();
    b = addUnits(b1, b1E, b2, b2E); bE = carriedUnits();
    m = mulUnits(m, me, v); me = carriedUnits();
  }
}
