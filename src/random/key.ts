/**
 * @file PRNG keys as JAX's default `threefry2x32` implementation makes them: `key(seed)`,
 * `split(key, n)`, `foldIn(key, data)`, and the coercion of what a user passes where a key goes.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { checkableValues, isTraced } from '../tensor/checks.js';
import { describe } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';
import { block, hashCounts, threefry2x32 as hashBlock } from './threefry.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * A PRNG key: two 32-bit words, immutable. Make one with `ad.random.key(seed)`; derive new ones
 * with `split` and `foldIn`. Samplers never change a key: the same key gives the same sample.
 */
export class Key {
  /** The key's two uint32 words, as JAX's `random.key_data` gives them. */
  readonly words: readonly [number, number];

  /** Not for users (kept declared, so no implicit no-argument constructor): use `ad.random.key(seed)` or `ad.random.wrapKeyData(words)`. */
  constructor(k0: number, k1: number) {
    this.words = Object.freeze([k0 >>> 0, k1 >>> 0] as [number, number]);
    Object.freeze(this);
  }

  toString(): string {
    return `Key(${this.words[0]}, ${this.words[1]})`;
  }
}

// A brand core/pytree.ts recognises without importing this module, to say what to do with a key
// met where a tree must hold tensors (its error names the key instead of "an object").
Object.defineProperty(Key.prototype, Symbol.for('adjoint.prngKey'), { value: true });

/**
 * The words of traced keys, as tensors of shape [2]: a key that `jit` passes to the function it
 * records (an argument that is a Key is a program input, its words a tensor), and the keys that
 * `split` and `foldIn` derive from one. Samplers, `split` and `foldIn` draw from such a key with
 * primitives on its words (./keyPrimitives.ts), so a replay draws from the next call's key.
 */
const tracedWords = new WeakMap<Key, Tensor>();

/** The tensor of a traced key's words, or null for a key whose words are plain numbers. @internal */
export function wordsTensorOf(k: Key): Tensor | null {
  return tracedWords.get(k) ?? null;
}

/** A key's words as a tensor [2]: a traced key's own words tensor, else a new constant. @internal */
export function keyWordsTensor(k: Key): Tensor {
  return tracedWords.get(k) ?? new Tensor(Float64Array.of(k.words[0], k.words[1]), [2]);
}

/**
 * A key whose words are the tensor `t` of shape [2]: a plain tensor gives a plain key (its words
 * checked); a traced one a traced key, whose `words` are read only where something needs the numbers
 * (a sampler that reads its parameters' values too): under `jit` that read is reported, so the
 * recording is not kept and the function runs as written; under a transformation whose values are
 * not the key's (a grad inside the vmap that batches the key) it is an error that says what to do.
 * @internal
 */
export function keyOfWords(t: Tensor, op: string): Key {
  if (!isTraced(t)) return fromTensor(t, op);
  checkKeyShape(t, op);
  const k = Object.create(Key.prototype) as Key;
  Object.defineProperty(k, 'words', { enumerable: true, get: () => readTracedWords(t, op) });
  Object.freeze(k);
  tracedWords.set(k, t);
  return k;
}

/**
 * What reads a traced key's words, for the reason `jit` gives (it reads "… read the value of a
 * tensor computed from the arguments, at <site>"): the readers are the ones that need the numbers.
 */
const KEY_WORDS_READ =
  "a PRNG key's words (needed by key.words, keyData, threefry2x32, toString, a structured model's sample, or a sampler " +
  'that draws on the values of its parameters: the gamma family, poisson, binomial, truncatedNormal, categorical, choice, permutation, …)';

/** A traced key's words, where they can be read (see keyOfWords). */
function readTracedWords(t: Tensor, op: string): readonly [number, number] {
  // The getter does not know who reads (`op` is the function that made this key — 'jit' for an
  // argument, 'random.split' for a key split from one — or the sampler given a tensor key), so the
  // reason jit reports names the key's words and the readers there are; the site follows it.
  const v = checkableValues(t, KEY_WORDS_READ);
  if (v === null) {
    throw new InvalidArgumentError(
      `${op}: the key is a tensor being differentiated or batched under a grad (a grad running inside the vmap that ` +
        `batches the key, vmap(grad(f)) with a batched key, or a grad taken with respect to the key), so its words cannot ` +
        `be read by a sampler that draws on the values of its parameters (the gamma family, poisson, …). For per-example ` +
        `gradients, take the grad of the sum of the vmapped function instead (the examples are independent, so its ` +
        `gradient holds each example's); a key has no derivative, so do not differentiate with respect to it; or pass a Key.`,
    );
  }
  return Object.freeze(checkWords(v[0]!, v[1]!, op));
}

