/** @file Reverse mode: vjp, grad and valueAndGrad. */
import { Tensor } from '../tensor/tensor.js';
import type { Key } from '../random/key.js';
import { ones, scalar } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { flatten, isPlainObject, unflatten, type PyTree, type TensorLikeTree, type TensorTree, type TensorTrees } from '../core/pytree.js';
import { mapNodeChildren, NOT_A_NODE } from '../core/pytreeNodes.js';
import type { TreeFunction } from '../core/functions.js';
import { record } from './record.js';
import { autoJit, type RecordedOps } from '../jit/autoJit.js';
import { anomaly, checkAnomalies } from '../core/anomaly.js';
import { InvalidArgumentError, NonScalarOutputError } from '../core/errors.js';
import { notRead, nudged, readsDuring, type Rerun } from './readNumbers.js';
import { live } from '../core/trace.js';
import { describe } from '../tensor/create.js';
import { argnumList, checkFunction, checkResult, flattenArgs, flattenLike, missingResult, noExtraArguments, rebuildArgs } from './args.js';

/** Argument types as callers may pass them: a number wherever a Tensor is declared, at any depth of a pytree. */
export type Loosen<P extends readonly unknown[]> = { [K in keyof P]: LooseArgument<P[K]> };

/**
 * One argument as a caller may pass it: a Tensor leaf may be a number, inside arrays and plain
 * objects too (`{ w: 1, b: [2] }` for `{ w: Tensor; b: [Tensor] }`), as the runtime boxes them.
 * Other types stay as declared.
 */
export type LooseArgument<T> = 0 extends 1 & T
  ? T
  : PyTree extends T
    ? T // any tree at all: numbers are already in it
    : T extends Tensor
      ? Tensor | number
      : T extends Key | ((...args: never[]) => unknown)
        ? T
        : T extends readonly unknown[]
          ? { [K in keyof T]: LooseArgument<T[K]> }
          : T extends object
            ? { [K in keyof T]: LooseArgument<T[K]> }
            : T;

/**
 * The pullback of `vjp`: an output cotangent in (the output's structure, numbers accepted for
 * tensors), one cotangent per primal argument out, each in its argument's structure.
 */
export type Pullback<Out = PyTree, Args extends readonly unknown[] = readonly PyTree[]> = (cotangent: TensorLikeTree<Out>) => TensorTrees<Args>;

/** What `f` returns beside its output when it returns `[output, aux]` (hasAux). */
export type AuxOf<F extends TreeFunction<unknown>> = ReturnType<F> extends readonly [unknown, infer A] ? A : unknown;

/**
 * The aux of `f` returning an array literal not typed as a pair (`return [loss, { acc }]` without
 * `as const`), whose element type E is output | aux: the members that are not a tensor or number,
 * or E itself when aux is a tensor or number too.
 */
export type ArrayAuxOf<F extends TreeFunction<unknown>> = ReturnType<F> extends readonly (infer E)[]
  ? ([Exclude<E, Tensor | number>] extends [never] ? E : Exclude<E, Tensor | number>) : unknown;

/** Such an array's output: its tensor and number members (E itself when there are none). */
export type ArrayOutputOf<F extends TreeFunction<unknown>> = ReturnType<F> extends readonly (infer E)[]
  ? ([Extract<E, Tensor | number>] extends [never] ? E : Extract<E, Tensor | number>) : PyTree;

/** What `f` returns before its aux when it returns `[output, aux]` (hasAux). */
export type OutputOf<F extends TreeFunction<unknown>> = ReturnType<F> extends readonly [infer O, unknown] ? O : PyTree;

/** The gradient for `argnums` of a function with parameters `P`: one tree, or a tuple of them for an array of indices. */
export type GradientOf<P extends readonly unknown[], N> = N extends number
  ? TensorTree<ArgumentAt<P, N>>
  : N extends readonly number[]
    ? { -readonly [K in keyof N]: TensorTree<ArgumentAt<P, N[K] & number>> }
    : never;

/** The argument at `N`, or the tuple of those at each index of an array `N`. */
export type ArgumentsAt<P extends readonly unknown[], N> = N extends number
  ? ArgumentAt<P, N>
  : N extends readonly number[]
    ? { -readonly [K in keyof N]: ArgumentAt<P, N[K] & number> }
    : never;

/** The parameter at index `N`, counting from the end when `N` is negative (argnums −1: the last, as JAX's). */
export type ArgumentAt<P extends readonly unknown[], N extends number> = number extends P['length']
  ? P[number]
  : `${N}` extends `-${infer K extends number}`
    ? [never, ...ReversedTuple<P>][K]
    : P[N];

