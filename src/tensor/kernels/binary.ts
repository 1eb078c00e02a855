/** @file Elementwise kernels of two and three operands with NumPy broadcasting. */
import { broadcastStrides, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { uninitializedF64 } from '../alloc.js';
import { ieeePow } from './pow.js';
import { quotientStrong } from './quotient.js';
import { nativeRows } from './native/nativeRows.js';
import { threadsInfo } from '../threads/pool.js';

export type BinaryKernel =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'mulStrong' | 'divStrong' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual';

/**
 * out[i] = f(a[ia], b[ib]) over n elements with strides sa, sb ∈ {0, 1, …}.
 * One loop per op, chosen outside the loop.
 */
function binaryRun(
  op: BinaryKernel, out: Float64Array, o: number, a: Float64Array, ia: number, sa: number,
  b: Float64Array, ib: number, sb: number, n: number,
): void {
  // Long contiguous runs of the arithmetic ops take the tight loops (short rows: not worth a view).
  if (sa === 1 && (sb === 1 || sb === 0) && (n >= 64 || (o === 0 && ia === 0 && ib === 0 && out.length === n))) {
    if (contiguousRun(op, out, o, a, ia, b, ib, sb === 0 ? b[ib]! : null, n)) return;
  }
  switch (op) {
    case 'add': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! + b[ib]!; break;
    case 'sub': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! - b[ib]!; break;
    case 'mul': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! * b[ib]!; break;
    case 'div': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! / b[ib]!; break;
    case 'pow': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = ieeePow(a[ia]!, b[ib]!); break; // 1ᴺᵃᴺ = (−1)^±∞ = 1
    // NaN-propagating, unlike a bare comparison.
    case 'maximum': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = Math.max(a[ia]!, b[ib]!); break;
    case 'minimum': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = Math.min(a[ia]!, b[ib]!); break;
    // Strong zero: a zero factor gives exactly zero, whatever the other (∞ and NaN included).
    case 'mulStrong':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) {
        const x = a[ia]!, y = b[ib]!;
        out[o + i] = x === 0 || y === 0 ? 0 : x * y;
      }
      break;
    // Strong quotient (derivative rules' g/x): 0 where g = 0, divided where 1/x overflows (./quotient.ts).
    case 'divStrong': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = quotientStrong(a[ia]!, b[ib]!); break;
    case 'greater': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! > b[ib]! ? 1 : 0; break;
    case 'greaterEqual': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! >= b[ib]! ? 1 : 0; break;
    case 'less': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! < b[ib]! ? 1 : 0; break;
    case 'lessEqual': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! <= b[ib]! ? 1 : 0; break;
    case 'equal': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! === b[ib]! ? 1 : 0; break;
    case 'notEqual': for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia]! !== b[ib]! ? 1 : 0; break;
  }
}

/**
 * The arithmetic ops on two contiguous runs, or a run and a broadcast scalar (y !== null): loops
 * with no stride arithmetic, at offset 0 (V8 then drops the bounds checks; with offsets the loop
 * runs about 1.5 times slower, so a long run at an offset is first viewed as a subarray). Returns
 * false for the other ops.
 */
function contiguousRun(
  op: BinaryKernel, out: Float64Array, o: number, a: Float64Array, ia: number, b: Float64Array, ib: number, y: number | null, n: number,
): boolean {
  if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div' && op !== 'mulStrong') return false;
  if (o !== 0 || ia !== 0 || (y === null && ib !== 0) || out.length !== n || a.length !== n) {
    out = out.subarray(o, o + n);
    a = a.subarray(ia, ia + n);
    if (y === null) b = b.subarray(ib, ib + n);
  }
  if (n >= NATIVE_COMBINE_MIN && combineNatively(op, out, a, y === null ? b : null, y ?? 0, n)) return true;
  if (y === null) arithmetic(op, out, a, b, n);
  else arithmeticScalar(op, out, a, y, n);
  return true;
}

