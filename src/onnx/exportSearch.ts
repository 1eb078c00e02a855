/**
 * @file The ONNX form of `searchsorted`: every value compared with every entry of its lane and the
 * entries before it counted (jnp.searchsorted's 'compare_all'), in NumPy's order where NaN sorts
 * last — the same positions as adjoint's binary search on a sorted lane.
 */
import { rules, type Lowering } from './graph.js';

/** a is [lanes, n], v is [lanes, m]: a as [lanes, 1, n] against v as [lanes, m, 1], summed over n. */
const searchsorted: Lowering<{ side: 'left' | 'right' }> = (g, [a, v], { side }) => {
  const [lanes, n] = a!.shape as [number, number];
  const m = v!.shape[1]!;
  const entries = g.reshape(a!.name, [lanes, 1, n]);
  const values = g.reshape(v!.name, [lanes, m, 1]);
  const valueNaN = g.node('IsNaN', [values]);
  // left: a < v, or v NaN and a not; right: a ≤ v, or v NaN.
  const counted = side === 'left'
    ? g.node('Or', [g.node('Less', [entries, values]), g.node('And', [valueNaN, g.node('Not', [g.node('IsNaN', [entries])])])])
    : g.node('Or', [g.node('LessOrEqual', [entries, values]), valueNaN]);
  return g.node('ReduceSum', [g.toFloat(counted), g.ints([2])], { keepdims: 0 });
};

export const searchRules = rules({ searchsorted });
