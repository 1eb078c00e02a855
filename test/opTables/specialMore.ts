/**
 * @file Op-table rows for besselJn and lpmn/lpmnValues (src/special/besselJn.ts, legendre.ts): run by test/ops.test.ts
 * to second order. Their rows vary z (lpmn's z is 1-D), the higher z-derivatives coming from the same primitives at the
 * next order; the derivative primitives come from their source files (internal tensors).
 */
import * as ad from 'adjoint';
import type { OpRow } from '../ops.table.js';
import * as besselJnSource from '../../src/special/besselJn.js';
import * as legendreSource from '../../src/special/legendre.js';
import { internal } from '../support/internalTensor.js';

// The public functions, and the derivative tables from their source files (on internal tensors).
const { besselJn, lpmn, lpmnValues } = ad.special;
const besselJnDerivative = (z: ad.Tensor, v: number, order: number) => besselJnSource.besselJnDerivative(internal(z), v, order) as unknown as ad.Tensor;
const legendreDerivativeTable = (z: ad.Tensor, n: number, normalized: boolean, order: number) =>
  legendreSource.legendreDerivativeTable(internal(z), n, normalized, order) as unknown as ad.Tensor;

const UNARY = [[[]], [[4]], [[2, 3]]];
/** x mapped into (−0.9, 0.9), inside Legendre's interval. */
const inside = (x: ad.Tensor) => ad.mul(0.9, ad.tanh(x));

export const specialMoreRows: OpRow[] = [
  { name: 'besselJn', covers: ['besselJn'], fn: (x) => besselJn(ad.mul(3, x), { v: 3 }), domains: ['real'], shapes: UNARY },
  { name: 'besselJn (Hankel, z near 30)', covers: ['besselJn'], fn: (x) => besselJn(ad.add(30, x), { v: 2 }), domains: ['real'], shapes: UNARY },
  { name: 'besselJn (first derivative table)', covers: ['besselJn'], fn: (x) => besselJnDerivative(ad.mul(2, x), 2, 1), domains: ['real'], shapes: UNARY },
  { name: 'lpmn values', covers: ['legendreP'], fn: (x) => lpmn(3, 3, inside(x))[0], domains: ['real'], shapes: [[[4]]] },
  { name: 'lpmn derivatives', covers: ['legendreP'], fn: (x) => lpmn(3, 3, inside(x))[1], domains: ['real'], shapes: [[[4]]] },
  { name: 'lpmnValues (normalised)', covers: ['legendreP'], fn: (x) => lpmnValues(4, 4, inside(x), true), domains: ['real'], shapes: [[[3]]] },
  { name: 'legendreP (order 2, any shape of z)', covers: ['legendreP'], fn: (x) => legendreDerivativeTable(inside(x), 2, false, 2), domains: ['real'], shapes: UNARY },
];