/**
 * Entries from which a run goes to the native kernel (./native/nativeRows.ts's combine: the same
 * operation per entry, operands in the same order, so the same bits but for which of two NaNs a
 * NaN result carries: native/rows.cc), and from which to its threads.
 * V8 reloads each typed array's length and data pointer per entry in these loops (about 4 ns an
 * entry on a Zen 3 core; the native loop is near memory speed): `mul` of 32,768 entries, a fresh
 * result each, 50 µs against 107 on one thread; 131,072 entries 174 against 439.
 */
const NATIVE_COMBINE_MIN = 1024;
const PARALLEL_COMBINE = 65536;

/** out = a ∘ b (b null: a ∘ y) natively where the addon is loaded; false elsewhere, or where out overlaps an operand other than exactly. */
function combineNatively(op: BinaryKernel, out: Float64Array, a: Float64Array, b: Float64Array | null, y: number, n: number): boolean {
  const native = nativeRows();
  if (native === null) return false;
  // Threads split the run: an operand that is out shifted (never made here, but a view could be) would be read after it is written.
  if (!sameOrApart(out, a) || (b !== null && !sameOrApart(out, b))) return false;
  const code = op === 'add' ? 0 : op === 'sub' ? 1 : op === 'mul' ? 2 : op === 'div' ? 3 : 4;
  return native.combine(out, a, b, y, n, code, n >= PARALLEL_COMBINE ? threadsInfo().threads : 1);
}

/** Whether two views are the same entries or share none. */
function sameOrApart(x: Float64Array, z: Float64Array): boolean {
  if (x.buffer !== z.buffer || x.byteOffset === z.byteOffset) return true;
  return x.byteOffset + x.byteLength <= z.byteOffset || z.byteOffset + z.byteLength <= x.byteOffset;
}

// Four elements per iteration: a quarter of the loop overhead, about 1.4 times the throughput of
// the one-element loop on the bench machine (bench/kernels.mjs).
function arithmetic(op: BinaryKernel, out: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  let i = 0;
  switch (op) {
    case 'add':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! + b[i]!; out[i + 1] = a[i + 1]! + b[i + 1]!; out[i + 2] = a[i + 2]! + b[i + 2]!; out[i + 3] = a[i + 3]! + b[i + 3]!; }
      for (; i < n; i++) out[i] = a[i]! + b[i]!;
      break;
    case 'sub':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! - b[i]!; out[i + 1] = a[i + 1]! - b[i + 1]!; out[i + 2] = a[i + 2]! - b[i + 2]!; out[i + 3] = a[i + 3]! - b[i + 3]!; }
      for (; i < n; i++) out[i] = a[i]! - b[i]!;
      break;
    case 'mul':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! * b[i]!; out[i + 1] = a[i + 1]! * b[i + 1]!; out[i + 2] = a[i + 2]! * b[i + 2]!; out[i + 3] = a[i + 3]! * b[i + 3]!; }
      for (; i < n; i++) out[i] = a[i]! * b[i]!;
      break;
    case 'div':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! / b[i]!; out[i + 1] = a[i + 1]! / b[i + 1]!; out[i + 2] = a[i + 2]! / b[i + 2]!; out[i + 3] = a[i + 3]! / b[i + 3]!; }
      for (; i < n; i++) out[i] = a[i]! / b[i]!;
      break;
    default: for (; i < n; i++) { const x = a[i]!, z = b[i]!; out[i] = x === 0 || z === 0 ? 0 : x * z; } // mulStrong
  }
}

function arithmeticScalar(op: BinaryKernel, out: Float64Array, a: Float64Array, y: number, n: number): void {
  let i = 0;
  switch (op) {
    case 'add':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! + y; out[i + 1] = a[i + 1]! + y; out[i + 2] = a[i + 2]! + y; out[i + 3] = a[i + 3]! + y; }
      for (; i < n; i++) out[i] = a[i]! + y;
      break;
    case 'sub':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! - y; out[i + 1] = a[i + 1]! - y; out[i + 2] = a[i + 2]! - y; out[i + 3] = a[i + 3]! - y; }
      for (; i < n; i++) out[i] = a[i]! - y;
      break;
    case 'mul':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! * y; out[i + 1] = a[i + 1]! * y; out[i + 2] = a[i + 2]! * y; out[i + 3] = a[i + 3]! * y; }
      for (; i < n; i++) out[i] = a[i]! * y;
      break;
    case 'div':
      for (; i + 3 < n; i += 4) { out[i] = a[i]! / y; out[i + 1] = a[i + 1]! / y; out[i + 2] = a[i + 2]! / y; out[i + 3] = a[i + 3]! / y; }
      for (; i < n; i++) out[i] = a[i]! / y;
      break;
    default: // mulStrong
      if (y === 0) out.fill(0);
      else for (; i < n; i++) { const x = a[i]!; out[i] = x === 0 ? 0 : x * y; }
  }
}

