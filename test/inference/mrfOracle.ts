/** @file Brute-force oracles for small pairwise MRFs: every labelling enumerated, exact log Z and marginals; and small graphs with random scores. */
import * as ad from 'adjoint';

export interface SmallMRF {
  unary: number[][];          // [V][K]
  edges: [number, number][];  // [E]
  pairwise: number[][][];     // [E][K][K]
}

/** log Z, unary [V][K] and pairwise [E][K][K] marginals, by enumerating all K^V labellings. */
export function exact(m: SmallMRF): { logZ: number; unary: number[][]; pairwise: number[][][] } {
  const V = m.unary.length, K = m.unary[0]!.length;
  const scores: number[] = [];
  const labellings: number[][] = [];
  const x = new Array<number>(V).fill(0);
  for (let i = 0; i < K ** V; i++) {
    let r = i;
    for (let s = 0; s < V; s++) { x[s] = r % K; r = Math.floor(r / K); }
    let score = 0;
    for (let s = 0; s < V; s++) score += m.unary[s]![x[s]!]!;
    m.edges.forEach(([s, t], e) => { score += m.pairwise[e]![x[s]!]![x[t]!]!; });
    scores.push(score);
    labellings.push([...x]);
  }
  const top = Math.max(...scores);
  const Z = scores.reduce((a, s) => a + Math.exp(s - top), 0);
  const logZ = top + Math.log(Z);
  const unary = m.unary.map((row) => row.map(() => 0));
  const pairwise = m.edges.map(() => Array.from({ length: K }, () => new Array<number>(K).fill(0)));
  labellings.forEach((y, i) => {
    const p = Math.exp(scores[i]! - logZ);
    y.forEach((k, s) => { unary[s]![k]! += p; });
    m.edges.forEach(([s, t], e) => { pairwise[e]![y[s]!]![y[t]!]! += p; });
  });
  return { logZ, unary, pairwise };
}

/** A model on `edges` over V variables with K states, scores normal(0, scale) from `seed`. */
export function randomMRF(V: number, K: number, edges: [number, number][], seed: number, scale = 1): SmallMRF {
  return {
    unary: ad.random.normal([V, K], seed, 0, scale).toArray() as number[][],
    edges,
    pairwise: ad.random.normal([edges.length, K, K], seed + 1, 0, scale).toArray() as number[][][],
  };
}

export const tensors = (m: SmallMRF) => ({ unary: ad.tensor(m.unary), edges: m.edges, pairwise: ad.tensor(m.pairwise) });

/** Graphs: a chain, a star, a cycle, a 3×3 grid, the complete graph on 4. */
export const chain = (n: number): [number, number][] => Array.from({ length: n - 1 }, (_, i) => [i, i + 1]);
export const star = (n: number): [number, number][] => Array.from({ length: n - 1 }, (_, i) => [0, i + 1]);
export const cycle = (n: number): [number, number][] => Array.from({ length: n }, (_, i) => [i, (i + 1) % n]);
export function grid(h: number, w: number): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    if (c + 1 < w) out.push([r * w + c, r * w + c + 1]);
    if (r + 1 < h) out.push([r * w + c, (r + 1) * w + c]);
  }
  return out;
}
export const complete = (n: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
};

export const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
