/**
 * @file A third, adversarial review of the neural-network ops (helper 108) — conv, convTranspose,
 * the pools, the normalisations, dotProductAttention, the activations at their kinks, and
 * softmax/logSoftmax/logsumexp with infinite entries — against PyTorch 1.13 float64 autograd, and
 * JAX's documented semantics where adjoint follows JAX. The first two reviews and test/conv*,
 * pooling, normalization, attention and activations cover other ground (loops, checkGrad, vmap,
 * jit, ONNX); here every case is PyTorch's own numbers, to second order.
 *
 * Oracle. The numbers below were computed once by a script run with /usr/bin/python3 (torch
 * 1.13, torch.set_default_dtype(float64)), pasted as literals. Its gist:
 *
 *   seq(shape, salt)[i] = ((i·7919 + 31·salt) mod 1009)/64 − 8        (exact binary fractions)
 *   W(shape, salt)[j]   = ((j·13 + 5 + 7·salt) mod 17)/4 − 2          (contraction weights)
 *   ⟨t, s⟩              = Σ t · W(t.shape, s)
 *   inputs  conv: x = seq(x, 1)/8, w = seq(w, 2)/8, b = seq([out], 3)/8;  norms: seq(shape, 11 + i)/4;
 *           attention: seq(shape, 21 + i)/8;  pools: seq(x, salt)
 *   L  = ⟨φ(f(inputs)), 0⟩ with φ = tanh (conv, attention) or sin (norms), g = torch.autograd.grad(L,
 *        inputs, create_graph=True), L2 = Σᵢ ⟨gᵢ, 4 + i⟩, h = torch.autograd.grad(L2, inputs)
 *   value = [⟨y, 1⟩, ⟨y, 2⟩], grad = [⟨gᵢ, 3⟩], second = [⟨hᵢ, 6⟩]
 *   f: F.conv1d/2d/3d (explicit [before, after] pads by F.pad first), F.conv_transpose1d/2d/3d;
 *      F.max_pool*, F.avg_pool*, F.adaptive_*_pool* (asymmetric or 'same' padding by F.pad with −∞
 *      or 0; countIncludePad false as Σ pool(F.pad(x)) / Σ pool(F.pad(ones)), flax's count);
 *      F.layer_norm, F.group_norm, F.batch_norm; attention in torch ops as jax.nn.dot_product_attention
 *      defines it (einsum, × scale, + bias, masked logits −0.7·float32 max, softmax, einsum).
 * Pools compare whole arrays (value and the gradient of ⟨y, 0⟩). Second derivatives are also taken
 * forward over reverse (jvp of grad along W(·, 4 + i)), which must give the same h.
 *
 * Deliberate differences from PyTorch, where adjoint follows JAX (asserted as JAX's below):
 * hardTanh′(±1) = 1 (torch 0), leakyRelu′(0) = 1 (torch: the slope), hardSwish′(−3, 3) = 0, 1
 * (torch −0.5, 1.5), elu″/celu″/selu″ at 0 from the left branch (α, 1/α, λα; torch 0), softplus
 * without a threshold (softplus(30) = 30 + e⁻³⁰, torch 30), gelu's default is the tanh form,
 * a fully masked attention row is the mean of the values (torch's SDPA: NaN), logsumexp of an
 * all −∞ row has gradient 0 and of a row with +∞ entries 1/k on them (torch and JAX: NaN).
 *
 * Regressions found here (each fails on the code before its fix):
 * - batchNorm in training mode refused an empty batch ([0, C] or [N, C, 0]) with "has 1 value per
 *   channel"; PyTorch refuses exactly one value per channel and returns an empty result otherwise.
 * - dotProductAttention with head dimension H = 0 threw "scale must be a finite number, got
 *   undefined" (its default 1/√0); the result [..., T, N, 0] is empty, as PyTorch's and JAX's.
 * - logsumexp(add(a, b), axis) over an outer sum runs as logMatmul (ops/outerSum.ts), whose rules
 *   missed logsumexp's +∞ limit (1/count on the terms at +∞, 0 elsewhere): with a +∞ entry its
 *   gradient was NaN — for every entry the +∞ row or column met in the fused first-order kernel
 *   (0 · ∞ in the real matmuls), and at the +∞ outputs in the generic rule (jvp, second order) —
 *   where the same logsumexp written without the fast path gave the limit.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const seq = (shape: readonly number[], salt = 0): Tensor =>
  ad.tensor(Float64Array.from({ length: numel(shape) }, (_, i) => ((i * 7919 + 31 * salt) % 1009) / 64 - 8), [...shape]);
const W = (shape: readonly number[], salt = 0): Tensor =>
  ad.tensor(Float64Array.from({ length: numel(shape) }, (_, j) => ((j * 13 + 5 + 7 * salt) % 17) / 4 - 2), [...shape]);
const dot = (t: Tensor, salt: number): Tensor => ad.sum(ad.mul(t, W(t.shape, salt)));
const arr = (t: Tensor) => Array.from(t.toFloat64Array());

/** Entrywise |got − want| ≤ tol·(1 + |want|); NaN for NaN and ±∞ exactly. */
function close(got: readonly number[], want: readonly number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i]!;
    if (Number.isNaN(w)) expect(g, `${what}[${i}]`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `${what}[${i}]`).toBe(w);
    else expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
  });
}

type Fn = (...a: Tensor[]) => Tensor;
/** The checksums the reference script takes: value, first order, reverse-over-reverse and forward-over-reverse second order. */
function checksums(f: Fn, inputs: Tensor[], phi: (t: Tensor) => Tensor, second = true) {
  const idx = inputs.map((_, i) => i);
  const L = (...a: Tensor[]) => dot(phi(f(...a)), 0);
  const y = f(...inputs);
  const gs = ad.grad(L, idx)(...inputs) as Tensor[];
  const out = { shape: y.shape, value: [dot(y, 1).item(), dot(y, 2).item()], grad: gs.map((g) => dot(g, 3).item()), second: [] as number[], forward: [] as number[] };
  if (!second) return out;
  const L2 = (...a: Tensor[]) => (ad.grad(L, idx)(...a) as Tensor[]).map((g, i) => dot(g, 4 + i)).reduce((p, q) => ad.add(p, q));
  out.second = (ad.grad(L2, idx)(...inputs) as Tensor[]).map((h) => dot(h, 6).item());
  const [, hv] = ad.jvp((...a: Tensor[]) => ad.grad(L, idx)(...a) as Tensor[], inputs, inputs.map((t, i) => W(t.shape, 4 + i)));
  out.forward = (hv as Tensor[]).map((h) => dot(h, 6).item());
  return out;
}

