/**
 * @file PyTorch's recurrent layers as functions: `rnn`, `gru` and `lstm` are nn.RNN, nn.GRU and
 * nn.LSTM on their `state_dict` (./recurrentParams.ts), with their layouts, gate orders, layers,
 * directions, initial states and packed sequences (`lengths`), as a loop of adjoint ops over time,
 * so every transformation applies. Each layer's input product with W_ih is one matrix product over
 * all steps; each step adds h·W_hhᵀ + b_hh.
 *
 * PyTorch's equations (torch.nn docs), σ the logistic function, gates in PyTorch's row order:
 *   RNN:  h′ = tanh or relu(W_ih x + b_ih + W_hh h + b_hh)
 *   GRU (r, z, n):  r = σ(…_r), z = σ(…_z), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h
 *   LSTM (i, f, g, o):  c′ = σ(f) ⊙ c + σ(i) ⊙ tanh(g), h′ = σ(o) ⊙ tanh(c′)
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, zeros, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, mul, sub } from './binary.js';
import { relu, sigmoid, tanh } from './unary.js';
import { where } from './select.js';
import { mm } from './linalg.js';
import { concat, reshape, slice, stack, take, transpose } from './shape.js';
import { checkOptionKeys } from './poolShapes.js';
import { readWeights, type DirectionWeights, type RecurrentKind } from './recurrentParams.js';

/** Options of `rnn`, `gru` and `lstm` (PyTorch's keywords). */
export interface RecurrentOptions {
  /** The input is [B, T, I] and the output [B, T, D·H] (PyTorch's batch_first); default [T, B, I]. */
  batchFirst?: boolean | undefined;
  /** The initial hidden state [D·L, B, H] ([D·L, H] for an unbatched input [T, I]); default zeros. */
  h0?: TensorLike | undefined;
  /**
   * Each sequence's length, 1 … T (pack_padded_sequence's lengths, in any order): sequence b runs
   * its first lengths[b] steps, its output is 0 past them (pad_packed_sequence's padding) and its
   * final state is the one after step lengths[b] − 1; the reverse direction starts there.
   */
  lengths?: readonly number[] | undefined;
}
export interface RnnOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu', as nn.RNN's nonlinearity. */
  nonlinearity?: 'tanh' | 'relu' | undefined;
}
export interface LstmOptions extends RecurrentOptions {
  /** The initial cell state, shaped as h0; default zeros. */
  c0?: TensorLike | undefined;
}

/** What `rnn` and `gru` return: the last layer's outputs at every step, and every layer's final hidden state [D·L, B, H]. */
export interface RecurrentResult { output: Tensor; h: Tensor }
/** What `lstm` returns: also every layer's final cell state. */
export interface LstmResult extends RecurrentResult { c: Tensor }

/** The gate block g [B, H] of a row block [B, G·H]. */
const gate = (x: Tensor, g: number, H: number): Tensor => slice(x, [0, g * H], [x.shape[0]!, H]);

/** One step of the cell from h (and c): `projected` is W_ih x + b_ih for this step, [B, G·H]. */
function step(kind: RecurrentKind, w: DirectionWeights, projected: Tensor, h: Tensor, c: Tensor | null, H: number, relu_: boolean): [Tensor, Tensor | null] {
  let rec = mm(h, w.weightHh, false, true); // h W_hhᵀ [B, G·H]
  if (w.biasHh !== null) rec = add(rec, w.biasHh);
  if (kind === 'rnn') {
    const pre = add(projected, rec);
    return [relu_ ? relu(pre) : tanh(pre), null];
  }
  if (kind === 'gru') {
    const r = sigmoid(add(gate(projected, 0, H), gate(rec, 0, H)));
    const z = sigmoid(add(gate(projected, 1, H), gate(rec, 1, H)));
    const n = tanh(add(gate(projected, 2, H), mul(r, gate(rec, 2, H))));
    return [add(n, mul(z, sub(h, n))), null]; // (1 − z) n + z h
  }
  const pre = add(projected, rec);
  const cNext = add(mul(sigmoid(gate(pre, 1, H)), c!), mul(sigmoid(gate(pre, 0, H)), tanh(gate(pre, 2, H))));
  return [mul(sigmoid(gate(pre, 3, H)), tanh(cNext)), cNext];
}

