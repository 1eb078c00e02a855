/** @file Native products gathered and run in one call into the addon (native/gemmCalls.cc's gemmMany). */
import { nativeGemmMany } from './nativeGemm.js';
import { nativeListThreads } from '../wasm/gemm.js';

/**
 * Native products gathered, then run in order in one call into the addon (native/gemmCalls.cc's
 * gemmMany): a later product may read what an earlier one wrote. Each is the product `gemm` would
 * compute with the same numbers — the same bits as one call each — without a call's cost per
 * product (0.3–0.4 µs, a fifth of a 32³ product's time; a chain's value and gradient made 600).
 * A list of large enough products runs on the configured threads, those that share no memory at
 * once (each product's bits are its own, whichever thread runs it).
 * Null from `nativeProductList` where the addon is not loaded, off, or too old to have it. @internal
 */
export class ProductList {
  private readonly arrays: Float64Array[] = [];

  constructor(private readonly many: NonNullable<ReturnType<typeof nativeGemmMany>>) {}

  private numbers = new Float64Array(2 + EACH * 32);
  private count = 0;
  private work = 0;
  private recent: Float64Array | null = null;
  private recentAt = -1;

  /** C[m,n] (+)= op(A)·op(B), as `NativeProduct` (row lengths lda, ldb, ldc; `fresh`: C is only written). */
  add(
    a: Float64Array, aOff: number, lda: number, b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number,
    m: number, k: number, n: number, transA: boolean, transB: boolean, fresh: boolean, threads: number,
  ): void {
    if (2 + EACH * (this.count + 1) > this.numbers.length) {
      const more = new Float64Array(2 * this.numbers.length);
      more.set(this.numbers);
      this.numbers = more;
    }
    const v = this.numbers, at = 2 + EACH * this.count++;
    v[at] = this.place(a); v[at + 1] = aOff; v[at + 2] = lda;
    v[at + 3] = this.place(b); v[at + 4] = bOff; v[at + 5] = ldb;
    v[at + 6] = this.place(c); v[at + 7] = cOff; v[at + 8] = ldc;
    v[at + 9] = m; v[at + 10] = k; v[at + 11] = n;
    v[at + 12] = +transA; v[at + 13] = +transB; v[at + 14] = +fresh; v[at + 15] = threads;
    this.work += m * k * n;
  }

  /** Runs the products added, in order, and empties the list (also where the addon refuses them). */
  run(): void {
    if (this.count === 0) return;
    this.numbers[0] = this.count;
    this.numbers[1] = this.many.steps;
    try {
      this.many.run(this.arrays, this.numbers, nativeListThreads(this.work, this.count));
    } finally {
      this.count = 0;
      this.work = 0;
      this.arrays.length = 0;
      this.recent = null;
      this.recentAt = -1;
    }
  }

  /**
   * The array's index in `arrays`: one of the last WINDOW added, else added (an array listed twice
   * is harmless, only read twice; a Map's lookups cost 3% of a chain's value at 32×32). A chain's
   * sweep uses five arrays over and over (a prefix chunk, the two turns, the cotangents, the
   * factors), which a window of four missed every step: 400 arrays read for a chain of 200 (8% of
   * the sweep at 16×16). Its factors as separate arrays come once each.
   */
  private place(x: Float64Array): number {
    if (x === this.recent) return this.recentAt;
    const arrays = this.arrays, last = arrays.length - WINDOW;
    let at = arrays.length - 1;
    while (at >= 0 && at >= last && arrays[at] !== x) at--;
    if (at < 0 || at < last) {
      at = arrays.length;
      arrays.push(x);
    }
    this.recent = x;
    this.recentAt = at;
    return at;
  }
}

/** How many of the arrays added last ProductList looks through for one it was given before. */
const WINDOW = 8;

/** Numbers per product in ProductList's array: three operands' index, offset and row length, m, k, n, the flags and the threads. */
const EACH = 16;

/** An empty ProductList where the native kernel is loaded and on and the addon has gemmMany, else null. @internal */
export function nativeProductList(): ProductList | null {
  const many = nativeGemmMany();
  return many === null ? null : new ProductList(many);
}