/** A tuple's elements in reverse order. */
export type ReversedTuple<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R] ? [...ReversedTuple<R>, H] : [];

/** The argnums an options object names (0 when it names none). */
export type ArgnumsOf<O extends GradOptions> = O extends { readonly argnums: infer N } ? (undefined extends N ? 0 : N) : 0;

/**
 * Runs `f(...primals)` recording a tape, and returns its output with a function that maps an
 * output cotangent (same structure as the output) to the cotangents of every argument.
 * The pullback may be called many times (that is how `jacobian` builds rows).
 * @example
 * const [y, pullback] = ad.vjp((x) => ad.mul(x, x), ad.tensor([1, 2]));
 * pullback(ad.tensor([1, 1]))[0]; // [2, 4]
 */
export function vjp<F extends TreeFunction>(
  f: F,
  ...primals: Loosen<Parameters<F>>
): [TensorTree<ReturnType<F>>, Pullback<ReturnType<F>, Parameters<F>>];
export function vjp(f: TreeFunction, ...primals: unknown[]): [unknown, unknown] {
  checkFunction(f, 'vjp');
  const [out, pullback] = vjpAs(f, primals, false, 'vjp');
  return [out, pullback];
}

/**
 * `vjp` of a function that returns `[output, aux]`: `[output, pullback, aux]`, aux not
 * differentiated (JAX's `vjp(f, *primals, has_aux=True)`; vjp's primals are variadic, hence the name).
 * @example
 * const [y, pullback, aux] = ad.vjpWithAux((x) => [ad.mul(x, x), { twice: ad.mul(x, 2) }], ad.tensor(3));
 * pullback(ad.tensor(1))[0]; // 6
 */
export function vjpWithAux<F extends TreeFunction<readonly [PyTree, unknown]>>(
  f: F,
  ...primals: Loosen<Parameters<F>>
): [TensorTree<OutputOf<F>>, Pullback<OutputOf<F>, Parameters<F>>, AuxOf<F>];
export function vjpWithAux(f: TreeFunction<readonly [PyTree, unknown]>, ...primals: unknown[]): [unknown, unknown, unknown] {
  checkFunction(f, 'vjpWithAux');
  return vjpAs(f, primals, true, 'vjpWithAux');
}

/** vjp whose errors name `op` (linearTranspose is built on it). @internal */
export function vjpAs(f: TreeFunction<unknown>, primals: readonly unknown[], hasAux: boolean, op: string): [unknown, Pullback, unknown] {
  const { out, pullback, aux, rec } = vjpRecorded(f, primals, hasAux, op);
  rec.releaseWith(pullback);
  return [out, pullback, aux];
}

/**
 * vjp for the library's own one-off uses (jacrev and hessian, the structured models' decoders and
 * samplers): `use(out, pullback)` runs, and the tape is released as it returns (or throws). vjp's
 * pullback releases its tape when it is garbage-collected, through a FinalizationRegistry record
 * that only a turn of the event loop clears: a synchronous loop of such calls kept ~100 B a call
 * and memoryStats counted every tape's residuals as held (1.3 GB after 20,000 calls). `use` must
 * not keep the pullback. @internal
 */
export function withVjp<T>(f: TreeFunction<unknown>, primals: readonly unknown[], use: (out: unknown, pullback: Pullback) => T, op = 'vjp'): T {
  const { out, pullback, rec } = vjpRecorded(f, primals, false, op);
  try {
    return use(out, pullback);
  } finally {
    rec.release();
  }
}

