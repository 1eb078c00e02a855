/**
 * @file A second adversarial review of ad.random against independent oracles (mpmath at 40–50
 * digits, NumPy, exact PMFs): regressions for what it found, then guards — distributions at extreme
 * parameters, implicit-reparameterisation derivatives, vmap/jit against loops. Oracle numbers are
 * pasted in (bin edges with their mpmath probabilities, derivatives from mpmath's incomplete gamma,
 * normal and Wald CDFs), so the file needs no Python. The keys are fixed, so nothing can flake: the
 * chi-square limits are df + 5√(2df), means are held within 5 standard errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { chiLimit, chiSquare, ks, ksCritical } from '../random/stats.js';

const { random } = ad;
const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const closeRel = (got: number[], want: number[], rtol: number) =>
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(rtol * Math.abs(want[i]!)));
const frequency = (xs: ArrayLike<number>, value: number) => Array.from(xs).filter((v) => v === value).length / xs.length;

describe('regressions', () => {
  it('categorical with large logits follows softmax (JAX adds the noise to the raw logits: [1e16, 1e16] drew category 1 27 % of the time, [1e17, 1e17] never)', () => {
    const N = 20000, se = 5 * Math.sqrt(0.25 / N);
    for (const L of [1e15, 1e16, 1e17, 1e300]) {
      expect(Math.abs(frequency(random.categorical(random.key(1), ad.tensor([L, L]), { shape: [N] }).data, 1) - 0.5)).toBeLessThan(se);
    }
    // Softmax depends on differences only: the shift by the row's largest finite logit makes these draws identical.
    const k = random.key(2);
    expect(arr(random.categorical(k, ad.tensor([1e16 + 2, 1e16, -Infinity]), { shape: [500] })))
      .toEqual(arr(random.categorical(k, ad.tensor([2, 0, -Infinity]), { shape: [500] })));
    const rows = ad.tensor([[1e17, 1e17 + 16, 1e17], [-5, -3, -Infinity]]);
    expect(arr(random.categorical(k, rows, { shape: [50, 2] }))).toEqual(arr(random.categorical(k, ad.tensor([[0, 16, 0], [-2, 0, -Infinity]]), { shape: [50, 2] })));
    // A +Infinity logit stays certain; ordinary logits keep their frequencies.
    expect(arr(random.categorical(k, ad.tensor([1e300, Infinity, 0]), { shape: [4] }))).toEqual([1, 1, 1, 1]);
  });

  it('randint over [0, 2^53) draws (high = 2^53 was refused as "not an integer"), as JAX\'s uint64 formula on the key\'s words', () => {
    const key = random.key(9), n = 200;
    const x = arr(random.randint(key, [n], 0, 2 ** 53));
    // jax._src.random._randint: offset = ((hi mod s)·((2^32 mod s)² mod s) + (lo mod s)) mod 2^64 mod s, hi/lo the 64-bit bits of split(key).
    const [k1, k2] = random.split(key);
    const iota = Array.from({ length: 2 * n }, (_, i) => i);
    const w1 = random.threefry2x32(k1!, iota), w2 = random.threefry2x32(k2!, iota);
    const s = 2n ** 53n, mult = ((2n ** 32n % s) * (2n ** 32n % s)) % s;
    const word = (w: Uint32Array, i: number) => (BigInt(w[i]!) << 32n) | BigInt(w[n + i]!);
    const want = Array.from({ length: n }, (_, i) => Number(BigInt.asUintN(64, (word(w1, i) % s) * mult + (word(w2, i) % s)) % s));
    expect(x).toEqual(want);
    expect(x.every((v) => Number.isSafeInteger(v) && v >= 0 && v < 2 ** 53)).toBe(true);
    expect(arr(random.randint(key, [3], -(2 ** 53), -(2 ** 53) + 2)).every((v) => v === -(2 ** 53) || v === -(2 ** 53) + 1)).toBe(true);
    expect(() => random.randint(key, [2], 0, 2 ** 53 + 2)).toThrow(/random\.randint: high must be an integer.*beyond ±2\^53/);
    expect(() => random.randint(key, [2], 0, 1.5)).toThrow(/random\.randint: high must be an integer.*Math\.floor/);
  });

  it('the gamma family refuses an infinite shape parameter (beta(∞, 1), t(∞) and dirichlet([∞, 1]) were NaN draws, silently)', () => {
    const k = random.key(0);
    const cases: [string, () => unknown][] = [
      ['random.gamma', () => random.gamma(k, Infinity, [2])],
      ['random.loggamma', () => random.loggamma(k, ad.tensor([1, Infinity]))],
      ['random.beta', () => random.beta(k, Infinity, 1, [2])],
      ['random.dirichlet', () => random.dirichlet(k, ad.tensor([Infinity, 1]))],
      ['random.t', () => random.t(k, Infinity, [2])],
      ['random.chisquare', () => random.chisquare(k, Infinity, [2])],
      ['random.f', () => random.f(k, 2, Infinity, [2])],
    ];
    for (const [op, f] of cases) expect(f, op).toThrow(new RegExp(`^${op.replace('.', '\\.')}: \\w+ must be finite, got Infinity.*pass a finite shape parameter`));
    expect(arr(random.t(k, 1e300, [2])).every(Number.isFinite)).toBe(true);
  });
  it('t with a small df keeps finite draws where the gamma draw underflows (JAX\'s √(h/g) was ∞ in 2.8 % of t(0.01) draws; the true P(|t| > 1.8e308) is 0.080 %)', () => {
    const N = 20000;
    for (const [df, tail] of [[0.01, 8.025281493660556e-4], [0.02, 6.485833559067786e-7]] as const) { // mpmath: betainc(df/2, ½, 0, df/(df + max²))
      const inf = frequency(Array.from(random.t(random.key(123), df, [N]).data, (v) => (Number.isFinite(v) ? 0 : 1)), 1);
      expect(Math.abs(inf - tail)).toBeLessThan(5 * Math.sqrt(tail / N) + 1 / N);
    }
    // Draws whose gamma underflowed (indices 35, 84, 100) and two whose did not, against mpmath's z·√(h/G) and its df-derivative.
    const key = random.key(321), D = ad.full([400], 0.01);
    const indices = [35, 84, 100, 0, 1];
    const x = [-2.0255344991211038e+170, -1.3267724529494313e+300, -1.3634636560195881e+280, 3.367783179354142e+35, -2.0719592650068097e+23];
    const dDf = [8.1394524505052631e+174, 9.190646804501291e+304, 8.8279316793493484e+284, -2.828601121528837e+39, 1.1583923086755115e+27];
    const [kn, kg] = random.split(key);
    expect(indices.map((i) => random.gamma(kg!, 0.005, [400]).data[i])).toEqual([0, 0, 0, 2.3216409385840283e-74, 5.720785109531321e-50]);
    const draws = random.t(key, D).data, grads = ad.grad((t: Tensor) => ad.sum(random.t(key, t)))(D).data;
    closeRel(indices.map((i) => draws[i]!), x, 1e-13);
    closeRel(indices.map((i) => grads[i]!), dDf, 1e-13);
    // Where the gamma draw is normal, JAX's formula z·√(h/g), bit for bit.
    const z = random.normal(kn!, [400]).data, g = random.gamma(kg!, 0.005, [400]).data;
    for (let i = 0; i < 400; i++) if (g[i]! >= 2.2250738585072014e-308) expect(draws[i]).toBe(z[i]! * Math.sqrt(0.005 / g[i]!));
    // vmap and jit over df values on either side of the switch, as the loop.
    const P = [0.01, 5, 0.003], f = (p: Tensor) => random.t(key, p, [50]);
    expect(ad.vmap(f)(ad.tensor(P)).toArray()).toEqual(P.map((p) => f(ad.tensor(p)).toArray()));
    const jf = ad.jit(f);
    for (const p of [5, 0.01, 5]) expect(jf(ad.tensor(p)).toArray()).toEqual(f(ad.tensor(p)).toArray());
  });
  it('poisson with a huge λ has variance λ (PTRS\'s −λ + k log λ − log k! cancelled: variance 1.44λ at λ = 1e16, 1.66λ at 1e17)', () => {
    const N = 20000;
    // Standard normal deciles (mpmath √2·erfinv(2q − 1)); the continuity-corrected (x + ½ − λ)/√λ is normal to ~1e−8 here.
    const deciles = [-1.2815515655446008, -0.8416212335729143, -0.5244005127080409, -0.2533471031357998, 0, 0.2533471031357998, 0.5244005127080407, 0.8416212335729144, 1.2815515655446008];
    for (const lam of [1e13, 1e16, 1e17]) {
      const x = random.poisson(random.key(8), lam, [N]).toFloat64Array();
      const mean = x.reduce((s, v) => s + v, 0) / N, v = x.reduce((s, y) => s + (y - mean) ** 2, 0) / (N - 1);
      expect(Math.abs(mean - lam)).toBeLessThan(5 * Math.sqrt(lam / N));
      expect(Math.abs(v / lam - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
      const counts = new Array<number>(10).fill(0);
      for (const y of x) counts[deciles.filter((q) => (y + 0.5 - lam) / Math.sqrt(lam) >= q).length]!++;
      expect(chiSquare(counts, new Array(10).fill(N / 10))).toBeLessThan(chiLimit(9));
    }
    // Below λ = 1e6 the acceptance test is JAX's formula: the draws there are as before (JAX's published λ = 5 values hold in test/random).
    expect(arr(random.poisson(random.key(3), 5e5, [4]))).toEqual([500145, 499730, 499551, 498038]);
  });
  it('binomial with a huge n has variance np(1 − p) (BTRS\'s bound summed N-sized logs: variance 1.05·np(1 − p) at n = 1e16, p = 0.3)', () => {
    const N = 50000;
    const deciles = [-1.2815515655446008, -0.8416212335729143, -0.5244005127080409, -0.2533471031357998, 0, 0.2533471031357998, 0.5244005127080407, 0.8416212335729144, 1.2815515655446008];
    for (const n of [1e13, 1e16]) {
      const p = 0.3, V = n * p * (1 - p);
      const x = random.binomial(random.key(8), n, p, [N]).toFloat64Array();
      const mean = x.reduce((s, v) => s + v, 0) / N, v = x.reduce((s, y) => s + (y - mean) ** 2, 0) / (N - 1);
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(V / N));
      expect(Math.abs(v / V - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
      const counts = new Array<number>(10).fill(0);
      for (const y of x) counts[deciles.filter((q) => (y + 0.5 - n * p) / Math.sqrt(V) >= q).length]!++;
      expect(chiSquare(counts, new Array(10).fill(N / 10))).toBeLessThan(chiLimit(9));
    }
    // Below n = 1e6 the bound is JAX's formula: those draws are as before.
    expect(arr(random.binomial(random.key(3), 5e5, 0.3, [4]))).toEqual([149523, 150146, 150774, 150004]);
  });
});

/** Edges of 20 bins (19 inner edges, from another key's sample) with each bin's probability from mpmath's CDF (40 digits). */
const BINS: Record<string, { edges: number[]; p: number[] }> = {
  'loggamma(1e-3)': { edges: [-2989.05, -2303.61, -1890.62, -1607.05, -1386.49, -1205.45, -1049.78, -916.726, -797.08, -692.544, -598.588, -513.069, -432.676, -359.612, -291.68, -227.629, -166.304, -107.48, -53.0829], p: [0.05036425376, 0.04959090496, 0.05111006257, 0.0495285195, 0.04950146602, 0.04963467425, 0.05048666724, 0.04983990588, 0.05084629053, 0.04968739036, 0.04931384021, 0.04909666833, 0.05014407089, 0.0492047707, 0.04908874942, 0.04944062564, 0.05039813533, 0.0513352937, 0.05023585816, 0.05115185255] },
  'gamma(0.3)': { edges: [3.2519e-05, 0.000333457, 0.00124682, 0.00323916, 0.00678329, 0.0126137, 0.0214515, 0.0337342, 0.050818, 0.0729327, 0.102212, 0.140534, 0.190049, 0.25617, 0.341517, 0.460376, 0.63162, 0.888525, 1.38526], p: [0.05019004885, 0.05070230553, 0.04893665854, 0.04959845924, 0.04930516544, 0.05047382333, 0.05096021113, 0.04981394623, 0.05056105088, 0.04907325606, 0.04962179486, 0.04994081324, 0.04973355619, 0.05082402398, 0.04956965111, 0.05080496357, 0.05112076013, 0.04932600859, 0.05031161896, 0.04913188415] },
  'gamma(1e3)': { edges: [948.659, 959.685, 967.446, 973.375, 978.549, 983.206, 987.741, 991.845, 995.738, 999.678, 1003.65, 1007.67, 1011.82, 1016.21, 1020.95, 1026.37, 1032.69, 1040.55, 1052.38], p: [0.0503358618, 0.04961319367, 0.05149358254, 0.04929698932, 0.049832, 0.0497348283, 0.05214620521, 0.04959916458, 0.04843823917, 0.04965269086, 0.04992042684, 0.04959552347, 0.04942558932, 0.04951923865, 0.049473067, 0.05068096981, 0.05048889835, 0.04975383489, 0.05037524741, 0.05062444884] },
  'beta(1e-2, 1e3)': { edges: [7.48228e-134, 4.10259e-104, 2.11611e-86, 6.4583e-74, 2.48555e-64, 2.0966e-56, 1.31332e-49, 7.90102e-44, 1.06318e-38, 3.74745e-34, 4.9126e-30, 2.78005e-26, 8.58963e-23, 1.59054e-19, 1.97104e-16, 1.19564e-13, 5.41146e-11, 1.38533e-08, 3.20309e-06], p: [0.05025849261, 0.04941959574, 0.05019529159, 0.04991503502, 0.04934004553, 0.0498805495, 0.05065652251, 0.04976931493, 0.050070836, 0.0496160463, 0.04963799966, 0.04952737945, 0.05006191872, 0.05066286589, 0.05160109245, 0.04967283732, 0.05046477573, 0.04850798501, 0.05027660102, 0.05046481501] },
  'beta(0.5, 0.5)': { edges: [0.00602709, 0.0239064, 0.0531709, 0.0927699, 0.143217, 0.202787, 0.26831, 0.34053, 0.418897, 0.49808, 0.574318, 0.65191, 0.72521, 0.790872, 0.851903, 0.903777, 0.945422, 0.975714, 0.993826], p: [0.04947333463, 0.04935534383, 0.04930134051, 0.04890318877, 0.05004567785, 0.05030042691, 0.04925719461, 0.05003664461, 0.05146593936, 0.05063859596, 0.0487105854, 0.05077387405, 0.05046359745, 0.04890370066, 0.05088812844, 0.050691507, 0.05067700813, 0.05049727757, 0.04954274327, 0.05007389101] },
  'chisquare(0.1)': { edges: [8.21756e-27, 1.04836e-20, 3.59105e-17, 1.2713e-14, 1.03553e-12, 4.31503e-11, 9.43123e-10, 1.35172e-08, 1.44139e-07, 1.22158e-06, 8.02913e-06, 4.62802e-05, 0.000223274, 0.000968828, 0.00391658, 0.0141911, 0.0467804, 0.152393, 0.538641], p: [0.04924337217, 0.05021381296, 0.04995007927, 0.0509582814, 0.04930584222, 0.05118541232, 0.05016901618, 0.04998397619, 0.05037790157, 0.05090484153, 0.04958660931, 0.05051386549, 0.04931077001, 0.0496109461, 0.05068123975, 0.04980199011, 0.04862060087, 0.04951525945, 0.05053201234, 0.04953417075] },
  't(0.3)': { edges: [-656.634, -62.3525, -16.2093, -6.3201, -2.9715, -1.58831, -0.896938, -0.492422, -0.218134, 0.00744543, 0.234268, 0.512023, 0.919465, 1.6392, 3.11858, 6.70085, 17.4457, 64.0354, 632.595], p: [0.04991729504, 0.05123810607, 0.05036697704, 0.04936616754, 0.05048581352, 0.04991464973, 0.04992971579, 0.05031382598, 0.0500413321, 0.05013342927, 0.05005859013, 0.04972483265, 0.04947871155, 0.05041009337, 0.0507989773, 0.05041393529, 0.0491880697, 0.04786902263, 0.04987150387, 0.05047895142] },
  'f(0.5, 20)': { edges: [1.81086e-05, 0.000300457, 0.00140712, 0.00445312, 0.0109927, 0.022787, 0.0427276, 0.072799, 0.117871, 0.182631, 0.273064, 0.391132, 0.557881, 0.789037, 1.1065, 1.54864, 2.18608, 3.24693, 5.37551], p: [0.05041161559, 0.05133001515, 0.04792027367, 0.04992259407, 0.05050264389, 0.0498118527, 0.05068173454, 0.04934283555, 0.05017141101, 0.05043161003, 0.05045136551, 0.04827557923, 0.05032657053, 0.05102631188, 0.05063724509, 0.04986831026, 0.04882583429, 0.05027414544, 0.05011022939, 0.04967782217] },
  'wald(0.01)': { edges: [0.00844249, 0.00875002, 0.00896782, 0.00914392, 0.00929724, 0.0094378, 0.00956922, 0.00969989, 0.0098275, 0.00994782, 0.0100727, 0.0101995, 0.010336, 0.010482, 0.0106414, 0.0108176, 0.0110325, 0.0113063, 0.0117205], p: [0.04974127964, 0.04911703671, 0.04997572006, 0.04980518774, 0.0496579923, 0.04992050484, 0.04967154381, 0.05139424938, 0.05124424245, 0.04848076378, 0.04970982758, 0.0490910887, 0.05051456978, 0.05058519853, 0.05043659022, 0.04934611654, 0.05076307695, 0.05025735021, 0.04989197938, 0.05039568142] },
  'truncatedNormal(4, inf)': { edges: [4.01226568, 4.02493887, 4.03886965, 4.05351392, 4.06882065, 4.08476538, 4.10204602, 4.12021375, 4.13991011, 4.16189396, 4.18554208, 4.21199906, 4.24253153, 4.27717946, 4.31739958, 4.36677152, 4.42975077, 4.51545344, 4.65605344], p: [0.05057777449, 0.04970825152, 0.05179331632, 0.05139369273, 0.0505552571, 0.04941905784, 0.05004690541, 0.04892723067, 0.0490652266, 0.05023962154, 0.04914956933, 0.04951772911, 0.05068970733, 0.05010265389, 0.04956865283, 0.05017436239, 0.05013137275, 0.04919388025, 0.04885914744, 0.05088659046] },
  'truncatedNormal(30, 31)': { edges: [30.0017239, 30.0035962, 30.0055602, 30.00759, 30.0097369, 30.0119964, 30.0144381, 30.0170907, 30.0199929, 30.023194, 30.026785, 30.0305762, 30.0349609, 30.0401282, 30.0461955, 30.0535587, 30.0628949, 30.0762479, 30.0989632], p: [0.05045828934, 0.05192494638, 0.05142254428, 0.05005500335, 0.04972769805, 0.04898831498, 0.04933425183, 0.04965272569, 0.0499820763, 0.05030717173, 0.05096925946, 0.04816815389, 0.04928180137, 0.05033078486, 0.04993961908, 0.04956475418, 0.04895889861, 0.04995813412, 0.05003415319, 0.05094141931] },
  'truncatedNormal(-inf, -6)': { edges: [-6.46449099, -6.35955082, -6.29870568, -6.25450934, -6.22005335, -6.19197856, -6.16826585, -6.14713728, -6.12834578, -6.11165327, -6.09639503, -6.08243505, -6.06952997, -6.05758466, -6.04665782, -6.03645611, -6.02641786, -6.01687777, -6.00813589], p: [0.05151106107, 0.05103663426, 0.04956310381, 0.04998356168, 0.04977675776, 0.04923560799, 0.04880133202, 0.04992385103, 0.05019116476, 0.0497005815, 0.05008624379, 0.05009044522, 0.05024539712, 0.0501499808, 0.04916313477, 0.04892724651, 0.05117574529, 0.05159092798, 0.04994629948, 0.04890092315] },
  'truncatedNormal(2.5, 2.6)': { edges: [2.50436442, 2.50883225, 2.51330848, 2.51775119, 2.52245297, 2.52720408, 2.53204313, 2.53689891, 2.54171537, 2.54674007, 2.55179204, 2.55676808, 2.56188411, 2.56702515, 2.57225989, 2.57760138, 2.58307333, 2.58861551, 2.59425917], p: [0.0491352283, 0.04974621116, 0.04928368524, 0.04836945117, 0.05060414682, 0.05052905277, 0.05084443008, 0.05039782826, 0.04938016337, 0.05087485767, 0.05049882596, 0.04910748487, 0.04984182314, 0.04943172594, 0.04966681073, 0.04999495646, 0.05050722284, 0.05043292342, 0.05061820612, 0.05073496568] },
  'generalizedNormal(0.3)': { edges: [-349.111, -174.133, -102.511, -63.1597, -39.5388, -24.1405, -13.7113, -6.83077, -2.39411, 0.0300725, 2.49499, 6.94281, 13.6783, 23.7127, 39.135, 63.3334, 101.589, 173.789, 346.073], p: [0.04962469383, 0.04997636519, 0.04952656171, 0.05033588764, 0.04970482357, 0.04999527798, 0.05094242879, 0.05047016658, 0.05038987273, 0.05027741918, 0.04926371724, 0.04993262057, 0.049255243, 0.04941223466, 0.05064873873, 0.05107231484, 0.04913712554, 0.0502645873, 0.04964122461, 0.05012869628] },
  'weibullMin(1, 0.2)': { edges: [3.7046e-07, 1.26207e-05, 0.000109469, 0.000528539, 0.00197087, 0.00584788, 0.0148667, 0.0349476, 0.0782073, 0.161773, 0.329747, 0.643197, 1.28428, 2.58019, 5.22348, 10.9809, 24.8331, 64.8455, 233.009], p: [0.05041543421, 0.04904854448, 0.04957007358, 0.04934031779, 0.05163496864, 0.05063915667, 0.04947043806, 0.05017104627, 0.05127621789, 0.04919676004, 0.05036020822, 0.04856923766, 0.05082893729, 0.05090328985, 0.04996007227, 0.04969138799, 0.04952052646, 0.049488341, 0.04886326062, 0.05105178101] },
};

