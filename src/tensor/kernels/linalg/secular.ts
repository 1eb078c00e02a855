/**
 * @file The secular equation of a rank-one update of a diagonal matrix, and its eigenvectors —
 * the merge step of the divide-and-conquer tridiagonal eigensolver (./tridiagonalDivide.ts).
 *
 * The eigenvalues of D + ρ z zᵀ (D = diag(d), d strictly ascending, every zᵢ ≠ 0, ρ > 0) are the
 * k roots of
 *
 *   w(λ) = 1/ρ + Σᵢ zᵢ² / (dᵢ − λ) = 0,
 *
 * one in each (dⱼ, dⱼ₊₁) and the last in (d_{k−1}, d_{k−1} + ρ‖z‖²] (w increases from −∞ to +∞ on
 * each interval: Golub 1973; Bunch, Nielsen & Sorensen 1978). Each root λⱼ is kept as an offset τⱼ
 * from its nearer pole d_{oⱼ} (LAPACK's dlaed4), so that every difference dᵢ − λⱼ is formed as
 * (dᵢ − d_{oⱼ}) − τⱼ, exact to a few ulps of itself — computing λⱼ first and subtracting loses all
 * of it near a pole, and the eigenvectors are made of these differences. The roots are found by
 * Li's "middle way" rational interpolation (R.-C. Li, LAPACK Working Note 89, 1993; dlaed4's
 * fixed-weight step), kept in a bisection bracket.
 *
 * The eigenvectors follow Gu & Eisenstat (SIMAX 16, 1995): ẑ is recomputed from the computed roots
 * by Löwner's formula, so that the computed λ are the exact eigenvalues of D + ρ ẑ ẑᵀ (ẑ close to
 * z), whose eigenvectors ẑᵢ/(dᵢ − λⱼ) are then numerically orthogonal however close the roots.
 */

const EPS = 2 ** -53; // unit roundoff (LAPACK's dlamch('Epsilon'))
/** Rational-interpolation steps before plain bisection takes over (dlaed4 gives up after 30). */
const MAX_RATIONAL = 40;
/** All steps: bisection of a float64 interval reaches adjacent numbers within ~2100 halvings. */
const MAX_STEPS = MAX_RATIONAL + 2200;

/**
 * w and its parts at offset τ from the origin pole, the poles split at `split`: ψ = Σ_{i<split}
 * zᵢ²/(δᵢ − τ) (the poles left of the root's interval end) and φ the rest, δᵢ = dᵢ − d_origin.
 */
class Evaluation {
  w = 0;
  /** ψ′ and φ′ (both positive). */
  dpsi = 0;
  dphi = 0;
  /** A bound on the rounding error of w, as dlaed4's erretm (before the factor ε). */
  err = 0;

  run(delta: Float64Array, z: Float64Array, k: number, split: number, rhoInv: number, tau: number): void {
    let psi = 0, dpsi = 0, phi = 0, dphi = 0;
    for (let i = 0; i < split; i++) {
      const t = z[i]! / (delta[i]! - tau);
      psi += z[i]! * t;
      dpsi += t * t;
    }
    for (let i = split; i < k; i++) {
      const t = z[i]! / (delta[i]! - tau);
      phi += z[i]! * t;
      dphi += t * t;
    }
    this.w = rhoInv + psi + phi;
    this.dpsi = dpsi;
    this.dphi = dphi;
    // Each term carries a relative error of a few ulps (δᵢ − τ, the division, the product); the sum
    // adds one per term; τ itself is known to an ulp, which moves w by |τ|·w′ (dlaed4's test).
    this.err = 8 * (phi - psi) + 2 * rhoInv + Math.abs(tau) * (dpsi + dphi);
  }
}

/**
 * The root η of c + s/(Δp − η) + S/(Δq − η) = 0 (cη² − Aη + B = 0) on the wanted branch: between
 * the poles for an interior root (`last` false), right of both for the last one. Written with A,
 * B, c directly (from the identities dlaed4 uses), the two forms of the quadratic formula chosen so
 * that nothing cancels.
 */
