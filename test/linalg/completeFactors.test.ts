/**
 * @file linalg.qr's modes ('reduced', 'complete', 'r') and linalg.svd's fullMatrices: the complete
 * q against NumPy 1.24's (LAPACK's dgeqrf/dorgqr: the same reflections, so the same extra columns;
 * adjoint flips the first n columns where LAPACK's R has a negative diagonal), the full u and vh
 * by their defining properties (orthogonal, first columns the reduced ones, a = u s vh), batches,
 * vmap and jit, and derivatives: r and s have them, the complete q and full u/vh throw as torch and JAX.
 * Also cholesky's { upper: true } (Lᵀ, as torch's and JAX's upper=True).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const L = ad.linalg;
const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const maxAbs = (x: Tensor) => ad.max(ad.abs(x)).item();
const close = (got: number[], want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol));
};
/** max |xᵀx − I| over a batch of square x. */
const orthogonality = (x: Tensor) => maxAbs(ad.sub(ad.matmul(L.matrixTranspose(x), x), ad.eye(x.shape[x.ndim - 1]!)));
/** x[..., rows, cols] from the top left. */
const corner = (x: Tensor, rows: number, cols: number) => ad.slice(x, x.shape.map(() => 0), [...x.shape.slice(0, -2), rows, cols]);

