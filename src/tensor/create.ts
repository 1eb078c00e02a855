/** @file Making tensors: from numbers, nested arrays and typed arrays; constant fills, ranges and identity. */
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { allocChecked, isTraced, numberArg, fixFor, tooLarge, MAX_TENSOR_SIZE } from './checks.js';
import { describe } from './describe.js';
import { broadcastShapes, checkShape, formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';
import { extraArguments } from '../core/extraArguments.js';

export { describe };
export type TensorLike = Tensor | number;
/** What `tensor()` accepts: a number, nested arrays of numbers (or tensors), or flat data with a shape. */
export type TensorInput = number | readonly unknown[] | Float64Array | Float32Array | Int32Array | Tensor;

/**
 * Makes a tensor from a number, nested arrays, or flat data with a shape. On a tensor it is the
 * identity (as `jnp.array`), so `tensor(x)` inside a differentiated function keeps `x`'s
 * derivatives. Nested arrays must be rectangular ("ragged" arrays are rejected) and hold numbers,
 * or tensors that are not being differentiated (their values are stacked; to stack tensors being
 * differentiated use `ad.stack`).
 * @example
 * const a = ad.tensor([[1, 2], [3, 4]]);       // shape [2,2]
 * const b = ad.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * const c = ad.tensor(3);                       // 0-d
 */
export function tensor(value: TensorInput, shape?: Shape): Tensor;
export function tensor(value: TensorInput, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('tensor', 'tensor(value, shape?)', extra, shape);
  if (value instanceof Tensor) return fromTensor(value, shape);
  if (typeof value === 'number') return shape === undefined ? Tensor.scalar(value) : fill('tensor', shape, value);
  if (ArrayBuffer.isView(value)) return fromTypedArray(value, shape);
  if (Array.isArray(value)) {
    const t = fromNested(value);
    return shape === undefined ? t : fromFlat(t.values, shape);
  }
  throw new InvalidArgumentError(
    `tensor: cannot make a tensor from ${describe(value)}; pass a number, nested arrays of numbers, ` +
      `or a Float64Array with a shape${typeof value === 'string' ? ' (Number(s) parses a string)' : ''}.`,
  );
}

/**
 * A 0-d tensor. On a 0-d tensor it is the identity (its derivatives kept); a plain one-element
 * tensor gives its value.
 * @example ad.scalar(2.5)
 */
export function scalar(v: TensorLike): Tensor;
export function scalar(v: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('scalar', 'scalar(v)', extra, v);
  if (typeof v === 'number') return Tensor.scalar(v);
  if (v instanceof Tensor) {
    if (v.shape.length === 0) return v;
    if (v.size === 1 && !isTraced(v)) return Tensor.scalar(v.first);
    if (v.size === 1) {
      throw new InvalidArgumentError(
        `scalar: the tensor of shape ${formatShape(v.shape)} is being differentiated or traced (by grad, jvp or jit); ` +
          `scalar would copy its value and cut its derivatives. Use ad.reshape(x, []) to make it 0-d.`,
      );
    }
    throw new InvalidArgumentError(
      `scalar: a tensor of shape ${formatShape(v.shape)} has ${v.size} elements, a scalar one; ` +
        `use ad.tensor for many values, or ad.sum/ad.take to reduce or pick one.`,
    );
  }
  throw new InvalidArgumentError(`scalar: expected a number, got ${describe(v)}; ${fixFor(v)}`);
}

/**
 * `tensor(value)` for an argument of `op` that may be nested arrays (class targets, indices): its
 * errors name `op`, not `tensor`. @internal
 */
export function tensorArg(value: TensorInput, op: string): Tensor {
  try {
    return tensor(value);
  } catch (e) {
    if (!(e instanceof AdjointError) || !e.message.startsWith('tensor: ')) throw e;
    throw new (e.constructor as new (message: string) => AdjointError)(`${op}: ${e.message.slice('tensor: '.length)}`);
  }
}

/** Numbers become 0-d tensors; tensors pass through. @internal */
export function asTensor(x: TensorLike, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return Tensor.scalar(x);
  throw new InvalidArgumentError(`${op}: expected a Tensor or a number, got ${describe(x)}; ${fixFor(x)}`);
}

/** a and b as tensors whose shapes broadcast, checked under the op's name (else a later op's error would show). @internal */
export function broadcastOperands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [ta, tb] = [asTensor(a, op), asTensor(b, op)];
  broadcastShapes(op, ta.shape, tb.shape);
  return [ta, tb];
}

