/**
 * @file ONNX's recurrent layers RNN, GRU and LSTM (what PyTorch's nn.RNN, nn.GRU and nn.LSTM export
 * to) as a loop of adjoint ops over time, so gradients reach inputs, weights and initial states.
 *
 * Shapes (layout 0): X [T, B, I]; W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] (input biases, then
 * recurrent ones), initial_h (and initial_c) [D, B, H]; outputs Y [T, D, B, H], Y_h (and Y_c)
 * [D, B, H], with D = 2 directions for 'bidirectional' and G gates: 1 (RNN), 3 (GRU: z, r, h),
 * 4 (LSTM: i, o, f, c). Layout 1 puts the batch first in X, Y and the states. The input's product
 * with W (and both biases) is one matrix product over all steps; each step adds Hₜ₋₁·Rᵀ.
 *
 * With sequence_lens, batch entry b runs L_b steps: later steps keep its state and output zeros,
 * and the reverse direction starts at step L_b − 1; an entry of length 0 ends with zero states
 * (ONNX Runtime's behaviour).
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, greater, less, mul, sub } from '../ops/binary.js';
import { relu, sigmoid, softplus, tanh } from '../ops/unary.js';
import { elu, leakyRelu, softsign } from '../ops/activations.js';
import { clip, where } from '../ops/select.js';
import { mm } from '../ops/linalg.js';
import { concat, reshape, slice, stack, take, transpose } from '../ops/shape.js';
import { zeros } from '../tensor/create.js';
import { floatValue, type NodeContext, type OperatorDef, type Value } from './importNode.js';

type Kind = 'RNN' | 'GRU' | 'LSTM';
type Activation = (x: Tensor) => Tensor;

/**
 * The activations by ONNX name, with the defaults of the parameters α, β those that take them read
 * from activation_alpha / activation_beta, in the order of the activations that take them.
 */
const ACTIVATIONS: Record<string, { alpha?: number; beta?: number; make: (alpha: number, beta: number) => Activation }> = {
  Sigmoid: { make: () => sigmoid },
  Tanh: { make: () => tanh },
  Relu: { make: () => relu },
  Softsign: { make: () => softsign },
  Softplus: { make: () => softplus },
  // αx + β
  Affine: { alpha: 1, beta: 0, make: (a, b) => (x) => add(mul(a, x), b) },
  // x for x ≥ 0, αx below
  LeakyRelu: { alpha: 0.01, make: (a) => (x) => leakyRelu(x, a) },
  // x for x > α, 0 below
  ThresholdedRelu: { alpha: 1, make: (a) => (x) => where(greater(x, a), x, 0) },
  // α·tanh(βx)
  ScaledTanh: { alpha: 1, beta: 1, make: (a, b) => (x) => mul(a, tanh(mul(b, x))) },
  // max(0, min(1, αx + β))
  HardSigmoid: { alpha: 0.2, beta: 0.5, make: (a, b) => (x) => clip(add(mul(a, x), b), 0, 1) },
  // x for x ≥ 0, α(eˣ − 1) below
  Elu: { alpha: 1, make: (a) => (x) => elu(x, a) },
};
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTIVATIONS: Record<Kind, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };

/** One direction's weights. */
interface Direction {
  /**
   * X·Wᵀ + Wb + Rb for all steps, [T, B, G·H]: every recurrent bias joins the input's except GRU's
   * Rb_h under linear_before_reset, which the reset gate multiplies.
   */
  projected: Tensor;
  /** R [G·H, H] (for GRU without linear_before_reset, only its z and r rows [2H, H]). */
  R: Tensor;
  /** GRU: R_h [H, H], and Rb_h [H] under linear_before_reset. */
  Rh: Tensor | null;
  Rbh: Tensor | null;
  /** LSTM peepholes P_i, P_o, P_f [H], or null. */
  P: Tensor[] | null;
  acts: Activation[];
  reverse: boolean;
}

interface Config {
  kind: Kind;
  hidden: number;
  clipAt: number | null;
  linearBeforeReset: boolean;
  inputForget: boolean;
}

/** The gate g block [B, H] of a [B, G·H] row. */
const gate = (row: Tensor, g: number, hidden: number) => slice(row, [0, g * hidden], [row.shape[0]!, hidden]);

/**
 * One step of the cell: the new hidden state (and cell state for LSTM) from the projected input
 * row xw [B, G·H] and the previous states; one matrix product Hₜ₋₁·Rᵀ for all gates.
 */
