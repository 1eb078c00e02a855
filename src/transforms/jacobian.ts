/** @file Dense Jacobians and Hessians over pytrees, by whichever mode needs fewer passes, each pass batched over the basis. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, eye, zeros } from '../tensor/create.js';
import { sizeOf } from '../tensor/shape.js';
import { flatten, unflatten, type JacobianTree, type PyTree, type TensorTree, type TreeDef } from '../core/pytree.js';
import type { TreeFunction } from '../core/functions.js';
import { reshape, transpose } from '../ops/shape.js';
import { stopGradient } from '../ops/select.js';
import { vmap } from './vmap.js';
import { argnumList, checkFunction, checkResult, flattenArgs, noExtraArguments } from './args.js';
import { jvpAs } from './jvp.js';
import {
  gradFor, gradOptions, gradWithAuxFor, releaseAux, splitAux, withVjp,
  type ArgnumsOf, type ArgumentsAt, type ArrayAuxOf, type ArrayOutputOf, type AuxOf, type GradOptions, type Loosen, type OutputOf,
} from './vjp.js';

/** The standard basis of tensors of `shape`, stacked: [size, ...shape]. */
function basis(shape: readonly number[]): Tensor {
  return reshape(eye(sizeOf(shape)), [sizeOf(shape), ...shape]);
}

/**
 * The dense Jacobian of `f` with respect to argument `argnums` (default 0; several give an array),
 * as JAX's `jacrev`/`jacfwd`: for arguments and results that are pytrees, the result is nested
 * with the output's structure outside and the argument's inside, each leaf of shape
 * [...out.shape, ...in.shape]; for one tensor in and one out, a single tensor. Forward mode (one
 * JVP per input element) when the inputs are smaller than the outputs, reverse mode (one VJP per
 * output element) otherwise, each as one pass batched over the basis (vmap); both give the same
 * matrix. `{ argnums, hasAux: true }` returns `[jacobian, aux]`. Differentiable, so it nests.
 * @example
 * ad.jacobian((x) => ad.mul(x, x))(ad.tensor([1, 2])); // [[2, 0], [0, 4]]
 */
export function jacobian<F extends TreeFunction>(f: F): (...args: Loosen<Parameters<F>>) => JacobianTree<ReturnType<F>, Parameters<F>[0]>;
export function jacobian<F extends TreeFunction, const N extends number | readonly number[]>(
  f: F,
  argnums: N,
): (...args: Loosen<Parameters<F>>) => JacobianTree<ReturnType<F>, ArgumentsAt<Parameters<F>, N>>;
export function jacobian<F extends TreeFunction<readonly [PyTree, unknown]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [JacobianTree<OutputOf<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>, AuxOf<F>];
// hasAux with f returning an array literal not typed as a pair: output and aux told apart as grad's are.
export function jacobian<F extends TreeFunction<readonly PyTree[]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [JacobianTree<ArrayOutputOf<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>, ArrayAuxOf<F>];
export function jacobian<F extends TreeFunction, const O extends GradOptions & { readonly hasAux?: false | undefined }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => JacobianTree<ReturnType<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>;
export function jacobian<F extends TreeFunction<unknown>>(f: F, options: GradOptions): (...args: Loosen<Parameters<F>>) => unknown;
export function jacobian(f: TreeFunction<unknown>, argnums: number | readonly number[] | GradOptions = 0, ...extra: unknown[]): (...args: unknown[]) => unknown {
  checkFunction(f, 'jacobian');
  noExtraArguments(extra, 'jacobian', 'the function and argnums or { argnums, hasAux }, jacobian(f, { argnums: 0, hasAux: true })');
  return jacobianAs(f, argnums, 'jacobian', 'auto');
}

