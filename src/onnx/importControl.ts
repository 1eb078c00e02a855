/**
 * @file ONNX's If: the condition's value chooses then_branch or else_branch, and only that branch
 * runs, reading the enclosing graph's values by name. Known before the run (PyTorch computes most
 * of its conditions from shapes), the condition is simply read. Otherwise it is a value of the run:
 * read like the predicate of `ad.cond` — under grad the branch taken is differentiated, under jit the
 * read keeps the recording from being replayed (so a replay never takes a branch the new values
 * would not), and under vmap with a condition that differs across the batch both branches run and
 * each example takes its own.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { reshape } from '../ops/shape.js';
import { where } from '../ops/select.js';
import { isBatched } from '../transforms/vmap.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { capturedScope, type NodeContext, type OperatorDef, type Subgraph, type Value } from './importNode.js';

/** The condition's one value: read directly when known before the run, otherwise as a value read that jit sees. */
function conditionValue(node: NodeContext, c: Tensor, known: boolean): number {
  if (!known) noteLibraryRead(c, `the condition of ONNX If node '${node.name}'`);
  const v = known ? c.values[0]! : c.item();
  if (Number.isNaN(v)) node.runError('the condition is NaN; it must be a boolean.');
  return v;
}

/**
 * Under vmap, a condition per example: both branches run and each example takes its own outputs, so
 * they must agree in number and in (per-example) shapes, as ONNX's If-1 asked of every branch.
 */
function selectPerExample(node: NodeContext, c: Tensor, thenOuts: Value[], elseOuts: Value[]): Value[] {
  const pick = reshape(c, []);
  return thenOuts.map((t, k) => {
    const e = elseOuts[k]!;
    if (!shapesEqual(t.tensor.shape, e.tensor.shape)) {
      node.runError(
        `under vmap with a condition that differs across the batch both branches run, and output ${k} has shape ` +
          `${formatShape(t.tensor.shape)} from then_branch but ${formatShape(e.tensor.shape)} from else_branch; the branches must agree in shape there.`,
      );
    }
    return { tensor: where(pick, t.tensor, e.tensor), kind: t.kind };
  });
}

/** If (opsets 1–21): then_branch when the one-element condition is true (non-zero), else_branch otherwise. */
const ifOp: OperatorDef = {
  attributes: ['then_branch', 'else_branch'],
  compile: (node) => {
    const thenBranch = node.subgraph('then_branch'), elseBranch = node.subgraph('else_branch');
    // ONNX If: "the number of outputs of then_branch and else_branch must match the If's".
    for (const [name, g] of [['then_branch', thenBranch], ['else_branch', elseBranch]] as const) {
      // ONNX If: a branch has "no inputs"; it reads the enclosing graphs' values by name.
      if (g.inputNames.length > 0) node.fail(`${name} declares inputs (${g.inputNames.join(', ')}); an If branch takes none.`);
      if (g.outputCount !== node.outputs.length) node.fail(`${name} has ${g.outputCount} outputs, but the node has ${node.outputs.length}; they must be equal.`);
    }
    const first = node.inputs.length - node.captured.length;
    if (first !== 1) node.fail(`If takes one input, the condition, got ${first}; its branches read other values by name.`);
    return (inputs, known) => {
      const { outer, knownOuter } = capturedScope(node, inputs, known, first);
      const run = (g: Subgraph) => g.run(outer, knownOuter);
      const c = (inputs[0] ?? node.runError('the condition (input 0) is missing.')).tensor;
      if (c.size !== 1) node.runError(`the condition must hold one value, got shape ${formatShape(c.shape)}.`);
      if (!known[0] && isBatched(c)) return selectPerExample(node, c, run(thenBranch), run(elseBranch));
      return run(conditionValue(node, c, known[0] === true) !== 0 ? thenBranch : elseBranch);
    };
  },
};

/** Control-flow operators by ONNX name. */
export const CONTROL: Record<string, OperatorDef> = { If: ifOp };
