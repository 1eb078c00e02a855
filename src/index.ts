/** @file The public surface of adjoint, and nothing else. */
import './core/libraryFrames.js'; // first: marks where the library's code starts (see there)
export { Tensor } from './tensor/tensor.js';
export type { NestedArray, ReadonlyFloat64Array } from './tensor/tensor.js';
export { tensor, scalar, zeros, ones, full, eye, arange } from './tensor/create.js';
export { linspace } from './ops/spaces.js';
export type { LinspaceOptions } from './ops/spaces.js';
export type { TensorLike, TensorInput } from './tensor/create.js';
export type { Shape } from './tensor/shape.js';
export * as random from './random/index.js';
export * as tree from './tree/index.js';

export {
  add, sub, mul, div, pow, maximum, minimum, greater, greaterEqual, less, lessEqual, equal, notEqual,
} from './ops/binary.js';
export {
  neg, exp, log, log1p, expm1, sqrt, square, abs, sign, sin, cos, tanh, sigmoid, softplus, relu, reciprocal,
} from './ops/unary.js';
export type { SoftplusOptions } from './ops/unary.js';
export { clip, stopGradient } from './ops/select.js';
export { where } from './ops/whereApi.js';
export { sum, mean, checkedMax as max, checkedMin as min, logsumexp, softmax, logSoftmax, cumsum } from './ops/reduce.js';
export type { Axis } from './ops/reduce.js';
export {
  reshape, transpose, squeeze, expandDims, broadcastTo, concat, stack, slice, take,
} from './ops/shape.js';
export { matmul, dot, outer } from './ops/linalg.js';
export { lgamma, digamma, polygamma, erf, erfc, erfinv } from './ops/special.js';
export { tan, asin, acos, atan, atan2, sinh, cosh, asinh, acosh, atanh, hypot } from './ops/trig.js';
export { logaddexp, logSigmoid, xlogy } from './ops/logspace.js';
export { logMatmul } from './ops/logMatmul.js';
export {
  gelu, silu, swish, elu, selu, celu, mish, leakyRelu, softsign, hardTanh, hardSigmoid, hardSwish, hardSilu, relu6, logit,
} from './ops/activations.js';
export type { GeluOptions } from './ops/activations.js';
export { floor, ceil, round, trunc, mod, fmod } from './ops/rounding.js';
export { isnan, isinf, isfinite, logicalAnd, logicalOr, logicalXor, logicalNot } from './ops/predicates.js';
export { log2, log10, exp2 } from './ops/logBases.js';
export { zerosLike, onesLike, fullLike, diff, split, oneHot, kron } from './ops/arrayHelpers.js';
export type { DiffOptions } from './ops/arrayHelpers.js';
export { variance, std } from './ops/moments.js';
export type { MomentOptions } from './ops/moments.js';
export type { Mask, MaskOptions, ReduceOptions } from './ops/reductionOptions.js';
export type { LogsumexpOptions } from './ops/logsumexpOptions.js';
export { all, any, countNonzero, ptp, average, cov, corrcoef } from './ops/statistics.js';
export type { AverageOptions, CovOptions } from './ops/statistics.js';
export { median, quantile, percentile, nanmedian, nanquantile, nanpercentile } from './ops/quantiles.js';
export type { QuantileMethod, QuantileOptions } from './ops/quantiles.js';
export { nansum, nanmean, nanmax, nanmin, nanvar, nanstd } from './ops/nanReductions.js';
export { cummax, cummin, cumlogsumexp } from './ops/cumulative.js';
export type { CumulativeOptions } from './ops/cumulative.js';
export {
  moveaxis, swapaxes, ravel, atleast1d, atleast2d, atleast3d, vstack, hstack, dstack, columnStack, meshgrid,
} from './ops/layout.js';
export type { MeshgridOptions } from './ops/layout.js';
export { tensordot, inner, vdot, cross, trapezoid } from './ops/contractions.js';
export type { TensordotAxes } from './ops/contractions.js';
export {
  cbrt, signbit, copysign, sinc, deg2rad, rad2deg, heaviside, logaddexp2, isclose, allclose,
} from './ops/elementwiseExtras.js';
export type { CloseOptions } from './ops/elementwiseExtras.js';
export { searchsorted, interp, polyval, convolve, correlate } from './ops/interpolation.js';
export type { SearchsortedOptions, InterpOptions, ConvolveMode } from './ops/interpolation.js';
export {
  rot90, fliplr, flipud, nanToNum, floorDivide, frexp, ldexp, nextafter, gcd, lcm, logspace, geomspace, diagflat, identity,
  arraySplit, hsplit, vsplit, dsplit, append, insert, deleteEntries as delete,
} from './ops/numpyBreadth.js';
export type { NanToNumOptions, LogspaceOptions } from './ops/numpyBreadth.js';
export {
  unravelIndex, ravelMultiIndex, trilIndices, triuIndices, trilIndicesFrom, triuIndicesFrom, diagIndices, diagIndicesFrom,
} from './ops/numpyIndices.js';
export type { UnravelOptions, RavelOptions } from './ops/numpyIndices.js';
export { histogram, bincount, digitize, isin, lexsort } from './ops/numpyCounting.js';
export type { HistogramOptions, BincountOptions, IsinOptions } from './ops/numpyCounting.js';
export { nonzero, argwhere, flatnonzero, unique } from './ops/numpyPositions.js';
export type { NonzeroOptions, UniqueOptions, UniqueResult } from './ops/numpyPositions.js';
export { uniqueValues, uniqueCounts, uniqueInverse, uniqueAll, type UniqueSizeOptions, type UniqueAllResult } from './ops/numpyUniqueApi.js';
export {
  diagonal, trace, fmax, fmin, divmod, modf, fix, rint, positive, floatPower, isposinf, isneginf, arrayEqual, arrayEquiv,
  broadcastArrays, broadcastShapes, indices, tri, rollaxis,
} from './ops/numpyMore.js';
export { mod as remainder } from './ops/rounding.js';
export { nanprod, nancumsum, nancumprod, nanMaxIndex, nanMinIndex } from './ops/numpyNanCumulative.js';
export { cumulativeSum, cumulativeProd, type RunningOptions } from './ops/numpyCumulative.js';
export { unstack, permuteDims, vecdot, matvec, vecmat } from './ops/numpyArrayApi.js';
export { matrixTranspose } from './linalg/matrix.js';
export { finfo, type FloatInfo } from './ops/finfo.js';
export { astype, iinfo, isdtype, type DType, type DTypeKind, type IntInfo } from './ops/dtypes.js';
export { ediff1d, gradient, unwrap, trimZeros } from './ops/numpyDifferences.js';
export type { GradientOptions } from './ops/numpyDifferences.js';
export { select, piecewise, choose, compress, extract, resize } from './ops/numpySelection.js';
export type { PiecewiseFunction, ChooseMode, CompressOptions } from './ops/numpySelection.js';
export { poly, polyadd, polysub, polymul, polydiv, polyder, polyint, polyfit, vander } from './ops/numpyPolynomials.js';
export type { PolydivOptions, PolyfitOptions } from './ops/numpyPolynomials.js';
export { union1d, intersect1d, setdiff1d, setxor1d } from './ops/numpySets.js';
export type { SetOptions, Intersect1dOptions } from './ops/numpySets.js';
export { bartlett, blackman, hamming, hanning, kaiser } from './ops/numpyWindows.js';
export { i0 } from './special/bessel.js';
export { histogramdd, histogram2d } from './ops/numpyHistograms.js';
export type { HistogramBins, HistogramddOptions } from './ops/numpyHistograms.js';
export { applyAlongAxis, block } from './ops/numpyComposition.js';
export type { BlockList } from './ops/numpyComposition.js';
export { ndim, shape, size, isscalar, real, imag, conj, conjugate, angle, isreal, iscomplex, isrealobj, iscomplexobj, spacing } from './ops/numpyRealInput.js';
export { copy, fillDiagonal, put, place, partition, argpartition } from './ops/numpyUpdates.js';
export type { InplaceOptions } from './ops/numpyUpdates.js';
export { vectorize, fromfunction, ix_, maskIndices, in1d, histogramBinEdges } from './ops/numpyBuilders.js';
export type { VectorizeOptions, VectorizedArgs, MaskIndicesOptions, HistogramBinEdgesOptions } from './ops/numpyBuilders.js';
export * as linalg from './linalg/index.js';
export * as special from './special/index.js';
export * as stats from './stats/index.js';
export * as losses from './losses/index.js';
export * as initializers from './random/initializers.js';
export type { TriangularSolveOptions, NormOrder } from './linalg/index.js';
export { sort, argsort, topk, maxIndex, minIndex } from './ops/sort.js';
export type { SortOptions, TopkOptions } from './ops/sort.js';
export { gather, scatter, scatterAdd } from './ops/gather.js';
export type { IndexMode, GatherOptions, TakeOptions } from './ops/indexModes.js';
export {
  absolute, negative, subtract, multiply, divide, trueDivide, power, arccos, arcsin, arctan, arctan2, arccosh, arcsinh,
  arctanh, amax, amin, degrees, radians, around, concatenate, rowStack, takeAlongAxis, putAlongAxis,
  nanargmax, nanargmin, trapz, fabs, diag, asarray, array, empty, emptyLike,
} from './ops/numpyNames.js';
export { pad, flip, roll, tile, repeat, tril, triu } from './ops/rearrange.js';
export type { PadMode, PadOptions, PadPairs, PadWidths } from './ops/rearrange.js';
export { einsum, einsumPath } from './ops/einsum.js';
export type { EinsumOptions, EinsumOptimize, EinsumPath } from './ops/einsumPath.js';
export type { EinsumSublist } from './ops/einsumSublist.js';
export { conv, convTranspose, type ConvOptions, type ConvTransposeOptions, type ConvPadding, type PerAxis } from './ops/conv.js';
export { maxPool, avgPool, adaptiveAvgPool, adaptiveMaxPool } from './ops/pooling.js';
export type { PoolOptions, AvgPoolOptions, MaxPoolOptions } from './ops/pooling.js';
export { maxUnpool, type MaxUnpoolOptions } from './ops/unpool.js';
export { linear, bilinear } from './ops/linearLayers.js';
export { embedding, type EmbeddingOptions } from './ops/embedding.js';
export { embeddingBag, type EmbeddingBagOptions } from './ops/embeddingBag.js';
export { instanceNorm, localResponseNorm, type InstanceNormOptions, type LocalResponseNormOptions } from './ops/normalizationExtras.js';
export { affineGrid, gridSample, type AffineGridOptions, type GridSampleOptions, type GridSampleMode, type GridPaddingMode } from './ops/spatialTransform.js';
export { pdist } from './ops/pdist.js';
export { channelShuffle } from './ops/channelShuffle.js';
export { standardize, layerNorm, rmsNorm, groupNorm, batchNorm } from './ops/normalization.js';
export { rnn, gru, lstm } from './ops/recurrent.js';
export { sparsePlus, sparseSigmoid, squareplus } from './ops/sparseActivations.js';
export type { RecurrentOptions, RnnOptions, LstmOptions, RecurrentResult, LstmResult } from './ops/recurrent.js';
export type { StandardizeOptions, NormOptions, BatchNormOptions, RmsNormOptions } from './ops/normalization.js';
export { dropout, glu, softmin, prelu, hardShrink, softShrink, tanhShrink, threshold, normalize, cdist, pixelShuffle, pixelUnshuffle, gumbelSoftmax } from './ops/functional.js';
export { unfold, fold } from './ops/unfold.js';
export type { UnfoldOptions } from './ops/unfold.js';
export type { NormalizeOptions, GumbelSoftmaxOptions } from './ops/functional.js';
export { nllLoss, crossEntropy, mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropyWithLogits, klDiv } from './losses/torchStyle.js';
export type { NllLossOptions, CrossEntropyOptions, Reduction, ReductionOptions, SmoothL1Options, BinaryCrossEntropyOptions, KlDivOptions } from './losses/torchStyle.js';
export { poissonNllLoss, gaussianNllLoss, binaryCrossEntropy, huberLoss, softMarginLoss, multilabelSoftMarginLoss } from './losses/torchLikelihood.js';
export type {
  PoissonNllLossOptions, GaussianNllLossOptions, BinaryCrossEntropyProbabilityOptions, HuberLossOptions, MultilabelSoftMarginLossOptions,
} from './losses/torchLikelihood.js';
export { marginRankingLoss, hingeEmbeddingLoss, multiMarginLoss, multilabelMarginLoss, cosineEmbeddingLoss, tripletMarginLoss } from './losses/torchMargin.js';
export type { MarginOptions, MultiMarginLossOptions, TripletMarginLossOptions } from './losses/torchMargin.js';
export { pairwiseDistance } from './ops/pairwiseDistance.js';
export type { PairwiseDistanceOptions } from './ops/pairwiseDistance.js';
export { at } from './ops/indexUpdate.js';
export type { AtIndex, AtMode, AtOptions, AtSlice, IndexUpdater } from './ops/indexUpdate.js';
export { interpolate } from './ops/interpolate.js';
export type { InterpolateOptions, InterpolateMode } from './ops/interpolate.js';
export { dynamicSlice, dynamicUpdateSlice } from './ops/dynamicSlice.js';
export type { StartIndices } from './ops/dynamicSlice.js';
export { dotProductAttention } from './ops/attention.js';
export { segmentSum, segmentMean, segmentMax, segmentMin, segmentProd } from './ops/segment.js';
export type { SegmentOptions } from './ops/segment.js';
export type { AttentionOptions } from './ops/attention.js';
export { tensorMethodNames } from './ops/methods.js';

