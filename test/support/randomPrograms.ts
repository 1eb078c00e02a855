/**
 * @file Random small programs for property tests: an expression tree of depth ≤ 6 over 1–3 input
 * tensors whose shapes all broadcast to one "family" shape S (each axis 1 or S's, leading axes
 * optional). That set of shapes is closed under broadcasting and under keepdims reductions, so
 * every generated tree is well-shaped. Every op is smooth on its whole domain (no kinks, no
 * poles), so finite differences are meaningful everywhere.
 */
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

export const UNARY = ['sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'square', 'neg', 'expBounded', 'logSoftplus',
  'sqrtSquare', 'log1pSquare', 'expm1Tanh', 'powConst', 'powInt'] as const;
export const BINARY = ['add', 'sub', 'mul', 'divSafe', 'powVar', 'matmul', 'stackMix'] as const;
export const REDUCE = ['sum', 'mean', 'logsumexp'] as const;
export const SHAPED = ['transpose', 'cumsum', 'logSoftmax', 'softmax', 'matmulConst', 'roll', 'gather'] as const;

export type Expr =
  | { k: 'input'; i: number }
  | { k: 'const'; v: number }
  | { k: 'unary'; op: (typeof UNARY)[number]; p: number; x: Expr }
  | { k: 'binary'; op: (typeof BINARY)[number]; x: Expr; y: Expr }
  /** axis < 4: that axis (mod ndim); axis ≥ 4: two axes at once. */
  | { k: 'reduce'; op: (typeof REDUCE)[number]; axis: number; x: Expr }
  | { k: 'shaped'; op: (typeof SHAPED)[number]; axis: number; seed: number; x: Expr };

export interface RandomProgram {
  /** The family shape every node broadcasts to. */
  S: number[];
  inputs: Array<{ shape: number[]; x: number[]; v: number[] }>;
  expr: Expr;
  final: (typeof REDUCE)[number];
}

// [] makes every node 0-d: whole programs on the scalar tape (core/scalarTape.ts).
const FAMILIES = [[], [4], [2, 3], [3, 3], [2, 2, 2], [3, 1, 2]];
const POW_EXPONENTS = [-1.5, 0.5, 2, 3];
/** Integer powers are polynomials: smooth on the whole line, zero included. */
const INT_EXPONENTS = [1, 2, 3, 1];
// Spread evenly over [-2, 2] (fc.double favours tiny magnitudes like 1e-300), shrinking towards 0,
// with special points (0 above all: x^k at 0) one time in eight.
const value = fc.oneof(
  { arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 500_000), weight: 7 },
  { arbitrary: fc.constantFrom(0, 1, -1, 0.5), weight: 1 },
);
const direction = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((k) => k / 1_000_000);

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('input' as const), i: fc.nat(2) }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('const' as const), v: value }), weight: 1 },
);

const memo = new Map<number, fc.Arbitrary<Expr>>();
/** Trees of depth ≤ `depth` (a leaf has depth 0); with `root`, never a bare leaf. */
export function exprArb(depth: number, root = false): fc.Arbitrary<Expr> {
  if (depth === 0) return leaf;
  const key = root ? -depth : depth;
  const hit = memo.get(key);
  if (hit) return hit;
  const sub = exprArb(depth - 1);
  const axis = fc.nat(3);
  const branches = [
    { arbitrary: fc.record({ k: fc.constant('unary' as const), op: fc.constantFrom(...UNARY), p: fc.nat(3), x: sub }), weight: 4 },
    { arbitrary: fc.record({ k: fc.constant('binary' as const), op: fc.constantFrom(...BINARY), x: sub, y: sub }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('reduce' as const), op: fc.constantFrom(...REDUCE), axis: fc.nat(7), x: sub }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('shaped' as const), op: fc.constantFrom(...SHAPED), axis, seed: fc.nat(999), x: sub }), weight: 1 },
  ];
  // Cross-shrinking lets a failing node shrink to a leaf (or to a unary node), not only within its kind.
  const arb: fc.Arbitrary<Expr> = root
    ? fc.oneof({ withCrossShrink: true }, ...branches)
    : fc.oneof({ withCrossShrink: true }, { arbitrary: leaf, weight: 2 }, ...branches);
  memo.set(key, arb);
  return arb;
}

const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