// ---- PyTorch 1.13 reference numbers (see the file comment) ----------------------------------------
const CONV = [
  { name: "1-d stride 2, padding 3, dilation 2, groups 2", transpose: false, x: [2, 4, 11], w: [6, 2, 3], options: { stride: 2, padding: 3, dilation: 2, groups: 2 }, bias: true, outShape: [2, 6, 7], value: [5.582286834716797, -0.6678123474121094], grad: [6.094731780467488, 45.88789111164829, -5.334104102660691], second: [12.990242479965994, -6.149445351966069, -11.223859451125172] },
  { name: "1-d 'same', even kernel 4 (extra pad after)", transpose: false, x: [2, 3, 7], w: [2, 3, 4], options: { padding: "same" }, bias: true, outShape: [2, 2, 7], value: [0.7927284240722656, -18.043089866638184], grad: [4.206622633133384, 4.093239769036819, -2.7473084270359545], second: [-18.305011685763887, -35.30058625432882, 3.3602092131139374] },
  { name: "2-d 'same', kernel [4, 3], dilation [1, 2]", transpose: false, x: [1, 2, 6, 7], w: [3, 2, 4, 3], options: { padding: "same", dilation: [1, 2] }, bias: true, outShape: [1, 3, 6, 7], value: [-9.632376670837402, 1.5815134048461914], grad: [-38.81640067936001, -1.7223237188680844, -3.8452952837321974], second: [-5.959039286590603, -14.28224397723536, -1.6214307337069185] },
  { name: "2-d 'valid', stride [3, 2]", transpose: false, x: [2, 2, 8, 7], w: [3, 2, 3, 2], options: { padding: "valid", stride: [3, 2] }, bias: true, outShape: [2, 3, 2, 3], value: [2.4854822158813477, -13.641633033752441], grad: [0.05229003178227032, 10.08199519748219, 3.5642676853633084], second: [1.587414505826743, -22.958391424173996, 3.811775067202193] },
  { name: "2-d explicit pads [[2, 0], [1, 3]], stride 2", transpose: false, x: [2, 2, 5, 6], w: [2, 2, 3, 3], options: { padding: [[2, 0], [1, 3]], stride: 2 }, bias: true, outShape: [2, 2, 3, 4], value: [-1.9560518264770508, -5.592247009277344], grad: [3.485363914009623, 10.793648178981737, 0.0633852494485499], second: [8.6267375600372, -29.095521690155337, 0.8695373606279868] },
  { name: "2-d depthwise, channel multiplier 2 (groups = in = 3)", transpose: false, x: [2, 3, 5, 5], w: [6, 1, 3, 3], options: { groups: 3, padding: 1 }, bias: true, outShape: [2, 6, 5, 5], value: [31.535265922546387, 0.7239799499511719], grad: [-25.200334203081283, 12.746769474396313, 4.829538549264122], second: [-11.551687363658829, 53.44269925234316, -56.17114807809536] },
  { name: "2-d batch 1, kernel 5×4 larger than the 3×2 input, padding [2, 2]", transpose: false, x: [1, 2, 3, 2], w: [2, 2, 5, 4], options: { padding: [2, 2] }, bias: true, outShape: [1, 2, 3, 3], value: [11.879746437072754, -7.749783515930176], grad: [4.4959363424259635, -2.544405803905085, -1.0315680581019602], second: [12.415459053829252, 4.463758979827897, 0.2777653720355538] },
  { name: "3-d stride [1, 2, 2], padding [1, 0, 1], dilation [2, 1, 1], groups 2", transpose: false, x: [1, 4, 5, 4, 5], w: [4, 2, 2, 2, 3], options: { stride: [1, 2, 2], padding: [1, 0, 1], dilation: [2, 1, 1], groups: 2 }, bias: true, outShape: [1, 4, 5, 2, 3], value: [-2.660533905029297, 12.048380851745605], grad: [21.121058277098143, -7.636297595662905, -5.443060559625994], second: [53.51928649429419, 35.96522991154451, -6.482155395698367] },
  { name: "3-d explicit asymmetric pads, no bias", transpose: false, x: [2, 1, 3, 4, 3], w: [2, 1, 2, 3, 2], options: { padding: [[0, 1], [2, 0], [1, 1]] }, bias: false, outShape: [2, 2, 3, 4, 4], value: [-37.8087854385376, 0.4339284896850586], grad: [1.9673630131500168, -11.608958717224109], second: [13.693743404424103, -50.45729604150725] },
  { name: "transpose 1-d stride 3, padding 2, outputPadding 2, dilation 2, groups 2", transpose: true, x: [2, 4, 5], w: [4, 3, 3], options: { stride: 3, padding: 2, outputPadding: 2, dilation: 2, groups: 2 }, bias: true, outShape: [2, 6, 15], value: [-10.510890007019043, 8.557511329650879], grad: [-3.341959029011454, -5.323120608902596, -1.412054764068832], second: [21.71571702233081, -48.1585564913923, 4.355149322468117] },
  { name: "transpose 1-d outputPadding 2 < dilation 3 at stride 1", transpose: true, x: [1, 2, 4], w: [2, 2, 3], options: { outputPadding: 2, dilation: 3 }, bias: true, outShape: [1, 2, 12], value: [8.417593002319336, -1.218801498413086], grad: [2.5177230879276844, -1.4811290645049124, 0.6162386618823519], second: [-1.7265046637693073, -6.376335059816426, 8.85479043028491] },
  { name: "transpose 2-d stride [2, 1], padding [1, 0], outputPadding [1, 0], dilation [1, 2], groups 3", transpose: true, x: [2, 3, 4, 3], w: [3, 2, 3, 2], options: { stride: [2, 1], padding: [1, 0], outputPadding: [1, 0], dilation: [1, 2], groups: 3 }, bias: true, outShape: [2, 6, 8, 5], value: [-13.050095558166504, 0.7014923095703125], grad: [-13.60058964319796, -5.180960960915827, 16.716690533500927], second: [-73.15454497392219, -105.98730298398549, 34.412525820462356] },
  { name: "transpose 2-d depthwise (groups = in = out = 4), stride 2, padding 1", transpose: true, x: [1, 4, 3, 3], w: [4, 1, 4, 4], options: { groups: 4, stride: 2, padding: 1 }, bias: true, outShape: [1, 4, 6, 6], value: [-0.022566795349121094, -8.783785820007324], grad: [-10.63832637058831, -13.363769022199765, 8.87160754623293], second: [42.6378333172011, 26.283539479690358, 7.414745295540855] },
  { name: "transpose 2-d padding larger than the kernel reach, batch 1", transpose: true, x: [1, 2, 6, 6], w: [2, 1, 2, 3], options: { padding: [2, 1] }, bias: true, outShape: [1, 1, 3, 6], value: [1.377394676208496, -8.249249458312988], grad: [-15.627339165930982, -6.012435575390253, -0.024553617354306834], second: [64.18105313876342, -50.927882766463654, -2.9483190569506568] },
  { name: "transpose 3-d stride 2, outputPadding [1, 0, 1], no bias", transpose: true, x: [1, 2, 2, 3, 2], w: [2, 2, 3, 2, 3], options: { stride: 2, outputPadding: [1, 0, 1] }, bias: false, outShape: [1, 2, 6, 6, 6], value: [18.95638370513916, -14.36955738067627], grad: [6.499968528424819, 11.449824000888789], second: [-38.835748857881526, -80.96556914322113] },
  { name: "1-d stride 4 > kernel 2 (inputs skipped), padding 4 > kernel (outputs of padding only)", transpose: false, x: [2, 2, 9], w: [3, 2, 2], options: { stride: 4, padding: 4 }, bias: true, outShape: [2, 3, 4], value: [0.35883522033691406, 6.08266544342041], grad: [2.522517060427412, 10.658203177647955, -3.6898331719253035], second: [-3.4999070346717636, -20.045666612921984, 1.7719165026636776] },
  { name: "2-d 1×1 pointwise, groups 2, stride 2", transpose: false, x: [1, 4, 5, 4], w: [6, 2, 1, 1], options: { groups: 2, stride: 2 }, bias: true, outShape: [1, 6, 3, 2], value: [0.7108545303344727, -8.11635684967041], grad: [-1.9474604277166137, 4.289873756987846, 4.244248606995018], second: [5.3581641329921705, 0.14883395882713923, -2.569245963016576] },
  { name: "transpose 1-d stride 3 > kernel 1 (gaps of bias), outputPadding 2", transpose: true, x: [2, 2, 4], w: [2, 3, 1], options: { stride: 3, outputPadding: 2 }, bias: true, outShape: [2, 3, 12], value: [8.486676216125488, -0.9487028121948242], grad: [-1.9738889965372648, 0.6684387285658877, 2.9455246258740955], second: [0.3885533868397748, -0.9186062496759181, 5.364258381411916] },
  { name: "transpose 2-d kernel 1×1, dilation 3, padding 0, stride [1, 2]", transpose: true, x: [1, 3, 3, 2], w: [3, 2, 1, 1], options: { dilation: 3, stride: [1, 2] }, bias: true, outShape: [1, 2, 3, 3], value: [2.746988296508789, -2.855221748352051], grad: [-0.12741698737116458, -1.6034708344964734, 0.8822483023175893], second: [-11.717546425172841, -0.6774651713868038, 2.6610196845223606] },
  { name: "2-d large (cut into runs of output rows), groups 2, stride [1, 2], dilation [2, 1], pads [[1, 2], [3, 0]]", transpose: false, x: [2, 4, 120, 500], w: [4, 2, 3, 7], options: { groups: 2, stride: [1, 2], dilation: [2, 1], padding: [[1, 2], [3, 0]] }, bias: true, outShape: [2, 4, 119, 249], value: [-179.14136123657227, 54.73745059967041], grad: [-213.60957239374724, -407.43033450974974, 92.78597098391494], second: [1817.581818740469, 3651.9469789287323, -204.82747602652344] },
  { name: "transpose 2-d large (runs of rows), groups 2, stride [2, 3], dilation [1, 2], padding [1, 2], outputPadding [1, 2]", transpose: true, x: [1, 4, 250, 120], w: [4, 3, 3, 4], options: { groups: 2, stride: [2, 3], dilation: [1, 2], padding: [1, 2], outputPadding: [1, 2] }, bias: true, outShape: [1, 6, 500, 362], value: [112.15358066558838, -6.072427749633789], grad: [-278.9573575274852, -348.27248446910596, 58.155574614356524], second: [2343.135721037949, -2216.8253604030206, -1027.9869923072713] },
] as const;

