// Where the browser tests find Debian's chromium, and where scripts/ensure-chromium.mjs records why it is missing.
import { existsSync, readFileSync } from 'node:fs';

export const chromiumPath = process.env.ADJOINT_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumStatusFile = new URL('../../node_modules/.cache/adjoint/chromium.json', import.meta.url);

/** Null when chromium is there to launch; else why the browser tests are skipped. */
export function chromiumMissing() {
  if (existsSync(chromiumPath)) return null;
  if (existsSync(chromiumStatusFile)) {
    const { reason } = JSON.parse(readFileSync(chromiumStatusFile, 'utf8'));
    if (reason) return reason;
  }
  return `${chromiumPath} is missing (scripts/ensure-chromium.mjs, run by npm test, installs it as root)`;
}

/**
 * Launch flags for Debian's chromium on a machine without network access (playwright's launch()
 * adds --headless and a fresh, empty --user-data-dir of its own, removed when the browser closes).
 */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];
