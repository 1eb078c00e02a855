/**
 * @file Adversarial review of nested regions of every kind: checkpoint, scan (with xs and ys, and
 * checkpointed), whileLoop and foriLoop (plain and checkpointed), customVjp and customJvp (each with
 * a correct rule that itself runs the nested regions: ad.vjp / ad.jvp of the body), root, argmin,
 * cg, minres and gmres (implicit derivatives), jit, vmap, cond, switch, and the one-node fast paths
 * chainMatmul and LinearChainCRF.logPartition — nested two and three deep in every order, each
 * level reading the differentiated weights p through its closure (the pattern that lost gradients
 * in checkpoint(checkpoint(·)), test/audit/checkpointingReview.test.ts).
 *
 * Every program is built twice by one generator: with the regions, and the same mathematics without
 * them (loops unrolled, checkpoint/customVjp/customJvp/jit/cond/switch as the plain body, vmap as
 * the rows one by one, cg/minres as the diagonal division, gmres as forward substitution,
 * chainMatmul as matmuls, the CRF as the forward algorithm written out; root and argmin stay solves
 * of the same equations over the flat inner function). Each region's body hands its inner program
 * a value it computes from its own state (read there through a closure). They must agree in value,
 * gradient in p and in the state h, grad of grad, the mixed ∂²/∂h∂p, hvp, jvp in p and in h, a
 * pullback called twice, and (a subset) hessian, jacfwd, jacrev, third order, linearize, jit(grad)
 * replayed on new inputs, vmap of grad and grad of vmap over p and over h; the flat
 * program's gradient is checked against central differences (step 1e-5), and the two bugs below
 * against closed forms.
 *
 * Regressions found here:
 * - grad(grad(·)) and hessian through gmres (and through root, whose backward solve is a gmres)
 *   were wrong whenever A read a differentiated tensor: gmres caches its transposed product (a
 *   pullback) per redirect context, and the context was keyed by running traces only, so inside a
 *   region's backward — where a finished trace is paused to read closures as recording inputs —
 *   the pullback recorded earlier was reused and the closures' cotangents were dropped (H₀₀ −0.0239
 *   for 0.0493 with A = diag(2 + p²)). redirectContext now keys by the innermost pause in force.
 * - grad(grad(·)) of vmap(cg / minres / gmres) threw "a tensor computed inside vmap was used after
 *   vmap returned": the outer level's region, recorded inside the inner level's backward while the
 *   vmap slice was restored, did not carry that restored redirect (redirectsAbove looked at running
 *   traces only). Restored redirects in force now travel with the regions recorded under them.
 * - grad over vmap of cg / minres / gmres / root / argmin whose function calls a checkpoint gave 0
 *   (vmap.ts eachExample): a box's per-example slice was cached at its first read, and that read,
 *   made inside a region's forward with the reverse trace paused, froze it as a plain value. Slices
 *   are now cached per redirect context (as record.ts's substitutes, b4eec4e).
 * - a checkpointed scan or whileLoop whose init was read through a closure — inside a checkpoint, a
 *   checkpointed loop's step, or cg's matvec — gave that init a zero gradient (scan.ts,
 *   whileLoop.ts): regionTrace replaced the paused outer box by the recording's input in a copy of
 *   the leaves, and the region took the paused box (a constant there). Found as argmin∘cg∘scanCk
 *   converging to a wrong point (its inner gradient was wrong) and cg∘scanCk's gradient in h.
 * - jacfwd (or a vmap of jvp) over a vmap of a customJvp / customVjp whose rule runs cg, root or
 *   argmin threw "a tensor computed inside vmap was used after vmap returned" (vmap.ts eachExample):
 *   the rule's tangent solve, mapped only over the tangents, ran one example at a time over the
 *   innermost active vmap — the inner one, not involved — and came back boxed at it. solveImplicit
 *   (and reversibleMomentum) now name the batch they found their inputs at.
 * - forward mode through a customVjp whose rule returns the wrong number of cotangents failed as
 *   "vjp pullback: the cotangent must have the same structure…" (customModes.ts transposeOfVjp),
 *   not naming customVjp; it now says what the reverse path says.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';


type Fn = (h: Tensor, p: Tensor) => Tensor;
interface Kind { name: string; wrap(inner: Fn): Fn; flat(inner: Fn): Fn }

/** One level's own use of p, read through the closure of the region that calls it. */
const lvl = (x: Tensor, g: Tensor, p: Tensor) => ad.add(ad.mul(0.8, x), ad.mul(0.2, ad.cos(ad.mul(p, g))));
/** A region's body: the inner program reads, through its closure, a value this level computes from its state. */
const body = (inner: Fn): Fn => (g, p) => lvl(inner(g, ad.add(p, ad.mul(0.1, ad.sin(g)))), g, p);
const unroll = (n: number, inner: Fn, mod: (i: number, p: Tensor) => Tensor = (_i, p) => p): Fn => (h, p) => {
  for (let i = 0; i < n; i++) h = body(inner)(h, mod(i, p));
  return h;
};
const base: Fn = (h, p) => ad.sin(ad.mul(h, p));
const XS = ad.tensor([[0.1, -0.2, 0.3], [0.05, 0.15, -0.1], [-0.3, 0.2, 0.1]]);

