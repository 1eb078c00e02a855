/**
 * @file Symmetric eigendecomposition A = V diag(λ) Vᵀ, batched: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm with Wilkinson-type shifts (EISPACK's tred2
 * and tql2, as in JAMA). Backward stable; eigenvalues ascending. No AD here.
 */

/** √(a² + b²) without overflow or underflow (Math.hypot is slower in V8). */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r); }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/**
 * Householder tridiagonalisation of the symmetric matrix in `v` (n×n, lower triangle read),
 * accumulating the orthogonal transformation in `v`; d gets the diagonal, e the subdiagonal in
 * e[1..n−1].
 */
function tridiagonalize(v: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) { d[j] = v[(i - 1) * n + j]!; v[i * n + j] = 0; v[j * n + i] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k]! /= scale; h += d[k]! * d[k]!; }
      let f = d[i - 1]!;
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) { g += v[k * n + j]! * d[k]!; e[k] += v[k * n + j]! * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j]! /= h; f += e[j]! * d[j]!; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!; g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k]! + g * d[k]!;
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
        for (let k = 0; k <= i; k++) v[k * n + j] -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = v[(n - 1) * n + j]!; v[(n - 1) * n + j] = 0; }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e), applying each plane rotation to the rows of `w` (the
 * eigenvectors stored as rows, so rotations run along contiguous memory). Returns false if some
 * eigenvalue did not converge in 30 iterations per eigenvalue (non-finite input).
 */
function implicitQL(w: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 30) return false;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const ri = i * n, rj = ri + n;
          for (let k = 0; k < n; k++) {
            const x = w[rj + k]!, y = w[ri + k]!;
            w[rj + k] = s * y + c * x;
            w[ri + k] = c * y - s * x;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  return true;
}

/**
 * Eigenvalues (ascending) and eigenvectors of `count` symmetric n×n matrices (lower triangles
 * read). `vectors` gets V with the eigenvectors as columns, each signed so that its entry of
 * largest magnitude is positive (a fixed, locally smooth choice, so derivatives are well defined).
 * Returns the first batch index that failed to converge, or −1.
 */
export function eighKernel(a: Float64Array, count: number, n: number, values: Float64Array, vectors: Float64Array): number {
  const v = new Float64Array(n * n), w = new Float64Array(n * n);
  const d = new Float64Array(n), e = new Float64Array(n);
  for (let t = 0; t < count; t++) {
    v.set(a.subarray(t * n * n, (t + 1) * n * n));
    // Scaled by a power of two (exactly) to a largest |entry| in [1, 2), the eigenvalues scaled
    // back below: tred2's sums of squares overflow above |aᵢⱼ| ≈ 1e154 (NaN eigenvalues) and
    // underflow below 1e-154 (wrong ones). LAPACK's dsyev scales likewise.
    let largest = 0;
    for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(v[i]!));
    const ex = largest > 0 && Number.isFinite(largest) ? Math.min(Math.max(Math.floor(Math.log2(largest)), -1022), 1023) : 0;
    if (ex !== 0) for (let i = 0; i < n * n; i++) v[i]! *= 2 ** -ex;
    tridiagonalize(v, n, d, e);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j * n + i] = v[i * n + j]!;
    if (!implicitQL(w, n, d, e)) return t;
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
    for (let c = 0; c < n; c++) {
      const row = order[c]! * n;
      let big = 0;
      for (let k = 0; k < n; k++) if (Math.abs(w[row + k]!) > Math.abs(big)) big = w[row + k]!;
      const s = big < 0 ? -1 : 1;
      values[t * n + c] = d[order[c]!]! * 2 ** ex;
      for (let k = 0; k < n; k++) vectors[t * n * n + k * n + c] = s * w[row + k]!;
    }
  }
  return -1;
}
