/**
 * @file Schedules as optax defines them (optax/schedules/_schedule.py, _join.py): functions of the
 * step count, usable as any optimizer's Hyperparameter, written in adjoint ops so that tensor
 * values (a peak learning rate, a decay rate's starting value) get hypergradients.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, div, equal, lessEqual, less, maximum, minimum, mul, pow, sub } from '../ops/binary.js';
import { cos } from '../ops/unary.js';
import { clip, where } from '../ops/select.js';
import { floor } from '../ops/rounding.js';
import { checkOptions, finite, flag, type Rule } from './options.js';
import { extraArguments } from '../core/extraArguments.js';
import { literal } from '../tensor/describe.js';

/** A function of the step count (a number or a scalar tensor; the optimizers pass their state's count). */
export type Schedule = (count: TensorLike) => Tensor;

/** A schedule's value: a finite number or a tensor (traced, for its hypergradient). */
const valueRule: Rule = { what: 'a finite number or a tensor', ok: (v) => v instanceof Tensor || (typeof v === 'number' && Number.isFinite(v)) };

function checked<T>(op: string, options: T, rules: Record<string, Rule>, required: readonly string[], example: string): T {
  checkOptions(`optimizers.schedules.${op}`, options, rules, { example, required: true });
  for (const key of required) {
    if ((options as Record<string, unknown>)[key] === undefined) {
      throw new InvalidArgumentError(`optimizers.schedules.${op}: option ${key} is required, e.g. optimizers.schedules.${op}(${example}).`);
    }
  }
  return options;
}

const countOf = (count: TensorLike) => asTensor(count, 'optimizers.schedules');

/**
 * The same value at every step (optax.constant_schedule).
 * @example ad.optimizers.schedules.constant(0.1)(7).item() // 0.1
 */
export function constant(value: TensorLike): Schedule;
export function constant(value: TensorLike, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.constant', 'optimizers.schedules.constant(value)', extra, value);
  if (!valueRule.ok(value)) throw new InvalidArgumentError(`optimizers.schedules.constant: value must be ${valueRule.what}, got ${String(value)}.`);
  return () => asTensor(value, 'optimizers.schedules.constant');
}

export interface PolynomialOptions {
  initValue: TensorLike;
  endValue: TensorLike;
  power?: number | undefined;
  /** Steps from `transitionBegin` to reach `endValue`; ≤ 0 holds `initValue` forever (as optax). */
  transitionSteps: number;
  /** Steps at `initValue` first, 0 (a negative one counts as 0, as optax). */
  transitionBegin?: number | undefined;
}

/**
 * (init − end)·(1 − k/T)^power + end with k = clip(count − begin, 0, T) (optax.polynomial_schedule).
 * @example ad.optimizers.schedules.polynomial({ initValue: 1, endValue: 0, power: 2, transitionSteps: 10 })(5).item() // 0.25
 */
export function polynomial(options: PolynomialOptions): Schedule;
export function polynomial(options: PolynomialOptions, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.polynomial', 'optimizers.schedules.polynomial(options)', extra, options);
  checked('polynomial', options, { initValue: valueRule, endValue: valueRule, power: finite, transitionSteps: finite, transitionBegin: finite },
    ['initValue', 'endValue', 'transitionSteps'], '{ initValue: 1, endValue: 0.01, power: 2, transitionSteps: 100 }');
  return polynomialSchedule(options);
}

function polynomialSchedule(o: PolynomialOptions): Schedule {
  const { initValue: init, endValue: end, transitionSteps: steps } = o;
  if (steps <= 0) return () => asTensor(init, 'optimizers.schedules');
  const begin = Math.max(0, o.transitionBegin ?? 0), power = o.power ?? 1;
  return (count) => {
    const frac = sub(1, div(clip(sub(countOf(count), begin), 0, steps), steps));
    return add(mul(sub(init, end), power === 1 ? frac : pow(frac, power)), end);
  };
}

/**
 * From `initValue` to `endValue` in a straight line over `transitionSteps`, after
 * `transitionBegin` steps (optax.linear_schedule: the polynomial of power 1).
 * @example ad.optimizers.schedules.linear({ initValue: 0, endValue: 1, transitionSteps: 4 })(3).item() // 0.75
 */
export function linear(options: Omit<PolynomialOptions, 'power'>): Schedule;
export function linear(options: Omit<PolynomialOptions, 'power'>, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.linear', 'optimizers.schedules.linear(options)', extra, options);
  checked('linear', options, { initValue: valueRule, endValue: valueRule, transitionSteps: finite, transitionBegin: finite },
    ['initValue', 'endValue', 'transitionSteps'], '{ initValue: 0, endValue: 0.1, transitionSteps: 100 }');
  return polynomialSchedule(options);
}

