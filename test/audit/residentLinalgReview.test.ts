/**
 * @file Review of the resident LU (above order 64) and Cholesky (above order 56) in the matrix
 * kernel's memory, and of eigh's and svd's gradient when only the eigenvalues / singular values
 * reach the loss (5623c02, 2ce31fe, 5acb454, a248e7e): values and derivatives against NumPy 1.24 /
 * PyTorch 1.13 numbers written out here, on one thread and two (the same bits) and with the kernel
 * off; the signed zeros of L below an exactly zero pivot; exactly singular batches.
 *
 * The matrices are a 32-bit hash of (i, j, seed) (murmur3's finaliser) scaled to [−½, ½), computed
 * the same way in the Python scripts that gave the literals (gist beside each table).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const { linalg } = ad;
afterEach(() => ad.config({ wasm: true, threads: 'auto' }));

/** murmur3's 32-bit finaliser. */
function fmix(h: number): number {
  h >>>= 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
/** r×c entries fmix(i·65536 + j + 40503·seed)/2³² − ½, row-major (Python: the same integers, & 0xffffffff). */
function gen(r: number, c: number, seed: number): Float64Array {
  const a = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) a[i * c + j] = fmix(i * 65536 + j + seed * 40503) / 4294967296 - 0.5;
  return a;
}
const T = (a: Float64Array | number[], shape: number[]) => ad.tensor(a, shape);
/** B Bᵀ/n + 0.1 I with B = gen(n, n, seed), exactly symmetric (lower triangle mirrored). */
function spd(n: number, seed: number): Float64Array {
  const b = gen(n, n, seed), s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let t = 0;
    for (let k = 0; k < n; k++) t += b[i * n + k]! * b[j * n + k]!;
    s[i * n + j] = s[j * n + i] = t / n + (i === j ? 0.1 : 0);
  }
  return s;
}
const dot = (x: ad.Tensor, w: ad.Tensor) => ad.sum(ad.mul(x, w)).item();
const rel = (got: number, want: number) => Math.abs(got - want) / Math.max(1, Math.abs(want));
const SETTINGS = { two: { wasm: true, threads: 2 }, one: { wasm: true, threads: 1 }, off: { wasm: false, threads: 'auto' } } as const;

// NumPy: M = gen(n, n, n), b = gen(n, 1, n+1), W = gen(n, n, n+2), c = gen(n, 1, n+3); slogdet(M);
// x = solve(M, b); Σ W∘inv(M)ᵀ (grad of log|det|); Σ W∘(−inv(M)ᵀ c xᵀ) (grad of ⟨c, solve(M, b)⟩); trace inv(M).
const LU_CASES = [
  [65, { sign: 1, logAbsDet: 22.167984338693838, x: [3.884650218986796, -2.1067586669980622, -16.533188986821827], gSlogdetW: -48.45202341044474, gSolveW: -1020.7052206717385, invTrace: 12.161945759268406 }],
  [67, { sign: 1, logAbsDet: 24.63948566291337, x: [0.3028687354688183, -1.0963946053067113, 2.086903776704586], gSlogdetW: -40.9298358659416, gSolveW: -63.49082183793095, invTrace: 2.0453090503663494 }],
  [97, { sign: 1, logAbsDet: 51.24596261326146, x: [0.48255296649855994, 0.3411766005993324, 0.15745261664669197], gSlogdetW: 6.578656835299695, gSolveW: -1.481072483113004, invTrace: -9.23226793924571 }],
  [131, { sign: -1, logAbsDet: 92.33752885162745, x: [0.7880674458424333, -0.5583594122162299, -0.994280229928513], gSlogdetW: -10.24452944543619, gSolveW: -60.462748134096515, invTrace: 5.084307146478699 }],
  [300, { sign: 1, logAbsDet: 331.52747161540134, x: [0.4829839413741628, -0.7495297031091444, 0.5502596980367994], gSlogdetW: -7.458132658278396, gSolveW: -72.76477622635652, invTrace: 2.372723666385579 }],
] as const;

