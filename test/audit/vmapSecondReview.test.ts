/**
 * @file A second review of vmap beyond the op table (helper 79): linear algebra, control flow,
 * structured models, implicit differentiation, custom rules, jit, random keys, indexing and
 * reductions, each against the per-example loop (f on each slice, stacked with ad.stack). The
 * regressions fail on the code before their fix; the seeded property tests guard the classes checked.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** f over each example along axis 0 of every argument, stacked along 0. */
const loop = (f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]) => ad.stack(Array.from({ length: xs[0]!.shape[0]! }, (_, b) => f(...xs.map((x) => ad.take(x, b, 0)))), 0);
const near = (got: Tensor, want: Tensor, tol = 1e-13) => {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => (Number.isFinite(v) ? expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))) : expect(g[i]).toBe(v)));
};

describe('whileLoop under vmap', () => {
  it('a condition of shape [1] (a single-element tensor, as outside vmap) keeps a 0-d carry 0-d (the mask broadcast it to [1] and the loop threw)', () => {
    const halve = (x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(ad.reshape(y, [1]), 1), (y: Tensor) => ad.div(y, 2), x);
    const xs = ad.tensor([10, 0.5, 3]);
    near(ad.vmap(halve)(xs) as Tensor, loop(halve, xs));
    near(ad.vmap(ad.grad(halve))(xs) as Tensor, loop(ad.grad(halve), xs));
    expect(arr(ad.vmap(halve)(xs) as Tensor)).toEqual([0.625, 0.5, 0.75]);
    // More than one value per example is still refused, naming the shape.
    expect(() => ad.vmap((x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(y, 1), (y: Tensor) => ad.div(y, 2), x))(ad.ones([2, 3])))
      .toThrow(/^whileLoop: under vmap, cond must return one value per example .*shape \[3\]/);
  });
});

describe('whileLoop under vmap: a condition shared at init that body makes differ across the batch', () => {
  // init is a constant, body multiplies by a mapped value: from the second test on, the condition
  // differs per example (it read that batched answer as one value and threw, telling the user to
  // write a where though the condition already was a tensor).
  const shrink = (w: Tensor, checkpoints?: number) => ad.whileLoop((c: Tensor) => ad.greater(c, 0.1), (c: Tensor) => ad.mul(c, w), ad.scalar(1), { checkpoints });
  const ws = ad.tensor([0.5, 0.9, 0.2]);

  it('runs each example to its own end, with exact per-example gradients, with and without checkpoints', () => {
    expect(arr(ad.vmap((w: Tensor) => shrink(w))(ws) as Tensor)[0]).toBe(0.0625);
    near(ad.vmap((w: Tensor) => shrink(w))(ws) as Tensor, loop((w) => shrink(w), ws));
    for (const ck of [undefined, 2]) {
      const g = ad.grad((w: Tensor) => shrink(w, ck));
      near(ad.vmap(g)(ws) as Tensor, loop(g, ws)); // d(w^n)/dw = n w^(n-1): 4·0.5³ = 0.5, 22·0.9²¹, 2·0.2
      near(ad.grad((w: Tensor) => ad.sum(ad.vmap((v: Tensor) => shrink(v, ck))(w) as Tensor))(ws), loop(g, ws));
    }
    expect(arr(ad.vmap(ad.grad((w: Tensor) => shrink(w)))(ws) as Tensor)[0]).toBeCloseTo(0.5, 15);
    const j = ad.jit(ad.vmap((w: Tensor) => shrink(w)));
    j(ad.tensor([0.3, 0.3, 0.3]));
    near(j(ws) as Tensor, loop((w) => shrink(w), ws));
    // A condition that stays shared (a counter) still runs unmasked, reading it as one value.
    const stats: Partial<ad.ScanStats> = {};
    const count = (w: Tensor) => ad.whileLoop((c: { k: Tensor; y: Tensor }) => ad.less(c.k, 3), (c: { k: Tensor; y: Tensor }) => ({ k: ad.add(c.k, 1), y: ad.mul(c.y, w) }), { k: ad.scalar(0), y: ad.scalar(1) }, { stats });
    expect(arr((ad.vmap(count)(ws) as { y: Tensor }).y)).toEqual(arr(loop((w) => count(w).y, ws)));
    expect(stats.stepCalls).toBe(3);
  });
});

