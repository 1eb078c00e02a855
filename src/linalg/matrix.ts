/** @file Helpers shared by the linalg ops: batch bookkeeping, argument checks, and small matrix expressions in adjoint's ops. */
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { isTraced } from '../tensor/checks.js';
import { valueReads } from '../jit/valueReads.js';
import { firstAsymmetry, symmetryDefect } from '../tensor/kernels/linalg/symmetricPart.js';
import { allocF64 } from '../tensor/alloc.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { add, mul } from '../ops/binary.js';
import { slice, transpose } from '../ops/shape.js';
import { extraArguments } from '../core/extraArguments.js';

/** The batch part of a matrix shape (all but the last two axes) and how many matrices it holds. */
export function batchOf(shape: Shape): { batch: number[]; count: number } {
  const batch = shape.slice(0, -2);
  return { batch, count: sizeOf(batch) };
}

/** "batch index [1, 0] of a [2,3,4,4] argument", or "a [4,4] argument" when there is no batch. */
export function whereInBatch(shape: Shape, t: number): string {
  const batch = shape.slice(0, -2);
  if (batch.length === 0) return `the ${formatShape(shape)} argument`;
  const index: number[] = [];
  for (let ax = batch.length - 1; ax >= 0; ax--) { index.unshift(t % batch[ax]!); t = Math.floor(t / batch[ax]!); }
  return `the matrix at batch index [${index.join(', ')}] of the ${formatShape(shape)} argument`;
}

/** `x` as a tensor with at least two axes whose last two are equal (a batch of square matrices). */
export function squareArg(op: string, x: TensorLike, name = 'a'): Tensor {
  const t = asTensor(x, op);
  if (t.ndim < 2 || t.shape[t.ndim - 1] !== t.shape[t.ndim - 2]) {
    throw new ShapeError(
      `${op}: ${name} must be a square matrix or a batch of them, shape [..., n, n]; got ${formatShape(t.shape)}. ` +
        (t.ndim < 2 ? 'Reshape a vector to a matrix first.' : 'Pass the matrix itself (for least squares of a tall matrix, use linalg.qr or linalg.svd).'),
    );
  }
  return t;
}

/**
 * Throws when a linalg function is passed an option it does not take: a string, boolean or options
 * object after its arguments. The keywords users carry over from torch and NumPy (qr's mode, svd's
 * full_matrices, cholesky's upper, solve's left, lu's pivot) were silently ignored, and they change
 * the answer. Numbers and arrays pass, so that `xs.map(ad.linalg.qr)` (index, array) keeps working.
 * `instead` says what the function returns and how to get what the option asked for.
 */
export function noOptions(op: string, extra: readonly unknown[], instead: string): void {
  const option = extra.find((x) => typeof x === 'string' || typeof x === 'boolean' || isOptionsObject(x));
  if (option === undefined) return;
  const shown = isOptionsObject(option) ? `the options { ${Object.keys(option).join(', ')} }` : describe(option);
  throw new InvalidArgumentError(`${op}: takes no options, got ${shown}, which would be ignored: ${instead}.`);
}

/**
 * The arguments past a linalg function's one optional argument (`extra[0]`: its options, mode or
 * flag) are refused, and `extra[0]` too when it was not one (`taken` false: a number, an array), as
 * extra arguments (core/extraArguments.ts) — except the (index, array) that `xs.map(fn)` passes
 * after `a`, the function's first argument.
 */
export function noMoreArguments(op: string, form: string, extra: readonly unknown[], taken: boolean, a: unknown): void {
  if (taken) {
    if (extra.length > 1) extraArguments(op, form, extra.slice(1), extra[0]);
  } else if (extra.length > 0) extraArguments(op, form, extra, a);
}

/** A plain options object: not null, an array or a tensor. */
const isOptionsObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/**
 * The options object among a linalg function's extra arguments (`extra[0]`), its keys checked
 * against `known` (`only` says what they are, in the error), or null when `extra[0]` is not one.
 */
export function optionsArg(op: string, extra: readonly unknown[], known: readonly string[], only: string): Record<string, unknown> | null {
  const [first] = extra;
  if (!isOptionsObject(first)) return null;
  const unknownKeys = Object.keys(first).filter((key) => !known.includes(key));
  if (unknownKeys.length > 0) throw new InvalidArgumentError(`${op}: unknown option(s) ${unknownKeys.join(', ')}; ${only}.`);
  return first;
}

/**
 * `run()`, with an error that eigh or svd throws about the argument (not symmetric, not finite)
 * told as `op`'s: the checks live in those primitives' kernels, which run under jit and vmap too.
 */
export function namedAs<T>(op: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const inner = e instanceof AdjointError ? /^linalg\.(eigh|svd): /.exec(e.message) : null;
    if (inner === null) throw e;
    const Kind = (e as AdjointError).constructor as new (message: string) => AdjointError;
    throw new Kind(`${op}: ${(e as AdjointError).message.slice(inner[0].length)} (from linalg.${inner[1]})`);
  }
}

