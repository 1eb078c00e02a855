/**
 * @file Reading an einsum spec as NumPy does: each operand's axes get labels, '...' expands to
 * broadcast axes aligned on the right, the output is explicit after '->' or implicit (broadcast
 * axes, then the letters used once, in ASCII order), and every label gets one size.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { formatShape, type Shape } from '../tensor/shape.js';

/**
 * The labels of an einsum: a letter is its character code; the d-th broadcast axis of '...'
 * (counted from the left of the widest '...') is −1 − d.
 */
export type Label = number;

export interface EinsumSpec {
  /** The labels of each operand's axes, in order. */
  readonly inputs: Label[][];
  /** The labels of the output's axes, in order. */
  readonly output: Label[];
  /** Each label's size: the largest over the operands (the others are equal, or 1 and broadcast). */
  readonly sizes: ReadonlyMap<Label, number>;
}

/** A label as the spec wrote it, for messages: its letter, or '...' for a broadcast axis. */
export function labelName(l: Label): string {
  return l >= 0 ? `'${String.fromCharCode(l)}'` : `'...' (broadcast axis ${-1 - l})`;
}

/** One term's letters in order, with null where '...' stands. */
function parseTerm(spec: string, term: string, where: string): Array<Label | null> {
  const out: Array<Label | null> = [];
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('...', i)) {
      if (out.includes(null)) throw new InvalidArgumentError(`einsum: ${where} '${term}' of '${spec}' has '...' twice; use it at most once per term.`);
      out.push(null);
      i += 2;
    } else if (/[A-Za-z]/.test(term[i]!)) out.push(term.charCodeAt(i));
    else {
      throw new InvalidArgumentError(
        `einsum: '${term[i]}' in ${where} '${term}' of '${spec}' is not a subscript; use the letters a–z, A–Z and '...', with ',' between operands and '->' before the output.`,
      );
    }
  }
  return out;
}

/** Parses `spec` against the operands' shapes, checking counts, letters and sizes. */
export function parseEinsum(spec: string, shapes: readonly Shape[]): EinsumSpec {
  if (typeof spec !== 'string') {
    throw new InvalidArgumentError(`einsum: the first argument must be a spec string such as 'ij,jk->ik', got ${describe(spec)}.`);
  }
  const parts = spec.replace(/\s+/g, '').split('->');
  if (parts.length > 2) throw new InvalidArgumentError(`einsum: '${spec}' has more than one '->'; write the inputs, then '->' and the output once.`);
  const terms = parts[0]!.split(',');
  if (terms.length !== shapes.length) {
    throw new InvalidArgumentError(
      `einsum: '${spec}' has ${terms.length} input term${terms.length === 1 ? '' : 's'} but ${shapes.length} operand${shapes.length === 1 ? ' was' : 's were'} given; ` +
        `give one comma-separated term per operand.`,
    );
  }
  const parsed = terms.map((term, i) => parseTerm(spec, term, `operand ${i}'s term`));
  // How many axes each '...' covers; the widest sets the broadcast axes.
  const spans = parsed.map((labels, i) => {
    const named = labels.filter((l) => l !== null).length;
    const ndim = shapes[i]!.length;
    const hasEllipsis = labels.includes(null);
    if (hasEllipsis ? ndim < named : ndim !== named) {
      throw new ShapeError(
        `einsum: operand ${i} has shape ${formatShape(shapes[i]!)} (${ndim} axes) but its term '${terms[i]}' in '${spec}' names ${named}; ` +
          `give one letter per axis${hasEllipsis ? '' : ", or '...' for the leading ones"}.`,
      );
    }
    return ndim - named;
  });
  const width = Math.max(0, ...spans);
  // A '...' of fewer axes than the widest stands for its rightmost ones (NumPy's alignment).
  const inputs = parsed.map((labels, i) => labels.flatMap((l) => (l === null ? broadcastLabels(width).slice(width - spans[i]!) : [l])));
  const output = parts.length === 2 ? explicitOutput(spec, parts[1]!, inputs, width) : implicitOutput(inputs, width);
  return { inputs, output, sizes: labelSizes(spec, inputs, shapes) };
}

function explicitOutput(spec: string, term: string, inputs: Label[][], width: number): Label[] {
  const labels = parseTerm(spec, term, 'the output');
  if (width > 0 && !labels.includes(null)) {
    throw new ShapeError(
      `einsum: the operands' '...' cover ${width} axes but the output '${term}' of '${spec}' has no '...'; add '...' to the output (and sum those axes afterwards if needed).`,
    );
  }
  const output = labels.flatMap((l) => (l === null ? broadcastLabels(width) : [l]));
  output.forEach((l, k) => {
    if (output.indexOf(l) !== k) throw new InvalidArgumentError(`einsum: the output '${term}' of '${spec}' repeats ${labelName(l)}; each output subscript appears once.`);
    if (!inputs.some((ls) => ls.includes(l))) {
      throw new InvalidArgumentError(`einsum: the output '${term}' of '${spec}' has ${labelName(l)}, which no input term uses; every output subscript must come from an input.`);
    }
  });
  return output;
}

function broadcastLabels(width: number): Label[] {
  return Array.from({ length: width }, (_, d) => -1 - d);
}

/** NumPy's implicit output: the broadcast axes, then the letters used exactly once, in ASCII order. */
function implicitOutput(inputs: Label[][], width: number): Label[] {
  const count = new Map<Label, number>();
  for (const l of inputs.flat()) if (l >= 0) count.set(l, (count.get(l) ?? 0) + 1);
  const once = [...count].filter(([, c]) => c === 1).map(([l]) => l).sort((a, b) => a - b);
  return [...broadcastLabels(width), ...once];
}

/** Each label's size; within one operand a repeated label's axes are equal, across operands equal or 1. */
function labelSizes(spec: string, inputs: Label[][], shapes: readonly Shape[]): Map<Label, number> {
  const sizes = new Map<Label, number>();
  const seenIn = new Map<Label, number>();
  inputs.forEach((labels, i) => {
    labels.forEach((l, k) => {
      const d = shapes[i]![k]!;
      const first = labels.indexOf(l);
      if (first !== k && shapes[i]![first] !== d) {
        throw new ShapeError(
          `einsum: operand ${i} (shape ${formatShape(shapes[i]!)}) repeats ${labelName(l)} in '${spec}' over axes of lengths ${shapes[i]![first]} and ${d}; a repeated subscript takes a diagonal, so the lengths must be equal.`,
        );
      }
      const known = sizes.get(l);
      if (known === undefined || known === 1) {
        sizes.set(l, d);
        if (known === undefined || d !== 1) seenIn.set(l, i);
      } else if (d !== known && d !== 1) {
        const j = seenIn.get(l)!;
        throw new ShapeError(
          `einsum: ${labelName(l)} has length ${known} in operand ${j} (shape ${formatShape(shapes[j]!)}) but ${d} in operand ${i} ` +
            `(shape ${formatShape(shapes[i]!)}) of '${spec}'; the lengths of one subscript must match (or be 1, to broadcast).`,
        );
      }
    });
  });
  return sizes;
}