export { grad, valueAndGrad, vjp, vjpWithAux } from './transforms/vjp.js';
export type { Pullback, GradOptions } from './transforms/vjp.js';
export { linearize, linearizeWithAux, linearTranspose } from './transforms/linearize.js';
export { jvp, hvp } from './transforms/jvp.js';
export { jacobian, jacfwd, jacrev, hessian } from './transforms/jacobian.js';
export { customVjp, checkpoint } from './transforms/custom.js';
export type { CheckpointPolicy, CheckpointOptions, CheckpointOp, CheckpointStats } from './transforms/checkpointPolicy.js';
export type { CustomVjpOptions } from './transforms/custom.js';
export { customJvp } from './transforms/customJvp.js';
export { jit } from './jit/jit.js';
export { vmap } from './transforms/vmap.js';
export type { AxisSpec, VmapOptions } from './transforms/vmap.js';
export type { JitOptions, JitCacheEntry, Jitted } from './jit/jit.js';
export type { ArgumentCotangents, CustomVjpContext, CustomVjpRules, NullableTree } from './transforms/custom.js';
export { detectAnomalies } from './core/detectAnomalies.js';
export type { AnomalyOptions } from './core/anomaly.js';
export { checkGrad, assertGrad } from './testing/checkGrad.js';
export type { CheckGradOptions, GradCheck, GradCheckResult, CheckGradArgs } from './testing/checkGrad.js';
export type { PyTree, PytreeNodeTypes, RegisteredPytreeNode, IsRegisteredNode } from './core/pytree.js';
// Types that public signatures use (issue #15 item 2: every type a user meets is exported).
export type { TensorTree, TensorLikeTree, TensorTrees, TensorLikeTrees, TensorPyTree, JacobianTree, TupleInferred, CarryLike } from './core/pytree.js';
export type { TreeFunction } from './core/functions.js';
export type { Loosen, LooseArgument, AuxOf, OutputOf, ArrayAuxOf, ArrayOutputOf, GradientOf, ArgumentAt, ArgumentsAt, ArgnumsOf, ReversedTuple } from './transforms/vjp.js';
export type { HessianOf, HessianTree, JacobianFunction } from './transforms/jacobian.js';
export type { JvpRule } from './transforms/customModes.js';
export type { LoopStats } from './transforms/loop.js';
export type { HvpMode } from './implicit/hessian.js';

