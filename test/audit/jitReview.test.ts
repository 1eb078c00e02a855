/**
 * @file Adversarial review of `ad.jit` (src/jit/): recorded programs, fused elementwise loops and
 * reductions, generated scalar loops. The contract under test: jit(f)(x) equals f(x) bit for bit
 * (the same kernels run in the same order), on the recording call and on replays with other
 * values, and so do gradients (first and second order) of and under jit.
 *
 * The strongest check is a seeded differential test over random programs: operands broadcasting
 * into a random domain (rank 0…4, size-0 and size-1 axes, lengths around the vector thresholds),
 * chains of the fusible ops with NaN, ±∞, −0 and subnormals among the inputs, reductions over one
 * axis, a trailing block, all axes or a non-trailing set (keepdims or not), general calls between
 * chains (flip, broadcastTo, softmax), intermediates used twice and returned, inputs returned
 * unchanged, constants; compared eager against jit (recording and two replays), jit without code
 * generation, jit(grad), jit(hvp), jit(jvp), jit of grad-of-grad, jit(vmap) and vmap(jit); and
 * random loops of 0-d ops (the generated loops and the recorded scalar tape). Set JIT_REVIEW_N,
 * JIT_REVIEW_SCALAR_N, JIT_REVIEW_LONG_N and JIT_REVIEW_SEED for longer sweeps. Derivatives of
 * tensor programs compare ±0 equal (the one tolerance; see `same`), values never.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { rngOf } from '../trust/oracles.js';

/** Seeded generators (mulberry32), so every failure names a reproducible seed. */
const rng = rngOf;

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 5e-324, 2.2e-308, 1e-300, 1, -1, 0.5, -2.5, 3, 700, -700, 1e308, -1e-8, 30, -30];

/** Bits of every leaf of a result tree, for exact comparison (−0 and NaN payloads included). */
export function bitsOf(r: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (v instanceof ad.Tensor) {
      const a = v.toFloat64Array();
      out.push(`${at} ${v.shape.join('x')}: ${Array.from(a, (x) => (Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : String(x))).join(',')}`);
    } else if (Array.isArray(v)) v.forEach((c, i) => walk(c, `${at}[${i}]`));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], `${at}.${k}`);
    else out.push(`${at} ${Object.is(v, -0) ? '-0' : String(v)}`);
  };
  walk(r, '');
  return out;
}

type T = ad.Tensor;
type Fn = (...xs: T[]) => unknown;

const UNARY = ['neg', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'sigmoid', 'softplus', 'relu', 'abs', 'sqrt', 'square', 'sin', 'cos', 'sign'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'less', 'equal', 'greaterEqual', 'lessEqual'] as const;
const REDUCE = ['sum', 'max', 'min', 'logsumexp', 'mean'] as const;
const ops = ad as unknown as Record<string, (...a: unknown[]) => T>;

interface Value { readonly shape: number[] }
/** One step of a random program over the values so far. */
type Step =
  | { kind: 'unary'; op: string; a: number }
  | { kind: 'binary'; op: string; a: number; b: number | { num: number } }
  | { kind: 'where'; c: number; a: number; b: number }
  | { kind: 'clip'; a: number; lo: number; hi: number }
  | { kind: 'reduce'; op: string; a: number; axes: number[] | null; keepdims: boolean }
  | { kind: 'general'; op: 'flip' | 'broadcastTo' | 'softmax' | 'logSoftmax'; a: number; axis: number }
  /** take along an axis at indices of the same length (repeats allowed), or the axis cut in two slices and concatenated back. */
  | { kind: 'gather'; op: 'take' | 'slices'; a: number; axis: number; indices: number[] };

interface RandomProgram {
  readonly domain: number[];
  readonly inputs: number[][];
  readonly steps: Step[];
  /** Values returned (indices into inputs ++ step results), and whether a constant number is too. */
  readonly outputs: number[];
  readonly constant: boolean;
}

/** Right-aligned broadcast of shapes (each a broadcast form of the domain). */
function broadcast(x: readonly number[], y: readonly number[]): number[] {
  const n = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = x[x.length - n + i] ?? 1, b = y[y.length - n + i] ?? 1;
    out.push(a === 1 ? b : a);
  }
  return out;
}