function vjpRecorded(f: TreeFunction<unknown>, primals: readonly unknown[], hasAux: boolean, op: string) {
  const { leaves, def } = flattenArgs(primals, op);
  let aux: unknown;
  const rerun: Rerun = (sign) => {
    const r = f(...rebuildArgs(def, nudged(leaves, sign)));
    return hasAux ? splitAux(r, op)[0] : r;
  };
  const rec = record((inputs) => {
    const { result, reads } = readsDuring(inputs, () => f(...rebuildArgs(def, inputs)));
    if (!hasAux) {
      checkResult(result, op);
      return notRead(result, reads, op, rerun);
    }
    const [out, a] = splitAux(result, op);
    aux = a;
    return notRead(out, reads, op, rerun);
  }, leaves);
  const pullback: Pullback = (cotangent: unknown, ...extra: unknown[]) => {
    // One cotangent, shaped as the output (a tuple output's cotangent is one array): JAX's TypeError
    // for more — but for the index and array `cts.map(pullback)` passes, the one idiom that adds them.
    if (!mapCallback(cotangent, extra)) {
      noExtraArguments(extra, `${op} pullback`, 'one cotangent shaped as the function\'s output (for several outputs, one array or object of them)');
    }
    const ct = flattenLike(cotangent, rec.outDef, `${op} pullback`, 'cotangent', 'function output');
    const cotangents = rebuildArgs(def, rec.pullback(ct));
    if (anomaly.enabled) checkAnomalies(cotangents, `the cotangents a ${op} pullback returns`);
    return cotangents as TensorTrees<readonly PyTree[]>;
  };
  // A number the function returned comes back a 0-d tensor, as JAX's arrays (and vjp's type, TensorTree).
  const out = unflatten(rec.outDef, rec.outLeaves.map((l) => (typeof l === 'number' ? scalar(l) : l)));
  if (anomaly.enabled) checkAnomalies(out, `the output of ${op}`);
  return { out: out as unknown, pullback, aux: releaseAux(aux), rec };
}

/**
 * The pullback of x ↦ f(x) at one pytree x, for library code that pulls back many vectors and is
 * then done with it (the matrix-vector products of an implicit solve): `release()` returns the
 * tape's residual memory at once, instead of when the pullback is garbage-collected as `vjp`'s
 * is (a pullback never released is still freed that way). @internal
 */
export function releasablePullback(
  f: (x: PyTree) => PyTree, x: PyTree, op: string,
): { pullback: (cotangent: PyTree) => PyTree; release: () => void } {
  const { leaves, def } = flattenArgs([x], op);
  const rec = record((inputs) => f(rebuildArgs(def, inputs)[0] as PyTree), leaves);
  const pullback = (cotangent: PyTree): PyTree => rebuildArgs(def, rec.pullback(flatten(cotangent, `${op} pullback`).leaves))[0] as PyTree;
  rec.releaseWith(pullback);
  return { pullback, release: () => rec.release() };
}

function scalarOutput(out: unknown, op: string): Tensor | number {
  if (typeof out === 'number') return out;
  if (out instanceof Tensor && out.size === 1) return out;
  const problem = missingResult(out, op);
  if (problem !== null) throw new NonScalarOutputError(problem);
  const what = out instanceof Tensor ? `a tensor of shape ${formatShape(out.shape)}` : Array.isArray(out) || isPlainObject(out) ? 'a pytree' : describe(out);
  throw new NonScalarOutputError(
    `${op}: the function must return a single-element tensor or a number, but it returned ${what}. ` +
      `Reduce it to a scalar (e.g. ad.sum), or use ad.vjp(f, ...args) to pull back a cotangent of that shape, or ad.jacobian for every derivative.`,
  );
}

/** `argnums` as grad takes it: an index, a list, or `{ argnums, hasAux }` as JAX's keywords. */
export interface GradOptions {
  readonly argnums?: number | readonly number[] | undefined;
  /** `f` returns `[output, aux]`; aux comes back beside the result, not differentiated. */
  readonly hasAux?: boolean | undefined;
}

/** Splits grad's second argument into argnums and hasAux. @internal */
export function gradOptions(spec: number | readonly number[] | GradOptions, op: string): { argnums: number | readonly number[]; hasAux: boolean } {
  if (typeof spec === 'number' || Array.isArray(spec)) return { argnums: spec as number | readonly number[], hasAux: false };
  if (!isPlainObject(spec)) {
    throw new InvalidArgumentError(`${op}: the second argument is argnums (an index or an array of them) or { argnums, hasAux }, got ${describe(spec)}.`);
  }
  const unknown = Object.keys(spec).filter((k) => k !== 'argnums' && k !== 'hasAux');
  if (unknown.length > 0) throw new InvalidArgumentError(`${op}: unknown option ${JSON.stringify(unknown[0])}; the options are argnums and hasAux.`);
  const o = spec as GradOptions;
  if (o.hasAux !== undefined && typeof o.hasAux !== 'boolean') throw new InvalidArgumentError(`${op}: hasAux must be true or false, got ${describe(o.hasAux)}.`);
  return { argnums: o.argnums ?? 0, hasAux: o.hasAux ?? false };
}

/** The `[output, aux]` pair a hasAux function returns, checked. @internal */
export function splitAux(result: unknown, op: string): [unknown, unknown] {
  checkResult(result, op);
  if (!Array.isArray(result) || result.length !== 2) {
    throw new InvalidArgumentError(
      `${op}: with hasAux the function must return a pair [output, aux], got ${describe(result)}; return [loss, { ...whatever you want back }].`,
    );
  }
  return [result[0], result[1]];
}

