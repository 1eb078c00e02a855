/**
 * @file Regressions and seeded properties from an adversarial review of the jax.numpy breadth ops
 * (src/ops/numpyBreadth.ts, numpyIndices.ts) and ad.TreeCRF (src/structured/treeCrf.ts,
 * spanInside.ts). Reference numbers are NumPy 1.24's or an independent Python enumeration's,
 * printed once and pasted here as literals (the scripts' gist beside each), so no Python runs here.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const T = (v: number[]) => ad.tensor(v);

describe('value checks of the breadth ops are guards under jit (a replay with bad values throws as the eager call)', () => {
  // The integer, bounds and monotonicity checks read values through statistics' checkableValues,
  // which is null while jit records; the replays then ran without them: jit(f) returned
  // ldexp(1, 0.5) = √2, gcd(1.5, 6) = 1.5, unravelIndex(7, [2, 3]) = [0, 0]-ish coordinates,
  // ravelMultiIndex([5, 0], [2, 3]) = 15, histogram counts over unsorted edges and a digitize of
  // unsorted bins, where the eager call throws an AdjointError.
  const cases: Array<[string, (x: Tensor) => Tensor, number[], number[], RegExp]> = [
    ['ldexp', (n) => ad.ldexp(T([1, 1]), n), [3, 2], [0.5, 2], /ldexp: the exponents n must hold integers/],
    ['gcd', (a) => ad.gcd(a, 6), [4, 9], [1.5, 9], /gcd: a must hold integers/],
    ['lcm', (a) => ad.lcm(6, a), [4, 9], [4, NaN], /lcm: b must hold integers/],
    ['unravelIndex (integer)', (p) => ad.unravelIndex(p, [2, 3])[1]!, [1, 5], [1.5, 2], /unravelIndex: indices must hold whole numbers/],
    ['unravelIndex (bounds)', (p) => ad.unravelIndex(p, [2, 3])[1]!, [1, 5], [7, 2], /unravelIndex: index 7 is out of bounds/],
    ['ravelMultiIndex (bounds)', (c) => ad.ravelMultiIndex([c, T([0, 0])], [2, 3]), [1, 0], [5, 0], /ravelMultiIndex: coordinate 5 is out of bounds/],
    ['ravelMultiIndex (integer)', (c) => ad.ravelMultiIndex([c, T([0, 0])], [2, 3], { mode: 'wrap' }), [1, 0], [0.5, 0], /ravelMultiIndex: coordinate 0 must hold integers/],
    ['bincount { length }', (x) => ad.bincount(x, { length: 4 }), [1, 2], [-1, 2], /bincount: x must hold whole numbers ≥ 0/],
    ['histogram (edges)', (e) => ad.histogram(T([0.5, 1.5]), e)[0]!, [0, 1, 2], [2, 1, 0], /histogram: bin edges must increase monotonically/],
    ['histogram (range found)', (x) => ad.histogram(x, 3)[0]!, [1, 2, 3], [1, NaN, 3], /histogram: the range found in a/],
    ['digitize', (b) => ad.digitize(T([0.5, 1.5]), b), [0, 1, 2], [0, 2, 1], /digitize: bins must be monotonically increasing or decreasing/],
  ];
  for (const [name, f, good, bad, error] of cases) {
    it(name, () => {
      expect(() => f(T(bad))).toThrow(error);
      const jf = ad.jit(f);
      const want = arr(f(T(good)));
      expect(arr(jf(T(good)))).toEqual(want);
      expect(arr(jf(T(good)))).toEqual(want);
      expect(jf.cacheInfo()[0]!.status).not.toBe('eager');
      expect(() => jf(T(bad))).toThrow(error);
      expect(arr(jf(T(good)))).toEqual(want);
    });
  }
  it('a grad inside jit keeps the check; vmap leaves it to the eager calls (as JAX)', () => {
    const jg = ad.jit((x: Tensor, n: Tensor) => ad.grad((y: Tensor) => ad.sum(ad.ldexp(y, n)))(x));
    expect(arr(jg(T([1, 2]), T([1, 2])))).toEqual([2, 4]);
    expect(arr(jg(T([1, 2]), T([3, -1])))).toEqual([8, 0.5]);
    expect(() => jg(T([1, 2]), T([0.5, 2]))).toThrow(/ldexp: the exponents n must hold integers/);
    expect(() => ad.grad((x: Tensor) => ad.sum(ad.mul(x, ad.gcd(x, 6))))(T([1.5, 2]))).toThrow(/gcd: a must hold integers/);
  });
  it('an ONNX export still holds no check (it records, as before the guards)', () => {
    for (const [, f, good] of cases) expect(ad.onnx.exportModel(f, [T(good)]).length).toBeGreaterThan(0);
  });
});

/** Within `ulps` units in the last place of NumPy's value. */
function nearUlps(got: number[], want: number[], ulps: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(ulps * Math.abs(want[i]!) * Number.EPSILON));
}

