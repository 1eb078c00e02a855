/**
 * @file jax.nn.initializers: weight initialisers as factories of `(key, shape) => Tensor`, each drawing
 * what JAX's draws from the same key (the same samplers, ./continuous.ts and ./truncated.ts, and the
 * same arithmetic), so a flax model's parameters can be reproduced. The variance-scaling family
 * (Glorot & Bengio 2010; He et al. 2015; LeCun et al. 1998) reads its fans from the shape as JAX's
 * `_compute_fans`: in_axis −2, out_axis −1, the other axes a receptive field (a convolution's kernel).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, full, zeros as zerosOf } from '../tensor/create.js';
import { checkShape, formatShape, normalizeAxis, type Shape } from '../tensor/shape.js';
import { mul } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { moveaxis } from '../ops/layout.js';
import { checkOptionKeys } from '../ops/poolShapes.js';
import { normal as normalDraw, uniform as uniformDraw, type KeyLike } from './continuous.js';
import { truncatedNormal as truncatedDraw } from './truncated.js';
import { orthogonal as orthogonalDraw } from './orthogonal.js';

/** An initialiser: parameters of `shape` drawn from `key`. */
export type Initializer = (key: KeyLike, shape: Shape) => Tensor;

/** How variance scaling reads the fans (jax.nn.initializers.variance_scaling's mode). */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg' | 'fan_geo_avg';
/** The distribution variance scaling draws from. */
export type ScalingDistribution = 'truncated_normal' | 'normal' | 'uniform';

/** The axes variance scaling reads its fans from (JAX's keywords). */
export interface FanAxes {
  /** The input axis or axes (default −2). */
  readonly inAxis?: number | readonly number[] | undefined;
  /** The output axis or axes (default −1). */
  readonly outAxis?: number | readonly number[] | undefined;
  /** An axis or axes that are a batch of independent parameters, in neither fan (default none). */
  readonly batchAxis?: number | readonly number[] | undefined;
}

const NAME = 'initializers';

/** The factory's own name on errors, e.g. initializers.glorotUniform. */
const opName = (name: string) => `${NAME}.${name}`;

function positiveNumber(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`${op}: ${what} must be a finite number ≥ 0, got ${describe(v)}.`);
  return v;
}

/** fan_in, fan_out of a shape (JAX's _compute_fans): the receptive field is the size over in, out and batch axes. */
function fans(op: string, shape: Shape, axes: FanAxes): [number, number] {
  if (shape.length < 1) throw new ShapeError(`${op}: cannot read fans from a 0-d shape; pass the weight's shape, e.g. [in, out].`);
  const size = (a: number | readonly number[] | undefined, fallback: number) =>
    (a === undefined ? [fallback] : typeof a === 'number' ? [a] : a).reduce((p, ax) => p * shape[normalizeAxis(ax, shape.length, op)]!, 1);
  const inSize = size(axes.inAxis, -2), outSize = size(axes.outAxis, -1);
  const batch = axes.batchAxis ?? [];
  const batchSize = (typeof batch === 'number' ? [batch] : batch).reduce((p, ax) => p * shape[normalizeAxis(ax, shape.length, op)]!, 1);
  const total = shape.reduce((p, d) => p * d, 1);
  const receptive = total / inSize / outSize / batchSize;
  return [inSize * receptive, outSize * receptive];
}

