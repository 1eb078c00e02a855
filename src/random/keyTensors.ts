/**
 * @file `key`, `split` and `foldIn` as users call them. Of keys given as tensors of their two words
 * (JAX's raw uint32[2] keys) the results are tensors too — split's a [n, 2] batch of keys, one per
 * row, foldIn's one [2] key — so a key mapped by `vmap` can be split inside the mapped function, as
 * in JAX. Of a traced Key (one `jit` passed in, or derived from one) they are traced Keys. Both
 * kinds go through the primitives of ./keyPrimitives.ts; plain keys are hashed directly (./key.ts).
 */
import { reshape, stack, take } from '../ops/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkKeyShape, foldIn as foldInKey, key as keyOf, Key, keyData as keyDataOf, keyOfWords, split as splitKey, wordsTensorOf } from './key.js';
import { constantWords, foldInWordsTensor, keyOfSeedTensor, keyTensor, splitWordsTensor } from './keyPrimitives.js';
import { extraArguments } from '../core/extraArguments.js';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * A key from an integer seed, as JAX's `random.key` / `PRNGKey` (see key.ts: the seed's 64-bit
 * pattern, high word first). Of a seed given as a 0-d tensor, a tensor of the key's two words [2]:
 * JAX takes a traced seed, so under `vmap` each example gets the key of its own seed, and under
 * `jit` a replay makes the key of the new seed.
 * @example ad.random.key(42).words // [0, 42]
 * @example ad.vmap((s) => ad.random.normal(ad.random.key(s), [2]))(ad.tensor([0, 7])).shape // [2, 2]
 */
export function key(seed: number | bigint): Key;
export function key(seed: Tensor): Tensor;
export function key(seed: number | bigint | Tensor, ...extra: unknown[]): Key | Tensor {
  if (extra.length > 0) extraArguments('random.key', 'random.key(seed)', extra, seed);
  return seed instanceof Tensor ? keyOfSeedTensor(seed) : keyOf(seed);
}

/**
 * JAX's older name for `key` (jax.random.PRNGKey): the same key from the same seed. (JAX's
 * PRNGKey gives the key's raw uint32[2] words; here both names give a key, whose words
 * `keyData` reads, and every sampler takes either.)
 * @example ad.random.keyData(ad.random.PRNGKey(42)) // [0, 42]
 */
export function PRNGKey(seed: number | bigint): Key;
export function PRNGKey(seed: Tensor): Tensor;
export function PRNGKey(seed: number | bigint | Tensor, ...extra: unknown[]): Key | Tensor {
  if (extra.length > 0) extraArguments('random.PRNGKey', 'random.PRNGKey(seed)', extra, seed);
  return renamed('random.key', 'random.PRNGKey', () => (seed instanceof Tensor ? keyOfSeedTensor(seed) : keyOf(seed)));
}

/**
 * A key for another use (jax.random.clone): JAX's key-reuse checks aside, where it is the
 * identity, so it is here — the key itself, a key given as a tensor of its words (checked to be
 * one), or for an integer seed `key(seed)`. Draws with a key and its clone are equal.
 * @example ad.random.keyData(ad.random.clone(ad.random.key(3))) // [0, 3]
 */
export function clone(k: Key | number | bigint): Key;
export function clone(k: Tensor): Tensor;
export function clone(k: Key | number | bigint | Tensor, ...extra: unknown[]): Key | Tensor {
  if (extra.length > 0) extraArguments('random.clone', 'random.clone(key)', extra, k);
  if (k instanceof Key) return k;
  if (k instanceof Tensor) {
    checkKeyShape(k, 'random.clone');
    return k;
  }
  return renamed('random.key', 'random.clone', () => keyOf(k));
}

/** `run()`, with an InvalidArgumentError that names `from` told as `to`'s (an alias's own name in its messages). */
function renamed<T>(from: string, to: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof InvalidArgumentError && e.message.startsWith(`${from}:`)) throw new InvalidArgumentError(`${to}:${e.message.slice(from.length + 1)}`);
    throw e;
  }
}

/**
 * `n` new keys from one (JAX's `random.split`). Of a key (or seed), an array of keys; of a key
 * given as a tensor of its two words, a tensor of shape [n, 2], one key per row (under `vmap`, each
 * example's keys), which iterates by row: `const [a, b] = ad.random.split(k)` either way.
 * `n` may be a shape, as JAX's `num` tuple: the keys of `split(k, size)` in row-major order (JAX's
 * bits), as nested arrays of keys (`split(k, [2, 3])[1][2]`), or of a tensor key a tensor
 * [...shape, 2]; `keyData` of the nested arrays gives that tensor.
 * @example ad.random.split(ad.random.key(0)).length // 2
 * @example ad.random.split(ad.random.key(0), [2, 3])[1]!.length // 3
 */
export function split(k: Key | number | bigint): [Key, Key];
export function split(k: Key | number | bigint, n?: number): Key[];
export function split(k: Key | number | bigint, shape: readonly []): Key;
export function split(k: Key | number | bigint, shape: readonly [number]): Key[];
export function split(k: Key | number | bigint, shape: readonly [number, number]): Key[][];
export function split(k: Key | number | bigint, shape: readonly number[]): NestedKeys;
export function split(k: Tensor, n?: number): Tensor & Iterable<Tensor>;
export function split(k: Tensor, shape: readonly number[]): Tensor;
export function split(k: Key | number | bigint | Tensor, n: number | readonly number[] = 2, ...extra: unknown[]): Key[] | Tensor | NestedKeys {
  if (extra.length > 0) extraArguments('random.split', 'random.split(k, n?)', extra, n);
  if (Array.isArray(n)) return splitShaped(k, n as readonly unknown[]);
  const t = keyTensor(k, 'random.split');
  if (t === null) return splitKey(k as Key | number | bigint, n as number);
  const keys = splitWordsTensor(t, n as number, !(k instanceof Tensor));
  return keys instanceof Tensor ? iterableKeys(keys) : keys;
}

