/** @file Forward mode: jvp, and the Hessian-vector product as forward-over-reverse. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { JvpTrace, live, unbox } from '../core/trace.js';
import { flatten, unflatten, type PyTree, type TensorLikeTree, type TensorLikeTrees, type TensorTree } from '../core/pytree.js';
import type { TreeFunction } from '../core/functions.js';
import type { Loosen } from './vjp.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { checkFunction, checkResult, flattenArgs, flattenLike, noExtraArguments, rebuildArgs } from './args.js';
import { notRead, nudged, readsDuring } from './readNumbers.js';
import { gradFor, releaseAux, splitAux } from './vjp.js';
import { describe } from '../tensor/describe.js';
import { anomaly, checkAnomalies } from '../core/anomaly.js';

/**
 * Forward mode: evaluates `f(...primals)` and the directional derivative J·tangents in one pass.
 * `tangents` has the structure of `primals`.
 * @example
 * const [y, dy] = ad.jvp((x) => ad.sin(x), [ad.tensor(0)], [ad.tensor(1)]); // 0, cos(0) = 1
 */
export function jvp<F extends TreeFunction>(
  f: F,
  primals: Loosen<Parameters<F>>,
  tangents: TensorLikeTrees<Parameters<F>>,
  options?: { readonly hasAux?: false | undefined },
): [TensorTree<ReturnType<F>>, TensorTree<ReturnType<F>>];
/**
 * With `{ hasAux: true }` (jax.jvp's has_aux), `f` returns `[output, aux]`: the aux comes back third,
 * as values (not differentiated), `[output, tangentOut, aux]`.
 * @example
 * const [y, dy, aux] = ad.jvp((x) => [ad.sin(x), { x2: ad.square(x) }], [ad.tensor(0)], [ad.tensor(1)], { hasAux: true }); // 0, 1, { x2: 0 }
 */
export function jvp<F extends TreeFunction<readonly [PyTree, unknown]>>(
  f: F,
  primals: Loosen<Parameters<F>>,
  tangents: TensorLikeTrees<Parameters<F>>,
  options: { readonly hasAux: true },
): [TensorTree<ReturnType<F>[0]>, TensorTree<ReturnType<F>[0]>, TensorTree<ReturnType<F>[1]>];
export function jvp(f: TreeFunction, primals: readonly unknown[], tangents: readonly unknown[], options?: { readonly hasAux?: boolean | undefined }, ...extra: unknown[]): unknown[] {
  checkFunction(f, 'jvp');
  noExtraArguments(extra, 'jvp', 'the function, primals, tangents and options, jvp(f, [x], [v], { hasAux })');
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new InvalidArgumentError('jvp: pass primals and tangents as arrays, one entry per argument: jvp(f, [x], [v]).');
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Object.keys(options).some((k) => k !== 'hasAux'))) {
    throw new InvalidArgumentError(`jvp: the fourth argument is the options, { hasAux: true } (jax.jvp's has_aux), got ${describe(options)}.`);
  }
  if (options?.hasAux !== true) return jvpAs(f, primals, tangents, 'jvp', 'tangent');
  let aux: unknown;
  const withoutAux = (...args: unknown[]) => {
    const [out, a] = splitAux(f(...args), 'jvp');
    aux = a;
    return out as PyTree;
  };
  const [out, tangentOut] = jvpAs(withoutAux, primals, tangents, 'jvp', 'tangent');
  return [out, tangentOut, releaseAux(aux)];
}

/** jvp whose errors name `op` and call the tangents `tangentName` (hvp's direction v; jacfwd). @internal */
export function jvpAs(f: TreeFunction, primals: readonly unknown[], tangents: readonly unknown[], op: string, tangentName: string): [unknown, unknown] {
  const p = flattenArgs(primals, op);
  const t = flattenLike(tangents, p.def, op, tangentName, 'point').map((l) => asTensor(l, `${op} (${tangentName})`));
  p.leaves.forEach((x, i) => {
    if (!shapesEqual(x.shape, t[i]!.shape)) {
      throw new ShapeError(
        `${op}: ${tangentName} ${i} has shape ${formatShape(t[i]!.shape)} but its primal has shape ${formatShape(x.shape)}; they must be equal.`,
      );
    }
  });
  const trace = new JvpTrace();
  const inputs = p.leaves.map((x, i) => trace.input(x, t[i]!));
  let out: ReturnType<typeof flatten>;
  const outPrimals: Array<Tensor | number> = [];
  const outTangents: Tensor[] = [];
  try {
    const { result: returned, reads } = readsDuring(inputs, () => f(...rebuildArgs(p.def, inputs)));
    checkResult(returned, op);
    const result = notRead(returned, reads, op, (sign) => f(...rebuildArgs(p.def, nudged(p.leaves, sign))));
    out = flatten(result, `${op} (output)`);
    for (const leaf of out.leaves) {
      if (!(leaf instanceof Tensor)) {
        outPrimals.push(asTensor(leaf as number, op)); // a number the function returned comes back a 0-d tensor, as JAX's arrays (and the type)
        outTangents.push(zeros([]));
        continue;
      }
      const l = live(leaf); // while this trace is live
      const tangent = l.trace === trace ? l.tangent : null;
      outPrimals.push(unbox(l, trace));
      outTangents.push(tangent ?? zeros(l.shape));
    }
  } finally {
    trace.finish();
  }
  const result: [unknown, unknown] = [unflatten(out.def, outPrimals), unflatten(out.def, outTangents)];
  if (anomaly.enabled) checkAnomalies(result, `the output or tangent that ${op} returns`);
  return result;
}

/**
 * The Hessian-vector product H(x)·v of a scalar function, exactly, by forward-over-reverse
 * (the JVP of the gradient): about the cost of two gradients, and H is never formed.
 * `x` and `v` may be pytrees of the same structure.
 * @example
 * ad.hvp((x) => ad.sum(ad.pow(x, 3)), ad.tensor([1, 2]), ad.tensor([1, 0])); // [6, 0]
 */
export function hvp<T>(f: (x: TensorTree<T>) => PyTree, x: T, v: TensorLikeTree<T>): TensorTree<T>;
export function hvp<T>(f: (x: TensorTree<T>) => PyTree, x: T, v: TensorLikeTree<T>, ...extra: unknown[]): TensorTree<T> {
  checkFunction(f, 'hvp');
  noExtraArguments(extra, 'hvp', 'the function, the point and the direction, hvp(f, x, v) (x and v may be pytrees)');
  return jvpAs(gradFor(f as TreeFunction, 'hvp'), [x], [v], 'hvp', 'direction v')[1] as TensorTree<T>;
}
