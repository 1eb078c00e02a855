/**
 * @file Packing B for the WebAssembly gemm kernel: op(B)'s columns in strips of four, each a
 * contiguous run of k rows, built by a WebAssembly pass over a copy of B as stored; and the rule
 * for when a product packs (./gemm.ts runs both).
 */
import { op } from './encode.js';
import type { Layout } from './staging.js';

// The packing kernel's parameters: byte addresses of op(B) as stored and of its packed strips, the
// number of strips, k, and the bytes between B's stored rows (n·8; k·8 when B is stored transposed,
// [n, k]). Locals: strip, step, source and destination addresses, and four rows (transposed B).
const SRC = 0, DST = 1, STRIPS = 2, DEPTH = 3, ROW = 4;
const S = 5, PP = 6, PS = 7, PD = 8, R = 9;

/**
 * Packs op(B)'s first 4·STRIPS columns into strips: strip s holds columns 4s…4s+3 as k rows of
 * four, contiguous (the gemm kernel's B[0, j] at DST + j·k·8, its next row 32 bytes further),
 * where as stored a strip's k rows lie n·8 bytes apart. It reads a copy of B as stored in the
 * memory: two 16-byte moves per row of a strip; stored transposed ([n, k]), four rows of B give
 * two rows of a strip at a time, their lanes paired across rows by shuffles (an odd last row by
 * splat loads). On one thread the copy in (a memcpy) and this pass took 0.87× the time of
 * packing in a JavaScript loop from the tensor's array (W1's 784×256: 122 against 140 µs), and
 * the pass splits across threads by strips. A/B, whole products, one thread / two: W1's layer
 * 0.96 / 0.94 the time, 512³ 0.97 / 0.97. When packing pays: see `packs`.
 */
export function packCode(transB: boolean): number[] {
  const { get, set, i32 } = op;
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23], high = low.map((b) => b + 8);
  const rowAt = (c: number, load: number[]) => { // row c of the four at PS (+ c·ROW), loaded
    emit(get(PS));
    if (c > 0) emit(get(ROW), i32(c), op.i32Mul, op.i32Add);
    emit(load, set(R + c));
  };
  const pair = (x: number, y: number, lanes: number[], offset: number) => emit(get(PD), get(x), get(y), op.i8x16Shuffle(lanes), op.v128Store(offset));
  emit(i32(0), set(S), op.block, op.loop); // for each strip
  emit(get(S), get(STRIPS), op.i32GeS, op.brIf(1));
  emit(get(DST), get(S), get(DEPTH), op.i32Mul, i32(5), op.i32Shl, op.i32Add, set(PD)); // strip s at DST + s·k·32
  if (!transB) emit(get(SRC), get(S), i32(5), op.i32Shl, op.i32Add, set(PS)); // B[0, 4s]
  else emit(get(SRC), get(S), i32(2), op.i32Shl, get(ROW), op.i32Mul, op.i32Add, set(PS)); // stored row 4s
  emit(i32(0), set(PP), op.block, op.loop);
  if (!transB) { // one row of the strip: B[p, 4s…4s+3]
    emit(get(PP), get(DEPTH), op.i32GeS, op.brIf(1));
    emit(get(PD), get(PS), op.v128Load(0), op.v128Store(0), get(PD), get(PS), op.v128Load(16), op.v128Store(16));
    emit(get(PS), get(ROW), op.i32Add, set(PS), get(PD), i32(32), op.i32Add, set(PD));
    emit(get(PP), i32(1), op.i32Add, set(PP), op.br(0), op.end, op.end);
  } else { // rows p, p + 1 of the strip from stored rows 4s…4s+3 at columns p, p + 1
    emit(get(PP), i32(1), op.i32Add, get(DEPTH), op.i32GeS, op.brIf(1));
    for (let c = 0; c < 4; c++) rowAt(c, op.v128Load(0));
    pair(R, R + 1, low, 0); pair(R + 2, R + 3, low, 16); pair(R, R + 1, high, 32); pair(R + 2, R + 3, high, 48);
    emit(get(PS), i32(16), op.i32Add, set(PS), get(PD), i32(64), op.i32Add, set(PD));
    emit(get(PP), i32(2), op.i32Add, set(PP), op.br(0), op.end, op.end);
    emit(op.block, get(PP), get(DEPTH), op.i32GeS, op.brIf(0)); // k odd: the last row
    for (let c = 0; c < 4; c++) rowAt(c, op.v128Load64Splat(0));
    pair(R, R + 1, low, 0); pair(R + 2, R + 3, low, 16);
    emit(op.end);
  }
  emit(get(S), i32(1), op.i32Add, set(S), op.br(0), op.end, op.end);
  return code;
}

