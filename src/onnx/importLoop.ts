/**
 * @file ONNX's Loop and Scan: the body runs once per iteration as adjoint ops (define-by-run), so
 * every transformation sees the loop unrolled — grad differentiates the iterations taken, jit records
 * them, vmap batches them. A trip count or condition known before the run is simply read; one that
 * is a value of the run is read as `ad.whileLoop`'s condition is: under jit the read keeps the
 * recording from being replayed with another trip count, and under vmap with a count or condition
 * that differs across the batch every example's carried values freeze once its own loop has ended
 * (JAX's batched while_loop), the loop running until every example's has.
 */
import { Tensor } from '../tensor/tensor.js';
import { scalar, zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { reshape, stack, take } from '../ops/shape.js';
import { where } from '../ops/select.js';
import { less, notEqual } from '../ops/binary.js';
import { logicalAnd } from '../ops/predicates.js';
import { anyExample, isBatched } from '../transforms/vmap.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { capturedScope, sharedByBatch, type NodeContext, type OperatorDef, type Subgraph, type Value } from './importNode.js';

/**
 * A one-element trip count or condition: its number where the batch shares it (read directly when
 * known before the run, else as a value read jit sees), or, under vmap where it differs across the
 * batch, one 0-d value per example.
 */
function scalarOf(node: NodeContext, v: Value, known: boolean, what: string): number | Tensor {
  const t = v.tensor;
  if (t.size !== 1) node.runError(`${what} must hold one value, got shape ${formatShape(t.shape)}.`);
  if (!known && isBatched(t)) {
    const shared = sharedByBatch(t, `${what} of ONNX ${node.opType} node '${node.name}'`); // the same for every example: one loop
    if (shared === null) return t.ndim === 0 ? t : reshape(t, []);
    if (Number.isNaN(shared[0]!)) node.runError(`${what} is NaN.`);
    return shared[0]!;
  }
  if (!known) noteLibraryRead(t, `${what} of ONNX ${node.opType} node '${node.name}'`);
  const x = known ? t.values[0]! : t.item();
  if (Number.isNaN(x)) node.runError(`${what} is NaN.`);
  return x;
}

/** a ∧ b, where each is a boolean shared by the batch or a 0/1 value per example. */
function both(a: boolean | Tensor, b: boolean | Tensor): boolean | Tensor {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return logicalAnd(a, b);
}

/**
 * The scan outputs, each iteration's values stacked along `axes[k]` (in reverse order where
 * `reversed[k]`); with no iteration, empty tensors of the shapes the body declares.
 */
function stackScans(node: NodeContext, body: Subgraph, firstScan: number, scans: Value[][], axes: readonly number[], reversed: readonly boolean[]): Value[] {
  return scans.map((list, k) => {
    const declared = body.outputTypes[firstScan + k];
    if (list.length === 0) {
      if (declared === null || declared === undefined) {
        node.runError(`it ran no iteration, and its body does not declare the shape of scan output ${k} (every dim a number), so the output's shape is unknown.`);
      }
      const axis = normalizedAxis(node, axes[k]!, declared.shape.length + 1, `scan output ${k}'s axis`);
      return { tensor: zeros([...declared.shape.slice(0, axis), 0, ...declared.shape.slice(axis)]), kind: declared.kind };
    }
    const shape = list[0]!.tensor.shape;
    list.forEach((v, t) => {
      if (!shapesEqual(v.tensor.shape, shape)) {
        node.runError(`scan output ${k} has shape ${formatShape(shape)} in the first iteration but ${formatShape(v.tensor.shape)} in iteration ${t}; every iteration's must be the same.`);
      }
    });
    const ordered = reversed[k] ? [...list].reverse() : list;
    const axis = normalizedAxis(node, axes[k]!, shape.length + 1, `scan output ${k}'s axis`);
    return { tensor: stack(ordered.map((v) => v.tensor), axis), kind: list[0]!.kind };
  });
}

/** An axis in [−rank, rank) as a non-negative one. */
function normalizedAxis(node: NodeContext, axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) node.runError(`${what} is ${axis}, outside [${-rank}, ${rank}) for rank ${rank}.`);
  return axis < 0 ? axis + rank : axis;
}