function cellStep(c: Config, d: Direction, xw: Tensor, h: Tensor, cell: Tensor | null): [Tensor, Tensor | null] {
  const H = c.hidden;
  const act = (k: number, v: Tensor) => d.acts[k]!(c.clipAt === null ? v : clip(v, -c.clipAt, c.clipAt));
  const recurrent = mm(h, d.R, false, true);
  const pre = (g: number) => add(gate(xw, g, H), gate(recurrent, g, H));
  if (c.kind === 'RNN') return [act(0, pre(0)), null];
  if (c.kind === 'GRU') {
    // z = f(·), r = f(·); h̃ = g(Xw_h + (r ⊙ Hₜ₋₁)R_hᵀ + Rb_h), or with linear_before_reset g(Xw_h + r ⊙ (Hₜ₋₁R_hᵀ + Rb_h)); H = (1 − z) ⊙ h̃ + z ⊙ Hₜ₋₁.
    const z = act(0, pre(0)), r = act(0, pre(1));
    const reset = c.linearBeforeReset ? mul(r, add(gate(recurrent, 2, H), d.Rbh!)) : mm(mul(r, h), d.Rh!, false, true);
    const candidate = act(1, add(gate(xw, 2, H), reset));
    return [add(mul(sub(1, z), candidate), mul(z, h)), null];
  }
  // LSTM: i = f(· + P_i ⊙ Cₜ₋₁), f = f(· + P_f ⊙ Cₜ₋₁) (1 − i with input_forget), c̃ = g(·), C = f ⊙ Cₜ₋₁ + i ⊙ c̃, o = f(· + P_o ⊙ C), H = o ⊙ h(C).
  const peep = (v: Tensor, k: number, state: Tensor) => (d.P === null ? v : add(v, mul(d.P[k]!, state)));
  const i = act(0, peep(pre(0), 0, cell!));
  const f = c.inputForget ? sub(1, i) : act(0, peep(pre(2), 2, cell!));
  const next = add(mul(f, cell!), mul(i, act(1, pre(3))));
  const o = act(0, peep(pre(1), 1, next));
  // clip bounds the gates' inputs only: h takes the cell state unclipped (ONNX Runtime's LSTM; clipping it too
  // would cap |H| at h(clip) whenever |C| > clip).
  return [mul(o, d.acts[2]!(next)), next];
}

/** The layer's run for its inputs X, W, R, B, sequence_lens, initial_h, initial_c, P. */
function runLayer(node: NodeContext, c: Config, directions: Array<'forward' | 'reverse'>, acts: Activation[], batchFirst: boolean, inputs: ReadonlyArray<Value | undefined>): Value[] {
  const [xIn, wIn, rIn, bIn, lensIn, h0In, c0In, pIn] = inputs;
  const G = GATES[c.kind], H = c.hidden, D = directions.length;
  const X = batchFirst ? transpose(xIn!.tensor, [1, 0, 2]) : xIn!.tensor;
  if (X.ndim !== 3) node.runError(`X of shape [${xIn!.tensor.shape}] must have rank 3.`);
  const [T, B, I] = X.shape as [number, number, number];
  const W = wIn!.tensor, R = rIn!.tensor;
  if (W.shape.join() !== [D, G * H, I].join()) node.runError(`W of shape [${W.shape}] must be [${[D, G * H, I]}].`);
  if (R.shape.join() !== [D, G * H, H].join()) node.runError(`R of shape [${R.shape}] must be [${[D, G * H, H]}].`);
  const state = (v: Value | undefined, what: string) => {
    if (v === undefined) return zeros([D, B, H]);
    const s = batchFirst ? transpose(v.tensor, [1, 0, 2]) : v.tensor;
    if (s.shape.join() !== [D, B, H].join()) node.runError(`${what} of shape [${v.tensor.shape}] does not fit ${D} direction(s), batch ${B} and hidden size ${H}.`);
    return s;
  };
  const h0 = state(h0In, 'initial_h'), c0 = c.kind === 'LSTM' ? state(c0In, 'initial_c') : null;
  const mask = lensIn === undefined ? null : reshape(lensIn.tensor, [B, 1]);
  const X2 = reshape(X, [T * B, I]);
  const outputs: Tensor[] = [], lastH: Tensor[] = [], lastC: Tensor[] = [];
  directions.forEach((dir, k) => {
    const bias = bIn === undefined ? zeros([2 * G * H]) : reshape(take(bIn.tensor, [k], 0), [2 * G * H]);
    const Wb = slice(bias, [0], [G * H]), Rb = slice(bias, [G * H], [G * H]);
    const apart = c.kind === 'GRU' && c.linearBeforeReset;
    // Rb joins Wb, but for GRU's h gate under linear_before_reset (its Rb_h stays apart: zero here).
    const joined = apart ? add(Wb, concat([slice(Rb, [0], [2 * H]), zeros([H])], 0)) : add(Wb, Rb);
    const projected = reshape(add(mm(X2, reshape(take(W, [k], 0), [G * H, I]), false, true), joined), [T, B, G * H]);
    const Rk = reshape(take(R, [k], 0), [G * H, H]);
    const gru = c.kind === 'GRU' && !apart;
    const P = c.kind === 'LSTM' && pIn !== undefined ? Array.from({ length: 3 }, (_, j) => slice(reshape(take(pIn.tensor, [k], 0), [3 * H]), [j * H], [H])) : null;
    const perDirection = acts.length === DEFAULT_ACTIVATIONS[c.kind].length * D ? acts.slice(k * acts.length / D, (k + 1) * acts.length / D) : acts;
    const d: Direction = {
      projected, P, reverse: dir === 'reverse',
      R: gru ? slice(Rk, [0, 0], [2 * H, H]) : Rk,
      Rh: gru ? slice(Rk, [2 * H, 0], [H, H]) : null,
      Rbh: apart ? slice(Rb, [2 * H], [H]) : null,
      acts: perDirection,
    };
    let h = reshape(take(h0, [k], 0), [B, H]);
    let cell = c0 === null ? null : reshape(take(c0, [k], 0), [B, H]);
    const ys = new Array<Tensor>(T);
    for (let s = 0; s < T; s++) {
      const t = d.reverse ? T - 1 - s : s;
      const [nh, nc] = cellStep(c, d, take(projected, t, 0), h, cell);
      if (mask === null) {
        [h, cell, ys[t]] = [nh, nc, nh];
      } else {
        const active = less(t, mask);
        h = where(active, nh, h);
        if (cell !== null) cell = where(active, nc!, cell);
        ys[t] = where(active, nh, 0);
      }
    }
    outputs.push(T === 0 ? zeros([0, B, H]) : stack(ys, 0));
    // An entry that runs no step (length 0, or T = 0) ends with zero states, not its initial ones (ONNX Runtime).
    const ran = (state: Tensor) => (T === 0 ? zeros([B, H]) : mask === null ? state : where(greater(mask, 0), state, 0));
    lastH.push(ran(h));
    if (cell !== null) lastC.push(ran(cell));
  });
  // Y [T, D, B, H] (layout 1: [B, T, D, H]); Y_h, Y_c [D, B, H] (layout 1: [B, D, H]).
  const Y = stack(outputs, 1), Yh = stack(lastH, 0);
  const out = [batchFirst ? transpose(Y, [2, 0, 1, 3]) : Y, batchFirst ? transpose(Yh, [1, 0, 2]) : Yh];
  if (c.kind === 'LSTM') {
    const Yc = stack(lastC, 0);
    out.push(batchFirst ? transpose(Yc, [1, 0, 2]) : Yc);
  }
  return out.map(floatValue);
}