export interface ExponentialDecayOptions {
  initValue: TensorLike;
  /** ≤ 0 holds `initValue` forever (as optax). */
  transitionSteps: number;
  /** The factor per `transitionSteps` steps; 0 holds `initValue` forever (as optax). */
  decayRate: number;
  /** Steps at `initValue` first, 0 (a negative one counts as 0). */
  transitionBegin?: number | undefined;
  /** Decay in whole periods: floor((count − begin)/transitionSteps). */
  staircase?: boolean | undefined;
  /** A floor when decayRate < 1, a ceiling when it is > 1. */
  endValue?: TensorLike | undefined;
}

/**
 * init·rate^((count − begin)/T), init until `transitionBegin`, floored (or capped) at `endValue`
 * (optax.exponential_decay).
 * @example ad.optimizers.schedules.exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })(20).item() // 0.25
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule;
export function exponentialDecay(options: ExponentialDecayOptions, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.exponentialDecay', 'optimizers.schedules.exponentialDecay(options)', extra, options);
  checked('exponentialDecay', options, {
    initValue: valueRule, transitionSteps: finite, decayRate: finite, transitionBegin: finite, staircase: flag, endValue: valueRule,
  }, ['initValue', 'transitionSteps', 'decayRate'], '{ initValue: 0.1, transitionSteps: 1000, decayRate: 0.5 }');
  const { initValue: init, transitionSteps: steps, decayRate: rate, endValue: end } = options;
  if (steps <= 0 || rate === 0) return () => asTensor(init, 'optimizers.schedules.exponentialDecay');
  const begin = Math.max(0, options.transitionBegin ?? 0);
  return (count) => {
    const elapsed = sub(countOf(count), begin);
    const periods = div(elapsed, steps);
    const decayed = where(lessEqual(elapsed, 0), init, mul(init, pow(rate, options.staircase ? floor(periods) : periods)));
    if (end === undefined) return decayed;
    return rate < 1 ? maximum(decayed, end) : minimum(decayed, end);
  };
}

export interface CosineDecayOptions {
  initValue: TensorLike;
  /** > 0: the steps from initValue down to alpha·initValue. */
  decaySteps: number;
  /** The final value as a fraction of initValue, 0. */
  alpha?: TensorLike | undefined;
  exponent?: number | undefined;
}

/**
 * init·((1 − α)·(½(1 + cos(π·min(count, T)/T)))^exponent + α) (optax.cosine_decay_schedule;
 * Loshchilov & Hutter 2017).
 * @example ad.optimizers.schedules.cosineDecay({ initValue: 1, decaySteps: 10 })(5).item() // 0.5
 */
export function cosineDecay(options: CosineDecayOptions): Schedule;
export function cosineDecay(options: CosineDecayOptions, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.cosineDecay', 'optimizers.schedules.cosineDecay(options)', extra, options);
  checked('cosineDecay', options, { initValue: valueRule, decaySteps: finite, alpha: valueRule, exponent: finite },
    ['initValue', 'decaySteps'], '{ initValue: 0.1, decaySteps: 1000 }');
  return cosineSchedule('cosineDecay', options);
}

function cosineSchedule(op: string, o: CosineDecayOptions): Schedule {
  const steps = o.decaySteps, alpha = o.alpha ?? 0, exponent = o.exponent ?? 1;
  if (!(steps > 0)) {
    throw new InvalidArgumentError(`optimizers.schedules.${op}: the cosine decay needs a positive number of steps, got ${steps}${op === 'cosineDecay' ? '' : ' (decaySteps − warmupSteps)'}.`);
  }
  return (count) => {
    const half = mul(0.5, add(1, cos(mul(Math.PI, div(minimum(countOf(count), steps), steps)))));
    return mul(o.initValue, add(mul(sub(1, alpha), exponent === 1 ? half : pow(half, exponent)), alpha));
  };
}

/**
 * `schedules[0]` until `boundaries[0]`, then `schedules[1]` counted from that boundary, and so on
 * (optax.join_schedules).
 * @example
 * const s = ad.optimizers.schedules.join([ad.optimizers.schedules.constant(1), (k) => ad.mul(0.1, k)], [10]);
 * s(12).item() // 0.2
 */