function quadraticStep(a: number, b: number, c: number, last: boolean): number {
  const disc = Math.sqrt(Math.abs(a * a - 4 * b * c));
  if (!last) {
    if (c === 0) return b / a;
    return a <= 0 ? (a - disc) / (2 * c) : (2 * b) / (a + disc);
  }
  if (c === 0) return b / a;
  return a >= 0 ? (a + disc) / (2 * c) : (2 * b) / (a - disc);
}

/**
 * The j-th root: its origin pole and the offset τ from it. `delta` is scratch of length k.
 * Interior roots (j < k − 1) take the nearer end of (dⱼ, dⱼ₊₁) as the origin, judged by the sign
 * of w at the midpoint (w > 0 there: the root is in the left half); the last root takes d_{k−1}.
 * The first guess solves the two-pole model exactly (the other poles frozen at their value at the
 * midpoint, as dlaed4), then each step fits ψ by a + s/(δp − x) and φ by b + S/(δq − x) matching
 * value and slope at τ (the middle way) and solves for the root of the model; a step that leaves
 * the bracket, or goes against the sign of w, falls back to Newton, then to bisection.
 */
function secularRoot(d: Float64Array, z: Float64Array, rho: number, k: number, j: number, delta: Float64Array, ev: Evaluation): [number, number] {
  const rhoInv = 1 / rho, last = j === k - 1;
  let origin: number, lo: number, hi: number, tau: number;
  // Poles p < q modelled exactly; ψ collects i < split, φ the rest.
  const p = last ? k - 2 : j, q = p + 1, split = q;
  if (!last) {
    const gap = d[j + 1]! - d[j]!, mid = gap / 2;
    for (let i = 0; i < k; i++) delta[i] = d[i]! - d[j]!;
    ev.run(delta, z, k, split, rhoInv, mid);
    const twoPoles = z[j]! * z[j]! / (delta[j]! - mid) + z[j + 1]! * z[j + 1]! / (delta[j + 1]! - mid);
    const c = ev.w - twoPoles, s = z[j]! * z[j]!, sBig = z[j + 1]! * z[j + 1]!;
    if (ev.w > 0) {
      origin = j; lo = 0; hi = mid;
      // c + s/(0 − x) + S/(gap − x) = 0: c x² − (c·gap + s + S) x + s·gap = 0.
      tau = quadraticStep(c * gap + s + sBig, s * gap, c, false);
    } else {
      origin = j + 1; lo = -mid; hi = 0;
      for (let i = 0; i < k; i++) delta[i] = d[i]! - d[j + 1]!;
      // c + s/(−gap − x) + S/(0 − x) = 0: c x² − (s + S − c·gap) x − S·gap = 0.
      tau = quadraticStep(s + sBig - c * gap, -sBig * gap, c, false);
    }
  } else {
    origin = k - 1;
    let zz = 0;
    for (let i = 0; i < k; i++) { delta[i] = d[i]! - d[k - 1]!; zz += z[i]! * z[i]!; }
    lo = 0; hi = rho * zz; // w(d_{k−1} + ρ‖z‖²) ≥ 1/ρ − ‖z‖²/(ρ‖z‖²) = 0
    if (k === 1) return [origin, hi]; // d₀ + ρz₀², the one eigenvalue
    const mid = hi / 2;
    ev.run(delta, z, k, split, rhoInv, mid);
    if (ev.w > 0) hi = mid; else lo = mid;
    const g = -delta[p]!; // d_{k−1} − d_{k−2}
    const twoPoles = z[p]! * z[p]! / (delta[p]! - mid) + z[q]! * z[q]! / (delta[q]! - mid);
    const c = ev.w - twoPoles, s = z[p]! * z[p]!, sBig = z[q]! * z[q]!;
    // c + s/(−g − x) + S/(0 − x) = 0, the root right of both poles.
    tau = c > 0 ? quadraticStep(s + sBig - c * g, -sBig * g, c, true) : NaN;
  }
  if (!(tau > lo && tau < hi)) tau = lo + (hi - lo) / 2;
  for (let iter = 0; iter < MAX_STEPS; iter++) {
    ev.run(delta, z, k, split, rhoInv, tau);
    const w = ev.w;
    if (Math.abs(w) <= EPS * ev.err || w === 0) return [origin, tau];
    if (w < 0) lo = tau; else hi = tau; // w increases with τ
    let next: number;
    if (iter < MAX_RATIONAL) {
      // The middle way's model c + s/(δp − x) + S/(δq − x), s = Δp²ψ′, S = Δq²φ′, through τ:
      // with Δ = δ − τ, c = w − Δp ψ′ − Δq φ′, A = (Δp + Δq) w − Δp Δq (ψ′ + φ′), B = Δp Δq w.
      const dp = delta[p]! - tau, dq = delta[q]! - tau, dw = ev.dpsi + ev.dphi;
      const c = w - dp * ev.dpsi - dq * ev.dphi;
      let eta = quadraticStep((dp + dq) * w - dp * dq * dw, dp * dq * w, c, last);
      if (!Number.isFinite(eta) || w * eta >= 0) eta = -w / dw; // Newton
      next = tau + eta;
      if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
    } else {
      next = lo + (hi - lo) / 2;
    }
    if (next === tau || next <= lo || next >= hi) {
      // The bracket is a few ulps wide: τ is as good as it can be.
      return [origin, next > lo && next < hi ? next : tau];
    }
    tau = next;
  }
  return [origin, tau]; // reached only with a NaN in the bracket (not from finite input)
}

