/** @file scan: a loop over steps with a carry, reversed in bounded memory by binomial checkpointing. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, zeros } from '../tensor/create.js';
import { ReverseTrace, unbox, type Trace } from '../core/trace.js';
import { flatten, unflatten, type PyTree, type TensorLikeTree, type TensorTree, type TupleInferred, type CarryLike } from '../core/pytree.js';
import { retainKept } from '../core/memory.js';
import { reshape, stack, take } from '../ops/shape.js';
import { flip } from '../ops/rearrange.js';
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { recordRegion, regionTrace, runCapturing } from './customNode.js';
import { probeStep, scanLength, splitResult, type StepShapes } from './scanStep.js';
import { CheckpointedLoop, newStats, type LoopStats, type StepFn } from './loop.js';
import { checkLoopFunction, checkOptions, checkStats, resolveCheckpoints, type Checkpoints } from './loopArgs.js';
import { leavesLike, noExtraArguments } from './args.js';
import { holdsKey, keysAsWords, wordsAsKeys } from './keyCarry.js';
import { BelowBatch, CarryBatchedLater, batchOverReverse } from './belowBatch.js';
import { BelowJvp, TangentLater, jvpOverReverse } from './belowJvp.js';
import { recordTwoLevel, reverseRightBelow } from './twoLevel.js';

export type { Checkpoints } from './loopArgs.js';

export interface ScanOptions<Xs = PyTree> {
  /** Number of steps; optional when `xs` gives it (its leaves' leading axis). */
  length?: number | undefined;
  /** Per-step inputs: a pytree whose leaves all have leading axis n; step t receives slice t. */
  xs?: Xs | undefined;
  /**
   * 'all' (default) keeps every step's residuals; a number c keeps at most c carries (the
   * initial one included) and recomputes the rest by revolve's optimal schedule; 'sqrt' uses
   * c = ⌈√n⌉.
   */
  checkpoints?: Checkpoints | undefined;
  /** Filled in with counts (step calls, stored carries) as the scan and its backward pass run. */
  stats?: Partial<ScanStats> | undefined;
  /**
   * Run from the last row of xs to the first (jax.lax.scan's `reverse`): the same as reversing the
   * leading axes of xs and of ys, so ys come back in xs's order (default false).
   */
  reverse?: boolean | undefined;
  /** jax.lax.scan's unrolling hint (a count or a boolean), accepted for ported code: it changes no result here. */
  unroll?: number | boolean | undefined;
}

export type ScanStats = LoopStats;

/** What `step` receives as x: row t of `xs` (its structure, each leaf without the leading axis), or undefined without xs. */
export type ScanRow<Xs> = [Xs] extends [undefined] ? undefined : TensorTree<Xs>;

/**
 * What `scan` returns for a step returning R: the final carry when R is a carry (init's structure,
 * as at run time a result in init's nesting is the carry), else `[carry, ys]` for R = `[carry, y]`,
 * ys in y's structure, each leaf stacked along a new leading axis. A step declared apart from the
 * call returns a tuple only if it says so: `return [carry, y] as const`.
 */
export type ScanResult<Carry, R> = R extends CarryLike<Carry>
  ? TensorTree<Carry>
  : R extends readonly [unknown, infer Y]
    ? [TensorTree<Carry>, TensorTree<Y>]
    : never;

/**
 * What a step's result R must be besides itself: nothing more when it is a carry or `[carry, y]`;
 * otherwise a property named after the mistake, so that the call fails to compile with it. (R is
 * constrained only loosely, with a pair among its options, so that an array literal a step returns
 * is typed as a tuple; this check does the rest.)
 */
export type ScanStepCheck<Carry, R> = [ScanResult<Carry, R>] extends [never]
  ? { 'scan: step must return a carry in the structure of init, or [carry, y] (as const when step is declared apart)': never }
  : unknown;

