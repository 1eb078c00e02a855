/**
 * @file The log-semiring matrix product, logMatmul(a, b)[…, i, k] = log Σ_j exp(a[…, i, j] + b[…, j, k]):
 * the log semiring's ⊗-then-⊕ over a shared axis (the forward algorithm's α·T, the inside
 * algorithm's split and rule sums) as one primitive, without the [… , i, j, k] tensor of the
 * broadcast form logsumexp(a[…, :, :, None] + b[…, None, :, :], −2), which it equals to rounding.
 * Forward kernel and first-order VJP: tensor/kernels/logMatmul.ts (a real matmul of shifted
 * exponentials; its accuracy is stated there).
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { ShapeError } from '../core/errors.js';
import { checkedSize } from '../tensor/checks.js';
import { TINY, logMatmulKernel, logMatmulVjpKernel, type LogMatmulShape } from '../tensor/kernels/logMatmul.js';
import { broadcastShapes, broadcastStrides, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, equal, greaterEqual, mul, mulStrong, sub } from './binary.js';
import { exp, reciprocal } from './unary.js';
import { max, sum } from './reduce.js';
import { isfinite, logicalAnd } from './predicates.js';
import { reshape, transpose } from './shape.js';
import { stopGradient, where } from './select.js';
import { alignBatched } from './batching.js';
import { unbroadcastIf } from './rules.js';
import { extraArguments } from '../core/extraArguments.js';

interface LogMatmulParams { readonly transA: boolean }

/** log of the kernel's TINY (tensor/kernels/logMatmul.ts): below it the kernel takes an entry directly. */
const LOG_TINY = Math.log(TINY);

/** The batch geometry of op(a)[…, m, k] (a stored [… , k, m] under transA) against b[…, k, n], checked. */
function geometry(a: Tensor, b: Tensor, transA: boolean): LogMatmulShape & { out: number[] } {
  const r = a.shape[a.ndim - 2]!, c = a.shape[a.ndim - 1]!;
  const [m, k] = transA ? [c, r] : [r, c];
  const kb = b.shape[b.ndim - 2]!, n = b.shape[b.ndim - 1]!;
  if (kb !== k) {
    throw new ShapeError(
      `logMatmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not line up: ` +
        `a's ${transA ? 'second-to-last' : 'last'} axis (${k}) must equal b's second-to-last (${kb}). Transpose one operand?`,
    );
  }
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  const batch = broadcastShapes('logMatmul (batch axes)', aBatch, bBatch);
  const out = [...batch, m, n];
  checkedSize('logMatmul', out);
  return { batch, aStrides: broadcastStrides(aBatch, batch), bStrides: broadcastStrides(bBatch, batch), m, k, n, transA, out };
}

/** x with its last two axes swapped. */
function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.ndim - 2], perm[x.ndim - 1]] = [perm[x.ndim - 1]!, perm[x.ndim - 2]!];
  return transpose(x, perm);
}

/** op(a): a, or a with its last two axes swapped under transA. */
const opOf = (a: Tensor, transA: boolean) => (transA ? swapLast(a) : a);

/** a[…, m, k] as […, m, k, 1] and b[…, k, n] as […, 1, k, n]: the broadcast form's two terms. */
const asTerms = (a: Tensor, b: Tensor): [Tensor, Tensor] =>
  [reshape(a, [...a.shape, 1]), reshape(b, [...b.shape.slice(0, -2), 1, ...b.shape.slice(-2)])];

/**
 * P[…, i, j, k] = exp(a[i, j] + b[j, k] − out[i, k]): for each (i, k) the softmax over j of the
 * broadcast terms, with the terms the kernel's first-order VJP takes (tensor/kernels/logMatmul.ts),
 * so that every mode — vmap, forward mode, higher orders — agrees with it:
 * - the shifted terms (a − ma) + (b − mb), ma_i = max_j a[i, j] and mb_k = max_j b[j, k], where the
 *   kernel's product C[i, k] = Σ_j exp of them is at least TINY and both maxima are finite. There
 *   the terms that carry weight are near 0 and keep a's differences where a + b would round them
 *   away (operands 2⁵³ apart: a[i, ·] = [0, 0.01] against b[·, k] = 10¹⁷ weighs ½, ½ as a + b);
 * - a + b itself elsewhere, as the kernel computes such entries directly: where the row's and the
 *   column's maxima sit at different j the shifted terms are large and would round (or overflow:
 *   a = [10³⁰⁸, −10³⁰⁸] against b = [−10³⁰⁸, 10³⁰⁸] has a + b = [0, 0], shifted −∞ both).
 * Each (i, k) is then shifted by its largest term and divided by its own sum (logsumexp's weights,
 * ops/reduce.ts softmaxWeights; the shifts and the choice are constants, which the normalisation
 * makes exact at every order: both forms have the same derivatives in a and b); an all −∞ (i, k)
 * has weights 0 (shift read as 0, empty sum as 1), and an (i, k) at +∞ (a term +∞, none NaN)
 * takes logsumexp's limit, 1/count on its terms at +∞ and 0 on the others. Differentiable, so the
 * rules below are too.
 */
