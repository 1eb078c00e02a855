/**
 * @file Convolution kernels: the three partial derivatives of one trilinear form, each as im2col
 * (./im2col.ts) and the gemm (./matmul.ts, whose 4×4-divisible block runs in WebAssembly SIMD).
 *
 * Per group γ (Cg = C/G input channels, Og = O/G output channels, K kernel offsets, P output
 * positions) and example n, with cols = im2col(x[n, γ]) of shape [Cg·K, P]:
 *
 *   forward          y[n, γ]  = W_γ[Og, Cg·K] · cols                 (gemm)
 *   input gradient   x̄[n, γ] = col2im(W_γᵀ · ḡ[n, γ])               (gemm with Aᵀ, then col2im)
 *   weight gradient  w̄_γ    += ḡ[n, γ][Og, P] · colsᵀ               (gemm with Bᵀ)
 *
 * Examples are taken in blocks whose columns sit side by side, [Cg·K, nb·P], so that small images
 * still make wide products; the block is sized to keep cols within COLS_BUDGET doubles, and an
 * example too large for it is cut into runs of output rows. Buffers are reused between calls.
 */
import { allocF64 } from '../alloc.js';
import { col2im, im2col, im2colPlan, product, type ConvGeometry, type Im2colPlan } from './im2col.js';
import { gemm } from './matmul.js';

/** At most this many doubles of columns at once (8 MB), unless one output row needs more. */
const COLS_BUDGET = 1 << 20;
/** Blocks of small examples are made at least this wide (columns), where the budget allows. */
const MIN_WIDTH = 256;

/** Examples [n0, n1) and, within each, output rows [q0, q1) (runs of the last axis). */
interface Block { readonly n0: number; readonly n1: number; readonly q0: number; readonly q1: number }

function planBlocks(n: number, rows: number, geo: ConvGeometry): Block[] {
  const P = product(geo.outSize), Pl = geo.outSize[geo.outSize.length - 1]!, Q = P / Pl;
  const blocks: Block[] = [];
  if (rows * P <= COLS_BUDGET) {
    const nb = Math.max(1, Math.min(n, Math.ceil(MIN_WIDTH / P), Math.floor(COLS_BUDGET / (rows * P))));
    for (let n0 = 0; n0 < n; n0 += nb) blocks.push({ n0, n1: Math.min(n, n0 + nb), q0: 0, q1: Q });
  } else {
    const qb = Math.max(1, Math.floor(COLS_BUDGET / (rows * Pl)));
    for (let e = 0; e < n; e++) for (let q0 = 0; q0 < Q; q0 += qb) blocks.push({ n0: e, n1: e + 1, q0, q1: Math.min(Q, q0 + qb) });
  }
  return blocks;
}

let colsBuffer = new Float64Array(0);
let rowsBuffer = new Float64Array(0);
/** Reusable buffers (kernels run one at a time), the first zeroed where asked. */
function buffer(which: 'cols' | 'rows', size: number, zero: boolean): Float64Array {
  let b = which === 'cols' ? colsBuffer : rowsBuffer;
  if (b.length < size) {
    b = new Float64Array(Math.max(size, 2 * b.length));
    if (which === 'cols') colsBuffer = b; else rowsBuffer = b;
  } else if (zero) b.fill(0, 0, size);
  return b;
}

/** A tensor [N, C, …spatial] of P positions: block rows [Og, width] of channels γ·Og… as one matrix. */
interface Layout { readonly data: Float64Array; readonly channels: number; readonly P: number }

/** Whether a block's [Og, width] rows are a contiguous slab of the tensor (one whole example). */
const whole = (b: Block, Q: number) => b.n1 - b.n0 === 1 && b.q0 === 0 && b.q1 === Q;

/**
 * Copies rows [Og, width] of a block between a tensor and a buffer: `gather` reads the tensor into
 * buf; otherwise buf is written into the tensor (each position of which one block owns).
 */
function moveRows(t: Layout, c0: number, rows: number, b: Block, Pl: number, buf: Float64Array, gather: boolean): void {
  const run = (b.q1 - b.q0) * Pl, width = (b.n1 - b.n0) * run;
  for (let e = b.n0; e < b.n1; e++) {
    for (let r = 0; r < rows; r++) {
      const src = (e * t.channels + c0 + r) * t.P + b.q0 * Pl, dst = r * width + (e - b.n0) * run;
      if (gather) for (let j = 0; j < run; j++) buf[dst + j] = t.data[src + j]!;
      else for (let j = 0; j < run; j++) t.data[src + j] = buf[dst + j]!;
    }
  }
}

/** Rows [Og, width] of a block of the cotangent as a matrix: in place for a whole example, else gathered. */
function blockRows(t: Layout, c0: number, rows: number, b: Block, Pl: number): [Float64Array, number] {
  if (whole(b, t.P / Pl)) return [t.data, (b.n0 * t.channels + c0) * t.P];
  const buf = buffer('rows', rows * (b.n1 - b.n0) * (b.q1 - b.q0) * Pl, false);
  moveRows(t, c0, rows, b, Pl, buf, true);
  return [buf, 0];
}

