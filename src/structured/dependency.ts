/**
 * @file DependencyCRF: a distribution over dependency trees from arc scores, projective (Eisner's
 * algorithm against a semiring) or not (the Matrix-Tree theorem); marginals are gradients of log Z.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { add, equal, mul, sub } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, stack, take } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { grad } from '../transforms/vjp.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { batchedScores, perItem, unbatch, usedEntries } from './batch.js';
import { eisner } from './eisner.js';
import { arcMask, centredArcs, eisnerLogPartition } from './eisnerLog.js';
import { matrixTreeLogPartition } from './matrixTree.js';
import { maxArborescence } from './arborescence.js';
import { checkHeads } from './heads.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import { someTree, wilsonSamples } from './wilson.js';
import { foldIn, toKey, type Key } from '../random/key.js';
import type { HeadsAndScore } from './results.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { forEachStructure, lengthsOption, optionsObject, sampleCount, semiringArg, unmapped, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

export interface DependencyCRFOptions {
  /**
   * arcScores[h, m] scores the arc from head h to dependent m over positions 0 … n, position 0 the
   * root and 1 … n the words: [n + 1, n + 1], or a padded batch [B, n + 1, n + 1]. Column 0 (arcs
   * into the root) and the diagonal are never used.
   */
  arcScores: Tensor;
  /** true: projective trees only (Eisner's algorithm); false: every tree (Matrix-Tree theorem). */
  projective: boolean;
  /** true: exactly one word depends on the root; false (default): any number of words may. */
  singleRoot?: boolean | undefined;
  /** For a batch: each sentence's length in words (1 … n); default n for all. */
  lengths?: readonly number[] | undefined;
}

/**
 * A dependency CRF: p(tree) ∝ exp(Σ_{arcs h → m of the tree} arcScores[h, m]) over the trees that
 * attach every word 1 … n to one head, with position 0 the root. A tree is written as CoNLL's HEAD
 * column: `heads[i]` is the head of word i + 1 (0 for the root).
 *
 * Projective (`projective: true`): only the inside algorithm (Eisner 1996) is written, against a
 * semiring; marginals, the best tree (argmax semiring) and the entropy (entropy semiring) follow.
 * Non-projective: log Z is a log-determinant (Matrix-Tree theorem, Koo et al. 2007), not a
 * semiring program; the marginals are still its gradient, the entropy is log Z − E[score] from
 * them, and the best tree is the maximum spanning arborescence (Chu–Liu/Edmonds; with
 * `singleRoot`, over weights that rank the number of root dependents before the score).
 *
 * Conventions against torch-struct: its DependencyCRF takes [n, n] scores with the root's arcs on
 * the diagonal (entry [m, m] is root → m); here the root is an explicit position 0, so its arcs are
 * row 0 (torch-struct's [i, i] is arcScores[0, i + 1]). torch-struct's projective model allows
 * several root dependents by default and its non-projective one a single one; here both default to
 * several (the plain Matrix-Tree theorem) and `singleRoot: true` gives treebank-style trees.
 * @example
 * const parser = new ad.DependencyCRF({ arcScores: ad.random.normal([4, 4], 1), projective: true, singleRoot: true });
 * parser.marginals();         // [4, 4]: p(arc h → m)
 * parser.argmax().heads;      // e.g. [2, 0, 2]: word 2 is the root's one dependent
 */
export class DependencyCRF {
  readonly batched: boolean;
  readonly arcScores: Tensor; // always [B, n + 1, n + 1]
  readonly projective: boolean;
  readonly singleRoot: boolean;
  readonly lengths: readonly number[];
  private maskMade: Tensor | null = null;