describe('geomspace: the exponents as NumPy\'s log10 (one ulp there is |t|·ln 10 ulps of 10^t)', () => {
  // ad.log10 (ln x · log10(e), two roundings) put an ulp into log10(1.7e308), and the interior was
  // 1.3038404810403940e308 for NumPy's 1.3038404810405647e308 (1.3e-13 relative; 1.3e-13 also on the
  // second case). np.geomspace(1e308, 1.7e308, 3); np.geomspace(-3.6535395312422208e-292,
  // -6.519208316474221e+175, 6, endpoint=False); np.geomspace(2e-300, 3e300, 7) (NumPy 1.24):
  it('within 2 ulps of NumPy at the ends of the float range', () => {
    nearUlps(arr(ad.geomspace(1e308, 1.7e308, 3)), [1e308, 1.3038404810405647e308, 1.7e308], 2);
    nearUlps(arr(ad.geomspace(-3.6535395312422208e-292, -6.519208316474221e175, 6, { endpoint: false })),
      [-3.6535395312422208e-292, -2.7413257914388246e-214, -2.0568730762448047e-136, -1.5433141383608436e-58, -1.15798031350226e20, -8.688564260047432e97], 2);
    nearUlps(arr(ad.geomspace(2e-300, 3e300, 7)), [2e-300, 2.139826387867233e-200, 2.289428485106614e-100, 2.4494897427831788, 2.6207413942089547e100, 2.8039657955523246e200, 3e300], 2);
  });
});

describe('insert, ravelMultiIndex, nonzero: inputs NumPy takes or refuses', () => {
  it('insert drops values\' leading axes of length 1, as NumPy\'s assignment into the new slices', () => {
    // np.insert(np.arange(5.), [0, 2, 1], [[7., 8, 9]]) = [7, 0, 9, 1, 8, 2, 3, 4] (it was a ShapeError);
    // np.insert(np.zeros((2, 3)), [1, 1], [[[5., 6, 7]]], axis=0) = [[0,0,0],[5,6,7],[5,6,7],[0,0,0]]
    expect(arr(ad.insert(ad.arange(5), [0, 2, 1], ad.tensor([[7, 8, 9]])))).toEqual([7, 0, 9, 1, 8, 2, 3, 4]);
    expect(ad.insert(ad.zeros([2, 3]), [1, 1], ad.tensor([[[5, 6, 7]]]), 0).toArray()).toEqual([[0, 0, 0], [5, 6, 7], [5, 6, 7], [0, 0, 0]]);
    // np.insert(np.arange(5.), [0, 1], [[[1., 2]], [[3, 4]]]): shape mismatch in NumPy too
    expect(() => ad.insert(ad.arange(5), [0, 1], ad.tensor([[[1, 2]], [[3, 4]]]))).toThrow(/insert: values of shape \[2,1,2\] do not broadcast/);
    expect(ad.checkGrad((v: Tensor) => ad.sum(ad.square(ad.mul(ad.insert(ad.arange(4), [1, 3], v), ad.arange(6)))), [ad.tensor([[0.5, -2]])]).ok).toBe(true);
  });
  it('ravelMultiIndex over an axis of length 0 is an error in every mode (wrap gave NaN)', () => {
    // np.ravel_multi_index(([1], [0]), (0, 3), mode='wrap') → ValueError: cannot unravel if shape has zero entries
    for (const mode of ['wrap', 'clip', 'raise'] as const) {
      expect(() => ad.ravelMultiIndex([T([1]), T([0])], [0, 3], { mode })).toThrow(/ravelMultiIndex: .*(zero length|out of bounds)/);
    }
    // np.ravel_multi_index(([], []), (0, 3)) = [] (no coordinates, nothing to refuse)
    expect(ad.ravelMultiIndex([ad.zeros([0]), ad.zeros([0])], [0, 3], { mode: 'wrap' }).shape).toEqual([0]);
  });
  it('nonzero\'s fillValue is an integer position whether given as one number or one per axis', () => {
    expect(() => ad.nonzero(T([1, 0]), { size: 2, fillValue: 0.5 })).toThrow(/nonzero: fillValue must be an integer, got 0\.5/);
    expect(() => ad.nonzero(T([1, 0]), { size: 2, fillValue: [0.5] })).toThrow(/nonzero: fillValue must be an integer, got 0\.5/);
    expect(arr(ad.nonzero(T([1, 0]), { size: 3, fillValue: -1 })[0]!)).toEqual([0, -1, -1]);
  });
});

