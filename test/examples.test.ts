/** @file `npm run demo` runs to the end on the built package: every section of the tour, no error, no escape codes in a pipe. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('examples', () => {
  it('the demo runs every section of its tour', () => {
    const r = spawnSync(process.execPath, ['examples/demo.mjs'], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const sections = r.stdout.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(sections.length).toBeGreaterThanOrEqual(6);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });
});
