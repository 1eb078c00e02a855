/**
 * @file The real Schur decomposition A = Z T Zᵀ of one n×n matrix, as LAPACK's dgees does it
 * for n < 75: Householder reduction to upper Hessenberg form (dgehd2, with dlarfg's reflectors,
 * accumulated as dorghr), then the Francis double-shift QR iteration (dlahqr, with its
 * deflation criterion of Ahues & Tisseur and its exceptional shifts), each converged 2×2 block
 * put in LAPACK's standard form by dlanv2: equal diagonal entries and off-diagonal entries of
 * opposite signs (a complex pair), or split to upper triangular (a real pair). No balancing
 * (dgees permutes only, which changes nothing for a matrix with no isolated eigenvalue). No AD here.
 */
import { hypot } from './eigh.js';

const ULP = 2 ** -52; //     dlamch('P')
const SAFMIN = 2 ** -1022; // dlamch('S')
const SMLNUM = SAFMIN * (1 / ULP); // dlahqr's smlnum for nh = 1 … n: safmin·(nh/ulp), nh folded into the test below
const SAFMN2 = 2 ** -484; //  base^int(log_base(safmin/eps)/2), dlanv2's rescaling
const SAFMX2 = 1 / SAFMN2;
const SCALE_LOW = Math.sqrt(SAFMIN) / ULP; // dgees's smlnum; bignum = 1/smlnum
const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a)); // Fortran SIGN(a, b)

/**
 * H = Qᵀ A Q upper Hessenberg, in place in the n×n row-major `h` at offset `o`; Q (n×n) written to
 * `q` at `qo` when given. Reflector k is I − τ v vᵀ with v = [0…0, 1, x/(α − β)], β = −sign(α)‖x‖
 * (dlarfg: no reflection when the entries below the subdiagonal are already zero).
 */
export function hessenbergInPlace(h: Float64Array, o: number, n: number, q: Float64Array | null, qo: number): void {
  if (q !== null) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[qo + i * n + j] = i === j ? 1 : 0;
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const alpha = h[o + (k + 1) * n + k]!;
    let xnorm = 0;
    for (let i = k + 2; i < n; i++) xnorm = hypot(xnorm, h[o + i * n + k]!);
    if (xnorm === 0) continue; // τ = 0: H = I
    const beta = -sign(hypot(alpha, xnorm), alpha);
    const tau = (beta - alpha) / beta, scale = 1 / (alpha - beta);
    v[k + 1] = 1;
    for (let i = k + 2; i < n; i++) v[i] = h[o + i * n + k]! * scale;
    h[o + (k + 1) * n + k] = beta;
    for (let i = k + 2; i < n; i++) h[o + i * n + k] = 0;
    // From the left on rows k+1…n−1, columns k+1…n−1: A ← A − τ v (vᵀ A).
    for (let j = k + 1; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i]! * h[o + i * n + j]!;
      s *= tau;
      for (let i = k + 1; i < n; i++) h[o + i * n + j] -= s * v[i]!;
    }
    // From the right on every row, columns k+1…n−1: A ← A − τ (A v) vᵀ; and Q ← Q H the same way.
    const right = (m: Float64Array, mo: number) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = k + 1; j < n; j++) s += m[mo + i * n + j]! * v[j]!;
        s *= tau;
        for (let j = k + 1; j < n; j++) m[mo + i * n + j] -= s * v[j]!;
      }
    };
    right(h, o);
    if (q !== null) right(q, qo);
  }
}

/** dlanv2's result: the standardised block [[a, b], [c, d]] and the rotation (cs, sn) that makes it. */
interface Standard2x2 { a: number; b: number; c: number; d: number; cs: number; sn: number }

/**
 * dlanv2: [[a, b], [c, d]] = [[cs, −sn], [sn, cs]] [[aa, bb], [cc, dd]] [[cs, sn], [−sn, cs]] with
 * the result either upper triangular (real eigenvalues) or with aa = dd and bb·cc < 0 (a complex pair).
 */
