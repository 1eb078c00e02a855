/**
 * @file The log-semiring matrix product out[i, k] = log Σ_j exp(a[i, j] + b[j, k]) and its
 * first-order VJP, batched with broadcasting, on the real matrix product's kernel (./matmul.ts);
 * a may be stored transposed ([k, m], as gemm's transA), so callers that build it that way need no copy.
 *
 * With ma_i = max_j a[i, j] and mb_k = max_j b[j, k] (constant shifts),
 *   out[i, k] = ma_i + mb_k + log C[i, k],   C = exp(a − ma) · exp(b − mb)   (a real matmul),
 * so the m·k·n exponentials of the direct form become m·k + k·n, and the m·k·n multiply-adds run
 * in the blocked (WebAssembly SIMD) gemm. Every factor of C lies in [0, 1], so nothing overflows.
 *
 * Accuracy. Where C[i, k] ≥ TINY = 2⁻⁹⁶⁸, every term of the sum that is at least ε·C (ε = 2⁻⁵²)
 * has both factors ≥ ε·TINY > 2⁻¹⁰²² — normal numbers, each exp within 1 ulp — and the terms below
 * ε·C (flushed or subnormal) change the sum by less than k·ε relative. So log C is within about
 * (k + 2)·ε absolute of the exact log of the exact sum, and out within that plus the rounding of
 * the final additions (≈ ε·(|ma| + |mb| + |out|)): the error of the direct max-shifted loop, up to
 * the order of summation. Where C < TINY (every term far below its row's and column's maxima, so
 * the sum underflowed or lost digits), where ma_i or mb_k is not finite (an all −∞ row or column,
 * a +∞ entry, a NaN), the entry is computed directly: m = max_j (a[i, j] + b[j, k]) and
 * m + log Σ_j exp(a[i, j] + b[j, k] − m), which is what logsumexp over a broadcast sum computes
 * (all −∞ gives −∞, a +∞ or NaN maximum is the result as is). test/logMatmul.test.ts measures the
 * error against a float64 brute force with spreads up to 10⁴ and −∞ masks.
 */
import { allocF64 } from '../alloc.js';
import { gemm } from './matmul.js';
import { vectorMath } from './wasm/vmath.js';

/** Below this C[i, k] the entry is computed directly (see the accuracy note). */
export const TINY = 2 ** -968;
/** Above this |ḡ / C| the VJP takes an entry directly too, so the scaled cotangent never overflows in the products. */
const HUGE = 2 ** 960;

/** Geometry of one batched call: the broadcast batch, strides into it (in matrices, 0 where broadcast), m, k, n, and whether a is stored transposed ([k, m]). */
export interface LogMatmulShape {
  readonly batch: readonly number[];
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
}

/** The (matrix of a, matrix of b) pair of each output matrix, in row-major batch order. */
function pairs({ batch, aStrides, bStrides }: LogMatmulShape): Int32Array {
  let count = 1;
  for (const d of batch) count *= d;
  const out = new Int32Array(2 * count);
  const index = new Array<number>(batch.length).fill(0);
  let ai = 0, bi = 0;
  for (let t = 0; t < count; t++) {
    out[2 * t] = ai;
    out[2 * t + 1] = bi;
    for (let ax = batch.length - 1; ax >= 0; ax--) {
      index[ax]!++;
      ai += aStrides[ax]!;
      bi += bStrides[ax]!;
      if (index[ax]! < batch[ax]!) break;
      ai -= aStrides[ax]! * batch[ax]!;
      bi -= bStrides[ax]! * batch[ax]!;
      index[ax] = 0;
    }
  }
  return out;
}

/**
 * One operand's maxima along the contracted axis and its shifted exponentials exp(x − max), in the
 * operand's own layout (a non-finite maximum shifts by 0: those rows and columns are taken directly).
 */
interface Side { readonly along: 'rows' | 'cols'; readonly k: number; readonly n: number; readonly max: Float64Array; readonly e: Float64Array }

/**
 * Scalings kept with the storage they were computed from, and the products C kept with the output
 * they gave: a tensor's storage is never written (tensor.ts) and never reused for another value
 * (alloc.ts), so the same array means the same values. The forward algorithm contracts with one
 * transition matrix at every step and the inside algorithm with one rule tensor at every width:
 * their exponentials are taken once; and the VJP finds the forward pass's exponentials and C
 * instead of recomputing them. Held weakly (an entry lives as long as its array), and only for
 * arrays of CACHED_MIN … CACHED elements: below, recomputing costs less than a weak map's entry
 * (a forward-algorithm step's α of 45 states: each entry also costs the garbage collector).
 */