describe('LU-based ops around and above the resident threshold (64) against NumPy', () => {
  it.each(LU_CASES)('n = %i: slogdet, solve, inv and their gradients; two threads and one the same bits, kernel off to rounding', (n, want) => {
    const M = T(gen(n, n, n), [n, n]), b = T(gen(n, 1, n + 1), [n]), W = T(gen(n, n, n + 2), [n, n]), c = T(gen(n, 1, n + 3), [n]);
    const bits: Record<string, number[]> = {};
    for (const [name, setting] of Object.entries(SETTINGS)) {
      ad.config(setting);
      const sd = linalg.slogdet(M), x = linalg.solve(M, b).toFloat64Array();
      const gS = ad.grad((a: ad.Tensor) => linalg.slogdet(a).logAbsDet)(M);
      const gX = ad.grad((a: ad.Tensor) => ad.sum(ad.mul(linalg.solve(a, b), c)))(M);
      const inv = linalg.inv(M), lu = linalg.luFactor(M).lu.toFloat64Array();
      expect(sd.sign.item()).toBe(want.sign);
      expect(rel(sd.logAbsDet.item(), want.logAbsDet)).toBeLessThan(1e-13);
      [x[0]!, x[n >> 1]!, x[n - 1]!].forEach((v, i) => expect(rel(v, want.x[i]!)).toBeLessThan(1e-11));
      expect(rel(dot(gS, W), want.gSlogdetW)).toBeLessThan(1e-11);
      expect(rel(dot(gX, W), want.gSolveW)).toBeLessThan(1e-11);
      expect(rel(ad.sum(linalg.diagonal(inv)).item(), want.invTrace)).toBeLessThan(1e-11);
      bits[name] = [...x, ...lu, ...gX.toFloat64Array()];
    }
    expect(bits.one).toEqual(bits.two);
  });

  it('an exactly singular matrix (a zero column) in a batch at n = 70 and 131: det exactly 0, solve names its batch index, both paths alike', () => {
    for (const n of [70, 131]) {
      const zc = gen(n, n, 7);
      for (let i = 0; i < n; i++) zc[i * n + 7] = 0;
      const batch = new Float64Array(3 * n * n);
      batch.set(gen(n, n, 7)); batch.set(zc, n * n); batch.set(gen(n, n, 8), 2 * n * n);
      for (const setting of Object.values(SETTINGS)) {
        ad.config(setting);
        const B = T(batch, [3, n, n]);
        const det = linalg.det(B).toFloat64Array();
        expect(det[1]).toBe(0);
        expect(det[0]).not.toBe(0);
        expect(linalg.slogdet(B).logAbsDet.toFloat64Array()[1]).toBe(-Infinity);
        expect(() => linalg.solve(B, T(gen(3 * n, 1, 5), [3, n, 1]))).toThrow(/batch index \[1\].*singular/);
      }
    }
  });

  it('L below an exactly zero pivot keeps the input\'s zeros: +0 with the kernel on as with it off and at order 10 (the resident path gave −0)', () => {
    for (const n of [10, 70, 131]) {
      const a = gen(n, n, 7);
      for (let i = 0; i < n; i++) a[i * n + 7] = 0;
      for (const setting of Object.values(SETTINGS)) {
        ad.config(setting);
        const l = linalg.lu(T(a, [n, n])).l.toFloat64Array();
        for (let i = 8; i < n; i++) expect(Object.is(l[i * n + 7], 0)).toBe(true);
      }
    }
  });
});

// NumPy/PyTorch: S = spd(n, n) (as here), W = gen(n, n, n+2), V = (W + Wᵀ)/2, b = gen(n, 1, n+1), x0 = gen(n, 1, n+5);
// L = cholesky(S): L[n−1, n−1], L[n//2, 3], Σ W∘L; slogdet(S); solve(S, b)[0]; MultivariateNormal(b, S).log_prob(x0);
// Σ W∘(−S⁻¹ V S⁻¹)ᵀ (jvp of grad log|det| along V); torch grad of Σ W∘chol((S+Sᵀ)/2) and its jvp along V, each ·W summed.
const CHOLESKY_CASES = [
  [57, { lLast: 0.3987705178046002, lMid: -0.006862792188823442, lSumW: 0.06743770799055393, logAbsDet: -102.20443123357975, x0: 1.5190486451133767, mvn: -29.44875089463429, hvpLogdetW: -5726.145275941504, gCholW: 163.95642458139343, hvpCholW: -29.621761208946907 }],
  [70, { lLast: 0.39405890627569196, lMid: 0.0016835646838565183, lSumW: 0.7969289539723792, logAbsDet: -125.5495477070242, x0: -0.5150817594897689, mvn: -30.333506889231394, hvpLogdetW: -8971.89676040785, gCholW: 254.2725215622678, hvpCholW: -57.343995095937274 }],
  [131, { lLast: 0.39277132261482833, lMid: -0.017774440539209384, lSumW: 0.10064643732976014, logAbsDet: -233.78449604690542, x0: -2.9903101917562953, mvn: -75.4068769866603, hvpLogdetW: -29690.01013446596, gCholW: 860.2616159559807, hvpCholW: -10.419237839114714 }],
] as const;