/** Aux values leaving a finished trace: tensors read as their live values (no longer traced here). @internal */
export function releaseAux(aux: unknown): unknown {
  if (aux instanceof Tensor) return live(aux);
  if (Array.isArray(aux)) return aux.map(releaseAux);
  if (isPlainObject(aux)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(aux)) out[k] = releaseAux(aux[k]);
    return out;
  }
  const node = mapNodeChildren(aux, releaseAux, 'aux');
  return node === NOT_A_NODE ? aux : node;
}

function gradImpl(f: (...args: any[]) => any, spec: number | readonly number[] | GradOptions, op: string) {
  checkFunction(f, op);
  const { argnums, hasAux } = gradOptions(spec, op);
  let last: RecordedOps = { scalarOps: 0, generalOps: 0 }; // what the latest call recorded (for autoJit)
  const eager = (...args: any[]): [Tensor, any, unknown] => {
    const listed = argnumList(argnums, args.length, op);
    // A repeated index (argnums [0, 0]) is differentiated once and its gradient given at each place.
    const nums = [...new Set(listed)];
    let aux: unknown;
    const withDiff = (diff: readonly unknown[]) => {
      const full = [...args];
      nums.forEach((a, i) => (full[a] = diff[i]));
      return full;
    };
    const rerun: Rerun = (sign) => {
      const r = f(...withDiff(rebuildArgs(def, nudged(leaves, sign))));
      return hasAux ? splitAux(r, op)[0] : r;
    };
    const partial = (inputs: readonly Tensor[], ...diff: any[]) => {
      const { result, reads } = readsDuring(inputs, () => f(...withDiff(diff)));
      if (!hasAux) return scalarOutput(notRead(result, reads, op, rerun), op);
      const [out, a] = splitAux(result, op);
      aux = a;
      return scalarOutput(notRead(out, reads, op, rerun), op);
    };
    const { leaves, def } = flattenArgs(nums.map((a) => args[a]), op);
    const rec = record((inputs) => partial(inputs, ...rebuildArgs(def, inputs)), leaves);
    last = { scalarOps: rec.scalarOps, generalOps: rec.generalOps };
    const value = rec.outLeaves[0]!;
    const v = value instanceof Tensor ? value : new Tensor(new Float64Array([value]), []);
    try {
      const cts = rebuildArgs(def, rec.pullback([ones(v.shape)]));
      const gradient = typeof argnums === 'number' ? cts[0] : listed.map((a) => cts[nums.indexOf(a)]);
      if (anomaly.enabled) checkAnomalies([v, gradient], `the value or gradient that ${op} returns`);
      return [v, gradient, releaseAux(aux)];
    } finally {
      rec.release();
    }
  };
  if (hasAux) return eager; // aux may be anything: not for jit
  // With ad.config({ autoJit: true }), a long run of 0-d ops takes the recorded path (jit/autoJit.ts).
  const auto = autoJit((...args: any[]) => eager(...args).slice(0, 2) as [Tensor, any], () => last);
  return (...args: any[]): [Tensor, any, unknown] => [...auto(...args), undefined];
}

/** `grad(f, { argnums, hasAux: true })` whose errors name `op`: `[gradient, aux]` (hessian with aux). @internal */
export function gradWithAuxFor(f: (...args: any[]) => any, op: string, argnums: number | readonly number[]): (...args: any[]) => [any, unknown] {
  const vg = gradImpl(f, { argnums, hasAux: true }, op);
  return (...args: any[]) => {
    const [, gradient, aux] = vg(...args);
    return [gradient, aux];
  };
}

/** `valueAndGrad(f)` of f's first argument, whose errors name `op` (argmin's L-BFGS is built on it). @internal */
export function valueAndGradFor(f: (...args: any[]) => any, op: string): (...args: any[]) => [Tensor, any] {
  const vg = gradImpl(f, 0, op);
  return (...args: any[]) => {
    const [value, gradient] = vg(...args);
    return [value, gradient];
  };
}

/** `grad(f)` whose errors name `op` (hvp and hessian are built on it). @internal */
export function gradFor(f: (...args: any[]) => PyTree, op: string, argnums: number | readonly number[] = 0): (...args: any[]) => any {
  const vg = gradImpl(f, argnums, op);
  return (...args: any[]) => vg(...args)[1];
}

