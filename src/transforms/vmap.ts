/**
 * @file `vmap`: a function of one example mapped over a batch axis, by batching every primitive call.
 *
 * A batch trace boxes each mapped argument: the box has one example's shape and holds the whole
 * batch below it, with the batch as the leading axis. Every primitive call on a box goes to the
 * primitive's batching rule (declared beside its forward, VJP and JVP rules), which computes the
 * batch's output at once in adjoint's own ops; a primitive without a rule runs once per example.
 * Transformations inside (`vmap(grad(f))`) and outside (`grad(vmap(f))`) see ordinary primitive
 * calls, so everything composes. A box has no single value, so reading one (`item()`, `data`,
 * `if (x > 0)`) is an error that says what to write instead.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { Trace, apply, innermostActive, live, withPaused } from '../core/trace.js';
import { redirectContext } from '../core/redirects.js';
import type { Primitive } from '../core/primitive.js';
import { flatten, isPlainObject, isPrngKey, unflatten, type TreeDef } from '../core/pytree.js';
import { mapNodeChildren, nodeParts, registeredNode } from '../core/pytreeNodes.js';
import { NodeSkeleton, inWords, matchSpecNode } from './vmapNodes.js';
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { checkFunction, checkResult, type TreeFunction } from '../core/functions.js';
import { noExtraArguments } from './args.js';
import type { RegisteredPytreeNode, TensorTree } from '../core/pytree.js';
import type { Loosen } from './vjp.js';
import { arange, describe } from '../tensor/create.js';
import { valueReads } from '../jit/valueReads.js';
import { broadcastTo, reshape, stack, take, transpose } from '../ops/shape.js';

/** Where a leaf's batch axis is: an axis, or null for a value shared by every example. */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [key: string]: AxisSpec } | RegisteredPytreeNode;

/** The trace of one `vmap` call: its boxes hold the batch (leading axis of length `size`) below them. */
export class BatchTrace extends Trace {
  override readonly opaque = 'vmap';

  constructor(readonly size: number) {
    super();
  }

  /** A box of one example's shape over `batched` (batch axis leading). */
  box(batched: Tensor): Tensor {
    const t = new Tensor(null, batched.shape.slice(1));
    t.trace = this;
    t.below = batched;
    return t;
  }

  process<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
    const values: Tensor[] = [];
    const batched: boolean[] = [];
    for (const x of inputs) {
      const mine = x.trace === this;
      values.push(mine ? x.below! : x);
      batched.push(mine);
    }
    let out: Tensor;
    try {
      out = prim.batch !== undefined ? prim.batch(values, batched, params, this.size) : perExample(prim, values, batched, params, this.size);
    } catch (e) {
      throw prim.batch !== undefined && e instanceof AdjointError ? asOneExampleMeetsIt(prim, values, batched, params, this.size, e) : e;
    }
    if (out.shape[0] !== this.size) {
      throw new ShapeError(
        `internal: the batching rule of '${prim.name}' returned shape ${formatShape(out.shape)} for a batch of ${this.size}. This is a bug in that rule; please report it.`,
      );
    }
    return this.box(out);
  }
}

/**
 * The error a batching rule threw, as the function written for one example meets it. The rule works
 * on the batch's shapes — the batch axis in front, or folded into another axis (a shared matrix
 * times a batch of matrices is one product of [batch·rows, k]) — which are not the shapes the
 * user's code handles: `matmul: shapes [6,4] and [5,6]` for examples of [3,4] and [5,6]. So the
 * primitive runs on one example at a time until one throws, and that error is given, naming the
 * example (JAX's errors under vmap name the per-example shapes too); the rule's own if none throws.
 * Only on the error path: the batch is run once more.
 */
function asOneExampleMeetsIt<P>(prim: Primitive<P>, values: Tensor[], batched: boolean[], params: P, size: number, error: AdjointError): Error {
  for (let b = 0; b < size; b++) {
    try {
      apply(prim, values.map((v, i) => (batched[i] ? take(v, b, 0) : v)), params);
    } catch (e) {
      if (!(e instanceof AdjointError)) return error;
      e.message += ` (in example ${b} of a vmap batch of ${size})`;
      return e;
    }
  }
  return error;
}

