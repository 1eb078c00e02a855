/**
 * @file The types of what `argmax`, `topk` and `sample` return. A model of one input returns one
 * structure and one score; a model of a batch returns one of each per item (an array indexed by
 * item). Whether a model is a batch is known when it is built, from the rank of its scores
 * (`model.batched`), which a `Tensor`'s type does not carry: so the methods of the tensor-built
 * models return the union of both forms, and a caller narrows it with `model.batched` and a cast,
 * or reads what both forms share. `HMM`, whose batch is an argument, returns the exact form.
 *
 * The second type parameter is the score: `number` for one structure, `number[]` for a list (a
 * batch's items, or one input's k best), `number[][]` for a batch's k-best lists.
 */
import type { ParseTree } from './parseTree.js';
import type { Segment } from './semiMarkov.js';

/** Tag sequences and their scores (LinearChainCRF, HigherOrderCRF, VariableOrderCRF): by default one sequence, tags[t] the tag at position t. */
export interface TagsAndScore<Tags = number[], Score = number> {
  tags: Tags;
  score: Score;
}

/** Segmentations and their scores (SemiMarkovCRF): by default one segmentation, its segments in order. */
export interface SegmentsAndScore<Segments = Segment[], Score = number> {
  segments: Segments;
  score: Score;
}

/** Parse trees and their scores (PCFG): by default one tree over the whole sentence. */
export interface TreeAndScore<Tree = ParseTree, Score = number> {
  tree: Tree;
  score: Score;
}

/** Dependency trees and their scores (DependencyCRF): by default one tree, heads[m − 1] the head of word m (0 the root). */
export interface HeadsAndScore<Heads = number[], Score = number> {
  heads: Heads;
  score: Score;
}

/** State sequences and their scores (Alignment, HMM): by default one sequence, states[t] the state at frame t. */
export interface StatesAndScore<States = number[], Score = number> {
  states: States;
  score: Score;
}
