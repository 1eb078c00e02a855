/** @file Shape ops: reshape, transpose, broadcastTo, slice/pad, concat/stack, take, squeeze/expandDims. */
import { apply, live } from '../core/trace.js';
import { allocF64 } from '../tensor/alloc.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastKernel } from '../tensor/kernels/binary.js';
import { boxCopy, concatKernel, scatterAddKernel, splitKernel, takeKernel, transposeKernel } from '../tensor/kernels/layout.js';
import {
  broadcastShapes, checkShape, formatShape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, type Shape,
} from '../tensor/shape.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { axisAndOptions, takeWithTracedIndices } from './gather.js';
import { emptyAxisError, indexModeOptions, modedIndex, type TakeOptions } from './indexModes.js';
import { where } from './select.js';
import { asTensor, describe, full, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { formatEntry, literal } from '../tensor/describe.js';
import { checkedSize } from '../tensor/checks.js';
import { linearTangent, sumToShape } from './rules.js';
import { allBatched, shiftAxes } from './batching.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { extraArguments } from '../core/extraArguments.js';

// reshape shares storage; it is linear, so its transpose reshapes back.
const reshapeP = definePrimitive<{ shape: Shape }>({
  name: 'reshape',
  saves: 'none',
  forward: ([x], { shape }) => new Tensor(x!.values, shape),
  vjp: (g, r) => [reshape(g, r.shapes[0]!)],
  jvp: ([t], _x, _y, { shape }) => linearTangent(t!, (u) => reshape(u, shape)),
  batch: ([x], _b, { shape }, size) => reshape(x!, [size, ...shape]),
});

/**
 * The same values in a new shape (one entry may be −1, inferred).
 * @example ad.reshape(ad.arange(6), [2, -1]) // shape [2,3]
 */
export function reshape(x: TensorLike, shape: Shape): Tensor;
export function reshape(x: TensorLike, shape: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('reshape', 'reshape(x, shape)', extra, shape);
  const t = asTensor(x, 'reshape');
  const target = inferShape(shape, t.size, t.shape);
  if (shapesEqual(target, t.shape)) return t;
  return apply(reshapeP, [t], { shape: target });
}

function inferShape(shape: Shape, size: number, from: Shape): number[] {
  if (!Array.isArray(shape)) {
    throw new InvalidArgumentError(`reshape: the new shape must be an array of integers, got ${describe(shape)}; e.g. reshape(x, [2, -1]).`);
  }
  const out = [...shape];
  const free = out.indexOf(-1);
  if (out.lastIndexOf(-1) !== free) {
    throw new ShapeError(`reshape: ${formatShape(shape)} has more than one -1; at most one entry may be inferred, give the others.`);
  }
  if (free >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== free));
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot infer the -1 in ${formatShape(shape)} for ${size} elements (from ${formatShape(from)}); ` +
          `the product of the other entries (${known}) must be non-zero and divide ${size}.`,
      );
    }
    out[free] = size / known;
  }
  checkShape(out, 'reshape');
  if (sizeOf(out) !== size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(shape)} (${sizeOf(out)} elements); the sizes must match.`,
    );
  }
  return out;
}

// transpose is a permutation; its transpose is the inverse permutation.
const transposeP = definePrimitive<{ perm: readonly number[] }>({
  name: 'transpose',
  saves: 'none',
  forward: ([x], { perm }) => new Tensor(transposeKernel(x!.values, x!.shape, perm), perm.map((p) => x!.shape[p]!)),
  vjp: (g, _r, { perm }) => [transpose(g, inversePermutation(perm))],
  jvp: ([t], _x, _y, { perm }) => linearTangent(t!, (u) => transpose(u, perm)),
  batch: ([x], _b, { perm }) => transpose(x!, [0, ...shiftAxes(perm)]),
});