/** The fallback for a primitive without a batching rule: once per example, stacked. */
function perExample<P>(prim: Primitive<P>, values: Tensor[], batched: boolean[], params: P, size: number): Tensor {
  const outs: Tensor[] = [];
  for (let b = 0; b < size; b++) {
    outs.push(apply(prim, values.map((v, i) => (batched[i] ? take(v, b, 0) : v)), params));
  }
  return stack(outs, 0);
}

/**
 * `f` mapped over an axis of its arguments: `vmap(f)(xs)` stacks `f(x)` for every `x` along the
 * leading axis of `xs`, computed at once by batching each primitive (as JAX's `vmap`).
 * `inAxes`: a number (that axis of every argument), null (not mapped: shared by every example),
 * or an array with one entry per positional argument — each a number, null, or a pytree of those
 * matching the argument (a number or null stands for every leaf below it). `outAxes` likewise for
 * the result. Negative axes count from the end. Composes with every transformation in any order:
 * `vmap(grad(f))` gives per-example gradients. The axes may also come as an options object,
 * JAX's keywords: `vmap(f, { inAxes, outAxes })` (an object with no keys but those two, and no
 * third argument; each defaults to 0).
 * @example
 * const perExample = ad.vmap(ad.grad((w, x) => ad.sum(ad.square(ad.mul(w, x)))), [null, 0]);
 * perExample(ad.tensor([1, 2]), ad.tensor([[1, 1], [2, 0]])); // [[2, 4], [8, 0]]
 * ad.vmap((x) => ad.sum(x), { inAxes: 1 })(ad.tensor([[1, 2], [3, 4]])); // [4, 6]
 */
export function vmap<F extends TreeFunction<unknown>>(f: F, inAxes?: AxisSpec, outAxes?: AxisSpec): (...args: Loosen<Parameters<F>>) => TensorTree<ReturnType<F>>;
export function vmap<F extends TreeFunction<unknown>>(f: F, options: VmapOptions): (...args: Loosen<Parameters<F>>) => TensorTree<ReturnType<F>>;
export function vmap(f: TreeFunction<unknown>, inAxesOrOptions: AxisSpec | VmapOptions = 0, outAxesGiven?: AxisSpec, ...extra: unknown[]): (...args: any[]) => any {
  checkFunction(f, 'vmap');
  noExtraArguments(extra, 'vmap', 'the function, inAxes and outAxes, vmap(f, inAxes, outAxes)');
  // JAX's keywords as an options object. A spec object whose keys are only `inAxes`/`outAxes`
  // would read the same: such a spec (for arguments with those keys) goes with an explicit outAxes.
  const options = outAxesGiven === undefined && isOptions(inAxesOrOptions) ? inAxesOrOptions : null;
  const orZero = (spec: AxisSpec | undefined): AxisSpec => (spec === undefined ? 0 : spec); // null is an axis spec (not mapped)
  const inAxes = options !== null ? orZero(options.inAxes) : inAxesOrOptions as AxisSpec;
  const outAxes = orZero(options !== null ? options.outAxes : outAxesGiven);
  try {
    checkSpec(inAxes, 'inAxes');
  } catch (e) {
    throw misreadOptions(e, inAxes, outAxesGiven);
  }
  checkSpec(outAxes, 'outAxes');
  return ((...args: unknown[]) => {
    if (Array.isArray(inAxes) && inAxes.length !== args.length) {
      throw new InvalidArgumentError(
        `vmap: inAxes has ${inAxes.length} entries but the function was called with ${args.length} argument(s); ` +
          `give one entry per positional argument (null for an argument that is not mapped).`,
      );
    }
    const specs = Array.isArray(inAxes) ? (inAxes as readonly AxisSpec[]) : args.map(() => inAxes);
    const mapped: Array<{ leaf: Tensor; axis: number; path: string }> = [];
    let skeleton: unknown[];
    try {
      skeleton = args.map((a, i) => collect(a, specs[i]!, `argument ${i}`, mapped));
    } catch (e) {
      throw misreadOptions(e, inAxes, outAxesGiven);
    }
    if (mapped.length === 0) {
      throw new InvalidArgumentError(
        `vmap: no argument is mapped (every inAxes entry is null or the arguments hold no tensors); map at least one axis, e.g. vmap(f, 0).`,
      );
    }
    const first = mapped[0]!, size = first.leaf.shape[first.axis]!;
    for (const m of mapped) {
      const n = m.leaf.shape[m.axis]!;
      if (n !== size) {
        // Both shapes and axes, as JAX's "vmap got inconsistent sizes for array axes to be mapped" lists them.
        throw new ShapeError(
          `vmap: ${m.path} has length ${n} along its mapped axis ${m.axis} (shape ${formatShape(m.leaf.shape)}), but ` +
            `${first.path} has ${size} along its mapped axis ${first.axis} (shape ${formatShape(first.leaf.shape)}); every mapped axis must ` +
            'have the batch\'s length: map axes of one length (inAxes picks the axis of each argument), or give null in inAxes for an argument every example shares.',
        );
      }
    }
    const trace = new BatchTrace(size);
    let out: unknown;
    try {
      let k = 0;
      const boxed = skeleton.map((s) => fill(s, () => trace.box(toFront(mapped[k]!.leaf, mapped[k++]!.axis))));
      out = f(...boxed);
      checkResult(out, 'vmap');
      out = unbatchOutput(out, outAxes, trace, size);
    } finally {
      trace.finish();
    }
    return out;
  });
}

