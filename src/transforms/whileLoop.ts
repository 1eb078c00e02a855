/** @file whileLoop: a loop whose length is known only when it ends, reversed in bounded memory. */
import { holdsKey, keysAsWords, wordsAsKeys } from './keyCarry.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { ReverseTrace, live, unbox } from '../core/trace.js';
import { flatten, unflatten, type PyTree, type TensorLikeTree, type TensorTree, type TreeDef, type TupleInferred, type CarryLike } from '../core/pytree.js';
import { describeTree, leavesLike, noExtraArguments } from './args.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { retainKept } from '../core/memory.js';
import { recordRegion, regionTrace, runCapturing } from './customNode.js';
import { CheckpointedLoop, newStats, type LoopStats, type StepFn } from './loop.js';
import { checkLoopFunction, checkOptions, checkStats, resolveCheckpoints, type Checkpoints } from './loopArgs.js';
import { anyExample, isBatched } from './vmap.js';
import { BelowBatch, CarryBatchedLater, batchOverReverse } from './belowBatch.js';
import { BelowJvp, TangentLater, jvpOverReverse } from './belowJvp.js';
import { recordTwoLevel, reverseRightBelow } from './twoLevel.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { where } from '../ops/select.js';
import { reshape } from '../ops/shape.js';

export interface WhileLoopOptions {
  /** 'all' (default), at most c stored carries, or 'sqrt' (at most ⌈√(i + 1)⌉ after i steps, so ⌈√n⌉ in the end). */
  checkpoints?: Checkpoints | undefined;
  /** Filled in with counts as the loop and its backward pass run. */
  stats?: Partial<LoopStats> | undefined;
  /** A guard against loops that never end (default: no limit). */
  maxIterations?: number | undefined;
}

/**
 * `while (cond(carry)) carry = body(carry)`, differentiable, with the trip count known only when
 * `cond` turns false (an optimizer run to convergence, a decode of unknown length). `cond` returns a
 * boolean or a one-element tensor (non-zero continues); it is not differentiated.
 *
 * With `checkpoints: c` reverse mode stores at most c carries, chosen online: the loop runs once,
 * untaped, keeping the carries a greedy rule picks as it goes (transforms/online.ts), and its
 * backward pass reverses each stretch between stored carries with revolve. That is n + R + n body
 * calls, R the reversal's recomputations, against the offline optimum t(n, c) + n that revolve
 * reaches when n is known in advance: never more than t(n, c) + 2n, and measured within 20% (plus
 * two calls) of the optimum for every n ≤ 2,000 and c ≤ 20 (docs/checkpointing.md has the figures).
 * @example
 * // Newton's iteration for √a, run to convergence; d√a/da = 1/(2√a)
 * const sqrtNewton = (a) => ad.whileLoop((x) => Math.abs(x.item() ** 2 - a.item()) > 1e-12,
 *   (x) => ad.mul(0.5, ad.add(x, ad.div(a, x))), a, { checkpoints: 3 });
 * ad.grad(sqrtNewton)(ad.tensor(4)); // 0.25
 */
export function whileLoop<C extends TupleInferred>(
  cond: (carry: TensorTree<NoInfer<C>>) => boolean | Tensor,
  body: (carry: TensorTree<NoInfer<C>>) => CarryLike<NoInfer<C>>,
  init: C,
  options?: WhileLoopOptions,
): TensorTree<C>;
export function whileLoop<C extends TupleInferred>(cond: (carry: C) => boolean | Tensor, body: (carry: C) => C, init: C, options: WhileLoopOptions = {}, ...extra: unknown[]): C {
  noExtraArguments(extra, 'whileLoop', 'cond, body, init and options, whileLoop(cond, body, init, { checkpoints, maxIterations })');
  return runWhileLoop(cond, body, init, options);
}