const shiftDown = (v: Tensor) => ad.concat([ad.zeros([1]), ad.slice(v, [0], [2])], 0);

const KINDS: Kind[] = [
  { name: 'checkpoint', wrap: (inner) => (h, p) => ad.checkpoint((g: Tensor) => body(inner)(g, p))(h), flat: (inner) => body(inner) },
  {
    name: 'scan', wrap: (inner) => (h, p) => {
      const [c, ys] = ad.scan((g: Tensor, x: Tensor) => { const n = ad.add(body(inner)(g, p), x); return [n, ad.sum(ad.mul(n, p))] as const; }, h, { xs: ad.slice(XS, [0, 0], [2, 3]) });
      return ad.add(c, ad.mul(0.1, ad.sum(ys)));
    },
    flat: (inner) => (h, p) => {
      let ys = ad.scalar(0);
      for (let i = 0; i < 2; i++) { h = ad.add(body(inner)(h, p), ad.reshape(ad.slice(XS, [i, 0], [1, 3]), [3])); ys = ad.add(ys, ad.sum(ad.mul(h, p))); }
      return ad.add(h, ad.mul(0.1, ys));
    },
  },
  { name: 'scanCk', wrap: (inner) => (h, p) => ad.scan((g: Tensor) => body(inner)(g, p), h, { length: 3, checkpoints: 1 }), flat: (inner) => unroll(3, inner) },
  {
    name: 'while', wrap: (inner) => (h, p) => ad.whileLoop((c: { h: Tensor; i: Tensor }) => c.i.item() < 2, (c: { h: Tensor; i: Tensor }) => ({ h: body(inner)(c.h, p), i: ad.add(c.i, 1) }), { h, i: ad.scalar(0) }).h,
    flat: (inner) => unroll(2, inner),
  },
  {
    name: 'whileCk', wrap: (inner) => (h, p) => ad.whileLoop((c: { h: Tensor; i: Tensor }) => c.i.item() < 3, (c: { h: Tensor; i: Tensor }) => ({ h: body(inner)(c.h, p), i: ad.add(c.i, 1) }), { h, i: ad.scalar(0) }, { checkpoints: 1 }).h,
    flat: (inner) => unroll(3, inner),
  },
  { name: 'fori', wrap: (inner) => (h, p) => ad.foriLoop(0, 2, (i: number, g: Tensor) => body(inner)(g, ad.mul(p, 1 + 0.5 * i)), h), flat: (inner) => unroll(2, inner, (i, p) => ad.mul(p, 1 + 0.5 * i)) },
  { name: 'foriCk', wrap: (inner) => (h, p) => ad.foriLoop(0, 3, (_i: number, g: Tensor) => body(inner)(g, p), h, { checkpoints: 2 }), flat: (inner) => unroll(3, inner) },
  {
    name: 'customVjp', wrap: (inner) => {
      const f = body(inner);
      const c = ad.customVjp((g: Tensor, q: Tensor) => f(g, q), (ct: Tensor, { args: [g, q] }) => ad.vjp(f, g, q)[1](ct));
      return (h, p) => c(h, p);
    },
    flat: (inner) => body(inner),
  },
  {
    name: 'customJvp', wrap: (inner) => {
      const f = body(inner);
      const c = ad.customJvp((g: Tensor, q: Tensor) => f(g, q), ([g, q]: Tensor[], [tg, tq]: Tensor[]) => ad.jvp(f, [g!, q!], [tg!, tq!]) as [Tensor, Tensor]);
      return (h, p) => c(h, p);
    },
    flat: (inner) => body(inner),
  },
  {
    name: 'root', wrap: (inner) => (h, p) => ad.root((z: Tensor) => ad.sub(z, ad.add(ad.mul(0.5, ad.tanh(inner(z, p))), ad.mul(0.5, h))), ad.zeros([3]), { tol: 1e-14 }),
    flat: (inner) => (h, p) => ad.root((z: Tensor) => ad.sub(z, ad.add(ad.mul(0.5, ad.tanh(inner(z, p))), ad.mul(0.5, h))), ad.zeros([3]), { tol: 1e-14 }),
  },
  {
    name: 'argmin', wrap: (inner) => (h, p) => ad.argmin((z: Tensor) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(z, h)))), ad.mul(0.05, ad.sum(ad.square(inner(z, p))))), ad.zeros([3]), { tol: 1e-12 }),
    flat: (inner) => (h, p) => ad.argmin((z: Tensor) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(z, h)))), ad.mul(0.05, ad.sum(ad.square(inner(z, p))))), ad.zeros([3]), { tol: 1e-12 }),
  },
  {
    name: 'cg', wrap: (inner) => (h, p) => ad.cg((v: Tensor) => ad.mul(v, ad.add(2, ad.square(inner(h, p)))), h, { tol: 1e-14 }).x,
    flat: (inner) => (h, p) => ad.div(h, ad.add(2, ad.square(inner(h, p)))),
  },
  {
    name: 'minres', wrap: (inner) => (h, p) => ad.minres((v: Tensor) => ad.mul(ad.mul(v, ad.tensor([1, -1, 1])), ad.add(2, ad.square(inner(h, p)))), h, { tol: 1e-14 }).x,
    flat: (inner) => (h, p) => ad.div(ad.mul(h, ad.tensor([1, -1, 1])), ad.add(2, ad.square(inner(h, p)))),
  },
  {
    name: 'gmres', wrap: (inner) => (h, p) => ad.gmres((v: Tensor) => ad.add(ad.mul(v, ad.add(2, ad.square(inner(h, p)))), ad.mul(0.3, shiftDown(v))), h, { tol: 1e-14 }).x,
    flat: (inner) => (h, p) => {
      const d = ad.add(2, ad.square(inner(h, p)));
      const at = (t: Tensor, i: number) => ad.reshape(ad.slice(t, [i], [1]), []);
      const x0 = ad.div(at(h, 0), at(d, 0));
      const x1 = ad.div(ad.sub(at(h, 1), ad.mul(0.3, x0)), at(d, 1));
      const x2 = ad.div(ad.sub(at(h, 2), ad.mul(0.3, x1)), at(d, 2));
      return ad.stack([x0, x1, x2]);
    },
  },
  {
    name: 'jit', wrap: (inner) => {
      const j = ad.jit(body(inner));
      return (h, p) => j(h, p);
    },
    flat: (inner) => body(inner),
  },
  {
    name: 'vmap', wrap: (inner) => (h, p) => {
      const Y = ad.vmap((g: Tensor) => body(inner)(g, p))(ad.stack([h, ad.mul(0.5, h)]));
      return ad.add(ad.reshape(ad.slice(Y, [0, 0], [1, 3]), [3]), ad.mul(0.5, ad.reshape(ad.slice(Y, [1, 0], [1, 3]), [3])));
    },
    flat: (inner) => (h, p) => ad.add(body(inner)(h, p), ad.mul(0.5, body(inner)(ad.mul(0.5, h), p))),
  },
  {
    name: 'cond', wrap: (inner) => (h, p) => ad.cond(ad.greater(ad.sum(ad.square(h)), -1), (g: Tensor) => body(inner)(g, p), (g: Tensor) => ad.mul(g, p), h),
    flat: (inner) => body(inner),
  },
  {
    name: 'switch', wrap: (inner) => (h, p) => ad.switch(ad.floor(ad.add(1.5, ad.mul(0, ad.sum(h)))), [(g: Tensor) => ad.mul(g, p), (g: Tensor) => body(inner)(g, p), (g: Tensor) => g], h),
    flat: (inner) => body(inner),
  },
  {
    name: 'chainMatmul', wrap: (inner) => (h, p) => {
      const x = inner(h, p);
      const A = ad.add(ad.mul(0.5, ad.eye(3)), ad.mul(0.1, ad.matmul(ad.reshape(p, [3, 1]), ad.reshape(x, [1, 3]))));
      return ad.reshape(ad.chainMatmul([ad.reshape(x, [1, 3]), A, ad.add(ad.eye(3), ad.mul(0.2, ad.matmul(ad.reshape(h, [3, 1]), ad.reshape(p, [1, 3]))))]), [3]);
    },
    flat: (inner) => (h, p) => {
      const x = inner(h, p);
      const A = ad.add(ad.mul(0.5, ad.eye(3)), ad.mul(0.1, ad.matmul(ad.reshape(p, [3, 1]), ad.reshape(x, [1, 3]))));
      return ad.reshape(ad.matmul(ad.matmul(ad.reshape(x, [1, 3]), A), ad.add(ad.eye(3), ad.mul(0.2, ad.matmul(ad.reshape(h, [3, 1]), ad.reshape(p, [1, 3]))))), [3]);
    },
  },
  {
    name: 'crf', wrap: (inner) => (h, p) => {
      const x = inner(h, p);
      const e = ad.stack([x, ad.mul(p, x)], 1);
      const T = ad.reshape(ad.stack([ad.reshape(ad.slice(p, [0], [1]), []), ad.scalar(0.1), ad.scalar(0.2), ad.reshape(ad.slice(p, [1], [1]), [])]), [2, 2]);
      return ad.add(x, ad.mul(0.1, new ad.LinearChainCRF({ emissions: e, transitions: T }).logPartition()));
    },
    flat: (inner) => (h, p) => {
      const x = inner(h, p);
      const e = ad.stack([x, ad.mul(p, x)], 1);
      const T = ad.reshape(ad.stack([ad.reshape(ad.slice(p, [0], [1]), []), ad.scalar(0.1), ad.scalar(0.2), ad.reshape(ad.slice(p, [1], [1]), [])]), [2, 2]);
      let alpha = ad.reshape(ad.slice(e, [0, 0], [1, 2]), [2]);
      for (let t = 1; t < 3; t++) alpha = ad.add(ad.logsumexp(ad.add(ad.reshape(alpha, [2, 1]), T), 0), ad.reshape(ad.slice(e, [t, 0], [1, 2]), [2]));
      return ad.add(x, ad.mul(0.1, ad.logsumexp(alpha)));
    },
  },
];

