/**
 * @file Alignment: monotonic alignments of T frames to a sequence of S states (each frame in one
 * state; from frame to frame stay, advance by one, or skip one where allowed), the lattice of CTC
 * (Graves et al. 2006) and of forced alignment. Only the forward algorithm is written, against a
 * semiring; occupation probabilities are its gradient.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { concat, reshape, slice, stack, take, transpose } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { grad } from '../transforms/vjp.js';
import type { Checkpoints } from '../transforms/scan.js';
import { argmaxSemiring, entropy, log, semiringZero, type Semiring } from './semirings.js';
import { runChain } from './chain.js';
import { logProbabilityOf } from './logProbability.js';
import { batchedScores, perItem, unbatch, usedEntries } from './batch.js';
import { checkpointsOption, forEachStructure, lengthsOption, optionsObject, semiringArg, unmapped, wrongShape } from './validate.js';
import { rowArgmax, rowsFromFlow } from './tagModel.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import type { Key } from '../random/key.js';
import type { StatesAndScore } from './results.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { ctcLogLikelihood, type CTCParams } from './ctcLog.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

export interface AlignmentOptions {
  /** scores[t, s]: frame t in state s, [T, S], or a padded batch [B, T, S]. */
  scores: Tensor;
  /** For a batch: each item's number of frames (1 … T); default T. */
  lengths?: readonly number[] | undefined;
  /** For a batch: each item's number of states (1 … S); default S. */
  states?: readonly number[] | undefined;
  /** skips[s]: a frame may move from state s − 2 straight to s (CTC: between different labels). One array, or one per item. Default none. */
  skips?: readonly boolean[] | readonly (readonly boolean[])[] | undefined;
  /** The first frame may be in states 0 … initialStates − 1 (default 1; CTC: 2, a blank or the first label). */
  initialStates?: number | undefined;
  /** The last frame may be in the last finalStates states (default 1; CTC: 2, the last label or the blank after it). */
  finalStates?: number | undefined;
  /** Checkpointing of the loop over frames (as for ad.scan): bounds the memory of the backward pass for long inputs. */
  checkpoints?: Checkpoints | undefined;
}

/**
 * A distribution over monotonic alignments a₀ … a_{T−1} of frames to states: a₀ < initialStates,
 * a_{T−1} among the last finalStates states, and a_{t+1} − a_t ∈ {0, 1}, or 2 where skips[a_{t+1}];
 * score(a) = Σ_t scores[t, a_t]. The forward algorithm (Rabiner 1989's α, on this lattice):
 *   α₀[s] = scores[0, s] for s < initialStates;
 *   α_{t+1}[s] = (α_t[s] ⊕ α_t[s − 1] ⊕ [skips[s]] α_t[s − 2]) ⊗ scores[t + 1, s];
 *   result = ⊕ over the final states of α_{T−1}.
 * Under the argmax semiring ties go to staying, then advancing by one, then skipping, and to the
 * lowest final state.
 * @example
 * const a = new ad.Alignment({ scores: ad.random.normal([5, 3], 1) });   // 5 frames through 3 states in order
 * a.marginals();          // [5, 3]: p(frame t is in state s)
 * a.argmax().states;      // e.g. [0, 0, 1, 2, 2]
 */
export class Alignment {
  readonly batched: boolean;
  readonly scores: Tensor; // always [B, T, S]
  readonly lengths: readonly number[];
  readonly states: readonly number[];
  private readonly skipScores: Tensor; // [B, S]: 0 where a skip into s is allowed, −∞ elsewhere
  private readonly initial: Tensor; // [B, S]
  private readonly final: Tensor; // [B, S]
  private readonly skips: boolean[][];
  private readonly initialStates: number;
  private readonly finalStates: number;
  readonly checkpoints: Checkpoints;

