/** @file linalg.lu (P, L, U with a = P L U, as jax.scipy.linalg.lu), linalg.luFactor and linalg.luSolve (as jax.scipy.linalg.lu_factor / lu_solve). */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { luFactor as luFactorKernel } from '../tensor/kernels/linalg/lu.js';
import { luRectangularKernel } from '../tensor/kernels/linalg/luRectangular.js';
import { formatShape } from '../tensor/shape.js';
import { checkableValues } from '../tensor/checks.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, eye, zeros, type TensorLike } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { broadcastTo, concat, expandDims, reshape, slice, squeeze } from '../ops/shape.js';
import { oneHot, zerosLike } from '../ops/arrayHelpers.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, matrixArg, noOptions, squareArg } from './matrix.js';
import { solveTriangular } from './triangular.js';
import { solveOperands } from './operands.js';
import { extraArguments } from '../core/extraArguments.js';

const UNIT_LOWER = { lower: true, transposeA: false, unitDiagonal: true, left: true } as const;
const UPPER_RIGHT = { lower: false, transposeA: false, unitDiagonal: false, left: false } as const;

/** A constant m×n 0/1 mask: tril(·, −1) (lower) or triu(·) (upper) of an m×n matrix. */
function mask(m: number, n: number, lower: boolean): Tensor {
  const d = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) d[i * n + j] = (lower ? j < i : j >= i) ? 1 : 0;
  return new Tensor(d, [m, n]);
}
const strictlyLower = (x: Tensor) => mul(x, mask(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, true));
const upper = (x: Tensor) => mul(x, mask(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, false));

/** Entries [at, at + size) of the last axis, as [..., rows, cols]. */
function part(x: Tensor, at: number, rows: number, cols: number): Tensor {
  const begin = x.shape.map(() => 0), size = [...x.shape];
  begin[x.ndim - 1] = at;
  size[x.ndim - 1] = rows * cols;
  return reshape(slice(x, begin, size), [...x.shape.slice(0, -1), rows, cols]);
}

/**
 * The packed output [..., m² + mk + kn + k] of an m×n matrix, k = min(m, n): P (m×m), L (m×k),
 * U (k×n), then LAPACK's pivots (row j was swapped with row pivots[j], 0-based, at step j). P and
 * the pivots are piecewise constant: zero derivative.
 */
function split(packed: Tensor, m: number, n: number) {
  const k = Math.min(m, n);
  return {
    p: part(packed, 0, m, m), l: part(packed, m * m, m, k), u: part(packed, m * m + m * k, k, n),
    pivots: squeeze(part(packed, m * m + m * k + k * n, 1, k), -2),
  };
}

/** The LAPACK swap sequence of a row permutation (row i of P A is row perm[i] of A). */
function swapsOf(perm: Int32Array, n: number, out: Float64Array, at: number): void {
  const cur = Array.from({ length: n }, (_, i) => i), where = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    const j = where[perm[k]!]!; // the row now holding A's row perm[k]
    out[at + k] = j;
    const a = cur[k]!, b = cur[j]!;
    cur[k] = b; cur[j] = a; where[b] = k; where[a] = j;
  }
}

/** [x | c] with c a constant [rows, cols] block, broadcast over x's batch, along `axis` (−1 columns, −2 rows). */
function padWith(x: Tensor, c: Tensor, axis: -1 | -2): Tensor {
  return concat([x, broadcastTo(c, [...x.shape.slice(0, -2), ...c.shape])], axis);
}

/** L made m×m (identity columns after its k) and U made n×n (identity rows after its k), as JAX's lu_jvp_rule. */
function squareFactors(l: Tensor, u: Tensor, m: number, n: number): { lSq: Tensor; uSq: Tensor } {
  const k = Math.min(m, n);
  const lSq = m > k ? padWith(l, concat([zeros([k, m - k]), eye(m - k)], 0), -1) : l;
  const uSq = n > k ? padWith(u, concat([zeros([n - k, k]), eye(n - k)], 1), -2) : u;
  return { lSq, uSq };
}

