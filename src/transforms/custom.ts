/** @file customVjp (a user-supplied backward rule) and checkpoint (recompute instead of store). */
import { Tensor } from '../tensor/tensor.js';
import { ReverseTrace, topTrace, unbox } from '../core/trace.js';
import { definePrimitive, type Residuals } from '../core/primitive.js';
import { flatten, unflatten, type PyTree, type TreeDef } from '../core/pytree.js';
import { ShapeError } from '../core/errors.js';
import { concat, reshape, slice } from '../ops/shape.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { checkFunction, flattenArgs, rebuildArgs } from './args.js';
import { vjp } from './vjp.js';

/** What a custom backward rule receives besides the cotangent. */
export interface CustomVjpContext<A extends any[], R> {
  /** The arguments of the call (values, boxed at outer levels under higher-order transformations). */
  readonly args: A;
  /** The output of the call. */
  readonly out: R;
}

interface CustomParams {
  /** The cotangent arrives packed in one flat tensor when the output has several leaves. */
  unpack: (g: Tensor) => unknown;
  backward: (cotangent: any) => any[];
  argDef: TreeDef;
  argShapes: ReadonlyArray<readonly number[]>;
  name: string;
}

// One primitive for every custom rule; the rule itself travels in the node's params.
const customP = definePrimitive<CustomParams>({
  name: 'customVjp',
  saves: 'none',
  forward: () => {
    throw new Error('customVjp: internal, never run as a kernel');
  },
  vjp: (g: Tensor, _r: Residuals, p: CustomParams) => {
    const cts = p.backward(p.unpack(g));
    if (!Array.isArray(cts) || cts.length !== (p.argDef.kind === 'array' ? p.argDef.children.length : -1)) {
      throw new ShapeError(`${p.name}: the backward rule must return an array with one cotangent per argument.`);
    }
    const { leaves } = flattenArgs(cts, `${p.name} (backward result)`);
    if (leaves.length !== p.argShapes.length) {
      throw new ShapeError(`${p.name}: the backward rule's cotangents do not match the arguments' structure.`);
    }
    return leaves.map((c, i) => {
      const shape = p.argShapes[i]!;
      if (c.size === 1 && shape.length === 0) return reshape(c, []);
      if (!shapesEqual(c.shape, shape)) {
        throw new ShapeError(
          `${p.name}: the backward rule returned a cotangent of shape ${formatShape(c.shape)} for an argument of shape ${formatShape(shape)}.`,
        );
      }
      return c;
    });
  },
  jvp: null,
});

/**
 * Wraps `f` in a node with a hand-written rule. The returned function runs `f`; under reverse
 * mode the whole call is one tape node whose backward pass is `rule(cotangent, { args, out })`,
 * which returns one cotangent per argument (each with its argument's structure). Write the rule
 * with adjoint ops and it is differentiated for higher orders (`grad(grad(·))`, `hvp`).
 * In forward mode (`jvp`) `f`'s own ops are differentiated.
 */
function wrap<A extends any[], R extends PyTree>(
  name: string,
  f: (...args: A) => R,
  rule: (cotangent: any, ctx: CustomVjpContext<A, R>) => any[],
): (...args: A) => R {
  const call = (...args: A): R => {
    const { leaves, def } = flattenArgs(args, name);
    const top = topTrace(leaves);
    if (!(top instanceof ReverseTrace)) return f(...(rebuildArgs(def, leaves) as A));
    // Below the innermost reverse trace, the call is made again (recursively custom at each level).
    const inner = leaves.map((x) => unbox(x, top));
    const innerArgs = rebuildArgs(def, inner) as A;
    const out = call(...innerArgs);
    const o = flatten(out, `${name} (output)`);
    const outLeaves = o.leaves.map((l) => (l instanceof Tensor ? l : new Tensor(new Float64Array([l]), [])));
    const single = outLeaves.length === 1;
    const packed = single ? outLeaves[0]! : concat(outLeaves.map((l) => reshape(l, [l.size])), 0);
    const unpack = (g: Tensor): unknown => {
      if (single) return unflatten(o.def, [g]);
      let offset = 0;
      const parts = outLeaves.map((l) => {
        const part = reshape(slice(g, [offset], [l.size]), l.shape);
        offset += l.size;
        return part;
      });
      return unflatten(o.def, parts);
    };
    const params: CustomParams = {
      unpack,
      backward: (ct) => rule(ct, { args: innerArgs, out }),
      argDef: def,
      argShapes: leaves.map((x) => x.shape),
      name,
    };
    const box = top.record(customP, params, leaves, packed);
    if (single) return unflatten(o.def, [box]) as R;
    let offset = 0;
    const boxed = outLeaves.map((l) => {
      const part = reshape(slice(box, [offset], [l.size]), l.shape);
      offset += l.size;
      return part;
    });
    return unflatten(o.def, boxed) as R;
  };
  return call;
}

/**
 * A function like `f` whose gradient is given by `backward(cotangent, { args, out })`, which returns
 * one cotangent per argument. Use it for a numerically better rule, a straight-through estimator,
 * or a gradient that skips an expensive inner computation.
 * @example
 * // Gradient clipping in the backward pass only
 * const clipGrad = ad.customVjp((x) => x, (g) => [ad.clip(g, -1, 1)]);
 * ad.grad((x) => ad.sum(ad.mul(clipGrad(x), 10)))(ad.tensor([1, 2])); // [1, 1]
 */
export function customVjp<A extends any[], R extends PyTree>(
  f: (...args: A) => R,
  backward: (cotangent: any, ctx: CustomVjpContext<A, R>) => any[],
): (...args: A) => R {
  checkFunction(f, 'customVjp');
  checkFunction(backward, 'customVjp');
  return wrap('customVjp', f, backward);
}

/**
 * A function like `f` whose intermediates are not kept for the backward pass: only its arguments
 * are stored, and `f` is run again (under `vjp`) when the cotangent arrives. Memory for time.
 * Nests, and composes with higher-order transformations.
 * @example
 * const block = ad.checkpoint((h) => ad.tanh(ad.tanh(h)));
 * ad.grad((h) => ad.sum(block(h)))(ad.tensor([0.1, 0.2]));
 */
export function checkpoint<A extends any[], R extends PyTree>(f: (...args: A) => R): (...args: A) => R {
  checkFunction(f, 'checkpoint');
  return wrap('checkpoint', f, (ct, { args }) => vjp(f as (...a: any[]) => PyTree, ...args)[1](ct));
}

