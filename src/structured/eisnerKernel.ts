/**
 * @file Eisner's algorithm in the log semiring over Float64Arrays: the inside pass, kept as packed
 * charts, and its adjoint (the outside pass, as backprop: the arc marginals). The kernels behind
 * the log-semiring primitives of eisnerLog.ts; the semiring-generic program is eisner.ts.
 *
 * Charts over spans (s, t) of one sentence of n words (positions 0 … n, 0 the root), as in eisner.ts:
 *   inner[s, t] = ⊕_{s ≤ r < t} C→[s, r] ⊗ C←[r + 1, t]
 *   I→[s, t] = inner[s, t] ⊗ arc(s → t),   I←[s, t] = inner[s, t] ⊗ arc(t → s)   (−∞ for s = 0: no arc into the root)
 *   C←[s, t] = ⊕_{s ≤ r < t} C←[s, r] ⊗ I←[r, t]   (−∞ for s = 0),   C→[s, t] = ⊕_{s < r ≤ t} I→[s, r] ⊗ C→[r, t]
 *   C[s, s, ·] = 0;   log Z = C→[0, n], or with one root dependent ⊕_{1 ≤ r ≤ n} arc(0 → r) ⊗ C←[1, r] ⊗ C→[r, n]
 * with ⊕ = logsumexp and ⊗ = +. Every sum runs along a row of one chart and a column of another, so
 * each chart whose columns are read is also kept transposed: both operands of every ⊕ are then
 * contiguous.
 *
 * The arcs are read less c_m, the best usable score into each word m (0 if none is finite), and
 * log Z = Σ_m c_m + the program's value: every tree has exactly one arc into each word, so the
 * marginals are unchanged, and the charts hold numbers near 0 instead of sums of large scores. At
 * scores of 1e10 with ties, α + β − log Z (of size 3e10) had lost 1e-6 to rounding; from about
 * 1e16 each of k tied alternatives got marginal 1 (all-equal scores of 2^996: a column summed to k).
 */

/** Offsets (in units of N², N the padded number of positions) of the charts in one item's packed block; ARC holds the arcs less c. */
const CL = 0, CR = 1, IL = 2, IR = 3, INNER = 4, CLT = 5, CRT = 6, ILT = 7, ARC = 8;
/** Doubles per batch item in the packed charts: 9 arrays of N × N, then log Z and log Z − Σ c. */
export const chartSize = (N: number) => 9 * N * N + 2;

/**
 * logsumexp of x[i + k] + y[j + k] for k = 0 … len − 1: the largest term first, then the sum of
 * exp(term − largest); −∞ when every term is −∞ (and when len = 0).
 */
function lse2(x: Float64Array, i: number, y: Float64Array, j: number, len: number): number {
  let m = -Infinity;
  for (let k = 0; k < len; k++) {
    const v = x[i + k]! + y[j + k]!;
    if (v > m) m = v;
  }
  if (m === -Infinity || m === Infinity) return m;
  let acc = 0;
  for (let k = 0; k < len; k++) acc += Math.exp(x[i + k]! + y[j + k]! - m);
  return m + Math.log(acc);
}

/**
 * The inside pass for arcs [B, N, N] ([head, child], read only where used: h ≠ m, m ≥ 1, both
 * ≤ lengths[b]) into `out` [B, chartSize(N)]: the charts above, then log Z.
 */
export function eisnerInsideKernel(arcs: Float64Array, B: number, N: number, lengths: readonly number[], singleRoot: boolean, out: Float64Array): Float64Array {
  const NN = N * N, P = chartSize(N);
  for (let b = 0; b < B; b++) {
    const o = b * P, n = lengths[b]!;
    const cl = o + CL * NN, cr = o + CR * NN, il = o + IL * NN, ir = o + IR * NN, inn = o + INNER * NN, clt = o + CLT * NN, crt = o + CRT * NN, ilt = o + ILT * NN;
    // The arcs less each word's best (see above), into the ARC chart; the program reads them there.
    const a = o + ARC * NN;
    let shift = 0;
    for (let m = 1; m <= n; m++) {
      let c = -Infinity;
      for (let h = 0; h <= n; h++) if (h !== m) c = Math.max(c, arcs[b * NN + h * N + m]!);
      if (!Number.isFinite(c)) c = 0;
      shift += c;
      for (let h = 0; h <= n; h++) if (h !== m) out[a + h * N + m] = arcs[b * NN + h * N + m]! - c;
    }
    for (let s = 0; s <= n; s++) out[cl + s * N + s] = out[cr + s * N + s] = out[clt + s * N + s] = out[crt + s * N + s] = 0;
    for (let w = 1; w <= n; w++) {
      for (let s = 0; s + w <= n; s++) {
        const t = s + w, st = s * N + t, ts = t * N + s;
        const inner = lse2(out, cr + s * N + s, out, clt + t * N + s + 1, w); // C→[s, r] ⊗ C←[r + 1, t], r = s … t − 1
        out[inn + st] = inner;
        out[ir + st] = inner + out[a + st]!;
        const left = s === 0 ? -Infinity : inner + out[a + ts]!;
        out[il + st] = out[ilt + ts] = left;
        const cLeft = s === 0 ? -Infinity : lse2(out, cl + s * N + s, out, ilt + t * N + s, w); // C←[s, r] ⊗ I←[r, t], r = s … t − 1
        out[cl + st] = out[clt + ts] = cLeft;
        const cRight = lse2(out, ir + s * N + s + 1, out, crt + t * N + s + 1, w); // I→[s, r] ⊗ C→[r, t], r = s + 1 … t
        out[cr + st] = out[crt + ts] = cRight;
      }
    }
    let logZ: number;
    if (!singleRoot) logZ = out[cr + n]!;
    else {
      // arc(0 → r) ⊗ C←[1, r] ⊗ C→[r, n]: the arcs of row 0, C← along row 1, C→ down column n.
      let m = -Infinity;
      for (let r = 1; r <= n; r++) m = Math.max(m, out[a + r]! + out[cl + N + r]! + out[crt + n * N + r]!);
      let acc = 0;
      if (m !== -Infinity && m !== Infinity) for (let r = 1; r <= n; r++) acc += Math.exp(out[a + r]! + out[cl + N + r]! + out[crt + n * N + r]! - m);
      logZ = m === -Infinity || m === Infinity ? m : m + Math.log(acc);
    }
    out[o + 9 * NN] = logZ + shift;
    out[o + 9 * NN + 1] = logZ;
  }
  return out;
}

