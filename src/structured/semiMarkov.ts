/**
 * @file SemiMarkovCRF (Sarawagi & Cohen 2004): a sentence cut into labelled segments of length
 * ≤ L. Only the forward algorithm over segment ends is written, against a semiring; marginals,
 * the best segmentation and the entropy are gradients and semiring swaps of it.
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, stack, take } from '../ops/shape.js';
import { grad } from '../transforms/vjp.js';
import type { Checkpoints } from '../transforms/scan.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { batchedScores, perItem, unbatch, usedEntries } from './batch.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import type { Key } from '../random/key.js';
import type { SegmentsAndScore } from './results.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { semiMarkovSum } from './semiMarkovSum.js';
import { semiMarkovLogPartition } from './semiMarkovLog.js';
import { checkpointsOption, lengthsOption, optionsObject, scoresOfShape, semiringArg, unmapped, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

/** One labelled segment: words start … end − 1 labelled `label`. */
export interface Segment { start: number; end: number; label: number }

export interface SemiMarkovCRFOptions {
  /**
   * segments[i, d − 1, c] scores words i … i + d − 1 as one segment labelled c: [n, L, C], or a
   * padded batch [B, n, L, C]. Entries that would run past the sentence are never used.
   */
  segments: Tensor;
  /** transitions[c, c′]: a segment labelled c followed by one labelled c′, [C, C]. */
  transitions: Tensor;
  /** Scores of the first segment's label [C] (default 0). */
  start?: Tensor | undefined;
  /** Scores of the last segment's label [C] (default 0). */
  end?: Tensor | undefined;
  /** For a batch: each sentence's length in words (1 … n); default n for all. */
  lengths?: readonly number[] | undefined;
  /** Checkpointing of the forward algorithm's loop (see ad.scan): bounds memory for long sentences. */
  checkpoints?: Checkpoints | undefined;
}

/**
 * A semi-Markov CRF over segmentations of a sentence of n words into labelled segments of at most
 * L words: score = start[c₁] + Σ_k segments[i_k, d_k − 1, c_k] + Σ_k transitions[c_{k−1}, c_k]
 * + end[c_last]. The segment scores are factored from the transitions ([n, L, C] and [C, C])
 * rather than torch-struct's edge potentials [n, L + 1, C, C] (indexed by the length in words:
 * edge[i, d + 1, c, c′] = segments[i, d, c] + transitions[c′, c]; its lengths count boundaries,
 * n + 1, and its first segment's previous label c′ is free): segment scores usually come from a
 * span encoder that does not see the previous label, the tensor is C times smaller, and the
 * forward algorithm applies each transition once per boundary. With L = 1 it is the linear-chain CRF.
 * @example
 * const crf = new ad.SemiMarkovCRF({ segments: ad.random.normal([5, 3, 2], 1), transitions: ad.zeros([2, 2]) });
 * crf.argmax().segments;      // e.g. [{ start: 0, end: 2, label: 1 }, …] covering words 0 … 4
 * crf.marginals().segments;   // [5, 3, 2]: p(a segment of words i … i + d − 1 labelled c)
 */
export class SemiMarkovCRF {
  readonly batched: boolean;
  readonly segments: Tensor; // always [B, n, L, C]
  readonly transitions: Tensor;
  readonly start: Tensor;
  readonly end: Tensor;
  readonly lengths: readonly number[];
  readonly checkpoints: Checkpoints;

