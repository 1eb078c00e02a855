/** @file Readable text for tensors: NumPy-like nesting, aligned columns, long axes elided. */
import { sizeOf, type Shape } from './shape.js';

const EDGE = 3; // values shown at each end of a long axis
const LONG = 2 * EDGE + 2; // axes longer than this are elided with '...'

function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e8)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

/** `tensor([[1, 2], [3, 4]], shape=[2,2])`. */
export function formatTensor(data: Float64Array, shape: Shape): string {
  if (shape.length === 0) return `tensor(${formatNumber(data[0]!)})`;
  const cells = new Map<number, string>();
  let width = 0;
  const cell = (i: number): string => {
    let s = cells.get(i);
    if (s === undefined) {
      s = formatNumber(data[i]!);
      cells.set(i, s);
      width = Math.max(width, s.length);
    }
    return s;
  };
  // First pass collects widths of shown cells; second pass pads.
  const walk = (axis: number, offset: number, indent: string): string => {
    const n = shape[axis]!;
    const stride = sizeOf(shape.slice(axis + 1));
    const shown: Array<number | null> = [];
    if (n > LONG) {
      for (let i = 0; i < EDGE; i++) shown.push(i);
      shown.push(null);
      for (let i = n - EDGE; i < n; i++) shown.push(i);
    } else for (let i = 0; i < n; i++) shown.push(i);
    if (axis === shape.length - 1) {
      return '[' + shown.map((i) => (i === null ? '...' : cell(offset + i).padStart(width))).join(', ') + ']';
    }
    const sep = ',' + '\n'.repeat(shape.length - axis - 1) + indent + ' ';
    return (
      '[' +
      shown.map((i) => (i === null ? '...' : walk(axis + 1, offset + i * stride, indent + ' '))).join(sep) +
      ']'
    );
  };
  if (sizeOf(shape) > 0) walk(0, 0, '       ');
  const body = sizeOf(shape) === 0 ? '[]' : walk(0, 0, '       ');
  return `tensor(${body}, shape=[${shape.join(',')}])`;
}