const POOL = [
  { name: "max 1-d overlapping windows (stride 1) with ties", op: "max", x: [1, 1, 8], salt: 0, window: [3], options: { stride: 1 }, outShape: [1, 1, 6], value: [5.375, 5.375, 2.984375, 0.59375, -1.796875, 6.796875], grad: [0, -2.5, 1.5, 0.5, -0.5, 0, 0, -1.5] },
  { name: "max 2-d dilation 2, stride 2, padding 1, ceil", op: "max", x: [1, 2, 8, 7], salt: 5, window: [3, 2], options: { stride: 2, padding: 1, dilation: 2, ceilMode: true }, outShape: [1, 2, 4, 4], value: [6.828125, 6.828125, 2.046875, -2.734375, 6.828125, 6.828125, 2.046875, -2.734375, 4.890625, 4.890625, 7.21875, 7.21875, 2.953125, 2.953125, 7.21875, 7.21875, -0.921875, -0.921875, 5.28125, 5.28125, -0.921875, 6.1875, 6.1875, 5.28125, -2.859375, 6.1875, 6.1875, 3.34375, -4.796875, 6.1875, 6.1875, 1.40625], grad: [0, 0, 0, 0, 0, 0, 0, 0, -4.5, 0, 3.25, 0, 1.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, -4.5, 0, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  { name: "max 2-d 'same' stride 1, even window 4×2 (pads 1+2, 0+1)", op: "max", x: [1, 1, 5, 4], salt: 5, window: [4, 2], options: { stride: 1, padding: "same" }, outShape: [1, 1, 5, 4], value: [6.828125, 5.40625, 5.40625, 3.015625, 6.828125, 5.40625, 5.859375, 5.859375, 6.828125, 4.4375, 5.859375, 5.859375, 6.828125, 4.4375, 5.859375, 5.859375, 3.46875, 1.078125, 5.859375, 5.859375], grad: [0, 0, -1.75, 0.5, 0, 0, 0, 0, -1.5, -2.25, 0, 0, 0, 0, 0, 4.5, 0.25, -0.75, 0, 0] },
  { name: "avg 2-d 'same' stride 2, countIncludePad false (flax's count)", op: "avg", x: [1, 2, 5, 6], salt: 5, window: [3, 2], options: { stride: 2, padding: "same", countIncludePad: false }, outShape: [1, 2, 3, 3], value: [-6.062500000000001, 4.921875, 0.140625, -3.9296875, 1.7994791666666667, 2.2734375, -1.7968750000000002, -2.63671875, 4.40625, 1.046875, -3.7343750000000004, 3.30859375, 3.1796875, -1.6015625, -3.7552083333333335, 5.3125, 0.5312500000000001, -4.250000000000001], grad: [-0.1875, -0.1875, -0.4375, -0.4375, 0.375, 0.375, -0.10416666666666667, -0.10416666666666667, -0.5208333333333334, -0.5208333333333334, 0.125, 0.125, 0.08333333333333333, 0.08333333333333333, -0.08333333333333333, -0.08333333333333333, -0.25, -0.25, 0.5208333333333334, 0.5208333333333334, 0.10416666666666667, 0.10416666666666667, -0.3125, -0.3125, 0.4375, 0.4375, 0.1875, 0.1875, -0.0625, -0.0625, -0.3125, -0.3125, 0.5, 0.5, 0.25, 0.25, -0.3125, -0.3125, 0.33333333333333337, 0.33333333333333337, -0.08333333333333331, -0.08333333333333331, 0, 0, -0.16666666666666666, -0.16666666666666666, -0.3333333333333333, -0.3333333333333333, 0.3125, 0.3125, -0.10416666666666666, -0.10416666666666666, -0.5208333333333333, -0.5208333333333333, 0.3125, 0.3125, 0.0625, 0.0625, -0.1875, -0.1875] },
  { name: "avg 1-d explicit pads [[2, 0]] counted, stride 2", op: "avg", x: [2, 1, 6], salt: 5, window: [3], options: { stride: 2, padding: [[2, 0]] }, outShape: [2, 1, 3], value: [-1.859375, -2.7135416666666665, 3.015625, -1.3854166666666667, -1.2916666666666667, 4.4375], grad: [-0.8333333333333334, -0.5833333333333334, -0.08333333333333337, 0.5, 0.5, 0, 0, -0.16666666666666666, -0.6666666666666666, -0.5, -0.5, 0] },
  { name: "avg 1-d explicit pads [[0, 2]] not counted", op: "avg", x: [1, 2, 5], salt: 5, window: [3], options: { stride: 1, padding: [[0, 2]], countIncludePad: false }, outShape: [1, 2, 5], value: [-2.7135416666666665, 0.15104166666666666, 3.015625, 1.8203125000000002, 0.6250000000000001, -4.15625, -1.2916666666666667, 1.5729166666666667, 5.632812500000001, 4.437500000000001], grad: [-0.25, -0.8333333333333334, -0.33333333333333337, 0.16666666666666663, 0.25, -0.5, 0.08333333333333337, 0.33333333333333337, 0.7083333333333334, -1.125] },
  { name: "avg 3-d ceil, padding 1, counted", op: "avg", x: [1, 1, 5, 4, 4], salt: 5, window: [2, 3, 2], options: { stride: [2, 2, 3], padding: 1, ceilMode: true }, outShape: [1, 1, 3, 3, 2], value: [-0.4127604166666667, -0.19010416666666666, 0.3932291666666667, -0.8880208333333334, -0.341796875, -0.20703125, -0.24348958333333334, 0.7838541666666666, -0.3111979166666667, -1.34375, 0.73828125, -1.51171875, 0.5325520833333334, 1.0221354166666667, -0.4609375, 0.984375, -0.650390625, -0.34765625], grad: [-0.0625, 0, -0.14583333333333334, -0.14583333333333334, 0.0625, 0, -0.10416666666666669, -0.10416666666666669, 0.125, 0, 0.041666666666666664, 0.041666666666666664, 0.0625, 0, -0.14583333333333334, -0.14583333333333334, 0.14583333333333334, 0, 0.0625, 0.0625, 0.125, 0, -0.04166666666666667, -0.04166666666666667, -0.020833333333333332, 0, -0.10416666666666667, -0.10416666666666667, 0.22916666666666666, 0, 0.02083333333333333, 0.02083333333333333, 0.14583333333333334, 0, 0.0625, 0.0625, 0.125, 0, -0.04166666666666667, -0.04166666666666667, -0.020833333333333332, 0, -0.10416666666666667, -0.10416666666666667, 0.22916666666666666, 0, 0.02083333333333333, 0.02083333333333333, 0, 0, -0.08333333333333333, -0.08333333333333333, -0.16666666666666666, 0, 0.020833333333333343, 0.020833333333333343, -0.16666666666666666, 0, 0.10416666666666667, 0.10416666666666667, -0.13541666666666666, 0, 0.010416666666666671, 0.010416666666666671, 0, 0, -0.08333333333333333, -0.08333333333333333, -0.16666666666666666, 0, 0.020833333333333343, 0.020833333333333343, -0.16666666666666666, 0, 0.10416666666666667, 0.10416666666666667, -0.13541666666666666, 0, 0.010416666666666671, 0.010416666666666671] },
  { name: "adaptive max 1-d 5 → 3 (bins overlap at 1 and 3), ties", op: "adaptiveMax", x: [1, 1, 5], salt: 7, window: [3], options: {  }, outShape: [1, 1, 3], value: [-4.609375, 6.375, 3.984375], grad: [-0.75, 0, -1.75, 1.5, 0] },
  { name: "adaptive max 2-d 3×4 → 5×3 (upsampling rows)", op: "adaptiveMax", x: [1, 2, 3, 4], salt: 5, window: [5, 3], options: {  }, outShape: [1, 2, 5, 3], value: [-5.578125, 5.40625, 5.40625, 0.625, 5.40625, 5.40625, 0.625, -1.765625, -4.15625, 6.828125, 4.4375, 2.046875, 6.828125, 4.4375, 2.046875, -2.734375, -5.125, 5.859375, 3.46875, 1.078125, 5.859375, 3.46875, 1.078125, -1.3125, 7.28125, 7.28125, 4.890625, 7.28125, 7.28125, 4.890625], grad: [-0.75, 0, -2.25, 0, 2.25, 0.75, -0.25, 0, -1.25, 1, -1, 0, 1.25, 0.25, 0, -0.25, -2.25, 0, 1.75, 0, 0, 3.5, -1.25, 0] },
  { name: "adaptive avg 2-d 9×7 → 4×5", op: "adaptiveAvg", x: [1, 1, 9, 7], salt: 5, window: [4, 5], options: {  }, outShape: [1, 1, 4, 5], value: [-2.4869791666666665, 3.0052083333333335, 2.046875, -1.5390625, -3.9296875, 3.4583333333333335, 3.6953125, 0.109375, -3.4765625, -3.2395833333333335, 4.1484375, 1.7578125, -1.828125, -5.4140625, 0.078125, 2.2109375, -0.1796875, -3.765625, -2.0963541666666665, 3.3958333333333335], grad: [-0.125, -0.4166666666666667, -0.12500000000000003, 0.16666666666666666, 0.25, 0, -0.08333333333333333, -0.125, -0.4166666666666667, -0.12500000000000003, 0.16666666666666666, 0.25, 0, -0.08333333333333333, -0.375, -0.37500000000000006, 0.25, 0.25, 0.29166666666666663, -0.25, -0.2916666666666667, -0.25, 0.041666666666666685, 0.375, 0.08333333333333333, 0.041666666666666664, -0.25, -0.20833333333333334, 0.08333333333333331, 0.5416666666666666, 0.5416666666666666, 0.08333333333333333, -0.125, -0.75, -0.5416666666666666, 0.3333333333333333, 0.5, 0.16666666666666666, 0, -0.16666666666666666, -0.5, -0.3333333333333333, 0.5416666666666666, 0.75, 0.12499999999999999, -0.08333333333333333, -0.5416666666666667, -0.5416666666666667, -0.08333333333333331, 0.20833333333333334, 0.25, -0.041666666666666664, -0.08333333333333333, -0.375, -0.041666666666666685, 0.25, 0.20833333333333334, 0.25, -0.041666666666666664, -0.08333333333333333, -0.375, -0.041666666666666685, 0.25] },
  { name: "adaptive max 3-d 5×3×4 → 2×2×3", op: "adaptiveMax", x: [1, 1, 5, 3, 4], salt: 5, window: [2, 2, 3], options: {  }, outShape: [1, 1, 2, 2, 3], value: [6.3125, 5.40625, 5.859375, 7.28125, 7.734375, 7.734375, 6.765625, 7.21875, 7.21875, 6.765625, 7.734375, 7.734375], grad: [0, 0, -1.75, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, -0.75, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0] },
  { name: "avg 2-d dilation [2, 1] (as ONNX AveragePool), padding 1, stride [1, 2], pad counted", op: "avg", x: [2, 1, 6, 7], salt: 5, window: [2, 3], options: { stride: [1, 2], padding: 1, dilation: [2, 1] }, outShape: [2, 1, 6, 4], value: [0.046875, 2.21875, -0.171875, -1.3098958333333333, -2.5338541666666665, 1.8098958333333333, -0.34375, -2.6197916666666665, 2.0755208333333335, 3.46875, -1.3125, -3.265625, 1.4296875, 2.5, -2.28125, -1.2838541666666667, 3.4114583333333335, 1.53125, -3.25, -1.9296875, 1.7057291666666667, 0.765625, -1.625, 0.3489583333333333, 0.7369791666666666, -0.6875, -0.4505208333333333, 2.0078125, 1.4739583333333333, -1.375, -3.5286458333333335, 1.3880208333333333, 0.828125, -2.34375, 0.7578125, 3.3697916666666665, 0.18229166666666666, -3.3125, -0.2109375, 2.7239583333333335, -0.4635416666666667, -4.28125, 1.4479166666666667, 2.078125, -0.23177083333333334, -2.140625, 0.7239583333333334, 1.0390625], grad: [-0.08333333333333333, -0.3333333333333333, -0.25, 0.041666666666666685, 0.2916666666666667, 0.4166666666666667, 0.125, -0.16666666666666666, -0.6666666666666667, -0.5, 0.08333333333333331, 0.5833333333333333, 0.8333333333333334, 0.25, -0.08333333333333333, -0.49999999999999994, -0.41666666666666663, -0.4583333333333333, -0.04166666666666663, 0.29166666666666674, 0.33333333333333337, 0, -0.33333333333333337, -0.33333333333333337, -0.29166666666666674, 0.04166666666666663, 0.45833333333333326, 0.41666666666666663, 0.08333333333333333, -0.16666666666666666, -0.25, -0.8333333333333333, -0.5833333333333333, -0.08333333333333331, 0.5, 0.041666666666666664, -0.08333333333333334, -0.125, -0.4166666666666667, -0.2916666666666667, -0.041666666666666685, 0.25, 0.16666666666666666, 0.16666666666666666, 0, -0.16666666666666666, -0.16666666666666666, -0.5, -0.3333333333333333, 0.33333333333333337, 0.33333333333333337, 0, -0.33333333333333337, -0.33333333333333337, -0.29166666666666674, 0.04166666666666663, 0.41666666666666663, 0.5, 0.08333333333333333, -0.16666666666666666, -0.25, -0.8333333333333333, -0.5833333333333333, 0.5, 0.6666666666666667, 0.16666666666666666, 6.938893903907228e-18, -0.16666666666666666, -0.6666666666666667, -0.5, 0.5833333333333333, 0.8333333333333334, 0.25, 0.16666666666666666, -0.08333333333333333, -0.49999999999999994, -0.41666666666666663, 0.2916666666666667, 0.4166666666666667, 0.125, 0.08333333333333334, -0.041666666666666664, -0.25, -0.20833333333333334] },
  { name: "avg 2-d dilation 2, explicit pads [[2, 0], [1, 2]], pad not counted", op: "avg", x: [1, 2, 5, 6], salt: 5, window: [2, 2], options: { stride: 1, padding: [[2, 0], [1, 2]], dilation: 2, countIncludePad: false }, outShape: [1, 2, 5, 7], value: [-7.96875, -0.0859375, -2.4765625, 3.015625, 0.625, 0.625, -1.765625, -6.546875, 1.3359375, -1.0546875, 4.4375, 2.046875, 2.046875, -0.34375, -6.546875, -2.60546875, -1.0546875, 0.49609375, 2.046875, 2.046875, -0.34375, -5.125, -1.18359375, 0.3671875, 1.91796875, 3.46875, 3.46875, 1.078125, -3.703125, -3.703125, -2.15234375, -0.6015625, 0.94921875, 4.890625, 2.5, -0.859375, -0.859375, -3.25, 2.2421875, -0.1484375, 7.734375, 5.34375, 0.5625, 0.5625, -1.828125, -4.21875, 1.2734375, -6.609375, 6.765625, 0.5625, 0.5625, -1.828125, -0.27734375, -2.66796875, 1.2734375, -1.1171875, 1.984375, 1.984375, -0.40625, -2.796875, -1.24609375, -5.1875, 0.3046875, 3.40625, 3.40625, 1.015625, -1.375, -3.765625, -3.765625, -6.15625], grad: [-0.5625, -0.9375, -0.5, 0.125, -0.6875, 1.3125, -0.5, 0.3125, 0.6875, 0.25, 0.5625, 0.4375, 0.3125, -0.6875, -0.375, -0.3125, 0.1875, -0.25, -0.375, 0.1875, -0.1875, 0.375, -0.4375, 0.9375, 0, 0.25, -0.5, 0.0625, -0.375, -0.0625, 0.8125, -1.0625, 0.125, -0.3125, 1.3125, 0.125, -0.1875, 0.1875, 0.25, 0.875, 0.4375, -1.8125, -0.1875, -0.0625, -0.3125, -0.25, -0.25, -0.6875, 0.4375, -0.5625, 0.375, -0.125, 0.9375, 0.1875, -0.25, -0.5, 0.0625, -0.4375, -0.0625, -0.8125] },
  { name: "max 3-d 'same' stride 2, dilation [1, 2, 1] (pads 0+0, 1+1, 1+1)", op: "max", x: [1, 1, 4, 5, 5], salt: 5, window: [2, 2, 3], options: { stride: 2, padding: "same", dilation: [1, 2, 1] }, outShape: [1, 1, 2, 3, 3], value: [1.53125, 6.828125, 7.734375, 6.765625, 6.828125, 7.734375, 6.765625, 6.765625, 1.984375, 5.734375, 5.734375, 0.953125, 5.734375, 7.671875, 6.1875, -0.015625, 7.671875, 6.1875], grad: [0, 0, 0, 0, 0, 0, 0, 0, -2.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.75, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, -0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.75, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75, 0, 1, 0, 0, 0, 0, 0, 0, 1.25, 0, 0, 0, -2.75, 0, 0, 0, 0, 0] },
] as const;

const NORM = [
  { name: "layerNorm over the last two axes, weight only, eps 1e-3", op: "layerNormWeight", shapes: [[3, 2, 4], [2, 4]], options: { normalizedShape: [2, 4], epsilon: 0.001 }, outShape: [3, 2, 4], value: [-9.554993277772631, 4.674801191631501], grad: [-4.675179859746411, -8.62656893909141], second: [5.754535909221846, -3.2100535326748325] },
  { name: "layerNorm 1-d input [6] (no batch), bias only", op: "layerNormBias", shapes: [[6], [6]], options: { normalizedShape: 6 }, outShape: [6], value: [-1.2332326184114963, -6.06671600637494], grad: [0.7750260620955646, 1.7616033807774958], second: [-0.3974048674907018, -1.1164113860908496] },
  { name: "groupNorm 3-d spatial, 2 groups of 2, affine", op: "groupNorm", shapes: [[2, 4, 2, 3, 2], [4], [4]], options: { groups: 2 }, outShape: [2, 4, 2, 3, 2], value: [-5.993264063726542, 8.212763929174722], grad: [14.026064466728208, -5.1002260025913415, -8.291681667176196], second: [8.916539312942556, -14.112820071322828, 3.5501006492047367] },
  { name: "groupNorm groups = channels (instance norm), eps 0.1", op: "groupNormEps", shapes: [[2, 3, 5], [3], [3]], options: { groups: 3, epsilon: 0.1 }, outShape: [2, 3, 5], value: [-5.529227991594306, 8.452591043497698], grad: [-4.866697296297067, 1.8550981014964958, 4.271517935199123], second: [2.547935901419751, -4.684815713395272, -3.5707007361927423] },
  { name: "batchNorm training [N, C] (BatchNorm1d), N = 2", op: "batchNormTraining", shapes: [[2, 3], [3], [3]], options: {  }, outShape: [2, 3], value: [-1.6054602237744233, -3.652346229587191], grad: [-0.00001425030457184401, -1.2122164764268777, -4.190256371380215], second: [-0.000028788739344991462, 0.31826571962939404, 0.2201674384927692] },
  { name: "batchNorm training 3-d volumes, eps 0.01", op: "batchNormTrainingEps", shapes: [[2, 2, 2, 3, 2], [2], [2]], options: { epsilon: 0.01 }, outShape: [2, 2, 2, 3, 2], value: [-6.979886198201003, 11.348984310853579], grad: [-3.305650071249546, 0.6205138294095011, 2.4381079667917276], second: [2.142627689638592, -10.772559203011772, 3.2506574623212003] },
  { name: "batchNorm eval, running statistics given, [N, C, L]", op: "batchNormEval", shapes: [[3, 2, 4], [2], [2]], options: {  }, outShape: [3, 2, 4], value: [-3.696529214977465, 0.279369973951769], grad: [2.8569866074830443, -6.210468504358265, -0.08775939870178742], second: [6.95885529361745, -8.55416367558189, 0.19434621138778607] },
] as const;

const ATTENTION = [
  { name: "key padding mask [B, 1, 1, S]", shapes: [[2, 3, 2, 4], [2, 5, 2, 4], [2, 5, 2, 4]], options: { keyPadding: [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]] }, outShape: [2, 3, 2, 4], value: [2.07443485543193, 3.6965559133970594], grad: [0.9024868631779528, -1.1225539970963974, -12.04903569246729], second: [1.1678884122639421, 7.480483715871467, 10.467304499671112] },
  { name: "additive bias with −∞ entries (torch float attn_mask), partial rows", shapes: [[1, 3, 1, 2], [1, 4, 1, 2], [1, 4, 1, 2]], options: { minusInfBias: true }, outShape: [1, 3, 1, 2], value: [-1.665452745141796, 2.9302449412040676], grad: [0.15286428980815883, 0.4001980588572955, -0.37566556363528486], second: [0.7953579265748492, 0.34639105254765745, -3.2550231921990807] },
  { name: "causal with T > S (rows past S see every key), grouped 4 → 2, scale 0.7", shapes: [[5, 4, 2], [3, 2, 2], [3, 2, 2]], options: { isCausal: true, scale: 0.7 }, outShape: [5, 4, 2], value: [2.8134670938273167, -3.500036771981611], grad: [-0.319692841040049, 0.06439583845217739, -2.0688236554651986], second: [-2.5554991571734464, 0.30227864026060625, 2.217114918626941] },
  { name: "causal and a mask together, a row left fully masked, bias [N, T, S]", shapes: [[3, 2, 3], [3, 2, 3], [3, 2, 3], [2, 3, 3]], options: { isCausal: true, mask: [[0, 1, 1], [1, 1, 1], [1, 0, 1]] }, outShape: [3, 2, 3], value: [-0.7188647954907261, -0.19787501336804092], grad: [0.33669905200262634, -0.7364833724850436, -0.5545931702635976, 0.5122311439933485], second: [-2.0380758476978973, 2.2293646056616865, 2.2843770570488022, -3.8097334246243686] },
  { name: "grouped 4 → 2 with a per-batch, per-head bias [B, N, T, S] and a per-head key mask [N, 1, S]", shapes: [[2, 3, 4, 2], [2, 5, 2, 2], [2, 5, 2, 2], [2, 4, 3, 5]], options: { headMask: [[[1, 1, 0, 1, 1]], [[0, 1, 1, 1, 1]], [[1, 1, 1, 1, 0]], [[1, 0, 1, 0, 1]]] }, outShape: [2, 3, 4, 2], value: [1.6506216977474883, -0.9670558572599733], grad: [-2.1996482592727347, -0.3862225449513155, 8.296609626123455, -5.544837715983926], second: [0.4423818769999118, 0.8568978806936396, -3.217426165578094, 2.8728005033083246] },
  { name: "T = S = 1, H = 1", shapes: [[1, 1, 1], [1, 1, 1], [1, 1, 1]], options: {  }, outShape: [1, 1, 1], value: [0.392578125, -0.5888671875], grad: [0, 0, -0.1613320270924328], second: [0, 0, 0.7533815986411829] },
] as const;

const ACT = {
  relu: { value: [0, 0, 1], d1: [0, 0, 1], d2: [0, 0, 0] },
  relu6: { value: [0, 3, 6], d1: [0, 1, 0], d2: [0, 0, 0] },
  hardtanh: { value: [-1, 0, 1], d1: [0, 1, 0], d2: [0, 0, 0] },
  leaky: { value: [-0.2, 0, 1], d1: [0.2, 0.2, 1], d2: [0, 0, 0] },
  hardsigmoid: { value: [0, 0.5, 1], d1: [0, 0.1666666716337204, 0], d2: null },
  hardswish: { value: [-0, 0, 3], d1: [-0.5, 0.5, 1.5], d2: [0, 0.3333333333333333, 0] },
  elu: { value: [-0.44248439117999033, 0, 1], d1: [0.2575156088200096, 0.7, 1], d2: [0.2575156088200096, 0, 0] },
  selu: { value: [-1.1113307378125625, 0, 1.0507009873554805], d1: [0.646768603034814, 1.7580993408473766, 1.0507009873554805], d2: [0.646768603034814, 0, 0] },
  celu: { value: [-0.7869386805747332, 0, 1], d1: [0.6065306597126334, 1, 1], d2: [0.3032653298563167, 0, 0] },
  geluExact: { value: [-0.04550026389635842, 0, 0.5306254434438489], d1: [-0.08523180107819692, 0.5, 0.9766141011336599], d2: [-0.10798193302637613, 0.7978845608028654, 0.47150343938380956] },
  geluTanh: { value: [-0.04540230591222494, 0, 0.5305701347051167], d1: [-0.0860992566236183, 0.5, 0.976357218656104], d2: [-0.10787507995107845, 0.7978845608028654, 0.4708629268446337] },
  silu: { value: [-0.2384058440442351, 0, 0.46773144051771626], d1: [-0.09078424878489547, 0.5, 0.8233867834733425], d2: [0.050062168694706914, 0.5, 0.3912205946779789] },
  mish: { value: [-0.2525014826957089, 0, 0.5611483776438518], d1: [-0.1083550924203939, 0.6, 0.9687948682001859], d2: [0.035027081852659236, 0.64, 0.3539764156171277] },
  softplus: { value: [9.357622968839737e-14, 0.6931471805599453, 30], d1: [9.3576229688393e-14, 0.5, 1], d2: [9.357622968838423e-14, 0.25, 0] },
} as const;

const SOFTMAX = {
  softmax: { value: [0, 0.18242552380635632, 0, 0.8175744761936437, 1, 0, 0, 0], grad: [-0, -0.29829290414066567, -0, 0.2982929041406657, 0, 0, 0, 0], second: [-0, 0.284190638354258, -0, -0.284190638354258, 0, 0, 0, 0] },
  logSoftmax: { value: [-Infinity, -1.7014132779827524, -Infinity, -0.20141327798275246, 0, -Infinity, -Infinity, -Infinity], grad: [1, 0.1757447619364368, 3, -4.1757447619364365, -21, 6, 7, 8], second: [0, 2.2371967810549926, 0, -2.2371967810549926, 0, 0, 0, 0] },
  logsumexp: { value: [2.2014132779827524, 1], grad: [0, 0.18242552380635632, 0, 0.8175744761936437, 3, 0, 0, 0], second: [0, -0.22371967810549925, 0, 0.22371967810549928, 0, 0, 0, 0] },
  infRow: { softmax: [NaN, NaN], logSoftmax: [NaN, NaN], softmaxPlusInf: [NaN, NaN], lsePlusInf: Infinity, lseMixed: Infinity },
} as const;

describe('conv and convTranspose against PyTorch (value, gradient, second order)', () => {
  it.each(CONV.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = ad.div(seq(c.x, 1), 8), w = ad.div(seq(c.w, 2), 8);
    const o = c.options as ad.ConvOptions & ad.ConvTransposeOptions;
    const cout = c.transpose ? c.w[1]! * (o.groups ?? 1) : c.w[0]!;
    const op = (c.transpose ? ad.convTranspose : ad.conv) as (x: Tensor, w: Tensor, o: object) => Tensor;
    const f: Fn = c.bias ? (xx, ww, bb) => op(xx, ww, { ...o, bias: bb }) : (xx, ww) => op(xx, ww, o);
    const large = numel(c.x) > 100_000; // the two large cases: first order only, to keep the file fast
    const r = checksums(f, c.bias ? [x, w, ad.div(seq([cout], 3), 8)] : [x, w], ad.tanh, !large);
    expect(r.shape).toEqual(c.outShape);
    close(r.value, c.value, 1e-12, 'value');
    close(r.grad, c.grad, 1e-11, 'grad');
    if (!large) {
      close(r.second, c.second, 1e-10, 'second (reverse over reverse)');
      close(r.forward, c.second, 1e-10, 'second (forward over reverse)');
    }
  });
});