describe('linear solves under vmap, differentiated outside it', () => {
  // cg, minres and gmres run one example at a time under vmap (eachExample): each example's
  // right-hand side is a slice of the batch, and a reverse level outside vmap must see that slice.
  const M = ad.tensor([[4, 1, 0], [1, 3, 0], [0, 0, 2]]);
  const B = ad.tensor([[1, 2, 3], [0, 1, -1]]);
  const solvers = { cg: ad.cg, minres: ad.minres, gmres: ad.gmres };

  it.each(Object.keys(solvers))('grad(vmap(%s)) in b equals the per-example gradients (it was 0)', (name) => {
    const solve = solvers[name as keyof typeof solvers];
    const f = (m: Tensor, b: Tensor) => ad.sum(ad.sin(solve((v: Tensor) => ad.matmul(m, v), b, { tol: 1e-14 }).x));
    const perExample = loop((b: Tensor) => ad.grad((c: Tensor) => f(M, c))(b), B);
    near(ad.grad((b: Tensor) => ad.sum(ad.vmap(f, [null, 0])(M, b) as Tensor))(B), perExample, 1e-12);
    // b and the matrix mapped together; the matrix's gradient was right before as well.
    const Ms = ad.stack([M, ad.add(M, ad.eye(3))], 0);
    const [gm, gb] = ad.grad((m: Tensor, b: Tensor) => ad.sum(ad.vmap(f)(m, b) as Tensor), [0, 1])(Ms, B) as Tensor[];
    near(gb!, loop((m: Tensor, b: Tensor) => ad.grad((c: Tensor) => f(m, c))(b), Ms, B), 1e-12);
    near(gm!, loop((m: Tensor, b: Tensor) => ad.grad((a: Tensor) => f(a, b))(m), Ms, B), 1e-12);
  });

  it('second order: the Hessian in b of a sum over vmap is block diagonal with each example\'s Hessian', () => {
    const f = (b: Tensor) => ad.sum(ad.square(ad.cg((v: Tensor) => ad.matmul(M, v), ad.sin(b), { tol: 1e-14 }).x));
    const h = ad.hessian((b: Tensor) => ad.sum(ad.vmap(f)(b) as Tensor))(B); // [2, 3, 2, 3]
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const block = ad.take(ad.take(h, i, 0), j, 1);
        near(block, i === j ? ad.hessian(f)(ad.take(B, i, 0)) : ad.zeros([3, 3]), 1e-11);
      }
    }
  });
});

describe('the complete factors (qr mode complete, svd fullMatrices) under vmap', () => {
  const a = ad.tensor([[[1, 2], [3, 4], [5, 7]], [[0, 1], [1, 0], [2, 2]], [[1, 0], [0, 1], [0, 0]]]); // 3 examples of [3, 2]
  const q = (x: Tensor) => ad.linalg.qr(x, { mode: 'complete' }).q;
  const u = (x: Tensor) => ad.linalg.svd(x, { fullMatrices: true }).u;

  it('a batch of 0 examples gives [0, m, m] (it threw that a sampler met an empty batch)', () => {
    expect((ad.vmap(q)(ad.zeros([0, 3, 2])) as Tensor).shape).toEqual([0, 3, 3]);
    expect((ad.vmap(u)(ad.zeros([0, 3, 2])) as Tensor).shape).toEqual([0, 3, 3]);
    expect((ad.vmap(ad.vmap(q))(ad.zeros([2, 0, 3, 2])) as Tensor).shape).toEqual([2, 0, 3, 3]);
  });

  it('the whole batch in one call equals the examples one by one, on any axis, nested and under jit; derivatives still refuse', () => {
    for (const f of [q, u]) {
      expect(arr(ad.vmap(f)(a) as Tensor)).toEqual(arr(loop(f, a)));
      expect(arr(ad.vmap(f, 2, 1)(ad.transpose(a, [1, 2, 0])) as Tensor)).toEqual(arr(ad.transpose(loop(f, a), [1, 0, 2])));
      const grid = ad.stack([a, ad.flip(a, 0)], 0);
      expect(arr(ad.vmap(ad.vmap(f))(grid) as Tensor)).toEqual(arr(ad.stack([loop(f, a), loop(f, ad.flip(a, 0))], 0)));
      const j = ad.jit(ad.vmap(f));
      j(ad.flip(a, 0));
      expect(arr(j(a) as Tensor)).toEqual(arr(loop(f, a)));
    }
    expect(() => ad.grad((x: Tensor) => ad.sum(ad.vmap(q)(x) as Tensor))(a)).toThrow(/^linalg\.qr: the complete q of a tall matrix .* has no derivative/);
    expect(() => ad.vmap(ad.grad((x: Tensor) => ad.sum(u(x))))(a)).toThrow(/^linalg\.svd: the full u .* has no derivative/);
  });
});