const CACHED = 1 << 16;
const CACHED_MIN = 512;
const sides = new WeakMap<Float64Array, Side[]>();
const products = new WeakMap<Float64Array, { a: Float64Array; b: Float64Array; c: Float64Array }>();

/**
 * Maxima and exponentials of x viewed as [rows, k] with the maximum over each row of k ('rows'),
 * or as matrices [k, n] with the maximum over each column ('cols').
 */
function sideOf(x: Float64Array, along: 'rows' | 'cols', k: number, n: number): Side {
  const known = x.length >= CACHED_MIN ? sides.get(x) : undefined;
  if (known !== undefined) for (const c of known) if (c.along === along && c.k === k && c.n === n) return c;
  const e = new Float64Array(x.length);
  let max: Float64Array;
  if (along === 'rows') {
    const rows = x.length / k;
    max = new Float64Array(rows);
    for (let r = 0, p = 0; r < rows; r++) {
      let mx = -Infinity;
      for (let j = 0; j < k; j++) { const v = x[p + j]!; if (v > mx || v !== v) mx = v; }
      max[r] = mx;
      const shift = Number.isFinite(mx) ? mx : 0;
      for (let j = 0; j < k; j++, p++) e[p] = x[p]! - shift;
    }
  } else {
    const mats = x.length / (k * n);
    max = new Float64Array(mats * n);
    for (let t = 0; t < mats; t++) {
      const base = t * k * n, mo = t * n;
      max.fill(-Infinity, mo, mo + n);
      for (let j = 0, p = base; j < k; j++) {
        for (let c = 0; c < n; c++, p++) { const v = x[p]!, mx = max[mo + c]!; if (v > mx || v !== v) max[mo + c] = v; }
      }
      for (let j = 0, p = base; j < k; j++) {
        for (let c = 0; c < n; c++, p++) { const mx = max[mo + c]!; e[p] = x[p]! - (Number.isFinite(mx) ? mx : 0); }
      }
    }
  }
  vectorMath('exp', e, e);
  const side: Side = { along, k, n, max, e };
  if (x.length >= CACHED_MIN && x.length <= CACHED) {
    if (known === undefined) sides.set(x, [side]);
    else known.push(side);
  }
  return side;
}

/** Row maxima of op(a) (indexed [aMat·m + i]) and exp(a − ma) in a's layout; then b's column maxima and exp(b − mb). */
function scaled(a: Float64Array, b: Float64Array, { m, k, n, transA }: LogMatmulShape): { ma: Float64Array; ea: Float64Array; mb: Float64Array; eb: Float64Array } {
  const sa = transA ? sideOf(a, 'cols', k, m) : sideOf(a, 'rows', k, 0), sb = sideOf(b, 'cols', k, n);
  return { ma: sa.max, ea: sa.e, mb: sb.max, eb: sb.e };
}

/** log Σ_j exp(a[aAt + j·as] + b[bAt + j·n]) directly, max-shifted (as logsumexp over the broadcast sum). */
function direct(a: Float64Array, aAt: number, as: number, b: Float64Array, bAt: number, k: number, n: number): number {
  let mx = -Infinity;
  for (let j = 0, p = aAt, q = bAt; j < k; j++, p += as, q += n) { const v = a[p]! + b[q]!; if (v > mx || v !== v) mx = v; }
  if (!Number.isFinite(mx)) return mx;
  let s = 0;
  for (let j = 0, p = aAt, q = bAt; j < k; j++, p += as, q += n) s += Math.exp(a[p]! + b[q]! - mx);
  return mx + Math.log(s);
}

