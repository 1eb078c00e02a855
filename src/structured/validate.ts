/**
 * @file Checks of what users pass to structured models: each misuse throws an AdjointError whose
 * message starts with the op (`LinearChainCRF`, `LinearChainCRF.logProbability`), names the
 * argument and its shape, and says what to pass instead.
 */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import { MAX_TENSOR_SIZE } from '../tensor/checks.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { live } from '../core/trace.js';
import type { Checkpoints } from '../transforms/scan.js';
import { batchesOf, eachExample, isBatched } from '../transforms/vmap.js';
import type { Semiring } from './semirings.js';

/**
 * The options object of a constructor; `usage` shows a minimal correct call. Every key must be one
 * of `known`: a misspelt option (`lenghts`) would otherwise be ignored and the model silently
 * built over other structures.
 */
export function optionsObject<T>(options: T, op: string, usage: string, known: readonly string[]): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: expected an options object, got ${describe(options)}. Pass one as in ${usage}.`);
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new InvalidArgumentError(`${op}: unknown option '${unknown}'; the options are ${known.join(', ')}.`);
  return options;
}

/** A required tensor of scores, `shape` as the reader should write it (`[n, K]`). */
export function scoresTensor(value: unknown, op: string, name: string, shape: string): Tensor {
  if (value === undefined) throw new InvalidArgumentError(`${op}: options.${name} is missing; pass a Tensor of shape ${shape}.`);
  if (!(value instanceof Tensor)) {
    throw new InvalidArgumentError(
      `${op}: ${name} must be a Tensor of shape ${shape}, got ${describe(value)}; wrap plain arrays with ad.tensor(...).`,
    );
  }
  return value;
}

/** A ShapeError for argument `name`, which must have shape `want` and has `got`. */
export function wrongShape(op: string, name: string, want: string, got: Tensor, why = ''): ShapeError {
  return new ShapeError(`${op}: ${name} must have shape ${want}${why}, got ${formatShape(got.shape)}; pass a tensor of shape ${want}.`);
}

/** Throws unless `shape` equals `want` axis by axis. */
function expectShape(t: Tensor, want: readonly number[], op: string, name: string, why = ''): Tensor {
  if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) throw wrongShape(op, name, formatShape(want), t, why);
  return t;
}

/**
 * A tensor of scores of exactly `shape`: `hint` writes the shape with its symbols (`[K, K]`) and
 * `why` says where the sizes come from. An optional one that is absent is zeros (every score 0).
 */
export function scoresOfShape(
  value: unknown, shape: readonly number[], op: string, name: string, { hint, why = '', optional = false }: { hint: string; why?: string; optional?: boolean },
): Tensor {
  if (optional && value === undefined) return zeros(shape);
  return expectShape(scoresTensor(value, op, name, hint), shape, op, name, why);
}

/** The `checkpoints` option of the forward algorithm's loop (as for ad.scan), checked where the model is made. */
export function checkpointsOption(checkpoints: unknown, op: string): Checkpoints {
  if (checkpoints === undefined) return 'all';
  if (checkpoints === 'all' || checkpoints === 'sqrt' || (Number.isInteger(checkpoints) && (checkpoints as number) >= 1)) return checkpoints as Checkpoints;
  throw new InvalidArgumentError(
    `${op}: checkpoints must be 'all', 'sqrt' or an integer ≥ 1 (stored states of the forward algorithm), got ${describe(checkpoints)}; pass e.g. checkpoints: 'sqrt'.`,
  );
}

/**
 * A tag sequence for `score`/`logProbability`: an array of `n` integers in 0 … K − 1 (`which`
 * names the sequence of a batch), or, for a sequence of a batch shorter than its `padded`
 * positions, a row of that length whose entries past n are ignored.
 */
export function tagSequence(row: unknown, n: number, K: number, op: string, which = 'tags', padded = n): readonly number[] {
  row = plainStructure(row);
  const pad = padded > n ? ` (or its row padded to the batch's ${padded} positions)` : '';
  const want = `an array of ${n} integer tags in 0 … ${K - 1} (one per position)${pad}`;
  if (!Array.isArray(row)) throw new InvalidArgumentError(`${op}: ${which} must be ${want}, got ${describe(row)}.`);
  // A row padded to the batch's length, as pytorch-crf's tags with a mask: the entries past the
  // sequence's length are ignored (any value), as its emissions there are.
  const tags: number[] = row.length === padded && padded > n ? row.slice(0, n) : row;
  if (tags.length !== n) {
    throw new InvalidArgumentError(`${op}: ${which} has ${tags.length} tags but the sequence has ${n} positions; pass ${want}.`);
  }
  const t = tags.findIndex((y) => !Number.isInteger(y) || y < 0 || y >= K);
  if (t >= 0) {
    const y = tags[t];
    throw new InvalidArgumentError(
      `${op}: ${which}[${t}] is ${typeof y === 'number' ? y : describe(y)}, not an integer tag in 0 … ${K - 1}; pass ${want}.`,
    );
  }
  return tags as number[];
}

