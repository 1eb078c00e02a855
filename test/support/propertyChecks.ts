/** @file The checks of test/property.test.ts on one random program, returning failures as strings. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { evaluate, show, type RandomProgram } from './randomPrograms.js';

const H = 1e-6;
/**
 * Exact (mode-vs-mode) comparisons: 1e-9 relative to the magnitude of the compared quantity (for
 * ⟨∇f, v⟩, of the summed terms Σ|∂ᵢf vᵢ|), with an absolute floor of 1e-12·(1 + M)·‖v‖₁, M the largest
 * intermediate or |f|: a true zero reached by cancellation (sum of a softmax) is only zero to roundoff.
 */
const EXACT_TOL = 1e-9;
const ROUNDOFF = 1e-12;
/** Finite-difference comparisons. */
const FD_TOL = 1e-5;
/** Programs are kept where every intermediate is at most this large (well-conditioned FD). */
export const BOUND = 50;

type Fn = (xs: Tensor[]) => Tensor;

const tensors = (p: RandomProgram, field: 'x' | 'v') => p.inputs.map((i) => ad.tensor(i[field], i.shape));
const flatAll = (ts: readonly Tensor[]) => ts.flatMap((t) => Array.from(t.data));
/** Largest finite magnitude (NaNs are reported where they occur, not smeared into every tolerance). */
const normInf = (a: readonly number[]) => a.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);

/** Each input perturbed by s·(direction), where direction is a list of arrays shaped like the inputs. */
function shifted(p: RandomProgram, dir: number[][], s: number): Tensor[] {
  return p.inputs.map((inp, k) => ad.tensor(inp.x.map((x, j) => x + s * dir[k]![j]!), inp.shape));
}

/** Largest |intermediate| and whether everything is finite, on plain values. */
export function magnitude(p: RandomProgram): number {
  let m = 0;
  const xs = tensors(p, 'x');
  const y = ad[p.final](evaluate(p.expr, xs, p.S, (t) => {
    for (const v of t.data) m = Math.max(m, Number.isFinite(v) ? Math.abs(v) : Infinity);
  }));
  return Number.isFinite(y.item()) ? m : Infinity;
}

/**
 * All checks on one program; returns a list of failures (empty when it passes). Written as a
 * function of `f` so it can be run on a deliberately wrong derivative to prove it can fail.
 */