/**
 * Runs `step` n times, threading a carry: carry_{t+1} = step(carry_t, xs[t]). If `step` returns
 * `[carry, y]`, the y's come back stacked along a new leading axis: the result is `[carry, ys]`;
 * otherwise it is the final carry. Carries, xs and ys are pytrees. `step` may close over tensors
 * being differentiated (an RNN's weights); their gradients arrive with every checkpointing choice.
 *
 * With `checkpoints: c`, reverse mode stores at most c carries and recomputes the rest in
 * revolve's order (Griewank & Walther 2000): one `valueAndGrad` makes exactly t(n, c) + n step
 * calls, the fewest possible, where t(n, c) = r·n − C(c + r, c + 1). Forward mode needs no
 * checkpoints; nested reverse levels are each checkpointed.
 * @example
 * const W = ad.random.normal([8, 8], 1, 0, 0.3);
 * const loss = (w) => ad.sum(ad.scan((h) => ad.tanh(ad.matmul(w, h)), ad.ones([8]), { length: 100, checkpoints: 5 }));
 * ad.grad(loss)(W); // same as with checkpoints: 'all', with 5 stored carries instead of 101
 * At length 0 the result keeps its form: `[init, ys]` with ys of leading axis 0 when step returns
 * `[carry, y]` (as `jax.lax.scan`). To learn that, step is called once on init and a zero row of
 * xs with nothing taped, and the result discarded.
 */
export function scan<Carry extends TupleInferred, R extends number | object | readonly [unknown, unknown], Xs = undefined>(
  step: (carry: TensorTree<Carry>, x: ScanRow<Xs>) => R & ScanStepCheck<Carry, R>, init: Carry, options?: ScanOptions<Xs>,
): ScanResult<Carry, R>;
/**
 * jax.lax.scan's positional form: `xs` (a tensor or an array of them; null with `length` in the
 * options) third, the options fourth.
 * @example ad.scan((s: ad.Tensor, x: ad.Tensor) => [ad.add(s, x), s] as const, ad.scalar(0), ad.arange(4)) // [6, [0, 0, 1, 3]]
 */