/** `x` with at least two axes (a matrix or a batch of them). */
export function matrixArg(op: string, x: TensorLike, name = 'a'): Tensor {
  const t = asTensor(x, op);
  if (t.ndim < 2) throw new ShapeError(`${op}: ${name} must be a matrix or a batch of them, shape [..., m, n]; got ${formatShape(t.shape)}. Reshape it to [1, n] or [n, 1] first.`);
  return t;
}

/**
 * Throws unless every matrix of the batch is symmetric up to rounding: |a_ij − a_ji| ≤ 1e-8·max|a|.
 * (Only the symmetric part is used; the tolerance lets through matrices such as x·xᵀ, whose two
 * triangles may round differently, and rejects a matrix that was meant to be something else.)
 */
export function checkSymmetric(op: string, a: Tensor, count: number, n: number): void {
  const d = a.values;
  for (let t = 0; t < count; t++) {
    const off = t * n * n;
    // One pass for both the scale and the worst pair; the offending pair looked up only on failure.
    const { big, worst } = symmetryDefect(d, off, n);
    const pair = worst > 1e-8 * big ? firstAsymmetry(d, off, n, 1e-8 * big) : null;
    if (pair !== null) {
      const [i, j] = pair, x = d[off + i * n + j]!, y = d[off + j * n + i]!;
      throw new InvalidArgumentError(
        `${op}: ${whereInBatch(a.shape, t)} is not symmetric: entry [${i}, ${j}] is ${x} but [${j}, ${i}] is ${y}. ` +
          `Pass a symmetric matrix, e.g. its symmetric part ad.mul(ad.add(a, ad.linalg.matrixTranspose(a)), 0.5).`,
      );
    }
  }
}

/** Throws unless every entry is finite (iterative kernels cannot decompose NaN or ±Infinity). */
export function checkFinite(op: string, a: Tensor, perMatrix: number): void {
  const d = a.values;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      throw new InvalidArgumentError(
        `${op}: ${whereInBatch(a.shape, Math.floor(i / perMatrix))} has a non-finite entry (${d[i]}); pass finite values (ad.detectAnomalies finds where a NaN came from).`,
      );
    }
  }
}

/**
 * The transpose of the last two axes, a batch of matrices transposed (numpy.matrix_transpose,
 * jnp.matrix_transpose; also `ad.linalg.matrixTranspose`).
 * @example ad.matrixTranspose(ad.zeros([2, 3, 4])).shape; // => [2, 4, 3]
 */
export function matrixTranspose(x: TensorLike): Tensor;
export function matrixTranspose(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.matrixTranspose', 'linalg.matrixTranspose(x)', extra, x);
  const t = asTensor(x, 'linalg.matrixTranspose');
  if (t.ndim < 2) throw new ShapeError(`linalg.matrixTranspose: needs at least two axes, got ${formatShape(t.shape)}.`);
  const perm = t.shape.map((_, i) => i);
  perm[t.ndim - 1] = t.ndim - 2;
  perm[t.ndim - 2] = t.ndim - 1;
  return transpose(t, perm);
}

/** ½(a + aᵀ): the symmetric part, whose transpose (for VJPs) is itself. */
export function symmetricPart(a: Tensor): Tensor {
  return mul(add(a, matrixTranspose(a)), 0.5);
}

/** Rows [start, start + count) of each matrix of a batch (a slice of the second-to-last axis). */
export function rows(x: Tensor, start: number, count: number): Tensor {
  const begin = x.shape.map(() => 0), size = [...x.shape];
  begin[x.ndim - 2] = start;
  size[x.ndim - 2] = count;
  return slice(x, begin, size);
}

/**
 * A constant n×n 0/1 mask: the lower (or upper) triangle, with or without the diagonal. `diagonal`
 * sets the diagonal's value (½ gives Murray's Φ: the lower triangle with the diagonal halved).
 */
export function triangleMask(n: number, lower: boolean, diagonal: number): Tensor {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = i === j ? diagonal : (lower ? j < i : j > i) ? 1 : 0;
  return new Tensor(m, [n, n]);
}

/** The argument's last-axis length, for messages. */
export function lastDim(x: Tensor): number {
  return x.shape[x.ndim - 1]!;
}

/**
 * One tensor holding several results per matrix, stacked along rows: for each batch entry t, the
 * `per` values of each part in turn. Multi-output decompositions (eigh, qr, svd) return this from
 * one primitive, and the public function slices it apart (slices are differentiable).
 */
export function packRows(count: number, parts: ReadonlyArray<{ data: Float64Array; per: number }>, shape: Shape): Tensor {
  const total = parts.reduce((s, p) => s + p.per, 0);
  const out = allocF64(count * total);
  for (let t = 0; t < count; t++) {
    let at = t * total;
    for (const { data, per } of parts) { out.set(data.subarray(t * per, (t + 1) * per), at); at += per; }
  }
  return new Tensor(out, shape);
}

/**
 * Whether the cotangent `part` (of a decomposition's output) is all zero and a plain constant — not
 * traced by an enclosing transformation (a zero cotangent can have a non-zero derivative, which a
 * rule that drops its terms would lose), not recorded by jit or an export (the program must not
 * depend on the values it was recorded at), not batched — so that a rule may leave out its terms.
 */
export function constantZero(part: Tensor): boolean {
  if (isTraced(part) || opaqueTrace(part) !== null || valueReads.watcher !== null) return false;
  const v = part.values;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