/** The first `rows` rows and `cols` columns of each matrix. */
function corner(x: Tensor, rows: number, cols: number): Tensor {
  const size = [...x.shape];
  size[x.ndim - 2] = rows;
  size[x.ndim - 1] = cols;
  return slice(x, x.shape.map(() => 0), size);
}

// With a = P L U, Pᵀ Ȧ = L̇ U + L U̇. With L and U completed to invertible m×m and n×n matrices
// (squareFactors: identity columns, identity rows), M = L⁻¹ Pᵀ Ȧ U⁻¹ = L⁻¹L̇ + U̇U⁻¹, strictly lower plus upper (jax.lax.linalg's lu_jvp_rule):
//   L̇ = (L tril(M, −1))[:, :k],  U̇ = (triu(M) U)[:k, :].
// Transposed, with L̄ and Ū padded by zeros to m×n:
//   M̄ = tril(Lᵀ L̄, −1) + triu(Ū Uᵀ),  Ā = P L⁻ᵀ M̄ U⁻ᵀ.
const luP: Primitive<{ op: string }> = definePrimitive<{ op: string }>({
  name: 'lu',
  saves: 'output',
  forward: ([a], { op }) => {
    const m = a!.shape[a!.ndim - 2]!, n = a!.shape[a!.ndim - 1]!, k = Math.min(m, n);
    const { batch, count } = batchOf(a!.shape);
    checkFinite(op, a!, m * n); // named as called: linalg.lu or linalg.luFactor
    let lu: Float64Array, perm: Int32Array;
    const pivots = new Float64Array(count * k);
    if (m === n) {
      // Square: the blocked factorisation of linalg.solve (the same pivots as the unblocked one).
      const f = luFactorKernel(a!.values, count, n);
      lu = f.lu; perm = f.perm;
      for (let t = 0; t < count; t++) swapsOf(perm.subarray(t * n, (t + 1) * n), n, pivots, t * n);
    } else {
      lu = Float64Array.from(a!.values); perm = new Int32Array(count * m);
      luRectangularKernel(lu, count, m, n, perm, pivots);
    }
    const per = m * m + m * k + k * n + k, out = allocF64(count * per);
    for (let t = 0; t < count; t++) {
      const o = t * per, src = t * m * n, lOff = o + m * m, uOff = lOff + m * k;
      for (let i = 0; i < m; i++) {
        out[o + perm[t * m + i]! * m + i] = 1; // P[perm[i], i] = 1: a = P (P_kernel a), P = P_kernelᵀ
        if (i < k) out[lOff + i * k + i] = 1;
        for (let j = 0; j < n; j++) {
          const v = lu[src + i * n + j]!;
          if (j < i && j < k) out[lOff + i * k + j] = v;
          else if (j >= i && i < k) out[uOff + i * n + j] = v;
        }
      }
      out.set(pivots.subarray(t * k, (t + 1) * k), uOff + k * n);
    }
    return new Tensor(out, [...batch, per]);
  },
  vjp: (g, r) => {
    const { m, n } = dims(r.shapes[0]!);
    const k = Math.min(m, n);
    const { p, l, u } = split(r.out!, m, n);
    const { l: lBar, u: uBar } = split(g, m, n);
    const { lSq, uSq } = squareFactors(l, u, m, n);
    const lBarPad = n > k ? padWith(lBar, zeros([m, n - k]), -1) : lBar; //  [L̄ | 0], m×n
    const uBarPad = m > k ? padWith(uBar, zeros([m - k, n]), -2) : uBar; //  [Ū; 0], m×n
    const mBar = add(strictlyLower(mm(lSq, lBarPad, true, false)), upper(mm(uBarPad, uSq, false, true)));
    const left = solveTriangular(lSq, mBar, { ...UNIT_LOWER, transposeA: true }); //   L⁻ᵀ M̄
    return [mm(p, solveTriangular(uSq, left, { ...UPPER_RIGHT, transposeA: true }), false, false)]; // P (L⁻ᵀ M̄ U⁻ᵀ)
  },
  jvp: ([t], [a], out) => {
    const { m, n } = dims(a!.shape);
    const k = Math.min(m, n);
    const { p, l, u } = split(out, m, n);
    const { lSq, uSq } = squareFactors(l, u, m, n);
    const mDot = solveTriangular(uSq, solveTriangular(lSq, mm(p, t!, true, false), UNIT_LOWER), UPPER_RIGHT);
    const lDot = corner(mm(lSq, strictlyLower(mDot), false, false), m, k);
    const uDot = corner(mm(upper(mDot), uSq, false, false), k, n);
    const flat = (x: Tensor, size: number) => reshape(x, [...x.shape.slice(0, -2), size]);
    return concat([zerosLike(flat(p, m * m)), flat(lDot, m * k), flat(uDot, k * n), zeros([...out.shape.slice(0, -1), k])], -1);
  },
  batch: leadingAxesRule(() => luP),
});

