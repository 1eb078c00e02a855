/**
 * @file Randomness as primitives on a key's words. A key whose words are plain numbers draws
 * directly (./key.ts, the samplers' loops). A key whose words are a tensor — a key `jit` passes to
 * the function it records, the keys `split` and `foldIn` derive from it, a tensor of words such as
 * a row of `keyData(keys)` under `vmap` — draws through these primitives instead: their forward
 * kernels run the same loops on the words they are given, so
 * - a `jit` recording keeps the draw as a call on the key, and a replay draws from the next call's
 *   key, bit for bit as the function would (JAX's `jit(step)(params, key)`);
 * - `vmap` over a batch of keys draws each example with its own key (the batching rules below run
 *   the kernel once per key), as JAX's batching of `random_bits`.
 * None has a derivative (a sample's noise is a constant to every differentiating level; the
 * reparameterised samplers apply their location and scale with ops), and none reads a value
 * outside its kernel.
 */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { apply } from '../core/trace.js';
import { InvalidArgumentError } from '../core/errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkFoldInData, checkKeyShape, checkSplitCount, checkWords, foldIn as foldInKey, key as keyOfSeed, Key, keyOfWords, keyWordsTensor, toKey, wordsTensorOf } from './key.js';
import { sampleSize } from './params.js';
import { hashCounts } from './threefry.js';
import { broadcastTo, take } from '../ops/shape.js';

/** A sampler's standard noise (before its location and scale) from the key (k0, k1). */
export type Draw = (k0: number, k1: number) => Float64Array;

interface NoiseParams {
  /** The sampler, for errors. */
  readonly op: string;
  readonly shape: Shape;
  /** Draws the sample from a key's words: a closure over the sampler's static settings only. */
  readonly draw: Draw;
}

/** Row `row`'s key words of a tensor of keys, checked (a replay may bring words that are not a key's). */
function wordsAt(v: Float64Array, row: number, op: string): [number, number] {
  return checkWords(v[2 * row]!, v[2 * row + 1]!, op);
}

/**
 * The kernels below take keys with leading axes — [...lead, 2], one key per entry of `lead` — and
 * give one result of `shape` per key: [...lead, ...shape]. So each batching rule is the primitive
 * itself on the batched keys (a vmap adds one leading axis; nested vmaps add more), which a jit
 * recording of a vmap records as one call.
 */
function perKey(lead: Shape, shape: Shape, f: (row: number) => ArrayLike<number>): Tensor {
  let rows = 1, n = 1;
  for (const d of lead) rows *= d;
  for (const d of shape) n *= d;
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) out.set(f(r), r * n);
  return new Tensor(out, [...lead, ...shape]);
}

/** A key tensor's leading axes (all but the last, which holds the two words). */
const leadOf = (k: Tensor): Shape => k.shape.slice(0, -1);

const noiseP: Primitive<NoiseParams> = definePrimitive<NoiseParams>({
  name: 'randomNoise',
  saves: 'none',
  forward: ([k], { op, shape, draw }) => {
    const v = k!.values;
    return perKey(leadOf(k!), shape, (r) => draw(...wordsAt(v, r, op)));
  },
  vjp: null,
  jvp: null,
  batch: ([k], _batched, p) => apply(noiseP, [k!], p),
});

/** split's n keys from (k0, k1), as n rows of words: the counters 0 … 2n − 1 hashed under the key. */
const splitWords = (k0: number, k1: number, n: number): Float64Array => Float64Array.from(hashCounts(k0, k1, 2 * n, null));

const splitP: Primitive<{ readonly n: number }> = definePrimitive<{ readonly n: number }>({
  name: 'randomSplit',
  saves: 'none',
  forward: ([k], { n }) => {
    const v = k!.values;
    return perKey(leadOf(k!), [n, 2], (r) => splitWords(...wordsAt(v, r, 'random.split'), n));
  },
  vjp: null,
  jvp: null,
  batch: ([k], _batched, p) => apply(splitP, [k!], p),
});

/** foldIn's data: a number in the params, or (null) a tensor as the second input, one integer per key. */
interface FoldInParams { readonly data: number | null }

