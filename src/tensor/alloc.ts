/**
 * @file Where kernels get their output buffers: fresh Float64Arrays, or — while a reverse-mode
 * recording or backward pass runs — views carved from shared slabs.
 *
 * A `new Float64Array(n)` of more than 8 elements gets its own ArrayBuffer: an allocation outside
 * the JavaScript heap, bookkeeping for the garbage collector, and external-memory pressure that
 * makes collections more frequent. On the bench machine that is about 1.5 µs for 256 elements and
 * 3.7 µs for 2,025 (a 45×45 matrix) — more than the arithmetic of a 16×16 product. A gradient of a
 * loop of small tensor ops makes thousands of such temporaries. Inside a recording (`record`, the
 * engine under grad/vjp/checkpoint/scan) and its backward pass, kernels instead take consecutive
 * views of one 256 kB slab until it is used up: a view costs a small object, and the slab's memory
 * is already zeroed. A slab is freed when the last view into it is garbage; every buffer is used
 * once, never recycled, so no value can be overwritten.
 *
 * The cost is retention: one view kept alive keeps its whole slab. So results leaving a recording
 * (gradients, vjp outputs) are copied out of slabs (`detach`), and only mid-sized buffers
 * (9…4,096 elements) come from slabs — smaller ones are cheap on-heap arrays, larger ones are
 * worth their own allocation. A tensor the user stashes from inside a differentiated function
 * (say, in an outer variable) can still hold a slab; that is memory, never a wrong value.
 */

import { Tensor } from './tensor.js';

/** Slab size in elements (256 kB) and the range of requests served from slabs. */
const SLAB = 32768;
const MIN = 9;
const MAX = 4096;

let slab = new Float64Array(0);
let offset = 0;
/** The slabs' buffers (weakly: a slab is still freed with its last view). */
const slabBuffers = new WeakSet<ArrayBufferLike>();
/** > 0 while a recording or backward pass runs. */
let depth = 0;

/** A zero-filled Float64Array of n elements, from a slab inside recordings. @internal */
export function allocF64(n: number): Float64Array {
  if (depth === 0 || n < MIN || n > MAX) return new Float64Array(n);
  if (offset + n > slab.length) {
    slab = new Float64Array(SLAB);
    slabBuffers.add(slab.buffer);
    offset = 0;
  }
  const view = slab.subarray(offset, offset + n);
  offset += n;
  return view;
}

/** Runs `fn` with slab allocation on (nests). @internal */
export function inArena<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/** Whether `data` is a view into a slab, so keeping it would keep the whole slab. @internal */
export function isSlabView(data: Float64Array): boolean {
  return slabBuffers.has(data.buffer);
}

/**
 * A plain tensor whose buffer is a slab view, copied to a buffer of its own; anything else as is.
 * For results that leave a recording or a replay (so keeping them never keeps a slab). @internal
 */
export function detach(t: Tensor): Tensor {
  if (t.trace !== null || t.buffer === null || !isSlabView(t.buffer)) return t;
  return new Tensor(t.buffer.slice(), t.shape);
}
