/** @file The backward pass: an iterative walk of the tape in reverse, dropping each cotangent once used. */
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { anomaly, checkCotangent } from './anomaly.js';
import { AdjointError } from './errors.js';
import { BRIDGE, type TapeNode } from './trace.js';
import type { ScalarTape } from './scalarTape.js';
import { accumulate, ownedBuffer } from './cotangents.js';
import { profiler, timedRule, timedScalarWalk } from './profile.js';
import { recordFusedVjp } from '../jit/recordTrace.js';

/**
 * Propagates cotangents already seeded on nodes (`node.ct`) back through `tape`, newest first.
 * Each node is visited once; nodes that received no cotangent are skipped (so only the part of
 * the tape between the seeded outputs and the inputs costs anything). Runs in constant stack depth.
 */
export function backward(tape: readonly TapeNode[], scalars: ScalarTape | null = null): void {
  if (scalars === null || scalars.length === 0) {
    walk(tape, null);
    return;
  }
  // The scalar tape's entries interleave with the nodes by creation order (node.mark).
  const adj = scalars.adjoints();
  const give = (node: { ct: Tensor | null }, ct: Tensor) => accumulate(node as TapeNode, ct);
  let top = scalars.length;
  /** Walks the scalar entries from `top` down to `to` (those made after the node about to be processed). */
  const flushTo = (to: number) => {
    const t0 = profiler.active ? performance.now() : 0;
    scalars.backward(adj, to, top, give);
    if (profiler.active) timedScalarWalk(top - to, performance.now() - t0);
    top = to;
  };
  walk(tape, (node) => {
    if (node.mark < top) flushTo(node.mark);
    if (node.prim === BRIDGE) {
      const g = node.ct;
      if (g !== null) scalars.seed(adj, node.params as number, g);
      node.ct = null;
      node.ctOwned = false;
      return true;
    }
    return false;
  });
  if (top > 0) flushTo(0);
  scalars.doneWith(adj);
}

/** The walk over tape nodes; `before(node)` runs first for each node and returns true when it handled it. */
function walk(tape: readonly TapeNode[], before: ((node: TapeNode) => boolean) | null): void {
  for (let k = tape.length - 1; k >= 0; k--) {
    const node = tape[k]!;
    if (before !== null && before(node)) continue;
    const g = node.ct;
    if (g === null) continue;
    node.ct = null;
    node.ctOwned = false;
    const parents = node.parents;
    const prim = node.prim!;
    if (prim.accumulate !== undefined && g.trace === null && !anomaly.enabled) {
      // A sparse linear rule (slice, take) at first order: add straight into the parent's buffer.
      const p = parents[0];
      if (!p) continue;
      if (p.ct === null || p.ct.trace === null) {
        prim.accumulate(ownedBuffer(p), g, node.params);
        continue;
      }
    }
    anomaly.inRule++;
    let cts: Array<Tensor | null>;
    try {
      // A parent is non-null exactly when its input needs a cotangent.
      const needs = parents as unknown as readonly boolean[];
      const rule = prim.fusedVjp === undefined ? prim.vjp!
        : g.trace === null && plainResiduals(node) ? fusedOrGeneric
          : recordedOrGeneric; // under jit, a recording may still take the fused rule
      cts = profiler.active
        ? timedRule(prim.name, () => rule(g, node, node.params, needs))
        : rule(g, node, node.params, needs);
    } finally {
      anomaly.inRule--;
    }
    for (let j = 0; j < parents.length; j++) {
      const p = parents[j];
      const ct = cts[j];
      if (!p || !ct) continue;
      if (!shapesEqual(ct.shape, p.outShape)) {
        throw new AdjointError(
          `internal: the VJP of '${node.prim!.name}' returned a cotangent of shape ${formatShape(ct.shape)} ` +
            `for input ${j} of shape ${formatShape(p.outShape)}. This is a bug in that rule; please report it.`,
        );
      }
      if (anomaly.enabled) checkCotangent(node.prim!.name, j, ct, node.site);
      accumulate(p, ct);
    }
  }
}

/** Whether a node's saved residuals are plain values (first order at this level). */
function plainResiduals(node: TapeNode): boolean {
  if (node.out !== null && node.out.trace !== null) return false;
  const inputs = node.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x != null && x.trace !== null) return false;
  }
  return true;
}

/** A fused rule recorded by a jit recording (jit/recordTrace.ts), or the generic rule. */
function recordedOrGeneric(g: Tensor, node: TapeNode, params: unknown, needs: readonly boolean[]): Array<Tensor | null> {
  return recordFusedVjp(node.prim!, g, node, params, needs) ?? node.prim!.vjp!(g, node, params, needs);
}

/** A primitive's fused first-order rule, or its generic rule where the fused one declines. */
function fusedOrGeneric(g: Tensor, node: TapeNode, params: unknown, needs: readonly boolean[]): Array<Tensor | null> {
  return node.prim!.fusedVjp!(g, node, params, needs) ?? node.prim!.vjp!(g, node, params, needs);
}
