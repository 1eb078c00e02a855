/**
 * @file The structured models against torch-struct (harvardnlp/pytorch-struct, HEAD 7146de5, run in
 * float64 under torch 1.13) after converting between the two libraries' documented conventions:
 * log Z, marginals, entropy and the k best scores of LinearChainCRF, SemiMarkovCRF and both
 * DependencyCRF forms, in batches with lengths, with −∞ potentials. The numbers below are
 * torch-struct's, printed by a scratch script; the conversions are spelled out beside each case.
 * torch-struct writes a forbidden part as −1e9 here (its kmax pads with −1e5 where adjoint has −∞).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
function near(ours: number[], theirs: number[], tol: number) {
  expect(ours.length).toBe(theirs.length);
  ours.forEach((x, i) => {
    const want = theirs[i]!;
    // torch-struct's −1e9 surrogate (and its kmax padding near −1e5) is adjoint's −∞.
    if (want < -9e4) expect(x).toBe(-Infinity);
    else expect(Math.abs(x - want)).toBeLessThan(tol * Math.max(1, Math.abs(want)));
  });
}

describe('LinearChainCRF against torch-struct LinearChainCRF', () => {
  // torch-struct: edge[b, t, c2, c1] = T[c1, c2] + E[b, t + 1, c2] (+ E[b, 0, c1] + S[c1] at t = 0,
  // + F[c2] at t = lengths[b] − 2); its marginals are [B, N − 1, C, C] as [t, y_{t+1}, y_t], the
  // transpose of adjoint's pairwise [t, y_t, y_{t+1}]; lengths count positions in both.
  const crf = new ad.LinearChainCRF({
    emissions: ad.tensor([[[-0.8, 0.2], [-1.9, 1.4], [0.6, -0.3]], [[-0.3, 0.3], [-0.3, -0.2], [0.7, 0.5]]]),
    transitions: ad.tensor([[-0.1, -0.1], [-Infinity, -0.6]]),
    start: ad.tensor([-0.4, 0.5]),
    end: ad.tensor([-0.1, -1.4]),
    lengths: [3, 2],
  });

  it('log Z, pairwise marginals (transposed layout), entropy, kmax and argmax', () => {
    near(arr(crf.logPartition()), [-0.4657245860572107, -0.4486193058150115], 1e-13);
    near(arr(crf.marginals().pairwise), [
      0.10761533808294346, 0.17652806373039676, 0, 0.7158565981866597,
      0.09688065547238957, 0.010734682610553898, 0, 0.8923846619170565,
      0.47171480902137974, 0.14207777015050943, 0, 0.3862074208281107,
      0, 0, 0, 0,
    ], 1e-13);
    near(arr(crf.entropy()), [0.8202616810744503, 0.9991155025312219], 1e-13);
    near(arr(crf.sum(ad.semirings.kmax(5))), [-0.8, -2.2, -2.8, -5.0, -1e5, -1.2, -1.4, -2.4, -1e5, -1e5], 1e-13);
    expect(crf.argmax().tags).toEqual([[1, 1, 1], [0, 0]]);
  });
});

describe('SemiMarkovCRF against torch-struct SemiMarkovCRF', () => {
  // torch-struct: edge [B, n, L + 1, C, C] with edge[b, i, d, c, c′] the segment of d words from
  // word i labelled c after label c′ (d = 0 unused) = segments[b, i, d − 1, c] + T[c′, c]
  // (+ F[c] where i + d = lengths[b]); its lengths count boundaries (words + 1). Its first segment
  // has a free previous label (every c′ starts from one), so start is written on c′ = 0 only and
  // the other c′ are forbidden.
  const G = [
    [[[-0.5, 0.7], [-0.2, -0.1]], [[0.6, 1.8], [-0.7, 1.3]], [[-1.2, 0.2], [-1.2, 1.4]], [[0.8, 1.1], [-0.9, 0.7]]],
    [[[-0.5, -0.5], [0.5, 0.9]], [[0.2, -0.6], [-0.8, 1.4]], [[0.6, 0.7], [2.2, -0.8]], [[2.6, 3.2], [1.6, 0.8]]],
  ];
  const crf = new ad.SemiMarkovCRF({
    segments: ad.tensor(G), transitions: ad.tensor([[-0.7, 1.0], [-0.4, 0]]),
    start: ad.tensor([-0.3, 0.3]), end: ad.tensor([1.3, -0.6]), lengths: [4, 1],
  });

  it('log Z, segment marginals, entropy and kmax', () => {
    near(arr(crf.logPartition()), [6.36940385277887, 0.7410084538329922], 1e-13);
    near(arr(crf.marginals().segments), [
      0.24776059842181808, 0.6914660918072281, 0.032755852055666695, 0.028017457715287214,
      0.20126071518180985, 0.546715453111948, 0.014853976533810275, 0.17639654540147795,
      0.08346109385430459, 0.5489764434271177, 0.03587296405301762, 0.1404389767302718,
      0.6041688238143593, 0.21951923540235116, 0, 0,
      0.7858349830425586, 0.2141650169574414, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ], 1e-12);
    near(arr(crf.entropy()), [2.963800606031283, 0.5194229758776661], 1e-12);
    near(arr(crf.sum(ad.semirings.kmax(3))), [4.7, 4.1, 4.0, 0.5, -0.8, -1e5], 1e-13);
  });

  it('counts each segmentation once (torch-struct counts its free first label: C times as many)', () => {
    // 4 words, segments of 1 or 2 words, 2 labels: f(m) = 2 (f(m − 1) + f(m − 2)), f(0) = 1 → 44;
    // torch-struct's SemiMarkovCRF(zeros [1, 4, 3, 2, 2]).count is 88.
    const zeros = new ad.SemiMarkovCRF({ segments: ad.zeros([4, 2, 2]), transitions: ad.zeros([2, 2]) });
    expect(zeros.sum(ad.semirings.real).item()).toBeCloseTo(44, 12);
  });
});

describe('DependencyCRF against torch-struct DependencyCRF and NonProjectiveDependencyCRF', () => {
  // torch-struct: [B, n, n] arc scores [head, dependent] with root → m on the diagonal; adjoint's
  // arcScores[b, h, m] over positions 0 … n, root row 0: ts[b, i, i] = A[b, 0, i + 1] and
  // ts[b, h, m] = A[b, h + 1, m + 1]. multiroot = !singleRoot. The non-projective numbers are
  // torch-struct's deptree_part / deptree_nonproj with eps = 0: its classes add eps = 1e-5 to every
  // arc weight, which moves log Z here by 2e-5 … 6e-5.
  const A = [
    [[-1.0, -1.0, -1.0, -1.4], [-0.9, 1.3, -0.6, 0.3], [-1.2, 0.2, -1.7, -0.7], [2.3, -0.6, 1.1, 0.5]],
    [[-0.2, -0.7, 1.3, -0.2], [1.5, -0.7, 0.1, 0.5], [0.4, -1.2, -0.7, -0.2], [-0.9, 0.7, 0.6, -2.0]],
  ];
  /** torch-struct's [B, n, n] marginals (root on the diagonal) in adjoint's [B, n + 1, n + 1] layout, flat. */
  const fromTorchStruct = (m: number[][][]) => m.flatMap((M) => {
    const n = M.length;
    const out = Array.from({ length: n + 1 }, () => new Array<number>(n + 1).fill(0));
    M.forEach((row, h) => row.forEach((x, d) => { if (h === d) out[0]![d + 1] = x; else out[h + 1]![d + 1] = x; }));
    return out.flat();
  });
  const cases = [
    {
      singleRoot: false,
      proj: { logZ: [1.3880745139576323, 1.2459113653670537], entropy: [1.8908545061908177, 0.9943360224219392], kmax: [0.4, -0.1, -0.9, 0.6, 0.1, -0.6],
        marg: [[[0.5708611195326586, 0.12399189972427209, 0.44030461509426916], [0.3091418742345494, 0.10843482283119364, 0.0974749542982144], [0.11999700623279196, 0.7675732774445343, 0.46222043060751644]],
          [[0.6820659683510637, 0.15788136769201463, 0], [0.31793403164893624, 0.8421186323079852, 0], [0, 0, 0]]] },
      free: { logZ: [1.5986574209622002, 1.2459113653670535],
        marg: [[[0.4993940987944357, 0.10044731203429624, 0.5162496685394538], [0.3730604536265496, 0.27773245067510866, 0.09923472536326083], [0.12754544757901454, 0.621820237290595, 0.38451560609728563]],
          [[0.6820659683510638, 0.1578813676920146, 0], [0.3179340316489364, 0.8421186323079853, 0], [0, 0, 0]]] },
    },
    {
      singleRoot: true,
      proj: { logZ: [1.2451414701035404, 0.5031860488854579], entropy: [1.525084019465, 0.6354546083677416], kmax: [0.4, -0.1, -0.9, 0.1, -0.6, -1e5],
        marg: [[[0.5368230829118369, 0.12870986616542296, 0.5079585441602957], [0.32474206426121077, 0.06423921237361187, 0.0931037511251531], [0.1384348528269521, 0.8070509214609651, 0.398937704714551]],
          [[0.3318122278318339, 0.3318122278318339, 0], [0.6681877721681662, 0.6681877721681662, 0], [0, 0, 0]]] },
      free: { logZ: [1.4303628370653834, 0.503186048885458],
        marg: [[[0.44605721061925835, 0.10694764384853296, 0.5671686215840664], [0.4149303245272929, 0.2224573420512595, 0.10134593108645136], [0.13901246485344879, 0.6705950141002076, 0.3314854473294821]],
          [[0.33181222783183395, 0.33181222783183395, 0], [0.6681877721681662, 0.6681877721681662, 0], [0, 0, 0]]] },
    },
  ];
  for (const c of cases) {
    it(`projective, ${c.singleRoot ? 'one root dependent (multiroot=False)' : 'several (multiroot=True)'}, lengths [3, 2]`, () => {
      const crf = new ad.DependencyCRF({ arcScores: ad.tensor(A), projective: true, singleRoot: c.singleRoot, lengths: [3, 2] });
      near(arr(crf.logPartition()), c.proj.logZ, 1e-13);
      near(arr(crf.marginals()), fromTorchStruct(c.proj.marg), 1e-13);
      near(arr(crf.entropy()), c.proj.entropy, 1e-12);
      near(arr(crf.sum(ad.semirings.kmax(3))), c.proj.kmax, 1e-13);
    });
    it(`non-projective (Matrix-Tree), ${c.singleRoot ? 'one root dependent' : 'several'}, lengths [3, 2]`, () => {
      const crf = new ad.DependencyCRF({ arcScores: ad.tensor(A), projective: false, singleRoot: c.singleRoot, lengths: [3, 2] });
      near(arr(crf.logPartition()), c.free.logZ, 1e-12);
      near(arr(crf.marginals()), fromTorchStruct(c.free.marg), 1e-12);
    });
  }
});