describe('Cholesky-based ops above the resident threshold (56) against NumPy and PyTorch', () => {
  it.each(CHOLESKY_CASES)('n = %i: cholesky, slogdet, choSolve, multivariate normal logpdf, and derivatives to second order', (n, want) => {
    const S = T(spd(n, n), [n, n]), W = T(gen(n, n, n + 2), [n, n]), b = T(gen(n, 1, n + 1), [n]), x0 = T(gen(n, 1, n + 5), [n]);
    const V = ad.mul(0.5, ad.add(W, linalg.matrixTranspose(W)));
    const bits: Record<string, number[]> = {};
    for (const [name, setting] of Object.entries(SETTINGS)) {
      ad.config(setting);
      const L = linalg.cholesky(S), l = L.toFloat64Array();
      expect(rel(l[n * n - 1]!, want.lLast)).toBeLessThan(1e-13);
      expect(rel(l[(n >> 1) * n + 3]!, want.lMid)).toBeLessThan(1e-13);
      expect(rel(dot(L, W), want.lSumW)).toBeLessThan(1e-12);
      expect(rel(linalg.slogdet(S).logAbsDet.item(), want.logAbsDet)).toBeLessThan(1e-13);
      expect(rel(linalg.choSolve(linalg.choFactor(S), b).toFloat64Array()[0]!, want.x0)).toBeLessThan(1e-12);
      expect(rel(ad.stats.multivariateNormal.logpdf(x0, b, S).item(), want.mvn)).toBeLessThan(1e-13);
      const hvpLogdet = ad.jvp(ad.grad((a: ad.Tensor) => linalg.slogdet(a).logAbsDet), [S], [V])[1] as ad.Tensor;
      expect(rel(dot(hvpLogdet, W), want.hvpLogdetW)).toBeLessThan(1e-12);
      const cholLoss = (a: ad.Tensor) => ad.sum(ad.mul(linalg.cholesky(a), W));
      expect(rel(dot(ad.grad(cholLoss)(S), W), want.gCholW)).toBeLessThan(1e-12);
      expect(rel(dot(ad.hvp(cholLoss, S, V), W), want.hvpCholW)).toBeLessThan(1e-11);
      bits[name] = Array.from(l);
    }
    expect(bits.one).toEqual(bits.two);
  });

  it('the failing row in the error is SciPy\'s leading minor (n = 70: 4, 62, 70; n = 131: 101), on every path', () => {
    // S[k, k] set to Σ_{j<k} L[k, j]² − ½ makes the (k+1)×(k+1) leading minor the first not positive
    // (scipy.linalg.cholesky: "k+1-th leading minor of the array is not positive definite").
    for (const [n, k] of [[70, 3], [70, 61], [70, 69], [131, 100]] as const) {
      const s = spd(n, n);
      const l = linalg.cholesky(T(s, [n, n])).toFloat64Array();
      let q = 0;
      for (let j = 0; j < k; j++) q += l[k * n + j]! ** 2;
      s[k * n + k] = q - 0.5;
      for (const setting of Object.values(SETTINGS)) {
        ad.config(setting);
        expect(() => linalg.cholesky(T(s, [n, n]))).toThrow(`its leading ${k + 1}×${k + 1} minor is not positive`);
        expect(linalg.slogdet(T(s, [n, n])).sign.item()).toBe(-1); // Cholesky fails, LU takes over
      }
    }
  });

  it('a Gaussian-process marginal likelihood at n = 75: value, gradient and Hessian in 3 hyperparameters against PyTorch', () => {
    // torch: K = e^{2θ₀} exp(−½ d²/e^{2θ₁}) + e^{2θ₂} I over xs = i/n·5; MultivariateNormal(0, K).log_prob(y) + ½ slogdet(K), y = gen(n, 1, 5).
    const n = 75, xs = T(Array.from({ length: n }, (_, i) => i / n * 5), [n]), y = T(gen(n, 1, 5), [n]);
    const gp = (th: ad.Tensor) => {
      const [ls, ll, lsig] = [0, 1, 2].map((i) => ad.squeeze(ad.slice(th, [i], [1])));
      const d = ad.sub(ad.expandDims(xs, 1), ad.expandDims(xs, 0));
      const K = ad.add(ad.mul(ad.exp(ad.mul(2, ls!)), ad.exp(ad.div(ad.mul(-0.5, ad.square(d)), ad.exp(ad.mul(2, ll!))))), ad.mul(ad.exp(ad.mul(2, lsig!)), ad.eye(n)));
      return ad.add(ad.stats.multivariateNormal.logpdf(y, ad.zeros([n]), K), ad.mul(0.5, linalg.slogdet(K).logAbsDet));
    };
    const th = T([0.1, -0.3, -1.2], [3]);
    const g = [0.6696298197419751, -2.4606580521493964, 60.47409513331207];
    const h = [-0.5021458046124759, 1.3676650338210137, -0.8371138348707692, 1.3676650338210283, -5.896231044785779, 3.5536510704777076, -0.8371138348716489, 3.553651070477826, -120.11107643175312];
    for (const setting of Object.values(SETTINGS)) {
      ad.config(setting);
      expect(rel(gp(th).item(), -99.49225246687743)).toBeLessThan(1e-13);
      ad.grad(gp)(th).toFloat64Array().forEach((v, i) => expect(rel(v, g[i]!)).toBeLessThan(1e-11));
      (ad.hessian(gp)(th) as ad.Tensor).toFloat64Array().forEach((v, i) => expect(rel(v, h[i]!)).toBeLessThan(1e-10));
    }
  });
});

