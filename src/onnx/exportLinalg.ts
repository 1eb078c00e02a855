/**
 * @file ONNX forms of matmul, logMatmul and the convolutions.
 *
 * matmul is MatMul (NumPy batch broadcasting, as adjoint's), with a Transpose of the last two axes
 * for a transposed operand. The convolutions are written as adjoint computes them, by im2col:
 * ONNX Runtime's CPU Conv has no float64 kernel, and one index table serves all three. Column
 * (p, k) of the patch matrix reads input position o_d·s_d + k_d·r_d − lo_d per spatial axis d
 * (output position p = (o_d), kernel offset k = (k_d), stride s, dilation r, padding lo), or a
 * zero appended after the input where that falls outside it. Then
 *   conv:          y = W · cols(x)                    (Gather, then MatMul per group)
 *   convWeight:    dW = Σ_batch g · cols(x)ᵀ
 *   convTranspose: x̄ = col2im(Wᵀ · g)                 (ScatterElements with reduction 'add')
 * Shapes: x [N, C_in, …in], w [C_out, C_in/G, …kernel], y [N, C_out, …out].
 */
import { rules, type GraphBuilder, type Lowering, type Operand } from './graph.js';
import { product, type ConvGeometry } from '../tensor/kernels/im2col.js';
import { logsumexp } from './exportReduce.js';

const swapLast = (g: GraphBuilder, x: Operand) => {
  const perm = x.shape.map((_, k) => k);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return g.node('Transpose', [x.name], { perm });
};

const matmul: Lowering<{ transA: boolean; transB: boolean }> = (g, [a, b], { transA, transB }) =>
  g.node('MatMul', [transA ? swapLast(g, a!) : a!.name, transB ? swapLast(g, b!) : b!.name]);

/**
 * logMatmul(a, b) as its definition, logsumexp over j of a[…, i, j, 1] + b[…, 1, j, k] (Add
 * broadcasts the batch axes as adjoint does; a Transpose first under transA), with logsumexp's own form: a [m, k, n] tensor per
 * batch entry where adjoint's kernel takes a matmul of shifted exponentials; equal to rounding.
 */
const logMatmul: Lowering<{ transA: boolean }> = (g, [a, b], { transA }, out) => {
  const k = b!.shape[b!.shape.length - 2]!;
  const opA = transA ? swapLast(g, a!) : a!.name;
  const aShape = [...a!.shape.slice(0, -2), out[out.length - 2]!, k];
  const terms = g.node('Add', [g.reshape(opA, [...aShape, 1]), g.reshape(b!.name, [...b!.shape.slice(0, -2), 1, ...b!.shape.slice(-2)])]);
  const rank = out.length + 1;
  return logsumexp(g, [{ name: terms, shape: [...out.slice(0, -1), k, out[out.length - 1]!] }], { axes: [rank - 2], keepdims: false }, out);
};

/** Per (output position, kernel offset), row-major, the flat input position it reads, or S (the appended zero). */
function patchIndex(geo: ConvGeometry): number[] {
  const { inSize, kernel, outSize, stride, dilation, padLo } = geo;
  const S = product(inSize), P = product(outSize), K = product(kernel), d = inSize.length;
  const index = new Array<number>(P * K);
  const o = new Array<number>(d).fill(0), k = new Array<number>(d).fill(0);
  for (let p = 0; p < P; p++) {
    for (let r = p, j = d - 1; j >= 0; j--) { o[j] = r % outSize[j]!; r = Math.floor(r / outSize[j]!); }
    for (let q = 0; q < K; q++) {
      for (let r = q, j = d - 1; j >= 0; j--) { k[j] = r % kernel[j]!; r = Math.floor(r / kernel[j]!); }
      let flat = 0, inside = true;
      for (let j = 0; j < d && inside; j++) {
        const pos = o[j]! * stride[j]! + k[j]! * dilation[j]! - padLo[j]!;
        inside = pos >= 0 && pos < inSize[j]!;
        flat = flat * inSize[j]! + pos;
      }
      index[p * K + q] = inside ? flat : S;
    }
  }
  return index;
}

