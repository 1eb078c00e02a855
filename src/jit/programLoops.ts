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
import { SCALAR_CONSTANT, scalarArity, scalarExpression, scalarForward } from '../core/scalarOps.js';
import { transientFailure } from '../core/transient.js';

/** Inputs a body slot reads: none for a constant (its value is in memory already). */
const arity = (code: number) => (code === SCALAR_CONSTANT ? 0 : scalarArity(code));

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
/** Whether generated loops may be used (ad.config({ codegen })). */
let codegenWanted = true;
/** Whether `new Function` works here: null until first needed. */
let codegenWorks: boolean | null = null;

/**
 * Whether loops are generated: turned on, and `new Function` works here (it does not under a CSP
 * without 'unsafe-eval', where the first try is reported as a violation; tried once, when first
 * needed). @internal
 */
export function codegenAvailable(): boolean {
  if (!codegenWanted) return false;
  if (codegenWorks === null) {
    try {
      codegenWorks = new Function('return 1')() === 1;
    } catch (e) {
      if (transientFailure(e)) return false; // this call only (../core/transient.ts)
      codegenWorks = false;
    }
  }
  return codegenWorks;
}

/**
 * Turns generated loops on or off for programs planned from now on (a program's first run plans
 * it; the interpreter runs what is not generated, with the same results bit for bit). @internal
 */
export function useCodegen(on: boolean): void {
  codegenWanted = on;
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

/**
 * How a body input reads its value: a weight loaded once before the loop ('hoist'), the value of
 * an earlier slot of the same copy ('same', position `at`), the previous copy's ('prev', position
 * `at`), or memory through a pointer moving by `stride` ('load').
 */
type InputKind = { kind: 'hoist' } | { kind: 'same'; at: number } | { kind: 'prev'; at: number } | { kind: 'load'; stride: number };

/**
 * The generated function for the loop at `start`, or null where code generation is unavailable.
 * `lastRead[s]` is the last slot reading slot s (the program's length for an output): a body
 * position whose every value is read only by its own copy or the next one stays in a local
 * variable and is never written to the numbers column.
 */
export function compileLoop(
  code: Uint8Array, a: Int32Array, b: Int32Array, start: number, period: number, count: number, lastRead: Int32Array,
): ScalarLoop | null {
  if (!codegenAvailable()) return null;
  const p = period, end = start + count * p;
  const bases: number[] = [start];
  const inputs: InputKind[] = [];
  const kept = new Uint8Array(p); // 1: the position's values go to memory
  for (let j = 0; j < p; j++) {
    const k = start + j;
    for (const col of arity(code[k]!) === 2 ? [a, b] : arity(code[k]!) === 1 ? [a] : []) {
      const base = col[k]!;
      const stride = count > 1 ? col[k + p]! - col[k]! : 0;
      const offset = base - start;
      bases.push(base);
      if (stride === p && offset >= 0 && offset < j) inputs.push({ kind: 'same', at: offset });
      else if (stride === p && offset >= -p && offset < 0) inputs.push({ kind: 'prev', at: offset + p });
      // A stride-0 input before the loop (a weight every copy reads) is loaded once; one inside
      // it (every copy reads copy 0's value) is read in the body, after copy 0 wrote it.
      else if (stride === 0 && base < start) inputs.push({ kind: 'hoist' });
      else {
        inputs.push({ kind: 'load', stride });
        // Whatever it reads inside the loop must be in memory.
        for (let i = 0; i < count; i++) {
          const slot = base + i * stride;
          if (slot >= start && slot < end) kept[(slot - start) % p] = 1;
          if (stride === 0) break;
        }
      }
    }
  }
  // A value read after the next copy goes to memory; one the loop's last copy makes that is read
  // after the loop is written once, when the loop ends.
  const last = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < count - 1 && kept[j] === 0; i++) {
      if (lastRead[start + i * p + j]! >= start + (i + 2) * p) kept[j] = 1;
    }
    if (kept[j] === 0 && lastRead[end - p + j]! >= end) last[j] = 1;
  }
  const key = `${p}|${Array.from(code.subarray(start, start + p)).join(',')}|${inputs.map((x) => (x.kind === 'load' ? `l${x.stride}` : x.kind === 'hoist' ? 'h' : `${x.kind[0]}${x.at}`)).join(',')}|${kept.join('')}|${last.join('')}`;
  let fn = compiled.get(key);
  if (fn === undefined) {
    fn = generate(code.subarray(start, start + p), inputs, kept, last);
    if (fn === undefined) return null; // a transient failure: the interpreter this time, not cached
    if (compiled.size > 4096) compiled.clear();
    compiled.set(key, fn);
  }
  return fn === null ? null : { start, period, count, bases: Int32Array.from(bases), fn };
}

/**
 * The source of one body shape: codes of the body's positions, how each input reads, which
 * positions go to memory in every copy (`kept`) and which only from the last copy (`last`).
 */
function generate(body: Uint8Array, inputs: readonly InputKind[], kept: Uint8Array, last: Uint8Array): LoopFn | null | undefined {
  const p = body.length;
  const head: string[] = ['let k = o[0];'];
  const lines: string[] = [];
  const tail: string[] = [];
  const carried = new Set<number>();
  let m = 0;
  for (let j = 0; j < p; j++) {
    const c = body[j]!;
    const names: string[] = [];
    if (c === SCALAR_CONSTANT) { // in memory already, never written
      lines.push(`const t${j} = v[k + ${j}];`);
      continue;
    }
    for (let q = 0; q < arity(c); q++, m++) {
      const x = inputs[m]!;
      switch (x.kind) {
        case 'hoist':
          head.push(`const c${m} = v[o[${m + 1}]];`);
          names.push(`c${m}`);
          break;
        case 'same':
          names.push(`t${x.at}`);
          break;
        case 'prev':
          if (!carried.has(x.at)) {
            carried.add(x.at);
            head.push(`let r${x.at} = v[k - ${p - x.at}];`); // copy 0 reads the slot just before the loop
          }
          names.push(`r${x.at}`);
          break;
        case 'load':
          head.push(`let p${m} = o[${m + 1}];`);
          lines.push(`const x${m} = v[p${m}];`);
          if (x.stride !== 0) tail.push(`p${m} += ${x.stride};`);
          names.push(`x${m}`);
          break;
      }
    }
    lines.push(`const t${j} = ${scalarExpression(c, names[0]!, names[1] ?? names[0]!)};`);
    if (kept[j] === 1) lines.push(`v[k + ${j}] = t${j};`);
  }
  for (const at of carried) tail.push(`r${at} = t${at};`);
  const after: string[] = [];
  for (let j = 0; j < p; j++) {
    if (last[j] === 0) continue;
    head.push(`let l${j} = 0;`);
    tail.push(`l${j} = t${j};`);
    after.push(`v[k - ${p - j}] = l${j};`); // k is one body past the last copy
  }
  const src = `${head.join('\n')}\nfor (let i = 0; i < n; i++) {\n${lines.join('\n')}\n${tail.join(' ')}\nk += ${p};\n}\n${after.join('\n')}`;
  try {
    return new Function('sf', `"use strict"; return function rolledLoop(v, o, n) {\n${src}\n};`)(scalarForward) as LoopFn;
  } catch (e) {
    return transientFailure(e) ? undefined : null; // undefined: this moment's failure (../core/transient.ts), not cached
  }
}
