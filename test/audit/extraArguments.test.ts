/**
 * @file Every public function refuses a positional argument past those it takes, as JAX raises a
 * TypeError for one: `ad.softplus(x, 2)` (torch's beta), `ad.exp(x, 2)`, `ad.sum(x, 0, false, 5)`,
 * `ad.add(x, y, z)` ran as if the extra argument were not there. Each function of the surface is
 * called with valid arguments for its whole signature (every optional parameter given), then with
 * one more, a number and separately `{}`, and must throw an AdjointError that names it and says the
 * argument would be ignored.
 *
 * The surface and each function's arity are read from the declarations (the TypeScript compiler
 * over src/index.ts, as the package's .d.ts declares them: @internal, private and protected
 * members left out), so that a new function, parameter or method fails here until it has a row.
 * Functions whose last parameter is variadic by design are listed in `variadic` with the reason.
 *
 * The index and array an Array method passes its callback (`xs.map(ad.exp)`, `xs.reduce(ad.add)`,
 * `xs.map(ad.linalg.qr)`) still pass: they are not arguments a user wrote, and code maps ops so.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const srcIndex = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

// Fixtures: a vector in (0, 1), a 2×3 matrix, a symmetric positive-definite 3×3 matrix, indices.
const v = ad.tensor([0.2, 0.5, 0.7]);
const m = ad.tensor([[0.5, 1, 2], [1.5, 0.25, 3]]);
const sq = ad.tensor([[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]);
const ints = ad.tensor([0, 2, 1]);
const key = ad.random.key(0);
const loss = (t: Tensor) => ad.sum(ad.square(t));
const logProbs = ad.logSoftmax(ad.tensor(Array.from({ length: 15 }, (_, i) => Math.sin(i)), [5, 3]), -1);

/** Valid arguments for the whole signature of each function (every optional parameter given). */
type Args = () => unknown[];
const cases: Record<string, Args> = {};
const each = (names: readonly string[], args: Args) => { for (const n of names) cases[n] = args; };

// ---- ad.*: elementwise, one operand
each(['neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'square', 'abs', 'sign', 'sin', 'cos', 'tanh', 'sigmoid',
  'relu', 'reciprocal', 'stopGradient', 'lgamma', 'digamma', 'erf', 'erfc', 'erfinv', 'tan', 'asin', 'acos', 'atan', 'sinh',
  'cosh', 'asinh', 'acosh', 'atanh', 'logSigmoid', 'silu', 'swish', 'selu', 'mish', 'softsign', 'sparsePlus', 'sparseSigmoid', 'hardSigmoid', 'hardSwish',
  'hardSilu', 'relu6', 'floor', 'ceil', 'trunc', 'isnan', 'isinf', 'isfinite', 'logicalNot', 'log2', 'log10', 'exp2',
  'zerosLike', 'onesLike', 'ravel', 'cbrt', 'signbit', 'sinc', 'deg2rad', 'rad2deg', 'frexp', 'modf', 'fix', 'rint',
  'positive', 'isposinf', 'isneginf', 'i0', 'conj', 'conjugate', 'isreal', 'iscomplex', 'spacing', 'absolute', 'negative',
  'arccos', 'arcsin', 'arctan', 'arccosh', 'arcsinh', 'arctanh', 'degrees', 'radians', 'fabs', 'emptyLike', 'logit', 'ndim',
  'shape', 'copy', 'real', 'imag', 'isrealobj', 'iscomplexobj', 'poly'], () => [v]);
each(['fliplr', 'flipud'], () => [m]);
// two operands
each(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal',
  'notEqual', 'dot', 'outer', 'hypot', 'logaddexp', 'mod', 'fmod', 'logicalAnd', 'logicalOr', 'logicalXor', 'kron', 'inner',
  'vdot', 'copysign', 'logaddexp2', 'floorDivide', 'fmax', 'fmin', 'divmod', 'remainder', 'subtract', 'multiply', 'divide',
  'trueDivide', 'power', 'xlogy', 'nextafter', 'atan2', 'arctan2', 'arrayEquiv', 'polyadd', 'polysub', 'polymul',
  'floatPower', 'heaviside', 'polyval'], () => [v, v]);
cases['softplus'] = () => [v, {}]; // softplus(x, { beta, threshold })
cases['squareplus'] = () => [v, 4];
cases['ldexp'] = () => [v, ints];
each(['gcd', 'lcm'], () => [ints, ad.tensor([4, 6, 3])]);
each(['matmul', 'logMatmul'], () => [sq, sq]);
// reductions
each(['sum', 'mean', 'max', 'min', 'logsumexp', 'all', 'any', 'countNonzero', 'ptp', 'median', 'nanmedian', 'nansum',
  'nanmean', 'nanmax', 'nanmin', 'nanprod', 'amax', 'amin', 'prod', 'logAbsProd', 'maxIndex', 'minIndex', 'nanMaxIndex',
  'nanMinIndex', 'nanargmax', 'nanargmin'], () => [m, 0, false]);
each(['variance', 'std', 'nanvar', 'nanstd', 'average', 'cummax', 'cummin', 'cumlogsumexp', 'cumsum', 'cumprod',
  'standardize', 'sort', 'argsort'], () => [m, 0, {}]);
