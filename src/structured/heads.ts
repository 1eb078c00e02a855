/** @file Dependency trees as heads arrays (CoNLL's HEAD column): validation, and the tree properties the models rely on. */
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';

/** Whether the arc h → m is projective in `heads` (heads[i] the head of word i + 1): every word strictly between h and m descends from h. */
export function isProjective(heads: readonly number[]): boolean {
  const headOf = (v: number) => heads[v - 1]!;
  const descends = (v: number, h: number) => {
    for (let u = v; u !== 0; u = headOf(u)) if (u === h) return true;
    return h === 0;
  };
  return heads.every((h, i) => {
    const m = i + 1;
    for (let v = Math.min(h, m) + 1; v < Math.max(h, m); v++) if (!descends(v, h)) return false;
    return true;
  });
}

/**
 * Checks that `heads` is a dependency tree over words 1 … n: n integer heads in 0 … n (0 the root),
 * no word its own head, no cycle, projective when `projective`, one root dependent when
 * `singleRoot`. Throws an InvalidArgumentError naming the word at fault.
 */
export function checkHeads(heads: unknown, n: number, projective: boolean, singleRoot: boolean, op: string, which: string): number[] {
  const want = `an array of ${n} heads, heads[i] the head of word i + 1 (0 for the root, 1 … ${n} for a word)`;
  if (!Array.isArray(heads) || heads.length !== n) {
    throw new InvalidArgumentError(`${op}: ${which} must be ${want}, got ${Array.isArray(heads) ? `${heads.length} heads` : describe(heads)}.`);
  }
  const fail = (why: string): never => { throw new InvalidArgumentError(`${op}: ${which}${why.startsWith('[') ? '' : ' '}${why}; pass ${want}.`); };
  heads.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 0 || h > n) fail(`[${i}] is ${describe(h)}, not a head in 0 … ${n}`);
    if (h === i + 1) fail(`[${i}] makes word ${i + 1} its own head`);
  });
  for (let m = 1; m <= n; m++) {
    let v = m;
    for (let steps = 0; v !== 0; steps++) {
      if (steps > n) fail(`has a cycle through word ${m} (it never reaches the root)`);
      v = heads[v - 1]!;
    }
  }
  const rootDependents = heads.filter((h) => h === 0).length;
  if (singleRoot && rootDependents !== 1) fail(`attaches ${rootDependents} words to the root, but the model has singleRoot: true (exactly one)`);
  if (projective && !isProjective(heads)) fail('is not projective (an arc crosses another), but the model has projective: true');
  return heads as number[];
}