  constructor(options: SemiMarkovCRFOptions);
  constructor(options: SemiMarkovCRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('SemiMarkovCRF', 'SemiMarkovCRF(options)', extra, options);
    const op = 'SemiMarkovCRF';
    optionsObject(options, op, 'new ad.SemiMarkovCRF({ segments /* [n, L, C] */, transitions /* [C, C] */ })', ['segments', 'transitions', 'start', 'end', 'lengths', 'checkpoints']);
    const given = batchedScores(options.segments, 3, op, 'segments', '[n, L, C]');
    this.batched = given.batched;
    const [B, n, L, C] = given.scores.shape as [number, number, number, number];
    if (n < 1 || L < 1 || C < 1) throw wrongShape(op, 'segments', '[n, L, C] with n ≥ 1 words, L ≥ 1 lengths and C ≥ 1 labels', options.segments as Tensor);
    const why = ` for segments ${formatShape((options.segments as Tensor).shape)} (C = ${C} labels)`;
    this.transitions = scoresOfShape(options.transitions, [C, C], op, 'transitions', { hint: '[C, C]', why });
    this.start = scoresOfShape(options.start, [C], op, 'start', { hint: '[C]', why, optional: true });
    this.end = scoresOfShape(options.end, [C], op, 'end', { hint: '[C]', why, optional: true });
    this.lengths = lengthsOption(options.lengths, B, n, op);
    // Segments running past a sentence's end are never read (batch.ts): NaN or +∞ there made crossEntropy NaN.
    const keep = Array.from({ length: B * n * L }, (_, k) => { // k = (b·n + i)·L + d − 1: words i … i + d − 1
      const d = k % L + 1, i = Math.floor(k / L) % n;
      return i + d <= this.lengths[Math.floor(k / (n * L))]! ? 1 : 0;
    });
    this.segments = usedEntries(given.scores, keep, [B, n, L, 1]);
    this.checkpoints = checkpointsOption(options.checkpoints, op);
  }

  /** The semiring sum [B]: in the log semiring by the kernels of semiMarkovLog.ts, otherwise the program of semiMarkovSum.ts. */
  private sumOf(semiring: Semiring, segments: Tensor, transitions: Tensor): Tensor {
    // The kernels, or (while exporting to ONNX: core/genericPrograms.ts) the program they stand for.
    if (semiring === log && !genericPrograms.on) return semiMarkovLogPartition(segments, transitions, this.start, this.end, this.lengths);
    return semiMarkovSum(semiring, segments, transitions, this.start, this.end, this.lengths, this.checkpoints);
  }