/** One direction of one layer over x [T, B, I]: its outputs [T, B, H] and final states. */
function direction(kind: RecurrentKind, x: Tensor, w: DirectionWeights, h0: Tensor, c0: Tensor | null, reverse: boolean, masks: Tensor[] | null, relu_: boolean) {
  const [T, B] = x.shape as [number, number, number];
  const H = h0.shape[1]!;
  let projected = reshape(mm(reshape(x, [T * B, x.shape[2]!]), w.weightIh, false, true), [T, B, w.weightIh.shape[0]!]);
  if (w.biasIh !== null) projected = add(projected, w.biasIh);
  let h = h0, c = c0;
  const outputs = new Array<Tensor>(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const [hNext, cNext] = step(kind, w, take(projected, t, 0), h, c, H, relu_);
    const m = masks?.[t];
    if (m === undefined) {
      outputs[t] = h = hNext;
      c = cNext;
    } else { // past its length a sequence keeps its state and outputs 0
      h = where(m, hNext, h);
      if (c !== null) c = where(m, cNext!, c);
      outputs[t] = where(m, hNext, 0);
    }
  }
  return { output: stack(outputs, 0), h, c };
}

/** An initial state: the given one checked to be [D·L, B, H], or zeros. */
function initialState(op: string, name: string, given: TensorLike | undefined, shape: number[], unbatched: boolean): Tensor {
  if (given === undefined) return zeros(shape);
  const t = asTensor(given, `${op} (${name})`);
  const want = unbatched ? [shape[0]!, shape[2]!] : shape;
  if (!shapesEqual(t.shape, want)) throw new ShapeError(`${op}: ${name} has shape ${formatShape(t.shape)}; it must be [num_layers·directions, batch, hidden] = ${formatShape(want)}.`);
  return unbatched ? reshape(t, shape) : t;
}

/** The per-step masks [B, 1] of `lengths` (null when every sequence runs all T steps). */
function stepMasks(op: string, lengths: readonly number[] | undefined, T: number, B: number): Tensor[] | null {
  if (lengths === undefined) return null;
  if (!Array.isArray(lengths) || lengths.length !== B || !lengths.every((n) => Number.isInteger(n) && n >= 1 && n <= T)) {
    throw new InvalidArgumentError(`${op}: lengths must be ${B} integers in 1 … ${T} (one per sequence of the batch, as pack_padded_sequence's), got ${describe(lengths)}.`);
  }
  if (lengths.every((n) => n === T)) return null;
  return Array.from({ length: T }, (_, t) => new Tensor(Float64Array.from(lengths, (n) => (t < n ? 1 : 0)), [B, 1]));
}

/** The layers of `kind` over `input`: the shared body of rnn, gru and lstm. */
function run(op: string, kind: RecurrentKind, input: TensorLike, params: unknown, options: RecurrentOptions & { c0?: TensorLike | undefined; nonlinearity?: string | undefined }) {
  const { layers, hidden: H, inputSize, directions: D } = readWeights(op, kind, params);
  let x = asTensor(input, `${op} (input)`);
  const unbatched = x.ndim === 2;
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== inputSize) {
    throw new ShapeError(`${op}: the input has shape ${formatShape(x.shape)}; it must be [T, B, ${inputSize}] (${options.batchFirst ? '[B, T, …] with batchFirst, ' : ''}or [T, ${inputSize}] unbatched), the last axis weight_ih_l0's ${inputSize} features.`);
  }
  if (unbatched) x = reshape(x, [x.shape[0]!, 1, inputSize]);
  else if (options.batchFirst) x = transpose(x, [1, 0, 2]);
  const [T, B] = x.shape as [number, number, number];
  const L = layers.length, stateShape = [D * L, B, H];
  const h0 = initialState(op, 'h0', options.h0, stateShape, unbatched);
  const c0 = kind === 'lstm' ? initialState(op, 'c0', options.c0, stateShape, unbatched) : null;
  const masks = stepMasks(op, options.lengths, T, B);
  const relu_ = options.nonlinearity === 'relu';
  const hs: Tensor[] = [], cs: Tensor[] = [];
  layers.forEach((weights, k) => {
    const outs = weights.map((w, d) => {
      const r = direction(kind, x, w, take(h0, k * D + d, 0), c0 === null ? null : take(c0, k * D + d, 0), d === 1, masks, relu_);
      hs.push(r.h);
      if (r.c !== null) cs.push(r.c);
      return r.output;
    });
    x = D === 1 ? outs[0]! : concat(outs, 2);
  });
  const finish = (states: Tensor[]) => (unbatched ? reshape(stack(states, 0), [D * L, H]) : stack(states, 0));
  const output = unbatched ? reshape(x, [T, D * H]) : options.batchFirst ? transpose(x, [1, 0, 2]) : x;
  return { output, h: finish(hs), c: kind === 'lstm' ? finish(cs) : null };
}