const symmetric = (n: number, seed: number) => {
  const g = gen(n, n, seed), s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = g[i * n + j]! + g[j * n + i]!;
  return T(s, [n, n]);
};

describe('eigh and svd gradients of losses of the values alone against PyTorch', () => {
  it('eigh, n = 70: grad, jit(grad), checkpoint, hvp and jvp of grad', () => {
    // torch: loss = Σ w∘eigvalsh(A) + Σ eigvalsh(A)³/10, A = gen+genᵀ (seed 70), w = gen(70,1,3); ·W = gen(70,70,4); V = sym(seed 79).
    const n = 70, A = symmetric(n, n), w = T(gen(n, 1, 3), [n]), V = symmetric(n, n + 9), W = T(gen(n, n, 4), [n, n]);
    const loss = (a: ad.Tensor) => ad.add(ad.sum(ad.mul(w, linalg.eigvalsh(a))), ad.div(ad.sum(ad.pow(linalg.eigh(a).values, 3)), 10));
    const jitted = ad.jit(ad.grad(loss));
    jitted(A);
    for (const g of [ad.grad(loss)(A), jitted(A), ad.grad(ad.checkpoint(loss))(A)]) expect(rel(dot(g, W), -8.23940995273093)).toBeLessThan(1e-12);
    for (const hv of [ad.hvp(loss, A, V), ad.jvp(ad.grad(loss), [A], [V])[1] as ad.Tensor]) expect(rel(dot(hv, W), -1.0338166459111235)).toBeLessThan(1e-10);
  });

  it('a batch whose vectors cotangent is zero at some entries only, under vjp and under vmap: each entry as alone', () => {
    const n = 6, mats = [1, 2, 3].map((s) => symmetric(n, s)), A = ad.stack(mats), w = T(gen(3, n, 4), [3, n]);
    const vc = ad.mul(T([0, 1, 0], [3, 1, 1]), T(gen(3 * n, n, 5), [3, n, n]));
    const pull = (a: ad.Tensor, ww: ad.Tensor, v: ad.Tensor) => {
      const [, pb] = ad.vjp((x: ad.Tensor) => linalg.eigh(x), a) as [unknown, (c: unknown) => ad.Tensor[]];
      return pb({ values: ww, vectors: v })[0]!;
    };
    const whole = pull(A, w, vc).toFloat64Array(), mapped = ad.vmap(pull, [0, 0, 0])(A, w, vc).toFloat64Array();
    for (let t = 0; t < 3; t++) {
      const alone = pull(mats[t]!, ad.squeeze(ad.slice(w, [t, 0], [1, n]), 0), ad.squeeze(ad.slice(vc, [t, 0, 0], [1, n, n]), 0)).toFloat64Array();
      for (let i = 0; i < n * n; i++) {
        expect(Math.abs(whole[t * n * n + i]! - alone[i]!)).toBeLessThan(1e-13);
        expect(Math.abs(mapped[t * n * n + i]! - alone[i]!)).toBeLessThan(1e-13);
      }
    }
  });

  it('a repeated eigenvalue (1, 1, 1, 2, 3): the gradient of Σλ³ is 3A², eager and under jit', () => {
    const n = 5, q = linalg.qr(T(gen(n, n, 11), [n, n])).q;
    const a0 = ad.matmul(ad.mul(q, T([1, 1, 1, 2, 3], [n])), linalg.matrixTranspose(q));
    const A = ad.mul(0.5, ad.add(a0, linalg.matrixTranspose(a0)));
    const loss = (a: ad.Tensor) => ad.sum(ad.pow(linalg.eigvalsh(a), 3));
    const want = ad.mul(3, ad.matmul(A, A)).toFloat64Array(), jitted = ad.jit(ad.grad(loss));
    jitted(A);
    for (const g of [ad.grad(loss)(A), jitted(A)]) g.toFloat64Array().forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-13));
  });

  it.each([
    // torch: loss = Σ w∘svdvals(A) + Σ svdvals(A)³/10, A = gen(m, n, 100m+n), w = gen(k,1,8); hvp along gen(m,n,9); cond's gradient; each ·W = gen(m,n,12) summed.
    [7, 4, { gW: -0.07810992372486164, hvpW: -0.8523754054576125, condW: 1.9910209260614788 }],
    [4, 7, { gW: 0.13965195742203423, hvpW: 0.0017139261146444373, condW: 0.6474155628771414 }],
    [70, 70, { gW: -0.09846387955681601, hvpW: -5.660382276477361, condW: 52009.50046673592 }],
  ] as const)('svd %i×%i: grad, jit(grad), hvp and cond\'s gradient', (m, n, want) => {
    const A = T(gen(m, n, m * 100 + n), [m, n]), k = Math.min(m, n), w = T(gen(k, 1, 8), [k]), V = T(gen(m, n, 9), [m, n]), W = T(gen(m, n, 12), [m, n]);
    const loss = (a: ad.Tensor) => ad.add(ad.sum(ad.mul(w, linalg.svdvals(a))), ad.div(ad.sum(ad.pow(linalg.svd(a).s, 3)), 10));
    const jitted = ad.jit(ad.grad(loss));
    jitted(A);
    for (const g of [ad.grad(loss)(A), jitted(A)]) expect(rel(dot(g, W), want.gW)).toBeLessThan(1e-12);
    expect(rel(dot(ad.hvp(loss, A, V), W), want.hvpW)).toBeLessThan(1e-10);
    expect(Math.abs(dot(ad.grad((a: ad.Tensor) => linalg.cond(a))(A), W) - want.condW) / Math.abs(want.condW)).toBeLessThan(1e-9);
  });

  it('svd of a rank-2 6×4 matrix (two zero singular values): Σs³ gives 3 U diag(s²) Vᵀ and Σs² gives 2A, eager and under jit', () => {
    const B = gen(6, 2, 21), C = gen(2, 4, 22), m = new Float64Array(24);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 4; j++) m[i * 4 + j] = B[i * 2]! * C[j]! + B[i * 2 + 1]! * C[4 + j]!;
    const A = T(m, [6, 4]), { u, s, vh } = linalg.svd(A);
    const want = ad.matmul(ad.mul(u, ad.mul(3, ad.square(s))), vh).toFloat64Array();
    const cube = (a: ad.Tensor) => ad.sum(ad.pow(linalg.svdvals(a), 3)), jitted = ad.jit(ad.grad(cube));
    jitted(A);
    for (const g of [ad.grad(cube)(A), jitted(A)]) g.toFloat64Array().forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-14));
    ad.grad((a: ad.Tensor) => ad.sum(ad.square(linalg.svdvals(a))))(A).toFloat64Array().forEach((v, i) => expect(Math.abs(v - 2 * m[i]!)).toBeLessThan(1e-14));
  });
});