function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/**
 * Permutes axes (reverses them by default).
 * @example ad.transpose(ad.zeros([2, 3, 4]), [0, 2, 1]).shape // [2, 4, 3]
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor;
export function transpose(x: TensorLike, perm?: readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('transpose', 'transpose(x, perm?)', extra, perm);
  const t = asTensor(x, 'transpose');
  if (perm !== undefined && !Array.isArray(perm)) {
    throw new InvalidArgumentError(
      `transpose: perm must be an array of axes, got ${describe(perm)}; pass the whole permutation as one array, e.g. ad.transpose(x, [1, 0]) for shape ${formatShape(t.shape)}.`,
    );
  }
  const p = perm ? Array.from(perm, (a) => normalizeAxis(a, t.ndim, 'transpose')) : t.shape.map((_, i) => t.ndim - 1 - i); // holes refused
  if (p.length !== t.ndim || new Set(p).size !== p.length) {
    throw new InvalidArgumentError(
      `transpose: perm ${literal(perm)} is not a permutation of the ${t.ndim} axes of a tensor of shape ${formatShape(t.shape)}; ` +
        `list each axis once (${t.ndim} entries), e.g. [${t.shape.map((_, i) => t.ndim - 1 - i).join(', ')}] to reverse them.`,
    );
  }
  if (p.every((a, i) => a === i)) return t;
  return apply(transposeP, [t], { perm: p });
}

// broadcastTo copies along new or stretched axes; its transpose sums them back.
const broadcastToP = definePrimitive<{ shape: Shape }>({
  name: 'broadcastTo',
  saves: 'none',
  forward: ([x], { shape }) => new Tensor(broadcastKernel(x!.values, x!.shape, shape), shape),
  vjp: (g, r) => [sumToShape(g, r.shapes[0]!)],
  jvp: ([t], _x, _y, { shape }) => linearTangent(t!, (u) => broadcastTo(u, shape)),
  // One example's axes aligned to the target's rank first, so broadcasting keeps the batch axis leading.
  batch: ([x], _b, { shape }, size) => {
    const lift = shape.length - (x!.ndim - 1);
    return broadcastTo(reshape(x!, [size, ...new Array<number>(lift).fill(1), ...x!.shape.slice(1)]), [size, ...shape]);
  },
});

/** x repeated to `shape` by NumPy's broadcasting rules. @example ad.broadcastTo(ad.tensor([1, 2]), [3, 2]) */
export function broadcastTo(x: TensorLike, shape: Shape): Tensor;
export function broadcastTo(x: TensorLike, shape: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('broadcastTo', 'broadcastTo(x, shape)', extra, shape);
  const t = asTensor(x, 'broadcastTo');
  checkedSize('broadcastTo', shape);
  if (shapesEqual(t.shape, shape)) return t;
  const b = broadcastShapes('broadcastTo', t.shape, shape);
  if (!shapesEqual(b, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(t.shape)} to ${formatShape(shape)}; the result would be ${formatShape(b)}.`);
  }
  return apply(broadcastToP, [t], { shape: [...shape] });
}

interface BoxParams { readonly begin: readonly number[]; readonly size: Shape; readonly big: Shape }

// slice and pad are each other's transposes.
const sliceP: Primitive<BoxParams> = definePrimitive<BoxParams>({
  name: 'slice',
  saves: 'none',
  forward: ([x], { begin, size }) => {
    const out = allocF64(sizeOf(size));
    boxCopy(x!.values, x!.shape, out, size, begin, 'read');
    return new Tensor(out, size);
  },
  vjp: (g, _r, p) => [apply(padP, [g], p)],
  accumulate: (acc, g, { begin, size, big }) => boxCopy(acc, big, g.values, size, begin, 'add'),
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(sliceP, [u], p)),
  batch: ([x], _b, p, size) => apply(sliceP, [x!], batchBox(p, size)),
});
const padP: Primitive<BoxParams> = definePrimitive<BoxParams>({
  name: 'pad',
  saves: 'none',
  forward: ([x], { begin, size, big }) => {
    const out = allocF64(sizeOf(big));
    boxCopy(out, big, x!.values, size, begin, 'write');
    return new Tensor(out, big);
  },
  // pad writes x into zeros, so acc + pad(x) adds x's own values: exactly what 'add' mode does.
  addInto: ({ begin, size, big }) => (acc, [x]) => boxCopy(acc, big, x!.values, size, begin, 'add'),
  vjp: (g, _r, p) => [apply(sliceP, [g], p)],
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(padP, [u], p)),
  batch: ([x], _b, p, size) => apply(padP, [x!], batchBox(p, size)),
});

/** A box of one example as a box of the batch: the whole of the leading axis. */
function batchBox({ begin, size, big }: BoxParams, n: number): BoxParams {
  return { begin: [0, ...begin], size: [n, ...size], big: [n, ...big] };
}

/**
 * The box starting at `begin` with extent `size` (−1 means "to the end of that axis").
 * @example ad.slice(ad.arange(10), [2], [3]) // [2, 3, 4]
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor;
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('slice', 'slice(x, begin, size?)', extra, size);
  const t = asTensor(x, 'slice');
  if (!Array.isArray(begin) || (size !== undefined && !Array.isArray(size)) || begin.length !== t.ndim || (size && size.length !== t.ndim)) {
    const list = (v: unknown) => (Array.isArray(v) ? `[${v.map(formatEntry).join(',')}]` : describe(v));
    throw new InvalidArgumentError(
      `slice: begin ${list(begin)} and size ${list(size)} need one entry per axis of shape ${formatShape(t.shape)}, ` +
        `as arrays: e.g. ad.slice(x, [${t.shape.map(() => 0).join(', ')}], [${t.shape.map(() => -1).join(', ')}]).`,
    );
  }
  // Entries that are not numbers (a bigint, a string) go on to the integer check below as they are.
  const b = begin.map((v, i) => (typeof v === 'number' && v < 0 ? v + t.shape[i]! : v));
  const s = b.map((v, i) => (size === undefined || size[i] === -1 ? (typeof v === 'number' ? t.shape[i]! - v : NaN) : size[i]!));
  for (let i = 0; i < t.ndim; i++) {
    if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i]! < 0 || s[i]! < 0 || b[i]! + s[i]! > t.shape[i]!) {
      throw new ShapeError(
        `slice: begin [${begin.map(formatEntry).join(',')}], size ${size ? `[${size.map(formatEntry).join(',')}]` : 'undefined'} do not fit in shape ${formatShape(t.shape)} (axis ${i}); ` +
          `each begin (negative from the end) and size must be whole numbers with begin + size ≤ the axis length (size -1: to the end).`,
      );
    }
  }
  if (shapesEqual(s, t.shape)) return t;
  return apply(sliceP, [t], { begin: b, size: s, big: t.shape });
}

// concat's transpose cuts the cotangent back into the parts.
const concatP = definePrimitive<{ axis: number }>({
  name: 'concat',
  saves: 'none',
  forward: (xs, { axis }) => {
    const shape = [...xs[0]!.shape];
    shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
    return new Tensor(concatKernel(xs.map((x) => x.values), xs.map((x) => x.shape), axis), shape);
  },
  vjp: (g, r, { axis }, needs) => joinedParts(g, axis, r.shapes, needs, false),
  jvp: (ts, xs, _y, { axis }) =>
    ts.every((t) => t === null) ? null : concat(ts.map((t, i) => t ?? zeros(xs[i]!.shape)), axis),
  batch: (xs, batched, { axis }, size) => concat(allBatched(xs, batched, size), axis + 1),
});

// stack is concat along a new axis, one primitive (not an expandDims per tensor and a concat: 3 ops
// per tensor, forward and back); its transpose cuts the cotangent into the parts without that axis.
const stackP: Primitive<{ axis: number }> = definePrimitive<{ axis: number }>({
  name: 'stack',
  saves: 'none',
  forward: (xs, { axis }) => {
    const one = [...xs[0]!.shape], shape = [...xs[0]!.shape];
    one.splice(axis, 0, 1);
    shape.splice(axis, 0, xs.length);
    return new Tensor(concatKernel(xs.map((x) => x.values), xs.map(() => one), axis), shape);
  },
  vjp: (g, r, { axis }, needs) => joinedParts(g, axis, r.shapes, needs, true),
  jvp: (ts, xs, _y, { axis }) =>
    ts.every((t) => t === null) ? null : stack(ts.map((t, i) => t ?? zeros(xs[i]!.shape)), axis),
  batch: (xs, batched, { axis }, size) => apply(stackP, allBatched(xs, batched, size), { axis: axis + 1 }),
});

/**
 * The cotangents of a concatenation's parts (`stacked`: of a stack's, each one entry along `axis`
 * and shaped as its input, without it). At first order one pass over g into the parts' buffers: a
 * stack of 200 small tensors pulls back in one kernel, not 200 slice ops. Under an outer
 * transformation, slice ops it records.
 */
function joinedParts(g: Tensor, axis: number, shapes: readonly Shape[], needs: readonly boolean[], stacked: boolean): Array<Tensor | null> {
  const extent = (s: Shape): number => (stacked ? 1 : s[axis]!);
  if (live(g).trace === null) {
    const inner = sizeOf(g.shape.slice(axis + 1));
    const parts = splitKernel(g.values, sizeOf(g.shape.slice(0, axis)), shapes.map((s) => extent(s) * inner), needs);
    return parts.map((p, i) => (p === null ? null : new Tensor(p, [...shapes[i]!])));
  }
  let offset = 0;
  return shapes.map((s, i) => {
    const begin = g.shape.map((_, k) => (k === axis ? offset : 0));
    const size = [...g.shape];
    size[axis] = extent(s);
    offset += extent(s);
    if (!needs[i]) return null;
    const part = slice(g, begin, size);
    return stacked ? reshape(part, s) : part;
  });
}

/** The tensors of concat or stack, given as one non-empty array (not as separate arguments, as torch.cat(a, b) might suggest). */
function tensorList(op: string, xs: readonly TensorLike[]): Tensor[] {
  if (!Array.isArray(xs)) {
    throw new InvalidArgumentError(`${op}: the tensors must come as one array, got ${describe(xs)}; e.g. ad.${op}([a, b], 0).`);
  }
  if (xs.length === 0) throw new InvalidArgumentError(`${op}: needs at least one tensor.`);
  return xs.map((x) => asTensor(x, op));
}

/** Joins tensors along an existing axis. @example ad.concat([ad.ones([2]), ad.zeros([3])], 0) // shape [5] */
export function concat(xs: readonly TensorLike[], axis?: number): Tensor;
export function concat(xs: readonly TensorLike[], axis = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('concat', 'concat(xs, axis?)', extra, axis);
  const ts = tensorList('concat', xs);
  const first = ts[0]!;
  const ax = normalizeAxis(axis, first.ndim, 'concat');
  for (const [i, t] of ts.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new ShapeError(
        `concat: tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(first.shape)}; ` +
          `all shapes must match except along axis ${ax}.`,
      );
    }
  }
  if (ts.length === 1) return first;
  return apply(concatP, ts, { axis: ax });
}

/** Joins tensors of equal shape along a new axis. @example ad.stack([ad.ones([2]), ad.zeros([2])], 0) // shape [2,2] */
export function stack(xs: readonly TensorLike[], axis?: number): Tensor;
export function stack(xs: readonly TensorLike[], axis = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stack', 'stack(xs, axis?)', extra, axis);
  const ts = tensorList('stack', xs);
  for (const [i, t] of ts.entries()) {
    if (!shapesEqual(t.shape, ts[0]!.shape)) {
      throw new ShapeError(`stack: tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(ts[0]!.shape)}; stacked tensors must have equal shapes.`);
    }
  }
  return apply(stackP, ts, { axis: newAxis(axis, ts[0]!, 'stack') });
}

interface TakeParams { readonly indices: Int32Array; readonly axis: number; readonly n: number }

// take (gather) and scatterAdd are each other's transposes; repeated indices accumulate.
const takeP: Primitive<TakeParams> = definePrimitive<TakeParams>({
  name: 'take',
  saves: 'none',
  forward: ([x], { indices, axis }) => {
    const shape = [...x!.shape];
    shape[axis] = indices.length;
    return new Tensor(takeKernel(x!.values, x!.shape, indices, axis), shape);
  },
  vjp: (g, _r, p) => [apply(scatterAddP, [g], p)],
  accumulate: (acc, g, { indices, axis, n }) => accumulateTaken(acc, g, indices, axis, n),
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(takeP, [u], p)),
  batch: ([x], _b, p) => apply(takeP, [x!], { ...p, axis: p.axis + 1 }),
});

/**
 * acc += scatterAdd(g) in place, as the backward pass adds take's cotangent. With repeated
 * indices, a row's terms are first summed into zero in index order — scatterAdd's own sum — and
 * that sum is added to acc once: acc + (0 + g₁ + g₂ + …), the dense form's value bit for bit. A
 * jit recording of the backward pass holds the dense form (its cotangents are traced), so adding
 * each term straight into acc, ((acc + g₁) + g₂) + …, rounded differently: jit(grad) of a lookup
 * with repeated indices into a table with another cotangent was an ulp off grad. With distinct
 * indices each row is one term, added straight in (the same value; a zero's sign aside).
 */
function accumulateTaken(acc: Float64Array, g: Tensor, indices: Int32Array, axis: number, n: number): void {
  const slotOf = new Map<number, number>();
  const distinct: number[] = [];
  const slots = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    let k = slotOf.get(j);
    if (k === undefined) {
      k = distinct.push(j) - 1;
      slotOf.set(j, k);
    }
    slots[i] = k;
  }
  if (distinct.length === indices.length) {
    scatterAddKernel(g.values, g.shape, indices, axis, n, acc);
    return;
  }
  const sums = scatterAddKernel(g.values, g.shape, slots, axis, distinct.length); // one row per distinct index
  const shape = [...g.shape];
  shape[axis] = distinct.length;
  scatterAddKernel(sums, shape, Int32Array.from(distinct), axis, n, acc);
}
const scatterAddP: Primitive<TakeParams> = definePrimitive<TakeParams>({
  name: 'scatterAdd',
  saves: 'none',
  forward: ([g], { indices, axis, n }) => {
    const shape = [...g!.shape];
    shape[axis] = n;
    return new Tensor(scatterAddKernel(g!.values, g!.shape, indices, axis, n), shape);
  },
  // Distinct indices only: the dense output holds 0 + g (+0 where g is −0), so add that.
  addInto: ({ indices, axis, n }) =>
    new Set(indices).size === indices.length ? (acc, [g]) => scatterAddKernel(g!.values, g!.shape, indices, axis, n, acc, true) : null,
  vjp: (g, _r, p) => [apply(takeP, [g], p)],
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(scatterAddP, [u], p)),
  batch: ([g], _b, p) => apply(scatterAddP, [g!], { ...p, axis: p.axis + 1 }),
});

/** Whether `t` is a value a jit recording computed from its arguments (its values are the recording call's only). */
function recordedValue(t: Tensor): boolean {
  return t.trace !== null && t.trace.active && t.trace.records;
}

/**
 * Gathers entries along `axis` at integer `indices` (negative counts from the end); without an
 * axis, from x flattened (as numpy.take, jax.numpy.take and torch.take). The indices' shape takes
 * the axis's place: a number removes it, a list keeps it with `indices.length` entries.
 * `options` (after the axis, or in its place for x flattened) are jnp.take's keywords: `mode` says
 * what an index outside [−n, n) does — 'raise' (the default: an error, as NumPy's; JAX's default is
 * 'fill'), 'clip', 'wrap', 'fill' (with `fillValue`, default NaN) or 'promise_in_bounds' (checked
 * as 'raise') — and `uniqueIndices`, `indicesAreSorted` are accepted hints.
 * @example ad.take(ad.tensor([10, 20, 30]), [2, 0]) // [30, 10]
 * @example ad.take(ad.tensor([[1, 2], [3, 4]]), [3, 0]) // [4, 1]
 * @example ad.take(ad.tensor([10, 20, 30]), [5, -1], { mode: 'fill', fillValue: 0 }) // [0, 30]
 */
export function take(x: TensorLike, indices: number | readonly number[] | readonly (readonly unknown[])[] | Int32Array | Float64Array | Tensor, axis?: number | TakeOptions, options?: TakeOptions): Tensor;
export function take(x: TensorLike, indices: number | readonly number[] | readonly (readonly unknown[])[] | Int32Array | Float64Array | Tensor, axis?: number | TakeOptions, options?: TakeOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('take', 'take(x, indices, axis?, options?)', extra, options);
  let ax0: number | undefined;
  [ax0, options] = axisAndOptions<number | undefined, TakeOptions>('take', axis, options, undefined);
  const { mode, fill } = indexModeOptions('take', options, ['mode', 'fillValue', 'uniqueIndices', 'indicesAreSorted']);
  const source = asTensor(x, 'take');
  const t = ax0 === undefined && source.ndim !== 1 ? reshape(source, [source.size]) : source;
  const ax = normalizeAxis(ax0 ?? 0, t.ndim, 'take');
  const n = t.shape[ax]!;
  // The indices' own shape replaces the axis (as NumPy's take): a number removes it, a [2, 2]
  // tensor of indices makes it two axes.
  // Per-example indices under vmap have no single value to read now: a gather takes them as data.
  // So do indices computed from a jit recording's arguments (an embedding lookup of token ids): the
  // gather checks them on every replay (a bad one throws there, and jit runs the function as written).
  if (indices instanceof Tensor && (opaqueTrace(indices) !== null || recordedValue(indices))) return takeWithTracedIndices(t, indices, ax, mode, fill);
  let raw: ArrayLike<unknown>, indexShape: number[];
  if (typeof indices === 'number') [raw, indexShape] = [[indices], []];
  else if (indices instanceof Tensor) {
    noteLibraryRead(indices, "take's indices"); // under jit: runs as written, with a reason naming take
    [raw, indexShape] = [indices.values, [...indices.shape]];
  }
  else if (Array.isArray(indices) && indices.some((i) => Array.isArray(i))) {
    // Nested arrays (numpy.take's list of lists): the indices' shape is theirs, as a tensor of them.
    let nested: Tensor;
    try {
      nested = tensor(indices as readonly unknown[]);
    } catch (e) {
      throw new InvalidArgumentError(`take: nested index arrays must be rectangular, as a tensor of them (${e instanceof Error ? e.message.replace(/^tensor: /, '') : String(e)})`);
    }
    [raw, indexShape] = [nested.values, [...nested.shape]];
  }
  else if (Array.isArray(indices) || (ArrayBuffer.isView(indices) && !(indices instanceof DataView))) {
    const list = indices as ArrayLike<unknown>;
    [raw, indexShape] = [list, [list.length]];
  }
  else {
    throw new InvalidArgumentError(
      `take: indices must be an integer, an array or typed array of integers, or a tensor of integer values, got ${describe(indices)}.`,
    );
  }
  const outShape = [...t.shape.slice(0, ax), ...indexShape, ...t.shape.slice(ax + 1)];
  const idx = new Int32Array(raw.length);
  let filled: Float64Array | null = null; // mode 'fill': 1 where the index is out of range
  for (let i = 0; i < raw.length; i++) {
    const given = raw[i];
    if (typeof given !== 'number' || !Number.isInteger(given)) {
      const what = typeof given === 'string' ? `the string '${given}'` : typeof given === 'number' ? String(given) : describe(given);
      throw new InvalidArgumentError(`take: index ${i} is ${what}, not an integer; indices must be whole numbers (round them, or use a tensor of integer values).`);
    }
    if (n === 0 && (mode === 'clip' || mode === 'wrap')) throw emptyAxisError('take', ax, t.shape, mode);
    const v = modedIndex(given, n, mode);
    if (v < 0 && mode === 'fill') (filled ??= new Float64Array(raw.length))[i] = 1;
    else if (v < 0) {
      throw new InvalidArgumentError(
        `take: index ${given} is out of range for axis ${ax} of length ${n} (shape ${formatShape(t.shape)}); ` +
          (n === 0
            ? 'the axis is empty, so there is nothing to take (only an empty list of indices fits).'
            : `use an integer in [${-n}, ${n - 1}], or pass { mode: 'clip' }, { mode: 'wrap' } or { mode: 'fill' } (JAX's default, NaN there).`),
      );
    }
    idx[i] = Math.max(v, 0);
  }
  if (filled !== null && n === 0) return full(outShape, fill);
  const gathered = apply(takeP, [t], { indices: idx, axis: ax, n });
  const shaped = indexShape.length === 1 ? gathered : reshape(gathered, outShape);
  if (filled === null) return shaped;
  const maskShape = [...t.shape.slice(0, ax).map(() => 1), ...indexShape, ...t.shape.slice(ax + 1).map(() => 1)];
  return where(new Tensor(filled, maskShape), fill, shaped); // no cotangent reaches a filled entry
}

