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

/** d = m·2^e exactly (m a BigInt, e an integer), for a finite double d. */
function exactParts(d: number): { m: bigint; e: number } {
  if (d === 0) return { m: 0n, e: 0 };
  let e = 0;
  let m = d;
  while (!Number.isInteger(m)) { m *= 2; e--; } // exact: doubling a double only moves its exponent
  return { m: BigInt(m), e };
}

/** e^d · 2^P for a rational d = m·2^e of either sign (e^{|d|} = 1 / e^{−|d|} in fixed point). */
function expFixedSigned(m: bigint, e: number, P: number): bigint {
  if (m <= 0n) return expFixed(m, e, P);
  return (1n << BigInt(2 * P)) / expFixed(-m, e, P);
}

/** e^d · 2^P as a BigInt, for a rational d = m·2^e ≤ 0, to about P − 12 − |d|·log2(e) correct bits. */
function expFixed(m: bigint, e: number, P: number): bigint {
  const one = 1n << BigInt(P);
  // x = d / 2^r in fixed point, with |x| < 1/2; then e^d = (e^x)^(2^r).
  const magnitude = m < 0n ? -m : m;
  const r = Math.max(0, magnitude.toString(2).length + e + 20); // |x| < 2⁻²⁰: about P/20 Taylor terms
  const shift = P + e - r;
  const x = shift >= 0 ? m << BigInt(shift) : m / (1n << BigInt(-shift));
  let term = one;
  let sum = one;
  for (let k = 1n; term !== 0n; k++) {
    term = (term * x) / (k << BigInt(P));
    sum += term;
  }
  for (let i = 0; i < r; i++) sum = (sum * sum) >> BigInt(P);
  return sum;
}

/**
 * Σ sᵢ·e^{lᵢ} to about 1e−30 relative (BigInt fixed point with 3,200 bits, each lᵢ taken exactly as
 * the double it is): the sign and the log-magnitude, the latter rounded once to a double.
 */
export function signedLogSumOracle(signs: readonly number[], logs: readonly number[]): { sign: number; logAbs: number } {
  const live = logs.map((l, i) => ({ s: signs[i]!, l })).filter((t) => t.s !== 0 && t.l !== -Infinity);
  if (live.length === 0) return { sign: 0, logAbs: -Infinity };
  const M = Math.max(...live.map((t) => t.l));
  const P = 3200;
  const Mp = exactParts(M);
  let total = 0n;
  for (const t of live) {
    const lp = exactParts(t.l);
    const e = Math.min(lp.e, Mp.e);
    const diff = (lp.m << BigInt(lp.e - e)) - (Mp.m << BigInt(Mp.e - e)); // l − M, exactly
    const v = expFixed(diff, e, P);
    total += t.s > 0 ? v : -v;
  }
  if (total === 0n) return { sign: 0, logAbs: -Infinity };
  const sign = total > 0n ? 1 : -1;
  const abs = total > 0n ? total : -total;
  const bits = abs.toString(2).length;
  // A first estimate L₀ of log|S| = M + log(|total|·2^−P), then the correction log(|S|·e^{−L₀}) of a
  // number near 1, computed from |total|·e^{M−L₀} in fixed point: L₀ + δ is rounded once.
  const f = Number(bits > 60 ? abs >> BigInt(bits - 60) : abs << BigInt(60 - bits)) / 2 ** 60;
  const estimate = M + (Math.log(f) + (bits - P) * Math.LN2);
  const [Mq, Lq] = [exactParts(M), exactParts(estimate)];
  const e = Math.min(Mq.e, Lq.e);
  const scaled = abs * expFixedSigned((Mq.m << BigInt(Mq.e - e)) - (Lq.m << BigInt(Lq.e - e)), e, P);
  const one = 1n << BigInt(2 * P);
  const delta = Math.log1p(Number(((scaled - one) << 60n) / one) / 2 ** 60);
  return { sign, logAbs: estimate + delta };
}

/** A finite double as [integer mantissa, binary exponent], exactly. */
export function split(v: number): [bigint, number] {
  if (v === 0) return [0n, 0];
  let e = 0, m = v;
  while (!Number.isInteger(m)) { m *= 2; e--; } // exact: doubling a double
  while (Math.abs(m) > 2 ** 53) { m /= 2; e++; } // exact: m is an even integer here
  return [BigInt(m), e];
}

/** Π x exactly in BigInt arithmetic, then rounded once to the nearest double (subnormals included). */
export function exactProduct(x: readonly number[]): number {
  let m = 1n, e = 0;
  for (const v of x) { const [a, b] = split(v); m *= a; e += b; }
  return roundExact(m, e);
}

/** m · 2^e (m a BigInt, e an integer) rounded once to the nearest double, subnormals included. */
export function roundExact(m: bigint, e: number): number {
  const sign = m < 0n ? -1 : 1;
  if (m < 0n) m = -m;
  if (m === 0n) return sign * 0;
  const bits = m.toString(2).length;
  if (e + bits - 1 < -1022 && e < -1074) {
    // A subnormal result: to a multiple of 2⁻¹⁰⁷⁴, rounding half to even; q < 2⁵³, so exact below.
    const shift = BigInt(-1074 - e), q = m >> shift, r = m - (q << shift), half = 1n << (shift - 1n);
    return sign * Number(r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q) * 2 ** -1074;
  }
  if (bits > 64) {
    // To 64 bits with a sticky bit: Number() then rounds to 53 bits exactly as the full value would.
    const shift = BigInt(bits - 64), q = m >> shift;
    m = q | (m - (q << shift) === 0n ? 0n : 1n);
    e += bits - 64;
  }
  let v = Number(m); // correctly rounded
  // Scaled by 2^e in steps that stay between v and the result (exact while the result is normal).
  for (; e > 0; e -= Math.min(e, 1000)) v *= 2 ** Math.min(e, 1000);
  for (; e < 0; e -= Math.max(e, -1000)) v *= 2 ** Math.max(e, -1000);
  return sign * v;
}

/** A small seeded generator of uniforms in [0, 1) (mulberry32), for reproducible random cases. */
export function mulberry(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
