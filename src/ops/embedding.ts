/**
 * @file Embedding lookups as `torch.nn.functional.embedding`: rows of a weight table by index, with
 * PyTorch's `padding_idx` (that row gets no gradient) and `max_norm` (looked-up rows renormalised), as
 * a `take` along the table's rows, so the gradient scatters back into the table under every
 * transformation. The checks and the lookup are shared with `embeddingBag` (./embeddingBag.ts).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, type TensorInput, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { abs } from './unary.js';
import { add, div, equal, greater, mul, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { expandDims, take } from './shape.js';
import { pNorm } from './functional.js';
import { checkArgumentValues } from './argumentChecks.js';
import { checkOptionKeys } from './poolShapes.js';

/** Options of `embedding` (torch.nn.functional.embedding's keywords). */
export interface EmbeddingOptions {
  /** A row (negative: counted from the end) whose lookups get no gradient; its value is read as it is. */
  readonly paddingIdx?: number | undefined;
  /** Looked-up rows whose normType-norm exceeds maxNorm are scaled to maxNorm / (norm + 1e−7), as PyTorch's renorm. */
  readonly maxNorm?: number | undefined;
  /** The norm's order p for maxNorm: > 0, or Infinity (default 2). */
  readonly normType?: number | undefined;
}

/** The weight table, checked to be 2-D [numEmbeddings, dim]. @internal */
export function embeddingTable(op: string, weight: TensorLike): Tensor {
  const w = asTensor(weight, op);
  if (w.ndim !== 2) throw new ShapeError(`${op}: weight of shape ${formatShape(w.shape)} must be a 2-D table [numEmbeddings, embeddingDim].`);
  return w;
}

/** The indices as a tensor, checked (where their values can be read) to be whole numbers in [0, rows). @internal */
export function embeddingIndices(op: string, indices: TensorInput, rows: number, what = 'indices'): Tensor {
  let idx: Tensor;
  try {
    idx = indices instanceof Tensor ? indices : tensor(indices);
  } catch (e) {
    throw new InvalidArgumentError(`${op}: ${what} must be a tensor or nested arrays of whole numbers: ${(e as Error).message}`);
  }
  checkArgumentValues(idx, (values) => {
    const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < rows));
    if (bad >= 0) {
      throw new InvalidArgumentError(`${op}: ${what}[${bad}] (flat) is ${values[bad]}; each must be a whole number in [0, ${rows}), a row of the weight table [${rows}, …] (PyTorch's "index out of range").`);
    }
  });
  return idx;
}

/** paddingIdx as a row in [0, rows), or null when not given. @internal */
export function paddingRow(op: string, paddingIdx: unknown, rows: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new InvalidArgumentError(`${op}: paddingIdx must be a whole number in [${-rows}, ${rows}) (a row of the weight table, negative from the end), got ${describe(paddingIdx)}.`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * The rows of w at idx, [...idx.shape, dim]; with maxNorm, a row whose norm exceeds it scaled by
 * maxNorm / (norm + 1e−7) as PyTorch's embedding_renorm_, which rewrites the table in place under
 * no_grad: its gradient is then the plain lookup's (the scale a constant the gradient does not see),
 * here the scaled value plus the row minus itself held constant. @internal
 */
export function lookupRows(op: string, w: Tensor, idx: Tensor, options: EmbeddingOptions): Tensor {
  const rows = take(w, idx, 0);
  if (options.maxNorm === undefined) {
    if (options.normType !== undefined) normType(op, options.normType);
    return rows;
  }
  const maxNorm = options.maxNorm;
  if (typeof maxNorm !== 'number' || !(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    throw new InvalidArgumentError(`${op}: maxNorm must be a finite number > 0, got ${describe(maxNorm)}.`);
  }
  const constant = stopGradient(rows);
  const norm = pNorm(abs(constant), normType(op, options.normType), -1);
  const scaled = mul(constant, div(maxNorm, add(norm, 1e-7)));
  return where(greater(norm, maxNorm), add(scaled, sub(rows, constant)), rows);
}

function normType(op: string, p: unknown): number {
  if (p === undefined) return 2;
  if (typeof p !== 'number' || !(p > 0)) throw new InvalidArgumentError(`${op}: normType must be a number > 0 or Infinity, got ${describe(p)}.`);
  return p;
}

/**
 * The rows of `weight` [numEmbeddings, dim] at `indices` (any shape, whole numbers in
 * [0, numEmbeddings)), giving [...indices.shape, dim], as `torch.nn.functional.embedding(input, weight,
 * padding_idx, max_norm, norm_type)`. The gradient in weight adds up each row's lookups; lookups of
 * `paddingIdx` give that row's value (not zeros) and no gradient. With `maxNorm`, each looked-up row
 * whose `normType`-norm exceeds it comes out scaled by maxNorm / (norm + 1e−7), and the gradient is
 * PyTorch's, the unscaled lookup's; PyTorch also writes the scaled rows into weight (in place), which
 * adjoint does not: the table you pass is left as it was. `scale_grad_by_freq` and `sparse` are not supported.
 * @example
 * const table = ad.tensor([[0, 0], [1, 2], [3, 4]]);
 * ad.embedding([[2, 1]], table).toArray();                    // => [[[3, 4], [1, 2]]]
 * ad.embedding([2], table, { maxNorm: 1 }).toArray()[0]![0]; // => 0.5999999880000002
 */
export function embedding(indices: TensorInput, weight: TensorLike, options?: EmbeddingOptions): Tensor;
export function embedding(indices: TensorInput, weight: TensorLike, options: EmbeddingOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'embedding';
  if (extra.length > 0) extraArguments(op, 'embedding(indices, weight, options?)', extra, options);
  checkOptionKeys(op, options, ['paddingIdx', 'maxNorm', 'normType']);
  const w = embeddingTable(op, weight);
  const idx = embeddingIndices(op, indices, w.shape[0]!);
  const pad = paddingRow(op, options.paddingIdx, w.shape[0]!);
  const rows = lookupRows(op, w, idx, options);
  return pad === null ? rows : where(expandDims(equal(idx, pad), -1), stopGradient(rows), rows);
}