describe('TreeCRF against an independent enumeration (torch float64 over every labelled binary tree)', () => {
  // scratch script's gist: for each bracketing of words 0 … L−1 (spans i … j inclusive) and each
  // labelling of its 2L − 1 spans, score = Σ spans[i, j, A] (gathered, so −∞ never meets a 0);
  // log Z = logsumexp, H = −Σ p log p over p > 0, CE = −Σ p log q, KL = CE − H, marginals =
  // ∂ log Z/∂spans, hv = ∂(Σ marginals·W)/∂spans (second order), all by torch.autograd.
  // Entries [1, 0], [2, 0], [2, 1] (j < i) are never used; 9 stands there.
  const P = [[[0.5, -1.25], [1.5, 0.25], [-0.75, 2.0]], [[9, 9], [0.0, -0.5], [1.0, -2.25]], [[9, 9], [9, 9], [0.75, -1.0]]];
  const Q = [[[-0.5, 0.25], [0.5, -1.0], [1.25, 0.0]], [[9, 9], [1.5, 0.5], [-0.25, 0.75]], [[9, 9], [9, 9], [0.0, 0.5]]];
  const W = [[[1.0, -2.0], [0.5, 3.0], [-1.0, 0.25]], [[0, 0], [2.0, -0.5], [1.5, -1.5]], [[0, 0], [0, 0], [-0.75, 1.25]]];
  const ref = {
    3: {
      logZ: 6.257021239715532, H: 2.770307533554049, CE: 5.593793887426151, KL: 2.8234863538721022, top: [4.75, 4.25, 4.25],
      marg: [0.8519528019683107, 0.1480471980316895, 0.5217700185586855, 0.14948961317489382, 0.06008665017400763, 0.9399133498259925, 0, 0, 0.6224593312018547, 0.3775406687981455, 0.31646951357467246, 0.01227085469174832, 0, 0, 0, 0, 0.8519528019683107, 0.1480471980316895],
      hv: [0.37838767555996544, -0.37838767555996583, -0.3473171714121139, 0.274215997295751, -0.07059530580609262, 0.07059530580609236, 0, 0, 0.5875092805039862, -0.5875092805039863, 0.10581100046855721, -0.032709826352194694, 0, 0, 0, 0, -0.2522584503733106, 0.2522584503733103],
      gklq: [-0.5311315011437036, 0.5311315011437034, -0.18614572831657653, -0.07460171154346894, 0.7172132110006836, -0.7172132110006838, 0, 0, 0.10859924742815036, -0.10859924742815033, -0.15793182457685773, 0.4186792644369032, 0, 0, 0, 0, -0.47441213317016523, 0.4744121331701653],
    },
    2: {
      logZ: 2.886230215963567, H: 1.612458320449732, CE: 2.2521014501282166, KL: 0.6396431296784846, top: [2.0, 1.5, 0.75],
      marg: [0.8519528019683105, 0.14804719803168948, 0.7772998611746911, 0.22270013882530887, 0, 0, 0, 0, 0.6224593312018546, 0.3775406687981454, 0, 0, 0, 0, 0, 0, 0, 0],
      hv: [0.3783876755599662, -0.37838767555996544, -0.43276196748124185, 0.4327619674812427, 0, 0, 0, 0, 0.5875092805039865, -0.5875092805039859, 0, 0, 0, 0, 0, 0, 0, 0],
      gklq: [-0.5311315011437036, 0.5311315011437033, 0.04027461501895235, -0.040274615018952575, 0, 0, 0, 0, 0.10859924742815016, -0.10859924742815039, 0, 0, 0, 0, 0, 0, 0, 0],
    },
    1: {
      logZ: 0.6602241504380871, H: 0.41930674699354376, CE: 1.0258356075911328, KL: 0.606528860597589, top: [0.5, -1.25],
      marg: [0.8519528019683106, 0.14804719803168948, ...new Array<number>(16).fill(0)],
      hv: [0.37838767555996555, -0.3783876755599656, ...new Array<number>(16).fill(0)],
      gklq: [-0.5311315011437036, 0.5311315011437034, ...new Array<number>(16).fill(0)],
    },
  } as const;
  const lengths = [3, 2, 1];
  const close = (got: number[], want: readonly number[], tol = 1e-10) => {
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol));
  };
  /** The batch [3, 3, 3, 2] of P with `junk` wherever a sentence never looks (j < i, j ≥ length). */
  const batchOf = (x: number[][][], junk: number) => ad.tensor(lengths.map((L) => x.map((row, i) => row.map((cell, j) => cell.map((v) => (i <= j && j < L ? v : junk))))));
  const item = (t: Tensor, b: number) => arr(ad.reshape(ad.slice(t, [b, 0, 0, 0], [1, 3, 3, 2]), [18]));

  for (const junk of [NaN, Infinity, -Infinity, 1e308]) {
    it(`a padded batch (lengths 3, 2, 1) with ${junk} in every unused entry: values, second derivatives, KL gradients`, () => {
      const [p, q, w] = [batchOf(P, junk), batchOf(Q, junk), batchOf(W, 0)];
      const crf = new ad.TreeCRF({ spans: p, lengths }), other = new ad.TreeCRF({ spans: q, lengths });
      const hv = ad.grad((s: Tensor) => ad.sum(ad.mul(new ad.TreeCRF({ spans: s, lengths }).marginals(), w)))(p);
      const gq = ad.grad((s: Tensor) => ad.sum(crf.kl(new ad.TreeCRF({ spans: s, lengths }))))(q);
      const [logZ, H, CE, KL, M] = [crf.logPartition(), crf.entropy(), crf.crossEntropy(other), crf.kl(other), crf.marginals()].map(arr);
      const top = crf.topk(3).score as number[][];
      const best = crf.argmax() as ad.TreeAndScore<ad.ParseTree[], number[]>;
      lengths.forEach((L, b) => {
        const r = ref[L as 1 | 2 | 3];
        close([logZ![b]!, H![b]!, CE![b]!, KL![b]!], [r.logZ, r.H, r.CE, r.KL]);
        close(item(crf.marginals(), b), r.marg);
        close(M!.slice(b * 18, b * 18 + 18), r.marg);
        close(item(hv, b), r.hv, 1e-9);
        close(item(gq, b), r.gklq, 1e-9);
        close(top[b]!, r.top, 1e-12);
        expect(best.score[b]).toBe(r.top[0]);
        expect(arr(crf.score(best.tree))[b]).toBe(r.top[0]);
      });
    });
  }

  it('−∞ scores: exact zeros, the same values and second derivatives as the enumeration of the 8 allowed trees', () => {
    // P with spans[0, 2, 0], spans[0, 1, ·] and spans[2, 2, 1] = −∞ (only right-branching trees remain)
    const P2 = P.map((row, i) => row.map((cell, j) => cell.map((v, A) => ((i === 0 && j === 2 && A === 0) || (i === 0 && j === 1) || (i === 2 && j === 2 && A === 1) ? -Infinity : v))));
    const s = ad.tensor(P2);
    const crf = new ad.TreeCRF({ spans: s });
    close([crf.logPartition().item(), crf.entropy().item()], [4.922342506305977, 1.2415078211289272]);
    const m = arr(crf.marginals());
    close(m, [0.8519528019683105, 0.14804719803168945, 0, 0, 0, 1, 0, 0, 0.6224593312018545, 0.3775406687981454, 0.9626731126558704, 0.037326887344129464, 0, 0, 0, 0, 1, 0]);
    for (const at of [2, 3, 4, 17]) expect(m[at]).toBe(0); // forbidden: exactly 0
    close(arr(ad.grad((t: Tensor) => new ad.TreeCRF({ spans: t }).entropy())(s)),
      [-0.22072614407664654, 0.22072614407664656, 0, 0, 0, 0, 0, 0, -0.11750185610079726, 0.11750185610079729, -0.11678417018231639, 0.11678417018231642, 0, 0, 0, 0, 0, 0], 1e-9);
    close(arr(ad.grad((t: Tensor) => ad.sum(ad.mul(new ad.TreeCRF({ spans: t }).marginals(), ad.tensor(W))))(s)),
      [0.37838767555996583, -0.37838767555996544, 0, 0, 0, 0, 0, 0, 0.5875092805039864, -0.5875092805039861, 0.10780077247598469, -0.10780077247598437, 0, 0, 0, 0, 0, 0], 1e-9);
    expect(crf.topk(20).score).toHaveLength(8);
    close(crf.topk(3).score as number[], [4.25, 3.75, 2.5], 1e-12);
  });

  it('samples: χ² against p(t) of all 64 trees (exp logProbability, itself checked above); vmap and jit bit for bit', () => {
    const crf = new ad.TreeCRF({ spans: ad.tensor(P) });
    const trees: ad.ParseTree[] = [];
    const build = (i: number, j: number, labels: number[]): ad.ParseTree[] => { // every tree over words i … j − 1
      const out: ad.ParseTree[] = [];
      for (const label of labels) {
        if (j - i === 1) { out.push({ label, start: i, end: j }); continue; }
        for (let k = i + 1; k < j; k++) for (const l of build(i, k, labels)) for (const r of build(k, j, labels)) out.push({ label, start: i, end: j, children: [l, r] });
      }
      return out;
    };
    trees.push(...build(0, 3, [0, 1]));
    expect(trees).toHaveLength(64);
    const key = (t: ad.ParseTree): string => `${t.label}(${t.start},${t.end})[${t.children ? t.children.map(key).join(',') : ''}]`;
    const p = trees.map((t) => Math.exp(crf.logProbability(t).item()));
    close([p.reduce((a, b) => a + b, 0)], [1], 1e-12);
    const draws = crf.sample(6000, 85) as ad.ParseTree[];
    const counts = new Map<string, number>();
    for (const t of draws) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    let chi = 0, df = -1, poolE = 0, poolO = 0;
    trees.forEach((t, i) => {
      const e = p[i]! * draws.length, o = counts.get(key(t)) ?? 0;
      if (e < 5) { poolE += e; poolO += o; } else { chi += (o - e) ** 2 / e; df++; }
    });
    if (poolE > 0) { chi += (poolO - poolE) ** 2 / poolE; df++; }
    expect([...counts.keys()].every((k) => trees.some((t) => key(t) === k))).toBe(true);
    expect(chi).toBeLessThan(df + 5 * Math.sqrt(2 * df)); // ≈ 5σ
    // vmap over a batch and jit replays equal the eager loop bit for bit (log Z, marginals, entropy's gradient).
    const S = ad.stack([ad.tensor(P), ad.tensor(Q), ad.tensor(W)]);
    const rows = [0, 1, 2].map((b) => ad.reshape(ad.slice(S, [b, 0, 0, 0], [1, 3, 3, 2]), [3, 3, 2]));
    const fs = [
      (s: Tensor) => new ad.TreeCRF({ spans: s }).logPartition(),
      (s: Tensor) => new ad.TreeCRF({ spans: s }).marginals(),
      (s: Tensor) => ad.grad((t: Tensor) => new ad.TreeCRF({ spans: t }).entropy())(s),
    ];
    for (const f of fs) {
      const eager = rows.map((r) => arr(f(r)));
      expect(arr(ad.vmap(f)(S))).toEqual(eager.flat());
      const jf = ad.jit(f);
      rows.forEach((r, b) => expect(arr(jf(r))).toEqual(eager[b]));
      expect(jf.cacheInfo()[0]!.status).not.toBe('eager');
    }
  });
});

