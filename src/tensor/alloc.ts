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

let slab = new ArrayBuffer(0);
let offset = 0;
/** The slabs' buffers (weakly: a slab is still freed with its last view). */
const slabBuffers = new WeakSet<ArrayBufferLike>();
/** > 0 while a recording or backward pass runs. */
let depth = 0;

/** A zero-filled Float64Array of n elements, from a slab inside recordings. @internal */
export function allocF64(n: number): Float64Array {
  if (depth === 0 || n < MIN || n > MAX) return new Float64Array(n);
  if (offset + n > slab.byteLength / 8) {
    slab = new ArrayBuffer(SLAB * 8);
    slabBuffers.add(slab);
    offset = 0;
  }
  // The constructor over the buffer, not slab.subarray: half the time (about 40 against 80 ns).
  const view = new Float64Array(slab, offset * 8, n);
  offset += n;
  return view;
}

/** Node's Buffer, if the runtime has one: its allocUnsafeSlow gives memory that is not zero-filled. */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow?: (size: number) => Uint8Array } }).Buffer;
/**
 * The most bytes to ask of Buffer.allocUnsafeSlow: 2^32, its limit on Node 20 (buffer.constants.MAX_LENGTH;
 * later Nodes allow more), below the 2^32 float64s (2^35 bytes) a tensor may hold. Above it
 * allocUnsafeSlow throws Node's RangeError [ERR_OUT_OF_RANGE], which every elementwise op on more
 * than 2^29 entries passed on (bincount([1e9]) among them); there a plain Float64Array serves (large
 * ones are mapped lazily, so their zero fill costs little).
 */
const NODE_BUFFER_MAX_BYTES = 2 ** 32;

/**
 * A Float64Array of n elements for a kernel that writes every one of them before anything reads
 * it: its contents on return are unspecified. Above the slabs' range, where the runtime offers it
 * (Node's Buffer.allocUnsafeSlow: an ArrayBuffer of its own, at offset 0) the memory is not
 * zero-filled: zeroing a fresh array is a whole extra pass over its memory, and for an elementwise
 * op it is most of the cost beside the op's own pass (tanh(x + b) over 32,768 entries, or a
 * 784×256 weight gradient copied out of the product kernel). Elsewhere (browsers, short arrays,
 * slabs, which are zeroed already) it is `allocF64`. Never for a kernel that accumulates into its
 * output or writes only some entries. @internal
 */
export function uninitializedF64(n: number): Float64Array {
  if (poisoned) return new Float64Array(n).fill(NaN);
  if (n > MAX && n * 8 <= NODE_BUFFER_MAX_BYTES && typeof nodeBuffer?.allocUnsafeSlow === 'function') {
    const bytes = nodeBuffer.allocUnsafeSlow(n * 8);
    if (bytes.byteOffset % 8 === 0 && bytes.byteLength === n * 8) return new Float64Array(bytes.buffer, bytes.byteOffset, n);
  }
  return allocF64(n);
}

let poisoned = false;

/**
 * For tests: while on, every `uninitializedF64` array, of any length, starts as NaN, so a kernel
 * that reads its output before writing it, or leaves an entry unwritten, shows it. @internal
 */
export function poisonUninitialized(on: boolean): void {
  poisoned = on;
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
  // Slabs serve MIN elements and more. Shorter arrays are not looked at: V8 keeps a typed array of
  // up to 64 bytes inside its object, and reading `.buffer` moves it out — an allocation and a copy
  // (about 0.3 µs; every scalar loss value that leaves a gradient passed here). A shorter view cut
  // from a slab (none is made today) would only keep its slab alive, never change a value.
  if (data.length < MIN) return false;
  const buffer = data.buffer;
  // Every slab is SLAB float64s: a buffer of another length is not one, without the weak set's lookup
  // (a gradient of 200 matrices asks 200 times).
  return buffer.byteLength === SLAB * 8 && slabBuffers.has(buffer);
}

/**
 * A plain tensor whose buffer is a slab view, copied to a buffer of its own; anything else as is.
 * For results that leave a recording or a replay (so keeping them never keeps a slab). @internal
 */
export function detach(t: Tensor): Tensor {
  if (!inSlab(t)) return t;
  return new Tensor(t.buffer!.slice(), t.shape);
}

const inSlab = (x: unknown): x is Tensor => x instanceof Tensor && x.trace === null && x.buffer !== null && isSlabView(x.buffer);

/**
 * `detach` for the results of one call together (the leaves of a gradient, of a replay's
 * outputs): the slab views among them copied into shared buffers of at most SLAB float64s, each
 * such result a view of its own run of one, so many small cotangents cost one allocation, not one
 * each — 200 gradients of 4×4 factors took 200 buffers (about 1.5 µs each), six times the rest of
 * the chain's value and gradient. A result kept keeps its buffer, no more than a slab view
 * would have; anything not in a slab is returned as is. @internal
 */
export function detachAll<T>(xs: readonly T[]): T[] {
  let count = 0;
  for (const x of xs) if (inSlab(x)) count++;
  if (count === 0) return xs.slice();
  if (count === 1) return xs.map((x) => (inSlab(x) ? (detach(x) as T) : x));
  const out = xs.slice();
  let shared = new Float64Array(0), at = 0;
  for (let i = 0; i < out.length; i++) {
    const x = out[i];
    if (!inSlab(x)) continue;
    const values = x.buffer!;
    if (at + values.length > shared.length) {
      // Room for this result and the slab views after it, up to SLAB (each is at most MAX ≤ SLAB).
      let size = 0;
      for (let j = i; j < out.length; j++) {
        const y = out[j];
        if (!inSlab(y)) continue;
        if (size + y.buffer!.length > SLAB) break;
        size += y.buffer!.length;
      }
      shared = new Float64Array(size); // filled below, run by run
      at = 0;
    }
    const run = new Float64Array(shared.buffer, at * 8, values.length);
    run.set(values);
    at += values.length;
    out[i] = new Tensor(run, x.shape) as T;
  }
  return out;
}
