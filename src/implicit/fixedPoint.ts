/** @file Exactly reversible fixed-point vectors: addition, and multiplication by a rational with an information buffer for the bits it destroys (Maclaurin, Duvenaud & Adams 2015). */
import { InvalidArgumentError } from '../core/errors.js';

/**
 * A vector of fixed-point numbers: integers k (BigInts) standing for k / 2^radixBits. Adding a
 * float vector adds its values truncated to the grid, so subtracting the same float vector undoes
 * it exactly. Multiplying by γ = n/d (n < d) cannot be undone from the result alone — it destroys
 * log2(d/n) bits per entry — so `mulRational` moves them into a per-entry information buffer, an
 * integer used as a stack of mixed-radix digits, and `divRational` takes them back. This is the
 * `ExactRep`/`BitStore` pair of Maclaurin et al.'s hypergrad code. With BigInts the grid can be
 * fine (2^−100 by default) and γ exact (a double is a dyadic rational), so the fixed-point run
 * follows the floating-point one to about 1e-14 per step.
 */
export class FixedPointVector {
  /** The integers k. */
  readonly ints: bigint[];
  /** One information buffer per entry. */
  readonly buffer: bigint[];
  private readonly scale: number;

  constructor(values: Float64Array, readonly radixBits: number, ints?: bigint[], buffer?: bigint[]) {
    this.scale = 2 ** radixBits;
    this.ints = ints ?? new Array<bigint>(values.length).fill(0n);
    this.buffer = buffer ?? new Array<bigint>(values.length).fill(0n);
    if (ints === undefined) this.add(values);
  }

  /** A copy (BigInts are immutable, so copying the arrays is enough). */
  clone(): FixedPointVector {
    return new FixedPointVector(new Float64Array(0), this.radixBits, [...this.ints], [...this.buffer]);
  }

  /** The values k / 2^radixBits, rounded to float64. */
  values(): Float64Array {
    const out = new Float64Array(this.ints.length);
    for (let i = 0; i < out.length; i++) out[i] = Number(this.ints[i]!) / this.scale;
    return out;
  }

  /** this += x on the grid: each x is truncated towards zero to a multiple of 2^−radixBits. */
  add(x: Float64Array): this {
    for (let i = 0; i < x.length; i++) this.ints[i] = this.ints[i]! + this.toGrid(x[i]!);
    return this;
  }

  /** this −= x on the grid: exactly undoes `add(x)` for the same float vector x. */
  sub(x: Float64Array): this {
    for (let i = 0; i < x.length; i++) this.ints[i] = this.ints[i]! - this.toGrid(x[i]!);
    return this;
  }

  /**
   * this ← this·n/d, exactly reversibly (n, d positive): the remainder of the division by d is
   * pushed onto the buffer (base d), and the low digit added after multiplying by n is popped from
   * it (base n), so `divRational(n, d)` restores the vector and the buffer bit for bit.
   */
  mulRational(n: bigint, d: bigint): this {
    for (let i = 0; i < this.ints.length; i++) {
      const [q, r] = floorDivMod(this.ints[i]!, d);
      const store = this.buffer[i]! * d + r;
      this.buffer[i] = store / n;
      this.ints[i] = q * n + (store % n);
    }
    return this;
  }

  /** this ← this·d/n: the exact inverse of mulRational(n, d). */
  divRational(n: bigint, d: bigint): this {
    return this.mulRational(d, n);
  }

  /** Bits held in the information buffers. */
  bufferBits(): number {
    let bits = 0;
    for (const b of this.buffer) bits += b === 0n ? 0 : b.toString(2).length;
    return bits;
  }

  private toGrid(x: number): bigint {
    const scaled = Math.trunc(x * this.scale);
    if (!Number.isFinite(scaled)) {
      throw new InvalidArgumentError(`reversibleMomentum: a non-finite value (${x}) reached the fixed-point state: the run diverged.`);
    }
    return BigInt(scaled);
  }
}

/** Floor division with a non-negative remainder (BigInt division truncates towards zero). */
function floorDivMod(k: bigint, d: bigint): [bigint, bigint] {
  let q = k / d;
  let r = k - q * d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  return [q, r];
}

/** γ = n/d exactly, d a power of two (every double is a dyadic rational), for a decay in (0, 1]. */
export function rationalApproximation(gamma: number): [bigint, bigint] {
  if (!(gamma > 0 && gamma <= 1)) {
    throw new InvalidArgumentError(`reversibleMomentum: every decay γ must be in (0, 1], got ${gamma}.`);
  }
  let e = 0;
  let scaled = gamma;
  while (!Number.isInteger(scaled)) {
    scaled *= 2; // exact: doubling a double only changes its exponent
    e++;
  }
  return [BigInt(scaled), 1n << BigInt(e)];
}
