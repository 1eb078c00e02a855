/**
 * @file A second differential review of ad.linalg against PyTorch 1.13 (float64 autograd) and
 * NumPy, by a harness outside the repo: batched and broadcast shapes, 0×0 to wide and tall,
 * rank-deficient inputs, options, first and second derivatives, jvp, vmap and jit (about 19,000
 * comparisons). Values, derivatives and compositions agreed; what it found was options that
 * torch and NumPy users pass and adjoint silently ignored (qr's mode, svd's full_matrices,
 * cholesky's upper, solve's left…), and a misleading message for a NaN given to cholesky. The
 * oracle numbers below are the ones torch printed, written out so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const L = ad.linalg;
/** ad.linalg as a JavaScript caller sees it: extra arguments compile (TypeScript rejects them). */
const js = ad.linalg as unknown as Record<string, (...args: unknown[]) => unknown>;
const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const close = (got: number[], want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
};
const a = ad.tensor([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
const b = ad.tensor([[1, 2], [0, 1], [3, 0]]);

describe('options from torch and NumPy that were silently ignored are errors naming the op', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    // qr(a, 'complete') gave the reduced q [3, 2] of a 3×2 a, and svd(a, true) (NumPy's, torch's and JAX's
    // full_matrices, true by default) u [3, 2]: both are supported now (test/linalg/completeFactors.test.ts);
    // what they do not know is still an error.
    ['qr pivoting', () => js.qr!(ad.ones([3, 2]), { pivoting: true }), /linalg\.qr: unknown option\(s\) pivoting/],
    ['svd compute_uv', () => js.svd!(ad.ones([3, 2]), { computeUv: false }), /linalg\.svd: unknown option\(s\) computeUv.*svdvals/],
    // cholesky(a, { upper: true }) returned the lower factor (now supported: test/linalg/completeFactors.test.ts).
    ['cholesky unknown option', () => js.cholesky!(a, { uplo: 'U' }), /linalg\.cholesky: unknown option\(s\) uplo; the only option is upper/],
    ['cholesky true', () => js.cholesky!(a, true), /linalg\.cholesky: takes no options, got boolean true.*upper: true/],
    // solve(a, b, { left: false }) solved a x = b, not x a = b.
    ['solve left', () => js.solve!(a, b, { left: false }), /linalg\.solve: .*\{ left \}.*left=False/],
    // choleskySolve(u, b, true) read an upper factor's lower triangle (zeros below the diagonal).
    ['choleskySolve upper', () => js.choleskySolve!(a, b, true), /linalg\.choleskySolve: .*upper factor/],
    ['lu pivot', () => js.lu!(a, { pivot: false }), /linalg\.lu: .*\{ pivot \}.*always pivots/],
    ['luFactor pivot', () => js.luFactor!(a, { pivot: false }), /linalg\.luFactor: .*always pivots/],
    ['luSolve trans', () => js.luSolve!(L.luFactor(a), b, 'T'), /linalg\.luSolve: takes no options, got string 'T'/],
    ['eigh UPLO', () => js.eigh!(a, 'U'), /linalg\.eigh: takes no options, got string 'U'/],
    ['eigvalsh UPLO', () => js.eigvalsh!(a, 'L'), /linalg\.eigvalsh: takes no options, got string 'L'/],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => {
      expect(run).toThrow(ad.AdjointError);
      expect(run).toThrow(message);
    });
  }
  it("undefined, and map's index and array, still pass (xs.map(ad.linalg.qr) keeps working)", () => {
    const f = L.qr as (x: Tensor, ...rest: unknown[]) => { q: Tensor; r: Tensor };
    expect(arr(f(a, undefined).r)).toEqual(arr(L.qr(a).r));
    expect([a, a].map(L.qr as (x: Tensor) => { q: Tensor; r: Tensor }).map((x) => x.r.shape)).toEqual([[3, 3], [3, 3]]);
    expect([a].map(L.svd as (x: Tensor) => { s: Tensor })[0]!.s.shape).toEqual([3]);
    expect([a].map(L.cholesky as (x: Tensor) => Tensor)[0]!.shape).toEqual([3, 3]);
  });
});

describe('cholesky of a matrix with a NaN', () => {
  it('says the entry is not finite (it said the matrix is not positive definite)', () => {
    const run = () => L.cholesky(ad.tensor([[1, 0], [0, NaN]]));
    expect(run).toThrow(/linalg\.cholesky: the \[2,2\] argument has a non-finite entry \(NaN\)/);
    expect(() => L.cholesky(ad.stack([a, ad.neg(a)]))).toThrow(/batch index \[1\].*not positive definite/);
  });
});

