/** @file One-node Loop and Scan models for test/onnx/importLoop.test.ts, run against ONNX Runtime. */
import { DataType, float64Bytes, int64Bytes, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../../src/onnx/proto.js';
import { attr, floats, type Case, type InputSpec } from './importOracle.js';
import { graphAttr } from './importLossIfCases.js';

type Elem = 'double' | 'int64' | 'bool';
const ELEM = { double: DataType.DOUBLE, int64: DataType.INT64, bool: DataType.BOOL } as const;

/** A value's declaration: its element type and, where given, its shape. */
const info = (name: string, elem: Elem, shape?: number[]): ValueInfoProto =>
  ({ name, type: { tensorType: { elemType: ELEM[elem], ...(shape ? { shape: { dim: shape.map((d) => ({ dimValue: d })) } } : {}) } } });

/** A body graph with declared inputs and outputs. */
export function body(inputs: ValueInfoProto[], node: NodeProto[], output: ValueInfoProto[], initializer: TensorProto[] = []): GraphProto {
  return { name: 'body', input: inputs, node, output, initializer };
}
export const d = (name: string, shape?: number[]) => info(name, 'double', shape);
export const i64 = (name: string, shape?: number[]) => info(name, 'int64', shape);
export const b = (name: string, shape?: number[]) => info(name, 'bool', shape);
export const doubles = (name: string, data: number[], dims: number[] = [data.length]): TensorProto => ({ name, dims, dataType: DataType.DOUBLE, rawData: float64Bytes(data) });
export const longs = (name: string, data: number[], dims: number[] = [data.length]): TensorProto => ({ name, dims, dataType: DataType.INT64, rawData: int64Bytes(data) });
const n = (opType: string, input: string[], output: string[], attribute: NodeProto['attribute'] = []): NodeProto => ({ opType, input, output, attribute });

/** k for the while loops: small, so that v ← v/2 + k converges to 2k, where Σv² < 0.3. */
const smallK: InputSpec = { name: 'k', data: [0.05, -0.02, 0.01], shape: [3], init: true };
/** v for the while loops: Σv² = 50, about five halvings above 0.3. */
const bigV: InputSpec = { name: 'v', data: [3, -4, 5], shape: [3] };
const trip = (m: number, init = false): InputSpec => ({ name: 'M', data: [m], shape: [], type: 'int64', init });
const cond = (c: 0 | 1, init = false): InputSpec => ({ name: 'c', data: [c], shape: [], type: 'bool', init });

/** Loop body: y = sin(x) + 0.1·i, the condition passed on; scan output y². */
const sinStep = body([i64('i', []), b('ci', []), d('x')], [
  n('Cast', ['i'], ['fi'], [attr.int('to', DataType.DOUBLE)]),
  n('Mul', ['fi', 'tenth'], ['di']),
  n('Sin', ['x'], ['s']),
  n('Add', ['s', 'di'], ['y']),
  n('Mul', ['y', 'y'], ['sq']),
  n('Identity', ['ci'], ['co']),
], [b('co', []), d('y'), d('sq', [2, 3])], [doubles('tenth', [0.1], [])]);

/** Loop body of a while loop: v ← v/2 + k; go on while Σv² > 0.3; scan output Σv². */
const halveStep = body([i64('i', []), b('ci', []), d('v')], [
  n('Mul', ['v', 'half'], ['h']),
  n('Add', ['h', 'k'], ['w']),
  n('Mul', ['w', 'w'], ['w2']),
  n('ReduceSum', ['w2'], ['s'], [attr.int('keepdims', 0)]),
  n('Less', ['limit', 's'], ['co']),
], [b('co', []), d('w'), d('s', [])], [doubles('half', [0.5], []), doubles('limit', [0.3], [])]);

/** Loop body reading the outer x [5, 2] at row i through Slice (its starts computed from the iteration number): acc += x[i]·acc. */
const rowStep = body([i64('i', []), b('ci', []), d('acc')], [
  n('Unsqueeze', ['i', 'zero'], ['start']),
  n('Add', ['start', 'one'], ['end']),
  n('Slice', ['x', 'start', 'end', 'zero'], ['row']),
  n('Mul', ['row', 'acc'], ['p']),
  n('Add', ['acc', 'p'], ['next']),
  n('Identity', ['ci'], ['co']),
], [b('co', []), d('next')], [longs('zero', [0]), longs('one', [1])]);

export const LOOP_CASES: Record<string, Case> = {
  'Loop with a fed trip count, a carried value and a scan output': {
    op: 'Loop', nodeInputs: ['M', '', 'x'], inputs: [trip(3), floats('x', [2, 3])], outputs: [{ name: 'xf', type: 'float' }, { name: 'ys', type: 'float' }],
    attributes: [graphAttr('body', sinStep)],
  },
  'Loop with a trip count of 0: the carried value unchanged, the scan output empty': {
    op: 'Loop', nodeInputs: ['M', '', 'x'], inputs: [trip(0), floats('x', [2, 3])], outputs: [{ name: 'xf', type: 'float' }, { name: 'ys', type: 'float' }],
    attributes: [graphAttr('body', sinStep)],
  },
  'Loop as a while loop on a fed condition, with k read from the graph': {
    op: 'Loop', nodeInputs: ['', 'c', 'v'], inputs: [cond(1), bigV, smallK], outputs: [{ name: 'vf', type: 'float' }, { name: 'sums', type: 'float' }],
    attributes: [graphAttr('body', halveStep)],
  },
  'Loop with a trip count and a condition, the trip count reached first': {
    op: 'Loop', nodeInputs: ['M', 'c', 'v'], inputs: [trip(2), cond(1), bigV, smallK], outputs: [{ name: 'vf', type: 'float' }, { name: 'sums', type: 'float' }],
    attributes: [graphAttr('body', halveStep)],
  },
  'Loop with a constant trip count and a condition, the condition false first (opset 11)': {
    op: 'Loop', opset: 11, nodeInputs: ['M', 'c', 'v'], inputs: [trip(50, true), cond(1), bigV, smallK], outputs: [{ name: 'vf', type: 'float' }, { name: 'sums', type: 'float' }],
    attributes: [graphAttr('body', { ...halveStep, node: halveStep.node!.map((x) => (x.opType === 'ReduceSum' ? { ...x, input: ['w2'], attribute: [attr.ints('axes', [0]), attr.int('keepdims', 0)] } : x)) })],
  },
  'Loop whose condition is false at the start: no iteration': {
    op: 'Loop', nodeInputs: ['', 'c', 'v'], inputs: [cond(0), bigV, smallK], outputs: [{ name: 'vf', type: 'float' }, { name: 'sums', type: 'float' }],
    attributes: [graphAttr('body', halveStep)],
  },
  'Loop slicing an outer value at the iteration number': {
    op: 'Loop', nodeInputs: ['M', '', 'a'], inputs: [trip(4, true), floats('a', [1, 2], 4), floats('x', [5, 2], 5)], outputs: [{ name: 'y', type: 'float' }],
    attributes: [graphAttr('body', rowStep)],
  },
};

/** Scan body: s ← s + x; scan output s·x. */
const accumulate = body([d('s'), d('x')], [n('Add', ['s', 'x'], ['t']), n('Mul', ['t', 'x'], ['o'])], [d('t'), d('o')]);

/** Scan body of two scan inputs and two scan outputs: s ← tanh(s + a·w), outputs s and a − c. */
const twoInputs = body([d('s'), d('a'), d('c')], [
  n('Mul', ['a', 'w'], ['aw']),
  n('Add', ['s', 'aw'], ['u']),
  n('Tanh', ['u'], ['t']),
  n('Sub', ['a', 'c'], ['diff']),
  n('Identity', ['t'], ['tout']),
], [d('t'), d('tout'), d('diff')]);

export const SCAN_CASES: Record<string, Case> = {
  'Scan: one state, one scan input along axis 0': {
    op: 'Scan', inputs: [floats('s', [3]), floats('x', [4, 3], 2)], outputs: [{ name: 'sf' }, { name: 'os' }],
    attributes: [graphAttr('body', accumulate), attr.int('num_scan_inputs', 1)],
  },
  'Scan: the scan input read backwards along axis 1, the scan output stacked along axis 1 in reverse': {
    op: 'Scan', inputs: [floats('s', [3]), floats('x', [3, 5], 2)], outputs: [{ name: 'sf' }, { name: 'os' }],
    attributes: [graphAttr('body', accumulate), attr.int('num_scan_inputs', 1), attr.ints('scan_input_axes', [1]), attr.ints('scan_input_directions', [1]),
      attr.ints('scan_output_axes', [1]), attr.ints('scan_output_directions', [1])],
  },
  'Scan: two scan inputs on different axes, one reversed, two scan outputs, a value read from the graph': {
    op: 'Scan', nodeInputs: ['s', 'a', 'c'], inputs: [floats('s', [2, 3]), floats('a', [4, 2, 3], 2), floats('c', [2, 4, 3], 3), floats('w', [3], 4, { init: true })],
    outputs: [{ name: 'sf' }, { name: 'ts' }, { name: 'ds' }],
    attributes: [graphAttr('body', twoInputs), attr.int('num_scan_inputs', 2), attr.ints('scan_input_axes', [0, 1]), attr.ints('scan_input_directions', [0, 1]),
      attr.ints('scan_output_axes', [0, 2])],
  },
  'Scan: negative axes (opset 11)': {
    op: 'Scan', opset: 11, inputs: [floats('s', [3]), floats('x', [3, 4], 2)], outputs: [{ name: 'sf' }, { name: 'os' }],
    attributes: [graphAttr('body', accumulate), attr.int('num_scan_inputs', 1), attr.ints('scan_input_axes', [-1]), attr.ints('scan_output_axes', [-1])],
  },
  'Scan: no state, opset 9': {
    op: 'Scan', opset: 9, inputs: [floats('x', [4, 3], 2)], outputs: [{ name: 'os' }],
    attributes: [graphAttr('body', body([d('x')], [n('Exp', ['x'], ['e']), n('Mul', ['e', 'x'], ['o'])], [d('o')])), attr.int('num_scan_inputs', 1)],
  },
};
