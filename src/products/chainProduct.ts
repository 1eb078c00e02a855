/** @file chainProduct: x_0 ⊗ x_1 ⊗ ⋯ ⊗ x_{n−1} for any associative operator ⊗ the user supplies, its gradient by prefixes and suffixes through the vjp of ⊗. */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { record } from '../transforms/record.js';
import { chainPrimitive, runChain, type ChainForward } from './chainNode.js';
import { recordFold } from './recordedFold.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Holder } from '../core/memory.js';

const chainProductP = chainPrimitive('chainProduct');

/** An associative binary operator on tensors, written with adjoint ops (matmul, a semiring's product, …). */
export type AssociativeOp = (a: Tensor, b: Tensor) => Tensor;

function combine(op: AssociativeOp, a: Tensor, b: Tensor, i: number): Tensor {
  const out = op(a, b);
  if (!(out instanceof Tensor)) {
    throw new InvalidArgumentError(`chainProduct: the operator returned ${describe(out)} when combining element ${i}; it must return a Tensor.`);
  }
  return out;
}

/*
 * The cotangent A_i of the prefix P_i = x_0 ⊗ ⋯ ⊗ x_i is Ḡ pulled back through "⊗ S_{i+1} on the
 * right", S_{i+1} = x_{i+1} ⊗ ⋯ ⊗ x_{n−1} — for matrices A_i = Ḡ S_{i+1}ᵀ — so it is the suffix
 * product, accumulated with the cotangent folded in:
 *
 *   A_{n−1} = Ḡ;   (A_{i−1}, x̄_i) = vjp of ⊗ at (P_{i−1}, x_i), applied to A_i;   x̄_0 = A_0.
 *
 * O(n) applications of ⊗ and of its pullback. The pullbacks are adjoint ops, so under an outer
 * transformation they are differentiated again.
 *
 * The forward pass records the fold on one tape (./recordedFold.ts). Where every step's nodes keep
 * only the step's operands and result — views of P_{i−1}, x_i and P_i, as matmul's and
 * logMatmul's do — that tape holds nothing but the prefixes, and its backward pass is the rule:
 * the fold's time. Where a step keeps more (⊗'s intermediates: the [i, k, j] sum that max-plus
 * reduces is k times larger than a prefix), recording stops there, the rest of the fold runs
 * unrecorded, and the rule reruns ⊗ once a step inside its vjp (one more application of ⊗ a step),
 * so the memory held between the passes is the n prefixes only, never ⊗'s intermediates, and
 * during the backward pass one step's at a time.
 */

/**
 * The backward sweep: A_{n−1} = Ḡ, (A_{i−1}, x̄_i) = pull(i, A_i) down to the first element
 * needed, x̄_0 = A_0.
 */
function sweep(n: number, g: Tensor, needs: readonly boolean[], pull: (i: number, A: Tensor) => [Tensor, Tensor]): Array<Tensor | null> {
  const cts = new Array<Tensor | null>(n).fill(null);
  const first = needs.findIndex(Boolean);
  if (first < 0) return cts;
  let A = g;
  for (let i = n - 1; i >= Math.max(first, 1); i--) {
    const [prefixCt, elementCt] = pull(i, A);
    if (needs[i]) cts[i] = elementCt;
    A = prefixCt;
  }
  if (first === 0) cts[0] = A;
  return cts;
}

