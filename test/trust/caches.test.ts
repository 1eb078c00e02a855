/**
 * @file No silent wrong answer from state kept between kernel calls: chainMatmul's resident tape
 * (and the prefix chunks it lends and reclaims), the product row staged in WebAssembly memory for
 * its gradient's quotients, the logsumexp-of-outer-sum rewrite and logMatmul's storage-keyed
 * caches, the thread pool's shared memory and the recordings' slabs. Seeded random programs
 * interleave all of them — within one synchronous run and across awaits, with pullbacks called
 * late, out of order and twice, dropped and collected, and the WebAssembly and thread settings
 * switched between a forward pass and its pullback — and every value and gradient is checked
 * against the plain-loop oracles of ./oracles.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import {
  chainOracle, chainTangent, int, leaveOneOut, leaveOneOutTangent, logMatmulOracle, mm, near, normals, pick, rngOf, rowProduct, tr,
  type Mat, type Rng,
} from './oracles.js';

const gc = (globalThis as { gc?: () => void }).gc;
const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const T = (d: Float64Array, shape: number[]) => ad.tensor(d, shape);
const vals = (t: Tensor) => t.toFloat64Array();

let settings: ReturnType<typeof ad.config>;
beforeAll(() => {
  settings = ad.config();
});
afterAll(() => {
  ad.config({ wasm: settings.wasm, threads: settings.threads });
});

// ---------------------------------------------------------------------------------------------
// Chains

/** Extents of recent chains: a chain of the same extents takes the chunks of one whose tape was released (products/prefixPool.ts). */
const recentDims: number[][] = [];

/** Extents of a chain of n factors: M_i is dims[i] × dims[i + 1]. */
function chainDims(r: Rng): number[] {
  if (recentDims.length > 0 && r() < 0.35) return pick(r, recentDims);
  const dims = freshDims(r);
  recentDims.push(dims);
  if (recentDims.length > 4) recentDims.shift();
  return dims;
}

function freshDims(r: Rng): number[] {
  const kind = r();
  const from = (n: number, choices: readonly number[]) => Array.from({ length: n + 1 }, () => pick(r, choices));
  if (kind < 0.4) return from(pick(r, [1, 2, 2, 3, 3, 4, 5, 8]), [4, 8, 12, 16, 20, 24, 32]); // resident: multiples of 4
  if (kind < 0.6) return from(pick(r, [1, 2, 3, 4, 6]), [3, 4, 5, 6, 8, 9, 12, 13]); // mixed extents: chain.ts
  if (kind < 0.72) { const s = pick(r, [4, 8, 12, 16]); return from(pick(r, [2, 3, 5, 40]), [s]); } // square: factors may repeat
  if (kind < 0.84) return from(int(r, 60, 72), [4, 8, 12, 16]); // long, resident, prefixes in several chunks
  if (kind < 0.94) return from(int(r, 60, 66), [5, 6, 7, 8, 9]); // long, not all multiples of 4
  return [176, 168, 160, pick(r, [8, 12])]; // a product of ≥ 160³ multiply-adds: not resident, split across threads
}

/** Random factors for `dims`, scaled so that long products stay of order one; a square chain may repeat one tensor. */
function chainFactors(r: Rng, dims: readonly number[]): { uniq: Mat[]; at: number[] } {
  const n = dims.length - 1, square = dims.every((d) => d === dims[0]);
  const uniq: Mat[] = [], at: number[] = [];
  for (let i = 0; i < n; i++) {
    if (square && uniq.length > 0 && r() < 0.4) { at.push(int(r, 0, uniq.length - 1)); continue; }
    const rows = dims[i]!, cols = dims[i + 1]!;
    uniq.push({ d: normals(r, rows * cols, 1 / Math.sqrt(rows)), r: rows, c: cols });
    at.push(uniq.length - 1);
  }
  return { uniq, at };
}

/** Sums the oracle's per-position cotangents into one per distinct factor. */
function perFactor(grads: readonly Mat[], at: readonly number[], count: number): Float64Array[] {
  const out = Array.from({ length: count }, (_, u) => new Float64Array(grads[at.indexOf(u)]!.d.length));
  grads.forEach((g, i) => { const o = out[at[i]!]!; for (let p = 0; p < o.length; p++) o[p] += g.d[p]!; });
  return out;
}

