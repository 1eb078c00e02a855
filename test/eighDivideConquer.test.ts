/**
 * @file linalg.eigh's divide-and-conquer tridiagonal stage (src/tensor/kernels/linalg/
 * tridiagonalDivide.ts, secular.ts; orders from 64 on, 80 without WebAssembly, the reduction's
 * reflections applied to its eigenvectors by blocks): against the QL iteration it replaces, on
 * the tridiagonal directly; through the public linalg.eigh against NumPy's eigvalsh (literals) and
 * the defining identities (AV = VΛ, VᵀV = I, ascending, signs) on random matrices straddling the
 * threshold and on the spectra that break careless implementations — repeated and clustered
 * eigenvalues, Wilkinson's matrices, negligible and zero off-diagonals, graded, zero, rank-one,
 * huge and negative — its gradients, batches and the path without WebAssembly.
 *
 * NumPy literals: numpy 1.24 np.linalg.eigvalsh of the same matrices built in Python from the same
 * integer generator (Park–Miller, s ← 16807·s mod 2³¹ − 1, entry s/(2³¹ − 1) − 0.5, exact in both),
 * lower triangle row by row: `a[i,j] = a[j,i] = next()` for j ≤ i.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { eighKernel, leafQL } from '../src/tensor/kernels/linalg/eigh.js';
import { tridiagonalEigen } from '../src/tensor/kernels/linalg/tridiagonalDivide.js';
import { secularRoots, secularVectors } from '../src/tensor/kernels/linalg/secular.js';

afterAll(() => ad.config({ wasm: true }));

function generator(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
}

/** The symmetric n×n matrix of the generator seeded with `seed` (as the NumPy script builds it). */
function randomSymmetric(n: number, seed: number, scale: (i: number, j: number) => number = () => 1): Float64Array {
  const next = generator(seed), a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next() * scale(i, j);
  return a;
}

function tridiagonal(d: ArrayLike<number>, e: ArrayLike<number>): Float64Array {
  const n = d.length, a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = d[i]!;
  for (let i = 0; i + 1 < n; i++) a[i * n + i + 1] = a[(i + 1) * n + i] = e[i]!;
  return a;
}

/** H diag(λ) H with H = H₁H₂ two Householder reflections (a dense orthogonal matrix): eigenvalues λ exactly, up to rounding. */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length, next = generator(seed);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = lambda[i]!;
  for (let r = 0; r < 2; r++) {
    const v = Float64Array.from({ length: n }, next);
    let vv = 0;
    for (const x of v) vv += x * x;
    // m ← H m H, H = I − 2vvᵀ/vᵀv: m − 2v(vᵀm)/vv − 2(mv)vᵀ/vv + 4v(vᵀmv)vᵀ/vv².
    const mv = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < n; k++) s += m[i * n + k]! * v[k]!; mv[i] = s; }
    let vmv = 0;
    for (let i = 0; i < n; i++) vmv += v[i]! * mv[i]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      m[i * n + j] += (-2 * (v[i]! * mv[j]! + mv[i]! * v[j]!) + (4 * vmv / vv) * v[i]! * v[j]!) / vv;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) m[i * n + j] = m[j * n + i] = 0.5 * (m[i * n + j]! + m[j * n + i]!);
  return m;
}

const frobenius = (x: ArrayLike<number>) => { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!; return Math.sqrt(s); };

/**
 * ‖AV − VΛ‖_F/‖A‖_F and ‖VᵀV − I‖_F for V's columns, both ≤ 1e-14·n; λ ascending; each column's
 * entry of largest magnitude positive. Scaled by the largest entry first (A may be near overflow).
 */
