/** @file The catalogue of bad inputs to the transformations and the ops: each gets an AdjointError that names the op and says what to do. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClearError, type ClearError } from './support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a bad input, typed as whatever the call wants
const bad = (v: unknown): any => v;
type Case = [string, () => unknown, ClearError];
const sq = (x: Tensor) => ad.sum(ad.square(x));
const cyclic = (): Record<string, unknown> => {
  const p: Record<string, unknown> = { w: ad.tensor(1) };
  p.self = p;
  return p;
};

describe('catalogue: transformations', () => {
  const cases: Case[] = [
    ['grad of a non-function', () => ad.grad(bad(3)), { op: 'grad', fix: /expected a function/ }],
    ['grad with argnums out of range', () => ad.grad(sq, 2)(ad.tensor(1)), { op: 'grad', fix: /argnums 2 refers to argument 2.*1 argument/ }],
    ['grad with a string argnums', () => ad.grad(sq, bad('0'))(ad.tensor(1)), { op: 'grad', fix: /argnums \(an index or an array of them\) or \{ argnums, hasAux \}/ }],
    ['grad with empty argnums', () => ad.grad(sq, [])(ad.tensor(1)), { op: 'grad', fix: /at least one argument index/ }],
    ['grad of a vector function', () => ad.grad((x: Tensor) => x)(ad.tensor([1, 2])), { op: 'grad', fix: /ad\.sum.*ad\.vjp/, type: ad.NonScalarOutputError }],
    ['grad of a function that forgets to return', () => ad.grad(bad((x: Tensor) => void sq(x)))(ad.tensor(1)), { op: 'grad', fix: /forget to `return`/ }],
    ['grad of an async function', () => ad.grad(bad(async (x: Tensor) => sq(x))), { op: 'grad', fix: /async.*synchronous/ }],
    ['grad of a function returning a Promise', () => ad.grad(bad((x: Tensor) => Promise.resolve(x)))(ad.tensor(1)), { op: 'grad', fix: /Promise.*synchronous/ }],
    ['grad of a string argument', () => ad.grad(bad(sq))(bad('x')), { op: 'grad', fix: /tensors or numbers/ }],
    ['grad of a cyclic argument', () => ad.grad(bad((p: { w: Tensor }) => p.w))(cyclic()), { op: 'grad', fix: /contains itself.*without cycles/ }],
    ['vjp of a cyclic argument', () => ad.vjp(bad((p: { w: Tensor }) => p.w), cyclic()), { op: 'vjp', fix: /contains itself/ }],
    ['valueAndGrad of a vector function', () => ad.valueAndGrad((x: Tensor) => x)(ad.tensor([1, 2])), { op: 'valueAndGrad', fix: /ad\.sum/ }],
    ['vjp of a non-function', () => ad.vjp(bad('f')), { op: 'vjp', fix: /expected a function/ }],
    ['vjp of a function that forgets to return', () => ad.vjp(bad((x: Tensor) => void x), ad.tensor(1)), { op: 'vjp', fix: /forget to `return`/ }],
    ['vjp pullback of the wrong structure', () => ad.vjp((x: Tensor) => x, ad.tensor([1]))[1](bad([ad.tensor([1])])), { op: 'vjp pullback', fix: /same structure as the function output/ }],
    ['vjp pullback of the wrong shape', () => ad.vjp((x: Tensor) => x, ad.tensor([1, 2]))[1](ad.tensor([1])), { op: 'vjp pullback', fix: /cotangent 0 has shape \[1\].*must be equal/ }],
    ['jvp with a bare primal', () => ad.jvp(sq, bad(ad.tensor(1)), bad(ad.tensor(1))), { op: 'jvp', fix: /as arrays.*jvp\(f, \[x\], \[v\]\)/ }],
    ['jvp with a tangent of the wrong shape', () => ad.jvp(sq, [ad.tensor([1, 2])], [ad.tensor([1])]), { op: 'jvp', fix: /tangent 0 has shape \[1\].*must be equal/ }],
    ['jvp with tangents of another structure', () => ad.jvp(sq, [ad.tensor(1)], bad([ad.tensor(1), ad.tensor(2)])), { op: 'jvp', fix: /same structure/ }],
    ['jvp of a function that forgets to return', () => ad.jvp(bad((x: Tensor) => void x), [ad.tensor(1)], [ad.tensor(1)]), { op: 'jvp', fix: /forget to `return`/ }],
    ['hvp with a direction of another structure', () => ad.hvp((p: { a: Tensor }) => ad.sum(p.a), { a: ad.tensor([1]) }, bad({ b: ad.tensor([1]) })), { op: 'hvp', fix: /direction v must have the same structure/ }],
    ['hvp with a direction of the wrong shape', () => ad.hvp(sq, ad.tensor([1, 2]), ad.tensor([1])), { op: 'hvp', fix: /direction v 0 has shape \[1\]/ }],
    ['hvp of a vector function', () => ad.hvp((x: Tensor) => x, ad.tensor([1, 2]), ad.tensor([1, 1])), { op: 'hvp', fix: /ad\.sum/ }],
    ['jacobian with argnums out of range', () => ad.jacobian((x: Tensor) => x, 1)(ad.tensor([1])), { op: 'jacobian', fix: /argnums 1 refers to argument 1/ }],
    ['jacobian of a string', () => ad.jacobian((x: Tensor) => x)(bad('1')), { op: 'jacobian', fix: /tensors or numbers/ }],
    ['jacobian with hasAux of a function returning one value', () => ad.jacobian((x: Tensor) => x, { hasAux: true })(ad.tensor([1])), { op: 'jacobian', fix: /pair \[output, aux\]/ }],
    ['hessian of a function returning a string', () => ad.hessian((x: Tensor) => bad(String(x.size)))(ad.tensor([1, 2])), { op: 'hessian', fix: /tensors or numbers/ }],
    ['customVjp without a backward rule', () => ad.customVjp((x: Tensor) => x, bad(undefined)), { op: 'customVjp', fix: /function/ }],
    ['checkpoint of a non-function', () => ad.checkpoint(bad(null)), { op: 'checkpoint', fix: /expected a function/ }],
    ['jit of a non-function', () => ad.jit(bad({})), { op: 'jit', fix: /expected a function/ }],
    ['jit with maxSignatures 0', () => ad.jit(sq, { maxSignatures: 0 }), { op: 'jit', fix: /positive integer/ }],
    ['jit of an async function', () => ad.jit(async () => 1), { op: 'jit', fix: /async/ }],
    ['checkGrad without the argument array', () => ad.checkGrad(sq, bad(ad.tensor([1, 2]))), { op: 'checkGrad', fix: /as an array.*checkGrad\(f, \[x\]\)/ }],
    ['checkGrad of a non-function', () => ad.checkGrad(bad(1), [ad.tensor(1)]), { op: 'checkGrad', fix: /expected a function/ }],
    ['assertGrad without the argument array', () => ad.assertGrad(sq, bad(1)), { op: 'checkGrad', fix: /as an array/ }],
    ['detectAnomalies with an unknown pass', () => ad.detectAnomalies(() => 1, { pass: bad('sideways') }), { op: 'detectAnomalies', fix: /'forward' or 'backward'/ }],
    ['detectAnomalies of an async function', () => ad.detectAnomalies(bad(async () => 1)), { op: 'detectAnomalies', fix: /async/ }],
    ['profile inside profile', () => ad.profile(() => ad.profile(() => 1)), { op: 'profile', fix: /do not nest.*outer call/ }],
    ['profile of a function returning a Promise', () => ad.profile(() => Promise.resolve(1)), { op: 'profile', fix: /Promise/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('catalogue: ops', () => {
  const m = ad.zeros([2, 3]);
  const cases: Case[] = [
    ['add of shapes that do not broadcast', () => ad.add(m, ad.zeros([4])), { op: 'add', fix: /reshape or expandDims/, type: ad.ShapeError }],
    ['mul of a string', () => ad.mul(m, bad('2')), { op: 'mul', fix: /Tensor or a number/ }],
    ['where of shapes that do not broadcast', () => ad.where(ad.ones([2]), m, 0), { op: 'where', fix: /reshape or expandDims/ }],
    ['clip with bounds that do not broadcast', () => ad.clip(m, ad.zeros([4]), 1), { op: 'clip', fix: /reshape or expandDims/ }],
    ['clip of a string', () => ad.clip(m, bad('a'), 1), { op: 'clip', fix: /Tensor or a number/ }],
    ['matmul of shapes that do not line up', () => ad.matmul(m, m), { op: 'matmul', fix: /do not line up/ }],
    ['reshape with two -1', () => ad.reshape(m, [-1, -1]), { op: 'reshape', fix: /more than one -1.*at most one/ }],
    ['reshape to another size', () => ad.reshape(m, [4, 2]), { op: 'reshape', fix: /sizes must match/ }],
    ['reshape to a number', () => ad.reshape(m, bad(6)), { op: 'reshape', fix: /array of integers.*reshape\(x, \[2, -1\]\)/ }],
    ['reshape with a fractional entry', () => ad.reshape(m, [1.5, 4]), { op: 'reshape', fix: /non-negative integer/ }],
    ['transpose with a bad permutation', () => ad.transpose(m, [0, 0]), { op: 'transpose', fix: /perm/ }],
    ['sum over a string axis', () => ad.sum(m, bad('0')), { op: 'sum', fix: /axis must be an integer, got the string '0'/ }],
    ['sum over an axis of a 0-d tensor', () => ad.sum(ad.tensor(2), 0), { op: 'sum', fix: /0-d tensor, which has no axes.*omit the axis/ }],
    ['sum over an axis out of range', () => ad.sum(m, 2), { op: 'sum', fix: /rank 2.*\[-2, 1\]/ }],
    ['sum over a repeated axis', () => ad.sum(m, [0, -2]), { op: 'sum', fix: /repeat an axis.*list each axis once/ }],
    ['max over a fractional axis', () => ad.max(m, 0.5), { op: 'max', fix: /must be an integer, got 0\.5/ }],
    ['mean over an axis out of range', () => ad.mean(m, -3), { op: 'mean', fix: /\[-2, 1\]/ }],
    ['logsumexp over an axis of a 0-d tensor', () => ad.logsumexp(1, 0), { op: 'logsumexp', fix: /0-d tensor/ }],
    ['softmax of a 0-d tensor', () => ad.softmax(ad.tensor(1)), { op: 'softmax', fix: /0-d tensor/ }],
    ['softmax over an axis out of range', () => ad.softmax(m, 2), { op: 'softmax', fix: /\[-2, 1\]/ }],
    ['logSoftmax over an axis out of range', () => ad.logSoftmax(m, 5), { op: 'logSoftmax', fix: /\[-2, 1\]/ }],
    ['cumsum of a 0-d tensor', () => ad.cumsum(ad.tensor(2), 3), { op: 'cumsum', fix: /0-d tensor.*reshape to \[1\]/ }],
    ['cumsum over an axis out of range', () => ad.cumsum(m, 2), { op: 'cumsum', fix: /\[-2, 1\]/ }],
    ['expandDims of a 0-d tensor at axis 1', () => ad.expandDims(ad.tensor(2), 1), { op: 'expandDims', fix: /rank 0 \(shape \[\]\).*\[-1, 0\]/ }],
    ['stack at an axis out of range', () => ad.stack([m, m], 3), { op: 'stack', fix: /rank 2.*\[-3, 2\]/ }],
    ['stack of no tensors', () => ad.stack([]), { op: 'stack', fix: /at least one/ }],
    ['stack of unequal shapes', () => ad.stack([m, ad.zeros([3, 2])]), { op: 'stack', fix: /equal shapes/ }],
    ['concat of no tensors', () => ad.concat([]), { op: 'concat', fix: /at least one/ }],
    ['concat of mismatched shapes', () => ad.concat([m, ad.zeros([3, 3])], 1), { op: 'concat', fix: /tensor 1 has shape \[3,3\]/ }],
    ['slice past the end', () => ad.slice(ad.zeros([4]), [2], [3]), { op: 'slice', fix: /slice/ }],
    ['take at a fractional index', () => ad.take(m, [0.5], 0), { op: 'take', fix: /index 0 is 0\.5, not an integer/ }],
    ['take with a string of indices', () => ad.take(m, bad('12'), 0), { op: 'take', fix: /indices must be an integer, an array or typed array of integers/ }],
    ['take with a string index', () => ad.take(m, bad(['1']), 0), { op: 'take', fix: /the string '1', not an integer/ }],
    ['take out of range', () => ad.take(m, [2], 0), { op: 'take', fix: /out of range for axis 0 of length 2.*\[-2, 1\]/ }],
    ['take over a bad axis', () => ad.take(m, [0], 2), { op: 'take', fix: /\[-2, 1\]/ }],
    ['squeeze of an axis longer than 1', () => ad.squeeze(m, 0), { op: 'squeeze', fix: /not 1/ }],
    ['broadcastTo a shape it does not fit', () => ad.broadcastTo(m, [3, 3]), { op: 'broadcastTo', fix: /cannot be broadcast/ }],
    ['broadcastTo 10¹² elements', () => ad.broadcastTo(1, [1e6, 1e6]), { op: 'broadcastTo', fix: /1,000,000,000,000 elements.*2\^32/ }],
    ['add broadcasting to 10¹² elements', () => ad.add(ad.zeros([1e6, 1]), ad.zeros([1e6])), { op: 'add', fix: /1,000,000,000,000 elements.*pieces/ }],
    ['outer of 10¹² elements', () => ad.outer(ad.zeros([1e6]), ad.zeros([1e6])), { op: 'outer', fix: /1,000,000,000,000 elements/ }],
    ['matmul of 10¹⁰ elements', () => ad.matmul(ad.zeros([1e5, 1]), ad.zeros([1, 1e5])), { op: 'matmul', fix: /10,000,000,000 elements/ }],
    ['dot of unequal lengths', () => ad.dot(ad.zeros([2]), ad.zeros([3])), { op: 'dot', fix: /\[2\].*\[3\]/ }],
    ['stopGradient of a string', () => ad.stopGradient(bad('x')), { op: 'stopGradient', fix: /Tensor or a number/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
