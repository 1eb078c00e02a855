/** @file Pytrees of tensors as flat Float64Array vectors, so the solvers' inner loops are plain typed-array arithmetic. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor } from '../tensor/create.js';
import { flatten, flattenLike, treesMatch, unflatten, type TreeDef } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual, type Shape } from '../tensor/shape.js';
import { shown } from './options.js';

/**
 * The vector space of one pytree structure: its leaves' shapes laid end to end. A solver works on
 * flat Float64Arrays of `size` numbers and meets the user's functions through `toTree`/`toFlat`.
 */
export class Space {
  readonly size: number;
  private readonly offsets: number[];

  private constructor(readonly def: TreeDef, readonly shapes: readonly Shape[], readonly op: string, readonly ref: string) {
    this.offsets = [];
    let size = 0;
    for (const s of shapes) {
      this.offsets.push(size);
      size += s.reduce((a, b) => a * b, 1);
    }
    this.size = size;
  }

  /**
   * The space of `tree`'s structure and shapes; `op` names the caller in errors and `ref` the
   * argument that fixes the space ('b', 'theta0', …).
   */
  static of(tree: unknown, op: string, ref: string): Space {
    if (!(tree instanceof Tensor || typeof tree === 'number' || (typeof tree === 'object' && tree !== null))) {
      throw new InvalidArgumentError(
        `${op}: ${ref} must be a tensor, a number, or a pytree of them (nested arrays and plain objects), got ${shown(tree)}.`,
      );
    }
    const { leaves, def } = flatten(tree, `${op} (${ref})`);
    return new Space(def, leaves.map((l) => asTensor(l, op).shape), op, ref);
  }

  /**
   * Space.of for the unknowns of a problem (argmin's theta0, root's x0): they must hold at least
   * one tensor or number (an empty pytree reached the user's function, which failed inside).
   */
  static ofUnknowns(tree: unknown, op: string, ref: string): Space {
    const space = Space.of(tree, op, ref);
    if (space.shapes.length === 0) {
      throw new InvalidArgumentError(
        `${op}: ${ref} holds no tensor or number (got ${shown(tree)}), so there is nothing to solve for; pass the starting point, e.g. ad.zeros([n]) or { w: ad.zeros([n]), b: 0 }.`,
      );
    }
    return space;
  }

  /**
   * `tree`'s leaves as tensors (numbers become 0-d tensors), checked against this space. `must`
   * says what was wrong in the user's terms: 'matvec must return', 'x0 must have'.
   */
  leaves(tree: unknown, must: string): Tensor[] {
    const wanted = `${this.ref}'s structure and shapes`;
    if (tree === undefined) {
      throw new InvalidArgumentError(`${this.op}: ${must} ${wanted}, got undefined; did a function forget to \`return\` its result?`);
    }
    const { leaves, def } = flattenLike(tree, this.def, this.op);
    if (!treesMatch(def, this.def) || leaves.length !== this.shapes.length) {
      throw new ShapeError(
        `${this.op}: ${must} ${wanted}, but its pytree has ${leaves.length} leaves arranged differently from ${this.ref}'s ${this.shapes.length}; ` +
          `give it the same nesting of arrays and objects.`,
      );
    }
    return leaves.map((l, i) => {
      const t = asTensor(l, this.op);
      const shape = this.shapes[i]!;
      if (!shapesEqual(t.shape, shape)) {
        const where = this.shapes.length === 1 ? '' : ` at leaf ${i}`;
        throw new ShapeError(
          `${this.op}: ${must} ${wanted}, but it has shape ${formatShape(t.shape)}${where} where ${this.ref} has shape ${formatShape(shape)}.`,
        );
      }
      return t;
    });
  }

  /** The leaves' values, concatenated (a copy; boxed tensors share their primal's values). */
  toFlat(tree: unknown, must: string): Float64Array {
    return this.flatOfLeaves(this.leaves(tree, must));
  }

  flatOfLeaves(leaves: readonly Tensor[]): Float64Array {
    const out = new Float64Array(this.size);
    leaves.forEach((t, i) => out.set(t.values, this.offsets[i]!));
    return out;
  }

  /** Plain tensors holding copies of `flat`'s segments. */
  toLeaves(flat: Float64Array): Tensor[] {
    return this.shapes.map((shape, i) => {
      const start = this.offsets[i]!;
      const n = shape.reduce((a, b) => a * b, 1);
      return new Tensor(flat.slice(start, start + n), [...shape]);
    });
  }

  /** A pytree of plain tensors holding a copy of `flat`. */
  toTree(flat: Float64Array): any {
    return this.rebuild(this.toLeaves(flat));
  }

  rebuild(leaves: readonly Tensor[]): any {
    return unflatten(this.def, leaves);
  }
}

// Level-1 BLAS on flat vectors.

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: Float64Array): number {
  // Scaled, so vectors of huge or tiny entries do not overflow or underflow.
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]! / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (!(v <= m)) m = v; // NaN wins
  }
  return m;
}

/** y ← y + alpha·x, in place. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}

/** alpha·x + beta·y, a new vector. */
export function combine(alpha: number, x: Float64Array, beta: number, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i]! + beta * y[i]!;
  return out;
}

export function scaled(alpha: number, x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i]!;
  return out;
}