  /** The semiring sum over segmentations: log Z (log), best score (max), entropy (entropy), Z (real). */
  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.sum', 'SemiMarkovCRF.sum(semiring)', extra, semiring);
    return unbatch(this.sumOf(semiringArg(semiring, 'SemiMarkovCRF.sum'), this.segments, this.transitions), this.batched);
  }

  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.logPartition', 'SemiMarkovCRF.logPartition()', extra);
    return this.sum(log);
  }

  /** The entropy of p(segmentation) in nats. */
  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.entropy', 'SemiMarkovCRF.entropy()', extra);
    return unbatch(entropyOf(this.scoreForm()), this.batched); // from scores moved near 0: accurate at any offset
  }

  /**
   * Marginals as gradients of log Z: `segments[i, d − 1, c]` = p(words i … i + d − 1 form one
   * segment labelled c) (0 past a sentence's end), `transitions[c, c′]` = the expected number of
   * boundaries from label c to c′. Differentiable again.
   */
  marginals(): { segments: Tensor; transitions: Tensor };
  marginals(...extra: unknown[]): { segments: Tensor; transitions: Tensor } {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.marginals', 'SemiMarkovCRF.marginals()', extra);
    const [segments, transitions] = grad(
      (s: Tensor, t: Tensor) => sum(this.sumOf(log, s, t)), [0, 1],
    )(this.segments, this.transitions) as [Tensor, Tensor];
    return { segments: unbatch(segments, this.batched), transitions };
  }

  /**
   * The best segmentation and its score (arrays for a batch), read off the argmax semiring's
   * gradient with respect to the segment scores: the indicator of the segments of one best
   * segmentation, so it is always valid and scores the reported maximum.
   */
  argmax(): SegmentsAndScore | SegmentsAndScore<Segment[][], number[]>;
  argmax(...extra: unknown[]): SegmentsAndScore | SegmentsAndScore<Segment[][], number[]> {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.argmax', 'SemiMarkovCRF.argmax()', extra);
    unmapped(this, 'SemiMarkovCRF.argmax');
    const { best, flow } = argmaxFlow((s: Tensor) => this.sumOf(argmaxSemiring, s, this.transitions), this.segments);
    const out = this.lengths.map((_, b) => this.segmentsFromFlow(flow, b));
    const scores = Array.from(best.values);
    return this.batched ? { segments: out, score: scores } : { segments: out[0]!, score: scores[0]! };
  }

  /**
   * The k best segmentations and their scores, best first (`{ segments, score }`, arrays of k; per
   * sentence for a batch), from the kmax semiring: the i-th score's gradient with respect to the
   * segment scores is the indicator of the i-th best segmentation's segments. Segmentations of
   * score −∞ are left out; ties follow the forward algorithm's first alternatives (`topk(1)` is
   * `argmax()`).
   */
  topk(k: number): SegmentsAndScore<Segment[][], number[]> | SegmentsAndScore<Segment[][][], number[][]>;
  topk(k: number, ...extra: unknown[]): SegmentsAndScore<Segment[][], number[]> | SegmentsAndScore<Segment[][][], number[][]> {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.topk', 'SemiMarkovCRF.topk(k)', extra, k);
    unmapped(this, 'SemiMarkovCRF.topk');
    const found = kBest('SemiMarkovCRF.topk', k, (semiring, s) => this.sumOf(semiring, s, this.transitions), this.segments, (flow, b) => this.segmentsFromFlow(flow, b));
    return kBestResult('segments', found, this.batched);
  }

  /**
   * `count` segmentations drawn exactly from p (an array of segment lists, as `topk`'s; one per
   * sentence for a batch), by forward filtering and backward sampling through the sample semiring
   * (sample.ts); `key` is a key from `ad.random.key` or an integer seed (same key, same samples).
   */
  sample(count: number, key: Key | number): Segment[][] | Segment[][][];
  sample(count: number, key: Key | number, ...extra: unknown[]): Segment[][] | Segment[][][] {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.sample', 'SemiMarkovCRF.sample(count, key)', extra, key);
    unmapped(this, 'SemiMarkovCRF.sample');
    const found = sampleStructures(count, key, 'SemiMarkovCRF.sample', (semiring, s) => this.sumOf(semiring, s, this.transitions), this.segments, (flow, b) => this.segmentsFromFlow(flow, b));
    return this.batched ? found : found[0]!;
  }

  /** The segments of sentence b whose entries of a 0/1 flow over the segment scores [B, n, L, C] are positive, in order. */
  private segmentsFromFlow(flow: Float64Array, b: number): Segment[] {
    const [, n, L, C] = this.segments.shape as [number, number, number, number];
    const len = this.lengths[b]!;
    const found: Segment[] = [];
    for (let i = 0; i < len; i++) {
      for (let d = 1; d <= L && i + d <= len; d++) {
        for (let c = 0; c < C; c++) if (flow[((b * n + i) * L + d - 1) * C + c]! > 0) found.push({ start: i, end: i + d, label: c });
      }
    }
    return found;
  }


  /**
   * The cross-entropy H(p, q) = −Σ_y p(y) log q(y) in nats, p this model and q `other` (a model of
   * the same kind, shapes, lengths and options): log Z_q − E_p[score_q], where E_p[score_q] = Σ μ_p · θ_q
   * is one forward-mode derivative of log Z_p (divergence.ts). +∞ where p gives probability to a
   * structure q forbids; 0 where p has none. Differentiable in both models (one per item for a batch).
   */
  crossEntropy(other: SemiMarkovCRF): Tensor;
  crossEntropy(other: SemiMarkovCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.crossEntropy', 'SemiMarkovCRF.crossEntropy(other)', extra, other);
    return unbatch(crossEntropyOf(this.scoreForm(), other instanceof SemiMarkovCRF ? other.scoreForm() : null, 'SemiMarkovCRF.crossEntropy'), this.batched);
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: SemiMarkovCRF): Tensor;
  kl(other: SemiMarkovCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.kl', 'SemiMarkovCRF.kl(other)', extra, other);
    return unbatch(klOf(this.scoreForm(), other instanceof SemiMarkovCRF ? other.scoreForm() : null, 'SemiMarkovCRF.kl'), this.batched);
  }

  private scoreForm(): ScoreForm {
    return {
      scores: [this.segments, this.transitions, this.start, this.end],
      logZ: ([g, t, s, f]) => semiMarkovLogPartition(g!, t!, s!, f!, this.lengths),
      structure: `lengths [${this.lengths.join(', ')}]`,
      entropy: ([g, t, st, f]) => semiMarkovSum(entropy, g!, t!, st!, f!, this.lengths, this.checkpoints),
      countFixed: [null, null, 'shared', 'shared'], // segments and transitions: as many as segments; one start, one end
    };
  }

  /** The score of a segmentation (an array of segments per batch item for a batch), differentiable. */
  score(segmentation: readonly Segment[] | readonly (readonly Segment[])[]): Tensor;
  score(segmentation: readonly Segment[] | readonly (readonly Segment[])[], ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.score', 'SemiMarkovCRF.score(segmentation)', extra, segmentation);
    return this.scoreAs(segmentation, 'SemiMarkovCRF.score');
  }

  /** log p(segmentation) = score − log Z (−∞ for a forbidden one, also when every one is). */
  logProbability(segmentation: readonly Segment[] | readonly (readonly Segment[])[]): Tensor;
  logProbability(segmentation: readonly Segment[] | readonly (readonly Segment[])[], ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SemiMarkovCRF.logProbability', 'SemiMarkovCRF.logProbability(segmentation)', extra, segmentation);
    return logProbabilityOf(this.scoreAs(segmentation, 'SemiMarkovCRF.logProbability'), this.logPartition());
  }

  private scoreAs(segmentation: unknown, op: string): Tensor {
    const [B, n, L, C] = this.segments.shape as [number, number, number, number];
    const items = perItem<readonly Segment[]>(segmentation, this.batched, B, op, 'segmentation');
    const flat = reshape(this.segments, [B * n * L * C]);
    const scores = items.map((segs, b) => {
      const ok = checkSegmentation(segs, this.lengths[b]!, L, C, op, this.batched ? `segmentation[${b}]` : 'segmentation');
      const labels = ok.map((s) => s.label);
      let s = sum(take(flat, ok.map((g) => ((b * n + g.start) * L + g.end - g.start - 1) * C + g.label)));
      s = add(s, add(sum(take(this.start, [labels[0]!])), sum(take(this.end, [labels[labels.length - 1]!]))));
      if (labels.length > 1) s = add(s, sum(take(reshape(this.transitions, [C * C]), labels.slice(1).map((c, k) => labels[k]! * C + c))));
      return s;
    });
    return unbatch(stack(scores, 0), this.batched);
  }
}

