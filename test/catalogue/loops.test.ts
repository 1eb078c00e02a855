/** @file The catalogue of bad inputs to scan, whileLoop, checkpoint and customVjp: each gets an AdjointError naming the op, the argument and the fix. */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClearError } from './support.js';

// A value of the wrong type, as plain JavaScript would pass it.
const bad = (v: unknown): any => v;
const inc = (h: Tensor) => ad.add(h, 1);
const h0 = ad.zeros([2]);
type Case = [string, () => unknown, Parameters<typeof expectClearError>[1]];

describe('catalogue: scan', () => {
  const cases: Case[] = [
    ['step not a function', () => ad.scan(bad('step'), h0, { length: 3 }), { op: 'scan', fix: /step must be a function/ }],
    ['negative length', () => ad.scan(inc, h0, { length: -1 }), { op: 'scan', fix: /length must be a non-negative integer.*e\.g\./ }],
    ['non-integer length', () => ad.scan(inc, h0, { length: 2.5 }), { op: 'scan', fix: /length must be a non-negative integer/ }],
    ['NaN length', () => ad.scan(inc, h0, { length: NaN }), { op: 'scan', fix: /length must be a non-negative integer.*NaN/ }],
    ['length as a string', () => ad.scan(inc, h0, { length: bad('3') }), { op: 'scan', fix: /length must be a non-negative integer.*string/ }],
    ['no length and no xs', () => ad.scan(inc, h0, {}), { op: 'scan', fix: /pass \{ length \} or \{ xs \}/ }],
    ['xs of mismatched lengths', () => ad.scan((h: Tensor) => h, h0, { xs: [ad.zeros([3, 2]), ad.zeros([4])] }), { op: 'scan', fix: /same leading axis.*\[3,2\], \[4\].*Slice/, type: ad.ShapeError }],
    ['a 0-d leaf in xs', () => ad.scan((h: Tensor) => h, h0, { xs: ad.tensor(1) }), { op: 'scan', fix: /leading axis.*Stack/, type: ad.ShapeError }],
    ['length disagrees with xs', () => ad.scan((h: Tensor) => h, h0, { xs: ad.zeros([3]), length: 4 }), { op: 'scan', fix: /length 4 disagrees with xs.*3 steps/ }],
    ['step returns three things', () => ad.scan(bad((h: Tensor) => [h, h, h]), h0, { length: 2 }), { op: 'scan', fix: /\[carry, y\].*step 0/, type: ad.ShapeError }],
    ['step forgets to return', () => ad.scan(bad((h: Tensor) => { ad.add(h, 1); }), h0, { length: 2 }), { op: 'scan', fix: /forget to `return`/ }],
    ['carry changes shape', () => ad.scan((h: Tensor) => ad.concat([h, h], 0), h0, { length: 3 }), { op: 'scan', fix: /carry leaf 0 of shape \[4\], expected \[2\]/, type: ad.ShapeError }],
    ['carry changes shape under checkpoints', () => ad.grad((x: Tensor) => ad.sum(ad.scan((h: Tensor) => ad.concat([h, x], 0), x, { length: 3, checkpoints: 2 })))(h0), { op: 'scan', fix: /keeps its shapes/, type: ad.ShapeError }],
    ['y changes shape', () => ad.scan((h: Tensor, x: Tensor) => [h, ad.reshape(ad.ones([x.item() + 1]), [-1])], h0, { xs: ad.tensor([0, 1]) }), { op: 'scan', fix: /y leaf 0 of shape \[2\], expected \[1\].*stacked/, type: ad.ShapeError }],
    ['carry changes structure', () => ad.scan(bad((c: { a: Tensor }) => ({ b: c.a })), { a: h0 }, { length: 2 }), { op: 'scan', fix: /structure of init/, type: ad.ShapeError }],
    ['checkpoints 0', () => ad.scan(inc, h0, { length: 3, checkpoints: 0 }), { op: 'scan', fix: /checkpoints must be 'all', 'sqrt' or an integer ≥ 1.*e\.g\./ }],
    ['checkpoints negative', () => ad.scan(inc, h0, { length: 3, checkpoints: -2 }), { op: 'scan', fix: /checkpoints must be/ }],
    ["checkpoints 'foo'", () => ad.scan(inc, h0, { length: 3, checkpoints: bad('foo') }), { op: 'scan', fix: /checkpoints must be.*string 'foo'/ }],
    ['checkpoints 2.5', () => ad.scan(inc, h0, { length: 3, checkpoints: 2.5 }), { op: 'scan', fix: /checkpoints must be.*integer/ }],
    ['options not an object', () => ad.scan(inc, h0, bad(3)), { op: 'scan', fix: /options must be an object with any of length/ }],
    ['misspelt option', () => ad.scan(inc, h0, bad({ lenght: 3 })), { op: 'scan', fix: /unknown option 'lenght'.*length/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('catalogue: whileLoop', () => {
  const below = (k: number) => (x: Tensor) => ad.sum(x).item() < k;
  const cases: Case[] = [
    ['vector condition', () => ad.whileLoop((x: Tensor) => ad.less(x, 3), inc, ad.tensor([0, 1])), { op: 'whileLoop', fix: /cond must return a boolean or a single-element tensor.*shape \[2\].*reduce/, type: ad.ShapeError }],
    ['condition forgets to return', () => ad.whileLoop(bad((x: Tensor) => { ad.sum(x); }), inc, h0), { op: 'whileLoop', fix: /cond must return a boolean.*undefined.*forget to return/ }],
    ['cond not a function', () => ad.whileLoop(bad(true), inc, h0), { op: 'whileLoop', fix: /cond must be a function/ }],
    ['body not a function', () => ad.whileLoop(below(3), bad(undefined), h0), { op: 'whileLoop', fix: /body must be a function/ }],
    ['body changes the carry shape', () => ad.whileLoop(below(3), (x: Tensor) => ad.concat([x, ad.ones([1])], 0), h0), { op: 'whileLoop', fix: /leaf 0 from shape \[2\] to \[3\].*keeps its shapes/, type: ad.ShapeError }],
    ['body changes the carry structure', () => ad.whileLoop((c: { x: Tensor }) => ad.sum(c.x).item() < 3, (c: { x: Tensor }) => [c.x] as any, { x: h0 }), { op: 'whileLoop', fix: /structure of init.*return the next carry/, type: ad.ShapeError }],
    ['body changes shape under checkpoints', () => ad.grad((s: Tensor) => ad.sum(ad.whileLoop(below(3), (x: Tensor) => ad.concat([x, s], 0), ad.mul(h0, s), { checkpoints: 2 })))(ad.ones([1])), { op: 'whileLoop', fix: /keeps its shapes/, type: ad.ShapeError }],
    ['checkpoints 0', () => ad.whileLoop(below(3), inc, h0, { checkpoints: 0 }), { op: 'whileLoop', fix: /checkpoints must be 'all', 'sqrt' or an integer ≥ 1/ }],
    ["checkpoints 'foo'", () => ad.whileLoop(below(3), inc, h0, { checkpoints: bad('foo') }), { op: 'whileLoop', fix: /checkpoints must be/ }],
    ['maxIterations exceeded', () => ad.whileLoop(() => true, inc, h0, { maxIterations: 5 }), { op: 'whileLoop', fix: /still true after maxIterations = 5.*raise maxIterations/ }],
    ['maxIterations negative', () => ad.whileLoop(below(3), inc, h0, { maxIterations: -1 }), { op: 'whileLoop', fix: /maxIterations must be a non-negative integer/ }],
    ['misspelt option', () => ad.whileLoop(below(3), inc, h0, bad({ checkpoint: 3 })), { op: 'whileLoop', fix: /unknown option 'checkpoint'.*checkpoints/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});

describe('catalogue: checkpoint and customVjp', () => {
  const cases: Case[] = [
    ['checkpoint of a non-function', () => ad.checkpoint(bad(3)), { op: 'checkpoint', fix: /expected a function/ }],
    ['customVjp of a non-function', () => ad.customVjp(bad(null), () => []), { op: 'customVjp', fix: /expected a function/ }],
    ['customVjp backward not a function', () => ad.customVjp((x: Tensor) => x, bad('rule')), { op: 'customVjp', fix: /expected a function/ }],
    ['backward returns too few cotangents', () => ad.grad((x: Tensor) => ad.sum(ad.customVjp((a: Tensor, b: Tensor) => ad.mul(a, b), (g: Tensor) => [g])(x, x)))(ad.ones([2])), { op: 'customVjp', fix: /one cotangent per argument \(2\).*length 1.*order of the arguments/ }],
    ['backward returns a bare tensor', () => ad.grad((x: Tensor) => ad.sum(ad.customVjp((a: Tensor) => ad.sin(a), (g: Tensor) => bad(g))(x)))(ad.ones([2])), { op: 'customVjp', fix: /one cotangent per argument.*\[ct\]/ }],
    ['backward returns the wrong shape', () => ad.grad((x: Tensor) => ad.sum(ad.customVjp((a: Tensor) => ad.sin(a), () => [ad.zeros([3])])(x)))(ad.ones([2])), { op: 'customVjp', fix: /shape \[3\] for an argument of shape \[2\].*shape of its argument/, type: ad.ShapeError }],
    ['customVjp closes over a differentiated tensor', () => ad.grad((u: Tensor) => ad.customVjp((x: Tensor) => ad.mul(x, u), (g: Tensor) => [g])(ad.mul(u, 3)))(ad.tensor(2)), { op: 'customVjp', fix: /Pass them as arguments/ }],
    ['checkpoints nested past the stack', () => {
      let f = (x: Tensor) => ad.sin(x);
      for (let i = 0; i < 3000; i++) {
        const g = f;
        f = ad.checkpoint((x: Tensor) => ad.sin(g(x)));
      }
      return ad.grad(f)(ad.tensor(0.5));
    }, { op: 'checkpoint', fix: /call stack overflowed with \d+ checkpoint regions nested.*side by side.*ad\.scan/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