describe('per-example gradients of linear algebra against torch (functorch.vmap(grad))', () => {
  // Reference: functorch 1.13, float64, vmap(grad(f, argnums=(0, 1)))(A, B), also checked against a
  // per-example loop of backward() to 1e-13 (scratch script: f below, written in torch.linalg).
  const A = ad.tensor([[[1.0, 0.5, -0.3], [0.2, 1.5, 0.4], [-0.7, 0.1, 0.9]],
    [[0.3, -1.2, 0.8], [1.1, 0.6, -0.5], [0.4, 0.9, 1.3]],
    [[2.0, 0.1, 0.0], [-0.4, 0.7, 0.6], [0.5, -0.8, 1.1]]]);
  const B = ad.tensor([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1], [2.0, 0.0, 1.0]]);
  const W = ad.tensor([1, 2, 3]);
  const L = ad.linalg;
  const f = (a: Tensor, b: Tensor) => {
    const s = ad.add(ad.matmul(a, ad.transpose(a)), ad.mul(3, ad.eye(3)));
    const parts = [
      ad.sum(ad.sin(L.cholesky(s))), L.slogdet(s).logAbsDet, ad.sum(L.solve(s, b)), ad.sum(ad.mul(ad.square(L.eigvalsh(s)), W)),
      ad.sum(ad.mul(L.svdvals(a), W)), ad.sum(L.expm(ad.mul(0.3, a))), ad.sum(L.inv(s)), L.det(a),
    ];
    return parts.reduce((x, y) => ad.add(x, y));
  };
  const ga = ad.tensor([[[52.39108858561597, 46.06691579250602, -12.474157471105322], [28.68220947627909, 102.46878964868856, 21.211592539032765], [-32.70641518563116, 1.9606684169912871, 36.78021964159883]],
    [[-9.463225355820493, -70.99281659338934, 40.964285016214035], [44.2096580420108, 60.079785884516966, -18.78208294303942], [35.25562132512681, 63.66014398336874, 61.88462199640549]],
    [[177.81656023179397, -14.613229506170484, 11.037959924132107], [-37.71006339957216, 17.641074555514543, 14.164433681731115], [58.75397356746565, -36.46219100138897, 51.608851483191515]]]);
  const gb = ad.tensor([[0.2656132519768826, 0.12415777955046405, 0.27805703326799536], [0.22665653339441058, 0.23367384269647323, 0.15985072601388886], [0.1489711061684691, 0.28085289792562557, 0.174712131787759]]);

  it('vmap(grad) on a middle axis, grad(vmap) and the values', () => {
    near(ad.vmap(f)(A, B) as Tensor, ad.tensor([184.91593437727067, 208.0033033921012, 252.79333920383596]), 1e-13);
    const [da, db] = ad.vmap(ad.grad(f, [0, 1]), [1, 0], [2, 0])(ad.transpose(A, [1, 0, 2]), B) as Tensor[];
    near(ad.transpose(da!, [2, 0, 1]), ga, 1e-12);
    near(db!, gb, 1e-12);
    const [sa, sb] = ad.grad((a: Tensor, b: Tensor) => ad.sum(ad.vmap(f)(a, b) as Tensor), [0, 1])(A, B) as Tensor[];
    near(sa!, ga, 1e-12);
    near(sb!, gb, 1e-12);
  });
});

/** A seeded generator (mulberry32) for the property tests. */
function rng(seed: number) {
  let s = seed | 0;
  const next = () => { s = (s + 0x6d2b79f5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  return {
    next, int: (n: number) => Math.floor(next() * n),
    tensor: (shape: number[]) => ad.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1), shape),
  };
}
type R = ReturnType<typeof rng>;
const leavesOf = (x: unknown): Tensor[] => (x instanceof ad.Tensor ? [x] : x !== null && typeof x === 'object' ? Object.values(x).flatMap(leavesOf) : []);
const scalarOf = (f: (...a: Tensor[]) => unknown) => (...a: Tensor[]) => leavesOf(f(...a)).reduce((s: Tensor, t, k) => ad.add(s, ad.sum(ad.mul(ad.sin(t), 1 + k))), ad.scalar(0));

/**
 * vmap(f, inAxes, outAxis) against the loop over examples (each leaf stacked along outAxis), and
 * vmap(grad) and grad(vmap) of a scalar of the result against per-example gradients (summed over
 * the batch for a shared argument).
 */
