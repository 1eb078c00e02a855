/** @file linalg.lu (P, L, U with a = P L U, as jax.scipy.linalg.lu), linalg.luFactor and linalg.luSolve (as jax.scipy.linalg.lu_factor / lu_solve). */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { luFactor as luFactorKernel } from '../tensor/kernels/linalg/lu.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { concat, expandDims, slice, squeeze } from '../ops/shape.js';
import { oneHot, zerosLike } from '../ops/arrayHelpers.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, rows, squareArg, triangleMask } from './matrix.js';
import { solveTriangular } from './triangular.js';
import { solveOperands } from './operands.js';

const UNIT_LOWER = { lower: true, transposeA: false, unitDiagonal: true, left: true } as const;
const UPPER_RIGHT = { lower: false, transposeA: false, unitDiagonal: false, left: false } as const;
const strictlyLower = (x: Tensor) => mul(x, triangleMask(x.shape[x.ndim - 1]!, true, 0));
const upper = (x: Tensor) => mul(x, triangleMask(x.shape[x.ndim - 1]!, false, 1));

/**
 * The packed output [..., 3n+1, n]: P (n rows), L (n rows), U (n rows), then one row of LAPACK
 * pivots (row k was swapped with row pivots[k] at step k, 0-based). P and the pivots are
 * piecewise constant: zero derivative.
 */
const split = (packed: Tensor, n: number) => ({
  p: rows(packed, 0, n), l: rows(packed, n, n), u: rows(packed, 2 * n, n), pivots: squeeze(rows(packed, 3 * n, 1), -2),
});

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

// With a = P L U, Pᵀ Ȧ = L̇ U + L U̇, so M = L⁻¹ Pᵀ Ȧ U⁻¹ = L⁻¹L̇ + U̇U⁻¹, strictly lower plus upper
// (jax.lax.linalg's lu_jvp_rule):  L̇ = L tril(M, −1),  U̇ = triu(M) U.
// Transposed: N = tril(Lᵀ L̄, −1) + triu(Ū Uᵀ),  Ā = P L⁻ᵀ N U⁻ᵀ.
const luP: Primitive<null> = definePrimitive<null>({
  name: 'lu',
  saves: 'output',
  forward: ([a]) => {
    const n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    checkFinite('linalg.lu', a!, n * n);
    const f = luFactorKernel(a!.values, count, n);
    const per = (3 * n + 1) * n, out = allocF64(count * per);
    for (let t = 0; t < count; t++) {
      const o = t * per, lu = t * n * n;
      for (let i = 0; i < n; i++) {
        out[o + f.perm[t * n + i]! * n + i] = 1; // P[perm[i], i] = 1: a = P (P_kernel a) with P = P_kernelᵀ
        for (let j = 0; j < n; j++) {
          const v = f.lu[lu + i * n + j]!;
          if (j < i) out[o + n * n + i * n + j] = v;
          else out[o + 2 * n * n + i * n + j] = v;
        }
        out[o + n * n + i * n + i] = 1;
      }
      swapsOf(f.perm.subarray(t * n, (t + 1) * n), n, out, o + 3 * n * n);
    }
    return new Tensor(out, [...batch, 3 * n + 1, n]);
  },
  vjp: (g, r) => {
    const n = g.shape[g.ndim - 1]!;
    const { p, l, u } = split(r.out!, n);
    const { l: lBar, u: uBar } = split(g, n);
    const nMat = add(strictlyLower(mm(l, lBar, true, false)), upper(mm(uBar, u, false, true)));
    const left = solveTriangular(l, nMat, { ...UNIT_LOWER, transposeA: true }); //   L⁻ᵀ N
    return [mm(p, solveTriangular(u, left, { ...UPPER_RIGHT, transposeA: true }), false, false)]; // P (L⁻ᵀ N U⁻ᵀ)
  },
  jvp: ([t], _a, out) => {
    const n = out.shape[out.ndim - 1]!;
    const { p, l, u } = split(out, n);
    const m = solveTriangular(u, solveTriangular(l, mm(p, t!, true, false), UNIT_LOWER), UPPER_RIGHT);
    const lDot = mm(l, strictlyLower(m), false, false), uDot = mm(upper(m), u, false, false);
    return concat([zerosLike(p), lDot, uDot, zerosLike(rows(out, 3 * n, 1))], -2);
  },
  batch: leadingAxesRule(() => luP),
});

function luOf(op: string, a: TensorLike): { p: Tensor; l: Tensor; u: Tensor; pivots: Tensor } {
  const t = squareArg(op, a);
  if (t.shape[t.ndim - 1] === 0) throw new ShapeError(`${op}: a is empty, ${formatShape(t.shape)}; pass at least a 1×1 matrix.`);
  return split(apply(luP, [t], null), t.shape[t.ndim - 1]!);
}

/**
 * The LU decomposition with partial pivoting a = p · l · u of each square matrix
 * (jax.scipy.linalg.lu): p a permutation matrix, l unit lower triangular, u upper triangular.
 * A singular matrix factors too (a zero on u's diagonal). l and u are differentiable where a is
 * nonsingular (JAX's rule); p has zero derivative.
 * @example ad.linalg.lu(ad.tensor([[1, 2], [3, 4]])).u // [[3, 4], [0, 0.6666666666666667]]
 */
export function lu(a: TensorLike): { p: Tensor; l: Tensor; u: Tensor } {
  const { p, l, u } = luOf('linalg.lu', a);
  return { p, l, u };
}

/**
 * The LU factors packed as LAPACK's getrf gives them (jax.scipy.linalg.lu_factor): `lu` holds u
 * and, below the diagonal, l's multipliers; `pivots` [..., n] says row k was swapped with row
 * pivots[k] (0-based) at step k. Pass both to linalg.luSolve to solve against many right-hand sides.
 * @example ad.linalg.luFactor(ad.tensor([[1, 2], [3, 4]])).pivots // [1, 1]
 */
export function luFactor(a: TensorLike): { lu: Tensor; pivots: Tensor } {
  const { l, u, pivots } = luOf('linalg.luFactor', a);
  return { lu: add(strictlyLower(l), u), pivots };
}

/**
 * Solves a x = b from linalg.luFactor(a)'s { lu, pivots } (jax.scipy.linalg.lu_solve): the
 * pivots' row swaps applied to b, then two triangular solves. b is [..., n, k], or a vector [n]
 * when lu is 2-D. Differentiable in lu and b.
 * @example
 * const f = ad.linalg.luFactor(ad.tensor([[2, 1], [1, 3]]));
 * ad.linalg.luSolve(f, ad.tensor([3, 5])); // [0.8, 1.4]
 */
export function luSolve(factors: { lu: TensorLike; pivots: TensorLike }, b: TensorLike): Tensor {
  const op = 'linalg.luSolve';
  if (typeof factors !== 'object' || factors === null || !('lu' in factors) || !('pivots' in factors)) {
    throw new InvalidArgumentError(`${op}: pass the { lu, pivots } that linalg.luFactor returns, then b.`);
  }
  const luT = squareArg(op, factors.lu, 'lu');
  const n = luT.shape[luT.ndim - 1]!;
  const piv = asTensor(factors.pivots, op);
  if (piv.shape.join() !== luT.shape.slice(0, -1).join()) {
    throw new ShapeError(`${op}: pivots of shape ${formatShape(piv.shape)} do not fit lu of shape ${formatShape(luT.shape)}; they must be [..., ${n}], as linalg.luFactor returns.`);
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