describe('guards: continuous samplers at extreme parameters, chi-square over mpmath bins (20 000 draws each)', () => {
  const N = 20000;
  const draws: Record<string, (k: ad.random.Key) => Tensor> = {
    'loggamma(1e-3)': (k) => random.loggamma(k, 1e-3, [N]),
    'gamma(0.3)': (k) => random.gamma(k, 0.3, [N]),
    'gamma(1e3)': (k) => random.gamma(k, 1e3, [N]),
    'beta(1e-2, 1e3)': (k) => random.beta(k, 1e-2, 1e3, [N]),
    'beta(0.5, 0.5)': (k) => random.beta(k, 0.5, 0.5, [N]),
    'chisquare(0.1)': (k) => random.chisquare(k, 0.1, [N]),
    't(0.3)': (k) => random.t(k, 0.3, [N]),
    'f(0.5, 20)': (k) => random.f(k, 0.5, 20, [N]),
    'wald(0.01)': (k) => random.wald(k, 0.01, [N]),
    'truncatedNormal(4, inf)': (k) => random.truncatedNormal(k, 4, Infinity, [N]),
    'truncatedNormal(30, 31)': (k) => random.truncatedNormal(k, 30, 31, [N]),
    'truncatedNormal(-inf, -6)': (k) => random.truncatedNormal(k, -Infinity, -6, [N]),
    'truncatedNormal(2.5, 2.6)': (k) => random.truncatedNormal(k, 2.5, 2.6, [N]),
    'generalizedNormal(0.3)': (k) => random.generalizedNormal(k, 0.3, [N]),
    'weibullMin(1, 0.2)': (k) => random.weibullMin(k, 1, 0.2, [N]),
  };
  it.each(Object.keys(draws))('%s', (name) => {
    const { edges, p } = BINS[name]!;
    const x = draws[name]!(random.key(4242)).toFloat64Array();
    const counts = new Array<number>(p.length).fill(0);
    for (const v of x) {
      let b = 0;
      while (b < edges.length && v >= edges[b]!) b++;
      counts[b]!++;
    }
    expect(chiSquare(counts, p.map((q) => q * N))).toBeLessThan(chiLimit(p.length - 1));
  });

  it('beta(1e-3, 1e-3): the mass at 0 and 1 in mpmath\'s proportions, down to 1e-300', () => {
    const x = random.beta(random.key(14), 1e-3, 1e-3, [N]).toFloat64Array();
    // mpmath betainc(1e-3, 1e-3, 0, q, regularized=True) for q = 1e-300, 1e-100, 1e-20, 0.5.
    for (const [q, F] of [[1e-300, 0.25059402842244355], [1e-100, 0.3971647697181376], [1e-20, 0.4774970773151317], [0.5, 0.5]] as const) {
      expect(Math.abs(Array.from(x).filter((v) => v <= q).length / N - F)).toBeLessThan(5 * Math.sqrt(F * (1 - F) / N));
    }
  });

  it('orthogonal(3) is Haar: Q[0, 0] and Q[1, 2] uniform on [−1, 1] (first coordinate of a uniform point on S²), det ±1 equally often', () => {
    const M = 10000, q = random.orthogonal(random.key(90), 3, [M]).toFloat64Array();
    const entry = (j: number) => Array.from({ length: M }, (_, i) => q[9 * i + j]!);
    expect(ks(entry(0), (x) => (x + 1) / 2)).toBeLessThan(ksCritical(M));
    expect(ks(entry(5), (x) => (x + 1) / 2)).toBeLessThan(ksCritical(M));
    let positive = 0;
    for (let i = 0; i < M; i++) {
      const o = 9 * i;
      const det = q[o]! * (q[o + 4]! * q[o + 8]! - q[o + 5]! * q[o + 7]!) - q[o + 1]! * (q[o + 3]! * q[o + 8]! - q[o + 5]! * q[o + 6]!) + q[o + 2]! * (q[o + 3]! * q[o + 7]! - q[o + 4]! * q[o + 6]!);
      expect(Math.abs(Math.abs(det) - 1)).toBeLessThan(1e-12);
      if (det > 0) positive++;
    }
    expect(Math.abs(positive / M - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / M));
  });
});