/** `jacobian`'s signatures, for jacfwd and jacrev (the same calls, one mode each). */
export interface JacobianFunction {
  <F extends TreeFunction>(f: F): (...args: Loosen<Parameters<F>>) => JacobianTree<ReturnType<F>, Parameters<F>[0]>;
  <F extends TreeFunction, const N extends number | readonly number[]>(f: F, argnums: N): (...args: Loosen<Parameters<F>>) => JacobianTree<ReturnType<F>, ArgumentsAt<Parameters<F>, N>>;
  <F extends TreeFunction<readonly [PyTree, unknown]>, const O extends GradOptions & { readonly hasAux: true }>(
    f: F, options: O,
  ): (...args: Loosen<Parameters<F>>) => [JacobianTree<OutputOf<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>, AuxOf<F>];
  <F extends TreeFunction<readonly PyTree[]>, const O extends GradOptions & { readonly hasAux: true }>(
    f: F, options: O,
  ): (...args: Loosen<Parameters<F>>) => [JacobianTree<ArrayOutputOf<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>, ArrayAuxOf<F>];
  <F extends TreeFunction, const O extends GradOptions & { readonly hasAux?: false | undefined }>(
    f: F, options: O,
  ): (...args: Loosen<Parameters<F>>) => JacobianTree<ReturnType<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>;
  <F extends TreeFunction<unknown>>(f: F, options: GradOptions): (...args: Loosen<Parameters<F>>) => unknown;
}

/** jacobian in one mode, named `op`. */
function jacobianIn(op: string, mode: 'forward' | 'reverse'): JacobianFunction {
  return ((f: TreeFunction<unknown>, argnums: number | readonly number[] | GradOptions = 0, ...extra: unknown[]) => {
    checkFunction(f, op);
    noExtraArguments(extra, op, `the function and argnums or { argnums, hasAux }, ${op}(f, { argnums: 0, hasAux: true })`);
    return jacobianAs(f, argnums, op, mode);
  }) as JacobianFunction;
}

/**
 * The Jacobian by forward mode, as JAX's `jacfwd`: one JVP per input element, batched over the
 * input's basis in one pass — the cheaper mode for tall Jacobians (few inputs, many outputs), and
 * the one to use over functions with a forward rule only (`customJvp`). Same results and nesting
 * as `jacobian`.
 * @example
 * ad.jacfwd((x) => ad.stack([ad.sin(x), ad.cos(x)]))(ad.scalar(0)); // [1, -0]
 */
export const jacfwd: JacobianFunction = jacobianIn('jacfwd', 'forward');

/**
 * The Jacobian by reverse mode, as JAX's `jacrev`: one VJP per output element, batched over the
 * output's basis in one pass — the cheaper mode for wide Jacobians (many inputs, few outputs),
 * and the one to use over functions with a reverse rule only (a `customVjp` whose rule is not linear
 * in its cotangent). Same results and nesting as `jacobian`.
 * @example
 * ad.jacrev((x) => ad.sum(ad.square(x)))(ad.tensor([1, 2])); // [2, 4]
 */
export const jacrev: JacobianFunction = jacobianIn('jacrev', 'reverse');

/**
 * The dense Hessian with respect to argument `argnums` (default 0), as JAX's `hessian`. Of a
 * scalar function (a number or a 0-d tensor): the Jacobian of the gradient, nested
 * with the argument's structure outside and inside; shape [...x.shape, ...x.shape] for one tensor.
 * Of any other output, JAX's `jacfwd(jacrev(f))`: shape [...out.shape, ...x.shape, ...x.shape],
 * nested output outside, then argument, then argument — the Hessian of each output element.
 * `{ argnums, hasAux: true }` returns `[hessian, aux]`.
 * @example
 * ad.hessian((x) => ad.sum(ad.pow(x, 3)))(ad.tensor([1, 2])); // [[6, 0], [0, 12]]
 * ad.hessian((x) => ad.pow(x, 3))(ad.tensor([1, 2])).shape;   // [2, 2, 2]
 */
