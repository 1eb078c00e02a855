/**
 * @file The CTC forward (α) recursion in log space over Float64Arrays, and its adjoint by the
 * backward (β) recursion: the kernels behind the primitives of ctcLog.ts. The semiring-generic
 * program they replace is ctcLoss's Alignment (alignment.ts).
 *
 * Sequence b of a batch, log-probabilities y_t(s) = logProbs[t, b, l′_s] over its T_b frames and
 * the S_b = 2U_b + 1 states of its extended target l′ = blank, l₁, blank, l₂, …, l_U, blank
 * (Graves, Fernández, Gomez & Schmidhuber 2006, section 4.1, in log space; ⊕ = logsumexp):
 *   α_0(s) = y_0(s) for s < 2 (the first blank or the first label), −∞ elsewhere;
 *   α_t(s) = (α_{t−1}(s) ⊕ α_{t−1}(s − 1) ⊕ [skip(s)] α_{t−1}(s − 2)) + y_t(s),
 *     skip(s): l′_s is a label (s odd) other than l′_{s−2} (two equal labels need the blank between them);
 *   log p = α_{T_b−1}(S_b − 1) ⊕ α_{T_b−1}(S_b − 2).
 * β_t(s) sums the frames after t (not y_t(s) itself): β_{T_b−1}(s) = 0 on the two final states,
 * −∞ elsewhere, and β_{t−1}(s) = ⊕ over s′ ∈ {s, s + 1, s + 2 if skip(s + 2)} of β_t(s′) + y_t(s′).
 * Then p(frame t in state s) = exp(α_t(s) + β_t(s) − log p), and ∂ log p / ∂ logProbs[t, b, k] is
 * its sum over the states s with l′_s = k (Graves et al.'s eq. 14–16, before the softmax).
 *
 * Charts keep α at every `stride`-th frame (stride 1: every frame); the adjoint recomputes the
 * frames between two kept ones, block by block from the last, before running β down through them.
 */

/** Shapes and lattice of one call: logProbs [T, N, C]; ext [N, S] the extended targets (blank past each S_b). */
export interface CTCDims {
  readonly T: number; readonly N: number; readonly C: number; readonly S: number;
  readonly ext: Int32Array;
  /** T_b, 1 … T. */
  readonly frames: readonly number[];
  /** S_b = 2U_b + 1, 1 … S. */
  readonly states: readonly number[];
  /** α is kept at frames 0, stride, 2·stride, … */
  readonly stride: number;
  /**
   * An ad.Alignment's lattice in place of CTC's rules (alignment.ts, whose log-semiring sum runs
   * these kernels with C = S and ext[b, s] = s): skip[b·S + s] = 1 where a frame may enter s from
   * s − 2; the first frame in states below `initial`, the last in the last `final` states of S_b.
   * Absent: CTC's lattice (skips between different labels, two initial and two final states).
   */
  readonly lattice?: LatticeRules | undefined;
}

/** An Alignment's skips and its numbers of initial and final states (CTCDims.lattice). */
export interface LatticeRules {
  readonly skip: Uint8Array;
  readonly initial: number;
  readonly final: number;
}

/** Doubles per sequence in the charts: ⌈T / stride⌉ rows of α over S states, then log p. */
export const ctcChartSize = (T: number, S: number, stride: number) => Math.ceil(T / stride) * S + 1;

/** x ⊕ y ⊕ z: −∞ when all three are (NaN when one is NaN), +∞ when one is. */
function lse3(x: number, y: number, z: number): number {
  let m = x > y ? x : y;
  if (z > m) m = z;
  if (m === -Infinity) return x + y + z;
  if (m === Infinity) return m;
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m) + Math.exp(z - m));
}