/** vmap's axes as an options object (JAX's keyword arguments `in_axes`, `out_axes`). */
export interface VmapOptions {
  readonly inAxes?: AxisSpec | undefined;
  readonly outAxes?: AxisSpec | undefined;
}

/** Whether vmap's second argument is its options: a plain object with keys among inAxes and outAxes only. */
function isOptions(x: unknown): x is VmapOptions {
  if (!isPlainObject(x)) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => k === 'inAxes' || k === 'outAxes');
}

/**
 * An options object with a key vmap does not take (PyTorch's `chunk_size`/`randomness`, JAX's
 * `axis_name`/`axis_size`) is read as an axis spec for arguments with those keys; when it does not
 * fit the arguments, say that instead of only that the structures differ.
 */
function misreadOptions(error: unknown, inAxes: AxisSpec, outAxesGiven: AxisSpec | undefined): unknown {
  if (!(error instanceof InvalidArgumentError) || outAxesGiven !== undefined || !isPlainObject(inAxes)) return error;
  const keys = Object.keys(inAxes);
  const others = keys.filter((k) => k !== 'inAxes' && k !== 'outAxes');
  if (others.length === 0 || others.length === keys.length) return error;
  return new InvalidArgumentError(
    `vmap: the options object has keys [${keys.join(', ')}], but vmap's only options are inAxes and outAxes (JAX's in_axes, out_axes), ` +
      `so it was read as an axis spec for arguments with those keys, and does not fit as one. Leave out ${others.join(', ')}: vmap maps the ` +
      'whole batch in one pass (for a batch in chunks, call it on slices and concatenate), and randomness comes from keys (a key per ' +
      'example, mapped, or one key with null in inAxes). The spec\'s error: ' + (error as Error).message,
  );
}

/** Marks a mapped leaf in an argument's skeleton. */
const MAPPED = Symbol('mapped leaf');

