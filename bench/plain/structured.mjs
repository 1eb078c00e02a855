// Plain-JavaScript references for W11 (dependency parsing), over arc scores S[N, N] (row-major, [head, dependent],
// position 0 the root, n = N − 1 words), several root dependents allowed (ad.DependencyCRF's default):
// Eisner's inside algorithm in the log semiring with its outside pass (the inside pass's adjoint), and the
// Matrix-Tree theorem by a plain LU log-determinant and the inverse (Koo, Globerson, Carreras & Collins 2007).
// Arcs into the root (column 0) and self-loops (the diagonal) are never used; their gradient is 0.

/** log(e^a + e^b) safe for −∞. */
function lae(a, b) {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Eisner's inside pass (Eisner 1996, complete/incomplete spans). Charts [N·N] indexed s·N + t:
 *   I←[s,t] = ⊕_{s≤r<t} C→[s,r] ⊗ C←[r+1,t] ⊗ S[t,s],  I→[s,t] = the same ⊕ ⊗ S[s,t]
 *   C←[s,t] = ⊕_{s≤r<t} C←[s,r] ⊗ I←[r,t],            C→[s,t] = ⊕_{s<r≤t} I→[s,r] ⊗ C→[r,t]
 * with C[s,s] = 0; log Z = C→[0,n] (any number of root dependents). Spans starting at the root have
 * no left-pointing items (no arc into the root): they stay −∞.
 */
function eisnerInside(S, N) {
  const size = N * N;
  const IL = new Float64Array(size).fill(-Infinity), IR = new Float64Array(size).fill(-Infinity);
  const CL = new Float64Array(size).fill(-Infinity), CR = new Float64Array(size).fill(-Infinity);
  const inner = new Float64Array(size).fill(-Infinity);
  for (let s = 0; s < N; s++) CL[s * N + s] = CR[s * N + s] = 0;
  for (let w = 1; w < N; w++) {
    for (let s = 0; s + w < N; s++) {
      const t = s + w, st = s * N + t;
      // inner = lse_r CR[s,r] + CL[r+1,t]
      let m = -Infinity;
      for (let r = s; r < t; r++) { const v = CR[s * N + r] + CL[(r + 1) * N + t]; if (v > m) m = v; }
      let acc = 0;
      for (let r = s; r < t; r++) acc += Math.exp(CR[s * N + r] + CL[(r + 1) * N + t] - m);
      const inn = m + Math.log(acc);
      inner[st] = inn;
      IR[st] = inn + S[s * N + t];
      if (s > 0) IL[st] = inn + S[t * N + s];
      // CL[s,t] = lse_{s≤r<t} CL[s,r] + IL[r,t]
      if (s > 0) {
        m = -Infinity;
        for (let r = s; r < t; r++) { const v = CL[s * N + r] + IL[r * N + t]; if (v > m) m = v; }
        acc = 0;
        for (let r = s; r < t; r++) acc += Math.exp(CL[s * N + r] + IL[r * N + t] - m);
        CL[st] = m + Math.log(acc);
      }
      // CR[s,t] = lse_{s<r≤t} IR[s,r] + CR[r,t]
      m = -Infinity;
      for (let r = s + 1; r <= t; r++) { const v = IR[s * N + r] + CR[r * N + t]; if (v > m) m = v; }
      acc = 0;
      for (let r = s + 1; r <= t; r++) acc += Math.exp(IR[s * N + r] + CR[r * N + t] - m);
      CR[st] = m + Math.log(acc);
    }
  }
  return { IL, IR, CL, CR, inner, logZ: CR[N - 1] };
}

/** log Z over projective trees (Eisner, log semiring). */
export function eisnerLogZ(S, N) {
  return eisnerInside(S, N).logZ;
}

/**
 * log Z and the arc marginals ∂ log Z / ∂ S: the inside pass, then the outside pass as its adjoint in
 * probability space (Eisner 2016): widths from the widest down, each complete item handing its
 * adjoint to its two children (weights exp(child₁ + child₂ − parent)) before the incomplete item of
 * the same span does, an incomplete item giving its arc the whole of its adjoint.
 */
export function eisnerMarginals(S, N) {
  const { IL, IR, CL, CR, inner, logZ } = eisnerInside(S, N);
  const size = N * N;
  const gIL = new Float64Array(size), gIR = new Float64Array(size), gCL = new Float64Array(size), gCR = new Float64Array(size);
  const grad = new Float64Array(size);
  gCR[N - 1] = 1;
  for (let w = N - 1; w >= 1; w--) {
    for (let s = 0; s + w < N; s++) {
      const t = s + w, st = s * N + t;
      let g = gCR[st];
      if (g !== 0) {
        const p0 = CR[st];
        for (let r = s + 1; r <= t; r++) {
          const p = g * Math.exp(IR[s * N + r] + CR[r * N + t] - p0);
          gIR[s * N + r] += p;
          gCR[r * N + t] += p;
        }
      }
      g = gCL[st];
      if (g !== 0) {
        const p0 = CL[st];
        for (let r = s; r < t; r++) {
          const p = g * Math.exp(CL[s * N + r] + IL[r * N + t] - p0);
          gCL[s * N + r] += p;
          gIL[r * N + t] += p;
        }
      }
      grad[s * N + t] = gIR[st];
      if (s > 0) grad[t * N + s] = gIL[st];
      g = gIR[st] + gIL[st];
      if (g !== 0) {
        const p0 = inner[st];
        for (let r = s; r < t; r++) {
          const p = g * Math.exp(CR[s * N + r] + CL[(r + 1) * N + t] - p0);
          gCR[s * N + r] += p;
          gCL[(r + 1) * N + t] += p;
        }
      }
    }
  }
  return { logZ, grad };
}

/**
 * The Laplacian minor over the words (n × n, row-major, index i for word i + 1), each column m shifted by
 * c_m, the largest score into word m + 1: Â[h,m] = exp(S[h,m] − c_m), L[m,m] = Σ_{h≠m} Â[h,m] (root
 * included), L[h,m] = −Â[h,m]. Returns L, the shifted weights Â [N·N] and Σ c_m.
 */
function laplacian(S, N) {
  const n = N - 1;
  const A = new Float64Array(N * N);
  const L = new Float64Array(n * n);
  let shift = 0;
  for (let m = 1; m < N; m++) {
    let c = -Infinity;
    for (let h = 0; h < N; h++) if (h !== m && S[h * N + m] > c) c = S[h * N + m];
    shift += c;
    let diag = 0;
    for (let h = 0; h < N; h++) {
      if (h === m) continue;
      const a = Math.exp(S[h * N + m] - c);
      A[h * N + m] = a;
      diag += a;
      if (h > 0) L[(h - 1) * n + (m - 1)] = -a;
    }
    L[(m - 1) * n + (m - 1)] = diag;
  }
  return { L, A, shift };
}

/** In-place LU with partial pivoting (Doolittle, row-major): returns the row permutation and log|det|. */
function luInPlace(a, n) {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let logAbsDet = 0;
  for (let k = 0; k < n; k++) {
    let p = k, big = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) { const v = Math.abs(a[i * n + k]); if (v > big) { big = v; p = i; } }
    if (p !== k) {
      for (let j = 0; j < n; j++) { const x = a[k * n + j]; a[k * n + j] = a[p * n + j]; a[p * n + j] = x; }
      const x = perm[k]; perm[k] = perm[p]; perm[p] = x;
    }
    const piv = a[k * n + k];
    logAbsDet += Math.log(Math.abs(piv));
    const inv = 1 / piv;
    for (let i = k + 1; i < n; i++) {
      const l = (a[i * n + k] *= inv);
      if (l === 0) continue;
      const ri = i * n, rk = k * n;
      for (let j = k + 1; j < n; j++) a[ri + j] -= l * a[rk + j];
    }
  }
  return { perm, logAbsDet };
}

