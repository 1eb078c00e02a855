/**
 * @file Independent oracles for test/trust/caches.test.ts, in plain Float64Array loops that share
 * nothing with the library's kernels: a seeded generator, the naive matrix product and a matrix
 * chain's value and cotangents by the textbook recurrence, products and leave-one-out products by
 * prefix and suffix sweeps (no division), their directional derivatives by dual numbers, and the
 * log-semiring product with its softmax weights by a max-shifted loop per entry.
 */

/** A seeded uniform generator on [0, 1) (mulberry32): every program repeats from its seed. */
export type Rng = () => number;

export function rngOf(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi]. */
export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
/** One of `xs`. */
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** n standard normal draws (Box–Muller), times `scale`. */
export function normals(r: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - r(), v = r();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** A row-major matrix. */
export interface Mat { readonly d: Float64Array; readonly r: number; readonly c: number }

/** A·B, the triple loop. */
export function mm(a: Mat, b: Mat): Mat {
  if (a.c !== b.r) throw new Error(`oracle: ${a.r}×${a.c} · ${b.r}×${b.c}`);
  const d = new Float64Array(a.r * b.c);
  for (let i = 0; i < a.r; i++) {
    for (let p = 0; p < a.c; p++) {
      const x = a.d[i * a.c + p]!;
      for (let j = 0; j < b.c; j++) d[i * b.c + j] += x * b.d[p * b.c + j]!;
    }
  }
  return { d, r: a.r, c: b.c };
}

/** Aᵀ. */
export function tr(a: Mat): Mat {
  const d = new Float64Array(a.r * a.c);
  for (let i = 0; i < a.r; i++) for (let j = 0; j < a.c; j++) d[j * a.r + i] = a.d[i * a.c + j]!;
  return { d, r: a.c, c: a.r };
}

/**
 * The value P = M_0 ⋯ M_{n−1} and the cotangents M̄_i = P_{i−1}ᵀ G S_{i+1}ᵀ for an output
 * cotangent G, with the suffix factor carried as R_{n−1} = G, R_{i−1} = R_i M_iᵀ (Giles 2008 for
 * C = AB: Ā = C̄ Bᵀ, B̄ = Aᵀ C̄, applied along the chain).
 */
export function chainOracle(ms: readonly Mat[], g: Mat): { value: Mat; grads: Mat[] } {
  const n = ms.length;
  const prefixes = [ms[0]!];
  for (let i = 1; i < n; i++) prefixes.push(mm(prefixes[i - 1]!, ms[i]!));
  const grads = new Array<Mat>(n);
  let R = g;
  for (let i = n - 1; i >= 1; i--) {
    grads[i] = mm(tr(prefixes[i - 1]!), R);
    R = mm(R, tr(ms[i]!));
  }
  grads[0] = R;
  return { value: prefixes[n - 1]!, grads };
}

/** x[start] ⋯ x[end − 1] left to right. */
export function rowProduct(x: Float64Array, start: number, end: number): number {
  let p = 1;
  for (let i = start; i < end; i++) p *= x[i]!;
  return p;
}

/** L_i = Π_{j≠i} x_j over [start, end), by exclusive prefix and suffix products (no division: exact with zeros). */
export function leaveOneOut(x: Float64Array, start: number, end: number): Float64Array {
  const n = end - start, pre = new Float64Array(n), out = new Float64Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) { pre[i] = acc; acc *= x[start + i]!; }
  acc = 1;
  for (let i = n - 1; i >= 0; i--) { out[i] = pre[i]! * acc; acc *= x[start + i]!; }
  return out;
}

/**
 * The derivative of L (above) in direction v, (H v)_i = Σ_{j≠i} v_j Π_{k≠i,j} x_k — the product's
 * Hessian times v — by dual numbers carried through the same prefix and suffix sweeps.
 */
export function leaveOneOutTangent(x: Float64Array, v: Float64Array, start: number, end: number): Float64Array {
  const n = end - start, pre = new Float64Array(n), dpre = new Float64Array(n), out = new Float64Array(n);
  let p = 1, dp = 0;
  for (let i = 0; i < n; i++) {
    pre[i] = p; dpre[i] = dp;
    const xi = x[start + i]!, vi = v[start + i]!;
    dp = dp * xi + p * vi;
    p *= xi;
  }
  let s = 1, ds = 0;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = dpre[i]! * s + pre[i]! * ds;
    const xi = x[start + i]!, vi = v[start + i]!;
    ds = ds * xi + s * vi;
    s *= xi;
  }
  return out;
}

/**
 * out[t, i, q] = log Σ_j exp(a[t, i, j] + b[t, j, q]) for a [T, m, k], b [T, k, n], and the
 * weights W[t, i, j, q] = exp(a + b − out) (0 for an all −∞ entry) that give its gradients
 * ā[t, i, j] = Σ_q ḡ[t, i, q] W, b̄[t, j, q] = Σ_i ḡ[t, i, q] W.
 */
export function logMatmulOracle(
  a: Float64Array, b: Float64Array, T: number, m: number, k: number, n: number, g: Float64Array | null,
): { value: Float64Array; da: Float64Array; db: Float64Array } {
  const value = new Float64Array(T * m * n), da = new Float64Array(a.length), db = new Float64Array(b.length);
  const terms = new Float64Array(k);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < m; i++) {
      for (let q = 0; q < n; q++) {
        let mx = -Infinity;
        for (let j = 0; j < k; j++) {
          terms[j] = a[(t * m + i) * k + j]! + b[(t * k + j) * n + q]!;
          if (terms[j]! > mx) mx = terms[j]!;
        }
        const o = (t * m + i) * n + q;
        if (mx === -Infinity) { value[o] = -Infinity; continue; }
        let s = 0;
        for (let j = 0; j < k; j++) s += Math.exp(terms[j]! - mx);
        value[o] = mx + Math.log(s);
        if (g === null) continue;
        for (let j = 0; j < k; j++) {
          const w = Math.exp(terms[j]! - mx) / s * g[o]!;
          da[(t * m + i) * k + j] += w;
          db[(t * k + j) * n + q] += w;
        }
      }
    }
  }
  return { value, da, db };
}

/**
 * Throws unless every |actual_i − expected_i| ≤ tol · max_j |expected_j| (exact where the expected
 * tensor is all zeros; non-finite expected entries must be matched exactly).
 */
export function near(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-10): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} entries, expected ${expected.length}`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i]!)) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= tol * scale : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    if (!ok) throw new Error(`${what}: entry ${i} is ${a}, expected ${e} (scale ${scale}, ${actual.length} entries)`);
  }
}

/** The chain's tangent Ṗ = Σ_i P_{i−1} Ṁ_i S_{i+1} for tangents `dms`, by dual matrices: (P, Ṗ) ← (P M_i, Ṗ M_i + P Ṁ_i). */
export function chainTangent(ms: readonly Mat[], dms: readonly Mat[]): Mat {
  let P = ms[0]!, dP = dms[0]!;
  for (let i = 1; i < ms.length; i++) {
    const a = mm(dP, ms[i]!), b = mm(P, dms[i]!);
    for (let p = 0; p < a.d.length; p++) a.d[p] += b.d[p]!;
    dP = a;
    P = mm(P, ms[i]!);
  }
  return dP;
}