/**
 * Loop (opsets 1–21): inputs M (trip count), cond and the N carried values; the body takes the
 * iteration number, the condition and the carried values, and returns the next condition, the
 * next carried values and K scan outputs, which are stacked along a new first axis. ONNX:
 * `for (i = 0; (M absent or i < M) and (cond absent or cond); i++) cond, v… = body(i, cond, v…)`;
 * without cond the body's condition output is ignored.
 */
const loopOp: OperatorDef = {
  attributes: ['body'],
  compile: (node) => {
    const body = node.subgraph('body');
    const first = node.inputs.length - node.captured.length; // trailing omitted inputs are dropped
    const hasTrip = first > 0 && node.inputs[0] !== '', hasCond = first > 1 && node.inputs[1] !== '';
    if (!hasTrip && !hasCond) node.fail('it has neither a trip count M (input 0) nor a condition (input 1), so it would never end.');
    const n = Math.max(0, first - 2);
    if (body.inputNames.length !== 2 + n) {
      node.fail(`its body declares ${body.inputNames.length} inputs, but a Loop with ${n} carried values needs ${2 + n}: the iteration number, the condition, then the carried values.`);
    }
    const k = body.outputCount - 1 - n;
    if (k < 0) node.fail(`its body has ${body.outputCount} outputs, but a Loop with ${n} carried values needs at least ${1 + n}: the condition, then the carried values, then any scan outputs.`);
    if (node.outputs.length > n + k) node.fail(`it has ${node.outputs.length} outputs, but its body gives ${n} carried values and ${k} scan outputs.`);
    const forever: Value = { tensor: scalar(1), kind: 'bool' };

    return (inputs, known) => {
      const { outer, knownOuter } = capturedScope(node, inputs, known, first);
      const trip = hasTrip ? scalarOf(node, inputs[0]!, known[0] === true, 'the trip count M') : Infinity;
      let cond = hasCond ? inputs[1]! : forever, condKnown = hasCond ? known[1] === true : true;
      let truth: number | Tensor = hasCond ? scalarOf(node, cond, condKnown, 'the condition') : 1;
      let carried = inputs.slice(2, 2 + n).map((v, j) => v ?? node.runError(`carried value ${j} (input ${2 + j}) is missing.`));
      let carriedKnown = known.slice(2, 2 + n);
      const scans: Value[][] = Array.from({ length: k }, () => []);
      let mask: Tensor | null = null; // under vmap, once the examples' loops differ: which still run
      for (let i = 0; ; i++) {
        const go = both(typeof trip === 'number' ? i < trip : less(i, trip), typeof truth === 'number' ? truth !== 0 : notEqual(truth, 0));
        if (go === false) break;
        if (go !== true || mask !== null) {
          const running: Tensor = go === true ? mask! : mask === null ? go : logicalAnd(mask, go);
          if (!anyExample(running)) break;
          if (k > 0) {
            node.runError(`under vmap its trip count or condition differs across the batch, and it has ${k} scan outputs, whose lengths would then differ between examples; ` +
              'map the examples one at a time, or give the loop a trip count the batch shares.');
          }
          mask = running;
        }
        const out = body.runWith(outer, knownOuter, [{ tensor: scalar(i), kind: 'int' }, cond, ...carried], [true, condKnown, ...carriedKnown]);
        const next = out.values.slice(1, 1 + n);
        if (mask === null) {
          carried = next;
          carriedKnown = out.known.slice(1, 1 + n);
        } else {
          const m = mask;
          carried = next.map((v, j) => ({ tensor: where(m, v.tensor, carried[j]!.tensor), kind: v.kind }));
          carriedKnown = carried.map(() => false);
        }
        out.values.slice(1 + n).forEach((v, j) => scans[j]!.push(v));
        if (hasCond) {
          cond = out.values[0]!;
          condKnown = out.known[0]!;
          truth = scalarOf(node, cond, condKnown, `the condition after iteration ${i}`);
        }
      }
      return [...carried, ...stackScans(node, body, 1 + n, scans, scans.map(() => 0), scans.map(() => false))];
    };
  },
};