/**
 * Walks the output in row-major order, calling `run(o, offsets, n)` once per innermost row.
 * Specialised for the common cases: equal shapes and scalars become one flat row.
 */
function forEachRow(
  outShape: Shape, strides: number[][], run: (o: number, offsets: number[], inner: number[]) => void,
): void {
  const ndim = outShape.length;
  const k = strides.length;
  if (ndim === 0) { run(0, new Array<number>(k).fill(0), new Array<number>(k).fill(0)); return; }
  const n = outShape[ndim - 1]!;
  const inner = strides.map((s) => s[ndim - 1]!);
  const offsets = new Array<number>(k).fill(0);
  const index = new Array<number>(ndim - 1).fill(0);
  const rows = sizeOf(outShape) / Math.max(n, 1);
  if (n === 0) return;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    run(o, offsets, inner);
    // odometer over the outer axes
    for (let ax = ndim - 2; ax >= 0; ax--) {
      index[ax]!++;
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![ax]!;
      if (index[ax]! < outShape[ax]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![ax]! * outShape[ax]!;
      index[ax] = 0;
    }
  }
}

/** f(a, b) with broadcasting; `outShape` is the broadcast shape. */
export function binaryKernel(
  op: BinaryKernel, a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, outShape: Shape,
): Float64Array {
  const size = sizeOf(outShape);
  const out = uninitializedF64(size); // every branch writes every entry
  if (a.length === size && b.length === size && shapesEqual(aShape, bShape)) {
    binaryRun(op, out, 0, a, 0, 1, b, 0, 1, size);
  } else if (b.length === 1 && a.length === size) {
    binaryRun(op, out, 0, a, 0, 1, b, 0, 0, size);
  } else if (a.length === 1 && b.length === size) {
    binaryRun(op, out, 0, a, 0, 0, b, 0, 1, size);
  } else if (rowsNatively(op, out, a, aShape, b, bShape, outShape)) {
    // a row repeated down the other operand (a bias), natively: done
  } else {
    const strides = [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
    const n = outShape[outShape.length - 1] ?? 1;
    if (outShape.length === 2 && n < SHORT_ROW && shortRows(op, out, a, strides[0]!, b, strides[1]!, outShape[0]!, n)) return out;
    forEachRow(outShape, strides, (o, off, inner) => binaryRun(op, out, o, a, off[0]!, inner[0]!, b, off[1]!, inner[1]!, n));
  }
  return out;
}

/** Rows shorter than this, in a 2-D broadcast, are walked by `shortRows` in one call. */
const SHORT_ROW = 64;

/**
 * A 2-D broadcast of short rows (a bias [n] or a column [m, 1] against [m, n]: logSoftmax's shifts
 * over 10 classes) for + − × ÷ in one double loop, the op chosen once: a call per row (the row
 * walk's closure, binaryRun's dispatch) cost more than a row of 10 additions — ad.add of [128, 10]
 * and [10] took 10 µs, this 6.5. Row r of a is at r·sa[0], its entries sa[1] apart; so for b.
 * The same operation per element, so the same values. False for the other ops.
 */
function shortRows(op: BinaryKernel, out: Float64Array, a: Float64Array, sa: number[], b: Float64Array, sb: number[], rows: number, n: number): boolean {
  const [ar, ac] = sa as [number, number], [br, bc] = sb as [number, number];
  const code = op === 'add' ? 0 : op === 'sub' ? 1 : op === 'mul' ? 2 : op === 'div' ? 3 : -1;
  if (code < 0) return false;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let ia = r * ar, ib = r * br;
    if (code === 0) for (let j = 0; j < n; j++, ia += ac, ib += bc) out[o + j] = a[ia]! + b[ib]!;
    else if (code === 1) for (let j = 0; j < n; j++, ia += ac, ib += bc) out[o + j] = a[ia]! - b[ib]!;
    else if (code === 2) for (let j = 0; j < n; j++, ia += ac, ib += bc) out[o + j] = a[ia]! * b[ib]!;
    else for (let j = 0; j < n; j++, ia += ac, ib += bc) out[o + j] = a[ia]! / b[ib]!;
  }
  return true;
}

