/**
 * @file map: jax.lax.map — f applied to each row of xs in turn, the results stacked: a `scan` without a
 * carry, so reverse mode keeps one step's intermediates at a time (or fewer, with `checkpoints`), where
 * `vmap` would hold them all at once; with `batchSize`, f runs under `vmap` on batches of rows.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, scalar } from '../tensor/create.js';
import { flatten, unflatten, type TensorTree } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { concat, reshape, slice } from '../ops/shape.js';
import { formatShape } from '../tensor/shape.js';
import { checkFunction, noExtraArguments } from './args.js';
import { checkOptions, resolveCheckpoints, type Checkpoints } from './loopArgs.js';
import { scan } from './scan.js';
import { vmap } from './vmap.js';

/** Options of `map`. */
export interface MapOptions {
  /** Rows per call of f, which then runs under `vmap` (the last batch may be shorter), as jax.lax.map's batch_size. */
  readonly batchSize?: number | undefined;
  /** As `scan`'s: how many steps' inputs reverse mode stores ('all' by default). */
  readonly checkpoints?: Checkpoints | undefined;
}

/**
 * f applied to each row of xs (a tensor or a tree of tensors with one leading length), the results
 * stacked along a new leading axis: `stack([f(xs[0]), f(xs[1]), …])`, as `jax.lax.map`. It runs as a
 * `scan`, one row after another, so its gradient holds one row's intermediates at a time where
 * `vmap(f)` holds every row's; with `{ batchSize: b }` it maps `vmap(f)` over batches of b rows (the
 * last batch the remainder), trading memory back for speed. Differentiable, and mapped by `vmap`.
 * @example
 * ad.map((x) => ad.sum(ad.square(x)), ad.tensor([[1, 2], [3, 4]])); // [5, 25]
 * ad.map(({ a, b }) => ad.mul(a, b), { a: ad.tensor([1, 2, 3]), b: ad.tensor([4, 5, 6]) }, { batchSize: 2 }); // [4, 10, 18]
 */
export function map<Xs, R>(f: (x: TensorTree<Xs>) => R, xs: Xs, options?: MapOptions): TensorTree<R>;
export function map<Xs, R>(f: (x: TensorTree<Xs>) => R, xs: Xs, options: MapOptions = {}, ...extra: unknown[]): TensorTree<R> {
  checkFunction(f, 'map');
  noExtraArguments(extra, 'map', 'f, xs and options, map(f, xs, { batchSize, checkpoints })');
  checkOptions(options, 'map', ['batchSize', 'checkpoints']);
  const { leaves, def } = flatten(xs, 'map (xs)');
  const tensors = leaves.map((l) => asTensor(l, 'map'));
  if (tensors.length === 0) throw new InvalidArgumentError('map: xs has no tensors; pass a tensor, or a tree of tensors with one leading length, to map over.');
  const n = leadingLength(tensors);
  const batchSize = options.batchSize;
  if (batchSize !== undefined && !(typeof batchSize === 'number' && Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new InvalidArgumentError(`map: batchSize must be a whole number ≥ 1, got ${describe(batchSize)}.`);
  }
  resolveCheckpoints(options.checkpoints, 1, 'map');
  const rowsOf = (ts: readonly Tensor[]) => unflatten(def, ts) as TensorTree<Xs>;
  const scanned = (ts: readonly Tensor[], g: (x: TensorTree<Xs>) => unknown) => {
    const [, ys] = scan((carry: Tensor, x: unknown) => [carry, g(x as TensorTree<Xs>)] as const, scalar(0), { xs: rowsOf(ts), checkpoints: options.checkpoints }) as [Tensor, unknown];
    return ys;
  };
  if (batchSize === undefined || batchSize === 1 || n === 0) return scanned(tensors, f) as TensorTree<R>;
  // Whole batches as [n/b, b, …] under a scan of vmap(f), then the remainder under vmap(f), joined leaf by leaf.
  const whole = Math.floor(n / batchSize) * batchSize;
  const mapped = vmap((x: unknown) => f(x as TensorTree<Xs>) as never) as (x: unknown) => unknown;
  const parts: unknown[] = [];
  if (whole > 0) {
    const batched = tensors.map((t) => reshape(rowsUpTo(t, 0, whole), [whole / batchSize, batchSize, ...t.shape.slice(1)]));
    const ys = flatten(scanned(batched, (x) => mapped(x)), 'map (result)');
    parts.push(unflatten(ys.def, ys.leaves.map((y) => {
      const t = asTensor(y, 'map');
      return reshape(t, [whole, ...t.shape.slice(2)]);
    })));
  }
  if (whole < n) parts.push(mapped(rowsOf(tensors.map((t) => rowsUpTo(t, whole, n)))));
  if (parts.length === 1) return parts[0] as TensorTree<R>;
  const [a, b] = parts.map((p) => flatten(p, 'map (result)'));
  return unflatten(a!.def, a!.leaves.map((y, i) => concat([asTensor(y, 'map'), asTensor(b!.leaves[i]!, 'map')], 0))) as TensorTree<R>;
}

/** Rows [from, to) of t along its leading axis. */
function rowsUpTo(t: Tensor, from: number, to: number): Tensor {
  return slice(t, [from, ...t.shape.slice(1).map(() => 0)], [to - from, ...t.shape.slice(1)]);
}

/** The leading length every leaf of xs shares. */
function leadingLength(ts: readonly Tensor[]): number {
  const shapes = () => ts.map((t) => formatShape(t.shape)).join(', ');
  if (ts.some((t) => t.ndim === 0)) throw new ShapeError(`map: every leaf of xs needs a leading axis to map over, but one is 0-d; got shapes ${shapes()}.`);
  const n = ts[0]!.shape[0]!;
  if (ts.some((t) => t.shape[0] !== n)) throw new ShapeError(`map: the leaves of xs must share their leading length, got shapes ${shapes()}.`);
  return n;
}
