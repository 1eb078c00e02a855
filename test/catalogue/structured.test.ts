/** @file The catalogue of bad inputs to LinearChainCRF, HigherOrderCRF, VariableOrderCRF, PCFG and TreeCRF: each gets an AdjointError that starts with the op, names the argument and says what to pass. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError, type ClearError } from './support.js';

// A value of the wrong type, as plain JavaScript would pass it.
const bad = (v: unknown): any => v;
const E = ad.zeros([3, 2]), T = ad.zeros([2, 2]);
const chain = new ad.LinearChainCRF({ emissions: E, transitions: T });
const batch = new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 2]), transitions: T, lengths: [3, 2] });
const second = new ad.HigherOrderCRF({ emissions: E, transitions: ad.zeros([2, 2, 2]) });
const contexts = [[0, 1], [1]];
const variable = new ad.VariableOrderCRF({ emissions: E, contexts, weights: ad.zeros([2]) });
const grammar = new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]) });
const leaf = (i: number) => ({ label: 0, start: i, end: i + 1 });

describe('catalogue: structured models', () => {
  const cases: Array<[string, () => unknown, ClearError]> = [
    // LinearChainCRF: construction
    ['LinearChainCRF without options', () => new ad.LinearChainCRF(bad(undefined)), { op: 'LinearChainCRF', fix: /options object.*Pass one as in new ad\.LinearChainCRF\(\{ emissions/ }],
    ['LinearChainCRF without emissions', () => new ad.LinearChainCRF(bad({ transitions: T })), { op: 'LinearChainCRF', fix: /options\.emissions is missing; pass a Tensor of shape \[n, K\]/ }],
    ['LinearChainCRF emissions as nested arrays', () => new ad.LinearChainCRF(bad({ emissions: [[0, 0]], transitions: T })), { op: 'LinearChainCRF', fix: /wrap plain arrays with ad\.tensor/ }],
    ['LinearChainCRF without transitions', () => new ad.LinearChainCRF(bad({ emissions: E })), { op: 'LinearChainCRF', fix: /options\.transitions is missing; pass a Tensor of shape \[K, K\]/ }],
    ['LinearChainCRF of 1-d emissions', () => new ad.LinearChainCRF({ emissions: ad.zeros([3]), transitions: T }), { op: 'LinearChainCRF', fix: /emissions must have shape \[n, K\].*got \[3\]/, type: ad.ShapeError }],
    ['LinearChainCRF with no positions', () => new ad.LinearChainCRF({ emissions: ad.zeros([0, 2]), transitions: T }), { op: 'LinearChainCRF', fix: /n ≥ 1 positions/, type: ad.ShapeError }],
    ['LinearChainCRF transitions of the wrong size', () => new ad.LinearChainCRF({ emissions: E, transitions: ad.zeros([3, 3]) }), { op: 'LinearChainCRF', fix: /transitions must have shape \[2,2\].*got \[3,3\]; pass a tensor of shape \[2,2\]/, type: ad.ShapeError }],
    ['LinearChainCRF start of the wrong size', () => new ad.LinearChainCRF({ emissions: E, transitions: T, start: ad.zeros([3]) }), { op: 'LinearChainCRF', fix: /start must have shape \[2\]/, type: ad.ShapeError }],
    ['LinearChainCRF end as a number', () => new ad.LinearChainCRF({ emissions: E, transitions: T, end: bad(0) }), { op: 'LinearChainCRF', fix: /end must be a Tensor of shape \[K\]/ }],
    ['LinearChainCRF lengths as a number', () => new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 2]), transitions: T, lengths: bad(4) }), { op: 'LinearChainCRF', fix: /lengths must be an array of 2 integers in 1 … 3/ }],
    ['LinearChainCRF lengths for the wrong batch size', () => new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 2]), transitions: T, lengths: [3] }), { op: 'LinearChainCRF', fix: /1 entries for a batch of 2 sequences; pass an array of 2/ }],
    ['LinearChainCRF length beyond the padding', () => new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 2]), transitions: T, lengths: [3, 4] }), { op: 'LinearChainCRF', fix: /lengths\[1\] is 4, not an integer in 1 … 3/ }],
    ['LinearChainCRF length 0', () => new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 2]), transitions: T, lengths: [0, 3] }), { op: 'LinearChainCRF', fix: /lengths\[0\] is 0/ }],
    ['LinearChainCRF fractional length', () => new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 2]), transitions: T, lengths: [2.5, 3] }), { op: 'LinearChainCRF', fix: /lengths\[0\] is 2\.5, not an integer/ }],
    ['LinearChainCRF bad checkpoints', () => new ad.LinearChainCRF({ emissions: E, transitions: T, checkpoints: bad('some') }), { op: 'LinearChainCRF', fix: /checkpoints must be 'all', 'sqrt' or an integer ≥ 1.*pass e\.g\. checkpoints: 'sqrt'/ }],
    // LinearChainCRF: methods
    ['LinearChainCRF.logProbability of too few tags', () => chain.logProbability([0, 1]), { op: 'LinearChainCRF.logProbability', fix: /tags has 2 tags but the sequence has 3 positions; pass an array of 3 integer tags in 0 … 1/ }],
    ['LinearChainCRF.logProbability of a tag out of range', () => chain.logProbability([0, 2, 1]), { op: 'LinearChainCRF.logProbability', fix: /tags\[1\] is 2, not an integer tag in 0 … 1/ }],
    ['LinearChainCRF.logProbability of a fractional tag', () => chain.logProbability([0, 0.5, 1]), { op: 'LinearChainCRF.logProbability', fix: /tags\[1\] is 0\.5/ }],
    ['LinearChainCRF.logProbability of a string', () => chain.logProbability(bad('010')), { op: 'LinearChainCRF.logProbability', fix: /must be an array of 3 integer tags/ }],
    ['LinearChainCRF.score of a batch with one sequence', () => batch.score([[0, 1, 0]]), { op: 'LinearChainCRF.score', fix: /batch of 2 sequences needs one tag array per sequence, got 1 sequences; pass an array of 2 arrays/ }],
    // (A row padded to the batch's 3 positions is accepted: test/structured/paddedTags.test.ts.)
    ['LinearChainCRF.score of a batch member past its length', () => batch.score([[0, 1, 0], [0, 1, 0, 1]]), { op: 'LinearChainCRF.score', fix: /tags\[1\] has 4 tags but the sequence has 2 positions.*padded to the batch's 3 positions/ }],
    ['LinearChainCRF.logProbability of a batch given flat tags', () => batch.logProbability(bad([0, 1])), { op: 'LinearChainCRF.logProbability', fix: /tags\[0\] must be an array of 3 integer tags/ }],
    ['LinearChainCRF.sum of a semiring name', () => chain.sum(bad('log')), { op: 'LinearChainCRF.sum', fix: /pass one of ad\.semirings/ }],
    ['LinearChainCRF.sample of a negative count', () => chain.sample(-1, 0), { op: 'LinearChainCRF.sample', fix: /count must be an integer ≥ 0/ }],
    // HigherOrderCRF
    ['HigherOrderCRF without options', () => new ad.HigherOrderCRF(bad(undefined)), { op: 'HigherOrderCRF', fix: /Pass one as in new ad\.HigherOrderCRF/ }],
    ['HigherOrderCRF without transitions', () => new ad.HigherOrderCRF(bad({ emissions: E })), { op: 'HigherOrderCRF', fix: /options\.transitions is missing/ }],
    ['HigherOrderCRF transitions with one axis', () => new ad.HigherOrderCRF({ emissions: E, transitions: ad.zeros([2]) }), { op: 'HigherOrderCRF', fix: /k \+ 1 ≥ 2 axes of K = 2/, type: ad.ShapeError }],
    ['HigherOrderCRF transitions of the wrong K', () => new ad.HigherOrderCRF({ emissions: E, transitions: ad.zeros([3, 3, 3]) }), { op: 'HigherOrderCRF', fix: /got \[3,3,3\]; pass a tensor of shape \[2, …, 2\]/, type: ad.ShapeError }],
    ['HigherOrderCRF of order above the length', () => new ad.HigherOrderCRF({ emissions: ad.zeros([2, 2]), transitions: ad.zeros([2, 2, 2, 2]) }), { op: 'HigherOrderCRF', fix: /order 3 .* needs at least 3 positions.*pass a longer sequence or a lower order/ }],
    ['HigherOrderCRF start of the wrong shape', () => new ad.HigherOrderCRF({ emissions: E, transitions: ad.zeros([2, 2, 2]), start: ad.zeros([2]) }), { op: 'HigherOrderCRF', fix: /start must have shape \[2,2\] \(the first 2 tags jointly\)/, type: ad.ShapeError }],
    ['HigherOrderCRF.logProbability of the wrong length', () => second.logProbability([0, 1]), { op: 'HigherOrderCRF.logProbability', fix: /tags has 2 tags but the sequence has 3 positions/ }],
    ['HigherOrderCRF.score of a tag out of range', () => second.score([0, 1, -1]), { op: 'HigherOrderCRF.score', fix: /tags\[2\] is -1/ }],
    ['HigherOrderCRF.sum of undefined', () => second.sum(bad(undefined)), { op: 'HigherOrderCRF.sum', fix: /expected a semiring, got undefined/ }],
    // VariableOrderCRF
    ['VariableOrderCRF without options', () => new ad.VariableOrderCRF(bad(undefined)), { op: 'VariableOrderCRF', fix: /Pass one as in new ad\.VariableOrderCRF/ }],
    ['VariableOrderCRF without contexts', () => new ad.VariableOrderCRF(bad({ emissions: E, weights: ad.zeros([2]) })), { op: 'VariableOrderCRF', fix: /contexts must be an array of distinct, non-empty arrays/ }],
    ['VariableOrderCRF with a context as a number', () => new ad.VariableOrderCRF({ emissions: E, contexts: bad([[0], 1]), weights: ad.zeros([2]) }), { op: 'VariableOrderCRF', fix: /contexts\[1\] is number 1, not an array of tags/ }],
    ['VariableOrderCRF with an empty context', () => new ad.VariableOrderCRF({ emissions: E, contexts: [[0], []], weights: ad.zeros([2]) }), { op: 'VariableOrderCRF', fix: /contexts\[1\] is empty/ }],
    ['VariableOrderCRF with a tag out of range', () => new ad.VariableOrderCRF({ emissions: E, contexts: [[0, 2]], weights: ad.zeros([1]) }), { op: 'VariableOrderCRF', fix: /contexts\[0\] \[0,2\] has a tag that is not an integer in 0 … 1/ }],
    ['VariableOrderCRF with a repeated context', () => new ad.VariableOrderCRF({ emissions: E, contexts: [[1], [1]], weights: ad.zeros([2]) }), { op: 'VariableOrderCRF', fix: /repeats an earlier context/ }],
    ['VariableOrderCRF with one weight too few', () => new ad.VariableOrderCRF({ emissions: E, contexts, weights: ad.zeros([1]) }), { op: 'VariableOrderCRF', fix: /weights must have shape \[2\] \(one score per context/, type: ad.ShapeError }],
    ['VariableOrderCRF without weights', () => new ad.VariableOrderCRF(bad({ emissions: E, contexts })), { op: 'VariableOrderCRF', fix: /options\.weights is missing/ }],
    ['VariableOrderCRF.logProbability of nested tags', () => variable.logProbability(bad([[0, 1, 0]])), { op: 'VariableOrderCRF.logProbability', fix: /tags has 1 tags but the sequence has 3 positions/ }],
    // PCFG
    ['PCFG without options', () => new ad.PCFG(bad(undefined)), { op: 'PCFG', fix: /Pass one as in new ad\.PCFG/ }],
    ['PCFG without rules', () => new ad.PCFG(bad({ terminals: ad.zeros([3, 2]) })), { op: 'PCFG', fix: /options\.rules is missing; pass a Tensor of shape \[N, N, N\]/ }],
    ['PCFG terminals as a vector', () => new ad.PCFG({ terminals: ad.zeros([3]), rules: ad.zeros([2, 2, 2]) }), { op: 'PCFG', fix: /terminals must have shape \[n, N\]/, type: ad.ShapeError }],
    ['PCFG rules of the wrong size', () => new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([3, 3, 3]) }), { op: 'PCFG', fix: /rules must have shape \[2,2,2\].*got \[3,3,3\]/, type: ad.ShapeError }],
    ['PCFG root of the wrong size', () => new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]), root: ad.zeros([3]) }), { op: 'PCFG', fix: /root must have shape \[2\]/, type: ad.ShapeError }],
    ['PCFG.logProbability of a tree over too few words', () => grammar.logProbability({ label: 0, start: 0, end: 2, children: [leaf(0), leaf(1)] }), { op: 'PCFG.logProbability', fix: /spans \(0, 2\) where \(0, 3\) was expected/ }],
    ['PCFG.logProbability of undefined', () => grammar.logProbability(bad(undefined)), { op: 'PCFG.logProbability', fix: /A tree is \{ label, start, end, children/ }],
    // TreeCRF
    ['TreeCRF without options', () => new ad.TreeCRF(bad(undefined)), { op: 'TreeCRF', fix: /Pass one as in new ad\.TreeCRF/ }],
    ['TreeCRF without spans', () => new ad.TreeCRF(bad({})), { op: 'TreeCRF', fix: /options\.spans is missing; pass a Tensor of shape \[n, n, NT\]/ }],
    ['TreeCRF spans of two axes', () => new ad.TreeCRF({ spans: ad.zeros([3, 2]) }), { op: 'TreeCRF', fix: /spans must have shape \[n, n, NT\]/, type: ad.ShapeError }],
    ['TreeCRF spans not square in the word axes', () => new ad.TreeCRF({ spans: ad.zeros([3, 4, 2]) }), { op: 'TreeCRF', fix: /square in the two word axes/, type: ad.ShapeError }],
    ['TreeCRF.logProbability of undefined', () => new ad.TreeCRF({ spans: ad.zeros([3, 3, 2]) }).logProbability(bad(undefined)), { op: 'TreeCRF.logProbability', fix: /A tree is \{ label, start, end, children/ }],
    ['PCFG.sum of a semiring-like object without its rules', () => grammar.sum(bad({ name: 'log', size: 1 })), { op: 'PCFG.sum', fix: /pass one of ad\.semirings/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => {
    expectClearError(run, expected);
    // and the message starts with the op, so the reader sees first where it went wrong
    try { run(); } catch (e) { expect((e as Error).message.startsWith(`${expected.op}: `)).toBe(true); }
  });
});