/** The pack kernels' signature: (source, destination, strips, k, bytes between stored rows). */
export type PackKernel = (src: number, dst: number, strips: number, k: number, row: number) => void;

/**
 * The pack kernel's arguments for a staged product (B as stored at `raw`, its strips at ob: the
 * kernel's B[0, j] at ob + j·k, its next row 4 further), and what one strip adds to each.
 */
export function packArgs({ k, np, ob, raw }: Layout, transB: boolean): { args: number[]; steps: number[] } {
  return { args: [raw * 8, ob * 8, np / 4, k, transB ? k * 8 : np * 8], steps: [transB ? 32 * k : 32, 32 * k, 0, 0, 0] };
}

/**
 * The pack kernel's arguments for op(A)'s panels (A as stored at 0, its panels at oa): panel s
 * holds rows 4s…4s+3 of op(A) as k runs of four — what the transposed gemm variant reads with
 * ROW_A 32 and I_SCALE k·8. A stored [m, k] is B stored [n, k] for the strips (packT); A stored
 * [k, m] (transA) is B stored [k, n] (pack). Its kernel: `transA ? pack : packT`.
 */
export function panelArgs({ k, mp, oa }: Layout, transA: boolean): { args: number[]; steps: number[] } {
  return { args: [0, oa * 8, mp / 4, k, transA ? mp * 8 : k * 8], steps: [transA ? 32 : 32 * k, 32 * k, 0, 0, 0] };
}

/**
 * Whether B is packed for a product: from 48 rows of C (each strip is then read by at least 12
 * blocks of four rows) and 4,096 entries of B. Unpacked, a strip's k rows lie n·8 bytes apart and
 * compete for a few cache sets wherever that is a multiple of a few hundred bytes, and the
 * hardware prefetcher sees k short runs instead of one. Measured on the bench machine, one thread,
 * packed ÷ as stored in interleaved rounds (plain / A transposed): W1's weight gradient
 * 784×128×256 0.88 / 0.84, 128×784×256 0.87, 256³ 0.78, 128×256×256 0.81 / 0.83, 300³ 0.89,
 * 784×128×100 0.75, 784×128×384 0.79, 128×384×384 0.87, 200×180×516 0.88, 64×512×128 0.90,
 * 256×16×256 0.80 / 0.80; level within ±7 % at 784×128×128, 256×256×128, 64³, 128×64×64 and
 * 48×96×96; lost at 32×128×256 (1.13), so not below 48 rows. (Until stop 31 only B with rows a
 * multiple of 2 kB apart and max(k, n) ≥ 512 were packed: W1's weight gradient, k·n = 32,768,
 * ran unpacked at 16 GFLOP/s.) A B stored transposed is gathered either way.
 */
export const packs = (m: number, k: number, n: number) => m >= packRows && k * n >= 1 << 12;
let packRows = 48;
/** Turns packing off (Infinity) or back on (48): tests compare both layouts. @internal */
export function setPackRows(rows: number): void {
  packRows = rows;
}

/**
 * Whether op(A) is packed into panels of four rows for a product (`panelArgs`): the kernel then
 * reads each block's A from one contiguous run (four splat loads at offsets 0…24 of one address)
 * instead of four rows k·8 bytes apart, or, for A stored [k, m], rows m·8 apart whose addresses
 * compete for a few cache sets. The kernel alone, one thread, on operands already in the memory
 * (AMD EPYC, Zen 2, 3.35 GHz): 16.7 GFLOP/s from panels at 128×784×256, against 15.5 with A as
 * stored and 12.7 with A stored transposed (12.9 at 256³) — at every size from 64×128×32 to 256³
 * within 2 %, so the kernel's arithmetic, not the caches, sets its pace there. Whole products
 * with the pack (interleaved rounds, one thread, a loaded machine): 0.93–0.97 of the time without
 * it at 128×784×256 (A as stored or transposed), W1's weight gradient 784×128×256, 256³ and 512³;
 * within noise at 64³ and 16×64×64; at n = 16…32 the pass over A costs about what it saves.
 * The same sums in the same order: the same bits either way.
 */
export const packsPanels = (m: number, k: number, n: number) => panelsOn && m >= 16 && n >= 48 && k >= 8;
let panelsOn = true;
/** Turns A's panels off or back on: tests compare both layouts. @internal */
export function setPackPanels(on: boolean): void {
  panelsOn = on;
}
