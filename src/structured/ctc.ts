/**
 * @file ad.ctcLoss as PyTorch's ctc_loss: connectionist temporal classification (Graves,
 * Fernández, Gomez & Schmidhuber 2006): the loss is −log Z of the Alignment of the frames to the
 * target with blanks, computed by the log-semiring kernels of ctcLog.ts (the α recursion, and the β
 * recursion for its gradient); higher derivatives differentiate that Alignment's program.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { div, equal } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { where } from '../ops/select.js';
import { tensor } from '../tensor/create.js';
import type { Checkpoints } from '../transforms/scan.js';
import { ctcAlignmentLogLikelihood, ctcLogLikelihood } from './ctcLog.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { checkpointsOption, optionsObject, wrongShape } from './validate.js';

export interface CTCLossOptions {
  /** The blank label (default 0). */
  blank?: number | undefined;
  /** 'none': one loss per sequence [N]; 'sum'; 'mean' (default): each loss divided by its target length (at least 1), then averaged. */
  reduction?: 'none' | 'sum' | 'mean' | undefined;
  /** Replace infinite losses (no alignment fits: too few frames) and their gradients by 0 (default false). */
  zeroInfinity?: boolean | undefined;
  /**
   * Checkpoints of the loop over frames (as for ad.scan; not in PyTorch): bounds the memory of the
   * gradient for long inputs. With c ('sqrt': ⌈√T⌉) the forward pass keeps α at every ⌈T / c⌉-th
   * frame, at most c of them, and the gradient recomputes the frames between two kept ones.
   */
  checkpoints?: Checkpoints | undefined;
}

/** ctcLoss's inputLengths and targetLengths: one length per sequence, as numbers or a tensor [N]. */
export type CTCLengths = readonly number[] | Tensor;
/** ctcLoss's targets: padded rows [N, S] or one concatenation [Σ targetLengths], as a tensor or arrays of label indices. */
export type CTCTargets = Tensor | readonly number[] | readonly (readonly number[])[];

/**
 * The CTC loss, −log p(target | input) summed over every alignment of the frames to the target
 * with blanks (a label may repeat over frames; a blank must separate two equal labels), with
 * PyTorch's arguments: `logProbs` [T, N, C] log-probabilities (after logSoftmax over C), `targets`
 * padded [N, S] or concatenated [Σ targetLengths] (a Tensor or arrays of label indices, never the
 * blank), `inputLengths` [N] (1 … T) and `targetLengths` [N]. A [T, C] input is one sequence.
 *
 * The lattice is Graves et al.'s: states are the target with blanks around and between its labels
 * (2U + 1 of them); a frame stays, advances by one, or skips the blank between two different
 * labels; the first frame is in the first blank or label, the last in the last label or blank.
 * The gradient with respect to logProbs is exact: −(the expected number of frames t aligned to
 * label k), Graves et al.'s α_t(s) β_t(s) / p summed over the states of label k. Through
 * `ad.logSoftmax` of activations u it is Graves et al.'s published y_t^k − that occupancy (eq. 16);
 * PyTorch returns the latter directly as the gradient with respect to log_probs, which is right
 * only when log_probs come from log_softmax — here no such assumption is made. Both run as one
 * typed-array kernel each (ctcKernel.ts), to every order of differentiation.
 * @example
 * const logProbs = ad.logSoftmax(ad.random.normal([6, 1, 4], 1), -1);   // 6 frames, batch 1, 4 classes
 * ad.ctcLoss(logProbs, [[1, 2, 2]], [6], [3]);   // a positive number; differentiable in logProbs
 */
