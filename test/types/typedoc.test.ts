/**
 * @file The API reference builds without a warning: `npm run docs:api` (TypeDoc over src/index.ts,
 * typedoc.json) run here with --treatWarningsAsErrors into a scratch directory. A missing doc
 * target, an unexported type a public signature names, a broken {@link} or an unknown tag fails it.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './declarations.js';

const typedoc = join(repoRoot, 'node_modules/typedoc/bin/typedoc');
const present = existsSync(typedoc);

describe('the TypeDoc API reference', () => {
  it.skipIf(!present)(`builds from src/index.ts with no warnings${present ? '' : ' (SKIPPED: typedoc is not installed; npm install it to run this test)'}`, () => {
    const out = mkdtempSync(join(tmpdir(), 'adjoint-api-'));
    try {
      const r = spawnSync(process.execPath, [typedoc, '--treatWarningsAsErrors', '--out', out], { cwd: repoRoot, encoding: 'utf8' });
      const log = `${r.stdout}${r.stderr}`;
      expect(log).not.toMatch(/\[warning\]|\[error\]/);
      expect(r.status).toBe(0);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      expect(existsSync(join(out, 'classes/Tensor.html'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
