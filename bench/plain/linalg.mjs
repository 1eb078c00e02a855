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
