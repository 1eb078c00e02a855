/**
 * @file Binomial checkpointing (Griewank & Walther, "Algorithm 799: revolve", ACM TOMS 26(1), 2000):
 * the fewest step recomputations that reverse n steps with at most c stored states.
 */

/** C(n, k) as a float (exact while below 2^53, far beyond any loop length here). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * The repetition number r(n, c): the smallest r with β(c, r) = C(c + r, c) ≥ n — the most times
 * any one step is run forward (beyond its taped run) in an optimal schedule.
 */
export function repetitionNumber(n: number, c: number): number {
  let r = 0;
  while (binomial(c + r, c) < n) r++;
  return r;
}

/**
 * t(n, c) = r·n − C(c + r, c + 1): the fewest untaped step calls ("advances") that reverse n steps
 * with c stored states, the initial state included (Griewank & Walther 2000, Prop. 1). The n taped
 * steps come on top. t(1, c) = 0; with c = 0 and n > 1 reversal is impossible (∞).
 */
export function optimalForwardSteps(n: number, c: number): number {
  if (n <= 1) return 0;
  if (c <= 0) return Infinity;
  if (n <= c + 1) return n - 1; // r = 1: one sweep, storing a state at every step but the last
  // β(c, r) = C(c + r, c) grows by β(c, r) = β(c, r − 1)·(c + r)/r (exact: the product is an
  // integer that r divides), and C(c + r, c + 1) = β(c, r)·r/(c + 1). O(r) with no inner loop, as
  // the online placement evaluates t many times per step.
  let r = 1;
  let beta = c + 1;
  while (beta < n) {
    r++;
    beta = (beta * (c + r)) / r;
  }
  return r * n - Math.round((beta * r) / (c + 1));
}

/**
 * Where to place the next checkpoint when reversing n steps from a stored state with c states:
 * the m in [1, n − 1] minimising m + t(n − m, c − 1) + t(m, c) (advance m steps, reverse the right
 * part with one state fewer, then the left part). The objective is convex in m (t(·, c) is convex
 * and piecewise linear), so a ternary search finds a minimiser in O(log n) evaluations.
 */
export function optimalSplit(n: number, c: number): number {
  const cost = (m: number) => m + optimalForwardSteps(n - m, c - 1) + optimalForwardSteps(m, c);
  let lo = 1, hi = n - 1;
  while (hi - lo > 2) {
    const a = lo + Math.floor((hi - lo) / 3);
    const b = hi - Math.floor((hi - lo) / 3);
    if (cost(a) <= cost(b)) hi = b;
    else lo = a;
  }
  let best = lo;
  for (let m = lo + 1; m <= hi; m++) if (cost(m) < cost(best)) best = m;
  return best;
}

/** What the schedule asks of the loop it reverses. */
export interface LoopReversal<S> {
  /** Runs steps [from, to) without taping, from state `s` (at position `from`); returns the state at `to`. */
  advance(s: S, from: number, to: number): S;
  /** Keeps a state at `position` (counted against the c states); `release` drops it. */
  store(position: number, s: S): void;
  release(position: number): void;
  /** Runs step `t` from state `s` taped, then pulls the cotangent of state t + 1 back to state t. */
  reverseStep(t: number, s: S): Generator<void, void, void>;
}

/**
 * Reverses steps [0, n) from the initial state `init` (stored by the caller: it is one of the c
 * states) with at most c states stored at once, in revolve's optimal order: steps n−1, n−2, …, 0
 * are reversed in turn. Recursion only descends into right parts (each with one state fewer), so
 * its depth is at most c; left parts loop. A state that is used at once by a taped step is the
 * working state, not a stored one (Griewank & Walther count the same way).
 * `reverseStep` may yield (scan yields after the first taped step, the last one, to hand the
 * output back before the backward pass begins).
 */
export function* revolve<S>(loop: LoopReversal<S>, n: number, c: number, init: S): Generator<void, void, void> {
  if (n === 0) return;
  if (c < 1) throw new Error('internal: revolve needs at least one state');
  yield* reverseRange(loop, 0, n, c, init);
}

/**
 * Reverses steps [0, n) from states stored at `positions` (ascending, `positions[0] = 0`: the
 * caller's initial state) by an earlier forward pass — an online one, which could not know n. The
 * segments are reversed from the last: segment j, from `positions[j]` to the next stored position
 * (or n), by revolve with the c − j states that positions 0…j − 1 leave free; then its start state
 * is released (all but the initial one). That costs `reversalCost(positions, n, c)` advances,
 * revolve's t(n_j, c − j) summed over the segments. If reversing from the initial state alone
 * costs less (t(n, c)), the stored states are dropped and that is done instead, so the count never
 * exceeds the offline t(n, c). `states` is the caller's to give up: its entries are cleared as they are released.
 */
export function* revolveFrom<S>(loop: LoopReversal<S>, positions: readonly number[], states: Array<S | undefined>, n: number, c: number): Generator<void, void, void> {
  if (positions.length > c || positions[0] !== 0) throw new Error('internal: revolveFrom needs at most c states, the first at 0');
  // A released state is also cleared from `states`: the generator holds that array for the whole
  // backward pass, so a released state left in it stayed reachable (about 2c carries held at the peak).
  const releaseAt = (j: number) => {
    loop.release(positions[j]!);
    states[j] = undefined;
  };
  if (reversalCost(positions, n, c) > optimalForwardSteps(n, c)) {
    for (let j = positions.length - 1; j >= 1; j--) releaseAt(j);
    yield* revolve(loop, n, c, states[0]!);
    return;
  }
  for (let j = positions.length - 1; j >= 0; j--) {
    const end = j + 1 < positions.length ? positions[j + 1]! : n;
    if (end > positions[j]!) yield* reverseRange(loop, positions[j]!, end, c - j, states[j]!);
    if (j > 0) releaseAt(j);
  }
}

/**
 * Advances needed to reverse n steps from states stored at `positions` (ascending, from 0) with c
 * states in all: Σ_j t(n_j, c − j), where n_j is the length of segment j (from positions[j] to the
 * next stored position, or n) and c − j the states positions 0…j − 1 leave it.
 */
export function reversalCost(positions: readonly number[], n: number, c: number): number {
  let cost = 0;
  for (let j = 0; j < positions.length; j++) {
    const end = j + 1 < positions.length ? positions[j + 1]! : n;
    cost += optimalForwardSteps(end - positions[j]!, c - j);
  }
  return cost;
}

function* reverseRange<S>(loop: LoopReversal<S>, s: number, e: number, c: number, state: S): Generator<void, void, void> {
  let end = e;
  while (end - s > 1) {
    // With one state (the one at s) the only move is to run up to the last step and tape it.
    const m = c === 1 ? end - 1 : s + optimalSplit(end - s, c);
    const sm = loop.advance(state, s, m);
    const stored = end - m > 1;
    if (stored) loop.store(m, sm);
    yield* reverseRange(loop, m, end, c - 1, sm);
    if (stored) loop.release(m);
    end = m;
  }
  yield* loop.reverseStep(s, state);
}
