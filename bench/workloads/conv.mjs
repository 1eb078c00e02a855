// CONV, a 2-D convolution layer: L = ½ Σ y², y = conv(x, w, padding 1) + b, with N = 8, C = 16 → 32, 32×32 images,
// 3×3 kernels; gradient with respect to x, w and b. Plain: im2col and matrix products in Float64Array loops (the
// textbook layer: forward W·cols per example; backward dW += ȳ·colsᵀ, dx = col2im(Wᵀ·ȳ), cols kept from the forward).
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { matmul, matmulNT, matmulTN } from '../plain/linalg.mjs';

const N = 8, C = 16, O = 32, H = 32, W = 32, K = 3, PAD = 1;
const HW = H * W, CKK = C * K * K;

function setup() {
  const x = symmetric(N * C * HW, 101, 1);
  const w = symmetric(O * CKK, 102, Math.sqrt(3 / CKK));
  const b = symmetric(O, 103, 0.1);
  const t = { x: ad.tensor(x, [N, C, H, W]), w: ad.tensor(w, [O, C, K, K]), b: ad.tensor(b, [O]) };
  return { x, w, b, t };
}

// ---- plain ----

/** cols[c·9 + ky·3 + kx, i·W + j] = x[n, c, i + ky − 1, j + kx − 1] (0 outside): one example's patches. */
function im2col(x, n) {
  const cols = new Float64Array(CKK * HW);
  for (let c = 0; c < C; c++) {
    const xc = (n * C + c) * HW;
    for (let ky = 0; ky < K; ky++) for (let kx = 0; kx < K; kx++) {
      const row = ((c * K + ky) * K + kx) * HW;
      for (let i = 0; i < H; i++) {
        const si = i + ky - PAD;
        if (si < 0 || si >= H) continue;
        const j0 = Math.max(0, PAD - kx), j1 = Math.min(W, W + PAD - kx);
        for (let j = j0; j < j1; j++) cols[row + i * W + j] = x[xc + si * W + j + kx - PAD];
      }
    }
  }
  return cols;
}

/** dx[n] += the transpose of im2col applied to dcols. */
function col2im(dcols, dx, n) {
  for (let c = 0; c < C; c++) {
    const xc = (n * C + c) * HW;
    for (let ky = 0; ky < K; ky++) for (let kx = 0; kx < K; kx++) {
      const row = ((c * K + ky) * K + kx) * HW;
      for (let i = 0; i < H; i++) {
        const si = i + ky - PAD;
        if (si < 0 || si >= H) continue;
        const j0 = Math.max(0, PAD - kx), j1 = Math.min(W, W + PAD - kx);
        for (let j = j0; j < j1; j++) dx[xc + si * W + j + kx - PAD] += dcols[row + i * W + j];
      }
    }
  }
}

/** y[n] = W·cols + b per example; returns the outputs and the columns (kept for the backward pass). */
function forward(d) {
  const ys = [], colsAll = [];
  for (let n = 0; n < N; n++) {
    const cols = im2col(d.x, n);
    const y = matmul(d.w, cols, O, CKK, HW);
    for (let o = 0; o < O; o++) for (let p = 0; p < HW; p++) y[o * HW + p] += d.b[o];
    ys.push(y);
    colsAll.push(cols);
  }
  return { ys, colsAll };
}

function halfSquares(ys) {
  let s = 0;
  for (const y of ys) for (let i = 0; i < y.length; i++) s += y[i] * y[i];
  return s / 2;
}

function plainF(d) {
  return halfSquares(forward(d).ys);
}

/** ȳ = y; b̄[o] = Σ ȳ; w̄ = Σ_n ȳ_n colsₙᵀ; x̄_n = col2im(Wᵀ ȳ_n). */
function plainVG(d) {
  const { ys, colsAll } = forward(d);
  const gw = new Float64Array(O * CKK), gb = new Float64Array(O), gx = new Float64Array(N * C * HW);
  for (let n = 0; n < N; n++) {
    const y = ys[n];
    for (let o = 0; o < O; o++) for (let p = 0; p < HW; p++) gb[o] += y[o * HW + p];
    const dw = matmulNT(y, colsAll[n], O, HW, CKK);
    for (let i = 0; i < dw.length; i++) gw[i] += dw[i];
    col2im(matmulTN(d.w, y, O, CKK, HW), gx, n);
  }
  return { value: halfSquares(ys), grads: { x: gx, w: gw, b: gb } };
}

// ---- adjoint ----

const loss = (x, w, b) => ad.mul(0.5, ad.sum(ad.square(ad.conv(x, w, { padding: PAD, bias: b }))));
const vg = ad.valueAndGrad(loss, [0, 1, 2]);

function adjointVG(d) {
  const [value, [gx, gw, gb]] = vg(d.t.x, d.t.w, d.t.b);
  return { value: value.item(), grads: { x: gx, w: gw, b: gb } };
}

export default {
  id: 'CONV',
  size: 'N=8, 16→32, 32×32, 3×3, pad 1',
  setup,
  plain: { f: plainF, vg: plainVG },
  adjoint: { f: (d) => loss(d.t.x, d.t.w, d.t.b).item(), vg: adjointVG },
};
