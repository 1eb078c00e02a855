/**
 * @file torch.nn.functional.pairwise_distance: ‖x1 − x2 + ε‖ₚ over the last axis, a composite of
 * adjoint's ops (so grad to any order, jvp, vmap and jit apply), with torch's gradients at its kinks.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastOperands, describe, type TensorLike } from '../tensor/create.js';
import { add, notEqual, sub } from './binary.js';
import { abs } from './unary.js';
import { max, sum } from './reduce.js';
import { reshape } from './shape.js';
import { pNorm } from './functional.js';
import { checkOptionKeys, flag } from './poolShapes.js';

/** Options of `pairwiseDistance` (torch.nn.functional.pairwise_distance's keywords). */
export interface PairwiseDistanceOptions {
  /** The norm's order: a number ≥ 0 (0 counts the nonzero entries) or Infinity (default 2). */
  readonly p?: number | undefined;
  /** Added to each difference before the norm, as torch's (default 1e−6). */
  readonly eps?: number | undefined;
  /** Whether to keep the last axis, with length 1 (default false). */
  readonly keepdim?: boolean | undefined;
}

/**
 * ‖x1 − x2 + eps‖ₚ over the last axis (x1 and x2 broadcast), as `torch.nn.functional.pairwise_distance`:
 * [N, D] against [N, D] (or [D]) gives [N]; 0-d inputs give |x1 − x2 + eps|. The gradient is torch's:
 * 0 for a zero difference (p = 2, and for p = 1 entry by entry), split equally between tied maxima for
 * p = Infinity, none for p = 0.
 * @example ad.pairwiseDistance(ad.tensor([[0, 0], [1, 1]]), ad.tensor([3, 4]), { eps: 0 }).toArray(); // => [5, 3.605551275463989]
 */
export function pairwiseDistance(x1: TensorLike, x2: TensorLike, options?: PairwiseDistanceOptions): Tensor;
export function pairwiseDistance(x1: TensorLike, x2: TensorLike, options: PairwiseDistanceOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'pairwiseDistance';
  if (extra.length > 0) extraArguments(op, 'pairwiseDistance(x1, x2, options?)', extra, options);
  checkOptionKeys(op, options, ['p', 'eps', 'keepdim']);
  const p = options.p ?? 2, eps = options.eps ?? 1e-6;
  if (typeof p !== 'number' || !(p >= 0)) throw new InvalidArgumentError(`${op}: p must be a number ≥ 0 or Infinity, got ${describe(p)}.`);
  if (typeof eps !== 'number' || !Number.isFinite(eps)) throw new InvalidArgumentError(`${op}: eps must be a finite number, got ${describe(eps)}.`);
  const keepdim = flag(op, 'keepdim', options.keepdim, false);
  const [a, b] = broadcastOperands(op, x1, x2);
  const difference = add(sub(a, b), eps);
  // 0-d inputs: the norm of one entry, as torch's norm over dim −1 of a 0-d tensor (0-d, keepdim or not).
  const d = difference.ndim === 0 ? reshape(difference, [1]) : difference;
  const keep = keepdim && difference.ndim > 0;
  let norm: Tensor;
  if (p === 0) norm = sum(notEqual(d, 0), -1, keep);
  // Over an empty last axis the distance is 0 (a max over nothing is −∞).
  else if (p === Infinity) norm = d.shape[d.ndim - 1] === 0 ? sum(abs(d), -1, keep) : max(abs(d), -1, keep);
  else norm = pNorm(abs(d), p, -1, keep);
  return difference.ndim === 0 ? reshape(norm, []) : norm;
}
