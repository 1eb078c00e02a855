/** @file The Tensor: an immutable Float64Array in row-major order with a shape, plus the tracing slots transformations fill in. */
import type { Trace, TapeNode } from '../core/trace.js';
import { AdjointError } from '../core/errors.js';
import { sizeOf, type Shape } from './shape.js';
import { formatTensor } from './format.js';

/**
 * An n-dimensional array of float64 values. Tensors are immutable: every op returns a new one,
 * and storage may be shared between a tensor and its reshapes. While a transformation traces a
 * function, its tensors are "boxed" at that trace's level but always carry their concrete value,
 * so `x.item()` and ordinary control flow work inside differentiated code.
 */
export class Tensor {
  /** Row-major values; shared, never write to it (use `toFloat64Array()` for a copy). */
  readonly data: Float64Array;
  readonly shape: Shape;
  readonly size: number;
  /** The transformation this tensor is boxed in, or null for a plain value. @internal */
  trace: Trace | null;
  /** The same value one level down (boxed at an outer level or plain). @internal */
  primal: Tensor | null;
  /** Forward mode: the tangent carried with this value (null means zero). @internal */
  tangent: Tensor | null;
  /** Reverse mode: the tape node that produced this value. @internal */
  node: TapeNode | null;
  /** Level of the trace that last counted this tensor as a residual (memory accounting). @internal */
  savedBy: number;
  /** Creation order: residual accounting counts only tensors made after a tape began. @internal */
  readonly serial: number;

  /** @internal Use `ad.tensor(...)` to make tensors. */
  constructor(data: Float64Array, shape: Shape) {
    this.data = data;
    this.shape = shape;
    this.size = data.length;
    this.trace = null;
    this.primal = null;
    this.tangent = null;
    this.node = null;
    this.savedBy = 0;
    this.serial = serialCounter.next++;
  }

  /** A tensor boxed at `trace`, sharing `primal`'s value. @internal */
  static box(primal: Tensor, trace: Trace): Tensor {
    const t = new Tensor(primal.data, primal.shape);
    t.trace = trace;
    t.primal = primal;
    return t;
  }

  /** Number of axes (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new AdjointError(
        `item: the tensor has shape [${this.shape.join(',')}] (${this.size} elements); item() needs exactly one. ` +
          `Use toArray() or toFloat64Array() for many values.`,
      );
    }
    return this.data[0]!;
  }

  /** A number for a 0-d tensor, nested arrays otherwise. */
  toArray(): number | NestedArray {
    if (this.shape.length === 0) return this.data[0]!;
    return nest(this.data, this.shape, 0, 0) as NestedArray;
  }

  /** A copy of the values in row-major order. */
  toFloat64Array(): Float64Array {
    return this.data.slice();
  }

  toString(): string {
    return formatTensor(this.data, this.shape);
  }

  /** @internal Node's util.inspect and browsers' consoles show the values. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The next tensor serial number. @internal */
export const serialCounter = { next: 1 };

export type NestedArray = Array<number | NestedArray>;

function nest(data: Float64Array, shape: Shape, axis: number, offset: number): number | NestedArray {
  if (axis === shape.length) return data[offset]!;
  const n = shape[axis]!;
  const stride = sizeOf(shape.slice(axis + 1));
  const out: NestedArray = new Array(n);
  for (let i = 0; i < n; i++) out[i] = nest(data, shape, axis + 1, offset + i * stride);
  return out;
}
