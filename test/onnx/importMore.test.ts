/**
 * @file importModel against ONNX Runtime for the later operator groups (test/onnx/importMoreCases.ts):
 * float64 to 1e-12 of ORT's scale where ORT has the kernel, float32 (to 2e-6) where it has not.
 */
import { describe, expect, it } from 'vitest';
import { compareWithOrt } from './importOracle.js';
import { MORE_CASES, MORE_TOLERANCE } from './importMoreCases.js';

const results: Record<string, { precision: string; error: number }> = {};

describe('importModel against ONNX Runtime: trigonometry, multi-index, rescaling, spatial, Resize, recurrent layers', () => {
  it.each(Object.keys(MORE_CASES))('%s', async (name) => {
    const { precision, error, shapes, expectedShapes } = await compareWithOrt(MORE_CASES[name]!);
    results[name] = { precision, error };
    expect(shapes).toEqual(expectedShapes);
    expect(error).toBeLessThan(MORE_TOLERANCE[name] ?? (precision === 'double' ? 1e-12 : 2e-6));
  });

  it('reports the worst errors', () => {
    const by = (p: string) => Object.entries(results).filter(([, r]) => r.precision === p);
    const worst = (list: Array<[string, { error: number }]>) => list.filter(([n]) => !(n in MORE_TOLERANCE)).reduce((m, [, r]) => Math.max(m, r.error), 0);
    console.log(`importModel vs ORT (later groups): ${by('double').length} cases in float64 (worst ${worst(by('double')).toExponential(2)}), ` +
      `${by('float32').length} in float32 (worst ${worst(by('float32')).toExponential(2)}: ${by('float32').map(([n]) => n).join('; ')})`);
  });
});
