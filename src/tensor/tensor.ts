/** @file The Tensor: an immutable Float64Array in row-major order with a shape, plus the tracing slots transformations fill in. */
import type { Trace, TapeNode } from '../core/trace.js';
import { AdjointError, ShapeError } from '../core/errors.js';
import { sizeOf, type Shape } from './shape.js';
import { formatTensor } from './format.js';
import { valueReads } from '../jit/valueReads.js';

/**
 * A Float64Array that cannot be written through: its index signature is read-only and its
 * mutating methods (fill, set, sort, reverse, copyWithin) are left out. What `Tensor.data` returns.
 */
export interface ReadonlyFloat64Array extends Readonly<Omit<Float64Array, 'fill' | 'set' | 'sort' | 'reverse' | 'copyWithin'>> {}

/**
 * An n-dimensional array of float64 values. Tensors are immutable: every op returns a new one,
 * and storage may be shared between a tensor and its reshapes. While a transformation traces a
 * function, its tensors are "boxed" at that trace's level but always carry their concrete value,
 * so `x.item()` and ordinary control flow work inside differentiated code.
 */
export class Tensor {
  /** The values, or null for a 0-d tensor not yet asked for them (its value is in `scalarValue`). @internal */
  buffer: Float64Array | null;
  /** The value of a 0-d tensor made without a buffer (see `Tensor.scalar`). @internal */
  scalarValue: number;
  readonly shape: Shape;
  readonly size: number;
  /** The transformation this tensor is boxed in, or null for a plain value. @internal */
  trace: Trace | null;
  /** The same value one level down, or null before a scalar-tape box is asked for it (see `primal`). @internal */
  below: Tensor | null;
  /** Forward mode: the tangent carried with this value (null means zero). @internal */
  tangent: Tensor | null;
  /** Reverse mode: the tape node that produced this value. @internal */
  node: TapeNode | null;
  /** Reverse mode: this value's entry on its trace's scalar tape, or -1 (see core/scalarTape.ts). @internal */
  slot: number;
  /** Level of the trace that last counted this tensor as a residual (memory accounting). @internal */
  savedBy: number;
  /** Creation order: residual accounting counts only tensors made after a tape began. @internal */
  readonly serial: number;

  /**
   * Not for users: use `ad.tensor(...)` to make tensors. A null `data` makes a buffer-less 0-d tensor
   * holding `value` (see `Tensor.scalar`). Kept in the declarations (not `@internal`): without it
   * stripInternal would declare an implicit `new Tensor()` taking no arguments.
   */
  constructor(data: Float64Array | null, shape: Shape, value = 0) {
    this.buffer = data;
    this.scalarValue = value;
    this.shape = shape;
    // A null buffer is a buffer-less 0-d value, or a box whose value is not one array (vmap's batch boxes).
    this.size = data === null ? (shape.length === 0 ? 1 : sizeOf(shape)) : data.length;
    this.trace = null;
    this.below = null;
    this.tangent = null;
    this.node = null;
    this.slot = -1;
    this.savedBy = 0;
    this.serial = serialCounter.next++;
  }

  /**
   * A 0-d tensor holding `v` with no Float64Array until someone reads `data`: scalar-heavy code
   * (a loop of 10⁵ tiny steps) then allocates one small object per op. @internal
   */
  static scalar(v: number): Tensor {
    return new Tensor(null, SCALAR_SHAPE, v);
  }

  /** The element type, as NumPy's `x.dtype`: always 'float64', the one type adjoint computes in (`ad.astype` gives other types' values). */
  get dtype(): 'float64' {
    return 'float64';
  }

  /**
   * The values in row-major order, as a read-only copy: writing into it (`t.data[0] = 99`) is a
   * compile error, and at run time it changes the copy, never the tensor. Each read copies (O(n)),
   * so read it once into a variable rather than in a loop; `toFloat64Array()` gives a writable copy.
   */
  get data(): ReadonlyFloat64Array {
    this.noteValuesLeave();
    return this.values.slice();
  }

  /** The storage itself, shared between a tensor and its reshapes: what kernels read (never written to). @internal */
  get values(): Float64Array {
    if (this.trace !== null && valueReads.watcher !== null) valueReads.watcher(this, 'data');
    const b = this.buffer;
    if (b !== null) return b;
    if (this.trace !== null) checkReadable(this, 'data');
    const d = new Float64Array(1);
    d[0] = this.scalarValue;
    return (this.buffer = d);
  }

  /** The value of a one-element tensor, without touching a buffer that was never made. @internal */
  get first(): number {
    const b = this.buffer;
    return b === null ? this.scalarValue : b[0]!;
  }

  /** The same value one level down (boxed at an outer level or plain); null for a plain value. @internal */
  get primal(): Tensor | null {
    const p = this.below;
    if (p !== null || this.trace === null) return p;
    // A scalar-tape box makes its plain primal only when general code asks for it.
    return (this.below = Tensor.scalar(this.scalarValue));
  }

  set primal(p: Tensor | null) {
    this.below = p;
  }