/** A random program: every value's shape is a broadcast form of the domain, so any two combine. */
export function randomProgram(r: () => number, opts: { long?: boolean; steps?: number } = {}): RandomProgram {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!;
  const rank = pick([0, 1, 1, 2, 2, 2, 3, 3, 4]);
  const LONG = [63, 64, 65, 8191, 8192, 16384, 32768];
  const domain = Array.from({ length: rank }, () => pick([0, 1, 1, 2, 2, 3, 3, 4, 5, 7]));
  if (r() < 0.03) domain.fill(1);
  if (rank > 0 && domain.includes(0) && r() < 0.7) for (let i = 0; i < rank; i++) if (domain[i] === 0) domain[i] = 2;
  if (opts.long === true && rank > 0) {
    domain.fill(1);
    domain[rank - 1] = pick(LONG);
    if (rank > 1 && domain[rank - 1]! <= 8192) domain[0] = pick([1, 2, 4]);
  }
  const formOf = (): number[] => {
    const drop = r() < 0.3 ? Math.floor(r() * (rank + 1)) : 0;
    return domain.map((v) => (r() < 0.25 ? 1 : v)).slice(drop);
  };
  const inputs = [domain.slice(), ...Array.from({ length: 1 + Math.floor(r() * 3) }, formOf)];
  const values: Value[] = inputs.map((shape) => ({ shape }));
  const steps: Step[] = [];
  const nSteps = opts.steps ?? 2 + Math.floor(r() * (r() < 0.2 ? 30 : 10));
  // Prefer recent values, so chains form (fusible producer → consumer runs).
  const operand = () => (r() < 0.6 ? values.length - 1 - Math.floor(r() * Math.min(3, values.length)) : Math.floor(r() * values.length));
  for (let s = 0; s < nSteps; s++) {
    const u = r();
    let step: Step, shape: number[];
    if (u < 0.3) {
      const a = operand();
      step = { kind: 'unary', op: pick(UNARY), a };
      shape = values[a]!.shape;
    } else if (u < 0.6) {
      const a = operand();
      const b = r() < 0.2 ? { num: pick([2, 0.5, -1, 0, -0, 3, NaN, Infinity]) } : operand();
      step = { kind: 'binary', op: pick(BINARY), a, b };
      shape = typeof b === 'number' ? broadcast(values[a]!.shape, values[b]!.shape) : values[a]!.shape;
    } else if (u < 0.68) {
      const c = operand(), a = operand(), b = operand();
      step = { kind: 'where', c, a, b };
      shape = broadcast(broadcast(values[c]!.shape, values[a]!.shape), values[b]!.shape);
    } else if (u < 0.73) {
      const a = operand(), lo = operand(), hi = operand();
      step = { kind: 'clip', a, lo, hi };
      shape = broadcast(broadcast(values[a]!.shape, values[lo]!.shape), values[hi]!.shape);
    } else if (u < 0.9) {
      const a = operand();
      const sh = values[a]!.shape, nd = sh.length;
      const w = r();
      let axes: number[] | null, keepdims = r() < 0.6;
      if (nd === 0 || w < 0.15) axes = null;
      else if (w < 0.55) axes = [Math.floor(r() * nd)];
      else if (w < 0.8) {
        const f = Math.floor(r() * nd);
        axes = Array.from({ length: nd - f }, (_, i) => f + i);
      } else axes = nd >= 3 ? [0, nd - 1] : [0];
      // Without keepdims only leading axes (or all) may go: the rest stay right-aligned with the domain.
      if (axes !== null && !keepdims && !axes.every((x, i) => x === i)) keepdims = true;
      step = { kind: 'reduce', op: pick(REDUCE), a, axes, keepdims };
      if (axes === null) shape = keepdims ? sh.map(() => 1) : [];
      else if (keepdims) shape = sh.map((v, i) => (axes!.includes(i) ? 1 : v));
      else shape = sh.slice(axes.length);
    } else if (u < 0.95 && values.some((v) => v.shape.some((d) => d > 1))) {
      let a = operand();
      while (!values[a]!.shape.some((d) => d > 1)) a = Math.floor(r() * values.length);
      const sh = values[a]!.shape;
      const axes = sh.flatMap((d, i) => (d > 1 ? [i] : []));
      const axis = pick(axes), n = sh[axis]!;
      step = { kind: 'gather', op: r() < 0.5 ? 'take' : 'slices', a, axis, indices: Array.from({ length: n }, () => Math.floor(r() * n)) };
      shape = sh;
    } else {
      const a = operand();
      const sh = values[a]!.shape;
      const op = pick(['flip', 'broadcastTo', 'softmax', 'logSoftmax'] as const);
      if (sh.length === 0 && op !== 'broadcastTo') {
        step = { kind: 'unary', op: 'neg', a };
        shape = sh;
      } else {
        step = { kind: 'general', op, a, axis: Math.floor(r() * Math.max(1, sh.length)) };
        shape = op === 'broadcastTo' ? domain.slice() : sh;
      }
    }
    steps.push(step);
    values.push({ shape });
  }
  const outputs = [values.length - 1];
  if (r() < 0.5) outputs.push(inputs.length + Math.floor(r() * steps.length)); // an intermediate, maybe fused
  if (r() < 0.15) outputs.push(Math.floor(r() * inputs.length)); // an input returned unchanged
  return { domain, inputs, steps, outputs, constant: r() < 0.2 };
}

