/**
 * @file Batches of structures: a score tensor for one structure or a padded batch of them (a
 * leading axis B), the per-item lengths, and one structure per batch item for `score`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { where } from '../ops/select.js';
import { tensor } from '../tensor/create.js';
import { apply } from '../core/trace.js';
import type { Primitive } from '../core/primitive.js';
import { plainStructure, scoresTensor, wrongShape } from './validate.js';

/** Scores of one structure (`rank` axes) or of a batch (`rank + 1` axes), always returned with a leading batch axis. */
export interface BatchedScores {
  batched: boolean;
  /** The scores with a leading batch axis [B, …]. */
  scores: Tensor;
}

/**
 * A required scores tensor that is either one structure's (`single`, e.g. `[n, K]`) or a padded
 * batch (`[B, …single]`); `rank` is the number of axes of one structure's scores.
 */
export function batchedScores(value: unknown, rank: number, op: string, name: string, single: string): BatchedScores {
  const want = `${single} (one structure) or [B, ${single.slice(1)} (a padded batch)`;
  const t = scoresTensor(value, op, name, want);
  if (t.ndim !== rank && t.ndim !== rank + 1) throw wrongShape(op, name, want, t);
  const batched = t.ndim === rank + 1;
  return { batched, scores: batched ? t : reshape(t, [1, ...t.shape]) };
}

/**
 * `scores` with the entries no structure reads — past an item's length, or parts the model never
 * uses — replaced by 0 through `where` on a constant mask, so their gradient is exactly 0 and the
 * programs never meet what they hold. Without this, NaN or +∞ there (1e300 for the real semiring)
 * reached values and gradients of the other entries: as ∞ − ∞ in a Laplacian or a lattice's
 * masks, as 0 · NaN in a logsumexp's backward rule, as NaN tangents times zero marginals in
 * crossEntropy. `keep` (1 used, 0 unused) has shape `keepShape`, which broadcasts against scores;
 * when every entry is used the scores are returned as they are.
 */
export function usedEntries(scores: Tensor, keep: readonly number[], keepShape: readonly number[]): Tensor {
  return keep.includes(0) ? where(tensor(keep as number[], keepShape as number[]), scores, 0) : scores;
}

/** The usedEntries mask of per-position scores [B, n, …]: position t of item b is used when t < lengths[b]. */
export function usedPositions(scores: Tensor, lengths: readonly number[]): Tensor {
  const [B, n] = scores.shape as [number, number];
  const keep = Array.from({ length: B * n }, (_, k) => (k % n < lengths[Math.floor(k / n)]! ? 1 : 0));
  return usedEntries(scores, keep, [B, n, ...scores.shape.slice(2).map(() => 1)]);
}

/** Drops the batch axis of a result when the model holds one structure. */
export function unbatch(t: Tensor, batched: boolean): Tensor {
  return batched ? t : reshape(t, t.shape.slice(1));
}

/**
 * One structure per batch item: for a batch, `value` must be an array of B structures; for one
 * structure it is that structure. `what` names a structure in messages ("tag sequence", "tree").
 */
export function perItem<T>(value: unknown, batched: boolean, B: number, op: string, what: string): T[] {
  value = plainStructure(value);
  if (!batched) return [value as T];
  if (!Array.isArray(value) || value.length !== B) {
    const got = Array.isArray(value) ? `${value.length} entries` : describe(value);
    throw new InvalidArgumentError(`${op}: a batch of ${B} structures needs one ${what} per batch item, got ${got}; pass an array of ${B}.`);
  }
  return value as T[];
}

/**
 * The vmap rule of a kernel primitive over batches [B, …] (Eisner's, the Matrix-Tree elimination):
 * the vmapped axis V joins the batch axis, so [V, B, …] inputs (shared ones broadcast first) are
 * one call on [V·B, …], whose result is reshaped back to [V, B, …]. `repeat` gives the params of
 * that call from the params of one (per-item lengths repeated V times, say).
 */
export function foldedBatch<P>(self: () => Primitive<P>, repeat: (params: P, V: number) => P = (params) => params) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], params: P, size: number): Tensor => {
    const folded = inputs.map((x, i) => {
      const all = batched[i] ? x : broadcastTo(reshape(x, [1, ...x.shape]), [size, ...x.shape]);
      return reshape(all, [size * x.shape[batched[i] ? 1 : 0]!, ...all.shape.slice(2)]);
    });
    const out = apply(self(), folded, repeat(params, size));
    return reshape(out, [size, inputs[0]!.shape[batched[0] ? 1 : 0]!, ...out.shape.slice(1)]);
  };
}