/** The inverse from the LU factors: column by column, forward and back substitution on P·e_j. */
function luInverse(lu, perm, n) {
  const inv = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) x[i] = perm[i] === j ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let s = x[i];
      const ri = i * n;
      for (let k = 0; k < i; k++) s -= lu[ri + k] * x[k];
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      const ri = i * n;
      for (let k = i + 1; k < n; k++) s -= lu[ri + k] * x[k];
      x[i] = s / lu[ri + i];
    }
    for (let i = 0; i < n; i++) inv[i * n + j] = x[i];
  }
  return inv;
}

/** log Z over all (non-projective) trees: log det of the shifted Laplacian minor plus the shifts. */
export function matrixTreeLogZ(S, N) {
  const { L, shift } = laplacian(S, N);
  return luInPlace(L, N - 1).logAbsDet + shift;
}

/**
 * log Z and the arc marginals (Koo et al. 2007, §3.1): with M = L⁻¹ (of the shifted minor, so the
 * products below are shift-free), p(0 → m) = Â[0,m]·M[m,m] and p(h → m) = Â[h,m]·(M[m,m] − M[m,h]).
 */
export function matrixTreeMarginals(S, N) {
  const n = N - 1;
  const { L, A, shift } = laplacian(S, N);
  const { perm, logAbsDet } = luInPlace(L, n);
  const M = luInverse(L, perm, n);
  const grad = new Float64Array(N * N);
  for (let m = 1; m < N; m++) {
    const mm = M[(m - 1) * n + (m - 1)];
    grad[m] = A[m] * mm;
    for (let h = 1; h < N; h++) if (h !== m) grad[h * N + m] = A[h * N + m] * (mm - M[(m - 1) * n + (h - 1)]);
  }
  return { logZ: logAbsDet + shift, grad };
}