/** A copy of `arg` with each mapped leaf replaced by MAPPED (recorded in `mapped`), checking `spec` against it. */
function collect(arg: unknown, spec: AxisSpec, path: string, mapped: Array<{ leaf: Tensor; axis: number; path: string }>): unknown {
  // A null spec means "not mapped" (JAX's in_axes None); a null argument is an empty node with
  // nothing to map, passed through under a number spec as JAX passes None under in_axes 0.
  if (spec === null) return arg;
  if (arg === null && typeof spec === 'number') return null;
  if (typeof spec === 'number') {
    if (arg instanceof Tensor) {
      mapped.push({ leaf: arg, axis: normalize(spec, arg, path), path });
      return MAPPED;
    }
    if (typeof arg === 'number') {
      throw new InvalidArgumentError(`vmap: ${path} is a number, which has no axis to map; pass null for it in inAxes, or a tensor.`);
    }
    if (Array.isArray(arg)) return arg.map((c, i) => collect(c, spec, `${path}[${i}]`, mapped));
    if (isPlainObject(arg)) return mapObject(arg, (c, key) => collect(c, spec, `${path}.${key}`, mapped));
    const reg = registeredNode(arg);
    if (reg !== undefined) {
      const { children, aux } = nodeParts(reg, arg as object, 'vmap');
      return new NodeSkeleton(reg, aux, children.map((c, i) => collect(c, spec, `${path}[${i}]`, mapped)));
    }
    if (isPrngKey(arg)) {
      // JAX maps a key array (vmap(f)(random.split(key, n))); adjoint's split gives an array of Keys.
      throw new InvalidArgumentError(
        `vmap: ${path} is a PRNG key, which has no axis to map. For a key per example map random.keyData(keys) — an [n, 2] tensor ` +
          "of their words, which the samplers take as keys (JAX's key array) — or pass null in inAxes for a key every example shares.",
      );
    }
    throw new InvalidArgumentError(`vmap: ${path} is ${describe(arg)}; mapped arguments hold tensors (in arrays and plain objects), pass null in inAxes for others.`);
  }
  const node = matchSpecNode(spec, arg); // a registered node of axes over a node of the same class and auxiliary data
  if (node === null) {
    throw new InvalidArgumentError(`vmap: inAxes at ${path} is ${inWords(spec)} of axes but the argument there is ${inWords(arg)}; the spec must match the argument's structure (class and auxiliary data too).`);
  }
  if (node !== undefined) return new NodeSkeleton(node.reg, node.aux, node.children.map((c, i) => collect(c, node.specs[i] as AxisSpec, `${path}[${i}]`, mapped)));
  if (Array.isArray(spec)) {
    if (!Array.isArray(arg) || arg.length !== spec.length) {
      throw new InvalidArgumentError(`vmap: inAxes at ${path} is an array of ${spec.length} but the argument there is ${describe(arg)}; the spec must match the argument's structure.`);
    }
    return arg.map((c, i) => collect(c, spec[i]!, `${path}[${i}]`, mapped));
  }
  const keys = Object.keys(spec);
  // Every key, as JAX's tree-prefix rule: a key left out is an error, not an unmapped leaf.
  if (!isPlainObject(arg) || !sameKeys(keys, arg)) {
    throw new InvalidArgumentError(
      `vmap: inAxes at ${path} has keys [${keys.join(', ')}] but the argument there is ${isPlainObject(arg) ? `an object with keys [${Object.keys(arg).join(', ')}]` : describe(arg)}; ` +
        'the spec must match the argument\'s structure (null for a leaf that is not mapped).',
    );
  }
  return mapObject(arg, (c, key) => (key in (spec as object) ? collect(c, (spec as Record<string, AxisSpec>)[key]!, `${path}.${key}`, mapped) : c));
}

/** The skeleton with each MAPPED leaf replaced by `next()`, in order. */
function fill(skeleton: unknown, next: () => Tensor): unknown {
  if (skeleton === MAPPED) return next();
  if (Array.isArray(skeleton)) return skeleton.map((c) => fill(c, next));
  if (isPlainObject(skeleton)) return mapObject(skeleton, (c) => fill(c, next));
  if (skeleton instanceof NodeSkeleton) return skeleton.rebuild(skeleton.children.map((c) => fill(c, next)));
  return skeleton;
}

/** Whether `obj` has the keys `keys` and no other (but for keys holding undefined: an empty subtree). */
function sameKeys(keys: readonly string[], obj: Record<string, unknown>): boolean {
  return keys.every((key) => key in obj) && Object.keys(obj).every((key) => obj[key] === undefined || keys.includes(key));
}

function mapObject(obj: Record<string, unknown>, fn: (value: unknown, key: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) out[key] = fn(obj[key], key);
  return out;
}