const semiringParts = ['convert', 'unconvert', 'times', 'plus', 'sum', 'one'] as const;

/** A semiring argument: one of ad.semirings or an object with the Semiring interface. */
export function semiringArg(semiring: unknown, op: string): Semiring {
  const s = semiring as Partial<Record<string, unknown>> | null;
  if (s === null || typeof s !== 'object' || typeof s.size !== 'number' || semiringParts.some((k) => typeof s[k] !== 'function')) {
    throw new InvalidArgumentError(
      `${op}: expected a semiring, got ${describe(semiring)}; pass one of ad.semirings (log, max, argmax, real, entropy), e.g. sum(ad.semirings.log).`,
    );
  }
  return semiring as Semiring;
}

/** A count of samples: an integer from 0 to 2^32 (the samples come back as one tensor, at least an entry each). */
export function sampleCount(count: unknown, op: string): number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_TENSOR_SIZE) {
    throw new InvalidArgumentError(
      `${op}: count must be an integer ≥ 0 and at most 2^32 (the number of samples, returned as one tensor), got ${describe(count)}; pass e.g. sample(10, seed).`,
    );
  }
  return count;
}

/** The `lengths` (or another per-item size, `name`) of a batch of B ≥ 1 sequences padded to n: B integers in 1 … n (default: all n). */
export function lengthsOption(lengths: unknown, B: number, n: number, op: string, name = 'lengths'): readonly number[] {
  const want = `an array of ${B} integer${B === 1 ? '' : 's'} in 1 … ${n} (one length per sequence, at most the padded length)`;
  // Every model reads its batch size here: an empty batch (B = 0) has no structures to score,
  // stack or sample, and lengths of 1 … n leave no empty item either.
  if (B === 0) throw new ShapeError(`${op}: the batch is empty (a leading axis of size B = 0); pass scores for at least one sequence, or skip the call for an empty batch.`);
  if (lengths === undefined) return new Array<number>(B).fill(n);
  if (!Array.isArray(lengths)) throw new InvalidArgumentError(`${op}: ${name} must be ${want}, got ${describe(lengths)}.`);
  if (lengths.length !== B) {
    throw new InvalidArgumentError(`${op}: ${name} has ${lengths.length} entries for a batch of ${B} sequences; pass ${want}.`);
  }
  const b = lengths.findIndex((l) => !Number.isInteger(l) || l < 1 || l > n);
  if (b >= 0) {
    const l = lengths[b];
    throw new InvalidArgumentError(`${op}: ${name}[${b}] is ${typeof l === 'number' ? l : describe(l)}, not an integer in 1 … ${n}; pass ${want}.`);
  }
  return [...lengths] as number[];
}

/**
 * Throws when a method that returns JavaScript numbers (argmax, topk, sample: structures and their
 * scores) is called on a model whose scores `vmap` maps: they differ per example, and a number has
 * one value (reading them failed with vmap's generic message, which names no method). Says what
 * batches instead.
 */
export function unmapped(model: object, op: string): void {
  if (!Object.values(model).some((v) => v instanceof Tensor && isBatched(v))) return;
  throw new InvalidArgumentError(
    `${op}: under vmap the model's scores differ per example, but ${op} returns JavaScript numbers (structures and scores), one value per call. ` +
      'Call it outside vmap (a model of a batch gives one result per item), or keep to tensors: the best score is the sum in ad.semirings.max, and its gradient marks the best structure.',
  );
}

/**
 * A structure given as a tensor of integers (tags, heads or alignment states as pytorch-crf and
 * torch-struct take them: a [n] row, or [B, n] for a batch) as nested arrays; anything else as it
 * is. Its values are read: under jit that read is reported (the call runs as written).
 */
export function plainStructure(value: unknown): unknown {
  // live: under forEachStructure's paused vmap, a mapped structure reads as its example's slice.
  return value instanceof Tensor ? live(value).toArray() : value;
}

/**
 * `run()` once per example where `given` — a structure as a tensor of integers (tags, heads,
 * states, observations) — is mapped by a vmap, the results stacked (JAX's per-example loss
 * `vmap(lambda e, y: crf(e).log_prob(y))`): each example's structure is read as values, which a
 * mapped tensor cannot give for the whole batch at once. Anything else runs as `run()`.
 */
export function forEachStructure<T>(given: unknown, op: string, run: () => T): T {
  if (!(given instanceof Tensor) || !isBatched(given)) return run();
  // Per example of the vmap that maps the structure — not the innermost running one, which may map
  // something else (jacfwd's own vmap over its basis tangents) — and again for each further vmap
  // mapping it (nested vmaps): inside, the structure reads as that example's slice.
  const batches = batchesOf(given);
  if (batches.length === 0) return run(); // every vmap mapping it is paused here: it reads as a slice
  return eachExample(() => forEachStructure(given, op, run), op, batches[batches.length - 1]!);
}