/**
 * One root dependent (Koo et al. 2007, §3.3): the Laplacian minor of the word graph (its diagonal
 * without the root weights) with the first row replaced by the root weights r_m = Â[0, m]; Z = det.
 */
function singleRootLaplacian(S, N) {
  const n = N - 1;
  const { L, A, shift } = laplacian(S, N);
  for (let m = 1; m < N; m++) L[(m - 1) * n + (m - 1)] -= A[m];
  for (let m = 1; m < N; m++) L[m - 1] = A[m];
  return { L, A, shift };
}

export function matrixTreeSingleRootLogZ(S, N) {
  const { L, shift } = singleRootLaplacian(S, N);
  return luInPlace(L, N - 1).logAbsDet + shift;
}

/**
 * log Z and the arc marginals with one root dependent: with M = L̂⁻¹, ∂ log det / ∂L̂[i, j] = M[j, i];
 * the root weight r_m sits at L̂[1, m], and Â[h, m] (h a word) at L̂[m, m] (unless m is word 1, whose
 * row is replaced) and at L̂[h, m] with a minus sign (unless h is word 1): p(0 → m) = r_m·M[m, 1],
 * p(h → m) = Â[h, m]·((m ≠ 1)·M[m, m] − (h ≠ 1)·M[m, h]).
 */
export function matrixTreeSingleRootMarginals(S, N) {
  const n = N - 1;
  const { L, A, shift } = singleRootLaplacian(S, N);
  const { perm, logAbsDet } = luInPlace(L, n);
  const M = luInverse(L, perm, n);
  const grad = new Float64Array(N * N);
  for (let m = 1; m < N; m++) {
    const mm = m === 1 ? 0 : M[(m - 1) * n + (m - 1)];
    grad[m] = A[m] * M[(m - 1) * n];
    for (let h = 1; h < N; h++) if (h !== m) grad[h * N + m] = A[h * N + m] * (mm - (h === 1 ? 0 : M[(m - 1) * n + (h - 1)]));
  }
  return { logZ: logAbsDet + shift, grad };
}

// ---- Semi-Markov CRF (the marginals-vs-log-Z row SM) ----

/** log Σ_k exp(x[k]) over a plain array, −∞ when every entry is. */
function lse(x, len) {
  let m = -Infinity;
  for (let k = 0; k < len; k++) if (x[k] > m) m = x[k];
  if (m === -Infinity) return m;
  let s = 0;
  for (let k = 0; k < len; k++) s += Math.exp(x[k] - m);
  return m + Math.log(s);
}

/**
 * The semi-Markov forward algorithm (Sarawagi & Cohen 2004) over segments G[n, L, C] (G[i, d − 1, c]
 * scores words i … i + d − 1 as one segment labelled c) and transitions T[C, C], start and end 0:
 *   β₀ = 0,  α_t[c] = lse_{1 ≤ d ≤ min(L, t)} β_{t−d}[c] + G[t − d, d − 1, c],  β_t[c] = lse_{c′} α_t[c′] + T[c′, c],
 *   log Z = lse_c α_n[c]. Fills A (α, [n + 1, C]) and Bt (β, [n + 1, C]).
 */
function semiMarkovForward(G, T, n, L, C, A, Bt) {
  const tmp = new Float64Array(Math.max(L, C));
  for (let c = 0; c < C; c++) Bt[c] = 0;
  for (let t = 1; t <= n; t++) {
    for (let c = 0; c < C; c++) {
      const D = Math.min(L, t);
      for (let d = 1; d <= D; d++) tmp[d - 1] = Bt[(t - d) * C + c] + G[((t - d) * L + d - 1) * C + c];
      A[t * C + c] = lse(tmp, D);
    }
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < C; p++) tmp[p] = A[t * C + p] + T[p * C + c];
      Bt[t * C + c] = lse(tmp, C);
    }
  }
  for (let c = 0; c < C; c++) tmp[c] = A[n * C + c];
  return lse(tmp, C);
}

export function semiMarkovLogZ(G, T, n, L, C) {
  return semiMarkovForward(G, T, n, L, C, new Float64Array((n + 1) * C), new Float64Array((n + 1) * C));
}

/**
 * log Z and its gradients (the segment marginals and expected transition counts): the forward
 * pass's adjoint, t from n down to 1 — β_t's adjoint is complete once every α_{t+d} has handed
 * it its share, so α_t takes β_t's, then hands its own to the β_{t−d} and segments it sums over.
 */
