/** @file Op-table rows for rounding, remainders, predicates and bases 2 and 10 (src/ops/rounding.ts, predicates.ts, logBases.ts), composites of other ops (log2 and log10 primitives): run by test/ops.test.ts to second order and exported to ONNX Runtime by test/onnx/exportTable.test.ts. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';

const UNARY = [[[]], [[4]], [[2, 3]]];
const BINARY = [[[], []], [[3], [3]], [[2, 3], [3]], [[2, 1], [1, 3]]];
/** Scaled so that values fall on both sides of several integers. */
const spread = (x: Tensor) => ad.mul(3.3, x);

export const roundingRows: OpRow[] = [
  ...(['round', 'floor', 'ceil', 'trunc'] as const).map((name): OpRow => (
    { name, covers: ['stopGradient', 'where', 'less', 'round'], fn: (x) => ad[name](spread(x)), domains: ['real'], shapes: UNARY, zeroGradient: true })),
  {
    name: 'isfinite, isnan, logical ops', covers: ['less', 'notEqual', 'equal', 'maximum'], domains: ['real', 'real'], zeroGradient: true,
    fn: (a, b) => ad.add(ad.logicalOr(ad.isfinite(a), ad.isnan(b)), ad.logicalXor(ad.logicalAnd(ad.greater(a, 0), b), ad.logicalNot(a))),
    shapes: BINARY,
  },
  // Piecewise linear: value and first derivative checked; the second derivative is 0.
  { name: 'mod', covers: ['stopGradient', 'where', 'mul', 'sub', 'fmod'], fn: (a, b) => ad.mod(spread(a), b), domains: ['real', 'awayFromZero'], shapes: BINARY },
  { name: 'fmod', covers: ['stopGradient', 'where', 'mul', 'sub', 'fmod'], fn: (a, b) => ad.fmod(spread(a), b), domains: ['real', 'awayFromZero'], shapes: BINARY },
  { name: 'log2', covers: ['log2'], fn: (x) => ad.log2(x), domains: ['positive'], shapes: UNARY },
  { name: 'log10', covers: ['log10'], fn: (x) => ad.log10(x), domains: ['positive'], shapes: UNARY },
  { name: 'exp2', covers: ['pow'], fn: (x) => ad.exp2(x), domains: ['real'], shapes: UNARY },
];
