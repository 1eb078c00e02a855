/** @file A generic brute-force oracle: from every structure's score and parts, log Z, part marginals, entropy and the best score. */

export interface Scored<T> { x: T; s: number }

/**
 * log Z, the marginal of each part (`parts(x)` lists the flat indices of the parts x uses, repeats
 * counted), the entropy and the best score, by enumeration of `all`. When every structure is
 * forbidden (all scores −∞) log Z is −∞, every marginal 0 and the entropy 0.
 */
export function summarize<T>(all: readonly Scored<T>[], parts: (x: T) => number[], size: number) {
  const m = Math.max(...all.map((a) => a.s));
  const logZ = m === -Infinity ? -Infinity : m + Math.log(all.reduce((acc, a) => acc + Math.exp(a.s - m), 0));
  const marginals = new Array<number>(size).fill(0);
  let entropy = 0;
  for (const a of all) {
    const p = logZ === -Infinity ? 0 : Math.exp(a.s - logZ);
    if (p === 0) continue;
    entropy -= p * (a.s - logZ);
    for (const i of parts(a.x)) marginals[i]! += p;
  }
  return { logZ, marginals, entropy, best: m };
}

/** Every way to pick one of `choices` values for each of `count` slots. */
export function product(count: number, choices: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[]) => {
    if (prefix.length === count) { out.push([...prefix]); return; }
    for (let k = 0; k < choices; k++) rec([...prefix, k]);
  };
  rec([]);
  return out;
}

export const close = (a: number, b: number, tol = 1e-10): void => {
  if (a === b) return;
  if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) throw new Error(`expected ${a} to be close to ${b} (tolerance ${tol})`);
};
export const allClose = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-10): void => {
  if (got.length !== want.length) throw new Error(`expected ${want.length} values, got ${got.length}`);
  for (let i = 0; i < got.length; i++) close(got[i]!, want[i]!, tol);
};
export const values = (t: { toFloat64Array(): Float64Array }) => Array.from(t.toFloat64Array());