export function scan<Carry extends TupleInferred, R extends number | object | readonly [unknown, unknown], Xs extends Tensor | readonly unknown[] | null>(
  step: (carry: TensorTree<Carry>, x: ScanRow<Exclude<Xs, null>>) => R & ScanStepCheck<Carry, R>, init: Carry, xs: Xs,
  options?: Omit<ScanOptions<Xs>, 'xs'>,
): ScanResult<Carry, R>;
export function scan(stepFunction: (carry: never, x: never) => unknown, init: unknown, third?: unknown, ...extra: unknown[]): unknown {
  const step = stepFunction as (carry: unknown, x: unknown) => unknown;
  checkLoopFunction(step, 'scan', 'step', '(carry, x) => carry or [carry, y]');
  const options = positionalXs(third, extra);
  checkOptions(options, 'scan', ['length', 'xs', 'checkpoints', 'stats', 'reverse', 'unroll']);
  checkStats(options.stats, 'scan');
  const reverse = options.reverse ?? false;
  if (typeof reverse !== 'boolean') throw new InvalidArgumentError(`scan: option reverse must be true or false, got ${describe(reverse)}.`);
  const unroll = options.unroll;
  if (unroll !== undefined && typeof unroll !== 'boolean' && !(typeof unroll === 'number' && Number.isInteger(unroll) && unroll >= 1)) {
    throw new InvalidArgumentError(`scan: option unroll must be a whole number ≥ 1 or a boolean (a hint; it changes no result), got ${describe(unroll)}.`);
  }
  if (holdsKey(init)) return scanOverKeys(step, init, options);
  const initFlat = flatten(init, 'scan (init)');
  const initLeaves = initFlat.leaves.map((l) => asTensor(l, 'scan'));
  const xsFlat = options.xs === undefined ? null : flatten(options.xs, 'scan (xs)');
  // reverse: the rows of xs last to first, and the ys stacked back in xs's order (below, in assemble).
  const xsLeaves = xsFlat ? xsFlat.leaves.map((l) => (reverse ? flipRows(asTensor(l, 'scan')) : asTensor(l, 'scan'))) : [];
  const n = scanLength(options.length, xsLeaves);
  const c = resolveCheckpoints(options.checkpoints, n, 'scan');
  const stats = newStats(options.stats);
  const shapes: StepShapes = { carryDef: initFlat.def, carryShapes: initLeaves.map((l) => l.shape), pairs: null, yDef: null, yShapes: null };

  // Row t of each leaf along its axis: 0, or 1 for the batch's values when the loop runs below a
  // vmap (./belowBatch.ts), whose leading axis is the batch.
  const rows = (leaves: Tensor[], axes: readonly number[], t: number): Tensor[] =>
    leaves.map((x, i) => {
      const a = axes[i]!;
      return a === 0 ? reshape(take(x, [t], 0), x.shape.slice(1)) : reshape(take(x, [t], a), x.shape.filter((_, j) => j !== a));
    });
  // Without xs, step gets the carry alone (its x reads as undefined all the same): a step wrapped
  // as ad.checkpoint(body) — jax.lax.scan(jax.checkpoint(body), …) — would otherwise be called
  // with an undefined argument, which checkpoint refuses as a leaf ("the leaf at [1] is undefined").
  const callStep = (carry: Tensor[], xRowLeaves: Tensor[]) =>
    xsFlat ? step(unflatten(shapes.carryDef, carry), unflatten(xsFlat.def, xRowLeaves)) : (step as (carry: unknown) => unknown)(unflatten(shapes.carryDef, carry));
  const stepFn: StepFn = (carry, t, xRowLeaves) => {
    stats.stepCalls++;
    return splitResult(callStep(carry, xRowLeaves), shapes, t);
  };
  // The loop's result as flat leaves, its carry's then its ys' (stacked along yAxis), and in the
  // user's structure. Flat, because below a jvp (./belowJvp.ts) the loop carries more leaves than
  // init has (tangents beside primals) and its steps return more ys.
  const stackYs = (ys: Tensor[][], yAxis: number): Tensor[] =>
    ys.length === 0 ? shapes.yShapes!.map((shape) => zeros([0, ...shape])) : ys[0]!.map((_, i) => stack(ys.map((row) => row[i]!), yAxis));
  const assemble = (flat: Tensor[]): PyTree => {
    const out = unflatten(shapes.carryDef, flat.slice(0, k)) as PyTree;
    return shapes.pairs ? [out, unflatten(shapes.yDef!, reverse ? flat.slice(k).map(flipRows) : flat.slice(k)) as PyTree] : out;
  };

  // regionTrace replaces, in the array it is given, boxes of a paused trace by what they read as
  // there: inside a checkpoint or loop step being recorded, an init or xs read through a closure is
  // a box of the paused outer trace, which reads as an input of that recording. The region must
  // take those inputs, not the paused boxes (constants to the recording): a checkpointed scan whose
  // init a checkpoint, a checkpointed loop step or cg's matvec read through a closure gave that init
  // a zero gradient.
  const regionInputs = [...initLeaves, ...xsLeaves];
  const k = initLeaves.length;
  return assemble(loopAt(regionInputs, k, stepFn, xsLeaves.map(() => 0), 0));

  /**
   * The loop on leaves `inputs` (`kc` carry leaves, then xs's, rows taken along `xsAxes`), its ys
   * stacked along `yAxis`: one region on the reverse level it starts at, or under grad of vmap below
   * the batch, under grad of jvp below the forward trace. Flat leaves: the carry's, then the ys'.
   */
  function loopAt(inputs: Tensor[], kc: number, stepFn: StepFn, xsAxes: readonly number[], yAxis: number): Tensor[] {
    const top = regionTrace(inputs);
    if (c !== null && n > 0) {
      const forward = jvpOverReverse(top);
      if (forward !== null) return loopBelowJvp(new BelowJvp(forward), inputs, kc, stepFn, xsAxes, yAxis);
    }
    const batch = c !== null && n > 0 ? batchOverReverse(top) : null;
    if (batch === null) return runLoop(top, inputs, kc, stepFn, xsAxes, yAxis);
    // grad of vmap: the loop runs below the batch, so that the reverse level there checkpoints it
    // (./belowBatch.ts), every step boxed in a batch of its own. xs the batch maps are read with the
    // batch leading (row t one axis further), shared xs as they are; carries per-example where init
    // or a step makes them so; ys come out batch-leading.
    const below = new BelowBatch(batch);
    const init = inputs.slice(0, kc), xs = inputs.slice(kc);
    const xsMapped = xs.map((x) => below.mapped(x));
    const xsBelow = xs.map((x, i) => (xsMapped[i] ? x.below! : x));
    const carryMapped = below.carryMask(init, rows(xsBelow, xsAxes.map((a, i) => (xsMapped[i] ? a + 1 : a)), 0), xsMapped, (boxed) => {
      const r = stepFn(boxed.slice(0, kc), 0, boxed.slice(kc));
      return [...r.carry, ...r.y];
    });
    const boxedLeaves = [...carryMapped, ...xsMapped];
    const batchedStep: StepFn = (carry, t, xRowLeaves) => {
      let ys = 0;
      const out = below.step([...carry, ...xRowLeaves], boxedLeaves, (boxed) => {
        const r = stepFn(boxed.slice(0, kc), t, boxed.slice(kc));
        ys = r.y.length;
        return [...r.carry, ...r.y];
      }, (i) => i >= kc || carryMapped[i]!);
      return { carry: out.slice(0, out.length - ys), y: out.slice(out.length - ys) };
    };
    const inner = [...init.map((x, i) => below.carried(x, carryMapped[i]!)), ...xsBelow];
    try {
      const out = below.run(() => loopAt(inner, kc, batchedStep, xsAxes.map((a, i) => (xsMapped[i] ? a + 1 : a)), yAxis + 1));
      return below.rebox(out, (i) => i >= kc || carryMapped[i]!) as Tensor[];
    } catch (e) {
      if (!(e instanceof CarryBatchedLater && e.below === below)) throw e;
      return runLoop(top, inputs, kc, stepFn, xsAxes, yAxis); // every step taped in the batch
    }
  }

  /**
   * grad of jvp: the loop runs below the forward trace, so that the reverse level there checkpoints
   * it (./belowJvp.ts), as JAX's JVP of scan is a scan of the jvp'd step. Below it the loop carries
   * every carry leaf's primal, then the tangents of those that have one (at init, or given one by a
   * step); xs are their primals, then the tangents of those that have one; every y comes out with a
   * tangent (zeros where it has none).
   */
  function loopBelowJvp(below: BelowJvp, inputs: Tensor[], kc: number, stepFn: StepFn, xsAxes: readonly number[], yAxis: number): Tensor[] {
    const init = inputs.slice(0, kc), xs = inputs.slice(kc);
    const initP = init.map((x) => below.primal(x)), initT = init.map((x) => below.tangent(x));
    const xsP = xs.map((x) => below.primal(x)), xsT = xs.map((x) => below.tangent(x));
    const xsWith = xsT.flatMap((t, i) => (t === null ? [] : [i]));
    const stepCall = (t: number) => (boxed: Tensor[]) => {
      const r = stepFn(boxed.slice(0, kc), t, boxed.slice(kc));
      return [...r.carry, ...r.y];
    };
    const row0T = xsT.map((x, i) => (x === null ? null : rows([x], [xsAxes[i]!], 0)[0]!));
    const runWith = (mask: boolean[]): Tensor[] => {
      const carryWith = mask.flatMap((m, i) => (m ? [i] : []));
      const m = carryWith.length;
      const jvpStep: StepFn = (carry, t, xRow) => {
        const cT: Array<Tensor | null> = init.map(() => null);
        carryWith.forEach((i, j) => (cT[i] = carry[kc + j]!));
        const xT: Array<Tensor | null> = xs.map(() => null);
        xsWith.forEach((i, j) => (xT[i] = xRow[xs.length + j]!));
        const out = below.step([...carry.slice(0, kc), ...xRow.slice(0, xs.length)], [...cT, ...xT], stepCall(t), (i) => i >= kc || mask[i]!);
        return {
          carry: [...out.primals.slice(0, kc), ...carryWith.map((i) => out.tangents[i]!)],
          y: [...out.primals.slice(kc), ...(out.tangents.slice(kc) as Tensor[])],
        };
      };
      const inner = [...initP, ...carryWith.map((i) => initT[i] ?? zeros(initP[i]!.shape)), ...xsP, ...xsWith.map((i) => xsT[i]!)];
      const flat = below.run(() => loopAt(inner, kc + m, jvpStep, [...xsAxes, ...xsWith.map((i) => xsAxes[i]!)], yAxis));
      const ny = (flat.length - kc - m) / 2;
      return [
        ...initP.map((_, i) => below.rebox(flat[i]!, mask[i] ? flat[kc + carryWith.indexOf(i)]! : null)),
        ...Array.from({ length: ny }, (_, j) => below.rebox(flat[kc + m + j]!, flat[kc + m + ny + j]!)),
      ];
    };
    const mask = below.tangentMask(initP, initT, rows(xsP, xsAxes, 0), row0T, stepCall(0));
    try {
      return runWith(mask);
    } catch (e) {
      if (!(e instanceof TangentLater && e.below === below)) throw e;
      return runWith(mask.map(() => true)); // a later step gave a carry leaf a tangent: every leaf carries one
    }
  }

  /** The loop on `top`, on leaves `inputs` (`kc` carry leaves, then xs's, rows taken along `xsAxes`), its ys stacked along `yAxis`. */
  function runLoop(top: Trace | null, inputs: Tensor[], kc: number, stepFn: StepFn, xsAxes: readonly number[], yAxis: number): Tensor[] {
    const initIn = inputs.slice(0, kc);
    const xsIn = inputs.slice(kc);
    const xRow = (xs: Tensor[], t: number) => rows(xs, xsAxes, t);
    if (c === null || n === 0 || !(top instanceof ReverseTrace)) {
      // Every step on the tape of whatever transformation is running (or none): n step calls.
      stats.length = n;
      stats.checkpoints = n + 1;
      let carry = initIn;
      const ys: Tensor[][] = [];
      for (let t = 0; t < n; t++) {
        const r = stepFn(carry, t, xRow(xsIn, t));
        carry = r.carry;
        ys.push(r.y);
        stats.tapedSteps++;
      }
      stats.peakStoredCarries = n + 1;
      if (n === 0) probeStep((row) => callStep(initIn, row), xsIn, shapes);
      return shapes.pairs ? [...carry, ...stackYs(ys, yAxis)] : carry;
    }

    // One region node on `top`: the loop runs below it, reversed by revolve in its backward pass.
    const innerInit = initIn.map((x) => unbox(x, top));
    const innerXs = xsIn.map((x) => unbox(x, top));
    const loop = new CheckpointedLoop(top, stepFn, (t) => xRow(innerXs, t), innerInit, stats, true);
    let captured: Tensor[] = [];
    // grad of grad: the reverse level right below records the loop too, as two nodes (./twoLevel.ts).
    const outer = reverseRightBelow(top);
    const forward = () => {
      const { captured: advanceCaptured } = runCapturing(top, () => loop.start(n, c, outer !== null));
      captured = [...new Set([...advanceCaptured, ...loop.tapedCaptured])];
      // The region keeps xs and the closed-over values for its backward pass (init is a stored carry).
      retainKept(top, [...innerXs, ...captured.map((b) => b.primal!)]);
      return { out: shapes.pairs ? [...loop.finalCarry, ...stackYs(loop.ys, yAxis)] : loop.finalCarry, captured };
    };
    const backward = (ct: PyTree) => {
      const ctLeaves = flatten(ct, 'scan (cotangent)').leaves.map((l) => asTensor(l, 'scan'));
      const carryCt = ctLeaves.slice(0, kc);
      const ysCt = ctLeaves.slice(kc);
      const yCt = shapes.pairs ? (t: number) => rows(ysCt, ysCt.map(() => yAxis), t) : null;
      const r = loop.finish(carryCt, yCt, captured);
      const xsCts = innerXs.map((_, i) => stack(r.xRows.map((row) => row[i]!), xsAxes[i]!));
      return [...r.init, ...xsCts, ...r.captured];
    };
    if (outer !== null) return recordTwoLevel('scan', top, outer, inputs, { forward, backward, rerun: (ins) => loopAt(ins, kc, stepFn, xsAxes, yAxis) });
    const { out } = forward();
    return recordRegion('scan', top, inputs, { out, captured, backward }) as Tensor[];
  }
}

