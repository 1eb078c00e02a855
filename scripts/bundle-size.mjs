// Prints the size of adjoint in a user's bundle (esbuild, minified, ESM, for browsers), raw and
// gzipped: a program using only grad + tensor, one using the whole library, and how much of the
// whole library the modules declared free of side effects take (what a bundle that does not use
// them leaves out). Run: npm run size (after npm run build: it bundles dist/, what users get).
// README.md quotes these numbers; test/packaging/packaging.test.ts measures the packed package
// with `measure` and holds the README to them.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';

/** The folders of dist/ that package.json does not list under sideEffects (their modules are dropped when unused). */
export const sideEffectFree = ['structured', 'inference', 'onnx', 'special', 'stats', 'tree', 'losses'];

/**
 * Bundles each program against `entry` (the absolute path of a package's dist/index.js):
 * `{ gradTensor, whole }` as `{ bytes, gzip }`, and `freeBytes`, the minified bytes of the
 * side-effect-free folders within the whole library.
 */
export async function measure(entry) {
  const programs = {
    gradTensor: `import { grad, tensor } from ${JSON.stringify(entry)};\nconsole.log(grad((x) => x.mul(x).sum())(tensor([1, 2])).toArray());`,
    whole: `import * as ad from ${JSON.stringify(entry)};\nglobalThis.ad = ad;`,
  };
  const sizes = {};
  let freeBytes = 0;
  for (const [name, contents] of Object.entries(programs)) {
    const result = await build({ stdin: { contents, resolveDir: dirname(entry), loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent' });
    const code = result.outputFiles[0].contents;
    sizes[name] = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
    if (name === 'whole') {
      // (the metafile names inputs relative to the working directory)
      for (const [file, input] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
        const folder = relative(dirname(entry), resolve(file)).split('/')[0];
        if (sideEffectFree.includes(folder)) freeBytes += input.bytesInOutput;
      }
    }
  }
  return { ...sizes, freeBytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { gradTensor, whole, freeBytes } = await measure(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
  const kb = (n) => `${Math.round(n / 1024)} kB`;
  console.log('| program | minified | gzip |\n|---|---|---|');
  console.log(`| grad + tensor | ${kb(gradTensor.bytes)} | ${kb(gradTensor.gzip)} |`);
  console.log(`| the whole library | ${kb(whole.bytes)} | ${kb(whole.gzip)} |`);
  console.log(`| of which free of side effects (${sideEffectFree.join(', ')}) | ${kb(freeBytes)} | |`);
}
