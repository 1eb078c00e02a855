// Prints the size of adjoint in a user's bundle (esbuild, minified, ESM, for browsers), raw and
// gzipped: a program using only grad + tensor, and one using the whole library. Run: npm run size
// (after npm run build: it bundles dist/, what users get).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const programs = {
  'grad + tensor': `import { grad, tensor } from ${JSON.stringify(dist)};\nconsole.log(grad((x) => x.mul(x).sum())(tensor([1, 2])).toArray());`,
  'the whole library': `import * as ad from ${JSON.stringify(dist)};\nglobalThis.ad = ad;`,
};
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log('| program | minified | gzip |\n|---|---|---|');
for (const [name, contents] of Object.entries(programs)) {
  const result = await build({ stdin: { contents, resolveDir: process.cwd(), loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  const code = result.outputFiles[0].contents;
  console.log(`| ${name} | ${kb(code.length)} | ${kb(gzipSync(code, { level: 9 }).length)} |`);
}
