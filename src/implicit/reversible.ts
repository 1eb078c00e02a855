/** @file Reversible SGD with momentum (Maclaurin, Duvenaud & Adams 2015): hypergradients through a training run without storing its trajectory. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor } from '../tensor/create.js';
import { ReverseTrace, JvpTrace, live, topTrace, unbox, type Trace } from '../core/trace.js';
import { redirectsAbove, redirectsBelow, withRedirects } from '../core/redirects.js';
import { RecordTrace } from '../jit/recordTrace.js';
import { flatten, type PyTree, type TensorTree } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';
import { gradFor } from '../transforms/vjp.js';
import { recordRegion, runCapturing } from '../transforms/customNode.js';
import { record } from '../transforms/record.js';
import { BatchTrace, eachExample } from '../transforms/vmap.js';
import { Space, dot } from './space.js';
import { FixedPointVector, rationalApproximation } from './fixedPoint.js';
import { Reporter, type ReportOptions } from './diagnostics.js';
import { anything, checkCallable, checkOptions, checkScalarResult, count, flag, oneOf, plainObject, shown } from './options.js';
import { extraArguments } from '../core/extraArguments.js';

export interface ReversibleMomentumOptions extends ReportOptions {
  /** Number of steps T. */
  steps: number;
  /** Learning rate α: a number or 0-d tensor, or a [T] tensor of one rate per step. Differentiable. */
  lr: Tensor | number;
  /** Momentum decay γ in (0, 1]: a number or 0-d tensor, or a [T] tensor. Differentiable. Default 0.9. */
  decay?: Tensor | number | undefined;
  /** Fixed-point resolution 2^−radixBits (BigInt integers, so there is no range limit). Default 100. */
  radixBits?: number | undefined;
  /**
   * 'reverse' (default) reconstructs the trajectory backwards exactly; 'store' keeps every step's
   * parameters and velocity instead (the reference the reversal is tested against; memory grows
   * with T).
   */
  trajectory?: 'reverse' | 'store' | undefined;
  /**
   * Filled in with memory and exactness figures: see ReversibleInfo. A reversal that does not arrive
   * back at the initial parameters bit for bit (the hypergradients are then wrong) also prints a
   * warning, once per call site, or throws a ConvergenceError with `throw: true`.
   */
  info?: Partial<ReversibleInfo> | undefined;
}

export interface ReversibleInfo {
  steps: number;
  /** Bits in the information buffers after the forward run: about T·n·log2(1/γ). */
  bufferBits: number;
  /** Bytes a stored trajectory would take (parameters and velocities, float64, every step), or takes with trajectory: 'store'. */
  trajectoryBytes: number;
  /** After a backward pass: whether the reversal arrived exactly (bit for bit) at the initial parameters and zero velocity. */
  reversedExactly: boolean | null;
  /** Loss-gradient evaluations: T forward, and T reverse-over-reverse products backward. */
  gradientEvaluations: number;
  /** Every warning issued for this call, including those not printed. */
  warnings: string[];
}

// The options and what each must be (steps, lr, decay and radixBits are checked on their own, below).
const OPTIONS = {
  steps: count, lr: anything, decay: anything, radixBits: anything, trajectory: oneOf('reverse', 'store'),
  info: plainObject, warn: flag, throw: flag,
};

type Loss = (params: any, step: number) => PyTree;

/**
 * Runs T steps of SGD with momentum in Maclaurin et al.'s form,
 *
 *     v_{t+1} = γ_t v_t − (1 − γ_t) ∇L(w_t, t),   w_{t+1} = w_t + α_t v_{t+1},   v_0 = 0,
 *
 * and returns w_T, **differentiable with respect to the initial parameters, α, γ and every tensor
 * `loss` closes over**. Parameters and velocities live in fixed point (exact integers), and the bits
 * destroyed by multiplying the velocity by γ go into an information buffer, so the backward pass
 * runs the optimizer backwards — w_t = w_{t+1} − α v_{t+1}, v_t = (v_{t+1} + (1 − γ)∇L(w_t))/γ —
 * recovering every iterate bit for bit instead of storing it: memory is the buffer, about
 * log2(1/γ) bits per parameter per step (0.15 for γ = 0.9), instead of 128. Each backward step is
 * one reverse-over-reverse product (Hessian-vector and mixed second derivatives) of the loss.
 *
 * `loss(params, t)` returns a scalar; t is the step index (pick a minibatch with it). First-order
 * reverse mode only (one grad/vjp around it); for forward mode or higher orders unroll
 * `optimizers.momentum` with ad.scan. Under vmap it runs one example at a time, as argmin does;
 * `grad` of a vmap works, `vmap` of a `grad` does not.
 * @example
 * const lam = ad.tensor(0.1);
 * const trained = (l) => ad.optimizers.reversibleMomentum(
 *   (w) => ad.add(ad.sum(ad.square(ad.sub(w, 1))), ad.mul(l, ad.sum(ad.square(w)))), ad.zeros([3]), { steps: 50, lr: 0.1 });
 * ad.grad((l) => ad.sum(trained(l)))(lam); // d/dλ of the trained weights' sum
 */
