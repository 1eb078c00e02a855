/**
 * @file One-node cases for TopK-1, the loss operators (NegativeLogLikelihoodLoss,
 * SoftmaxCrossEntropyLoss) and If, run against ONNX Runtime by importLosses.test.ts and
 * importIf.test.ts; importOps.test.ts counts them in its coverage of the operator table.
 */
import { DataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto } from '../../src/onnx/proto.js';
import { float64Bytes } from '../../src/onnx/proto.js';
import { attr, floats, ints, type Case, type InputSpec } from './importOracle.js';

const positive = (name: string, shape: number[], seed: number): InputSpec => ({ ...floats(name, shape, seed), data: floats(name, shape, seed).data.map((v) => Math.abs(v) + 0.25) });
const fed = (name: string, data: number[], shape: number[]) => ints(name, data, shape, false);
const lossOut = [{ name: 'loss', type: 'float' as const }];

/** A branch graph: its nodes, its output names (double tensors), its own initializers. */
export function branch(name: string, node: NodeProto[], output: string[], initializer: TensorProto[] = []): GraphProto {
  return { name, node, initializer, output: output.map((o) => ({ name: o, type: { tensorType: { elemType: DataType.DOUBLE } } })) };
}
export const graphAttr = (name: string, g: GraphProto): AttributeProto => ({ name, type: 5, g });
const doubles = (name: string, data: number[]): TensorProto => ({ name, dims: [data.length], dataType: DataType.DOUBLE, rawData: float64Bytes(data) });

const x23 = floats('x', [2, 3]);
const sinOrSquare = [
  graphAttr('then_branch', branch('then', [{ opType: 'Sin', input: ['x'], output: ['t'] }], ['t'])),
  graphAttr('else_branch', branch('else', [{ opType: 'Mul', input: ['x', 'x'], output: ['e'] }], ['e'])),
];
const condition = (value: 0 | 1, init = false): InputSpec => ({ name: 'c', data: [value], shape: [1], type: 'bool', init });

/** If, its condition fed, computed or constant; branches that read the outer graph by name. */
export const IF_CASES: Record<string, Case> = {
  'If on a fed condition, true: then_branch reads x': { op: 'If', nodeInputs: ['c'], inputs: [condition(1), x23], attributes: sinOrSquare },
  'If on a fed condition, false: else_branch reads x': { op: 'If', nodeInputs: ['c'], inputs: [condition(0), x23], attributes: sinOrSquare },
  'If whose branch output passes an outer value on; the other with an initializer of its own': {
    op: 'If', nodeInputs: ['c'], inputs: [condition(0), x23],
    attributes: [
      graphAttr('then_branch', branch('then', [{ opType: 'Identity', input: ['x'], output: ['i'] }], ['i'])),
      graphAttr('else_branch', branch('else', [{ opType: 'Add', input: ['x', 'k'], output: ['e'] }], ['e'], [doubles('k', [0.5, -1, 2])])),
    ],
  },
  'If with two outputs on a constant condition (opset 13)': {
    op: 'If', nodeInputs: ['c'], opset: 13, inputs: [condition(1, true), x23, floats('w', [3], 2, { init: true })], outputs: [{ name: 'a' }, { name: 'b' }],
    attributes: [
      graphAttr('then_branch', branch('then', [{ opType: 'Mul', input: ['x', 'w'], output: ['p'] }, { opType: 'Exp', input: ['w'], output: ['q'] }], ['p', 'q'])),
      graphAttr('else_branch', branch('else', [{ opType: 'Sub', input: ['x', 'w'], output: ['p'] }, { opType: 'Identity', input: ['w'], output: ['q'] }], ['p', 'q'])),
    ],
  },
  'If nested in a branch, the inner condition fed (opset 11)': {
    op: 'If', nodeInputs: ['c'], opset: 11, inputs: [condition(1), { name: 'd', data: [0], shape: [], type: 'bool' }, x23],
    attributes: [
      graphAttr('then_branch', branch('then', [{
        opType: 'If', input: ['d'], output: ['inner'],
        attribute: [
          graphAttr('then_branch', branch('then2', [{ opType: 'Cos', input: ['x'], output: ['t2'] }], ['t2'])),
          graphAttr('else_branch', branch('else2', [{ opType: 'Tanh', input: ['x'], output: ['h'] }, { opType: 'Add', input: ['h', 'x'], output: ['e2'] }], ['e2'])),
        ],
      }], ['inner'])),
      graphAttr('else_branch', branch('else', [{ opType: 'Neg', input: ['x'], output: ['n'] }], ['n'])),
    ],
  },
};