each(['quantile', 'percentile', 'nanquantile', 'nanpercentile'], () => [m, 0.5, 0, {}]);
each(['softmax', 'logSoftmax', 'nancumsum', 'nancumprod'], () => [m, 0]);
// numpy 2's array-API names
each(['cumulativeSum', 'cumulativeProd'], () => [m, { axis: 1 }]);
each(['uniqueValues', 'uniqueCounts', 'uniqueInverse', 'uniqueAll'], () => [v, {}]);
cases['unstack'] = () => [m, 0];
cases['permuteDims'] = () => [m, [1, 0]];
each(['vecdot', 'linalg.vecdot'], () => [m, v, -1]);
cases['matvec'] = () => [m, v];
cases['vecmat'] = () => [ad.tensor([1, 2]), m];
cases['matrixTranspose'] = () => [m];
cases['finfo'] = () => ['float64'];
cases['astype'] = () => [v, 'int32'];
cases['iinfo'] = () => ['int8'];
cases['isdtype'] = () => ['float64', 'numeric'];
each(['linalg.cross'], () => [v, v, -1]);
cases['linalg.matmul'] = () => [sq, sq];
cases['linalg.outer'] = () => [v, v];
cases['linalg.tensordot'] = () => [m, ad.transpose(m), 1];
each(['cov', 'corrcoef'], () => [m, {}]);
// creation
each(['tensor', 'asarray', 'array'], () => [[1, 2, 3, 4, 5, 6], [2, 3]]);
cases['scalar'] = () => [1];
each(['zeros', 'ones', 'empty'], () => [[2, 3]]);
cases['full'] = () => [[2], 1];
each(['eye', 'tri'], () => [3, 3, 0]);
cases['arange'] = () => [0, 4, 1];
cases['linspace'] = () => [0, 1, 5, {}];
each(['logspace', 'geomspace'], () => [1, 2, 3, {}]);
each(['identity'], () => [3]);
each(['bartlett', 'blackman', 'hamming', 'hanning'], () => [4]);
cases['kaiser'] = () => [4, 2];
cases['fullLike'] = () => [v, 2];
cases['indices'] = () => [[2, 3], false];
cases['fromfunction'] = () => [(i: Tensor, j: Tensor) => ad.add(i, j), [2, 2]];
// shapes and layout
each(['vstack', 'hstack', 'dstack', 'columnStack', 'rowStack'], () => [[v, v]]);
each(['concat', 'stack', 'concatenate'], () => [[v, v], 0]);
cases['reshape'] = () => [v, [3, 1]];
cases['broadcastTo'] = () => [v, [2, 3]];
cases['squeeze'] = () => [ad.ones([1, 3]), 0];
cases['flip'] = () => [v, 0];
cases['transpose'] = () => [m, [1, 0]];
cases['expandDims'] = () => [v, 0];
cases['slice'] = () => [m, [0, 0], [1, 2]];
cases['take'] = () => [v, [0, 2], 0, {}];
cases['moveaxis'] = () => [m, 0, 1];
cases['swapaxes'] = () => [m, 0, 1];
cases['rollaxis'] = () => [m, 1, 0];
each(['split', 'arraySplit'], () => [v, 3, 0]);
cases['hsplit'] = () => [m, 3];
cases['vsplit'] = () => [m, 2];
cases['dsplit'] = () => [ad.ones([1, 1, 2]), 2];
cases['rot90'] = () => [sq, 1, [0, 1]];
cases['pad'] = () => [v, 1, {}];
cases['roll'] = () => [v, 1, 0];
cases['tile'] = () => [v, 2];
cases['repeat'] = () => [v, 2, 0];
each(['tril', 'triu'], () => [sq, 0]);
cases['resize'] = () => [v, [2, 3]];
cases['append'] = () => [v, v, 0];
cases['insert'] = () => [v, 1, 5, 0];
cases['delete'] = () => [v, 1, 0];
cases['block'] = () => [[m, m]];
cases['size'] = () => [m, 0];
cases['isscalar'] = () => [1];
cases['trimZeros'] = () => [ad.tensor([0, 1, 0]), 'fb'];
// indexing
each(['gather', 'takeAlongAxis'], () => [v, ints, 0, {}]);
each(['scatter', 'scatterAdd', 'putAlongAxis'], () => [v, ints, v, 0]);
cases['where'] = () => [ad.greater(v, 0.4), v, 0];
cases['clip'] = () => [v, 0, 1];
cases['oneHot'] = () => [ints, 3];
cases['diagflat'] = () => [v, 0];
cases['diag'] = () => [v, 0];
each(['diagonal', 'trace'], () => [sq, 0, 0, 1]);
each(['trilIndices', 'triuIndices'], () => [3, 0, 3]);
each(['trilIndicesFrom', 'triuIndicesFrom'], () => [sq, 0]);
cases['diagIndices'] = () => [3, 2];
cases['diagIndicesFrom'] = () => [sq];
cases['unravelIndex'] = () => [ints, [3], {}];
cases['ravelMultiIndex'] = () => [[ints], [3], {}];
each(['nonzero', 'argwhere', 'flatnonzero'], () => [v, {}]);
each(['partition', 'argpartition'], () => [v, 1, 0]);
cases['topk'] = () => [v, 2, 0, {}];
cases['select'] = () => [[ad.greater(v, 0.4)], [v], 0];
cases['piecewise'] = () => [v, [ad.greater(v, 0.4)], [(t: Tensor) => t, 0]];
cases['choose'] = () => [ints, [v, v, v], 'raise'];
cases['compress'] = () => [ad.tensor([1, 0, 1]), v, 0, {}];
cases['extract'] = () => [ad.tensor([1, 0, 1]), v, {}];
cases['fillDiagonal'] = () => [sq, 0, false, {}];
cases['put'] = () => [v, [0], 1, 'raise', {}];
cases['place'] = () => [v, ad.greater(v, 0.4), ad.tensor([9]), {}];
cases['lexsort'] = () => [[v, v], 0];
cases['maskIndices'] = () => [3, ad.triu, 0, {}];
// elementwise with parameters
cases['gelu'] = () => [v, {}];
each(['elu', 'celu'], () => [v, 1]);
cases['leakyRelu'] = () => [v, 0.1];
cases['hardTanh'] = () => [v, -1, 1];
each(['round', 'around'], () => [v, 1]);
cases['polygamma'] = () => [1, v];
cases['angle'] = () => [v, false];
cases['nanToNum'] = () => [v, {}];
each(['isclose', 'allclose'], () => [v, v, {}]);
cases['arrayEqual'] = () => [v, v, false];
// numerics
each(['trapezoid', 'trapz'], () => [v, undefined, 1, 0]);
each(['convolve', 'correlate'], () => [v, v, 'full']);
cases['diff'] = () => [v, 1, 0, {}];
cases['ediff1d'] = () => [v, v, v];
cases['gradient'] = () => [v, 1, {}];
cases['unwrap'] = () => [v, Math.PI, 0, {}];
cases['tensordot'] = () => [m, ad.transpose(m), 1];
cases['cross'] = () => [ad.tensor([1, 2, 3]), v, -1, -1, -1, -1];
cases['searchsorted'] = () => [v, v, {}];
cases['interp'] = () => [v, v, v, {}];
cases['polydiv'] = () => [v, ad.tensor([1, 2]), {}];
cases['polyder'] = () => [v, 1];
cases['polyint'] = () => [v, 1, 0];
cases['polyfit'] = () => [v, v, 1, {}];
cases['vander'] = () => [v, 3, false];
cases['histogram'] = () => [v, 3, {}];
cases['histogramBinEdges'] = () => [v, 3, {}];
cases['histogramdd'] = () => [ad.transpose(m), 2, {}];
cases['histogram2d'] = () => [v, v, 2, {}];
cases['bincount'] = () => [ints, {}];
cases['digitize'] = () => [v, v, false];
cases['isin'] = () => [v, v, {}];
cases['in1d'] = () => [v, v, false, false];
cases['unique'] = () => [v, {}];
each(['union1d', 'setdiff1d', 'setxor1d', 'intersect1d'], () => [v, v, {}]);
each(['segmentSum', 'segmentMean', 'segmentMax', 'segmentMin', 'segmentProd'], () => [v, ints, {}]);
cases['vectorize'] = () => [(t: Tensor) => t, {}];
// nn
cases['conv'] = () => [ad.ones([1, 1, 4, 4]), ad.ones([2, 1, 2, 2]), {}];
cases['convTranspose'] = () => [ad.ones([1, 1, 4, 4]), ad.ones([1, 2, 2, 2]), {}];
each(['maxPool', 'avgPool'], () => [ad.ones([1, 1, 4]), [2], {}]);
each(['adaptiveAvgPool', 'adaptiveMaxPool'], () => [ad.ones([1, 1, 4]), [2]]);
cases['layerNorm'] = () => [m, 3, {}];
cases['rmsNorm'] = () => [m, 3, {}];
cases['dropout'] = () => [key, v, 0.5];
cases['glu'] = () => [ad.tensor([1, 2, 3, 4]), -1];
cases['softmin'] = () => [m, 0];
cases['prelu'] = () => [m, ad.tensor([0.25])];
each(['hardShrink', 'softShrink'], () => [v, 0.5]);
cases['tanhShrink'] = () => [v];
cases['threshold'] = () => [v, 0.3, 0];
cases['normalize'] = () => [m, {}];
cases['cdist'] = () => [m, m, 2];
cases['dynamicSlice'] = () => [m, [0, 1], [1, 2]];
cases['dynamicUpdateSlice'] = () => [m, ad.ones([1, 2]), [0, 1]];
each(['pixelShuffle', 'pixelUnshuffle'], () => [ad.ones([4, 2, 2]), 2]);
cases['unfold'] = () => [ad.ones([1, 1, 3, 3]), 2, {}];
cases['fold'] = () => [ad.ones([1, 4, 4]), [3, 3], 2, {}];
cases['gumbelSoftmax'] = () => [key, v, {}];
cases['interpolate'] = () => [ad.ones([1, 1, 4]), { size: 2 }];
cases['crossEntropy'] = () => [m, ad.tensor([0, 2]), {}];
cases['nllLoss'] = () => [m, ad.tensor([0, 2]), {}];
each(['mseLoss', 'l1Loss', 'smoothL1Loss', 'binaryCrossEntropyWithLogits', 'klDiv'], () => [m, m, {}]);
each(['poissonNllLoss', 'binaryCrossEntropy', 'huberLoss', 'softMarginLoss', 'multilabelSoftMarginLoss', 'hingeEmbeddingLoss',
  'pairwiseDistance'], () => [v, v, {}]);
