/**
 * @file The public semirings' methods check what they are given (a user's own dynamic program
 * calls `semiring.times(a, b)` and `semiring.sum(x, axis)` directly): tensors (or what `tensor`
 * takes), elements with the semiring's components on the leading axis, an element axis in range
 * (negative from the end, as NumPy's), a shape. Checked in place, so each semiring keeps its
 * identity (the models compare against `log` and `entropy` for their fast paths).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { asTensor } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { checkShape, formatShape, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Semiring } from './semirings.js';

/** `s` with each method checking its arguments first (the object itself, changed in place). */
export function guardSemiring<S extends Semiring>(s: S): S {
  const { convert, unconvert, times, plus, sum, one, contract } = s;
  const op = (method: string) => `semirings.${s.name}.${method}`;
  /** An element: a tensor whose leading axis holds the semiring's `size` components. */
  const element = (x: unknown, method: string, name: string): Tensor => {
    const t = asTensor(x as Tensor, op(method));
    if (t.ndim < 1 || t.shape[0] !== s.size) {
      throw new ShapeError(
        `${op(method)}: ${name} of shape ${formatShape(t.shape)} is not an element of ${s.name}: its leading axis holds the ${s.size} component(s); ` +
          `make elements with semirings.${s.name}.convert(scores).`,
      );
    }
    return t;
  };
  const guarded: Partial<Semiring> = {
    convert: (scores) => convert.call(s, asTensor(scores, op('convert'))),
    unconvert: (x) => unconvert.call(s, element(x, 'unconvert', 'x')),
    times: (a, b) => times.call(s, element(a, 'times', 'a'), element(b, 'times', 'b')),
    plus: (a, b) => plus.call(s, element(a, 'plus', 'a'), element(b, 'plus', 'b')),
    sum: (x, axis) => {
      const t = element(x, 'sum', 'x');
      const axes = t.ndim - 1; // the element axes, after the components'
      if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -axes || axis >= axes) {
        throw new InvalidArgumentError(
          `${op('sum')}: axis must be an integer in [${-axes}, ${axes - 1}] (an element axis of shape ${formatShape(t.shape.slice(1))}; the components' axis is not counted), got ${describe(axis)}.`,
        );
      }
      return sum.call(s, t, axis < 0 ? axis + axes : axis);
    },
    one: (shape) => {
      checkShape(shape as Shape, op('one'));
      return one.call(s, shape);
    },
  };
  if (contract !== undefined) {
    guarded.contract = (a, b, transA) => {
      if (transA !== undefined && typeof transA !== 'boolean') throw new InvalidArgumentError(`${op('contract')}: transA must be true or false, got ${describe(transA)}.`);
      return contract.call(s, element(a, 'contract', 'a'), element(b, 'contract', 'b'), transA);
    };
  }
  return Object.assign(s, guarded);
}