/** TopK-1 (k an attribute, opsets 1–9) and the losses (opsets 12, 13) against ONNX Runtime. */
export const LOSS_CASES: Record<string, Case> = {
  'TopK-1: k attribute (opset 9)': { op: 'TopK', opset: 9, inputs: [floats('x', [3, 5])], attributes: [attr.int('k', 2)], outputs: [{ name: 'v' }, { name: 'i', type: 'int64' }] },
  'TopK-1: k attribute, axis 0 (opset 7)': { op: 'TopK', opset: 7, inputs: [floats('x', [4, 3])], attributes: [attr.int('k', 3), attr.int('axis', 0)], outputs: [{ name: 'v' }, { name: 'i', type: 'int64' }] },
  'SoftmaxCrossEntropyLoss mean with log_prob (opset 13)': {
    op: 'SoftmaxCrossEntropyLoss', opset: 13, inputs: [floats('s', [3, 4]), fed('t', [0, 3, 1], [3])], outputs: [...lossOut, { name: 'log_prob', type: 'float' }],
  },
  'SoftmaxCrossEntropyLoss none, [N, C, d1], weights, ignore_index −1 (opset 12)': {
    op: 'SoftmaxCrossEntropyLoss', opset: 12, inputs: [floats('s', [2, 3, 4]), fed('t', [0, -1, 2, 1, -1, 1, 0, 2], [2, 4]), positive('w', [3], 2)],
    attributes: [attr.string('reduction', 'none'), attr.int('ignore_index', -1)], outputs: [...lossOut, { name: 'log_prob', type: 'float' }],
  },
  'SoftmaxCrossEntropyLoss sum, [N, C, d1, d2] (opset 13)': {
    op: 'SoftmaxCrossEntropyLoss', opset: 13, inputs: [floats('s', [2, 3, 2, 2]), fed('t', [0, 2, 1, 1, 2, 2, 0, 1], [2, 2, 2])], attributes: [attr.string('reduction', 'sum')], outputs: lossOut,
  },
  'SoftmaxCrossEntropyLoss mean, weights, ignore_index 2 (opset 12)': {
    op: 'SoftmaxCrossEntropyLoss', opset: 12, inputs: [floats('s', [5, 3]), fed('t', [2, 0, 1, 2, 0], [5]), positive('w', [3], 3)], attributes: [attr.int('ignore_index', 2)], outputs: lossOut,
  },
  'NegativeLogLikelihoodLoss mean, [N, C, d1, d2], weights, ignore_index 1 (opset 13)': {
    op: 'NegativeLogLikelihoodLoss', opset: 13, inputs: [floats('p', [2, 3, 2, 2]), fed('t', [0, 1, 2, 1, 2, 2, 1, 0], [2, 2, 2]), positive('w', [3], 4)], attributes: [attr.int('ignore_index', 1)], outputs: lossOut,
  },
  'NegativeLogLikelihoodLoss sum, [N, C] (opset 12)': {
    op: 'NegativeLogLikelihoodLoss', opset: 12, inputs: [floats('p', [4, 5]), fed('t', [4, 0, 3, 3], [4])], attributes: [attr.string('reduction', 'sum')], outputs: lossOut,
  },
  'NegativeLogLikelihoodLoss none, weights (opset 13)': {
    op: 'NegativeLogLikelihoodLoss', opset: 13, inputs: [floats('p', [4, 3]), fed('t', [2, 0, 1, 2], [4]), positive('w', [3], 5)], attributes: [attr.string('reduction', 'none')], outputs: lossOut,
  },
  'NegativeLogLikelihoodLoss mean, ignore_index −100 never hit (PyTorch\'s export)': {
    op: 'NegativeLogLikelihoodLoss', opset: 13, inputs: [floats('p', [3, 4, 2]), fed('t', [3, 0, 1, 2, 2, 3], [3, 2])], attributes: [attr.int('ignore_index', -100)], outputs: lossOut,
  },
};