/** A shape that broadcasts to S: drop some leading axes, set some axes to 1. */
const subShape = (S: number[]) =>
  fc.tuple(fc.nat(S.length), fc.array(fc.boolean(), { minLength: S.length, maxLength: S.length }))
    .map(([drop, ones]) => S.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

export const programArb: fc.Arbitrary<RandomProgram> = fc.record({
  sig: fc.constantFrom(...FAMILIES).chain((S) =>
    fc.array(subShape(S), { minLength: 1, maxLength: 3 }).chain((shapes) =>
      fc.tuple(...shapes.map((shape) => fc.record({
        shape: fc.constant(shape),
        x: fc.array(value, { minLength: sizeOf(shape), maxLength: sizeOf(shape) }),
        v: fc.array(direction, { minLength: sizeOf(shape), maxLength: sizeOf(shape) }),
      }))).map((inputs) => ({ S, inputs })))),
  expr: exprArb(6, true),
  final: fc.constantFrom(...REDUCE),
}).map(({ sig, expr, final }) => ({ S: sig.S, inputs: sig.inputs, expr, final }));

const allEqual = (s: readonly number[]) => s.every((d) => d === s[0]);

/** Evaluates the tree with adjoint ops; `seen` receives every intermediate (for magnitude checks). */
export function evaluate(e: Expr, xs: readonly Tensor[], S: readonly number[], seen?: (t: Tensor) => void): Tensor {
  const go = (n: Expr): Tensor => {
    const out = step(n);
    seen?.(out);
    return out;
  };
  const step = (n: Expr): Tensor => {
    switch (n.k) {
      case 'input': return xs[n.i % xs.length]!;
      case 'const': return ad.tensor(n.v);
      case 'unary': {
        const x = go(n.x);
        switch (n.op) {
          case 'expBounded': return ad.exp(ad.mul(2, ad.tanh(x)));
          case 'logSoftplus': return ad.log(ad.add(ad.softplus(x), 0.1));
          case 'sqrtSquare': return ad.sqrt(ad.add(ad.square(x), 0.5));
          case 'log1pSquare': return ad.log1p(ad.square(x));
          case 'expm1Tanh': return ad.expm1(ad.tanh(x));
          case 'powConst': return ad.pow(ad.add(ad.softplus(x), 0.5), POW_EXPONENTS[n.p % 4]!);
          case 'powInt': return ad.pow(x, INT_EXPONENTS[n.p % 4]!);
          default: return ad[n.op](x);
        }
      }
      case 'binary': {
        const x = go(n.x), y = go(n.y);
        switch (n.op) {
          case 'divSafe': return ad.div(x, ad.add(1, ad.square(y)));
          case 'powVar': return ad.pow(ad.add(ad.sigmoid(x), 0.5), ad.tanh(y));
          case 'matmul': // square trailing axes: a (batched) product; y keeps no batch axis if it has none
            if (S.length >= 2 && S.at(-1) === S.at(-2)) {
              return ad.matmul(ad.broadcastTo(x, S), ad.broadcastTo(y, y.ndim <= 2 ? S.slice(-2) : S));
            }
            return ad.mul(x, y);
          case 'stackMix': { // stack on a new axis, weight, and sum it away
            const shape = ad.add(x, y).shape;
            const st = ad.stack([ad.broadcastTo(x, shape), ad.broadcastTo(y, shape)], 0);
            return ad.sum(ad.mul(st, ad.tensor([0.3, -0.7], [2, ...shape.map(() => 1)])), 0);
          }
          default: return ad[n.op](x, y);
        }
      }
      case 'reduce': {
        const x = go(n.x);
        if (x.ndim === 0) return x;
        const a = n.axis % x.ndim;
        const axes = n.axis >= 4 && x.ndim >= 2 ? [a, (a + 1 + (n.axis % 2) * (x.ndim - 2)) % x.ndim].sort() : a;
        return ad[n.op](x, axes, true);
      }
      case 'shaped': {
        const x = go(n.x);
        if (x.ndim === 0) return x;
        const axis = n.axis % x.ndim;
        switch (n.op) {
          case 'transpose': return allEqual(S) ? ad.transpose(x) : x;
          case 'cumsum': return ad.cumsum(x, axis);
          case 'logSoftmax': return ad.logSoftmax(x, axis);
          case 'softmax': return ad.softmax(x, axis);
          case 'matmulConst': { // x[..., q] · M[q, S_last], staying in the family
            const q = x.shape.at(-1)!;
            return ad.matmul(x, ad.random.normal([q, S.at(-1)!], n.seed, 0, 0.7));
          }
          case 'roll': { // concat of two slices: x rotated by 1 along the axis
            const len = x.shape[axis]!;
            if (len === 1) return x;
            const begin = x.shape.map(() => 0), size = [...x.shape];
            const tail = ad.slice(x, begin.map((b, i) => (i === axis ? 1 : b)), size.map((d, i) => (i === axis ? len - 1 : d)));
            const head = ad.slice(x, begin, size.map((d, i) => (i === axis ? 1 : d)));
            return ad.concat([tail, head], axis);
          }
          case 'gather': { // take with repeated indices (so scatterAdd accumulates), same length
            const len = x.shape[axis]!;
            return ad.take(x, Array.from({ length: len }, (_, i) => (2 * i + n.seed) % len), axis);
          }
        }
      }
    }
  };
  return go(e);
}

/** The program as a function of a list of tensors, ending in a scalar. */
export function toFunction(p: RandomProgram): (xs: Tensor[]) => Tensor {
  return (xs) => ad[p.final](evaluate(p.expr, xs, p.S));
}

/** A readable form of the tree, for failure messages. */
export function show(e: Expr): string {
  switch (e.k) {
    case 'input': return `x${e.i}`;
    case 'const': return `${e.v}`;
    case 'unary': {
      const k = e.op === 'powConst' ? `[${POW_EXPONENTS[e.p % 4]}]` : e.op === 'powInt' ? `[${INT_EXPONENTS[e.p % 4]}]` : '';
      return `${e.op}${k}(${show(e.x)})`;
    }
    case 'binary': return `${e.op}(${show(e.x)}, ${show(e.y)})`;
    case 'reduce': return `${e.op}@${e.axis}(${show(e.x)})`;
    case 'shaped': return `${e.op}@${e.axis}(${show(e.x)})`;
  }
}