export function reversibleMomentum<T>(loss: (params: T, step: number) => PyTree, params0: T, options: ReversibleMomentumOptions): TensorTree<T>;
export function reversibleMomentum<T>(loss: (params: T, step: number) => PyTree, params0: T, options: ReversibleMomentumOptions, ...extra: unknown[]): TensorTree<T> {
  if (extra.length > 0) extraArguments('optimizers.reversibleMomentum', 'optimizers.reversibleMomentum(loss, params0, options)', extra, options);
  checkCallable('reversibleMomentum', 'loss', loss, '(params, step) => ad.sum(ad.square(params))');
  checkOptions('reversibleMomentum', options, OPTIONS, { example: '{ steps: 100, lr: 0.1 }', required: true });
  const T = options.steps;
  if (!(Number.isInteger(T) && T >= 0)) throw new InvalidArgumentError(`reversibleMomentum: steps must be an integer ≥ 0, got ${T}.`);
  const radixBits = options.radixBits ?? 100;
  if (!(Number.isInteger(radixBits) && radixBits >= 1 && radixBits <= 1000)) {
    throw new InvalidArgumentError(`reversibleMomentum: radixBits must be an integer in [1, 1000], got ${radixBits}.`);
  }
  const space = Space.of(params0, 'reversibleMomentum', 'params0');
  // live: under vmap's one-example-at-a-time run (below) a batched input reads as that example's slice.
  const lr = live(schedule(options.lr, T, 'lr'));
  const decay = live(schedule(options.decay ?? 0.9, T, 'decay'));
  const info = (options.info ?? {}) as ReversibleInfo;
  Object.assign(info, {
    steps: T, bufferBits: 0, trajectoryBytes: 16 * space.size * (T + 1), reversedExactly: null, gradientEvaluations: 0, warnings: [],
  });
  const reporter = new Reporter('reversibleMomentum', info, options);
  const f = loss as Loss;
  const paramLeaves = space.leaves(params0, 'params0 must have').map(live);
  const inputs = [...paramLeaves, lr, decay];
  const probe = () => {
    const value = f(space.rebuild(paramLeaves), 0);
    checkScalarResult('reversibleMomentum', 'loss', value);
    return flatten(value, 'reversibleMomentum').leaves;
  };
  const top = plainOrRecorded(topTrace([...inputs, ...probe().filter((p): p is Tensor => p instanceof Tensor)]));
  // Under vmap each example's run reads its own values (as argmin's and root's do): one at a time,
  // the batch trace paused. It was taken for a reverse trace, and the loss read the whole batch.
  if (top instanceof BatchTrace) return eachExample(() => reversibleMomentum(loss, params0, options), 'reversibleMomentum', top);
  const run = new Run(f, space, radixBits, T, options.trajectory ?? 'reverse', info, reporter);
  if (top === null) return space.rebuild(space.toLeaves(run.forward(space.flatOfLeaves(paramLeaves), lr.values, decay.values).values()));
  if (top instanceof JvpTrace) {
    throw new InvalidArgumentError('reversibleMomentum: forward mode (jvp) is not supported; unroll optimizers.momentum with ad.scan instead.');
  }
  const trace = top as ReverseTrace;
  const inner = inputs.map((x) => unbox(x, trace));
  const { result: finalW, captured } = runCapturing(trace, () => {
    const below = plainOrRecorded(topTrace([...inner, ...probe().filter((p): p is Tensor => p instanceof Tensor)]));
    if (below instanceof BatchTrace) {
      throw new InvalidArgumentError(
        'reversibleMomentum: vmap(grad(·)) is not supported (the backward pass reverses one run at a time); for each example\'s ' +
          'hypergradient take grad of the sum of a vmap, grad((ls) => ad.sum(ad.vmap(f)(ls))), or unroll optimizers.momentum with ad.scan.',
      );
    }
    if (below !== null) {
      throw new InvalidArgumentError(
        'reversibleMomentum: only first-order reverse mode is supported (it is nested in another transformation here); ' +
          'unroll optimizers.momentum with ad.scan for higher orders.',
      );
    }
    return space.toLeaves(run.forward(space.flatOfLeaves(inner.slice(0, -2)), lr.values, decay.values).values());
  });
  // Under a vmap inside this trace one example is being run: the backward pass re-evaluates the
  // loss, which must read its closures as that example's slices again (as levels.ts does), and
  // inside a recomputed checkpoint or loop step as inputs of that recomputation.
  const context = [...redirectsAbove(trace.level), ...redirectsBelow(trace.level)];
  return space.rebuild(recordRegion('reversibleMomentum', trace, inputs, {
    out: finalW,
    captured,
    backward: (ct) => withRedirects(context, () => {
      const wBar = space.flatOfLeaves(flatten(ct, 'reversibleMomentum').leaves.map((l) => asTensor(l, 'reversibleMomentum')));
      const r = run.backward(wBar, lr.values, decay.values, trace, captured);
      const dLr = lr.ndim === 0 ? new Tensor(new Float64Array([r.dAlpha.reduce((a, b) => a + b, 0)]), []) : new Tensor(r.dAlpha, [T]);
      const dDecay = decay.ndim === 0 ? new Tensor(new Float64Array([r.dGamma.reduce((a, b) => a + b, 0)]), []) : new Tensor(r.dGamma, [T]);
      return [...space.toLeaves(r.dW), dLr, dDecay, ...r.dCaptured];
    }),
  }) as Tensor[]);
}

