/**
 * @file associativeScan: all prefix combinations x₀, x₀∘x₁, x₀∘x₁∘x₂, … of an associative
 * operator in O(log n) rounds of whole-array calls, as `jax.lax.associative_scan` (the
 * work-efficient scheme of Blelloch 1990, in JAX's arrangement): pair neighbours, scan the pairs
 * recursively, then fill in the even positions. Written in ops, so every transformation
 * differentiates, maps and records it; linear recurrences h_t = a_t h_{t−1} + b_t (the combine
 * (a₁, b₁)∘(a₂, b₂) = (a₁a₂, a₂b₁ + b₂)) run in log-depth this way.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { flatten, unflatten, type TensorTree, type TreeDef } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { concat, reshape, stack, take } from '../ops/shape.js';
import { flip } from '../ops/rearrange.js';
import { checkFunction, describeTree, leavesLike, noExtraArguments } from './args.js';
import { checkOptions } from './loopArgs.js';

export interface AssociativeScanOptions {
  /**
   * Scan from the end (default false): element i is elems[n−1] ∘ … ∘ elems[i], the later element
   * on the left, as JAX's ([…, f(f(z, y), x), f(z, y), z] for elems […, x, y, z]).
   */
  reverse?: boolean | undefined;
  /** The axis scanned, in every leaf (default 0; negative counts from the end). */
  axis?: number | undefined;
}

/** The entries start, start + 2, … (count of them) of x along axis: a strided slice. */
function everyOther(x: Tensor, start: number, count: number, axis: number): Tensor {
  return take(x, Int32Array.from({ length: count }, (_, i) => start + 2 * i), axis);
}

/** The entries [start, start + count) of x along axis. */
function range(x: Tensor, start: number, count: number, axis: number): Tensor {
  return take(x, Int32Array.from({ length: count }, (_, i) => start + i), axis);
}

/** Evens at positions 0, 2, 4, … and odds at 1, 3, …, along axis (evens as long as odds or one longer). */
function interleave(evens: Tensor, odds: Tensor, axis: number): Tensor {
  const ne = evens.shape[axis]!, no = odds.shape[axis]!;
  const paired = ne === no ? evens : range(evens, 0, no, axis);
  const pairs = stack([paired, odds], axis + 1); // [..., no, 2, ...]
  const shape = [...evens.shape];
  shape[axis] = 2 * no;
  const woven = reshape(pairs, shape);
  return ne === no ? woven : concat([woven, range(evens, no, 1, axis)], axis);
}

/**
 * The inclusive scan of `elems` under the associative `fn`, as `jax.lax.associative_scan`:
 * result[i] = elems[0] ∘ elems[1] ∘ … ∘ elems[i] along `axis` (`reverse`: elems[n−1] ∘ … ∘ elems[i]).
 * `elems` is a pytree whose leaves share the length of that axis; `fn(a, b)` takes two such trees
 * of slices (the same number of entries along the axis each) and returns their combination
 * elementwise along the axis, in the same structure. `fn` must be associative; it need not be
 * commutative (a is always the earlier part). About 2n applications of ∘ in 2·log₂ n calls of `fn`.
 * @example
 * ad.associativeScan(ad.add, ad.tensor([1, 2, 3, 4])); // [1, 3, 6, 10]
 */