/** The result's leaves with their batch axes where `spec` says: batched boxes unboxed, shared values broadcast. */
function unbatchOutput(out: unknown, spec: AxisSpec, trace: BatchTrace, size: number, path = 'the result'): unknown {
  if (out === null) { // an empty node: nothing to stack, kept as null
    if (spec !== null && typeof spec === 'object') {
      throw new InvalidArgumentError(`vmap: outAxes at ${path} is a tree, but the result there is null (an empty node); give a number or null.`);
    }
    return null;
  }
  if (out instanceof Tensor || typeof out === 'number') {
    if (spec !== null && typeof spec !== 'number') {
      throw new InvalidArgumentError(`vmap: outAxes at ${path} is a tree, but the result there is a single value; give a number or null.`);
    }
    const l = out instanceof Tensor ? live(out) : null;
    if (l !== null && l.trace === trace) {
      if (spec === null) {
        throw new InvalidArgumentError(`vmap: outAxes is null at ${path}, but that value differs across the batch; give the axis to stack it along (e.g. 0).`);
      }
      return fromFront(l.below!, spec, path);
    }
    const shared = out instanceof Tensor ? l! : new Tensor(new Float64Array([out]), []);
    if (spec === null) return out;
    return fromFront(broadcastTo(reshape(shared, [1, ...shared.shape]), [size, ...shared.shape]), spec, path, true);
  }
  const reg = registeredNode(out);
  if (reg !== undefined) { // an instance of a registered class: each child on the same axis
    if (spec !== null && typeof spec !== 'number') {
      const node = matchSpecNode(spec, out);
      if (node === null || node === undefined) {
        throw new InvalidArgumentError(
          `vmap: outAxes at ${path} is ${inWords(spec)}, but the result there is ${inWords(out)}; give one number or null for all of it, ` +
            'or a node of the same class and auxiliary data whose children are axes.',
        );
      }
      return mapNodeChildren(out, (c, i) => unbatchOutput(c, node.specs[i] as AxisSpec, trace, size, `${path}[${i}]`), 'vmap');
    }
    return mapNodeChildren(out, (c, i) => unbatchOutput(c, spec, trace, size, `${path}[${i}]`), 'vmap');
  }
  // A tree of axes must have the result's structure where it branches (JAX: a tree prefix of it):
  // an array for an object or an object for an array was handed down whole and refused at a leaf.
  const kind = (x: unknown) => (Array.isArray(x) ? `an array of ${x.length}` : `an object with keys [${Object.keys(x as object).join(', ')}]`);
  if ((Array.isArray(out) && isPlainObject(spec)) || (isPlainObject(out) && Array.isArray(spec))) {
    throw new InvalidArgumentError(`vmap: outAxes at ${path} is ${kind(spec)} but the result there is ${kind(out)}; give outAxes the result's structure (or one number or null for all of it).`);
  }
  if (Array.isArray(out)) {
    if (Array.isArray(spec) && spec.length !== out.length) {
      throw new InvalidArgumentError(`vmap: outAxes at ${path} has ${spec.length} entries but the result there has ${out.length}.`);
    }
    return out.map((c, i) => unbatchOutput(c, Array.isArray(spec) ? spec[i]! : spec, trace, size, `${path}[${i}]`));
  }
  if (isPlainObject(out)) {
    const tree = spec !== null && typeof spec === 'object' && !Array.isArray(spec);
    if (tree && !sameKeys(Object.keys(spec), out)) {
      throw new InvalidArgumentError(
        `vmap: outAxes at ${path} has keys [${Object.keys(spec).join(', ')}] but the result there has keys [${Object.keys(out).join(', ')}]; give an axis (or null) for each.`,
      );
    }
    return mapObject(out, (c, key) =>
      (tree && !(key in spec) ? c : unbatchOutput(c, tree ? (spec as Record<string, AxisSpec>)[key]! : spec, trace, size, `${path}.${key}`)));
  }
  throw new InvalidArgumentError(`vmap: ${path} is ${describe(out)}; the function must return tensors or numbers (in arrays and plain objects, null for an empty entry).`);
}

/** `axis` of `t` (negative from the end), checked. */
function normalize(axis: number, t: Tensor, path: string): number {
  if (!Number.isInteger(axis) || axis < -t.ndim || axis >= t.ndim) {
    throw new InvalidArgumentError(
      `vmap: in axis ${axis} is out of range for ${path} of shape ${formatShape(t.shape)}; ` +
        (t.ndim === 0
          ? 'a 0-d tensor has no axis to map: give null for it in inAxes (every example then shares it), or pass the batch as a tensor with an axis for it.'
          : `use an integer in [${-t.ndim}, ${t.ndim - 1}].`),
    );
  }
  return axis < 0 ? axis + t.ndim : axis;
}

/** `t` with `axis` moved to the front. */
function toFront(t: Tensor, axis: number): Tensor {
  if (axis === 0) return t;
  const perm = [axis, ...t.shape.map((_, i) => i).filter((i) => i !== axis)];
  return transpose(t, perm);
}

/**
 * `t` (batch axis leading) with the batch axis moved to `axis` of the result; `shared`: a value the
 * same for every example, broadcast over the batch (as JAX's out_axes does).
 */