/** `tensor(t)` is `t`; `tensor(t, shape)` reshapes a tensor that is not being differentiated. */
function fromTensor(value: Tensor, shape: Shape | undefined): Tensor {
  if (shape === undefined) return value;
  checkShape(shape, 'tensor');
  if (shapesEqual(shape, value.shape)) return value;
  if (isTraced(value)) {
    throw new InvalidArgumentError(
      `tensor: reshaping a tensor being differentiated or traced (by grad, jvp or jit) from ${formatShape(value.shape)} ` +
        `to ${formatShape(shape)} would copy its values and cut its derivatives; use ad.reshape(x, ${formatShape(shape)}).`,
    );
  }
  return fromFlat(value.values, shape);
}

function fromTypedArray(value: ArrayBufferView, shape: Shape | undefined): Tensor {
  if (value instanceof DataView) {
    throw new InvalidArgumentError(
      `tensor: cannot make a tensor from a DataView (its element type is unknown); pass a typed array over its ` +
        `buffer, e.g. new Float64Array(view.buffer, view.byteOffset, view.byteLength / 8), with a shape.`,
    );
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new InvalidArgumentError(
      `tensor: cannot make a tensor from a ${value.constructor.name} (bigint elements); tensors hold float64 ` +
        `numbers: convert first, e.g. Float64Array.from(x, Number).`,
    );
  }
  const flat = Float64Array.from(value as unknown as ArrayLike<number>);
  return fromFlat(flat, shape ?? [flat.length]);
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

/**
 * Nested arrays whose leaves are numbers, or tensors whose shape becomes the trailing axes (as
 * NumPy's `array` of arrays). The shape is read off the first element at each depth.
 */
function fromNested(value: readonly unknown[]): Tensor {
  const shape: number[] = [];
  let level: unknown = value;
  const chain = new Set<unknown>(); // the first elements down the nesting: an array inside itself would never end
  while (Array.isArray(level)) {
    if (chain.has(level)) {
      throw new InvalidArgumentError(
        `tensor: the nested array contains itself (element [${shape.map(() => 0).join('][')}] is an array above it); pass nested arrays of numbers without cycles.`,
      );
    }
    chain.add(level);
    shape.push(level.length);
    level = level[0];
  }
  const depth = shape.length; // axes given by arrays; a tensor leaf adds its own
  const leafShape: Shape = level instanceof Tensor ? level.shape : [];
  shape.push(...leafShape);
  const leafSize = sizeOf(leafShape);
  const flat = allocChecked('tensor', shape);
  let k = 0;
  const path: number[] = [];
  const fill = (node: unknown, axis: number): void => {
    if (axis === depth) {
      if (node instanceof Tensor) {
        flat.set(tensorLeaf(node, leafShape, path), k);
        k += leafSize;
      } else if (leafShape.length === 0) flat[k++] = checkNumber(node, path);
      else throw ragged(path, describe(node), `a tensor of shape ${formatShape(leafShape)}`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      throw ragged(path, Array.isArray(node) ? `length ${node.length}` : describe(node), `${shape[axis]} items`);
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

/** A tensor inside nested arrays: its values, if it has the expected shape and is not being differentiated. */
function tensorLeaf(t: Tensor, leafShape: Shape, path: number[]): Float64Array {
  if (!shapesEqual(t.shape, leafShape)) {
    throw ragged(path, `shape ${formatShape(t.shape)}`, `shape ${formatShape(leafShape)}`);
  }
  if (isTraced(t)) {
    throw new InvalidArgumentError(
      `tensor: element [${path.join('][')}] is a tensor being differentiated or traced (by grad, jvp or jit); ` +
        `tensor() would copy its values and cut its derivatives. Use ad.stack([...], 0) to build a tensor from tensors.`,
    );
  }
  return t.values;
}

function ragged(path: number[], got: string, expected: string): ShapeError {
  return new ShapeError(
    `tensor: the nested array is ragged: element [${path.join('][')}] has ${got} where ${expected} were expected ` +
      `(from the first element at that depth); every row must have the same length.`,
  );
}

function checkNumber(v: unknown, path: number[]): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) {
    throw new ShapeError(`tensor: the nested array is ragged: element [${path.join('][')}] is an array where a number was expected.`);
  }
  throw new InvalidArgumentError(
    `tensor: element [${path.join('][')}] is ${describe(v)}; tensors hold numbers only: ${fixFor(v)}`,
  );
}

/** A tensor of zeros. @example ad.zeros([2, 3]) */
export function zeros(shape: Shape): Tensor;
export function zeros(shape: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('zeros', 'zeros(shape)', extra, shape);
  return new Tensor(allocChecked('zeros', shape), [...shape]);
}

/** A tensor of ones. @example ad.ones([3]) */
export function ones(shape: Shape): Tensor;
export function ones(shape: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ones', 'ones(shape)', extra, shape);
  return fill('ones', shape, 1);
}

/**
 * A tensor filled with `value`. A tensor `value` of the same shape is returned as is (its
 * derivatives kept); to fill a shape with a tensor being differentiated, use `ad.broadcastTo`.
 * @example ad.full([2, 2], 7)
 */
export function full(shape: Shape, value: TensorLike): Tensor;
export function full(shape: Shape, value: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('full', 'full(shape, value)', extra, value);
  return fill('full', shape, value);
}

function fill(op: string, shape: Shape, value: unknown): Tensor {
  if (value instanceof Tensor && Array.isArray(shape) && shapesEqual(shape, value.shape)) return value;
  const v = numberArg(op, 'the fill value', value, `Use ad.broadcastTo(value, ${describeShapeArg(shape)}) to fill a shape with a tensor.`);
  return new Tensor(allocChecked(op, shape).fill(v), [...shape]);
}

function describeShapeArg(shape: unknown): string {
  return Array.isArray(shape) ? formatShape(shape as Shape) : 'shape';
}

/**
 * The n×m matrix with ones on diagonal k and zeros elsewhere, as numpy.eye and jax.numpy.eye
 * (N, M = N, k = 0): entry [i, j] is 1 where j − i = k (k > 0 above the main diagonal, k < 0
 * below). `eye(n)` is the n×n identity.
 * @example
 * ad.eye(3) // the 3×3 identity
 * ad.eye(2, 3, 1).toArray(); // => [[0, 1, 0], [0, 0, 1]]
 */
export function eye(n: number, m?: number, k?: number): Tensor;
export function eye(n: number, m?: number, k = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('eye', 'eye(n, m?, k?)', extra, k);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`eye: n must be a non-negative integer (the number of rows), got ${describe(n)}.`);
  }
  const cols = m ?? n;
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 0) {
    throw new InvalidArgumentError(`eye: m must be a non-negative integer (the number of columns; default n), got ${describe(m)}.`);
  }
  if (typeof k !== 'number' || !Number.isInteger(k)) {
    throw new InvalidArgumentError(`eye: k must be an integer (the diagonal: 0 the main one, > 0 above, < 0 below), got ${describe(k)}.`);
  }
  const d = allocChecked('eye', [n, cols]);
  for (let i = Math.max(0, -k); i < n && i + k < cols; i++) d[i * cols + i + k] = 1;
  return new Tensor(d, [n, cols]);
}

