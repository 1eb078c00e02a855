/**
 * @file PRNG keys in a loop's carry (`scan`, `whileLoop`, `foriLoop`), as JAX programs carry them
 * through `lax.scan`: the loop runs on the keys' words — each key a tensor [2], which the loop
 * threads, checkpoints, batches and records like any other leaf — and the functions the user wrote
 * see keys again. A key made from words that a transformation traces is a traced key
 * (random/key.ts), so `split`, `foldIn` and the samplers that draw from the key alone run as
 * primitives on those words: under `jit` a replay draws from the next call's key.
 */
import { isPlainObject } from '../core/pytree.js';
import { mapNodeChildren, nodeParts, NOT_A_NODE, registeredNode } from '../core/pytreeNodes.js';
import { Key, keyOfWords, keyWordsTensor } from '../random/key.js';
import { Tensor } from '../tensor/tensor.js';

/** Whether `tree` (arrays and plain objects) holds a key anywhere. */
export function holdsKey(tree: unknown): boolean {
  if (tree instanceof Key) return true;
  if (Array.isArray(tree)) return tree.some(holdsKey);
  if (isPlainObject(tree)) return Object.keys(tree).some((k) => holdsKey(tree[k]));
  const reg = registeredNode(tree);
  return reg !== undefined && nodeParts(reg, tree as object, 'a loop carry').children.some(holdsKey);
}

/** `tree` with every key replaced by its words, a tensor [2] (a traced key's own words tensor). */
export function keysAsWords(tree: unknown): unknown {
  if (tree instanceof Key) return keyWordsTensor(tree);
  if (Array.isArray(tree)) return tree.map(keysAsWords);
  if (isPlainObject(tree)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) out[k] = keysAsWords(tree[k]);
    return out;
  }
  const node = mapNodeChildren(tree, keysAsWords, 'a loop carry');
  return node === NOT_A_NODE ? tree : node;
}

/** `tree` (of `like`'s nesting, its keys as words) with the words where `like` holds keys made keys again. */
export function wordsAsKeys(tree: unknown, like: unknown, op: string): unknown {
  if (like instanceof Key) return tree instanceof Tensor ? keyOfWords(tree, op) : tree;
  if (Array.isArray(like) && Array.isArray(tree)) return tree.map((t, i) => wordsAsKeys(t, like[i], op));
  if (isPlainObject(like) && isPlainObject(tree)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) out[k] = wordsAsKeys(tree[k], like[k], op);
    return out;
  }
  const reg = registeredNode(like);
  if (reg !== undefined && registeredNode(tree) === reg) {
    const likeChildren = nodeParts(reg, like as object, op).children;
    const node = mapNodeChildren(tree, (c, i) => wordsAsKeys(c, likeChildren[i], op), op);
    if (node !== NOT_A_NODE) return node;
  }
  return tree;
}
