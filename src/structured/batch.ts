/**
 * @file Batches of structures: a score tensor for one structure or a padded batch of them (a
 * leading axis B), the per-item lengths, and one structure per batch item for `score`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { reshape } from '../ops/shape.js';
import { scoresTensor, wrongShape } from './validate.js';

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

/** Drops the batch axis of a result when the model holds one structure. */
export function unbatch(t: Tensor, batched: boolean): Tensor {
  return batched ? t : reshape(t, t.shape.slice(1));
}

/**
 * One structure per batch item: for a batch, `value` must be an array of B structures; for one
 * structure it is that structure. `what` names a structure in messages ("tag sequence", "tree").
 */
export function perItem<T>(value: unknown, batched: boolean, B: number, op: string, what: string): T[] {
  if (!batched) return [value as T];
  if (!Array.isArray(value) || value.length !== B) {
    const got = Array.isArray(value) ? `${value.length} entries` : describe(value);
    throw new InvalidArgumentError(`${op}: a batch of ${B} structures needs one ${what} per batch item, got ${got}; pass an array of ${B}.`);
  }
  return value as T[];
}