export function hessian<F extends TreeFunction>(f: F): (...args: Loosen<Parameters<F>>) => HessianOf<ReturnType<F>, Parameters<F>[0]>;
export function hessian<F extends TreeFunction, const N extends number | readonly number[]>(
  f: F,
  argnums: N,
): (...args: Loosen<Parameters<F>>) => HessianOf<ReturnType<F>, ArgumentsAt<Parameters<F>, N>>;
export function hessian<F extends TreeFunction<readonly [PyTree, unknown]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [HessianOf<OutputOf<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>, AuxOf<F>];
export function hessian<F extends TreeFunction<readonly PyTree[]>, const O extends GradOptions & { readonly hasAux: true }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => [HessianOf<ArrayOutputOf<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>, ArrayAuxOf<F>];
export function hessian<F extends TreeFunction, const O extends GradOptions & { readonly hasAux?: false | undefined }>(
  f: F,
  options: O,
): (...args: Loosen<Parameters<F>>) => HessianOf<ReturnType<F>, ArgumentsAt<Parameters<F>, ArgnumsOf<O>>>;
export function hessian<F extends TreeFunction<unknown>>(f: F, options: GradOptions): (...args: Loosen<Parameters<F>>) => unknown;
export function hessian(f: TreeFunction, argnums: number | readonly number[] | GradOptions = 0, ...extra: unknown[]): (...args: never[]) => unknown {
  checkFunction(f, 'hessian');
  noExtraArguments(extra, 'hessian', 'the function and argnums or { argnums, hasAux }, hessian(f, { argnums: 0, hasAux: true })');
  const { argnums: nums, hasAux } = gradOptions(argnums, 'hessian');
  const spec = hasAux ? { argnums: nums, hasAux: true } : nums;
  // A scalar output (a number or a 0-d tensor): the Jacobian of the gradient (with aux: of
  // [gradient, aux], the aux passed through, as JAX's hessian(has_aux=True)). Any other output —
  // a one-element [1] too, whose Hessian is [1, ...x, ...x] — is not taken by this route.
  const scalarOnly = (...a: unknown[]): unknown => {
    const result = f(...a);
    const out = hasAux && Array.isArray(result) ? result[0] : result;
    if (typeof out !== 'number' && !(out instanceof Tensor && out.ndim === 0)) throw new NotScalar();
    return result;
  };
  const ofGradient = jacobianAs(hasAux ? gradWithAuxFor(scalarOnly, 'hessian', nums) : gradFor(scalarOnly as TreeFunction, 'hessian', nums), spec, 'hessian', 'auto');
  // Any other output: JAX's hessian is jacfwd(jacrev(f)) — the Jacobian of the reverse-mode
  // Jacobian, whose rows are the gradients of the output's elements.
  const ofJacobian = jacobianAs(jacobianAs(f as TreeFunction<unknown>, spec, 'hessian', 'reverse'), spec, 'hessian', 'auto');
  return (...args: never[]) => {
    try {
      return ofGradient(...args);
    } catch (e) {
      if (e instanceof NotScalar) return ofJacobian(...args); // this hessian's own output (a nested one catches its own)
      throw e;
    }
  };
}

/** hessian's own output is not a scalar: it takes JAX's jacfwd(jacrev(f)) route instead. */
class NotScalar extends Error {}

/**
 * A Hessian's nesting: JAX's jacfwd(jacrev(f)) — the output's structure outside, then the
 * argument's twice; for a scalar output, the argument's structure outside and inside.
 * `Out` is read through `infer` so that the nesting waits for it: written as
 * JacobianTree<JacobianTree<Out, Arg>, Arg>, `ad.jacrev(ad.hessian(f))` (a third derivative, hessian
 * inferred against jacrev's overloads) failed to type-check, "Type instantiation is excessively deep".
 */
export type HessianOf<Out, Arg> = [Out] extends [infer O] ? JacobianTree<JacobianTree<O, Arg>, Arg> : never;

/** A Hessian's nesting: the argument's structure outside and inside (the Jacobian of the gradient). */
export type HessianTree<Arg> = JacobianTree<TensorTree<Arg>, Arg>;

/**
 * jacobian whose errors name `op` (hessian is the jacobian of the gradient), in forward or reverse
 * mode, or (`auto`) whichever needs fewer passes.
 */
