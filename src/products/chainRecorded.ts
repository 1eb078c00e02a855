/**
 * @file chainMatmul inside `jit` at first order: its forward and backward kernels recorded as two
 * calls, where the ops form (a matmul and a transpose per factor and step) replayed 600 products
 * one op at a time — jit(valueAndGrad) of 200 factors 32×32 took 2.3× the eager time.
 *
 * The forward call leaves every prefix P_1 … P_{n−1} in one array, which the program carries to the
 * backward call as an ordinary value (the eager tape keeps them in chunks instead); the value is
 * the last of them. Only taken where nothing above the recording differentiates the chain
 * (`recordedAtFirstOrder`): these primitives have no rules of their own. The kernels are the eager
 * path's (../tensor/kernels/chain.ts), so a replay gives the eager bits. Where the cotangent is
 * traced by another transformation (the factors are not), the rule is the ops form over these
 * prefixes.
 *
 * These primitives (the value, the prefixes, the cotangents and one factor's cotangent) live in
 * recorded programs only, as jit's guards and fused rules do: they are not registered (no tape,
 * vmap or ONNX export ever meets them), so the tables of every registered primitive (checkGrad,
 * batching rules, ONNX mappings) do not list them.
 */
import type { Primitive } from '../core/primitive.js';
import { apply } from '../core/trace.js';
import { Tensor } from '../tensor/tensor.js';
import { chainCotangents, chainPrefixesFlat, chainValue, prefixesOf, type Matrix, type OneBuffer } from '../tensor/kernels/chain.js';
import { reshape, slice } from '../ops/shape.js';
import type { ResidentTape } from '../tensor/kernels/chainResident.js';
import { asMatrix, stackedMatrices, type ChainForward } from './chainNode.js';
import { recordedAtFirstOrder } from '../jit/recordTrace.js';

interface Form {
  /** The inputs are one stack [n, s, s] (else one 2-D tensor per factor). */
  readonly stacked: boolean;
}

interface SweepParams extends Form {
  /** Which factors' cotangents to compute (for a stack: all or none). */
  readonly needs: readonly boolean[];
}

/** The factors of the inputs as matrices over their values. */
function matricesOf(inputs: readonly Tensor[], { stacked }: Form): Matrix[] {
  return stacked ? stackedMatrices(inputs[0]!) : inputs.map(asMatrix);
}

/** The chain's value alone (jit of a function that only evaluates it). */
const chainValueP: Primitive<Form> = {
  name: 'chainMatmul.value',
  saves: 'none',
  forward: (inputs, form) => {
    const mats = matricesOf(inputs, form);
    return new Tensor(chainValue(mats), [mats[0]!.rows, mats[mats.length - 1]!.cols]);
  },
  vjp: null,
  jvp: null,
};

/** The chain's value as one recorded call. */
export function recordedValue(xs: readonly Tensor[], stacked: boolean): Tensor {
  return apply(chainValueP, [...xs], { stacked });
}

/**
 * Prefix arrays a replay has finished with, for the next replay's forward call: a fresh array each
 * time (1.6 MB for 200 factors 32×32) made jit(valueAndGrad) of a chain 1.08–1.44 times the eager
 * time, the eager chain reusing its tapes' prefixes (./prefixPool.ts) — its first writes and the
 * collections that much external memory brought (76 full collections in 5 s against 2). Only the
 * program's own reads see these arrays: the chain's value and the traced rule's prefixes are
 * copies (slice), the sweep keeps nothing.
 */
const spareFlats: Float64Array[] = [];
const SPARE_FLATS = 4;

/**
 * The prefix arrays whose inner prefixes are still only in the kernel's memory, with the tape that
 * holds them (chainPrefixesFlat's `leave`): the sweep reads that tape where it is still there, as
 * the eager chain does — copying 200 prefixes out and back in made jit(valueAndGrad) of 200
 * factors 8×8 1.3 times the eager time, 4×4 1.5. When the tape leaves, its prefixes are copied
 * into the array if it is still listed here; an array handed back (`recycle`) is struck off first,
 * so a tape leaving late never writes into an array a later replay has taken.
 */
const lazyTapes = new WeakMap<Float64Array, ResidentTape>();

/** A tape leaving the memory: its prefixes into the array, unless the array was handed back. */
function saveIfListed(tape: ResidentTape, flat: Float64Array, save: () => void): void {
  if (lazyTapes.get(flat) === tape) save();
}

interface PrefixesParams extends Form {
  /** Every entry written at once (no tape left in the kernel's memory): for the traced rule, which reads the prefixes as tensors. */
  readonly written: boolean;
}

/** The prefixes P_1 … P_{n−1} of the factors, one after another in a 1-D tensor (P_1 … P_{n−2} possibly still in a tape: see lazyTapes). */
const chainPrefixesP: Primitive<PrefixesParams> = {
  name: 'chainMatmul.prefixes',
  saves: 'none',
  forward: (inputs, params) => {
    const { flat, tape } = chainPrefixesFlat(matricesOf(inputs, params), spareFlats, params.written ? null : saveIfListed);
    if (tape !== null) lazyTapes.set(flat, tape);
    return new Tensor(flat, [flat.length]);
  },
  vjp: null,
  jvp: null,
  recycle: (out) => {
    lazyTapes.delete(out.values);
    if (spareFlats.length === SPARE_FLATS) spareFlats.shift();
    spareFlats.push(out.values);
  },
};