describe("qr's modes", () => {
  const a = ad.tensor([[1, 2], [3, 4], [5, 6], [7, 9]]);
  it("mode 'complete' of a tall matrix: NumPy's q (its first column flipped: R's diagonal is made non-negative) and r with zero rows", () => {
    // numpy.linalg.qr(a, 'complete')
    const numpyQ = [
      [-0.10910894511799629, 0.866491259333883, 0.4466447535631092, -0.19441347614753754],
      [-0.3273268353539886, 0.21307162114767558, -0.7347383238026762, -0.5546325113570948],
      [-0.5455447255899811, -0.4403480170385299, 0.4994951480042917, -0.508899964031594],
      [-0.7637626158259735, 0.0994334232022489, -0.10570078888236262, 0.6289729757681131],
    ];
    const numpyR = [[-9.16515138991168, -11.674657127625595], [0, 0.8380817098475283], [0, 0], [0, 0]];
    const flip = [-1, 1, 1, 1];
    for (const { q, r } of [L.qr(a, 'complete'), L.qr(a, { mode: 'complete' })]) {
      expect(q.shape).toEqual([4, 4]);
      expect(r.shape).toEqual([4, 2]);
      close(arr(q), numpyQ.flatMap((row) => row.map((v, j) => v * flip[j]!)), 1e-14);
      close(arr(r), numpyR.flatMap((row, i) => row.map((v) => v * flip[i]!)), 1e-13);
      expect(arr(corner(q, 4, 2))).toEqual(arr(L.qr(a).q)); // the reduced q, bit for bit
    }
  });
  it("mode 'complete' of a wide or square matrix is the reduced factors; mode 'r' returns r alone", () => {
    const wide = ad.tensor([[2, -1, 0], [1, 3, 1]]);
    expect(arr(L.qr(wide, 'complete').q)).toEqual(arr(L.qr(wide).q));
    // numpy.linalg.qr(wide, 'complete'): q [[-0.894, -0.447], [-0.447, 0.894]], r's diagonal −2.236, 3.130:
    // the first column of q and row of r flipped here
    close(arr(L.qr(wide, 'complete').q), [0.8944271909999157, -0.4472135954999579, 0.4472135954999579, 0.8944271909999159], 1e-15);
    close(arr(L.qr(wide, 'complete').r), [2.23606797749979, 0.447213595499958, 0.4472135954999579, 0, 3.1304951684997055, 0.8944271909999159], 1e-14);
    const onlyR = L.qr(a, 'r');
    expect(Object.keys(onlyR)).toEqual(['r']);
    expect(arr(onlyR.r)).toEqual(arr(L.qr(a).r)); // numpy.linalg.qr(a, 'r') is the reduced r [2, 2]
    expect(arr(L.qr(a, { mode: 'reduced' }).q)).toEqual(arr(L.qr(a).q));
  });
  it('batches, rank deficiency and zero columns: q orthogonal, q r = a', () => {
    const batch = ad.random.normal(ad.random.key(5), [3, 6, 4]);
    const deficient = ad.tensor([[1, 2, 0], [2, 4, 0], [3, 6, 0], [4, 8, 0], [0, 0, 0]]);
    for (const x of [batch, deficient, ad.zeros([4, 2]), ad.random.normal(ad.random.key(6), [7, 1])]) {
      const { q, r } = L.qr(x, 'complete');
      const m = x.shape[x.ndim - 2]!;
      expect(q.shape).toEqual([...x.shape.slice(0, -2), m, m]);
      expect(orthogonality(q)).toBeLessThan(1e-14);
      expect(maxAbs(ad.sub(ad.matmul(q, r), x))).toBeLessThan(1e-13);
    }
  });
  it('r has derivatives in every mode; the complete q of a tall matrix throws, naming the fix (as torch and JAX)', () => {
    const x = ad.random.normal(ad.random.key(7), [5, 3]);
    expect(arr(ad.grad((v: Tensor) => ad.sum(ad.sin(L.qr(v, 'complete').r)))(x))).toEqual(arr(ad.grad((v: Tensor) => ad.sum(ad.sin(L.qr(v).r)))(x)));
    expect(arr(ad.grad((v: Tensor) => ad.sum(L.qr(v, 'r').r))(x))).toEqual(arr(ad.grad((v: Tensor) => ad.sum(L.qr(v).r))(x)));
    expect(() => ad.grad((v: Tensor) => ad.sum(L.qr(v, 'complete').q))(x)).toThrow(/linalg\.qr: the complete q of a tall matrix .* has no derivative.*mode 'reduced'/);
    expect(() => ad.jvp((v: Tensor) => L.qr(v, 'complete').q, [x], [ad.onesLike(x)])).toThrow(ad.AdjointError);
    const square = ad.random.normal(ad.random.key(8), [3, 3]); // complete = reduced: differentiable
    expect(arr(ad.grad((v: Tensor) => ad.sum(L.qr(v, 'complete').q))(square))).toEqual(arr(ad.grad((v: Tensor) => ad.sum(L.qr(v).q))(square)));
  });
  it('under vmap and jit, the same values', () => {
    const x = ad.random.normal(ad.random.key(9), [4, 5, 2]);
    const want = L.qr(x, 'complete').q;
    expect(arr(ad.vmap((v: Tensor) => L.qr(v, 'complete').q)(x))).toEqual(arr(want));
    const jitted = ad.jit((v: Tensor) => L.qr(v, 'complete').q);
    expect(arr(jitted(x))).toEqual(arr(want));
    const other = ad.random.normal(ad.random.key(10), [4, 5, 2]);
    expect(arr(jitted(other))).toEqual(arr(L.qr(other, 'complete').q));
  });
  it('a mode that is not one of the three, or an unknown option, is an error', () => {
    const js = L.qr as unknown as (...args: unknown[]) => unknown;
    expect(() => js(a, 'full')).toThrow(/linalg\.qr: mode must be 'reduced', 'complete' or 'r', got "full"/);
    expect(() => js(a, { mode: 'complete', pivoting: true })).toThrow(/linalg\.qr: unknown option\(s\) pivoting/);
    expect(() => js(a, true)).toThrow(/linalg\.qr: takes no options, got boolean true/);
  });
});

