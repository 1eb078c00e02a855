/**
 * @file `npm run playground`: builds playground/ (scripts/build-playground.mjs) and serves it on
 * 127.0.0.1, at $PORT if set (0: any free port), else at the first free port from 8000. With
 * `--build` it only builds: playground/ is then a static site to copy to any host.
 */
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground } from './build-playground.mjs';

const site = fileURLToPath(new URL('../playground/', import.meta.url));
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
};

const { presets, dir } = await buildPlayground();
console.log(`playground: built ${dir} (${presets} presets)`);
if (process.argv.includes('--build')) process.exit(0);

const server = createServer((req, res) => {
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request\n');
    return;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(site, path));
  let size = -1;
  try {
    const stat = file.startsWith(site) ? statSync(file) : null; // never outside playground/
    if (stat?.isFile()) size = stat.size;
  } catch { /* missing: 404 below */ }
  if (size < 0) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' });
  createReadStream(file).pipe(res);
});

/** Listens on `port`; resolves false if it is taken. */
const listen = (port) => new Promise((resolve, reject) => {
  const fail = (e) => (e.code === 'EADDRINUSE' ? resolve(false) : reject(e));
  server.once('error', fail);
  server.listen(port, '127.0.0.1', () => {
    server.off('error', fail);
    resolve(true);
  });
});

const fixed = process.env.PORT;
let listening = false;
if (fixed !== undefined && fixed !== '') {
  listening = await listen(Number(fixed));
  if (!listening) throw new Error(`playground: port ${fixed} (from $PORT) is in use`);
} else {
  for (let port = 8000; port < 8100 && !listening; port++) listening = await listen(port);
  if (!listening) listening = await listen(0);
}
const { port } = server.address();
console.log(`playground: http://127.0.0.1:${port}/  (Ctrl+C stops it)`);
