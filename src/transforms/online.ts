/**
 * @file Online checkpointing: which states of a loop of unknown length to keep, chosen as it runs
 * (after Wang, Moin & Iaccarino 2009 and Stumm & Walther 2010, with a greedy rule measured below).
 */
import { optimalForwardSteps as t } from './revolve.js';

/** What to do with state i: drop the stored state at position `drop` (−1: none), and store i or not. */
export interface Placement {
  drop: number;
  store: boolean;
}

/**
 * The stored positions of a loop whose length n is learnt only when it ends. Position 0 (the
 * initial state) is always kept; at most `capacity(i)` positions are held when state i is offered.
 *
 * The rule is greedy on the cost that matters: when state i has been computed and the loop goes on
 * (so n ≥ i + 1), keep the set of positions — the current one, or it with one position dropped and
 * i added — that would be cheapest to reverse if the loop stopped after the next step, where
 * reversing from positions p_0 < … < p_k costs Σ_j t(p_{j+1} − p_j, c − j) advances (revolve on
 * each segment with the states the earlier positions leave free; `reversalCost` in revolve.ts).
 * While there is room, every state is kept. A state once dropped cannot come back, so an online
 * rule cannot always match revolve, which knows n; this one stays close: over every n ≤ 2,000 and
 * c ≤ 20 its forward pass plus reversal is within 20% (plus two calls) of the offline optimum,
 * within 5% for c ≥ 5 and n ≥ 50 (test/checkpointing.test.ts, docs/checkpointing.md). Wang et
 * al.'s level rule (store every state; evict the latest checkpoint that a later one outranks in
 * level, else promote the latest) gives the optimal repetition number, but in total calls it came
 * out up to 28% above the optimum when we simulated it (701 against 612 for n = 137, c = 5, where
 * this rule gives 625).
 *
 * Cost per offered state: O(k) evaluations of t with k stored positions (prefix and suffix sums).
 */
export class OnlinePlacement {
  /** Stored positions, ascending; `positions[0] = 0`. */
  readonly positions: number[] = [0];
  /** Scratch for the prefix sums of `offer`. */
  private prefix = new Float64Array(16);

  constructor(private readonly capacity: (i: number) => number) {}

  /** State i ≥ 1 exists and the loop goes on. Updates `positions` and says what changed. */
  offer(i: number): Placement {
    const P = this.positions;
    const c = this.capacity(i);
    if (P.length < c) {
      P.push(i);
      return { drop: -1, store: true };
    }
    if (c <= 1) return { drop: -1, store: false };
    const k = P.length - 1;
    // Segment lengths if i were added: ℓ_m = p_{m+1} − p_m (m < k), ℓ_k = i − p_k.
    // prefix[m] = Σ_{q<m} t(ℓ_q, c − q): the segments before m keep their places.
    const prefix = this.prefix.length > k ? this.prefix : (this.prefix = new Float64Array(2 * k + 2));
    prefix[0] = 0;
    for (let m = 0; m < k; m++) prefix[m + 1] = prefix[m]! + t(P[m + 1]! - P[m]!, c - m);
    // Keep as is: the last segment runs from p_k to i + 1.
    let best = -1;
    let bestCost = prefix[k]! + t(i + 1 - P[k]!, c - k);
    // Drop p_j and add i: segments j−1 and j merge, the later ones move up one place (one state
    // more each), and i starts a last segment of length 1 (free). suffix = Σ_{q>j} t(ℓ_q, c − q + 1).
    let suffix = 0;
    for (let j = k; j >= 1; j--) {
      const next = j < k ? P[j + 1]! : i;
      const cost = prefix[j - 1]! + t(next - P[j - 1]!, c - j + 1) + suffix;
      // Ties: keep as is before dropping anything, then drop the earliest position.
      if (cost < bestCost || (cost === bestCost && best >= 0)) {
        best = j;
        bestCost = cost;
      }
      suffix += t(next - P[j]!, c - j + 1);
    }
    if (best < 0) return { drop: -1, store: false };
    const dropped = P[best]!;
    P.splice(best, 1);
    P.push(i);
    return { drop: dropped, store: true };
  }
}