let scratch = new Float64Array(0);
function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/** out[t, i, k] = log Σ_j exp(op(a)[ai(t), i, j] + b[bi(t), j, k]) for the broadcast batch t. */
export function logMatmulKernel(a: Float64Array, b: Float64Array, shape: LogMatmulShape): Float64Array {
  const { m, k, n, transA } = shape;
  const idx = pairs(shape);
  const count = idx.length / 2;
  const out = allocF64(count * m * n);
  if (k === 0) return out.fill(-Infinity); // an empty sum
  const s = scaled(a, b, shape);
  // C for every output matrix, kept for the VJP when small enough (else one matrix of scratch at a time).
  const keep = out.length >= CACHED_MIN && out.length <= CACHED;
  const c = keep ? new Float64Array(out.length) : scratchOf(m * n);
  const rs = transA ? 1 : k, ps = transA ? m : 1; // op(a)[i, j] is at aOff + i·rs + j·ps
  for (let t = 0; t < count; t++) {
    const ai = idx[2 * t]!, bi = idx[2 * t + 1]!, o = t * m * n, aOff = ai * m * k, bOff = bi * k * n;
    const co = keep ? o : 0;
    if (!keep) c.fill(0, 0, m * n);
    gemm(s.ea, aOff, s.eb, bOff, c, co, m, k, n, transA, false);
    for (let i = 0; i < m; i++) {
      const mai = s.ma[ai * m + i]!, finiteRow = Number.isFinite(mai);
      for (let col = 0, q = i * n, mo = bi * n; col < n; col++, q++) {
        const mbk = s.mb[mo + col]!, cq = c[co + q]!;
        out[o + q] = finiteRow && Number.isFinite(mbk) && cq >= TINY
          ? mai + mbk + Math.log(cq)
          : direct(a, aOff + i * rs, ps, b, bOff + col, k, n);
      }
    }
  }
  if (keep) products.set(out, { a, b, c });
  return out;
}

/**
 * The cotangents of a and b (null where not needed) for output cotangent g, from the weights
 * P[i, j, k] = exp(op(a)[i, j] + b[j, k] − out[i, k]) (a softmax over j for each (i, k)):
 *   op(a)‾[i, j] = Σ_k g[i, k] P[i, j, k],   b̄[j, k] = Σ_i g[i, k] P[i, j, k],
 * summed over broadcast batch axes. With W = g / C (C as in the forward pass, so P = ea·eb / C):
 *   ā = ea ⊙ (W · ebᵀ)  (ea ⊙ (eb · Wᵀ) for a stored [k, m]),   b̄ = eb ⊙ (op(ea)ᵀ · W)  — two real matmuls.
 * Entries taken directly in the forward pass (or whose |W| would exceed HUGE) add their weights
 * one by one as the generic rule computes them: e_j = exp(a + b − out) (out = −∞ read as 0),
 * w_j = e_j / Σ e (an empty sum read as 1), times g[i, k]. A zero g[i, k] contributes exactly 0.
 */
export function logMatmulVjpKernel(
  a: Float64Array, b: Float64Array, out: Float64Array, g: Float64Array, shape: LogMatmulShape, needA: boolean, needB: boolean,
): [Float64Array | null, Float64Array | null] {
  const { m, k, n, transA } = shape;
  const da = needA ? allocF64(a.length) : null, db = needB ? allocF64(b.length) : null;
  if (k === 0 || (da === null && db === null)) return [da, db];
  const idx = pairs(shape);
  const count = idx.length / 2;
  const s = scaled(a, b, shape);
  // The products below must not see the ∞ or NaN of a row or column whose maximum is +∞ or NaN
  // (every entry it meets is taken directly, with W = 0 there, and 0 · ∞ would be NaN for the others).
  const ea = finitePart(s.ea, s.ma, transA ? 'cols' : 'rows', k, m), eb = finitePart(s.eb, s.mb, 'cols', k, n);
  const known = products.get(out);
  const kept = known !== undefined && known.a === a && known.b === b ? known.c : undefined;
  const c = scratchOf(m * n + Math.max(m, k) * Math.max(k, n));
  const w = c.subarray(0, m * n), tmp = c.subarray(m * n);
  const rs = transA ? 1 : k, ps = transA ? m : 1;
  for (let t = 0; t < count; t++) {
    const ai = idx[2 * t]!, bi = idx[2 * t + 1]!, o = t * m * n, aOff = ai * m * k, bOff = bi * k * n;
    if (kept !== undefined) w.set(kept.subarray(o, o + m * n));
    else {
      w.fill(0);
      gemm(ea, aOff, eb, bOff, w, 0, m, k, n, transA, false);
    }
    for (let i = 0; i < m; i++) {
      const mai = s.ma[ai * m + i]!, finiteRow = Number.isFinite(mai);
      for (let col = 0, q = i * n; col < n; col++, q++) {
        const gq = g[o + q]!, cq = w[q]!, mbk = s.mb[bi * n + col]!;
        const wq = gq === 0 ? 0 : gq / cq;
        if (finiteRow && Number.isFinite(mbk) && cq >= TINY && Math.abs(wq) <= HUGE) {
          w[q] = wq;
          continue;
        }
        w[q] = 0;
        if (gq !== 0) directVjp(a, aOff + i * rs, ps, b, bOff + col, k, n, out[o + q]!, gq, da, db);
      }
    }
    if (m === 1) {
      matvecVjp(ea, aOff, eb, bOff, w, k, n, da, db);
      continue;
    }
    if (da !== null) {
      tmp.fill(0, 0, m * k);
      if (transA) gemm(eb, bOff, w, 0, tmp, 0, k, n, m, false, true);
      else gemm(w, 0, eb, bOff, tmp, 0, m, n, k, false, true);
      for (let p = 0; p < m * k; p++) da[aOff + p] += ea[aOff + p]! * tmp[p]!;
    }
    if (db !== null) {
      tmp.fill(0, 0, k * n);
      gemm(ea, aOff, w, 0, tmp, 0, k, m, n, !transA, false);
      for (let p = 0; p < k * n; p++) db[bOff + p] += eb[bOff + p]! * tmp[p]!;
    }
  }
  return [da, db];
}