export function associativeScan<T>(fn: (a: TensorTree<T>, b: TensorTree<T>) => unknown, elems: T, options?: AssociativeScanOptions): TensorTree<T>;
export function associativeScan<T>(fn: (a: TensorTree<T>, b: TensorTree<T>) => unknown, elems: T, options: AssociativeScanOptions = {}, ...extra: unknown[]): TensorTree<T> {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`associativeScan: fn must be a function (a, b) => a ∘ b, got ${describe(fn)}.`);
  checkFunction(fn, 'associativeScan');
  // JAX's positional axis (associative_scan(fn, elems, reverse, axis)) goes in the options here.
  noExtraArguments(extra, 'associativeScan', 'fn, elems and options, associativeScan(fn, elems, { reverse, axis })');
  checkOptions(options, 'associativeScan', ['reverse', 'axis']);
  const reverse = options.reverse ?? false;
  if (typeof reverse !== 'boolean') throw new InvalidArgumentError(`associativeScan: reverse must be true or false, got ${describe(reverse)}.`);
  const { leaves: raw, def } = flatten(elems, 'associativeScan (elems)');
  if (raw.length === 0) throw new InvalidArgumentError('associativeScan: elems has no leaves; pass a tensor or a tree of tensors to scan.');
  const leaves = raw.map((l) => asTensor(l, 'associativeScan'));
  const axisIn = options.axis ?? 0;
  if (!Number.isInteger(axisIn) || leaves.some((l) => axisIn >= l.ndim || axisIn < -l.ndim)) {
    throw new InvalidArgumentError(
      `associativeScan: axis ${typeof axisIn === 'number' ? axisIn : describe(axisIn)} is not an axis of every leaf (shapes ${leaves.map((l) => formatShape(l.shape)).join(', ')}); ` +
        'each leaf needs the scanned axis (a 0-d leaf has none).',
    );
  }
  const axisOf = (l: Tensor) => (axisIn < 0 ? axisIn + l.ndim : axisIn);
  const n = leaves[0]!.shape[axisOf(leaves[0]!)]!;
  const bad = leaves.findIndex((l) => l.shape[axisOf(l)] !== n);
  if (bad >= 0) {
    throw new ShapeError(
      `associativeScan: every leaf must have the same length along the scanned axis, but leaf 0 has ${n} and leaf ${bad} has ` +
        `${leaves[bad]!.shape[axisOf(leaves[bad]!)]} (shapes ${formatShape(leaves[0]!.shape)} and ${formatShape(leaves[bad]!.shape)}).`,
    );
  }
  const combine = (a: Tensor[], b: Tensor[]): Tensor[] => combined(fn as (a: unknown, b: unknown) => unknown, def, a, b);
  const input = reverse ? leaves.map((l) => flip(l, axisOf(l))) : leaves;
  const out = scanLeaves(combine, input, leaves.map(axisOf));
  return unflatten(def, reverse ? out.map((l, i) => flip(l, axisOf(leaves[i]!))) : out) as TensorTree<T>;
}

/** fn on two flat lists of leaves, its result flattened and checked against the structure and the length along the axis. */
function combined(fn: (a: unknown, b: unknown) => unknown, def: TreeDef, a: Tensor[], b: Tensor[]): Tensor[] {
  const r = fn(unflatten(def, a), unflatten(def, b));
  const like = leavesLike(r, def);
  if (like === null) {
    throw new ShapeError(
      `associativeScan: fn must return a tree with the structure of elems (${describeTree(def)}), got ` +
        `${describeTree(flatten(r, 'associativeScan (fn result)').def)} (* a leaf).`,
    );
  }
  return like.map((l, i) => {
    const t = asTensor(l, 'associativeScan');
    if (!shapesEqual(t.shape, a[i]!.shape)) { // a reshape to another shape of the same size is no elementwise combination
      throw new ShapeError(
        `associativeScan: fn(a, b) must combine a and b elementwise along the scanned axis, returning leaf ${i} of shape ` +
          `${formatShape(a[i]!.shape)} as given, but it returned ${formatShape(t.shape)}.`,
      );
    }
    return t;
  });
}

/** JAX's recursion over flat leaves (axes per leaf). */
function scanLeaves(combine: (a: Tensor[], b: Tensor[]) => Tensor[], elems: Tensor[], axes: number[]): Tensor[] {
  const n = elems[0]!.shape[axes[0]!]!;
  if (n < 2) return elems;
  const half = Math.floor(n / 2);
  // Adjacent pairs combined: (x₀∘x₁, x₂∘x₃, …).
  const reduced = combine(elems.map((e, i) => everyOther(e, 0, half, axes[i]!)), elems.map((e, i) => everyOther(e, 1, half, axes[i]!)));
  const odd = scanLeaves(combine, reduced, axes); // the results at positions 1, 3, 5, …
  // Positions 2, 4, …: the odd result before each, combined with the element itself.
  const evenCount = Math.ceil(n / 2) - 1;
  const even = evenCount === 0
    ? elems.map((e, i) => range(e, 0, 0, axes[i]!))
    : combine(odd.map((o, i) => range(o, 0, evenCount, axes[i]!)), elems.map((e, i) => everyOther(e, 2, evenCount, axes[i]!)));
  // Position 0 is x₀ itself.
  const evens = elems.map((e, i) => concat([range(e, 0, 1, axes[i]!), even[i]!], axes[i]!));
  return evens.map((e, i) => interleave(e, odd[i]!, axes[i]!));
}