cases['gaussianNllLoss'] = () => [m, m, m, {}];
each(['marginRankingLoss', 'tripletMarginLoss'], () => [v, v, v, {}]);
cases['cosineEmbeddingLoss'] = () => [m, m, ad.tensor([1, -1]), {}];
cases['multiMarginLoss'] = () => [m, ad.tensor([0, 2]), {}];
cases['multilabelMarginLoss'] = () => [m, ad.tensor([[0, -1, 2], [1, 2, -1]]), {}];
each(['initializers.glorotUniform', 'initializers.glorotNormal', 'initializers.lecunUniform', 'initializers.lecunNormal',
  'initializers.heUniform', 'initializers.heNormal', 'initializers.xavierUniform', 'initializers.xavierNormal',
  'initializers.kaimingUniform', 'initializers.kaimingNormal'], () => [{}]);
cases['initializers.varianceScaling'] = () => [1, 'fan_in', 'normal', {}];
cases['initializers.normal'] = () => [0.1];
cases['initializers.uniform'] = () => [0.1];
cases['initializers.truncatedNormal'] = () => [0.1, -2, 2];
cases['initializers.constant'] = () => [3];
cases['initializers.orthogonal'] = () => [1, -1];
each(['initializers.zeros', 'initializers.ones'], () => [key, [2, 2]]);
cases['groupNorm'] = () => [ad.ones([2, 4, 3]), 2, {}];
cases['batchNorm'] = () => [m, null, null, { training: true }];
cases['dotProductAttention'] = () => [ad.ones([2, 1, 2]), ad.ones([2, 1, 2]), ad.ones([2, 1, 2]), {}];
cases['linear'] = () => [m, m, ad.tensor([1, 2])];
cases['bilinear'] = () => [m, m, ad.ones([4, 3, 3]), ad.ones([4])];
cases['embedding'] = () => [ints, ad.ones([3, 2]), {}];
cases['embeddingBag'] = () => [ints, ad.ones([3, 2]), { offsets: [0, 1] }];
cases['instanceNorm'] = () => [ad.ones([2, 4, 3]), {}];
cases['localResponseNorm'] = () => [ad.ones([2, 4, 3]), 2, {}];
cases['affineGrid'] = () => [ad.ones([1, 2, 3]), [1, 1, 2, 2], {}];
cases['gridSample'] = () => [ad.ones([1, 1, 2, 2]), ad.zeros([1, 2, 2, 2]), {}];
cases['pdist'] = () => [m, 2];
cases['channelShuffle'] = () => [ad.ones([1, 4, 2]), 2];
cases['maxUnpool'] = () => [ad.ones([1, 1, 2]), [[[0, 3]]], [2], {}];
const recurrentWeights = (g: number) => ({ weight_ih_l0: ad.zeros([g, 2]), weight_hh_l0: ad.zeros([g, 1]) });
cases['rnn'] = () => [ad.ones([3, 1, 2]), recurrentWeights(1), {}];
cases['gru'] = () => [ad.ones([3, 1, 2]), recurrentWeights(3), {}];
cases['lstm'] = () => [ad.ones([3, 1, 2]), recurrentWeights(4), {}];
each(['ctcLoss'], () => [logProbs, [1, 2], [5], [2], {}]);
// products
cases['chainMatmul'] = () => [[sq, sq]];
cases['chainProduct'] = () => [[v, v], ad.add, {}];
// transformations, loops, solvers
each(['grad', 'valueAndGrad', 'jacobian', 'jacfwd', 'jacrev', 'hessian'], () => [loss, { argnums: 0 }]);
cases['jvp'] = () => [ad.sin, [v], [v], {}];
cases['hvp'] = () => [loss, v, v];
cases['customVjp'] = () => [(t: Tensor) => ad.mul(t, 2), (g: Tensor) => [ad.mul(g, 2)], {}];
cases['checkpoint'] = () => [ad.sin, {}];
cases['customJvp'] = () => [ad.sin, (ps: Tensor[], ts: Tensor[]) => [ad.sin(ps[0]!), ad.mul(ad.cos(ps[0]!), ts[0]!)]];
cases['jit'] = () => [ad.sin, {}];
cases['vmap'] = () => [ad.sin, 0, 0];
cases['detectAnomalies'] = () => [() => ad.exp(v), {}];
cases['scan'] = () => [(h: Tensor) => [ad.tanh(h), h], v, null, { length: 2 }]; // the positional form (xs null), its four parameters
cases['whileLoop'] = () => [(h: Tensor) => ad.sum(h).item() < 3, (h: Tensor) => ad.add(h, 1), v, {}];
cases['foriLoop'] = () => [0, 2, (_i: number, c: Tensor) => ad.add(c, 1), v, {}];
cases['map'] = () => [(x: Tensor) => ad.square(x), v, {}];
cases['associativeScan'] = () => [ad.add, v, {}];
cases['odeint'] = () => [(y: Tensor) => ad.neg(y), v, ad.tensor([0, 0.1]), {}];
each(['checkGrad', 'assertGrad'], () => [loss, [v], { order: 1, modes: ['reverse'] }]);
each(['cg', 'minres', 'gmres'], () => [(u: Tensor) => ad.matmul(sq, u), v, {}]);
cases['argmin'] = () => [loss, ad.ones([3]), {}];
cases['root'] = () => [(t: Tensor) => ad.sub(t, 1), ad.zeros([3]), {}];
cases['profile'] = () => [() => ad.exp(v)];
cases['formatProfile'] = () => [ad.profile(() => ad.exp(v)).profile];
each(['memoryStats', 'resetPeakMemory', 'backendInfo'], () => []);
cases['config'] = () => [{}];

