/**
 * @file ONNX forms of the shape and indexing primitives: reshape, transpose, broadcastTo, slice,
 * pad, concat, stack, take/scatterAdd (Gather, ScatterElements with reduction 'add'), the gathers and
 * scatters along an axis (GatherElements, ScatterElements), and the matrix diagonals.
 * Indices known when the function was recorded become int64 initializers; index tensors computed
 * by the graph (float values in adjoint) are cast to int64.
 */
import { rules, type GraphBuilder, type Lowering, type Operand } from './graph.js';

const reshape: Lowering<unknown> = (g, [x], _p, out) => g.reshape(x!.name, out);

const transpose: Lowering<{ perm: readonly number[] }> = (g, [x], { perm }) => g.node('Transpose', [x!.name], { perm: [...perm] });

const broadcastTo: Lowering<{ shape: readonly number[] }> = (g, [x], { shape }) => g.node('Expand', [x!.name, g.ints(shape)]);

interface BoxParams { readonly begin: readonly number[]; readonly size: readonly number[]; readonly big: readonly number[] }

const slice: Lowering<BoxParams> = (g, [x], { begin, size }) => {
  const axes = begin.map((_, k) => k);
  return g.node('Slice', [x!.name, g.ints(begin), g.ints(begin.map((b, k) => b + size[k]!)), g.ints(axes)]);
};

/** pad writes x into zeros of shape `big` at `begin` (slice's transpose). */
const pad: Lowering<BoxParams> = (g, [x], { begin, size, big }) => {
  const after = big.map((n, k) => n - begin[k]! - size[k]!);
  return g.node('Pad', [x!.name, g.ints([...begin, ...after])], { mode: 'constant' });
};

const concat: Lowering<{ axis: number }> = (g, xs, { axis }) => g.node('Concat', xs.map((x) => x.name), { axis });

/** stack: each input given the new axis (a Reshape), then Concat along it. */
const stack: Lowering<{ axis: number }> = (g, xs, { axis }, out) => {
  const one = [...out];
  one[axis] = 1;
  return g.node('Concat', xs.map((x) => g.reshape(x!.name, one)), { axis });
};

interface TakeParams { readonly indices: Int32Array; readonly axis: number; readonly n: number }

const take: Lowering<TakeParams> = (g, [x], { indices, axis }) => g.node('Gather', [x!.name, g.ints(indices)], { axis });

/** `indices` along `axis` as an int64 constant of `shape` (repeated over the other axes). */
function alongAxis(g: GraphBuilder, indices: ArrayLike<number>, axis: number, shape: readonly number[]): string {
  const lined = shape.map((_, k) => (k === axis ? indices.length : 1));
  return g.node('Expand', [g.ints(indices, lined), g.ints(shape)]);
}

/** scatterAdd: g's slices added into zeros at `indices` along `axis` (take's transpose; repeated indices add up). */
const scatterAdd: Lowering<TakeParams> = (g, [u], { indices, axis }, out) =>
  g.node('ScatterElements', [g.zeros(out), alongAxis(g, indices, axis, u!.shape), u!.name], { axis, reduction: 'add' });

const index = (g: GraphBuilder, idx: Operand) => g.node('Cast', [idx.name], { to: 7 /* INT64 */ });

interface AlongParams { readonly axis: number }

const gather: Lowering<AlongParams> = (g, [x, idx], { axis }) => g.node('GatherElements', [x!.name, index(g, idx!)], { axis });

const scatterAddAlong: Lowering<AlongParams> = (g, [u, idx], { axis }, out) =>
  g.node('ScatterElements', [g.zeros(out), index(g, idx!), u!.name], { axis, reduction: 'add' });

/** scatter: x with the updates written at the indices (ONNX Runtime applies them in order: the last one wins, as in adjoint). */
const scatter: Lowering<AlongParams> = (g, [x, u, idx], { axis }) =>
  g.node('ScatterElements', [x!.name, index(g, idx!), u!.name], { axis });

/** diagonal(x, offset): the last two axes' diagonal, as a Gather of flat positions i·n + i + offset. */
const diagonal: Lowering<{ offset: number }> = (g, [x], { offset }, out) => {
  const shape = x!.shape;
  const [m, n] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  const len = out[out.length - 1]!;
  const first = offset >= 0 ? offset : -offset * n;
  const positions = Array.from({ length: len }, (_, i) => first + i * (n + 1));
  const flat = g.reshape(x!.name, [...shape.slice(0, -2), m * n]);
  return g.node('Gather', [flat, g.ints(positions)], { axis: -1 });
};

/**
 * diagEmbed(v, offset, rows, cols): a [rows, cols] matrix with v on a diagonal, as a Gather from v
 * with one zero appended (position len) for every off-diagonal entry.
 */
const diagEmbed: Lowering<{ offset: number; rows: number; cols: number }> = (g, [v], { offset, rows, cols }, out) => {
  const len = v!.shape[v!.shape.length - 1]!;
  const padded = g.node('Pad', [v!.name, g.ints([...v!.shape.map(() => 0), ...v!.shape.map((_, k) => (k === v!.shape.length - 1 ? 1 : 0))])]);
  const positions = new Array<number>(rows * cols).fill(len);
  for (let i = 0; i < len; i++) {
    const [r, c] = offset >= 0 ? [i, i + offset] : [i - offset, i];
    if (r < rows && c < cols) positions[r * cols + c] = i;
  }
  return g.reshape(g.node('Gather', [padded, g.ints(positions)], { axis: -1 }), out);
};

export const shapeRules = rules({
  reshape,
  transpose,
  broadcastTo,
  slice,
  pad,
  concat,
  stack,
  take,
  scatterAdd,
  gather,
  scatterAddAlong,
  scatter,
  diagonal,
  diagEmbed,
});
