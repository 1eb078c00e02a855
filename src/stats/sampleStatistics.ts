/**
 * @file The sample statistics of jax.scipy.stats: mode, rankdata and sem, with JAX's parameters (axis 0 by default
 * for mode and sem, the flattened array for rankdata; null flattens). Each works on the axis moved last and sorted
 * (stably, NaN last): runs of equal values are found by comparing neighbours, their first and last positions by a
 * running max and a reversed running min. Composed of ops, so they run under vmap and jit; ranks and counts are
 * whole numbers without gradient, the mode's value takes the gradient of the entry it is (as JAX's).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, type TensorLike } from '../tensor/create.js';
import { normalizeAxis } from '../tensor/shape.js';
import { add, div, equal, mul, sub } from '../ops/binary.js';
import { sqrt } from '../ops/unary.js';
import { where, stopGradient } from '../ops/select.js';
import { isnan, logicalAnd, logicalNot, logicalOr } from '../ops/predicates.js';
import { checkedMax, cumsum, sum } from '../ops/reduce.js';
import { any } from '../ops/statistics.js';
import { cummax, cummin } from '../ops/cumulative.js';
import { argsort, maxIndex, sort } from '../ops/sort.js';
import { gather } from '../ops/gather.js';
import { broadcastTo, reshape, squeeze } from '../ops/shape.js';
import { moveaxis, ravel } from '../ops/layout.js';
import { roll } from '../ops/rearrange.js';
import { std } from '../ops/moments.js';
import { nanstd } from '../ops/nanReductions.js';
import { extraArguments } from '../core/extraArguments.js';

/** 'propagate' (NaN in, NaN out); sem also takes 'omit' (NaN entries left out), as JAX. */
export type NanPolicy = 'propagate' | 'omit';

function checkOptions<K extends string>(op: string, options: unknown, keys: readonly K[], example: string): Partial<Record<K, unknown>> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${op}: options must be an object like ${example}, got ${describe(options)}.`);
  for (const key of Object.keys(options)) {
    if (!(keys as readonly string[]).includes(key)) throw new InvalidArgumentError(`${op}: unknown option '${key}'; the options are ${keys.join(', ')}.`);
  }
  return options as Partial<Record<K, unknown>>;
}

function nanPolicyOf(op: string, value: unknown, allowed: readonly NanPolicy[]): NanPolicy {
  const policy = value ?? 'propagate';
  if (!(allowed as readonly unknown[]).includes(policy)) {
    throw new InvalidArgumentError(`${op}: nanPolicy must be ${allowed.map((p) => `'${p}'`).join(' or ')} (as JAX's), got ${describe(policy)}.`);
  }
  return policy as NanPolicy;
}