/**
 * whileLoop as the runtime sees it: `cond` and `body` get the carry with its number leaves as tensors
 * (the public signature says so: TensorTree), typed here as the carry itself.
 */
function runWhileLoop<C>(cond: (carry: C) => boolean | Tensor, body: (carry: C) => C, init: C, options: WhileLoopOptions): C {
  checkLoopFunction(cond, 'whileLoop', 'cond', '(carry) => boolean');
  checkLoopFunction(body, 'whileLoop', 'body', '(carry) => next carry');
  checkOptions(options, 'whileLoop', ['checkpoints', 'stats', 'maxIterations']);
  checkStats(options.stats, 'whileLoop');
  if (holdsKey(init)) {
    // PRNG keys in the carry: the loop carries their words, cond and body see keys (./keyCarry.ts).
    const keys = (carry: C) => wordsAsKeys(carry, init, 'whileLoop') as C;
    return keys(runWhileLoop((c: C) => cond(keys(c)), (c: C) => keysAsWords(body(keys(c))) as C, keysAsWords(init) as C, options));
  }
  const initFlat = flatten(init, 'whileLoop (init)');
  const initLeaves = initFlat.leaves.map((l) => asTensor(l, 'whileLoop'));
  const stats = newStats(options.stats);
  const limit = options.maxIterations ?? Infinity;
  if (limit !== Infinity && (!Number.isInteger(limit) || limit < 0)) {
    throw new InvalidArgumentError(`whileLoop: maxIterations must be a non-negative integer, got ${describe(limit)}; leave it out for no limit.`);
  }
  resolveCheckpoints(options.checkpoints, 1, 'whileLoop'); // validates the option early
  const rebuild = (leaves: Tensor[]) => unflatten(initFlat.def, leaves) as C;
  let first: unknown; // cond at init, asked once before the loop starts (below)
  const goesOn = (carry: Tensor[], i: number): boolean => {
    const answer = i === 0 && first !== undefined ? first : cond(rebuild(carry));
    first = undefined;
    // A condition shared by the batch at init that differs across it later (body multiplied the
    // carry by a mapped value): the loop restarts masked (it read the batched answer and threw).
    if (answer instanceof Tensor && isBatched(answer)) throw new ConditionBatched();
    const more = truthy(answer, i);
    if (more && i >= limit) {
      throw new InvalidArgumentError(
        `whileLoop: cond was still true after maxIterations = ${limit} iterations; raise maxIterations or check that body moves cond towards false.`,
      );
    }
    return more;
  };
  const step: StepFn = (carry, i) => {
    stats.stepCalls++;
    return { carry: checkCarry(body(rebuild(carry)), initFlat.def, initLeaves, i), y: [] };
  };

  /** The loop over a batch whose condition differs across examples: every carry masked by its example's condition. */
  function maskedLoop(m0: Tensor): Tensor[] {
    // One value per example (a [1] condition too, as outside vmap), so that the mask keeps the
    // carry's shapes: where([1], next, carry) of a 0-d carry would be [1] (as cond reshapes its predicate).
    let carry = initLeaves, more = perExampleCondition(m0, 0), n = 0;
    while (anyExample(more)) {
      if (n >= limit) {
        throw new InvalidArgumentError(
          `whileLoop: cond was still true for some example after maxIterations = ${limit} iterations; raise maxIterations or check that body moves cond towards false.`,
        );
      }
      const next = step(carry, n++, []).carry;
      const m = more;
      carry = carry.map((l, k) => where(m, next[k]!, l));
      const answer = cond(rebuild(carry));
      more = perExampleCondition(answer instanceof Tensor ? answer : asTensor(typeof answer === 'boolean' ? Number(answer) : (answer as number), 'whileLoop (cond)'), n);
    }
    stats.length = n;
    stats.checkpoints = n + 1;
    stats.tapedSteps = n;
    stats.peakStoredCarries = n + 1;
    return carry;
  }

  /** A condition under vmap as one 0-d value per example, checked to be a single element. */
  function perExampleCondition(more: Tensor, n: number): Tensor {
    if (more.size !== 1) {
      throw new ShapeError(
        `whileLoop: under vmap, cond must return one value per example (a single-element tensor), but after iteration ${n} it ` +
          `returned one of shape ${formatShape(more.shape)} per example; reduce it, e.g. ad.greater(ad.max(x), 0).`,
      );
    }
    return more.ndim === 0 ? more : reshape(more, []);
  }

  // grad of vmap with checkpoints: the loop runs below the batch, so that the reverse level there
  // checkpoints it (./belowBatch.ts), each example's carry frozen once its condition is false, as
  // in maskedLoop. cond is asked in the step's batch: a condition the batch shares is read as
  // is; one that differs across it stops the loop when every example is done, and body's carry is
  // masked by it (cond asked again there, on the same carry: it is not differentiated).
  const checkpoints = options.checkpoints;
  if (checkpoints !== undefined && checkpoints !== 'all' && initLeaves.length > 0) {
    const regionInputs = [...initLeaves];
    const batch = batchOverReverse(regionTrace(regionInputs));
    if (batch !== null) {
      const below = new BelowBatch(batch);
      let asked = 0;
      const ask = (boxed: Tensor[]): boolean | Tensor => {
        const answer = cond(rebuild(boxed));
        return answer instanceof Tensor && isBatched(answer) ? perExampleCondition(answer, asked) : answer;
      };
      const maskedBody = (boxed: Tensor[]): Tensor[] => {
        const answer = ask(boxed);
        const next = checkCarry(body(rebuild(boxed)), initFlat.def, initLeaves, Math.max(asked - 1, 0));
        if (!(answer instanceof Tensor && isBatched(answer))) return next;
        return next.map((l, k) => where(answer, l, boxed[k]!));
      };
      // Carry leaves shared at init that body (or the mask) makes per-example: found by one body call
      // (none when cond is false at init for every example: the loop then runs no step).
      const mapped = below.carryMask(regionInputs, [], [], (boxed) => {
        const answer = ask(boxed);
        const more = answer instanceof Tensor && isBatched(answer) ? anyExample(answer) : truthy(answer, 0);
        return more ? maskedBody(boxed) : boxed;
      });
      const batchedCond = (carry: Tensor[]): boolean | Tensor => {
        let shared: boolean | Tensor = false;
        const [more] = below.step(carry, mapped, (boxed) => {
          const answer = ask(boxed);
          if (answer instanceof Tensor && isBatched(answer)) return [answer];
          shared = answer;
          return [];
        }, () => true);
        asked++;
        return more === undefined ? shared : anyExample(more);
      };
      const batchedBody = (carry: Tensor[]): Tensor[] => below.step(carry, mapped, maskedBody, (i) => mapped[i]!);
      try {
        const out = below.run(() =>
          whileLoop(batchedCond, batchedBody, regionInputs.map((x, i) => below.carried(x, mapped[i]!)), { checkpoints, stats: options.stats, maxIterations: options.maxIterations }));
        return rebuild(below.rebox(out, (i) => mapped[i]!) as Tensor[]);
      } catch (e) {
        if (!(e instanceof CarryBatchedLater && e.below === below)) throw e;
        // a carry leaf turned per-example after the first step: the loop runs in the batch (below)
      }
    }
    // grad of jvp with checkpoints: the loop runs below the forward trace, so that the reverse level
    // there checkpoints it (./belowJvp.ts), on the primals of the carry and the tangents of the
    // leaves that have one (at init, or given one by body). cond is asked in a step of its own and
    // reads the primals (it is not differentiated).
    const forward = jvpOverReverse(regionTrace(regionInputs));
    if (forward !== null) {
      const below = new BelowJvp(forward);
      const k = regionInputs.length;
      const primals = regionInputs.map((x) => below.primal(x)), tangents = regionInputs.map((x) => below.tangent(x));
      let asked = 0;
      const next = (boxed: Tensor[]): Tensor[] => checkCarry(body(rebuild(boxed)), initFlat.def, initLeaves, Math.max(asked - 1, 0));
      const mask = below.tangentMask(primals, tangents, [], [], (boxed) => (truthy(cond(rebuild(boxed)), 0) ? next(boxed) : boxed));
      const runWith = (mask: boolean[]): C => {
        const carryWith = mask.flatMap((m, i) => (m ? [i] : []));
        const split = (carry: Tensor[]): Array<Tensor | null> => {
          const ts: Array<Tensor | null> = primals.map(() => null);
          carryWith.forEach((i, j) => (ts[i] = carry[k + j]!));
          return ts;
        };
        const innerCond = (carry: Tensor[]): boolean | Tensor => {
          const answer = below.within(carry.slice(0, k), split(carry), (boxed) => cond(rebuild(boxed)), (a, trace) => (a instanceof Tensor ? unbox(live(a), trace) : a));
          asked++;
          return answer;
        };
        const innerBody = (carry: Tensor[]): Tensor[] => {
          const out = below.step(carry.slice(0, k), split(carry), next, (i) => mask[i]!);
          return [...out.primals, ...carryWith.map((i) => out.tangents[i]!)];
        };
        const inner = [...primals, ...carryWith.map((i) => tangents[i] ?? zeros(primals[i]!.shape))];
        const out = below.run(() => whileLoop(innerCond, innerBody, inner, { checkpoints, stats: options.stats, maxIterations: options.maxIterations }));
        return rebuild(primals.map((_, i) => below.rebox(out[i]!, mask[i] ? out[k + carryWith.indexOf(i)]! : null)));
      };
      try {
        return runWith(mask);
      } catch (e) {
        if (!(e instanceof TangentLater && e.below === below)) throw e;
        return runWith(mask.map(() => true)); // body gave a carry leaf a tangent after the first step: every leaf carries one
      }
    }
  }

  // Under vmap a condition may differ across the batch: then the loop runs until every example is
  // done, each example's carry frozen once its condition is false (as JAX's while_loop under vmap).
  first = cond(rebuild(initLeaves));
  if (first instanceof Tensor && isBatched(first)) return rebuild(maskedLoop(first));
  const callsBefore = stats.stepCalls;
  try {
    return unmasked();
  } catch (e) {
    if (!(e instanceof ConditionBatched)) throw e;
    // The steps so far ran while the condition was true for every example (it was shared): the
    // masked loop from init redoes them, as JAX's while_loop batches a carry that body batches.
    // Their tape nodes, if any, are left without a cotangent.
    stats.stepCalls = callsBefore;
    return rebuild(maskedLoop(asTensor(1, 'whileLoop')));
  }

  function unmasked(): C {
    // The region's inputs as regionTrace leaves them: an init read through a closure inside a
    // recording (a checkpoint, a loop step) as that recording's input, not the paused outer box (see scan).
    const regionInputs = [...initLeaves];
    const top = regionTrace(regionInputs);
    const c = options.checkpoints;
    if (c === undefined || c === 'all' || !(top instanceof ReverseTrace)) {
      let carry = initLeaves;
      let n = 0;
      while (goesOn(carry, n)) carry = step(carry, n++, []).carry;
      stats.length = n;
      stats.checkpoints = n + 1;
      stats.tapedSteps = n;
      stats.peakStoredCarries = n + 1;
      return rebuild(carry);
    }
    // 'sqrt': n ≥ i + 1 once state i is offered, so ⌈√(i + 1)⌉ states never exceed ⌈√n⌉.
    const capacity = (i: number) => resolveCheckpoints(c, i + 1, 'whileLoop')!;
    const innerInit = regionInputs.map((x) => unbox(x, top));
    const loop = new CheckpointedLoop(top, step, () => [], innerInit, stats, false);
    let captured: Tensor[] = [];
    const forward = () => {
      const run = runCapturing(top, () => loop.runOnline(goesOn, capacity));
      captured = run.captured;
      retainKept(top, captured.map((b) => b.primal!));
      return { out: run.result, captured };
    };
    const backward = (ct: PyTree) => {
      const carryCt = flatten(ct, 'whileLoop (cotangent)').leaves.map((l) => asTensor(l, 'whileLoop'));
      const r = loop.finish(carryCt, null, captured);
      return [...r.init, ...r.captured];
    };
    // grad of grad: the reverse level right below records the loop too, as two nodes (./twoLevel.ts);
    // the loop run again there is a whileLoop of its own (cond decides its length again; its calls
    // are not counted in stats).
    const outer = reverseRightBelow(top);
    if (outer !== null) {
      const rerun = (ins: Tensor[]) => flatten(runWhileLoop(cond, body, rebuild(ins), { checkpoints: c, maxIterations: options.maxIterations }), 'whileLoop').leaves as Tensor[];
      return rebuild(recordTwoLevel('whileLoop', top, outer, regionInputs, { forward, backward, rerun }));
    }
    const { out } = forward();
    return recordRegion('whileLoop', top, regionInputs, { out: unflatten(initFlat.def, out) as PyTree, captured, backward }) as C;
  }
}