const byName = new Map(KINDS.map((k) => [k.name, k]));
/** The nested program (outermost kind first) and the same without regions. */
function build(names: string[]): { nested: Fn; flat: Fn } {
  let nested = base, flat = base;
  for (const n of [...names].reverse()) {
    const k = byName.get(n)!;
    nested = k.wrap(nested);
    flat = k.flat(flat);
  }
  return { nested, flat };
}

const NAMES = KINDS.map((k) => k.name);
const H0 = ad.tensor([0.5, -0.3, 0.9]);
const P0 = ad.tensor([1.1, 0.7, -0.9]);
const P1 = ad.tensor([0.8, -0.6, 1.2]);
const V = ad.tensor([0.3, -1, 0.6]);
const W = ad.tensor([1, -0.5, 0.25]);
const vals = (t: unknown) => Array.from((t as Tensor).toFloat64Array());
/** Largest error relative to max(1, |want|); NaN and length mismatches count as infinite. */
const gap = (got: number[], want: number[]) => {
  if (got.length !== want.length) return Infinity;
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  return Number.isNaN(m) ? Infinity : m;
};
const scalarOf = (f: Fn) => (p: Tensor) => ad.sum(ad.mul(W, f(H0, p)));

type Check = (f: Fn) => number[];
const FIRST: Record<string, Check> = {
  value: (f) => vals(f(H0, P0)),
  grad: (f) => vals(ad.grad(scalarOf(f))(P0)),
  gradOfGrad: (f) => vals(ad.grad((p: Tensor) => ad.sum(ad.sin(ad.grad(scalarOf(f))(p))))(P0)),
  hvp: (f) => vals(ad.hvp(scalarOf(f), P0, V)),
  jvp: (f) => vals(ad.jvp((p: Tensor) => f(H0, p), [P0], [V])[1]),
  jvpInH: (f) => vals(ad.jvp((h: Tensor) => f(h, P0), [H0], [V])[1]),
  gradInH: (f) => vals(ad.grad((h: Tensor) => ad.sum(ad.mul(W, f(h, P0))))(H0)),
  mixed: (f) => vals(ad.grad((h: Tensor) => ad.sum(ad.mul(V, ad.grad((p: Tensor) => ad.sum(ad.mul(W, f(h, p))))(P0))))(H0)),
  pullbackTwice: (f) => { const [, pb] = ad.vjp((p: Tensor) => f(H0, p), P0); return [...vals(pb(W)[0]), ...vals(pb(V)[0])]; },
};
const COMPOSED: Record<string, Check> = {
  hessian: (f) => vals(ad.hessian(scalarOf(f))(P0)),
  jacfwd: (f) => vals(ad.jacfwd((p: Tensor) => f(H0, p))(P0)),
  jacrev: (f) => vals(ad.jacrev((p: Tensor) => f(H0, p))(P0)),
  jitReplay: (f) => { const j = ad.jit(ad.grad(scalarOf(f))); j(P0); return [...vals(j(P1)), ...vals(j(V))]; },
  vmapOfGrad: (f) => vals(ad.vmap(ad.grad(scalarOf(f)))(ad.stack([P0, P1]))),
  thirdOrder: (f) => vals(ad.grad((p: Tensor) => ad.sum(ad.mul(V, ad.grad((q: Tensor) => ad.sum(ad.mul(W, ad.grad(scalarOf(f))(q))))(p))))(P0)),
  linearize: (f) => { const [, lin] = ad.linearize((p: Tensor) => f(H0, p), P0); return [...vals(lin(V)), ...vals(lin(W))]; },
  vmapInH: (f) => vals(ad.vmap((h: Tensor) => ad.grad((p: Tensor) => ad.sum(ad.mul(W, f(h, p))))(P0))(ad.stack([H0, ad.mul(H0, -0.5)]))),
  gradOfVmapInH: (f) => vals(ad.grad((p: Tensor) => ad.sum(ad.vmap((h: Tensor) => ad.sum(ad.mul(W, f(h, p))))(ad.stack([H0, ad.mul(H0, -0.5)]))))(P0)),
  gradOfVmap: (f) => vals(ad.grad((p: Tensor) => ad.sum(ad.vmap((q: Tensor) => scalarOf(f)(q))(ad.stack([p, ad.mul(p, 0.7)]))))(P0)),
};
const central = (f: Fn) => {
  const s = scalarOf(f), e = 1e-5;
  return [0, 1, 2].map((i) => {
    const d = ad.mul(ad.oneHot(i, 3), e);
    return (s(ad.add(P0, d)).item() - s(ad.sub(P0, d)).item()) / (2 * e);
  });
};