describe('pools against PyTorch (whole arrays)', () => {
  it.each(POOL.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const window = [...c.window], o = c.options as ad.AvgPoolOptions;
    const f = c.op === 'max' ? (t: Tensor) => ad.maxPool(t, window, o)
      : c.op === 'avg' ? (t: Tensor) => ad.avgPool(t, window, o)
        : c.op === 'adaptiveMax' ? (t: Tensor) => ad.adaptiveMaxPool(t, window) : (t: Tensor) => ad.adaptiveAvgPool(t, window);
    const x = seq(c.x, c.salt), y = f(x);
    expect(y.shape).toEqual(c.outShape);
    close(arr(y), c.value, 1e-14, 'value');
    close(arr(ad.grad((t: Tensor) => dot(f(t), 0))(x)), c.grad, 1e-14, 'grad');
  });

  it('tied maxima: each window gives its gradient to its first maximum in window order, overlapping windows add up (as PyTorch)', () => {
    // torch: F.max_pool2d(x, 2, 1) on [[1,5,5],[5,2,5],[0,5,1]] → 5 everywhere, grad [0,2,0, 1,0,1, 0,0,0].
    const x = ad.tensor([[[[1, 5, 5], [5, 2, 5], [0, 5, 1]]]]);
    const f = (t: Tensor) => ad.maxPool(t, [2, 2], { stride: 1 });
    expect(arr(f(x))).toEqual([5, 5, 5, 5]);
    expect(arr(ad.grad((t: Tensor) => ad.sum(f(t)))(x))).toEqual([0, 2, 0, 1, 0, 1, 0, 0, 0]);
    // jvp agrees: the tangent of each output is that of the same first maximum.
    const [, dy] = ad.jvp(f, [x], [ad.reshape(ad.arange(9), [1, 1, 3, 3])]);
    expect(arr(dy as Tensor)).toEqual([1, 1, 3, 5]);
    // adaptive bins overlap where out does not divide L (5 → 3: [0, 2), [1, 4), [3, 5)); torch: grad [1, 0, 10, 100, 0].
    const a = ad.tensor([[[3, 1, 3, 3, 2]]]);
    const g = ad.grad((t: Tensor) => ad.sum(ad.mul(ad.adaptiveMaxPool(t, [3]), ad.tensor([1, 10, 100]))))(a);
    expect(arr(g)).toEqual([1, 0, 10, 100, 0]);
  });

  it("'same' follows XLA's SAME (the odd pad after), also when the window is longer than the input", () => {
    const x = ad.reshape(ad.arange(10), [1, 1, 10]);
    // L = 10, window 11, stride 1: pad 10 = 5 + 5; stride 11 (the default): one output, pad 1 = 0 + 1.
    expect(arr(ad.maxPool(x, [11], { padding: 'same', stride: 1 }))).toEqual([5, 6, 7, 8, 9, 9, 9, 9, 9, 9]);
    expect(arr(ad.maxPool(x, [11], { padding: 'same' }))).toEqual([9]);
    // avg with flax's count_include_pad=True divides by the whole window, pads included: (0+…+9)/11.
    expect(arr(ad.avgPool(x, [11], { padding: 'same' }))).toEqual([45 / 11]);
    expect(arr(ad.avgPool(x, [11], { padding: 'same', countIncludePad: false }))).toEqual([4.5]);
  });
});