describe('seeded NumPy 1.24 cases pasted as literals (floats bit for bit; eager, vmap and jit)', () => {
  // scratch/h85/np_lit.py: rng = np.random.default_rng(850); a, b = 20 random normals·10^U(−300, 300)
  // each, then NaN, ±∞, ±0, subnormals, the extremes; np.floor_divide(a, b), np.frexp(a),
  // np.ldexp(a, n) for n in [−1100, 1100), np.nextafter(a, b); np.unique(u, return_index=True,
  // return_inverse=True, return_counts=True) with NaNs and −0; np.histogram(h, 6, range=(−2, 2.5),
  // weights=w, density=True); np.insert/np.delete on arange(12).reshape(3, 4) along axis 1 with
  // repeated and negative positions; np.digitize with repeated decreasing/increasing bins, right
  // False/True; np.gcd and np.lcm of random integers.
  const fdA = [1.4532869919643196e+51, -2.2735832192732435e+154, 1.7789290475302924e-149, 0.006104008379342013, -1.0097227952809255e-154, -1.7676214510281287, 2.3109591117745755e-79, -1.1783788297741037e+76, -6.681619571072527e+87, 6.2249340656480965e-117, 1.0384782078853157e-65, 3.416607183080462e+140, 1.6020163119158184e+202, 1.727604213962887e+244, 1.4633432813048187e+233, 1.1510283484046013e-225, -7.912221599544759e+217, -1.2225105264494865e+202, 7.271355508723662e+119, -1.597071127154253e+208, NaN, Infinity, -Infinity, -0, 0, 5e-324, -1e-310, 2.2250738585072014e-308, 1.7976931348623157e+308, 1, -1, 0.5, 3, -7];
  const fdB = [-6.731522544634874e-243, -1.6446059684402286e+38, -7.986011717528793e-151, -1.5091945752169191e-298, -2.523409075489966e+151, 6.245807650744936e-30, -1.743194764556281e-21, -3.145233388221092e+280, 3.4664693378931307e+279, 1.614551470611391e+140, 4.317092564429803e+159, -1.0160849194456965e+186, 4.928905257627905e+121, 1.276185065987637e-53, 1.427746681816657e-243, -9.12925895091568e+155, 8.810184638435404e-285, -9.10508136381629e+168, -1.0848441422203435e-264, -1.366736223499231e-281, -7, 3, 0.5, -1, 1, 1.7976931348623157e+308, 2.2250738585072014e-308, -1e-310, 5e-324, 0, -0, -Infinity, Infinity, NaN];
  const fd = [-2.158927616045216e+293, 1.3824486003960859e+116, -23, -4.044546991871259e+295, 0, -2.830092679554909e+29, -1, 0, -1, 0, 0, -1, 3.25024772881678e+80, 1.353725458796133e+297, Infinity, -1, -Infinity, 1.3426684261249537e+33, -Infinity, Infinity, NaN, NaN, NaN, 0, 0, 0, -1, -223, Infinity, Infinity, Infinity, -1, 0, NaN];
  const frexpM = [0.9710735464395684, -0.8478579165039462, 0.9098640056717638, 0.7813130725557776, -0.6769084650805699, -0.8838107255140644, 0.85629050782205, -0.8141342556547283, -0.839697791333313, 0.9810995625072535, 0.5468225996012946, 0.8965759282874347, 0.8175415754600085, 0.6325396814826191, 0.736375919990216, 0.8521043470617043, -0.8965645881624783, -0.6238720382408167, 0.5631798510615661, -0.7772616833552525, NaN, Infinity, -Infinity, -0, 0, 0.5, -0.5752618031559393, 0.5, 0.9999999999999999, 0.5, -0.5, 0.5, 0.75, -0.875];
  const frexpE = [170, 513, -494, -7, -511, 1, -261, 253, 292, -386, -215, 467, 672, 812, 775, -747, 724, 672, 399, 692, 0, 0, 0, 0, 0, -1073, -1029, -1021, 1024, 1, 1, 0, 2, 3];
  const ldN = [-508, -66, 112, 959, -738, -1065, -343, 1059, -525, 747, 644, -743, -257, -6, -974, -605, 261, -1088, 1078, -607, 613, 166, -829, 858, -529, -135, -1058, 914, -1015, 640, -174, -86, -935, -377];
  const ld = [1.734257530606546e-102, -3.081279832078297e+134, 9.23672770504789e-116, 2.974273919245236e+286, -0, -4.47e-321, 1.2897446906871217e-182, -Infinity, -6.083226977211265e-71, 4.608308200978126e+108, 7.580792249874352e+128, 7.384281958704524e-84, 6.917641448857882e+124, 2.699381584317011e+242, 9.164957200696336e-61, 0, -2.931752542463704e+296, -3.686526201159594e-126, Infinity, -3.006885496336944e+25, NaN, Infinity, -Infinity, -0, 0, 0, -0, 3.0814879110195774e-33, 511.99999999999994, 4.562440617622195e+192, -4.176194859519056e-53, 6.462348535570529e-27, 1.0329405074299791e-281, -2.2739958862348217e-113];
  const na = [1.4532869919643195e+51, -2.2735832192732432e+154, 1.7789290475302922e-149, 0.006104008379342012, -1.0097227952809256e-154, -1.7676214510281285, 2.3109591117745752e-79, -1.1783788297741039e+76, -6.681619571072526e+87, 6.224934065648097e-117, 1.038478207885316e-65, 3.4166071830804614e+140, 1.6020163119158182e+202, 1.7276042139628868e+244, 1.4633432813048185e+233, 1.1510283484046012e-225, -7.9122215995447585e+217, -1.2225105264494863e+202, 7.27135550872366e+119, -1.5970711271542527e+208, NaN, 1.7976931348623157e+308, -1.7976931348623157e+308, -5e-324, 5e-324, 1e-323, -9.9999999999995e-311, 2.225073858507201e-308, 1.7976931348623155e+308, 0.9999999999999999, -0.9999999999999999, 0.49999999999999994, 3.0000000000000004, NaN];
  const uX = [2, 5, 0, NaN, 0, -0, 3, 1, 1, NaN, 2, 2, 0, 3, 0, 1, 1, 2, 1, 0, 4, 5, 4, 5];
  const uRef = [ [0, 1, 2, 3, 4, 5, NaN] , [2, 7, 0, 6, 20, 1, 3] , [2, 5, 0, 6, 0, 0, 3, 1, 1, 6, 2, 2, 0, 3, 0, 1, 1, 2, 1, 0, 4, 5, 4, 5] , [6, 5, 4, 2, 2, 3, 2] ];
  const hX = [-0.2593065628719794, 0.46530094684962475, 1.0084751499578615, 0.033407235598624865, 1.8478889300495493, -0.04516881874203205, 0.42660156974279545, -1.3503116159242228, -0.16850731457346818, 0.9807594782937602, 0.08666390238876415, -0.7280060779918986, 0.13698296099939472, -0.1847263263413787, 0.47351625056666097, -1.4922466235721306, 0.24280303322132538, -1.1418914171955892, 0.6034333190911866, 1.940312312683513, -0.4738758274943928, -0.69189435491915, 1.0360434313684697, 0.34534141802523116, -0.8952041205727048, -1.252407724233297, -0.28094106353170184, 0.38207530244106364, -1.3261524492056784, 0.40148253398196765];
  const hW = [0.47672126171984863, 0.3821654136898476, 0.8571314600186376, 0.23813876952534274, 0.5033106499685959, 0.6760551191539682, 0.7359860591619437, 0.24198174950443208, 0.19800775989492092, 0.36722357792895366, 0.3933536675139465, 0.62660017924245, 0.08962991925423536, 0.7702555285900629, 0.30668286732601446, 0.005386522353193479, 0.15569970966852986, 0.39299110677637106, 0.23498942954035018, 0.25475289457607875, 0.3064891205965966, 0.3065270393462566, 0.7111076898957801, 0.8054504317127289, 0.9043180962739575, 0.39469919605888315, 0.6514307356830649, 0.1420711229701973, 0.6432778314442342, 0.6685832346477059];
  const hRef = [ [0.12750475552637247, 0.22125669327895167, 0.3924089231147449, 0.36139644561018236, 0.15556749576644632, 0.07519902003663577] , [-2, -1.25, -0.5, 0.25, 1, 1.75, 2.5] ];
  const ins = [[100, 0, 1, 100, 2, 100, 100, 3, 100], [200, 4, 5, 200, 6, 200, 200, 7, 200], [300, 8, 9, 300, 10, 300, 300, 11, 300]];
  const del_ = [[1], [5], [9]];
  const dX = [-0.5, 0.5, -0.5, 2, 0, 3, 0.5, 3, -1, 3, 1, 1.5, -0.5, 0.5, -1, 1, 3.5, 0, 1, 0.5, 1.5, 1.5, -1, 3.5, 1];
  const dig = [ [4, 3, 4, 1, 4, 0, 3, 0, 4, 0, 3, 3, 4, 3, 4, 3, 0, 4, 3, 3, 3, 3, 4, 0, 3] , [4, 4, 4, 3, 4, 1, 4, 1, 5, 1, 3, 3, 4, 4, 5, 3, 0, 4, 3, 4, 3, 3, 5, 0, 3] , [1, 1, 1, 2, 1, 4, 1, 4, 0, 4, 2, 2, 1, 1, 0, 2, 5, 1, 2, 1, 2, 2, 0, 5, 2] ];
  const gA = [-199616982, 150736136, 565011327, 98766518, 164549878, 839942138, 125722275, 713540340, 754758253, 847285847, -633771386, 765020367];
  const gB = [-737945, -589143, 847442, 515813, 554158, -10196, -777145, -841844, 315782, -955170, -86005, -737753];
  const gRef = [ [1, 1, 1, 1, 2, 2, 5, 4, 1, 1, 1, 1] , [4565990, 30968552, 5006534, 54079134, 3940362, 5646492, 423225, 1573260, 45553846, 71253010, 28470930, 5030649] ];
  const same = (got: Tensor, want: number[]) => {
    const g = arr(got);
    expect(g.length).toBe(want.length);
    g.forEach((v, i) => expect(Object.is(v, want[i]!), `entry ${i}: ${v} vs ${want[i]}`).toBe(true));
  };
  it('floorDivide, frexp, ldexp, nextafter', () => {
    const [a, b, n] = [T(fdA), T(fdB), T(ldN)];
    same(ad.floorDivide(a, b), fd);
    const [m, e] = ad.frexp(a);
    same(m!, frexpM);
    same(e!, frexpE);
    same(ad.ldexp(a, n), ld);
    same(ad.nextafter(a, b), na);
    // the same programs batched (two copies of the rows) and replayed under jit
    const two = (x: Tensor) => ad.stack([x, x]);
    same(ad.vmap((x: Tensor, y: Tensor) => ad.floorDivide(x, y))(two(a), two(b)), [...fd, ...fd]);
    same(ad.vmap((x: Tensor, k: Tensor) => ad.ldexp(x, k))(two(a), two(n)), [...ld, ...ld]);
    const jl = ad.jit((x: Tensor, k: Tensor) => ad.ldexp(x, k));
    jl(T([1]), T([1]));
    same(jl(a, n), ld);
    const jn = ad.jit((x: Tensor, y: Tensor) => ad.nextafter(x, y));
    jn(T([1]), T([2]));
    same(jn(a, b), na);
  });
  it('unique with every return, eagerly and with { size } under vmap and jit', () => {
    const r = ad.unique(T(uX), { returnIndex: true, returnInverse: true, returnCounts: true });
    [r.values, r.indices!, r.inverse!, r.counts!].forEach((t, i) => same(t, uRef[i]!));
    const m = uRef[0]!.length;
    const f = (x: Tensor) => { const s = ad.unique(x, { size: m + 2, fillValue: -1, returnIndex: true, returnCounts: true }); return ad.stack([s.values, s.indices!, s.counts!]); };
    const want = [[...uRef[0]!, -1, -1], [...uRef[1]!, uRef[1]![0]!, uRef[1]![0]!], [...uRef[3]!, 0, 0]].flat();
    same(f(T(uX)), want);
    same(ad.vmap(f)(ad.stack([T(uX), T(uX)])), [...want, ...want]);
    const jf = ad.jit(f);
    jf(ad.flip(T(uX), 0));
    same(jf(T(uX)), want);
  });
  it('histogram with weights, range and density; insert and delete with repeated, negative positions; digitize; gcd, lcm', () => {
    const [hist, edges] = ad.histogram(T(hX), 6, { range: [-2, 2.5], weights: T(hW), density: true });
    arr(hist!).forEach((v, i) => expect(Math.abs(v - hRef[0]![i]!)).toBeLessThanOrEqual(1e-15 * Math.abs(hRef[0]![i]!)));
    same(edges!, hRef[1]!);
    const a = ad.reshape(ad.arange(12), [3, 4]);
    expect(ad.insert(a, [-1, 0, 4, -1, 2], ad.tensor([[100], [200], [300]]), 1).toArray()).toEqual(ins);
    expect(ad.delete(a, [-1, 0, -4, 2], 1).toArray()).toEqual(del_);
    same(ad.digitize(T(dX), T([3, 2, 2, 0.5, -1])), dig[0]!);
    same(ad.digitize(T(dX), T([3, 2, 2, 0.5, -1]), true), dig[1]!);
    same(ad.digitize(T(dX), T([-1, 0.5, 2, 2, 3]), true), dig[2]!);
    same(ad.gcd(T(gA), T(gB)), gRef[0]!);
    same(ad.lcm(ad.mod(T(gA), 100000), ad.mod(T(gB), 1000)), gRef[1]!); // NumPy's % is floored: ad.mod
  });
});