/** Two key words read from a tensor, checked: integers in [0, 2^32), or an error naming `op` that shows them. @internal */
export function checkWords(w0: number, w1: number, op: string): [number, number] {
  const ok = (w: number) => Number.isInteger(w) && w >= 0 && w < TWO_32;
  if (!ok(w0) || !ok(w1)) {
    throw new InvalidArgumentError(
      `${op}: a key given as a tensor must have shape [2] (the key's two uint32 words), got the words [${w0}, ${w1}]; ` +
        'pass a tensor of two integers in [0, 2^32), e.g. ad.random.keyData([key]) row by row under vmap.',
    );
  }
  return [w0, w1];
}

/** Throws unless `t` has a key's shape [2], saying what to do for a batch of keys [n, 2]. @internal */
export function checkKeyShape(t: Tensor, op: string): void {
  if (t.ndim === 1 && t.size === 2) return;
  const fix = t.ndim === 2 && t.shape[1] === 2
    ? `it holds ${t.shape[0]} keys; map over them with ad.vmap, or pass one row.`
    : 'pass a tensor of two integers in [0, 2^32), e.g. ad.random.keyData([key]) row by row under vmap.';
  throw new InvalidArgumentError(`${op}: a key given as a tensor must have shape [2] (the key's two uint32 words), got shape [${t.shape.join(',')}]; ${fix}`);
}

const TWO_32 = 2 ** 32;

/**
 * A key from an integer seed, as JAX's `random.key` / `PRNGKey` in 64-bit mode: the seed's
 * 64-bit two's-complement pattern, high word first (`key(0)` is [0, 0], `key(-1)` is
 * [2³²−1, 2³²−1]). Numbers must be safe integers; a bigint may use all 64 bits.
 * @example ad.random.key(42).words // [0, 42]
 */
export function key(seed: number | bigint): Key {
  if (typeof seed === 'bigint') {
    if (seed < -(2n ** 63n) || seed >= 2n ** 64n) {
      throw new InvalidArgumentError(
        `random.key: seed ${seed}n does not fit in 64 bits; pass an integer in [-2^63, 2^64) (seeds are 32- or 64-bit integers, as JAX's).`,
      );
    }
    const bits = BigInt.asUintN(64, seed);
    return new Key(Number(bits >> 32n), Number(bits & 0xffffffffn));
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    const fix = typeof seed === 'number' && Number.isInteger(seed)
      ? 'it is past 2^53, where numbers lose integer precision; pass it as a bigint (e.g. 2n ** 60n).'
      : 'pass an integer seed (e.g. 0) so results repeat, or a bigint for a 64-bit seed.';
    throw new InvalidArgumentError(`random.key: seed must be an integer, got ${describe(seed)}; ${fix}`);
  }
  // floor(seed / 2^32) and seed mod 2^32 are the two words of the 64-bit pattern, negative seeds included.
  const high = Math.floor(seed / TWO_32);
  return new Key(high >>> 0, seed - high * TWO_32);
}

/**
 * A key from its two uint32 words (JAX's `random.wrap_key_data`), to continue a stream that JAX
 * or an earlier run produced.
 * @example ad.random.wrapKeyData([0, 42]).toString() // 'Key(0, 42)'
 */
export function wrapKeyData(words: readonly number[]): Key;
export function wrapKeyData(words: readonly number[], ...extra: unknown[]): Key {
  if (extra.length > 0) extraArguments('random.wrapKeyData', 'random.wrapKeyData(words)', extra, words);
  const ok = Array.isArray(words) && words.length === 2 &&
    words.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < TWO_32);
  if (!ok) {
    throw new InvalidArgumentError(
      `random.wrapKeyData: words must be an array of two integers in [0, 2^32), got ${describe(words)}; pass key.words of an existing key.`,
    );
  }
  return new Key(words[0]!, words[1]!);
}

/**
 * The two uint32 words of a key (JAX's `random.key_data`); of an array of keys (as `split`
 * returns), a tensor of shape [n, 2], one key per row: a batch of keys for `vmap`, where a
 * sampler given one row as its key draws each example with its own key.
 * @example ad.random.keyData(ad.random.key(7)) // [0, 7]
 */
export function keyData(k: Key | number | bigint): [number, number];
export function keyData(keys: readonly Key[]): Tensor;
export function keyData(k: Key | number | bigint | readonly Key[]): [number, number] | Tensor {
  if (Array.isArray(k)) {
    const keys = k.map((x, i) => toKey(x instanceof Key ? x : invalid(x, i), 'random.keyData'));
    return new Tensor(Float64Array.from(keys.flatMap((x) => x.words)), [keys.length, 2]);
  }
  const { words } = toKey(k, 'random.keyData');
  return [words[0], words[1]];
}

/** keyData's error for an array entry that is not a key. */
function invalid(x: unknown, i: number): never {
  throw new InvalidArgumentError(`random.keyData: keys[${i}] is ${describe(x)}, not a key; pass the keys of ad.random.split(key, n).`);
}