interface Chain {
  label: string;
  /** The function of the distinct factors, and its arguments. */
  f: (...u: Tensor[]) => Tensor;
  args: Tensor[];
  value: Float64Array;
  /** The output's shape, and the cotangents of the distinct factors for a cotangent of it. */
  outShape: number[];
  grads: (g: Float64Array) => Float64Array[];
}

/** A chain program: chainMatmul of the factors, sometimes followed by a matmul whose backward pass runs first. */
function makeChain(r: Rng, label: string): Chain {
  const dims = chainDims(r);
  const { uniq, at } = chainFactors(r, dims);
  const rows = dims[0]!, last = dims[dims.length - 1]!;
  const args = uniq.map((m) => T(m.d, [m.r, m.c]));
  const ms = at.map((u) => uniq[u]!);
  const post: Mat | null = r() < 0.3 ? { d: normals(r, last * 24), r: last, c: 24 } : null; // ≥ 16³ when rows·last ≥ 171
  const W = post === null ? null : T(post.d, [post.r, post.c]);
  const f = (...u: Tensor[]) => {
    const c = ad.chainMatmul(at.map((i) => u[i]!));
    return W === null ? c : ad.matmul(c, W);
  };
  const value = chainOracle(ms, { d: new Float64Array(rows * last), r: rows, c: last }).value;
  return {
    label: `${label} chain ${ms.length}×[${dims.slice(0, 6).join(',')}${dims.length > 6 ? ',…' : ''}]${post ? ' ·W' : ''}${uniq.length < ms.length ? ' repeated' : ''}`,
    f, args,
    value: post === null ? value.d : mm(value, post).d,
    outShape: [rows, post === null ? last : post.c],
    grads: (g) => {
      const gm: Mat = post === null ? { d: g, r: rows, c: last } : mm({ d: g, r: rows, c: post.c }, tr(post));
      return perFactor(chainOracle(ms, gm).grads, at, uniq.length);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Products of long rows

/** Factors of `rows` rows of n near ±1 (products stay normal), with a zero or two in some rows. */
function factorRows(r: Rng, rows: number, n: number): Float64Array {
  const x = new Float64Array(rows * n);
  for (let i = 0; i < x.length; i++) x[i] = (r() < 0.5 ? -1 : 1) * (0.97 + 0.06 * r());
  for (let row = 0; row < rows; row++) {
    const z = r();
    if (z < 0.2) x[row * n + int(r, 0, n - 1)] = 0;
    else if (z < 0.3) { x[row * n + int(r, 0, n - 1)] = 0; x[row * n + int(r, 0, n - 1)] = -0; }
  }
  return x;
}

/** L of every row of x [rows, n], each scaled by s[row]. */
function scaledLeaveOneOut(x: Float64Array, rows: number, n: number, s: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows * n);
  for (let row = 0; row < rows; row++) {
    const l = leaveOneOut(x, row * n, row * n + n);
    for (let i = 0; i < n; i++) out[row * n + i] = s[row]! * l[i]!;
  }
  return out;
}

const rowProducts = (x: Float64Array, rows: number, n: number) => Float64Array.from({ length: rows }, (_, row) => rowProduct(x, row * n, row * n + n));

/** Jitted functions, made once per process so that later calls replay their programs. */
const jitProdGrad = ad.jit((x: Tensor, c: Tensor) => ad.grad((y: Tensor) => ad.sum(ad.mul(ad.prod(y, 1), c)))(x));
const jitProdJvp = ad.jit((x: Tensor, t: Tensor) => ad.jvp((y: Tensor) => ad.prod(y, 1), [x], [t])[1] as Tensor);
const jitChainGrad = ad.jit((a: Tensor, b: Tensor, c: Tensor, g: Tensor) =>
  ad.grad((ms: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(ms), g)))([a, b, c]) as Tensor[]);
const jitLse = ad.jit((a: Tensor, b: Tensor, g: Tensor) =>
  ad.valueAndGrad((x: Tensor, y: Tensor) => ad.sum(ad.mul(lseOfSum(x, y), g)), [0, 1])(a, b) as unknown as [Tensor, Tensor[]]);

// ---------------------------------------------------------------------------------------------
// logsumexp of an outer sum

/** logsumexp(a[…, m, k, 1] + b[…, 1, k, n], −2): the form `add` notes and `logsumexp` runs as logMatmul. */
function lseOfSum(a: Tensor, b: Tensor): Tensor {
  const as = a.shape, bs = b.shape;
  return ad.logsumexp(ad.add(ad.reshape(a, [...as, 1]), ad.reshape(b, [...bs.slice(0, -2), 1, ...bs.slice(-2)])), -2);
}

interface LseCase { T: number; m: number; k: number; n: number; a: Float64Array; b: Float64Array; A: Tensor; B: Tensor; shapeA: number[]; shapeB: number[] }

/** Operands for logsumexp(a + b); half the time the last case's `a` tensor again (logMatmul's cache keyed by its storage), read through another shape. */
function lseCase(r: Rng, last: LseCase | null): LseCase {
  if (last !== null && r() < 0.5) {
    const size = last.a.length, n = pick(r, [2, 5, 16]);
    const k = pick(r, [4, 8, 16, 32, 64].filter((d) => size % d === 0 && d !== last.k).concat([last.k]));
    if (r() < 0.5) { // a again, as [size / k, k]
      const b = normals(r, k * n, 3);
      return { T: 1, m: size / k, k, n, a: last.a, b, A: ad.reshape(last.A, [size / k, k]), B: T(b, [k, n]), shapeA: [size / k, k], shapeB: [k, n] };
    }
    const m = pick(r, [1, 3, 8]), a = normals(r, m * k, 3); // a's storage as the other operand, [k, size / k]
    return { T: 1, m, k, n: size / k, a, b: last.a, A: T(a, [m, k]), B: ad.reshape(last.A, [k, size / k]), shapeA: [m, k], shapeB: [k, size / k] };
  }
  const [Tn, m, k, n] = [pick(r, [1, 1, 3]), pick(r, [1, 3, 8, 16]), pick(r, [4, 16, 40, 64]), pick(r, [2, 5, 12, 16])];
  const a = normals(r, Tn * m * k, 3), b = normals(r, Tn * k * n, 3);
  if (r() < 0.2) for (let j = 0; j < k; j++) a[j] = -Infinity; // a masked row (its entries −∞)
  const batch = Tn === 1 && r() < 0.5 ? [] : [Tn];
  const shapeA = [...batch, m, k], shapeB = [...batch, k, n];
  return { T: Tn, m, k, n, a, b, A: T(a, shapeA), B: T(b, shapeB), shapeA, shapeB };
}

/** Σ value · g over the finite entries (a masked row's −∞ entries contribute nothing to the gradient; the loss is then not finite). */
const lossOf = (value: Float64Array, g: Float64Array) => value.some((v) => v === -Infinity) ? null : value.reduce((s, x, i) => s + x * g[i]!, 0);

// ---------------------------------------------------------------------------------------------
// The random program

interface Pending { label: string; pullback: (g: Tensor) => unknown; g: Tensor; check: (cts: unknown, what: string) => void; pulls: number }

/** Runs `steps` random steps from `seed`; on a wrong number throws with the steps taken. */
async function program(seed: number, steps: number): Promise<void> {
  const r = rngOf(seed);
  const log: string[] = [];
  const pending: Pending[] = [];
  let lse: LseCase | null = null;
  let shared: { x: Float64Array; X: Tensor } | null = null; // one storage read through several shapes
  const step = async (): Promise<void> => {
    const kind = r();
    if (kind < 0.2) { // a chain: its value now, its pullback kept for later
      const c = makeChain(r, 'vjp');
      log.push(c.label);
      const [out, pullback] = ad.vjp(c.f, ...c.args);
      near(vals(out as Tensor), c.value, `${c.label} value`);
      const gd = normals(r, c.outShape[0]! * c.outShape[1]!);
      const expected = c.grads(gd);
      pending.push({
        label: c.label, pullback: pullback as (g: Tensor) => unknown, g: T(gd, c.outShape), pulls: 0,
        check: (cts, what) => (cts as Tensor[]).forEach((t, i) => near(vals(t), expected[i]!, `${what} factor ${i}`)),
      });
    } else if (kind < 0.3) { // a chain's value and gradient at once, or jitted (the traced rule)
      if (r() < 0.8) {
        const c = makeChain(r, 'valueAndGrad');
        log.push(c.label);
        const gd = normals(r, c.outShape[0]! * c.outShape[1]!), G = T(gd, c.outShape);
        // Some factors only (the sweep stops at the first one asked for), sometimes inside a checkpoint (recomputed in the backward pass).
        const some = c.args.map((_, i) => i).filter(() => r() < 0.6);
        const args = some.length > 0 ? some : [c.args.length - 1];
        const loss = (...u: Tensor[]) => ad.sum(ad.mul(c.f(...u), G));
        const f = r() < 0.3 ? ad.checkpoint(loss) : loss;
        const [v, grads] = ad.valueAndGrad(f, args)(...c.args) as [Tensor, Tensor[]];
        near([v.item()], [c.value.reduce((s, x, i) => s + x * gd[i]!, 0)], `${c.label} loss`, 1e-9);
        const expected = c.grads(gd);
        grads.forEach((t, i) => near(vals(t), expected[args[i]!]!, `${c.label} grad ${args[i]}`));
      } else {
        const dims = pick(r, [[4, 8, 12, 4], [5, 6, 7, 3], [8, 8, 8, 8]]);
        const uniq: Mat[] = [0, 1, 2].map((i) => ({ d: normals(r, dims[i]! * dims[i + 1]!, 1 / Math.sqrt(dims[i]!)), r: dims[i]!, c: dims[i + 1]! }));
        const gd = normals(r, dims[0]! * dims[3]!);
        log.push(`jit chain [${dims.join(',')}]`);
        const grads = jitChainGrad(...(uniq.map((m) => T(m.d, [m.r, m.c])) as [Tensor, Tensor, Tensor]), T(gd, [dims[0]!, dims[3]!]));
        const expected = chainOracle(uniq, { d: gd, r: dims[0]!, c: dims[3]! }).grads;
        grads.forEach((t, i) => near(vals(t), expected[i]!.d, `jit chain grad ${i}`));
      }
    } else if (kind < 0.45) { // pull back a kept pullback (twice each, in any order)
      if (pending.length === 0) return;
      const i = int(r, 0, pending.length - 1), p = pending[i]!;
      log.push(`pull ${p.label} (${p.pulls + 1})`);
      p.check(p.pullback(p.g), `${p.label} pull ${p.pulls + 1}`);
      if (++p.pulls === 2) pending.splice(i, 1);
    } else if (kind < 0.55) { // plain matmuls into the WebAssembly kernel's memory or the pool's
      const [m, k, n] = pick(r, [[5, 7, 6], [24, 20, 28], [64, 64, 64], [176, 168, 160]] as const);
      log.push(`matmul ${m}×${k}×${n}`);
      const a: Mat = { d: normals(r, m * k), r: m, c: k }, b: Mat = { d: normals(r, k * n), r: k, c: n };
      near(vals(ad.matmul(T(a.d, [m, k]), T(b.d, [k, n]))), mm(a, b).d, `matmul ${m}×${k}×${n}`);
    } else if (kind < 0.72) { // long rows' products
      const variant = int(r, 0, 7);
      const rows = pick(r, [1, 2, 3]), n = pick(r, [4096, 4101, 5000, 8192]);
      let x: Float64Array, X: Tensor;
      if (shared !== null && r() < 0.5) ({ x, X } = shared); // the same storage again, read as other shapes below
      else { x = factorRows(r, rows, n); X = T(x, [rows, n]); if (n % 2 === 0) shared = { x, X }; }
      const total = x.length;
      // The same storage as rows of n, of n/2 (a reshape) or as one row.
      const shapes = [[X.shape[0]!, X.shape[1]!], [total]].concat(total % 2 === 0 && total / (2 * X.shape[0]!) >= 4096 ? [[2 * X.shape[0]!, total / (2 * X.shape[0]!)]] : []);
      const shape = pick(r, shapes);
      const [R, N] = shape.length === 1 ? [1, total] : (shape as [number, number]);
      const Xs = ad.reshape(X, [R, N]);
      const s = normals(r, R);
      log.push(`prod variant ${variant} [${R},${N}]`);
      if (variant === 0) {
        const [v, g] = ad.valueAndGrad((y: Tensor) => ad.sum(ad.mul(ad.prod(y, 1), T(s, [R]))))(Xs) as [Tensor, Tensor];
        near(vals(g), scaledLeaveOneOut(x, R, N, s), 'prod grad');
        near([v.item()], [rowProducts(x, R, N).reduce((acc, p, i) => acc + p * s[i]!, 0)], 'prod loss', 1e-9);
      } else if (variant === 1) { // the value now, the pullback later
        const [out, pullback] = ad.vjp((y: Tensor) => ad.prod(y, 1), Xs);
        near(vals(out as Tensor), rowProducts(x, R, N), 'prod value');
        const expected = scaledLeaveOneOut(x, R, N, s);
        pending.push({ label: `prod [${R},${N}]`, pullback: pullback as (g: Tensor) => unknown, g: T(s, [R]), pulls: 0, check: (cts, what) => near(vals((cts as Tensor[])[0]!), expected, what) });
      } else if (variant === 2) { // forward mode: the leave-one-out product's own kernel, after prod's value
        const t = normals(r, R * N);
        const [v, dv] = ad.jvp((y: Tensor) => ad.prod(y, 1), [Xs], [T(t, [R, N])]) as [Tensor, Tensor];
        near(vals(v), rowProducts(x, R, N), 'jvp prod value');
        const l = scaledLeaveOneOut(x, R, N, new Float64Array(R).fill(1));
        near(vals(dv), Float64Array.from({ length: R }, (_, row) => { let acc = 0; for (let i = 0; i < N; i++) acc += t[row * N + i]! * l[row * N + i]!; return acc; }), 'jvp prod tangent', 1e-9);
      } else if (variant === 3 && N <= 5000) { // second order: grad of grad (the Hessian times v)
        const v = normals(r, R * N);
        const hv = ad.grad((y: Tensor) => ad.sum(ad.mul(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.prod(z, 1), T(s, [R]))))(y), T(v, [R, N]))))(Xs) as Tensor;
        const expected = new Float64Array(R * N);
        for (let row = 0; row < R; row++) {
          const d = leaveOneOutTangent(x, v, row * N, row * N + N);
          for (let i = 0; i < N; i++) expected[row * N + i] = s[row]! * d[i]!;
        }
        near(vals(hv), expected, 'prod Hessian·v', 1e-9);
      } else if (variant === 4) { // vmapped over the rows
        const [v, g] = ad.vmap((y: Tensor) => ad.valueAndGrad((z: Tensor) => ad.prod(z))(y) as unknown as Tensor[])(Xs) as unknown as [Tensor, Tensor];
        near(vals(v), rowProducts(x, R, N), 'vmap prod value');
        near(vals(g), scaledLeaveOneOut(x, R, N, new Float64Array(R).fill(1)), 'vmap prod grad');
      } else if (variant === 5) { // jitted, twice in one run (a second array of the same shape between)
        const other = factorRows(r, R, N);
        const g1 = jitProdGrad(Xs, T(s, [R])), g2 = jitProdGrad(T(other, [R, N]), T(s, [R]));
        near(vals(g1), scaledLeaveOneOut(x, R, N, s), 'jit prod grad');
        near(vals(g2), scaledLeaveOneOut(other, R, N, s), 'jit prod grad (second array)');
        const t = normals(r, R * N);
        const l = scaledLeaveOneOut(x, R, N, new Float64Array(R).fill(1));
        near(vals(jitProdJvp(Xs, T(t, [R, N]))), Float64Array.from({ length: R }, (_, row) => { let acc = 0; for (let i = 0; i < N; i++) acc += t[row * N + i]! * l[row * N + i]!; return acc; }), 'jit prod jvp', 1e-9);
      } else if (variant === 6) { // prod of another row, then the first row's gradient (the staged row is not its own)
        const other = factorRows(r, 1, N);
        const [, pullback] = ad.vjp((y: Tensor) => ad.prod(y, 1), Xs);
        ad.prod(T(other, [1, N]), 1);
        near(vals((pullback(T(s, [R])) as Tensor[])[0]!), scaledLeaveOneOut(x, R, N, s), 'prod grad after another row');
      } else { // a slice of the storage (a copy) and the storage itself
        const [v1] = ad.valueAndGrad((y: Tensor) => ad.prod(ad.slice(y, [0, 0], [1, N])))(Xs) as [Tensor, Tensor];
        near([v1.item()], [rowProduct(x, 0, N)], 'prod of a slice');
        const g = ad.grad((y: Tensor) => ad.sum(ad.mul(ad.prod(y, 1), T(s, [R]))))(Xs) as Tensor;
        near(vals(g), scaledLeaveOneOut(x, R, N, s), 'prod grad after a slice');
      }
    } else if (kind < 0.84) { // logsumexp of an outer sum
      const c = lseCase(r, lse);
      lse = c;
      const { A, B } = c;
      const g = normals(r, c.T * c.m * c.n);
      const G = T(g, [...c.shapeA.slice(0, -2), c.m, c.n]);
      const ref = logMatmulOracle(c.a, c.b, c.T, c.m, c.k, c.n, g);
      const variant = int(r, 0, 4);
      log.push(`logsumexp variant ${variant} T${c.T} ${c.m}×${c.k}×${c.n}`);
      if (variant === 0) { // value, with a decoy sum made after it
        const s1 = ad.add(ad.reshape(A, [...c.shapeA, 1]), ad.reshape(B, [...c.shapeB.slice(0, -2), 1, c.k, c.n]));
        const decoyA = T(normals(r, c.a.length), c.shapeA), decoyB = T(normals(r, c.b.length), c.shapeB);
        ad.add(ad.reshape(decoyA, [...c.shapeA, 1]), ad.reshape(decoyB, [...c.shapeB.slice(0, -2), 1, c.k, c.n]));
        near(vals(ad.logsumexp(s1, -2)), ref.value, 'logsumexp after a decoy sum');
        near(vals(ad.logsumexp(s1, -2)), ref.value, 'logsumexp again (the note is spent)');
      } else if (variant === 1) {
        const [v, [da, db]] = ad.valueAndGrad((x: Tensor, y: Tensor) => ad.sum(ad.mul(lseOfSum(x, y), G)), [0, 1])(A, B) as unknown as [Tensor, Tensor[]];
        const loss = lossOf(ref.value, g);
        if (loss !== null) near([v.item()], [loss], 'logsumexp loss', 1e-9);
        near(vals(da!), ref.da, 'logsumexp grad a');
        near(vals(db!), ref.db, 'logsumexp grad b');
      } else if (variant === 2) { // the pullback later
        const [out, pullback] = ad.vjp(lseOfSum, A, B);
        near(vals(out as Tensor), ref.value, 'logsumexp vjp value');
        pending.push({
          label: `logsumexp ${c.m}×${c.k}×${c.n}`, pullback: pullback as (g: Tensor) => unknown, g: G, pulls: 0,
          check: (cts, what) => { const [da, db] = cts as Tensor[]; near(vals(da!), ref.da, `${what} a`); near(vals(db!), ref.db, `${what} b`); },
        });
      } else if (variant === 3) {
        const [v, [da, db]] = jitLse(A, B, G);
        const loss = lossOf(ref.value, g);
        if (loss !== null) near([v.item()], [loss], 'jit logsumexp loss', 1e-9);
        near(vals(da!), ref.da, 'jit logsumexp grad a');
        near(vals(db!), ref.db, 'jit logsumexp grad b');
      } else { // vmapped over a leading axis of a, b shared
        const reps = 2;
        const a2 = new Float64Array(reps * c.a.length);
        a2.set(c.a, 0);
        a2.set(normals(r, c.a.length, 3), c.a.length);
        const out = ad.vmap((x: Tensor) => lseOfSum(x, B))(T(a2, [reps, ...c.shapeA]));
        const second = logMatmulOracle(a2.subarray(c.a.length), c.b, c.T, c.m, c.k, c.n, null).value;
        const both = new Float64Array(2 * ref.value.length);
        both.set(ref.value, 0);
        both.set(second, ref.value.length);
        near(vals(out as Tensor), both, 'vmap logsumexp');
      }
    } else if (kind < 0.9) { // switch a backend between forward passes and pullbacks
      if (r() < 0.5) {
        const on = r() < 0.6;
        log.push(`wasm ${on}`);
        ad.config({ wasm: on });
      } else {
        const threads = pick(r, [1, 2]);
        log.push(`threads ${threads}`);
        ad.config({ threads });
      }
    } else if (kind < 0.97) { // let the run end: microtasks clear the notes and the staged row
      log.push('await');
      if (r() < 0.5) await Promise.resolve();
      else await sleep();
    } else { // drop a pullback unpulled and collect it: its prefix chunks go to the next chain
      if (pending.length > 0) pending.splice(int(r, 0, pending.length - 1), 1);
      log.push('drop + gc');
      gc?.();
      await sleep();
    }
  };
  try {
    for (let i = 0; i < steps; i++) await step();
    while (pending.length > 0) { // what is left: pulled now, after everything else
      const p = pending.pop()!;
      log.push(`final pull ${p.label}`);
      p.check(p.pullback(p.g), `${p.label} final pull`);
    }
  } catch (e) {
    throw new Error(`seed ${seed}, after steps:\n  ${log.slice(-25).join('\n  ')}\n${(e as Error).stack}`);
  } finally {
    ad.config({ wasm: true, threads: settings.threads });
  }
}