export function semiMarkovMarginals(G, T, n, L, C) {
  const A = new Float64Array((n + 1) * C), Bt = new Float64Array((n + 1) * C);
  const logZ = semiMarkovForward(G, T, n, L, C, A, Bt);
  const gA = new Float64Array((n + 1) * C), gB = new Float64Array((n + 1) * C);
  const gG = new Float64Array(n * L * C), gT = new Float64Array(C * C);
  for (let c = 0; c < C; c++) gA[n * C + c] = Math.exp(A[n * C + c] - logZ);
  for (let t = n; t >= 1; t--) {
    if (t < n) {
      for (let c = 0; c < C; c++) {
        const g = gB[t * C + c];
        if (g === 0) continue;
        for (let p = 0; p < C; p++) {
          const w = g * Math.exp(A[t * C + p] + T[p * C + c] - Bt[t * C + c]);
          gA[t * C + p] += w;
          gT[p * C + c] += w;
        }
      }
    }
    for (let c = 0; c < C; c++) {
      const g = gA[t * C + c];
      if (g === 0) continue;
      for (let d = 1; d <= Math.min(L, t); d++) {
        const k = ((t - d) * L + d - 1) * C + c;
        const w = g * Math.exp(Bt[(t - d) * C + c] + G[k] - A[t * C + c]);
        gG[k] += w;
        gB[(t - d) * C + c] += w;
      }
    }
  }
  return { logZ, grads: { segments: gG, transitions: gT } };
}

// ---- CTC (the marginals-vs-log-Z row CTC) ----

/**
 * The CTC forward algorithm (Graves et al. 2006) in log space for one sequence: log-probabilities
 * P[T, K] (frame, class), target labels y (never the blank 0); states s = 0 … 2U are the target
 * with blanks around and between its labels. α_0 = P[0, ·] on states 0 and 1;
 * α_t(s) = lse(α_{t−1}(s), α_{t−1}(s − 1), α_{t−1}(s − 2) when ext(s) ≠ blank and ≠ ext(s − 2)) + P[t, ext(s)];
 * loss = −lse(α_{T−1}(2U), α_{T−1}(2U − 1)). Fills A [T, S].
 */
function ctcForward(P, K, T, y, A) {
  const S = 2 * y.length + 1;
  const ext = (s) => (s % 2 === 0 ? 0 : y[(s - 1) >> 1]);
  A.fill(-Infinity);
  A[0] = P[ext(0)];
  if (S > 1) A[1] = P[ext(1)];
  const tmp = new Float64Array(3);
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let k = 0;
      tmp[k++] = A[(t - 1) * S + s];
      if (s >= 1) tmp[k++] = A[(t - 1) * S + s - 1];
      if (s >= 2 && s % 2 === 1 && ext(s) !== ext(s - 2)) tmp[k++] = A[(t - 1) * S + s - 2];
      A[t * S + s] = lse(tmp, k) + P[t * K + ext(s)];
    }
  }
  tmp[0] = A[(T - 1) * S + S - 1];
  tmp[1] = S > 1 ? A[(T - 1) * S + S - 2] : -Infinity;
  return -lse(tmp, 2);
}

export function ctcLossPlain(P, K, T, y) {
  return ctcForward(P, K, T, y, new Float64Array(T * (2 * y.length + 1)));
}

/**
 * The loss and its gradient with respect to the log-probabilities: −(the expected number of frames
 * of each class at each time), the forward pass's adjoint from the last frame down (Graves et al.'s
 * α·β/p, taken as backprop).
 */
export function ctcLossGrad(P, K, T, y) {
  const S = 2 * y.length + 1;
  const ext = (s) => (s % 2 === 0 ? 0 : y[(s - 1) >> 1]);
  const A = new Float64Array(T * S);
  const loss = ctcForward(P, K, T, y, A);
  const gA = new Float64Array(T * S), grad = new Float64Array(T * K);
  const logZ = -loss;
  gA[(T - 1) * S + S - 1] = Math.exp(A[(T - 1) * S + S - 1] - logZ);
  if (S > 1) gA[(T - 1) * S + S - 2] = Math.exp(A[(T - 1) * S + S - 2] - logZ);
  for (let t = T - 1; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      const g = gA[t * S + s];
      if (g === 0) continue;
      grad[t * K + ext(s)] -= g; // the loss is −log Z
      if (t === 0) continue;
      const inner = A[t * S + s] - P[t * K + ext(s)];
      const give = (r) => { gA[(t - 1) * S + r] += g * Math.exp(A[(t - 1) * S + r] - inner); };
      give(s);
      if (s >= 1) give(s - 1);
      if (s >= 2 && s % 2 === 1 && ext(s) !== ext(s - 2)) give(s - 2);
    }
  }
  return { loss, grad };
}