function fromFront(t: Tensor, axis: number, path: string, shared = false): Tensor {
  const ndim = t.ndim;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new InvalidArgumentError(
      `vmap: out axis ${axis} is out of range for ${path}, of shape ${formatShape(t.shape.slice(1))} per example ` +
        `(${formatShape(t.shape)} with the batch axis${shared ? ', broadcast: it is the same for every example' : ''}); ` +
        `use an integer in [${-ndim}, ${ndim - 1}]${shared ? ', or null to return it as it is' : ''}.`,
    );
  }
  const a = axis < 0 ? axis + ndim : axis;
  if (a === 0) return t;
  const rest = t.shape.map((_, i) => i).slice(1);
  const perm = [...rest.slice(0, a), 0, ...rest.slice(a)];
  return transpose(t, perm);
}

/** Checks that an axis spec is made of integers, null, arrays and plain objects. */
function checkSpec(spec: unknown, name: string): void {
  if (spec === null || (typeof spec === 'number' && Number.isInteger(spec))) return;
  if (Array.isArray(spec)) return spec.forEach((s) => checkSpec(s, name));
  if (isPlainObject(spec)) return Object.values(spec).forEach((s) => checkSpec(s, name));
  const reg = registeredNode(spec); // an instance of a registered class whose children are axes
  if (reg !== undefined) return nodeParts(reg, spec as object, 'vmap').children.forEach((s) => checkSpec(s, name));
  throw new InvalidArgumentError(
    `vmap: ${name} entries must be integers, null, or arrays, plain objects and registered nodes of them (a pytree prefix of the arguments), got ${describe(spec)}.`,
  );
}

/**
 * `vmap(fn, inAxes)` over the examples of the running batch `outer`, for a function (a custom
 * function's `f` or rule, lifted to the batch) called on `outer`'s values one level down, mapped
 * along their leading axis. `fn` may read boxes of `outer` through its closure (a customVjp made
 * inside the mapped function, closing over a mapped tensor): such a box stands for the same
 * examples as the inner batch, so it reads as a box of the inner vmap over its batch (example b its
 * own slice), as JAX's custom_vjp converts the tracers its function closes over into arguments.
 * Read as a constant of the inner vmap instead, it came out crossed with the inner batch — every
 * example against every other — and boxed twice: the result leaked out of the outer vmap.
 */
export function vmapWithin<F extends (...args: any[]) => unknown>(outer: BatchTrace, fn: F, inAxes: AxisSpec): (...args: Parameters<F>) => any {
  return vmap((...args: unknown[]) => {
    const inner = innermostActive(BatchTrace)!; // the vmap just entered, over outer's examples
    const read = new Map<Tensor, Tensor>();
    const asInner = (box: Tensor): Tensor => {
      let t = read.get(box);
      if (t === undefined) read.set(box, (t = inner.box(box.below!)));
      return t;
    };
    return withPaused(outer, asInner, () => fn(...args));
  }, inAxes) as (...args: Parameters<F>) => any;
}

/** Whether `t` is (or lies over) a vmap box: a value that differs across a batch. */
export function isBatched(t: Tensor): boolean {
  for (let x: Tensor | null = t; x !== null && x.trace !== null; x = x.below) if (x.trace instanceof BatchTrace) return true;
  return false;
}

/**
 * The values of `t` for every example of the vmaps it lies under — the batch's whole value at the
 * bottom of its boxes, example-major — or its own values outside vmap: for a decision taken over the
 * whole batch, or a check on bad input that must still hold for each example (a value read of a box
 * is an error). `reason` names the read to a running jit recording (which then runs as is).
 */
export function everyExample(t: Tensor, reason: string): Float64Array {
  let x = live(t); // a paused vmap (eachExample) reads as its example's slice
  while (x.trace !== null) {
    if (x.trace.records && valueReads.watcher !== null) valueReads.watcher(x, reason);
    x = live(x.primal!);
  }
  return x.values;
}

/** The running vmaps `t` lies under, outermost first: everyExample's leading axes are their sizes. */
export function batchesOf(t: Tensor): BatchTrace[] {
  const traces: BatchTrace[] = [];
  for (let x = live(t); x.trace !== null; x = live(x.primal!)) if (x.trace instanceof BatchTrace) traces.unshift(x.trace);
  return traces;
}

