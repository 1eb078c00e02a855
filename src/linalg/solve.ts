/** @file linalg.solve (LU with partial pivoting) and linalg.inv. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError } from '../core/errors.js';
import { allocF64, uninitializedF64 } from '../tensor/alloc.js';
import { luFactor, luSolve, luSolveTransposed, type LuFactors } from '../tensor/kernels/linalg/lu.js';
import { gemm } from '../tensor/kernels/matmul.js';
import { nativeRows } from '../tensor/kernels/native/nativeRows.js';
import { threadsInfo } from '../tensor/threads/pool.js';
import { Tensor } from '../tensor/tensor.js';
import { eye, type TensorLike } from '../tensor/create.js';
import { sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { broadcastTo } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { batchOf, matrixTranspose, noOptions, squareArg, whereInBatch } from './matrix.js';
import { solveOperands } from './operands.js';
import { extraArguments } from '../core/extraArguments.js';

interface SolveParams {
  /** The public op's name, for the singular-matrix message; null inside derivative rules, where a singular matrix gives ±∞/NaN. */
  readonly op: string | null;
}

/** The last solve's factorisation (one kept: n² float64s), for its first-order VJP. */
let lastFactors: { a: Float64Array; n: number; count: number; factors: LuFactors } | null = null;

// X = A⁻¹ B (Giles 2008, §2.2.3):  B̄ = A⁻ᵀ X̄,  Ā = −B̄ Xᵀ,  Ẋ = A⁻¹ (Ḃ − Ȧ X).
const solveP: Primitive<SolveParams> = definePrimitive<SolveParams>({
  name: 'solve',
  saves: 'both',
  forward: ([a, b], { op }) => {
    const n = a!.shape[a!.ndim - 1]!, k = b!.shape[b!.ndim - 1]!;
    const { count } = batchOf(a!.shape);
    const factors = luFactor(a!.values, count, n);
    if (op !== null && factors.singular >= 0) {
      throw new InvalidArgumentError(
        `${op}: ${whereInBatch(a!.shape, factors.singular)} is singular (LU with partial pivoting met an exactly zero pivot). ` +
          'Check the matrix for dependent rows; for least squares or a pseudo-inverse use linalg.qr or linalg.svd, or regularise with ad.add(a, ad.mul(lambda, ad.eye(n))).',
      );
    }
    lastFactors = { a: a!.values, n, count, factors };
    return new Tensor(luSolve(factors, b!.values, count, n, k, allocF64(b!.size)), b!.shape);
  },
  // At first order, B̄ = A⁻ᵀ X̄ from the forward pass's own LU factors when they are still at hand
  // (the last solve's: one factorisation kept, so a solve's value and gradient factor A once, not
  // twice — 34 against 16 ms of value at n = 512); Ā = −B̄ Xᵀ by the matrix kernel. Else null: the
  // rule below, which factors Aᵀ (the same to rounding).
  fusedVjp: (g, r) => {
    const [a, b] = r.inputs as [Tensor, Tensor];
    const kept = lastFactors;
    const n = a.shape[a.ndim - 1]!, k = b.shape[b.ndim - 1]!;
    if (kept === null || kept.a !== a.values || kept.n !== n || kept.factors.singular >= 0) return null;
    const count = kept.count;
    const bBar = luSolveTransposed(kept.factors, g.values, count, n, k, allocF64(b.size));
    const aBar = uninitializedF64(a.size), x = r.out!.values; // every entry written below
    if (k === 1) { // one right-hand side: Ā = −(0 + b̄ xᵀ), gemm's outer product and the negation in one pass
      if (!nativeOuter(aBar, bBar, x, count, n)) outerNegated(aBar, bBar, x, count, n);
    } else {
      for (let t = 0; t < count; t++) gemm(bBar, t * n * k, x, t * n * k, aBar, t * n * n, n, k, n, false, true, true);
      for (let i = 0; i < aBar.length; i++) aBar[i] = -aBar[i]!;
    }
    return [new Tensor(aBar, a.shape), new Tensor(bBar, b.shape)];
  },
  freshCotangents: true,
  vjp: (g, r, p, needs) => {
    const [a] = r.inputs as [Tensor];
    const bBar = solveSquare(matrixTranspose(a), g, p);
    return [needs[0] ? neg(mm(bBar, r.out!, false, true)) : null, needs[1] ? bBar : null];
  },
  jvp: ([ta, tb], [a], x, p) => {
    if (ta === null) return solveSquare(a!, tb!, p);
    const ax = mm(ta, x, false, false);
    return solveSquare(a!, tb === null ? neg(ax) : sub(tb, ax), p);
  },
  batch: leadingAxesRule(() => solveP),
});

