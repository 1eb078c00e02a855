/** @file When a rule may use a fused kernel: only when no outer transformation will differentiate what it computes. */
import { live } from '../core/trace.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * True when none of `ts` is boxed at a live trace: the rule is running at first order (a plain
 * backward pass), nothing will differentiate its result, and a fused kernel that computes the
 * same values is as good as the rule written in ops — and cheaper. When any input is traced the
 * rule must be written in ops, so that the outer transformation sees, and differentiates, it.
 */
export function untraced(...ts: ReadonlyArray<Tensor | null | undefined>): boolean {
  for (const t of ts) if (t && live(t).trace !== null) return false;
  return true;
}
