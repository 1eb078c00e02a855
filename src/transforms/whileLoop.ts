/** @file whileLoop: a loop whose length is known only when it ends, reversed in bounded memory. */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor } from '../tensor/create.js';
import { ReverseTrace, innermostReverseTrace, topTrace, unbox } from '../core/trace.js';
import { flatten, treesMatch, unflatten, type PyTree } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { checkFunction } from './args.js';
import { recordRegion, runCapturing } from './customNode.js';
import { CheckpointedLoop, newStats, type StepFn } from './loop.js';
import { resolveCheckpoints, type Checkpoints, type ScanStats } from './scan.js';

export interface WhileLoopOptions {
  /** 'all' (default), at most c stored carries, or 'sqrt' (c = ⌈√n⌉ once n is known). */
  checkpoints?: Checkpoints;
  /** Filled in with counts as the loop and its backward pass run. */
  stats?: Partial<ScanStats>;
  /** A guard against loops that never end (default: no limit). */
  maxIterations?: number;
}

/**
 * `while (cond(carry)) carry = body(carry)`, differentiable, with the trip count known only when
 * `cond` turns false (an optimizer run to convergence, a decode of unknown length). `cond` returns a
 * boolean or a one-element tensor (non-zero continues); it is not differentiated.
 *
 * With `checkpoints: c` reverse mode stores at most c carries. The loop first runs once untaped to
 * find n (n body calls, nothing stored but the initial carry); its backward pass then reverses it
 * with revolve's optimal schedule for that n: n + t(n, c) + n body calls in all, within twice the
 * offline optimum t(n, c) + n for every n and c (since n ≤ t(n, c) + n).
 * @example
 * // Newton's iteration for √a, run to convergence; d√a/da = 1/(2√a)
 * const sqrtNewton = (a) => ad.whileLoop((x) => Math.abs(x.item() ** 2 - a.item()) > 1e-12,
 *   (x) => ad.mul(0.5, ad.add(x, ad.div(a, x))), a, { checkpoints: 3 });
 * ad.grad(sqrtNewton)(ad.tensor(4)); // 0.25
 */
export function whileLoop<C extends PyTree>(
  cond: (carry: C) => boolean | Tensor,
  body: (carry: C) => C,
  init: C,
  options: WhileLoopOptions = {},
): C {
  checkFunction(cond, 'whileLoop');
  checkFunction(body, 'whileLoop');
  const initFlat = flatten(init, 'whileLoop (init)');
  const initLeaves = initFlat.leaves.map((l) => asTensor(l, 'whileLoop'));
  const stats = newStats(options.stats);
  const limit = options.maxIterations ?? Infinity;
  resolveCheckpoints(options.checkpoints, 1, 'whileLoop'); // validates the option early
  const rebuild = (leaves: Tensor[]) => unflatten(initFlat.def, leaves) as C;
  const truthy = (v: boolean | Tensor): boolean => (typeof v === 'boolean' ? v : asTensor(v, 'whileLoop (cond)').item() !== 0);
  const step: StepFn = (carry) => {
    stats.stepCalls++;
    const next = flatten(body(rebuild(carry)), 'whileLoop (body result)');
    if (!treesMatch(next.def, initFlat.def)) {
      throw new ShapeError('whileLoop: body must return a carry with the structure of init.');
    }
    return { carry: next.leaves.map((l) => asTensor(l, 'whileLoop')), y: [] };
  };
  const runToEnd = (start: Tensor[]): { carry: Tensor[]; n: number } => {
    let carry = start;
    let n = 0;
    while (truthy(cond(rebuild(carry)))) {
      if (n >= limit) {
        throw new InvalidArgumentError(`whileLoop: cond was still true after maxIterations = ${limit} iterations.`);
      }
      carry = step(carry, n, []).carry;
      n++;
    }
    return { carry, n };
  };

  const top = topTrace([...initLeaves]) ?? innermostReverseTrace();
  if (options.checkpoints === undefined || options.checkpoints === 'all' || !(top instanceof ReverseTrace)) {
    const { carry, n } = runToEnd(initLeaves);
    stats.length = n;
    stats.checkpoints = n + 1;
    stats.tapedSteps = n;
    stats.peakStoredCarries = n + 1;
    return rebuild(carry);
  }
  const innerInit = initLeaves.map((x) => unbox(x, top));
  const { result, captured } = runCapturing(top, () => runToEnd(innerInit));
  const c = resolveCheckpoints(options.checkpoints, result.n, 'whileLoop')!;
  const loop = new CheckpointedLoop(top, step, () => [], result.n, c, innerInit, stats, false);
  loop.start(loop);
  return recordRegion('whileLoop', top, initLeaves, {
    out: rebuild(result.carry),
    captured,
    backward: (ct) => {
      const carryCt = flatten(ct, 'whileLoop (cotangent)').leaves.map((l) => asTensor(l, 'whileLoop'));
      const r = loop.finish(carryCt, null, captured);
      return [...r.init, ...r.captured];
    },
  }) as C;
}