function expectEigenpairs(a: Float64Array, n: number, lam: Float64Array, v: Float64Array): void {
  let big = 0;
  for (const x of a) big = Math.max(big, Math.abs(x));
  const s = big > 0 ? 1 / big : 1, r = new Float64Array(n * n), g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const aik = a[i * n + k]! * s, vik = v[i * n + k]!;
    for (let c = 0; c < n; c++) { r[i * n + c] += aik * v[k * n + c]!; g[k * n + c] += vik * v[i * n + c]!; }
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) {
    r[i * n + c] -= lam[c]! * s * v[i * n + c]!;
    if (i === c) g[i * n + c] -= 1;
  }
  const norm = frobenius(a.map((x) => x * s)) || 1;
  expect(frobenius(r) / norm).toBeLessThan(1e-14 * n);
  expect(frobenius(g)).toBeLessThan(1e-14 * n);
  for (let c = 1; c < n; c++) expect(lam[c]!).toBeGreaterThanOrEqual(lam[c - 1]!);
  for (let c = 0; c < n; c++) {
    let top = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + c]!) > Math.abs(top)) top = v[k * n + c]!;
    expect(top).toBeGreaterThan(0);
  }
}

function eigh(a: Float64Array, n: number): { lam: Float64Array; v: Float64Array } {
  const r = ad.linalg.eigh(ad.tensor(a, [n, n]));
  return { lam: r.values.toFloat64Array(), v: r.vectors.toFloat64Array() };
}

/** |λ − expected| ≤ tol·max|λ| at the given indices (negative: from the end). */
function expectValuesAt(lam: Float64Array, expected: Record<number, number>, tol = 1e-13): void {
  const scale = Math.max(Math.abs(lam[0]!), Math.abs(lam[lam.length - 1]!));
  for (const [key, value] of Object.entries(expected)) {
    const i = Number(key) < 0 ? lam.length + Number(key) : Number(key);
    expect(Math.abs(lam[i]! - value)).toBeLessThanOrEqual(tol * scale);
  }
}

describe('eigh by divide and conquer: random matrices against NumPy', () => {
  // np.linalg.eigvalsh(randsym(n, seed=n)) at indices 0, 1, n//2, n−2, n−1.
  const numpy: Record<number, number[]> = {
    63: [-4.312626198448637, -4.023133143479871, 0.09043753607173091, 3.8553708811433145, 4.180121543697396],
    64: [-4.451851091689669, -4.213650452081372, -0.017636293904574357, 4.015909883309036, 4.646351313859822],
    79: [-5.0399094677969725, -4.611046198700764, 0.01572270758611764, 4.568903964113484, 4.830491333588144],
    80: [-4.843681752517743, -4.694771494708713, 0.0402280497807845, 4.688146211018421, 4.940641433486725],
    191: [-7.7387011789641, -7.397235910593321, -0.0008369904846812277, 7.611028359085236, 7.754800509581473],
    192: [-7.901122163872991, -7.810578324181326, -0.06580900475041637, 7.464412063939128, 7.768412726364356],
    250: [-8.969655620866268, -8.745632654178014, 0.01632427078626585, 8.750224439042277, 8.862308530562066],
    300: [-9.90077379508646, -9.666492719834293, 0.03199011847362462, 9.673227761570379, 9.77069030947739],
  };
  it.each([63, 64, 191, 192, 250, 300])('n = %i: NumPy’s eigenvalues, AV = VΛ, VᵀV = I', (n) => {
    const a = randomSymmetric(n, n);
    const { lam, v } = eigh(a, n);
    const w = numpy[n]!;
    expectValuesAt(lam, { 0: w[0]!, 1: w[1]!, [n >> 1]: w[2]!, [-2]: w[3]!, [-1]: w[4]! });
    expectEigenpairs(a, n, lam, v);
  });

  it.each([79, 80])('n = %i without WebAssembly (QL below 80, divide and conquer from it): NumPy’s eigenvalues, AV = VΛ, VᵀV = I', (n) => {
    ad.config({ wasm: false });
    try {
      const a = randomSymmetric(n, n);
      const { lam, v } = eigh(a, n);
      const w = numpy[n]!;
      expectValuesAt(lam, { 0: w[0]!, 1: w[1]!, [n >> 1]: w[2]!, [-2]: w[3]!, [-1]: w[4]! });
      expectEigenpairs(a, n, lam, v);
    } finally {
      ad.config({ wasm: true });
    }
  });

  it('n = 250 scaled by −1e300: the eigenvalues scale (and reverse), the identities hold', () => {
    const n = 250, a = randomSymmetric(n, n).map((x) => -1e300 * x);
    const { lam, v } = eigh(a, n);
    expectValuesAt(lam, { 0: -1e300 * 8.862308530562066, 1: -1e300 * 8.750224439042277, [-2]: -1e300 * -8.745632654178014, [-1]: -1e300 * -8.969655620866268 });
    expectEigenpairs(a, n, lam, v);
  });
});

