/**
 * @file `torch.nn.functional.embedding_bag`: bags of embedding rows reduced by sum, mean or max without
 * materialising the lookups per bag — one `take` of every looked-up row, then a segment sum by bag (sum,
 * mean) or a first-maximum over a [bags, longest bag] table of the rows (max, as the pools take theirs),
 * so every transformation applies. Bags are PyTorch's: a 1-D index list cut at `offsets`, or the rows
 * of a 2-D index tensor; an empty bag (or one of padding only) gives zeros.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, full, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { checkableValues } from '../tensor/checks.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { div, greater, maximum, mul, notEqual } from './binary.js';
import { stopGradient, where } from './select.js';
import { concat, reshape, squeeze, take } from './shape.js';
import { maxIndex } from './sort.js';
import { gatherAlong } from './gather.js';
import { segmentSum } from './segment.js';
import { checkOptionKeys, flag } from './poolShapes.js';
import { embeddingIndices, embeddingTable, lookupRows, paddingRow, type EmbeddingOptions } from './embedding.js';

/** Options of `embeddingBag` (torch.nn.functional.embedding_bag's keywords). */
export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** Where each bag starts in 1-D indices (whole numbers, non-decreasing, the first 0); not given for 2-D indices. */
  readonly offsets?: TensorInput | undefined;
  /** How a bag's rows are reduced: 'sum', 'mean' (the default, as PyTorch) or 'max' (per feature). */
  readonly mode?: 'sum' | 'mean' | 'max' | undefined;
  /** One weight per index (indices' shape) multiplying its row: mode 'sum' only, as PyTorch. Differentiable. */
  readonly perSampleWeights?: TensorLike | undefined;
  /** offsets has one entry more than there are bags, the last the number of indices (PyTorch's include_last_offset). */
  readonly includeLastOffset?: boolean | undefined;
}

/** The bags: the bag of every index (in order) and how many indices each bag holds. */
interface Bags {
  readonly count: number;
  readonly bagOf: Float64Array;
  readonly sizes: number[];
}

/** The bags of n flat indices from `offsets` (1-D indices), checked as PyTorch checks them. */
function bagsFromOffsets(op: string, offsets: TensorInput | undefined, n: number, includeLast: boolean): Bags {
  if (offsets === undefined) throw new InvalidArgumentError(`${op}: 1-D indices need offsets (where each bag starts); or pass 2-D indices [bags, bagSize] for bags of one size.`);
  const t = offsets instanceof Tensor ? offsets : tensor(offsets);
  const v = checkableValues(t, `${op}'s offsets`);
  if (v === null) throw new InvalidArgumentError(`${op}: the offsets are traced (under vmap, or a jit argument) but they fix the output's shape; pass them as numbers, or use 2-D indices.`);
  const list = Array.from(v);
  if (t.ndim !== 1 || list.length === 0 || !list.every((o) => Number.isInteger(o))) {
    throw new InvalidArgumentError(`${op}: offsets must be a non-empty 1-D list of whole numbers, got shape ${formatShape(t.shape)}.`);
  }
  const bad = list.findIndex((o, i) => o > n || (i > 0 && o < list[i - 1]!));
  if (list[0] !== 0 || bad >= 0) {
    throw new InvalidArgumentError(`${op}: offsets [${list.join(', ')}] must start at 0 and not decrease, each at most the number of indices (${n}).`);
  }
  if (includeLast && list[list.length - 1] !== n) {
    throw new InvalidArgumentError(`${op}: with includeLastOffset the last offset, ${list[list.length - 1]}, must be the number of indices, ${n}.`);
  }
  const ends = includeLast ? list.slice(1) : [...list.slice(1), n], count = ends.length;
  const bagOf = new Float64Array(n), sizes = ends.map((e, b) => e - list[b]!);
  ends.forEach((e, b) => bagOf.fill(b, list[b]!, e));
  return { count, bagOf, sizes };
}

/** The first maximum per feature of each bag (−∞ marks an index left out), zeros for a bag with none. */
function bagMax(op: string, rows: Tensor, bags: Bags, present: Tensor): Tensor {
  const dim = rows.shape[1]!, longest = Math.max(0, ...bags.sizes);
  if (longest === 0) return zeros([bags.count, dim]);
  // table[b, j]: the j-th row of bag b, or the appended −∞ row past the bag's end.
  const table = new Float64Array(bags.count * longest).fill(rows.shape[0]!);
  let i = 0;
  bags.sizes.forEach((size, b) => { for (let j = 0; j < size; j++) table[b * longest + j] = i++; });
  const taps = take(concat([rows, full([1, dim], -Infinity)], 0), new Tensor(table, [bags.count, longest]), 0); // [bags, longest, dim]
  const best = squeeze(gatherAlong(taps, maxIndex(stopGradient(taps), 1, true), 1, op), 1);
  return where(greater(present, 0), best, 0);
}