// ---- ad.linalg
each(['linalg.inv', 'linalg.det', 'linalg.slogdet', 'linalg.eigh', 'linalg.expm', 'linalg.eigvalsh', 'linalg.svdvals',
  'linalg.lu', 'linalg.luFactor', 'linalg.sqrtm', 'linalg.matrixTranspose'], () => [sq]);
each(['linalg.cholesky', 'linalg.qr', 'linalg.svd', 'linalg.pinv', 'linalg.matrixRank', 'linalg.hessenberg', 'linalg.choFactor'], () => [sq, {}]);
cases['linalg.solve'] = () => [sq, v];
cases['linalg.triangularSolve'] = () => [ad.tril(sq), v, { lower: true }];
cases['linalg.choleskySolve'] = () => [ad.linalg.cholesky(sq), v];
cases['linalg.norm'] = () => [sq, 'fro', [0, 1], false];
cases['linalg.vectorNorm'] = () => [v, 2, 0, false];
cases['linalg.matrixNorm'] = () => [sq, 'fro', [0, 1], false];
cases['linalg.cond'] = () => [sq, 2];
each(['linalg.trace', 'linalg.diagonal'], () => [sq, 0]);
cases['linalg.diag'] = () => [v, 0];
cases['linalg.lstsq'] = () => [sq, v, 1e-12];
cases['linalg.matrixPower'] = () => [sq, 2];
cases['linalg.multiDot'] = () => [[sq, sq]];
cases['linalg.expmFrechet'] = () => [sq, sq, {}];
cases['linalg.tensorsolve'] = () => [sq, v, undefined];
cases['linalg.tensorinv'] = () => [sq, 1];
cases['linalg.luSolve'] = () => [ad.linalg.luFactor(sq), v];
cases['linalg.toeplitz'] = () => [v, v];
cases['linalg.hilbert'] = () => [3];
cases['linalg.choSolve'] = () => [ad.linalg.choFactor(sq), v];
cases['linalg.polar'] = () => [sq, 'right'];
cases['linalg.schur'] = () => [sq, 'real'];
cases['linalg.solveSylvester'] = () => [sq, sq, sq];

// ---- ad.special
each(['special.lgamma', 'special.gammaln', 'special.digamma', 'special.erf', 'special.erfc', 'special.erfinv', 'special.i0',
  'special.i0e', 'special.i1', 'special.i1e', 'special.ndtr', 'special.logNdtr', 'special.entr', 'special.expit',
  'special.logit', 'special.ndtri', 'special.erfcinv', 'special.factorial', 'special.erfcx'], () => [v]);
each(['special.xlogy', 'special.xlog1py', 'special.relEntr', 'special.klDiv', 'special.betaln'], () => [v, v]);
each(['special.gammainc', 'special.gammaincc'], () => [2, v]);
cases['special.polygamma'] = () => [1, v];
cases['special.multigammaln'] = () => [ad.tensor([3, 4]), 2];
cases['special.betainc'] = () => [2, 3, v];
cases['special.zeta'] = () => [ad.tensor([2, 3]), 1];
cases['special.logsumexp'] = () => [m, 0, {}];
each(['special.gamma', 'special.gammasgn', 'special.expi', 'special.exp1', 'special.spence', 'special.fresnel'], () => [v]);
each(['special.beta', 'special.poch'], () => [v, v]);
cases['special.expn'] = () => [2, v];
cases['special.bernoulli'] = () => [4];
cases['special.hyp1f1'] = () => [1, 2, v];
cases['special.besselJn'] = () => [v, {}];
cases['special.lpmn'] = () => [2, 2, v];
cases['special.lpmnValues'] = () => [2, 2, v, true];
each(['special.softmax', 'special.logSoftmax'], () => [m, 0]);

// ---- ad.stats
const dists = (names: readonly string[], fns: readonly string[], args: Args) => {
  const stats = ad.stats as unknown as Record<string, Record<string, unknown>>;
  for (const d of names) for (const f of fns) if (stats[d]![f] !== undefined) cases[`stats.${d}.${f}`] = args;
};
dists(['norm', 'expon', 'laplace', 'logistic', 'cauchy', 'uniform', 'gumbelR', 'gumbelL'], ['logpdf', 'pdf', 'cdf', 'logcdf', 'sf', 'logsf', 'ppf', 'isf'], () => [v, 0, 1]);
dists(['beta'], ['logpdf', 'pdf', 'cdf', 'logcdf', 'sf', 'logsf'], () => [v, 2, 3, 0, 1]);
dists(['truncnorm'], ['logpdf', 'pdf', 'cdf', 'logcdf', 'sf', 'logsf', 'ppf'], () => [v, -1, 1, 0, 1]);
cases['stats.truncnorm.logGaussMass'] = () => [ad.scalar(-1), ad.scalar(1)];
dists(['gamma', 'chi2'], ['logpdf', 'pdf', 'cdf', 'logcdf', 'sf', 'logsf'], () => [v, 2, 0, 1]);
dists(['lognorm'], ['logpdf', 'pdf', 'cdf', 'logcdf', 'sf', 'logsf', 'ppf'], () => [v, 0.5, 0, 1]);
dists(['t'], ['logpdf', 'pdf'], () => [v, 3, 0, 1]);
dists(['pareto'], ['logpdf', 'pdf'], () => [ad.tensor([1.5, 2]), 2, 0, 1]);
dists(['gennorm'], ['logpdf', 'pdf', 'cdf'], () => [v, 2]);
dists(['vonmises'], ['logpdf', 'pdf'], () => [v, 1]);
dists(['wrapcauchy'], ['logpdf', 'pdf'], () => [v, 0.5]);
dists(['dirichlet'], ['logpdf', 'pdf'], () => [ad.tensor([0.2, 0.3, 0.5]), ad.tensor([1, 2, 3])]);
dists(['multivariateNormal'], ['logpdf', 'pdf'], () => [v, v, sq]);
dists(['poisson'], ['logpmf', 'pmf', 'cdf'], () => [ints, 2, 0]);
dists(['bernoulli', 'geom'], ['logpmf', 'pmf', 'cdf', 'ppf'], () => [ad.tensor([0, 1, 1]), 0.5, 0]);
dists(['binom', 'nbinom'], ['logpmf', 'pmf'], () => [ints, 3, 0.5, 0]);
dists(['betabinom'], ['logpmf', 'pmf'], () => [ints, 3, 2, 2, 0]);
dists(['multinomial'], ['logpmf', 'pmf'], () => [ad.tensor([1, 2, 0]), 3, ad.tensor([0.2, 0.3, 0.5])]);
cases['stats.mode'] = () => [m, 0, {}];
cases['stats.sem'] = () => [m, 0, {}];
cases['stats.gaussianKde'] = () => [ad.tensor([1, 2, 4]), {}];
cases['stats.rankdata'] = () => [v, 'average', {}];