/** Sizes of one geometry: batch N, groups G, per-group channels, positions P, kernel offsets K, input size S. */
function sizes(geo: ConvGeometry, n: number, cin: number, cout: number) {
  const G = geo.groups;
  return { N: n, G, ci: cin / G, co: cout / G, P: product(geo.outSize), K: product(geo.kernel), S: product(geo.inSize) };
}

/** cols(x): [N, G, P, ci·K], the patches of each group's channels. */
function columns(g: GraphBuilder, x: Operand, geo: ConvGeometry, index: string, s: ReturnType<typeof sizes>): string {
  const flat = g.reshape(x.name, [s.N, s.G * s.ci, s.S]);
  const padded = g.node('Pad', [flat, g.ints([0, 0, 0, 0, 0, 1])]);
  const patches = g.node('Gather', [padded, index], { axis: 2 }); // [N, C_in, P·K]
  const grouped = g.reshape(patches, [s.N, s.G, s.ci, s.P, s.K]);
  return g.reshape(g.node('Transpose', [grouped], { perm: [0, 1, 3, 2, 4] }), [s.N, s.G, s.P, s.ci * s.K]);
}

/** w as [G, co, ci·K]. */
const weights = (g: GraphBuilder, w: Operand, s: ReturnType<typeof sizes>) => g.reshape(w.name, [s.G, s.co, s.ci * s.K]);

const conv: Lowering<ConvGeometry> = (g, [x, w], geo, out) => {
  const s = sizes(geo, x!.shape[0]!, x!.shape[1]!, w!.shape[0]!);
  const cols = columns(g, x!, geo, g.ints(patchIndex(geo)), s);
  const wt = g.node('Transpose', [weights(g, w!, s)], { perm: [0, 2, 1] }); // [G, ci·K, co]
  const y = g.node('MatMul', [cols, wt]); // [N, G, P, co]
  return g.reshape(g.node('Transpose', [y], { perm: [0, 1, 3, 2] }), out);
};

const convWeight: Lowering<ConvGeometry> = (g, [x, gy], geo, out) => {
  const s = sizes(geo, x!.shape[0]!, x!.shape[1]!, gy!.shape[1]!);
  const cols = columns(g, x!, geo, g.ints(patchIndex(geo)), s);
  const gr = g.reshape(gy!.name, [s.N, s.G, s.co, s.P]);
  const dw = g.node('ReduceSum', [g.node('MatMul', [gr, cols]), g.ints([0])], { keepdims: 0 }); // [G, co, ci·K]
  return g.reshape(dw, out);
};

const convTranspose: Lowering<ConvGeometry> = (g, [gy, w], geo, out) => {
  const s = sizes(geo, gy!.shape[0]!, w!.shape[1]! * geo.groups, gy!.shape[1]!);
  const gr = g.node('Transpose', [g.reshape(gy!.name, [s.N, s.G, s.co, s.P])], { perm: [0, 1, 3, 2] }); // [N, G, P, co]
  const cols = g.node('MatMul', [gr, weights(g, w!, s)]); // [N, G, P, ci·K]
  const split = g.node('Transpose', [g.reshape(cols, [s.N, s.G, s.P, s.ci, s.K])], { perm: [0, 1, 3, 2, 4] });
  const patches = g.reshape(split, [s.N, s.G * s.ci, s.P * s.K]);
  const index = g.node('Expand', [g.ints(patchIndex(geo), [1, 1, s.P * s.K]), g.ints([s.N, s.G * s.ci, s.P * s.K])]);
  const summed = g.node('ScatterElements', [g.zeros([s.N, s.G * s.ci, s.S + 1]), index, patches], { axis: 2, reduction: 'add' });
  const inside = g.node('Slice', [summed, g.ints([0]), g.ints([s.S]), g.ints([2])]);
  return g.reshape(inside, out);
};

export const linalgRules = rules({
  matmul,
  logMatmul,
  conv,
  convWeight,
  convTranspose,
});
