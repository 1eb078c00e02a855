/** @file Reverse mode: vjp, grad and valueAndGrad. */
import { Tensor } from '../tensor/tensor.js';
import { full, ones, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { ReverseTrace, unbox, live, type TapeNode } from '../core/trace.js';
import { backward } from '../core/backward.js';
import { flatten, treesMatch, unflatten, type PyTree } from '../core/pytree.js';
import { NonScalarOutputError, ShapeError } from '../core/errors.js';
import { argnumList, checkFunction, flattenArgs, rebuildArgs } from './args.js';
import { accumulate, resetCotangent } from '../core/cotangents.js';

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
  const trace = new ReverseTrace();
  const inputs = leaves.map((x) => trace.input(x));
  let out: ReturnType<typeof flatten>;
  let outLeaves: Array<Tensor | number>;
  try {
    out = flatten(f(...rebuildArgs(def, inputs)), 'vjp (output)');
    outLeaves = out.leaves.map((l) => (l instanceof Tensor ? live(l) : l)); // while this trace is live
  } finally {
    trace.active = false;
  }
  const outNodes: Array<TapeNode | null> = outLeaves.map((l) => (l instanceof Tensor && l.trace === trace ? l.node : null));
  const outPrimals = outLeaves.map((l) => (l instanceof Tensor ? unbox(l, trace) : l));
  const leafNodes = inputs.map((b) => b.node!);
  const tape = trace.tape;

  const pullback: Pullback = (cotangent) => {
    const ct = flatten(cotangent, 'vjp pullback');
    if (!treesMatch(ct.def, out.def)) {
      throw new ShapeError('vjp pullback: the cotangent must have the same structure as the function output.');
    }
    for (const n of tape) resetCotangent(n);
    for (const n of leafNodes) resetCotangent(n);
    ct.leaves.forEach((c, i) => {
      const node = outNodes[i];
      if (node === null) return;
      const o = outPrimals[i] as Tensor;
      const g = c instanceof Tensor ? live(c) : full(o.shape, c);
      if (!shapesEqual(g.shape, o.shape)) {
        throw new ShapeError(
          `vjp pullback: cotangent ${i} has shape ${formatShape(g.shape)} but the output it pairs with has shape ${formatShape(o.shape)}; they must be equal.`,
        );
      }
      accumulate(node!, g);
    });
    backward(tape);
    const cts = leafNodes.map((n, i) => {
      const g = n.ct ?? zeros(leaves[i]!.shape);
      resetCotangent(n);
      return g;
    });
    return rebuildArgs(def, cts);
  };
  return [unflatten(out.def, outPrimals), pullback];
}

function scalarOutput(out: unknown, op: string): Tensor | number {
  if (typeof out === 'number') return out;
  if (out instanceof Tensor && out.size === 1) return out;
  const what = out instanceof Tensor ? `a tensor of shape ${formatShape(out.shape)}` : 'a pytree';
  throw new NonScalarOutputError(
    `${op}: the function must return a single-element tensor or a number, but it returned ${what}. ` +
      `Reduce it to a scalar (e.g. ad.sum), or use ad.vjp(f, ...args) to pull back a cotangent of that shape, or ad.jacobian for every derivative.`,
  );
}

function gradImpl(f: (...args: any[]) => PyTree, argnums: number | readonly number[], op: string) {
  checkFunction(f, op);
  return (...args: any[]): [Tensor, any] => {
    const nums = argnumList(argnums, args.length, op);
    const partial = (...diff: any[]) => {
      const full = [...args];
      nums.forEach((a, i) => (full[a] = diff[i]));
      return scalarOutput(f(...full), op);
    };
    const [value, pullback] = vjp(partial, ...nums.map((a) => args[a]));
    const v = value instanceof Tensor ? value : new Tensor(new Float64Array([value as number]), []);
    const cts = pullback(ones(v.shape));
    return [v, typeof argnums === 'number' ? cts[0] : cts];
  };
}

/**
 * The gradient of a scalar function with respect to argument `argnums` (or several, giving an
 * array of gradients). Gradients have the structure of their arguments.
 * @example
 * const df = ad.grad((x) => ad.sum(ad.square(x)));
 * df(ad.tensor([1, 2, 3])); // [2, 4, 6]
 */
export function grad(f: (...args: any[]) => PyTree, argnums: number | readonly number[] = 0): (...args: any[]) => any {
  const vg = gradImpl(f, argnums, 'grad');
  return (...args: any[]) => vg(...args)[1];
}

/**
 * The value and the gradient together, for the cost of one backward pass.
 * @example
 * const [loss, g] = ad.valueAndGrad((w) => ad.sum(ad.square(w)))(ad.tensor([3, 4])); // 25, [6, 8]
 */
export function valueAndGrad(
  f: (...args: any[]) => PyTree,
  argnums: number | readonly number[] = 0,
): (...args: any[]) => [Tensor, any] {
  return gradImpl(f, argnums, 'valueAndGrad');
}
