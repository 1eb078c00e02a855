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
};

/**
 * A module importing its memory as `env.memory` and exporting one function `name` with i32
 * parameters `params`, locals `locals` ([count, type] runs) and body `code` (without the final end).
 */
export function moduleBytes(fn: { name: string; params: number; locals: Array<[number, number]>; code: number[] }): Uint8Array<ArrayBuffer> {
  const type = section(1, vec([[0x60, ...vec(Array.from({ length: fn.params }, () => [I32])), 0]]));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]]));
  const funcs = section(3, vec([[0]]));
  const exports = section(7, vec([[...name(fn.name), 0x00, 0]]));
  const body = [...vec(fn.locals.map(([count, t]) => [...uleb(count), t])), ...fn.code, ...op.end];
  const code = section(10, vec([[...uleb(body.length), ...body]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}