/**
 * Chi-square of integer draws x ≥ 0 against a PMF given by p(0) and the ratios p(k)/p(k − 1) for
 * k ≤ K (computed here in doubles, independently of ad.random), the draws above K (and the PMF's
 * rest) in the last bin, and adjacent bins merged until each expects at least 20 draws.
 */
function pmfChiSquare(x: ArrayLike<number>, K: number, p0: number, ratio: (k: number) => number): { stat: number; df: number } {
  const n = x.length, p = [p0];
  for (let k = 1; k <= K; k++) p.push(p[k - 1]! * ratio(k));
  p[K]! += Math.max(0, 1 - p.reduce((s, v) => s + v, 0));
  const counts = new Array<number>(K + 1).fill(0);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    if (!(Number.isInteger(x[i]) && x[i]! >= 0)) bad++;
    else counts[Math.min(x[i]!, K)]!++;
  }
  expect(bad, 'draws that are not integers ≥ 0').toBe(0);
  const obs: number[] = [], want: number[] = [];
  let o = 0, e = 0;
  for (let k = 0; k <= K; k++) {
    o += counts[k]!; e += p[k]! * n;
    if (e >= 20) { obs.push(o); want.push(e); o = 0; e = 0; }
  }
  obs[obs.length - 1]! += o; want[want.length - 1]! += e;
  return { stat: chiSquare(obs, want), df: obs.length - 1 };
}

