/** @file The table of every primitive (and the composite ops), with input domains and shapes: one row per op. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { divStrong, mulStrong } from '../src/ops/binary.js';
import { mm } from '../src/ops/linalg.js';
import { logMatmulOf } from '../src/ops/logMatmul.js';
import { leaveOneOutProd, leaveOneOutTangent, prodCotangentOf } from '../src/products/prod.js';
import { linearRecurrence } from '../src/products/recurrence.js';
import { cumprodCotangent, cumprodHessian, cumprodSecondTangent, cumprodTangent } from '../src/products/cumprod.js';
import { linalgRows } from './opTables/linalg.js';
import { linalgExtraRows } from './opTables/linalgExtras.js';
import { specialRows } from './opTables/special.js';
import { specialExtraRows } from './opTables/specialExtras.js';
import { specialRemainderRows } from './opTables/specialRemainder.js';
import { specialMoreRows } from './opTables/specialMore.js';
import { indexingRows } from './opTables/indexing.js';
import { convRows } from './opTables/conv.js';
import { nnRows } from './opTables/nn.js';
import { structuredRows } from './opTables/structured.js';
import { activationRows } from './opTables/activations.js';
import { roundingRows } from './opTables/rounding.js';
import { arrayHelperRows } from './opTables/arrayHelpers.js';
import { numpyExtraRows } from './opTables/numpyExtras.js';
import { internal } from './support/internalTensor.js';

/** Where an op's inputs are drawn from: away from its kinks and singularities. */
export type Domain = 'real' | 'positive' | 'awayFromZero' | 'aboveMinusOne' | 'index';

export interface OpRow {
  /** Row name; the primitive names it covers are listed in `covers`. */
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  domains: Domain[];
  /** Shapes to test, one list of input shapes per case. */
  shapes: number[][][];
  /** Primitives this row exercises (defaults to [name]). */
  covers?: string[];
  /** True for piecewise-constant ops: the gradient must be exactly zero. */
  zeroGradient?: boolean;
}

