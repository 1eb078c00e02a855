/**
 * @file Generated loops of recorded programs (jit/programLoops.ts): each op's generated
 * expression equals the interpreter bit for bit, on special values too; loops are found with
 * their prologue and epilogue left to the interpreter; a stride-0 input inside the loop is not
 * hoisted.
 */
import { describe, expect, it } from 'vitest';
import { SCALAR_OPS, runScalars, scalarArity } from '../src/core/scalarOps.js';
import { compileLoop, findLoops } from '../src/jit/programLoops.js';

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-300, -1e-300, 5e-324, 1, -1, 0.5, -2.5, 3, 700, -700, 1e308, Math.PI, -1e-8];

/** A program: 64 input slots (values), then `copies` of a one-slot body reading slots i and 63 − i. */
function singleOpProgram(code: number, copies: number) {
  const n = 64 + copies;
  const c = new Uint8Array(n), a = new Int32Array(n), b = new Int32Array(n);
  c.fill(250, 0, 64); // not scalar ops: the inputs
  for (let i = 0; i < copies; i++) {
    c[64 + i] = code;
    a[64 + i] = i;
    b[64 + i] = scalarArity(code) === 2 ? 63 - i : i;
  }
  const v = new Float64Array(n);
  for (let i = 0; i < 64; i++) v[i] = SPECIAL[i % SPECIAL.length]! * (i < SPECIAL.length ? 1 : (i % 7) - 3.25);
  return { c, a, b, v };
}

/** The bytes of x with every NaN as one (ECMAScript leaves NaN's bits unspecified; −0 stays apart from 0). */
const bits = (x: Float64Array) => Array.from(new Uint8Array(x.map((e) => (Number.isNaN(e) ? NaN : e)).buffer));

/** Every slot read after the end: nothing stays in registers, so every slot can be compared. */
const allKept = (n: number) => new Int32Array(n).fill(n);

/** The last reader of each slot, as Program computes it, with `outputs` read at the end. */
function lastReadOf(c: Uint8Array, a: Int32Array, b: Int32Array, outputs: number[]): Int32Array {
  const last = new Int32Array(c.length).fill(-1);
  for (let k = 0; k < c.length; k++) {
    if (c[k]! < 32) {
      last[a[k]!] = k;
      last[b[k]!] = k;
    }
  }
  for (const o of outputs) last[o] = c.length;
  return last;
}

/**
 * Slots 0, 1: inputs (0.3, 0.9). Prologue: 2 = sin(slot 0). Body, copy i at 3 + 3i: tanh of the
 * previous carry, times slot 1, plus the previous carry (the new carry). `tail` slots follow.
 */
function period3Program(copies: number, tail: number) {
  const n = 3 + 3 * copies + tail;
  const c = new Uint8Array(n), a = new Int32Array(n), b = new Int32Array(n);
  c[0] = c[1] = 250;
  c[2] = SIN; a[2] = b[2] = 0;
  for (let i = 0; i < copies; i++) {
    const k = 3 + 3 * i, prev = k - 1;
    c[k] = TANH; a[k] = b[k] = prev;
    c[k + 1] = MUL; a[k + 1] = k; b[k + 1] = 1;
    c[k + 2] = ADD; a[k + 2] = k + 1; b[k + 2] = prev;
  }
  const v = new Float64Array(n).fill(-7); // stale values where registers are not written back
  v[0] = 0.3;
  v[1] = 0.9;
  return { n, c, a, b, v };
}
const [ADD, MUL, TANH, SIN, SQUARE] = ['add', 'mul', 'tanh', 'sin', 'square'].map((name) => SCALAR_OPS.get(name)!.code) as [number, number, number, number, number];

/** Interprets [2, n) into one copy of v, and into another runs the prologue, the loop at 3, and the rest. */
function interpretedAndGenerated(p: ReturnType<typeof period3Program>, copies: number, lastRead: Int32Array) {
  const { n, c, a, b, v } = p;
  const interpreted = v.slice();
  runScalars(c, a, b, interpreted, 2, n);
  const generated = v.slice();
  runScalars(c, a, b, generated, 2, 3);
  const loop = compileLoop(c, a, b, 3, 3, copies, lastRead)!;
  loop.fn(generated, loop.bases, loop.count);
  runScalars(c, a, b, generated, 3 + 3 * copies, n);
  return { interpreted, generated };
}