// ---- ad.random
const r = (name: string, args: Args) => { cases[`random.${name}`] = args; };
each(['random.uniform', 'random.normal', 'random.laplace', 'random.logistic', 'random.cauchy'], () => [key, [2], 0, 1]);
each(['random.gumbel', 'random.bits', 'random.rademacher', 'random.maxwell'], () => [key, [2]]);
r('wrapKeyData', () => [[0, 1]]);
r('threefry2x32', () => [key, [0, 1]]);
r('key', () => [0]);
r('PRNGKey', () => [0]);
r('clone', () => [key]);
r('split', () => [key, 2]);
r('foldIn', () => [key, 1]);
r('keyData', () => [key]);
r('bernoulli', () => [key, 0.5, [2]]);
r('categorical', () => [key, v, {}]);
r('randint', () => [key, [2], 0, 5]);
r('permutation', () => [key, v, 0, false]);
r('truncatedNormal', () => [key, -1, 1, [2]]);
r('multivariateNormal', () => [key, v, sq, [2], {}]);
r('exponential', () => [key, [2], 1]);
each(['random.gamma', 'random.loggamma', 'random.chisquare', 'random.t', 'random.poisson', 'random.pareto', 'random.rayleigh',
  'random.lognormal', 'random.wald', 'random.generalizedNormal'], () => [key, 2, [2]]);
r('geometric', () => [key, 0.5, [2]]);
r('beta', () => [key, 2, 3, [2]]);
r('f', () => [key, 3, 4, [2]]);
r('weibullMin', () => [key, 1, 2, [2]]);
r('doubleSidedMaxwell', () => [key, 0, 1, [2]]);
r('binomial', () => [key, 5, 0.5, [2]]);
r('multinomial', () => [key, 5, ad.tensor([0.2, 0.3, 0.5]), [2]]);
r('dirichlet', () => [key, ad.tensor([1, 2, 3]), [2]]);
r('choice', () => [key, 5, [2], {}]);
r('triangular', () => [key, 0, 0.5, 1, [2]]);
r('ball', () => [key, 3, 2, [2]]);
r('orthogonal', () => [key, 3, [2], 3]);

// ---- ad.losses
each(['losses.l2Loss', 'losses.squaredError', 'losses.logCosh', 'losses.softmaxCrossEntropy', 'losses.sigmoidBinaryCrossEntropy',
  'losses.hingeLoss', 'losses.klDivergenceWithLogTargets'], () => [v, v]);
cases['losses.klDivergence'] = () => [ad.log(v), v];
cases['losses.huberLoss'] = () => [v, v, 1];
cases['losses.softmaxCrossEntropyWithIntegerLabels'] = () => [m, ad.tensor([0, 2])];
each(['losses.sigmoidFocalLoss', 'losses.cosineSimilarity', 'losses.cosineDistance'], () => [v, v, {}]);
cases['losses.smoothLabels'] = () => [v, 0.1];
cases['losses.ctcLoss'] = () => [logProbs, [1, 2], [5], [2], {}];

// ---- ad.optimizers (the factories; their objects' methods are below)
const adamLike = ['adam', 'adamax', 'adamw', 'adabelief', 'nadam', 'amsgrad', 'radam', 'lamb', 'lion', 'rmsprop', 'adagrad', 'sgd', 'momentum'];
each(adamLike.map((n) => `optimizers.${n}`), () => [{ lr: 0.1 }]);
each(['optimizers.clip', 'optimizers.addDecayedWeights'], () => [1]);
cases['optimizers.clipByGlobalNorm'] = () => [1, {}];
cases['optimizers.reversibleMomentum'] = () => [(p: Tensor) => loss(p), v, { steps: 2, lr: 0.1 }];
cases['optimizers.schedules.constant'] = () => [1];
cases['optimizers.schedules.polynomial'] = () => [{ initValue: 1, endValue: 0, transitionSteps: 10 }];
cases['optimizers.schedules.linear'] = () => [{ initValue: 1, endValue: 0, transitionSteps: 10 }];
cases['optimizers.schedules.exponentialDecay'] = () => [{ initValue: 1, transitionSteps: 10, decayRate: 0.5 }];
cases['optimizers.schedules.cosineDecay'] = () => [{ initValue: 1, decaySteps: 10 }];
cases['optimizers.schedules.warmupCosineDecay'] = () => [{ initValue: 0, peakValue: 1, warmupSteps: 2, decaySteps: 10 }];
cases['optimizers.schedules.piecewiseConstant'] = () => [{ initValue: 1 }];
cases['optimizers.schedules.join'] = () => [[ad.optimizers.schedules.constant(1), ad.optimizers.schedules.constant(2)], [5]];

// ---- ad.tree, ad.onnx, ad.semirings
cases['tree.leaves'] = () => [{ a: v }];
cases['tree.flatten'] = () => [{ a: v }];
cases['tree.structure'] = () => [{ a: v }];
cases['tree.unflatten'] = () => [ad.tree.structure({ a: v }), [v]];
cases['tree.reduce'] = () => [(acc: Tensor, leaf: Tensor) => ad.add(acc, ad.sum(leaf)), { a: v }, 0];
cases['tree.leavesWithPath'] = () => [{ a: v }];
cases['tree.flattenWithPath'] = () => [{ a: v }];
cases['tree.keystr'] = () => [['a', 0]];
cases['tree.registerPytreeNode'] = () => [class Node {}, () => [[], null], () => ({})];
cases['tree.registerDataclass'] = () => [class Record {}, [], []];
cases['onnx.exportModel'] = () => [ad.exp, [v], {}];
cases['onnx.importModel'] = () => [ad.onnx.exportModel(ad.exp, [v])];
cases['semirings.kmax'] = () => [2];