/** Mismatch rows of one program (outermost kind first) over the checks; [] when all agree. */
function mismatches(names: string[], checks: Record<string, Check>, withCentral: boolean): string[] {
  const { nested, flat } = build(names);
  const label = names.join('∘'), bad: string[] = [];
  for (const [d, check] of Object.entries(checks)) {
    let got: number[] | string, want: number[];
    try { want = check(flat); } catch (e) { bad.push(`${label} ${d}: the flat program threw ${(e as Error).message}`); continue; }
    try { got = check(nested); } catch (e) { got = `${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 160)}`; }
    const g = typeof got === 'string' ? Infinity : gap(got, want);
    if (g > 1e-9) bad.push(`${label} ${d}: ${typeof got === 'string' ? got : `gap ${g.toExponential(2)}, ${got.slice(0, 3).map((v) => v.toPrecision(6))}`} for ${want.slice(0, 3).map((v) => v.toPrecision(6))}`);
  }
  if (withCentral) {
    const g = gap(central(flat), vals(ad.grad(scalarOf(flat))(P0)));
    if (g > 1e-6) bad.push(`${label}: the flat gradient is ${g.toExponential(2)} from central differences`);
  }
  return bad;
}

describe('every ordered pair of region kinds equals the program without regions', () => {
  it.each(NAMES)('%s around every kind: value, grad in p and in h, grad∘grad, the mixed ∂²/∂h∂p, hvp, jvp in p and h, a pullback twice', (outer) => {
    const bad: string[] = [];
    for (const inner of NAMES) bad.push(...mismatches([outer, inner], FIRST, true));
    expect(bad).toEqual([]);
  });
});

