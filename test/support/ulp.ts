/** @file The spacing of doubles, for tests that bound errors in ulp. */

const view = new DataView(new ArrayBuffer(8));

/** The spacing of doubles at |v| (the distance from |v| to the next double above it). */
export function ulp(v: number): number {
  const a = Math.abs(v);
  view.setFloat64(0, a);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - a;
}
