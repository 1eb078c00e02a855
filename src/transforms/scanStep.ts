/** @file What scan checks of its steps: the number of steps, and that each step's result keeps one structure and one set of shapes. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { innermostReverseTrace, withPaused } from '../core/trace.js';
import { flatten, type TreeDef } from '../core/pytree.js';
import { describeTree, flattenLike, leavesLike } from './args.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';

/**
 * What the steps of one scan return, fixed by the first step (or the probe at length 0): the carry's
 * structure and leaf shapes (those of init), whether the result is `[carry, y]`, and y's structure
 * and leaf shapes.
 */
export interface StepShapes {
  carryDef: TreeDef;
  carryShapes: ReadonlyArray<readonly number[]>;
  pairs: boolean | null;
  yDef: TreeDef | null;
  yShapes: ReadonlyArray<readonly number[]> | null;
}

/** The number of steps, from `length` or the leading axis of every xs leaf (which must agree). */
export function scanLength(length: unknown, xs: readonly Tensor[]): number {
  const fromXs = xs.length > 0 ? xs[0]!.shape[0] : undefined;
  const shapes = () => xs.map((t) => formatShape(t.shape)).join(', ');
  for (const x of xs) {
    if (x.ndim === 0) {
      throw new ShapeError(`scan: every leaf of xs needs a leading axis (one row per step), but one is 0-d; got shapes ${shapes()}. Stack the per-step inputs along axis 0.`);
    }
    if (x.shape[0] !== fromXs) {
      throw new ShapeError(
        `scan: every leaf of xs needs the same leading axis (the steps); got shapes ${shapes()}. Slice them to one number of steps.`,
      );
    }
  }
  if (length !== undefined && (typeof length !== 'number' || !Number.isInteger(length) || length < 0)) {
    throw new InvalidArgumentError(`scan: length must be a non-negative integer (the number of steps), got ${describe(length)}; e.g. { length: 10 }.`);
  }
  if (length !== undefined && fromXs !== undefined && length !== fromXs) {
    throw new ShapeError(`scan: length ${length} disagrees with xs, whose leading axis has ${fromXs} steps; leave length out or slice xs to it.`);
  }
  const n = (length as number | undefined) ?? fromXs;
  if (n === undefined) throw new InvalidArgumentError('scan: pass { length } or { xs } so the number of steps is known.');
  return n;
}

/** Reads a step's result as a carry, or as [carry, y]; the form and the shapes are fixed by the first call. */
export function splitResult(result: unknown, shapes: StepShapes, t: number): { carry: Tensor[]; y: Tensor[] } {
  if (shapes.pairs === null) {
    if (result === undefined) {
      throw new InvalidArgumentError('scan: step returned undefined; did it forget to `return` the next carry (or [carry, y])?');
    }
    const flat = flatten(result, 'scan (step result)');
    if (leavesLike(result, shapes.carryDef) !== null) shapes.pairs = false;
    else if (Array.isArray(result) && result.length === 2 && leavesLike(result[0], shapes.carryDef) !== null) {
      shapes.pairs = true;
      shapes.yDef = flatten(result[1], 'scan').def;
    } else {
      throw new ShapeError(
        `scan: step must return a carry with the structure of init, or [carry, y]; the result of step ${t} (${describeTree(flat.def)}) is neither ` +
          `for init ${describeTree(shapes.carryDef)} (* a leaf). Return the next carry in the nesting of init, or a two-element array [carry, y].`,
      );
    }
  }
  // Matched by key: a carry {b, a} for init {a, b} is read by name (as JAX's sorted dict keys).
  const carryLeaves = flattenLike(shapes.pairs ? (result as unknown[])[0] : result, shapes.carryDef, 'scan', `carry step ${t} returned`, 'init');
  const carry = leavesWithShapes(carryLeaves, shapes.carryShapes, t, 'carry', 'a carry keeps its shapes from step to step');
  if (!shapes.pairs) return { carry, y: [] };
  const yLeaves = flattenLike((result as unknown[])[1], shapes.yDef!, 'scan', `y step ${t} returned`, "y of step 0 (they are stacked)");
  const y = yLeaves.map((l) => asTensor(l, 'scan'));
  if (shapes.yShapes === null) shapes.yShapes = y.map((v) => v.shape);
  return { carry, y: leavesWithShapes(y, shapes.yShapes, t, 'y', "every step's y has the shapes of step 0's (they are stacked)") };
}

function leavesWithShapes(leaves: ReadonlyArray<Tensor | number>, expected: ReadonlyArray<readonly number[]>, t: number, what: string, rule: string): Tensor[] {
  return leaves.map((l, k) => {
    const v = asTensor(l, 'scan');
    if (!shapesEqual(v.shape, expected[k]!)) {
      throw new ShapeError(
        `scan: step ${t} returned ${what} leaf ${k} of shape ${formatShape(v.shape)}, expected ${formatShape(expected[k]!)}; ${rule} (pad it, or keep the varying part in a fixed-size buffer).`,
      );
    }
    return v;
  });
}

/**
 * At length 0 no step runs, yet the result's structure must not depend on the length: `[carry, ys]`
 * when step returns `[carry, y]`, with ys of leading axis 0 (as jax.lax.scan). So step is called
 * once on init and a zero row of xs, with every reverse trace paused (nothing is taped), only to
 * learn its form and y's shapes; the values are discarded.
 */
export function probeStep(run: (xRow: Tensor[]) => unknown, xs: readonly Tensor[], shapes: StepShapes): void {
  const row = xs.map((x) => zeros(x.shape.slice(1)));
  splitResult(untaped(() => run(row)), shapes, 0);
}

/** Runs `fn` with every running reverse trace paused: its ops are recorded by none (one level per nested transformation). */
export function untaped<T>(fn: () => T): T {
  const trace = innermostReverseTrace();
  return trace === null ? fn() : withPaused(trace, (box) => box.primal!, () => untaped(fn));
}
