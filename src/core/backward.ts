/** @file The backward pass: an iterative walk of the tape in reverse, dropping each cotangent once used. */
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { anomaly, checkCotangent } from './anomaly.js';
import { AdjointError } from './errors.js';
import type { TapeNode } from './trace.js';
import { addCotangents } from './accumulate.js';

/**
 * Propagates cotangents already seeded on nodes (`node.ct`) back through `tape`, newest first.
 * Each node is visited once; nodes that received no cotangent are skipped (so only the part of
 * the tape between the seeded outputs and the inputs costs anything). Runs in constant stack depth.
 */
export function backward(tape: readonly TapeNode[]): void {
  for (let k = tape.length - 1; k >= 0; k--) {
    const node = tape[k]!;
    const g = node.ct;
    if (g === null) continue;
    node.ct = null;
    const parents = node.parents;
    anomaly.inRule++;
    let cts: Array<Tensor | null>;
    try {
      // A parent is non-null exactly when its input needs a cotangent.
      cts = node.prim!.vjp!(g, node, node.params, parents as unknown as readonly boolean[]);
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
      p.ct = p.ct === null ? ct : addCotangents(p.ct, ct);
    }
  }
}
