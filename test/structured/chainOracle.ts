/** @file Brute-force oracle for linear-chain CRFs: enumerate every tag sequence. */
import { product } from './structureOracle.js';

export interface ChainProblem { E: number[][]; T: number[][]; start: number[]; end: number[] }

/** Every tag sequence of length n over K tags. */
export const sequences = (n: number, K: number): number[][] => product(n, K);

export function scoreOf(p: ChainProblem, ys: number[]): number {
  let s = p.start[ys[0]!]! + p.end[ys[ys.length - 1]!]!;
  ys.forEach((y, t) => { s += p.E[t]![y]!; if (t > 0) s += p.T[ys[t - 1]!]![y]!; });
  return s;
}

export function bruteForce(p: ChainProblem) {
  const n = p.E.length, K = p.start.length;
  const all = sequences(n, K).map((ys) => ({ ys, s: scoreOf(p, ys) }));
  const m = Math.max(...all.map((a) => a.s));
  const logZ = m === -Infinity ? -Infinity : m + Math.log(all.reduce((acc, a) => acc + Math.exp(a.s - m), 0));
  const unary = Array.from({ length: n }, () => new Array<number>(K).fill(0));
  const pairwise = Array.from({ length: Math.max(n - 1, 0) }, () => Array.from({ length: K }, () => new Array<number>(K).fill(0)));
  let H = 0;
  let best = all[0]!;
  for (const a of all) {
    const pr = logZ === -Infinity ? 0 : Math.exp(a.s - logZ); // every sequence forbidden: no probability anywhere
    if (pr > 0) H -= pr * (a.s - logZ);
    a.ys.forEach((y, t) => { unary[t]![y]! += pr; if (t > 0) pairwise[t - 1]![a.ys[t - 1]!]![y]! += pr; });
    if (a.s > best.s) best = a;
  }
  return { logZ, unary, pairwise, entropy: H, best, all };
}
