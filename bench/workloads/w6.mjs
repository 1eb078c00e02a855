// W6, scalar recurrence x_{t+1} = a·sin(x_t) + b·x_t for T=1e5 steps: plain loop vs 0-d adjoint tensors; d x_T / d(a, b).
import * as ad from 'adjoint';

const STEPS = 100000, X0 = 0.5, A = 2, B = 0.1;

// ---- plain ----

function plainF(d) {
  const { a, b } = d;
  let x = X0;
  for (let t = 0; t < STEPS; t++) x = a * Math.sin(x) + b * x;
  return x;
}

/** Keeps x_t; backward: ā += x̄ sin x_t, b̄ += x̄ x_t, x̄ ← x̄ (a cos x_t + b). */
function plainVG(d) {
  const { a, b } = d;
  const xs = new Float64Array(STEPS);
  let x = X0;
  for (let t = 0; t < STEPS; t++) {
    xs[t] = x;
    x = a * Math.sin(x) + b * x;
  }
  let gx = 1, ga = 0, gb = 0;
  for (let t = STEPS - 1; t >= 0; t--) {
    const xt = xs[t];
    ga += gx * Math.sin(xt);
    gb += gx * xt;
    gx *= a * Math.cos(xt) + b;
  }
  return { value: x, grads: { a: ga, b: gb } };
}

// ---- adjoint ----

/** The recurrence as a user would write it: 0-d tensors and ad ops in a plain for loop. */
function recurrence(a, b) {
  let x = ad.scalar(X0);
  for (let t = 0; t < STEPS; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
  return x;
}

const vgRecurrence = ad.valueAndGrad(recurrence, [0, 1]);

function adjointF(d) {
  return recurrence(d.t.a, d.t.b).item();
}

function adjointVG(d) {
  const [v, [ga, gb]] = vgRecurrence(d.t.a, d.t.b);
  return { value: v.item(), grads: { a: ga.item(), b: gb.item() } };
}

export default {
  id: 'W6',
  size: 'T=1e5 scalar',
  setup() {
    return { a: A, b: B, t: { a: ad.scalar(A), b: ad.scalar(B) } };
  },
  plain: { f: plainF, vg: plainVG },
  adjoint: { f: adjointF, vg: adjointVG },
};
