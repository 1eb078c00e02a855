/** @file Method forms of the common ops (`x.add(y)`, `x.sum()`), installed on Tensor's prototype; later modules (src/products) register theirs through registerTensorMethods. */
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { Shape } from '../tensor/shape.js';
import * as binary from './binary.js';
import * as unary from './unary.js';
import * as reduce from './reduce.js';
import * as shape from './shape.js';
import * as linalg from './linalg.js';
import * as select from './select.js';
import type { Axis } from './reduce.js';
import type { LogsumexpOptions } from './logsumexpOptions.js';
import type { TakeOptions } from './indexModes.js';
import type { MaskOptions, ReduceOptions } from './reductionOptions.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(y: TensorLike): Tensor; sub(y: TensorLike): Tensor; mul(y: TensorLike): Tensor; div(y: TensorLike): Tensor;
    pow(y: TensorLike): Tensor; maximum(y: TensorLike): Tensor; minimum(y: TensorLike): Tensor;
    greater(y: TensorLike): Tensor; greaterEqual(y: TensorLike): Tensor; less(y: TensorLike): Tensor;
    lessEqual(y: TensorLike): Tensor; equal(y: TensorLike): Tensor;
    neg(): Tensor; exp(): Tensor; log(): Tensor; log1p(): Tensor; expm1(): Tensor; sqrt(): Tensor; square(): Tensor;
    abs(): Tensor; sign(): Tensor; sin(): Tensor; cos(): Tensor; tanh(): Tensor; sigmoid(): Tensor;
    softplus(): Tensor; relu(): Tensor;
    sum(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor; mean(axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions): Tensor;
    max(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor; min(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
    logsumexp(axis: Axis | undefined, options: LogsumexpOptions & { returnSign: true }): { value: Tensor; sign: Tensor };
    logsumexp(options: LogsumexpOptions & { returnSign: true }): { value: Tensor; sign: Tensor };
    logsumexp(axis?: Axis | (LogsumexpOptions & { returnSign?: false }), keepdims?: boolean | (LogsumexpOptions & { returnSign?: false })): Tensor;
    softmax(axis?: number): Tensor; logSoftmax(axis?: number): Tensor; cumsum(axis?: number | null, options?: { readonly reverse?: boolean | undefined }): Tensor;
    reshape(shape: Shape): Tensor; transpose(perm?: readonly number[]): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor; expandDims(axis: number | readonly number[]): Tensor;
    broadcastTo(shape: Shape): Tensor; slice(begin: readonly number[], size?: readonly number[]): Tensor;
    take(indices: number | readonly number[] | readonly (readonly unknown[])[] | Int32Array | Float64Array | Tensor, axis?: number | TakeOptions, options?: TakeOptions): Tensor;
    matmul(y: TensorLike): Tensor; dot(y: TensorLike): Tensor;
    clip(lo?: TensorLike | null, hi?: TensorLike | null): Tensor; where(a: TensorLike, b: TensorLike): Tensor;
    /** The matrix transpose (all axes reversed). */
    readonly T: Tensor;
  }
}

type Method = (this: Tensor, ...args: any[]) => Tensor;
type Op = (x: Tensor, ...rest: unknown[]) => Tensor;
const methods: Record<string, Method> = {};
/**
 * `x.name(...rest)` calls `ops()[name](x, ...rest)`, the namespace read when the method is called, not when this
 * module loads: ops/ and tensor/ import each other, and a bundler that does not keep ES modules' live bindings
 * through such a cycle (Rolldown, under Vite 8, initialises `binary`'s namespace object after this module's body
 * has run) left `binary` undefined here — every bundle crashed as it loaded.
 */
const install = (ops: () => Record<string, unknown>, names: readonly string[]) => {
  for (const name of names) methods[name] = function (this: Tensor, ...rest: unknown[]) { return (ops()[name] as Op)(this, ...rest); };
};
install(() => binary, ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal']);
install(() => unary, ['neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'square', 'abs', 'sign', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'relu']);
let reductions: Record<string, unknown> | null = null; // built at the first call (see install)
install(() => (reductions ??= { ...reduce, max: reduce.checkedMax, min: reduce.checkedMin }), ['sum', 'mean', 'max', 'min', 'logsumexp', 'softmax', 'logSoftmax', 'cumsum']);
install(() => shape, ['reshape', 'transpose', 'squeeze', 'expandDims', 'broadcastTo', 'slice', 'take']);
install(() => linalg, ['matmul', 'dot']);
install(() => select, ['clip']);
// x.where(a, b): x is the condition (arguments past a and b reach where, which refuses them).
methods['where'] = function (this: Tensor, ...rest: unknown[]) { return (select.where as (...args: unknown[]) => Tensor)(this, ...rest); };
Object.assign(Tensor.prototype, methods);
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) { return shape.transpose(this); },
  configurable: true,
});

const installedNames: string[] = Object.keys(methods);

/** The names installed as methods (for documentation and tests), including those registered by modules built on ops/. */
export const tensorMethodNames: readonly string[] = installedNames;

/**
 * Installs method forms for ops defined in modules that ops/ cannot import (they import ops/
 * themselves, e.g. src/products): `x.name(...rest)` calls `ops[name](x, ...rest)`. The registering
 * module calls this when it loads, and declares the methods on the Tensor interface next to the ops
 * (`declare module '../tensor/tensor.js'`), with their doc comments.
 * @internal
 */
export function registerTensorMethods(ops: Readonly<Record<string, (x: Tensor, ...rest: any[]) => Tensor>>): void {
  for (const [name, op] of Object.entries(ops)) {
    const known = name in methods;
    if (!known && name in Tensor.prototype) throw new Error(`registerTensorMethods: Tensor already has a member '${name}'`);
    const method: Method = function (this: Tensor, ...rest: unknown[]) { return op(this, ...rest); };
    methods[name] = method;
    Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true, enumerable: true });
    if (!known) installedNames.push(name);
  }
}
