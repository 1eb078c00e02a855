/** @file scan: a loop over steps with a carry, reversed in bounded memory by binomial checkpointing. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor } from '../tensor/create.js';
import { ReverseTrace, innermostReverseTrace, topTrace, unbox } from '../core/trace.js';
import { flatten, treesMatch, unflatten, type PyTree, type TreeDef } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { reshape, stack, take } from '../ops/shape.js';
import { checkFunction } from './args.js';
import { recordRegion, runCapturing } from './customNode.js';
import { CheckpointedLoop, newStats, type LoopStats, type StepFn } from './loop.js';

/** How many carries a checkpointed loop may store: every one, at most c, or about √n. */
export type Checkpoints = 'all' | 'sqrt' | number;

export interface ScanOptions {
  /** Number of steps; optional when `xs` gives it (its leaves' leading axis). */
  length?: number;
  /** Per-step inputs: a pytree whose leaves all have leading axis n; step t receives slice t. */
  xs?: PyTree;
  /**
   * 'all' (default) keeps every step's residuals; a number c keeps at most c carries (the
   * initial one included) and recomputes the rest by revolve's optimal schedule; 'sqrt' uses
   * c = ⌈√n⌉.
   */
  checkpoints?: Checkpoints;
  /** Filled in with counts (step calls, stored carries) as the scan and its backward pass run. */
  stats?: Partial<ScanStats>;
}

export type ScanStats = LoopStats;

/** Resolves the `checkpoints` option to a number of stored carries, or null for 'all'. */
export function resolveCheckpoints(checkpoints: Checkpoints | undefined, n: number, op: string): number | null {
  if (checkpoints === undefined || checkpoints === 'all') return null;
  if (checkpoints === 'sqrt') return Math.max(1, Math.ceil(Math.sqrt(n)));
  if (!Number.isInteger(checkpoints) || checkpoints < 1) {
    throw new InvalidArgumentError(
      `${op}: checkpoints must be 'all', 'sqrt' or an integer ≥ 1 (stored carries, the initial one included), got ${String(checkpoints)}.`,
    );
  }
  return checkpoints;
}

interface Shapes { carryDef: TreeDef; pairs: boolean | null; yDef: TreeDef | null }

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
 */
export function scan(step: (carry: any, x?: any) => PyTree, init: PyTree, options: ScanOptions = {}): any {
  checkFunction(step, 'scan');
  const initFlat = flatten(init, 'scan (init)');
  const initLeaves = initFlat.leaves.map((l) => asTensor(l, 'scan'));
  const xsFlat = options.xs === undefined ? null : flatten(options.xs, 'scan (xs)');
  const xsLeaves = xsFlat ? xsFlat.leaves.map((l) => asTensor(l, 'scan')) : [];
  const n = scanLength(options.length, xsLeaves);
  const c = resolveCheckpoints(options.checkpoints, n, 'scan');
  const stats = newStats(options.stats);
  const shapes: Shapes = { carryDef: initFlat.def, pairs: null, yDef: null };

  const xRow = (xs: Tensor[], t: number): Tensor[] => xs.map((x) => reshape(take(x, [t]), x.shape.slice(1)));
  const stepFn: StepFn = (carry, t, xRowLeaves) => {
    stats.stepCalls++;
    const x = xsFlat ? unflatten(xsFlat.def, xRowLeaves) : undefined;
    return splitResult(step(unflatten(shapes.carryDef, carry), x), shapes, t);
  };
  const assemble = (carry: Tensor[], ys: Tensor[][]): any => {
    const out = unflatten(shapes.carryDef, carry);
    if (!shapes.pairs) return out;
    const stacked = ys[0]!.map((_, i) => stack(ys.map((row) => row[i]!), 0));
    return [out, unflatten(shapes.yDef!, stacked)];
  };

  const top = topTrace([...initLeaves, ...xsLeaves]) ?? innermostReverseTrace();
  if (c === null || n === 0 || !(top instanceof ReverseTrace)) {
    // Every step on the tape of whatever transformation is running (or none): n step calls.
    stats.length = n;
    stats.checkpoints = n + 1;
    let carry = initLeaves;
    const ys: Tensor[][] = [];
    const run = stepFn;
    for (let t = 0; t < n; t++) {
      const r = run(carry, t, xRow(xsLeaves, t));
      carry = r.carry;
      ys.push(r.y);
      stats.tapedSteps++;
    }
    stats.peakStoredCarries = n + 1;
    if (n === 0 && shapes.pairs === null) return unflatten(shapes.carryDef, carry);
    return assemble(carry, ys);
  }

  // One region node on `top`: the loop runs below it, reversed by revolve in its backward pass.
  const innerInit = initLeaves.map((x) => unbox(x, top));
  const innerXs = xsLeaves.map((x) => unbox(x, top));
  const loop = new CheckpointedLoop(top, stepFn, (t) => xRow(innerXs, t), n, c, innerInit, stats, true);
  const { captured: advanceCaptured } = runCapturing(top, () => loop.start(loop));
  const captured = [...new Set([...advanceCaptured, ...loop.tapedCaptured])];
  const out = assemble(loop.finalCarry, loop.ys);
  return recordRegion('scan', top, [...initLeaves, ...xsLeaves], {
    out,
    captured,
    backward: (ct) => {
      const ctLeaves = flatten(ct, 'scan (cotangent)').leaves.map((l) => asTensor(l, 'scan'));
      const k = initLeaves.length;
      const carryCt = ctLeaves.slice(0, k);
      const ysCt = ctLeaves.slice(k);
      const yCt = shapes.pairs ? (t: number) => xRow(ysCt, t) : null;
      const r = loop.finish(carryCt, yCt, captured);
      const xsCts = innerXs.map((x, i) => (n === 0 ? x : stack(r.xRows.map((row) => row[i]!), 0)));
      return [...r.init, ...xsCts, ...r.captured];
    },
  });
}

