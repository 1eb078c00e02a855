/**
 * @file Audit regressions for misuse and degenerate sizes in the higher-level modules (linalg,
 * random, structured, products, implicit, inference): bad input throws an AdjointError naming the
 * op, and empty or size-1 inputs give NumPy's / PyTorch's / brute force's values, never a silent NaN.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const { linalg } = ad;

describe('linalg.norm over an empty axis', () => {
  // numpy.linalg.norm(np.zeros(0), np.inf) and torch.linalg.vector_norm(torch.zeros(0), inf) raise
  // (a max over nothing has no identity); adjoint returned NaN. The 'fro' / 2 / 1 / 0 norms of
  // nothing are 0 in both, and still are here.
  it('throws for max/min norms that reduce over nothing', () => {
    expect(() => linalg.norm(ad.zeros([0]), Infinity)).toThrow(ad.InvalidArgumentError);
    expect(() => linalg.norm(ad.zeros([0]), -Infinity)).toThrow(/linalg\.norm: the ord -Infinity norm of \[0\]/);
    expect(() => linalg.norm(ad.zeros([2, 0]), Infinity, 1)).toThrow(ad.InvalidArgumentError);
    expect(() => linalg.norm(ad.zeros([0, 0]), 2)).toThrow(ad.InvalidArgumentError);
    expect(() => linalg.norm(ad.zeros([0, 3]), -2)).toThrow(ad.InvalidArgumentError);
    expect(() => linalg.norm(ad.zeros([3, 0]), 1)).toThrow(/column sums/);
    expect(() => linalg.norm(ad.zeros([0, 3]), Infinity)).toThrow(/row sums/);
  });

  it('keeps the norms that have a value for no entries', () => {
    expect(linalg.norm(ad.zeros([0])).item()).toBe(0);
    expect(linalg.norm(ad.zeros([0]), 1).item()).toBe(0);
    expect(linalg.norm(ad.zeros([0]), 0).item()).toBe(0);
    expect(linalg.norm(ad.zeros([0, 0]), 'fro').item()).toBe(0);
    expect(linalg.norm(ad.zeros([0, 0]), 'nuc').item()).toBe(0);
    expect(linalg.norm(ad.zeros([0, 3]), 1).item()).toBe(0); // three column sums of 0
    expect(linalg.norm(ad.zeros([3, 0]), Infinity).item()).toBe(0); // three row sums of 0
    expect(linalg.norm(ad.zeros([0, 3]), Infinity, 1).shape).toEqual([0]); // nothing reduced over an empty axis
  });
});

describe('random.categorical and random.multivariateNormal misuse', () => {
  const k = ad.random.key(0);

  it('categorical rejects logits with no distribution (a NaN, or a row of only −Infinity)', () => {
    // jnp.argmax silently answered 0 for both (softmax is 0/0 there); torch's Categorical raises.
    expect(() => ad.random.categorical(k, ad.tensor([-Infinity, -Infinity]))).toThrow(/in row 0 of logits \[2\] \(along axis 0\) every logit is −Infinity/);
    expect(() => ad.random.categorical(k, ad.tensor([NaN, 0]))).toThrow(ad.InvalidArgumentError);
    expect(() => ad.random.categorical(k, ad.tensor([[-Infinity, 0], [-Infinity, 1]]), { axis: 0 })).toThrow(/row 0/);
    expect(() => ad.random.categorical(k, ad.tensor([[[0, -Infinity], [-Infinity, -Infinity]]]), { axis: 1 })).toThrow(/row 1 of logits \[1,2,2\]/);
    // Two +Infinity: ∞/∞ (the first was always drawn); one +Infinity is certain.
    expect(() => ad.random.categorical(k, ad.tensor([Infinity, 0, Infinity]))).toThrow(/2 logits are \+Infinity/);
    expect(ad.random.categorical(k, ad.tensor([0, Infinity, -Infinity]), { shape: [3] }).toArray()).toEqual([1, 1, 1]);
    // One finite logit per row is enough, and then that category is the only draw.
    expect(ad.random.categorical(k, ad.tensor([[-Infinity, 0], [0, -Infinity]]), { axis: 0, shape: [3, 2] }).toArray()).toEqual([[1, 0], [1, 0], [1, 0]]);
    expect(ad.random.categorical(k, ad.tensor([[-Infinity, 0], [0, -Infinity]]), { axis: 1, shape: [3, 2] }).toArray()).toEqual([[1, 0], [1, 0], [1, 0]]);
  });

  it('categorical checks its options object (a misspelt axis drew along the last axis)', () => {
    expect(() => ad.random.categorical(k, ad.zeros([2, 3]), { axes: 0 } as never)).toThrow(/unknown option 'axes'/);
    expect(() => ad.random.categorical(k, ad.zeros([2, 3]), 5 as never)).toThrow(ad.InvalidArgumentError);
    expect(() => ad.random.categorical(k, ad.zeros([2, 3]), null as never)).toThrow(ad.InvalidArgumentError);
  });

  it('multivariateNormal checks the sample shape before reading it (a number was a TypeError)', () => {
    expect(() => ad.random.multivariateNormal(k, ad.zeros([2]), ad.eye(2), 3 as never)).toThrow(ad.ShapeError);
    expect(() => ad.random.multivariateNormal(k, ad.zeros([2]), ad.eye(2), [-1])).toThrow(ad.ShapeError);
    expect(ad.random.multivariateNormal(k, ad.zeros([0]), ad.zeros([0, 0]), [3]).shape).toEqual([3, 0]);
    expect(ad.random.multivariateNormal(k, ad.zeros([2]), ad.eye(2), [0]).shape).toEqual([0, 2]);
  });

  it('multivariateNormal names itself and cov when cov is not a covariance (the error named linalg.cholesky only)', () => {
    expect(() => ad.random.multivariateNormal(k, ad.zeros([2]), ad.tensor([[1, 2], [2, 1]]))).toThrow(
      /^random\.multivariateNormal: cov must be a symmetric positive-definite covariance; linalg\.cholesky: .* not positive definite/,
    );
    expect(() => ad.random.multivariateNormal(k, ad.zeros([2]), ad.tensor([[1, 0.5], [0, 1]]))).toThrow(/multivariateNormal: cov .* not symmetric/);
  });
});

describe('misspelt or ill-typed options of the structured models, ctcLoss and chainProduct', () => {
  const E = ad.tensor([[[1, 0], [0, 2], [1, 1]], [[0, 1], [2, 0], [0, 0]]]);
  const T = ad.tensor([[0.5, -1], [0, 1]]);

  it('a misspelt constructor option throws (it was ignored: log Z over the full lengths)', () => {
    // With `lenghts` ignored, log Z of sequence 0 was over 3 positions instead of 1.
    expect(() => new ad.LinearChainCRF({ emissions: E, transitions: T, lenghts: [1, 3] } as never)).toThrow(/LinearChainCRF: unknown option 'lenghts'/);
    expect(() => new ad.HigherOrderCRF({ emissions: E, transitions: ad.zeros([2, 2, 2]), lenght: [3, 3] } as never)).toThrow(ad.InvalidArgumentError);
    expect(() => new ad.VariableOrderCRF({ emissions: E, contexts: [[0, 1]], weights: ad.zeros([1]), length: [3, 3] } as never)).toThrow(ad.InvalidArgumentError);
    expect(() => new ad.SemiMarkovCRF({ segments: ad.zeros([3, 2, 2]), transitions: T, starts: ad.zeros([2]) } as never)).toThrow(/unknown option 'starts'/);
    expect(() => new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]), roots: ad.zeros([2]) } as never)).toThrow(ad.InvalidArgumentError);
    expect(() => new ad.DependencyCRF({ arcScores: ad.zeros([4, 4]), projective: true, singleroot: true } as never)).toThrow(/unknown option 'singleroot'/);
    expect(() => new ad.Alignment({ scores: ad.zeros([4, 3]), skip: [true, true, true] } as never)).toThrow(ad.InvalidArgumentError);
    // A non-boolean skip is named (the message said "got an array of length 3" for 3 states).
    expect(() => new ad.Alignment({ scores: ad.zeros([4, 3]), skips: [true, 1, false] as never })).toThrow(/skips must be an array of 3 booleans \(one per state\), skips\[1\] is number 1/);
    expect(() => new ad.HMM({ initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.full([2, 2], 0.5)), emission: ad.log(ad.full([2, 2], 0.5)), initials: 1 } as never)).toThrow(ad.InvalidArgumentError);
    expect(() => new ad.PairwiseMRF({ unary: ad.zeros([2, 2]), edges: [[0, 1]], pairwise: ad.zeros([2, 2]), pairwse: 1 } as never)).toThrow(/PairwiseMRF: unknown option 'pairwse'/);
    // The right spelling still works: sequence 0 of length 1 has log Z = logsumexp(1, 0).
    const crf = new ad.LinearChainCRF({ emissions: E, transitions: T, lengths: [1, 3] });
    expect((crf.logPartition().toArray() as number[])[0]).toBeCloseTo(Math.log(Math.E + 1), 14);
  });

  it('ctcLoss checks its options object (null was a TypeError, a misspelt reduction was ignored)', () => {
    const lp = ad.logSoftmax(ad.zeros([4, 3]), -1);
    expect(() => ad.ctcLoss(lp, [1], [4], [1], null as never)).toThrow(/ctcLoss: expected an options object, got null/);
    expect(() => ad.ctcLoss(lp, [1], [4], [1], 5 as never)).toThrow(ad.InvalidArgumentError);
    expect(() => ad.ctcLoss(lp, [1], [4], [1], { reducton: 'sum' } as never)).toThrow(/unknown option 'reducton'/);
    expect(() => ad.ctcLoss(lp, [1], [4], [1], { zeroInfinity: 'yes' } as never)).toThrow(/zeroInfinity must be true or false/);
    // T = 1 frame, empty target: −log p(blank) (torch.nn.functional.ctc_loss gives log 2 here too).
    expect(ad.ctcLoss(ad.log(ad.tensor([[0.5, 0.2, 0.3]])), [], [1], [0], { reduction: 'none' }).item()).toBe(Math.LN2);
  });

  it('chainProduct checks its options before the one-element shortcut, and every key', () => {
    expect(() => ad.chainProduct([ad.eye(2)], ad.matmul, 5 as never)).toThrow(ad.InvalidArgumentError);
    expect(() => ad.chainProduct([ad.eye(2), ad.eye(2)], ad.matmul, { recompte: false } as never)).toThrow(/unknown option 'recompte'/);
    expect(ad.chainProduct([ad.tensor([[2]]), ad.tensor([[3]])], ad.matmul, { recompute: false }).toArray()).toEqual([[6]]);
  });
});

describe('structured models: empty batches and one-position sequences', () => {
  const lse = (xs: number[]) => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));

  it('an empty batch (B = 0) throws a ShapeError naming the model (score, argmax, PCFG log Z threw from stack/concat)', () => {
    const models: Array<() => unknown> = [
      () => new ad.LinearChainCRF({ emissions: ad.zeros([0, 3, 2]), transitions: ad.zeros([2, 2]) }),
      () => new ad.HigherOrderCRF({ emissions: ad.zeros([0, 3, 2]), transitions: ad.zeros([2, 2, 2]) }),
      () => new ad.VariableOrderCRF({ emissions: ad.zeros([0, 3, 2]), contexts: [[0, 1]], weights: ad.zeros([1]) }),
      () => new ad.SemiMarkovCRF({ segments: ad.zeros([0, 3, 2, 2]), transitions: ad.zeros([2, 2]) }),
      () => new ad.PCFG({ terminals: ad.zeros([0, 3, 2]), rules: ad.zeros([2, 2, 2]) }),
      () => new ad.DependencyCRF({ arcScores: ad.zeros([0, 4, 4]), projective: true }),
      () => new ad.DependencyCRF({ arcScores: ad.zeros([0, 4, 4]), projective: false }),
      () => new ad.Alignment({ scores: ad.zeros([0, 4, 3]) }),
    ];
    for (const make of models) expect(make).toThrow(ad.ShapeError);
    expect(models[4]!).toThrow(/PCFG: the batch is empty \(a leading axis of size B = 0\)/);
  });

  it('topk with a k that is not an integer ≥ 1 names the model (it named semirings.kmax and said kmax(3))', () => {
    const crf = new ad.LinearChainCRF({ emissions: ad.zeros([2, 2]), transitions: ad.zeros([2, 2]) });
    expect(() => crf.topk(0)).toThrow(/^LinearChainCRF\.topk: k must be an integer ≥ 1/);
    expect(() => new ad.PCFG({ terminals: ad.zeros([2, 1]), rules: ad.zeros([1, 1, 1]) }).topk(1.5)).toThrow(/^PCFG\.topk:/);
    expect(() => new ad.HigherOrderCRF({ emissions: ad.zeros([2, 2]), transitions: ad.zeros([2, 2, 2]) }).topk(-1)).toThrow(/^HigherOrderCRF\.topk:/);
    expect(() => new ad.Alignment({ scores: ad.zeros([2, 2]) }).topk(undefined as never)).toThrow(/^Alignment\.topk:/);
    const hmm = new ad.HMM({ initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.full([2, 2], 0.5)), emission: ad.log(ad.full([2, 2], 0.5)) });
    expect(() => hmm.topk([0, 1], 0)).toThrow(/^HMM\.topk: k must be an integer ≥ 1/);
    // HMM.logJoint and HMM.sample named LinearChainCRF.score / LinearChainCRF.sample.
    expect(() => hmm.logJoint([0, 2], [0, 1])).toThrow(/^HMM\.logJoint: states\[1\] is 2/);
    expect(() => hmm.logJoint([[0]], [[1], [0, 1]])).toThrow(/^HMM\.logJoint: a batch of 2 sequences needs one state array per sequence/);
    expect(() => hmm.sample([0, 1], -1, 0)).toThrow(/^HMM\.sample: count/);
    expect(() => hmm.sample([0, 1], 2, 'x' as never)).toThrow(/^HMM\.sample: key/);
    expect(() => hmm.expectedCounts([0, 5])).toThrow(/^HMM\.expectedCounts: observations\[1\] is 5/); // named HMM.logLikelihood
    expect(() => hmm.emStep([])).toThrow(/^HMM\.emStep: observations must be/);
    expect(hmm.logJoint([1, 1], [0, 1]).item()).toBeCloseTo(Math.log(0.5 * 0.5 * 0.5 * 0.5), 14);
  });

  it('one position: log Z, marginals and the k best are the single-position closed forms', () => {
    // n = 1: log Z = logsumexp(start + e + end), marginals softmax of it, no pairwise marginals.
    const crf = new ad.LinearChainCRF({
      emissions: ad.tensor([[0.3, -1.2, 2]]), transitions: ad.ones([3, 3]), start: ad.tensor([0.5, 0, -0.5]), end: ad.tensor([1, 2, 3]),
    });
    const w = [1.8, 0.8, 4.5];
    expect(crf.logPartition().item()).toBeCloseTo(lse(w), 14);
    expect(crf.marginals().pairwise.shape).toEqual([0, 3, 3]);
    expect(crf.topk(5).score).toEqual([4.5, 1.8, 0.8]); // only three structures exist
    // PCFG over one word: log Z = logsumexp(root + terminals); the rules get no gradient.
    const pcfg = new ad.PCFG({ terminals: ad.tensor([[0.2, 1, -0.5]]), rules: ad.zeros([3, 3, 3]), root: ad.tensor([0.1, 0.2, 0.3]) });
    expect(pcfg.logPartition().item()).toBeCloseTo(lse([0.3, 1.2, -0.2]), 14);
    expect(ad.sum(ad.abs(pcfg.marginals().rules)).item()).toBe(0);
    // One word, every dependency variant: the only tree is root → word 1.
    for (const projective of [true, false]) {
      for (const singleRoot of [true, false]) {
        const dep = new ad.DependencyCRF({ arcScores: ad.tensor([[5, 1.5], [7, 9]]), projective, singleRoot });
        expect(dep.logPartition().item()).toBe(1.5);
        expect(dep.marginals().toArray()).toEqual([[0, 1], [0, 0]]);
        expect(dep.entropy().item()).toBe(0);
        expect(dep.logProbability([0]).item()).toBe(0);
        expect(() => dep.logProbability([1])).toThrow(/^DependencyCRF\.logProbability: heads\[0\] makes word 1 its own head/); // named .score
      }
    }
  });
});

describe('PairwiseMRF scores and Adam decay rates that made every value NaN', () => {
  const P = ad.tensor([[1, -1], [-1, 1]]);

  it('PairwiseMRF rejects non-finite scores (one −∞ state made log Z NaN; exact value log(e⁻¹ + e))', () => {
    const mrf = (u: ad.Tensor) => new ad.PairwiseMRF({ unary: u, edges: [[0, 1]], pairwise: P });
    expect(() => mrf(ad.tensor([[-Infinity, 0], [0, 0]]))).toThrow(/PairwiseMRF: unary \[2,2\] holds -Infinity at flat index 0/);
    expect(() => new ad.PairwiseMRF({ unary: ad.zeros([2, 2]), edges: [[0, 1]], pairwise: ad.full([2, 2], -Infinity) })).toThrow(ad.InvalidArgumentError);
    expect(() => mrf(ad.tensor([[NaN, 0], [0, 0]]))).toThrow(ad.InvalidArgumentError);
    // surrogateLogLikelihood names itself (its label and option errors named score / logPartition).
    expect(() => mrf(ad.zeros([2, 2])).surrogateLogLikelihood([0, 2])).toThrow(/^PairwiseMRF\.surrogateLogLikelihood: labels\[1\]/);
    expect(() => mrf(ad.zeros([2, 2])).surrogateLogLikelihood([0, 1], { iteration: 3 } as never)).toThrow(/^PairwiseMRF\.surrogateLogLikelihood: unknown option/);
    // An edge entry that is not a number (a [2, 2] tensor was coerced and failed as 'numeric context').
    expect(() => new ad.PairwiseMRF({ unary: ad.zeros([2, 2]), edges: [[0, ad.ones([2, 2])]] as never, pairwise: P })).toThrow(/^PairwiseMRF: edges\[0\]\[1\] is a tensor of shape \[2,2\]/);
    expect(() => ad.grad((u: ad.Tensor) => mrf(u).logPartition())(ad.tensor([[-Infinity, 0], [0, 0]]))).toThrow(ad.InvalidArgumentError);
    // The documented stand-in, a large negative score, gives the exact value on this tree.
    expect(mrf(ad.tensor([[-1e4, 0], [0, 0]])).logPartition().item()).toBeCloseTo(Math.log(Math.exp(-1) + Math.E), 14);
  });

  it('PairwiseMRF with no edges or one state: log Z is the closed form', () => {
    const U = ad.tensor([[2, 0], [0, 1], [1, 1]]);
    const expected = Math.log(Math.exp(2) + 1) + Math.log(1 + Math.E) + Math.log(2 * Math.E);
    for (const method of ['bp', 'meanField', 'trw'] as const) {
      expect(new ad.PairwiseMRF({ unary: U, edges: [], pairwise: P }).logPartition({ method }).item()).toBeCloseTo(expected, 12);
      expect(new ad.PairwiseMRF({ unary: ad.tensor([[1], [2]]), edges: [[0, 1]], pairwise: ad.tensor([[3]]) }).logPartition({ method }).item()).toBeCloseTo(6, 12);
    }
  });

  it('optimizers.adam rejects numeric b1, b2 outside [0, 1) (b1 = 1 made the first step 0/0 = NaN), as torch.optim.Adam', () => {
    expect(() => ad.optimizers.adam({ lr: 0.1, b1: 1 })).toThrow(/optimizers\.adam: option b1 must be a number in \[0, 1\)/);
    expect(() => ad.optimizers.adam({ lr: 0.1, b2: 1 })).toThrow(ad.InvalidArgumentError);
    expect(() => ad.optimizers.adam({ lr: 0.1, b2: 1.5 })).toThrow(ad.InvalidArgumentError);
    expect(() => ad.optimizers.adam({ lr: 0.1, b1: -0.1 })).toThrow(ad.InvalidArgumentError);
    // b1 = 0: plain RMSprop-like step; the first step moves each coordinate by lr·g/(|g| + eps).
    const opt = ad.optimizers.adam({ lr: 0.1, b1: 0 });
    const [p] = opt.step(ad.tensor([1]), ad.tensor([2]), opt.init(ad.tensor([1])));
    expect((p as ad.Tensor).item()).toBeCloseTo(0.9, 7);
  });
});

describe('products over no axes, and keepdims', () => {
  it('logAbsProd(x, []) is elementwise (each entry its own product), as prod(x, []) is x; it threw a reshape ShapeError', () => {
    const { sign, logAbs } = ad.logAbsProd(ad.tensor([[1, -2], [4, 0.5]]), []);
    expect(sign.toArray()).toEqual([[1, -1], [1, 1]]);
    expect(logAbs.toArray()).toEqual([[0, Math.log(2)], [Math.log(4), Math.log(0.5)]]);
    // d log|x|/dx = 1/x.
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.logAbsProd(x, []).logAbs))(ad.tensor([[1, -2], [4, 0.5]])).toArray()).toEqual([[1, -0.5], [0.25, 2]]);
    expect(ad.logAbsProd(ad.zeros([0]), []).logAbs.shape).toEqual([0]);
    expect(ad.logAbsProd(ad.tensor(-3)).logAbs.item()).toBe(Math.log(3));
  });

  it('prod, logAbsProd and SignedLog.sum/prod take keepdims as a boolean only (a truthy string kept the axes)', () => {
    const x = ad.tensor([[1, -2], [3, 4]]);
    expect(() => ad.prod(x, 0, 'yes' as never)).toThrow(/prod: keepdims must be true or false/);
    expect(() => ad.logAbsProd(x, 0, 1 as never)).toThrow(ad.InvalidArgumentError);
    expect(() => ad.SignedLog.fromTensor(x).sum(0, 1 as never)).toThrow(/SignedLog\.sum: keepdims/);
    expect(() => ad.SignedLog.fromTensor(x).prod(0, 'no' as never)).toThrow(ad.InvalidArgumentError);
    expect(ad.prod(x, 0, true).toArray()).toEqual([[3, -8]]);
  });
});

describe('linalg.det: the derivative at a singular matrix is the adjugate (det is a polynomial)', () => {
  // ∂ det A/∂A = adj(A)ᵀ, the cofactor matrix, finite everywhere; det(A)·A⁻ᵀ is 0·∞ = NaN at a
  // singular A (torch 1.13 returns 0 there, also wrong). Cofactors written out by hand.
  const grad = (a: number[][]) => (ad.grad((x: ad.Tensor) => linalg.det(x))(ad.tensor(a)).toArray() as number[][]).flat();
  const close = (got: number[], want: number[]) => want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));

  it('rank n − 1, rank ≤ n − 2, 1×1 and the zero matrix', () => {
    close(grad([[1, 2], [2, 4]]), [4, -2, -2, 1]);
    close(grad([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), [-3, 6, -3, 6, -12, 6, -3, 6, -3]);
    close(grad([[1, 1, 1], [1, 1, 1], [1, 1, 1]]), new Array(9).fill(0)); // every 2×2 minor is 0
    expect(grad([[0]])).toEqual([1]);
    expect(grad([[0, 0], [0, 0]])).toEqual([0, 0, 0, 0]);
  });

  it('inside jit too, also when the program was recorded at a regular matrix (its replay threw a TypeError)', () => {
    const g = ad.jit(ad.grad((x: ad.Tensor) => linalg.det(x)));
    expect((g(ad.tensor([[2, 1], [1, 3]])) as ad.Tensor).toArray()).toEqual([[3, -1], [-1, 2]]);
    close(((g(ad.tensor([[1, 2], [2, 4]])) as ad.Tensor).toArray() as number[][]).flat(), [4, -2, -2, 1]);
    // A batch mixing both keeps the regular matrix's gradient exact; a zero cotangent gives 0.
    const b = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(linalg.det(x), ad.tensor([0, 2]))))(ad.tensor([[[1, 2], [2, 4]], [[2, 1], [1, 3]]]));
    expect(b.toArray()).toEqual([[[0, 0], [0, 0]], [[6, -2], [-2, 4]]]);
  });

  it('forward mode and the second derivative agree with the closed forms', () => {
    // d det = tr(adj(A) dA): with dA = e₀₀, the cofactor of entry (0, 0), 4.
    const [, tangent] = ad.jvp((x: ad.Tensor) => linalg.det(x), [ad.tensor([[1, 2], [2, 4]])], [ad.tensor([[1, 0], [0, 0]])]);
    expect(tangent.item()).toBeCloseTo(4, 12);
    // det [[a, b], [c, d]] = ad − bc: ∂²/∂a∂d = 1, ∂²/∂b∂c = −1, every other second derivative 0.
    const h = (ad.hessian((x: ad.Tensor) => linalg.det(x))(ad.tensor([[1, 2], [2, 4]])) as ad.Tensor).toArray() as number[][][][];
    const want = [[[[0, 0], [0, 1]], [[0, 0], [-1, 0]]], [[[0, -1], [0, 0]], [[1, 0], [0, 0]]]];
    close(h.flat(3), want.flat(3));
  });
});

describe('linalg.norm argument checks', () => {
  it('keepdims must be a boolean (a truthy string kept the axes), and a string ord is quoted in the message', () => {
    expect(() => linalg.norm(ad.ones([2, 2]), 'fro', [0, 1], 'yes' as never)).toThrow(/linalg\.norm: keepdims must be true or false, got string 'yes'; it is the fourth argument/);
    expect(() => linalg.norm(ad.ones([3]), 2, 0, 1 as never)).toThrow(ad.InvalidArgumentError);
    expect(() => linalg.norm(ad.ones([3]), '2' as never)).toThrow(/ord '2' is not a vector norm/);
    expect(() => linalg.norm(ad.ones([2, 2]), 2, null as never)).toThrow(/linalg\.norm: an axis must be an integer, got null/); // was a TypeError
    // linalg.trace's errors named linalg.diagonal.
    expect(() => linalg.trace(ad.ones([3]))).toThrow(/^linalg\.trace: x must be a matrix/);
    expect(() => linalg.trace(ad.ones([2, 2]), 0.5)).toThrow(/^linalg\.trace: the offset must be an integer/);
    expect(linalg.trace(ad.tensor([[1, 2], [3, 4]]), 1).item()).toBe(2);
    expect(linalg.norm(ad.ones([2, 2]), 'fro', [0, 1], true).toArray()).toEqual([[2]]);
  });
});

describe('random.truncatedNormal past 1e8σ', () => {
  // log Q(x) − log Q(lower) was formed as the difference of two logs of size lower²/2, which cancel
  // to nothing out there: (1e10, ∞) drew NaN, (1e12, ∞) drew 1.8e308, (1e100, ∞) NaN. The solve now
  // works in δ = x − lower. Oracle: mpmath (60 digits) on Q(x) = (1 − u)Q(lower), u the draw's uniform.
  const k = ad.random.key(7);

  it('draws just above a huge lower bound (just below a huge negative upper one)', () => {
    for (const a of [1e10, 1e12, 1e50, 1e100, 1e308]) {
      const x = ad.random.truncatedNormal(k, a, Infinity, [4]).toArray() as number[];
      for (const v of x) expect(v > a && v <= a * (1 + 4 * 2 ** -52)).toBe(true);
      const y = ad.random.truncatedNormal(k, -Infinity, -a, [4]).toArray() as number[];
      for (const v of y) expect(v < -a && v >= -a * (1 + 4 * 2 ** -52)).toBe(true);
    }
  });

  it('matches mpmath in the tails it already handled', () => {
    const at9 = ad.random.truncatedNormal(k, 9, Infinity, [4]).toArray() as number[];
    [9.0013185372949986422, 9.0522001364949194131, 9.0447435788831793776, 9.0106113197283364277].forEach((v, i) => expect(at9[i]).toBeCloseTo(v, 13));
    const at1000 = ad.random.truncatedNormal(k, 1000, Infinity, [4]).toArray() as number[];
    [1000.0000120107745952, 1000.0004768123543751, 1000.0004085369333319, 1000.0000967090017806].forEach((v, i) => expect(at1000[i]).toBeCloseTo(v, 11));
  });
});

describe('optimizers: the state and hyperparameter shapes a step takes', () => {
  it('a missing or foreign state names the optimizer (it was a TypeError, or an error from add)', () => {
    for (const [name, opt] of [['sgd', ad.optimizers.sgd({ lr: 0.1 })], ['momentum', ad.optimizers.momentum({ lr: 0.1 })], ['adam', ad.optimizers.adam({ lr: 0.1 })]] as const) {
      const p = ad.tensor([1, 2]);
      expect(() => opt.step(p, p, undefined as never)).toThrow(new RegExp(`^optimizers\\.${name}: state must be the state this optimizer's init`));
      expect(() => opt.step(p, p, {} as never)).toThrow(ad.InvalidArgumentError);
    }
  });

  it('a hyperparameter tensor of more than one element throws (lr [0.5, 1] turned params [1] into [0.5, 0])', () => {
    const p = ad.tensor([1]);
    const bad = ad.optimizers.sgd({ lr: ad.tensor([0.5, 1]) });
    expect(() => bad.step(p, p, bad.init(p))).toThrow(/optimizers\.sgd: lr must be a single number, got a tensor of shape \[2\]/);
    const schedule = ad.optimizers.momentum({ lr: 0.1, beta: () => ad.tensor([0.9, 0.9]) });
    expect(() => schedule.step(p, p, schedule.init(p))).toThrow(/beta must be a single number, got a tensor of shape \[2\] from its schedule/);
    const text = ad.optimizers.sgd({ lr: () => 'x' as never });
    expect(() => text.step(p, p, text.init(p))).toThrow(/^optimizers\.sgd: the schedule of lr returned string 'x'/); // named mul
    const ok = ad.optimizers.sgd({ lr: ad.tensor(0.5) });
    expect((ok.step(p, p, ok.init(p))[0] as ad.Tensor).toArray()).toEqual([0.5]);
  });
});

describe('degenerate sizes that already agree with NumPy / PyTorch (kept as guards)', () => {
  it('linalg on 0×0, a batch of 0×0, and k = 0 right-hand sides', () => {
    // numpy: det(zeros((0, 0))) = 1.0, slogdet = (1.0, 0.0), inv → (0, 0), eigh → (0,), (0, 0).
    expect(linalg.det(ad.zeros([0, 0])).item()).toBe(1);
    const { sign, logAbsDet } = linalg.slogdet(ad.zeros([0, 0]));
    expect([sign.item(), logAbsDet.item()]).toEqual([1, 0]);
    expect(linalg.det(ad.zeros([2, 0, 0])).toArray()).toEqual([1, 1]);
    expect(linalg.inv(ad.zeros([0, 0])).shape).toEqual([0, 0]);
    expect(linalg.cholesky(ad.zeros([0, 0])).shape).toEqual([0, 0]);
    expect(linalg.eigh(ad.zeros([0, 0])).values.shape).toEqual([0]);
    expect(linalg.solve(ad.tensor([[4, 1], [1, 3]]), ad.zeros([2, 0])).shape).toEqual([2, 0]);
    expect(linalg.svd(ad.zeros([3, 0])).u.shape).toEqual([3, 0]);
    expect(linalg.qr(ad.zeros([0, 3])).r.shape).toEqual([0, 3]);
    expect(ad.grad((a: ad.Tensor) => linalg.det(a))(ad.zeros([0, 0])).shape).toEqual([0, 0]);
  });

  it('1×1 matrices: values and derivatives are the scalar ones', () => {
    const g = (f: (a: ad.Tensor) => ad.Tensor) => ad.grad(f)(ad.tensor([[4]])).item();
    expect(g((a) => linalg.det(a))).toBe(1);
    expect(g((a) => linalg.slogdet(a).logAbsDet)).toBe(0.25);
    expect(g((a) => ad.sum(linalg.inv(a)))).toBe(-1 / 16);
    expect(g((a) => ad.sum(linalg.cholesky(a)))).toBe(0.25); // d√a/da
    expect(g((a) => ad.sum(linalg.svd(a).s))).toBe(1);
    expect(ad.grad((a: ad.Tensor) => ad.sum(linalg.svd(a).s))(ad.tensor([[-4]])).item()).toBe(-1);
  });

  it('random: shape [] and [0], split into 0 keys, products over length 0 and 1', () => {
    const k = ad.random.key(0);
    expect(ad.random.normal(k, []).shape).toEqual([]);
    expect(ad.random.categorical(k, ad.zeros([0, 3])).shape).toEqual([0]);
    expect(ad.random.split(k, 0)).toEqual([]);
    expect(ad.random.permutation(k, 0).shape).toEqual([0]);
    expect(ad.prod(ad.zeros([0])).item()).toBe(1);
    expect(ad.cumprod(ad.zeros([0]), 0).shape).toEqual([0]);
    expect(ad.cumprod(ad.tensor([5]), 0, { exclusive: true }).toArray()).toEqual([1]);
    expect(ad.chainMatmul([ad.tensor([[2]]), ad.tensor([[3]])]).toArray()).toEqual([[6]]);
    expect(ad.chainMatmul([ad.ones([2, 0]), ad.ones([0, 3])]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
});

describe('the seeded random forms check their parameters as the keyed ones do', () => {
  // normal(shape, seed, mean, −1) and uniform(shape, seed, 1, 0) were accepted silently.
  it('rejects a negative std and low ≥ high', () => {
    expect(() => ad.random.normal([2], 0, 0, -1)).toThrow(/random\.normal: std must be ≥ 0/);
    expect(() => ad.random.uniform([2], 0, 1, 0)).toThrow(/random\.uniform: low must be less than high/);
    expect(() => ad.random.uniform([2], 0, 0, Infinity)).toThrow(/random\.uniform: low must be less than high, both finite/);
    expect(ad.random.normal([2], 0, 0, 0).toArray()).toEqual([0, 0]);
    expect(ad.random.uniform([3], 7, -1, 1).shape).toEqual([3]);
  });
});