const dims = (shape: readonly number[]) => ({ m: shape[shape.length - 2]!, n: shape[shape.length - 1]! });

function luOf(op: string, a: TensorLike): { p: Tensor; l: Tensor; u: Tensor; pivots: Tensor } {
  const t = matrixArg(op, a);
  const { m, n } = dims(t.shape);
  if (m === 0 || n === 0) { // as torch.linalg.lu: p the m×m identity, l [m, 0] or [0, 0], u [0, n], no pivots
    const batch = t.shape.slice(0, -2), k = Math.min(m, n);
    return { p: broadcastTo(eye(m), [...batch, m, m]), l: zeros([...batch, m, k]), u: zeros([...batch, k, n]), pivots: zeros([...batch, k]) };
  }
  return split(apply(luP, [t], { op }), m, n);
}

/**
 * The LU decomposition with partial pivoting a = p · l · u of each matrix [..., m, n]
 * (jax.scipy.linalg.lu): p [..., m, m] a permutation matrix, l [..., m, k] unit lower
 * triangular, u [..., k, n] upper triangular, k = min(m, n). A singular matrix factors too (a
 * zero on u's diagonal). l and u are differentiable where a has full rank k (JAX's rule); p has
 * zero derivative.
 * @example ad.linalg.lu(ad.tensor([[1, 2], [3, 4]])).u // [[3, 4], [0, 0.6666666666666667]]
 */
export function lu(a: TensorLike): { p: Tensor; l: Tensor; u: Tensor };
export function lu(a: TensorLike, ...extra: unknown[]): { p: Tensor; l: Tensor; u: Tensor } {
  noOptions('linalg.lu', extra, 'lu(a) always pivots (partial pivoting, a = p l u; no pivot=False, no permute_l)');
  if (extra.length > 0) extraArguments('linalg.lu', 'linalg.lu(a)', extra, a);
  const { p, l, u } = luOf('linalg.lu', a);
  return { p, l, u };
}

/**
 * The LU factors packed as LAPACK's getrf gives them (jax.scipy.linalg.lu_factor): `lu` holds u
 * and, below the diagonal, l's multipliers; `pivots` [..., n] says row k was swapped with row
 * pivots[k] (0-based) at step k. Pass both to linalg.luSolve to solve against many right-hand sides.
 * @example ad.linalg.luFactor(ad.tensor([[1, 2], [3, 4]])).pivots // [1, 1]
 */
export function luFactor(a: TensorLike): { lu: Tensor; pivots: Tensor };
export function luFactor(a: TensorLike, ...extra: unknown[]): { lu: Tensor; pivots: Tensor } {
  noOptions('linalg.luFactor', extra, 'luFactor(a) always pivots (partial pivoting; no pivot=False) and returns 0-based pivots');
  if (extra.length > 0) extraArguments('linalg.luFactor', 'linalg.luFactor(a)', extra, a);
  const { l, u, pivots } = luOf('linalg.luFactor', a);
  const m = l.shape[l.ndim - 2]!, n = u.shape[u.ndim - 1]!, k = Math.min(m, n);
  const lWide = n > k ? padWith(l, zeros([m, n - k]), -1) : l; //  L as m×n
  const uTall = m > k ? padWith(u, zeros([m - k, n]), -2) : u; //  U as m×n
  factorPivots.add(pivots);
  return { lu: add(strictlyLower(lWide), uTall), pivots };
}