export function standardize2x2(a: number, b: number, c: number, d: number): Standard2x2 {
  let cs = 1, sn = 0;
  if (c === 0) { /* already upper triangular */ }
  else if (b === 0) { // swap rows and columns
    cs = 0; sn = 1;
    const t = d; d = a; a = t; b = -c; c = 0;
  } else if (a - d === 0 && Math.sign(b) !== Math.sign(c)) { /* already standard */ }
  else {
    let temp = a - d;
    let p = 0.5 * temp;
    const bcmax = Math.max(Math.abs(b), Math.abs(c));
    const bcmis = Math.min(Math.abs(b), Math.abs(c)) * sign(1, b) * sign(1, c);
    let scale = Math.max(Math.abs(p), bcmax);
    let z = (p / scale) * p + (bcmax / scale) * bcmis;
    if (z >= 4 * ULP) { // real eigenvalues
      z = p + sign(Math.sqrt(scale) * Math.sqrt(z), p);
      a = d + z;
      d -= (bcmax / z) * bcmis;
      const tau = hypot(c, z);
      cs = z / tau; sn = c / tau;
      b -= c; c = 0;
    } else { // complex or nearly equal real eigenvalues: make the diagonal entries equal
      let sigma = b + c;
      for (let count = 0; count < 20; count++) {
        scale = Math.max(Math.abs(temp), Math.abs(sigma));
        if (scale >= SAFMX2) { sigma *= SAFMN2; temp *= SAFMN2; continue; }
        if (scale <= SAFMN2) { sigma *= SAFMX2; temp *= SAFMX2; continue; }
        break;
      }
      p = 0.5 * temp;
      let tau = hypot(sigma, temp);
      cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
      sn = -(p / (tau * cs)) * sign(1, sigma);
      const aa = a * cs + b * sn, bb = -a * sn + b * cs, cc = c * cs + d * sn, dd = -c * sn + d * cs;
      a = aa * cs + cc * sn; b = bb * cs + dd * sn; c = -aa * sn + cc * cs; d = -bb * sn + dd * cs;
      temp = 0.5 * (a + d);
      a = temp; d = temp;
      if (c !== 0) {
        if (b !== 0) {
          if (Math.sign(b) === Math.sign(c)) { // real after all: reduce to upper triangular
            const sab = Math.sqrt(Math.abs(b)), sac = Math.sqrt(Math.abs(c));
            p = sign(sab * sac, c);
            tau = 1 / Math.sqrt(Math.abs(b + c));
            a = temp + p; d = temp - p;
            b -= c; c = 0;
            const cs1 = sab * tau, sn1 = sac * tau;
            const t = cs * cs1 - sn * sn1;
            sn = cs * sn1 + sn * cs1; cs = t;
          }
        } else {
          b = -c; c = 0;
          const t = cs; cs = -sn; sn = t;
        }
      }
    }
  }
  return { a, b, c, d, cs, sn };
}

/**
 * dlahqr with wantt and wantz on the whole matrix: the upper Hessenberg `h` (n×n at `o`) is
 * overwritten by T, and `z` (at `zo`, holding Q on entry) by Q·(the QR iterations' rotations).
 * Returns false if an eigenvalue did not converge in 30·max(10, n) iterations.
 */