function booleanOf(op: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${op}: ${name} must be true or false, got ${describe(value)}.`);
  return value;
}

/** The axis argument: an integer axis of `t`, or null for the flattened tensor. */
function axisOf(op: string, axis: unknown, t: Tensor): number | null {
  if (axis === null) return null;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new InvalidArgumentError(`${op}: axis must be an integer, or null to use the flattened array, got ${describe(axis)}.`);
  }
  return normalizeAxis(axis, Math.max(t.ndim, 1), op);
}

/**
 * For s sorted along its last axis (length n ≥ 1): at each position, the first and last position of its run of equal
 * values (NaN equal to NaN when `nanEqual`), and whether a run starts there.
 */
function runs(s: Tensor, nanEqual: boolean): { first: Tensor; last: Tensor; starts: Tensor } {
  const n = s.shape[s.ndim - 1]!;
  const j = arange(n);
  const prev = roll(s, 1, -1), next = roll(s, -1, -1);
  const same = (u: Tensor, v: Tensor) => (nanEqual ? logicalOr(equal(u, v), logicalAnd(isnan(u), isnan(v))) : equal(u, v));
  const starts = logicalOr(equal(j, 0), logicalNot(same(s, prev)));
  const ends = logicalOr(equal(j, n - 1), logicalNot(same(s, next)));
  const first = cummax(where(starts, j, 0), -1);
  const last = cummin(where(ends, j, n - 1), -1, { reverse: true });
  return { first, last, starts };
}

/** Options of `mode`. */
export interface ModeOptions {
  /** Keep the reduced axis (all axes with axis null) as length 1 (default false). */
  readonly keepdims?: boolean | undefined;
  /** Only 'propagate' (JAX's only one): NaN counts as a value, equal to the other NaNs. */
  readonly nanPolicy?: 'propagate' | undefined;
}

/** The most common value along an axis and how often it occurs. */
export interface ModeResult { mode: Tensor; count: Tensor }

/**
 * The most common value along `axis` (default 0; null: of the flattened tensor) and its count, as
 * jax.scipy.stats.mode: ties go to the smallest value; NaNs count as one value, the greatest; an empty axis gives
 * NaN with count 0. `count` has no gradient; `mode` is the entry it is, and takes that entry's gradient.
 * @example ad.stats.mode(ad.tensor([2, 4, 1, 1, 3, 4, 4, 2, 3])).mode.item(); // => 4
 */
export function mode(a: TensorLike, axis?: number | null, options?: ModeOptions): ModeResult;
export function mode(a: TensorLike, axis: number | null = 0, options: ModeOptions = {}, ...extra: unknown[]): ModeResult {
  if (extra.length > 0) extraArguments('stats.mode', 'stats.mode(a, axis?, options?)', extra, options);
  const op = 'stats.mode';
  const t = asTensor(a, op);
  const o = checkOptions(op, options, ['keepdims', 'nanPolicy'], '{ keepdims: true }');
  const keepdims = booleanOf(op, 'keepdims', o.keepdims);
  nanPolicyOf(op, o.nanPolicy, ['propagate']);
  const ax = axisOf(op, axis, t);
  const x = ax === null ? ravel(t) : t.ndim === 0 ? reshape(t, [1]) : moveaxis(t, ax, -1);
  const outShape = ax === null ? (keepdims ? t.shape.map(() => 1) : [])
    : t.ndim === 0 ? [] : t.shape.map((d, i) => (i === ax ? 1 : d)).filter((_, i) => keepdims || i !== ax);
  const n = x.shape[x.ndim - 1]!;
  if (n === 0) {
    const empty = mul(sum(x, -1), 0);
    return { mode: reshape(add(empty, NaN), outShape), count: reshape(empty, outShape) };
  }
  const s = sort(x, -1);
  const { first, last } = runs(stopGradient(s), true);
  const counts = add(sub(last, first), 1);
  const best = maxIndex(counts, -1, true);
  return {
    mode: reshape(squeeze(gather(s, best, -1), -1), outShape),
    count: reshape(checkedMax(counts, -1), outShape),
  };
}

/** How `rankdata` ranks tied values. */
export type RankMethod = 'average' | 'min' | 'max' | 'dense' | 'ordinal';
const RANK_METHODS: readonly RankMethod[] = ['average', 'min', 'max', 'dense', 'ordinal'];

/** Options of `rankdata`. */
export interface RankdataOptions {
  /** The axis to rank along; null or omitted: the flattened tensor (JAX's default). */
  readonly axis?: number | null | undefined;
  /** Only 'propagate': a lane holding NaN gets NaN ranks (SciPy's; JAX ranks NaN last). */
  readonly nanPolicy?: 'propagate' | undefined;
}

/**
 * The ranks of the entries, from 1, along `options.axis` (the flattened tensor by default), as
 * jax.scipy.stats.rankdata: ties get the average of their ranks ('average'), the lowest ('min'), the highest ('max'),
 * consecutive ranks by value ('dense'), or distinct ranks in order of position ('ordinal'). A lane holding NaN gets
 * NaN ranks, as SciPy's nan_policy 'propagate'. Float64 whole (or half) numbers without gradient.
 * @example ad.stats.rankdata(ad.tensor([1, 3, 2, 3])).toArray(); // => [1, 3.5, 2, 3.5]
 */
export function rankdata(a: TensorLike, method?: RankMethod, options?: RankdataOptions): Tensor;
export function rankdata(a: TensorLike, method: RankMethod = 'average', options: RankdataOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.rankdata', 'stats.rankdata(a, method?, options?)', extra, options);
  const op = 'stats.rankdata';
  const t = asTensor(a, op);
  if (!RANK_METHODS.includes(method)) {
    throw new InvalidArgumentError(`${op}: method must be one of ${RANK_METHODS.map((m) => `'${m}'`).join(', ')}, got ${describe(method)}.`);
  }
  const o = checkOptions(op, options, ['axis', 'nanPolicy'], "{ axis: 1 }");
  nanPolicyOf(op, o.nanPolicy, ['propagate']);
  const ax = o.axis === undefined ? null : axisOf(op, o.axis, t);
  const x = stopGradient(ax === null ? ravel(t) : t.ndim === 0 ? reshape(t, [1]) : moveaxis(t, ax, -1));
  const n = x.shape[x.ndim - 1]!;
  const restore = (r: Tensor) => (ax === null ? r : t.ndim === 0 ? reshape(r, []) : moveaxis(r, -1, ax));
  if (n === 0) return restore(x);
  const order = argsort(x, -1);
  const { first, last, starts } = runs(gather(x, order, -1), false);
  const positions = arange(n);
  const sortedRanks = method === 'ordinal' ? broadcastTo(add(positions, 1), x.shape)
    : method === 'min' ? add(first, 1)
      : method === 'max' ? add(last, 1)
        : method === 'dense' ? cumsum(where(starts, 1, 0), -1)
          : add(div(add(first, last), 2), 1);
  const ranks = gather(sortedRanks, argsort(order, -1), -1);
  return restore(where(any(isnan(x), -1, true), NaN, ranks));
}

/** Options of `sem`. */
export interface SemOptions {
  /** Delta degrees of freedom of the standard deviation (default 1, as SciPy and JAX). */
  readonly ddof?: number | undefined;
  /** 'propagate' (default: NaN in a lane gives NaN) or 'omit' (NaN entries are left out, as nanstd). */
  readonly nanPolicy?: NanPolicy | undefined;
  /** Keep the reduced axis as length 1 (default false). */
  readonly keepdims?: boolean | undefined;
}

/**
 * The standard error of the mean along `axis` (default 0; null: all entries), std(a, ddof)/√N as
 * jax.scipy.stats.sem, N the lane's length (with nanPolicy 'omit', its count of non-NaN entries). Differentiable.
 * @example ad.stats.sem(ad.tensor([2, 4, 1, 1, 3, 4, 4, 2, 3])).item(); // => 0.40824829046386296
 */
export function sem(a: TensorLike, axis?: number | null, options?: SemOptions): Tensor;
export function sem(a: TensorLike, axis: number | null = 0, options: SemOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.sem', 'stats.sem(a, axis?, options?)', extra, options);
  const op = 'stats.sem';
  const t = asTensor(a, op);
  const o = checkOptions(op, options, ['ddof', 'nanPolicy', 'keepdims'], '{ ddof: 0 }');
  const ddof = o.ddof ?? 1;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) throw new InvalidArgumentError(`${op}: ddof must be a finite number (1 for the sample standard deviation), got ${describe(ddof)}.`);
  const keepdims = booleanOf(op, 'keepdims', o.keepdims);
  const policy = nanPolicyOf(op, o.nanPolicy, ['propagate', 'omit']);
  const ax = axisOf(op, axis, t);
  const x = t.ndim === 0 ? reshape(t, [1]) : t;
  const axes = ax === null ? undefined : ax;
  if (policy === 'omit') {
    const count = sum(where(isnan(x), 0, 1), axes, keepdims);
    return div(nanstd(x, axes, { ddof, keepdims }), sqrt(count));
  }
  const size = ax === null ? x.size : x.shape[ax]!;
  return div(std(x, axes, { ddof, keepdims }), Math.sqrt(size));
}