/** Thrown (and caught in whileLoop) when a condition shared by a vmap batch turns batched. */
class ConditionBatched extends Error {}

/** cond's answer as a boolean: true/false, or a one-element tensor (non-zero continues). */
function truthy(v: unknown, i: number): boolean {
  if (typeof v === 'boolean') return v;
  if (v instanceof Tensor || typeof v === 'number') {
    const t = asTensor(v, 'whileLoop (cond)');
    if (t.size !== 1) {
      throw new ShapeError(
        `whileLoop: cond must return a boolean or a single-element tensor, but at iteration ${i} it returned a tensor of shape ${formatShape(t.shape)}; ` +
          'reduce it to one element, e.g. ad.max(x).item() > 0 or ad.sum(x).item() !== 0.',
      );
    }
    noteLibraryRead(t, "whileLoop's condition");
    const value = t.item();
    // NaN !== 0 looped on to maxIterations (or forever); cond refuses a NaN predicate too.
    if (Number.isNaN(value)) throw new InvalidArgumentError(`whileLoop: cond returned NaN at iteration ${i}; it must be true or false (a comparison such as ad.greater(x, 0)).`);
    return value !== 0;
  }
  throw new InvalidArgumentError(
    `whileLoop: cond must return a boolean or a single-element tensor, but at iteration ${i} it returned ${describe(v)}; did it forget to return?`,
  );
}

/** body's result as carry leaves, checked against init's structure and shapes. */
function checkCarry(result: unknown, def: TreeDef, init: readonly Tensor[], i: number): Tensor[] {
  // Matched by key: a carry {b, a} for init {a, b} is read by name (as JAX's sorted dict keys).
  const next = leavesLike(result, def);
  if (next === null) {
    throw new ShapeError(
      `whileLoop: body must return a carry with the structure of init, but at iteration ${i} it returned ` +
        `${describeTree(flatten(result, 'whileLoop (body result)').def)} for init ${describeTree(def)} (* a leaf); return the next carry (same nesting, same keys).`,
    );
  }
  return next.map((l, k) => {
    const t = asTensor(l, 'whileLoop');
    if (!shapesEqual(t.shape, init[k]!.shape)) {
      throw new ShapeError(
        `whileLoop: body changed carry leaf ${k} from shape ${formatShape(init[k]!.shape)} to ${formatShape(t.shape)} at iteration ${i}; ` +
          'a carry keeps its shapes from step to step (pad it, or carry the varying part in a fixed-size buffer).',
      );
    }
    return t;
  });
}