/**
 * jax.nn.initializers.variance_scaling: samples of variance scale/n, n the fan `mode` reads — from
 * `distribution` 'truncated_normal' (±2σ, σ rescaled by 0.87962566103423978 so the variance is kept),
 * 'normal' or 'uniform' (on ±√(3·variance)).
 * @example ad.initializers.varianceScaling(2, 'fan_in', 'normal')(ad.random.key(0), [256, 128]).shape // [256, 128]
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: ScalingDistribution, axes?: FanAxes): Initializer;
export function varianceScaling(scale: number, mode: FanMode, distribution: ScalingDistribution, axes: FanAxes = {}, ...extra: unknown[]): Initializer {
  return scaling('varianceScaling', scale, mode, distribution, axes, extra, 'varianceScaling(scale, mode, distribution, axes?)');
}

function scaling(name: string, scale: number, mode: FanMode, distribution: ScalingDistribution, axes: FanAxes, extra: unknown[], signature: string): Initializer {
  const op = opName(name);
  if (extra.length > 0) extraArguments(op, `${NAME}.${signature}`, extra, axes);
  checkOptionKeys(op, axes, ['inAxis', 'outAxis', 'batchAxis']);
  positiveNumber(op, 'scale', scale);
  if (!['fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg'].includes(mode)) {
    throw new InvalidArgumentError(`${op}: mode must be 'fan_in', 'fan_out', 'fan_avg' or 'fan_geo_avg', got ${describe(mode)}.`);
  }
  if (!['truncated_normal', 'normal', 'uniform'].includes(distribution)) {
    throw new InvalidArgumentError(`${op}: distribution must be 'truncated_normal', 'normal' or 'uniform', got ${describe(distribution)}.`);
  }
  return (key: KeyLike, shape: Shape, ...more: unknown[]) => {
    if (more.length > 0) extraArguments(op, `${NAME}.${name}(…)(key, shape)`, more, shape);
    checkShape(shape, op);
    const [fanIn, fanOut] = fans(op, shape, axes);
    const denominator = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : mode === 'fan_avg' ? (fanIn + fanOut) / 2 : Math.sqrt(fanIn * fanOut);
    const variance = scale / denominator;
    // JAX's three draws and factors, in its order of operations.
    if (distribution === 'truncated_normal') return mul(truncatedDraw(key, -2, 2, shape), Math.sqrt(variance) / 0.87962566103423978);
    if (distribution === 'normal') return mul(normalDraw(key, shape), Math.sqrt(variance));
    return mul(uniformDraw(key, shape, -1, 1), Math.sqrt(3 * variance));
  };
}

/** Glorot/Xavier uniform (jax.nn.initializers.glorot_uniform): varianceScaling(1, 'fan_avg', 'uniform'). */
export function glorotUniform(axes?: FanAxes): Initializer;
export function glorotUniform(axes: FanAxes = {}, ...extra: unknown[]): Initializer { return scaling('glorotUniform', 1, 'fan_avg', 'uniform', axes, extra, 'glorotUniform(axes?)'); }
/** Glorot/Xavier normal (jax.nn.initializers.glorot_normal): varianceScaling(1, 'fan_avg', 'truncated_normal'). */
export function glorotNormal(axes?: FanAxes): Initializer;
export function glorotNormal(axes: FanAxes = {}, ...extra: unknown[]): Initializer { return scaling('glorotNormal', 1, 'fan_avg', 'truncated_normal', axes, extra, 'glorotNormal(axes?)'); }
/** LeCun uniform (jax.nn.initializers.lecun_uniform): varianceScaling(1, 'fan_in', 'uniform'). */
export function lecunUniform(axes?: FanAxes): Initializer;
export function lecunUniform(axes: FanAxes = {}, ...extra: unknown[]): Initializer { return scaling('lecunUniform', 1, 'fan_in', 'uniform', axes, extra, 'lecunUniform(axes?)'); }
/** LeCun normal (jax.nn.initializers.lecun_normal, flax's Dense default): varianceScaling(1, 'fan_in', 'truncated_normal'). */
export function lecunNormal(axes?: FanAxes): Initializer;
export function lecunNormal(axes: FanAxes = {}, ...extra: unknown[]): Initializer { return scaling('lecunNormal', 1, 'fan_in', 'truncated_normal', axes, extra, 'lecunNormal(axes?)'); }
/** He/Kaiming uniform (jax.nn.initializers.he_uniform): varianceScaling(2, 'fan_in', 'uniform'). */
export function heUniform(axes?: FanAxes): Initializer;
export function heUniform(axes: FanAxes = {}, ...extra: unknown[]): Initializer { return scaling('heUniform', 2, 'fan_in', 'uniform', axes, extra, 'heUniform(axes?)'); }
/** He/Kaiming normal (jax.nn.initializers.he_normal): varianceScaling(2, 'fan_in', 'truncated_normal'). */
export function heNormal(axes?: FanAxes): Initializer;
export function heNormal(axes: FanAxes = {}, ...extra: unknown[]): Initializer { return scaling('heNormal', 2, 'fan_in', 'truncated_normal', axes, extra, 'heNormal(axes?)'); }

