/**
 * @file ONNX's indexing operators in adjoint's ops: Gather (known indices through `take`, indices
 * computed by the model — token ids, say — through `gather`), GatherElements, Slice (negative and
 * clamped bounds, any step), Pad, Trilu, ScatterElements, TopK and NonZero.
 */
import { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { add, less, mul } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { reshape, slice, stack, take } from '../ops/shape.js';
import { nonzero } from '../ops/numpyPositions.js';
import { gather, scatter, scatterAdd } from '../ops/gather.js';
import { topk } from '../ops/sort.js';
import { neg } from '../ops/unary.js';
import { ones, zeros } from '../tensor/create.js';
import { pad, tril, triu, type PadMode } from '../ops/rearrange.js';
import { numbers, oneNumber, same, type OperatorDef } from './importNode.js';
import { axisIn } from './importShape.js';

/**
 * x's entries at indices along `axis`, for indices known only at the run: x is seen as
 * [before, n, after] and the indices as [1, k, 1], so NumPy's take_along_axis (`gather`)
 * broadcasts them over the other axes; then the indices' shape takes the axis's place.
 */
function gatherRuntime(x: Tensor, indices: Tensor, axis: number): Tensor {
  const n = x.shape[axis]!;
  const before = x.shape.slice(0, axis), after = x.shape.slice(axis + 1);
  const flat = reshape(where(less(indices, 0), add(indices, n), indices), [1, indices.size, 1]);
  const out = gather(reshape(x, [sizeOf(before), n, sizeOf(after)]), flat, 1);
  return reshape(out, [...before, ...indices.shape, ...after]);
}

/** Gather: out[…, j…, …] = x[…, indices[j…], …] along `axis`. */
const gatherOp: OperatorDef = {
  attributes: ['axis'],
  compile: (node) => {
    const axis = node.int('axis', 0);
    return ([x, indices], known) => {
      const t = x!.tensor, ax = axisIn(node, axis, t.ndim);
      const out = known[1] ? take(t, indices!.tensor, ax) : gatherRuntime(t, indices!.tensor, ax);
      return [same(x!, out)];
    };
  },
};

/** GatherElements: NumPy's take_along_axis, the output shaped as the indices (x cut to their extent off the axis). */
const gatherElements: OperatorDef = {
  attributes: ['axis'],
  compile: (node) => {
    const axis = node.int('axis', 0);
    return ([x, indices]) => {
      const t = x!.tensor, idx = indices!.tensor, ax = axisIn(node, axis, t.ndim);
      if (idx.ndim !== t.ndim) node.runError(`indices have rank ${idx.ndim} and data rank ${t.ndim}; they must be equal.`);
      const cut = slice(t, t.shape.map(() => 0), t.shape.map((d, i) => (i === ax ? d : Math.min(d, idx.shape[i]!))));
      return [same(x!, gather(cut, idx, ax))];
    };
  },
};

/**
 * The positions Slice takes along one axis of length n (ONNX Slice): negative bounds count from
 * the end, then starts clamp to [0, n] (to [0, n − 1] for a negative step) and ends to [0, n]
 * (to [−1, n − 1]); a step walks from start up to (down to) end, exclusive.
 */
export function slicePositions(n: number, start: number, end: number, step: number): { first: number; count: number } {
  const s0 = start < 0 ? start + n : start, e0 = end < 0 ? end + n : end;
  if (step > 0) {
    const s = Math.min(Math.max(s0, 0), n), e = Math.min(Math.max(e0, 0), n);
    return { first: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = Math.min(Math.max(s0, 0), n - 1), e = Math.min(Math.max(e0, -1), n - 1);
  return { first: s, count: Math.max(0, Math.ceil((s - e) / -step)) };
}

/** Slice: starts, ends, axes, steps as inputs (opset 10 on) or attributes (before). */
const sliceOp: OperatorDef = {
  attributes: ['starts', 'ends', 'axes'],
  staticInputs: [1, 2, 3, 4],
  compile: (node) => {
    const legacy = node.opset < 10;
    return ([x, startsIn, endsIn, axesIn, stepsIn]) => {
      let t = x!.tensor;
      const starts = legacy ? node.ints('starts') ?? [] : numbers(startsIn!);
      const ends = legacy ? node.ints('ends') ?? [] : numbers(endsIn!);
      const axes = (legacy ? node.ints('axes') : axesIn && numbers(axesIn)) ?? starts.map((_, i) => i);
      const steps = stepsIn ? numbers(stepsIn) : starts.map(() => 1);
      if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
        node.runError(`starts, ends, axes and steps have lengths ${starts.length}, ${ends.length}, ${axes.length}, ${steps.length}; they must be equal.`);
      }
      const begin = t.shape.map(() => 0), size = [...t.shape];
      const strided: Array<[number, Int32Array]> = [];
      axes.forEach((a, i) => {
        const ax = axisIn(node, a, t.ndim), step = steps[i]!;
        if (step === 0) node.runError('a step is 0.');
        const { first, count } = slicePositions(t.shape[ax]!, starts[i]!, ends[i]!, step);
        if (step === 1) [begin[ax], size[ax]] = [first, count];
        else strided.push([ax, Int32Array.from({ length: count }, (_, k) => first + k * step)]);
      });
      t = slice(t, begin, size);
      for (const [ax, positions] of strided) t = take(t, positions, ax);
      return [same(x!, t)];
    };
  },
};

/** Pad: pads [begin₀, begin₁, …, end₀, end₁, …] (negative ones crop), constant value, axes (opset 18); modes constant, reflect, edge, wrap. */
const padOp: OperatorDef = {
  attributes: ['mode', 'pads', 'value'],
  // constant_value (input 2) is a value, not a shape: read as a number where known before the run, else
  // padded in as a tensor (differentiable, and per example under vmap).
  staticInputs: [1, 3],
  compile: (node) => {
    const mode = node.oneOf('mode', node.string('mode', 'constant'), ['constant', 'reflect', 'edge', 'wrap']);
    const legacy = node.opset < 11;
    return ([x, padsIn, valueIn, axesIn], known) => {
      let t = x!.tensor;
      const pads = legacy ? node.ints('pads') ?? node.runError('attribute pads is required.') : numbers(padsIn!);
      const traced = !legacy && valueIn !== undefined && !known[2];
      if (traced && valueIn!.tensor.size !== 1) node.runError(`constant_value must hold one value, got shape ${JSON.stringify(valueIn!.tensor.shape)}.`);
      const value = legacy ? node.float('value', 0) : valueIn && !traced ? oneNumber(node, valueIn, 'constant_value') : 0;
      const axes = axesIn ? numbers(axesIn).map((a) => axisIn(node, a, t.ndim)) : t.shape.map((_, i) => i);
      if (pads.length !== 2 * axes.length) node.runError(`pads has ${pads.length} entries for ${axes.length} axes; it needs two per axis.`);
      const widths = t.shape.map((): [number, number] => [0, 0]);
      // Negative pads remove entries: crop first, then pad by the positive ones.
      const begin = t.shape.map(() => 0), size = [...t.shape];
      axes.forEach((ax, i) => {
        const [b, e] = [pads[i]!, pads[i + axes.length]!];
        if (b < 0) [begin[ax], size[ax]] = [-b, size[ax]! + b];
        if (e < 0) size[ax] = size[ax]! + e;
        widths[ax] = [Math.max(b, 0), Math.max(e, 0)];
      });
      if (size.some((d) => d < 0)) node.runError(`pads ${JSON.stringify(pads)} crop more than the shape ${JSON.stringify(t.shape)} holds.`);
      t = slice(t, begin, size);
      const padMode: PadMode = mode === 'constant' ? 'constant' : mode === 'reflect' ? 'reflect' : mode === 'edge' ? 'edge' : 'wrap';
      if (traced && padMode === 'constant') {
        // x padded with 0, plus v times the padding's indicator
        const border = pad(zeros(t.shape), widths, { mode: 'constant', value: 1 });
        return [same(x!, add(pad(t, widths, { mode: 'constant', value: 0 }), mul(border, reshape(valueIn!.tensor, []))))];
      }
      return [same(x!, pad(t, widths, padMode === 'constant' ? { mode: padMode, value } : { mode: padMode }))];
    };
  },
};

/** Trilu: the upper (default) or lower triangle of the last two axes, from diagonal k. */
const triluOp: OperatorDef = {
  attributes: ['upper'],
  staticInputs: [1],
  compile: (node) => {
    const upper = node.int('upper', 1) === 1;
    return ([x, kIn]) => {
      const k = kIn ? oneNumber(node, kIn, 'k') : 0;
      return [same(x!, upper ? triu(x!.tensor, k) : tril(x!.tensor, k))];
    };
  },
};

/**
 * ScatterElements: data with updates written (reduction 'none') or added ('add') at indices along
 * `axis` — NumPy's put_along_axis, through `scatter` / `scatterAdd`. Indices may be shorter than
 * the data off the axis: the scatter then acts on that corner of the data, the rest kept.
 */
const scatterElements: OperatorDef = {
  attributes: ['axis', 'reduction'],
  compile: (node) => {
    const axis = node.int('axis', 0);
    const reduction = node.oneOf('reduction', node.string('reduction', 'none'), ['none', 'add']);
    const write = reduction === 'add' ? scatterAdd : scatter;
    return ([x, indices, updates]) => {
      const t = x!.tensor, idx = indices!.tensor, ax = axisIn(node, axis, t.ndim);
      if (idx.ndim !== t.ndim) node.runError(`indices have rank ${idx.ndim} and data rank ${t.ndim}; they must be equal.`);
      const corner = t.shape.map((d, i) => (i === ax ? d : idx.shape[i]!));
      if (corner.every((d, i) => d === t.shape[i])) return [same(x!, write(t, idx, updates!.tensor, ax))];
      const part = write(slice(t, t.shape.map(() => 0), corner), idx, updates!.tensor, ax);
      const widths = t.shape.map((d, i): [number, number] => [0, d - corner[i]!]);
      const inside = pad(ones(corner), widths);
      return [same(x!, where(inside, pad(part, widths), t))];
    };
  },
};

/**
 * TopK: the k largest (or smallest) entries along `axis` and their positions, sorted; ties by
 * position. TopK-1 (opsets 1–9) takes k as an attribute; TopK-10 made it the second input, K
 * (a 1-element tensor), and TopK-11 added `largest` and `sorted`.
 */
const topK: OperatorDef = {
  attributes: ['axis', 'largest', 'sorted', 'k'],
  staticInputs: [1],
  compile: (node) => {
    const axis = node.int('axis', -1), largest = node.int('largest', 1) === 1;
    const legacy = node.opset < 10;
    for (const name of ['largest', 'sorted']) {
      if (node.opset < 11 && node.has(name)) node.fail(`attribute ${name} belongs to TopK-11 (opset 11 on); at opset ${node.opset} TopK has only axis${legacy ? ' and k' : ''}.`);
    }
    if (legacy && !node.has('k')) node.fail('attribute k is required (TopK-1, opsets 1–9).');
    if (legacy && node.inputs.length > 1) node.fail('K is an attribute before opset 10 (TopK-1), not an input.');
    if (!legacy && node.has('k')) node.fail(`attribute k belongs to TopK-1 (opsets 1–9); at opset ${node.opset} K is the second input.`);
    const kAttribute = legacy ? node.int('k', 0) : undefined;
    return ([x, kIn]) => {
      const t = x!.tensor, ax = axisIn(node, axis, t.ndim);
      const k = kAttribute ?? oneNumber(node, kIn ?? node.runError('K (input 1) is required.'), 'K');
      if (!Number.isInteger(k) || k < 0 || k > t.shape[ax]!) node.runError(`k = ${k} must be an integer in [0, ${t.shape[ax]}] (the length of axis ${ax}).`);
      const { values, indices } = topk(largest ? t : neg(t), k, ax);
      return [same(x!, largest ? values : neg(values)), { tensor: indices, kind: 'int' }];
    };
  },
};

/**
 * NonZero: the positions of x's non-zero entries, [rank, count], in row-major order (numpy.nonzero stacked;
 * PyTorch exports boolean masks, torch.nonzero and, before opset 11, arange of a shape through it). Its
 * count depends on x's values, so it reads them (a value read under jit: the function runs as written).
 */
const nonZero: OperatorDef = {
  attributes: [],
  compile: () => ([x]) => {
    const t = x!.tensor;
    if (t.ndim === 0) return [{ tensor: zeros([0, t.item() !== 0 ? 1 : 0]), kind: 'int' }];
    const positions = nonzero(t);
    return [{ tensor: positions[0]!.shape[0] === 0 ? zeros([t.ndim, 0]) : stack(positions, 0), kind: 'int' }];
  },
};

/** Indexing operators by ONNX name. */
export const INDEXING: Record<string, OperatorDef> = {
  NonZero: nonZero,
  Gather: gatherOp,
  GatherElements: gatherElements,
  Slice: sliceOp,
  Pad: padOp,
  Trilu: triluOp,
  ScatterElements: scatterElements,
  TopK: topK,
};