describe('normalisation against PyTorch (value, gradient, second order)', () => {
  it.each(NORM.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const o = c.options as { normalizedShape: number | number[]; epsilon: number; groups: number };
    const f = ({
      layerNormWeight: (x, w) => ad.layerNorm(x, o.normalizedShape, { weight: w, epsilon: o.epsilon }),
      layerNormBias: (x, b) => ad.layerNorm(x, o.normalizedShape, { bias: b }),
      groupNorm: (x, w, b) => ad.groupNorm(x, o.groups, { weight: w, bias: b }),
      groupNormEps: (x, w, b) => ad.groupNorm(x, o.groups, { weight: w, bias: b, epsilon: o.epsilon }),
      batchNormTraining: (x, w, b) => ad.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
      batchNormTrainingEps: (x, w, b) => ad.batchNorm(x, null, null, { weight: w, bias: b, training: true, epsilon: o.epsilon }),
      batchNormEval: (x, w, b) => ad.batchNorm(x, ad.tensor([0.5, -1]), ad.tensor([2, 0.25]), { weight: w, bias: b }),
    } as Record<string, Fn>)[c.op]!;
    const r = checksums(f, c.shapes.map((s, i) => ad.div(seq(s, 11 + i), 4)), ad.sin);
    expect(r.shape).toEqual(c.outShape);
    close(r.value, c.value, 1e-12, 'value');
    close(r.grad, c.grad, 1e-11, 'grad');
    close(r.second, c.second, 1e-9, 'second (reverse over reverse)');
    close(r.forward, c.second, 1e-9, 'second (forward over reverse)');
  });

  it('a channel of zero variance: output the bias, gradient 1/√ε times the centred cotangent (as PyTorch)', () => {
    // torch: F.batch_norm(x, None, None, training=True), x [2, 2, 2] with channel 0 constant 2; grad of ⟨y, W(·, 0)⟩.
    const x = ad.tensor([[[2, 2], [1, 3]], [[2, 2], [5, -1]]]);
    const f = (t: Tensor) => ad.batchNorm(t, null, null, { training: true });
    close(arr(f(x)), [0, 0, -0.4472131482870333, 0.4472131482870333, 0, 0, 1.3416394448610998, -1.3416394448610998], 1e-14, 'value');
    close(arr(ad.grad((t: Tensor) => dot(f(t), 0))(x)),
      [118.58541225631421, -197.6423537605237, 0.21242615599389003, -0.3242294430656484, 197.6423537605237, -118.58541225631421, 0.1453445415206381, -0.033541254448879794],
      1e-9, 'grad');
  });

  it('eval mode differentiates the running statistics too: −w/√(v + ε) and −w(x − m)/(2(v + ε)^{3/2})', () => {
    const x = ad.tensor([[[1, 4]], [[-2, 3]]]), m = ad.tensor([0.5]), v = ad.tensor([3]);
    const [gm, gv] = ad.grad((mm: Tensor, vv: Tensor) => ad.sum(ad.batchNorm(x, mm, vv, { weight: ad.tensor([2]), epsilon: 1 })), [0, 1])(m, v) as Tensor[];
    close(arr(gm!), [-2 * 4 / Math.sqrt(4)], 1e-15, 'mean');
    close(arr(gv!), [-2 * (1 + 4 - 2 + 3 - 4 * 0.5) / (2 * 8)], 1e-15, 'variance');
  });

  it('training mode on an empty batch is empty, as PyTorch (it threw "1 value per channel"); exactly one value still refused', () => {
    for (const shape of [[0, 3], [0, 3, 4], [2, 3, 0], [1, 3, 0]]) {
      const x = ad.zeros(shape), w = ad.ones([3]);
      expect(ad.batchNorm(x, null, null, { training: true, weight: w, bias: w }).shape).toEqual(shape);
      const [gx, gw] = ad.grad((t: Tensor, ww: Tensor) => ad.sum(ad.batchNorm(t, null, null, { training: true, weight: ww })), [0, 1])(x, w) as Tensor[];
      expect(gx!.shape).toEqual(shape);
      expect(arr(gw!)).toEqual([0, 0, 0]);
    }
    expect(() => ad.batchNorm(ad.ones([1, 3, 1]), null, null, { training: true })).toThrow(/batchNorm: input \[1,3,1\] has 1 value per channel/);
  });
});