/** Checks that `segs` cut words 0 … length − 1 into consecutive segments of 1 … L words with labels in 0 … C − 1. */
function checkSegmentation(segs: unknown, length: number, L: number, C: number, op: string, which: string): Segment[] {
  const want = `an array of { start, end, label } segments covering words 0 … ${length - 1} in order, each of 1 … ${L} words, labels in 0 … ${C - 1}`;
  if (!Array.isArray(segs) || segs.length === 0) throw new InvalidArgumentError(`${op}: ${which} must be ${want}, got ${describe(segs)}.`);
  let at = 0;
  segs.forEach((g: Segment, k) => {
    const why = g === null || typeof g !== 'object' ? 'is not an object'
      : g.start !== at ? `starts at ${g.start} where ${at} was expected`
        : !Number.isInteger(g.end) || g.end - g.start < 1 || g.end - g.start > L ? `ends at ${g.end}: its length is not in 1 … ${L}`
          : !Number.isInteger(g.label) || g.label < 0 || g.label >= C ? `has label ${g.label}, not an integer in 0 … ${C - 1}` : null;
    if (why !== null) throw new InvalidArgumentError(`${op}: ${which}[${k}] ${why}; pass ${want}.`);
    at = g.end;
  });
  if (at !== length) throw new InvalidArgumentError(`${op}: ${which} ends at word ${at} but the sentence has ${length} words; pass ${want}.`);
  return segs as Segment[];
}
