/** @file Triangular solves (linalg.triangularSolve) and solves with a Cholesky factor (linalg.choleskySolve). */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { triangularSolveKernel, type TriangularOptions } from '../tensor/kernels/linalg/triangular.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { mul, sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { mm } from '../ops/linalg.js';
import { batchOf, noOptions, squareArg, triangleMask } from './matrix.js';
import { solveOperands } from './operands.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of linalg.triangularSolve; the defaults are jax.scipy.linalg.solve_triangular's. */
export interface TriangularSolveOptions {
  /** Read a's lower triangle (default false: the upper one, as SciPy). */
  lower?: boolean | undefined;
  /** Solve with aᵀ instead of a (SciPy's trans=1). Default false. */
  transposeA?: boolean | undefined;
  /** Take a's diagonal as ones without reading it. Default false. */
  unitDiagonal?: boolean | undefined;
  /** Solve op(a) x = b (true, the default) or x op(a) = b (false). */
  left?: boolean | undefined;
}

/** The triangle of a that the solve reads: the tangent or cotangent of a lives there only. */
function onTriangle(x: Tensor, o: TriangularOptions): Tensor {
  return mul(x, triangleMask(x.shape[x.ndim - 1]!, o.lower, o.unitDiagonal ? 0 : 1));
}

// For op(A) X = B (left), X = op(A)⁻¹ B (Giles 2008, §2.2.3, with the triangle kept):
//   B̄ = op(A)⁻ᵀ X̄,   op(A)̄ = −B̄ Xᵀ   (so Ā = −B̄ Xᵀ, or −X B̄ᵀ when op transposes),
//   Ẋ = op(A)⁻¹ (Ḃ − op(Ȧ) X).
// For X op(A) = B (right): B̄ = X̄ op(A)⁻ᵀ, op(A)̄ = −Xᵀ B̄, Ẋ = (Ḃ − X op(Ȧ)) op(A)⁻¹.
// Ā and Ȧ are restricted to the triangle the solve reads (strictly, with a unit diagonal).
const triangularSolveP: Primitive<TriangularOptions> = definePrimitive<TriangularOptions>({
  name: 'triangularSolve',
  saves: 'both',
  forward: ([a, b], o) => {
    const n = a!.shape[a!.ndim - 1]!, k = o.left ? b!.shape[b!.ndim - 1]! : b!.shape[b!.ndim - 2]!;
    const { count } = batchOf(a!.shape);
    return new Tensor(triangularSolveKernel(a!.values, b!.values, count, n, k, o, allocF64(b!.size)), b!.shape);
  },
  vjp: (g, r, o, needs) => {
    const [a] = r.inputs as [Tensor], x = r.out!;
    const bBar = solveTriangular(a, g, { ...o, transposeA: !o.transposeA });
    let aBar: Tensor | null = null;
    if (needs[0]) {
      const opBar = o.left ? (o.transposeA ? mm(x, bBar, false, true) : mm(bBar, x, false, true))
                           : (o.transposeA ? mm(bBar, x, true, false) : mm(x, bBar, true, false));
      aBar = onTriangle(neg(opBar), o);
    }
    return [aBar, needs[1] ? bBar : null];
  },
  jvp: ([ta, tb], [a], x, o) => {
    let rhs: Tensor | null = tb;
    if (ta !== null) {
      const t = onTriangle(ta, o);
      const product = o.left ? mm(t, x, o.transposeA, false) : mm(x, t, false, o.transposeA);
      rhs = rhs === null ? neg(product) : sub(rhs, product);
    }
    return rhs === null ? null : solveTriangular(a!, rhs, o);
  },
  batch: leadingAxesRule(() => triangularSolveP),
});

/** The primitive on operands already checked and broadcast. @internal */
export function solveTriangular(a: Tensor, b: Tensor, o: TriangularOptions): Tensor {
  return apply(triangularSolveP, [a, b], o);
}

function flag(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new InvalidArgumentError(`linalg.triangularSolve: option ${name} must be true or false, got ${String(v)}.`);
  return v;
}

/**
 * Solves op(a) x = b (or x op(a) = b with `left: false`) for triangular a, reading only the
 * triangle named by `lower` (default: upper, as jax.scipy.linalg.solve_triangular). b is
 * [..., n, k] (or [..., k, n]); a vector [n] when a is 2-D. Batch axes broadcast.
 * @example
 * const l = ad.tensor([[2, 0], [1, 1]]);
 * ad.linalg.triangularSolve(l, ad.tensor([2, 3]), { lower: true }); // [1, 2]
 */
export function triangularSolve(a: TensorLike, b: TensorLike, options?: TriangularSolveOptions): Tensor;
export function triangularSolve(a: TensorLike, b: TensorLike, options: TriangularSolveOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.triangularSolve', 'linalg.triangularSolve(a, b, options?)', extra, options);
  const op = 'linalg.triangularSolve';
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${op}: options must be an object such as { lower: true }, got ${String(options)}.`);
  for (const key of Object.keys(options)) {
    if (!['lower', 'transposeA', 'unitDiagonal', 'left'].includes(key)) {
      throw new InvalidArgumentError(`${op}: unknown option '${key}'; the options are lower, transposeA, unitDiagonal and left.`);
    }
  }
  const o: TriangularOptions = {
    lower: flag('lower', options.lower, false),
    transposeA: flag('transposeA', options.transposeA, false),
    unitDiagonal: flag('unitDiagonal', options.unitDiagonal, false),
    left: flag('left', options.left, true),
  };
  const s = solveOperands(op, squareArg(op, a), b, o.left);
  return s.finish(solveTriangular(s.a, s.b, o));
}

/**
 * Solves (l lᵀ) x = b given the lower Cholesky factor l (from linalg.cholesky): two triangular
 * solves, O(n²k). As jax.scipy.linalg.cho_solve((l, true), b).
 * @example
 * const l = ad.linalg.cholesky(ad.tensor([[4, 2], [2, 3]]));
 * ad.linalg.choleskySolve(l, ad.tensor([6, 5])); // [1, 1]
 */
export function choleskySolve(l: TensorLike, b: TensorLike): Tensor;
export function choleskySolve(l: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  noOptions('linalg.choleskySolve', extra, 'choleskySolve(l, b) takes the lower factor l of a = l lᵀ (as linalg.cholesky returns it); for an upper factor u pass ad.linalg.matrixTranspose(u)');
  if (extra.length > 0) extraArguments('linalg.choleskySolve', 'linalg.choleskySolve(l, b)', extra, b);
  const op = 'linalg.choleskySolve';
  const s = solveOperands(op, squareArg(op, l, 'l'), b);
  const y = solveTriangular(s.a, s.b, { lower: true, transposeA: false, unitDiagonal: false, left: true });
  return s.finish(solveTriangular(s.a, y, { lower: true, transposeA: true, unitDiagonal: false, left: true }));
}
