/** @file Buffers carved one after another from chunks of 256 kB: the outputs of a matrix chain (its prefixes, its cotangents) without a fresh array per small matrix. */
import { uninitializedF64 } from '../alloc.js';

/**
 * Chunk size in elements (256 kB, as the slabs of ../alloc.ts). The outputs of a chain — its
 * prefixes, its cotangents — are consecutive places in chunks of this size (a matrix of more than
 * half a chunk gets its own buffer): a fresh Float64Array per small matrix costs more than a 16×16
 * product (see ../alloc.ts), while one buffer for the whole chain (6.5 MB for 200 matrices 64×64)
 * is fresh memory from the operating system on every call, whose page faults cost about a sixth
 * of the products; buffers of this size are recycled by the allocator once collected. (64 kB
 * chunks, twice as many buffers, measured up to 1.8× slower at 64×64 next to other allocations.)
 */
export const CHUNK = 32768;

/**
 * Buffers carved one after another from chunks, named by (buffer, offset) so that no view is
 * made. `total` is how many elements will be reserved in all: no chunk is larger than what is
 * left of it. A chunk is fresh memory whose contents are unspecified (`uninitializedF64`: every
 * user writes each place it reserves before reading it — a product written, not added to, or a
 * copy — so zeroing 6.5 MB of cotangents at 64×64 would be a pass over memory for nothing), or one
 * of `spares` of the same length (used memory: `reused` says so); `made` lists them.
 */
export class Chunks {
  chunk: Float64Array = new Float64Array(0);
  offset = 0;
  reused = false;
  readonly made: Float64Array[] = [];

  constructor(private left: number, private readonly spares: Float64Array[] = []) {}

  /** Reserves n elements: afterwards they are `this.chunk` from `this.offset − n` (returned). */
  reserve(n: number): number {
    this.left -= n;
    if (n > CHUNK / 2) {
      this.next(n);
      this.offset = n;
      return 0;
    }
    if (this.offset + n > this.chunk.length) {
      this.next(Math.min(CHUNK, n + Math.max(this.left, 0)));
      this.offset = 0;
    }
    this.offset += n;
    return this.offset - n;
  }

  private next(size: number): void {
    const spare = takeSpare(this.spares, size);
    this.reused = spare !== null;
    this.chunk = spare ?? uninitializedF64(size);
    this.made.push(this.chunk);
  }

  /** n elements as a view (a typed-array view costs less than a fresh buffer, but not nothing). */
  take(n: number): Float64Array {
    const off = this.reserve(n);
    return off === 0 && n === this.chunk.length ? this.chunk : new Float64Array(this.chunk.buffer, this.chunk.byteOffset + off * 8, n);
  }
}

/** One of `spares` of exactly `size` elements, taken out of the list, or null where none is. @internal */
export function takeSpare(spares: Float64Array[], size: number): Float64Array | null {
  const i = spares.findIndex((c) => c.length === size);
  return i < 0 ? null : spares.splice(i, 1)[0]!;
}