  constructor(options: DependencyCRFOptions);
  constructor(options: DependencyCRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('DependencyCRF', 'DependencyCRF(options)', extra, options);
    const op = 'DependencyCRF';
    optionsObject(options, op, 'new ad.DependencyCRF({ arcScores /* [n + 1, n + 1] */, projective: true })', ['arcScores', 'projective', 'singleRoot', 'lengths']);
    const given = batchedScores(options.arcScores, 2, op, 'arcScores', '[n + 1, n + 1]');
    this.batched = given.batched;
    const [B, N, N2] = given.scores.shape as [number, number, number];
    if (N < 2 || N2 !== N) throw wrongShape(op, 'arcScores', '[n + 1, n + 1] (square, the root and n ≥ 1 words)', options.arcScores as Tensor);
    for (const name of ['projective', 'singleRoot'] as const) {
      const v = options[name];
      if (typeof v !== 'boolean' && !(name === 'singleRoot' && v === undefined)) {
        throw new InvalidArgumentError(`${op}: ${name} must be true or false, got ${describe(v)}; pass e.g. { arcScores, projective: true${name === 'singleRoot' ? ', singleRoot: true' : ''} }.`);
      }
    }
    this.projective = options.projective;
    this.singleRoot = options.singleRoot ?? false;
    this.lengths = lengthsOption(options.lengths, B, N - 1, op);
    // Arcs into the root, self-loops and arcs past a sentence's length are never read (batch.ts):
    // NaN or +∞ there made the Matrix-Tree log Z NaN (+∞ + the mask's −∞), and crossEntropy NaN.
    const keep = new Array<number>(B * N * N).fill(0);
    this.lengths.forEach((len, b) => { for (let h = 0; h <= len; h++) for (let m = 1; m <= len; m++) if (h !== m) keep[(b * N + h) * N + m] = 1; });
    this.arcScores = usedEntries(given.scores, keep, [B, N, N]);
  }

  /** 0 on the arcs a sentence can use, −∞ on arcs into the root, self-loops and padding; made when first needed (not by log Z of a projective model). */
  private get mask(): Tensor {
    return (this.maskMade ??= arcMask(this.lengths, this.arcScores.shape[1]!));
  }

  /** log Z [B]: projective by the log-semiring Eisner kernels (eisnerLog.ts, which ignore the arcs the mask forbids), else the Matrix-Tree theorem. */
  private logZ(arcs: Tensor): Tensor {
    if (!this.projective) return matrixTreeLogPartition(add(arcs, this.mask), this.lengths, this.singleRoot);
    // The kernels, or (while exporting to ONNX: core/genericPrograms.ts) the program they stand for.
    // Both read the arcs less each word's best (centredArcs, and the kernels' loops).
    if (!genericPrograms.on) return eisnerLogPartition(arcs, this.lengths, this.singleRoot);
    const { centred, shift } = this.centred(arcs);
    return add(eisner(log, add(centred, this.mask), this.lengths, this.singleRoot), shift);
  }

  /**
   * The arc scores less each word's best usable score, and the sum of those (eisnerLog.ts's
   * centredArcs): log Z, the marginals and the entropy computed from scores near 0. At scores of
   * 1e10 with ties, Eisner's α + β − log Z (of size 3e10) had lost 1e-6 to rounding, and from about
   * 1e16 each of k tied alternatives got marginal 1 and the entropy lost its log k; the
   * non-projective entropy log Z − E[score] cancelled the same way.
   */
  private centred(arcs: Tensor): { centred: Tensor; shift: Tensor } {
    return centredArcs(arcs, this.mask);
  }

