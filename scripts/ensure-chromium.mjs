// Installs Debian's chromium for the browser tests (test/browser) where it is missing: `npm test`
// runs this first. Only as root with apt-get (CI on a clean machine, a developer's container);
// elsewhere, or if the install fails, it says why and the browser tests skip, saying the same.
// Never downloads a browser of its own. Set ADJOINT_SKIP_BROWSER_INSTALL=1 to leave the machine alone.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromiumPath, chromiumStatusFile } from '../test/browser/chromium.mjs';

const status = (reason) => {
  mkdirSync(new URL('.', chromiumStatusFile), { recursive: true });
  writeFileSync(chromiumStatusFile, JSON.stringify({ reason }) + '\n');
  if (reason !== null) console.warn(`ensure-chromium: the browser tests will be skipped: ${reason}`);
};

if (existsSync(chromiumPath)) {
  status(null);
} else if (process.env.ADJOINT_SKIP_BROWSER_INSTALL === '1') {
  status(`${chromiumPath} is missing and ADJOINT_SKIP_BROWSER_INSTALL=1`);
} else if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0) {
  status(`${chromiumPath} is missing and installing it needs root on Linux (run: sudo apt-get install -y chromium)`);
} else if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
  status(`${chromiumPath} is missing and apt-get is not available here`);
} else {
  console.log('ensure-chromium: installing Debian\'s chromium for the browser tests (apt-get) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const update = run(['update']);
  const install = update.status === 0 ? run(['install', '-y', '--no-install-recommends', 'chromium']) : update;
  if (install.status === 0 && existsSync(chromiumPath)) status(null);
  else status(`apt-get ${update.status === 0 ? 'install chromium' : 'update'} failed (exit ${install.status}): ${(install.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
}
