/**
 * @file Structured control flow as jax.lax has it: `cond`, `switch` and `foriLoop`. Eagerly they
 * run one branch (a loop of steps) as JavaScript would; what they add over an `if` is that they
 * also work under `vmap` with a predicate or index that differs across the batch — every branch
 * runs and each example takes its own branch's result, as JAX's cond under vmap becomes a select —
 * and that `foriLoop` reverses in bounded memory (it is a `scan`).
 */
import { holdsKey, keysAsWords, wordsAsKeys } from './keyCarry.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { flatten, unflatten, type PyTree, type TensorLikeTree, type TensorTree, type TupleInferred, type CarryLike } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { equal } from '../ops/binary.js';
import { trunc } from '../ops/rounding.js';
import { reshape } from '../ops/shape.js';
import { clip, where } from '../ops/select.js';
import { describeTree, leavesLike, noExtraArguments } from './args.js';
import { checkLoopFunction, checkOptions, checkStats, resolveCheckpoints, type Checkpoints } from './loopArgs.js';
import { isBatched } from './vmap.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { scan, type ScanStats } from './scan.js';

/**
 * A predicate or index as one value per example: a boolean or number, or a single-element tensor.
 * Null where it is a batched tensor (a value per example under vmap, which no one read can give).
 */
function scalarOperand(v: unknown, op: string, what: string, form: string): number | Tensor {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (v.size !== 1) {
      throw new ShapeError(
        `${op}: ${what} must be a single value (per example under vmap), got a tensor of shape ${formatShape(v.shape)}; ` +
          `reduce it to one element, e.g. ${form}.`,
      );
    }
    return v;
  }
  throw new InvalidArgumentError(`${op}: ${what} must be a boolean, a number or a single-element tensor, got ${describe(v)}.`);
}

/**
 * Reads a one-element tensor (a value read: under jit the function then runs as written, as for an
 * `if`, with a reason naming `what`).
 */
function valueOf(v: number | Tensor, what: string): number {
  if (typeof v === 'number') return v;
  noteLibraryRead(v, what);
  return v.item();
}

/**
 * The branches' results, all run under vmap, combined per example: `pick(k)` is the 0/1 condition
 * that example takes branch k (k ≥ 1; branch 0 otherwise). The results must agree in structure and
 * per-example shapes, as JAX requires of every branch.
 */
function select(op: string, results: readonly unknown[], names: readonly string[], pick: (k: number) => Tensor): PyTree {
  const first = flatten(results[0], `${op} (branch 0 result)`);
  const leaves = results.map((r, k) => {
    if (k === 0) return first.leaves.map((l) => asTensor(l, op));
    const like = leavesLike(r, first.def);
    if (like === null) {
      throw new ShapeError(
        `${op}: under vmap every branch runs, and their results must have one structure: ${names[0]} returned ` +
          `${describeTree(first.def)} but ${names[k]} returned ${describeTree(flatten(r, `${op} (${names[k]} result)`).def)} (* a leaf); ` +
          `make every branch return the same nesting (as jax.lax.${op === 'cond' ? 'cond' : 'switch'} requires).`,
      );
    }
    return like.map((l, i) => {
      const t = asTensor(l, op), t0 = asTensor(first.leaves[i]!, op);
      if (!shapesEqual(t.shape, t0.shape)) {
        throw new ShapeError(
          `${op}: under vmap every branch runs, and their results must have the same shapes: leaf ${i} is ${formatShape(t0.shape)} ` +
            `from ${names[0]} but ${formatShape(t.shape)} from ${names[k]}; make the branches return the same shapes (as jax.lax.${op === 'cond' ? 'cond' : 'switch'} requires).`,
        );
      }
      return t;
    });
  });
  let out = leaves[0]!;
  for (let k = 1; k < leaves.length; k++) {
    const take = pick(k);
    out = out.map((l, i) => where(take, leaves[k]![i]!, l));
  }
  return unflatten(first.def, out) as PyTree;
}

function checkBranch(f: unknown, op: string, name: string): void {
  checkLoopFunction(f, op, name, '(...operands) => result');
}

/**
 * `pred ? trueFn(...operands) : falseFn(...operands)`, as `jax.lax.cond`. `pred` is a boolean, a
 * number or a single-element tensor (non-zero is true). Only the branch taken runs, and its
 * derivative is the derivative; under `vmap` with a predicate that differs across the batch both
 * branches run and each example takes its own (`where`), so both must return one structure with the
 * same shapes. Inside `jit`, a predicate that depends on the arguments is a value read, as an `if`
 * would be: the function runs as written (use `ad.where` for a select that replays).
 * @example
 * const safeLog = (x) => ad.cond(ad.greater(x, 0), (v) => ad.log(v), (v) => ad.mul(v, 0), x);
 * ad.vmap(safeLog)(ad.tensor([1, -1])); // [0, -0]
 */
