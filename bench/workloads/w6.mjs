// W6, scalar recurrence x_{t+1} = a·sin(x_t) + b·x_t for T=1e5 steps: plain loop vs 0-d adjoint tensors; d x_T / d(a, b).
import * as ad from 'adjoint';
import { jitRow, timedJit } from '../jit.mjs';

/** x₀ of the recurrence (exported for the PyTorch peer). */
export const X0 = 0.5;
const STEPS = 100000, A = 2, B = 0.1;

// ---- plain ----

function plainF(d) {
  const { a, b, steps } = d;
  let x = X0;
  for (let t = 0; t < steps; t++) x = a * Math.sin(x) + b * x;
  return x;
}

/** Keeps x_t; backward: ā += x̄ sin x_t, b̄ += x̄ x_t, x̄ ← x̄ (a cos x_t + b). */
function plainVG(d) {
  const { a, b, steps } = d;
  const xs = new Float64Array(steps);
  let x = X0;
  for (let t = 0; t < steps; t++) {
    xs[t] = x;
    x = a * Math.sin(x) + b * x;
  }
  let gx = 1, ga = 0, gb = 0;
  for (let t = steps - 1; t >= 0; t--) {
    const xt = xs[t];
    ga += gx * Math.sin(xt);
    gb += gx * xt;
    gx *= a * Math.cos(xt) + b;
  }
  return { value: x, grads: { a: ga, b: gb } };
}

// ---- adjoint ----

/** The recurrence as a user would write it: 0-d tensors and ad ops in a plain for loop. */
function recurrence(a, b, steps = STEPS) {
  let x = ad.scalar(X0);
  for (let t = 0; t < steps; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
  return x;
}

const vgRecurrence = ad.valueAndGrad(recurrence, [0, 1]);

function adjointF(d) {
  return recurrence(d.t.a, d.t.b, d.steps).item();
}

function adjointVG(d) {
  const [v, [ga, gb]] = vgRecurrence(d.t.a, d.t.b, d.steps);
  return { value: v.item(), grads: { a: ga.item(), b: gb.item() } };
}

// ---- adjoint, jit ----
// The same function and the same valueAndGrad, wrapped in ad.jit: the first call records the
// forward and backward pass as one program of 0-d ops (about 13 per step), later calls replay it
// on the numbers of the new a and b without running the loop's JavaScript. `steps` is a number,
// so it is part of the signature (one recording per loop length).

function jitImpl() {
  const f = timedJit(recurrence);
  const vg = timedJit(ad.valueAndGrad(recurrence, [0, 1]));
  return jitRow(vg, {
    f: (d) => f(d.t.a, d.t.b, d.steps).item(),
    vg: (d) => {
      const [v, [ga, gb]] = vg(d.t.a, d.t.b, d.steps);
      return { value: v.item(), grads: { a: ga.item(), b: gb.item() } };
    },
  });
}

// ---- adjoint, autoJit ----
// The same valueAndGrad with ad.config({ autoJit: true }) (docs/jit.md): its first call runs
// eagerly and finds a long run of 0-d ops, the second records, the later ones replay. The switch
// is global, so it is on only around this row's calls.

function autoJitImpl() {
  const vg = ad.valueAndGrad(recurrence, [0, 1]);
  const withAutoJit = (fn) => {
    ad.config({ autoJit: true });
    try {
      return fn();
    } finally {
      ad.config({ autoJit: false });
    }
  };
  return {
    impl: 'adjoint-autoJit',
    note: 'ad.config({ autoJit: true }); the eager and the recording call not in the median',
    f: (d) => recurrence(d.t.a, d.t.b, d.steps).item(),
    vg: (d) => withAutoJit(() => {
      const [v, [ga, gb]] = vg(d.t.a, d.t.b, d.steps);
      return { value: v.item(), grads: { a: ga.item(), b: gb.item() } };
    }),
  };
}

/** The workload with `steps` steps (W6: 1e5, as BENCHMARKS.md defines it). */
function recurrenceWorkload(id, steps, size) {
  return {
    id,
    size,
    steps,
    setup() {
      return { a: A, b: B, steps, t: { a: ad.scalar(A), b: ad.scalar(B) } };
    },
    plain: { f: plainF, vg: plainVG },
    adjoint: { f: adjointF, vg: adjointVG },
    alternatives: [jitImpl(), autoJitImpl()],
  };
}

export default recurrenceWorkload('W6', STEPS, 'T=1e5 scalar');

/** W6 cut to T=1e3 (not a BENCHMARKS.md workload): where the peers, impractical at T=1e5, are measured. */
export const w6s = recurrenceWorkload('W6S', 1000, 'T=1e3 scalar (W6 cut 100x for the peers)');