/** Keys nested in arrays, one level per axis of a shape (split's result for a shape); a shape [] is one key. */
export type NestedKeys = Key | NestedKeys[];

/** split(k, shape): the keys of split(k, size) in row-major order, nested by `shape` (or a tensor [...shape, 2]). */
function splitShaped(k: Key | number | bigint | Tensor, shape: readonly unknown[]): Tensor | NestedKeys {
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(`random.split: a shape of keys must list non-negative integers, got [${shape.map(String).join(', ')}]; e.g. split(key, [2, 3]).`);
    }
    size *= d;
  }
  const flat = split(k as Key, size) as Key[] | Tensor;
  if (flat instanceof Tensor) return reshape(flat, [...(shape as number[]), 2]);
  let at = 0;
  const nest = (axis: number): NestedKeys => {
    if (axis === shape.length) return flat[at++]!;
    return Array.from({ length: shape[axis] as number }, () => nest(axis + 1));
  };
  return nest(0);
}

/**
 * The [n, 2] keys of a split, iterable by row, so that `const [a, b] = split(k)` reads the same for
 * a key given as a tensor — inside `vmap`, each example's — as for a key (JAX's idiom; its key
 * arrays iterate). Only split's results iterate: tensors in general do not, since test frameworks
 * compare iterables entry by entry (a `toEqual` of two tensors would walk them to 0-d entries).
 */
function iterableKeys(keys: Tensor): Tensor & Iterable<Tensor> {
  const rows = keys.shape[0]!;
  Object.defineProperty(keys, Symbol.iterator, {
    value: function* splitKeys(): Generator<Tensor, void, undefined> {
      for (let i = 0; i < rows; i++) yield take(keys, i, 0);
    },
  });
  return keys as Tensor & Iterable<Tensor>;
}

/**
 * A new key from a key and a 32-bit integer (JAX's `random.fold_in`). Of a key given as a tensor
 * of its two words, or of `data` given as a 0-d tensor, a tensor of shape [2] (under `vmap`, each
 * example's key): JAX folds in a traced integer, so `vmap(i => normal(foldIn(key, i), …))(arange(n))`
 * gives example i the key of `foldIn(key, i)`.
 * @example ad.random.foldIn(ad.random.key(0), 4).words // [2285895361, 433833334]
 */
export function foldIn(k: Key | number | bigint, data: number): Key;
export function foldIn(k: Key | number | bigint | Tensor, data: number | Tensor): Tensor;
export function foldIn(k: Key | number | bigint | Tensor, data: number | Tensor, ...extra: unknown[]): Key | Tensor {
  if (extra.length > 0) extraArguments('random.foldIn', 'random.foldIn(k, data)', extra, data);
  const t = keyTensor(k, 'random.foldIn');
  if (t === null && !(data instanceof Tensor)) return foldInKey(k as Key | number | bigint, data);
  const words = foldInWordsTensor(t ?? constantWords(k as Key | number | bigint, 'random.foldIn'), data);
  // A traced Key folded with a number stays a Key (of traced words), as split's keys do.
  return k instanceof Key && typeof data === 'number' ? keyOfWords(words, 'random.foldIn') : words;
}

/**
 * The two uint32 words of a key (JAX's `random.key_data`); of an array of keys (as `split`
 * returns), a tensor of shape [n, 2], one key per row: a batch of keys for `vmap`, where a
 * sampler given one row as its key draws each example with its own key. Of keys traced by `jit`
 * (an argument, or split from one), the tensor stacks their words without reading them, so a
 * jitted step that maps over `keyData(split(key, n))` replays with each new key.
 * @example ad.random.keyData(ad.random.key(7)) // [0, 7]
 */
export function keyData(k: Key | number | bigint): [number, number];
export function keyData(keys: readonly Key[] | readonly NestedKeys[]): Tensor;
export function keyData(k: Key | number | bigint | readonly Key[] | readonly NestedKeys[], ...extra: unknown[]): [number, number] | Tensor {
  if (extra.length > 0) extraArguments('random.keyData', 'random.keyData(k)', extra, k);
  if (Array.isArray(k) && k.some((x) => Array.isArray(x))) {
    // Nested arrays of keys (split's result for a shape): their words [...shape, 2].
    const rows = (k as unknown[]).map((x) => (Array.isArray(x) ? keyData(x as readonly Key[]) : x));
    const first = rows[0];
    if (!rows.every((r) => r instanceof Tensor && first instanceof Tensor && r.shape.join() === first.shape.join())) {
      throw new InvalidArgumentError('random.keyData: nested arrays of keys must be rectangular, every entry an array of the same shape (as split(key, shape) returns).');
    }
    return stack(rows as Tensor[], 0);
  }
  if (Array.isArray(k) && k.length > 0 && k.every((x) => x instanceof Key) && k.some((x) => wordsTensorOf(x) !== null)) {
    // The same values as keyDataOf's rows (words are exact in float64), as one tensor that a recording keeps as a call.
    return stack(k.map((x: Key) => wordsTensorOf(x) ?? new Tensor(Float64Array.of(x.words[0], x.words[1]), [2])), 0);
  }
  return keyDataOf(k as Key);
}
