/** @file A chain's fold recorded on one tape, stopped at the first step whose nodes would keep more than the prefixes. */
import { releaseBytes } from '../core/memory.js';
import { unbox, type ReverseTrace } from '../core/trace.js';
import type { Tensor } from '../tensor/tensor.js';
import { record, type Recording } from '../transforms/record.js';

/** Thrown inside the recording to stop it (record releases the tape of a function that throws). */
const STOP = Symbol('a step keeps more than the prefixes');

/** The fold x_0 ⊗ ⋯ ⊗ x_{n−1} as `recordFold` leaves it. */
export interface RecordedFold {
  /** The fold's tape, or null when recording stopped. */
  readonly rec: Recording | null;
  /** The prefix values P_0 … P_k at this level: all n when recorded, up to the step that stopped it otherwise. */
  readonly prefixes: Tensor[];
  /** With `prefixesOnly`, the prefixes the kept tape refers to (its residuals, counted by the caller); else empty. */
  readonly held: Tensor[];
}

/**
 * Records P_0 = x_0, P_i = step(P_{i−1}, x_i, i) on one reverse tape. With `prefixesOnly`, after
 * each step it reads the nodes the step added: each value a node saves (made since the tape began;
 * older ones cost nothing, as memory.ts counts) must share its storage with P_{i−1}, x_i or P_i —
 * a reshape or the value itself — and the tape's residual count must have grown by no more than
 * those values (no closure-held buffers: a nested chain's prefixes, a checkpoint's inputs), with
 * nothing on the scalar tape. Then the tape holds only prefixes: its own count (which counts each
 * view again) is taken back step by step, and the prefixes it refers to are `held`, for the caller
 * to count once. At the first step that keeps more, recording stops and the tape is dropped;
 * `prefixes` runs up to that step.
 */
export function recordFold(xs: readonly Tensor[], step: (a: Tensor, b: Tensor, i: number) => Tensor, prefixesOnly: boolean): RecordedFold {
  const prefixes = [xs[0]!];
  const held = new Array<boolean>(xs.length).fill(false);
  let rec: Recording | null;
  try {
    rec = record((ins) => {
      const t = ins[0]!.trace as ReverseTrace;
      let acc = ins[0]!;
      let counted: Tensor[] = [];
      for (let i = 1; i < ins.length; i++) {
        const from = t.tape.length, before = t.memory.residualBytes;
        const next = step(acc, ins[i]!, i);
        prefixes.push(unbox(next, t));
        if (prefixesOnly) {
          const now = keptViews(t, from, before, acc, ins[i]!, next, counted, held, i);
          if (now === null) throw STOP;
          counted = now;
        }
        acc = next;
      }
      return acc;
    }, xs);
  } catch (e) {
    if (e !== STOP) throw e;
    return { rec: null, prefixes, held: [] };
  }
  // The tape's own count is back to nothing (each step's taken back); the tape itself lives on,
  // so its holder is not released (./prefixPool.ts reads a released holder as a dead tape).
  return { rec, prefixes, held: prefixesOnly ? prefixes.filter((_, i) => held[i]) : [] };
}

/**
 * The values the nodes from `from` on save and the tape counts (made since it began), if each is
 * storage of `prev` (P_{i−1}), `x` (x_i) or `next` (P_i) and the tape's count grew by no more than
 * them (see recordFold); null otherwise. Marks `held[i − 1]`, `held[i]` for the prefixes read.
 * `counted` are those of step i − 1: the only earlier values that can share P_{i−1}'s storage.
 */
function keptViews(
  t: ReverseTrace, from: number, before: number, prev: Tensor, x: Tensor, next: Tensor,
  counted: readonly Tensor[], held: boolean[], i: number,
): Tensor[] | null {
  if (t.scalars !== null && t.scalars.length > 0) return null;
  const now: Tensor[] = [];
  let bytes = 0;
  for (let j = from; j < t.tape.length; j++) {
    const node = t.tape[j]!;
    for (let q = 0; q <= node.inputs.length; q++) {
      const v = q < node.inputs.length ? node.inputs[q]! : node.out;
      if (v === null || v.serial < t.since || now.includes(v) || counted.includes(v)) continue;
      const b = v.buffer;
      if (b === null) return null;
      if (b === prev.buffer) held[i - 1] = true;
      else if (b === next.buffer) held[i] = true;
      else if (b !== x.buffer) return null;
      now.push(v);
      bytes += v.size * 8;
    }
  }
  const grown = t.memory.residualBytes - before;
  if (grown > bytes) return null;
  releaseBytes(t.memory, grown); // views counted again, and prefixes: the caller counts those once
  return now;
}
