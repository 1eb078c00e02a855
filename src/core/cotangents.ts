/** @file Accumulating the cotangents that meet at a tape node: in place when the values are plain, differentiably when they are traced. */
import { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { allocF64, uninitializedF64 } from '../tensor/alloc.js';
import type { TapeNode } from './trace.js';
import { addCotangents } from './accumulate.js';

/**
 * Adds `ct` to `node`'s cotangent. The first contribution is stored as is (rules may share it,
 * so it is never written to). When a second plain contribution arrives the sum goes into a fresh
 * buffer the node owns, and later ones are added into that buffer in place: k contributions cost
 * one allocation, not k. Traced (boxed) cotangents — a backward pass inside an outer
 * transformation — are summed with the differentiable `add` so higher orders see the sum.
 */
export function accumulate(node: TapeNode, ct: Tensor): void {
  const cur = node.ct;
  if (cur === null) {
    node.ct = ct;
    node.ctOwned = false;
    return;
  }
  if (cur.trace !== null || ct.trace !== null) {
    node.ct = addCotangents(cur, ct);
    node.ctOwned = false;
    return;
  }
  if (node.ctOwned) {
    addInto(cur.values, ct.values);
    return;
  }
  const sum = copyOf(cur.values);
  addInto(sum, ct.values);
  node.ct = new Tensor(sum, node.outShape);
  node.ctOwned = true;
}

/** A copy the caller owns (from a slab inside recordings, see tensor/alloc.ts). */
function copyOf(x: Float64Array): Float64Array {
  const out = uninitializedF64(x.length);
  out.set(x);
  return out;
}

function addInto(acc: Float64Array, x: Float64Array): void {
  const n = acc.length;
  for (let i = 0; i < n; i++) acc[i] += x[i]!;
}

/**
 * A dense plain buffer holding `node`'s cotangent so far, owned by the node, for a sparse rule to
 * add into; zeros the first time. Only for plain cotangents: the caller checks that `node.ct` is
 * null or untraced.
 */
export function ownedBuffer(node: TapeNode): Float64Array {
  const cur = node.ct;
  if (cur !== null && node.ctOwned) return cur.values;
  const buf = cur === null ? allocF64(sizeOf(node.outShape)) : copyOf(cur.values);
  node.ct = new Tensor(buf, node.outShape);
  node.ctOwned = true;
  return buf;
}

/** Clears a node's cotangent (before a pullback, and after it is consumed). */
export function resetCotangent(node: TapeNode): void {
  node.ct = null;
  node.ctOwned = false;
}

/**
 * A running sum of cotangents outside any tape node (a scan's weights, summed over steps): in
 * place while the values are plain, with the differentiable `add` when they are traced.
 */
export class CotangentSum {
  private sum: Tensor | null = null;
  private owned = false;

  add(ct: Tensor): void {
    const cur = this.sum;
    if (cur === null) {
      this.sum = ct;
      return;
    }
    if (cur.trace !== null || ct.trace !== null) {
      this.sum = addCotangents(cur, ct);
      this.owned = false;
    } else if (this.owned) {
      addInto(cur.values, ct.values);
    } else {
      const buf = copyOf(cur.values);
      addInto(buf, ct.values);
      this.sum = new Tensor(buf, cur.shape);
      this.owned = true;
    }
  }

  /** The sum, or null if nothing was added. */
  get value(): Tensor | null {
    return this.sum;
  }
}
