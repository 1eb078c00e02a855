/**
 * @file One small numeric interface, `Ops<T>`, with two implementations: adjoint tensors, and a
 * tiny tensor of hyper-dual numbers (row-major, NumPy broadcasting) built only on ./hyperdual.
 * Reference programs are written once against `Ops<T>` and run on both.
 */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import * as H from './hyperdual.js';
import { HD } from './hyperdual.js';

export type Val<T> = T | number;

export interface Ops<T> {
  tensor(data: number[], shape: number[]): T;
  add(a: Val<T>, b: Val<T>): T;
  sub(a: Val<T>, b: Val<T>): T;
  mul(a: Val<T>, b: Val<T>): T;
  div(a: Val<T>, b: Val<T>): T;
  pow(a: T, p: Val<T>): T;
  maximum(a: Val<T>, b: Val<T>): T;
  neg(x: T): T; exp(x: T): T; log(x: T): T; log1p(x: T): T; expm1(x: T): T; sqrt(x: T): T;
  square(x: T): T; abs(x: T): T; sin(x: T): T; cos(x: T): T; tanh(x: T): T;
  sigmoid(x: T): T; softplus(x: T): T; relu(x: T): T;
  /** Reductions over one axis, or all axes when `axis` is undefined. */
  sum(x: T, axis?: number, keepdims?: boolean): T;
  mean(x: T, axis?: number, keepdims?: boolean): T;
  max(x: T, axis?: number, keepdims?: boolean): T;
  logsumexp(x: T, axis?: number, keepdims?: boolean): T;
  logSoftmax(x: T, axis: number): T;
  softmax(x: T, axis: number): T;
  /** 2-D × 2-D, or 2-D × 1-D. */
  matmul(a: T, b: T): T;
  /** Reverses the two axes of a matrix. */
  transpose(x: T): T;
  reshape(x: T, shape: number[]): T;
  /** x[start : start + len] of a vector. */
  slice(x: T, start: number, len: number): T;
  /** Row i of a matrix, as a vector. */
  row(x: T, i: number): T;
  /** Vectors of equal length stacked into the rows of a matrix. */
  stack(xs: T[]): T;
  /** The (primal) value of a one-element tensor: for control flow. */
  value(x: T): number;
}

export const adOps: Ops<Tensor> = {
  tensor: (data, shape) => ad.tensor(data, shape),
  add: ad.add, sub: ad.sub, mul: ad.mul, div: ad.div, pow: ad.pow, maximum: ad.maximum,
  neg: ad.neg, exp: ad.exp, log: ad.log, log1p: ad.log1p, expm1: ad.expm1, sqrt: ad.sqrt,
  square: ad.square, abs: ad.abs, sin: ad.sin, cos: ad.cos, tanh: ad.tanh,
  sigmoid: ad.sigmoid, softplus: ad.softplus, relu: ad.relu,
  sum: (x, axis, k = false) => ad.sum(x, axis, k),
  mean: (x, axis, k = false) => ad.mean(x, axis, k),
  max: (x, axis, k = false) => ad.max(x, axis, k),
  logsumexp: (x, axis, k = false) => ad.logsumexp(x, axis, k),
  logSoftmax: (x, axis) => ad.logSoftmax(x, axis),
  softmax: (x, axis) => ad.softmax(x, axis),
  matmul: ad.matmul,
  transpose: (x) => ad.transpose(x),
  reshape: ad.reshape,
  slice: (x, start, len) => ad.slice(x, [start], [len]),
  row: (x, i) => ad.reshape(ad.take(x, [i], 0), [x.shape[1]!]),
  stack: (xs) => ad.stack(xs, 0),
  value: (x) => x.item(),
};

/** A row-major tensor of hyper-dual numbers. */
export class HT {
  constructor(readonly shape: number[], readonly data: HD[]) {}
}

const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const stridesOf = (s: readonly number[]) => {
  const st = new Array<number>(s.length);
  for (let i = s.length - 1, acc = 1; i >= 0; i--) { st[i] = acc; acc *= s[i]!; }
  return st;
};
const asHT = (x: Val<HT>): HT => (typeof x === 'number' ? new HT([], [new HD(x)]) : x);

/** f applied elementwise with NumPy broadcasting (written from scratch: an independent oracle). */
function zip(x: Val<HT>, y: Val<HT>, f: (a: HD, b: HD) => HD): HT {
  const a = asHT(x), b = asHT(y);
  const n = Math.max(a.shape.length, b.shape.length);
  const pa = [...new Array(n - a.shape.length).fill(1), ...a.shape];
  const pb = [...new Array(n - b.shape.length).fill(1), ...b.shape];
  const out = pa.map((d, i) => {
    const e = pb[i]!;
    if (d !== e && d !== 1 && e !== 1) throw new Error(`HT broadcast: [${a.shape}] vs [${b.shape}]`);
    return Math.max(d, e);
  });
  const sa = stridesOf(pa), sb = stridesOf(pb), so = stridesOf(out);
  const data = new Array<HD>(sizeOf(out));
  for (let k = 0; k < data.length; k++) {
    let ia = 0, ib = 0;
    for (let ax = 0; ax < n; ax++) {
      const idx = Math.floor(k / so[ax]!) % out[ax]!;
      if (pa[ax] !== 1) ia += idx * sa[ax]!;
      if (pb[ax] !== 1) ib += idx * sb[ax]!;
    }
    data[k] = f(a.data[ia]!, b.data[ib]!);
  }
  return new HT(out, data);
}