describe('norms by singular values of a matrix with a NaN', () => {
  it("name linalg.norm, the op the user called (the error named linalg.svd)", () => {
    const x = ad.tensor([[1, NaN], [2, 3]]);
    for (const run of [() => L.norm(x, 2), () => L.matrixNorm(x, 'nuc'), () => L.norm(x, -2)]) {
      expect(run).toThrow(/^linalg\.norm: the \[2,2\] argument has a non-finite entry \(NaN\).*\(from linalg\.svd\)$/);
    }
    expect(L.matrixNorm(x, 1).item()).toBeNaN(); // sums propagate it, as torch.linalg.matrix_norm
  });
});

describe('vectorNorm with axis []', () => {
  it('is an error: torch reads dim=[] as every axis (5.4772… here), NumPy as none; it gave |x| silently', () => {
    const x = ad.tensor([[3, -4], [1, 2]]);
    expect(() => L.vectorNorm(x, 2, [])).toThrow(/linalg\.vectorNorm: axis \[\] is ambiguous.*omit axis/);
    close([L.vectorNorm(x).item()], [Math.sqrt(30)], 1e-15); // torch.linalg.vector_norm(x, 2, dim=[]) = √30
    close(arr(L.vectorNorm(x, 2, [0, 1], true)), [Math.sqrt(30)], 1e-15);
  });
});

describe('conventions checked against the oracles (agreed before this review; kept as guards)', () => {
  it("lstsq's gradient with an rcond that truncates is that of the truncated pinv (torch's lstsq backward ignores rcond)", () => {
    // s(A) = [5.0815…, 0.6602…]; rcond 0.2 keeps one. torch: (pinv(A, rtol=0.2) @ B), summed against W.
    const A = ad.tensor([[1, 2], [2, 4.001], [1, 0.5]]), B = ad.tensor([[1], [0], [2]]), W = ad.tensor([[1], [-1]]);
    close(arr(L.lstsq(A, B, 0.2).solution), [0.07352627611276794, 0.1387778368028121], 1e-13);
    const g = ad.grad((x: Tensor) => ad.sum(ad.mul(L.lstsq(x, B, 0.2).solution, W)))(A);
    close(arr(g), [0.01399727162231458, -0.012839146703100594, 0.04306856271040618, 0.002757783058491786, -0.00630126495615604, -0.027874336015502297], 1e-12);
    // torch.linalg.lstsq(A, B, rcond=0.2).solution's gradient is the untruncated one, [2.7034…, −1.4114…, …].
  });
  it('the Hessian of det at a singular matrix is exact (torch on the Leibniz expansion), also under jit and vmap', () => {
    const s = ad.tensor([[1, 2, 3], [2, 4, 6], [1, 0, 1]]); // rank 2
    // ∂²det/∂a_ij∂a_kl = ±a_mn (m ∉ {i, k}, n ∉ {j, l}): torch's Hessian of the Leibniz expansion, in integers.
    const want = [
      [0, 0, 0, 0, 1, 0, 0, -6, 4], [0, 0, 0, -1, 0, 1, 6, 0, -2], [0, 0, 0, 0, -1, 0, -4, 2, 0],
      [0, -1, 0, 0, 0, 0, 0, 3, -2], [1, 0, -1, 0, 0, 0, -3, 0, 1], [0, 1, 0, 0, 0, 0, 2, -1, 0],
      [0, 6, -4, 0, -3, 2, 0, 0, 0], [-6, 0, 2, 3, 0, -1, 0, 0, 0], [4, -2, 0, -2, 1, 0, 0, 0, 0],
    ].flat();
    // The gradient is the cofactor matrix [[4, 4, −4], [−2, −2, 2], [0, 0, 0]]; torch 1.13's det backward gives zeros here.
    expect(arr(ad.grad((x: Tensor) => L.det(x))(s))).toEqual([4, 4, -4, -2, -2, 2, 0, 0, 0].map((c) => expect.closeTo(c, 13)));
    const hessian = ad.hessian((x: Tensor) => L.det(x));
    close(arr(hessian(s)), want, 1e-14);
    close(arr(ad.jit(hessian)(s)), want, 1e-14);
    const v = ad.tensor([[1, -1, 2], [0, 3, 1], [2, 2, -1]]);
    const hv = ad.vmap((x: Tensor) => ad.hvp((y: Tensor) => L.det(y), x, v))(ad.stack([s, ad.add(s, ad.eye(3))]));
    const wantHv = want.reduce<number[]>((acc, _, k) => (k % 9 === 0 ? [...acc, want.slice(k, k + 9).reduce((t, h, j) => t + h * arr(v)[j]!, 0)] : acc), []);
    close(arr(hv).slice(0, 9), wantHv, 1e-14);
  });
});
