/**
 * @file Rolled loops in recorded programs: runs of 0-d ops that repeat with a fixed period are
 * compiled to a JavaScript loop, so replaying them costs what the hand-written loop costs.
 *
 * A user's loop of T steps records T copies of its body: the same op codes with input slots that
 * move by a fixed stride from one copy to the next (the previous step's value, a weight that
 * never moves, the forward value a backward step reads, stepping backwards). `findLoops` finds
 * such runs — period p, count c, and per input an affine slot base + i·stride — and
 * `compileLoop` generates one function per body shape with `new Function`, the body spelled out
 * with the expressions of `scalarExpression` (bit for bit those of the interpreter). Where code
 * generation is not allowed (a Content-Security-Policy without 'unsafe-eval'), or a run does not
 * repeat, the interpreter (`runScalars`) runs it.
 */
import { scalarArity, scalarExpression, scalarForward } from './scalarTape.js';

/** Periods tried, and the fewest repetitions (and slots) worth a generated loop. */
const MAX_PERIOD = 128;
const MIN_REPEATS = 4;
const MIN_SLOTS = 32;

/** A generated loop body: runs `n` copies starting at o[0], input bases o[1…]. */
export type LoopFn = (v: Float64Array, o: Int32Array, n: number) => void;

/** One rolled loop of a program. */
export interface ScalarLoop {
  readonly start: number;
  readonly period: number;
  readonly count: number;
  /** o[0] = start; then, per input of each body slot in order, its slot in the first copy. */
  readonly bases: Int32Array;
  readonly fn: LoopFn;
}

/** Compiled bodies by shape (period, codes, strides), shared across programs. */
const compiled = new Map<string, LoopFn | null>();
let codegenAvailable: boolean | null = null;

/** Whether `new Function` works here (it does not under a CSP without 'unsafe-eval'). */
function canGenerate(): boolean {
  if (codegenAvailable === null) {
    try {
      codegenAvailable = new Function('return 1')() === 1;
    } catch {
      codegenAvailable = false;
    }
  }
  return codegenAvailable;
}

/**
 * Copy `count` of a body of period p starting at `start` repeats copy 0's codes, and each input
 * moves by `strides` from copy to copy.
 */
function repeats(code: Uint8Array, a: Int32Array, b: Int32Array, start: number, p: number, count: number, sa: Int32Array, sb: Int32Array): boolean {
  const k0 = start + count * p;
  for (let j = 0; j < p; j++) {
    const k = k0 + j;
    if (code[k] !== code[start + j]) return false;
    if (a[k]! - a[k - p]! !== sa[j]) return false;
    if (b[k]! - b[k - p]! !== sb[j]) return false;
  }
  return true;
}

/**
 * Rolled loops within [from, to), a run of scalar slots: at each position the smallest period
 * whose body repeats at least MIN_REPEATS times with affine inputs, extended as far as it holds.
 */
export function findLoops(code: Uint8Array, a: Int32Array, b: Int32Array, from: number, to: number): Array<{ start: number; period: number; count: number }> {
  const loops: Array<{ start: number; period: number; count: number }> = [];
  let k = from;
  while (k + MIN_REPEATS <= to) {
    let found = false;
    const maxP = Math.min(MAX_PERIOD, Math.floor((to - k) / MIN_REPEATS));
    for (let p = 1; p <= maxP && !found; p++) {
      let same = true;
      for (let j = 0; j < p && same; j++) same = code[k + j] === code[k + p + j];
      if (!same) continue;
      const sa = new Int32Array(p), sb = new Int32Array(p);
      for (let j = 0; j < p; j++) {
        sa[j] = a[k + p + j]! - a[k + j]!;
        sb[j] = b[k + p + j]! - b[k + j]!;
      }
      let count = 2;
      while (k + (count + 1) * p <= to && repeats(code, a, b, k, p, count, sa, sb)) count++;
      if (count >= MIN_REPEATS && count * p >= MIN_SLOTS) {
        loops.push({ start: k, period: p, count });
        k += count * p;
        found = true;
      }
    }
    if (!found) k++;
  }
  return loops;
}

/** The generated function for the loop at `start`, or null where code generation is unavailable. */
export function compileLoop(code: Uint8Array, a: Int32Array, b: Int32Array, start: number, period: number, count: number): ScalarLoop | null {
  if (!canGenerate()) return null;
  const bases: number[] = [start];
  const shape: string[] = [String(period)];
  const inputs: Array<{ stride: number; hoist: boolean }> = [];
  for (let j = 0; j < period; j++) {
    const k = start + j;
    const c = code[k]!;
    shape.push(String(c));
    const ins = scalarArity(c) === 2 ? [a, b] : [a];
    for (const col of ins) {
      const stride = count > 1 ? col[k + period]! - col[k]! : 0;
      // A stride-0 input before the loop (a weight every copy reads) is loaded once; one inside
      // it (every copy reads copy 0's value) is read in the body, after copy 0 wrote it.
      const hoist = stride === 0 && col[k]! < start;
      inputs.push({ stride, hoist });
      bases.push(col[k]!);
      shape.push(hoist ? 'h' : `${stride}`);
    }
    shape.push(';');
  }
  const key = shape.join(' ');
  let fn = compiled.get(key);
  if (fn === undefined) {
    fn = generate(code, start, period, inputs);
    if (compiled.size > 4096) compiled.clear();
    compiled.set(key, fn);
  }
  return fn === null ? null : { start, period, count, bases: Int32Array.from(bases), fn };
}

/** The source of one body shape: per input its stride, or `hoist` to load it once before the loop. */
function generate(code: Uint8Array, start: number, period: number, inputs: ReadonlyArray<{ stride: number; hoist: boolean }>): LoopFn | null {
  const head: string[] = ['let k = o[0];'];
  const body: string[] = [];
  const tail: string[] = [];
  let m = 0;
  for (let j = 0; j < period; j++) {
    const c = code[start + j]!;
    const names: string[] = [];
    for (let q = 0; q < scalarArity(c); q++, m++) {
      const { stride: s, hoist } = inputs[m]!;
      if (hoist) {
        head.push(`const c${m} = v[o[${m + 1}]];`);
        names.push(`c${m}`);
      } else {
        head.push(`let p${m} = o[${m + 1}];`);
        body.push(`const x${m} = v[p${m}];`);
        if (s !== 0) tail.push(`p${m} += ${s};`);
        names.push(`x${m}`);
      }
    }
    body.push(`v[k + ${j}] = ${scalarExpression(c, names[0]!, names[1] ?? names[0]!)};`);
  }
  const src = `${head.join('\n')}\nfor (let i = 0; i < n; i++) {\n${body.join('\n')}\n${tail.join(' ')}\nk += ${period};\n}`;
  try {
    return new Function('sf', `"use strict"; return function rolledLoop(v, o, n) {\n${src}\n};`)(scalarForward) as LoopFn;
  } catch {
    return null;
  }
}