/** Fills cols [Cg·K, width] with the patches of group γ's channels for every example of a block. */
function blockCols(x: Float64Array, cin: number, plan: Im2colPlan, g: number, b: Block, cols: Float64Array, width: number): void {
  const Cg = cin / plan.geo.groups, S = product(plan.geo.inSize), run = width / (b.n1 - b.n0);
  for (let e = b.n0; e < b.n1; e++) im2col(x, (e * cin + g * Cg) * S, cols, width, (e - b.n0) * run, plan, Cg, b.q0, b.q1);
}

/** The sizes every kernel needs: groups, channels per group, taps, rows of cols, positions. */
function sizes(cin: number, cout: number, geo: ConvGeometry) {
  const G = geo.groups, Cg = cin / G, Og = cout / G, K = product(geo.kernel);
  const P = product(geo.outSize), Pl = geo.outSize[geo.outSize.length - 1]!;
  return { G, Cg, Og, CK: Cg * K, S: product(geo.inSize), P, Pl, Q: P / Pl };
}

/** y[N, O, …outSize] = conv(x[N, C, …inSize], w[O, C/G, …kernel]). */
export function convForwardKernel(x: Float64Array, w: Float64Array, n: number, cin: number, cout: number, geo: ConvGeometry): Float64Array {
  const { G, Og, CK, P, Pl, Q } = sizes(cin, cout, geo);
  const y = allocF64(n * cout * P);
  if (CK === 0) return y;
  const out: Layout = { data: y, channels: cout, P };
  const plan = im2colPlan(geo);
  for (const b of planBlocks(n, CK, geo)) {
    const width = (b.n1 - b.n0) * (b.q1 - b.q0) * Pl;
    const cols = buffer('cols', CK * width, false);
    for (let g = 0; g < G; g++) {
      blockCols(x, cin, plan, g, b, cols, width);
      if (whole(b, Q)) {
        gemm(w, g * Og * CK, cols, 0, y, (b.n0 * cout + g * Og) * P, Og, CK, width);
      } else {
        const tmp = buffer('rows', Og * width, true);
        gemm(w, g * Og * CK, cols, 0, tmp, 0, Og, CK, width);
        moveRows(out, g * Og, Og, b, Pl, tmp, false);
      }
    }
  }
  return y;
}

/** x̄[N, C, …inSize] = convᵀ(ḡ[N, O, …outSize], w[O, C/G, …kernel]): the transposed convolution. */
export function convTransposeKernel(gy: Float64Array, w: Float64Array, n: number, cin: number, cout: number, geo: ConvGeometry): Float64Array {
  const { G, Cg, Og, CK, S, P, Pl } = sizes(cin, cout, geo);
  const x = allocF64(n * cin * S);
  if (CK === 0 || Og === 0) return x;
  const grad: Layout = { data: gy, channels: cout, P };
  const plan = im2colPlan(geo);
  for (const b of planBlocks(n, CK, geo)) {
    const run = (b.q1 - b.q0) * Pl, width = (b.n1 - b.n0) * run;
    for (let g = 0; g < G; g++) {
      const [src, srcOff] = blockRows(grad, g * Og, Og, b, Pl);
      const cols = buffer('cols', CK * width, true);
      gemm(w, g * Og * CK, src, srcOff, cols, 0, CK, Og, width, true, false);
      for (let e = b.n0; e < b.n1; e++) col2im(cols, width, (e - b.n0) * run, x, (e * cin + g * Cg) * S, plan, Cg, b.q0, b.q1);
    }
  }
  return x;
}

/** w̄[O, C/G, …kernel] = Σ_n ḡ[n] ⋆ x[n]: the weight gradient, a correlation of input and cotangent. */
export function convWeightKernel(x: Float64Array, gy: Float64Array, n: number, cin: number, cout: number, geo: ConvGeometry): Float64Array {
  const { G, Og, CK, P, Pl } = sizes(cin, cout, geo);
  const w = allocF64(cout * CK);
  if (CK === 0 || Og === 0) return w;
  const grad: Layout = { data: gy, channels: cout, P };
  const plan = im2colPlan(geo);
  for (const b of planBlocks(n, CK, geo)) {
    const width = (b.n1 - b.n0) * (b.q1 - b.q0) * Pl;
    const cols = buffer('cols', CK * width, false);
    for (let g = 0; g < G; g++) {
      blockCols(x, cin, plan, g, b, cols, width);
      const [src, srcOff] = blockRows(grad, g * Og, Og, b, Pl);
      gemm(src, srcOff, cols, 0, w, g * Og * CK, Og, width, CK, false, true);
    }
  }
  return w;
}