describe('guards: counts against exact PMFs', () => {
  const N = 50000;
  it.each([
    [1e-3, 4], [1, 12], [9.9, 35], [10, 35], [10.1, 35], [50, 100],
  ])('poisson(%s): chi-square against λᵏe^{−λ}/k! (Knuth below 10, PTRS from 10)', (lam, K) => {
    const x = random.poisson(random.key(Math.round(lam * 1000) + 3), lam, [N]).toFloat64Array();
    const { stat, df } = pmfChiSquare(x, K, Math.exp(-lam), (k) => lam / k);
    expect(stat).toBeLessThan(chiLimit(Math.max(df, 1)));
  });
  it('poisson(1e6) and (1e12): mean within 5 standard errors, variance within 5 of its standard errors (≈ λ√(2/n))', () => {
    for (const lam of [1e6, 1e12]) {
      const x = random.poisson(random.key(56), lam, [N]).toFloat64Array();
      const mean = x.reduce((s, v) => s + v, 0) / N, v = x.reduce((s, y) => s + (y - mean) ** 2, 0) / (N - 1);
      expect(Math.abs(mean - lam)).toBeLessThan(5 * Math.sqrt(lam / N));
      expect(Math.abs(v - lam)).toBeLessThan(5 * lam * Math.sqrt(2 / N));
      expect(x.every(Number.isInteger)).toBe(true);
    }
  });
  it.each([
    [20, 0.3], [25, 0.4], [26, 0.4], [1000, 0.3], [100, 0.7], [1000, 0.995], [1e6, 1e-6],
  ])('binomial(%s, %s): chi-square against C(n, k)pᵏ(1 − p)^{n−k} (inversion while n·min(p, 1 − p) ≤ 10, BTRS beyond)', (n, p) => {
    const x = random.binomial(random.key(n + Math.round(p * 1000)), n, p, [N]).toFloat64Array();
    // For p > ½ count the failures, whose PMF starts at (p)^n without underflow.
    const q = p > 0.5 ? 1 - p : p, y = p > 0.5 ? x.map((v) => n - v) : x;
    const K = Math.min(n, Math.ceil(n * q + 8 * Math.sqrt(n * q * (1 - q)) + 10));
    const { stat, df } = pmfChiSquare(y, K, (1 - q) ** n, (k) => ((n - k + 1) / k) * (q / (1 - q)));
    expect(stat).toBeLessThan(chiLimit(df));
  });
  it('binomial and poisson degenerate parameters: n = 0, p = 0, p = 1, λ = 0, fractional n floored', () => {
    const k = random.key(1);
    expect(arr(random.binomial(k, ad.tensor([0, 50, 50, 2.9]), ad.tensor([0.3, 0, 1, 1]), [3, 4]))).toEqual([0, 0, 50, 2, 0, 0, 50, 2, 0, 0, 50, 2]);
    expect(arr(random.poisson(k, ad.tensor([0, 0]), [5, 2])).every((v) => v === 0)).toBe(true);
  });
  it('geometric(1e-12): floor(log u/log1p(−p)) + 1 is exponential-like with mean 1/p (KS on p·x)', () => {
    const x = random.geometric(random.key(73), 1e-12, [N]).toFloat64Array();
    expect(ks(Array.from(x, (v) => v * 1e-12), (t) => -Math.expm1(-t))).toBeLessThan(ksCritical(N));
  });
  it('choice without replacement with weights: ordered pairs (i, j) with probability pᵢ·pⱼ/(1 − pᵢ) (Gumbel top-k)', () => {
    const p = [0.1, 0.2, 0.3, 0.4], keys = random.split(random.key(77), 30000), counts = new Map<string, number>();
    const weights = ad.tensor(p);
    for (const k of keys) {
      const d = random.choice(k, 4, [2], { p: weights, replace: false }).data;
      counts.set(`${d[0]},${d[1]}`, (counts.get(`${d[0]},${d[1]}`) ?? 0) + 1);
    }
    const obs: number[] = [], want: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j) { obs.push(counts.get(`${i},${j}`) ?? 0); want.push(30000 * p[i]! * p[j]! / (1 - p[i]!)); }
    expect(chiSquare(obs, want)).toBeLessThan(chiLimit(11));
  });
});

