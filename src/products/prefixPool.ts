/** @file The prefix chunks of chains whose tapes are gone, handed to the next chain in place of fresh memory. */
import type { Holder } from '../core/memory.js';

/*
 * A chain's value and gradient keeps its n − 2 inner prefixes in fresh chunks (6.4 MB for 200
 * matrices 64×64): their allocation, first touch and the collections that much external memory
 * brings cost several percent of chainMatmul's gradient. Those chunks are read by the chain's
 * rule alone (../tensor/kernels/chain.ts keeps the chain's value out of them), and the rule runs
 * only while the tape holding it lives. A tape's holder is released when the tape can no longer
 * be pulled back: grad and valueAndGrad release theirs as they return, a vjp pullback's when the
 * pullback is collected, record.ts walks no released tape. From then on the chunks are free for
 * the next chain.
 *
 * While the tape lives, the loan holds its chunks strongly (the tape holds them anyway), within a
 * budget (at most MAX loans and BUDGET bytes; past either the oldest loan is forgotten). When the
 * holder is released the loan holds them through WeakRefs: the next chain takes them back, and if
 * none comes, the collector does. The WeakRefs are made at release, not at the loan: a WeakRef
 * keeps its target alive until the current job ends (ECMAScript's KeepDuringJob), so made at each
 * loan, a synchronous loop of vjp calls on a chain (whose tapes are released only when the event
 * loop turns) kept every chunk it made (708 kB a call for 40 factors 48×48, 1.35 GB after 2,000);
 * made at release, in a loop of grad calls they point at the chunks the next call reuses. A chain
 * whose prefixes left as tensors (its rule ran under an outer transformation, which may keep them)
 * is never reclaimed.
 */

/** The chunks of one chain, lent while `holder` (its tape's) is not released. */
export interface Loan {
  readonly holder: Holder;
  /** The chunks while the tape lives; null once released (then `weak`) or forgotten. */
  strong: Float64Array[] | null;
  weak: Array<WeakRef<Float64Array>> | null;
  readonly bytes: number;
  /** Set when the prefixes were handed out as tensors: the chunks are never reclaimed. */
  escaped: boolean;
}

/** Loans not yet returned, oldest first; at most MAX (an older one is forgotten, never reclaimed). */
let loans: Loan[] = [];
const MAX = 64;
/** The most bytes the loans of live tapes hold strongly. */
const BUDGET = 64 * 1024 * 1024;
let held = 0;
const hasWeakRef = typeof WeakRef === 'function';

/** The loan no longer holds its chunks strongly: released (weakly, where WeakRef exists) or forgotten. */
function letGo(loan: Loan, keepWeakly: boolean): void {
  if (loan.strong === null) return;
  held -= loan.bytes;
  loan.weak = keepWeakly && hasWeakRef && !loan.escaped ? loan.strong.map((c) => new WeakRef(c)) : null;
  loan.strong = null;
}

/** The chunks of every loan whose tape has been released and whose prefixes never escaped (the loans end). */
export function reclaim(): Float64Array[] {
  const free: Float64Array[] = [];
  if (loans.length === 0) return free;
  const open: Loan[] = [];
  for (const loan of loans) {
    if (loan.holder.released !== true) {
      open.push(loan);
      continue;
    }
    letGo(loan, true); // (its release callback has run already; harmless)
    if (loan.escaped || loan.weak === null) continue;
    for (const ref of loan.weak) {
      const c = ref.deref();
      if (c !== undefined) free.push(c);
    }
  }
  loans = open;
  return free;
}

/** Lends `chunks` to a chain recorded on the tape of `holder`, until that holder is released. */
export function lend(holder: Holder, chunks: readonly Float64Array[]): Loan {
  const loan: Loan = { holder, strong: [...chunks], weak: null, bytes: chunks.reduce((n, c) => n + c.byteLength, 0), escaped: false };
  if (chunks.length === 0) return loan;
  loans.push(loan);
  held += loan.bytes;
  if (holder.released === true) letGo(loan, true);
  else (holder.onRelease ??= []).push(() => letGo(loan, true));
  while (loans.length > MAX || (held > BUDGET && loans.length > 1)) letGo(loans.shift()!, false);
  return loan;
}