function chainForward(op: AssociativeOp, recompute: boolean) {
  return (xs: readonly Tensor[], holder: Holder): ChainForward => {
    const n = xs.length;
    const step = (a: Tensor, b: Tensor, i: number) => combine(op, a, b, i);
    const fold = recordFold(xs, step, recompute);
    const P = fold.prefixes;
    if (fold.rec !== null) {
      // The fold's tape: one backward pass gives every element's cotangent.
      const rec = fold.rec;
      const rule = (g: Tensor, needs: readonly boolean[]) => rec.pullback([g]).map((ct, i) => (needs[i] ? ct : null));
      // With `recompute: false` the tape is kept whatever it holds, counted as the fold's tape is
      // (until the tape holding this node is released); otherwise it holds the prefixes only,
      // counted as such.
      if (!recompute) rec.releaseAlong(holder);
      return { out: P[n - 1]!, rule, residuals: fold.held };
    }
    for (let i = P.length; i < n; i++) P.push(step(P[i - 1]!, xs[i]!, i));
    const rule = (g: Tensor, needs: readonly boolean[]) =>
      sweep(n, g, needs, (i, A) => {
        // ad.vjp of ⊗ at (P_{i−1}, x_i), its tape dropped as soon as it has been pulled back.
        const rec = record((ins) => step(ins[0]!, ins[1]!, i), [P[i - 1]!, xs[i]!]);
        const cts = rec.pullback([A]) as [Tensor, Tensor];
        rec.release();
        return cts;
      });
    return { out: P[n - 1]!, rule, residuals: P.slice(0, n - 1) };
  };
}

/** Options of `chainProduct`. */
export interface ChainProductOptions {
  /**
   * Keep only the n prefixes between the passes (default true): a step whose tape would hold more
   * (`op`'s intermediates) is recomputed inside its pullback, one more application of `op` a step;
   * where each step's tape holds only its operands and result (matmul, logMatmul), the forward
   * pass's tape is kept, at the fold's time. `false` keeps every step's tape whatever it holds —
   * the memory of differentiating the fold, and its time.
   */
  readonly recompute?: boolean | undefined;
}

/**
 * x_0 ⊗ x_1 ⊗ ⋯ ⊗ x_{n−1} for an associative operator `op`, combined left to right. Only
 * associativity is assumed (not commutativity): matrix products, a semiring's matrix product,
 * compositions of affine maps. The gradient is one node using prefix and suffix products: O(n)
 * applications of `op` and of its pullback (ad.vjp), keeping only the n prefixes in memory — a
 * step whose tape would keep more is recomputed in its pullback (`{ recompute: false }` keeps
 * each step's tape instead: the fold's memory and time).
 * @example
 * // The max-plus (tropical) matrix product: best path scores through a chain of layers.
 * const maxPlus = (a: ad.Tensor, b: ad.Tensor) => ad.max(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), 1);
 * ad.chainProduct([ad.tensor([[0, 1]]), ad.tensor([[2], [0]])], maxPlus); // [[2]]
 */
export function chainProduct(elements: readonly TensorLike[], op: AssociativeOp, options?: ChainProductOptions): Tensor;
export function chainProduct(elements: readonly TensorLike[], op: AssociativeOp, options: ChainProductOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('chainProduct', 'chainProduct(elements, op, options?)', extra, options);
  if (!Array.isArray(elements) || elements.length === 0) {
    throw new InvalidArgumentError('chainProduct: pass a non-empty array of tensors and an operator, e.g. chainProduct([A, B, C], ad.matmul).');
  }
  if (typeof op !== 'function') {
    throw new InvalidArgumentError(`chainProduct: the operator must be a function (a, b) => Tensor, got ${describe(op)}.`);
  }
  // Checked before the one-element shortcut, and every key (a misspelt `recompte` was ignored).
  if (typeof options !== 'object' || options === null || (options.recompute !== undefined && typeof options.recompute !== 'boolean')) {
    throw new InvalidArgumentError(`chainProduct: options must be { recompute?: boolean }, got ${describe(options)}.`);
  }
  const unknown = Object.keys(options).find((k) => k !== 'recompute');
  if (unknown !== undefined) throw new InvalidArgumentError(`chainProduct: unknown option '${unknown}'; the one option is recompute (a boolean).`);
  const xs = elements.map((x, i) => (x instanceof Tensor ? x : asTensor(x, `chainProduct (element ${i})`))); // the message only when needed
  if (xs.length === 1) return xs[0]!;
  const evaluate = (ys: Tensor[]) => ys.reduce((acc, y, i) => combine(op, acc, y, i));
  return runChain(chainProductP, xs, evaluate, chainForward(op, options.recompute ?? true));
}