/** mpmath (50 digits) values at these keys' draws: d log x/da = −(∂P/∂a)/(x·∂P/∂x) for P the regularised lower incomplete gamma function (Q for a ≥ 1e5). */
const GAMMA = [
  { seed: 1, a: 0.3, logX: [-3.5688446197024621, -2.1220548253395477, 0.56463160179691707], dLogX: [11.637612989606378, 7.3981829213250494, 1.9367681803724495] },
  { seed: 2, a: 2.5, logX: [-0.019433779193760548, 1.2584345265703782, 0.7173979541179718], dLogX: [0.65611132293444829, 0.35857774256033981, 0.47121344094166934] },
  { seed: 3, a: 1000, logX: [6.8971218336128812, 6.9334237484044099, 6.8972396217560243], dLogX: [0.0010054937155627695, 0.00098738522036527997, 0.0010054346040628632] },
  { seed: 4, a: 100000, logX: [11.509620069108689, 11.515697993877684, 11.51441085169623], dLogX: [1.0016552778244936e-05, 9.9861604048110266e-06, 9.9925915593216475e-06] },
  { seed: 5, a: 3000000, logX: [14.914006880497107, 14.91400604169138, 14.914167431716285], dLogX: [3.3335267991569861e-07, 3.3335281972208454e-07, 3.3332592105934028e-07] },
  { seed: 6, a: 0.001, logX: [-1022.3256973291822, -309.18854704451331, -1892.5614244746523], dLogX: [1021750.1253973718, 308612.97511270299, 1891985.852542842] },
];
/** x = Φ⁻¹((1 − u)Φ(a) + uΦ(b)) by bisection on Q = 1 − Φ, dx/da = (1 − u)φ(a)/φ(x), dx/db = uφ(b)/φ(x), d²x/da² = dx/da·(x·dx/da − a). */
const TRUNCATED = [
  { seed: 7, lower: -1, upper: 2, x: [-0.8017079309344064, -0.45949047957445616, 0.054876974810011234], dLower: [0.78256049048369292, 0.53878228737416212, 0.33790951458083229], dUpper: [0.012016225825971946, 0.03018482370011347, 0.060141412538813971], dLower2: [0.29159381499314119, 0.40539847173382643, 0.34417552341767638] },
  { seed: 8, lower: 5, upper: 6, x: [5.0566091897169576, 5.1307150504831149, 5.1869217880239153], dLower: [0.98837585704384656, 0.97285978914495252, 0.96066812833505677], dUpper: [0.001393256020918656, 0.0039479670215372938, 0.006663163453761136], dLower2: [-0.0021443391209768174, -0.008302033094254091, -0.016417389930903626] },
  { seed: 9, lower: 30, upper: 31, x: [30.019129269308941, 30.009840875245111, 30.034469226892853], dLower: [0.99936417095523444, 0.99967280273734394, 0.99885487634398074], dUpper: [4.404890745998102e-14, 1.9514284840512528e-14, 1.030321316708452e-13], dLower2: [4.2208166690368356e-05, 2.1730345548936443e-05, 7.5958603443679567e-05] },
];
/** x(μ) at a fixed value of the Wald CDF Φ((x/μ − 1)/√x) + e^{2/μ}Φ(−(x/μ + 1)/√x), differentiated by mpmath.diff (findroot for x). */
const WALD = [
  { seed: 10, mean: 0.5, x: [0.25636769015264882, 1.1857269059123514, 0.49466666767014733], dMean: [0.317409837785602, 3.0626599563357622, 0.89089642365231381], dMean2: [-0.44390990908474987, 1.9260329205922921, -0.41214293417105791] },
  { seed: 11, mean: 3, x: [4.2275773459598094, 0.22086624456884593, 0.617385807140169], dMean: [1.1606080176395415, 0.0087790713121681935, 0.054772645693924656], dMean2: [-0.18080645107676435, -0.0050541063526109656, -0.026088275029319454] },
];
/** t = z·√(h/g), h = df/2, g = gamma(h), differentiated with dg/dh from mpmath's incomplete gamma. */
const STUDENT = [
  { seed: 12, df: 0.3, x: [960.14360192420475, 16.052836875730719, 29.813822290365042], dDf: [-25201.058748027557, -108.39175661809307, -285.6769435990517] },
  { seed: 13, df: 4, x: [1.6470437718962476, 1.532723794525799, 0.50620194174946631], dDf: [-0.032021222823127762, -0.26415032684872275, -0.048475883031221967] },
];