describe('dotProductAttention against jax.nn.dot_product_attention written in torch ops', () => {
  const NEG = -Infinity;
  it.each(ATTENTION.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const o = c.options as { keyPadding?: number[][]; minusInfBias?: boolean; mask?: number[][]; headMask?: number[][][]; isCausal?: boolean; scale?: number };
    const f: Fn = o.headMask ? (q, k, v, b) => ad.dotProductAttention(q, k, v, { bias: b, mask: ad.tensor(o.headMask!) })
      : o.keyPadding ? (q, k, v) => ad.dotProductAttention(q, k, v, { mask: ad.reshape(ad.tensor(o.keyPadding!), [2, 1, 1, 5]) })
      : o.minusInfBias ? (q, k, v) => ad.dotProductAttention(q, k, v, { bias: ad.tensor([[0, NEG, 0.5, NEG], [NEG, NEG, NEG, 1], [0, 0, 0, 0]]) })
        : o.mask ? (q, k, v, b) => ad.dotProductAttention(q, k, v, { bias: b, mask: ad.tensor(o.mask!), isCausal: o.isCausal })
          : (q, k, v) => ad.dotProductAttention(q, k, v, o as ad.AttentionOptions);
    const r = checksums(f, c.shapes.map((s, i) => ad.div(seq(s, 21 + i), 8)), ad.tanh);
    expect(r.shape).toEqual(c.outShape);
    close(r.value, c.value, 1e-12, 'value');
    close(r.grad, c.grad, 1e-11, 'grad');
    close(r.second, c.second, 1e-9, 'second (reverse over reverse)');
    close(r.forward, c.second, 1e-9, 'second (forward over reverse)');
  });

  it("a fully masked row is the mean of the values and passes 1/S of its cotangent to each (JAX's); an all −∞ bias row is NaN (as torch and JAX)", () => {
    const q = ad.div(seq([2, 1, 3], 1), 8), k = ad.div(seq([4, 1, 3], 2), 8), v = ad.div(seq([4, 1, 3], 3), 8);
    const mask = ad.tensor([[1, 0, 1, 0], [0, 0, 0, 0]]);
    const y = ad.dotProductAttention(q, k, v, { mask });
    close(arr(ad.take(y, 1, 0)), arr(ad.mean(v, 0)), 1e-15, 'mean of v');
    const gv = ad.grad((vv: Tensor) => ad.sum(ad.take(ad.dotProductAttention(q, k, vv, { mask }), 1, 0)))(v);
    close(arr(gv), new Array<number>(12).fill(0.25), 1e-15, 'v̄');
    const [gq, gk] = ad.grad((qq: Tensor, kk: Tensor) => ad.sum(ad.take(ad.dotProductAttention(qq, kk, v, { mask }), 1, 0)), [0, 1])(q, k) as Tensor[];
    expect(arr(ad.take(gq!, 1, 0))).toEqual([0, 0, 0]);
    expect(arr(gk!)).toEqual(new Array<number>(12).fill(0));
    const bias = ad.tensor([[0, 0, 0, 0], [NEG, NEG, NEG, NEG]]);
    const yb = arr(ad.dotProductAttention(q, k, v, { bias }));
    expect(yb.slice(0, 3).every(Number.isFinite)).toBe(true);
    expect(yb.slice(3).every(Number.isNaN)).toBe(true);
  });

  it('head dimension 0 gives the empty result, as PyTorch and JAX (it threw "scale must be a finite number, got undefined")', () => {
    const q = ad.zeros([2, 3, 4, 0]), k = ad.zeros([2, 5, 2, 0]);
    expect(ad.dotProductAttention(q, k, k, { isCausal: true }).shape).toEqual([2, 3, 4, 0]);
    const gs = ad.grad((a: Tensor, b: Tensor, c: Tensor) => ad.sum(ad.dotProductAttention(a, b, c)), [0, 1, 2])(q, k, k) as Tensor[];
    expect(gs.map((g) => g.shape)).toEqual([[2, 3, 4, 0], [2, 5, 2, 0], [2, 5, 2, 0]]);
    // No keys (S = 0): zeros, as torch's and JAX's einsum over an empty softmax.
    expect(arr(ad.dotProductAttention(ad.ones([3, 1, 2]), ad.zeros([0, 1, 2]), ad.zeros([0, 1, 2])))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => ad.dotProductAttention(q, k, k, { scale: Infinity })).toThrow(/dotProductAttention: scale must be a finite number, got number Infinity/);
  });
});

