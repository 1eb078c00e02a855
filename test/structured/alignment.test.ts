/** @file Alignment and ctcLoss against enumeration of every alignment / every frame labelling; the CTC gradient against Graves et al.'s formula and finite differences. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { fill, seeded, type Draw } from './draws.js';
import { allClose, close, product, summarize, values } from './structureOracle.js';
import { alignments, type Lattice } from './enumerate.js';


function oracle(p: Lattice) {
  const all = alignments(p).map((x) => ({ x, s: x.reduce((acc, s, t) => acc + p.scores[t * p.S + s]!, 0) }));
  return { ...summarize(all, (x) => x.map((s, t) => t * p.S + s), p.T * p.S), all };
}
function lattice(T: number, S: number, draw: Draw, seed: number): Lattice {
  return { T, S, scores: fill(T * S, draw), skips: Array.from({ length: S }, () => (seed = (seed * 7 + 3) % 11) < 5), initialStates: 1 + (seed % 2), finalStates: 1 + ((seed >> 1) % 2) };
}
const modelOf = (p: Lattice) => new ad.Alignment({ scores: ad.tensor(p.scores, [p.T, p.S]), skips: p.skips, initialStates: p.initialStates, finalStates: p.finalStates });

function agrees(p: Lattice, tol = 1e-10) {
  const o = oracle(p);
  const a = modelOf(p);
  close(a.logPartition().item(), o.logZ, tol);
  allClose(values(a.marginals()), o.marginals, tol);
  close(a.entropy().item(), o.entropy, tol);
  const best = a.argmax() as ad.StatesAndScore;
  expect(best.score).toBe(o.best);
  if (o.all.length === 0) expect(best.states).toBe(null);
  else {
    expect(o.all.some((x) => x.x.every((s, t) => s === best.states[t]))).toBe(true);
    expect(a.score(best.states).item()).toBe(best.score);
  }
  for (const x of o.all.filter((_, i) => i % 3 === 0)) close(a.logProbability(x.x).item(), o.logZ === -Infinity ? -Infinity : x.s - o.logZ, tol);
}

describe('Alignment against enumeration of every monotonic alignment', () => {
  it.each([[1, 1], [3, 2], [4, 3], [5, 4], [6, 5], [2, 5]])('T=%i, S=%i, real scores', (T, S) => agrees(lattice(T, S, seeded(T * 10 + S, { forbidden: 0, real: true }), T + S)));

  it('integer scores (ties) and −∞ masks, 60 draws: argmax is one valid best alignment', () => {
    for (let seed = 0; seed < 60; seed++) agrees(lattice(1 + (seed % 5), 1 + (seed % 4), seeded(seed, { forbidden: 1 / 5 }), seed));
  });

  it('NaN or +∞ in cells no alignment passes through are never read: every method as with finite values there', () => {
    // Inside an item's frames and states, a cell off every allowed path was still met by the
    // semiring programs: argmax, topk, sample, marginals and entropy went wrong (an argmax outside
    // the lattice) while log Z, from its own kernel, was right.
    for (let seed = 0; seed < 40; seed++) {
      const clean = lattice(1 + (seed % 5), 1 + ((seed >> 1) % 5), seeded(seed, { forbidden: 1 / 6, real: seed % 2 === 0 }), seed);
      const onPath = new Set(alignments(clean).flatMap((x) => x.map((s, t) => t * clean.S + s)));
      for (const poison of [NaN, Infinity]) {
        const p = { ...clean, scores: clean.scores.map((v, k) => (onPath.has(k) ? v : poison)) };
        agrees(p);
        const [a, b] = [modelOf(p), modelOf({ ...clean, scores: clean.scores.map((v, k) => (onPath.has(k) ? v : 0)) })];
        expect(a.topk(3)).toEqual(b.topk(3));
        if (onPath.size > 0 && Number.isFinite(a.logPartition().item())) {
          const drawn = a.sample(30, seed) as number[][];
          expect(drawn.every((x) => x.every((s, t) => onPath.has(t * p.S + s)))).toBe(true);
        }
      }
    }
  });

  it('a padded batch (frames and states per item, skips per item) equals a loop over items', () => {
    const draw = seeded(3, { forbidden: 1 / 8, real: true });
    const [B, T, S] = [3, 5, 4];
    const scores = fill(B * T * S, draw), lengths = [5, 1, 3], states = [4, 1, 3];
    const skips = [[false, false, true, true], [false, false, false, false], [false, true, true, false]];
    const batch = new ad.Alignment({ scores: ad.tensor(scores, [B, T, S]), lengths, states, skips, initialStates: 2, finalStates: 2 });
    const logZ = values(batch.logPartition()), m = values(batch.marginals()), best = batch.argmax() as ad.StatesAndScore<number[][], number[]>;
    lengths.forEach((len, b) => {
      const own = Array.from({ length: len * states[b]! }, (_, k) => scores[(b * T + Math.floor(k / states[b]!)) * S + (k % states[b]!)]!);
      const single = new ad.Alignment({ scores: ad.tensor(own, [len, states[b]!]), skips: skips[b]!.slice(0, states[b]!), initialStates: 2, finalStates: 2 });
      close(logZ[b]!, single.logPartition().item());
      const sm = values(single.marginals());
      for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) close(m[(b * T + t) * S + s]!, t < len && s < states[b]! ? sm[t * states[b]! + s]! : 0);
      expect(best.states[b]).toEqual(single.argmax().states);
    });
  });

  it('bad input: errors name the op, the argument and the fix', () => {
    const scores = ad.zeros([3, 2]);
    const bad: [() => unknown, RegExp][] = [
      [() => new ad.Alignment({ scores: ad.zeros([3]) }), /^Alignment: scores must have shape \[T, S\]/],
      [() => new ad.Alignment({ scores, skips: [true] }), /^Alignment: skips must be an array of 2 booleans/],
      [() => new ad.Alignment({ scores, initialStates: 0 }), /^Alignment: initialStates must be an integer ≥ 1/],
      [() => new ad.Alignment({ scores: ad.zeros([2, 3, 2]), states: [2, 3] }), /^Alignment: states\[1\] is 3/],
      [() => new ad.Alignment({ scores }).score([0, 1, 0]), /^Alignment.score: states moves from state 1 to 0 at frame 2/],
      [() => new ad.Alignment({ scores }).score([0, 0]), /states is 2 states long/],
    ];
    for (const [f, message] of bad) expect(f).toThrow(message);
  });
});

// ---- CTC ----
/** Collapse a frame labelling: merge repeats, then drop blanks. */
const collapse = (pi: number[], blank: number) => pi.filter((k, t) => t === 0 || k !== pi[t - 1]).filter((k) => k !== blank);