/**
 * All k roots: root j is d[origin[j]] + tau[j]. d strictly ascending, z without zeros, ρ > 0.
 */
export function secularRoots(d: Float64Array, z: Float64Array, rho: number, k: number, origin: Int32Array, tau: Float64Array): void {
  const delta = new Float64Array(k), ev = new Evaluation();
  for (let j = 0; j < k; j++) {
    const [o, t] = secularRoot(d, z, rho, k, j, delta, ev);
    origin[j] = o;
    tau[j] = t;
  }
}

/**
 * The eigenvectors of D + ρ ẑ ẑᵀ for the computed roots, into u (k × k, row-major, column j the
 * unit eigenvector of root j). With Δᵢⱼ = dᵢ − λⱼ = (dᵢ − d_{oⱼ}) − τⱼ:
 *
 *   ẑᵢ² = (λᵢ − dᵢ) Πⱼ≠ᵢ (λⱼ − dᵢ)/(dⱼ − dᵢ)   (Löwner; times 1/ρ, which normalising drops),
 *
 * each factor positive by interlacing, paired as dlaed3 pairs them (λⱼ with dⱼ) so the running
 * product stays in range; ẑᵢ takes zᵢ's sign. Then uᵢⱼ = ẑᵢ / Δᵢⱼ, each column normalised.
 */
export function secularVectors(d: Float64Array, z: Float64Array, k: number, origin: Int32Array, tau: Float64Array, u: Float64Array): void {
  const shift = new Float64Array(k); // d_{oⱼ} for root j
  for (let j = 0; j < k; j++) shift[j] = d[origin[j]!]!;
  const norm2 = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const row = i * k, di = d[i]!;
    for (let j = 0; j < k; j++) u[row + j] = (di - shift[j]!) - tau[j]!;
    let w = -u[row + i]!;
    for (let j = 0; j < k; j++) if (j !== i) w *= u[row + j]! / (di - d[j]!);
    const r = Math.sqrt(Math.abs(w)), zi = z[i]! < 0 ? -r : r;
    for (let j = 0; j < k; j++) {
      const x = zi / u[row + j]!;
      u[row + j] = x;
      norm2[j] += x * x;
    }
  }
  // Columns to unit length. The sum of squares cannot overflow (ẑᵢ²/Δᵢⱼ² is bounded by about
  // 1/min Δ, a normal number) but is rescaled if it left the normal range all the same.
  for (let j = 0; j < k; j++) {
    let s = norm2[j]!;
    if (!(s > 1e-290 && s < 1e290)) {
      let big = 0;
      for (let i = 0; i < k; i++) big = Math.max(big, Math.abs(u[i * k + j]!));
      s = 0;
      for (let i = 0; i < k; i++) s += (u[i * k + j]! / big) ** 2;
      norm2[j] = 1 / (big * Math.sqrt(s));
    } else {
      norm2[j] = 1 / Math.sqrt(s);
    }
  }
  for (let i = 0; i < k; i++) {
    const row = i * k;
    for (let j = 0; j < k; j++) u[row + j]! *= norm2[j]!;
  }
}
