/**
 * @file logsumexp over an outer sum as a log-semiring matrix product.
 *
 * The log semiring's ⊗-then-⊕ is what users write for the forward algorithm's α·T, the inside
 * algorithm's split sums or a log-space matrix chain:
 *
 *   logsumexp(a[…, i, j, None] + b[…, None, j, k], axis = j)   =   logMatmul(a, b)[…, i, k].
 *
 * Written that way it forms the [… , i, j, k] sum and takes one exp per entry of it, forward and
 * backward; logMatmul (./logMatmul.ts) takes exps of the operands only (i·j + j·k, cached for an
 * operand used again, as T is at every step of a DP) and does the rest as a real matmul. So `add`
 * notes the last sum it made in which an operand broadcasts, and `logsumexp` of that very sum —
 * written logsumexp(add(…), axis), as a DP step is — computes it as logMatmul when its reduced
 * axes run along both operands (a contraction). One sum is noted at a time, and only until the
 * synchronous run that made it ends, so no more than one sum's operands are ever held for it. It
 * applies in every mode (eager, under grad, vmap and jit alike), so a value never depends on
 * whether it is being differentiated. The result equals the direct form to rounding (each entry
 * max-shifted, −∞ and non-finite rows as the direct form has them: tensor/kernels/logMatmul.ts),
 * and so does its gradient, at every order (logMatmul's rules are differentiable) — but where the
 * operands are more than 2⁵³ apart, so that a + b rounds away a's differences, the rewrite's
 * gradient weighs the exact terms and the direct form's the rounded ones (identical weights), the
 * same in every mode (./logMatmul.ts, `weights`). The sum itself
 * is still computed where it was written; a jit program drops it when nothing else reads it.
 */
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { logMatmulOf } from './logMatmul.js';
import { reshape, transpose } from './shape.js';
import { RunSlot } from '../tensor/runSlot.js';

/** The last sum `add` made in which an operand broadcasts, with its operands, until the run ends; null after any other sum. */
const noted = new RunSlot<{ readonly out: Tensor; readonly a: Tensor; readonly b: Tensor }>();

/** Sums smaller than this stay as they are: a few ops' overhead would cost more than their exps. */
const MIN_SIZE = 64;

/** Notes out = a + b if an operand broadcasts (is smaller than the sum); forgets the sum noted before. @internal */
export function noteOuterSum(out: Tensor, a: TensorLike, b: TensorLike): void {
  noted.value = out.size >= MIN_SIZE && a instanceof Tensor && b instanceof Tensor && (a.size < out.size || b.size < out.size) ? { out, a, b } : null;
}

/** `shape` with 1s in front up to rank `r` (broadcasting's alignment). */
const padded = (shape: readonly number[], r: number) => [...new Array<number>(r - shape.length).fill(1), ...shape];

/** x's axes in the order `perm`: a reshape when only length-1 axes move, else a transpose. */
function permuted(x: Tensor, perm: readonly number[]): Tensor {
  const moved = perm.filter((a) => x.shape[a] !== 1);
  if (moved.every((a, i) => i === 0 || moved[i - 1]! < a)) return reshape(x, perm.map((a) => x.shape[a]!));
  return transpose(x, perm);
}

const product = (shape: readonly number[], axes: readonly number[]) => axes.reduce((p, a) => p * shape[a]!, 1);

/**
 * logsumexp(x, axes, keepdims) as a logMatmul when x is the noted sum a + b and every reduced axis
 * runs along both a and b; null otherwise (the caller reduces x itself). Each axis of the sum is
 * a batch axis (along both, kept), a row axis (along a only), a column axis (along b only), a
 * contracted one (along both, reduced) or of length 1.
 * @internal
 */
export function logsumexpOfOuterSum(x: Tensor, axes: readonly number[], keepdims: boolean): Tensor | null {
  const sum = noted.value;
  if (sum === null || sum.out !== x) return null;
  const { a: left, b: right } = sum;
  noted.value = null;
  const shape = x.shape, r = shape.length;
  const as = padded(left.shape, r), bs = padded(right.shape, r);
  const batch: number[] = [], rows: number[] = [], cols: number[] = [], contracted: number[] = [], unit: number[] = [];
  for (let d = 0; d < r; d++) {
    const n = shape[d]!;
    const alongA = n !== 1 && as[d] === n, alongB = n !== 1 && bs[d] === n;
    if (n === 1) unit.push(d);
    else if (axes.includes(d)) {
      if (!alongA || !alongB) return null; // a sum over one operand's axis only: not a contraction
      contracted.push(d);
    } else if (alongA && alongB) batch.push(d);
    else if (alongA) rows.push(d);
    else cols.push(d);
  }
  const B = product(shape, batch), M = product(shape, rows), K = product(shape, contracted), N = product(shape, cols);
  if (contracted.length === 0 || M * N < 2) return null; // no contraction, or a batch of dot products (nothing to gain)
  // a as [batch, rows, contracted], b as [batch, contracted, cols]; their other axes have length 1.
  const a = reshape(permuted(reshape(left, as), [...batch, ...rows, ...contracted, ...cols, ...unit]), [B, M, K]);
  const b = reshape(permuted(reshape(right, bs), [...batch, ...contracted, ...cols, ...rows, ...unit]), [B, K, N]);
  const product3 = logMatmulOf(a, b, false); // [B, M, N]
  // Back to the kept axes in their own order, then the result's shape.
  const order = [...batch, ...rows, ...cols];
  const split = reshape(product3, order.map((d) => shape[d]!));
  const sorted = order.map((_, i) => i).sort((i, j) => order[i]! - order[j]!);
  const out = permuted(split, sorted);
  return reshape(out, shape.flatMap((n, d) => (axes.includes(d) ? (keepdims ? [1] : []) : [n])));
}