const COMMON = ['batchFirst', 'h0', 'lengths'];

/**
 * nn.RNN as a function: `params` are its weights by PyTorch's names (`weight_ih_l0`, …, a state_dict),
 * which fix the layers, directions and sizes. Returns the last layer's output [T, B, D·H] and the final
 * hidden states [D·L, B, H]. Differentiable in the input, the weights and h0.
 * @example
 * const { output, h } = ad.rnn(ad.ones([3, 1, 1]), { weight_ih_l0: ad.tensor([[1]]), weight_hh_l0: ad.tensor([[0]]) });
 * h.toArray(); // => [[[0.7615941559557649]]]
 */
export function rnn(input: TensorLike, params: { readonly [name: string]: TensorLike }, options?: RnnOptions): RecurrentResult;
export function rnn(input: TensorLike, params: { readonly [name: string]: TensorLike }, options: RnnOptions = {}, ...extra: unknown[]): RecurrentResult {
  if (extra.length > 0) extraArguments('rnn', 'rnn(input, params, options?)', extra, options);
  checkOptionKeys('rnn', options, [...COMMON, 'nonlinearity']);
  if (options.nonlinearity !== undefined && options.nonlinearity !== 'tanh' && options.nonlinearity !== 'relu') {
    throw new InvalidArgumentError(`rnn: nonlinearity must be 'tanh' or 'relu', got ${describe(options.nonlinearity)}.`);
  }
  const { output, h } = run('rnn', 'rnn', input, params, options);
  return { output, h };
}

/**
 * nn.GRU as a function (gates r, z, n in PyTorch's row order; b_hn inside the reset gate's product).
 * @example
 * const { h } = ad.gru(ad.ones([2, 1]), { weight_ih_l0: ad.zeros([3, 1]), weight_hh_l0: ad.zeros([3, 1]) });
 * h.toArray(); // => [[0]]
 */
export function gru(input: TensorLike, params: { readonly [name: string]: TensorLike }, options?: RecurrentOptions): RecurrentResult;
export function gru(input: TensorLike, params: { readonly [name: string]: TensorLike }, options: RecurrentOptions = {}, ...extra: unknown[]): RecurrentResult {
  if (extra.length > 0) extraArguments('gru', 'gru(input, params, options?)', extra, options);
  checkOptionKeys('gru', options, COMMON);
  const { output, h } = run('gru', 'gru', input, params, options);
  return { output, h };
}

/**
 * nn.LSTM as a function (gates i, f, g, o in PyTorch's row order); returns the final cell states too.
 * @example
 * const { c } = ad.lstm(ad.ones([1, 1]), { weight_ih_l0: ad.ones([4, 1]), weight_hh_l0: ad.zeros([4, 1]) });
 * c.toArray(); // σ(1)·tanh(1) => [[0.5567699411459397]]
 */
export function lstm(input: TensorLike, params: { readonly [name: string]: TensorLike }, options?: LstmOptions): LstmResult;
export function lstm(input: TensorLike, params: { readonly [name: string]: TensorLike }, options: LstmOptions = {}, ...extra: unknown[]): LstmResult {
  if (extra.length > 0) extraArguments('lstm', 'lstm(input, params, options?)', extra, options);
  checkOptionKeys('lstm', options, [...COMMON, 'c0']);
  const { output, h, c } = run('lstm', 'lstm', input, params, options);
  return { output, h, c: c! };
}
