/**
 * @file J₀(z) … J_V(z), the Bessel functions of the first kind of integer order at real z, all at once: the scalar
 * kernel of special/besselJn.ts. |z| ≤ 1: each order's power series (J_n(x) = (x/2)ⁿ/n! Σₖ (−x²/4)ᵏ/(k!(n + 1)ₖ), no
 * cancellation; orders past the underflow are 0). |z| ≥ 25 with V < |z|: Hankel's asymptotic expansion for J₀ and
 * J₁ (DLMF 10.17.3) and the forward recurrence J_{n+1} = (2n/x)J_n − J_{n−1}, stable below n = x. Otherwise Miller's
 * backward recurrence (as JAX's, from Zhang & Jin's BJNDD) normalised by J₀ + 2ΣJ₂ₖ = 1, started at an order N past
 * max(V, |z|) where the neglected solution has fallen below the rounding (N ≥ n + 20 + √(160 n), at least `nIter`),
 * rescaling as it grows. J_n(−x) = (−1)ⁿ J_n(x).
 */

const SCALE = 1e-250;

/** J_0(x) … J_V(x) into out[0 … V], x ≥ 0 finite. */
function besselJPositive(V: number, x: number, nIter: number, out: Float64Array): void {
  if (x === 0) { out.fill(0); out[0] = 1; return; }
  if (x <= 1) {
    const q = -(x * x) / 4;
    let lead = 1; // (x/2)ⁿ/n!
    for (let n = 0; n <= V; n++) {
      if (n > 0) lead *= x / 2 / n;
      if (lead === 0) { out.fill(0, n); return; }
      let term = 1, sum = 1;
      for (let k = 1; k < 40; k++) {
        term *= q / (k * (n + k));
        sum += term;
        if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
      }
      out[n] = lead * sum;
    }
    return;
  }
  if (x >= 25 && V < x) {
    out[0] = hankel(0, x);
    if (V >= 1) out[1] = hankel(1, x);
    for (let n = 1; n < V; n++) out[n + 1] = ((2 * n) / x) * out[n]! - out[n - 1]!;
    return;
  }
  const top = Math.max(V, Math.ceil(x));
  let N = top + 20 + Math.ceil(Math.sqrt(160 * top));
  N = Math.max(N, nIter);
  if (N % 2 === 1) N++;
  let fNext = 0, f = 1e-30, norm = 0; // F_{N+1} = 0, F_N small (the scale cancels)
  for (let k = N; k >= 1; k--) {
    // F_{k−1} = (2k/x) F_k − F_{k+1}
    const fPrev = ((2 * k) / x) * f - fNext;
    fNext = f;
    f = fPrev;
    const n = k - 1;
    if (n <= V) out[n] = f;
    if (n % 2 === 0 && n > 0) norm += 2 * f;
    if (Math.abs(f) > 1e250) { // rescale what is kept
      f *= SCALE; fNext *= SCALE; norm *= SCALE;
      for (let j = n; j <= V; j++) out[j]! *= SCALE;
    }
  }
  norm += f; // F_0
  for (let n = 0; n <= V; n++) out[n]! /= norm;
}

/** Hankel's expansion of J_ν(x), ν = 0 or 1, x ≥ 25: √(2/(πx)) (P cos χ − Q sin χ), χ = x − (ν/2 + ¼)π. */
function hankel(nu: 0 | 1, x: number): number {
  const mu = 4 * nu * nu, e = 8 * x;
  let P = 1, Q = 0, term = 1, prev = Infinity;
  for (let k = 1; k < 60; k++) {
    const next = term * (mu - (2 * k - 1) * (2 * k - 1)) / (k * e);
    if (Math.abs(next) >= prev) break; // the asymptotic series' smallest term
    term = next;
    prev = Math.abs(term);
    // Terms alternate in pairs: k = 1 → Q +, 2 → P −, 3 → Q −, 4 → P +, …
    const s = (k % 4 === 1 || k % 4 === 0) ? 1 : -1;
    if (k % 2 === 1) Q += s * term; else P += s * term;
    if (Math.abs(term) < 1e-17) break;
  }
  const c = Math.cos(x), s = Math.sin(x);
  // cos χ, sin χ for χ = x − π/4 (ν = 0) and x − 3π/4 (ν = 1), from cos x and sin x (exactly reduced).
  const cosChi = nu === 0 ? (c + s) * Math.SQRT1_2 : (s - c) * Math.SQRT1_2;
  const sinChi = nu === 0 ? (s - c) * Math.SQRT1_2 : -(s + c) * Math.SQRT1_2;
  return Math.sqrt(2 / (Math.PI * x)) * (P * cosChi - Q * sinChi);
}

/** J_0(z) … J_V(z) into out[0 … V], any real z (0 for ±∞, NaN for NaN). */
export function besselJAll(V: number, z: number, nIter: number, out: Float64Array): void {
  if (z !== z) { out.fill(NaN); return; }
  if (!(Math.abs(z) < Infinity)) { out.fill(0); return; }
  besselJPositive(V, Math.abs(z), nIter, out);
  if (z < 0) for (let n = 1; n <= V; n += 2) out[n] = -out[n]!;
}

/**
 * dᵏ/dzᵏ J_n(z) for n = 0 … v into out[0 … v], from J_0 … J_{v+k} in `j`:
 * J_n^{(k)} = 2^{−k} Σᵢ (−1)ⁱ C(k, i) J_{n−k+2i} (DLMF 10.6.7), J_{−m} = (−1)^m J_m.
 */
export function besselJDerivatives(v: number, k: number, j: Float64Array, out: Float64Array): void {
  const at = (m: number) => (m >= 0 ? j[m]! : (m % 2 === 0 ? j[-m]! : -j[-m]!));
  const binom: number[] = [1];
  for (let i = 1; i <= k; i++) binom[i] = (binom[i - 1]! * (k - i + 1)) / i;
  const scale = 2 ** -k;
  for (let n = 0; n <= v; n++) {
    let s = 0;
    for (let i = 0; i <= k; i++) s += (i % 2 === 0 ? 1 : -1) * binom[i]! * at(n - k + 2 * i);
    out[n] = s * scale;
  }
}