/**
 * Pivots luFactor made: in range by construction, so luSolve need not read them. Under jit that
 * keeps jit(a => luSolve(luFactor(a), b)) a replayed program, while pivots from elsewhere (an
 * argument, torch's 1-based ones) are read and checked.
 */
const factorPivots = new WeakSet<Tensor>();

/**
 * Solves a x = b from linalg.luFactor(a)'s { lu, pivots } (jax.scipy.linalg.lu_solve): the
 * pivots' row swaps applied to b, then two triangular solves. b is [..., n, k], or a vector [n]
 * when lu is 2-D. Differentiable in lu and b.
 * @example
 * const f = ad.linalg.luFactor(ad.tensor([[2, 1], [1, 3]]));
 * ad.linalg.luSolve(f, ad.tensor([3, 5])); // [0.8, 1.4]
 */
export function luSolve(factors: { lu: TensorLike; pivots: TensorLike }, b: TensorLike): Tensor;
export function luSolve(factors: { lu: TensorLike; pivots: TensorLike }, b: TensorLike, ...extra: unknown[]): Tensor {
  const op = 'linalg.luSolve';
  noOptions(op, extra, 'luSolve(factors, b) solves a x = b (no trans, adjoint or left); for aᵀ x = b factor ad.linalg.matrixTranspose(a)');
  if (extra.length > 0) extraArguments(op, 'linalg.luSolve(factors, b)', extra, b);
  if (typeof factors !== 'object' || factors === null || !('lu' in factors) || !('pivots' in factors)) {
    throw new InvalidArgumentError(`${op}: pass the { lu, pivots } that linalg.luFactor returns, then b.`);
  }
  const luT = squareArg(op, factors.lu, 'lu');
  const n = luT.shape[luT.ndim - 1]!;
  const piv = asTensor(factors.pivots, op);
  if (piv.shape.join() !== luT.shape.slice(0, -1).join()) {
    throw new ShapeError(`${op}: pivots of shape ${formatShape(piv.shape)} do not fit lu of shape ${formatShape(luT.shape)}; they must be [..., ${n}], as linalg.luFactor returns.`);
  }
  // An out-of-range pivot would make permuteRows zero a row of b (oneHot of it is all zeros):
  // torch's and LAPACK's 1-based pivots gave a silently wrong x. Pivots traced by jit alone are
  // checked too (read, so the function runs as written; jit gave x = 0 here without the check).
  const pv = factorPivots.has(piv) ? null : checkableValues(piv, "linalg.luSolve's check of its pivots");
  if (pv !== null) {
    const bad = pv.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < n));
    if (bad >= 0) {
      throw new InvalidArgumentError(`${op}: pivots must be 0-based row indices in [0, ${n}), as linalg.luFactor and jax.scipy.linalg.lu_factor give them, got ${pv[bad]} at flat index ${bad}; torch's and LAPACK's are 1-based: subtract 1.`);
    }
  }
  const s = solveOperands(op, luT, b);
  const y = solveTriangular(s.a, permuteRows(piv, s.b), UNIT_LOWER);
  return s.finish(solveTriangular(s.a, y, { lower: false, transposeA: false, unitDiagonal: false, left: true }));
}

/**
 * The rows of b [..., n, k] swapped as LAPACK's pivots say: for k = 0…n−1, rows k and j = pivots[k]
 * exchanged, b ← b − d (dᵀ b) with d = e_k − e_j (a transposition as a rank-one update; d = 0 when
 * j = k). Written with ops (oneHot of the pivot values), so it records under jit and vmap; O(n²k)
 * like the triangular solves. The pivots have no derivative.
 */
function permuteRows(piv: Tensor, b: Tensor): Tensor {
  const n = piv.shape[piv.ndim - 1]!;
  const begin = piv.shape.map(() => 0), size = [...piv.shape];
  size[piv.ndim - 1] = 1;
  let x = b;
  for (let k = 0; k < n; k++) {
    begin[piv.ndim - 1] = k;
    const d = expandDims(sub(oneHot(k, n), oneHot(squeeze(slice(piv, begin, size), -1), n)), -1); // [..., n, 1]
    x = sub(x, mul(d, sum(mul(d, x), -2, true)));
  }
  return x;
}