export function checkProgram(p: RandomProgram, f: Fn, largest: number): string[] {
  const bad: string[] = [];
  const xs = tensors(p, 'x');
  const vs = tensors(p, 'v');
  const f0 = f(xs).item();
  const M = Math.max(largest, Math.abs(f0)); // scale of the values whose roundoff the checks must absorb

  // Gradient: one tensor per input, with the input's shape (a pytree argument).
  const g = ad.grad(f)(xs) as Tensor[];
  if (!Array.isArray(g) || g.length !== xs.length) return [`grad returned ${g} for ${xs.length} inputs`];
  g.forEach((gi, k) => {
    if (JSON.stringify(gi.shape) !== JSON.stringify(xs[k]!.shape)) bad.push(`grad ${k} has shape [${gi.shape}], input [${xs[k]!.shape}]`);
  });
  const gf = flatAll(g);
  const vf = flatAll(vs);

  // 1. reverse vs forward: ⟨∇f, v⟩ vs J v, relative to Σ|∂ᵢf vᵢ| (the inner product's natural scale).
  const [y, dy] = ad.jvp(f, [xs], [vs]) as [Tensor, Tensor];
  const dot = gf.reduce((s, gi, i) => s + gi * vf[i]!, 0);
  const dotScale = gf.reduce((s, gi, i) => s + Math.abs(gi * vf[i]!), 0);
  const floor = ROUNDOFF * (1 + M) * Math.max(1, vf.reduce((s, v) => s + Math.abs(v), 0));
  if (y.item() !== f0) bad.push(`jvp primal ${y.item()} ≠ f ${f0}`);
  if (!(Math.abs(dy.item() - dot) <= EXACT_TOL * dotScale + floor)) {
    bad.push(`jvp tangent ${dy.item()} vs <grad, v> ${dot} (scale ${dotScale})`);
  }

  // 2. reverse vs centered differences (step H), one coordinate at a time. Tolerance: FD_TOL
  //    relative (floored at 1e-3 of the largest entry), plus roundoff — eps·(1 + M)·(a few) / 2H,
  //    hence 1e-8·(1 + M) — plus the difference's own truncation error, estimated from the
  //    difference at step 2H (error(2H) ≈ 4·error(H)): a library bug moves the derivative, not
  //    that estimate, so only programs whose differences have not converged get more slack.
  const gInf = normInf(gf);
  let flatIndex = 0;
  p.inputs.forEach((inp, k) => {
    for (let j = 0; j < inp.x.length; j++, flatIndex++) {
      const e = p.inputs.map((q, kk) => q.x.map((_, jj) => (kk === k && jj === j ? 1 : 0)));
      const central = (h: number) => (f(shifted(p, e, h)).item() - f(shifted(p, e, -h)).item()) / (2 * h);
      const fd = central(H);
      const truncation = Math.abs(central(2 * H) - fd);
      const gi = gf[flatIndex]!;
      const tol = FD_TOL * (Math.abs(gi) + 1e-3 * gInf) + 1e-8 * (1 + M) + truncation;
      if (!(Math.abs(fd - gi) <= tol)) bad.push(`∂f/∂x${k}[${j}]: reverse ${gi}, finite difference ${fd} (tol ${tol})`);
    }
  });

  // 3. second order along v: hvp vs centered differences of the gradient, and vs reverse-over-reverse.
  const hv = flatAll(ad.hvp(f, xs, vs) as Tensor[]);
  // The difference step is H in x-space along v/‖v‖∞, so its roundoff does not grow as v shrinks.
  const vInf = normInf(vf);
  const step = vInf > 0 ? H / vInf : 0;
  const dirV = p.inputs.map((i) => i.v);
  const gradAt = (s: number) => (vInf > 0 ? flatAll(ad.grad(f)(shifted(p, dirV, s)) as Tensor[]) : gf);
  const [gp, gm, gp2, gm2] = [gradAt(step), gradAt(-step), gradAt(2 * step), gradAt(-2 * step)];
  const vDotGrad = (z: Tensor[]) =>
    (ad.grad(f)(z) as Tensor[]).reduce((s: Tensor, gi, k) => ad.add(s, ad.sum(ad.mul(gi, vs[k]!))), ad.tensor(0));
  const rr = flatAll(ad.grad(vDotGrad)(xs) as Tensor[]);
  const hvInf = normInf(hv);
  hv.forEach((h, i) => {
    const fd = vInf > 0 ? (gp[i]! - gm[i]!) / (2 * step) : 0;
    const truncation = vInf > 0 ? Math.abs((gp2[i]! - gm2[i]!) / (4 * step) - fd) : 0;
    const tol = FD_TOL * (Math.abs(h) + 1e-3 * hvInf) + 1e-8 * (1 + M + gInf) * vInf + truncation;
    if (!(Math.abs(fd - h) <= tol)) bad.push(`(Hv)[${i}]: hvp ${h}, finite difference of grad ${fd} (tol ${tol})`);
    if (!(Math.abs(rr[i]! - h) <= EXACT_TOL * Math.max(Math.abs(h), 1e-3 * hvInf) + floor)) {
      bad.push(`(Hv)[${i}]: hvp ${h}, reverse-over-reverse ${rr[i]}`);
    }
  });
  return bad;
}

export const describeProgram = (p: RandomProgram) =>
  `${p.final}(${show(p.expr)}) with S=[${p.S}], inputs ${JSON.stringify(p.inputs.map((i) => ({ shape: i.shape, x: i.x })))}`;