function schedule(v: Tensor | number, T: number, name: string): Tensor {
  if (!(v instanceof Tensor || typeof v === 'number')) {
    throw new InvalidArgumentError(
      `reversibleMomentum: option ${name} must be a number, a 0-d tensor or a [${T}] tensor (one per step), got ${shown(v)}.`,
    );
  }
  const t = asTensor(v, 'reversibleMomentum');
  if (!(t.ndim === 0 || (t.ndim === 1 && t.shape[0] === T))) {
    throw new InvalidArgumentError(`reversibleMomentum: ${name} must be a scalar or have shape [${T}] (one per step), got [${t.shape.join(',')}].`);
  }
  return t;
}

/** The optimizer's state and its two passes, on flat vectors. */
class Run {
  private final: { w: FixedPointVector; v: FixedPointVector } | null = null;
  private initial: bigint[] | null = null;
  private stored: Array<{ w: Float64Array; v: Float64Array }> = [];

  constructor(
    private readonly loss: Loss, private readonly space: Space, private readonly radixBits: number,
    private readonly T: number, private readonly mode: 'reverse' | 'store', private readonly info: ReversibleInfo,
    private readonly reporter: Reporter,
  ) {}

  private gradient(w: Float64Array, t: number): Float64Array {
    this.info.gradientEvaluations++;
    return this.space.toFlat(gradFor((p: any) => this.loss(p, t), 'grad')(this.space.toTree(w)), 'the gradient of loss must have');
  }

  forward(w0: Float64Array, alpha: Float64Array, gamma: Float64Array): FixedPointVector {
    const w = new FixedPointVector(w0, this.radixBits);
    const v = new FixedPointVector(new Float64Array(w0.length), this.radixBits);
    this.initial = w.ints.slice();
    this.stored = [];
    for (let t = 0; t < this.T; t++) {
      if (this.mode === 'store') this.stored.push({ w: w.values(), v: v.values() });
      const a = at(alpha, t), c = at(gamma, t);
      const g = this.gradient(w.values(), t);
      const [n, d] = rationalApproximation(c);
      v.mulRational(n, d).sub(scaledBy(1 - c, g)); // v ← γv − (1 − γ)g
      w.add(scaledBy(a, v.values())); //                w ← w + αv
    }
    this.final = { w: w.clone(), v: v.clone() };
    this.info.bufferBits = v.bufferBits() + w.bufferBits();
    if (this.mode === 'reverse') this.info.trajectoryBytes = 16 * w0.length * (this.T + 1);
    return w;
  }

