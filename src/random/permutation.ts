/**
 * @file `permutation(key, n | x, axis)`: a random order, as JAX's `random.permutation` (its
 * `_shuffle`: a few rounds of a stable sort by fresh 32-bit random keys), and a tensor permuted
 * along an axis with `take`, so the result stays differentiable in `x`.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { take } from '../ops/shape.js';
import { describe } from '../tensor/describe.js';
import { normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noiseTensor, type KeyLike } from './continuous.js';
import { Key, split } from './key.js';
import { noise } from './keyPrimitives.js';
import { sampleSize } from './params.js';
import { hashCounts } from './threefry.js';
import { keyed } from './batching.js';

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
 * A random permutation of 0 … n − 1 (for a number `n`), or `x` shuffled along `axis` (for a
 * tensor), as JAX's `random.permutation` (independent = false). The tensor form is a `take`, so
 * gradients reach `x`.
 * @example ad.random.permutation(ad.random.key(0), 5).shape // [5]
 */
export function permutation(k: KeyLike, x: number | Tensor, axis = 0): Tensor {
  if (k instanceof Tensor) return keyed('random.permutation', k, [x] as const, (key, [x]) => permutation(key, x, axis));
  const op = 'random.permutation';
  // The order is drawn from the key alone: a primitive on a traced key's words, so jit replays it (./keyPrimitives.ts).
  const order = (n: number): Tensor => noiseTensor(noise(op, k, [n], 1, (k0, k1) => shuffledOrder(op, new Key(k0, k1), n)), [n]);
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < 0) {
      throw new InvalidArgumentError(`${op}: n must be a non-negative integer, got ${x}; pass the number of items to permute, or a tensor to shuffle.`);
    }
    return order(x);
  }
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: x must be an integer n or a tensor, got ${describe(x)}; pass a count, or ad.tensor(values).`);
  }
  if (x.ndim === 0) throw new ShapeError(`${op}: x is a scalar tensor; pass a tensor with at least one axis, or an integer n for a permutation of 0 … n − 1.`);
  const ax = normalizeAxis(axis, x.ndim, op);
  return take(x, order(x.shape[ax]!), ax);
}