describe('ldexp\'s derivative is 2^n, correctly rounded, in both modes', () => {
  // d(x·2^n)/dx = 2^n. It went through the exact value's chain (2m)·2^hi·2^lo, whose partial products
  // over- or underflow where 2^n does not: grad ldexp(1, 1023) was ∞ (2^1023 is finite), grad
  // ldexp(2^−1000, −80) was 0 (2^−80), grad ldexp(2^1000, 100) ∞ (2^100), and the jvp at
  // x = 5e-324, n = 1000 was ∞ (2^1000).
  const xs = [1, 1.5, 2 ** 1000, 2 ** -1000, 3, 0.75, -0, 5e-324, Infinity, NaN, 1e-310];
  const ns = [1023, 1022, 100, -80, -1074, 1024, 5, 1000, 1, 1, 1030];
  const want = ns.map((k) => 2 ** k);
  it('grad and jvp equal Math.pow(2, n) at the ends of the range; values unchanged (−0 kept)', () => {
    const f = (x: Tensor) => ad.ldexp(x, T(ns));
    expect(arr(ad.grad((x: Tensor) => ad.sum(f(x)))(T(xs)))).toEqual(want);
    const [value, tangent] = ad.jvp(f, [T(xs)], [ad.ones([xs.length])]);
    expect(arr(tangent as Tensor)).toEqual(want);
    // np.ldexp(xs, ns) (NumPy 1.24's printed values)
    expect(arr(value as Tensor)).toEqual([8.98846567431158e307, 6.741349255733685e307, Infinity, 0, 1.5e-323, 1.348269851146737e308, -0, 5.293955920339377e-23, Infinity, NaN, 1.1505236063118787]);
    expect(Object.is(arr(value as Tensor)[6], -0)).toBe(true);
    // second derivative 0 (no NaN from 0·∞), and the jitted gradient replays the same
    expect(arr(ad.grad((x: Tensor) => ad.sum(ad.grad((y: Tensor) => ad.sum(ad.square(ad.ldexp(y, T([1023, -80])))))(x)))(T([0.5, 2 ** -1000])))).toEqual([2 * 2 ** 2046, 2 * 2 ** -160].map((v) => (Number.isFinite(v) ? v : Infinity)));
    const jg = ad.jit((x: Tensor) => ad.grad((y: Tensor) => ad.sum(f(y)))(x));
    jg(T(xs.map(() => 1)));
    expect(arr(jg(T(xs)))).toEqual(want);
  });
});