/**
 * exp(x − max) as `scaled` gives it, with the rows ('rows': [rows, k]) or columns ('cols':
 * matrices [k, n]) whose maximum is +∞ or NaN set to 0: their exponentials may be ∞ or NaN, and
 * every output entry they meet is taken directly. (An all −∞ line's exponentials are 0 already.)
 * A copy, made only when there are such lines.
 */
function finitePart(e: Float64Array, max: Float64Array, along: 'rows' | 'cols', k: number, n: number): Float64Array {
  let lines: Float64Array | null = null;
  for (let r = 0; r < max.length; r++) {
    if (max[r]! < Infinity) continue; // finite or −∞ (NaN fails the test)
    lines ??= Float64Array.from(e);
    if (along === 'rows') lines.fill(0, r * k, (r + 1) * k);
    else for (let j = 0, p = Math.floor(r / n) * k * n + (r % n); j < k; j++, p += n) lines[p] = 0;
  }
  return lines ?? e;
}

/**
 * The two products of the VJP for one row (m = 1, a forward-algorithm step), in one pass over b
 * without temporaries: with t = eb[j, c]·W[c], ā[j] += ea[j]·Σ_c t and b̄[j, c] += ea[j]·t.
 */
function matvecVjp(
  ea: Float64Array, aOff: number, eb: Float64Array, bOff: number, w: Float64Array, k: number, n: number,
  da: Float64Array | null, db: Float64Array | null,
): void {
  for (let j = 0, row = bOff; j < k; j++, row += n) {
    const x = ea[aOff + j]!;
    let acc = 0;
    if (db === null) for (let c = 0; c < n; c++) acc += eb[row + c]! * w[c]!;
    else {
      for (let c = 0; c < n; c++) {
        const t = eb[row + c]! * w[c]!;
        acc += t;
        db[row + c] += x * t;
      }
    }
    if (da !== null) da[aOff + j] += x * acc;
  }
}

/**
 * One entry's weights, as the generic rule: e_j = exp(a_j + b_j − out) (out = −∞ read as 0),
 * w_j = e_j / Σ e; at out = +∞, e_j = 1 on the terms at +∞ and 0 elsewhere (logsumexp's limit,
 * kernels/reduce.ts infiniteShift).
 */
function directVjp(
  a: Float64Array, aAt: number, as: number, b: Float64Array, bAt: number, k: number, n: number, y: number, gq: number,
  da: Float64Array | null, db: Float64Array | null,
): void {
  const shift = y === -Infinity ? 0 : y;
  const term = (v: number) => (y === Infinity ? (v === Infinity ? 1 : 0) : Math.exp(v - shift));
  let sum = 0;
  for (let j = 0, p = aAt, q = bAt; j < k; j++, p += as, q += n) sum += term(a[p]! + b[q]!);
  const inv = 1 / (sum === 0 ? 1 : sum);
  for (let j = 0, p = aAt, q = bAt; j < k; j++, p += as, q += n) {
    const wj = term(a[p]! + b[q]!) * inv;
    const ct = wj === 0 ? 0 : gq * wj;
    if (da !== null) da[p] += ct;
    if (db !== null) db[q] += ct;
  }
}