/** Scan's integer-list attribute of `count` entries (default all 0), each checked by `ok`. */
function listAttribute(node: NodeContext, name: string, count: number, ok: (v: number) => boolean, expected: string): number[] {
  const values = node.ints(name) ?? new Array<number>(count).fill(0);
  if (values.length !== count) node.fail(`attribute ${name} has ${values.length} entries, but there are ${count} ${name.includes('input') ? 'scan inputs' : 'scan outputs'}.`);
  values.forEach((v, j) => ok(v) || node.fail(`attribute ${name}[${j}] is ${v}; ${expected}.`));
  return values;
}

/**
 * Scan (opsets 9–21): N state values and M scan inputs; iteration t hands the body the states and
 * the t-th slice of each scan input along its axis (from the end where its direction is 1), and
 * takes back the next states and K scan outputs, stacked along their axes (in reverse order where
 * their direction is 1). Scan-8, with a batch axis and sequence lengths, is not read.
 */
const scanOp: OperatorDef = {
  attributes: ['body', 'num_scan_inputs', 'scan_input_axes', 'scan_input_directions', 'scan_output_axes', 'scan_output_directions'],
  compile: (node) => {
    if (node.opset < 9) node.fail('Scan-8 (a batch axis and sequence_lens) is not supported; export the model at opset 9 or later.');
    const body = node.subgraph('body');
    const first = node.inputs.length - node.captured.length;
    const m = node.int('num_scan_inputs', 0);
    if (!Number.isInteger(m) || m < 1 || m > first) node.fail(`attribute num_scan_inputs is ${m}; it must be between 1 and the ${first} inputs.`);
    const n = first - m;
    if (body.inputNames.length !== n + m) node.fail(`its body declares ${body.inputNames.length} inputs, but ${n} states and ${m} scan inputs need ${n + m}.`);
    const k = body.outputCount - n;
    if (k < 0) node.fail(`its body has ${body.outputCount} outputs, fewer than its ${n} states.`);
    if (node.outputs.length > n + k) node.fail(`it has ${node.outputs.length} outputs, but its body gives ${n} states and ${k} scan outputs.`);
    const direction = (v: number) => v === 0 || v === 1;
    const inAxes = listAttribute(node, 'scan_input_axes', m, Number.isInteger, 'an axis is an integer');
    const inReversed = listAttribute(node, 'scan_input_directions', m, direction, 'a direction is 0 (forward) or 1 (reverse)').map((d) => d === 1);
    const outAxes = listAttribute(node, 'scan_output_axes', k, Number.isInteger, 'an axis is an integer');
    const outReversed = listAttribute(node, 'scan_output_directions', k, direction, 'a direction is 0 (forward) or 1 (reverse)').map((d) => d === 1);

    return (inputs, known) => {
      const { outer, knownOuter } = capturedScope(node, inputs, known, first);
      const given = inputs.slice(0, first).map((v, j) => v ?? node.runError(`input ${j} is missing.`));
      let states = given.slice(0, n), statesKnown = known.slice(0, n);
      const xs = given.slice(n), xsKnown = known.slice(n, first);
      const axes = xs.map((x, j) => normalizedAxis(node, inAxes[j]!, x.tensor.ndim, `scan input ${j}'s axis`));
      const length = xs[0]!.tensor.shape[axes[0]!]!;
      xs.forEach((x, j) => {
        if (x.tensor.shape[axes[j]!] !== length) {
          node.runError(`scan input ${j} has ${x.tensor.shape[axes[j]!]} entries along its axis ${axes[j]} (shape ${formatShape(x.tensor.shape)}), but scan input 0 has ${length}; they must agree.`);
        }
      });
      const scans: Value[][] = Array.from({ length: k }, () => []);
      for (let t = 0; t < length; t++) {
        const slices = xs.map((x, j) => ({ tensor: take(x.tensor, inReversed[j] ? length - 1 - t : t, axes[j]!), kind: x.kind }));
        const out = body.runWith(outer, knownOuter, [...states, ...slices], [...statesKnown, ...xsKnown]);
        states = out.values.slice(0, n);
        statesKnown = out.known.slice(0, n);
        out.values.slice(n).forEach((v, j) => scans[j]!.push(v));
      }
      return [...states, ...stackScans(node, body, n, scans, outAxes, outReversed)];
    };
  },
};

/** The looping operators by ONNX name. */
export const LOOPS: Record<string, OperatorDef> = { Loop: loopOp, Scan: scanOp };