describe('activations at their kinks: value, first and second derivative', () => {
  const derivs = (f: (t: Tensor) => Tensor, xs: number[]) => {
    const d1 = ad.grad((t: Tensor) => ad.sum(f(t)));
    const d2 = ad.grad((t: Tensor) => ad.sum(d1(t)));
    const x = ad.tensor(xs);
    return { value: arr(f(x)), d1: arr(d1(x)), d2: arr(d2(x)) };
  };
  it('where adjoint, PyTorch and JAX agree: PyTorch 1.13 float64 autograd', () => {
    const cases: Array<[keyof typeof ACT, (t: Tensor) => Tensor, number[]]> = [
      ['relu', ad.relu, [-1, 0, 1]], ['relu6', ad.relu6, [0, 3, 6]], ['geluExact', (t) => ad.gelu(t, { approximate: false }), [-2, 0, 0.7]],
      ['geluTanh', (t) => ad.gelu(t, { approximate: true }), [-2, 0, 0.7]], ['silu', ad.silu, [-2, 0, 0.7]], ['mish', ad.mish, [-2, 0, 0.7]],
    ];
    for (const [name, f, xs] of cases) {
      const r = derivs(f, xs), want = ACT[name];
      close(r.value, want.value, 1e-15, `${name}`);
      close(r.d1, want.d1, 1e-15, `${name}′`);
      close(r.d2, want.d2!, 1e-14, `${name}″`);
    }
    // First derivatives where torch's second is taken from the other side (see below).
    for (const [name, f, xs] of [['elu', (t: Tensor) => ad.elu(t, 0.7), [-1, 0, 1]], ['selu', ad.selu, [-1, 0, 1]], ['celu', (t: Tensor) => ad.celu(t, 2), [-1, 0, 1]]] as const) {
      const r = derivs(f, [...xs]), want = ACT[name];
      close(r.value, want.value, 1e-15, name);
      close(r.d1, want.d1, 1e-15, `${name}′`);
      close([r.d2[0]!, r.d2[2]!], [want.d2![0]!, want.d2![2]!], 1e-15, `${name}″ off the kink`);
    }
    // hardSigmoid: torch's 1/6 is a float32 constant (0.1666666716…); JAX's and adjoint's is 1/6.
    expect(derivs(ad.hardSigmoid, [-3, 0, 3])).toEqual({ value: [0, 0.5, 1], d1: [0, 1 / 6, 0], d2: [0, 0, 0] });
  });

  it("where adjoint follows JAX: hardTanh, leakyRelu and hardSwish at the kinks, elu/selu/celu″(0), softplus without a threshold", () => {
    // jax.nn.hard_tanh = where(x > 1, 1, where(x < −1, −1, x)): slope 1 at ±1 (torch.hardtanh: 0, 1, 0).
    expect(derivs((t) => ad.hardTanh(t), [-1, 0, 1]).d1).toEqual([1, 1, 1]);
    expect(ACT.hardtanh.d1).toEqual([0, 1, 0]);
    // jax.nn.leaky_relu = where(x >= 0, x, slope·x): 1 at 0 (torch: the slope).
    expect(derivs((t) => ad.leakyRelu(t, 0.2), [-1, 0, 1]).d1).toEqual([0.2, 1, 1]);
    expect(ACT.leaky.d1).toEqual([0.2, 0.2, 1]);
    // jax.nn.hard_swish = x·hard_sigmoid(x), hard_sigmoid′(±3) = 0: 0 and 1 (torch −0.5, 1.5); ″(0) = 1/3 as torch.
    const hs = derivs(ad.hardSwish, [-3, 0, 3]);
    expect(hs.d1).toEqual([0, 0.5, 1]);
    close(hs.d2, [0, 1 / 3, 0], 1e-16, 'hardSwish″');
    expect(ACT.hardswish.d1).toEqual([-0.5, 0.5, 1.5]);
    // jax.nn.elu = where(x > 0, x, α·expm1(x)): at 0 the left branch to every order, α·e⁰ (torch's second: 0).
    expect(derivs((t) => ad.elu(t, 0.7), [0]).d2).toEqual([0.7]);
    close(derivs(ad.selu, [0]).d2, [1.0507009873554805 * 1.6732632423543772], 1e-15, 'selu″(0) = λα');
    expect(derivs((t) => ad.celu(t, 2), [0]).d2).toEqual([0.5]);
    expect([ACT.elu.d2![1], ACT.selu.d2![1], ACT.celu.d2![1]]).toEqual([0, 0, 0]);
    // jax.nn.softplus = logaddexp(x, 0): no threshold, so softplus(30) = 30 + log1p(e⁻³⁰) (torch: 30 exactly).
    const sp = derivs(ad.softplus, [-30, 0, 30]);
    close(sp.value, [9.357622968839737e-14, Math.LN2, 30 + 9.357622968839299e-14], 1e-15, 'softplus');
    close(sp.d1.slice(0, 2), ACT.softplus.d1.slice(0, 2), 1e-15, 'softplus′');
    close(sp.d2.slice(0, 2), ACT.softplus.d2!.slice(0, 2), 1e-14, 'softplus″');
    expect(ACT.softplus.value[2]).toBe(30);
  });
});

describe('softmax, logSoftmax and logsumexp with infinite entries', () => {
  const NEG = -Infinity;
  const X = () => ad.tensor([[NEG, 0.5, NEG, 2], [1, NEG, NEG, NEG]]);
  const V = ad.tensor([[1, -1, 2, 0.5], [1, 1, 1, 1]]);
  it.each([
    ['softmax', (t: Tensor) => ad.softmax(t, -1), ad.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])],
    ['logSoftmax', (t: Tensor) => ad.logSoftmax(t, -1), ad.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])],
    ['logsumexp', (t: Tensor) => ad.logsumexp(t, -1), ad.tensor([1, 3])],
  ] as const)('%s: −∞ entries take no weight, to second order (PyTorch)', (name, f, w) => {
    const g = (t: Tensor) => ad.grad((u: Tensor) => ad.sum(ad.mul(f(u), w)))(t);
    const want = SOFTMAX[name];
    close(arr(f(X())), want.value, 1e-15, 'value');
    close(arr(g(X())), want.grad, 1e-15, 'grad');
    close(arr(ad.grad((u: Tensor) => ad.sum(ad.mul(g(u), V)))(X())), want.second, 1e-14, 'second');
  });

  it('whole −∞ rows and +∞ entries: NaN as torch and JAX, except logsumexp, which takes its limits', () => {
    expect(arr(ad.softmax(ad.tensor([NEG, NEG])))).toEqual([NaN, NaN]);
    expect(arr(ad.logSoftmax(ad.tensor([NEG, NEG])))).toEqual([NaN, NaN]);
    expect(arr(ad.softmax(ad.tensor([Infinity, 0])))).toEqual([NaN, NaN]);
    expect(ad.logsumexp(ad.tensor([Infinity, 0, NEG])).item()).toBe(Infinity);
    expect(ad.logsumexp(ad.tensor([Infinity, NEG])).item()).toBe(Infinity);
    expect(ad.logsumexp(ad.tensor([NaN, Infinity])).item()).toBeNaN();
    // Gradients (torch: exp(x − lse) = NaN in both): 0 over an all −∞ row, 1/k on the k entries at +∞.
    expect(arr(ad.grad((u: Tensor) => ad.sum(ad.logsumexp(u, 1)))(ad.tensor([[NEG, NEG], [0, NEG]])))).toEqual([0, 0, 1, 0]);
    expect(arr(ad.grad((u: Tensor) => ad.logsumexp(u))(ad.tensor([Infinity, Infinity, 1])))).toEqual([0.5, 0.5, 0]);
    const [, t] = ad.jvp((u: Tensor) => ad.logsumexp(u), [ad.tensor([Infinity, Infinity, 1])], [ad.tensor([1, 3, 5])]);
    expect((t as Tensor).item()).toBe(2);
  });
});

