/**
 * @file ad.ctcLoss as PyTorch's ctc_loss: connectionist temporal classification (Graves,
 * Fernández, Gomez & Schmidhuber 2006): the loss is −log Z of the Alignment of the frames to the
 * target with blanks, computed by the log-semiring kernels of ctcLog.ts (the α recursion, and the β
 * recursion for its gradient); higher derivatives differentiate that Alignment's program. ad.Alignment's
 * log semiring runs the same kernels (CTCParams.lattice).
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import { AdjointError, InvalidArgumentError } from '../core/errors.js';
import { add, div, equal } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { where } from '../ops/select.js';
import { tensor, zeros } from '../tensor/create.js';
import type { Checkpoints } from '../transforms/scan.js';
import { ctcAlignmentLogLikelihood, ctcLogLikelihood, type CTCParams } from './ctcLog.js';
import { BatchTrace, batchesOf, boxedPerExample, everyExample, isBatched } from '../transforms/vmap.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { checkpointsOption, optionsObject, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';

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
export function ctcLoss(logProbs: Tensor, targets: CTCTargets, inputLengths: CTCLengths, targetLengths: CTCLengths, options?: CTCLossOptions): Tensor;
export function ctcLoss(logProbs: Tensor, targets: CTCTargets, inputLengths: CTCLengths, targetLengths: CTCLengths, options: CTCLossOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ctcLoss', 'ctcLoss(logProbs, targets, inputLengths, targetLengths, options?)', extra, options);
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
  // Targets and lengths mapped by vmap differ per example: each example's lattice is read (E of
  // them, example-major as everyExample reads), and the kernels' vmap rule, folding the examples
  // into the sequence axis, gives each example's sequences their own (ctcLog.ts, CTCParams.mapped).
  const given = [targets, inputLengths, targetLengths];
  const batches = mappedBatches(given, op);
  const E = batches.reduce((n, t) => n * t.size, 1);
  const ofExample = (x: unknown, e: number): unknown => {
    if (!(x instanceof Tensor) || !isBatched(x)) return x;
    return tensor(everyExample(x, `${op}'s targets and lengths`).slice(e * x.size, (e + 1) * x.size), [...x.shape]);
  };
  // An empty batch has no lattice to read: one of empty targets stands for its (absent) examples.
  const lattices = E === 0 ? [{ frames: new Array<number>(N).fill(T), sizes: new Array<number>(N).fill(0), labels: Array.from({ length: N }, (): number[] => []) }] : Array.from({ length: E }, (_, e) => inExample(e, E, () => {
    const [t, il, tl] = given.map((x) => ofExample(x, e));
    const frames = lengthList(single ? [il].flat() : il, N, 1, T, op, 'inputLengths');
    const sizes = lengthList(single ? [tl].flat() : tl, N, 0, Infinity, op, 'targetLengths');
    const labels = targetRows(t, sizes, single, op);
    labels.forEach((row, b) => row.forEach((k, u) => {
      if (!Number.isInteger(k) || k < 0 || k >= C || k === blank) {
        throw new InvalidArgumentError(`${op}: targets of sequence ${b} has ${typeof k === 'number' ? k : describe(k)} at position ${u}, not a class in 0 … ${C - 1} other than the blank ${blank}; pass labels without the blank, or set { blank } to the class your model emits as the blank.`);
      }
    }));
    return { frames, sizes, labels };
  }));
  // The extended targets: blank, l₁, blank, l₂, …, blank (padded with blanks to 2·max U + 1, over every example).
  const S = 2 * Math.max(0, ...lattices.flatMap((l) => l.sizes)) + 1;
  const exts = lattices.map(({ labels }) => {
    const ext = new Int32Array(N * S).fill(blank);
    labels.forEach((row, b) => row.forEach((k, u) => { ext[b * S + 2 * u + 1] = k; }));
    return ext;
  });
  const states = lattices.map((l) => l.sizes.map((u) => 2 * u + 1));
  const [first] = lattices as [(typeof lattices)[number]];
  const params: CTCParams = {
    S, ext: exts[0]!, frames: first.frames, states: states[0]!, checkpoints: checkpointsOption(checkpoints, op),
    mapped: batches.length === 0 ? undefined : {
      sizes: batches.map((t) => t.size), ext: Int32Array.from(exts.slice(0, E).flatMap((x) => Array.from(x))),
      frames: lattices.slice(0, E).flatMap((l) => l.frames), states: states.slice(0, E).flat(),
    },
  };
  const perExample = (data: number[][]) => (batches.length === 0 ? tensor(data[0]!) : boxedPerExample(tensor(data.slice(0, E).flat(), [...params.mapped!.sizes, N]), batches));
  // logProbs mapped by the same vmaps (innermost), so that the kernels run under their vmap rule.
  const mappedLp = batches.length === 0 ? lp : onTheVmaps(lp, batches, op);
  // The kernels, or (while exporting to ONNX: core/genericPrograms.ts) the program they stand for.
  let losses = neg(genericPrograms.on ? ctcAlignmentLogLikelihood(mappedLp, params) : ctcLogLikelihood(mappedLp, params)); // [N]
  if (zeroInfinity) losses = where(equal(losses, Infinity), 0, losses);
  if (reduction === 'sum') return sum(losses);
  if (reduction === 'mean') return mean(div(losses, perExample(lattices.map((l) => l.sizes.map((u) => Math.max(u, 1))))));
  return single ? reshape(losses, []) : losses;
}

/** run(), its errors naming example e when there are several (under vmap). */
function inExample<T>(e: number, E: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (E > 1 && error instanceof AdjointError) error.message += ` (in example ${e} of a vmap batch of ${E})`;
    throw error;
  }
}

/** The vmaps that the mapped ones among ctcLoss's targets and lengths lie under (all the same ones), outermost first. */
function mappedBatches(given: readonly unknown[], op: string): BatchTrace[] {
  const lists = given.filter((x): x is Tensor => x instanceof Tensor && isBatched(x)).map(batchesOf);
  const [first = []] = lists;
  if (lists.some((l) => l.length !== first.length || l.some((t, i) => t !== first[i]))) {
    throw new InvalidArgumentError(`${op}: under vmap, the targets and lengths that are mapped must be mapped by the same vmaps; map them together (or pass the shared ones from outside).`);
  }
  return first;
}

/**
 * logProbs lying under `batches` as its innermost vmaps (a shared one broadcast by adding a mapped 0,
 * exact), as the kernels' vmap rule needs to give each example its lattice.
 */
function onTheVmaps(lp: Tensor, batches: readonly BatchTrace[], op: string): Tensor {
  const zero = boxedPerExample(zeros([...batches.map((t) => t.size), ...lp.shape]), batches);
  const out = add(lp, zero);
  const own = batchesOf(out);
  if (own.slice(own.length - batches.length).some((t, i) => t !== batches[i])) {
    throw new InvalidArgumentError(
      `${op}: under vmap, targets or lengths mapped by a vmap around one that maps logProbs alone are not supported (each example's lattice is folded in by the innermost vmaps); map them by the inner vmap too, or loop over the outer one.`,
    );
  }
  return out;
}

/** N integer lengths in lo … hi, from an array or a 1-D tensor. */
function lengthList(value: unknown, N: number, lo: number, hi: number, op: string, name: string): number[] {
  const list = value instanceof Tensor ? Array.from(value.values.slice()) : value;
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
    ? (targets.ndim === 1 ? Array.from(targets.values.slice()) : (targets.toArray() as number[][]))
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
