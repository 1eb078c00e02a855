/** @file Data movement: transposes, slices, padding, concatenation and gathers along an axis. */
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import { allocF64, uninitializedF64 } from '../alloc.js';
import { nativeRows } from './native/nativeRows.js';
import { threadsInfo } from '../threads/pool.js';

/** out = x with axes permuted: out.shape[i] = shape[perm[i]]. */
export function transposeKernel(x: Float64Array, shape: Shape, perm: readonly number[]): Float64Array {
  const ndim = shape.length;
  const out = uninitializedF64(x.length); // a permutation: every entry written
  if (x.length === 0) return out;
  if (x.length >= NATIVE_TRANSPOSE_MIN && transposeNatively(x, shape, perm, out)) return out;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!); // input stride of each output axis
  if (ndim === 2 && perm[0] === 1) {
    // Matrix transpose, tiled so both sides stay in cache.
    const r = shape[0]!, c = shape[1]!, T = 32;
    for (let i0 = 0; i0 < r; i0 += T)
      for (let j0 = 0; j0 < c; j0 += T)
        for (let i = i0; i < Math.min(r, i0 + T); i++)
          for (let j = j0; j < Math.min(c, j0 + T); j++) out[j * r + i] = x[i * c + j]!;
    return out;
  }
  const index = new Array<number>(ndim).fill(0);
  const n = outShape[ndim - 1]!, s = strides[ndim - 1]!;
  let src = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let j = 0, p = src; j < n; j++, p += s) out[o + j] = x[p]!;
    for (let ax = ndim - 2; ax >= 0; ax--) {
      index[ax]!++;
      src += strides[ax]!;
      if (index[ax]! < outShape[ax]!) break;
      src -= strides[ax]! * outShape[ax]!;
      index[ax] = 0;
    }
  }
  return out;
}

/**
 * Entries from which a matrix's transpose, or a stack's with its last two axes swapped, is copied by
 * the native addon where it is loaded (./native/nativeRows.ts's transpose: the same copies, in tiles):
 * V8 reloads each typed array's length and data pointer per entry in the loop above: a 128 × 256
 * transpose (`ad.transpose`, a fresh result each) took 98 µs against 293 on one thread, 784 × 256
 * 0.62 ms against 1.47. From PARALLEL_TRANSPOSE entries on the threads.
 */
const NATIVE_TRANSPOSE_MIN = 1024;
const PARALLEL_TRANSPOSE = 262144;

/** out = x with perm, natively, where perm swaps the last two axes and keeps the others (a matrix's transpose among them); false elsewhere. */
function transposeNatively(x: Float64Array, shape: Shape, perm: readonly number[], out: Float64Array): boolean {
  const ndim = shape.length;
  if (ndim < 2 || perm[ndim - 2] !== ndim - 1 || perm[ndim - 1] !== ndim - 2) return false;
  for (let i = 0; i < ndim - 2; i++) if (perm[i] !== i) return false;
  const rows = shape[ndim - 2]!, cols = shape[ndim - 1]!;
  if (rows === 1 || cols === 1) return false; // the same order: the loop above is a copy
  const native = nativeRows();
  return native !== null && native.transpose(out, x, x.length / (rows * cols), rows, cols, x.length >= PARALLEL_TRANSPOSE ? threadsInfo().threads : 1);
}

/** Runs shorter than this are copied by a loop: `set(subarray(…))` makes a view object per run, which costs more than copying a few dozen numbers. */
const SHORT_RUN = 64;

/** dst[dOff + j] = src[sOff + j] for j < n. @internal */
export function copyRun(dst: Float64Array, dOff: number, src: Float64Array, sOff: number, n: number): void {
  if (n < SHORT_RUN) for (let j = 0; j < n; j++) dst[dOff + j] = src[sOff + j]!;
  else dst.set(sOff === 0 && n === src.length ? src : src.subarray(sOff, sOff + n), dOff); // a whole array needs no view
}

/**
 * out[c, r] = x[r, c] for x of `rows` × `cols` at offset xOff (out at offset outOff), in 4×4 tiles:
 * four rows read and four rows written per tile, so both sides move along contiguous runs.
 */
export function transposeInto(x: Float64Array, xOff: number, rows: number, cols: number, out: Float64Array, outOff = 0): void {
  const r4 = rows - (rows % 4), c4 = cols - (cols % 4);
  for (let i = 0; i < r4; i += 4) {
    const x0 = xOff + i * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
    for (let j = 0; j < c4; j += 4) {
      let o = outOff + j * rows + i;
      out[o] = x[x0 + j]!; out[o + 1] = x[x1 + j]!; out[o + 2] = x[x2 + j]!; out[o + 3] = x[x3 + j]!; o += rows;
      out[o] = x[x0 + j + 1]!; out[o + 1] = x[x1 + j + 1]!; out[o + 2] = x[x2 + j + 1]!; out[o + 3] = x[x3 + j + 1]!; o += rows;
      out[o] = x[x0 + j + 2]!; out[o + 1] = x[x1 + j + 2]!; out[o + 2] = x[x2 + j + 2]!; out[o + 3] = x[x3 + j + 2]!; o += rows;
      out[o] = x[x0 + j + 3]!; out[o + 1] = x[x1 + j + 3]!; out[o + 2] = x[x2 + j + 3]!; out[o + 3] = x[x3 + j + 3]!;
    }
    for (let j = c4; j < cols; j++) {
      const o = outOff + j * rows + i;
      out[o] = x[x0 + j]!; out[o + 1] = x[x1 + j]!; out[o + 2] = x[x2 + j]!; out[o + 3] = x[x3 + j]!;
    }
  }
  for (let i = r4; i < rows; i++) for (let j = 0; j < cols; j++) out[outOff + j * rows + i] = x[xOff + i * cols + j]!;
}

