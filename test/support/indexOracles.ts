/** @file Brute-force oracles for the indexing ops and einsum: lanes along an axis, multi-indices, and a nested-loop einsum. */

/** Row-major strides of `shape`. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}

/** Every multi-index of `shape`, in row-major order. */
export function multiIndices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const d of shape) out = out.flatMap((prefix) => Array.from({ length: d }, (_, i) => [...prefix, i]));
  return out;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  const s = strides(shape);
  return index.reduce((acc, v, k) => acc + v * s[k]!, 0);
}

/** The flat positions of each lane along `axis` (a lane: every index fixed but the axis's), lanes in row-major order. */
export function lanes(shape: readonly number[], axis: number): number[][] {
  const rest = shape.map((d, k) => (k === axis ? 1 : d));
  return multiIndices(rest).map((idx) => Array.from({ length: shape[axis]! }, (_, i) => ravel(idx.map((v, k) => (k === axis ? i : v)), shape)));
}

/** NumPy's sort order written as a comparator: NaN greatest, −0 equal to 0 (Array.prototype.sort is stable). */
export function compareAscending(a: number, b: number): number {
  return Number(Number.isNaN(a)) - Number(Number.isNaN(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Descending with ties kept in order: NaN first (greatest), then largest. */
export function compareDescending(a: number, b: number): number {
  return Number(Number.isNaN(b)) - Number(Number.isNaN(a)) || (a > b ? -1 : a < b ? 1 : 0);
}

/** The stable sorting permutation of each lane, by brute force: perm[lane position] = source position. */
export function argsortOracle(data: ArrayLike<number>, shape: readonly number[], axis: number, descending: boolean): number[] {
  const out = new Array<number>(data.length);
  const cmp = descending ? compareDescending : compareAscending;
  for (const lane of lanes(shape, axis)) {
    const order = lane.map((_, i) => i).sort((i, j) => cmp(data[lane[i]!]!, data[lane[j]!]!));
    order.forEach((src, i) => (out[lane[i]!] = src));
  }
  return out;
}

/**
 * einsum by nested loops over every subscript: out[output] = Σ over the rest of Π operands. Each
 * operand's axes are given as letters (its '...' already spelled out as letters by the caller);
 * an axis of length 1 is read at 0 (broadcast).
 */
export function naiveEinsum(
  inputs: readonly string[], output: string, operands: ReadonlyArray<{ data: ArrayLike<number>; shape: readonly number[] }>,
): { data: number[]; shape: number[] } {
  const size = new Map<string, number>();
  inputs.forEach((term, i) => [...term].forEach((c, k) => size.set(c, Math.max(size.get(c) ?? 1, operands[i]!.shape[k]!))));
  const all = [...size.keys()];
  const outShape = [...output].map((c) => size.get(c)!);
  const out = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
  for (const assignment of multiIndices(all.map((c) => size.get(c)!))) {
    const value = (c: string) => assignment[all.indexOf(c)]!;
    let term = 1;
    inputs.forEach((letters, i) => {
      const { data, shape } = operands[i]!;
      term *= data[ravel([...letters].map((c, k) => (shape[k] === 1 ? 0 : value(c))), shape)]!;
    });
    out[ravel([...output].map(value), outShape)] += term;
  }
  return { data: out, shape: outShape };
}