/** Whether state s (of sequence b's lattice, at offset e = b·S) may be entered from s − 2: CTC's rule, or the Alignment's skips. */
function skips(d: CTCDims, e: number, s: number): boolean {
  if (s < 2) return false;
  const rules = d.lattice;
  if (rules !== undefined) return rules.skip[e + s] === 1;
  return (s & 1) === 1 && d.ext[e + s] !== d.ext[e + s - 2];
}

/** How many of the first states the first frame may be in, and of the last states the last frame. */
const initialStates = (d: CTCDims) => d.lattice?.initial ?? 2;
const finalStates = (d: CTCDims) => d.lattice?.final ?? 2;

/**
 * ⊕ of α over sequence b's final states, the last `final` of its S_b, in rows at r: log p. One to
 * three of them (CTC's two) as lse3 over the last, the one before and the one before that; more
 * by the shift by their maximum.
 */
function finalSum(rows: Float64Array, r: number, Sb: number, final: number): number {
  if (final <= 3) {
    const at = (k: number) => (k < final && Sb - 1 - k >= 0 ? rows[r + Sb - 1 - k]! : -Infinity);
    return lse3(at(0), at(1), at(2));
  }
  const first = Math.max(0, Sb - final);
  let m = -Infinity;
  for (let s = first; s < Sb; s++) if (rows[r + s]! > m || rows[r + s] !== rows[r + s]) m = rows[r + s]!;
  if (m === -Infinity || m === Infinity || m !== m) return m;
  let total = 0;
  for (let s = first; s < Sb; s++) total += Math.exp(rows[r + s]! - m);
  return m + Math.log(total);
}

/** α_t of sequence b (t ≥ 1) into `next` at q, from α_{t−1} in `prev` at p; states past S_b get −∞. */
function alphaStep(lp: ArrayLike<number>, prev: Float64Array, p: number, next: Float64Array, q: number, t: number, b: number, d: CTCDims): void {
  const { N, C, S, ext } = d;
  const Sb = d.states[b]!, row = (t * N + b) * C, e = b * S;
  for (let s = 0; s < Sb; s++) {
    const stay = prev[p + s]!, advance = s >= 1 ? prev[p + s - 1]! : -Infinity, skip = skips(d, e, s) ? prev[p + s - 2]! : -Infinity;
    next[q + s] = lse3(stay, advance, skip) + lp[row + ext[e + s]!]!;
  }
  for (let s = Sb; s < S; s++) next[q + s] = -Infinity;
}

/** α_0 of sequence b into `out` at q: the initial states (CTC: the first blank and the first label, when there is one). */
function alphaStart(lp: ArrayLike<number>, out: Float64Array, q: number, b: number, d: CTCDims): void {
  const { C, S, ext } = d;
  out.fill(-Infinity, q, q + S);
  for (let s = 0; s < Math.min(initialStates(d), d.states[b]!); s++) out[q + s] = lp[b * C + ext[b * S + s]!]!;
}

/** The forward pass for logProbs [T, N, C] into `out` [N, ctcChartSize(T, S, stride)]: the kept rows of α, then log p. */
export function ctcForwardKernel(lp: ArrayLike<number>, d: CTCDims, out: Float64Array): Float64Array {
  const { T, N, S, stride } = d;
  const P = ctcChartSize(T, S, stride), R = P - 1;
  const rows = new Float64Array(2 * S); // α_{t−1} and α_t, in turn
  for (let b = 0; b < N; b++) {
    const o = b * P, Tb = d.frames[b]!, Sb = d.states[b]!;
    alphaStart(lp, rows, 0, b, d);
    out.set(rows.subarray(0, S), o);
    for (let t = 1; t < Tb; t++) {
      const q = (t & 1) * S, p = S - q;
      alphaStep(lp, rows, p, rows, q, t, b, d);
      if (t % stride === 0) out.set(rows.subarray(q, q + S), o + (t / stride) * S);
    }
    const last = (Tb - 1) & 1 ? S : 0;
    out[o + R] = finalSum(rows, last, Sb, finalStates(d));
  }
  return out;
}

