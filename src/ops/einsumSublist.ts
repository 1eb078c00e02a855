/**
 * @file einsum's sublist form, NumPy's `einsum(a, [0, 1], b, [1, 2], [0, 2])`: each operand is
 * followed by a list of integer subscripts, and an optional last list gives the output. The
 * integers 0–51 are read as the letters 'A'–'Z', 'a'–'z' (NumPy's own mapping, so an implicit
 * output comes out in integer order), and the string '...' stands where NumPy writes `Ellipsis`.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';

/** The subscripts of one operand (or of the output) in the sublist form: integers in [0, 52), and '...' for NumPy's Ellipsis. */
export type EinsumSublist = ReadonlyArray<number | '...'>;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** One sublist as spec letters, or an error naming its place. */
function letters(sublist: readonly unknown[], where: string): string {
  return sublist.map((s, k) => {
    if (s === '...') return '...';
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= 52) {
      throw new InvalidArgumentError(
        `einsum: subscript ${k} of ${where} is ${describe(s)}; in the sublist form subscripts are integers in [0, 52) ` +
          `(as NumPy's), or the string '...' for broadcast axes (NumPy's Ellipsis).`,
      );
    }
    return LETTERS[s]!;
  }).join('');
}

/**
 * The spec string and the operands of a sublist-form call (`args` alternating operand, sublist,
 * then an optional output sublist), or an error naming what is out of place.
 */
export function sublistSpec(args: readonly unknown[]): { spec: string; operands: TensorLike[] } {
  const terms: string[] = [], operands: TensorLike[] = [];
  let k = 0;
  for (; k + 1 < args.length && !Array.isArray(args[k]) && Array.isArray(args[k + 1]); k += 2) {
    const x = args[k];
    if (!(x instanceof Tensor) && typeof x !== 'number') {
      throw new InvalidArgumentError(`einsum: operand ${k / 2} (argument ${k}) is ${describe(x)}; in the sublist form each operand is a tensor or number followed by its subscripts, einsum(a, [0, 1], b, [1, 2], [0, 2]).`);
    }
    operands.push(x);
    terms.push(letters(args[k + 1] as unknown[], `operand ${k / 2}'s sublist`));
  }
  let output: string | undefined;
  if (k === args.length - 1 && Array.isArray(args[k]) && operands.length > 0) output = letters(args[k] as unknown[], 'the output sublist');
  else if (operands.length === 0) {
    throw new InvalidArgumentError(
      `einsum: the first argument must be a spec string such as 'ij,jk->ik', or an operand followed by its subscripts ` +
        `(NumPy's sublist form einsum(a, [0, 1], b, [1, 2], [0, 2])), got ${describe(args[0])}${args.length > 1 ? ` then ${describe(args[1])}` : ''}.`,
    );
  } else if (k !== args.length) {
    throw new InvalidArgumentError(
      `einsum: argument ${k} is ${describe(args[k])} where an operand, or the output sublist last, was expected; ` +
        `pass einsum('ij,jk->ik', a, b), or the sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]) (each operand followed by its subscripts).`,
    );
  }
  return { spec: terms.join(',') + (output === undefined ? '' : `->${output}`), operands };
}