/** prod's gradient at second order goes through the leave-one-out product. */
const PROD = ['prod', 'leaveOneOutProd'];
const UNARY_SHAPES = [[[]], [[4]], [[2, 3]]];
const BINARY_SHAPES = [[[], []], [[3], [3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[4], []], [[], [2, 2]]];

const unary = (name: string, fn: (x: Tensor) => Tensor, domain: Domain = 'real'): OpRow =>
  ({ name, fn, domains: [domain], shapes: UNARY_SHAPES });
const binary = (name: string, fn: (a: Tensor, b: Tensor) => Tensor, da: Domain = 'real', db: Domain = 'real'): OpRow =>
  ({ name, fn, domains: [da, db], shapes: BINARY_SHAPES });

export const opTable: OpRow[] = [
  unary('neg', ad.neg),
  unary('exp', ad.exp),
  unary('log', ad.log, 'positive'),
  unary('log1p', ad.log1p, 'aboveMinusOne'),
  unary('expm1', ad.expm1),
  unary('sqrt', ad.sqrt, 'positive'),
  unary('square', ad.square),
  unary('abs', ad.abs, 'awayFromZero'),
  unary('sin', ad.sin),
  unary('cos', ad.cos),
  unary('tanh', ad.tanh),
  unary('sigmoid', ad.sigmoid),
  unary('softplus', ad.softplus),
  unary('relu', ad.relu, 'awayFromZero'),
  unary('reciprocal', ad.reciprocal, 'awayFromZero'),
  { ...unary('sign', ad.sign, 'awayFromZero'), zeroGradient: true },
  { ...unary('stopGradient', ad.stopGradient), zeroGradient: true },

  binary('add', ad.add),
  binary('sub', ad.sub),
  binary('mul', ad.mul),
  binary('div', ad.div, 'real', 'awayFromZero'),
  binary('pow', ad.pow, 'positive', 'real'),
  binary('maximum', ad.maximum),
  binary('minimum', ad.minimum),
  binary('mulStrong', (a, b) => mulStrong(internal(a), internal(b))),
  binary('divStrong', (a, b) => divStrong(internal(a), internal(b)), 'real', 'awayFromZero'),
  ...(['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'] as const).map(
    (name): OpRow => ({ ...binary(name, ad[name]), zeroGradient: true }),
  ),
  {
    name: 'where', covers: ['where', 'greater'], domains: ['real', 'real', 'real'],
    fn: (c, a, b) => ad.where(ad.greater(c, 0), a, b),
    shapes: [[[], [], []], [[3], [3], [3]], [[2, 3], [3], [2, 1]]],
  },
  {
    name: 'clip', covers: ['where', 'less', 'greater'], domains: ['real'],
    fn: (x) => ad.clip(x, -0.5, 0.7), shapes: UNARY_SHAPES,
  },

  ...(['sum', 'max', 'min', 'logsumexp', 'mean'] as const).flatMap((name): OpRow[] => [
    { name: `${name} (all)`, covers: [name === 'mean' ? 'sum' : name], domains: ['real'], fn: (x) => ad[name](x), shapes: [[[]], [[5]], [[2, 3]]] },
    { name: `${name} (axis 0)`, covers: [name === 'mean' ? 'sum' : name], domains: ['real'], fn: (x) => ad[name](x, 0), shapes: [[[3]], [[3, 2]]] },
    { name: `${name} (axis -1, keepdims)`, covers: [name === 'mean' ? 'sum' : name], domains: ['real'], fn: (x) => ad[name](x, -1, true), shapes: [[[2, 3]], [[2, 2, 3]]] },
    { name: `${name} (axes [0,2])`, covers: [name === 'mean' ? 'sum' : name], domains: ['real'], fn: (x) => ad[name](x, [0, 2]), shapes: [[[2, 3, 2]]] },
  ]),
  { name: 'softmax', covers: ['logsumexp', 'exp', 'sub'], domains: ['real'], fn: (x) => ad.softmax(x), shapes: [[[4]], [[2, 3]]] },
  { name: 'logSoftmax (axis 0)', covers: ['logsumexp', 'sub'], domains: ['real'], fn: (x) => ad.logSoftmax(x, 0), shapes: [[[4]], [[2, 3]]] },
  { name: 'cumsum', domains: ['real'], fn: (x) => ad.cumsum(x, 0), shapes: [[[4]], [[3, 2]]] },
  { name: 'cumsum (axis -1)', covers: ['cumsum'], domains: ['real'], fn: (x) => ad.cumsum(x, -1), shapes: [[[3, 2]], [[2, 2, 3]]] },
  { name: 'cumsum (axis 1, reverse)', covers: ['cumsum'], domains: ['real'], fn: (x) => ad.cumsum(x, 1, { reverse: true }), shapes: [[[3, 2]], [[2, 4, 3]]] },

  { name: 'reshape', domains: ['real'], fn: (x) => ad.reshape(x, [-1]), shapes: [[[2, 3]], [[2, 2, 2]]] },
  { name: 'squeeze/expandDims', covers: ['reshape'], domains: ['real'], fn: (x) => ad.expandDims(ad.squeeze(x), 1), shapes: [[[3, 1]], [[1, 4]]] },
  { name: 'transpose', domains: ['real'], fn: (x) => ad.transpose(x), shapes: [[[2, 3]], [[2, 3, 4]]] },
  { name: 'transpose (perm)', covers: ['transpose'], domains: ['real'], fn: (x) => ad.transpose(x, [1, 0, 2]), shapes: [[[2, 3, 2]]] },
  { name: 'broadcastTo', domains: ['real'], fn: (x) => ad.broadcastTo(x, [2, 3, 4]), shapes: [[[4]], [[3, 1]], [[]]] },
  { name: 'slice', covers: ['slice', 'pad'], domains: ['real'], fn: (x) => ad.slice(x, [1, 0], [2, -1]), shapes: [[[4, 3]]] },
  { name: 'concat', domains: ['real', 'real'], fn: (a, b) => ad.concat([a, b], 1), shapes: [[[2, 3], [2, 1]]] },
  { name: 'concat (axis 0: the parts are runs of the cotangent)', covers: ['concat'], domains: ['real', 'real', 'real'], fn: (a, b, c) => ad.concat([a, b, c], 0), shapes: [[[2, 3], [1, 3], [2, 3]]] },
  { name: 'stack', domains: ['real', 'real'], fn: (a, b) => ad.stack([a, b], 0), shapes: [[[3], [3]], [[2, 2], [2, 2]]] },
  { name: 'stack (inner axes)', covers: ['stack'], domains: ['real', 'real', 'real'], fn: (a, b, c) => ad.stack([a, b, c], -1), shapes: [[[2, 3], [2, 3], [2, 3]], [[3], [3], [3]]] },
  { name: 'take', covers: ['take', 'scatterAdd'], domains: ['real'], fn: (x) => ad.take(x, [2, 0, 2, -1], 0), shapes: [[[3]], [[3, 2]]] },
  { name: 'take (axis 1)', covers: ['take', 'scatterAdd'], domains: ['real'], fn: (x) => ad.take(x, [1, 1, 0], 1), shapes: [[[2, 3]]] },

  // Products (src/products). Zeros, underflow and higher orders are covered by test/products/.
  { name: 'prod (all)', covers: PROD, domains: ['real'], fn: (x) => ad.prod(x), shapes: [[[]], [[5]], [[2, 3]]] },
  { name: 'prod (axis 0)', covers: PROD, domains: ['real'], fn: (x) => ad.prod(x, 0), shapes: [[[3]], [[3, 2]]] },
  { name: 'prod (axis -1, keepdims)', covers: PROD, domains: ['real'], fn: (x) => ad.prod(x, -1, true), shapes: [[[2, 3]], [[2, 2, 3]]] },
  { name: 'prod (axes [0,2])', covers: PROD, domains: ['real'], fn: (x) => ad.prod(x, [0, 2]), shapes: [[[2, 3, 2]]] },
  { name: 'cumprod', domains: ['real'], fn: (x) => ad.cumprod(x, 0), shapes: [[[4]], [[3, 2]]] },
  { name: 'cumprod (axis -1)', covers: ['cumprod'], domains: ['real'], fn: (x) => ad.cumprod(x, -1), shapes: [[[3, 2]], [[2, 2, 3]]] },
  {
    name: 'cumprod (exclusive, reverse)', covers: ['cumprod'], domains: ['real'],
    fn: (x) => ad.cumprod(x, -1, { exclusive: true, reverse: true }), shapes: [[[4]], [[2, 3]]],
  },
  // cumprod's tangent, cotangent (under a transformation) and second derivative Q(x, g, u) as primitives.
  { name: 'cumprodTangent', domains: ['real', 'real'], fn: (x, t) => cumprodTangent(internal(x), internal(t), 0, false, false), shapes: [[[4], [4]], [[3, 2], [3, 2]]] },
  {
    name: 'cumprodTangent (exclusive, reverse, axis 1)', covers: ['cumprodTangent'], domains: ['real', 'real'],
    fn: (x, t) => cumprodTangent(internal(x), internal(t), 1, true, true), shapes: [[[2, 3], [2, 3]]],
  },
  { name: 'cumprodCotangent', domains: ['real', 'real'], fn: (x, g) => cumprodCotangent(internal(x), internal(g), 0, false, false), shapes: [[[4], [4]], [[3, 2], [3, 2]]] },
  {
    name: 'cumprodCotangent (exclusive, reverse, axis 1)', covers: ['cumprodCotangent'], domains: ['real', 'real'],
    fn: (x, g) => cumprodCotangent(internal(x), internal(g), 1, true, true), shapes: [[[2, 3], [2, 3]]],
  },
  {
    name: 'cumprodHessian', domains: ['real', 'real', 'real'], fn: (x, g, u) => cumprodHessian(internal(x), internal(g), internal(u), 0, false, false),
    shapes: [[[4], [4], [4]], [[3, 2], [3, 2], [3, 2]]],
  },
  {
    name: 'cumprodHessian (exclusive, axis 1)', covers: ['cumprodHessian'], domains: ['real', 'real', 'real'],
    fn: (x, g, u) => cumprodHessian(internal(x), internal(g), internal(u), 1, false, true), shapes: [[[2, 3], [2, 3], [2, 3]]],
  },
  {
    name: 'cumprodHessian (reverse)', covers: ['cumprodHessian'], domains: ['real', 'real', 'real'],
    fn: (x, g, u) => cumprodHessian(internal(x), internal(g), internal(u), 0, true, false), shapes: [[[4], [4], [4]]],
  },
  {
    name: 'cumprodSecondTangent', domains: ['real', 'real', 'real'], fn: (x, t, u) => cumprodSecondTangent(internal(x), internal(t), internal(u), 0, false, false),
    shapes: [[[4], [4], [4]], [[3, 2], [3, 2], [3, 2]]],
  },
  {
    name: 'cumprodSecondTangent (exclusive, reverse, axis 1)', covers: ['cumprodSecondTangent'], domains: ['real', 'real', 'real'],
    fn: (x, t, u) => cumprodSecondTangent(internal(x), internal(t), internal(u), 1, true, true), shapes: [[[2, 3], [2, 3], [2, 3]]],
  },
  { name: 'leaveOneOutProd', domains: ['real'], fn: (x) => leaveOneOutProd(internal(x), 0), shapes: [[[4]], [[3, 2]]] },
  { name: 'leaveOneOutProd (axis 1)', covers: ['leaveOneOutProd'], domains: ['real'], fn: (x) => leaveOneOutProd(internal(x), 1), shapes: [[[2, 3]]] },
  // prod's H·t (its second-order rule), x and t of one shape.
  { name: 'prodCotangent', covers: ['prodCotangent', 'leaveOneOutProd', 'leaveOneOutTangent'], domains: ['real', 'real'], fn: (x, g) => prodCotangentOf(internal(x), internal(g), 0), shapes: [[[4], [1]], [[3, 2], [1, 2]]] },
  { name: 'prodCotangent (axis 1)', covers: ['prodCotangent'], domains: ['real', 'real'], fn: (x, g) => prodCotangentOf(internal(x), internal(g), 1), shapes: [[[2, 3], [2, 1]]] },
  { name: 'leaveOneOutTangent', covers: ['leaveOneOutTangent', 'leaveOneOutProd'], domains: ['real', 'real'], fn: (x, t) => leaveOneOutTangent(internal(x), internal(t), 0), shapes: [[[4], [4]], [[3, 2], [3, 2]]] },
  { name: 'leaveOneOutTangent (axis 1)', covers: ['leaveOneOutTangent'], domains: ['real', 'real'], fn: (x, t) => leaveOneOutTangent(internal(x), internal(t), 1), shapes: [[[2, 3], [2, 3]]] },
  { name: 'linearRecurrence', domains: ['real', 'real'], fn: (a, b) => linearRecurrence(internal(a), internal(b), 0, false), shapes: [[[4], [4]], [[3, 2], [3, 2]]] },
  {
    name: 'linearRecurrence (reverse, axis 1)', covers: ['linearRecurrence'], domains: ['real', 'real'],
    fn: (a, b) => linearRecurrence(internal(a), internal(b), 1, true), shapes: [[[2, 3], [2, 3]]],
  },
  { name: 'logAbsProd', domains: ['awayFromZero'], fn: (x) => ad.logAbsProd(x, -1).logAbs, shapes: [[[4]], [[2, 3]]] },
  {
    name: 'SignedLog sum', covers: ['signedLogSum', 'expm1', 'where'], domains: ['awayFromZero'],
    fn: (x) => ad.SignedLog.fromTensor(x).sum(-1).logAbs, shapes: [[[4]], [[2, 3]]],
  },
  {
    name: 'chainMatmul', domains: ['real', 'real', 'real'], fn: (a, b, c) => ad.chainMatmul([a, b, c]),
    shapes: [[[2, 3], [3, 3], [3, 2]], [[1, 2], [2, 4], [4, 1]]],
  },
  {
    name: 'chainMatmul (stacked)', covers: ['chainMatmulStack'], domains: ['real'], fn: (s) => ad.chainMatmul(s),
    shapes: [[[3, 3, 3]], [[2, 4, 4]]],
  },
  {
    name: 'chainProduct (matmul)', covers: ['chainProduct'], domains: ['real', 'real', 'real'],
    fn: (a, b, c) => ad.chainProduct([a, b, c], ad.matmul), shapes: [[[2, 3], [3, 3], [3, 2]]],
  },
  {
    name: 'chainProduct (log semiring)', covers: ['chainProduct'], domains: ['real', 'real', 'real'],
    fn: (a, b, c) => ad.chainProduct([a, b, c], (p, q) => ad.logsumexp(ad.add(ad.expandDims(p, 2), ad.expandDims(q, 0)), 1)),
    shapes: [[[2, 3], [3, 3], [3, 2]]],
  },

  { name: 'matmul', domains: ['real', 'real'], fn: ad.matmul, shapes: [[[2, 3], [3, 4]], [[3], [3, 2]], [[2, 3], [3]], [[2, 2, 3], [3, 2]], [[2, 1, 2, 3], [3, 3, 2]]] },
  { name: 'logMatmul', domains: ['real', 'real'], fn: ad.logMatmul, shapes: [[[2, 3], [3, 4]], [[3], [3, 2]], [[2, 3], [3]], [[2, 2, 3], [3, 2]], [[2, 1, 2, 3], [3, 3, 2]]] },
  {
    name: 'logMatmul (a stored transposed)', covers: ['logMatmul'], domains: ['real', 'real'],
    fn: (a, b) => logMatmulOf(internal(a), internal(b), true), shapes: [[[3, 2], [3, 4]], [[2, 3, 2], [3, 2]]],
  },
  ...([[false, true], [true, false], [true, true]] as const).map(([ta, tb]): OpRow => ({
    name: `matmul (transA=${ta}, transB=${tb})`, covers: ['matmul'], domains: ['real', 'real'],
    fn: (a, b) => mm(internal(a), internal(b), ta, tb),
    shapes: [[ta ? [3, 2] : [2, 3], tb ? [4, 3] : [3, 4]], [ta ? [2, 3, 2] : [2, 2, 3], tb ? [4, 3] : [3, 4]]],
  })),
  { name: 'dot', covers: ['mul', 'sum', 'matmul'], domains: ['real', 'real'], fn: ad.dot, shapes: [[[3], [3]], [[2, 3], [3, 2]]] },
  { name: 'outer', covers: ['mul', 'reshape'], domains: ['real', 'real'], fn: ad.outer, shapes: [[[3], [2]]] },
  // Op families with tables of their own (test/opTables/).
  ...linalgRows,
  ...linalgExtraRows,
  ...specialRows,
  ...specialExtraRows,
  ...specialRemainderRows,
  ...specialMoreRows,
  ...indexingRows,
  ...convRows,
  ...nnRows,
  ...structuredRows,
  ...activationRows,
  ...roundingRows,
  ...arrayHelperRows,
  ...numpyExtraRows,
];

/** Deterministic inputs from a domain. */
export function sample(domain: Domain, shape: number[], seed: number): Tensor {
  const u = ad.random.uniform(shape, seed);
  const n = ad.random.normal(shape, seed + 1);
  switch (domain) {
    case 'real': return n;
    case 'positive': return ad.add(ad.mul(u, 2), 0.5);
    case 'awayFromZero': return ad.mul(ad.where(ad.greater(n, 0), 1, -1), ad.add(u, 0.3));
    case 'aboveMinusOne': return ad.add(ad.mul(u, 2), -0.6);
    case 'index': return ad.tensor(u.toFloat64Array().map((v) => Math.floor(3 * v)), shape);
  }
}