/** Wraps a draw with the shape check and the refusal of a third argument. */
function initializer(name: string, draw: (key: KeyLike, shape: Shape) => Tensor): Initializer {
  const op = opName(name);
  return (key: KeyLike, shape: Shape, ...more: unknown[]) => {
    if (more.length > 0) extraArguments(op, `${NAME}.${name}(…)(key, shape)`, more, shape);
    checkShape(shape, op);
    return draw(key, shape);
  };
}

/** N(0, stddev²) samples (jax.nn.initializers.normal; default stddev 1e−2). */
export function normal(stddev?: number): Initializer;
export function normal(stddev = 1e-2, ...extra: unknown[]): Initializer {
  if (extra.length > 0) extraArguments(opName('normal'), `${NAME}.normal(stddev?)`, extra, stddev);
  positiveNumber(opName('normal'), 'stddev', stddev);
  return initializer('normal', (key, shape) => mul(normalDraw(key, shape), stddev));
}

/** Uniform samples on [0, scale) (jax.nn.initializers.uniform; default scale 1e−2). */
export function uniform(scale?: number): Initializer;
export function uniform(scale = 1e-2, ...extra: unknown[]): Initializer {
  if (extra.length > 0) extraArguments(opName('uniform'), `${NAME}.uniform(scale?)`, extra, scale);
  positiveNumber(opName('uniform'), 'scale', scale);
  return initializer('uniform', (key, shape) => mul(uniformDraw(key, shape), scale));
}

/** Normal samples truncated to [lower, upper] standard deviations, times stddev (jax.nn.initializers.truncated_normal; defaults 1e−2, −2, 2). */
export function truncatedNormal(stddev?: number, lower?: number, upper?: number): Initializer;
export function truncatedNormal(stddev = 1e-2, lower = -2, upper = 2, ...extra: unknown[]): Initializer {
  if (extra.length > 0) extraArguments(opName('truncatedNormal'), `${NAME}.truncatedNormal(stddev?, lower?, upper?)`, extra, upper);
  positiveNumber(opName('truncatedNormal'), 'stddev', stddev);
  return initializer('truncatedNormal', (key, shape) => mul(truncatedDraw(key, lower, upper, shape), stddev));
}

/** A constant (jax.nn.initializers.constant); the key is not read. */
export function constant(value: number): Initializer;
export function constant(value: number, ...extra: unknown[]): Initializer {
  if (extra.length > 0) extraArguments(opName('constant'), `${NAME}.constant(value)`, extra, value);
  if (typeof value !== 'number') throw new InvalidArgumentError(`${opName('constant')}: value must be a number, got ${describe(value)}.`);
  return initializer('constant', (_key, shape) => full(shape, value));
}

/** Zeros (jax.nn.initializers.zeros, an initialiser itself: `initializers.zeros(key, shape)`). */
export const zeros: Initializer = initializer('zeros', (_key, shape) => zerosOf(shape));
/** Ones (jax.nn.initializers.ones). */
export const ones: Initializer = initializer('ones', (_key, shape) => full(shape, 1));

/**
 * Orthogonal matrices (jax.nn.initializers.orthogonal; Saxe et al. 2014): the shape read as a
 * matrix of (its size / shape[columnAxis]) rows and shape[columnAxis] columns, with orthonormal
 * rows or columns (`random.orthogonal`'s draw), times `scale` (default 1).
 */
export function orthogonal(scale?: number, columnAxis?: number): Initializer;
export function orthogonal(scale = 1, columnAxis = -1, ...extra: unknown[]): Initializer {
  const op = opName('orthogonal');
  if (extra.length > 0) extraArguments(op, `${NAME}.orthogonal(scale?, columnAxis?)`, extra, columnAxis);
  positiveNumber(op, 'scale', scale);
  return initializer('orthogonal', (key, shape) => {
    if (shape.length < 2) throw new ShapeError(`${op}: the shape ${formatShape(shape)} must have at least 2 axes (a matrix, or a stack read as one).`);
    const axis = normalizeAxis(columnAxis, shape.length, op);
    const cols = shape[axis]!, rows = shape.reduce((p, d) => p * d, 1) / cols;
    const q = orthogonalDraw(key, rows, [], cols); // [rows, cols]
    return mul(moveaxis(reshape(q, [...shape.filter((_, i) => i !== axis), cols]), -1, axis), scale);
  });
}

/** The names JAX also gives them (xavier_*, kaiming_*). */
export { glorotUniform as xavierUniform, glorotNormal as xavierNormal, heUniform as kaimingUniform, heNormal as kaimingNormal };