/** A key given as a plain tensor of its two words (JAX's raw uint32[2] keys; a row of `keyData(keys)`), shape and words checked. */
function fromTensor(t: Tensor, op: string): Key {
  checkKeyShape(t, op);
  const v = t.values;
  return new Key(...checkWords(v[0]!, v[1]!, op));
}

/**
 * What was passed where a key goes, as a Key: a key itself, or a plain integer (or bigint) read as
 * `key(seed)`. Anything else is an error naming `op`.
 */
export function toKey(k: unknown, op: string): Key {
  if (k instanceof Key) return k;
  if (k instanceof Tensor) return keyOfWords(k, op);
  if ((typeof k === 'number' && Number.isSafeInteger(k)) || typeof k === 'bigint') return key(k);
  const fix = Array.isArray(k) && k.some((x) => x instanceof Key)
    ? 'it holds several keys (as split returns); pass one of them, e.g. keys[0].'
    : Array.isArray(k) && k.length === 2 && k.every((x) => typeof x === 'number')
      ? 'to use two raw key words, wrap them with ad.random.wrapKeyData([a, b]).'
      : 'make one with ad.random.key(seed), or pass an integer seed.';
  throw new InvalidArgumentError(`${op}: key must be a key from ad.random.key(seed) or an integer seed, got ${describe(k)}; ${fix}`);
}

/**
 * `n` new keys from one (JAX's `random.split`, threefry's non-partitionable form): the counters
 * 0 … 2n − 1 hashed under the key, read in pairs. The keys are independent streams; use one and
 * split it again rather than reusing a key.
 * @example ad.random.split(ad.random.key(0)).length // 2
 */
export function split(k: Key | number | bigint, n = 2): Key[] {
  const { words } = toKey(k, 'random.split');
  checkSplitCount(n);
  const out = hashCounts(words[0], words[1], 2 * n, null);
  const keys = new Array<Key>(n);
  for (let i = 0; i < n; i++) keys[i] = new Key(out[2 * i]!, out[2 * i + 1]!);
  return keys;
}

/**
 * A new key from a key and a 32-bit integer (JAX's `random.fold_in`): the block (0, data) hashed
 * under the key. Use it to give each step, example or worker its own stream: `foldIn(k, step)`.
 * @example ad.random.foldIn(ad.random.key(0), 4).words // [2285895361, 433833334]
 */
export function foldIn(k: Key | number | bigint, data: number): Key {
  const { words } = toKey(k, 'random.foldIn');
  checkFoldInData(data);
  hashBlock(words[0], words[1], 0, data);
  return new Key(block[0]!, block[1]!);
}

/** Throws unless `n` is a count of keys one split gives. @internal */
export function checkSplitCount(n: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`random.split: n must be a non-negative integer, got ${describe(n)}; pass how many keys you want (default 2).`);
  }
  if (2 * n > 2 ** 32 - 2) {
    throw new InvalidArgumentError(`random.split: n = ${n} keys is more than one split gives (2^31 - 1); split in two steps (split each of a few keys).`);
  }
}

/** foldIn's data, checked: an integer in [0, 2^32). @internal */
export function checkFoldInData(data: unknown): number {
  if (typeof data !== 'number' || !Number.isInteger(data) || data < 0 || data >= TWO_32) {
    throw new InvalidArgumentError(
      `random.foldIn: data must be an integer in [0, 2^32), got ${describe(data)}; fold in a step or index (use data >>> 0 for a negative 32-bit value).`,
    );
  }
  return data;
}

/**
 * The raw hash (JAX's `prng.threefry_2x32(key, counts)`): Threefry-2x32-20 of the uint32 counters
 * under the key, paired first half with second half (one 0 of padding when their number is odd).
 * For reproducing or testing streams; samplers call it for you.
 * @example Array.from(ad.random.threefry2x32(ad.random.wrapKeyData([0, 0]), [0, 0])) // => [0x6b200159, 0x99ba4efe]
 */
export function threefry2x32(k: Key | number | bigint, counts: ArrayLike<number>): Uint32Array;
export function threefry2x32(k: Key | number | bigint, counts: ArrayLike<number>, ...extra: unknown[]): Uint32Array {
  if (extra.length > 0) extraArguments('random.threefry2x32', 'random.threefry2x32(k, counts)', extra, counts);
  const { words } = toKey(k, 'random.threefry2x32');
  const n = counts?.length;
  if (typeof n !== 'number' || typeof counts === 'string' || typeof counts === 'function') { // a function's length is its arity
    throw new InvalidArgumentError(`random.threefry2x32: counts must be an array of integers in [0, 2^32), got ${describe(counts)}; pass e.g. [0, 1].`);
  }
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= TWO_32) {
      throw new InvalidArgumentError(`random.threefry2x32: counts[${i}] is ${describe(c)}; every counter must be an integer in [0, 2^32).`);
    }
  }
  return hashCounts(words[0], words[1], n, counts);
}