  constructor(options: AlignmentOptions);
  constructor(options: AlignmentOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('Alignment', 'Alignment(options)', extra, options);
    const op = 'Alignment';
    optionsObject(options, op, 'new ad.Alignment({ scores /* [T, S] */ })', ['scores', 'lengths', 'states', 'skips', 'initialStates', 'finalStates', 'checkpoints']);
    const given = batchedScores(options.scores, 2, op, 'scores', '[T, S]');
    this.batched = given.batched;
    const [B, T, S] = given.scores.shape as [number, number, number];
    if (T < 1 || S < 1) throw wrongShape(op, 'scores', '[T, S] with T ≥ 1 frames and S ≥ 1 states', options.scores as Tensor);
    this.lengths = lengthsOption(options.lengths, B, T, op);
    this.states = lengthsOption(options.states, B, S, op, 'states');
    this.initialStates = count(options.initialStates, 'initialStates', op);
    this.finalStates = count(options.finalStates, 'finalStates', op);
    this.skips = skipsOption(options.skips, B, S, op);
    this.checkpoints = checkpointsOption(options.checkpoints, op);
    // Only the cells some alignment passes through are read (batch.ts): frames past an item's
    // length and states past its count, and inside them the cells no allowed path reaches. NaN or
    // +∞ there made the entropy and the real semiring NaN and argmax, topk and sample wrong (an
    // argmax outside the lattice, with log Z right: its kernel never met them).
    this.scores = usedEntries(given.scores, this.cellsOnPaths(B, T, S), [B, T, S]);
    const mask = (f: (s: number, b: number) => boolean) =>
      tensor(Array.from({ length: B * S }, (_, k) => (f(k % S, Math.floor(k / S)) ? 0 : -Infinity)), [B, S]);
    this.skipScores = mask((s, b) => this.skips[b]![s]!);
    this.initial = mask((s, b) => s < Math.min(this.initialStates, this.states[b]!));
    this.final = mask((s, b) => s < this.states[b]! && s >= this.states[b]! - this.finalStates);
  }

  /**
   * 1 for each cell (b, t, s) on at least one allowed alignment of item b, else 0: s reachable at
   * frame t from the initial states by the allowed moves (stay, advance, skip into s where skips
   * allows), and the final states reachable from it by frame lengths[b] − 1.
   */
  private cellsOnPaths(B: number, T: number, S: number): number[] {
    const keep = new Array<number>(B * T * S).fill(0);
    for (let b = 0; b < B; b++) {
      const n = this.lengths[b]!, m = this.states[b]!, skip = this.skips[b]!;
      const ahead = Array.from({ length: n }, () => new Uint8Array(m)); // reached from the start
      for (let s = 0; s < Math.min(this.initialStates, m); s++) ahead[0]![s] = 1;
      for (let t = 1; t < n; t++) {
        for (let s = 0; s < m; s++) {
          const p = ahead[t - 1]!;
          ahead[t]![s] = p[s]! || (s >= 1 && p[s - 1]!) || (s >= 2 && skip[s] && p[s - 2]!) ? 1 : 0;
        }
      }
      let behind = new Uint8Array(m); // reaches a final state by the last frame
      for (let s = Math.max(0, m - this.finalStates); s < m; s++) behind[s] = 1;
      for (let t = n - 1; t >= 0; t--) {
        for (let s = 0; s < m; s++) if (ahead[t]![s] && behind[s]) keep[(b * T + t) * S + s] = 1;
        const earlier = new Uint8Array(m);
        for (let s = 0; s < m; s++) earlier[s] = behind[s]! || (s + 1 < m && behind[s + 1]!) || (s + 2 < m && skip[s + 2] && behind[s + 2]!) ? 1 : 0;
        behind = earlier;
      }
    }
    return keep;
  }