/** −log p(target | x) and ∂/∂ logProbs [T·C] by enumerating every labelling of T frames (for one sequence). */
function ctcOracle(lp: number[][], target: number[], blank: number) {
  const [T, C] = [lp.length, lp[0]!.length];
  const all = product(T, C).filter((pi) => { const c = collapse(pi, blank); return c.length === target.length && c.every((k, i) => k === target[i]); })
    .map((x) => ({ x, s: x.reduce((a, k, t) => a + lp[t]![k]!, 0) }));
  const o = summarize(all, (x) => x.map((k, t) => t * C + k), T * C);
  return { loss: -o.logZ, gradient: o.marginals.map((g) => -g), occupancy: o.marginals };
}

function logSoftmaxRows(u: number[][]): number[][] {
  return u.map((r) => { const m = Math.max(...r); const z = m + Math.log(r.reduce((a, x) => a + Math.exp(x - m), 0)); return r.map((x) => x - z); });
}

describe('ctcLoss against enumeration of every frame labelling', () => {
  const cases: [number, number, number[], number][] = [[1, 2, [1], 0], [3, 3, [1, 2], 0], [4, 3, [1, 1], 0], [5, 4, [2, 3, 2], 0], [4, 3, [], 0], [4, 3, [0, 2], 1], [5, 3, [2, 2, 2], 0]];
  it.each(cases)('T=%i, C=%i, target %j, blank %i: loss and gradient', (T, C, target, blank) => {
    const u = ad.random.normal([T, 1, C], T * 10 + C);
    const lp = ad.logSoftmax(u, -1);
    const rows = (lp.toArray() as number[][][]).map((r) => r[0]!);
    const o = ctcOracle(rows, target, blank);
    const loss = (x: ad.Tensor) => ad.ctcLoss(x, [target], [T], [target.length], { blank, reduction: 'sum' });
    close(loss(lp).item(), o.loss, 1e-10);
    allClose(values(ad.grad(loss)(lp)), o.gradient, 1e-10);
    // Graves et al. (2006), eq. 16: through the softmax, ∂L/∂u_tk = y_tk − (1/p) Σ_{s ∈ lab(l, k)} α_t(s) β_t(s).
    const y = rows.flatMap((r) => r.map(Math.exp));
    allClose(values(ad.grad((v: ad.Tensor) => loss(ad.logSoftmax(v, -1)))(u)), y.map((yk, i) => yk - o.occupancy[i]!), 1e-10);
  });

  it("Graves' implementation's known answers (as TensorFlow's ctc_loss tests quote them): losses 3.34211 and 5.42262, and the gradients through the softmax", () => {
    // Classes 0 … 4 are labels and 5 the blank; 5 frames each; printed to 6 significant digits.
    const probabilities = [
      [[0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553], [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
        [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688], [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
        [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107]],
      [[0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508], [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
        [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456], [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
        [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046]],
    ];
    const gradients = [
      [[-0.366234, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553], [0.111121, -0.411608, 0.278779, 0.0055756, 0.00569609, 0.010436],
        [0.0357786, 0.633813, -0.678582, 0.00249248, 0.00272882, 0.0037688], [0.0663296, -0.356151, 0.280111, 0.00283995, 0.0035545, 0.00331533],
        [-0.541765, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107]],
      [[-0.69824, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508], [0.24082, -0.602467, 0.0557226, 0.0546814, 0.0557528, 0.19549],
        [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, -0.797544], [0.280884, -0.570478, 0.0326593, 0.0339046, 0.0326856, 0.190345],
        [-0.576714, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046]],
    ];
    // [T, N, C] activations whose softmax is the given probabilities.
    const u = ad.transpose(ad.log(ad.tensor(probabilities)), [1, 0, 2]);
    const loss = (x: ad.Tensor) => ad.ctcLoss(ad.logSoftmax(x, -1), [[0, 1, 2, 1, 0], [0, 1, 1, 0]], [5, 5], [5, 4], { blank: 5, reduction: 'none' });
    const losses = values(loss(u));
    close(losses[0]!, 3.34211, 2e-6);
    close(losses[1]!, 5.42262, 2e-6);
    const g = values(ad.grad((x: ad.Tensor) => ad.sum(loss(x)))(u));
    gradients.forEach((rows, b) => rows.forEach((row, t) => row.forEach((want, k) => expect(Math.abs(g[(t * 2 + b) * 6 + k]! - want)).toBeLessThan(2e-6))));
  });

  it('the gradient against finite differences, to second order', () => {
    const u = ad.random.normal([4, 2, 3], 9);
    const f = (v: ad.Tensor) => ad.ctcLoss(ad.logSoftmax(v, -1), [[1, 2], [2]], [4, 3], [2, 1]);
    expect(ad.checkGrad(f, [u]).ok).toBe(true);
  });

  it("reductions as PyTorch's: 'none' per sequence, 'sum', 'mean' = mean of loss / max(target length, 1); targets padded or concatenated", () => {
    const lp = ad.logSoftmax(ad.random.normal([6, 3, 4], 2), -1);
    const per = (lp.toArray() as number[][][]);
    const targets = [[1, 2, 3], [], [3, 3]], frames = [6, 2, 5];
    const want = targets.map((tg, b) => ctcOracle(per.slice(0, frames[b]).map((r) => r[b]!), tg, 0).loss);
    const sizes = targets.map((t) => t.length);
    const none = ad.ctcLoss(lp, targets, frames, sizes, { reduction: 'none' });
    allClose(values(none), want, 1e-10);
    close(ad.ctcLoss(lp, targets, frames, sizes, { reduction: 'sum' }).item(), want[0]! + want[1]! + want[2]!, 1e-10);
    close(ad.ctcLoss(lp, targets, frames, sizes).item(), (want[0]! / 3 + want[1]! / 1 + want[2]! / 2) / 3, 1e-10);
    const padded = ad.tensor([[1, 2, 3], [0, 0, 0], [3, 3, 0]]);
    allClose(values(ad.ctcLoss(lp, padded, ad.tensor(frames), ad.tensor(sizes), { reduction: 'none' })), want, 1e-12);
    allClose(values(ad.ctcLoss(lp, [1, 2, 3, 3, 3], frames, sizes, { reduction: 'none' })), want, 1e-12);
  });

  it("checkpoints: 'sqrt' gives the same loss and gradient as storing every frame", () => {
    const lp = ad.logSoftmax(ad.random.normal([30, 2, 5], 6), -1);
    const f = (checkpoints: ad.Checkpoints) => (x: ad.Tensor) => ad.ctcLoss(x, [[1, 2, 3, 3], [4]], [30, 17], [4, 1], { checkpoints });
    close(f('sqrt')(lp).item(), f('all')(lp).item(), 1e-13);
    allClose(values(ad.grad(f(3))(lp)), values(ad.grad(f('all'))(lp)), 1e-12);
  });

  it('an impossible target (too few frames) has loss ∞; zeroInfinity makes it 0 with a zero gradient', () => {
    const lp = ad.logSoftmax(ad.random.normal([2, 1, 3], 4), -1);
    expect(ad.ctcLoss(lp, [[1, 1]], [2], [2], { reduction: 'sum' }).item()).toBe(Infinity);
    const f = (x: ad.Tensor) => ad.ctcLoss(x, [[1, 1]], [2], [2], { reduction: 'sum', zeroInfinity: true });
    expect(f(lp).item()).toBe(0);
    expect(values(ad.grad(f)(lp)).every((g) => g === 0)).toBe(true);
  });

  it('bad input: errors name the op, the argument and the fix', () => {
    const lp = ad.zeros([4, 2, 3]);
    const bad: [() => unknown, RegExp][] = [
      [() => ad.ctcLoss(ad.zeros([4]), [[1]], [4], [1]), /^ctcLoss: logProbs must have shape \[T, N, C\]/],
      [() => ad.ctcLoss(lp, [[1], [0]], [4, 4], [1, 1]), /^ctcLoss: targets of sequence 1 has 0 at position 0, not a class in 0 … 2 other than the blank 0/],
      [() => ad.ctcLoss(lp, [[1], [2]], [4, 5], [1, 1]), /^ctcLoss: inputLengths\[1\] is 5/],
      [() => ad.ctcLoss(lp, [[1], [2]], [4], [1, 1]), /^ctcLoss: inputLengths must be 2 integers/],
      [() => ad.ctcLoss(lp, [1, 2], [4, 4], [1, 2]), /as a concatenation must hold Σ targetLengths = 3 labels/],
      [() => ad.ctcLoss(lp, [[1], [2]], [4, 4], [1, 1], { blank: 3 }), /^ctcLoss: blank must be a class index in 0 … 2/],
      [() => ad.ctcLoss(lp, [[1], [2]], [4, 4], [1, 1], { reduction: 'avg' as any }), /^ctcLoss: reduction must be 'none', 'sum' or 'mean'/],
    ];
    for (const [f, message] of bad) expect(f).toThrow(message);
  });
});