/** log Z of each item from packed charts [B, chartSize(N)], into `out` [B]. */
export function eisnerReadLogZ(charts: Float64Array, B: number, N: number, out: Float64Array): Float64Array {
  const P = chartSize(N);
  for (let b = 0; b < B; b++) out[b] = charts[b * P + 9 * N * N]!;
  return out;
}

/**
 * The adjoint of the inside pass: `out` [B, N, N] += g[b] · ∂ log Z_b / ∂ arcs (the arc marginals
 * times g), from the packed charts. Backprop through the charts from the widest span down (Eisner
 * 2016: the outside pass is this adjoint): a ⊕ = logsumexp hands its adjoint to each alternative
 * with weight exp(alternative − result) (none when the result is −∞: no structure, no marginal),
 * a ⊗ = + to both factors whole. Within a span the complete items go first, since C←[s, t] reads
 * I←[s, t] and C→[s, t] reads I→[s, t]; spans of one width do not read each other. The adjoints of
 * items read down a column are kept transposed, as the charts are, and added when read.
 */
export function eisnerAdjointKernel(
  arcs: Float64Array, charts: Float64Array, g: Float64Array, B: number, N: number, lengths: readonly number[], singleRoot: boolean, out: Float64Array,
): Float64Array {
  const NN = N * N, P = chartSize(N);
  // Adjoint scratch: gCL, gCR, gIR by row; gCLT, gCRT, gILT by column (transposed).
  const scratch = new Float64Array(6 * NN);
  const gCL = 0, gCR = NN, gIR = 2 * NN, gCLT = 3 * NN, gCRT = 4 * NN, gILT = 5 * NN;
  for (let b = 0; b < B; b++) {
    const gz = g[b]!;
    const logZ = charts[b * P + 9 * NN + 1]!; // of the arcs less c, which the charts hold
    if (gz === 0 || logZ === -Infinity) continue;
    scratch.fill(0);
    const a = b * NN, o = b * P, n = lengths[b]!, arc = o + ARC * NN;
    const cl = o + CL * NN, cr = o + CR * NN, ir = o + IR * NN, inn = o + INNER * NN, clt = o + CLT * NN, crt = o + CRT * NN, ilt = o + ILT * NN;
    if (!singleRoot) scratch[gCR + n] = gz;
    else {
      for (let r = 1; r <= n; r++) {
        const p = gz * Math.exp(charts[arc + r]! + charts[cl + N + r]! + charts[crt + n * N + r]! - logZ);
        out[a + r] += p;
        scratch[gCL + N + r] += p;
        scratch[gCRT + n * N + r] += p;
      }
    }
    for (let w = n; w >= 1; w--) {
      for (let s = 0; s + w <= n; s++) {
        const t = s + w, st = s * N + t, ts = t * N + s;
        // C→[s, t] = ⊕_{s < r ≤ t} I→[s, r] ⊗ C→[r, t]
        let gc = scratch[gCR + st]! + scratch[gCRT + ts]!;
        let x = charts[cr + st]!;
        if (gc !== 0 && x !== -Infinity) {
          for (let r = s + 1; r <= t; r++) {
            const p = gc * Math.exp(charts[ir + s * N + r]! + charts[crt + t * N + r]! - x);
            scratch[gIR + s * N + r] += p;
            scratch[gCRT + t * N + r] += p;
          }
        }
        // C←[s, t] = ⊕_{s ≤ r < t} C←[s, r] ⊗ I←[r, t]
        gc = scratch[gCL + st]! + scratch[gCLT + ts]!;
        x = charts[cl + st]!;
        if (s > 0 && gc !== 0 && x !== -Infinity) {
          for (let r = s; r < t; r++) {
            const p = gc * Math.exp(charts[cl + s * N + r]! + charts[ilt + t * N + r]! - x);
            scratch[gCL + s * N + r] += p;
            scratch[gILT + t * N + r] += p;
          }
        }
        // I→[s, t] = inner ⊗ arc(s → t), I←[s, t] = inner ⊗ arc(t → s): the arcs take the items' adjoints whole.
        const gr = scratch[gIR + st]!, gl = s > 0 ? scratch[gILT + ts]! : 0;
        out[a + st] += gr;
        if (s > 0) out[a + ts] += gl;
        // inner[s, t] = ⊕_{s ≤ r < t} C→[s, r] ⊗ C←[r + 1, t]
        gc = gr + gl;
        x = charts[inn + st]!;
        if (gc !== 0 && x !== -Infinity) {
          for (let r = s; r < t; r++) {
            const p = gc * Math.exp(charts[cr + s * N + r]! + charts[clt + t * N + r + 1]! - x);
            scratch[gCR + s * N + r] += p;
            scratch[gCLT + t * N + r + 1] += p;
          }
        }
      }
    }
  }
  return out;
}
