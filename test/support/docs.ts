/** @file Turns the TypeScript samples in README.md and docs/*.md into runnable modules whose `// => value` comments are assertions. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Sample {
  /** `README.md:42`: the file and line where the block starts. */
  where: string;
  /** The module source, with `// => value` lines turned into checks. */
  source: string;
  /** How many `// =>` checks the block holds. */
  checks: number;
}

const CHECK = /^(\s*)(.*?);?\s*\/\/ => (.+)$/;
const DECL = /^(?:const|let)\s+(\w+)\s*=/;

/**
 * Every ```ts block of README.md and docs/*.md. `raw`: the blocks as a user copies them (the
 * `// => value` comments left as comments), for the type check of test/types.
 */
export function collectSamples(root: string, { raw = false }: { raw?: boolean } = {}): Sample[] {
  const files = ['README.md', ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
  const samples: Sample[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() !== '```ts') continue;
      const start = i + 1;
      const body: string[] = [];
      let checks = 0;
      for (i = start; i < lines.length && lines[i]!.trim() !== '```'; i++) {
        const line = lines[i]!;
        const m = raw ? null : CHECK.exec(line);
        if (!m) { body.push(line); continue; }
        const [, indent, stmt, expected] = m;
        const where = JSON.stringify(`${file}:${i + 1}`);
        const decl = DECL.exec(stmt!);
        if (decl) body.push(`${indent}${stmt};`, `${indent}__check(${decl[1]}, ${expected}, ${where});`);
        else body.push(`${indent}__check(${stmt}, ${expected}, ${where});`);
        checks++;
      }
      samples.push({ where: `${file}:${start}`, source: body.join('\n'), checks });
    }
  }
  return samples;
}
