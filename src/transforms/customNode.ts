/** @file One tape node standing for a whole region (customVjp, checkpoint, scan): its output packed, its backward rule a closure. */
import { Tensor } from '../tensor/tensor.js';
import { ReverseTrace, Trace, innermostActive, topTrace, withPaused } from '../core/trace.js';
import { definePrimitive, type Residuals } from '../core/primitive.js';
import { flatten, unflatten, type PyTree } from '../core/pytree.js';
import { AdjointError, ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { concat, reshape, slice } from '../ops/shape.js';
import { asTensor } from '../tensor/create.js';
import { redirectsAbove, redirectsBelow, withRedirects } from '../core/redirects.js';

/** What a region's forward run reports. */
export interface RegionCall {
  /** The region's output (values one level below the trace, never boxed at it). */
  out: PyTree;
  /** Boxes of the trace that the region read through its closure: extra inputs of the node. */
  captured: readonly Tensor[];
  /** Cotangents of the inputs (flat leaves), then of `captured`, for an output cotangent. */
  backward(cotangent: PyTree): Tensor[];
}

interface RegionParams {
  name: string;
  unpack: (g: Tensor) => PyTree;
  call: RegionCall;
  shapes: ReadonlyArray<readonly number[]>;
}

// One primitive for every region node; the rule travels in the node's params.
const regionP = definePrimitive<RegionParams>({
  name: 'region',
  saves: 'none',
  forward: () => {
    throw new AdjointError('internal: a region node has no kernel');
  },
  vjp: (g: Tensor, _r: Residuals, p: RegionParams) => {
    const cts = p.call.backward(p.unpack(g));
    return p.shapes.map((shape, i) => {
      const c = cts[i];
      if (c === undefined) {
        throw new ShapeError(
          `${p.name}: the backward rule returned ${cts.length} cotangent leaves for ${p.shapes.length} argument leaves; return one cotangent per argument, with its structure and shape.`,
        );
      }
      if (c.size === 1 && shape.length === 0 && c.ndim !== 0) return reshape(c, []);
      if (!shapesEqual(c.shape, shape)) {
        throw new ShapeError(
          `${p.name}: the backward rule returned a cotangent of shape ${formatShape(c.shape)} for an argument of shape ${formatShape(shape)} (leaf ${i}); ` +
            'each cotangent must have the shape of its argument (sum a broadcast gradient back to it, e.g. ad.sum over the extra axes).',
        );
      }
      return c;
    });
  },
  jvp: null,
});

/** Records the region on `trace` as one node with inputs `leaves` (boxed at `trace` or not) plus the captured boxes. */
export function recordRegion(name: string, trace: ReverseTrace, leaves: readonly Tensor[], call: RegionCall): PyTree {
  const o = flatten(call.out, `${name} (output)`);
  const outLeaves = o.leaves.map((l) => asTensor(l, name));
  const single = outLeaves.length === 1;
  const packed = single ? outLeaves[0]! : concat(outLeaves.map((l) => reshape(l, [l.size])), 0);
  const split = (flat: Tensor): Tensor[] => {
    let offset = 0;
    return outLeaves.map((l) => {
      const part = reshape(slice(flat, [offset], [l.size]), l.shape);
      offset += l.size;
      return part;
    });
  };
  const inputs = [...leaves, ...call.captured];
  // The backward rule runs the region's code again (checkpoint, a loop's recomputed and taped
  // steps), which reads closures as the forward did only if the pauses in force now are in force
  // then. Inside a checkpoint or loop step being recomputed, an older trace is paused with a
  // redirect that reads its boxes as inputs of that recomputation; by the time this node's
  // backward runs (the recomputation's pullback) that pause has ended, and the closures read as
  // plain values: their cotangents were lost (checkpoint(checkpoint(·)), a checkpointed scan in a
  // checkpointed scan's step gave gradients without the inner region's closure terms). So the
  // redirects are restored around the backward rule, as the implicit regions do (implicit/levels.ts).
  const context = [...redirectsAbove(trace.level), ...redirectsBelow(trace.level)];
  const backwardCall: RegionCall = context.length === 0 ? call : { ...call, backward: (ct) => withRedirects(context, () => call.backward(ct)) };
  const params: RegionParams = {
    name,
    unpack: (g) => unflatten(o.def, single ? [g] : split(g)) as PyTree,
    call: backwardCall,
    shapes: inputs.map((x) => x.shape),
  };
  const box = trace.record(regionP, params, inputs, packed);
  return unflatten(o.def, single ? [box] : split(box)) as PyTree;
}

/** Runs `fn` with `trace` paused, collecting the boxes of `trace` it reads through closures. */
export function runCapturing<T>(trace: ReverseTrace, fn: () => T): { result: T; captured: Tensor[] } {
  const seen = new Set<Tensor>();
  const result = withPaused(trace, (box) => {
    seen.add(box);
    return box.primal!;
  }, fn);
  return { result, captured: [...seen] };
}

/**
 * The trace a region (checkpoint, scan, whileLoop) records on: the innermost of its inputs' traces
 * and the running ones. The region's function may read boxes of an inner level through its closure
 * while its arguments are boxed only at an outer one (`grad(grad(·))`, `grad(jvp(·))`,
 * `grad(vmap(·))` differentiating the outer argument's loop). Recording at the arguments' level
 * would run the function with that level paused but the inner one live, its values inside the outer
 * region (levels inverted): the inner level's derivative through the region was lost. So the region
 * starts at the innermost level: a reverse level records it and pauses, and the next level down
 * records in turn; a forward or batch level runs the function as is, every level below recording
 * its ops (no checkpointing there). `inputs` as topTrace leaves them (dead boxes replaced in place).
 */
export function regionTrace(inputs: Tensor[]): Trace | null {
  const top = topTrace(inputs);
  const running = innermostActive(Trace);
  return running !== null && (top === null || running.level > top.level) ? running : top;
}
