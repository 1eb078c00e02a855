/**
 * @file The matrix exponential by scaling and squaring with diagonal Padé approximants (Higham 2005), batched. No AD here.
 *
 * N. J. Higham, "The scaling and squaring method for the matrix exponential revisited", SIAM J.
 * Matrix Anal. Appl. 26(4), 2005, Algorithm 2.3 (as MATLAB's expm before 2009 and torch's
 * choice of a fixed-degree method): with θ_m the largest ‖A‖₁ for which the [m/m] Padé
 * approximant r_m(A) has backward error ≤ 2⁻⁵³ (Table 2.3), take the least m ∈ {3, 5, 7, 9}
 * with ‖A‖₁ ≤ θ_m; otherwise scale A by 2⁻ˢ, s = ⌈log₂(‖A‖₁/θ₁₃)⌉, take r₁₃ and square s times.
 * r_m = (V − U)⁻¹ (V + U), U the odd and V the even part of the Padé numerator.
 */
import { luFactor, luSolve } from './lu.js';

/** θ_m of Higham 2005, Table 2.3 (double precision). */
const THETA: ReadonlyArray<readonly [number, number]> = [[3, 1.495585217958292e-2], [5, 2.539398330063230e-1], [7, 9.504178996162932e-1], [9, 2.097847961257068]];
const THETA13 = 5.371920351148152;

/** Coefficients b₀…b_m of the [m/m] Padé numerator of eˣ (Higham 2005, eq. 2.2 scaled to integers). */
const PADE: Readonly<Record<number, readonly number[]>> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
};

/**
 * c = a·b for n×n matrices (i-k-j order). An exact zero of a contributes nothing, so a matrix
 * whose squaring overflows keeps its structural zeros (e^diag(1000, 1) is [[∞, 0], [0, e]], as
 * torch.linalg.matrix_exp, not NaN from 0·∞).
 */
function product(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const x = a[i * n + k]!;
      if (x === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += x * b[k * n + j]!;
    }
  }
}

/** ‖A‖₁, the largest absolute column sum. */
function oneNorm(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    best = Math.max(best, s);
  }
  return best;
}

/** out = Σ_k c_k · terms[k] (terms n×n; identity where a term is null). */
function combine(out: Float64Array, n: number, terms: ReadonlyArray<readonly [number, Float64Array | null]>): void {
  out.fill(0);
  for (const [c, t] of terms) {
    if (t === null) for (let i = 0; i < n; i++) out[i * n + i] += c;
    else for (let i = 0; i < n * n; i++) out[i] += c * t[i]!;
  }
}

/**
 * e^A for `count` n×n matrices with finite entries (the caller checks). Where the result
 * overflows its entries are ±∞ (or NaN where ∞ − ∞ arises), as torch's.
 */
export function expmKernel(a: Float64Array, count: number, n: number, out: Float64Array): Float64Array {
  const nn = n * n;
  const x = new Float64Array(nn), a2 = new Float64Array(nn), a4 = new Float64Array(nn), a6 = new Float64Array(nn);
  const u = new Float64Array(nn), v = new Float64Array(nn), w = new Float64Array(nn), tmp = new Float64Array(nn);
  for (let t = 0; t < count; t++) {
    x.set(a.subarray(t * nn, (t + 1) * nn));
    const norm = oneNorm(x, n);
    const small = THETA.find(([, theta]) => norm <= theta);
    let s = 0;
    product(x, x, a2, n);
    if (small !== undefined) {
      // r_m for m ≤ 9: U = A Σ_{j odd} b_j A^{j−1}, V = Σ_{j even} b_j A^j, powers of A² built up.
      const b = PADE[small[0]]!;
      const powers: Float64Array[] = [a2];
      for (let j = 4; j <= small[0] - 1; j += 2) { const p = new Float64Array(nn); product(powers[powers.length - 1]!, a2, p, n); powers.push(p); }
      combine(w, n, [[b[1]!, null], ...powers.map((p, i): [number, Float64Array] => [b[2 * i + 3]!, p])]);
      product(x, w, u, n);
      combine(v, n, [[b[0]!, null], ...powers.map((p, i): [number, Float64Array] => [b[2 * i + 2]!, p])]);
    } else {
      s = Math.max(0, Math.ceil(Math.log2(norm / THETA13)));
      const scale = 2 ** -s;
      if (s > 0) {
        for (let i = 0; i < nn; i++) x[i] = x[i]! * scale;
        for (let i = 0; i < nn; i++) a2[i] = a2[i]! * scale * scale;
      }
      const b = PADE[13]!;
      product(a2, a2, a4, n);
      product(a4, a2, a6, n);
      // U = A [A⁶(b₁₃A⁶ + b₁₁A⁴ + b₉A²) + b₇A⁶ + b₅A⁴ + b₃A² + b₁I]   (Higham 2005, eq. 2.6)
      combine(tmp, n, [[b[13]!, a6], [b[11]!, a4], [b[9]!, a2]]);
      product(a6, tmp, w, n);
      combine(tmp, n, [[1, w], [b[7]!, a6], [b[5]!, a4], [b[3]!, a2], [b[1]!, null]]);
      product(x, tmp, u, n);
      // V = A⁶(b₁₂A⁶ + b₁₀A⁴ + b₈A²) + b₆A⁶ + b₄A⁴ + b₂A² + b₀I
      combine(tmp, n, [[b[12]!, a6], [b[10]!, a4], [b[8]!, a2]]);
      product(a6, tmp, w, n);
      combine(v, n, [[1, w], [b[6]!, a6], [b[4]!, a4], [b[2]!, a2], [b[0]!, null]]);
    }
    // r = (V − U)⁻¹ (V + U): one LU solve with n right-hand sides.
    for (let i = 0; i < nn; i++) { w[i] = v[i]! - u[i]!; tmp[i] = v[i]! + u[i]!; }
    const f = luFactor(w, 1, n);
    const r = out.subarray(t * nn, (t + 1) * nn);
    if (f.singular >= 0) r.fill(NaN); // cannot happen for ‖A‖₁ ≤ θ (Higham 2005, §2); kept honest
    else luSolve(f, tmp, 1, n, n, r);
    for (let k = 0; k < s; k++) { product(r, r, w, n); r.set(w); }
  }
  return out;
}
