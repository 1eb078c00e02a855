// W11, dependency parsing: log Z of a dependency CRF and its gradient (the arc marginals) over arc scores
// S[n+1, n+1] = 2u − 1 (seed 71), several root dependents allowed (ad.DependencyCRF's default, singleRoot: false).
// W11: projective, n = 50 (Eisner's algorithm, log semiring); W11N: non-projective, n = 100 (Matrix-Tree theorem);
// W11S: W11N with one root dependent (Koo et al.'s first-row replacement; adjoint's subtraction-free elimination).
// Plain: the same algorithms in Float64Array loops (bench/plain/structured.mjs): Eisner's inside and outside
// passes; a partial-pivoting LU log-determinant of the Laplacian minor and its inverse for the marginals.
import * as ad from 'adjoint';
import { symmetric } from '../data.mjs';
import { eisnerLogZ, eisnerMarginals, matrixTreeLogZ, matrixTreeMarginals, matrixTreeSingleRootLogZ, matrixTreeSingleRootMarginals } from '../plain/structured.mjs';

function dependency(id, n, projective, singleRoot = false) {
  const N = n + 1;
  const logZ = (a) => new ad.DependencyCRF({ arcScores: a, projective, singleRoot }).logPartition();
  const vg = ad.valueAndGrad(logZ, [0]);
  const [plainF, plainVG] = projective ? [eisnerLogZ, eisnerMarginals]
    : singleRoot ? [matrixTreeSingleRootLogZ, matrixTreeSingleRootMarginals] : [matrixTreeLogZ, matrixTreeMarginals];
  return {
    id,
    size: `${projective ? 'Eisner, projective' : 'Matrix-Tree, non-projective'} n=${n}, ${singleRoot ? 'one root dependent' : 'multi-root'}`,
    setup() {
      const S = symmetric(N * N, 71);
      return { S, t: ad.tensor(S, [N, N]) };
    },
    plain: {
      f: (d) => plainF(d.S, N),
      vg: (d) => {
        const { logZ: value, grad } = plainVG(d.S, N);
        return { value, grads: { arcScores: grad } };
      },
    },
    adjoint: {
      f: (d) => logZ(d.t).item(),
      vg: (d) => {
        const [v, [g]] = vg(d.t);
        return { value: v.item(), grads: { arcScores: g } };
      },
    },
    // Eisner's log-semiring kernels against the generic semiring program they stand for (#17 goal 4).
    alternatives: projective ? [genericRow(projective)] : [],
  };
}

/** The same log Z through the generic semiring program: a copy of the log semiring is not the one the kernels recognise. */
function genericRow(projective) {
  const semiring = { ...ad.semirings.log };
  const logZ = (a) => new ad.DependencyCRF({ arcScores: a, projective }).sum(semiring);
  const vg = ad.valueAndGrad(logZ, [0]);
  return {
    impl: 'adjoint-generic',
    f: (d) => logZ(d.t).item(),
    vg: (d) => {
      const [v, [g]] = vg(d.t);
      return { value: v.item(), grads: { arcScores: g } };
    },
    note: 'the generic semiring program (the kernels take the log semiring itself)',
  };
}

export default [dependency('W11', 50, true), dependency('W11N', 100, false), dependency('W11S', 100, false, true)];