/**
 * Moves the box [begin, begin + size) of a `big`-shaped array to or from a `size`-shaped one:
 * 'read' slices it out of `bigData`; 'write' stores `smallData` into it; 'add' adds `smallData`
 * into it (the in-place transpose of a slice).
 */
export function boxCopy(
  bigData: Float64Array, bigShape: Shape, smallData: Float64Array, size: Shape, begin: readonly number[],
  mode: 'read' | 'write' | 'add',
): void {
  const ndim = bigShape.length;
  const total = sizeOf(size);
  if (total === 0) return;
  const bigStrides = stridesOf(bigShape);
  let src = 0;
  for (let i = 0; i < ndim; i++) src += begin[i]! * bigStrides[i]!;
  // Trailing axes the box spans in full are contiguous with the axis before them: one run for all.
  let cut = ndim - 1;
  while (cut > 0 && size[cut] === bigShape[cut]) cut--;
  const n = ndim === 0 ? 1 : sizeOf(size.slice(cut));
  const index = new Array<number>(ndim).fill(0);
  for (let o = 0; o < total; o += n) {
    if (mode === 'read') copyRun(smallData, o, bigData, src, n);
    else if (mode === 'write') copyRun(bigData, src, smallData, o, n);
    else for (let j = 0; j < n; j++) bigData[src + j] += smallData[o + j]!;
    for (let ax = cut - 1; ax >= 0; ax--) {
      index[ax]!++;
      src += bigStrides[ax]!;
      if (index[ax]! < size[ax]!) break;
      src -= bigStrides[ax]! * size[ax]!;
      index[ax] = 0;
    }
  }
}

/** Gathers `indices` along `axis`: out.shape = shape[:axis] + [indices.length] + shape[axis+1:]. */
export function takeKernel(x: Float64Array, shape: Shape, indices: Int32Array, axis: number): Float64Array {
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const m = indices.length;
  const out = uninitializedF64(outer * m * inner); // every gathered slice written
  if (inner === 1) {
    // Single entries (a flat gather): a plain loop, where a subarray view per entry cost ~25 ns each.
    for (let o = 0, q = 0; o < outer; o++) {
      const base = o * n;
      for (let i = 0; i < m; i++, q++) out[q] = x[base + indices[i]!]!;
    }
    return out;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const src = (o * n + indices[i]!) * inner, dst = (o * m + i) * inner;
      if (inner < 32) for (let j = 0; j < inner; j++) out[dst + j] = x[src + j]!;
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
  return out;
}

/** The transpose of take: adds each gathered slice back at its index (repeated indices accumulate). */
export function scatterAddKernel(
  g: Float64Array, gShape: Shape, indices: Int32Array, axis: number, n: number,
  out: Float64Array = allocF64(sizeOf(gShape.slice(0, axis)) * n * sizeOf(gShape.slice(axis + 1))),
  /** Add 0 + g (as into a fresh zero buffer: +0 for −0) rather than g, so out + scatter(g) is exact. */
  viaZero = false,
): Float64Array {
  const outer = sizeOf(gShape.slice(0, axis));
  const inner = sizeOf(gShape.slice(axis + 1));
  const m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const dst = (o * n + indices[i]!) * inner;
      const src = (o * m + i) * inner;
      if (viaZero) for (let j = 0; j < inner; j++) out[dst + j] += 0 + g[src + j]!;
      else for (let j = 0; j < inner; j++) out[dst + j] += g[src + j]!;
    }
  }
  return out;
}

/** Concatenates along `axis` arrays whose shapes agree elsewhere. */
export function concatKernel(parts: Float64Array[], shapes: Shape[], axis: number): Float64Array {
  const outer = sizeOf(shapes[0]!.slice(0, axis));
  const widths = shapes.map((s) => s[axis]! * sizeOf(s.slice(axis + 1)));
  const rowWidth = widths.reduce((x, y) => x + y, 0);
  const out = uninitializedF64(outer * rowWidth); // every part written
  for (let o = 0; o < outer; o++) {
    let dst = o * rowWidth;
    for (let p = 0; p < parts.length; p++) {
      const w = widths[p]!;
      copyRun(out, dst, parts[p]!, o * w, w);
      dst += w;
    }
  }
  return out;
}

/**
 * concatKernel's inverse: x as `outer` rows, each the parts' runs of `widths` one after another,
 * cut into the parts `wanted` (null for the rest), each copied into a buffer of its own (from the
 * slabs inside a backward pass: tensor/alloc.ts). Not views of x: a small part would keep all of x
 * alive (a learnt token's gradient beside a large constant it was concatenated with), and a view
 * shorter than a slab's smallest request escapes the slabs' detaching.
 */
export function splitKernel(x: Float64Array, outer: number, widths: readonly number[], wanted: readonly unknown[]): Array<Float64Array | null> {
  let rowWidth = 0;
  for (const w of widths) rowWidth += w;
  const parts: Array<Float64Array | null> = [];
  for (let p = 0, start = 0; p < widths.length; start += widths[p]!, p++) {
    const w = widths[p]!;
    if (!wanted[p]) {
      parts.push(null);
      continue;
    }
    const part = uninitializedF64(outer * w); // every run written
    for (let o = 0; o < outer; o++) copyRun(part, o * w, x, o * rowWidth + start, w);
    parts.push(part);
  }
  return parts;
}