describe("svd's fullMatrices", () => {
  for (const shape of [[5, 3], [3, 5], [2, 4, 2], [2, 3, 6], [4, 4], [6, 1]]) {
    it(`[${shape}]: u and vh orthogonal, their first k columns and rows the reduced ones, a = u s vh`, () => {
      const x = ad.random.normal(ad.random.key(shape.length * 10 + shape[1]!), shape);
      const m = shape.at(-2)!, n = shape.at(-1)!, k = Math.min(m, n);
      for (const full of [L.svd(x, { fullMatrices: true }), L.svd(x, true)]) {
        const reduced = L.svd(x);
        expect(full.u.shape).toEqual([...shape.slice(0, -2), m, m]);
        expect(full.vh.shape).toEqual([...shape.slice(0, -2), n, n]);
        expect(orthogonality(full.u)).toBeLessThan(1e-14);
        expect(orthogonality(L.matrixTranspose(full.vh))).toBeLessThan(1e-14);
        expect(arr(corner(full.u, m, k))).toEqual(arr(reduced.u));
        expect(arr(corner(full.vh, k, n))).toEqual(arr(reduced.vh));
        expect(arr(full.s)).toEqual(arr(reduced.s));
        const rebuilt = ad.matmul(ad.mul(corner(full.u, m, k), ad.expandDims(full.s, -2)), corner(full.vh, k, n));
        expect(maxAbs(ad.sub(rebuilt, x))).toBeLessThan(1e-13);
      }
      expect(arr(L.svd(x, { fullMatrices: false }).u)).toEqual(arr(L.svd(x).u));
    });
  }
  it('s has derivatives; the full u or vh of a matrix that is not square throws, naming the fix', () => {
    const x = ad.random.normal(ad.random.key(11), [5, 3]);
    expect(arr(ad.grad((v: Tensor) => ad.sum(L.svd(v, true).s))(x))).toEqual(arr(ad.grad((v: Tensor) => ad.sum(L.svd(v).s))(x)));
    expect(() => ad.grad((v: Tensor) => ad.sum(L.svd(v, true).u))(x)).toThrow(/linalg\.svd: the full u \(or vh\) .* has no derivative/);
    expect(() => ad.grad((v: Tensor) => ad.sum(L.svd(v, true).vh))(L.matrixTranspose(x))).toThrow(ad.AdjointError);
  });
  it('under vmap and jit, the same values; bad options are errors', () => {
    const x = ad.random.normal(ad.random.key(12), [3, 2, 4]);
    expect(arr(ad.vmap((v: Tensor) => L.svd(v, true).vh)(x))).toEqual(arr(L.svd(x, true).vh));
    const jitted = ad.jit((v: Tensor) => L.svd(v, true).vh);
    const other = ad.random.normal(ad.random.key(13), [3, 2, 4]);
    jitted(x);
    expect(arr(jitted(other))).toEqual(arr(L.svd(other, true).vh));
    const js = L.svd as unknown as (...args: unknown[]) => unknown;
    expect(() => js(x, { full_matrices: true })).toThrow(/linalg\.svd: unknown option\(s\) full_matrices.*fullMatrices/);
    expect(() => js(x, { fullMatrices: 1 })).toThrow(/linalg\.svd: fullMatrices must be true or false/);
    expect(() => js(x, 'full')).toThrow(/linalg\.svd: takes no options, got string 'full'/);
  });
});

describe("cholesky's upper factor", () => {
  it('{ upper: true } is Lᵀ (torch.linalg.cholesky upper=True), with a = Uᵀ U, batched and differentiable', () => {
    const s = ad.random.normal(ad.random.key(14), [2, 4, 4]);
    const spd = ad.add(ad.matmul(s, L.matrixTranspose(s)), ad.mul(4, ad.eye(4)));
    const u = L.cholesky(spd, { upper: true });
    expect(arr(u)).toEqual(arr(L.matrixTranspose(L.cholesky(spd))));
    expect(maxAbs(ad.sub(ad.matmul(L.matrixTranspose(u), u), spd))).toBeLessThan(1e-13);
    expect(arr(L.cholesky(spd, { upper: false }))).toEqual(arr(L.cholesky(spd)));
    // torch.linalg.cholesky(tensor([[4., 2.], [2., 3.]]), upper=True) = [[2, 1], [0, 1.4142135623730951]]
    expect(arr(L.cholesky(ad.tensor([[4, 2], [2, 3]]), { upper: true }))).toEqual([2, 1, 0, Math.SQRT2]);
    const w = ad.random.normal(ad.random.key(15), [2, 4, 4]);
    const viaUpper = ad.grad((x: Tensor) => ad.sum(ad.mul(w, L.cholesky(x, { upper: true }))))(spd);
    const viaLower = ad.grad((x: Tensor) => ad.sum(ad.mul(L.matrixTranspose(w), L.cholesky(x))))(spd);
    expect(arr(viaUpper)).toEqual(arr(viaLower));
  });
});