describe('eigh by divide and conquer: hard spectra', () => {
  it('the identity, a diagonal with multiplicities, the zero matrix: exact values, orthonormal vectors', () => {
    const n = 200;
    for (const diag of [Array(n).fill(1), Array.from({ length: n }, (_, i) => (i % 5) - 2), Array(n).fill(0)]) {
      const a = tridiagonal(diag, new Float64Array(n - 1));
      const { lam, v } = eigh(a, n);
      expect(Array.from(lam)).toEqual([...diag].sort((x, y) => x - y));
      expectEigenpairs(a, n, lam, v);
    }
  });

  it('H diag(1,1,1,2,2,2,…) H (each eigenvalue three times) and clustered 1 + k·1e-12', () => {
    const n = 240;
    const repeated = Array.from({ length: n }, (_, i) => 1 + Math.floor(i / 3));
    let a = withSpectrum(repeated, 11);
    let { lam, v } = eigh(a, n);
    expectValuesAt(lam, Object.fromEntries(repeated.map((x, i) => [i, x])));
    expectEigenpairs(a, n, lam, v);
    const clustered = Array.from({ length: n }, (_, i) => 1 + i * 1e-12);
    a = withSpectrum(clustered, 12);
    ({ lam, v } = eigh(a, n));
    for (let i = 0; i < n; i++) expect(Math.abs(lam[i]! - clustered[i]!)).toBeLessThan(1e-14);
    expectEigenpairs(a, n, lam, v);
  });

  it('Wilkinson’s W201+ (pairs equal to all digits) and ten W21+ glued by 1e-14', () => {
    // numpy: eigvalsh of tridiag(|100 − i|, 1), n = 201 (last six, first three).
    let n = 201;
    let a = tridiagonal(Array.from({ length: n }, (_, i) => Math.abs(100 - i)), new Float64Array(n - 1).fill(1));
    let { lam, v } = eigh(a, n);
    expectValuesAt(lam, {
      [-6]: 98.0389411193064, [-5]: 98.03894111930643, [-4]: 99.21067864733304, [-3]: 99.21067864733321,
      [-2]: 100.74619418290337, [-1]: 100.7461941829034, 0: -1.125441522120011, 1: 0.2538058170965414, 2: 0.9475343675285357,
    });
    expectEigenpairs(a, n, lam, v);
    // numpy: d = |10 − (i mod 21)|, e = 1 except 1e-14 where (i + 1) mod 21 = 0, n = 210.
    n = 210;
    a = tridiagonal(Array.from({ length: n }, (_, i) => Math.abs(10 - (i % 21))), Array.from({ length: n - 1 }, (_, i) => ((i + 1) % 21 === 0 ? 1e-14 : 1)));
    ({ lam, v } = eigh(a, n));
    expectValuesAt(lam, {
      [-6]: 10.746194182903393, [-5]: 10.746194182903396, [-4]: 10.746194182903396, [-3]: 10.746194182903398, [-2]: 10.7461941829034,
      [-1]: 10.746194182903402, 0: -1.1254415221200067, 1: -1.1254415221199925, 2: -1.125441522119992,
    });
    expectEigenpairs(a, n, lam, v);
  });

  it('tridiagonals with negligible off-diagonals (1e-300, 0, subnormal) and exact splits', () => {
    const n = 200, next = generator(3);
    const d = Array.from({ length: n }, next);
    let a = tridiagonal(d, Array.from({ length: n - 1 }, (_, i) => [1e-300, 0, 5e-324][i % 3]!));
    let { lam, v } = eigh(a, n);
    expect(Array.from(lam)).toEqual([...d].sort((x, y) => x - y));
    expectEigenpairs(a, n, lam, v);
    a = tridiagonal(d, Array.from({ length: n - 1 }, (_, i) => (i % 10 === 9 ? 0 : next())));
    ({ lam, v } = eigh(a, n));
    expectEigenpairs(a, n, lam, v);
  });

  it('graded (entries from 1e150 down to 1e-150), rank one, a single nonzero entry', () => {
    let n = 200;
    let a = randomSymmetric(n, 5, (i, j) => 10 ** (150 - (300 * (i + j)) / (2 * n - 2)));
    let { lam, v } = eigh(a, n);
    // numpy eigvalsh, the largest; the others are below ‖A‖·ε of their own size.
    expect(Math.abs(lam[n - 1]! / 1.0187457812533535e148 - 1)).toBeLessThan(1e-13);
    expectValuesAt(lam, { [-2]: 7.593037004778074e144, [-3]: 1.1402099799086763e143, [-4]: 3.1515154281913986e137 });
    expectEigenpairs(a, n, lam, v);
    const next = generator(8), x = Float64Array.from({ length: n }, next);
    a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = x[i]! * x[j]!;
    ({ lam, v } = eigh(a, n));
    let xx = 0;
    for (const t of x) xx += t * t;
    expect(Math.abs(lam[n - 1]! - xx)).toBeLessThan(1e-13 * xx);
    for (let i = 0; i < n - 1; i++) expect(Math.abs(lam[i]!)).toBeLessThan(1e-13 * xx);
    expectEigenpairs(a, n, lam, v);
    n = 192;
    a = new Float64Array(n * n);
    a[5 * n + 7] = a[7 * n + 5] = -3;
    ({ lam, v } = eigh(a, n));
    expect([lam[0], lam[1], lam[n - 2], lam[n - 1]]).toEqual([-3, 0, 0, 3]);
    expectEigenpairs(a, n, lam, v);
  });
});