const foldInP: Primitive<FoldInParams> = definePrimitive<FoldInParams>({
  name: 'randomFoldIn',
  saves: 'none',
  forward: ([k, d], { data }) => {
    const v = k!.values, dv = d?.values;
    return perKey(leadOf(k!), [2], (r) => foldInKey(new Key(...wordsAt(v, r, 'random.foldIn')), data ?? checkFoldInData(dv![r]!)).words);
  },
  vjp: null,
  jvp: null,
  // With tensor data, key and data keep one entry per example: the unbatched one is broadcast over the batch.
  batch: (inputs, batched, p, size) => apply(foldInP, inputs.map((x, i) => (batched[i] ? x : broadcastTo(x, [size, ...x.shape]))), p),
});

/** key(seed) for each entry of a seed tensor: [...lead] seeds → [...lead, 2] words. */
const keyP: Primitive<null> = definePrimitive<null>({
  name: 'randomKey',
  saves: 'none',
  forward: ([s]) => {
    const v = s!.values;
    return perKey(s!.shape, [2], (r) => keyOfSeed(v[r]!).words);
  },
  vjp: null,
  jvp: null,
  batch: ([s], _batched, p) => apply(keyP, [s!], p),
});

/** What samplers accept where a key goes (see continuous.ts). */
type KeyArg = Key | number | bigint | Tensor;

/** The words of `k` as a tensor when they are one (a tensor key, shape checked; a traced Key), else null. */
export function keyTensor(k: KeyArg, op: string): Tensor | null {
  if (k instanceof Tensor) {
    checkKeyShape(k, op);
    return k;
  }
  return k instanceof Key ? wordsTensorOf(k) : null;
}

/**
 * The standard noise of a sample of `shape` (`wordsPerValue` 32-bit words per value, checked
 * against one key's stream), of shape `outShape` once drawn (maxwell's norms of triples):
 * `draw(k0, k1, n)` on the key's words — directly for a key with plain
 * words, as a `randomNoise` call on the words' tensor otherwise (see the file's comment). `draw`
 * must depend on nothing but the key and the sampler's static settings.
 */
export function noise(
  op: string, k: KeyArg, shape: Shape, wordsPerValue: number, draw: (k0: number, k1: number, n: number) => Float64Array, outShape: Shape = shape,
): Float64Array | Tensor {
  const n = sampleSize(op, shape, wordsPerValue);
  const t = keyTensor(k, op);
  if (t === null) {
    const { words } = toKey(k, op);
    return draw(words[0], words[1], n);
  }
  return apply(noiseP, [t], { op, shape: [...outShape], draw: (k0, k1) => draw(k0, k1, n) });
}

/** `n` keys from the words of a tensor key (a tensor [n, 2]) or of a traced Key (n traced Keys). */
export function splitWordsTensor(t: Tensor, n: number, asKeys: boolean): Tensor | Key[] {
  checkSplitCount(n);
  const keys = apply(splitP, [t], { n });
  if (!asKeys) return keys;
  return Array.from({ length: n }, (_, i) => keyOfWords(take(keys, i, 0), 'random.split'));
}

/** foldIn on words: of a tensor key or a traced Key (`k`'s words `t`), and/or of tensor `data` (0-d). */
export function foldInWordsTensor(t: Tensor, data: number | Tensor): Tensor {
  if (typeof data === 'number') return apply(foldInP, [t], { data: checkFoldInData(data) });
  return apply(foldInP, [t, oneInteger(data, 'random.foldIn', 'data')], { data: null });
}

/** The key words of a 0-d seed tensor (under vmap, of each example's seed). */
export function keyOfSeedTensor(seed: Tensor): Tensor {
  return apply(keyP, [oneInteger(seed, 'random.key', 'the seed')], null);
}

/** `t` if it is 0-d (one integer, or under vmap one per example: foldIn's data, key's seed), else an error naming `op`. */
function oneInteger(t: Tensor, op: string, what: string): Tensor {
  if (t.ndim === 0) return t;
  throw new InvalidArgumentError(
    `${op}: ${what} given as a tensor must be 0-d (one integer, or under vmap one per example), got shape ${formatShape(t.shape)}; ` +
      'pass one at a time (map over them with ad.vmap).',
  );
}

/** The words of a key with plain words, as a constant tensor [2] (for a tensor op that mixes it with traced data). */
export function constantWords(k: Key | number | bigint, op: string): Tensor {
  return keyWordsTensor(toKey(k, op));
}