export function schurInPlace(h: Float64Array, o: number, n: number, z: Float64Array, zo: number): boolean {
  // 1-based accessors, to keep LAPACK's index arithmetic as written.
  const H = (i: number, j: number) => h[o + (i - 1) * n + (j - 1)]!;
  const setH = (i: number, j: number, x: number) => { h[o + (i - 1) * n + (j - 1)] = x; };
  for (let j = 1; j <= n - 3; j++) { setH(j + 2, j, 0); setH(j + 3, j, 0); }
  if (n >= 3) setH(n, n - 2, 0);
  const smlnum = SMLNUM * n;
  const itmax = 30 * Math.max(10, n);
  const v = [0, 0, 0];
  let kdefl = 0;
  let i = n;
  while (i >= 1) {
    let l = 1, converged = false;
    for (let its = 0; its <= itmax; its++) {
      // A single small subdiagonal entry (Ahues & Tisseur's conservative test).
      let k = i;
      for (; k > l; k--) {
        if (Math.abs(H(k, k - 1)) <= smlnum) break;
        let tst = Math.abs(H(k - 1, k - 1)) + Math.abs(H(k, k));
        if (tst === 0) {
          if (k - 2 >= 1) tst += Math.abs(H(k - 1, k - 2));
          if (k + 1 <= n) tst += Math.abs(H(k + 1, k));
        }
        if (Math.abs(H(k, k - 1)) <= ULP * tst) {
          const ab = Math.max(Math.abs(H(k, k - 1)), Math.abs(H(k - 1, k)));
          const ba = Math.min(Math.abs(H(k, k - 1)), Math.abs(H(k - 1, k)));
          const aa = Math.max(Math.abs(H(k, k)), Math.abs(H(k - 1, k - 1) - H(k, k)));
          const bb = Math.min(Math.abs(H(k, k)), Math.abs(H(k - 1, k - 1) - H(k, k)));
          const s = aa + ab;
          if (ba * (ab / s) <= Math.max(smlnum, ULP * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > 1) setH(l, l - 1, 0);
      if (l >= i - 1) { converged = true; break; }
      kdefl++;
      // Shifts: the trailing 2×2 block's eigenvalues, or an exceptional shift every 10 iterations.
      let h11: number, h12: number, h21: number, h22: number;
      if (kdefl % 20 === 0) {
        const s = Math.abs(H(i, i - 1)) + Math.abs(H(i - 1, i - 2));
        h11 = 0.75 * s + H(i, i); h12 = -0.4375 * s; h21 = s; h22 = h11;
      } else if (kdefl % 10 === 0) {
        const s = Math.abs(H(l + 1, l)) + Math.abs(H(l + 2, l + 1));
        h11 = 0.75 * s + H(l, l); h12 = -0.4375 * s; h21 = s; h22 = h11;
      } else {
        h11 = H(i - 1, i - 1); h21 = H(i, i - 1); h12 = H(i - 1, i); h22 = H(i, i);
      }
      let rt1r = 0, rt1i = 0, rt2r = 0, rt2i = 0;
      const s0 = Math.abs(h11) + Math.abs(h12) + Math.abs(h21) + Math.abs(h22);
      if (s0 !== 0) {
        h11 /= s0; h21 /= s0; h12 /= s0; h22 /= s0;
        const tr = (h11 + h22) / 2;
        const det = (h11 - tr) * (h22 - tr) - h12 * h21;
        const rtdisc = Math.sqrt(Math.abs(det));
        if (det >= 0) { rt1r = tr * s0; rt2r = rt1r; rt1i = rtdisc * s0; rt2i = -rt1i; }
        else { // two real shifts: use the one nearer h22 twice
          rt1r = tr + rtdisc; rt2r = tr - rtdisc;
          if (Math.abs(rt1r - h22) <= Math.abs(rt2r - h22)) { rt1r *= s0; rt2r = rt1r; }
          else { rt2r *= s0; rt1r = rt2r; }
          rt1i = 0; rt2i = 0;
        }
      }
      // Two consecutive small subdiagonal entries: where the bulge can start.
      let m = i - 2;
      for (; m >= l; m--) {
        let h21s = H(m + 1, m);
        let s = Math.abs(H(m, m) - rt2r) + Math.abs(rt2i) + Math.abs(h21s);
        h21s = H(m + 1, m) / s;
        v[0] = h21s * H(m, m + 1) + (H(m, m) - rt1r) * ((H(m, m) - rt2r) / s) - rt1i * (rt2i / s);
        v[1] = h21s * (H(m, m) + H(m + 1, m + 1) - rt1r - rt2r);
        v[2] = h21s * H(m + 2, m + 1);
        s = Math.abs(v[0]!) + Math.abs(v[1]!) + Math.abs(v[2]!);
        v[0] /= s; v[1] /= s; v[2] /= s;
        if (m === l) break;
        const h00 = Math.abs(H(m, m - 1)) * (Math.abs(v[1]!) + Math.abs(v[2]!));
        const h01 = Math.abs(v[0]!) * (Math.abs(H(m - 1, m - 1)) + Math.abs(H(m, m)) + Math.abs(H(m + 1, m + 1)));
        if (h00 <= ULP * h01) break;
      }
      // The double-shift sweep: chase the bulge down with 3×3 (last: 2×2) reflectors.
      for (let kk = m; kk <= i - 1; kk++) {
        const nr = Math.min(3, i - kk + 1);
        if (kk > m) for (let r = 0; r < nr; r++) v[r] = H(kk + r, kk - 1);
        // dlarfg(nr, v[0], v[1..]): I − t1 [1, v2, v3][1, v2, v3]ᵀ maps v to [β, 0, 0].
        let t1 = 0;
        let xnorm = 0;
        for (let r = 1; r < nr; r++) xnorm = hypot(xnorm, v[r]!);
        if (xnorm !== 0) {
          const beta = -sign(hypot(v[0]!, xnorm), v[0]!);
          t1 = (beta - v[0]!) / beta;
          const sc = 1 / (v[0]! - beta);
          for (let r = 1; r < nr; r++) v[r]! *= sc;
          v[0] = beta;
        } else for (let r = 1; r < nr; r++) v[r] = 0;
        if (kk > m) {
          setH(kk, kk - 1, v[0]!); setH(kk + 1, kk - 1, 0);
          if (kk < i - 1) setH(kk + 2, kk - 1, 0);
        } else if (m > l) {
          setH(kk, kk - 1, H(kk, kk - 1) * (1 - t1)); // LAPACK's form of −h(k, k−1), safe when v2, v3 underflow
        }
        const v2 = v[1]!, t2 = t1 * v2;
        if (nr === 3) {
          const v3 = v[2]!, t3 = t1 * v3;
          for (let j = kk; j <= n; j++) {
            const sum = H(kk, j) + v2 * H(kk + 1, j) + v3 * H(kk + 2, j);
            setH(kk, j, H(kk, j) - sum * t1); setH(kk + 1, j, H(kk + 1, j) - sum * t2); setH(kk + 2, j, H(kk + 2, j) - sum * t3);
          }
          for (let j = 1; j <= Math.min(kk + 3, i); j++) {
            const sum = H(j, kk) + v2 * H(j, kk + 1) + v3 * H(j, kk + 2);
            setH(j, kk, H(j, kk) - sum * t1); setH(j, kk + 1, H(j, kk + 1) - sum * t2); setH(j, kk + 2, H(j, kk + 2) - sum * t3);
          }
          for (let j = 0; j < n; j++) {
            const at = zo + j * n + (kk - 1);
            const sum = z[at]! + v2 * z[at + 1]! + v3 * z[at + 2]!;
            z[at] -= sum * t1; z[at + 1] -= sum * t2; z[at + 2] -= sum * t3;
          }
        } else if (nr === 2) {
          for (let j = kk; j <= n; j++) {
            const sum = H(kk, j) + v2 * H(kk + 1, j);
            setH(kk, j, H(kk, j) - sum * t1); setH(kk + 1, j, H(kk + 1, j) - sum * t2);
          }
          for (let j = 1; j <= i; j++) {
            const sum = H(j, kk) + v2 * H(j, kk + 1);
            setH(j, kk, H(j, kk) - sum * t1); setH(j, kk + 1, H(j, kk + 1) - sum * t2);
          }
          for (let j = 0; j < n; j++) {
            const at = zo + j * n + (kk - 1);
            const sum = z[at]! + v2 * z[at + 1]!;
            z[at] -= sum * t1; z[at + 1] -= sum * t2;
          }
        }
      }
    }
    if (!converged) return false;
    if (l === i - 1) { // a 2×2 block: standardise it and apply the rotation to the rest of T and to Z
      const r = standardize2x2(H(i - 1, i - 1), H(i - 1, i), H(i, i - 1), H(i, i));
      setH(i - 1, i - 1, r.a); setH(i - 1, i, r.b); setH(i, i - 1, r.c); setH(i, i, r.d);
      const { cs, sn } = r;
      for (let j = i + 1; j <= n; j++) { // rows i−1, i
        const x = H(i - 1, j), y = H(i, j);
        setH(i - 1, j, cs * x + sn * y); setH(i, j, cs * y - sn * x);
      }
      for (let j = 1; j <= i - 2; j++) { // columns i−1, i
        const x = H(j, i - 1), y = H(j, i);
        setH(j, i - 1, cs * x + sn * y); setH(j, i, cs * y - sn * x);
      }
      for (let j = 0; j < n; j++) {
        const at = zo + j * n + (i - 2);
        const x = z[at]!, y = z[at + 1]!;
        z[at] = cs * x + sn * y; z[at + 1] = cs * y - sn * x;
      }
    }
    kdefl = 0;
    i = l - 1;
  }
  return true;
}

/**
 * The real Schur form of each of `count` n×n matrices of `a`: T into `t` (quasi-upper triangular,
 * exact zeros below its blocks) and Z into `z`. Returns the index of a matrix whose iteration did
 * not converge, or −1.
 */
export function realSchurKernel(a: Float64Array, count: number, n: number, t: Float64Array, z: Float64Array): number {
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    // dgees's scaling: a matrix whose largest entry is below √safmin/ulp (or above its reciprocal)
    // is scaled into range first, else dlahqr's test |h(k, k−1)| ≤ safmin·n/ulp deflates every
    // entry of a matrix of norm 1e-300 (T came back as H with its subdiagonal zeroed). By a power of
    // two here, so the scaling and its undoing are exact.
    let big = 0;
    for (let i = 0; i < n * n; i++) big = Math.max(big, Math.abs(a[o + i]!));
    const scale = big > 0 && (big < SCALE_LOW || big > 1 / SCALE_LOW) ? 2 ** Math.round(Math.log2((big < SCALE_LOW ? SCALE_LOW : 1 / SCALE_LOW) / big)) : 1;
    for (let i = 0; i < n * n; i++) t[o + i] = a[o + i]! * scale;
    hessenbergInPlace(t, o, n, z, o);
    if (!schurInPlace(t, o, n, z, o)) return b;
    for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) t[o + i * n + j] = 0;
    if (scale !== 1) for (let i = 0; i < n * n; i++) t[o + i] /= scale;
  }
  return -1;
}

/** The upper Hessenberg form of each matrix (into `h`) and, if given, Q (into `q`): a = Q H Qᵀ. */
export function hessenbergKernel(a: Float64Array, count: number, n: number, h: Float64Array, q: Float64Array | null): void {
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (let i = 0; i < n * n; i++) h[o + i] = a[o + i]!;
    hessenbergInPlace(h, o, n, q, o);
  }
}