describe('the secular equation 1 + ρ Σ zᵢ²/(dᵢ − λ) = 0', () => {
  // mpmath (60 digits, bisection on the float64 data): each root's offset from the pole left of it
  // and from the pole right of it. Root 1 is 2.5e-25 from d₁ = 0, root 5 2e-10 from d₆: the
  // offsets must be right to their own precision, which computing λ first and subtracting is not.
  const d = Float64Array.from([-1, 0, 1e-12, 1e-6, 0.5, 1, 1.000000001, 3]);
  const z = Float64Array.from([0.30578815601162485, 1.0192938533720828e-7, 0.20385877067441657, 0.40771754134883315,
    0.001019293853372083, 0.5096469266860414, 0.2548234633430207, 0.6115763120232497]);
  const rho = 0.7, k = 8;
  const left = [0.049003633318624717, 2.4999899999320315e-25, 1.9999842600705391e-7, 0.11292328818969708,
    5.9382350034182316e-7, 8.0000006552157706e-10, 0.22731932838061985, 0.31075295548913181];
  const right = [-0.95099636668137528, -9.9999999999974998e-13, -8.0000057399294605e-7, -0.38707571181030292,
    -0.49999940617649966, -2.0000001721879394e-10, -1.7726806706193801];

  it('each root as an offset from its nearer pole, to 1e-14 of itself; the eigenvectors orthonormal', () => {
    const origin = new Int32Array(k), tau = new Float64Array(k), u = new Float64Array(k * k);
    secularRoots(d, z, rho, k, origin, tau);
    for (let j = 0; j < k; j++) {
      expect([j, j + 1]).toContain(origin[j]);
      const exact = origin[j] === j ? left[j]! : right[j]!;
      expect(Math.abs(tau[j]! - exact)).toBeLessThanOrEqual(1e-14 * Math.abs(exact));
    }
    secularVectors(d, z, k, origin, tau, u);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let g = 0;
      for (let i = 0; i < k; i++) g += u[i * k + a]! * u[i * k + b]!;
      expect(Math.abs(g - (a === b ? 1 : 0))).toBeLessThan(1e-15 * k);
    }
    // (D + ρ z zᵀ) u_j = λ_j u_j, λ_j = d_{o_j} + τ_j.
    for (let j = 0; j < k; j++) {
      let zu = 0;
      for (let i = 0; i < k; i++) zu += z[i]! * u[i * k + j]!;
      const lambda = d[origin[j]!]! + tau[j]!;
      for (let i = 0; i < k; i++) expect(Math.abs(d[i]! * u[i * k + j]! + rho * z[i]! * zu - lambda * u[i * k + j]!)).toBeLessThan(1e-15 * 4);
    }
  });
});