const RANGE_FIX =
  "Its length depends on its bounds, so they must be numbers: use x.item() for a constant bound, or shift and " +
  'scale a range with ad.add(ad.mul(ad.arange(n), step), start) to keep derivatives.';

/**
 * Evenly spaced values in [start, stop): `arange(stop)` or `arange(start, stop, step = 1)`, NumPy's to the bit
 * (⌈(stop − start)/step⌉ values: start, start + step, then start + i·((start + step) − start)).
 * @example ad.arange(4) // [0, 1, 2, 3]
 */
export function arange(startOrStop: number, stop?: number, step?: number): Tensor;
export function arange(startOrStop: number, stop?: number, step = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('arange', 'arange(startOrStop, stop?, step?)', extra, step);
  const one = stop === undefined;
  const start = one ? 0 : finiteArg('start', startOrStop);
  const end = finiteArg('stop', one ? startOrStop : stop);
  const by = finiteArg('step', step);
  if (by === 0) throw new InvalidArgumentError(`arange: step must be a finite non-zero number, got 0.`);
  const n = Math.max(0, Math.ceil((end - start) / by));
  if (!(n <= MAX_TENSOR_SIZE)) throw tooLarge('arange', `[${n}]`, n);
  const d = allocChecked('arange', [n]);
  // NumPy's fill (and so jnp.arange's, which calls it): the first two values, then start + i·delta with
  // delta = (start + step) − start, the step as the first two values hold it (start + i·step differs in the last bits).
  if (n > 0) d[0] = start;
  if (n > 1) d[1] = start + by;
  const delta = start + by - start;
  for (let i = 2; i < n; i++) d[i] = start + i * delta;
  return new Tensor(d, [n]);
}

