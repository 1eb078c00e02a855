/** @file linearize: a function's output and its Jacobian-vector product as a reusable linear map. */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { flatten, mapTree, unflatten, type PyTree, type TensorLikeTrees, type TensorTree } from '../core/pytree.js';
import type { TreeFunction } from '../core/functions.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { checkFunction, flattenLike } from './args.js';
import { vjp, vjpAs, type AuxOf, type Loosen, type OutputOf, type Pullback } from './vjp.js';

/**
 * `[out, jvpFn]`: `f`'s output at `primals`, and `jvpFn(...tangents)` = J·tangents (one tangent per
 * primal, in its structure), as JAX's `linearize`. `f` runs once: its tape is kept, and each
 * `jvpFn` call is the transpose of that tape's pullback — a linear map of the output cotangent, so
 * its transpose is J — taken by one more reverse pass over the pullback (about the cost of two
 * backward passes, with no re-running of `f`'s JavaScript).
 * @example
 * const [y, jvpFn] = ad.linearize((x) => ad.sin(x), ad.tensor([0, 1]));
 * jvpFn(ad.tensor([1, 1])); // [cos 0, cos 1]
 */
export function linearize<F extends TreeFunction>(
  f: F,
  ...primals: Loosen<Parameters<F>>
): [TensorTree<ReturnType<F>>, (...tangents: TensorLikeTrees<Parameters<F>>) => TensorTree<ReturnType<F>>];
export function linearize(f: TreeFunction, ...primals: unknown[]): [unknown, (...tangents: unknown[]) => unknown] {
  checkFunction(f, 'linearize');
  const [out, jvpFn] = linearizeAs(f, primals, false, 'linearize');
  return [out, jvpFn];
}

/**
 * `linearize` of a function that returns `[output, aux]`: `[out, jvpFn, aux]`, aux not
 * differentiated (JAX's `linearize(f, *primals, has_aux=True)`; the primals are variadic, hence the
 * name, as `vjpWithAux`).
 * @example
 * const [y, jvpFn, aux] = ad.linearizeWithAux((x) => [ad.sin(x), { at: x }], ad.tensor([0, 1]));
 * jvpFn(ad.tensor([1, 1])); // [cos 0, cos 1]
 */
export function linearizeWithAux<F extends TreeFunction<readonly [PyTree, unknown]>>(
  f: F,
  ...primals: Loosen<Parameters<F>>
): [TensorTree<OutputOf<F>>, (...tangents: TensorLikeTrees<Parameters<F>>) => TensorTree<OutputOf<F>>, AuxOf<F>];
export function linearizeWithAux(f: TreeFunction<readonly [PyTree, unknown]>, ...primals: unknown[]): [unknown, (...tangents: any[]) => unknown, unknown] {
  checkFunction(f, 'linearizeWithAux');
  return linearizeAs(f, primals, true, 'linearizeWithAux');
}

/** linearize, of `f`'s output (or, `hasAux`, of the first of its `[output, aux]`), with errors naming `op`. */
function linearizeAs(f: TreeFunction<unknown>, primals: readonly unknown[], hasAux: boolean, op: string): [unknown, (...tangents: unknown[]) => unknown, unknown] {
  if (primals.length === 0) throw new InvalidArgumentError(`${op}: give the point to linearize at: ${op}(f, ...primals).`);
  const [out, pullback, aux] = vjpAs(f, primals, hasAux, op) as [PyTree, Pullback, unknown];
  const seed = mapTree(out, (leaf) => zeros(leaf instanceof Tensor ? leaf.shape : []), `${op} (output)`);
  const primalTree = flatten(primals, op);
  const jvpFn = (...tangents: unknown[]): unknown => {
    if (tangents.length !== primals.length) {
      throw new ShapeError(`${op}: jvpFn takes one tangent per primal (${primals.length}), each in its primal's structure; got ${tangents.length}.`);
    }
    const t = flattenLike(tangents, primalTree.def, op, 'tangents', 'primals');
    t.forEach((leaf, i) => {
      const p = primalTree.leaves[i]!;
      const ps = p instanceof Tensor ? p.shape : [];
      const ts = leaf instanceof Tensor ? leaf.shape : [];
      if (!shapesEqual(ps, ts)) {
        throw new ShapeError(`${op}: tangent leaf ${i} has shape ${formatShape(ts)} but its primal has shape ${formatShape(ps)}; they must be equal.`);
      }
    });
    // pullback is linear in the cotangent; the pullback of pullback, at any point, is its transpose J.
    const [, transpose] = vjp((ct: PyTree) => pullback(ct) as PyTree, seed as PyTree);
    return transpose(unflatten(primalTree.def, t) as PyTree)[0];
  };
  return [out, jvpFn, aux];
}

/**
 * The transpose of a linear function, as JAX's `linear_transpose`: `f` is linear in its arguments,
 * whose shapes `primals` give (their values do not matter); the result maps a cotangent of `f`'s
 * output to one cotangent per argument. It is the pullback of `f` at zero — exact for a linear `f`
 * (for one that is not, it is the transpose of its derivative at zero, which is rarely what is meant).
 * @example
 * const A = ad.tensor([[1, 2], [3, 4], [5, 6]]);
 * const t = ad.linearTranspose((x) => ad.matmul(A, x), ad.zeros([2]));
 * t(ad.tensor([1, 0, 0]))[0]; // [1, 2], the first row of A
 */
export function linearTranspose<F extends TreeFunction>(f: F, ...primals: Loosen<Parameters<F>>): Pullback<ReturnType<F>, Parameters<F>>;
export function linearTranspose(f: TreeFunction, ...primals: unknown[]): unknown {
  checkFunction(f, 'linearTranspose');
  if (primals.length === 0) throw new InvalidArgumentError('linearTranspose: give example arguments (their shapes): linearTranspose(f, ...primals).');
  const zerosArgs = primals.map((p) => mapTree(p, (leaf) => zeros(leaf instanceof Tensor ? leaf.shape : []), 'linearTranspose'));
  const [, pullback] = vjpAs(f, zerosArgs, false, 'linearTranspose');
  return (cotangent: PyTree) => pullback(cotangent);
}
