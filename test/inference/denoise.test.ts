/** @file examples/denoise.mjs --quick on the built package: the grid CRF trained through loopy BP beats the noisy input and the independent-pixel baseline. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('denoising example', () => {
  it('--quick: the CRF restores the held-out image better than the noisy input and the baseline', () => {
    const r = spawnSync(process.execPath, ['examples/denoise.mjs', '--quick'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('result '))!;
    const result = JSON.parse(line.slice('result '.length)) as { noisy: number; baseline: number; crf: number };
    expect(result.noisy).toBeGreaterThan(0.15);
    expect(result.crf).toBeLessThan(result.noisy / 2);
    expect(result.crf).toBeLessThan(result.baseline);
  });
});