/**
 * Bags of embedding rows reduced, as `torch.nn.functional.embedding_bag`: `indices` 1-D with `offsets`
 * (bag b is indices[offsets[b] … offsets[b + 1]), the last running to the end, or to the last offset with
 * `includeLastOffset`), or 2-D [bags, bagSize]; `weight` [numEmbeddings, dim]; the result [bags, dim].
 * `mode` 'sum', 'mean' (the default) or 'max' (per feature; the gradient to the first maximum, as
 * PyTorch's kernel). `perSampleWeights` (shaped as indices, 'sum' only) scale each row. Indices equal
 * to `paddingIdx` are left out of their bag (not counted by 'mean'); an empty bag gives zeros.
 * `maxNorm`/`normType` renormalise the looked-up rows as `embedding`'s. Differentiable in weight and
 * perSampleWeights.
 * @example
 * const table = ad.tensor([[1, 2], [3, 4], [5, 6]]);
 * ad.embeddingBag([0, 2, 1], table, { offsets: [0, 2, 2] }).toArray();            // => [[3, 4], [0, 0], [3, 4]]
 * ad.embeddingBag([[0, 1], [2, 2]], table, { mode: 'max' }).toArray();            // => [[3, 4], [5, 6]]
 * ad.embeddingBag([0, 1], table, { offsets: [0], mode: 'sum', paddingIdx: 1 }).toArray(); // => [[1, 2]]
 */
export function embeddingBag(indices: TensorInput, weight: TensorLike, options?: EmbeddingBagOptions): Tensor;
export function embeddingBag(indices: TensorInput, weight: TensorLike, options: EmbeddingBagOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'embeddingBag';
  if (extra.length > 0) extraArguments(op, 'embeddingBag(indices, weight, options?)', extra, options);
  checkOptionKeys(op, options, ['offsets', 'mode', 'perSampleWeights', 'includeLastOffset', 'paddingIdx', 'maxNorm', 'normType']);
  const mode = options.mode ?? 'mean';
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new InvalidArgumentError(`${op}: mode must be 'sum', 'mean' or 'max', got ${describe(mode)}.`);
  const includeLast = flag(op, 'includeLastOffset', options.includeLastOffset, false);
  const w = embeddingTable(op, weight);
  const idx = embeddingIndices(op, indices, w.shape[0]!);
  let bags: Bags;
  if (idx.ndim === 2) {
    if (options.offsets !== undefined) throw new InvalidArgumentError(`${op}: 2-D indices ${formatShape(idx.shape)} are bags of one size (one per row); offsets must not be given (PyTorch's rule).`);
    const [count, size] = idx.shape as [number, number];
    bags = { count, bagOf: Float64Array.from({ length: count * size }, (_, i) => Math.floor(i / size)), sizes: new Array<number>(count).fill(size) };
  } else if (idx.ndim === 1) bags = bagsFromOffsets(op, options.offsets, idx.shape[0]!, includeLast);
  else throw new ShapeError(`${op}: indices of shape ${formatShape(idx.shape)} must be 1-D (with offsets) or 2-D [bags, bagSize].`);
  const n = idx.size, flat = reshape(idx, [n]);
  const pad = paddingRow(op, options.paddingIdx, w.shape[0]!);
  let rows = lookupRows(op, w, flat, options); // [n, dim]
  const keep = pad === null ? null : reshape(notEqual(flat, pad), [n, 1]);
  if (options.perSampleWeights !== undefined) {
    const psw = asTensor(options.perSampleWeights, op);
    if (mode !== 'sum') throw new InvalidArgumentError(`${op}: perSampleWeights needs mode 'sum' (PyTorch's only mode for them), got '${mode}'.`);
    if (!shapesEqual(psw.shape, idx.shape)) throw new ShapeError(`${op}: perSampleWeights of shape ${formatShape(psw.shape)} must be shaped as the indices, ${formatShape(idx.shape)}.`);
    rows = mul(rows, reshape(psw, [n, 1]));
  }
  const ids = new Tensor(bags.bagOf, [n]);
  // How many indices of each bag count ([bags, 1]): a constant unless some may be padding.
  const present = keep === null ? new Tensor(Float64Array.from(bags.sizes), [bags.count, 1]) : segmentSum(keep, ids, { numSegments: bags.count });
  if (mode === 'max') return bagMax(op, keep === null ? rows : where(keep, rows, -Infinity), bags, present);
  const summed = segmentSum(keep === null ? rows : where(keep, rows, 0), ids, { numSegments: bags.count });
  return mode === 'sum' ? summed : div(summed, maximum(present, 1));
}