  /** A tensor boxed at `trace`, sharing `primal`'s value. @internal */
  static box(primal: Tensor, trace: Trace): Tensor {
    const b = primal.buffer;
    const t = b === null ? new Tensor(null, primal.shape, primal.scalarValue) : new Tensor(b, primal.shape);
    t.trace = trace;
    t.below = primal;
    return t;
  }

  /** A scalar-tape box: a 0-d value at `trace` recorded as entry `slot`; its primal is made on demand. @internal */
  static scalarBox(v: number, trace: Trace, slot: number): Tensor {
    const t = new Tensor(null, SCALAR_SHAPE, v);
    t.trace = trace;
    t.slot = slot;
    return t;
  }

  /** Number of axes (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * A read of the values by user code: reported to a running jit recording (a traced value's read
   * makes the recording unusable) and to anomaly mode (a value read is a result). @internal
   */
  noteRead(how: string): void {
    if (this.trace !== null) {
      if (this.buffer === null) checkReadable(this, how);
      if (valueReads.watcher !== null) valueReads.watcher(this, how);
      const noted = valueReads.scalars;
      if (noted !== null && this.size === 1 && !noted.isInput(this)) noted.note(this.first);
    }
    if (valueReads.result !== null) valueReads.result(this, how);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.noteRead('item()');
    if (this.size !== 1) {
      throw new ShapeError(
        `item: the tensor has shape [${this.shape.join(',')}] (${this.size} elements); item() needs exactly one. ` +
          `Use toArray() or toFloat64Array() for many values.`,
      );
    }
    return this.first;
  }

  /** A number for a 0-d tensor, nested arrays otherwise. */
  toArray(): number | NestedArray {
    this.noteRead('toArray()');
    this.noteValuesLeave();
    if (this.shape.length === 0) return this.first;
    return nest(this.values, this.shape, 0, 0) as NestedArray;
  }

  /** `JSON.stringify` gives the values as `toArray()` does (a read of the values, for jit too). */
  toJSON(): number | NestedArray {
    return this.toArray();
  }

  /** A copy of the values in row-major order. */
  toFloat64Array(): Float64Array {
    this.noteValuesLeave();
    return this.values.slice();
  }

  /**
   * Tells a running grad (or vjp, jvp) that this traced tensor's values left as numbers for JavaScript to
   * compute with (a numeric context, toArray(), data): a result made only of such numbers is a
   * derivative lost in silence (transforms/readNumbers.ts). item() is not noted: it is the explicit
   * read of a branch's condition (x.item() > 1 ? 1 : x). @internal
   */
  noteValuesLeave(): void {
    if (this.trace !== null && valueReads.scalars !== null) valueReads.scalars.numericContext(this);
  }

  toString(): string {
    const opaque = this.buffer === null ? opaqueTrace(this) : null;
    if (opaque !== null) return `Tensor(${opaque.opaque} value, per-example shape [${this.shape.join(',')}])`;
    return formatTensor(this.values, this.shape);
  }

  /**
   * A tensor where JavaScript wants a number (`x > 0`, `x * 2`, `+x`, `Math.exp(x)`, `x == 1`,
   * `'' + x`) gives its value instead of NaN, so `if (x > 0)` takes the branch its value says; it
   * is a read of the value like `item()` (under `jit` the function then runs as written). Only a
   * one-element tensor has one value: any other throws. Where text is wanted (`String(x)`,
   * `${x}`) it gives `toString()`. `if (x)` cannot be intercepted: an object is always truthy.
   */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string {
    if (hint === 'string') return this.toString();
    this.noteRead('a numeric context (x > 0, x * 2, Math.exp(x))');
    this.noteValuesLeave();
    if (this.size !== 1) {
      throw new ShapeError(
        `numeric context: a tensor of shape [${this.shape.join(',')}] (${this.size} elements) was used as a number ` +
          `(x > 0, x * 2, Math.exp(x), '' + x); only a one-element tensor converts to one. Use x.item() for one value, ` +
          `x.toArray() for all of them, or the ops ad.greater / ad.where to compare elementwise (String(x) or x.toString() for text).`,
      );
    }
    return this.first;
  }

  /** @internal Node's util.inspect and browsers' consoles show the values. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const SCALAR_SHAPE: Shape = Object.freeze([]) as unknown as Shape;

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

/**
 * The trace whose boxes have no single value, if `t` is one or lies over one (vmap's batch boxes:
 * one value per example), else null.
 */
export function opaqueTrace(t: Tensor): Trace | null {
  for (let x: Tensor | null = t; x !== null && x.trace !== null; x = x.below) if (x.trace.opaque !== null) return x.trace;
  return null;
}

/** Throws where user code reads a value that differs across a batch (inside vmap). */
function checkReadable(t: Tensor, how: string): void {
  const trace = opaqueTrace(t);
  if (trace === null) return;
  throw new AdjointError(
    `${trace.opaque}: ${how} reads the value of a batched tensor (per-example shape [${t.shape.join(',')}]), which differs ` +
      `from example to example, so no single value can be read. Write the branch with ad.where(cond, a, b), keep the ` +
      `value a tensor, or loop over the batch instead of mapping.`,
  );
}