describe('generated loops', () => {
  it.each([...SCALAR_OPS].map(([name, { code }]) => ({ name, code })))('$name: the generated loop equals the interpreter bit for bit', ({ code }) => {
    const { c, a, b, v } = singleOpProgram(code, 64);
    const [loop] = findLoops(c, a, b, 64, c.length);
    expect(loop).toEqual({ start: 64, period: 1, count: 64 });
    const compiled = compileLoop(c, a, b, 64, 1, 64, allKept(c.length))!;
    expect(compiled).not.toBeNull();
    const interpreted = v.slice();
    runScalars(c, a, b, interpreted, 64, c.length);
    const generated = v.slice();
    compiled.fn(generated, compiled.bases, compiled.count);
    expect(bits(generated)).toEqual(bits(interpreted));
  });

  it('finds a period-3 body between a prologue and an epilogue, and replays it exactly', () => {
    const copies = 40;
    const p = period3Program(copies, 2);
    const { n, c, a, b } = p;
    c[n - 2] = SIN; a[n - 2] = b[n - 2] = n - 3; // epilogue, then a slot reading copy 0's first value
    c[n - 1] = ADD; a[n - 1] = 3; b[n - 1] = n - 2;
    expect(findLoops(c, a, b, 2, n)).toEqual([{ start: 3, period: 3, count: copies }]);
    const { interpreted, generated } = interpretedAndGenerated(p, copies, allKept(n));
    expect(bits(generated)).toEqual(bits(interpreted));
  });

  it('an input every copy reads from inside the loop (stride 0) is read after copy 0 writes it', () => {
    // Copy i at 2 + 2i: neg(slot 0 + i·0)… reads slot 2 (copy 0's first value) in every copy.
    const copies = 40;
    const n = 2 + 2 * copies;
    const c = new Uint8Array(n), a = new Int32Array(n), b = new Int32Array(n);
    c[0] = c[1] = 250;
    for (let i = 0; i < copies; i++) {
      const k = 2 + 2 * i;
      c[k] = SQUARE; a[k] = b[k] = k - 1; // square of the previous copy's sum (slot 1 for copy 0)
      c[k + 1] = ADD; a[k + 1] = k; b[k + 1] = i === 0 ? 2 : 2; // + copy 0's square, in every copy
    }
    b[3] = 2;
    const [found] = findLoops(c, a, b, 2, n);
    expect(found).toEqual({ start: 2, period: 2, count: copies });
    const v = new Float64Array(n);
    v[1] = 0.5;
    const interpreted = v.slice();
    runScalars(c, a, b, interpreted, 2, n);
    const generated = v.slice();
    const loop = compileLoop(c, a, b, 2, 2, copies, allKept(n))!;
    loop.fn(generated, loop.bases, loop.count);
    expect(bits(generated)).toEqual(bits(interpreted));
    expect(generated[3]).toBe(0.5); // 0.25 + 0.25, not 0.25 + 0 (a hoisted, unwritten slot 2)
  });

  it('values read only by their own copy or the next stay in registers; the rest reach memory exactly', () => {
    const copies = 40;
    const p = period3Program(copies, 1);
    const { n, c, a, b } = p;
    c[n - 1] = ADD; a[n - 1] = 3 + 3 * 5; b[n - 1] = n - 2; // copy 5's tanh and the last carry
    const { interpreted, generated } = interpretedAndGenerated(p, copies, lastReadOf(c, a, b, [n - 1]));
    expect(generated[n - 1]).toBe(interpreted[n - 1]);
    for (let i = 0; i < copies; i++) {
      const k = 3 + 3 * i;
      expect(generated[k]).toBe(interpreted[k]); // tanh: read after the loop (copy 5), so every copy is kept
      expect(generated[k + 1]).toBe(-7); // the product: read by its own copy only, a register
      // The carry: read by the next copy, and the last one after the loop, so only that one is written.
      expect(generated[k + 2]).toBe(i === copies - 1 ? interpreted[k + 2] : -7);
    }
  });

  it('short or irregular runs are left to the interpreter', () => {
    const { c, a, b } = singleOpProgram(SCALAR_OPS.get('add')!.code, 20); // 20 slots: under the minimum
    expect(findLoops(c, a, b, 64, c.length)).toEqual([]);
    const irregular = singleOpProgram(SCALAR_OPS.get('add')!.code, 64);
    for (let i = 0; i < 64; i += 3) irregular.a[64 + i] = (i * 7) % 64; // inputs no longer affine
    expect(findLoops(irregular.c, irregular.a, irregular.b, 64, irregular.c.length).every((l) => l.period * l.count < 64)).toBe(true);
  });
});
