/**
 * @file Naive nested-loop convolutions, written from PyTorch's definitions and nothing of the
 * library's: conv (with its output sizes and 'same' padding), its input and weight gradients by
 * accumulation over every (output, tap) pair, and conv_transpose by scattering each input entry.
 * Any number of spatial axes; arrays are flat, row-major, batched [N, C, …].
 */

export interface RefOptions {
  stride: number[];
  /** [before, after] per spatial axis. */
  padding: Array<[number, number]>;
  dilation: number[];
  groups: number;
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** The multi-index of flat position f in a row-major array of `shape`. */
function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let j = shape.length - 1; j >= 0; j--) { idx[j] = f % shape[j]!; f = Math.floor(f / shape[j]!); }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let j = 0; j < shape.length; j++) f = f * shape[j]! + idx[j]!;
  return f;
}

/** PyTorch's padding for an option value ('same' pads d(k−1), the odd one after). */
export function refPadding(padding: unknown, kernel: number[], dilation: number[]): Array<[number, number]> {
  if (padding === undefined || padding === 'valid') return kernel.map(() => [0, 0]);
  if (padding === 'same') return kernel.map((k, j) => [Math.floor((dilation[j]! * (k - 1)) / 2), Math.ceil((dilation[j]! * (k - 1)) / 2)]);
  if (typeof padding === 'number') return kernel.map(() => [padding, padding]);
  return (padding as Array<number | [number, number]>).map((p) => (typeof p === 'number' ? [p, p] : p));
}

/** Output spatial size of a conv: ⌊(L + lo + hi − d(k − 1) − 1)/s⌋ + 1. */
export function refOutSize(inSize: number[], kernel: number[], o: RefOptions): number[] {
  return inSize.map((L, j) => Math.floor((L + o.padding[j]![0] + o.padding[j]![1] - o.dilation[j]! * (kernel[j]! - 1) - 1) / o.stride[j]!) + 1);
}

/**
 * Visits every (n, o, p, c, k) with the input position it reads, when inside the input:
 * visit(xIndex, wIndex, yIndex).
 */
function eachTap(xShape: number[], wShape: number[], o: RefOptions, visit: (xi: number, wi: number, yi: number) => void): number[] {
  const [N, C] = xShape as [number, number], [O, Cg] = wShape as [number, number];
  const inSize = xShape.slice(2), kernel = wShape.slice(2), outSize = refOutSize(inSize, kernel, o);
  const Og = O / o.groups;
  for (let n = 0; n < N; n++) for (let out = 0; out < O; out++) for (let f = 0; f < prod(outSize); f++) {
    const p = unravel(f, outSize);
    for (let c = 0; c < Cg; c++) for (let kf = 0; kf < prod(kernel); kf++) {
      const k = unravel(kf, kernel);
      const pos = p.map((pj, j) => pj * o.stride[j]! + k[j]! * o.dilation[j]! - o.padding[j]![0]);
      if (pos.some((v, j) => v < 0 || v >= inSize[j]!)) continue;
      const channel = Math.floor(out / Og) * Cg + c;
      visit(ravel([n, channel, ...pos], [N, C, ...inSize]), ravel([out, c, kf], [O, Cg, prod(kernel)]), ravel([n, out, f], [N, O, prod(outSize)]));
    }
  }
  return [N, O, ...outSize];
}

/** y = conv(x, w) + bias. */
export function refConv(x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], o: RefOptions, bias?: ArrayLike<number>) {
  const outSize = refOutSize(xShape.slice(2), wShape.slice(2), o);
  const shape = [xShape[0]!, wShape[0]!, ...outSize];
  const y = new Float64Array(prod(shape));
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / prod(outSize)) % wShape[0]!]!;
  eachTap(xShape, wShape, o, (xi, wi, yi) => (y[yi] += x[xi]! * w[wi]!));
  return { data: y, shape };
}

/** The gradients of ⟨g, conv(x, w)⟩: x̄ and w̄, each by accumulating over every tap. */
export function refConvGrads(x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], g: ArrayLike<number>, o: RefOptions) {
  const dx = new Float64Array(prod(xShape)), dw = new Float64Array(prod(wShape));
  eachTap(xShape, wShape, o, (xi, wi, yi) => {
    dx[xi] += g[yi]! * w[wi]!;
    dw[wi] += g[yi]! * x[xi]!;
  });
  return { dx, dw };
}

/**
 * PyTorch's conv_transpose: x [N, Cin, …L], w [Cin, Cout/G, …k]; each x[n, c, i] adds
 * x·w[c, o, k] at output position i·s + k·d − padding (dropped outside the output).
 */
export function refConvTranspose(
  x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[],
  o: { stride: number[]; padding: number[]; outputPadding: number[]; dilation: number[]; groups: number },
) {
  const [N, Cin] = xShape as [number, number], Og = wShape[1]!, Cg = Cin / o.groups;
  const L = xShape.slice(2), kernel = wShape.slice(2);
  const outSize = L.map((l, j) => (l - 1) * o.stride[j]! - 2 * o.padding[j]! + o.dilation[j]! * (kernel[j]! - 1) + o.outputPadding[j]! + 1);
  const shape = [N, Og * o.groups, ...outSize];
  const y = new Float64Array(prod(shape));
  for (let n = 0; n < N; n++) for (let c = 0; c < Cin; c++) for (let f = 0; f < prod(L); f++) {
    const i = unravel(f, L);
    for (let oc = 0; oc < Og; oc++) for (let kf = 0; kf < prod(kernel); kf++) {
      const k = unravel(kf, kernel);
      const pos = i.map((ij, j) => ij * o.stride[j]! + k[j]! * o.dilation[j]! - o.padding[j]!);
      if (pos.some((v, j) => v < 0 || v >= outSize[j]!)) continue;
      const out = Math.floor(c / Cg) * Og + oc;
      y[ravel([n, out, ...pos], shape)] += x[ravel([n, c, f], [N, Cin, prod(L)])]! * w[ravel([c, oc, kf], [Cin, Og, prod(kernel)])]!;
    }
  }
  return { data: y, shape };
}