/** Outer products of at least this many entries go native, and from PARALLEL_OUTER over the threads. */
const NATIVE_OUTER_MIN = 4096, PARALLEL_OUTER = 16384;

/** Ā_t = −(0 + b̄_t x_tᵀ) for each of `count` batch entries (n × n each): the product, added to +0, negated. */
function outerNegated(aBar: Float64Array, bBar: Float64Array, x: Float64Array, count: number, n: number): void {
  for (let t = 0; t < count; t++) {
    const xt = x.subarray(t * n, (t + 1) * n);
    for (let i = 0; i < n; i++) {
      const bi = bBar[t * n + i]!, row = aBar.subarray((t * n + i) * n, (t * n + i + 1) * n);
      for (let j = 0; j < n; j++) row[j] = -(0 + bi * xt[j]!);
    }
  }
}

/**
 * outerNegated natively where the addon has it (native/rows.cc negOuter: the same three steps, so
 * the same bits; about 2 ns an entry in JavaScript at n = 256). False (nothing written) elsewhere.
 */
function nativeOuter(aBar: Float64Array, bBar: Float64Array, x: Float64Array, count: number, n: number): boolean {
  const native = n * n >= NATIVE_OUTER_MIN ? nativeRows() : null;
  if (native === null) return false;
  const threads = n * n >= PARALLEL_OUTER ? threadsInfo().threads : 1;
  for (let t = 0; t < count; t++) {
    const ok = native.negOuter(aBar.subarray(t * n * n, (t + 1) * n * n), bBar.subarray(t * n, (t + 1) * n), x.subarray(t * n, (t + 1) * n), n, n, threads);
    if (!ok) return false; // a build without it: none written yet (the first call answers for all)
  }
  return true;
}

/** The primitive on operands already checked and broadcast ([..., n, n] and [..., n, k]). @internal */
export function solveSquare(a: Tensor, b: Tensor, p: SolveParams = { op: null }): Tensor {
  return apply(solveP, [a, b], p);
}

/**
 * Solves a x = b by LU with partial pivoting, batched over leading axes (broadcast between a and
 * b). b is [..., n, k], or a vector [n] when a is 2-D (as jax.numpy.linalg.solve). A singular
 * matrix (an exactly zero pivot) is an error naming its batch index; a nearly singular one gives
 * a correspondingly inaccurate x, as LAPACK's gesv.
 * @example ad.linalg.solve(ad.tensor([[2, 1], [1, 3]]), ad.tensor([3, 5])) // [0.8, 1.4]
 */
export function solve(a: TensorLike, b: TensorLike): Tensor;
export function solve(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  noOptions('linalg.solve', extra, "solve(a, b) solves a x = b; for torch's left=False (x a = b) solve aᵀ xᵀ = bᵀ with ad.linalg.matrixTranspose");
  if (extra.length > 0) extraArguments('linalg.solve', 'linalg.solve(a, b)', extra, b);
  const op = 'linalg.solve';
  const s = solveOperands(op, squareArg(op, a), b);
  return s.finish(solveSquare(s.a, s.b, { op }));
}

/**
 * The inverse of each square matrix (a solve against the identity). Prefer linalg.solve or
 * linalg.choleskySolve for a⁻¹ b: fewer operations and more accurate.
 * @example ad.linalg.inv(ad.tensor([[2, 0], [0, 4]])) // [[0.5, 0], [0, 0.25]]
 */
export function inv(a: TensorLike): Tensor;
export function inv(a: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.inv', 'linalg.inv(a)', extra, a);
  const t = squareArg('linalg.inv', a);
  return invOf(t, 'linalg.inv');
}

/** a⁻¹ for a checked square batch; `op` null gives ±∞/NaN for a singular matrix instead of an error. @internal */
export function invOf(a: Tensor, op: string | null): Tensor {
  const n = a.shape[a.ndim - 1]!;
  return solveSquare(a, broadcastTo(eye(n), a.shape), { op });
}