  /** The semiring sum over projective trees (log Z, best score, entropy, Z). Projective models only. */
  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.sum', 'DependencyCRF.sum(semiring)', extra, semiring);
    const op = 'DependencyCRF.sum';
    semiringArg(semiring, op);
    if (!this.projective) {
      throw new InvalidArgumentError(`${op}: a non-projective DependencyCRF is a determinant (the Matrix-Tree theorem), not a semiring dynamic program; use logPartition(), marginals(), entropy() and argmax(), or pass projective: true.`);
    }
    if (semiring === log) return unbatch(this.logZ(this.arcScores), this.batched);
    // The entropy, like log Z, from scores near 0 (centred); the other semirings' values are scores.
    const arcs = semiring === entropy ? this.centred(this.arcScores).centred : this.arcScores;
    return unbatch(eisner(semiring, add(arcs, this.mask), this.lengths, this.singleRoot), this.batched);
  }

  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.logPartition', 'DependencyCRF.logPartition()', extra);
    return unbatch(this.logZ(this.arcScores), this.batched);
  }

  /** arcs[h, m] = p(the tree has the arc h → m), ∂ log Z / ∂ arcScores; 0 on unusable arcs. Differentiable again. */
  marginals(): Tensor;
  marginals(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.marginals', 'DependencyCRF.marginals()', extra);
    return unbatch(grad((a: Tensor) => sum(this.logZ(a)))(this.arcScores) as Tensor, this.batched);
  }

  /**
   * The entropy of p(tree) in nats: the entropy semiring for projective trees; for non-projective
   * ones H = log Z − Σ marginals ⊙ arcScores (unusable arcs, of marginal 0, left out so −∞ adds nothing).
   */
  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.entropy', 'DependencyCRF.entropy()', extra);
    if (this.projective) return this.sum(entropy);
    const marginals = grad((a: Tensor) => sum(this.logZ(a)))(this.arcScores) as Tensor;
    // From the centred scores: log Z and E[score] both less Σ c_m, so that they do not cancel to
    // rounding at large offsets (scores of 1e15 + x had H off by 0.06).
    const { centred } = this.centred(this.arcScores);
    const usable = where(equal(add(centred, this.mask), -Infinity), 0, centred);
    const logZ = this.logZ(centred);
    const expected = sum(mul(marginals, usable), [1, 2]);
    return unbatch(where(equal(logZ, -Infinity), 0, sub(logZ, expected)), this.batched);
  }

  /**
   * The best tree and its score (arrays for a batch). Projective: read off the argmax semiring's
   * gradient (the indicator of one best tree's arcs; ties to the first alternative of Eisner's
   * algorithm). Non-projective: the maximum spanning arborescence. When no tree has a finite score
   * the score is −∞ and the tree is some tree.
   */
  argmax(): HeadsAndScore | HeadsAndScore<number[][], number[]>;
  argmax(...extra: unknown[]): HeadsAndScore | HeadsAndScore<number[][], number[]> {
    if (extra.length > 0) extraArguments('DependencyCRF.argmax', 'DependencyCRF.argmax()', extra);
    unmapped(this, 'DependencyCRF.argmax');
    const [, N] = this.arcScores.shape as [number, number, number];
    let trees: number[][];
    if (this.projective) {
      const { flow } = argmaxFlow((a: Tensor) => eisner(argmaxSemiring, add(a, this.mask), this.lengths, this.singleRoot), this.arcScores);
      trees = this.lengths.map((_, b) => this.headsFromFlow(flow, b));
    } else {
      const scores = stopGradient(add(this.arcScores, this.mask)).values;
      trees = this.lengths.map((len, b) => bestTree(len, (h, m) => scores[(b * N + h) * N + m]!, this.singleRoot));
    }
    const score = Array.from(stopGradient(this.scoreAs(this.batched ? trees : trees[0], 'DependencyCRF.argmax')).values.slice());
    return this.batched ? { heads: trees, score } : { heads: trees[0]!, score: score[0]! };
  }

  /**
   * The cross-entropy H(p, q) = −Σ_y p(y) log q(y) in nats, p this model and q `other` (a model of
   * the same kind, shapes, lengths and options): log Z_q − E_p[score_q], where E_p[score_q] = Σ μ_p · θ_q
   * is one forward-mode derivative of log Z_p (divergence.ts). +∞ where p gives probability to a
   * structure q forbids; 0 where p has none. Non-projective models too (μ_p from the Matrix-Tree theorem). Differentiable in both models (one per item for a batch).
   */
  crossEntropy(other: DependencyCRF): Tensor;
  crossEntropy(other: DependencyCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.crossEntropy', 'DependencyCRF.crossEntropy(other)', extra, other);
    return unbatch(crossEntropyOf(this.scoreForm(), other instanceof DependencyCRF ? other.scoreForm() : null, 'DependencyCRF.crossEntropy'), this.batched);
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: DependencyCRF): Tensor;
  kl(other: DependencyCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.kl', 'DependencyCRF.kl(other)', extra, other);
    return unbatch(klOf(this.scoreForm(), other instanceof DependencyCRF ? other.scoreForm() : null, 'DependencyCRF.kl'), this.batched);
  }

  private scoreForm(): ScoreForm {
    return {
      scores: [this.arcScores],
      logZ: ([arcs]) => this.logZ(arcs!),
      structure: `projective ${this.projective}, singleRoot ${this.singleRoot}, lengths [${this.lengths.join(', ')}]`,
      entropy: () => this.entropy(), // centred already (its own centring): accurate at any offset
      countFixed: ['item'], // a tree of n words: n arcs
    };
  }

  /**
   * The k best projective trees and their scores, best first (`{ heads, score }`, arrays of k; per
   * sentence for a batch), from Eisner's algorithm in the kmax semiring: the i-th score's gradient
   * is the indicator of the i-th best tree's arcs. Trees of score −∞ are left out; ties follow the
   * algorithm's first alternatives (`topk(1)` is `argmax()`). Projective models only: k-best
   * spanning arborescences (Camerini et al. 1980) are not a semiring program and are not offered.
   */
  topk(k: number): HeadsAndScore<number[][], number[]> | HeadsAndScore<number[][][], number[][]>;
  topk(k: number, ...extra: unknown[]): HeadsAndScore<number[][], number[]> | HeadsAndScore<number[][][], number[][]> {
    if (extra.length > 0) extraArguments('DependencyCRF.topk', 'DependencyCRF.topk(k)', extra, k);
    unmapped(this, 'DependencyCRF.topk');
    if (!this.projective) {
      throw new InvalidArgumentError('DependencyCRF.topk: a non-projective DependencyCRF is a determinant (the Matrix-Tree theorem), not a semiring dynamic program, so it has no k-best trees here; use argmax() for the best tree, or pass projective: true.');
    }
    const found = kBest('DependencyCRF.topk', k, (semiring, a) => eisner(semiring, add(a, this.mask), this.lengths, this.singleRoot), this.arcScores, (flow, b) => this.headsFromFlow(flow, b));
    return kBestResult('heads', found, this.batched);
  }

  /**
   * `count` trees drawn exactly from p (an array of head arrays, as `topk`'s; one per sentence for
   * a batch); `key` is a key from `ad.random.key` or an integer seed (same key, same samples).
   * Projective: by sampling through Eisner's algorithm in the sample semiring (sample.ts).
   * Non-projective: by Wilson's algorithm (wilson.ts), loop-erased random walks from each word to
   * the root, each step to a head drawn in proportion to exp(arc score); with one root dependent,
   * that word is drawn first from the root arcs' marginals. Where the walks would circle for long
   * (words that prefer each other by tens of nats: about e^c steps), the tree is drawn word by word
   * from the model's marginals given the heads drawn before, exact too. When no tree has a finite score every
   * sample is the tree `argmax` reports (score −∞).
   */
  sample(count: number, key: Key | number): number[][] | number[][][];
  sample(count: number, key: Key | number, ...extra: unknown[]): number[][] | number[][][] {
    if (extra.length > 0) extraArguments('DependencyCRF.sample', 'DependencyCRF.sample(count, key)', extra, key);
    unmapped(this, 'DependencyCRF.sample');
    const op = 'DependencyCRF.sample';
    if (this.projective) {
      const found = sampleStructures(count, key, op, (semiring, a) => eisner(semiring, add(a, this.mask), this.lengths, this.singleRoot), this.arcScores, (flow, b) => this.headsFromFlow(flow, b));
      return this.batched ? found : found[0]!;
    }
    sampleCount(count, op);
    const root = toKey(key, op);
    const N = this.arcScores.shape[1]!;
    const scores = stopGradient(add(this.arcScores, this.mask)).values.slice();
    const marginals = this.singleRoot ? stopGradient(grad((a: Tensor) => sum(this.logZ(a)))(this.arcScores) as Tensor).values.slice() : null;
    // Sample s of sentence b draws from foldIn(foldIn(key, b), s): one stream per sentence.
    // Where the walks would not end: the marginals of sentence b with each fixed word's other heads forbidden.
    const headMarginals = (b: number, len: number) => (fixed: Int32Array) => {
      const a = new Float64Array((len + 1) * (len + 1));
      for (let h = 0; h <= len; h++) {
        for (let m = 0; m <= len; m++) a[h * (len + 1) + m] = fixed[m]! >= 0 && fixed[m] !== h ? -Infinity : scores[(b * N + h) * N + m]!;
      }
      const p = new DependencyCRF({ arcScores: tensor(a, [len + 1, len + 1]), projective: false, singleRoot: this.singleRoot }).marginals().values.slice();
      return (h: number, m: number) => p[h * (len + 1) + m]!;
    };
    const found = this.lengths.map((len, b) => wilsonSamples(
      len, (h, m) => scores[(b * N + h) * N + m]!, this.singleRoot, (r) => marginals![b * N * N + r]!, count, foldIn(root, b), headMarginals(b, len),
    ));
    return this.batched ? found : found[0]!;
  }

  /** The heads of sentence b from a 0/1 flow over the arc scores [B, N, N]: the one arc into each word. */
  private headsFromFlow(flow: Float64Array, b: number): number[] {
    const N = this.arcScores.shape[1]!;
    const len = this.lengths[b]!;
    return Array.from({ length: len }, (_, i) => {
      for (let h = 0; h <= len; h++) if (flow[(b * N + h) * N + i + 1]! > 0) return h;
      throw new Error('internal: the flow has no arc into a word');
    });
  }

  /** The score of a tree (heads per batch item for a batch), differentiable. */
  score(heads: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  score(heads: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.score', 'DependencyCRF.score(heads)', extra, heads);
    return unbatch(this.scoreAs(heads, 'DependencyCRF.score'), this.batched);
  }

  /** log p(tree) = score − log Z (−∞ for a forbidden tree, also when every tree is). */
  logProbability(heads: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  logProbability(heads: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('DependencyCRF.logProbability', 'DependencyCRF.logProbability(heads)', extra, heads);
    return logProbabilityOf(unbatch(this.scoreAs(heads, 'DependencyCRF.logProbability'), this.batched), this.logPartition());
  }

  /** [B] scores of checked trees. */
  private scoreAs(heads: unknown, op: string): Tensor {
    return forEachStructure(heads, op, () => this.scoreOnce(heads, op));
  }

  private scoreOnce(heads: unknown, op: string): Tensor {
    const [B, N] = this.arcScores.shape as [number, number, number];
    const items = perItem<readonly number[]>(heads, this.batched, B, op, 'heads array');
    const flat = reshape(this.arcScores, [B * N * N]);
    return stack(items.map((hs, b) => {
      const ok = checkHeads(hs, this.lengths[b]!, this.projective, this.singleRoot, op, this.batched ? `heads[${b}]` : 'heads');
      return sum(take(flat, ok.map((h, i) => (b * N + h) * N + i + 1)));
    }), 0);
  }
}

/**
 * Chu–Liu/Edmonds. With one root dependent, the root's arcs weigh [−1, score] and the others
 * [0, score]: the lexicographic optimum has the fewest root dependents, then the best score, so it
 * is the best single-root tree whenever one exists (one run, not one per root dependent). When no
 * tree of finite score exists (or none with one root dependent), some valid tree of score −∞.
 */
function bestTree(n: number, arc: (h: number, m: number) => number, singleRoot: boolean): number[] {
  const tree = maxArborescence(n + 1, (h, m) => {
    const s = arc(h, m);
    return s === -Infinity ? [-Infinity, -Infinity] : [singleRoot && h === 0 ? -1 : 0, s];
  });
  const ok = tree !== null && (!singleRoot || tree.filter((h) => h === 0).length === 1);
  // Otherwise word 1 on the root, every other word on word 1 (a valid tree either way).
  return ok ? tree.slice(1) : someTree(n);
}