function jacobianAs(
  f: TreeFunction<unknown>, spec: number | readonly number[] | GradOptions, op: string, mode: 'auto' | 'forward' | 'reverse',
): (...args: unknown[]) => unknown {
  const { argnums, hasAux } = gradOptions(spec, op);
  return (...args: unknown[]) => {
    const listed = argnumList(argnums, args.length, op);
    const nums = [...new Set(listed)]; // a repeated index is differentiated once, given at each place
    const { leaves: x, def: inDef } = flattenArgs(nums.map((a) => args[a]), op);
    let aux: unknown;
    // f of the flat input leaves, returning its output pytree (aux split off).
    const flatF = (...leaves: Tensor[]): PyTree => {
      const full = [...args];
      const rebuilt = unflatten(inDef, leaves) as unknown[];
      nums.forEach((a, i) => (full[a] = rebuilt[i]));
      const result = f(...full);
      if (!hasAux) {
        checkResult(result, op);
        return result as PyTree;
      }
      const [out, a] = splitAux(result, op);
      aux = a;
      return out as PyTree;
    };
    const probe = flatten(flatF(...x.map((l) => stopGradient(l))), `${op} (output)`); // the output's structure; plain values, no tape
    const outShapes = probe.leaves.map((l) => (l instanceof Tensor ? l.shape : []));
    const inSize = x.reduce((n, l) => n + l.size, 0), outSize = outShapes.reduce((n, s) => n + sizeOf(s), 0);
    // blocks[j][i]: d out_j / d in_i, of shape [...out_j, ...in_i].
    let blocks: Tensor[][];
    if (inSize === 0 || outSize === 0) blocks = outShapes.map((so) => x.map((l) => zeros([...so, ...l.shape])));
    else if (mode === 'forward' || (mode === 'auto' && inSize < outSize)) blocks = forwardBlocks(flatF, x, outShapes, op);
    else blocks = reverseBlocks(flatF, x, probe.def, outShapes, op);
    const inner = (row: Tensor[]): unknown => {
      const tree = unflatten(inDef, row) as unknown[];
      return typeof argnums === 'number' ? tree[0] : listed.map((a) => tree[nums.indexOf(a)]);
    };
    const J = unflatten(probe.def, blocks.map(inner));
    return hasAux ? [J, releaseAux(aux)] : J;
  };
}

/** Columns J e_k by forward mode: per input leaf, one JVP batched over its basis. */
function forwardBlocks(flatF: (...leaves: Tensor[]) => PyTree, x: Tensor[], outShapes: ReadonlyArray<readonly number[]>, op: string): Tensor[][] {
  const blocks: Tensor[][] = outShapes.map(() => []);
  x.forEach((xi, i) => {
    const tangentsFor = (e: Tensor) => x.map((l, k) => (k === i ? e : zeros(l.shape)));
    const cols = vmap((e: Tensor) => flatten(jvpAs(flatF as TreeFunction, x, tangentsFor(e), op, 'tangent')[1], 'jacobian').leaves.map((t) => asTensor(t, 'jacobian')))(basis(xi.shape)) as Tensor[];
    cols.forEach((c, j) => {
      const so = outShapes[j]!;
      // c: [n_i, ...out_j] → [...out_j, ...in_i]
      blocks[j]!.push(reshape(transpose(reshape(c, [xi.size, sizeOf(so)])), [...so, ...xi.shape]));
    });
  });
  return blocks;
}

/** Rows eᵀ J by reverse mode: one recording, per output leaf one backward pass batched over its basis. */
function reverseBlocks(
  flatF: (...leaves: Tensor[]) => PyTree, x: Tensor[], outDef: TreeDef, outShapes: ReadonlyArray<readonly number[]>, op: string,
): Tensor[][] {
  // errors name op (jacrev, hessian); the tape is released as the rows are out (withVjp)
  return withVjp(flatF as TreeFunction<unknown>, x, (_, pullback) => outShapes.map((so, j) => {
    const seedFor = (e: Tensor) => unflatten(outDef, outShapes.map((s, k) => (k === j ? e : zeros(s)))) as PyTree;
    const rows = vmap((e: Tensor) => pullback(seedFor(e)) as Tensor[])(basis(so)) as Tensor[]; // each [n_j, ...in_i]
    return rows.map((r, i) => reshape(r, [...so, ...x[i]!.shape]));
  }), op);
}