/** log p of each sequence from the charts [N, P], into `out` [N]. */
export function ctcReadLogLikelihood(charts: ArrayLike<number>, d: CTCDims, out: Float64Array): Float64Array {
  const P = ctcChartSize(d.T, d.S, d.stride);
  for (let b = 0; b < d.N; b++) out[b] = charts[b * P + P - 1]!;
  return out;
}

/**
 * The adjoint of the forward pass: `out` [T, N, C] += g[b] · ∂ log p_b / ∂ logProbs, the state
 * occupations exp(α + β − log p) summed onto each state's class, frame by frame from the last, β
 * running down beside them. Sequences whose log p is −∞ (no alignment) or whose g is 0 get nothing.
 */
export function ctcAdjointKernel(lp: ArrayLike<number>, charts: ArrayLike<number>, g: ArrayLike<number>, d: CTCDims, out: Float64Array): Float64Array {
  const { T, N, C, S, ext, stride } = d;
  const P = ctcChartSize(T, S, stride);
  const block = new Float64Array(stride * S), beta = new Float64Array(S), e = new Float64Array(S), occ = new Float64Array(S);
  for (let b = 0; b < N; b++) {
    const gb = g[b]!, o = b * P, logp = charts[o + P - 1]!;
    if (gb === 0 || logp === -Infinity) continue;
    const Tb = d.frames[b]!, Sb = d.states[b]!, eb = b * S;
    beta.fill(-Infinity);
    beta.fill(0, Math.max(0, Sb - finalStates(d)), Sb);
    for (let t0 = Math.floor((Tb - 1) / stride) * stride; t0 >= 0; t0 -= stride) {
      // α over the block's frames t0 … t1 − 1: the kept row, then the recursion.
      const t1 = Math.min(t0 + stride, Tb), kept = o + (t0 / stride) * S;
      for (let s = 0; s < S; s++) block[s] = charts[kept + s]!;
      for (let t = t0 + 1; t < t1; t++) alphaStep(lp, block, (t - t0 - 1) * S, block, (t - t0) * S, t, b, d);
      for (let t = t1 - 1; t >= t0; t--) {
        const a = (t - t0) * S, row = (t * N + b) * C;
        // The occupations exp(α_t(s) + β_t(s) − log p), normalised over the frame's states instead:
        // they sum to 1 (every alignment is in one state at each frame), so this is the same in exact
        // arithmetic, but α + β − log p cancels three numbers of the size of log p, and the exponential
        // turned their rounding (ε·|log p|) into ∞ or 0 once |log p| passed about 1e16: with scores
        // or log-probabilities of −1e20 (masks) a frame's gradient summed to −2 or −3, at ±1e300 to ∞.
        let top = -Infinity;
        for (let s = 0; s < Sb; s++) {
          const u = block[a + s]! + beta[s]!;
          occ[s] = u;
          if (u > top || u !== u) top = u;
        }
        let total = 0;
        for (let s = 0; s < Sb; s++) {
          const w = occ[s] === -Infinity ? 0 : Math.exp(occ[s]! - top);
          occ[s] = w;
          total += w;
        }
        for (let s = 0; s < Sb; s++) if (occ[s] !== 0) out[row + ext[eb + s]!] += (gb * occ[s]!) / total;
        if (t === 0) break;
        // β_{t−1}(s) = ⊕ over s′ ∈ {s, s + 1, s + 2 if skip(s + 2)} of β_t(s′) + y_t(s′).
        for (let s = 0; s < Sb; s++) e[s] = beta[s]! + lp[row + ext[eb + s]!]!;
        for (let s = 0; s < Sb; s++) {
          const advance = s + 1 < Sb ? e[s + 1]! : -Infinity, skip = s + 2 < Sb && skips(d, eb, s + 2) ? e[s + 2]! : -Infinity;
          beta[s] = lse3(e[s]!, advance, skip);
        }
      }
    }
  }
  return out;
}