describe('three nested regions', () => {
  // Every kind in every position: kind i first, second and third, its companions spread by strides.
  const n = NAMES.length;
  const triples: string[][] = [];
  for (let i = 0; i < n; i++) {
    triples.push([NAMES[i]!, NAMES[(i * 7 + 3) % n]!, NAMES[(i * 11 + 5) % n]!]);
    triples.push([NAMES[(i * 3 + 1) % n]!, NAMES[i]!, NAMES[(i * 5 + 2) % n]!]);
    triples.push([NAMES[(i * 13 + 4) % n]!, NAMES[(i * 3 + 7) % n]!, NAMES[i]!]);
  }
  const { value: _v, jvpInH: _h, pullbackTwice: _p, mixed: _m, ...checks } = FIRST;
  it.each(triples.map((t) => [t.join('∘'), t] as const))('%s: grad in p and h, grad∘grad, hvp, jvp', (_name, names) => {
    expect(mismatches([...names], checks, false)).toEqual([]);
  });
});

describe('compositions: hessian, jacfwd, jacrev, third order, jit replays, linearize, vmap of grad and grad of vmap over p and over h', () => {
  // Each kind inside a checkpointed scan and around a checkpoint: the pattern of the original bug.
  // And a custom rule over an implicit solve inside vmap: jacfwd (a vmap over tangents) threw there.
  const programs = [...NAMES.flatMap((k) => [['scanCk', k], [k, 'checkpoint']]), ['vmap', 'customJvp', 'cg'], ['vmap', 'customVjp', 'root'], ['vmap', 'switch', 'customJvp', 'argmin']];
  it.each(programs.map((t) => [t.join('∘'), t] as const))('%s', (_name, names) => {
    expect(mismatches([...names], COMPOSED, false)).toEqual([]);
  });
});

