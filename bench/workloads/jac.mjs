// JAC, dense Jacobians: of x ↦ tanh(Wx) on R^512 by ad.jacobian (one backward pass batched over the basis), against
// the same arithmetic written as one batched pass with adjoint's own ops (W·I, a 512³ product, times the factor 1 − y²).
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';

const n = 512;

function setup() {
  const W = ad.tensor(symmetric(n * n, 91, 1 / Math.sqrt(n)), [n, n]);
  const x = ad.tensor(symmetric(n, 92, 1), [n]);
  const f = (v) => ad.tanh(ad.matmul(W, v));
  return { W, x, f, jac: ad.jacobian(f), I: ad.eye(n) };
}

const value = (d) => ad.sum(d.f(d.x)).item();

/** The reference: J = diag(1 − y²) · (W · I), the batched VJP's arithmetic, as one pass of adjoint ops. */
function referenceVG(d) {
  const y = d.f(d.x);
  const J = ad.mul(ad.reshape(ad.sub(1, ad.square(y)), [n, 1]), ad.matmul(d.W, d.I));
  return { value: ad.sum(y).item(), grads: { J: J } };
}

function jacobianVG(d) {
  return { value: value(d), grads: { J: d.jac(d.x) } };
}

export default {
  id: 'JAC',
  size: 'tanh(Wx), n=512',
  setup,
  plain: { f: value, vg: referenceVG },
  adjoint: { f: value, vg: jacobianVG, note: 'ad.jacobian; plain row = one batched pass in adjoint ops (W·I, 512³)' },
};