/** RNN, GRU or LSTM. */
function recurrent(kind: Kind): OperatorDef {
  const extra = kind === 'GRU' ? ['linear_before_reset'] : kind === 'LSTM' ? ['input_forget'] : [];
  return {
    attributes: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'layout', ...extra],
    compile: (node) => {
      type Way = 'forward' | 'reverse' | 'bidirectional';
      const direction = node.oneOf<Way>('direction', node.string('direction', 'forward') as Way, ['forward', 'reverse', 'bidirectional']);
      const directions: Array<'forward' | 'reverse'> = direction === 'bidirectional' ? ['forward', 'reverse'] : [direction];
      const count = DEFAULT_ACTIVATIONS[kind].length;
      const actNames = node.strings('activations') ?? DEFAULT_ACTIVATIONS[kind];
      if (actNames.length !== count && actNames.length !== count * directions.length) {
        node.fail(`attribute activations has ${actNames.length} entries; ${kind} takes ${count} per direction.`);
      }
      const alphas = [...(node.floats('activation_alpha') ?? [])], betas = [...(node.floats('activation_beta') ?? [])];
      const acts = actNames.map((name) => {
        const a = ACTIVATIONS[node.oneOf('activations', name, Object.keys(ACTIVATIONS))]!;
        const alpha = a.alpha === undefined ? 0 : (alphas.shift() ?? a.alpha), beta = a.beta === undefined ? 0 : (betas.shift() ?? a.beta);
        return a.make(alpha, beta);
      });
      const layout = node.oneOf('layout', node.int('layout', 0), [0, 1]);
      const linearBeforeReset = node.oneOf('linear_before_reset', node.int('linear_before_reset', 0), [0, 1]) === 1;
      const inputForget = node.oneOf('input_forget', node.int('input_forget', 0), [0, 1]) === 1;
      const clipAt = node.has('clip') ? node.float('clip', 0) : null;
      // A threshold: the gates' inputs are clipped to [−clip, clip] (ONNX Runtime's GRU and LSTM refuse clip ≤ 0).
      if (clipAt !== null && !(clipAt > 0)) node.fail(`attribute clip = ${clipAt} is not supported (supported: a positive threshold).`);
      const config = (hidden: number): Config => ({ kind, hidden, linearBeforeReset, inputForget, clipAt });
      return (inputs) => {
        const R = inputs[2]?.tensor ?? node.runError('input R is required.');
        const hidden = node.int('hidden_size', R.shape[R.ndim - 1]!);
        if (inputs[6] !== undefined && kind !== 'LSTM') node.runError(`${kind} has no input 6.`);
        return runLayer(node, config(hidden), directions, acts, layout === 1, inputs);
      };
    },
  };
}

/** Recurrent layers by ONNX name. */
export const RECURRENT: Record<string, OperatorDef> = {
  RNN: recurrent('RNN'),
  GRU: recurrent('GRU'),
  LSTM: recurrent('LSTM'),
};
