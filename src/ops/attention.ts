/**
 * @file Scaled dot-product attention as `jax.nn.dot_product_attention` (its 'xla' implementation),
 * composed from differentiable ops: for each head n and query t,
 *
 *   logits[n, t, s] = scale · Σ_h q[t, n, h] · k[s, n/G, h] + bias[n, t, s]
 *   out[t, n, h]    = Σ_s softmax_s(masked logits)[n, t, s] · v[s, n/G, h]
 *
 * with query heads N = K·G for K key/value heads (grouped-query attention: query head n reads
 * key/value head ⌊n/G⌋; K = N is multi-head, K = 1 multi-query). Masked logits are replaced by
 * −0.7 · (float32's maximum) (JAX's "large negative number", not −∞), so the softmax — which shifts by
 * the row's maximum — never sees ∞ − ∞: a partly masked row puts exactly zero weight on its masked
 * keys, and a fully masked row is the uniform average of every value, as JAX gives.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { add, mul, notEqual } from './binary.js';
import { softmax } from './reduce.js';
import { expandDims, reshape, transpose } from './shape.js';
import { where } from './select.js';
import { matmul } from './linalg.js';
import { checkOptionKeys, flag } from './poolShapes.js';
import { extraArguments } from '../core/extraArguments.js';

export interface AttentionOptions {
  /** Added to the logits; broadcasts to [...batch, heads, T, S]. */
  readonly bias?: TensorLike | undefined;
  /** Which logits take part (non-zero) and which are masked out (0); broadcasts to [...batch, heads, T, S]. */
  readonly mask?: TensorLike | undefined;
  /** Multiplies q·k (default 1/√H, H the head dimension). */
  readonly scale?: number | undefined;
  /** Query t attends to keys s ≤ t only (the lower triangle of [T, S], as JAX's); default false. */
  readonly isCausal?: boolean | undefined;
}

/**
 * JAX's stand-in for −∞ in a masked logit (jax._src.nn.functions: −0.7 · finfo(dtype).max), at
 * float32's maximum: float64's would round to −∞ in a float32 ONNX export, and a fully masked row
 * would then be NaN there (and through v, in every later row). Logits below −2.4e38 do not occur.
 */
const MASKED = -0.7 * 3.4028234663852886e38;

/** The lower triangle of ones, [T, S]: query t sees keys 0 … t. */
function causalMask(T: number, S: number): Tensor {
  const data = new Float64Array(T * S);
  for (let t = 0; t < T; t++) for (let s = 0; s <= Math.min(t, S - 1); s++) data[t * S + s] = 1;
  return new Tensor(data, [T, S]);
}

/**
 * Scaled dot-product attention as `jax.nn.dot_product_attention(query, key, value, bias, mask, *,
 * scale, is_causal)`: q is `[...batch, T, N, H]` (T queries, N heads, head dimension H), k and v are
 * `[...batch, S, K, H]` with K dividing N (grouped-query attention when K < N); the result is
 * `[...batch, T, N, H]`. `bias` is added to the scaled logits and `mask` (non-zero keeps) removes
 * logits, both broadcasting to `[...batch, N, T, S]`; `isCausal` keeps keys s ≤ t. A fully masked
 * query row returns the mean of the values (JAX's result: masked logits are a large finite
 * negative number, not −∞). Differentiable in q, k, v and bias.
 * @example
 * const q = ad.tensor([[[1]], [[0]]]), k = ad.tensor([[[1]], [[0]]]), v = ad.tensor([[[2]], [[4]]]);
 * ad.dotProductAttention(q, k, v, { isCausal: true }).toArray(); // => [[[2]], [[3]]]
 */