/**
 * Entries from which a row repeated down a matrix goes to the native kernel, and from which to its
 * threads: a pass at memory speed (about 0.2 ns an entry hot) gains from a second thread only where
 * the split outweighs waking it. Hot, one thread against two: 32,768 entries 6.7 against 8.3 µs,
 * 65,536 18 against 13 (bench-like script, alternating rounds in one process).
 */
const NATIVE_ROWS_MIN = 4096;
const PARALLEL_ROWS = 65536;

/**
 * a ∘ b for ∘ = + − × ÷ where one operand is full and the other one row repeated down it (x + b for
 * a bias b of x's last length), natively where the addon is loaded (./native/nativeGemm.ts: the
 * same operation per entry, operands in the same order, so the same bits; W1's hidden layer's bias,
 * 128 × 256, in a fraction of the general walk's time, which makes three views a row). False
 * elsewhere: the general walk runs.
 */
function rowsNatively(op: BinaryKernel, out: Float64Array, a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, outShape: Shape): boolean {
  const code = op === 'add' ? 0 : op === 'sub' ? 1 : op === 'mul' ? 2 : op === 'div' ? 3 : -1;
  const n = outShape[outShape.length - 1] ?? 1, size = out.length;
  if (code < 0 || size < NATIVE_ROWS_MIN || n < 4) return false;
  // A row: n entries, the last axis n (so every other axis 1).
  const isRow = (shape: Shape, len: number) => len === n && shape[shape.length - 1] === n;
  let full: Float64Array, row: Float64Array, rowFirst: boolean;
  if (a.length === size && shapesEqual(aShape, outShape) && isRow(bShape, b.length)) [full, row, rowFirst] = [a, b, false];
  else if (b.length === size && shapesEqual(bShape, outShape) && isRow(aShape, a.length)) [full, row, rowFirst] = [b, a, true];
  else return false;
  const native = nativeRows();
  return native !== null && native.combineRows(out, full, row, size / n, n, code, rowFirst, size >= PARALLEL_ROWS ? threadsInfo().threads : 1);
}

/** where(cond ≠ 0, a, b) with broadcasting of all three. */
export function whereKernel(
  c: Float64Array, cShape: Shape, a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, outShape: Shape,
): Float64Array {
  const out = uninitializedF64(sizeOf(outShape));
  const strides = [cShape, aShape, bShape].map((s) => broadcastStrides(s, outShape));
  const n = outShape[outShape.length - 1] ?? 1;
  forEachRow(outShape, strides, (o, off, inner) => {
    let ic = off[0]!, ia = off[1]!, ib = off[2]!;
    const sc = inner[0]!, sa = inner[1]!, sb = inner[2]!;
    for (let i = 0; i < n; i++, ic += sc, ia += sa, ib += sb) out[o + i] = c[ic] !== 0 ? a[ia]! : b[ib]!;
  });
  return out;
}

/** Materialises `x` broadcast to `outShape`. */
export function broadcastKernel(x: Float64Array, shape: Shape, outShape: Shape): Float64Array {
  const out = uninitializedF64(sizeOf(outShape));
  if (x.length === 1) return out.fill(x[0]!);
  const strides = [broadcastStrides(shape, outShape)];
  const n = outShape[outShape.length - 1] ?? 1;
  forEachRow(outShape, strides, (o, off, inner) => {
    const s = inner[0]!;
    if (s === 1) out.set(x.subarray(off[0]!, off[0]! + n), o);
    else for (let i = 0, j = off[0]!; i < n; i++, j += s) out[o + i] = x[j]!;
  });
  return out;
}