export {
  AdjointError, ShapeError, InvalidArgumentError, NonScalarOutputError, AnomalyError, GradientCheckError,
} from './core/errors.js';
export { scan } from './transforms/scan.js';
export type { ScanOptions, ScanStats, Checkpoints, ScanRow, ScanResult, ScanStepCheck } from './transforms/scan.js';
export { memoryStats, resetPeakMemory } from './core/memory.js';
export type { MemoryStats } from './core/memory.js';
export { whileLoop } from './transforms/whileLoop.js';
export type { WhileLoopOptions } from './transforms/whileLoop.js';
export { cond, switchBranch as switch, foriLoop } from './transforms/control.js';
export { associativeScan } from './transforms/associativeScan.js';
export { map } from './transforms/laxMap.js';
export type { MapOptions } from './transforms/laxMap.js';
export type { AssociativeScanOptions } from './transforms/associativeScan.js';
export type { ForiLoopOptions } from './transforms/control.js';
export { odeint, OdeintError, type OdeintOptions } from './transforms/odeint.js';

export { prod } from './products/prod.js';
export { cumprod } from './products/cumprod.js';
export type { CumprodOptions } from './products/cumprod.js';
export { SignedLog } from './products/signedLog.js';
export { logAbsProd } from './products/logAbsProd.js';
export { chainMatmul } from './products/chainMatmul.js';
export { chainProduct } from './products/chainProduct.js';
export type { AssociativeOp, ChainProductOptions } from './products/chainProduct.js';
export { semirings } from './structured/semirings.js';
export type { Semiring } from './structured/semirings.js';
export { LinearChainCRF } from './structured/linearChain.js';
export type { LinearChainCRFOptions } from './structured/linearChain.js';
export type { TagModel } from './structured/tagModel.js';
export { HigherOrderCRF } from './structured/higherOrder.js';
export type { HigherOrderCRFOptions } from './structured/higherOrder.js';
export { VariableOrderCRF } from './structured/variableOrder.js';
export type { VariableOrderCRFOptions } from './structured/variableOrder.js';
export { PCFG } from './structured/pcfg.js';
export type { PCFGOptions } from './structured/pcfg.js';
export { TreeCRF } from './structured/treeCrf.js';
export type { TreeCRFOptions } from './structured/treeCrf.js';
export type { ParseTree } from './structured/parseTree.js';
export { SemiMarkovCRF } from './structured/semiMarkov.js';
export type { SemiMarkovCRFOptions, Segment } from './structured/semiMarkov.js';
export { DependencyCRF } from './structured/dependency.js';
export type { DependencyCRFOptions } from './structured/dependency.js';
export { Alignment } from './structured/alignment.js';
export type { AlignmentOptions } from './structured/alignment.js';
export { ctcLoss } from './structured/ctc.js';
export type { CTCLossOptions, CTCLengths, CTCTargets } from './structured/ctc.js';
export { HMM } from './structured/hmm.js';
export type { HMMOptions, Observations } from './structured/hmm.js';
export type { TagsAndScore, SegmentsAndScore, TreeAndScore, HeadsAndScore, StatesAndScore } from './structured/results.js';

export { PairwiseMRF } from './inference/pairwiseMRF.js';
export type { PairwiseMRFOptions, MRFBeliefs } from './inference/pairwiseMRF.js';
export type { BeliefsOptions, InferenceMethod } from './inference/options.js';
export type { BeliefsInfo } from './inference/iterate.js';

export { cg, minres, gmres } from './implicit/linearSolve.js';
export type { LinearSolveOptions, LinearSolveResult } from './implicit/linearSolve.js';
export { argmin } from './implicit/argmin.js';
export type { ArgminOptions, ArgminInfo } from './implicit/argmin.js';
export { ConvergenceError } from './implicit/diagnostics.js';
export type { LinearSolveInfo, AdjointInfo, ReportOptions } from './implicit/diagnostics.js';
export { root } from './implicit/root.js';
export type { RootOptions, RootInfo } from './implicit/root.js';
export * as optimizers from './implicit/optimizers.js';
export * as onnx from './onnx/index.js';
export { profile, formatProfile } from './core/profile.js';
export type { Profile, OpTime } from './core/profile.js';

export { config, backendInfo } from './config.js';
export type { BackendConfig, BackendInfo } from './config.js';
import './zzLibraryEnd.js'; // last: marks where the library's code ends
