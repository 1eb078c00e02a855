/**
 * @file im2col and col2im for N-d convolutions (NCHW-style layouts): the patches of an input laid
 * out as the columns of a matrix, so a convolution is one matrix product, and the transpose
 * (adding the columns back into the input), so the input gradient is one too.
 *
 * With one spatial axis for brevity (every axis works alike), input x[c, i] of length L, kernel
 * offsets k < K, output positions p < P, stride s, dilation d and `padLo` zeros before the input:
 *
 *   cols[c·K + k, p] = x[c, p·s + k·d − padLo]   (0 where the index falls outside [0, L))
 *
 * so y[o, p] = Σ_{c,k} w[o, c, k] · cols[c·K + k, p] is W[O, C·K] · cols[C·K, P]. Over several
 * axes the kernel offset and the output position are flattened row-major. The zeros past the end
 * of the input are implied by P (the output size), so no "after" padding is needed here.
 */

/** The shape of a convolution, shared by the three primitives of its trilinear form (ops/conv.ts). */
export interface ConvGeometry {
  /** Spatial size of the input x (its axes after batch and channel). */
  readonly inSize: readonly number[];
  /** Spatial size of the kernel w (its axes after out and in channels). */
  readonly kernel: readonly number[];
  /** Spatial size of the output y. */
  readonly outSize: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  /** Zeros before the input along each axis (the zeros after it are implied by outSize). */
  readonly padLo: readonly number[];
  /** Channel groups: input channel block γ meets only output channel block γ. */
  readonly groups: number;
}

export function product(xs: readonly number[]): number {
  let n = 1;
  for (const x of xs) n *= x;
  return n;
}

/**
 * What im2col needs of a geometry beyond it, computed once per kernel call: along the last axis,
 * kernel offset k reads x at p·s + shift[k], inside [0, L) for output positions p in [lo[k], hi[k]);
 * the input's row-major strides; and odometer scratch.
 */
export interface Im2colPlan {
  readonly geo: ConvGeometry;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly shift: Int32Array;
  readonly inStride: Int32Array;
  /** Kernel offset per axis, and output row per axis but the last (odometers). */
  readonly kIdx: Int32Array;
  readonly oIdx: Int32Array;
}

export function im2colPlan(geo: ConvGeometry): Im2colPlan {
  const { inSize, kernel, outSize, stride, dilation, padLo } = geo;
  const last = inSize.length - 1, Kl = kernel[last]!, Pl = outSize[last]!, Ll = inSize[last]!, sl = stride[last]!;
  const lo = new Int32Array(Kl), hi = new Int32Array(Kl), shift = new Int32Array(Kl);
  for (let k = 0; k < Kl; k++) {
    const sh = k * dilation[last]! - padLo[last]!;
    const a = Math.min(Pl, Math.max(0, Math.ceil(-sh / sl)));
    shift[k] = sh;
    lo[k] = a;
    hi[k] = Math.max(a, Math.min(Pl, Math.floor((Ll - 1 - sh) / sl) + 1));
  }
  const inStride = new Int32Array(last + 1);
  for (let j = last, s = 1; j >= 0; j--) { inStride[j] = s; s *= inSize[j]!; }
  return { geo, lo, hi, shift, inStride, kIdx: new Int32Array(last + 1), oIdx: new Int32Array(last + 1) };
}

/**
 * Moves patches between x and a block of columns. Rows `c·K + k` (c < channels) of `cols` (row
 * length `rowLen`), columns `colOff + (q − q0)·Pl + j` for output rows q in [q0, q1) — an output
 * "row" is a run of Pl = outSize[last] positions along the last axis — and last-axis positions j.
 * x's channel 0 is at `xOff`. `toCols`: cols = patches of x (every entry written, zeros included);
 * otherwise x += the patches in cols (col2im). Loops over typed arrays; no allocation.
 */
function transfer(
  x: Float64Array, xOff: number, cols: Float64Array, rowLen: number, colOff: number,
  plan: Im2colPlan, channels: number, q0: number, q1: number, toCols: boolean,
): void {
  const { inSize, kernel, outSize, stride, dilation, padLo } = plan.geo;
  const { lo, hi, shift, inStride, kIdx, oIdx } = plan;
  const last = inSize.length - 1;
  const S = product(inSize), K = product(kernel);
  const Pl = outSize[last]!, sl = stride[last]!;
  for (let c = 0; c < channels; c++) {
    kIdx.fill(0);
    for (let k = 0; k < K; k++) {
      const row = colOff + (c * K + k) * rowLen;
      const kl = kIdx[last]!, pLo = lo[kl]!, pHi = hi[kl]!, sh = shift[kl]!;
      // Start the output-row odometer at q0.
      for (let j = last - 1, r = q0; j >= 0; j--) { oIdx[j] = r % outSize[j]!; r = Math.floor(r / outSize[j]!); }
      for (let q = q0; q < q1; q++) {
        let base = xOff + c * S, inside = true;
        for (let j = 0; j < last; j++) {
          const pos = oIdx[j]! * stride[j]! + kIdx[j]! * dilation[j]! - padLo[j]!;
          if (pos < 0 || pos >= inSize[j]!) { inside = false; break; }
          base += pos * inStride[j]!;
        }
        const dst = row + (q - q0) * Pl;
        if (toCols) {
          if (!inside) {
            for (let p = 0; p < Pl; p++) cols[dst + p] = 0;
          } else {
            let p = 0;
            for (; p < pLo; p++) cols[dst + p] = 0;
            for (let src = base + pLo * sl + sh; p < pHi; p++, src += sl) cols[dst + p] = x[src]!;
            for (; p < Pl; p++) cols[dst + p] = 0;
          }
        } else if (inside) {
          for (let p = pLo, src = base + pLo * sl + sh; p < pHi; p++, src += sl) x[src] += cols[dst + p]!;
        }
        for (let j = last - 1; j >= 0; j--) {
          if (++oIdx[j]! < outSize[j]!) break;
          oIdx[j] = 0;
        }
      }
      for (let j = last; j >= 0; j--) {
        if (++kIdx[j]! < kernel[j]!) break;
        kIdx[j] = 0;
      }
    }
  }
}

/** cols[c·K + k, colOff + …] = patches of `channels` channels of x starting at xOff, output rows [q0, q1). */
export function im2col(
  x: Float64Array, xOff: number, cols: Float64Array, rowLen: number, colOff: number,
  plan: Im2colPlan, channels: number, q0: number, q1: number,
): void {
  transfer(x, xOff, cols, rowLen, colOff, plan, channels, q0, q1, true);
}

/** The transpose of im2col: x += each column entry at the input position it was read from. */
export function col2im(
  cols: Float64Array, rowLen: number, colOff: number, x: Float64Array, xOff: number,
  plan: Im2colPlan, channels: number, q0: number, q1: number,
): void {
  transfer(x, xOff, cols, rowLen, colOff, plan, channels, q0, q1, false);
}
