/**
 * @file A minimal WebAssembly binary encoder: the few sections and instructions the SIMD kernels
 * use, so the kernels are built from this source at load time (no prebuilt .wasm files).
 * Reference: the WebAssembly core specification, "Binary Format", and the SIMD proposal's opcodes.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

export const I32 = 0x7f;
export const V128 = 0x7b;
export const F64 = 0x7c;

/** Instructions, each as its bytes. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeS: [0x4e],
  // For eigh's reduction row loops (./rotations.ts): i32 subtract, and, shift; scalar float64
  // load/store (alignment 2^3, byte offset) and arithmetic; a one-armed if; a v128's lane as float64.
  i32Sub: [0x6b],
  i32And: [0x71],
  i32ShrU: [0x76],
  f64Load: (offset: number) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  if: [0x04, 0x40],
  f64x2ExtractLane: (lane: number) => [0xfd, ...uleb(33), lane],
  /** block / loop with no result, their end, branch and conditional branch to a label depth. */
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  // SIMD (prefix 0xfd); memory operands carry alignment 2^3 and a byte offset.
  v128Load: (offset: number) => [0xfd, ...uleb(0), 3, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(11), 3, ...uleb(offset)],
  v128Load64Splat: (offset: number) => [0xfd, ...uleb(10), 3, ...uleb(offset)],
  f64x2Splat: [0xfd, ...uleb(20)],
  f64x2Add: [0xfd, ...uleb(240)],
  f64x2Mul: [0xfd, ...uleb(242)],
  // For the transcendental kernels (./vmath.ts): i32 unsigned compare, constants, bitwise ops,
  // lane-wise compares (all-ones where true), rounding, and the 64-bit integer shifts that move
  // an exponent into or out of a double's bits.
  i32GeU: [0x4f],
  /** v128.const with both lanes the float64 `v` (for a bit pattern, give `bits` as a bigint). */
  f64x2Const: (v: number) => [0xfd, ...uleb(12), ...lanes(v)],
  i64x2Const: (bits: bigint) => [0xfd, ...uleb(12), ...lanes(bits)],
  v128And: [0xfd, ...uleb(78)],
  v128Or: [0xfd, ...uleb(80)],
  /** bitselect(a, b, mask): a where mask bits are set, b elsewhere (operands pushed in that order). */
  v128Bitselect: [0xfd, ...uleb(82)],
  f64x2Eq: [0xfd, ...uleb(71)],
  f64x2Ne: [0xfd, ...uleb(72)],
  f64x2Lt: [0xfd, ...uleb(73)],
  f64x2Gt: [0xfd, ...uleb(74)],
  f64x2Le: [0xfd, ...uleb(75)],
  f64x2Ge: [0xfd, ...uleb(76)],
  f64x2Floor: [0xfd, ...uleb(117)],
  f64x2Trunc: [0xfd, ...uleb(122)],
  f64x2Abs: [0xfd, ...uleb(236)],
  f64x2Neg: [0xfd, ...uleb(237)],
  f64x2Nearest: [0xfd, ...uleb(148)],
  i64x2Shl: [0xfd, ...uleb(203)],
  i64x2ShrU: [0xfd, ...uleb(205)],
  f64x2Sub: [0xfd, ...uleb(241)],
  f64x2Div: [0xfd, ...uleb(243)],
  /** Lane-wise min / max; a NaN operand gives NaN (unlike pmin / pmax). */
  f64x2Min: [0xfd, ...uleb(244)],
  f64x2Max: [0xfd, ...uleb(245)],
  /** i8x16.shuffle: 16 bytes picked from two v128s (indices 0–15 the first, 16–31 the second). */
  i8x16Shuffle: (lanes: readonly number[]) => [0xfd, ...uleb(13), ...lanes],
};

/** The 16 little-endian bytes of a v128 whose two 64-bit lanes are `v` (a float64, or raw bits). */
function lanes(v: number | bigint): number[] {
  const lane = new DataView(new ArrayBuffer(8));
  if (typeof v === 'bigint') lane.setBigUint64(0, v, true);
  else lane.setFloat64(0, v, true);
  const bytes = Array.from(new Uint8Array(lane.buffer));
  return [...bytes, ...bytes];
}

/** A function of a module: exported as `name`, with i32 parameters `params`, locals `locals` ([count, type] runs) and body `code` (without the final end). */
export interface FunctionSource {
  name: string;
  params: number;
  locals: Array<[number, number]>;
  code: number[];
}

/**
 * A module importing its memory as `env.memory` and exporting the function `fn` — or each of
 * the functions `fn`, function i of type i (no result).
 */
export function moduleBytes(fn: FunctionSource | FunctionSource[], sharedMaxPages?: number): Uint8Array<ArrayBuffer> {
  const fns = Array.isArray(fn) ? fn : [fn];
  const type = section(1, vec(fns.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0])));
  // Memory limits: flag 0 (minimum 0, no maximum); with sharedMaxPages, flag 3 (shared, which
  // needs a maximum) for worker threads (../../threads/pool.ts).
  const limits = sharedMaxPages === undefined ? [0x00, 0x00] : [0x03, 0x00, ...uleb(sharedMaxPages)];
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const funcs = section(3, vec(fns.map((_, i) => uleb(i))));
  const exports = section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const bodies = fns.map((f) => {
    const body = [...vec(f.locals.map(([count, t]) => [...uleb(count), t])), ...f.code, ...op.end];
    return [...uleb(body.length), ...body];
  });
  const code = section(10, vec(bodies));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}
