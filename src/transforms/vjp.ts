/** @file Reverse mode: vjp, grad and valueAndGrad. */
import { Tensor } from '../tensor/tensor.js';
import { ones } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { flatten, treesMatch, unflatten, type PyTree, type TensorTree } from '../core/pytree.js';
import { record } from './record.js';
import { anomaly, checkResult as checkAnomalies } from '../core/anomaly.js';
import { NonScalarOutputError, ShapeError } from '../core/errors.js';
import { argnumList, checkFunction, checkResult, flattenArgs, missingResult, rebuildArgs } from './args.js';

/** Argument types as callers may pass them: a number wherever a Tensor is declared. */
export type Loosen<P extends readonly unknown[]> = { [K in keyof P]: P[K] extends Tensor ? Tensor | number : P[K] };

/** The pullback of `vjp`: output cotangents in, one cotangent per primal argument out. */
export type Pullback = (cotangent: PyTree) => any[];

/**
 * Runs `f(...primals)` recording a tape, and returns its output with a function that maps an
 * output cotangent (same structure as the output) to the cotangents of every argument.
 * The pullback may be called many times (that is how `jacobian` builds rows).
 * @example
 * const [y, pullback] = ad.vjp((x) => ad.mul(x, x), ad.tensor([1, 2]));
 * pullback(ad.tensor([1, 1]))[0]; // [2, 4]
 */
export function vjp(f: (...args: any[]) => PyTree, ...primals: any[]): [any, Pullback] {
  checkFunction(f, 'vjp');
  const { leaves, def } = flattenArgs(primals, 'vjp');
  const rec = record((inputs) => {
    const out = f(...rebuildArgs(def, inputs));
    checkResult(out, 'vjp');
    return out;
  }, leaves);
  const pullback: Pullback = (cotangent) => {
    const ct = flatten(cotangent, 'vjp pullback');
    if (!treesMatch(ct.def, rec.outDef)) {
      throw new ShapeError('vjp pullback: the cotangent must have the same structure as the function output.');
    }
    const cotangents = rebuildArgs(def, rec.pullback(ct.leaves));
    if (anomaly.enabled) checkAnomalies(cotangents, 'the cotangents a vjp pullback returns');
    return cotangents;
  };
  rec.releaseWith(pullback);
  const out = unflatten(rec.outDef, rec.outLeaves);
  if (anomaly.enabled) checkAnomalies(out, 'the output of vjp');
  return [out, pullback];
}

function scalarOutput(out: unknown, op: string): Tensor | number {
  if (typeof out === 'number') return out;
  if (out instanceof Tensor && out.size === 1) return out;
  const problem = missingResult(out, op);
  if (problem !== null) throw new NonScalarOutputError(problem);
  const what = out instanceof Tensor ? `a tensor of shape ${formatShape(out.shape)}` : 'a pytree';
  throw new NonScalarOutputError(
    `${op}: the function must return a single-element tensor or a number, but it returned ${what}. ` +
      `Reduce it to a scalar (e.g. ad.sum), or use ad.vjp(f, ...args) to pull back a cotangent of that shape, or ad.jacobian for every derivative.`,
  );
}

function gradImpl(f: (...args: any[]) => PyTree, argnums: number | readonly number[], op: string) {
  checkFunction(f, op);
  return (...args: any[]): [Tensor, any] => {
    const listed = argnumList(argnums, args.length, op);
    // A repeated index (argnums [0, 0]) is differentiated once and its gradient given at each place.
    const nums = [...new Set(listed)];
    const partial = (...diff: any[]) => {
      const full = [...args];
      nums.forEach((a, i) => (full[a] = diff[i]));
      return scalarOutput(f(...full), op);
    };
    const { leaves, def } = flattenArgs(nums.map((a) => args[a]), op);
    const rec = record((inputs) => partial(...rebuildArgs(def, inputs)), leaves);
    const value = rec.outLeaves[0]!;
    const v = value instanceof Tensor ? value : new Tensor(new Float64Array([value]), []);
    try {
      const cts = rebuildArgs(def, rec.pullback([ones(v.shape)]));
      const gradient = typeof argnums === 'number' ? cts[0] : listed.map((a) => cts[nums.indexOf(a)]);
      if (anomaly.enabled) checkAnomalies([v, gradient], `the value or gradient that ${op} returns`);
      return [v, gradient];
    } finally {
      rec.release();
    }
  };
}

/** `grad(f)` whose errors name `op` (hvp and hessian are built on it). @internal */
export function gradFor(f: (...args: any[]) => PyTree, op: string): (...args: any[]) => any {
  const vg = gradImpl(f, 0, op);
  return (...args: any[]) => vg(...args)[1];
}

/**
 * The gradient of a scalar function with respect to argument `argnums` (or several, giving an
 * array of gradients). Gradients have the structure of their arguments.
 * @example
 * const df = ad.grad((x) => ad.sum(ad.square(x)));
 * df(ad.tensor([1, 2, 3])); // [2, 4, 6]
 */
export function grad<F extends (...args: any[]) => PyTree>(f: F): (...args: Loosen<Parameters<F>>) => TensorTree<Parameters<F>[0]>;
export function grad<F extends (...args: any[]) => PyTree, N extends number>(f: F, argnums: N): (...args: Loosen<Parameters<F>>) => TensorTree<Parameters<F>[N]>;
export function grad<F extends (...args: any[]) => PyTree>(f: F, argnums: readonly number[]): (...args: Loosen<Parameters<F>>) => any[];
export function grad(f: (...args: any[]) => PyTree, argnums: number | readonly number[] = 0): (...args: any[]) => any {
  const vg = gradImpl(f, argnums, 'grad');
  return (...args: any[]) => vg(...args)[1];
}

/**
 * The value and the gradient together, for the cost of one backward pass.
 * @example
 * const [loss, g] = ad.valueAndGrad((w) => ad.sum(ad.square(w)))(ad.tensor([3, 4])); // 25, [6, 8]
 */
export function valueAndGrad<F extends (...args: any[]) => PyTree>(f: F): (...args: Loosen<Parameters<F>>) => [Tensor, TensorTree<Parameters<F>[0]>];
export function valueAndGrad<F extends (...args: any[]) => PyTree, N extends number>(f: F, argnums: N): (...args: Loosen<Parameters<F>>) => [Tensor, TensorTree<Parameters<F>[N]>];
export function valueAndGrad<F extends (...args: any[]) => PyTree>(f: F, argnums: readonly number[]): (...args: Loosen<Parameters<F>>) => [Tensor, any[]];
export function valueAndGrad(
  f: (...args: any[]) => PyTree,
  argnums: number | readonly number[] = 0,
): (...args: any[]) => [Tensor, any] {
  return gradImpl(f, argnums, 'valueAndGrad');
}