/**
 * The gradient of a scalar function with respect to argument `argnums` (or several, giving an
 * array of gradients). Gradients have the structure of their arguments.
 * @example
 * const df = ad.grad((x) => ad.sum(ad.square(x)));
 * df(ad.tensor([1, 2, 3])); // [2, 4, 6]
 */
export function grad<F extends TreeFunction<Tensor | number>>(f: F): (...args: Loosen<Parameters<F>>) => TensorTree<Parameters<F>[0]>;
export function grad<F extends TreeFunction<Tensor | number>, const N extends number | readonly number[]>(
  f: F,
  argnums: N,
): (...args: Loosen<Parameters<F>>) => GradientOf<Parameters<F>, N>;
export function grad<F extends TreeFunction<readonly [Tensor | number, unknown]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [GradientOf<Parameters<F>, ArgnumsOf<O>>, AuxOf<F>];
// hasAux with f returning an array literal not typed as a pair (`return [loss, aux]` without `as const`):
// the gradient keeps its type; the aux is the array's element types other than tensors and numbers.
export function grad<F extends TreeFunction<readonly unknown[]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [GradientOf<Parameters<F>, ArgnumsOf<O>>, ArrayAuxOf<F>];
export function grad<F extends TreeFunction<Tensor | number>, const O extends GradOptions & { readonly hasAux?: false | undefined }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => GradientOf<Parameters<F>, ArgnumsOf<O>>;
export function grad<F extends TreeFunction<unknown>>(f: F, options: GradOptions): (...args: Loosen<Parameters<F>>) => unknown;
export function grad(f: (...args: any[]) => any, argnums: number | readonly number[] | GradOptions = 0, ...extra: unknown[]): (...args: any[]) => any {
  noExtraArguments(extra, 'grad', 'the function and argnums or { argnums, hasAux }, grad(f, { argnums: 0, hasAux: true })');
  const vg = gradImpl(f, argnums, 'grad');
  const hasAux = gradOptions(argnums, 'grad').hasAux;
  return (...args: any[]) => {
    const [, gradient, aux] = vg(...args);
    return hasAux ? [gradient, aux] : gradient;
  };
}

/**
 * The value and the gradient together, for the cost of one backward pass.
 * @example
 * const [loss, g] = ad.valueAndGrad((w) => ad.sum(ad.square(w)))(ad.tensor([3, 4])); // 25, [6, 8]
 */
export function valueAndGrad<F extends TreeFunction<Tensor | number>>(f: F): (...args: Loosen<Parameters<F>>) => [Tensor, TensorTree<Parameters<F>[0]>];
export function valueAndGrad<F extends TreeFunction<Tensor | number>, const N extends number | readonly number[]>(
  f: F,
  argnums: N,
): (...args: Loosen<Parameters<F>>) => [Tensor, GradientOf<Parameters<F>, N>];
export function valueAndGrad<F extends TreeFunction<readonly [Tensor | number, unknown]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [[Tensor, AuxOf<F>], GradientOf<Parameters<F>, ArgnumsOf<O>>];
export function valueAndGrad<F extends TreeFunction<readonly unknown[]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [[Tensor, ArrayAuxOf<F>], GradientOf<Parameters<F>, ArgnumsOf<O>>];
export function valueAndGrad<F extends TreeFunction<Tensor | number>, const O extends GradOptions & { readonly hasAux?: false | undefined }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [Tensor, GradientOf<Parameters<F>, ArgnumsOf<O>>];
export function valueAndGrad<F extends TreeFunction<unknown>>(f: F, options: GradOptions): (...args: Loosen<Parameters<F>>) => [unknown, unknown];
export function valueAndGrad(
  f: (...args: any[]) => any,
  argnums: number | readonly number[] | GradOptions = 0,
  ...extra: unknown[]
): (...args: any[]) => [any, any] {
  noExtraArguments(extra, 'valueAndGrad', 'the function and argnums or { argnums, hasAux }, valueAndGrad(f, { argnums: 0, hasAux: true })');
  const vg = gradImpl(f, argnums, 'valueAndGrad');
  const hasAux = gradOptions(argnums, 'valueAndGrad').hasAux;
  return (...args: any[]) => {
    const [value, gradient, aux] = vg(...args);
    return hasAux ? [[value, aux], gradient] : [value, gradient];
  };
}

/** Whether a function was called as Array.prototype.map/forEach's callback: (element, index, the array). */
function mapCallback(first: unknown, extra: readonly unknown[]): boolean {
  return extra.length === 2 && typeof extra[0] === 'number' && Array.isArray(extra[1]) && extra[1][extra[0]] === first;
}