  /**
   * The semiring sum of every item [B]. The log semiring's runs as the lattice kernels that
   * ctcLoss uses (ctcLog.ts, with C = S and ext[b, s] = s: scores[b, t, s] read as logProbs[t, b, s]),
   * one typed-array pass for log Z and one for its gradient instead of about fifteen small ops per
   * frame, exact to every order (their higher derivatives differentiate the program below); other
   * semirings, and the log semiring while exporting to ONNX (core/genericPrograms.ts), run the
   * forward algorithm as written (`genericSumOf`).
   */
  private sumOf(semiring: Semiring, scores: Tensor): Tensor {
    if (semiring !== log || genericPrograms.on) return this.genericSumOf(semiring, scores);
    const [B, , S] = scores.shape as [number, number, number];
    const ext = new Int32Array(B * S), skip = new Uint8Array(B * S);
    for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) { ext[b * S + s] = s; skip[b * S + s] = this.skips[b]![s]! ? 1 : 0; }
    const params: CTCParams = {
      S, ext, frames: this.lengths, states: this.states, checkpoints: this.checkpoints,
      lattice: { skip, initial: this.initialStates, final: this.finalStates },
    };
    return ctcLogLikelihood(transpose(scores, [1, 0, 2]), params);
  }

  /** log Z of every item [B] (one per item, unbatched for a single alignment) by the generic program, which the kernels stand for. @internal */
  genericLogPartition(): Tensor {
    return unbatch(this.genericSumOf(log, this.scores), this.batched);
  }

  private genericSumOf(semiring: Semiring, scores: Tensor): Tensor {
    const [B, T, S] = scores.shape as [number, number, number];
    const R = semiring.size;
    const skip = semiring.convert(this.skipScores);
    // α shifted right by k states along the last axis, the semiring's zero coming in.
    const shifted = (a: Tensor, k: number) => k >= S ? semiringZero(semiring, [B, S])
      : concat([semiringZero(semiring, [B, k]), slice(a, [0, 0, 0], [R, B, S - k])], 2);
    const init = add(reshape(slice(scores, [0, 0, 0], [B, 1, S]), [B, S]), this.initial);
    const steps = T > 1 ? transpose(semiring.convert(slice(scores, [0, 1, 0], [B, T - 1, S])), [2, 0, 1, 3]) : null; // [T − 1, R, B, S]
    const step = (a: Tensor, e: Tensor) =>
      semiring.times(semiring.sum(stack([a, shifted(a, 1), semiring.times(shifted(a, 2), skip)], 1), 0), e);
    return runChain(semiring, { init, final: this.final, lengths: this.lengths }, steps, step, this.checkpoints);
  }

  /** The semiring sum over alignments: log Z (log), best score (max), entropy (entropy), Z (real). */
  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.sum', 'Alignment.sum(semiring)', extra, semiring);
    return unbatch(this.sumOf(semiringArg(semiring, 'Alignment.sum'), this.scores), this.batched);
  }

  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.logPartition', 'Alignment.logPartition()', extra);
    return this.sum(log);
  }

  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.entropy', 'Alignment.entropy()', extra);
    return this.sum(entropy);
  }

  /** p(frame t is in state s) = ∂ log Z / ∂ scores[t, s]; 0 past an item's frames or states. Differentiable again. */
  marginals(): Tensor;
  marginals(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.marginals', 'Alignment.marginals()', extra);
    return unbatch(grad((x: Tensor) => sum(this.sumOf(log, x)))(this.scores) as Tensor, this.batched);
  }

  /**
   * The best alignment (one state per frame) and its score, read off the argmax semiring's
   * gradient. When every alignment scores −∞ the states are those of the first alignment the
   * lattice allows (traced with every score 0), or null when the lattice allows none (too few
   * frames to reach the final states).
   */
  argmax(): StatesAndScore<number[] | null> | StatesAndScore<(number[] | null)[], number[]>;
  argmax(...extra: unknown[]): StatesAndScore<number[] | null> | StatesAndScore<(number[] | null)[], number[]> {
    if (extra.length > 0) extraArguments('Alignment.argmax', 'Alignment.argmax()', extra);
    unmapped(this, 'Alignment.argmax');
    const [B, T, S] = this.scores.shape as [number, number, number];
    const trace = (x: Tensor) => {
      const { best, flow } = argmaxFlow((y: Tensor) => this.sumOf(argmaxSemiring, y), x);
      return { best: Array.from(best.values), flow };
    };
    const scored = trace(this.scores);
    const dead = scored.best.map((s) => s === -Infinity);
    const structural = dead.some((d) => d) ? trace(where(tensor(dead.map(Number), [B, 1, 1]), 0, this.scores)) : scored;
    const [own, allowed] = [rowsFromFlow(scored.flow, this.lengths, T, S), rowsFromFlow(structural.flow, this.lengths, T, S)];
    const paths = this.lengths.map((_, b) => (!dead[b] ? own[b]! : structural.best[b] === -Infinity ? null : allowed[b]!));
    return this.batched ? { states: paths, score: scored.best } : { states: paths[0]!, score: scored.best[0]! };
  }

  /**
   * The k best alignments and their scores, best first (`{ states, score }`, arrays of k; per item
   * for a batch), from the kmax semiring: the i-th score's gradient is the indicator of the i-th
   * best alignment. Alignments of score −∞ are left out (so a lattice with none gives empty
   * arrays); ties follow the forward algorithm's first alternatives (`topk(1)` is `argmax()`).
   */
  topk(k: number): StatesAndScore<number[][], number[]> | StatesAndScore<number[][][], number[][]>;
  topk(k: number, ...extra: unknown[]): StatesAndScore<number[][], number[]> | StatesAndScore<number[][][], number[][]> {
    if (extra.length > 0) extraArguments('Alignment.topk', 'Alignment.topk(k)', extra, k);
    unmapped(this, 'Alignment.topk');
    const [, T, S] = this.scores.shape as [number, number, number];
    const read = (flow: Float64Array, b: number) => Array.from({ length: this.lengths[b]! }, (_, t) => rowArgmax(flow, (b * T + t) * S, S));
    return kBestResult('states', kBest('Alignment.topk', k, (semiring, x) => this.sumOf(semiring, x), this.scores, read), this.batched);
  }

  /**
   * `count` alignments drawn exactly from p (an array of state arrays, as `topk`'s; one per item for
   * a batch), by forward filtering and backward sampling through the sample semiring (sample.ts);
   * `key` is a key from `ad.random.key` or an integer seed (same key, same samples). An item whose
   * every alignment scores −∞ gets `argmax()`'s alignment each time (the first the lattice allows),
   * as the other models' samples do when every structure is forbidden: the walk's first
   * alternatives there need not end in a final state. An item whose lattice allows no alignment at
   * all (too few frames to reach the final states; `argmax()` gives null, `topk` nothing) has
   * nothing to draw from: an InvalidArgumentError names it.
   */
  sample(count: number, key: Key | number): number[][] | number[][][];
  sample(count: number, key: Key | number, ...extra: unknown[]): number[][] | number[][][] {
    if (extra.length > 0) extraArguments('Alignment.sample', 'Alignment.sample(count, key)', extra, key);
    unmapped(this, 'Alignment.sample');
    const [, T, S] = this.scores.shape as [number, number, number];
    const logZ = stopGradient(this.sumOf(log, this.scores)).values;
    let paths: (number[] | null)[] = [];
    if (logZ.some((z) => z === -Infinity)) {
      const best = this.argmax().states;
      paths = (this.batched ? best : [best]) as (number[] | null)[];
      const none = paths.findIndex((path) => path === null);
      if (none >= 0) {
        // Returned before as the walk's first alternatives: states that need not end in a final one.
        const item = this.batched ? `item ${none} (${this.lengths[none]} frames, ${this.states[none]} states)` : `the lattice (${this.lengths[0]} frames, ${this.states[0]} states)`;
        throw new InvalidArgumentError(
          `Alignment.sample: ${item} allows no alignment at all — no path of one state per frame starts in the first ${this.initialStates} state(s), ends in the last ${this.finalStates} and moves by 0, 1 (or 2 where skips allow) each frame — so there is nothing to draw (argmax() gives null and topk() nothing there). Give it more frames, more initialStates or finalStates, or skips.`,
        );
      }
    }
    const read = (flow: Float64Array, b: number) => Array.from({ length: this.lengths[b]! }, (_, t) => rowArgmax(flow, (b * T + t) * S, S));
    const found = sampleStructures(count, key, 'Alignment.sample', (semiring, x) => this.sumOf(semiring, x), this.scores, read);
    paths.forEach((path, b) => { if (logZ[b] === -Infinity) found[b] = found[b]!.map(() => [...path!]); });
    return this.batched ? found : found[0]!;
  }


  /**
   * The cross-entropy H(p, q) = −Σ_y p(y) log q(y) in nats, p this model and q `other` (a model of
   * the same kind, shapes, lengths and options): log Z_q − E_p[score_q], where E_p[score_q] = Σ μ_p · θ_q
   * is one forward-mode derivative of log Z_p (divergence.ts). +∞ where p gives probability to a
   * structure q forbids; 0 where p has none. Differentiable in both models (one per item for a batch).
   */
  crossEntropy(other: Alignment): Tensor;
  crossEntropy(other: Alignment, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.crossEntropy', 'Alignment.crossEntropy(other)', extra, other);
    return unbatch(crossEntropyOf(this.scoreForm(), other instanceof Alignment ? other.scoreForm() : null, 'Alignment.crossEntropy'), this.batched);
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: Alignment): Tensor;
  kl(other: Alignment, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.kl', 'Alignment.kl(other)', extra, other);
    return unbatch(klOf(this.scoreForm(), other instanceof Alignment ? other.scoreForm() : null, 'Alignment.kl'), this.batched);
  }

  private scoreForm(): ScoreForm {
    return {
      scores: [this.scores],
      logZ: ([x]) => this.sumOf(log, x!),
      structure: `lengths [${this.lengths.join(', ')}], states [${this.states.join(', ')}], skips ${JSON.stringify(this.skips)}, initialStates ${this.initialStates}, finalStates ${this.finalStates}`,
      entropy: () => this.entropy(), // nothing is centred (countFixed), so its own scores
      countFixed: [null], // paths of different lengths
    };
  }

  /** The score of an alignment (a state per frame; one array per item for a batch), differentiable. */
  score(states: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  score(states: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.score', 'Alignment.score(states)', extra, states);
    return this.scoreAs(states, 'Alignment.score');
  }

  /** log p(alignment) = score − log Z. */
  logProbability(states: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  logProbability(states: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('Alignment.logProbability', 'Alignment.logProbability(states)', extra, states);
    return logProbabilityOf(this.scoreAs(states, 'Alignment.logProbability'), this.logPartition());
  }

  private scoreAs(states: unknown, op: string): Tensor {
    return forEachStructure(states, op, () => this.scoreOnce(states, op));
  }

  private scoreOnce(states: unknown, op: string): Tensor {
    const [B, T, S] = this.scores.shape as [number, number, number];
    const flat = reshape(this.scores, [B * T * S]);
    const items = perItem<readonly number[]>(states, this.batched, B, op, 'alignment');
    return unbatch(stack(items.map((path, b) => {
      this.checkPath(path, b, op, this.batched ? `states[${b}]` : 'states');
      return sum(take(flat, path.map((s, t) => (b * T + t) * S + s)));
    }), 0), this.batched);
  }

  private checkPath(path: unknown, b: number, op: string, which: string): void {
    const [T, S] = [this.lengths[b]!, this.states[b]!];
    const want = `an array of ${T} states in 0 … ${S - 1}, one per frame, starting below ${this.initialStates}, ending in the last ${this.finalStates}, each step staying, advancing by 1, or by 2 where skips allow`;
    const fail = (why: string): never => { throw new InvalidArgumentError(`${op}: ${which} ${why}; pass ${want}.`); };
    if (!Array.isArray(path) || path.length !== T) fail(`is ${Array.isArray(path) ? `${path.length} states long` : describe(path)}`);
    const p = path as number[];
    p.forEach((s, t) => {
      if (!Number.isInteger(s) || s < 0 || s >= S) fail(`has state ${describe(s)} at frame ${t}`);
      const d = t === 0 ? 0 : s - p[t - 1]!;
      if (d < 0 || d > 2 || (d === 2 && !this.skips[b]![s])) fail(`moves from state ${p[t - 1]} to ${s} at frame ${t}`);
    });
    if (p[0]! >= this.initialStates) fail(`starts in state ${p[0]}`);
    if (p[T - 1]! < S - this.finalStates) fail(`ends in state ${p[T - 1]}`);
  }
}

function count(value: unknown, name: string, op: string): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || (value as number) < 1) throw new InvalidArgumentError(`${op}: ${name} must be an integer ≥ 1, got ${describe(value)}; pass e.g. ${name}: 2.`);
  return value as number;
}

/** skips as one boolean array of S per batch item. */
function skipsOption(skips: unknown, B: number, S: number, op: string): boolean[][] {
  if (skips === undefined) return Array.from({ length: B }, () => new Array<boolean>(S).fill(false));
  const row = (r: unknown, which: string): boolean[] => {
    if (!Array.isArray(r) || r.length !== S || r.some((x) => typeof x !== 'boolean')) {
      const entries: readonly unknown[] = Array.isArray(r) && r.length === S ? r : [];
      const i = entries.findIndex((x) => typeof x !== 'boolean');
      const got = i >= 0 ? `${which}[${i}] is ${describe(entries[i])}` : `got ${describe(r)}`;
      throw new InvalidArgumentError(`${op}: ${which} must be an array of ${S} booleans (one per state), ${got}.`);
    }
    return r as boolean[];
  };
  if (Array.isArray(skips) && Array.isArray(skips[0])) {
    if (skips.length !== B) throw new InvalidArgumentError(`${op}: skips has ${skips.length} rows for a batch of ${B}; pass one array of ${S} booleans, or one per item.`);
    return skips.map((r, b) => row(r, `skips[${b}]`));
  }
  const shared = row(skips, 'skips');
  return Array.from({ length: B }, () => shared);
}