function finiteArg(name: string, v: unknown): number {
  const x = numberArg('arange', name, v, RANGE_FIX);
  if (!Number.isFinite(x)) {
    throw new InvalidArgumentError(`arange: ${name} is ${x}; the bounds and the step must be finite numbers.`);
  }
  return x;
}

/**
 * `n` evenly spaced values from `a` to `b` (numpy.linspace): `b` included, or left out with
 * `endpoint` false — NumPy's fourth argument, positional (`linspace(0, 1, 5, false)`, which was
 * ignored before: a silently different grid) or as `{ endpoint: false }` — the step then being
 * (b − a)/n rather than (b − a)/(n − 1). Values a + i·step, as NumPy's.
 * @example ad.linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]
 * @example ad.linspace(0, 1, 5, false) // [0, 0.2, 0.4, 0.6, 0.8]
 */
export function linspace(a: number, b: number, n: number, endpoint?: boolean | { readonly endpoint?: boolean | undefined }): Tensor;
export function linspace(a: number, b: number, n: number, endpoint: boolean | { readonly endpoint?: boolean | undefined } = true, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linspace', 'linspace(a, b, n, endpoint?)', extra, endpoint);
  const fix = 'Build it from a constant range to keep derivatives: ad.add(a, ad.mul(ad.linspace(0, 1, n), ad.sub(b, a))).';
  const lo = numberArg('linspace', 'a (the first value)', a, fix);
  const hi = numberArg('linspace', 'b (the last value)', b, fix);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`linspace: n (the number of values) must be a non-negative integer, got ${describe(n)}.`);
  }
  const closed = endpointArg(endpoint);
  const d = allocChecked('linspace', [n]);
  // numpy.linspace: div = n − 1 with the endpoint, n without; step = (b − a)/div; the endpoint set exactly.
  const div = closed ? n - 1 : n;
  const step = div > 0 ? (hi - lo) / div : 0;
  // A step that rounds to 0 (a subnormal range, or a == b) is NumPy's any_step_zero (gh-5437):
  // the values are a + (i/div)·(b − a) then, so linspace(5e-324, 0, 5) descends as NumPy's does.
  if (step === 0 && div > 0) for (let i = 0; i < n; i++) d[i] = lo + (i / div) * (hi - lo);
  else for (let i = 0; i < n; i++) d[i] = lo + i * step;
  if (closed && n > 1) d[n - 1] = hi;
  return new Tensor(d, [n]);
}

/** linspace's `endpoint`: a boolean, or an options object `{ endpoint }` (default true). @internal */
export function endpointArg(endpoint: unknown): boolean {
  if (typeof endpoint === 'boolean') return endpoint;
  if (typeof endpoint === 'object' && endpoint !== null && !Array.isArray(endpoint)) {
    const extra = Object.keys(endpoint).find((k) => k !== 'endpoint');
    if (extra !== undefined) throw new InvalidArgumentError(`linspace: unknown option '${extra}'; the one option is { endpoint: boolean }.`);
    const v = (endpoint as { endpoint?: unknown }).endpoint;
    if (v === undefined || typeof v === 'boolean') return v ?? true;
    endpoint = v;
  }
  throw new InvalidArgumentError(
    `linspace: endpoint must be true or false (or { endpoint: boolean }), got ${describe(endpoint)}; false leaves b out, as NumPy's endpoint=False.`,
  );
}
