/** @file Every TypeScript sample in README.md and docs/ runs, and its `// => value` comments hold. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { collectSamples } from './support/docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'test', '.generated');
const samples = collectSamples(root);

describe('documentation samples', () => {
  it('exist and make assertions', () => {
    expect(samples.length).toBeGreaterThan(5);
    expect(samples.reduce((n, s) => n + s.checks, 0)).toBeGreaterThan(15);
  });

  it.each(samples.map((s, i) => ({ ...s, i })))('$where', async ({ source, i }) => {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `sample${i}.ts`);
    const check = pathToFileURL(join(root, 'test', 'support', 'docCheck.ts')).href;
    writeFileSync(file, `import { __check } from ${JSON.stringify(check)};\n${source}\nexport {};\n`);
    await import(pathToFileURL(file).href);
  });
});
