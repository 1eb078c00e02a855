// npm pack and npm publish run this first (package.json's prepack): it removes the files of dist/
// whose module is gone from src/ (renamed or deleted since dist/ was built), which tsc never
// deletes and `files: ["dist"]` would publish. Only such orphans go: dist/ is not cleared, so
// whatever else reads it meanwhile keeps working; prepare then builds the rest afresh.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The module a dist/ file was compiled from, relative to the package root: dist/a/b.js(.map) and dist/a/b.d.ts(.map) → src/a/b.ts. */
const sourceOf = (file) => file.replace(/^dist\//, 'src/').replace(/(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/, '.ts');

/** The files under `root`/dist whose source module is not in `root`/src (paths relative to root). */
export function orphans(root) {
  const dist = join(root, 'dist');
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
    .filter((file) => !existsSync(join(root, sourceOf(file))))
    .sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const gone = orphans(root);
  for (const file of gone) rmSync(join(root, file));
  // (on stderr: `npm pack --json` prints its report on stdout, where lifecycle scripts write too)
  if (gone.length > 0) console.error(`prune-dist: removed ${gone.length} file(s) of dist/ whose module left src/:\n  ${gone.join('\n  ')}`);
}