describe('guards: implicit-reparameterisation derivatives against mpmath', () => {
  it.each(GAMMA)('loggamma(a = $a): draws and d log x/da', ({ seed, a, logX, dLogX }) => {
    const A = ad.full([3], a), key = random.key(seed);
    closeRel(arr(random.loggamma(key, A)), logX, 1e-13);
    // The series/continued fraction lose about a·1e−16 relative (1e−10 near a = 1e6); Wilson–Hilferty beyond.
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(random.loggamma(key, t)))(A)), dLogX, a < 1e4 ? 1e-13 : 1e-9);
    if (a >= 0.3) closeRel(arr(ad.grad((t: Tensor) => ad.sum(random.gamma(key, t)))(A)), dLogX.map((d, i) => d * Math.exp(logX[i]!)), a < 1e4 ? 1e-13 : 1e-9);
  });
  it.each(TRUNCATED)('truncatedNormal($lower, $upper): draws, both first derivatives and d²x/dlower²', ({ seed, lower, upper, x, dLower, dUpper, dLower2 }) => {
    const key = random.key(seed), L = ad.full([3], lower), U = ad.full([3], upper);
    const f = (l: Tensor, u: Tensor) => random.truncatedNormal(key, l, u);
    closeRel(arr(f(L, U)), x, 1e-14);
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(f(t, U)))(L)), dLower, 1e-12);
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(f(L, t)))(U)), dUpper, 1e-12);
    // Past 3σ the rule is a ratio of Mills ratios (helper 116): 2.5e−13 at a = 30, where the old x·dx/da − a lost 5e−8.
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(ad.grad((s: Tensor) => ad.sum(f(s, U)))(t)))(L)), dLower2, lower >= 30 ? 1e-12 : 1e-9);
  });
  it.each(WALD)('wald($mean): dx/dμ and d²x/dμ² at fixed CDF value', ({ seed, mean, x, dMean, dMean2 }) => {
    const key = random.key(seed), M = ad.full([3], mean);
    closeRel(arr(random.wald(key, M)), x, 1e-14);
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(random.wald(key, t)))(M)), dMean, 1e-12);
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(ad.grad((s: Tensor) => ad.sum(random.wald(key, s)))(t)))(M)), dMean2, 1e-8);
  });
  it.each(STUDENT)('t($df): draws and dx/ddf', ({ seed, df, x, dDf }) => {
    const key = random.key(seed), D = ad.full([3], df);
    closeRel(arr(random.t(key, D)), x, 1e-13);
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(random.t(key, t)))(D)), dDf, 1e-12);
  });
  it('beta and dirichlet derivatives are unbiased: mean d/da of log x is ψ′(a) − ψ′(a + b) (trigamma, mpmath)', () => {
    const N = 40000, key = random.key(5);
    // d/da E[log x] for x ~ beta(0.5, 2): ψ′(0.5) − ψ′(2.5) = 4.934802200544679 − 0.4903577561002349.
    const g = ad.grad((a: Tensor) => ad.mean(ad.log(random.beta(key, a, 2, [N]))))(ad.tensor(0.5)).item();
    expect(Math.abs(g - (4.934802200544679 - 0.4903577561002349))).toBeLessThan(0.1); // 5 standard errors (SE 0.020)
    // Dirichlet([0.01, 1, 2]): d/dα₁ E[x₁] = (α₀ − α₁)/α₀² = 2.01/3.01² = 0.22185185593978.
    const d = ad.grad((a: Tensor) => ad.mean(ad.take(random.dirichlet(key, ad.stack([ad.tensor(0.01), a, ad.tensor(2)]), [N]), ad.tensor([1]), -1)))(ad.tensor(1)).item();
    expect(Math.abs(d - 0.22185185593978)).toBeLessThan(0.0025); // 5 standard errors (the per-draw derivatives' SE is 5.0e−4)
  });
  it('second derivatives of the gamma family throw, naming the op and the parameter', () => {
    const key = random.key(0);
    const second = (f: (a: Tensor) => Tensor) => () => ad.grad((a: Tensor) => ad.sum(ad.grad((b: Tensor) => ad.sum(f(b)))(a)))(ad.tensor(2));
    expect(second((a) => random.gamma(key, a, [2]))).toThrow(/random\.gamma: second derivatives in a are not implemented/);
    expect(second((a) => random.beta(key, a, 2, [2]))).toThrow(/random\.beta: second derivatives in a/);
    expect(second((a) => random.chisquare(key, a, [2]))).toThrow(/random\.chisquare: second derivatives in df/);
    expect(second((a) => random.t(key, a, [2]))).toThrow(/random\.t: second derivatives in df/);
  });
});

