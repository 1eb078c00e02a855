/** @file Recording a function on a fresh reverse trace and pulling cotangents back: the engine under vjp, checkpoint and scan. */
import { Tensor } from '../tensor/tensor.js';
import { full, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual, sizeOf } from '../tensor/shape.js';
import { ReverseTrace, live, unbox, withPaused, type TapeNode, type Trace } from '../core/trace.js';
import { backward } from '../core/backward.js';
import { flatten, type TreeDef } from '../core/pytree.js';
import { ShapeError } from '../core/errors.js';
import { accumulate, resetCotangent } from '../core/cotangents.js';
import { releaseAlong, releaseTrace, releaseWith, type Holder } from '../core/memory.js';
import { detachAll, inArena } from '../tensor/alloc.js';

export interface Recording {
  /** Output leaves, unboxed at the recording trace (numbers stay numbers). */
  readonly outLeaves: ReadonlyArray<Tensor | number>;
  readonly outDef: TreeDef;
  /**
   * Boxes of the paused trace that the function read through its closure, in first-use order
   * (only when recording with `captureFrom`); they are extra inputs of the recording.
   */
  readonly captured: readonly Tensor[];
  /** Cotangents of the inputs, then of the captured boxes, for output cotangent leaves. */
  pullback(ctLeaves: ReadonlyArray<Tensor | number>): Tensor[];
  /** Drops the tape (and its residual-memory accounting); the pullback cannot be used after. */
  release(): void;
  /** Releases the accounting when `owner` (a pullback the user keeps) is garbage-collected. */
  releaseWith(owner: object): void;
  /** Releases the accounting with `holder`, the tape whose backward pass alone reads this one's. */
  releaseAlong(holder: Holder): void;
  /** Entries of the scalar tape (0-d ops) and general tape nodes the function recorded (what jit/autoJit.ts weighs). */
  readonly scalarOps: number;
  readonly generalOps: number;
}

/**
 * Runs `fn(inputs)` on a new reverse trace. With `captureFrom` (a trace that is inactive or is
 * paused here), every box of that trace which `fn` reads through its closure becomes an extra
 * input of this recording, so its cotangent comes back too — how a recomputed checkpoint or scan
 * step returns gradients for the weights it closes over.
 */
export function record(fn: (inputs: Tensor[]) => unknown, leaves: readonly Tensor[], captureFrom?: Trace): Recording {
  const trace = new ReverseTrace();
  const inputs = leaves.map((x) => trace.input(x));
  const captured: Tensor[] = [];
  const capturedInputs: Tensor[] = [];
  const substitutes = new Map<Tensor, Tensor>();
  const run = () => inArena(() => fn(inputs));
  let out: { leaves: Array<Tensor | number>; def: TreeDef };
  let outLeaves: Array<Tensor | number>;
  try {
    const result = captureFrom
      ? withPaused(captureFrom, (box) => {
          let s = substitutes.get(box);
          if (s === undefined) {
            // Over the box's primal as it is, not live(primal): the substitute is made at the
            // first read and reused for every later one, and what the primal reads as depends on
            // the pauses in force at each read (a loop or checkpoint recorded one level down pauses
            // that level while its forward runs). Resolved at the first read, a read made under
            // such a pause froze the primal as a plain value, and every later use — the recorded
            // backward pass's residuals under grad(grad(·)) — lost its dependence on the lower
            // level (checkpoint(scan(scan(·))) with closures: a wrong second derivative).
            s = trace.input(box.primal!);
            substitutes.set(box, s);
            captured.push(box);
            capturedInputs.push(s);
          }
          return s;
        }, run)
      : run();
    out = flatten(result, 'vjp (output)');
    outLeaves = out.leaves.map((l) => (l instanceof Tensor ? live(l) : l)); // while this trace is live
  } catch (e) {
    // A function that throws leaves no tape behind: its residuals are not held any more.
    trace.scalars?.release();
    releaseTrace(trace.memory);
    throw e;
  } finally {
    trace.finish();
  }
  const outNodes: Array<TapeNode | null> = outLeaves.map((l) => (l instanceof Tensor && l.trace === trace ? trace.nodeOf(l) : null));
  // Outputs leave the recording: copied out of allocation slabs (see tensor/alloc.ts).
  const outPrimals = detachAll(outLeaves.map((l) => (l instanceof Tensor ? unbox(l, trace) : l)));
  const allInputs = [...inputs, ...capturedInputs];
  const leafNodes = allInputs.map((b) => b.node!);
  let tape: TapeNode[] | null = trace.tape;

  return {
    outLeaves: outPrimals,
    outDef: out.def,
    captured,
    scalarOps: trace.scalars?.length ?? 0,
    generalOps: trace.tape.length,
    pullback(ctLeaves) {
      if (tape === null) throw new Error('internal: pullback after release');
      for (const n of tape) resetCotangent(n);
      for (const n of leafNodes) resetCotangent(n);
      ctLeaves.forEach((c, i) => {
        const node = outNodes[i];
        if (node === null || node === undefined) return;
        const o = outPrimals[i] as Tensor;
        const g = c instanceof Tensor ? live(c) : full(o.shape, c);
        if (!shapesEqual(g.shape, o.shape)) {
          throw new ShapeError(
            `vjp pullback: cotangent ${i} has shape ${formatShape(g.shape)} but the output it pairs with has shape ${formatShape(o.shape)}; they must be equal.`,
          );
        }
        accumulate(node, g);
      });
      inArena(() => backward(tape!, trace.scalars));
      const zero = zeroCotangents(leafNodes, allInputs);
      return detachAll(leafNodes.map((n, i) => {
        const g = n.ct === null ? zero(allInputs[i]!.shape) : n.ct;
        resetCotangent(n);
        return g;
      }));
    },
    release() {
      tape = null;
      trace.scalars?.release();
      releaseTrace(trace.memory);
    },
    releaseWith(owner) {
      releaseWith(owner, trace.memory);
    },
    releaseAlong(holder) {
      releaseAlong(trace.memory, holder);
    },
  };
}

/**
 * The zero cotangents of the inputs nothing reached: views of one zero buffer, as long as the
 * largest of them, when there are several (a `new Float64Array` of more than 8 elements is an
 * allocation outside the heap of about 0.5 µs; 199 unused 8×8 inputs took 120 µs). Sharing is
 * safe because tensor storage is never written (core/cotangents.ts never writes a contribution
 * it did not make; `data` hands out copies).
 */
function zeroCotangents(nodes: readonly TapeNode[], inputs: readonly Tensor[]): (shape: readonly number[]) => Tensor {
  let count = 0, largest = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i]!.ct !== null) continue;
    count++;
    largest = Math.max(largest, inputs[i]!.size);
  }
  if (count < 2 || largest <= 8) return zeros;
  const shared = new Float64Array(largest);
  return (shape) => {
    const size = sizeOf(shape);
    return new Tensor(size === largest ? shared : shared.subarray(0, size), [...shape]);
  };
}

/**
 * x̄ = (∂f/∂x)ᵀ ḡ for a function written in ops, by recording f at x and pulling ḡ back: how a
 * primitive whose kernel stands for some ops takes its derivative in x from those ops (their rules
 * give every higher order too).
 */
export function opsCotangent(f: (x: Tensor) => Tensor, x: Tensor, g: Tensor): Tensor {
  const rec = record((ins) => f(ins[0]!), [x]);
  const gx = rec.pullback([g])[0]!;
  rec.release();
  return gx;
}