export function cond<Ops extends unknown[], R>(
  pred: boolean | number | Tensor, trueFn: (...operands: Ops) => R, falseFn: (...operands: Ops) => TensorLikeTree<NoInfer<R>>, ...operands: Ops
): TensorTree<R> {
  checkBranch(trueFn, 'cond', 'trueFn');
  checkBranch(falseFn, 'cond', 'falseFn');
  const p = scalarOperand(pred, 'cond', 'the predicate', 'ad.greater(ad.sum(x), 0)');
  if (p instanceof Tensor && isBatched(p)) {
    // One value per example (a [1] predicate too), so that the select keeps the branches' shapes.
    const perExample = reshape(p, []);
    const results = [falseFn(...operands), trueFn(...operands)];
    return select('cond', results, ['falseFn', 'trueFn'], () => perExample) as TensorTree<R>;
  }
  const v = valueOf(p, "cond's predicate");
  if (Number.isNaN(v)) throw new InvalidArgumentError('cond: the predicate is NaN; it must be true or false (a comparison such as ad.greater(x, 0)).');
  return branchResult(v !== 0 ? trueFn(...operands) : falseFn(...operands), 'cond') as TensorTree<R>;
}

/** A branch's result as a tree of tensors (numbers become 0-d tensors, as every branch's leaves are under vmap). */
function branchResult(r: unknown, op: string, what = 'branch result'): PyTree {
  const { leaves, def } = flatten(r, `${op} (${what})`);
  return unflatten(def, leaves.map((l) => asTensor(l, op))) as PyTree;
}

/**
 * `branches[index](...operands)`, as `jax.lax.switch`: `index` (a number or a single-element
 * tensor) must be an integer, and is clamped into [0, branches.length − 1], as JAX clamps it (JAX
 * refuses an index of a float dtype; here every tensor is float64, so the value is checked). Under
 * `vmap` with an index that differs across the batch every branch runs and each example takes its
 * own (their results must agree in structure and shapes); such an index is not read, so a fractional
 * one cannot be reported there and is truncated toward zero.
 * @example
 * const f = (k, x) => ad.switch(k, [(v) => ad.neg(v), (v) => ad.square(v), (v) => ad.exp(v)], x);
 * f(1, ad.tensor(3)); // 9
 */
export function switchBranch<Ops extends unknown[], R>(
  index: number | Tensor, branches: ReadonlyArray<(...operands: Ops) => R>, ...operands: Ops
): TensorTree<R> {
  if (!Array.isArray(branches) || branches.length === 0) {
    throw new InvalidArgumentError(`switch: branches must be a non-empty array of functions, got ${describe(branches)}; e.g. ad.switch(k, [f0, f1], x).`);
  }
  branches.forEach((b, k) => checkBranch(b, 'switch', `branches[${k}]`));
  if (typeof index === 'boolean') throw new InvalidArgumentError('switch: the index must be a number or a single-element tensor, got a boolean; use ad.cond for two branches.');
  if (typeof index !== 'number' && !(index instanceof Tensor)) {
    throw new InvalidArgumentError(`switch: the index must be a number or a single-element tensor, got ${describe(index)}.`);
  }
  const p = scalarOperand(index, 'switch', 'the index', 'ad.sum(k)');
  const last = branches.length - 1;
  if (p instanceof Tensor && isBatched(p)) {
    const k = clip(trunc(reshape(p, [])), 0, last); // one value per example, as cond's predicate
    return select('switch', branches.map((b) => b(...operands)), branches.map((_, j) => `branches[${j}]`), (j) => equal(k, j)) as TensorTree<R>;
  }
  const v = valueOf(p, "switch's index");
  if (Number.isNaN(v)) throw new InvalidArgumentError('switch: the index is NaN; it must be an integer (it is truncated and clamped to the branches).');
  if (!Number.isInteger(v)) {
    throw new InvalidArgumentError(
      `switch: the index must be an integer, got ${v} (jax.lax.switch refuses a non-integer index); round it first, e.g. ad.floor(k), and it is clamped into [0, ${last}].`,
    );
  }
  const k = Math.min(Math.max(v, 0), last);
  return branchResult(branches[k]!(...operands), 'switch') as TensorTree<R>;
}

export interface ForiLoopOptions {
  /** As `scan`'s: 'all' (default), at most c stored carries, or 'sqrt'. */
  checkpoints?: Checkpoints | undefined;
  /** Filled in with `scan`'s counts. */
  stats?: Partial<ScanStats> | undefined;
}