// ---- the structured models' (and SignedLog's, PairwiseMRF's) methods, on small instances
const E = ad.tensor([[0.1, 0.4], [0.3, -0.2], [0.5, 0.1]]);
const T2 = ad.tensor([[0.2, -0.1], [0.3, 0.05]]);
const leaf = (i: number) => ({ label: 0, start: i, end: i + 1 });
const tree3 = { label: 0, start: 0, end: 3, children: [leaf(0), { label: 0, start: 1, end: 3, children: [leaf(1), leaf(2)] }] };
const models: Record<string, { make: () => object; given: unknown; ctor: unknown[] }> = {
  LinearChainCRF: { make: () => new ad.LinearChainCRF({ emissions: E, transitions: T2 }), given: [0, 1, 0], ctor: [{ emissions: E, transitions: T2 }] },
  HigherOrderCRF: { make: () => new ad.HigherOrderCRF({ emissions: E, transitions: ad.zeros([2, 2, 2]) }), given: [0, 1, 0], ctor: [{ emissions: E, transitions: ad.zeros([2, 2, 2]) }] },
  VariableOrderCRF: { make: () => new ad.VariableOrderCRF({ emissions: E, contexts: [[0, 1], [1]], weights: ad.zeros([2]) }), given: [0, 1, 0], ctor: [{ emissions: E, contexts: [[0, 1], [1]], weights: ad.zeros([2]) }] },
  PCFG: { make: () => new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]) }), given: tree3, ctor: [{ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]) }] },
  TreeCRF: { make: () => new ad.TreeCRF({ spans: ad.zeros([3, 3, 2]) }), given: tree3, ctor: [{ spans: ad.zeros([3, 3, 2]) }] },
  SemiMarkovCRF: { make: () => new ad.SemiMarkovCRF({ segments: ad.zeros([3, 2, 2]), transitions: T2 }), given: [{ label: 0, start: 0, end: 1 }, { label: 1, start: 1, end: 3 }], ctor: [{ segments: ad.zeros([3, 2, 2]), transitions: T2 }] },
  DependencyCRF: { make: () => new ad.DependencyCRF({ arcScores: ad.zeros([4, 4]), projective: true }), given: [0, 1, 1], ctor: [{ arcScores: ad.zeros([4, 4]), projective: true }] },
  Alignment: { make: () => new ad.Alignment({ scores: E }), given: [0, 0, 1], ctor: [{ scores: E }] },
};
for (const [name, model] of Object.entries(models)) {
  cases[`new ${name}`] = () => model.ctor;
  for (const method of ['logPartition', 'entropy', 'marginals', 'argmax']) cases[`${name}#${method}`] = () => [];
  cases[`${name}#sum`] = () => [ad.semirings.log];
  cases[`${name}#topk`] = () => [2];
  cases[`${name}#sample`] = () => [2, 0];
  cases[`${name}#crossEntropy`] = () => [model.make()];
  cases[`${name}#kl`] = () => [model.make()];
  cases[`${name}#score`] = () => [model.given];
  cases[`${name}#logProbability`] = () => [model.given];
}
const hmmOptions = { initial: ad.log(ad.tensor([0.6, 0.4])), transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])), emission: ad.log(ad.tensor([[0.5, 0.5], [0.1, 0.9]])) };
cases['new HMM'] = () => [hmmOptions];
each(['HMM#posterior', 'HMM#logLikelihood', 'HMM#expectedCounts', 'HMM#emStep', 'HMM#viterbi'], () => [[0, 1, 1]]);
cases['HMM#topk'] = () => [[0, 1, 1], 2];
cases['HMM#sample'] = () => [[0, 1, 1], 2, 0];
cases['HMM#logJoint'] = () => [[0, 1, 0], [0, 1, 1]];
const mrfOptions = { unary: ad.tensor([[0, 1], [1, 0], [0.5, 0]]), edges: [[0, 1], [1, 2]], pairwise: ad.tensor([[0.3, 0], [0, 0.3]]) };
cases['new PairwiseMRF'] = () => [mrfOptions];
each(['PairwiseMRF#beliefs', 'PairwiseMRF#logPartition'], () => [{}]);
cases['PairwiseMRF#score'] = () => [[0, 1, 0]];
cases['PairwiseMRF#surrogateLogLikelihood'] = () => [[0, 1, 0], {}];
cases['new SignedLog'] = () => [ad.tensor([1, -1]), ad.tensor([0.5, 2])];
each(['SignedLog#toTensor', 'SignedLog#neg'], () => []);
each(['SignedLog#mul', 'SignedLog#div', 'SignedLog#add', 'SignedLog#sub'], () => [v.slice([0], [2])]);
each(['SignedLog#sum', 'SignedLog#prod'], () => [0, false]);

/** What each model method is called on. */
const receivers: Record<string, () => object> = {
  ...Object.fromEntries(Object.entries(models).map(([n, mdl]) => [n, mdl.make])),
  HMM: () => new ad.HMM(hmmOptions),
  PairwiseMRF: () => new ad.PairwiseMRF(mrfOptions),
  SignedLog: () => new ad.SignedLog(ad.tensor([1, -1]), ad.tensor([0.5, 2])),
};

/**
 * Variadic by design: the last parameter takes any number of arguments, so none is extra.
 * (tree.map's trees, einsum's operands, cond's and switch's operands, vjp's primals, …)
 */
const variadic: Record<string, string> = {
  at: 'at(x, ...indices): one index per leading axis of x (jnp\'s x.at[i, j, …]); its methods refuse extra arguments (test/indexUpdate.test.ts)',
  einsum: 'einsum(spec, ...operands, options?): one operand per term of the spec (a wrong count is an error of its own)',
  einsumPath: 'einsumPath(spec, ...operands, options?): one operand per term of the spec, as einsum',
  'tree.map': 'tree.map(fn, tree, ...rest): any number of trees of the same structure',
  'tree.mapWithPath': 'tree.mapWithPath(fn, tree, ...rest): any number of trees of the same structure, as tree.map',
  vjp: 'vjp(f, ...primals): one primal per argument of f',
  vjpWithAux: 'vjpWithAux(f, ...primals): one primal per argument of f',
  linearize: 'linearize(f, ...primals): one primal per argument of f',
  linearizeWithAux: 'linearizeWithAux(f, ...primals): one primal per argument of f',
  linearTranspose: 'linearTranspose(f, ...primals): one primal per argument of f',
  cond: 'cond(pred, trueFn, falseFn, ...operands): the operands passed to the branch',
  switch: 'switch(index, branches, ...operands): the operands passed to the branch',
  applyAlongAxis: 'applyAlongAxis(func1d, axis, arr, ...args): the extra arguments passed to func1d',
  atleast1d: 'atleast1d(...xs): any number of arrays (NumPy\'s *arys)',
  atleast2d: 'atleast2d(...xs): any number of arrays (NumPy\'s *arys)',
  atleast3d: 'atleast3d(...xs): any number of arrays (NumPy\'s *arys)',
  meshgrid: 'meshgrid(...xs, options?): any number of coordinate vectors',
  broadcastArrays: 'broadcastArrays(...xs): any number of arrays',
  broadcastShapes: 'broadcastShapes(...shapes): any number of shapes',
  ix_: 'ix_(...sequences): any number of index sequences',
  'linalg.blockDiag': 'linalg.blockDiag(...arrays): any number of blocks',
  'optimizers.chain': 'optimizers.chain(...transforms, optimizer): any number of gradient transforms',
};

