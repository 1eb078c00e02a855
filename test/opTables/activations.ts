/** @file Op-table rows for the activations (src/ops/activations.ts), composites of other ops: run by test/ops.test.ts to second order and exported to ONNX Runtime by test/onnx/exportTable.test.ts. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';

const UNARY = [[[]], [[4]], [[2, 3]]];
/** Maps the reals into (0.05, 0.95), both sides of logit's switch at ¼. */
const inOpenUnit = (x: Tensor) => ad.add(0.05, ad.mul(0.9, ad.sigmoid(x)));

export const activationRows: OpRow[] = [
  { name: 'gelu (tanh)', covers: ['sigmoid', 'mul', 'where'], fn: (x) => ad.gelu(x), domains: ['real'], shapes: UNARY },
  { name: 'gelu (exact)', covers: ['erfc', 'mul', 'where'], fn: (x) => ad.gelu(x, { approximate: false }), domains: ['real'], shapes: UNARY },
  { name: 'silu', covers: ['sigmoid', 'mul'], fn: (x) => ad.silu(x), domains: ['real'], shapes: UNARY },
  { name: 'elu', covers: ['expm1', 'where'], fn: (x) => ad.elu(x, 1.5), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'selu', covers: ['expm1', 'where', 'mul'], fn: (x) => ad.selu(x), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'celu', covers: ['expm1', 'where', 'div'], fn: (x) => ad.celu(x, 0.7), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'mish', covers: ['tanh', 'softplus', 'mul'], fn: (x) => ad.mish(x), domains: ['real'], shapes: UNARY },
  { name: 'hardSigmoid', covers: ['where', 'div'], fn: (x) => ad.hardSigmoid(x), domains: ['real'], shapes: UNARY },
  { name: 'hardSwish', covers: ['where', 'mul'], fn: (x) => ad.hardSwish(ad.mul(2, x)), domains: ['real'], shapes: UNARY },
  { name: 'leakyRelu', covers: ['where', 'mul'], fn: (x) => ad.leakyRelu(x, 0.1), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'softsign', covers: ['div', 'abs'], fn: (x) => ad.softsign(x), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'relu6', covers: ['where'], fn: (x) => ad.relu6(ad.mul(4, x)), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'hardTanh', covers: ['where'], fn: (x) => ad.hardTanh(x, -5, 5), domains: ['real'], shapes: UNARY },
  { name: 'logit', covers: ['log', 'log1p', 'atanh'], fn: (x) => ad.logit(inOpenUnit(x)), domains: ['real'], shapes: UNARY },
];