function scanLength(length: number | undefined, xs: readonly Tensor[]): number {
  const fromXs = xs.length > 0 ? xs[0]!.shape[0] : undefined;
  for (const x of xs) {
    if (x.ndim === 0 || x.shape[0] !== fromXs) {
      throw new ShapeError(
        `scan: every leaf of xs needs the same leading axis (the steps); got shapes ${xs.map((t) => formatShape(t.shape)).join(', ')}.`,
      );
    }
  }
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) {
    throw new InvalidArgumentError(`scan: length must be a non-negative integer, got ${length}.`);
  }
  if (length !== undefined && fromXs !== undefined && length !== fromXs) {
    throw new ShapeError(`scan: length ${length} disagrees with xs, whose leading axis has ${fromXs} steps.`);
  }
  const n = length ?? fromXs;
  if (n === undefined) throw new InvalidArgumentError('scan: pass { length } or { xs } so the number of steps is known.');
  return n;
}

/** Reads a step's result as a carry, or as [carry, y]; the form is fixed by the first call. */
function splitResult(result: unknown, shapes: Shapes, t: number): { carry: Tensor[]; y: Tensor[] } {
  const flat = flatten(result, 'scan (step result)');
  if (shapes.pairs === null) {
    if (treesMatch(flat.def, shapes.carryDef)) shapes.pairs = false;
    else if (Array.isArray(result) && result.length === 2 && treesMatch(flatten(result[0], 'scan').def, shapes.carryDef)) {
      shapes.pairs = true;
      shapes.yDef = flatten(result[1], 'scan').def;
    } else {
      throw new ShapeError(
        'scan: step must return a carry with the structure of init, or [carry, y]; the result of step 0 is neither.',
      );
    }
  }
  const parts = shapes.pairs ? [flatten((result as unknown[])[0], 'scan'), flatten((result as unknown[])[1], 'scan')] : [flat];
  if (!treesMatch(parts[0]!.def, shapes.carryDef)) {
    throw new ShapeError(`scan: step ${t} returned a carry whose structure differs from init's.`);
  }
  return {
    carry: parts[0]!.leaves.map((l) => asTensor(l, 'scan')),
    y: parts[1] ? parts[1].leaves.map((l) => asTensor(l, 'scan')) : [],
  };
}