describe('the divide-and-conquer tridiagonal solver against the QL iteration', () => {
  /** QL on the whole tridiagonal (the leaf solver), eigenpairs sorted; vectors as columns. */
  function ql(d: Float64Array, e: Float64Array): { lam: Float64Array; v: Float64Array } {
    const n = d.length, dd = Float64Array.from(d), ee = new Float64Array(n), w = new Float64Array(n * n);
    ee.set(e, 1);
    for (let i = 0; i < n; i++) w[i * n + i] = 1;
    expect(leafQL(n, dd, ee, w)).toBe(true);
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => dd[x]! - dd[y]!);
    const v = new Float64Array(n * n);
    order.forEach((o, c) => { for (let r = 0; r < n; r++) v[r * n + c] = w[o * n + r]!; });
    return { lam: Float64Array.from(order, (o) => dd[o]!), v };
  }

  const cases: [string, number, (i: number, next: () => number) => [number, number]][] = [
    ['random', 100, (_i, next) => [next(), next()]],
    ['random', 300, (_i, next) => [next(), next()]],
    ['(1, 2, 1)', 257, () => [2, 1]],
    ['W257+', 257, (i) => [Math.abs(128 - i), 1]],
    ['splits every 7th', 180, (i, next) => [next(), i % 7 === 6 ? 0 : next()]],
    ['graded 1e±100', 150, (i, next) => [next() * 10 ** (100 - (200 * i) / 149), next() * 10 ** (100 - (200 * i + 100) / 149)]],
  ];
  it.each(cases)('%s, n = %i: the same eigenvalues (to 1e-13·‖T‖), VᵀTV = Λ, VᵀV = I', (_name, n, entry) => {
    const next = generator(n), d = new Float64Array(n), e = new Float64Array(n - 1);
    for (let i = 0; i < n; i++) { const [x, y] = entry(i, next); d[i] = x; if (i < n - 1) e[i] = y; }
    const lam = new Float64Array(n), v = new Float64Array(n * n);
    expect(tridiagonalEigen(n, d, e, leafQL, lam, v)).toBe(true);
    const ref = ql(d, e);
    const scale = Math.max(Math.abs(ref.lam[0]!), Math.abs(ref.lam[n - 1]!));
    for (let i = 0; i < n; i++) expect(Math.abs(lam[i]! - ref.lam[i]!)).toBeLessThanOrEqual(1e-13 * scale);
    const t = tridiagonal(d, e);
    // expectEigenpairs' sign rule is eighKernel's, not the solver's: fix the signs first.
    for (let c = 0; c < n; c++) {
      let top = 0;
      for (let k = 0; k < n; k++) if (Math.abs(v[k * n + c]!) > Math.abs(top)) top = v[k * n + c]!;
      if (top < 0) for (let k = 0; k < n; k++) v[k * n + c] = -v[k * n + c]!;
    }
    expectEigenpairs(t, n, lam, v);
    // Where the eigenvalue is well separated (gap > 1e-6·‖T‖), the vectors agree up to sign.
    for (let c = 0; c < n; c++) {
      const gap = Math.min(c > 0 ? lam[c]! - lam[c - 1]! : Infinity, c < n - 1 ? lam[c + 1]! - lam[c]! : Infinity);
      if (gap < 1e-6 * scale) continue;
      let dot = 0;
      for (let k = 0; k < n; k++) dot += v[k * n + c]! * ref.v[k * n + c]!;
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
    }
  });

  it('a NaN or ∞ reaching the kernel (pinv passes what it gets) is handed to QL, as before: the same report, NaN among the values', () => {
    for (const bad of [NaN, Infinity]) {
      const report = (n: number) => {
        const a = randomSymmetric(n, 1), values = new Float64Array(n);
        a[3 * n + 4] = a[4 * n + 3] = bad;
        return [eighKernel(a, 1, n, values, new Float64Array(n * n)), values.some(Number.isNaN)];
      };
      expect(report(200)).toEqual(report(20)); // 20: QL throughout
      expect(report(200)[1]).toBe(true);
    }
  });
});

