/** @file Seeded random tensors: the same seed gives the same values on every platform. */
import { InvalidArgumentError } from '../core/errors.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
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

function checkSeed(seed: number, op: string): void {
  if (!Number.isInteger(seed)) {
    throw new InvalidArgumentError(`${op}: seed must be an integer, got ${seed}. Pass a seed so results repeat.`);
  }
}

/** Uniform values in [low, high). @example ad.random.uniform([2, 3], 42) */
export function uniform(shape: Shape, seed: number, low = 0, high = 1): Tensor {
  checkShape(shape, 'random.uniform');
  checkSeed(seed, 'random.uniform');
  const next = mulberry32(seed);
  const d = new Float64Array(sizeOf(shape));
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * next();
  return new Tensor(d, [...shape]);
}

/** Normal values with the given mean and standard deviation (Box–Muller). @example ad.random.normal([3], 0) */
export function normal(shape: Shape, seed: number, mean = 0, std = 1): Tensor {
  checkShape(shape, 'random.normal');
  checkSeed(seed, 'random.normal');
  const next = mulberry32(seed);
  const d = new Float64Array(sizeOf(shape));
  for (let i = 0; i < d.length; i += 2) {
    const u1 = 1 - next(); // (0, 1]: log stays finite
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    d[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < d.length) d[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
  return new Tensor(d, [...shape]);
}
