/**
 * @file `permutation(key, n | x, axis, independent)`: a random order, as JAX's `random.permutation`
 * (its `_shuffle`: a few rounds of a stable sort by fresh 32-bit random keys), and a tensor permuted
 * along an axis with `take` (or, `independent`, each slice along the axis on its own with `gather`),
 * so the result stays differentiable in `x`.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { take } from '../ops/shape.js';
import { gather } from '../ops/gather.js';
import { describe } from '../tensor/describe.js';
import { normalizeAxis, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noiseTensor, type KeyLike } from './continuous.js';
import { Key, split } from './key.js';
import { noise } from './keyPrimitives.js';
import { sampleSize } from './params.js';
import { hashCounts } from './threefry.js';
import { keyed } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * How many sorts JAX does for n items: ⌈3 ln n / ln(2^32 − 1)⌉ (tjablin's heuristic, cited in
 * jax/_src/random.py): enough that, with high probability, some round gives all n items distinct
 * sort keys, which makes the permutation exactly uniform.
 */
function rounds(n: number): number {
  return Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(4294967295));
}

/** The permuted order of 0 … n − 1 for a key, as JAX's `_shuffle(key, arange(n))`. */
export function shuffledOrder(op: string, k: Key, n: number): Float64Array {
  sampleSize(op, [n], 1);
  let order = new Float64Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let current = k;
  const index = new Uint32Array(n);
  for (let r = rounds(n); r > 0; r--) {
    const [next, sub] = split(current, 2);
    current = next!;
    const sortKeys = hashCounts(sub!.words[0], sub!.words[1], n, null);
    for (let i = 0; i < n; i++) index[i] = i;
    // lax.sort_key_val is stable: equal sort keys keep their order (ties broken by position).
    index.sort((a, b) => sortKeys[a]! - sortKeys[b]! || a - b);
    const permuted = new Float64Array(n);
    for (let i = 0; i < n; i++) permuted[i] = order[index[i]!]!;
    order = permuted;
  }
  return order;
}

/**
 * JAX's `_shuffle(key, x, axis)` for an x of `shape`, as the order it puts each slice along `axis`
 * in: for ⌈3 ln(size)/ln(2³² − 1)⌉ rounds (size: all of x), a stable sort of every slice by that
 * round's 32-bit words of the whole shape (`random_bits(subkey, 32, shape)`, row-major), so the
 * slices are shuffled independently. Entry […, i, …] of the result is the index along `axis` of the
 * entry that lands there.
 */
function independentOrder(op: string, k: Key, shape: Shape, axis: number): Float64Array {
  const size = sampleSize(op, shape, 1), n = shape[axis]!;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  let order = new Float64Array(size);
  for (let i = 0; i < size; i++) order[i] = Math.floor(i / inner) % n;
  const slice = new Uint32Array(n), positions = new Float64Array(n);
  let current = k;
  for (let r = rounds(size); r > 0; r--) {
    const [next, sub] = split(current, 2);
    current = next!;
    const sortKeys = hashCounts(sub!.words[0], sub!.words[1], size, null);
    const permuted = new Float64Array(size);
    for (let start = 0; start < size; start += n * inner) {
      for (let j = 0; j < inner; j++) {
        for (let i = 0; i < n; i++) { slice[i] = i; positions[i] = start + i * inner + j; }
        slice.sort((a, b) => sortKeys[positions[a]!]! - sortKeys[positions[b]!]! || a - b);
        for (let i = 0; i < n; i++) permuted[positions[i]!] = order[positions[slice[i]!]!]!;
      }
    }
    order = permuted;
  }
  return order;
}

/**
 * A random permutation of 0 … n − 1 (for a number `n`), or `x` shuffled along `axis` (for a
 * tensor), as JAX's `random.permutation`: every slice along `axis` moved by one order (a `take`),
 * or with `independent` each slice by its own (a `gather`; JAX's `independent=True`, and for a 1-d
 * x the same draw either way). Gradients reach `x`.
 * @example ad.random.permutation(ad.random.key(0), 5).shape // [5]
 * @example ad.random.permutation(ad.random.key(0), ad.reshape(ad.arange(6), [2, 3]), 1, true).shape // [2, 3]
 */
export function permutation(k: KeyLike, x: number | Tensor, axis?: number, independent?: boolean): Tensor;
export function permutation(k: KeyLike, x: number | Tensor, axis = 0, independent = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.permutation', 'random.permutation(k, x, axis?, independent?)', extra, independent);
  if (k instanceof Tensor) return keyed('random.permutation', k, [x] as const, (key, [x]) => permutation(key, x, axis, independent));
  const op = 'random.permutation';
  if (typeof independent !== 'boolean') {
    throw new InvalidArgumentError(`${op}: independent must be true or false, got ${describe(independent)}; pass true to shuffle each slice along the axis on its own.`);
  }
  // The order is drawn from the key alone: a primitive on a traced key's words, so jit replays it (./keyPrimitives.ts).
  const order = (n: number): Tensor => noiseTensor(noise(op, k, [n], 1, (k0, k1) => shuffledOrder(op, new Key(k0, k1), n)), [n]);
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < 0) {
      throw new InvalidArgumentError(`${op}: n must be a non-negative integer, got ${x}; pass the number of items to permute, or a tensor to shuffle.`);
    }
    normalizeAxis(axis, 1, op); // arange(n) has the one axis (0 or −1); anything else was ignored
    return order(x);
  }
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: x must be an integer n or a tensor, got ${describe(x)}; pass a count, or ad.tensor(values).`);
  }
  if (x.ndim === 0) throw new ShapeError(`${op}: x is a scalar tensor; pass a tensor with at least one axis, or an integer n for a permutation of 0 … n − 1.`);
  const ax = normalizeAxis(axis, x.ndim, op);
  if (!independent || x.ndim === 1) return take(x, order(x.shape[ax]!), ax);
  // Drawn from the key alone, as the order above (a primitive on a traced key's words: jit replays it).
  const shape = [...x.shape];
  const orders = noiseTensor(noise(op, k, shape, 1, (k0, k1) => independentOrder(op, new Key(k0, k1), shape, ax)), shape);
  return gather(x, orders, ax);
}
