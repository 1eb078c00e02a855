/**
 * @file The weights of PyTorch's nn.RNN, nn.GRU and nn.LSTM as their `state_dict` names them
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, and `…_reverse` for the second
 * direction), read and checked: the number of layers and directions follows from the names present.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { isPlainObject } from '../core/pytree.js';

/** Which layer: its gate count G (1 RNN, 3 GRU, 4 LSTM). */
export type RecurrentKind = 'rnn' | 'gru' | 'lstm';
export const GATES: Record<RecurrentKind, number> = { rnn: 1, gru: 3, lstm: 4 };

/** One direction of one layer: W_ih [G·H, I], W_hh [G·H, H], and the biases [G·H] (null without bias, PyTorch's `bias=False`). */
export interface DirectionWeights {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;
}

/** The weights by layer, then direction (forward, then reverse where bidirectional), and the sizes they fix. */
export interface RecurrentWeights {
  readonly layers: ReadonlyArray<readonly DirectionWeights[]>;
  readonly hidden: number;
  readonly inputSize: number;
  readonly directions: 1 | 2;
}

/**
 * The weights in `params` (keyed by PyTorch's names), checked against each other: every layer
 * has both weights, the biases are all present or all absent, the reverse direction is there for
 * every layer or for none, and the shapes are PyTorch's for the gate count of `kind`.
 */
export function readWeights(op: string, kind: RecurrentKind, params: unknown): RecurrentWeights {
  if (!isPlainObject(params)) {
    throw new InvalidArgumentError(`${op}: params must be an object of weights keyed by PyTorch's names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, …), got ${describe(params)}.`);
  }
  const given = params as Record<string, unknown>;
  const known = /^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?$/;
  for (const key of Object.keys(given)) {
    if (!known.test(key)) {
      const why = key.startsWith('weight_hr') ? ' (LSTM projections, proj_size, are not supported)' : '';
      throw new InvalidArgumentError(`${op}: unknown weight '${key}'${why}; the names are PyTorch's: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, with _reverse for the second direction.`);
    }
  }
  let numLayers = 0;
  while (given[`weight_ih_l${numLayers}`] !== undefined) numLayers++;
  if (numLayers === 0) throw new InvalidArgumentError(`${op}: params has no weight_ih_l0; pass the layer's weights keyed by PyTorch's names (a state_dict of nn.${kind.toUpperCase()}).`);
  const directions = given.weight_ih_l0_reverse !== undefined ? 2 : 1;
  const biased = given.bias_ih_l0 !== undefined;
  const G = GATES[kind];
  const hh0 = given.weight_hh_l0;
  if (hh0 === undefined) throw new InvalidArgumentError(`${op}: params has weight_ih_l0 but no weight_hh_l0.`);
  const hidden = asTensor(hh0 as TensorLike, op).shape[1] ?? 0;
  const inputSize = asTensor(given.weight_ih_l0 as TensorLike, op).shape[1] ?? 0;
  const tensorOf = (name: string, shape: number[]): Tensor => {
    const v = given[name];
    if (v === undefined) throw new InvalidArgumentError(`${op}: params lacks '${name}' (it has ${numLayers} layers${directions === 2 ? ', both directions' : ''}${biased ? ', with biases' : ''}).`);
    const t = asTensor(v as TensorLike, `${op} (${name})`);
    if (!shapesEqual(t.shape, shape)) {
      throw new ShapeError(`${op}: ${name} has shape ${formatShape(t.shape)}, but a ${kind.toUpperCase()} with hidden size ${hidden} needs ${formatShape(shape)} (${G} gate${G > 1 ? 's' : ''} × ${hidden} rows).`);
    }
    return t;
  };
  const layers = Array.from({ length: numLayers }, (_, k) => {
    const inputs = k === 0 ? inputSize : directions * hidden;
    return Array.from({ length: directions }, (_, d) => {
      const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
      return {
        weightIh: tensorOf(`weight_ih${suffix}`, [G * hidden, inputs]),
        weightHh: tensorOf(`weight_hh${suffix}`, [G * hidden, hidden]),
        biasIh: biased ? tensorOf(`bias_ih${suffix}`, [G * hidden]) : null,
        biasHh: biased ? tensorOf(`bias_hh${suffix}`, [G * hidden]) : null,
      };
    });
  });
  for (const key of Object.keys(given)) {
    const m = known.exec(key)!;
    const layer = Number(m[2]);
    if (layer >= numLayers || (m[3] !== undefined && directions === 1) || (m[1]!.startsWith('bias') && !biased)) {
      throw new InvalidArgumentError(`${op}: weight '${key}' does not fit the others (${numLayers} layers from weight_ih_l0 on, ${directions === 2 ? 'both directions' : 'one direction'}, ${biased ? 'with' : 'without'} biases).`);
    }
  }
  return { layers, hidden, inputSize, directions };
}