/** The position of an axis to insert into `t` (stack, expandDims): an integer in [−ndim−1, ndim]. */
function newAxis(axis: number, t: Tensor, op: string): number {
  const ndim = t.ndim + 1;
  if (typeof axis === 'number' && Number.isInteger(axis) && (axis < -ndim || axis >= ndim)) {
    throw new InvalidArgumentError(
      `${op}: axis ${axis} is out of range for inserting an axis into a tensor of rank ${t.ndim} (shape ${formatShape(t.shape)}); ` +
        `use an integer in [${-ndim}, ${ndim - 1}].`,
    );
  }
  return normalizeAxis(axis, ndim, op);
}

/**
 * Removes axes of length 1 (all of them, or those in `axis`).
 * @example ad.squeeze(ad.zeros([1, 3, 1])).shape // [3]
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor;
export function squeeze(x: TensorLike, axis?: number | readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('squeeze', 'squeeze(x, axis?)', extra, axis);
  const t = asTensor(x, 'squeeze');
  const axes = axis === undefined
    ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
    : normalizeAxes(axis, t.ndim, 'squeeze');
  for (const a of axes) {
    if (t.shape[a] !== 1) {
      throw new ShapeError(`squeeze: axis ${a} of shape ${formatShape(t.shape)} has length ${t.shape[a]}, not 1; only axes of length 1 can be removed (omit the axis to remove all of them).`);
    }
  }
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Inserts an axis of length 1 at `axis`; or, given a list of axes (numpy.expand_dims's tuple), one
 * at each, the axes counted in the result (whose rank is x's plus their number).
 * @example ad.expandDims(ad.zeros([3]), 0).shape // [1, 3]
 * @example ad.expandDims(ad.zeros([3]), [0, -1]).shape // [1, 3, 1]
 */
export function expandDims(x: TensorLike, axis: number | readonly number[]): Tensor;
export function expandDims(x: TensorLike, axis: number | readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('expandDims', 'expandDims(x, axis)', extra, axis);
  const t = asTensor(x, 'expandDims');
  if (Array.isArray(axis)) {
    const rank = t.ndim + axis.length;
    for (const a of axis as readonly unknown[]) {
      if (typeof a === 'number' && Number.isInteger(a) && (a < -rank || a >= rank)) {
        throw new InvalidArgumentError(
          `expandDims: axis ${a} is out of range for inserting ${axis.length} axes into a tensor of rank ${t.ndim} (shape ${formatShape(t.shape)}); ` +
            `the axes count in the result, so use integers in [${-rank}, ${rank - 1}].`,
        );
      }
    }
    const inserted = normalizeAxes(axis, rank, 'expandDims');
    const shape: number[] = [];
    for (let i = 0, from = 0; i < rank; i++) shape.push(inserted.includes(i) ? 1 : t.shape[from++]!);
    return reshape(t, shape);
  }
  const ax = newAxis(axis as number, t, 'expandDims');
  const shape = [...t.shape];
  shape.splice(ax, 0, 1);
  return reshape(t, shape);
}
