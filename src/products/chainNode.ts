/** @file One tape node for a whole chain product: the forward pass keeps the prefix products, the node's rule pulls the cotangent back through them. */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { live, ReverseTrace, topTrace, unbox } from '../core/trace.js';
import { retainBytes, retainResidual, type Holder } from '../core/memory.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Matrix } from '../tensor/kernels/chain.js';

/** A chain's backward rule: input cotangents (null where not needed) from the output's cotangent. */
export type ChainRule = (g: Tensor, needs: readonly boolean[]) => Array<Tensor | null>;

interface ChainParams { readonly rule: ChainRule }

/**
 * A primitive that is only ever recorded, never applied: each call's rule travels in its params
 * (as customVjp's does), closing over that call's prefix products.
 */
export function chainPrimitive(name: string): Primitive<ChainParams> {
  return definePrimitive<ChainParams>({
    name,
    saves: 'none',
    forward: () => {
      throw new Error(`${name}: internal, recorded by its function and never run as a kernel`);
    },
    vjp: (g, _r, { rule }, needs) => rule(g, needs),
    jvp: null,
  });
}

/** What a chain computes at the innermost reverse level: its value, and the rule for its node. */
export interface ChainForward {
  readonly out: Tensor;
  readonly rule: ChainRule;
  /** What the rule keeps alive (the prefix products), counted in `ad.memoryStats()`. */
  readonly residuals: readonly Tensor[];
  /** Further bytes the rule keeps alive in buffers of its own (prefixes held as plain arrays). */
  readonly residualBytes?: number;
}

/**
 * Runs a chain product on `xs`. Under a reverse-mode trace the whole chain becomes one node of
 * that trace: `forward` runs on the arguments one level down (so outer levels, if any, record
 * its products as ordinary ops and differentiate them, and the rule's ops, as usual) and returns
 * the value with the rule; it is given the holder of that trace's residuals, released when the
 * tape can no longer be pulled back (./prefixPool.ts). Otherwise (plain values, or forward mode innermost) `evaluate` runs.
 * If `forward`'s value still depends on the innermost trace — the user's operator closes over a
 * tensor being differentiated there — the chain is evaluated as ordinary ops instead, so that
 * dependence is differentiated too.
 */
export function runChain(
  prim: Primitive<ChainParams>,
  xs: readonly Tensor[],
  evaluate: (xs: Tensor[]) => Tensor,
  forward: (inner: Tensor[], holder: Holder) => ChainForward,
): Tensor {
  const args = [...xs];
  const top = topTrace(args);
  if (!(top instanceof ReverseTrace)) return evaluate(args);
  const inner = args.map((x) => unbox(x, top));
  const { out, rule, residuals, residualBytes = 0 } = forward(inner, top.memory);
  if (live(out).trace === top) return evaluate(args);
  for (const r of residuals) retainResidual(top.memory, top.level, top.since, r);
  if (residualBytes > 0) retainBytes(top.memory, residualBytes);
  return top.record(prim, { rule }, args, out);
}

/** A plain 2-D tensor as a chain kernel's matrix (../tensor/kernels/chain.ts). */
export const asMatrix = (t: Tensor): Matrix => ({ data: t.values, at: 0, rows: t.shape[0]!, cols: t.shape[1]! });

/** The factors of a plain stack [n, s, s] as matrices in its buffer. */
export function stackedMatrices(stackT: Tensor): Matrix[] {
  const [n, s] = stackT.shape as [number, number, number];
  const data = stackT.values, ss = s * s;
  const mats = new Array<Matrix>(n);
  for (let i = 0; i < n; i++) mats[i] = { data, at: i * ss, rows: s, cols: s };
  return mats;
}