  backward(wBar: Float64Array, alpha: Float64Array, gamma: Float64Array, trace: ReverseTrace, captured: readonly Tensor[]) {
    const w = this.final!.w.clone();
    const v = this.final!.v.clone();
    const dW = wBar.slice();
    const dV = new Float64Array(dW.length);
    const dAlpha = new Float64Array(this.T);
    const dGamma = new Float64Array(this.T);
    const dCaptured = captured.map((b) => new Float64Array(b.size));
    const where = new Map(captured.map((b, i) => [b, i]));
    for (let t = this.T - 1; t >= 0; t--) {
      const a = at(alpha, t), c = at(gamma, t);
      const vNext = this.mode === 'store' && t + 1 < this.T ? this.stored[t + 1]!.v : v.values();
      dAlpha[t] = dot(dW, vNext); //                       w_{t+1} = w_t + α v_{t+1}
      let wt: Float64Array;
      if (this.mode === 'store') {
        wt = this.stored[t]!.w;
      } else {
        w.sub(scaledBy(a, vNext)); //                      w_t, exactly
        wt = w.values();
      }
      // g_t = ∇L(w_t, t), taped so its VJP gives H·(·) and the mixed second derivatives at once.
      const rec = record((ins) => gradFor((p: any) => this.loss(p, t), 'grad')(this.space.rebuild(ins)), this.space.toLeaves(wt), trace);
      this.info.gradientEvaluations++;
      try {
        const g = this.space.flatOfLeaves(rec.outLeaves as Tensor[]);
        let vt: Float64Array;
        if (this.mode === 'store') vt = this.stored[t]!.v;
        else {
          const [n, d] = rationalApproximation(c);
          v.add(scaledBy(1 - c, g)).divRational(n, d); //  v_t, exactly
          vt = v.values();
        }
        for (let i = 0; i < dV.length; i++) dV[i]! += a * dW[i]!;
        let s = 0; //                                      v_{t+1} = γ v_t − (1 − γ) g_t
        for (let i = 0; i < dV.length; i++) s += dV[i]! * (vt[i]! + g[i]!);
        dGamma[t] = s;
        const cts = rec.pullback(this.space.toLeaves(scaledBy(-(1 - c), dV)));
        const k = this.space.shapes.length;
        const hv = this.space.flatOfLeaves(cts.slice(0, k));
        for (let i = 0; i < dW.length; i++) dW[i]! += hv[i]!;
        rec.captured.forEach((b, i) => {
          const j = where.get(b);
          if (j === undefined) return;
          const acc = dCaptured[j]!, ct = cts[k + i]!.values;
          for (let e = 0; e < acc.length; e++) acc[e]! += ct[e]!;
        });
        for (let i = 0; i < dV.length; i++) dV[i]! *= c;
      } finally {
        rec.release();
      }
    }
    if (this.mode === 'reverse') {
      const start = this.initial!;
      this.info.reversedExactly = w.ints.every((x, i) => x === start[i]) && v.ints.every((x) => x === 0n) &&
        v.buffer.every((b) => b === 0n) && w.buffer.every((b) => b === 0n);
      // The reversal recomputes ∇L(w_t, t) and trusts it to equal the forward pass's: if it did not
      // arrive back at w_0 and v_0 = 0 exactly, some recomputed gradient differed, and every
      // hypergradient after it was computed along a different trajectory.
      if (!this.info.reversedExactly) {
        this.reporter.report('reversal',
          'reversibleMomentum: running the optimizer backwards did not arrive back at the initial parameters bit for bit, so the ' +
            'hypergradients are wrong. loss(params, step) must be deterministic: the same value for the same params and step ' +
            "(choose minibatches and noise from the step index, not from Math.random), or pass trajectory: 'store'.");
      }
    }
    return { dW, dAlpha, dGamma, dCaptured: captured.map((b, i) => new Tensor(dCaptured[i]!, [...b.shape])) };
  }
}

const at = (values: Float64Array, t: number) => (values.length === 1 ? values[0]! : values[t]!);

function scaledBy(a: number, x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = a * x[i]!;
  return out;
}

/**
 * A jit recording counts as plain values here: the optimizer runs on numbers, so the recording is
 * marked not replayable (the function runs as is on later calls).
 */
function plainOrRecorded(t: Trace | null): Trace | null {
  if (!(t instanceof RecordTrace)) return t;
  t.computesOnValues('reversibleMomentum runs its optimizer on values');
  return null;
}
