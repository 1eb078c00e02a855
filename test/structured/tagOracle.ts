/** @file Brute-force oracles for tagging models with a score function: k-th order and variable-order chains. */
import { sequences } from './chainOracle.js';

/** Enumerates the tag sequences of length n over K tags: log Z, unary marginals [n·K], the best sequence, entropy. */
export function enumerate(n: number, K: number, score: (ys: number[]) => number) {
  const all = sequences(n, K).map((ys) => ({ ys, s: score(ys) }));
  const m = Math.max(...all.map((a) => a.s));
  const logZ = m === -Infinity ? -Infinity : m + Math.log(all.reduce((acc, a) => acc + Math.exp(a.s - m), 0));
  const unary = new Array<number>(n * K).fill(0);
  let H = 0, best = all[0]!;
  for (const a of all) {
    const p = logZ === -Infinity ? 0 : Math.exp(a.s - logZ);
    H -= p > 0 ? p * (a.s - logZ) : 0;
    a.ys.forEach((y, t) => (unary[t * K + y]! += p));
    if (a.s > best.s) best = a;
  }
  return { logZ, unary, best, entropy: H, all };
}

/** A k-th order chain as flat arrays: emissions [n·K], transitions [K^(k+1)], start and end [K^k]. */
export interface HigherOrderProblem { n: number; K: number; k: number; E: number[]; T: number[]; start: number[]; end: number[] }

/** score(y) of a k-th order chain, summed part by part. */
export function higherOrderScore(p: HigherOrderProblem, ys: number[]): number {
  const { n, K, k } = p;
  const idx = (w: number[]) => w.reduce((a, y) => a * K + y, 0);
  let s = p.start[idx(ys.slice(0, k))]! + p.end[idx(ys.slice(n - k))]!;
  ys.forEach((y, t) => { s += p.E[t * K + y]!; if (t >= k) s += p.T[idx(ys.slice(t - k, t + 1))]!; });
  return s;
}

/** How often each context ends at some position of ys (as a contiguous substring). */
export function occurrences(contexts: readonly (readonly number[])[], ys: readonly number[]): number[] {
  return contexts.map((c) => {
    let count = 0;
    for (let t = c.length - 1; t < ys.length; t++) if (c.every((y, j) => ys[t - c.length + 1 + j] === y)) count++;
    return count;
  });
}

/** score(y) of a variable-order chain: emissions [n·K] plus each context occurrence's weight (a 0-count adds nothing, even for −∞). */
export function variableOrderScore(K: number, E: number[], contexts: readonly (readonly number[])[], weights: number[], ys: number[]): number {
  let s = ys.reduce((acc, y, t) => acc + E[t * K + y]!, 0);
  occurrences(contexts, ys).forEach((count, c) => { if (count > 0) s += count * weights[c]!; });
  return s;
}