describe('guards: vmap and jit against loops', () => {
  const P = [0.5, 2, 7];
  const samplers: Record<string, (key: ad.random.KeyLike, p: Tensor) => Tensor> = {
    uniform: (k, p) => random.uniform(k, [2], 0, p),
    normal: (k, p) => random.normal(k, [2], 0, p),
    gamma: (k, p) => random.gamma(k, p, [2]),
    beta: (k, p) => random.beta(k, p, 2, [2]),
    t: (k, p) => random.t(k, p, [2]),
    f: (k, p) => random.f(k, p, 3, [2]),
    poisson: (k, p) => random.poisson(k, ad.mul(p, 3), [2]),
    binomial: (k, p) => random.binomial(k, ad.mul(p, 10), ad.div(p, 8), [2]),
    geometric: (k, p) => random.geometric(k, ad.div(p, 8), [2]),
    bernoulli: (k, p) => random.bernoulli(k, ad.div(p, 8), [4]),
    wald: (k, p) => random.wald(k, p, [2]),
    truncatedNormal: (k, p) => random.truncatedNormal(k, ad.add(p, 3), Infinity, [2]),
    categorical: (k, p) => random.categorical(k, ad.stack([ad.mul(p, 1e16), ad.tensor(0), ad.mul(p, 1e16)]), { shape: [3] }),
    choice: (k, p) => random.choice(k, 3, [3], { p: ad.stack([p, ad.tensor(1), ad.tensor(1)]) }),
    multinomial: (k, p) => random.multinomial(k, 20, ad.stack([p, ad.tensor(1), ad.tensor(1)])),
    dirichlet: (k, p) => random.dirichlet(k, ad.stack([p, ad.tensor(1e-3), ad.tensor(2)])),
    multivariateNormal: (k, p) => random.multivariateNormal(k, ad.zeros([2]), ad.add(ad.eye(2), ad.mul(p, ad.tensor([[1, 0.2], [0.2, 1]]))), [2]),
  };
  it.each(Object.keys(samplers))('%s: vmap over a batched parameter (one key, and a key per example) equals the loop; jit equals eager for every value', (name) => {
    const f = samplers[name]!, key = random.key(11), keys = random.split(random.key(12), 3);
    expect(ad.vmap((p: Tensor) => f(key, p))(ad.tensor(P)).toArray()).toEqual(P.map((p) => f(key, ad.tensor(p)).toArray()));
    expect(ad.vmap(f)(random.keyData(keys), ad.tensor(P)).toArray()).toEqual(P.map((p, b) => f(keys[b]!, ad.tensor(p)).toArray()));
    const jitted = ad.jit((p: Tensor) => f(key, p));
    for (const p of [...P, P[0]!]) expect(jitted(ad.tensor(p)).toArray()).toEqual(f(key, ad.tensor(p)).toArray());
  });
  it('keys: key(−1), bigint seeds, foldIn of 0 and 2^32 − 1 under jit and vmap as eagerly', () => {
    expect(random.keyData(random.key(-1))).toEqual([4294967295, 4294967295]);
    expect(random.keyData(random.key(2n ** 64n - 1n))).toEqual([4294967295, 4294967295]);
    expect(random.keyData(random.key(-(2n ** 63n)))).toEqual([2147483648, 0]);
    expect(random.keyData(random.key(-(2 ** 32)))).toEqual([4294967295, 0]);
    const k = random.key(0), data = [0, 1, 2 ** 32 - 1];
    const eager = data.map((d) => random.uniform(random.foldIn(k, d), [2]).toArray());
    expect(new Set(eager.map((e) => JSON.stringify(e))).size).toBe(3);
    expect(ad.vmap((i: Tensor) => random.uniform(random.foldIn(k, i), [2]))(ad.tensor(data)).toArray()).toEqual(eager);
    const jf = ad.jit((i: Tensor) => random.uniform(random.foldIn(k, i), [2]));
    expect(data.map((d) => jf(ad.tensor(d)).toArray())).toEqual(eager);
  });
});