/** The function of a random program. */
export function functionOf(p: RandomProgram): (...xs: T[]) => T[] {
  return (...xs: T[]) => {
    const vals: T[] = [...xs];
    for (const s of p.steps) {
      const at = (i: number) => vals[i]!;
      let v: T;
      switch (s.kind) {
        case 'unary': v = ops[s.op]!(at(s.a)); break;
        case 'binary': v = ops[s.op]!(at(s.a), typeof s.b === 'number' ? at(s.b) : s.b.num); break;
        case 'where': v = ad.where(ad.greater(at(s.c), 0), at(s.a), at(s.b)); break;
        case 'clip': v = ad.clip(at(s.a), at(s.lo), at(s.hi)); break;
        case 'reduce': v = ops[s.op]!(at(s.a), s.axes ?? undefined, s.keepdims); break;
        case 'gather': {
          const x = at(s.a), n = x.shape[s.axis]!;
          if (s.op === 'take') v = ad.take(x, s.indices, s.axis);
          else {
            const k = 1 + (s.indices[0]! % (n - 1)), begin = x.shape.map(() => 0), size = [...x.shape];
            size[s.axis] = k;
            const head = ad.slice(x, begin, size);
            begin[s.axis] = k;
            size[s.axis] = n - k;
            v = ad.concat([head, ad.slice(x, begin, size)], s.axis);
          }
          break;
        }
        case 'general':
          if (s.op === 'broadcastTo') v = ad.broadcastTo(at(s.a), p.domain);
          else if (s.op === 'flip') v = ad.flip(at(s.a), s.axis);
          else v = ops[s.op]!(at(s.a), s.axis);
          break;
      }
      vals.push(v);
    }
    const outs = p.outputs.map((i) => vals[i]!);
    return p.constant ? [...outs, ad.tensor(2.5)] : outs;
  };
}

/** Operand values: uniform in (−3, 3) with special values sprinkled in. */
export function operandsOf(p: RandomProgram, r: () => number, specials = 0.3, ties = false): T[] {
  return p.inputs.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = new Float64Array(n);
    // ties: small integers, so maxima tie, comparisons hold with equality and where picks both ways.
    const plain = () => (ties ? Math.floor(r() * 4) - 1 : (r() - 0.5) * 6);
    for (let i = 0; i < n; i++) t[i] = r() < specials ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : plain();
    return ad.tensor(t, shape);
  });
}

/** A scalar loss of a random program's outputs (weights keep each output's cotangent distinct). */
function lossOf(f: (...xs: T[]) => T[]): (...xs: T[]) => T {
  return (...xs: T[]) => {
    const outs = f(...xs);
    let l: T = ad.tensor(0);
    outs.forEach((o, i) => (l = ad.add(l, ad.mul(ad.sum(o), i + 1))));
    return l;
  };
}

