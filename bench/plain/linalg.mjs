// Hand-written Float64Array matrix products (row-major) for the plain reference implementations.

/** C[m,n] = A[m,k] · B[k,n]; four rows of C at a time so each row of B is loaded once per four. */
export function matmul(a, b, m, k, n) {
  const c = new Float64Array(m * n);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let p = 0; p < k; p++) {
      const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        const y = b[bp + j];
        c[c0 + j] += x0 * y;
        c[c1 + j] += x1 * y;
        c[c2 + j] += x2 * y;
        c[c3 + j] += x3 * y;
      }
    }
  }
  for (; i < m; i++) {
    const ci = i * n, ai = i * k;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p], bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += x * b[bp + j];
    }
  }
  return c;
}

/** C[k,n] = Aᵀ · B for A[m,k], B[m,n]: rank-one updates, four rows of A at a time. */
export function matmulTN(a, b, m, k, n) {
  const c = new Float64Array(k * n);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const b0 = i * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let p = 0; p < k; p++) {
      const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
    }
  }
  for (; i < m; i++) {
    const ai = i * k, bi = i * n;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p], cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j] += x * b[bi + j];
    }
  }
  return c;
}

/** C[m,k] = A · Bᵀ for A[m,n], B[k,n]: dot products of rows. */
export function matmulNT(a, b, m, n, k) {
  const c = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    for (let p = 0; p < k; p++) {
      const bp = p * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += a[ai + j] * b[bp + j];
      c[i * k + p] = s;
    }
  }
  return c;
}

/** The lower Cholesky factor of the SPD n×n matrix `a` (row-oriented Cholesky–Banachiewicz: each entry one dot product of two contiguous rows). */
export function cholesky(a, n) {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let p = 0; p < j; p++) s -= l[ri + p] * l[rj + p];
      l[ri + j] = j < i ? s / l[rj + j] : Math.sqrt(s);
    }
  }
  return l;
}

/** x = (L Lᵀ)⁻¹ b for one right-hand side: forward then back substitution. */
export function choleskySolveVector(l, b, n) {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let p = 0; p < i; p++) s -= l[i * n + p] * x[p];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let p = i + 1; p < n; p++) s -= l[p * n + i] * x[p];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/**
 * A⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor (LAPACK's potri: 2n³/3 flops): M = L⁻¹ row by row
 * (lower), then A⁻¹[i, j] = Σ_{k ≥ max(i, j)} M[k, i] M[k, j], accumulated as rank-one updates by
 * rows of M so that the inner loop runs along contiguous memory.
 */
export function choleskyInverse(l, n) {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n, d = l[ri + i];
    m[ri + i] = 1 / d;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let p = j; p < i; p++) s -= l[ri + p] * m[p * n + j];
      m[ri + j] = s / d;
    }
  }
  const inv = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const x = m[rk + i], ri = i * n;
      if (x === 0) continue;
      for (let j = 0; j <= i; j++) inv[ri + j] += x * m[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j];
  return inv;
}

/** LU with partial pivoting (right-looking, row updates along contiguous rows): { lu, perm }. */
export function luFactor(a, n) {
  const lu = Float64Array.from(a), perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > best) { best = Math.abs(lu[i * n + k]); p = i; }
    if (p !== k) {
      for (let j = 0; j < n; j++) { const s = lu[k * n + j]; lu[k * n + j] = lu[p * n + j]; lu[p * n + j] = s; }
      const s = perm[k]; perm[k] = perm[p]; perm[p] = s;
    }
    const rk = k * n, pivot = lu[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n, f = (lu[ri + k] /= pivot);
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[ri + j] -= f * lu[rk + j];
    }
  }
  return { lu, perm };
}

/** x with A x = b (transposed: Aᵀ x = b) from A's LU factors, one right-hand side. */
export function luSolveVector({ lu, perm }, b, n, transposed = false) {
  const x = new Float64Array(n);
  if (!transposed) {
    for (let i = 0; i < n; i++) x[i] = b[perm[i]];
    for (let i = 0; i < n; i++) { let s = x[i]; for (let p = 0; p < i; p++) s -= lu[i * n + p] * x[p]; x[i] = s; }
    for (let i = n - 1; i >= 0; i--) { let s = x[i]; for (let p = i + 1; p < n; p++) s -= lu[i * n + p] * x[p]; x[i] = s / lu[i * n + i]; }
    return x;
  }
  // Aᵀ = Uᵀ Lᵀ P: solve Uᵀ z = b, then Lᵀ w = z, then x = Pᵀ w.
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) { const v = (z[i] /= lu[i * n + i]); for (let j = i + 1; j < n; j++) z[j] -= lu[i * n + j] * v; }
  for (let i = n - 1; i >= 0; i--) { const v = z[i]; for (let j = 0; j < i; j++) z[j] -= lu[i * n + j] * v; }
  for (let i = 0; i < n; i++) x[perm[i]] = z[i];
  return x;
}

/** Sum of the entries of the product Ms[0]·Ms[1]⋯ of n×n matrices (W5 and the CM rows); with W, ⟨W, product⟩ (CMW). */
export function chainSum(Ms, n, W = null) {
  let acc = Ms[0];
  for (let i = 1; i < Ms.length; i++) acc = matmul(acc, Ms[i], n, n, n);
  let s = 0;
  for (let k = 0; k < n * n; k++) s += W === null ? acc[k] : W[k] * acc[k];
  return s;
}

/**
 * chainSum and its gradient for every matrix: with prefixes P_i = M₀⋯M_i and Ḡ the cotangent of
 * P_i (all ones for the last, or W), M̄_i = P_{i−1}ᵀ Ḡ, then Ḡ ← Ḡ M_iᵀ for P_{i−1}; M̄₀ is the last Ḡ.
 */
export function chainSumVG(Ms, n, W = null) {
  const count = Ms.length, nn = n * n;
  const P = [Ms[0]];
  for (let i = 1; i < count; i++) P.push(matmul(P[i - 1], Ms[i], n, n, n));
  let value = 0;
  for (let k = 0; k < nn; k++) value += W === null ? P[count - 1][k] : W[k] * P[count - 1][k];
  const grads = new Array(count);
  let G = W === null ? new Float64Array(nn).fill(1) : Float64Array.from(W);
  for (let i = count - 1; i >= 1; i--) {
    grads[i] = matmulTN(P[i - 1], G, n, n, n);
    G = matmulNT(G, Ms[i], n, n, n);
  }
  grads[0] = G;
  return { value, grads };
}