function agrees(f: (...a: Tensor[]) => unknown, examples: Array<() => Tensor>, r: R, tol = 1e-12, grads = true): void {
  const B = 1 + r.int(3);
  const inAxes: Array<number | null> = examples.map((g, i) => (i > 0 && r.next() < 0.35 ? null : r.int(g().ndim + 1)));
  if (!inAxes.some((a) => a !== null)) inAxes[0] = 0;
  const args = examples.map((g, i) => (inAxes[i] === null ? g() : ad.moveaxis(ad.stack(Array.from({ length: B }, g), 0), 0, inAxes[i]!)));
  const slice = (b: number) => args.map((a, i) => (inAxes[i] === null ? a : ad.take(a, b, inAxes[i]!)));
  const outAxis = r.next() < 0.5 ? 0 : -1;
  const got = leavesOf(ad.vmap(f, inAxes, outAxis)(...args));
  const per = Array.from({ length: B }, (_, b) => leavesOf(f(...slice(b))));
  got.forEach((g, k) => near(g, ad.stack(per.map((p) => p[k]!), outAxis < 0 ? per[0]![k]!.ndim : 0), tol));
  if (!grads) return;
  const all = args.map((_, i) => i);
  const s = scalarOf(f);
  const perGrad = Array.from({ length: B }, (_, b) => ad.grad(s, all)(...slice(b)) as Tensor[]);
  const vg = ad.vmap(ad.grad(s, all), inAxes) (...args) as Tensor[];
  vg.forEach((g, i) => near(g, ad.stack(perGrad.map((p) => p[i]!), 0), tol));
  const gv = ad.grad((...a: Tensor[]) => ad.sum(ad.vmap(s, inAxes)(...a) as Tensor), all)(...args) as Tensor[];
  gv.forEach((g, i) => near(g, inAxes[i] === null ? perGrad.reduce((acc, p) => ad.add(acc, p[i]!), ad.zerosLike(args[i]!)) : ad.moveaxis(ad.stack(perGrad.map((p) => p[i]!), 0), 0, inAxes[i]!), tol));
}