/** The needed factors' cotangents one after another (in order) in a 1-D tensor, from [...factors, prefixes, g]. */
const chainSweepP: Primitive<SweepParams> = {
  name: 'chainMatmul.cotangents',
  saves: 'none',
  forward: (inputs, params) => {
    const factors = inputs.slice(0, inputs.length - 2), flat = inputs[inputs.length - 2]!, g = inputs[inputs.length - 1]!;
    const mats = matricesOf(factors, params);
    const whole: OneBuffer = { array: null };
    const tape = lazyTapes.get(flat.values);
    const prefixes = tape !== undefined && tape.present ? tape : prefixesOf(mats, flat.values); // a tape gone has saved its prefixes
    const cts = chainCotangents(mats, prefixes, g.values, params.needs, whole);
    if (whole.array !== null) return new Tensor(whole.array, [whole.array.length]);
    const needed = cts.filter((c): c is Float64Array => c !== null);
    const out = new Float64Array(needed.reduce((sum, c) => sum + c.length, 0));
    for (let i = 0, at = 0; i < needed.length; at += needed[i]!.length, i++) out.set(needed[i]!, at);
    return new Tensor(out, [out.length]);
  },
  vjp: null,
  jvp: null,
};

interface PartParams {
  readonly at: number;
  readonly shape: readonly number[];
}

/**
 * One factor's cotangent out of the sweep's array, as a view of it (the eager list form's
 * cotangents are views of one buffer too): a slice and a reshape per factor copied 200 small
 * arrays into buffers of their own on every replay — jit(valueAndGrad) of 200 factors 8×8 as a
 * list took 2.4 times the eager time. Nothing writes into the sweep's array after it is made
 * (jit/programFusion.ts accumulates only into outputs of the calls it knows to be fresh).
 */
const chainPartP: Primitive<PartParams> = {
  name: 'chainMatmul.cotangent',
  saves: 'none',
  forward: ([cts], { at, shape }) => new Tensor(cts!.values.subarray(at, at + shape[0]! * shape[1]!), shape),
  vjp: null,
  jvp: null,
};

/**
 * The rule in ops, for a cotangent that another transformation traces (the factors are constants
 * to it): the chain's formula over the prefixes P_1 … P_{n−2} as tensors (views of the first call's
 * array), differentiated by that transformation as any ops are.
 */
export type TracedChainRule = (g: Tensor, needs: readonly boolean[], prefixes: Tensor[]) => Array<Tensor | null>;

/**
 * The chain of `xs` (one tensor per factor, or one stack) as the two recorded calls: its value, and
 * the rule that pulls a cotangent back through the prefixes the first call left — where the
 * cotangent, too, is only recorded; else `traced` (a gradient of the gradient with respect to
 * something the cotangent depends on, a jvp of the gradient, linearize: the sweep's primitive has
 * no rules, and an outer trace would take it for a constant).
 */
export function recordedForward(xs: readonly Tensor[], stacked: boolean, traced: TracedChainRule): ChainForward {
  const shapes = stacked ? null : xs.map((x) => x.shape);
  const n = stacked ? xs[0]!.shape[0]! : xs.length;
  const rows = stacked ? xs[0]!.shape[1]! : xs[0]!.shape[0]!, cols = stacked ? rows : xs[n - 1]!.shape[1]!;
  const flat = apply(chainPrefixesP, [...xs], { stacked, written: false });
  const total = flat.shape[0]!, size = rows * cols;
  const out = reshape(slice(flat, [total - size], [size]), [rows, cols]);
  const rule = (g: Tensor, needs: readonly boolean[]): Array<Tensor | null> => {
    const factorNeeds = stacked ? new Array<boolean>(n).fill(Boolean(needs[0])) : needs.map(Boolean);
    if (!factorNeeds.some((x) => x)) return xs.map(() => null);
    if (!recordedAtFirstOrder([...xs, g])) {
      // The prefixes read as tensors: an array with every entry written (the first may be in a tape).
      const written = apply(chainPrefixesP, [...xs], { stacked, written: true });
      const prefixes: Tensor[] = [];
      for (let i = 1, at = 0; i < n - 1; i++) {
        const c = stacked ? rows : shapes![i]![1]!;
        prefixes.push(reshape(slice(written, [at], [rows * c]), [rows, c]));
        at += rows * c;
      }
      return traced(g, needs, prefixes);
    }
    const cts = apply(chainSweepP, [...xs, flat, g], { stacked, needs: factorNeeds });
    if (stacked) return [reshape(cts, xs[0]!.shape)];
    let at = 0;
    return factorNeeds.map((need, i) => {
      if (!need) return null;
      const shape = shapes![i]!, length = shape[0]! * shape[1]!;
      const ct = apply(chainPartP, [cts], { at, shape });
      at += length;
      return ct;
    });
  };
  return { out, rule, residuals: [flat] };
}
