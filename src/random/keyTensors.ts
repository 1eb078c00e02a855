/**
 * @file `split` and `foldIn` of keys given as tensors of their two words (JAX's raw uint32[2] keys):
 * the results are tensors too — split's a [n, 2] batch of keys, one per row, foldIn's one [2] key —
 * so a key mapped by `vmap` can be split inside the mapped function, as in JAX.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { eachExample } from './batching.js';
import { foldIn as foldInKey, key as keyOf, split as splitKey, toKey, type Key } from './key.js';

/** The words of keys as a tensor: [n, 2] for an array, [2] for one key. */
const wordsOf = (keys: readonly Key[], shape: number[]): Tensor => new Tensor(Float64Array.from(keys.flatMap((k) => k.words)), shape);

/**
 * A key from an integer seed, as JAX's `random.key` / `PRNGKey` (see key.ts: the seed's 64-bit
 * pattern, high word first). Of a seed given as a 0-d tensor, a tensor of the key's two words [2]:
 * JAX takes a traced seed, so under `vmap` each example gets the key of its own seed.
 * @example ad.random.key(42).words // [0, 42]
 * @example ad.vmap((s) => ad.random.normal(ad.random.key(s), [2]))(ad.tensor([0, 7])).shape // [2, 2]
 */
export function key(seed: number | bigint): Key;
export function key(seed: Tensor): Tensor;
export function key(seed: number | bigint | Tensor): Key | Tensor {
  if (!(seed instanceof Tensor)) return keyOf(seed);
  return eachExample([seed], ([plain]) => wordsOf([keyOf(oneInteger(plain!, 'random.key', 'the seed'))], [2]));
}

/**
 * `n` new keys from one (JAX's `random.split`). Of a key (or seed), an array of keys; of a key
 * given as a tensor of its two words, a tensor of shape [n, 2], one key per row (under `vmap`, each
 * example's keys).
 * @example ad.random.split(ad.random.key(0)).length // 2
 */
export function split(k: Key | number | bigint, n?: number): Key[];
export function split(k: Tensor, n?: number): Tensor;
export function split(k: Key | number | bigint | Tensor, n = 2): Key[] | Tensor {
  if (!(k instanceof Tensor)) return splitKey(k, n);
  return eachExample([k], ([plain]) => wordsOf(splitKey(toKey(plain!, 'random.split'), n), [n, 2]));
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
export function foldIn(k: Key | number | bigint | Tensor, data: number | Tensor): Key | Tensor {
  if (!(k instanceof Tensor) && !(data instanceof Tensor)) return foldInKey(k, data);
  const tensors = [k, data].filter((x): x is Tensor => x instanceof Tensor);
  return eachExample(tensors, (plain) => {
    const words = k instanceof Tensor ? plain[0]! : k;
    const d = data instanceof Tensor ? oneInteger(plain[plain.length - 1]!, 'random.foldIn', 'data') : data;
    return wordsOf([foldInKey(toKey(words, 'random.foldIn'), d)], [2]);
  });
}

/** A seed or foldIn's data given as a tensor: one value (under vmap, each example's); key and foldIn check that it is an integer in range. */
function oneInteger(t: Tensor, op: string, what: string): number {
  if (t.ndim !== 0) {
    throw new InvalidArgumentError(
      `${op}: ${what} given as a tensor must be 0-d (one integer, or under vmap one per example), got shape ${formatShape(t.shape)}; ` +
        'pass one at a time (map over them with ad.vmap).',
    );
  }
  return t.item();
}
