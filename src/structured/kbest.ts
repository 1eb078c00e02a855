/**
 * @file The k best structures of a batch, read off the gradients of the kmax semiring's k scores
 * (torch-struct's `topk`: the i-th score's gradient is the indicator of the i-th best structure).
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { stopGradient } from '../ops/select.js';
import { withVjp, type Pullback } from '../transforms/vjp.js';
import { kmax } from './kmax.js';
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import type { Semiring } from './semirings.js';

/** Per batch item, its best structures and their scores, best first (at most k; fewer when fewer have a finite score). */
export interface KBest<T> {
  structures: T[][];
  scores: number[][];
}

/**
 * The k best structures of each batch item. `sumOf(semiring, x)` is the model's semiring sum as a
 * function of the scores `x` it reads structures from ([B] elements → [B, k] under kmax(k));
 * `read(flow, b)` turns item b of a 0/1 flow (the gradient, shaped as x) into a structure.
 *
 * One forward pass in the kmax semiring, then one backward pass per rank i with the cotangent 1 on
 * every item's i-th score: the gradient is then, item by item, the indicator of its i-th best
 * structure (see kmax.ts), read as argmax reads the argmax semiring's. Scores of −∞ are left out:
 * a structure that uses a forbidden part has probability 0 and is not returned (and the ranks past
 * the number of structures are −∞ fillers, not structures), so k larger than the number of allowed
 * structures returns all of them.
 */
export function kBest<T>(op: string, k: number, sumOf: (semiring: Semiring, x: Tensor) => Tensor, x: Tensor, read: (flow: Float64Array, b: number) => T): KBest<T> {
  const semiring = kmax(topkCount(k, op));
  return withVjp((y: Tensor) => sumOf(semiring, y), [x], (best, pullback) => kBestFrom(k, stopGradient(best as Tensor).values.slice(), pullback, read));
}

/** The k best structures of each sentence from their scores `values` [B, k] and the pullback of the kmax sum (one backward pass per rank). */
function kBestFrom<T>(k: number, values: Float64Array, pullback: Pullback, read: (flow: Float64Array, b: number) => T): KBest<T> {
  const B = values.length / k;
  const out: KBest<T> = { structures: Array.from({ length: B }, () => []), scores: Array.from({ length: B }, () => []) };
  for (let i = 0; i < k; i++) {
    const live = Array.from({ length: B * k }, (_, j) => (j % k === i && values[j]! > -Infinity ? 1 : 0));
    if (!live.includes(1)) break; // the lists are sorted: no item has a structure past this rank
    const flow = stopGradient((pullback(tensor(live, [B, k])) as Tensor[])[0]!).values.slice();
    for (let b = 0; b < B; b++) {
      if (live[b * k + i] === 0) continue;
      out.structures[b]!.push(read(flow, b));
      out.scores[b]!.push(values[b * k + i]!);
    }
  }
  return out;
}

/** A model's `topk` result: for one input `{ [name]: structures, score: scores }`, for a batch one array of each per item. */
type KBestResult<Name extends string, T> = ({ [K in Name]: T[] } & { score: number[] }) | ({ [K in Name]: T[][] } & { score: number[][] });

/** topk's k: an integer ≥ 1, else an error naming the model's `op`. */
export function topkCount(k: unknown, op: string): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new InvalidArgumentError(`${op}: k must be an integer ≥ 1 (how many best structures to return), got ${describe(k)}; pass e.g. topk(3).`);
  }
  // The kmax semiring keeps k scores per entry of every table: 1e7 aborted the process (out of memory, uncatchably).
  if (k > 2 ** 20) throw new InvalidArgumentError(`${op}: k = ${k} is more than 2^20 (1048576): the k-best tables keep k scores per entry. Ask for fewer, or sample() structures instead.`);
  return k;
}

/** The `topk` result of a model (`batched`: one list per item) under the field `name`. */
export function kBestResult<Name extends string, T>(name: Name, found: KBest<T>, batched: boolean): KBestResult<Name, T> {
  // A computed key widens the literal's type to `{ [x: string]: … }`; the object has exactly the field `name` and score.
  return (batched ? { [name]: found.structures, score: found.scores } : { [name]: found.structures[0]!, score: found.scores[0]! }) as KBestResult<Name, T>;
}
