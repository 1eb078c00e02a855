/** @file Every structure of the small models, for brute-force oracles: segmentations, dependency trees, monotonic alignments. */
import { product } from './structureOracle.js';

export type Seg = { start: number; end: number; label: number };

/** Every segmentation of n words into labelled segments of 1 … L words. */
export function segmentations(n: number, L: number, C: number, at = 0): Seg[][] {
  if (at === n) return [[]];
  const out: Seg[][] = [];
  for (let d = 1; d <= L && at + d <= n; d++) {
    for (let c = 0; c < C; c++) for (const rest of segmentations(n, L, C, at + d)) out.push([{ start: at, end: at + d, label: c }, ...rest]);
  }
  return out;
}

/** Every heads array over words 1 … n that is a tree (optionally projective, optionally one root dependent). */
export function trees(n: number, projective: boolean, singleRoot: boolean): number[][] {
  return product(n, n + 1).filter((heads) => {
    if (heads.some((h, i) => h === i + 1)) return false;
    const reaches = (m: number) => { let v = m; for (let s = 0; s <= n; s++) { if (v === 0) return true; v = heads[v - 1]!; } return false; };
    if (![...Array(n).keys()].every((i) => reaches(i + 1))) return false;
    if (singleRoot && heads.filter((h) => h === 0).length !== 1) return false;
    if (!projective) return true;
    const ancestor = (h: number, v: number) => { while (v !== 0) { if (v === h) return true; v = heads[v - 1]!; } return h === 0; };
    return heads.every((h, i) => { for (let v = Math.min(h, i + 1) + 1; v < Math.max(h, i + 1); v++) if (!ancestor(h, v)) return false; return true; });
  });
}

/** The lattice of an Alignment: T frames, S states, skips into each state, how many initial and final states. */
export interface Lattice { T: number; S: number; scores: number[]; skips: boolean[]; initialStates: number; finalStates: number }

/** Every alignment (one state per frame) the lattice allows. */
export function alignments(p: Lattice): number[][] {
  return product(p.T, p.S).filter((a) => a[0]! < p.initialStates && a[p.T - 1]! >= p.S - p.finalStates
    && a.every((s, t) => t === 0 || (s - a[t - 1]! >= 0 && (s - a[t - 1]! <= 1 || (s - a[t - 1]! === 2 && p.skips[s])))));
}