/** A loop bound as an integer (a one-element tensor is read). */
function bound(v: unknown, name: string): number {
  if (v instanceof Tensor && isBatched(v)) {
    // JAX's fori_loop becomes a while_loop here; body's i is a number, one for the whole batch.
    throw new InvalidArgumentError(
      `foriLoop: ${name} differs across the vmap batch (per-example shape ${formatShape(v.shape)}), but body's i is one number for every example; ` +
        'loop to a bound shared by the batch and mask the steps past each example\'s own (ad.where(ad.less(i, n), next, carry)), or use ad.whileLoop.',
    );
  }
  const b = v instanceof Tensor && v.size === 1 ? valueOf(v, `foriLoop's ${name}`) : v;
  if (typeof b !== 'number' || !Number.isInteger(b)) {
    const got = v instanceof Tensor && typeof b === 'number' ? `a tensor holding ${b}` : describe(v);
    throw new InvalidArgumentError(`foriLoop: ${name} must be an integer (a number or a one-element tensor), got ${got}.`);
  }
  return b;
}

/**
 * `for (let i = lower; i < upper; i++) carry = body(i, carry)`, as `jax.lax.fori_loop`: a `scan`
 * over the indices, so reverse mode differentiates it (with `checkpoints`, in bounded memory) and
 * `vmap` maps it. `i` is a JavaScript number; the carry a pytree whose structure and shapes
 * `body` keeps. No steps run when upper ≤ lower.
 * @example
 * ad.foriLoop(0, 3, (i, x) => ad.add(ad.mul(x, 2), i), ad.scalar(1)); // ((1·2 + 0)·2 + 1)·2 + 2 = 12
 */
export function foriLoop<C extends TupleInferred>(lower: number | Tensor, upper: number | Tensor, body: (i: number, carry: TensorTree<NoInfer<C>>) => CarryLike<NoInfer<C>>, init: C, options?: ForiLoopOptions): TensorTree<C>;
export function foriLoop<C extends TupleInferred>(lower: number | Tensor, upper: number | Tensor, body: (i: number, carry: TensorTree<NoInfer<C>>) => CarryLike<NoInfer<C>>, init: C, options: ForiLoopOptions = {}, ...extra: unknown[]): TensorTree<C> {
  checkLoopFunction(body, 'foriLoop', 'body', '(i, carry) => next carry');
  noExtraArguments(extra, 'foriLoop', 'lower, upper, body, init and options, foriLoop(lower, upper, body, init, { checkpoints })');
  checkOptions(options, 'foriLoop', ['checkpoints', 'stats']);
  checkStats(options.stats, 'foriLoop');
  resolveCheckpoints(options.checkpoints, 1, 'foriLoop'); // validated here, under foriLoop's name, and also when no step runs
  if (holdsKey(init)) {
    // PRNG keys in the carry: the loop carries their words, body sees keys (./keyCarry.ts).
    const keys = (carry: unknown) => wordsAsKeys(carry, init, 'foriLoop') as TensorTree<C>;
    return keys(foriLoop(lower, upper, (i, c) => keysAsWords(body(i, keys(c))) as never, keysAsWords(init) as TupleInferred, options));
  }
  const lo = bound(lower, 'lower'), hi = bound(upper, 'upper');
  if (hi <= lo) return branchResult(init, 'foriLoop', 'init') as TensorTree<C>;
  const { leaves: initLeaves, def } = flatten(init, 'foriLoop (init)');
  const initShapes = initLeaves.map((l) => asTensor(l, 'foriLoop').shape);
  // body's result is checked here, not left to scan: a carry of another structure that happens to be
  // a pair would be read as scan's [carry, y] (JAX's fori_loop requires body to keep the carry's type).
  const step = (carry: TensorTree<C>, i: Tensor) => {
    const next = body(i.item(), carry);
    const like = leavesLike(next, def);
    if (like === null) {
      throw new ShapeError(
        `foriLoop: body must return the next carry in the structure of init, ${describeTree(def)}, but at i = ${i.item()} it returned ` +
          `${describeTree(flatten(next, 'foriLoop (body result)').def)} (* a leaf); return the carry alone, with the structure it came in.`,
      );
    }
    like.forEach((l, k) => {
      const shape = asTensor(l, 'foriLoop').shape;
      if (!shapesEqual(shape, initShapes[k]!)) {
        throw new ShapeError(
          `foriLoop: body must keep the carry's shapes, but at i = ${i.item()} it returned leaf ${k} of shape ${formatShape(shape)} for ` +
            `${formatShape(initShapes[k]!)} in init; pad the carry to a fixed shape (as jax.lax.fori_loop requires).`,
        );
      }
    });
    return next as never;
  };
  return scan(step, init, { xs: arange(lo, hi), checkpoints: options.checkpoints, stats: options.stats }) as TensorTree<C>;
}
