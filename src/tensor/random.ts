/** @file Seeded random tensors: the same seed gives the same values on every platform. */
import { InvalidArgumentError } from '../core/errors.js';
import { allocChecked, numberArg } from './checks.js';
import { describe } from './describe.js';
import type { Shape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * A 32-bit generator (mulberry32, Tommy Ettinger): fast, full period 2^32, good enough for
 * initialisation and test data; not for cryptography.
 */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkSeed(seed: unknown, op: string): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new InvalidArgumentError(
      `${op}: seed must be an integer, got ${describe(seed)}; pass an integer seed (e.g. 0) so results repeat.`,
    );
  }
}

/**
 * The buffer of a sample of `shape`, and its location and scale as numbers: a traced tensor there
 * would become a constant, so the error says how to shift and scale a standard sample instead.
 */
function sampleSetup(op: string, shape: Shape, seed: number, names: [string, string], a: unknown, b: unknown) {
  checkSeed(seed, op);
  const fix = `Shift and scale a standard sample to keep derivatives: ad.add(ad.mul(ad.${op}(shape, seed), scale), shift).`;
  const first = numberArg(op, names[0], a, fix), second = numberArg(op, names[1], b, fix);
  return { d: allocChecked(op, shape), a: first, b: second };
}

/** Uniform values in [low, high). @example ad.random.uniform([2, 3], 42) */
export function uniform(shape: Shape, seed: number, low = 0, high = 1): Tensor {
  const { d, a: lo, b: hi } = sampleSetup('random.uniform', shape, seed, ['low', 'high'], low, high);
  // As the keyed form: finite bounds, low < high (uniform(shape, seed, 1, 0) drew from (0, 1]).
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new InvalidArgumentError(`random.uniform: low must be less than high, both finite, got low = ${lo}, high = ${hi}; pass [low, high) with low < high.`);
  }
  const next = mulberry32(seed);
  for (let i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * next();
  return new Tensor(d, [...shape]);
}

/** Normal values with the given mean and standard deviation (Box–Muller). @example ad.random.normal([3], 0) */
export function normal(shape: Shape, seed: number, mean = 0, std = 1): Tensor {
  const { d, a: mu, b: sigma } = sampleSetup('random.normal', shape, seed, ['mean', 'std'], mean, std);
  // As the keyed form: a standard deviation ≥ 0 (std −1 silently drew from N(mean, 1) mirrored).
  if (!(sigma >= 0)) throw new InvalidArgumentError(`random.normal: std must be ≥ 0, got ${sigma}; pass a standard deviation ≥ 0 (its absolute value, say).`);
  const next = mulberry32(seed);
  for (let i = 0; i < d.length; i += 2) {
    const u1 = 1 - next(); // (0, 1]: log stays finite
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    d[i] = mu + sigma * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < d.length) d[i + 1] = mu + sigma * r * Math.sin(2 * Math.PI * u2);
  }
  return new Tensor(d, [...shape]);
}