describe('seeded properties: vmap equals the loop over examples, with random in and out axes', () => {
  const L = ad.linalg;
  it('linear algebra', () => {
    const r = rng(79);
    const spd = () => { const a = r.tensor([3, 3]); return ad.add(ad.matmul(a, ad.transpose(a)), ad.mul(3, ad.eye(3))); };
    const lower = () => ad.add(ad.tril(r.tensor([3, 3])), ad.mul(3, ad.eye(3)));
    const cases: Array<[(...a: Tensor[]) => unknown, Array<() => Tensor>]> = [
      [(a) => L.cholesky(a), [spd]], [(a, b) => L.solve(a, b), [() => r.tensor([3, 3]), () => r.tensor([3])]],
      [(l, b) => L.choleskySolve(l, b), [lower, () => r.tensor([3, 2])]], [(l, b) => L.triangularSolve(l, b, { lower: true, left: false }), [lower, () => r.tensor([2, 3])]],
      [(a) => L.eigh(a), [spd]], [(a) => L.svd(a), [() => r.tensor([4, 3])]], [(a) => L.qr(a), [() => r.tensor([4, 3])]],
      [(a) => L.slogdet(a), [() => r.tensor([3, 3])]], [(a) => L.det(a), [() => r.tensor([3, 3])]], [(a) => L.inv(a), [() => r.tensor([3, 3])]],
      [(a) => L.expm(a), [() => r.tensor([3, 3])]], [(a, b) => L.lstsq(a, b).solution, [() => r.tensor([4, 3]), () => r.tensor([4])]],
      [(a) => L.pinv(a), [() => r.tensor([4, 3])]], [(a) => L.norm(a, 'nuc'), [() => r.tensor([3, 3])]], [(a) => L.matrixPower(a, -2), [() => r.tensor([3, 3])]],
    ];
    for (let k = 0; k < 2; k++) for (const [f, ex] of cases) agrees(f, ex, r, 1e-11);
  });

  it('control flow: scan (checkpointed), whileLoop with a batched condition, cond and switch', () => {
    const r = rng(7);
    const cases: Array<[(...a: Tensor[]) => unknown, Array<() => Tensor>]> = [
      [(x, w) => ad.scan((c: Tensor, t: Tensor) => [ad.tanh(ad.add(ad.matmul(w, c), t)), ad.sum(c)] as const, ad.zeros([2]), { xs: x, checkpoints: 2 }), [() => r.tensor([4, 2]), () => r.tensor([2, 2])]],
      [(x) => ad.whileLoop((y: Tensor) => ad.greater(ad.sum(ad.abs(y)), 0.2), (y: Tensor) => ad.mul(ad.sin(y), 0.7), x), [() => r.tensor([2])]],
      [(x, w) => ad.whileLoop((c: Tensor) => ad.greater(ad.sum(ad.abs(c)), 0.3), (c: Tensor) => ad.mul(c, ad.mul(0.8, ad.cos(w))), ad.ones([2]), { checkpoints: 3 }), [() => r.tensor([2]), () => r.tensor([2])]],
      [(p, x) => ad.cond(ad.greater(p, 0), (v: Tensor) => ad.exp(v), (v: Tensor) => ad.mul(v, v), x), [() => r.tensor([]), () => r.tensor([3])]],
      [(k, x) => ad.switch(ad.floor(ad.mul(k, 2)), [(v: Tensor) => ad.exp(v), (v: Tensor) => ad.sin(v), (v: Tensor) => ad.square(v)], x), [() => r.tensor([1]), () => r.tensor([2])]],
      [(x, w) => ad.foriLoop(0, 3, (i, c: Tensor) => ad.add(ad.mul(ad.sin(c), w), i), x, { checkpoints: 2 }), [() => r.tensor([3]), () => r.tensor([3])]],
      [(x) => ad.associativeScan((a: Tensor, b: Tensor) => ad.add(ad.mul(a, 0.5), b), x), [() => r.tensor([5, 2])]],
    ];
    for (let k = 0; k < 3; k++) for (const [f, ex] of cases) agrees(f, ex, r);
  });

  it('structured models with some parameters mapped', () => {
    const r = rng(11);
    const cases: Array<[(...a: Tensor[]) => unknown, Array<() => Tensor>]> = [
      [(e, t) => new ad.LinearChainCRF({ emissions: e, transitions: t, checkpoints: 2 }).marginals(), [() => r.tensor([4, 3]), () => r.tensor([3, 3])]],
      [(e, t) => new ad.LinearChainCRF({ emissions: e, transitions: t }).logProbability([0, 2, 1, 1]), [() => r.tensor([4, 3]), () => r.tensor([3, 3])]],
      [(e, t) => new ad.LinearChainCRF({ emissions: e, transitions: t, lengths: [3, 2] }).entropy(), [() => r.tensor([2, 3, 2]), () => r.tensor([2, 2])]],
      [(s, t) => new ad.SemiMarkovCRF({ segments: s, transitions: t }).logPartition(), [() => r.tensor([4, 2, 2]), () => r.tensor([2, 2])]],
      [(t, g) => new ad.PCFG({ terminals: t, rules: g }).marginals().spans, [() => r.tensor([3, 2]), () => r.tensor([2, 2, 2])]],
      [(a) => new ad.DependencyCRF({ arcScores: a, projective: true }).logPartition(), [() => r.tensor([4, 4])]],
      [(s) => new ad.Alignment({ scores: s }).marginals(), [() => r.tensor([5, 3])]],
      [(e, t) => new ad.HMM({ initial: ad.logSoftmax(ad.zeros([2])), transition: ad.logSoftmax(t, -1), emission: ad.logSoftmax(e, -1) }).logLikelihood([0, 2, 1]), [() => r.tensor([2, 3]), () => r.tensor([2, 2])]],
    ];
    for (let k = 0; k < 2; k++) for (const [f, ex] of cases) agrees(f, ex, r, 1e-11);
  });

  it('implicit differentiation: cg, gmres, argmin, root', () => {
    const r = rng(5);
    const spd = () => { const a = r.tensor([3, 3]); return ad.add(ad.matmul(a, ad.transpose(a)), ad.mul(3, ad.eye(3))); };
    const X = ad.tensor([[1, 0], [0, 2], [1, 1]]);
    const cases: Array<[(...a: Tensor[]) => unknown, Array<() => Tensor>]> = [
      [(m, b) => ad.cg((v: Tensor) => ad.matmul(m, v), b, { tol: 1e-14 }).x, [spd, () => r.tensor([3])]],
      [(m, b) => ad.gmres((v: Tensor) => ad.matmul(ad.add(m, ad.mul(3, ad.eye(3))), v), b, { tol: 1e-14 }).x, [() => r.tensor([3, 3]), () => r.tensor([3])]],
      [(lam, y) => ad.argmin((th: Tensor) => ad.add(ad.sum(ad.square(ad.sub(ad.matmul(X, th), y))), ad.mul(ad.exp(lam), ad.sum(ad.square(th)))), ad.zeros([2]), { tol: 1e-13 }), [() => r.tensor([]), () => r.tensor([3])]],
      [(w, b) => ad.root((z: Tensor) => ad.sub(z, ad.tanh(ad.add(ad.matmul(ad.mul(w, 0.3), z), b))), ad.zeros([3]), { tol: 1e-14 }), [() => r.tensor([3, 3]), () => r.tensor([3])]],
    ];
    for (let k = 0; k < 2; k++) for (const [f, ex] of cases) agrees(f, ex, r, 1e-9);
  });

  it('customVjp and customJvp, also under jit', () => {
    const r = rng(3);
    const mulSin = ad.customVjp((x: Tensor, y: Tensor) => ad.mul(x, ad.sin(y)), (g: Tensor, { args: [x, y] }) => [ad.mul(g, ad.sin(y)), ad.mul(ad.mul(g, x), ad.cos(y))]);
    const hypot = ad.customJvp((x: Tensor, y: Tensor) => ad.mul(ad.sqrt(ad.add(ad.square(x), 1)), y),
      ([x, y]: Tensor[], [tx, ty]: Tensor[]) => { const n = ad.sqrt(ad.add(ad.square(x!), 1)); return [ad.mul(n, y!), ad.add(ad.mul(ad.div(ad.mul(x!, tx!), n), y!), ad.mul(n, ty!))]; });
    for (let k = 0; k < 4; k++) {
      agrees((x, y) => mulSin(x, y), [() => r.tensor([3]), () => r.tensor([3])], r);
      agrees((x, y) => hypot(x, y), [() => r.tensor([2, 2]), () => r.tensor([2, 2])], r);
      agrees(ad.jit((x: Tensor, y: Tensor) => ad.tanh(mulSin(x, y))), [() => r.tensor([3]), () => r.tensor([3])], r);
    }
  });

  it('reductions with keepdims and negative axes, indexing, sorting, cumulative ops, concatenation of mapped and shared operands', () => {
    const r = rng(1);
    const idx = (shape: number[], n: number) => () => ad.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.int(n) - (r.next() < 0.3 ? n : 0)), shape);
    const ties = (shape: number[]) => () => ad.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.int(4) - 1.5), shape);
    for (let k = 0; k < 3; k++) {
      const a = [-1, -2, 0, 1][r.int(4)]!, kd = r.next() < 0.5;
      agrees((x) => [ad.sum(x, [a, 2], kd), ad.logsumexp(x, a, kd), ad.variance(x, a, { keepdims: kd })], [() => r.tensor([2, 3, 4])], r);
      agrees((x) => [ad.sort(x, a, { descending: kd }), ad.topk(x, 2, -1).values, ad.max(x, a, kd)], [ties([2, 3, 4])], r, 1e-12, true);
      agrees((x) => [ad.argsort(x, a), ad.maxIndex(x, a, kd)], [ties([2, 3, 4])], r, 1e-12, false);
      agrees((x, i) => ad.gather(x, i, 1), [() => r.tensor([2, 3, 4]), idx([2, 2, 4], 3)], r, 1e-12, false);
      agrees((x, u) => ad.scatter(x, [[1, 0, 1]], u, 1), [() => r.tensor([2, 3]), () => r.tensor([2, 3])], r); // a repeated index: the last update wins
      agrees((x, i, u) => ad.scatterAdd(x, i, u, 0), [() => r.tensor([3, 2]), idx([4, 2], 3), () => r.tensor([4, 2])], r, 1e-12, false);
      agrees((x, u) => ad.scatterAdd(x, [[2, 1], [2, 2], [0, 0]], u, 0), [() => r.tensor([3, 2]), () => r.tensor([3, 2])], r);
      agrees((x) => [ad.cumsum(x, a, { reverse: kd }), ad.cumprod(x, a), ad.cummax(x, a), ad.cumlogsumexp(x, a)], [() => r.tensor([3, 4])], r);
      agrees((x, y, z) => [ad.concat([x, y, z], a), ad.stack([x, y, z], a)], [() => r.tensor([2, 3]), () => r.tensor([2, 3]), () => r.tensor([2, 3])], r);
      agrees((c, x, y) => ad.where(ad.greater(c, 0), x, y), [() => r.tensor([3, 1]), () => r.tensor([4]), () => r.tensor([3, 4])], r);
    }
  });
});