describe('logsumexp over an outer sum (run as logMatmul) with +∞ entries', () => {
  const I = Infinity, N = -Infinity;
  // a [2, 4, 1] + b [1, 4, 8] is 64 entries, reduced along both operands: logsumexp runs it as logMatmul.
  const a = ad.tensor([[0.5, I, -1, 2], [0.25, -0.5, 1, N]]).reshape([2, 4, 1]);
  // b finite on row 1 (a's +∞ column), −∞ at a few other places.
  const holes = ad.oneHot([2, 6, 21, 31], 32).sum(0).reshape([4, 8]);
  const b = ad.reshape(ad.where(holes, N, ad.div(seq([4, 8], 3), 4)), [1, 4, 8]);
  const G = ad.div(seq([2, 8], 4), 8);
  const fast = (x: Tensor, y: Tensor) => ad.logsumexp(ad.add(x, y), 1);
  const direct = (x: Tensor, y: Tensor) => ad.logsumexp(ad.mul(ad.add(x, y), 1), 1); // not add's own output: reduced directly
  const loss = (f: Fn) => (x: Tensor, y: Tensor) => ad.sum(ad.mul(f(x, y), G));

  it("the gradient is logsumexp's limit, 1/count on the terms at +∞ (it was NaN for every entry the +∞ row or column met)", () => {
    // Plain loops: w[i, j, k] = 1/count on the +∞ terms of (i, k) if any, else the softmax over j.
    const A = arr(a), B = arr(b), g = arr(G), da = new Array<number>(8).fill(0), db = new Array<number>(32).fill(0);
    for (let i = 0; i < 2; i++) {
      for (let k = 0; k < 8; k++) {
        const t = [0, 1, 2, 3].map((j) => A[i * 4 + j]! + B[j * 8 + k]!);
        const inf = t.filter((v) => v === I).length, m = Math.max(...t);
        const e = t.map((v) => (inf > 0 ? (v === I ? 1 : 0) : Math.exp(v - m))), s = e.reduce((p, q) => p + q, 0);
        e.forEach((v, j) => { da[i * 4 + j] += g[i * 8 + k]! * v / s; db[j * 8 + k] += g[i * 8 + k]! * v / s; });
      }
    }
    const [ga, gb] = ad.grad(loss(fast), [0, 1])(a, b) as Tensor[];
    close(arr(ga!), da, 1e-14, 'ā');
    close(arr(gb!), db, 1e-14, 'b̄');
    expect(arr(ga!).slice(0, 4)).toEqual([0, arr(ad.sum(G, 1))[0], 0, 0]);
    const [ja, jb] = ad.jit(ad.grad(loss(fast), [0, 1]))(a, b) as Tensor[];
    close(arr(ja!), da, 1e-14, 'ā under jit');
    close(arr(jb!), db, 1e-14, 'b̄ under jit');
  });

  it('jvp and second order equal the direct form (the generic rule took no limit either)', () => {
    const ta = ad.div(seq([2, 4, 1], 5), 8), tb = ad.div(seq([1, 4, 8], 6), 8);
    const [, t1] = ad.jvp(fast, [a, b], [ta, tb]), [, t2] = ad.jvp(direct, [a, b], [ta, tb]);
    close(arr(t1 as Tensor), arr(t2 as Tensor), 1e-13, 'jvp');
    const second = (f: Fn) => ad.grad((x: Tensor, y: Tensor) => {
      const [gx, gy] = ad.grad(loss(f), [0, 1])(x, y) as Tensor[];
      return ad.add(ad.sum(ad.mul(gx!, ta)), ad.sum(ad.mul(gy!, tb)));
    }, [0, 1])(a, b) as Tensor[];
    const [h1, h2] = [second(fast), second(direct)];
    close(arr(h1[0]!), arr(h2[0]!), 1e-13, 'second, a');
    close(arr(h1[1]!), arr(h2[1]!), 1e-13, 'second, b');
    expect(arr(h1[1]!).every(Number.isFinite)).toBe(true);
  });

  it('ad.logMatmul itself: one row (m = 1), a +∞ column of b, broadcast batches', () => {
    const brute = (x: Tensor, y: Tensor) => ad.logsumexp(ad.mul(ad.add(ad.expandDims(x, -1), ad.expandDims(y, -3)), 1), -2);
    const cases: Array<[Tensor, Tensor]> = [
      [ad.tensor([[I, 0, 1, N]]), ad.div(seq([4, 3], 2), 4)],
      [ad.div(seq([3, 4], 1), 4), ad.tensor([[I, 0, 1], [0, 2, N], [1, 1, 1], [N, N, 0]])],
      [ad.stack([ad.tensor([[I, 0], [0, 1]]), ad.tensor([[1, 2], [N, N]])]), ad.tensor([[0, I, 1], [2, 0, N]])],
    ];
    for (const [x, y] of cases) {
      const w = ad.div(seq(brute(x, y).shape, 7), 8);
      const l = (f: Fn) => (u: Tensor, v: Tensor) => ad.sum(ad.mul(f(u, v), w));
      close(arr(ad.logMatmul(x, y)), arr(brute(x, y)), 1e-14, 'value');
      const [g1, g2] = [ad.grad(l(ad.logMatmul), [0, 1])(x, y) as Tensor[], ad.grad(l(brute), [0, 1])(x, y) as Tensor[]];
      close(arr(g1[0]!), arr(g2[0]!), 1e-14, 'ā');
      close(arr(g1[1]!), arr(g2[1]!), 1e-14, 'b̄');
    }
  });
});

describe('bad arguments: AdjointErrors naming the op, the shapes and the fix', () => {
  const throws = (fn: () => unknown, pattern: RegExp) => {
    let caught: unknown;
    try { fn(); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ad.AdjointError);
    expect((caught as Error).message).toMatch(pattern);
  };
  it('conv and convTranspose', () => {
    const x = ad.ones([1, 2, 5]), w = ad.ones([3, 2, 3]);
    // JAX's upper-case 'SAME'/'VALID' are accepted (test/convSamePadding.test.ts); an unknown name lists both spellings.
    throws(() => ad.conv(x, w, { padding: 'FULL' as 'same' }), /^conv: padding must be a number, a list of 1, \[before, after\] pairs, 'same', 'same_lower' or 'valid' \(or JAX's 'SAME', 'SAME_LOWER', 'VALID'\), got 'FULL'/);
    throws(() => ad.conv(x, w, { padding: [1, 2] }), /conv: padding must be a number or a list of 1 \(one per spatial axis\), got an array of length 2/);
    throws(() => ad.conv(x, w, { padding: [[1, 2, 3]] as never }), /conv: each axis's padding pair must be \[before, after\], got an array of length 3/);
    throws(() => ad.conv(ad.ones([1, 2, 0]), w, { padding: 'same' }), /conv: along spatial axis 0 the kernel spans 3 .* padded input is only 2 long \(input \[1,2,0\], padding 1\+1\)/);
    throws(() => ad.convTranspose(x, ad.ones([2, 3, 3]), { padding: 'same' as never }), /convTranspose: padding must be a number or a list of 1 .*got string 'same'/);
    throws(() => ad.convTranspose(x, ad.ones([2, 3, 3]), { groups: 3 }), /convTranspose: groups = 3 must divide both the input channels \(9\) and the output channels \(2\) \(input \[1,2,5\], weight \[2,3,3\]\)/);
    throws(() => ad.convTranspose(ad.ones([2, 5]), ad.ones([2, 3, 3]), { bias: ad.ones([2]) }), /convTranspose: bias of shape \[2\] must be \[3\], one value per output channel/);
    throws(() => ad.convTranspose(ad.ones([1, 2, 0]), ad.ones([2, 3, 3])), /convTranspose: input \[1,2,0\] is empty along spatial axis 0/);
  });
  it('pools, norms, attention', () => {
    const p = ad.reshape(ad.arange(10), [1, 1, 10]);
    throws(() => ad.maxPool(p, [3], { padding: 3 }), /maxPool: along spatial axis 0 window 0 covers only padding \(input \[1,1,10\], window 3, stride 3, dilation 1, padding 3\+3\); use less padding/);
    throws(() => ad.maxPool(ad.ones([1, 1, 0]), [1]), /maxPool: along spatial axis 0 the window spans 1 .* padded input is only 0 long \(input \[1,1,0\]/);
    throws(() => ad.adaptiveAvgPool(p, 3 as never), /adaptiveAvgPool: outputSize must be a list of 1 to 3 sizes/);
    throws(() => ad.layerNorm(ad.ones([2, 3]), [], {}), /layerNorm: normalizedShape \[\] must be the trailing axes of the input \[2,3\]/);
    throws(() => ad.layerNorm(ad.ones([2, 3]), 3, { eps: 1 } as never), /layerNorm: unknown option 'eps'; the options are weight, bias, epsilon/);
    throws(() => ad.groupNorm(ad.ones([2, 4]), 1.5), /groupNorm: numGroups 1.5 must be a positive integer dividing the 4 channels of the input \[2,4\]/);
    throws(() => ad.dotProductAttention(ad.ones([2, 3, 4, 8]), ad.ones([2, 5, 2, 8]), ad.ones([2, 5, 2, 8]), { mask: ad.ones([3, 4]) }),
      /dotProductAttention \(mask against the logits\): shapes \[2,4,3,5\] and \[3,4\] cannot be broadcast together/);
    throws(() => ad.dotProductAttention(ad.ones([2, 3, 4, 8]), ad.ones([2, 5, 2, 8]), ad.ones([2, 5, 2, 6])), /dotProductAttention: query \[2,3,4,8\], key \[2,5,2,8\] and value \[2,5,2,6\] must be/);
    throws(() => ad.gelu(1, { approximate: 'tanh' as never }), /gelu: approximate must be true \(tanh form, JAX's default\) or false \(erf form, PyTorch's default\), got string 'tanh'/);
    throws(() => ad.softmax(ad.ones([2, 3]), [0, 1] as never), /softmax: an axis must be an integer, got an array of length 2/);
  });
});
