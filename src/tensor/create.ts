/** @file Making tensors: from numbers, nested arrays and typed arrays; constant fills, ranges and identity. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { checkShape, formatShape, sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

export type TensorLike = Tensor | number;
/** What `tensor()` accepts: a number, nested arrays of numbers, or flat data with a shape. */
export type TensorInput = number | readonly unknown[] | Float64Array | Float32Array | Int32Array | Tensor;

/**
 * Makes a tensor from a number, nested arrays, or flat data with a shape.
 * Nested arrays must be rectangular ("ragged" arrays are rejected) and hold only numbers.
 * @example
 * const a = ad.tensor([[1, 2], [3, 4]]);       // shape [2,2]
 * const b = ad.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * const c = ad.tensor(3);                       // 0-d
 */
export function tensor(value: TensorInput, shape?: Shape): Tensor {
  if (value instanceof Tensor) {
    if (shape === undefined) return new Tensor(value.data, value.shape);
    return fromFlat(value.data, shape);
  }
  if (typeof value === 'number') {
    if (shape !== undefined) return full(shape, value);
    return scalar(value);
  }
  if (ArrayBuffer.isView(value)) {
    const flat = Float64Array.from(value as ArrayLike<number>);
    return fromFlat(flat, shape ?? [flat.length]);
  }
  if (Array.isArray(value)) {
    if (shape !== undefined) {
      const flat = new Float64Array(value.length);
      for (let i = 0; i < value.length; i++) flat[i] = checkNumber(value[i], [i]);
      return fromFlat(flat, shape);
    }
    return fromNested(value);
  }
  throw new InvalidArgumentError(
    `tensor: cannot make a tensor from ${describe(value)}; pass a number, nested arrays of numbers, ` +
      `or a Float64Array with a shape.`,
  );
}

/** A 0-d tensor. */
export function scalar(v: number): Tensor {
  return Tensor.scalar(v);
}

/** Numbers become 0-d tensors; tensors pass through. @internal */
export function asTensor(x: TensorLike, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return scalar(x);
  throw new InvalidArgumentError(`${op}: expected a Tensor or a number, got ${describe(x)}.`);
}

function fromFlat(flat: Float64Array, shape: Shape): Tensor {
  checkShape(shape, 'tensor');
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(
      `tensor: ${flat.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements); ` +
        `pass exactly as many values as the shape holds.`,
    );
  }
  return new Tensor(flat, [...shape]);
}

function fromNested(value: readonly unknown[]): Tensor {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat = new Float64Array(sizeOf(shape));
  let k = 0;
  const path: number[] = [];
  const fill = (node: unknown, axis: number): void => {
    if (axis === shape.length) {
      flat[k++] = checkNumber(node, path);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      const got = Array.isArray(node) ? `length ${node.length}` : describe(node);
      throw new ShapeError(
        `tensor: the nested array is ragged: element [${path.join('][')}] has ${got} where ` +
          `${shape[axis]} items were expected (from the first element at that depth); every row must have the same length.`,
      );
    }
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      fill(node[i], axis + 1);
      path.pop();
    }
  };
  fill(value, 0);
  return new Tensor(flat, shape);
}

function checkNumber(v: unknown, path: number[]): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) {
    throw new ShapeError(`tensor: the nested array is ragged: element [${path.join('][')}] is an array where a number was expected.`);
  }
  throw new InvalidArgumentError(`tensor: element [${path.join('][')}] is ${describe(v)}; tensors hold numbers only.`);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/** A tensor of zeros. @example ad.zeros([2, 3]) */
export function zeros(shape: Shape): Tensor {
  checkShape(shape, 'zeros');
  return new Tensor(new Float64Array(sizeOf(shape)), [...shape]);
}

/** A tensor of ones. @example ad.ones([3]) */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/** A tensor filled with `value`. @example ad.full([2, 2], 7) */
export function full(shape: Shape, value: number): Tensor {
  checkShape(shape, 'full');
  return new Tensor(new Float64Array(sizeOf(shape)).fill(value), [...shape]);
}

/** The n×n identity matrix. @example ad.eye(3) */
export function eye(n: number): Tensor {
  checkShape([n], 'eye');
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) d[i * n + i] = 1;
  return new Tensor(d, [n, n]);
}

/**
 * Evenly spaced values in [start, stop): `arange(stop)` or `arange(start, stop, step = 1)`.
 * @example ad.arange(4) // [0, 1, 2, 3]
 */
export function arange(startOrStop: number, stop?: number, step = 1): Tensor {
  const start = stop === undefined ? 0 : startOrStop;
  const end = stop === undefined ? startOrStop : stop;
  if (step === 0 || !Number.isFinite(step)) {
    throw new InvalidArgumentError(`arange: step must be a finite non-zero number, got ${step}.`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n]);
}

/** `n` evenly spaced values from `a` to `b` inclusive. @example ad.linspace(0, 1, 5) */
export function linspace(a: number, b: number, n: number): Tensor {
  checkShape([n], 'linspace');
  const d = new Float64Array(n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  for (let i = 0; i < n; i++) d[i] = a + i * step;
  if (n > 1) d[n - 1] = b;
  return new Tensor(d, [n]);
}
