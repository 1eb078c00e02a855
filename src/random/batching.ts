/**
 * @file Samplers under `vmap`. A sampler that reads the values of a parameter (gamma's `a`,
 * poisson's `lam`, …) or of a key given as a tensor cannot read a batched box, which holds one
 * value per example; here such a read runs once per example and the results are stacked along
 * the batch axis. That is what JAX's batching rules amount to: `random_gamma_p`'s rule broadcasts
 * an unbatched key over the batch, so example b of `vmap(f)(params)` is `f(params[b])` with the
 * same key, and a batched key (a stack of split keys) gives example b its own key.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { topTrace } from '../core/trace.js';
import { stopGradient } from '../ops/select.js';
import { stack, take } from '../ops/shape.js';
import { isTraced } from '../tensor/checks.js';
import { Tensor } from '../tensor/tensor.js';
import { BatchTrace } from '../transforms/vmap.js';
import type { KeyLike } from './continuous.js';
import { toKey, type Key } from './key.js';

/**
 * `fn` of `inputs` read as plain values: directly when no input is batched by the innermost
 * running `vmap`; else once per example (the batched inputs' slices, the others as they are),
 * stacked and boxed again, recursively for nested vmaps. `fn` must not read a tensor it closes
 * over that is batched; pass every tensor it reads.
 */
export function eachExample(inputs: readonly Tensor[], fn: (plain: Tensor[]) => Tensor): Tensor {
  const live = [...inputs];
  const top = topTrace(live);
  if (!(top instanceof BatchTrace)) return fn(live);
  if (top.size === 0) {
    throw new InvalidArgumentError(
      'vmap: a batch of 0 examples reaches a sampler that reads its parameters or key one example at a time, so the shape ' +
        'of one draw cannot be known without an example; skip the call when the batch is empty.',
    );
  }
  const outs: Tensor[] = [];
  for (let b = 0; b < top.size; b++) outs.push(eachExample(live.map((x) => (x.trace === top ? take(x.below!, b, 0) : x)), fn));
  return top.box(stack(outs, 0));
}

/** Whether the innermost running trace among `inputs` is a vmap's: then their values can only be read per example. */
export function isBatched(inputs: readonly Tensor[]): boolean {
  return topTrace([...inputs]) instanceof BatchTrace;
}

/**
 * `x` with its derivatives cut, for a sampler that is not differentiable (poisson, binomial,
 * categorical, …): a grad running inside a vmap then leaves the batched values below it to read.
 */
export function constant(x: Tensor): Tensor {
  return isTraced(x) ? stopGradient(x) : x;
}

/** What a sampler's body receives where the key goes: never a tensor (keyed reads it). */
export type PlainKey = Key | number | bigint;

/**
 * A sampler's `body` with its key made plain. A key given as a tensor (its two words, as
 * `keyData` gives them) is read per example under `vmap`, together with the tensors in `args`:
 * `vmap((k, a) => gamma(k, a))(keyData(split(key, n)), as)` draws example b with key b. Other
 * keys go to `body` unchanged.
 */
export function keyed<A extends readonly unknown[]>(op: string, k: KeyLike, args: A, body: (key: PlainKey, args: A) => Tensor): Tensor {
  if (!(k instanceof Tensor)) return body(k, args);
  const positions: number[] = [];
  const tensors: Tensor[] = [k];
  args.forEach((a, i) => {
    if (a instanceof Tensor) { positions.push(i); tensors.push(a); }
  });
  return eachExample(tensors, ([key, ...plain]) => {
    // A key traced by a transformation becomes a traced Key (key.ts), read where `body` needs its
    // words: under jit that read is reported (the function then runs as written); under a grad
    // inside the vmap that batches the key it is an error saying what to do instead.
    const rebuilt = [...args];
    positions.forEach((p, i) => { rebuilt[p] = plain[i]; });
    return body(toKey(key!, op), rebuilt as unknown as A);
  });
}