describe('unique { size }: the default padding is the smallest value, gradient included', () => {
  // The padding took the smallest value from a gradient-stopped sort, so it had x's value but no
  // derivative: grad of Σ w·unique([3, 1, 3], { size: 4 }) (values [1, 3, 1, 1]) gave x[1] w₀ = 1, not
  // w₀ + w₂ + w₃ = 1101 (jnp.unique's padding is aux[0], differentiable), and checkGrad failed.
  it('the cotangents of the padded entries reach the smallest value\'s first occurrence', () => {
    const w = T([1, 10, 100, 1000]);
    expect(arr(ad.grad((x: Tensor) => ad.sum(ad.mul(ad.unique(x, { size: 4 }), w)))(T([3, 1, 3])))).toEqual([10, 1101, 0]);
    expect(arr(ad.grad((x: Tensor) => ad.sum(ad.mul(ad.unique(x, { size: 4, fillValue: 0 }), w)))(T([3, 1, 3])))).toEqual([10, 1, 0]);
    const f = (x: Tensor) => ad.sum(ad.square(ad.mul(ad.unique(x, { size: 7 }), ad.arange(1, 8))));
    expect(ad.checkGrad(f, [T([3.5, 1.25, 4.5, 2, 0.25])]).ok).toBe(true);
    // vmap of the gradient equals the loop
    const g = ad.grad(f);
    const rows = [T([3.5, 1.25, 4.5, 2, 0.25]), T([1, 1, 2, 2, 0.5])];
    expect(arr(ad.vmap(g)(ad.stack(rows)))).toEqual(rows.flatMap((r) => arr(g(r))));
  });
});