/**
 * scan with PRNG keys in its carry (as JAX programs carry them through lax.scan): the loop carries
 * their words (./keyCarry.ts) and `step` sees keys; keys among the ys come back as their stacked
 * words, [n, 2] (a batch of keys, as `random.keyData(keys)` gives).
 */
/** A leaf's leading axis reversed (a 0-d leaf has none: scanLength reports it). */
const flipRows = (x: Tensor): Tensor => (x.ndim === 0 ? x : flip(x, 0));

function scanOverKeys(step: (carry: unknown, x: unknown) => unknown, init: unknown, options: ScanOptions<unknown>): unknown {
  const words = keysAsWords(init);
  const carryDef = flatten(words, 'scan (init)').def;
  let pairs = false;
  const inner = scan as unknown as (f: (carry: unknown, x: unknown) => unknown, init: unknown, options: ScanOptions<unknown>) => unknown;
  const out = inner((carry, ...x) => {
    const result = keysAsWords((step as (carry: unknown, ...x: unknown[]) => unknown)(wordsAsKeys(carry, init, 'scan'), ...x));
    pairs = leavesLike(result, carryDef) === null; // not the carry itself: [carry, y] (scan checks it)
    return result;
  }, words, options);
  return pairs ? [wordsAsKeys((out as unknown[])[0], init, 'scan'), (out as unknown[])[1]] : wordsAsKeys(out, init, 'scan');
}

/**
 * The options of a scan call: the third argument, or — jax.lax.scan's form, xs positional — the
 * fourth with the third (a tensor, an array of them, or null) as `xs`.
 */
function positionalXs(third: unknown, extra: unknown[]): ScanOptions<unknown> {
  const form = 'scan(step, init, { xs, length, checkpoints, reverse }) or, as jax.lax.scan, scan(step, init, xs, { length, checkpoints, reverse })';
  // undefined as xs, with options after it, is xs left out (JAX's xs=None).
  const positional = third instanceof Tensor || Array.isArray(third) || third === null || (third === undefined && extra.length > 0);
  if (!positional) {
    noExtraArguments(extra, 'scan', `step, init and options: ${form}`);
    return (third ?? {}) as ScanOptions<unknown>;
  }
  if (extra.length > 1) noExtraArguments(extra.slice(1), 'scan', `step, init, xs and options: ${form}`);
  const options = extra[0] ?? {};
  checkOptions(options, 'scan', ['length', 'checkpoints', 'stats', 'reverse', 'unroll']);
  return third === null || third === undefined ? (options as ScanOptions<unknown>) : { ...(options as ScanOptions<unknown>), xs: third };
}
