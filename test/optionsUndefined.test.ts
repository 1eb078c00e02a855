/**
 * @file An option given as `undefined` means its default, as a missing one does: what the option
 * types promise (`prop?: T | undefined`, so that users with `exactOptionalPropertyTypes` may
 * forward their own optional settings; the compile side is test/types/exactOptional).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const x = ad.tensor([[0.5, -1, 2], [1.5, 0.25, -0.75], [1, 2, 3]]);
const v = ad.tensor([0.3, -0.2, 0.9]);
const spd = ad.add(ad.matmul(x, ad.transpose(x)), ad.eye(3));
const same = (a: unknown, b: unknown) => expect(JSON.stringify(plain(a))).toBe(JSON.stringify(plain(b)));
function plain(t: unknown): unknown {
  if (t instanceof ad.Tensor) return t.toArray();
  if (Array.isArray(t)) return t.map(plain);
  if (t !== null && typeof t === 'object') return Object.fromEntries(Object.entries(t).map(([k, e]) => [k, plain(e)]));
  return t;
}

describe('options given as undefined take their defaults', () => {
  it('transformations and loops', () => {
    const f = (t: Tensor) => ad.sum(ad.sin(t));
    same(ad.grad(f, { argnums: undefined, hasAux: undefined })(v), ad.grad(f)(v));
    same(ad.valueAndGrad(f, { argnums: undefined })(v), ad.valueAndGrad(f)(v));
    same(ad.jacobian(ad.sin, { argnums: undefined, hasAux: undefined })(v), ad.jacobian(ad.sin)(v));
    same(ad.hessian(f, { argnums: undefined })(v), ad.hessian(f)(v));
    const step = (h: Tensor) => ad.tanh(ad.matmul(x, h));
    same(ad.grad((h: Tensor) => ad.sum(ad.scan(step, h, { length: 4, xs: undefined, checkpoints: undefined, stats: undefined })))(v),
      ad.grad((h: Tensor) => ad.sum(ad.scan(step, h, { length: 4 })))(v));
    same(ad.whileLoop((h: Tensor) => ad.sum(h).item() < 5, (h: Tensor) => ad.add(h, 1), v, { checkpoints: undefined, stats: undefined, maxIterations: undefined }),
      ad.whileLoop((h: Tensor) => ad.sum(h).item() < 5, (h: Tensor) => ad.add(h, 1), v));
    const id = ad.customVjp((t: Tensor) => ad.mul(t, 2), (g) => [ad.mul(g, 2)], { jvp: undefined });
    same(ad.jvp(id, [v], [v])[1], ad.jvp((t: Tensor) => ad.mul(t, 2), [v], [v])[1]);
    same(ad.jit(f, { maxSignatures: undefined })(v), f(v));
    same(ad.detectAnomalies(() => f(v), { strict: undefined, nanOnly: undefined, pass: undefined }), f(v));
    const check = ad.checkGrad(f, [v], { order: undefined, modes: undefined, directions: undefined, eps: undefined, rtol: undefined, atol: undefined, seed: undefined });
    same(check, ad.checkGrad(f, [v]));
    expect(check.checks.length).toBe(12); // the defaults: order 2, both modes, 2 directions
  });

  it('solvers and optimizers', () => {
    const mv = (u: Tensor) => ad.matmul(spd, u);
    const all = { tol: undefined, atol: undefined, maxIter: undefined, damping: undefined, preconditioner: undefined, x0: undefined, info: undefined, warn: undefined, throw: undefined };
    same(ad.cg(mv, v, all), ad.cg(mv, v));
    same(ad.minres(mv, v, all), ad.minres(mv, v));
    same(ad.gmres(mv, v, { ...all, restart: undefined }), ad.gmres(mv, v));
    const loss = (t: Tensor) => ad.sum(ad.square(ad.sub(ad.matmul(spd, t), v)));
    same(ad.argmin(loss, ad.zeros([3]), { tol: undefined, maxIter: undefined, method: undefined, memory: undefined, hvp: undefined, solver: undefined, damping: undefined, solverTol: undefined, solverMaxIter: undefined, preconditioner: undefined, info: undefined, warn: undefined, throw: undefined }),
      ad.argmin(loss, ad.zeros([3])));
    const F = (t: Tensor) => ad.sub(ad.matmul(spd, t), v);
    same(ad.root(F, ad.zeros([3]), { tol: undefined, maxIter: undefined, solver: undefined, damping: undefined, solverTol: undefined, solverMaxIter: undefined, restart: undefined, info: undefined }), ad.root(F, ad.zeros([3])));
    const adam = ad.optimizers.adam({ lr: 0.1, b1: undefined, b2: undefined, eps: undefined });
    const momentum = ad.optimizers.momentum({ lr: 0.1, beta: undefined, nesterov: undefined });
    same(adam.step(v, v, adam.init(v)), ad.optimizers.adam({ lr: 0.1 }).step(v, v, adam.init(v)));
    same(momentum.step(v, v, momentum.init(v)), ad.optimizers.momentum({ lr: 0.1 }).step(v, v, momentum.init(v)));
    const rev = (o: object) => ad.optimizers.reversibleMomentum((p: Tensor) => ad.sum(ad.square(p)), v, { steps: 3, lr: 0.1, ...o });
    same(rev({ decay: undefined, radixBits: undefined, trajectory: undefined, info: undefined }), rev({}));
  });

  it('structured models', () => {
    const e = ad.random.normal([4, 3], 1), t = ad.random.normal([3, 3], 2);
    const logZ = (m: { logPartition(): Tensor }) => m.logPartition().item();
    same(logZ(new ad.LinearChainCRF({ emissions: e, transitions: t, start: undefined, end: undefined, lengths: undefined, checkpoints: undefined })),
      logZ(new ad.LinearChainCRF({ emissions: e, transitions: t })));
    same(logZ(new ad.HigherOrderCRF({ emissions: e, transitions: ad.random.normal([3, 3, 3], 3), start: undefined, end: undefined, lengths: undefined, checkpoints: undefined })),
      logZ(new ad.HigherOrderCRF({ emissions: e, transitions: ad.random.normal([3, 3, 3], 3) })));
    const seg = ad.random.normal([4, 2, 3], 4);
    same(logZ(new ad.SemiMarkovCRF({ segments: seg, transitions: t, start: undefined, end: undefined, lengths: undefined, checkpoints: undefined })),
      logZ(new ad.SemiMarkovCRF({ segments: seg, transitions: t })));
    const term = ad.random.normal([3, 2], 5), rules = ad.random.normal([2, 2, 2], 6);
    same(logZ(new ad.PCFG({ terminals: term, rules, root: undefined, lengths: undefined })), logZ(new ad.PCFG({ terminals: term, rules })));
    const spans = ad.tensor(Array.from({ length: 3 * 3 * 2 }, (_, i) => Math.sin(i)), [3, 3, 2]);
    same(logZ(new ad.TreeCRF({ spans, lengths: undefined })), logZ(new ad.TreeCRF({ spans })));
    const arcs = ad.random.normal([4, 4], 7);
    same(logZ(new ad.DependencyCRF({ arcScores: arcs, projective: true, singleRoot: undefined, lengths: undefined })), logZ(new ad.DependencyCRF({ arcScores: arcs, projective: true })));
    same(logZ(new ad.Alignment({ scores: e, lengths: undefined, states: undefined, skips: undefined, initialStates: undefined, finalStates: undefined, checkpoints: undefined })),
      logZ(new ad.Alignment({ scores: e })));
    const lp = ad.logSoftmax(ad.random.normal([5, 3], 8), -1);
    same(ad.ctcLoss(lp, [1, 2], [5], [2], { blank: undefined, reduction: undefined, zeroInfinity: undefined, checkpoints: undefined }), ad.ctcLoss(lp, [1, 2], [5], [2]));
  });

  it('ops', () => {
    same(ad.sort(v, -1, { descending: undefined }), ad.sort(v));
    same(ad.variance(x, 0, { ddof: undefined, keepdims: undefined }), ad.variance(x, 0));
    same(ad.pad(v, 1, { mode: undefined, value: undefined }), ad.pad(v, 1));
    same(ad.cumprod(v, 0, { reverse: undefined, exclusive: undefined }), ad.cumprod(v, 0));
    const img = ad.random.normal([1, 1, 4, 4], 9), k = ad.random.normal([2, 1, 2, 2], 10);
    same(ad.conv(img, k, { stride: undefined, padding: undefined, dilation: undefined, groups: undefined, bias: undefined }), ad.conv(img, k));
    same(ad.convTranspose(img, ad.random.normal([1, 2, 2, 2], 11), { stride: undefined, padding: undefined, outputPadding: undefined, dilation: undefined, groups: undefined, bias: undefined }),
      ad.convTranspose(img, ad.random.normal([1, 2, 2, 2], 11)));
    const lower = ad.tril(spd);
    same(ad.linalg.triangularSolve(lower, v, { lower: true, transposeA: undefined, unitDiagonal: undefined, left: undefined }), ad.linalg.triangularSolve(lower, v, { lower: true }));
    same(ad.random.categorical(1, x, { axis: undefined, shape: undefined }), ad.random.categorical(1, x));
  });

  it('the backend', () => {
    const before = ad.backendInfo();
    ad.config({ wasm: undefined, codegen: undefined, threads: undefined });
    expect(ad.backendInfo()).toEqual(before);
  });

  it('PairwiseMRF.beliefs and onnx.exportModel', () => {
    const mrf = new ad.PairwiseMRF({ unary: ad.tensor([[0, 1], [1, 0], [0.5, 0]]), edges: [[0, 1], [1, 2]], pairwise: ad.tensor([[0.3, 0], [0, 0.3]]) });
    const all = { method: undefined, iterations: undefined, damping: undefined, tol: undefined, gradient: undefined, checkpoints: undefined, edgeWeights: undefined, semiring: undefined, info: undefined };
    expect(mrf.beliefs(all).unary.toArray()).toEqual(mrf.beliefs().unary.toArray());
    const f = (t: Tensor) => ad.exp(t);
    const given = ad.onnx.exportModel(f, [ad.tensor([1, 2])], { dtype: undefined, name: undefined, docString: undefined });
    expect(Array.from(given)).toEqual(Array.from(ad.onnx.exportModel(f, [ad.tensor([1, 2])])));
  });
});