/** A result, or the error it threw (class and message). */
function attempt(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}` };
  }
}

class Thrown extends Error {}
/** Derivatives of tensor programs: ±0 compare equal (see `same`). */
const ANY_ZERO = { zeroSign: false };
/** The errors programs threw (eager and jitted alike), by message, for the report. */
const errors = new Map<string, number>();

/**
 * Asserts the jitted and the eager run agree bit for bit, or throw the same error (then throws
 * Thrown, so the caller stops checking that program). `zeroSign: false` lets +0 stand for −0:
 * for derivatives of tensor programs, where an exactly-zero entry may differ in sign only. The
 * eager scalar tape does not hand a zero adjoint to a general node at all (its walk skips zero
 * adjoints), where a recorded program — which cannot branch on a value — hands over +0, and a
 * general VJP that adds it to a −0 cotangent gives +0: grad of
 * sum(softmax(where(−x > 0, −x, mean(mean(x))), 0)) is −0 eagerly, +0 under jit.
 */
function same(what: string, jitted: () => unknown, eager: () => unknown, opts: { zeroSign?: boolean } = {}): void {
  const b = attempt(eager), a = attempt(jitted);
  if ('error' in b || 'error' in a) {
    expect('error' in a ? a.error : 'no error', what).toBe('error' in b ? b.error : 'no error');
    errors.set(('error' in b ? b.error : '').slice(0, 90), (errors.get(('error' in b ? b.error : '').slice(0, 90)) ?? 0) + 1);
    throw new Thrown();
  }
  const unsigned = (t: string) => (opts.zeroSign === false ? t.replace(/(^|[ ,])-0(?=,|$)/g, '$10') : t);
  const x = bitsOf(a.value).map(unsigned), y = bitsOf(b.value).map(unsigned);
  if (x.join('\n') !== y.join('\n')) expect(x, what).toEqual(y);
}

describe('jit review: random programs, jit against eager bit for bit', () => {
  afterEach(() => ad.config({ codegen: true }));

  const stats = { threw: 0, loops: 0 };
  afterAll(() => {
    if (process.env.JIT_REVIEW_N !== undefined) console.log(JSON.stringify({ ...stats, backend: ad.backendInfo(), errors: [...errors] }));
  });

  /** Runs one random program every way and compares; returns whether the jitted replay fused something. */
  function check(seed: number, opts: { long?: boolean; grads?: boolean; vmap?: boolean; steps?: number } = {}): boolean {
    try {
      return checkOrThrow(seed, opts);
    } catch (e) {
      if (e instanceof Thrown) {
        stats.threw++;
        return false;
      }
      throw e;
    }
  }

  function checkOrThrow(seed: number, opts: { long?: boolean; grads?: boolean; vmap?: boolean; steps?: number }): boolean {
    const r = rng(seed);
    const p = randomProgram(r, opts);
    const f = functionOf(p);
    const x1 = operandsOf(p, r), x2 = operandsOf(p, r, 0.1, true), x3 = operandsOf(p, r, 0);
    const loss = lossOf(f);
    const tag = `seed ${seed}: ${JSON.stringify(p)}`;
    const jf = ad.jit(f);
    same(`${tag} (recording)`, () => jf(...x1), () => f(...x1));
    same(`${tag} (replay)`, () => jf(...x2), () => f(...x2));
    same(`${tag} (replay 2)`, () => jf(...x3), () => f(...x3));
    const fused = jf.cacheInfo()[0]!;
    ad.config({ codegen: false });
    try {
      const plain = ad.jit(f);
      plain(...x1);
      same(`${tag} (replay without code generation)`, () => plain(...x2), () => f(...x2));
    } finally {
      ad.config({ codegen: true });
    }
    expect(fused.status, tag).toBe('replayed');
    if (opts.grads !== false) {
      const argnums = p.inputs.map((_, i) => i);
      const g = ad.grad(loss, argnums);
      const jg = ad.jit(g);
      same(`${tag} (grad, recording)`, () => jg(...x1), () => g(...x1), ANY_ZERO);
      same(`${tag} (grad, replay)`, () => jg(...x2), () => g(...x2), ANY_ZERO);
      same(`${tag} (grad, replay 2)`, () => jg(...x3), () => g(...x3), ANY_ZERO);
      // Second order: the gradient of a directional derivative of the gradient (grad of grad).
      const gg = ad.grad((...xs: T[]) => {
        const gs = g(...xs) as T[];
        let l: T = ad.tensor(0);
        gs.forEach((gi) => (l = ad.add(l, ad.sum(ad.mul(gi, gi)))));
        return l;
      }, argnums);
      const jgg = ad.jit(gg);
      same(`${tag} (grad grad, recording)`, () => jgg(...x3), () => gg(...x3), ANY_ZERO);
      same(`${tag} (grad grad, replay)`, () => jgg(...x1), () => gg(...x1), ANY_ZERO);
      // Forward over reverse (hvp), and forward mode alone (jvp), recorded.
      const hv = (...xs: T[]) => ad.hvp((ys: T[]) => loss(...ys), xs as never, xs.map((x) => ad.onesLike(x)) as never);
      const jh = ad.jit(hv);
      same(`${tag} (hvp, recording)`, () => jh(...x1), () => hv(...x1), ANY_ZERO);
      same(`${tag} (hvp, replay)`, () => jh(...x3), () => hv(...x3), ANY_ZERO);
      const jv = (...xs: T[]) => ad.jvp(f, xs, xs.map((x) => ad.mul(x, 0.5)));
      const jjv = ad.jit(jv);
      same(`${tag} (jvp, recording)`, () => jjv(...x3), () => jv(...x3));
      same(`${tag} (jvp, replay)`, () => jjv(...x2), () => jv(...x2));
    }
    if (opts.vmap === true && p.inputs.every((s) => s.length === p.domain.length)) {
      // A batch axis in front of every input: jit(vmap(f)) and vmap(jit(f)) against vmap(f).
      const batch = (xs: T[], ys: T[]) => xs.map((x, i) => ad.stack([x, ys[i]!, ad.neg(x)], 0));
      const vf = ad.vmap(f);
      const jvf = ad.jit(vf), vjf = ad.vmap(ad.jit(f));
      same(`${tag} (jit(vmap), recording)`, () => jvf(...batch(x1, x2)), () => vf(...batch(x1, x2)));
      same(`${tag} (jit(vmap), replay)`, () => jvf(...batch(x3, x1)), () => vf(...batch(x3, x1)));
      same(`${tag} (vmap(jit))`, () => vjf(...batch(x3, x1)), () => vf(...batch(x3, x1)));
    }
    return fused.fusedGroups > 0;
  }

  it('random programs (values, first and second order gradients)', () => {
    let fusedSome = 0;
    const N = Number(process.env.JIT_REVIEW_N ?? 150);
    const base = Number(process.env.JIT_REVIEW_SEED ?? 1);
    for (let s = base; s < base + N; s++) if (check(s, { vmap: true })) fusedSome++;
    expect(fusedSome).toBeGreaterThan(N / 4);
  });

  it('random scalar programs: loops of 0-d ops (generated loops, the recorded scalar tape), values and gradients', () => {
    const N = Number(process.env.JIT_REVIEW_SCALAR_N ?? 150);
    const base = Number(process.env.JIT_REVIEW_SEED ?? 1);
    for (let seed = base; seed < base + N; seed++) {
      const r = rng(50_000 + seed);
      const p = randomScalarProgram(r);
      const f = scalarFunctionOf(p);
      const args = () => Array.from({ length: p.nInputs }, () => ad.tensor(r() < 0.25 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() - 0.5) * 4));
      const x1 = args(), x2 = args(), x3 = args();
      const tag = `scalar seed ${seed}: ${JSON.stringify(p)}`;
      const argnums = x1.map((_, i) => i);
      const vg = ad.valueAndGrad(f, argnums);
      const hv = (...xs: T[]) => ad.hvp((ys: T[]) => f(...ys), xs as never, xs.map(() => ad.tensor(1)) as never);
      try {
        const jf = ad.jit(f), jvg = ad.jit(vg);
        for (const [k, x] of [x1, x2, x3].entries()) {
          same(`${tag} (value ${k})`, () => jf(...x), () => f(...x));
          same(`${tag} (valueAndGrad ${k})`, () => jvg(...x), () => vg(...x));
        }
        if ((jvg.cacheInfo()[0]?.loops ?? 0) > 0) stats.loops++;
        const jh = ad.jit(hv);
        same(`${tag} (hvp, recording)`, () => jh(...x1), () => hv(...x1));
        same(`${tag} (hvp, replay)`, () => jh(...x2), () => hv(...x2));
        const tv = (...xs: T[]) => ad.jvp(f, xs, xs.map((x) => ad.mul(x, -0.5)));
        const jtv = ad.jit(tv);
        same(`${tag} (jvp, recording)`, () => jtv(...x1), () => tv(...x1));
        same(`${tag} (jvp, replay)`, () => jtv(...x3), () => tv(...x3));
      } catch (e) {
        if (!(e instanceof Thrown)) throw e;
      }
    }
  });

  it('long random programs (150 steps: group bounds, windows and leaves run out)', () => {
    const N = Number(process.env.JIT_REVIEW_LONG_N ?? 12);
    const base = Number(process.env.JIT_REVIEW_SEED ?? 1);
    for (let s = base; s < base + N; s++) check(20_000 + s, { steps: 150, grads: s % 2 === 0 });
  });

  it('random programs at lengths around the vector and thread thresholds (64, 8192, 16384, 32768)', () => {
    const N = Number(process.env.JIT_REVIEW_LONG_N ?? 12);
    const base = Number(process.env.JIT_REVIEW_SEED ?? 1);
    for (let s = base; s < base + N; s++) check(10_000 + s, { long: true, grads: s % 3 === 0 });
  });
});

/**
 * A random scalar program: a loop body of 0-d ops over a carried state, repeated `steps` times
 * (so the recording has repeating runs the generated loops of programLoops.ts roll up), with a
 * small tensor call in some bodies (the scalar tape's IMPORT entries and general nodes).
 */
interface ScalarProgram {
  readonly nInputs: number;
  readonly body: Array<{ op: string; a: number; b: number }>;
  readonly steps: number;
  readonly vector: boolean;
}

const SCALAR_UNARY = ['neg', 'exp', 'log', 'log1p', 'expm1', 'tanh', 'sigmoid', 'softplus', 'relu', 'abs', 'sqrt', 'square', 'sin', 'cos', 'sign'];
const SCALAR_BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'where', 'clip'];

export function randomScalarProgram(r: () => number): ScalarProgram {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!;
  const nInputs = 2 + Math.floor(r() * 3);
  const body = Array.from({ length: 1 + Math.floor(r() * 6) }, () => ({
    op: r() < 0.45 ? pick(SCALAR_UNARY) : pick(SCALAR_BINARY),
    a: Math.floor(r() * 100),
    b: Math.floor(r() * 100),
  }));
  return { nInputs, body, steps: pick([1, 2, 5, 9, 33]), vector: r() < 0.3 };
}

export function scalarFunctionOf(p: ScalarProgram): (...xs: T[]) => T {
  return (...xs: T[]) => {
    // State: the inputs, then each body op's latest value; a body op reads two of them.
    const state: T[] = [...xs];
    const v = p.vector ? ad.tensor([0.5, -1, 2]) : null;
    for (let t = 0; t < p.steps; t++) {
      p.body.forEach((o, j) => {
        const a = state[o.a % state.length]!, b = state[o.b % state.length]!;
        let y: T;
        if (o.op === 'where') y = ad.where(ad.greater(a, b), a, ad.mul(b, 0.5));
        else if (o.op === 'clip') y = ad.clip(a, -2, b);
        else if (SCALAR_UNARY.includes(o.op)) y = ops[o.op]!(a);
        else y = ops[o.op]!(a, b);
        // Keep values in range over many steps: a bounded squash every other op.
        if (j % 2 === 1) y = ad.tanh(y);
        state.push(y);
      });
      if (v !== null) state.push(ad.sum(ad.mul(v, ad.exp(ad.mul(state[state.length - 1]!, v))))); // a general node
      state.splice(xs.length, Math.max(0, state.length - xs.length - 4));
    }
    let out = ad.tensor(0);
    for (const x of state) out = ad.add(out, x);
    return out;
  };
}

/** A number's text with −0 apart from 0. */
const signed = (t: T) => (Object.is(t.item(), -0) ? '-0' : String(t.item()));

describe('jit review: defects found', () => {
  it("a recorded scalar tape's zero adjoint is +0 as the numeric walk's (jit(grad) gave −0 where grad gave 0)", () => {
    // d/dx (1 − x)·0: the adjoint of 1 − x is 0 (a strong product), x's is −0 from negating it.
    // The numeric walk skips the zero adjoint and x's stays 0; the recorded walk took −(+0) as is.
    const g = ad.grad((x: T) => ad.mul(ad.sub(1, x), 0));
    const jg = ad.jit(g);
    expect(signed(g(ad.tensor(0.5)))).toBe('0');
    expect(signed(jg(ad.tensor(0.5)))).toBe('0'); // recording
    expect(signed(jg(ad.tensor(2)))).toBe('0'); // replay
    // Second order on logsumexp of one element (the identity): its Hessian is 0, +0 eagerly.
    const f = (x: T) => {
      const n = ad.neg(x);
      return ad.add(ad.sum(ad.logsumexp(n, undefined, true)), ad.mul(ad.sum(n), 2));
    };
    const gg = ad.grad((x: T) => ad.sum(ad.square(ad.grad(f)(x))));
    const jgg = ad.jit(gg);
    for (const v of [0.7, -1.3]) {
      expect(signed(gg(ad.tensor(v)))).toBe('0');
      expect(signed(jgg(ad.tensor(v)))).toBe('0');
    }
  });

  it("jit(grad(prod)) equals grad(prod) bit for bit (the recording took the generic rule, an ulp off the first-order kernel)", () => {
    for (const [shape, axis] of [[[7], undefined], [[3, 5], 1], [[4, 3], 0]] as const) {
      const g = ad.grad((x: T) => ad.sum(ad.mul(ad.prod(x, axis), ad.random.uniform(ad.random.key(99), axis === undefined ? [] : shape.filter((_, i) => i !== axis), 0.5, 1.5))));
      const jg = ad.jit(g);
      for (let s = 1; s <= 4; s++) {
        const x = ad.random.uniform(ad.random.key(s), [...shape], -2, 2);
        same(`prod ${JSON.stringify(shape)} axis ${axis} seed ${s}`, () => jg(x), () => g(x));
      }
    }
  });

  it("random samplers check their tensor parameters under jit as without it (jit skipped the check: bernoulli at p = 1.5 gave ones)", () => {
    const k = ad.random.key(3);
    const R = ad.random as unknown as Record<string, (...a: unknown[]) => T>;
    const cases: Array<[string, (...xs: T[]) => T, T[], T[]]> = [
      ['bernoulli', (p) => R.bernoulli!(k, p, [3]), [ad.tensor(0.5)], [ad.tensor(1.5)]],
      ['normal', (s) => R.normal!(k, [3], 0, s), [ad.tensor(1)], [ad.tensor(-1)]],
      ['uniform', (lo, hi) => R.uniform!(k, [3], lo, hi), [ad.tensor(0), ad.tensor(1)], [ad.tensor(2), ad.tensor(1)]],
      ['exponential', (r) => R.exponential!(k, [3], r), [ad.tensor(1)], [ad.tensor(-1)]],
    ];
    for (const [name, f, good, bad] of cases) {
      const jf = ad.jit(f);
      same(`${name} (good values)`, () => jf(...good), () => f(...good));
      expect(() => f(...bad), name).toThrow(/must be|less than/);
      expect(() => jf(...bad), name).toThrow(/must be|less than/);
    }
    // A parameter being differentiated is not checked (with or without jit), so that replays.
    const g = ad.jit(ad.grad((s: T) => ad.sum(R.normal!(k, [3], 0, s))));
    g(ad.tensor(1));
    same('grad of normal in std', () => g(ad.tensor(2)), () => ad.grad((s: T) => ad.sum(R.normal!(k, [3], 0, s)))(ad.tensor(2)));
    expect(g.cacheInfo()[0]!.status).toBe('replayed');
  });

  it('linalg.luSolve checks its pivots under jit as without it (1-based pivots gave x = [0, 0] under jit)', () => {
    const a = ad.tensor([[4, 3], [6, 3]]);
    const { lu, pivots } = ad.linalg.luFactor(a);
    const b = ad.tensor([1, 2]);
    const f = (l: T, p: T, c: T) => ad.linalg.luSolve({ lu: l, pivots: p }, c);
    const jf = ad.jit(f);
    same('good pivots', () => jf(lu, pivots, b), () => f(lu, pivots, b));
    const oneBased = ad.add(pivots, 1);
    expect(() => f(lu, oneBased, b)).toThrow(/pivots must be 0-based/);
    expect(() => jf(lu, oneBased, b)).toThrow(/pivots must be 0-based/);
  });

  it("a call that throws on the recorded values (caught by the function) is not replayed as the catch block's result, nor a replay's throw passed on", () => {
    // jit(f) recorded at a matrix that is not positive definite kept the catch block's zeros and
    // replayed them for every later matrix; recorded at a positive definite one, a replay at one
    // that is not threw where f returns zeros.
    const f = (a: T) => {
      try {
        return ad.linalg.cholesky(a);
      } catch {
        return ad.zeros([2, 2]);
      }
    };
    const pd = ad.tensor([[4, 2], [2, 3]]), notPd = ad.tensor([[1, 2], [2, 1]]);
    const j1 = ad.jit(f);
    same('recorded at not-PD', () => j1(notPd), () => f(notPd));
    same('then PD', () => j1(pd), () => f(pd));
    expect(j1.cacheInfo()[0]!.status).toBe('eager');
    expect(j1.cacheInfo()[0]!.reason).toMatch(/cholesky threw/);
    const j2 = ad.jit(f);
    same('recorded at PD', () => j2(pd), () => f(pd));
    same('replayed at not-PD', () => j2(notPd), () => f(notPd));
    same('replayed at PD', () => j2(ad.tensor([[9, 1], [1, 2]])), () => f(ad.tensor([[9, 1], [1, 2]])));
    expect(j2.cacheInfo()[0]!.status).toBe('replayed');
    // Under grad too: solve of a singular matrix caught, its fallback differentiated.
    const g = ad.grad((a: T) => {
      try {
        return ad.sum(ad.linalg.solve(a, ad.ones([2])));
      } catch {
        return ad.sum(ad.mul(a, 2));
      }
    });
    const jg = ad.jit(g);
    const singular = ad.tensor([[1, 1], [1, 1]]), regular = ad.tensor([[2, 1], [0, 2]]);
    same('grad recorded at singular', () => jg(singular), () => g(singular));
    same('grad then regular', () => jg(regular), () => g(regular));
  });

  it("jit(grad) of take with repeated indices equals grad bit for bit (the eager in-place sum rounded differently from the recorded dense one)", () => {
    const idx = [0, 0, 0, 1, 0];
    let differed = 0;
    for (let k = 0; k < 20; k++) {
      const w = ad.random.uniform(ad.random.key(7 + k), [5], -3, 3);
      // The table gets a dense cotangent first (backward runs the later term first), then take's.
      const g = ad.grad((x: T) => ad.add(ad.sum(ad.mul(ad.take(x, idx, 0), w)), ad.sum(ad.mul(x, ad.tensor([0.1, 0.7, 0.3, 1e-3, 0.9])))));
      const jg = ad.jit(g);
      jg(ad.random.uniform(ad.random.key(8), [5], -3, 3));
      const x = ad.random.uniform(ad.random.key(1000 + k), [5], -3, 3);
      if (bitsOf(jg(x)).join() !== bitsOf(g(x)).join()) differed++;
    }
    expect(differed).toBe(0); // 11 of these 20 were an ulp apart
  });
});

