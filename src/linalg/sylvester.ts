/** @file linalg.solveSylvester: X with A X + X B = C (Bartels–Stewart over real Schur forms), differentiable in A, B and C. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { sylvesterKernel } from '../tensor/kernels/linalg/sylvester.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { broadcastTo } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, matrixTranspose, noOptions, squareArg, whereInBatch } from './matrix.js';
import { extraArguments } from '../core/extraArguments.js';

/** The public op's name, for the error a singular equation gives; null inside derivative rules (±∞/NaN there). */
interface SylvesterParams { readonly op: string | null }
const INSIDE: SylvesterParams = { op: null };

// X = L⁻¹(C) with L(X) = A X + X B. Differentiating A X + X B = C:
//   A Ẋ + Ẋ B = Ċ − Ȧ X − X Ḃ,   so Ẋ = L⁻¹(Ċ − Ȧ X − X Ḃ).
// L's transpose under ⟨X, Y⟩ = tr(XᵀY) is Lᵀ(Y) = Aᵀ Y + Y Bᵀ, so with Ḡ the cotangent of X:
//   C̄ = L⁻ᵀ(Ḡ) (the Sylvester equation of Aᵀ and Bᵀ),   Ā = −C̄ Xᵀ,   B̄ = −Xᵀ C̄
// (Kao & Hennequin 2020, "Automatic differentiation of Sylvester, Lyapunov, and algebraic Riccati
// equations", eqs. 7–9). Both rules call this primitive again, so derivatives of any order follow.
const sylvesterP: Primitive<SylvesterParams> = definePrimitive<SylvesterParams>({
  name: 'sylvester',
  saves: 'both',
  forward: ([a, b, c], { op }) => {
    const m = a!.shape[a!.ndim - 1]!, n = b!.shape[b!.ndim - 1]!;
    const { count } = batchOf(c!.shape);
    const name = op ?? 'linalg.solveSylvester';
    checkFinite(name, a!, m * m);
    checkFinite(name, b!, n * n);
    const out = allocF64(c!.size);
    const status = sylvesterKernel(a!.values, b!.values, c!.values, count, m, n, out, op !== null);
    if (status.reason === 'convergence') throw new AdjointError(`${name}: the Schur QR iteration did not converge for ${whereInBatch(c!.shape, status.failed)}; please report the matrices.`);
    if (status.reason === 'singular') {
      throw new InvalidArgumentError(
        `${name}: a X + X b = c is singular for ${whereInBatch(c!.shape, status.failed)}: a and −b have an eigenvalue in common, so the ` +
          'solution is not unique (or does not exist). Shift one of them (a + εI) or check the equation.',
      );
    }
    return new Tensor(out, c!.shape);
  },
  vjp: (g, r, _p, needs) => {
    const [a, b] = r.inputs as [Tensor, Tensor], x = r.out!;
    const cBar = sylvester(matrixTranspose(a), matrixTranspose(b), g);
    return [needs[0] ? neg(mm(cBar, x, false, true)) : null, needs[1] ? neg(mm(x, cBar, true, false)) : null, needs[2] ? cBar : null];
  },
  jvp: ([ta, tb, tc], [a, b], x) => {
    let rhs: Tensor | null = tc;
    const minus = (t: Tensor) => (rhs = rhs === null ? neg(t) : sub(rhs, t));
    if (ta !== null) minus(mm(ta, x, false, false));
    if (tb !== null) minus(mm(x, tb, false, false));
    return rhs === null ? null : sylvester(a!, b!, rhs);
  },
  batch: leadingAxesRule(() => sylvesterP),
});

/** The primitive on operands of one batch shape, ±∞/NaN where singular. @internal */
export function sylvester(a: Tensor, b: Tensor, c: Tensor, params: SylvesterParams = INSIDE): Tensor {
  return apply(sylvesterP, [a, b, c], params);
}

/**
 * The solution X of the Sylvester equation a·X + X·b = c (jax.scipy.linalg.solve_sylvester,
 * scipy.linalg.solve_sylvester): a [..., m, m], b [..., n, n], c [..., m, n], batch axes
 * broadcast. Bartels–Stewart: both real Schur forms (linalg.schur's), then block back
 * substitution over their 1×1 and 2×2 blocks (LAPACK's dtrsyl), O(m³ + n³ + mn(m + n)). The
 * solution is unique when a and −b have no eigenvalue in common; an exactly singular equation is
 * an error, a nearly singular one gives large values. Differentiable in a, b and c, to any order:
 * the derivative solves another Sylvester equation, a·Ẋ + Ẋ·b = ċ − ȧ·X − X·ḃ.
 * @example ad.linalg.solveSylvester(ad.tensor([[1, 0], [0, 2]]), ad.tensor([[3]]), ad.tensor([[4], [10]])) // [[1], [2]]
 */
export function solveSylvester(a: TensorLike, b: TensorLike, c: TensorLike): Tensor;
export function solveSylvester(a: TensorLike, b: TensorLike, c: TensorLike, ...extra: unknown[]): Tensor {
  const op = 'linalg.solveSylvester';
  noOptions(op, extra, 'solveSylvester(a, b, c) solves a X + X b = c by the Schur method (no method or tolerance option)');
  if (extra.length > 0) extraArguments(op, 'linalg.solveSylvester(a, b, c)', extra, c);
  const at = squareArg(op, a, 'a'), bt = squareArg(op, b, 'b'), ct = asTensor(c, op);
  const m = at.shape[at.ndim - 1]!, n = bt.shape[bt.ndim - 1]!;
  if (ct.ndim < 2 || ct.shape[ct.ndim - 2] !== m || ct.shape[ct.ndim - 1] !== n) {
    throw new ShapeError(
      `${op}: c of shape ${formatShape(ct.shape)} does not fit a of shape ${formatShape(at.shape)} and b of shape ${formatShape(bt.shape)}: ` +
        `c must be [..., ${m}, ${n}] (a's size by b's size). Transpose c, or swap a and b.`,
    );
  }
  const batch = broadcastShapes(op, at.shape.slice(0, -2), bt.shape.slice(0, -2), ct.shape.slice(0, -2));
  const fit = (t: Tensor, rows: number, cols: number) => (shapesEqual(t.shape, [...batch, rows, cols]) ? t : broadcastTo(t, [...batch, rows, cols]));
  return sylvester(fit(at, m, m), fit(bt, n, n), fit(ct, m, n), { op });
}
