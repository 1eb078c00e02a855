/** @file Ridge and logistic regression problems with closed-form or reference hypergradients, shared by the implicit tests. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { matVec, randomMatrix, solveDense, stream, transposeM, type Matrix } from './dense.js';

export interface Regression {
  X: Matrix; y: number[]; Xv: Matrix; yv: number[];
  tX: Tensor; ty: Tensor; tXv: Tensor; tyv: Tensor;
}

/** A linear-regression data set: train (n×d) and validation (nv×d), y = X w + noise. */
export function regression(n: number, nv: number, d: number, seed: number): Regression {
  const w = Array.from({ length: d }, stream(seed + 1));
  const noise = stream(seed + 2);
  const X = randomMatrix(n, d, seed);
  const Xv = randomMatrix(nv, d, seed + 3);
  const y = matVec(X, w).map((v) => v + 0.3 * noise());
  const yv = matVec(Xv, w).map((v) => v + 0.3 * noise());
  return { X, y, Xv, yv, tX: ad.tensor(X), ty: ad.tensor(y), tXv: ad.tensor(Xv), tyv: ad.tensor(yv) };
}

/** ½‖Xθ − y‖² + ½ Σ λ_j θ_j² (λ a scalar or one per feature). */
export const ridgeLoss = (r: Regression, lam: Tensor) => (theta: Tensor) =>
  ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(r.tX, theta), r.ty)))), ad.mul(0.5, ad.sum(ad.mul(lam, ad.square(theta)))));

/** ½‖X_v θ − y_v‖². */
export const validationLoss = (r: Regression) => (theta: Tensor) => ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(r.tXv, theta), r.tyv))));

/**
 * The closed form: θ* = (XᵀX + Λ)⁻¹ Xᵀy and, with u = (XᵀX + Λ)⁻¹ X_vᵀ(X_v θ* − y_v),
 * ∂L_val/∂λ_j = −u_j θ*_j (per feature), or −uᵀθ* for one shared penalty.
 */
export function ridgeHypergradient(r: Regression, lam: number[]): { theta: number[]; perFeature: number[]; shared: number } {
  const d = r.X[0]!.length;
  const XtX = transposeM(r.X).map((row) => Array.from({ length: d }, (_, j) => row.reduce((s, a, k) => s + a * r.X[k]![j]!, 0)));
  const A = XtX.map((row, i) => row.map((a, j) => a + (i === j ? lam[i]! : 0)));
  const theta = solveDense(A, matVec(transposeM(r.X), r.y));
  const resid = matVec(r.Xv, theta).map((v, i) => v - r.yv[i]!);
  const u = solveDense(A, matVec(transposeM(r.Xv), resid));
  const perFeature = u.map((ui, j) => -ui * theta[j]!);
  return { theta, perFeature, shared: perFeature.reduce((a, b) => a + b, 0) };
}

/** Labels in {0, 1} from a noisy linear rule. */
export function classification(n: number, d: number, seed: number): { X: Tensor; y: Tensor } {
  const w = Array.from({ length: d }, stream(seed + 5));
  const noise = stream(seed + 6);
  const X = randomMatrix(n, d, seed + 7);
  const y = matVec(X, w).map((v) => (v + 0.5 * noise() > 0 ? 1 : 0));
  return { X: ad.tensor(X), y: ad.tensor(y) };
}

/** Mean logistic loss softplus(z) − y z with z = X θ. */
export const logLoss = (X: Tensor, y: Tensor) => (theta: Tensor) => {
  const z = ad.matmul(X, theta);
  return ad.mean(ad.sub(ad.softplus(z), ad.mul(y, z)));
};