/** Random factors for `dims` (none repeated), their tensors, and a cotangent of the product. */
function plainChain(seed: number, dims: readonly number[]): { ms: Mat[]; ts: Tensor[]; g: Float64Array; G: Tensor } {
  const r = rngOf(seed);
  const ms = dims.slice(0, -1).map((d, i) => ({ d: normals(r, d * dims[i + 1]!, 1 / Math.sqrt(d)), r: d, c: dims[i + 1]! }));
  const g = normals(r, dims[0]! * dims[dims.length - 1]!);
  return { ms, ts: ms.map((m) => T(m.d, [m.r, m.c])), g, G: T(g, [dims[0]!, dims[dims.length - 1]!]) };
}

const pulled = (pullback: unknown, G: Tensor) => ((pullback as (g: Tensor) => [Tensor[]])(G))[0];

describe('no silent wrong answer from kernel caches and staged state', () => {
  it('chains of every path: the tape (short, long, repeated), step by step beyond the tape size, chain.ts, pool-sized; pulled late, after switches', () => {
    const cases: number[][] = [
      [8, 4], [4, 8, 8], [12, 4, 8], [4, 8, 12, 4], [5, 6, 7, 3], [8, 184, 188, 8],
      Array.from({ length: 66 }, (_, i) => [4, 8, 12, 16][i % 4]!), // long, resident, prefixes past one chunk
      [4, ...Array.from({ length: 130 }, () => 64)], // beyond the tape's 8 MB: products and sweep step by step
      [176, 168, 160, 8], // ≥ 160³: chain.ts, products split across threads
    ];
    const kept = cases.map((dims, c) => {
      const { ms, ts, g, G } = plainChain(100 + c, dims);
      const [out, pullback] = ad.vjp((xs: Tensor[]) => ad.chainMatmul(xs), ts);
      const { value, grads } = chainOracle(ms, { d: g, r: dims[0]!, c: dims[dims.length - 1]! });
      near(vals(out as Tensor), value.d, `[${dims.slice(0, 4).join(',')}…] value`);
      return { dims, pullback, G, grads };
    });
    // Pulled back in reverse order, then in order with every switch between, each twice.
    const check = (k: (typeof kept)[number], what: string) =>
      pulled(k.pullback, k.G).forEach((t, i) => near(vals(t), k.grads[i]!.d, `${k.dims.length - 1} factors [${k.dims.slice(0, 4).join(',')}…] ${what} ${i}`));
    for (const k of [...kept].reverse()) check(k, 'reverse order');
    const big = T(normals(rngOf(9), 176 * 176), [176, 176]);
    kept.forEach((k, i) => {
      ad.config(i % 2 === 0 ? { wasm: false } : { threads: 1 });
      check(k, 'switched');
      ad.matmul(big, big);
      ad.config({ wasm: true, threads: 2 });
      check(k, 'switched back');
    });
    ad.config({ threads: settings.threads });
  });

  it('second order: hvp through a repeated factor, and a pullback whose cotangent an outer grad differentiates', () => {
    for (const s of [4, 6, 8]) {
      const { ms: [A, B, V], ts: [tA, tB, tV], g, G } = plainChain(200 + s, [s, s, s, s]) as unknown as { ms: Mat[]; ts: Tensor[]; g: Float64Array; G: Tensor };
      // L(A) = Σ G ⊙ (A B A): its gradient is linear in A, so H·V is the gradient at V.
      const hv = ad.hvp((a: Tensor) => ad.sum(ad.mul(ad.chainMatmul([a, tB!, a]), G)), tA!, tV!) as Tensor;
      const at = perFactor(chainOracle([V!, B!, V!], { d: g, r: s, c: s }).grads, [0, 1, 0], 2)[0]!;
      near(vals(hv), at, `hvp ${s}`);
      // A pullback kept from a plain forward pass, its cotangent traced by an outer grad:
      // ∂/∂c Σ_i ⟨M̄_i(c), V_i⟩ = Σ_i P_{i−1} V_i S_{i+1}, the chain's tangent in direction V.
      const [, pullback] = ad.vjp((xs: Tensor[]) => ad.chainMatmul(xs), [tA!, tB!, tA!]);
      ad.matmul(T(normals(rngOf(s), 32 * 32), [32, 32]), T(normals(rngOf(s + 1), 32 * 32), [32, 32])); // the tape moves out
      const dirs = [tV!, tA!, tB!];
      const outer = ad.grad((c: Tensor) => pulled(pullback, c).reduce((acc, m, i) => ad.add(acc, ad.sum(ad.mul(m, dirs[i]!))), ad.scalar(0)))(G) as Tensor;
      near(vals(outer), chainTangent([A!, B!, A!], [V!, A!, B!]).d, `grad of a pullback ${s}`);
      near(vals(pulled(pullback, G)[1]!), chainOracle([A!, B!, A!], { d: g, r: s, c: s }).grads[1]!.d, `first order after ${s}`);
    }
  });

  it('the staged product row: one storage read as rows of other lengths and starts, in one run', () => {
    const r = rngOf(300);
    const x = factorRows(r, 1, 16384).map((v) => (v === 0 ? 0.99 : v)), X = T(x, [16384]);
    const s2 = normals(r, 2), s4 = normals(r, 4);
    const [, halves] = ad.vjp((y: Tensor) => ad.prod(ad.reshape(y, [2, 8192]), 1), X);
    const [, quarters] = ad.vjp((y: Tensor) => ad.prod(ad.reshape(y, [4, 4096]), 1), X);
    const [whole, wholePullback] = ad.vjp((y: Tensor) => ad.prod(y), X); // stages [0, 16384)
    near([(whole as Tensor).item()], [rowProduct(x, 0, 16384)], 'whole');
    near(vals((halves(T(s2, [2])) as Tensor[])[0]!), scaledLeaveOneOut(x, 2, 8192, s2), 'halves after the whole row'); // a start, then an end, in common
    near(vals((wholePullback(ad.scalar(1)) as Tensor[])[0]!), leaveOneOut(x, 0, 16384), 'the whole row after its halves');
    ad.prod(ad.reshape(X, [2, 8192]), 1); // stages [8192, 16384)
    near(vals((quarters(T(s4, [4])) as Tensor[])[0]!), scaledLeaveOneOut(x, 4, 4096, s4), 'quarters after the halves');
    ad.prod(ad.reshape(X, [4, 4096]), 1); // stages [12288, 16384)
    near(vals((halves(T(s2, [2])) as Tensor[])[0]!), scaledLeaveOneOut(x, 2, 8192, s2), 'halves after the quarters');
    // Another array of the same length and range, staged last.
    const y = factorRows(r, 1, 16384).map((v) => (v === 0 ? 1.01 : v));
    ad.prod(T(y, [16384]));
    near(vals(ad.grad((z: Tensor) => ad.prod(z))(X) as Tensor), leaveOneOut(x, 0, 16384), 'whole after another array');
  });

  it('random interleaved programs: chains, pullbacks late and twice, matmuls, long products, logsumexp of sums, switches, awaits', async () => {
    for (let seed = 1; seed <= 40; seed++) await program(seed, 60);
  });
});