export function join(schedules: ReadonlyArray<(count: Tensor) => TensorLike>, boundaries: readonly number[]): Schedule;
export function join(schedules: ReadonlyArray<(count: Tensor) => TensorLike>, boundaries: readonly number[], ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.join', 'optimizers.schedules.join(schedules, boundaries)', extra, boundaries);
  if (!Array.isArray(schedules) || schedules.length === 0 || !schedules.every((s) => typeof s === 'function')) {
    throw new InvalidArgumentError('optimizers.schedules.join: schedules must be a non-empty array of functions of the step count.');
  }
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1 || !boundaries.every((b) => finite.ok(b))) {
    throw new InvalidArgumentError(
      `optimizers.schedules.join: boundaries must be ${schedules.length - 1} finite step numbers (one fewer than the schedules), got ${literal(boundaries)}.`,
    );
  }
  return (count) => {
    const k = countOf(count);
    let out = asTensor(schedules[0]!(k), 'optimizers.schedules.join');
    boundaries.forEach((b, i) => { out = where(less(k, b), out, schedules[i + 1]!(sub(k, b))); });
    return out;
  };
}

export interface WarmupCosineDecayOptions {
  initValue: TensorLike;
  peakValue: TensorLike;
  warmupSteps: number;
  /** The whole schedule's length, warmup included. */
  decaySteps: number;
  endValue?: TensorLike | undefined;
  exponent?: number | undefined;
}

/**
 * A linear warmup from initValue to peakValue over warmupSteps, then a cosine decay to endValue
 * (0) at decaySteps (optax.warmup_cosine_decay_schedule).
 * @example
 * const s = ad.optimizers.schedules.warmupCosineDecay({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 110 });
 * [s(5).item(), s(10).item(), s(60).item()] // [0.5, 1, 0.5]
 */
export function warmupCosineDecay(options: WarmupCosineDecayOptions): Schedule;
export function warmupCosineDecay(options: WarmupCosineDecayOptions, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.warmupCosineDecay', 'optimizers.schedules.warmupCosineDecay(options)', extra, options);
  checked('warmupCosineDecay', options, {
    initValue: valueRule, peakValue: valueRule, warmupSteps: finite, decaySteps: finite, endValue: valueRule, exponent: finite,
  }, ['initValue', 'peakValue', 'warmupSteps', 'decaySteps'], '{ initValue: 0, peakValue: 0.1, warmupSteps: 100, decaySteps: 1000 }');
  const { peakValue: peak, endValue: end = 0 } = options;
  // alpha = end/peak, 0 when peak = 0 (as optax), with the division kept off 0 for its derivative.
  const peakIsZero = equal(peak, 0);
  const alpha = where(peakIsZero, 0, div(end, where(peakIsZero, 1, peak)));
  return join([
    polynomialSchedule({ initValue: options.initValue, endValue: peak, transitionSteps: options.warmupSteps }),
    cosineSchedule('warmupCosineDecay', { initValue: peak, decaySteps: options.decaySteps - options.warmupSteps, alpha, exponent: options.exponent }),
  ], [options.warmupSteps]);
}

/**
 * initValue times every scale whose boundary the count has reached: `{ 100: 0.1, 200: 0.1 }` gives
 * initValue, then a tenth from step 100, a hundredth from step 200 (optax.piecewise_constant_schedule).
 * @example ad.optimizers.schedules.piecewiseConstant({ initValue: 1, boundariesAndScales: { 10: 0.5, 20: 0.1 } })(25).item() // 0.05
 */
export function piecewiseConstant(options: { initValue: TensorLike; boundariesAndScales?: Readonly<Record<number, number>> | undefined }): Schedule;
export function piecewiseConstant(options: { initValue: TensorLike; boundariesAndScales?: Readonly<Record<number, number>> | undefined }, ...extra: unknown[]): Schedule {
  if (extra.length > 0) extraArguments('optimizers.schedules.piecewiseConstant', 'optimizers.schedules.piecewiseConstant(options)', extra, options);
  const table: Rule = {
    what: 'an object of { step: scale } with finite steps and scales ≥ 0',
    ok: (v) => typeof v === 'object' && v !== null && !Array.isArray(v)
      && Object.entries(v).every(([k, s]) => Number.isFinite(Number(k)) && typeof s === 'number' && s >= 0 && s < Infinity),
  };
  checked('piecewiseConstant', options, { initValue: valueRule, boundariesAndScales: table }, ['initValue'], '{ initValue: 0.1, boundariesAndScales: { 1000: 0.1 } }');
  const steps = Object.entries(options.boundariesAndScales ?? {}).map(([k, s]) => [Number(k), s] as const).sort((a, b) => a[0] - b[0]);
  return (count) => {
    const k = countOf(count);
    let v = asTensor(options.initValue, 'optimizers.schedules.piecewiseConstant');
    for (const [boundary, scale] of steps) v = where(less(k, boundary), v, mul(scale, v));
    return v;
  };
}