/** Declared with a trailing `...extra` that they refuse themselves (tested as the others). */
const restRefused = new Set(['foriLoop', 'associativeScan', 'map']);

/** Declared functions left out, and why. */
const outOfScope: Record<string, string> = {
  ...Object.fromEntries(['log', 'max', 'argmax', 'real', 'entropy'].flatMap((r) => ['convert', 'unconvert', 'times', 'plus', 'sum', 'one'].map((f) => [
    `semirings.${r}.${f}`,
    "a Semiring's operations: the interface the dynamic programs call in their inner loops (and users' own semirings implement), not checked there",
  ]))),
  'Key#toString': "a JavaScript object's toString",
  'new random.Key': 'made by random.key (the constructor takes the two words)',
  'new Tensor': 'made by ad.tensor and the ops (the constructor is the library\'s own)',
};

// ---- The declared surface: each function's path and its largest number of parameters.
interface Declared { arity: number; rest: boolean }

function readDeclarations(): Map<string, Declared> {
  const program = ts.createProgram([srcIndex], {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    strict: true, noEmit: true, skipLibCheck: true, types: [],
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(srcIndex)!;
  const out = new Map<string, Declared>();
  const internal = (d: ts.Node | undefined) => d !== undefined && ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal');
  const hidden = (s: ts.Symbol) => (s.declarations ?? []).some((d) => internal(d) ||
    (ts.getCombinedModifierFlags(d as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) ||
    s.name.startsWith('__@') || s.name.startsWith('#');
  const record = (path: string, signatures: readonly ts.Signature[]) => {
    if (signatures.length === 0) return;
    let arity = 0, rest = false;
    for (const sig of signatures) {
      const params = sig.getParameters();
      const last = params[params.length - 1]?.valueDeclaration;
      const isRest = last !== undefined && ts.isParameter(last) && last.dotDotDotToken !== undefined;
      rest ||= isRest;
      arity = Math.max(arity, params.length - (isRest ? 1 : 0));
    }
    out.set(path, { arity, rest });
  };
  const visit = (symbol: ts.Symbol, path: string, depth: number) => {
    const s = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (hidden(s)) return;
    const type = checker.getTypeOfSymbolAtLocation(s, file);
    if (s.flags & ts.SymbolFlags.Class) {
      if (/Error$/.test(path)) return; // the error classes: Error's constructor
      record(`new ${path}`, type.getConstructSignatures());
      for (const p of checker.getDeclaredTypeOfSymbol(s).getProperties()) {
        if (hidden(p)) continue;
        record(`${path.replace(/^.*\./, '')}#${p.name}`, checker.getTypeOfSymbolAtLocation(p, file).getCallSignatures());
      }
      return;
    }
    record(path, type.getCallSignatures());
    if (depth < 3 && type.getCallSignatures().length === 0 && (type.flags & ts.TypeFlags.Object) && !checker.isArrayType(type)) {
      for (const p of type.getProperties()) visit(p, `${path}.${p.name}`, depth + 1);
    }
  };
  const moduleSymbol = checker.getSymbolAtLocation(file)!;
  const typeOnly = (s: ts.Symbol) => (s.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
  for (const s of checker.getExportsOfModule(moduleSymbol)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    if (!typeOnly(s) && (target.flags & ts.SymbolFlags.Value)) visit(s, s.name, 0);
  }
  return out;
}

// ---- Calling a path
function resolve(path: string): { call: (args: unknown[]) => unknown; names: string[] } {
  if (path.startsWith('new ')) {
    const name = path.slice(4);
    const C = (ad as unknown as Record<string, new (...a: unknown[]) => unknown>)[name]!;
    return { call: (args) => new C(...args), names: [name] };
  }
  if (path.includes('#')) {
    const [cls, method] = path.split('#') as [string, string];
    if (cls === 'Tensor') return { call: (args) => (args[0] as Record<string, (...a: unknown[]) => unknown>)[method]!(...args.slice(1)), names: [method] };
    return {
      call: (args) => { const o = receivers[cls]!() as Record<string, (...a: unknown[]) => unknown>; return o[method]!(...args); },
      names: [`${cls}.${method}`],
    };
  }
  const parts = path.split('.');
  const fn = parts.reduce<any>((o, k) => o[k], ad) as (...a: unknown[]) => unknown;
  const owner = parts.slice(0, -1).reduce<any>((o, k) => o[k], ad);
  return { call: (args) => fn.apply(owner, args), names: namesOf(fn, path) };
}

/** The names an error may give `fn` by: its own (`stats.norm.pdf`, `linalg.solve`, `sum`) and those of the ops it is an alias of (`remainder` is `mod`). */
function namesOf(fn: unknown, path: string): string[] {
  const names = new Set<string>([shortName(path)]);
  const walk = (o: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [k, val] of Object.entries(o)) {
      if (val === fn) names.add(shortName(prefix + k));
      else if (depth < 2 && val !== null && typeof val === 'object' && !(val instanceof ad.Tensor) && !Array.isArray(val)) walk(val as Record<string, unknown>, `${prefix}${k}.`, depth + 1);
    }
  };
  walk(ad as unknown as Record<string, unknown>, '', 0);
  return [...names];
}
const shortName = (path: string) => (path.startsWith('stats.') ? path.slice(6) : path.replace(/^(random|losses|tree|onnx|semirings|optimizers|special)\./, ''));

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectRefused(path: string, args: unknown[], extra: unknown): void {
  const { call, names } = resolve(path);
  const e = thrown(() => call([...args, extra]));
  const what = `${path}(…, ${extra === 7 ? '7' : '{}'})`;
  expect(e, `${what} threw nothing`).toBeInstanceOf(ad.AdjointError);
  const message = (e as Error).message;
  expect(names.some((n) => message.includes(n)), `${what}: '${message}' names none of ${names.join(', ')}`).toBe(true);
  expect(message, what).toMatch(/would be ignored/);
}

describe('every public function refuses arguments past its signature', () => {
  it('the table covers the declared surface, with the declared number of arguments', () => {
    const declared = readDeclarations();
    expect(declared.size).toBeGreaterThan(900);
    const missing = [...declared.keys()].filter((p) => !(p in cases) && !(p in variadic) && !(p in outOfScope) && !p.startsWith('Tensor#'));
    expect(missing, 'declared functions without a row').toEqual([]);
    const stale = Object.keys(cases).filter((p) => !declared.has(p));
    expect(stale, 'rows for functions that are not declared').toEqual([]);
    for (const [path, args] of Object.entries(cases)) {
      expect(args().length, `${path}: a row must give every declared parameter`).toBe(declared.get(path)!.arity);
    }
    const undeclaredVariadic = [...declared].filter(([p, d]) => d.rest && !(p in variadic) && !restRefused.has(p)).map(([p]) => p);
    expect(undeclaredVariadic, 'functions with a rest parameter must be listed as variadic').toEqual([]);
  });

  it('each row is a valid call', () => {
    const failures: string[] = [];
    for (const [path, args] of Object.entries(cases)) {
      const e = thrown(() => resolve(path).call(args()));
      if (e !== undefined) failures.push(`${path}: ${(e as Error).message}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(Object.keys(cases))('%s', (path) => {
    expectRefused(path, cases[path]!(), 7);
    expectRefused(path, cases[path]!(), {});
  });
});

describe('Tensor methods forward to their ops, and refuse the same', () => {
  const methodArgs = (name: string): unknown[] => {
    if (name === 'where') return [v, 0];
    if (name === 'flatten') return [];
    const args = cases[name];
    if (args === undefined) throw new Error(`Tensor method ${name} has no op row`);
    return args().slice(1);
  };
  const receiver = (name: string) => (['where'].includes(name) ? ad.greater(v, 0.4) : (cases[name]?.()[0] ?? m)) as Tensor;

  it.each([...ad.tensorMethodNames])('x.%s', (name) => {
    const x = receiver(name);
    const run = (extra: unknown[]) => (x as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...methodArgs(name), ...extra);
    expect(thrown(() => run([]))).toBeUndefined();
    for (const extra of [7, {}]) {
      const e = thrown(() => run([extra]));
      expect(e, `x.${name}(…, ${String(extra)}) threw nothing`).toBeInstanceOf(ad.AdjointError);
      expect((e as Error).message).toMatch(/would be ignored/);
    }
  });
});

describe("the optimizers' and gradient transforms' methods refuse them too", () => {
  type Opt = { init(p: unknown, ...e: unknown[]): unknown; step(p: unknown, g: unknown, s: unknown, ...e: unknown[]): unknown };
  type Transform = { init(p: unknown, ...e: unknown[]): unknown; update(g: unknown, s: unknown, p: unknown, c: unknown, ...e: unknown[]): unknown };
  const opts = ad.optimizers as unknown as Record<string, (...a: unknown[]) => unknown>;
  const made: Array<[string, () => Opt]> = [
    ...adamLike.map((n): [string, () => Opt] => [n, () => opts[n]!({ lr: 0.1 }) as Opt]),
    ['chain', () => ad.optimizers.chain(ad.optimizers.clip(1), ad.optimizers.sgd({ lr: 0.1 })) as unknown as Opt],
  ];
  it.each(made)('optimizers.%s(…).init and .step', (name, make) => {
    const opt = make();
    const state = opt.init(v);
    expect(thrown(() => opt.step(v, v, state))).toBeUndefined();
    for (const extra of [7, {}]) {
      for (const [method, run] of [['init', () => opt.init(v, extra)], ['step', () => opt.step(v, v, state, extra)]] as const) {
        const e = thrown(run);
        expect(e, `${name}.${method}(…, ${String(extra)}) threw nothing`).toBeInstanceOf(ad.AdjointError);
        expect((e as Error).message).toMatch(new RegExp(`optimizers\\.${name}\\.${method}: .*would be ignored`));
      }
    }
  });
  it.each(['clip', 'clipByGlobalNorm', 'addDecayedWeights'])('optimizers.%s(…).init and .update', (name) => {
    const t = opts[name]!(1) as Transform;
    const state = t.init(v);
    expect(thrown(() => t.update(v, state, v, ad.scalar(0)))).toBeUndefined();
    for (const extra of [7, {}]) {
      for (const [method, run] of [['init', () => t.init(v, extra)], ['update', () => t.update(v, state, v, ad.scalar(0), extra)]] as const) {
        const e = thrown(run);
        expect(e, `${name}.${method}(…, ${String(extra)}) threw nothing`).toBeInstanceOf(ad.AdjointError);
        expect((e as Error).message).toMatch(new RegExp(`optimizers\\.${name}\\.${method}: .*would be ignored`));
      }
    }
  });
});

describe("an Array method's index and array still pass", () => {
  const arr = (t: Tensor) => Array.from(t.toFloat64Array());
  it('xs.map(op), xs.reduce(op), xs.forEach(op)', () => {
    const xs = [v, ad.mul(v, 2)];
    expect(xs.map(ad.exp).map(arr)).toEqual(xs.map((t) => arr(ad.exp(t))));
    expect(arr(xs.reduce(ad.add))).toEqual(arr(ad.add(xs[0]!, xs[1]!)));
    expect(arr([v, v, v].reduce(ad.maximum))).toEqual(arr(v));
    expect(xs.map(ad.stopGradient).length).toBe(2);
    expect(xs.map(ad.special.ndtr).length).toBe(2);
    expect([sq].map(ad.linalg.qr as (a: Tensor) => { r: Tensor })[0]!.r.shape).toEqual([3, 3]);
    expect([sq].map(ad.linalg.inv)[0]!.shape).toEqual([3, 3]);
    xs.forEach(ad.tanh);
  });
  it('the message names the op, its signature and the argument; extras that are all undefined pass', () => {
    expect(() => (ad.softplus as (...a: unknown[]) => Tensor)(v, 2)).toThrow(/^softplus: takes softplus\(x, options\?\); got 1 more argument, number 2, which would be ignored\.$/);
    expect(() => (ad.sum as (...a: unknown[]) => Tensor)(m, 0, false, 5)).toThrow(/^sum: takes sum\(x, axis\?, keepdims\?\); got 1 more argument, number 5, which would be ignored\.$/);
    expect(() => (ad.linalg.eigh as (...a: unknown[]) => unknown)(sq, 0, 1)).toThrow(/^linalg\.eigh: takes linalg\.eigh\(a\); got 2 more arguments, among them number 0, which would be ignored\.$/);
    expect(() => (ad.add as (...a: unknown[]) => Tensor)(v, v, v)).toThrow(ad.InvalidArgumentError);
    expect(Array.from((ad.exp as (...a: unknown[]) => Tensor)(v, undefined).toFloat64Array())).toEqual(Array.from(ad.exp(v).toFloat64Array()));
    expect((ad.sum as (...a: unknown[]) => Tensor)(m, 0, false, undefined, undefined).shape).toEqual([3]);
  });
  it('but an index with an array that does not hold the argument at it is extra', () => {
    expect(() => (ad.exp as (...a: unknown[]) => Tensor)(v, 0, [m])).toThrow(/exp: .*would be ignored/);
    expect(() => (ad.add as (...a: unknown[]) => Tensor)(v, v, 0)).toThrow(/add: .*would be ignored/);
  });
});