/**
 * A value computed for every example (as everyExample reads them: the leading axes the sizes of
 * `batches`, outermost first), as a tensor of one example's shape that holds each example's part:
 * boxed at each of those vmaps. For data made from a per-example read, such as an index map.
 */
export function boxedPerExample(values: Tensor, batches: readonly BatchTrace[]): Tensor {
  let x = values;
  for (const trace of batches) x = trace.box(x);
  return x;
}

/** Whether any example of a batched condition is true (non-zero). */
export function anyExample(t: Tensor): boolean {
  const d = everyExample(t, 'a whileLoop condition under vmap');
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return true;
  return false;
}

/**
 * `run()` under the innermost running vmap, one example at a time: for a computation that must
 * read concrete values (an optimizer run to convergence), the batch trace is paused with each of its
 * boxes read as one example's slice, and the results are stacked and boxed again. Outside vmap it
 * is `run()`. The result must be a pytree of tensors and numbers.
 */
export function eachExample<T>(run: () => T, op: string, batch?: BatchTrace): T {
  // The batch the caller found its inputs boxed at, when it says: the innermost active one may be
  // another vmap, running but not involved (jacfwd over a vmap: a custom rule's tangent solve, its
  // right-hand side mapped only over the tangents, ran one example at a time over the inner vmap's
  // examples and came back boxed at it, which then leaked out of it).
  const trace = batch ?? innermostActive(BatchTrace);
  if (trace === null) return run();
  if (trace.size === 0) {
    // No example to run, and the result's shapes are only known by running one (as random's
    // per-example samplers say): an error naming the op, not a TypeError on the missing first result.
    throw new InvalidArgumentError(
      `vmap: a batch of 0 examples reaches ${op}, which runs one example at a time (it reads values, e.g. to decide when to stop), ` +
        'so the shape of its result cannot be known without an example; skip the call when the batch is empty.',
    );
  }
  const results: Array<{ leaves: Array<Tensor | number>; def: TreeDef }> = [];
  for (let b = 0; b < trace.size; b++) {
    // One slice per box and redirect context, not one per box: the slice is an op on box.below,
    // which reads through the pauses in force when it is taken. Taken first inside a region's
    // forward (an older reverse trace paused to capture closures, e.g. a checkpoint in cg's matvec)
    // it came out a plain value, and every later read — the region's backward, where that trace
    // reads the box as an input of its recording — got the frozen value: grad over vmap(cg(·)) of a
    // matvec calling a checkpoint gave 0 (as record.ts's closure substitutes, b4eec4e).
    const slices = new Map<object | null, Map<object | null, Map<Tensor, Tensor>>>();
    const slice = (box: Tensor): Tensor => {
      const [restoredSet, paused] = redirectContext();
      let byPaused = slices.get(restoredSet);
      if (byPaused === undefined) slices.set(restoredSet, (byPaused = new Map()));
      let cache = byPaused.get(paused);
      if (cache === undefined) byPaused.set(paused, (cache = new Map()));
      let s = cache.get(box);
      if (s === undefined) cache.set(box, (s = take(box.below!, b, 0)));
      return s;
    };
    results.push(flatten(withPaused(trace, slice, run), `${op} (under vmap)`));
  }
  const first = results[0]!;
  const leaves = first.leaves.map((_, k) => restack(trace, results.map((r) => r.leaves[k]!)));
  return unflatten(first.def, leaves) as T;
}

/**
 * One leaf of eachExample's results, example b's value from column[b], as a value batched at `trace`.
 * Where an example's value is a box of a transformation inside the vmap (vmap(grad(f)): grad's
 * trace is above the batch's), boxing the stack at the batch would put that box under the batch's,
 * out of its own trace's sight — its derivative lost (vmap(grad(score)) of a mapped tag sequence gave
 * zeros). There the stack stays at its trace and each example takes its own row: take(stack, b) with
 * b the batched example index, an op every trace above the batch records as it does any other.
 */
function restack(trace: BatchTrace, column: Array<Tensor | number>): Tensor {
  const stacked = stack(column, 0);
  const above = column.some((x) => x instanceof Tensor && x.trace !== null && x.trace.level > trace.level);
  if (!above) return trace.box(stacked);
  const example = trace.box(arange(column.length));
  return take(stacked, example, 0);
}
