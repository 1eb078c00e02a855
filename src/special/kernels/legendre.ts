/**
 * @file The associated Legendre functions of the first kind P_l^m(x), 0 ≤ m, l ≤ n, at one x in [−1, 1], with the
 * Condon–Shortley phase (as SciPy's lpmn and JAX's lpmn), optionally normalised as JAX's lpmn_values(is_normalized=True)
 * (√((2l + 1)(l − m)!/(4π(l + m)!)) P_l^m), and their x-derivatives of any order: the scalar kernel of
 * special/legendre.ts. Values by JAX's recurrences: the diagonal P_m^m = (−1)^m (2m − 1)!! w^m (w = √(1 − x²), taken as
 * √((1 − x)(1 + x))), P_{m+1}^m = (2m + 1) x P_m^m, and (l − m) P_l^m = (2l − 1) x P_{l−1}^m − (l + m − 1) P_{l−2}^m (their
 * normalised forms for the normalised table). Derivatives from P^m = (−1)^m w^m D^m P_l: Leibniz's rule gives
 * D^k P_l^m = Σⱼ C(k, j) gⱼ (−1)^{k−j} P_l^{m+k−j} / w^{k−j}, gⱼ = D^j(w^m)/w^m (from u f′ = s u′ f, u = 1 − x², f = u^s,
 * s = m/2), so only the table's own values are needed and nothing cancels near ±1 (at first order:
 * −m x P^m/(1 − x²) − P^{m+1}/w; SciPy's ((l + m) P_{l−1}^m − l x P_l^m)/(1 − x²) loses log₁₀ 1/(1 − x²) digits there).
 */

/** The table P[m·(n + 1) + l] at x (zero for m > l). */
export function legendreTable(n: number, x: number, normalized: boolean, out: Float64Array): void {
  const N = n + 1;
  out.fill(0);
  const w = Math.sqrt((1 - x) * (1 + x));
  let diag = normalized ? 0.5 / Math.sqrt(Math.PI) : 1;
  for (let m = 0; m <= n; m++) {
    if (m > 0) diag *= (normalized ? -Math.sqrt(1 + 0.5 / m) : 1 - 2 * m) * w;
    out[m * N + m] = diag;
    if (m + 1 <= n) out[m * N + m + 1] = (normalized ? Math.sqrt(2 * m + 3) : 2 * m + 1) * x * diag;
    for (let l = m + 2; l <= n; l++) {
      let d0: number, d1: number;
      if (normalized) {
        const l2 = l * l, m2 = m * m;
        d0 = Math.sqrt((4 * l2 - 1) / (l2 - m2));
        d1 = Math.sqrt(((2 * l + 1) * ((l - 1) * (l - 1) - m2)) / ((2 * l - 3) * (l2 - m2)));
      } else {
        d0 = (2 * l - 1) / (l - m);
        d1 = (l + m - 1) / (l - m);
      }
      out[m * N + l] = d0 * x * out[m * N + l - 1]! - d1 * out[m * N + l - 2]!;
    }
  }
}

/** N_l^m / N_l^{m+i} = √∏_{r=1}^{i} (l + m + r)(l − m − r + 1), the normalised table's ratio (1 unnormalised). */
function normRatio(l: number, m: number, i: number): number {
  let p = 1;
  for (let r = 1; r <= i; r++) p *= (l + m + r) * (l - m - r + 1);
  return Math.sqrt(p);
}

/**
 * The k-th x-derivative of the table (k ≥ 1) into out, from the values `p` (legendreTable at x). At x = ±1: first
 * order JAX's limits (m = 0: P_l′(±1) = (±1)^{l+1} l(l + 1)/2; m = 1: +∞ at 1 and (−1)^l ∞ at −1 for l ≥ 1 — SciPy: +∞
 * at both; m = 2: −(l + 2)(l + 1)l(l − 1)(±1)^{l+1}/4; 0 beyond), higher orders those of m = 0 and NaN for m ≥ 1.
 */
export function legendreDerivative(n: number, x: number, normalized: boolean, k: number, p: Float64Array, out: Float64Array): void {
  const N = n + 1;
  out.fill(0);
  const norm = (l: number, m: number) => (normalized ? Math.sqrt(((2 * l + 1) / (4 * Math.PI)) * factorialRatio(l - m, l + m)) : 1);
  if (x === 1 || x === -1) {
    for (let l = 0; l <= n; l++) {
      const sign = x === 1 || (l + 1) % 2 === 0 ? 1 : -1; // x^{l+1}
      if (k === 1) {
        out[l] = norm(l, 0) * sign * (l * (l + 1)) / 2 + 0; // + 0: P₀′ is +0 at both ends
        if (n >= 1 && l >= 1) out[N + l] = x === 1 || l % 2 === 0 ? Infinity : -Infinity;
        if (n >= 2 && l >= 2) out[2 * N + l] = norm(l, 2) * -sign * ((l + 2) * (l + 1) * l * (l - 1)) / 4;
      } else {
        // D^k P_l(±1) = (±1)^{l+k} (l + k)!/(2^k k! (l − k)!)
        let v = 0;
        if (k <= l) {
          v = 1;
          for (let r = l - k + 1; r <= l + k; r++) v *= r;
          for (let r = 1; r <= k; r++) v /= 2 * r;
          if (x === -1 && (l + k) % 2 === 1) v = -v;
        }
        out[l] = norm(l, 0) * v;
        for (let m = 1; m <= l; m++) out[m * N + l] = NaN;
      }
    }
    return;
  }
  const u = (1 - x) * (1 + x), w = Math.sqrt(u);
  const g = new Float64Array(k + 1);
  const binom: number[] = [1];
  for (let j = 1; j <= k; j++) binom[j] = (binom[j - 1]! * (k - j + 1)) / j;
  for (let m = 0; m <= n; m++) {
    // gⱼ = D^j(u^s)/u^s, s = m/2: g₀ = 1, g_{j+1} = ((s − j)u′ gⱼ + (s j − j(j − 1)/2) u″ g_{j−1})/u; 0 past j = m for even m.
    const s = m / 2;
    g[0] = 1;
    for (let j = 0; j < k; j++) {
      g[j + 1] = m % 2 === 0 && j + 1 > m ? 0 : ((s - j) * (-2 * x) * g[j]! + (j > 0 ? (s * j - (j * (j - 1)) / 2) * -2 * g[j - 1]! : 0)) / u;
    }
    for (let l = m; l <= n; l++) {
      let sum = 0;
      for (let j = 0; j <= k; j++) {
        const mm = m + k - j;
        if (mm > l || g[j] === 0) continue;
        const term = binom[j]! * g[j]! * ((k - j) % 2 === 0 ? 1 : -1) * p[mm * N + l]! * (normalized ? normRatio(l, m, k - j) : 1) / Math.pow(w, k - j);
        sum += term;
      }
      out[m * N + l] = sum;
    }
  }
}

/** a!/b! for integers 0 ≤ a ≤ b. */
function factorialRatio(a: number, b: number): number {
  let r = 1;
  for (let i = a + 1; i <= b; i++) r /= i;
  return r;
}