export function dotProductAttention(q: TensorLike, k: TensorLike, v: TensorLike, options?: AttentionOptions): Tensor;
export function dotProductAttention(q: TensorLike, k: TensorLike, v: TensorLike, options: AttentionOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('dotProductAttention', 'dotProductAttention(q, k, v, options?)', extra, options);
  checkOptionKeys('dotProductAttention', options, ['bias', 'mask', 'scale', 'isCausal']);
  const qt = asTensor(q, 'dotProductAttention'), kt = asTensor(k, 'dotProductAttention'), vt = asTensor(v, 'dotProductAttention');
  const isCausal = flag('dotProductAttention', 'isCausal', options.isCausal, false);
  if (qt.ndim < 3 || kt.ndim !== qt.ndim || !shapesEqual(kt.shape, vt.shape)) {
    throw new ShapeError(
      `dotProductAttention: query ${formatShape(qt.shape)}, key ${formatShape(kt.shape)} and value ${formatShape(vt.shape)} must be ` +
        `[...batch, T, N, H], [...batch, S, K, H] and the key's shape (rank ≥ 3, the same rank for all three).`,
    );
  }
  const r = qt.ndim, batch = qt.shape.slice(0, r - 3);
  const [T, N, H] = qt.shape.slice(r - 3) as [number, number, number];
  const [S, K, Hk] = kt.shape.slice(r - 3) as [number, number, number];
  if (!shapesEqual(kt.shape.slice(0, r - 3), batch) || Hk !== H || K < 1 || N % K !== 0) {
    throw new ShapeError(
      `dotProductAttention: key ${formatShape(kt.shape)} does not fit query ${formatShape(qt.shape)}: they need the same batch axes and head ` +
        `dimension H, and the key/value heads K must divide the query heads N (grouped-query attention).`,
    );
  }
  // With H = 0 the result [..., T, N, 0] is empty whatever the scale (1/√0 = ∞ would be refused below).
  const scale = options.scale ?? (H === 0 ? 1 : 1 / Math.sqrt(H));
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new InvalidArgumentError(`dotProductAttention: scale must be a finite number, got ${describe(options.scale)}.`);
  const G = N / K, b = batch.length, axes = (...tail: number[]) => [...batch.map((_, i) => i), ...tail.map((a) => a + b)];
  // q [..., T, N, H] → [..., K, G, T, H]; k, v [..., S, K, H] → [..., K, 1, S, H] (every group reads its K head).
  const qg = transpose(reshape(qt, [...batch, T, K, G, H]), axes(1, 2, 0, 3));
  const heads = (x: Tensor) => expandDims(transpose(x, axes(1, 0, 2)), b + 1);
  const logits = mul(matmul(qg, transpose(heads(kt), axes(0, 1, 3, 2))), scale); // [..., K, G, T, S]
  const logitsShape = [...batch, N, T, S];
  // bias and mask must broadcast to the logits' shape without widening it (checked first, so the error names this op).
  const fitting = (name: 'bias' | 'mask'): Tensor | undefined => {
    if (options[name] === undefined) return undefined;
    const t = asTensor(options[name], 'dotProductAttention');
    if (!shapesEqual(broadcastShapes(`dotProductAttention (${name} against the logits)`, logitsShape, t.shape), logitsShape)) {
      throw new ShapeError(`dotProductAttention: ${name} of shape ${formatShape(t.shape)} would widen the logits; it must broadcast to ${formatShape(logitsShape)} ([...batch, N, T, S]).`);
    }
    return t;
  };
  const bias = fitting('bias'), mask = fitting('mask');
  let scores = reshape(logits, logitsShape);
  if (bias !== undefined) scores = add(scores, bias);
  const keep = [...(mask === undefined ? [] : [notEqual(mask, 0)]), ...(isCausal ? [causalMask(T, S)] : [])];
  if (keep.length > 0) scores = where(keep.reduce((a, c) => mul(a, c)), scores, MASKED);
  const probs = reshape(softmax(scores, -1), [...batch, K, G, T, S]);
  const out = matmul(probs, heads(vt)); // [..., K, G, T, H]
  return reshape(transpose(out, axes(2, 0, 1, 3)), [...batch, T, N, H]);
}
