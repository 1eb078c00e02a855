/**
 * @file Exact samples of every semiring-DP model by forward filtering, backward sampling: one
 * forward pass in a "sample" semiring (the log semiring's values), then per sample one backward
 * pass in which every ⊕ sends its whole cotangent to one alternative drawn in proportion to its
 * probability (Rush 2020, torch-struct's SampledSemiring).
 */
import type { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/create.js';
import { add, equal, mul } from '../ops/binary.js';
import { cumsum, logsumexp, max } from '../ops/reduce.js';
import { expandDims, reshape, stack } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { gumbel } from '../random/continuous.js';
import { foldIn, toKey, type Key } from '../random/key.js';
import { customVjp } from '../transforms/custom.js';
import { withVjp } from '../transforms/vjp.js';
import type { Semiring } from './semirings.js';
import { sampleCount } from './validate.js';

/** A sampling semiring and the key its next backward pass draws with (set before each pass). */
interface Sampler {
  semiring: Semiring;
  /** Start a backward pass drawing from `key`: its ⊕ rules use foldIn(key, 0), foldIn(key, 1), … in the order they run. */
  reseed(key: Key): void;
}

/**
 * The sample semiring: values as the log semiring (⊕ = logsumexp, ⊗ = +), but the backward rule of
 * ⊕ along an axis draws one alternative i with probability exp(x_i − logsumexp x) (the Gumbel-max
 * trick: the first maximum of x + Gumbel noise) and sends it the whole cotangent, as the argmax
 * semiring sends it to the first maximum. Backpropagating a 1 from the result then traces one
 * structure top-down, each choice drawn from its conditional given the choices above it (the
 * forward values are the filtered log-sums): an exact sample, whose gradient is its indicator.
 * An alternative of score −∞ is never drawn unless every alternative is −∞ (then the first, as
 * argmax); that happens only where the cotangent is 0 or every structure is forbidden.
 *
 * The noise is made in the backward pass, never the forward one, so recomputing forward steps
 * (scan's checkpointing) cannot change a draw; the counter follows the backward order, which is
 * fixed, so the same key gives the same samples.
 */
function sampler(): Sampler {
  let current: Key = toKey(0, 'sample');
  let counter = 0;
  const draw = (x: Tensor, axis: number, cotangent: Tensor): Tensor => {
    // A ⊕ whose cotangent is all zero lies on no sampled structure: it draws nothing and takes no
    // counter. Reverse mode skips such nodes when their cotangent is absent (a scan step's last
    // output nothing reads, with checkpoints: 'all') but calls them with zeros when it reruns a step
    // (scan's checkpointing), so drawing there shifted every later draw: SemiMarkovCRF.sample gave
    // other (equally exact) samples with checkpoints than without, for the same key.
    if (!cotangent.values.slice().some((v) => v !== 0)) return zeros(x.shape);
    const noisy = add(stopGradient(x), gumbel(foldIn(current, counter++), x.shape));
    const hit = equal(noisy, max(noisy, axis, true));
    const chosen = mul(hit, equal(cumsum(hit, axis), 1));
    return where(chosen, expandDims(cotangent, axis), 0);
  };
  const sumAlong = (x: Tensor, axis: number): Tensor =>
    customVjp((y: Tensor) => logsumexp(y, axis), (cotangent, { args: [y] }) => [draw(y, axis, cotangent as Tensor)])(x);
  const semiring: Semiring = {
    name: 'sample',
    size: 1,
    convert: (scores) => expandDims(scores, 0),
    unconvert: (x) => reshape(x, x.shape.slice(1)),
    times: add,
    plus: (a, b) => sumAlong(stack([a, b], 0), 0),
    sum: (x, axis) => sumAlong(x, axis + 1),
    one: (shape) => zeros([1, ...shape]),
  };
  return { semiring, reseed: (key) => { current = key; counter = 0; } };
}

/**
 * `count` exact samples of each batch item's structure. `sumOf(semiring, x)` is the model's
 * semiring sum as a function of the scores `x` its structures are read from ([B] results), and
 * `read(flow, b)` turns item b of a 0/1 flow (the gradient, shaped as x) into a structure, as for
 * `kBest`. One forward pass; then for sample s one backward pass with the cotangent 1 on every item,
 * drawing with foldIn(key, s), so that pass gives every item its s-th sample. `key` is a key from
 * `ad.random.key` or an integer seed. Returns, per batch item, its `count` structures.
 */
export function sampleStructures<T>(
  count: number, key: unknown, op: string,
  sumOf: (semiring: Semiring, x: Tensor) => Tensor, x: Tensor, read: (flow: Float64Array, b: number) => T,
): T[][] {
  sampleCount(count, op);
  const root = toKey(key, op);
  const { semiring, reseed } = sampler();
  return withVjp((y: Tensor) => sumOf(semiring, y), [x], (total, pullback) => {
    const B = (total as Tensor).size;
    const out: T[][] = Array.from({ length: B }, () => []);
    const seed = ones((total as Tensor).shape);
    for (let s = 0; s < count; s++) {
      reseed(foldIn(root, s));
      const flow = stopGradient((pullback(seed) as Tensor[])[0]!).values.slice();
      for (let b = 0; b < B; b++) out[b]!.push(read(flow, b));
    }
    return out;
  });
}
