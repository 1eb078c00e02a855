/**
 * @file Op-table rows for the rest of jax.scipy.special (src/special/gammaFunction.ts, expint.ts, spence.ts,
 * hyp1f1.ts, softmax.ts): run by test/ops.test.ts to second order (helper 109). hyp1f1 is refused at second order
 * in a and b (as JAX has none), so its rows and those of its a- and b-derivatives vary x.
 */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';
import { psiShiftOf, trigammaShift } from '../../src/special/gammaFunction.js';
import { fresnelPhaseOf, logOverXMinusOne } from '../../src/special/spence.js';
import { hyp1f1GradA, hyp1f1GradB } from '../../src/special/hyp1f1.js';
import { internal } from '../support/internalTensor.js';

const UNARY = [[[]], [[4]], [[2, 3]]];
const BINARY = [[[], []], [[3], [3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[4], []], [[], [2, 2]]];
const S = ad.special;

export const specialRemainderRows: OpRow[] = [
  { name: 'gamma', covers: ['gamma', 'digamma'], fn: (x) => S.gamma(x), domains: ['positive'], shapes: UNARY },
  // Between the poles −3 and −2 (reflection).
  { name: 'gamma (negative)', covers: ['gamma'], fn: (x) => S.gamma(ad.add(-2.9, ad.mul(0.8, ad.sigmoid(x)))), domains: ['real'], shapes: UNARY },
  { name: 'gammasgn', covers: ['gammasgn'], fn: (x) => S.gammasgn(ad.mul(3, x)), domains: ['real'], shapes: UNARY, zeroGradient: true },
  { name: 'beta', covers: ['beta', 'psiShift', 'polygamma'], fn: (a, b) => S.beta(a, b), domains: ['positive', 'positive'], shapes: BINARY },
  { name: 'poch', covers: ['poch', 'psiShift', 'digamma'], fn: (z, m) => S.poch(z, m), domains: ['positive', 'positive'], shapes: BINARY },
  { name: 'poch (m of either sign)', covers: ['poch', 'psiShift'], fn: (z, m) => S.poch(ad.add(z, 3), ad.mul(0.5, m)), domains: ['positive', 'real'], shapes: BINARY },
  { name: 'psiShift', covers: ['psiShift', 'polygamma'], fn: (s, t) => psiShiftOf(internal(s), internal(ad.sub(t, 1))), domains: ['positive', 'positive'], shapes: [[[], []], [[3], [3]]] },
  { name: 'trigammaShift', covers: ['trigammaShift', 'polygamma'], fn: (s, t) => trigammaShift(internal(s), internal(ad.sub(t, 1))), domains: ['positive', 'positive'], shapes: [[[], []], [[3], [3]]] },
  { name: 'expn', covers: ['expn'], fn: (x) => S.expn(2, x), domains: ['positive'], shapes: UNARY },
  { name: 'expn (broadcast n, E₀ and below in the chain)', covers: ['expn'], fn: (x) => S.expn(ad.tensor([0, 1, 3]), x), domains: ['positive'], shapes: [[[3]], [[2, 3]]] },
  { name: 'exp1', covers: ['expn'], fn: (x) => S.exp1(ad.mul(0.5, x)), domains: ['positive'], shapes: UNARY },
  { name: 'expi', covers: ['expi', 'exp'], fn: (x) => S.expi(x), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'spence', covers: ['spence', 'logOverXMinusOne'], fn: (x) => S.spence(x), domains: ['positive'], shapes: UNARY },
  { name: 'spence (near 0 and far out)', covers: ['spence', 'logOverXMinusOne'], fn: (x) => S.spence(ad.mul(ad.square(x), ad.tensor(0.1))), domains: ['positive'], shapes: UNARY },
  { name: 'logOverXMinusOne (n = 2)', covers: ['logOverXMinusOne'], fn: (x) => logOverXMinusOne(internal(ad.add(x, 0.7)), 2), domains: ['aboveMinusOne'], shapes: UNARY },
  { name: 'fresnel S', covers: ['fresnelS', 'fresnelPhase'], fn: (x) => S.fresnel(ad.mul(2, x))[0], domains: ['real'], shapes: UNARY },
  { name: 'fresnel C', covers: ['fresnelC', 'fresnelPhase'], fn: (x) => S.fresnel(ad.mul(2, x))[1], domains: ['real'], shapes: UNARY },
  { name: 'fresnelPhase', covers: ['fresnelPhase'], fn: (x) => fresnelPhaseOf(internal(x), true), domains: ['real'], shapes: UNARY },
  { name: 'hyp1f1 (in x)', covers: ['hyp1f1'], fn: (x) => S.hyp1f1(1.3, 2.4, ad.mul(3, x)), domains: ['real'], shapes: UNARY },
  { name: 'hyp1f1 (broadcast a, b)', covers: ['hyp1f1'], fn: (x) => S.hyp1f1(ad.tensor([0.5, 2, 7]), ad.tensor([1.5, 0.7, 3]), x), domains: ['real'], shapes: [[[3]], [[2, 3]]] },
  { name: 'hyp1f1GradA', covers: ['hyp1f1GradA', 'hyp1f1'], fn: (x) => hyp1f1GradA(1.3, 2.4, internal(x)), domains: ['real'], shapes: UNARY },
  { name: 'hyp1f1GradB', covers: ['hyp1f1GradB', 'hyp1f1'], fn: (x) => hyp1f1GradB(1.3, 2.4, internal(x)), domains: ['real'], shapes: UNARY },
  // jax.scipy.special.softmax/log_softmax: every axis by default, or a list of axes.
  { name: 'special.softmax (all axes)', covers: ['logsumexp', 'exp'], fn: (x: Tensor) => S.softmax(x), domains: ['real'], shapes: [[[4]], [[2, 3]]] },
  { name: 'special.logSoftmax (axes [0, 2])', covers: ['logsumexp'], fn: (x: Tensor) => S.logSoftmax(x, [0, 2]), domains: ['real'], shapes: [[[2, 3, 2]]] },
];