describe('eigh by divide and conquer: gradients, batches, without WebAssembly', () => {
  const n = 200;
  const a = randomSymmetric(n, 21), dir = randomSymmetric(n, 22);
  const weights = Float64Array.from({ length: n }, generator(23));
  const probe = Float64Array.from({ length: n }, generator(24));

  it('grad of sum(w ∘ values) is V diag(w) Vᵀ and matches central differences', () => {
    const w = ad.tensor(weights);
    const f = (m: ad.Tensor) => ad.sum(ad.mul(ad.linalg.eigh(m).values, w));
    const g = ad.grad(f)(ad.tensor(a, [n, n])).toFloat64Array();
    const { v } = eigh(a, n);
    let worst = 0;
    for (let i = 0; i < n; i += 7) for (let j = 0; j < n; j += 5) {
      let s = 0;
      for (let c = 0; c < n; c++) s += v[i * n + c]! * weights[c]! * v[j * n + c]!;
      worst = Math.max(worst, Math.abs(g[i * n + j]! - s));
    }
    expect(worst).toBeLessThan(1e-12);
    const h = 1e-6, at = (t: number) => f(ad.tensor(a.map((x, i) => x + t * dir[i]!), [n, n])).item();
    let directional = 0;
    for (let i = 0; i < n * n; i++) directional += g[i]! * dir[i]!;
    expect(Math.abs((at(h) - at(-h)) / (2 * h) - directional)).toBeLessThan(1e-6 * Math.abs(directional));
  });

  it('grad of a sign-invariant loss of the vectors, Σⱼ wⱼ (pᵀvⱼ)², matches central differences', () => {
    const w = ad.tensor(weights), p = ad.tensor(probe, [1, n]);
    const f = (m: ad.Tensor) => ad.sum(ad.mul(ad.square(ad.matmul(p, ad.linalg.eigh(m).vectors)), w));
    const g = ad.grad(f)(ad.tensor(a, [n, n])).toFloat64Array();
    const h = 1e-6, at = (t: number) => f(ad.tensor(a.map((x, i) => x + t * dir[i]!), [n, n])).item();
    let directional = 0;
    for (let i = 0; i < n * n; i++) directional += g[i]! * dir[i]!;
    expect(Math.abs((at(h) - at(-h)) / (2 * h) - directional)).toBeLessThan(1e-5 * Math.abs(directional));
  });

  it('a batch of three gives each matrix’s own results, bit for bit', () => {
    const mats = [a, dir, randomSymmetric(n, 25)];
    const batch = new Float64Array(3 * n * n);
    mats.forEach((m, t) => batch.set(m, t * n * n));
    const r = ad.linalg.eigh(ad.tensor(batch, [3, n, n]));
    const lam = r.values.toFloat64Array(), vec = r.vectors.toFloat64Array();
    mats.forEach((m, t) => {
      const one = eigh(m, n);
      expect(lam.subarray(t * n, (t + 1) * n)).toEqual(one.lam);
      expect(vec.subarray(t * n * n, (t + 1) * n * n)).toEqual(one.v);
    });
  });

  it('with WebAssembly off (the matrix kernel in JavaScript): the same eigenpairs to rounding', () => {
    const on = eigh(a, n);
    ad.config({ wasm: false });
    const off = eigh(a, n);
    ad.config({ wasm: true });
    expectEigenpairs(a, n, off.lam, off.v);
    for (let i = 0; i < n; i++) expect(Math.abs(off.lam[i]! - on.lam[i]!)).toBeLessThan(1e-13 * 10);
    for (let i = 0; i < n * n; i++) expect(Math.abs(off.v[i]! - on.v[i]!)).toBeLessThan(1e-9);
  });
});