const map = (x: HT, f: (a: HD) => HD) => new HT(x.shape, x.data.map(f));

function reduce(x: HT, axis: number | undefined, keepdims: boolean, f: (xs: HD[]) => HD): HT {
  if (axis === undefined) {
    return new HT(keepdims ? x.shape.map(() => 1) : [], [f(x.data)]);
  }
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const outer = sizeOf(x.shape.slice(0, ax)), n = x.shape[ax]!, inner = sizeOf(x.shape.slice(ax + 1));
  const data: HD[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const xs: HD[] = [];
      for (let i = 0; i < n; i++) xs.push(x.data[(o * n + i) * inner + j]!);
      data.push(f(xs));
    }
  }
  const shape = keepdims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return new HT(shape, data);
}

const sumN = (xs: HD[]) => xs.reduce((s, v) => H.add(s, v), new HD(0));

export const hdOps: Ops<HT> = {
  tensor: (data, shape) => new HT([...shape], data.map((v) => new HD(v))),
  add: (a, b) => zip(a, b, H.add),
  sub: (a, b) => zip(a, b, H.sub),
  mul: (a, b) => zip(a, b, H.mul),
  div: (a, b) => zip(a, b, H.div),
  pow: (a, p) => (typeof p === 'number' ? map(a, (v) => H.powConst(v, p)) : zip(a, p, H.pow)),
  maximum: (a, b) => zip(a, b, H.maximum),
  neg: (x) => map(x, H.neg), exp: (x) => map(x, H.exp), log: (x) => map(x, H.log),
  log1p: (x) => map(x, H.log1p), expm1: (x) => map(x, H.expm1), sqrt: (x) => map(x, H.sqrt),
  square: (x) => map(x, H.square), abs: (x) => map(x, H.abs), sin: (x) => map(x, H.sin),
  cos: (x) => map(x, H.cos), tanh: (x) => map(x, H.tanh), sigmoid: (x) => map(x, H.sigmoid),
  softplus: (x) => map(x, H.softplus), relu: (x) => map(x, H.relu),
  sum: (x, axis, k = false) => reduce(x, axis, k, sumN),
  mean: (x, axis, k = false) => reduce(x, axis, k, (xs) => H.div(sumN(xs), xs.length)),
  max: (x, axis, k = false) => reduce(x, axis, k, H.maxN),
  logsumexp: (x, axis, k = false) => reduce(x, axis, k, H.logsumexpN),
  logSoftmax: (x, axis) => zip(x, reduce(x, axis, true, H.logsumexpN), H.sub),
  softmax: (x, axis) => {
    const s = map(x, H.exp);
    return zip(s, reduce(s, axis, true, sumN), H.div);
  },
  matmul: (a, b) => {
    const [m, k] = a.shape as [number, number];
    const vec = b.shape.length === 1;
    const n = vec ? 1 : b.shape[1]!;
    if (b.shape[0] !== k) throw new Error(`HT matmul: [${a.shape}] x [${b.shape}]`);
    const data: HD[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = new HD(0);
        for (let t = 0; t < k; t++) s = H.add(s, H.mul(a.data[i * k + t]!, b.data[t * n + j]!));
        data.push(s);
      }
    }
    return new HT(vec ? [m] : [m, n], data);
  },
  transpose: (x) => {
    const [m, n] = x.shape as [number, number];
    const data: HD[] = [];
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) data.push(x.data[i * n + j]!);
    return new HT([n, m], data);
  },
  reshape: (x, shape) => {
    if (sizeOf(shape) !== x.data.length) throw new Error('HT reshape: size mismatch');
    return new HT([...shape], x.data);
  },
  slice: (x, start, len) => new HT([len], x.data.slice(start, start + len)),
  row: (x, i) => new HT([x.shape[1]!], x.data.slice(i * x.shape[1]!, (i + 1) * x.shape[1]!)),
  stack: (xs) => new HT([xs.length, ...xs[0]!.shape], xs.flatMap((x) => x.data)),
  value: (x) => {
    if (x.data.length !== 1) throw new Error('HT value: not a one-element tensor');
    return x.data[0]!.a;
  },
};

/** Runs `f` on hyper-duals at x with ε1 seeded along u and ε2 along w: returns the scalar output. */
export function hyperEval(f: (x: HT) => HT, x: readonly number[], u: readonly number[], w: readonly number[]): HD {
  const y = f(new HT([x.length], x.map((v, i) => new HD(v, u[i]!, w[i]!, 0))));
  if (y.data.length !== 1) throw new Error('hyperEval: the program must return a scalar');
  return y.data[0]!;
}