function weights(a: Tensor, b: Tensor): Tensor {
  const ma = stopGradient(max(a, -1, true)), mb = stopGradient(max(b, -2, true));
  const finiteA = isfinite(ma), finiteB = isfinite(mb);
  const [ta, tb] = asTerms(a, b);
  const [sa, sb] = asTerms(sub(a, where(finiteA, ma, 0)), sub(b, where(finiteB, mb, 0)));
  const shifted = add(sa, sb), direct = add(ta, tb); // [..., m, k, n]
  // The kernel's test, C ≥ TINY with finite maxima: the largest shifted term ≥ log TINY (C lies in [top, k·top]).
  const [fa, fb] = asTerms(finiteA, finiteB);
  const kept = logicalAnd(logicalAnd(fa, fb), greaterEqual(stopGradient(max(shifted, shifted.ndim - 2, true)), LOG_TINY));
  const x = where(kept, shifted, direct), top = stopGradient(max(x, x.ndim - 2, true)); // [..., m, 1, n]
  const atInfinity = where(equal(x, Infinity), 0, -Infinity);
  const e = exp(where(equal(top, Infinity), atInfinity, sub(x, where(equal(top, -Infinity), 0, top))));
  const s = sum(e, e.ndim - 2, true);
  return mul(e, reciprocal(where(equal(s, 0), 1, s)));
}

// ∂out[i,k]/∂a[i,j] = ∂out[i,k]/∂b[j,k] = P[i,j,k], so (summing over broadcast batch axes)
//   ā[i,j] = Σ_k ḡ[i,k] P[i,j,k],   b̄[j,k] = Σ_i ḡ[i,k] P[i,j,k],   ṫ[i,k] = Σ_j P[i,j,k] (ȧ[i,j] + ḃ[j,k]).
// The generic rules form P ([…, m, k, n]) from differentiable ops (higher orders); at first order
// the fused rule takes the two real matmuls of the kernel instead.
const logMatmulP: Primitive<LogMatmulParams> = definePrimitive<LogMatmulParams>({
  name: 'logMatmul',
  saves: 'both',
  forward: ([a, b], { transA }) => {
    const geo = geometry(a!, b!, transA);
    return new Tensor(logMatmulKernel(a!.values, b!.values, geo), geo.out);
  },
  vjp: (g, r, { transA }, needs) => {
    const [a, b] = r.inputs as [Tensor, Tensor];
    const gk = reshape(g, [...g.shape.slice(0, -1), 1, g.shape[g.ndim - 1]!]);
    const ct = mulStrong(gk, weights(opOf(a, transA), b)); // […, m, k, n]
    return [
      needs[0] ? unbroadcastIf(true, opOf(sum(ct, ct.ndim - 1), transA), a.shape) : null,
      needs[1] ? unbroadcastIf(true, sum(ct, ct.ndim - 3), b.shape) : null,
    ];
  },
  fusedVjp: (g, r, { transA }, needs) => {
    const [a, b] = r.inputs as [Tensor, Tensor];
    const [da, db] = logMatmulVjpKernel(a.values, b.values, r.out!.values, g.values, geometry(a, b, transA), !!needs[0], !!needs[1]);
    return [da && new Tensor(da, a.shape), db && new Tensor(db, b.shape)];
  },
  freshCotangents: true, // the kernel's two new buffers
  jvp: ([ta, tb], [a, b], _out, { transA }) => {
    if (ta === null && tb === null) return null;
    const [xa, xb] = asTerms(opOf(ta ?? a!, transA), tb ?? b!);
    const t = ta === null ? xb : tb === null ? xa : add(xa, xb);
    // Summed over j counted from the end: one operand's tangent alone can have fewer batch axes than
    // the weights (a shared b against a batch of a), and then t.ndim − 2 named a batch axis.
    const terms = mulStrong(t, weights(opOf(a!, transA), b!));
    return sum(terms, terms.ndim - 2);
  },
  // The primitive broadcasts batch axes, so a vmapped call is one call with the batch as one more.
  batch: ([a, b], batched, p) => apply(logMatmulP, alignBatched([a!, b!], batched), p),
});

/**
 * The log-semiring matrix product: out[…, i, k] = log Σ_j exp(a[…, i, j] + b[…, j, k]), with
 * matmul's shapes (batch axes broadcast; a 1-D operand is a vector whose axis is removed) — the
 * value of logsumexp(a[…, :, :, None] + b[…, None, :, :], −2) without forming that tensor. Stable
 * (each entry max-shifted), an all −∞ row gives −∞ with zero gradients; the gradient with respect
 * to a[i, j] is Σ_k ḡ[i, k] · exp(a[i, j] + b[j, k] − out[i, k]).
 * @example ad.logMatmul(ad.tensor([[0, 0]]), ad.tensor([[0], [0]])) // [[log 2]]
 */
export function logMatmul(a: TensorLike, b: TensorLike): Tensor;
export function logMatmul(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logMatmul', 'logMatmul(a, b)', extra, b);
  const x = asTensor(a, 'logMatmul');
  const y = asTensor(b, 'logMatmul');
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(
      `logMatmul: operands must have at least one axis, got ${formatShape(x.shape)} and ${formatShape(y.shape)}; use add for scalars.`,
    );
  }
  const xv = x.ndim === 1, yv = y.ndim === 1;
  const out = logMatmulOf(xv ? reshape(x, [1, x.shape[0]!]) : x, yv ? reshape(y, [y.shape[0]!, 1]) : y, false);
  if (!xv && !yv) return out;
  const shape = out.shape.slice(0, -2);
  if (!xv) shape.push(out.shape[out.ndim - 2]!);
  if (!yv) shape.push(out.shape[out.ndim - 1]!);
  return reshape(out, shape);
}

/**
 * logMatmul of op(a) and b for operands of rank ≥ 2, op(a) a's transpose (last two axes) under
 * `transA`: a stored [… , k, m] contracts along its second-to-last axis without a transposed copy.
 * @internal
 */
export function logMatmulOf(a: Tensor, b: Tensor, transA: boolean): Tensor {
  return apply(logMatmulP, [a, b], { transA });
}