describe('regressions, against closed forms', () => {
  const h = ad.tensor([0.5, -0.3, 0.9]), w = ad.tensor([1, -0.5, 0.25]), p0 = ad.tensor([1.1, 0.7, -0.9]);
  const hv = vals(h), wv = vals(w), pv = vals(p0);
  // f(p) = Σ wᵢ hᵢ / (2 + pᵢ²): ∂f/∂pᵢ = −2 wᵢ hᵢ pᵢ / (2 + pᵢ²)², ∂²f/∂pᵢ² = wᵢ hᵢ (6pᵢ² − 4) / (2 + pᵢ²)³.
  const d1 = (c: number, p: number) => (-2 * c * p) / (2 + p * p) ** 2;
  const d2 = (c: number, p: number) => (c * (6 * p * p - 4)) / (2 + p * p) ** 3;
  const hessianDiag = pv.map((p, i) => d2(wv[i]! * hv[i]!, p));

  it("hessian and grad∘grad through gmres whose A reads p (the transposed product's cache ignored a finished trace's pause)", () => {
    const viaGmres = (p: Tensor) => ad.sum(ad.mul(w, ad.gmres((v: Tensor) => ad.mul(v, ad.add(2, ad.square(p))), h, { tol: 1e-14 }).x));
    const H = vals(ad.hessian(viaGmres)(p0)); // was H₀₀ = −0.0239 for 0.0493
    expect(gap(H, [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? hessianDiag[i]! : 0))))).toBeLessThan(1e-10);
    const gg = vals(ad.grad((p: Tensor) => ad.sum(ad.grad(viaGmres)(p)))(p0));
    expect(gap(gg, hessianDiag)).toBeLessThan(1e-10);
    // root's backward solve is a gmres: the same second derivative through a root of x (2 + p²) − h.
    const viaRoot = (p: Tensor) => ad.sum(ad.mul(w, ad.root((x: Tensor) => ad.sub(ad.mul(x, ad.add(2, ad.square(p))), h), ad.zeros([3]), { tol: 1e-14 })));
    expect(gap(vals(ad.hessian(viaRoot)(p0)), [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? hessianDiag[i]! : 0))))).toBeLessThan(1e-9);
  });

  it('grad∘grad of a vmap over cg, minres and gmres (the outer level lost the vmap slice restored in the inner backward: it threw)', () => {
    const rows = ad.stack([h, ad.mul(h, 0.5)]);
    for (const solve of [ad.cg, ad.minres, ad.gmres]) {
      const f = (p: Tensor) => ad.sum(ad.mul(w, ad.sum(ad.vmap((g: Tensor) => solve((v: Tensor) => ad.mul(v, ad.add(2, ad.square(p))), g, { tol: 1e-14 }).x)(rows), 0)));
      const gg = vals(ad.grad((p: Tensor) => ad.sum(ad.grad(f)(p)))(p0));
      expect(gap(gg, hessianDiag.map((v) => 1.5 * v))).toBeLessThan(1e-10);
    }
  });

  it('grad of a vmap over p of cg whose matvec calls a checkpoint (a vmap slice taken under a pause was frozen: 0)', () => {
    // x = h / (2 + sin(h p)²) per row p; Σ over rows p and 0.7 p of Σ x.
    const one = (q: Tensor) => ad.sum(ad.cg((v: Tensor) => ad.mul(v, ad.add(2, ad.square(ad.checkpoint((g: Tensor) => ad.sin(ad.mul(g, q)))(h)))), h, { tol: 1e-14 }).x);
    const g = vals(ad.grad((p: Tensor) => ad.sum(ad.vmap(one)(ad.stack([p, ad.mul(p, 0.7)]))))(p0));
    const dOne = (hi: number, q: number) => { const s = Math.sin(hi * q); return (-hi * 2 * s * Math.cos(hi * q) * hi) / (2 + s * s) ** 2; };
    expect(gap(g, pv.map((p, i) => dOne(hv[i]!, p) + 0.7 * dOne(hv[i]!, 0.7 * p)))).toBeLessThan(1e-10);
  });

  it('a checkpointed scan or whileLoop whose init is read through a closure inside a checkpoint, a checkpointed scan step or cg (was 0)', () => {
    // Two steps of sin from h: d/dh Σ sin(sin h) = cos(sin h) cos h.
    const want = hv.map((x) => Math.cos(Math.sin(x)) * Math.cos(x));
    const twice = (init: Tensor, ck: ad.Checkpoints, loop: 'scan' | 'whileLoop') => loop === 'scan'
      ? ad.scan((g: Tensor) => ad.sin(g), init, { length: 2, checkpoints: ck })
      : ad.whileLoop((c: { g: Tensor; i: Tensor }) => c.i.item() < 2, (c: { g: Tensor; i: Tensor }) => ({ g: ad.sin(c.g), i: ad.add(c.i, 1) }), { g: init, i: ad.scalar(0) }, { checkpoints: ck }).g;
    const bad: string[] = [];
    for (const loop of ['scan', 'whileLoop'] as const) for (const ck of [1, 2] as ad.Checkpoints[]) {
      const inCheckpoint = (x: Tensor) => ad.sum(ad.checkpoint((u: Tensor) => ad.mul(u, twice(x, ck, loop)))(ad.ones([3])));
      const inScanStep = (x: Tensor) => ad.sum(ad.scan((u: Tensor) => ad.add(u, twice(x, ck, loop)), ad.zeros([3]), { length: 2, checkpoints: 1 }));
      const inMatvec = (x: Tensor) => ad.sum(ad.cg((v: Tensor) => ad.mul(v, ad.add(2, twice(x, ck, loop))), ad.ones([3]), { tol: 1e-14 }).x);
      const matvecWant = hv.map((x, i) => -want[i]! / (2 + Math.sin(Math.sin(x))) ** 2);
      for (const [name, f, expected] of [['checkpoint', inCheckpoint, want], ['scan step', inScanStep, want.map((v) => 2 * v)], ['cg matvec', inMatvec, matvecWant]] as const) {
        const g = vals(ad.grad(f)(h));
        if (gap(g, [...expected]) > 1e-12) bad.push(`${loop} ${ck} in ${name}: ${g}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('regressions: a vmap inside a forward-mode jacobian', () => {
  it('jacfwd and vmap-of-jvp through vmap(customJvp(cg)) / vmap(customVjp(root)): each solve one example at a time of its own batch (it threw, leaked)', () => {
    const rows = ad.tensor([[0.5, -0.3, 0.9], [0.25, -0.15, 0.45]]);
    const solve = (a: Tensor, q: Tensor) => ad.cg((v: Tensor) => ad.mul(v, ad.add(2, ad.square(q))), a, { tol: 1e-14 }).x;
    const viaRoot = (a: Tensor, q: Tensor) => ad.root((x: Tensor) => ad.sub(ad.mul(x, ad.add(2, ad.square(q))), a), ad.zeros([3]), { tol: 1e-14 });
    const cj = ad.customJvp(solve, ([a, q]: Tensor[], [ta, tq]: Tensor[]) => ad.jvp(solve, [a!, q!], [ta!, tq!]) as [Tensor, Tensor]);
    const cv = ad.customVjp(viaRoot, (ct: Tensor, { args: [a, q] }) => ad.vjp(viaRoot, a, q)[1](ct));
    const p0 = ad.tensor([1.1, 0.7, -0.9]), pv = vals(p0), rv = vals(rows);
    // x = a / (2 + p²) per row a: ∂x_ri/∂p_j = δ_ij · (−2 a_ri p_i / (2 + p_i²)²); jacfwd is [2, 3, 3].
    const want = [0, 1].flatMap((r) => [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? (-2 * rv[3 * r + i]! * pv[i]!) / (2 + pv[i]! ** 2) ** 2 : 0))));
    for (const c of [cj, cv]) {
      const f = (p: Tensor) => ad.vmap((g: Tensor) => c(g, p))(rows);
      expect(gap(vals(ad.jacfwd(f)(p0)), want)).toBeLessThan(1e-10);
      const T = ad.tensor([[0.3, -1, 0.6], [1, 0, 0]]);
      const jv = vals(ad.vmap((v: Tensor) => ad.jvp(f, [p0], [v])[1])(T));
      const wantJv = [0, 1].flatMap((t) => [0, 1].flatMap((r) => [0, 1, 2].map((i) => want[9 * r + 4 * i]! * vals(T)[3 * t + i]!)));
      expect(gap(jv, wantJv)).toBeLessThan(1e-10);
    }
  });
});

describe('bad input inside nested regions is an AdjointError naming the op', () => {
  const p0 = ad.tensor([1.1, 0.7, -0.9]);
  const cases: Array<[string, RegExp, (p: Tensor) => Tensor]> = [
    ['a checkpointed scan step changing the carry shape, inside a checkpoint', /scan/, (p) => ad.sum(ad.checkpoint((u: Tensor) => ad.scan((g: Tensor) => ad.concat([g, p], 0), u, { length: 2, checkpoints: 1 }))(p))],
    ['cg matvec of the wrong shape, inside a checkpointed scan', /cg/, (p) => ad.sum(ad.scan((g: Tensor) => ad.cg((v: Tensor) => ad.sum(ad.mul(v, p)), g).x, p, { length: 2, checkpoints: 1 }))],
    ['a customVjp rule returning too few cotangents, inside a checkpointed whileLoop', /customVjp/, (p) => {
      const c = ad.customVjp((a: Tensor, b: Tensor) => ad.mul(a, b), (ct: Tensor) => [ct]);
      return ad.sum(ad.whileLoop((s: { g: Tensor; i: Tensor }) => s.i.item() < 2, (s: { g: Tensor; i: Tensor }) => ({ g: c(s.g, p), i: ad.add(s.i, 1) }), { g: p, i: ad.scalar(0) }, { checkpoints: 1 }).g);
    }],
    ['root with F of the wrong shape, inside vmap inside a checkpoint', /root/, (p) => ad.sum(ad.checkpoint((u: Tensor) => ad.vmap((r: Tensor) => ad.root((z: Tensor) => ad.sum(ad.sub(z, r)), ad.zeros([3])))(ad.stack([u, u])))(p))],
    ['switch with a fractional index, inside a scan inside jit', /switch/, (p) => ad.jit((q: Tensor) => ad.sum(ad.scan((g: Tensor) => ad.switch(0.5, [(v: Tensor) => v, (v: Tensor) => ad.sin(v)], g), q, { length: 2 })))(p)],
    ['vmap of mismatched batch sizes, inside a checkpoint inside scan', /vmap/, (p) => ad.sum(ad.scan((g: Tensor) => ad.checkpoint((u: Tensor) => ad.sum(ad.vmap((a: Tensor, b: Tensor) => ad.mul(a, b))(ad.stack([u, u]), ad.stack([u, u, u])), 0))(g), p, { length: 2 }))],
    ['argmin with a non-scalar loss, inside a customJvp rule', /argmin/, (p) => {
      const c = ad.customJvp((a: Tensor) => ad.sin(a), ([a]: Tensor[], [t]: Tensor[]) => [ad.sin(a!), ad.mul(ad.argmin((z: Tensor) => ad.square(z), a!), t!)]);
      return ad.sum(c(p));
    }],
  ];
  it.each(cases)('%s', (_name, op, f) => {
    for (const run of [() => ad.grad(f)(p0), () => ad.grad((p: Tensor) => ad.sum(ad.grad(f)(p)))(p0), () => ad.jvp(f, [p0], [p0])]) {
      let caught: unknown = null;
      try { run(); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(ad.AdjointError);
      expect((caught as Error).message).toMatch(op);
    }
  });
});