export function ctcLoss(logProbs: Tensor, targets: CTCTargets, inputLengths: CTCLengths, targetLengths: CTCLengths, options: CTCLossOptions = {}): Tensor {
  const op = 'ctcLoss';
  if (!(logProbs instanceof Tensor) || (logProbs.ndim !== 3 && logProbs.ndim !== 2)) {
    if (logProbs instanceof Tensor) throw wrongShape(op, 'logProbs', '[T, N, C] (or [T, C] for one sequence)', logProbs);
    throw new InvalidArgumentError(`${op}: logProbs must be a Tensor [T, N, C] of log-probabilities, got ${describe(logProbs)}.`);
  }
  const single = logProbs.ndim === 2;
  const lp = single ? reshape(logProbs, [logProbs.shape[0]!, 1, logProbs.shape[1]!]) : logProbs;
  const [T, N, C] = lp.shape as [number, number, number];
  optionsObject(options, op, "ad.ctcLoss(logProbs, targets, inputLengths, targetLengths, { reduction: 'sum' })", ['blank', 'reduction', 'zeroInfinity', 'checkpoints']);
  const { blank = 0, reduction = 'mean', zeroInfinity = false, checkpoints } = options;
  if (typeof zeroInfinity !== 'boolean') throw new InvalidArgumentError(`${op}: zeroInfinity must be true or false, got ${describe(zeroInfinity)}.`);
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new InvalidArgumentError(`${op}: blank must be a class index in 0 … ${C - 1}, got ${describe(blank)}; pass e.g. { blank: 0 }.`);
  if (!['none', 'sum', 'mean'].includes(reduction)) throw new InvalidArgumentError(`${op}: reduction must be 'none', 'sum' or 'mean', got ${describe(reduction)}.`);
  const frames = lengthList(single ? [inputLengths].flat() : inputLengths, N, 1, T, op, 'inputLengths');
  const sizes = lengthList(single ? [targetLengths].flat() : targetLengths, N, 0, Infinity, op, 'targetLengths');
  const labels = targetRows(targets, sizes, single, op);
  labels.forEach((row, b) => row.forEach((k, u) => {
    if (!Number.isInteger(k) || k < 0 || k >= C || k === blank) {
      throw new InvalidArgumentError(`${op}: targets of sequence ${b} has ${typeof k === 'number' ? k : describe(k)} at position ${u}, not a class in 0 … ${C - 1} other than the blank ${blank}.`);
    }
  }));
  // The extended targets: blank, l₁, blank, l₂, …, blank (padded with blanks to 2·max U + 1).
  const S = 2 * Math.max(0, ...sizes) + 1;
  const ext = new Int32Array(N * S).fill(blank);
  labels.forEach((row, b) => row.forEach((k, u) => { ext[b * S + 2 * u + 1] = k; }));
  const params = { S, ext, frames, states: sizes.map((u) => 2 * u + 1), checkpoints: checkpointsOption(checkpoints, op) };
  // The kernels, or (while exporting to ONNX: core/genericPrograms.ts) the program they stand for.
  let losses = neg(genericPrograms.on ? ctcAlignmentLogLikelihood(lp, params) : ctcLogLikelihood(lp, params)); // [N]
  if (zeroInfinity) losses = where(equal(losses, Infinity), 0, losses);
  if (reduction === 'sum') return sum(losses);
  if (reduction === 'mean') return mean(div(losses, tensor(sizes.map((u) => Math.max(u, 1)))));
  return single ? reshape(losses, []) : losses;
}

/** N integer lengths in lo … hi, from an array or a 1-D tensor. */
function lengthList(value: unknown, N: number, lo: number, hi: number, op: string, name: string): number[] {
  const list = value instanceof Tensor ? Array.from(value.toFloat64Array()) : value;
  const want = `${N} integers in ${lo} … ${hi === Infinity ? '∞' : hi}, one per sequence`;
  if (!Array.isArray(list) || list.length !== N) throw new InvalidArgumentError(`${op}: ${name} must be ${want}, got ${describe(value)}.`);
  const b = list.findIndex((x) => !Number.isInteger(x) || x < lo || x > hi);
  if (b >= 0) throw new InvalidArgumentError(`${op}: ${name}[${b}] is ${typeof list[b] === 'number' ? list[b] : describe(list[b])}; pass ${want}.`);
  return list as number[];
}

/** The label sequence of each batch item, from padded rows [N, S] or the concatenation of all targets. */
function targetRows(targets: unknown, sizes: readonly number[], single: boolean, op: string): number[][] {
  const N = sizes.length;
  const rows = targets instanceof Tensor
    ? (targets.ndim === 1 ? Array.from(targets.toFloat64Array()) : (targets.toArray() as number[][]))
    : targets;
  if (!Array.isArray(rows)) throw new InvalidArgumentError(`${op}: targets must be a Tensor or an array of label indices, got ${describe(targets)}.`);
  const padded = rows.length > 0 && Array.isArray(rows[0]);
  if (padded || (single && targets instanceof Tensor && targets.ndim === 2)) {
    if (rows.length !== N) throw new InvalidArgumentError(`${op}: targets has ${rows.length} rows for ${N} sequences; pass one row per sequence (padded) or their concatenation.`);
    return (rows as number[][]).map((row, b) => {
      if (!Array.isArray(row) || row.length < sizes[b]!) throw new InvalidArgumentError(`${op}: targets row ${b} has ${Array.isArray(row) ? row.length : describe(row)} labels but targetLengths[${b}] is ${sizes[b]}.`);
      return row.slice(0, sizes[b]!);
    });
  }
  const total = sizes.reduce((a, u) => a + u, 0);
  if (single && rows.length >= sizes[0]!) return [(rows as number[]).slice(0, sizes[0]!)];
  if (rows.length !== total) {
    const shape = targets instanceof Tensor ? formatShape(targets.shape) : `${rows.length} labels`;
    throw new InvalidArgumentError(`${op}: targets (${shape}) as a concatenation must hold Σ targetLengths = ${total} labels; pass that, or padded rows [N, S].`);
  }
  let at = 0;
  return sizes.map((u) => (rows as number[]).slice(at, (at += u)));
}
