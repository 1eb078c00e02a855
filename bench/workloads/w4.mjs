// W4, product: prod(x) for n = 1e5 and 1e6 factors x_i = exp(0.02(u − 0.5)) (seed 31), with and without x[n/2] = 0; gradient with respect to x.
import * as ad from 'adjoint';
import { uniform } from '../data.mjs';

// ---- plain ----

function plainF(d) {
  const { x } = d;
  let p = 1;
  for (let i = 0; i < x.length; i++) p *= x[i];
  return p;
}

/**
 * The gradient by prefix and suffix products, no division (exact with the zero): g_i = P_{i−1} S_{i+1},
 * the exclusive prefix written on the way forward (which also gives the value), then multiplied
 * by the running suffix on the way back.
 */
function plainVG(d) {
  const { x } = d;
  const n = x.length;
  const g = new Float64Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    g[i] = acc;
    acc *= x[i];
  }
  const value = acc;
  acc = 1;
  for (let i = n - 1; i >= 0; i--) {
    g[i] *= acc;
    acc *= x[i];
  }
  return { value, grads: { x: g } };
}

// ---- adjoint ----

const prodAll = (x) => ad.prod(x);
const vgProd = ad.valueAndGrad(prodAll);

function adjointF(d) {
  return prodAll(d.t.x).item();
}

function adjointVG(d) {
  const [v, g] = vgProd(d.t.x);
  return { value: v.item(), grads: { x: g } };
}

function variant(n, zero) {
  return {
    id: 'W4',
    size: `n=${n === 1e5 ? '1e5' : '1e6'}${zero ? ', x[n/2]=0' : ''}`,
    setup() {
      const x = uniform(n, 31, (u) => Math.exp(0.02 * (u - 0.5)));
      if (zero) x[n / 2] = 0;
      return { x, t: { x: ad.tensor(x, [n]) } };
    },
    plain: { f: plainF, vg: plainVG },
    adjoint: { f: adjointF, vg: adjointVG },
  };
}

/** The four W4 variants; `--only W4` runs them all. */
export default [variant(1e5, false), variant(1e5, true), variant(1e6, false), variant(1e6, true)];
