/**
 * @file Which stack frames are adjoint's own, so anomaly mode and the solvers' warnings can name
 * the user's line — unbundled, bundled into one file with the user's code, or minified.
 *
 * No URL of the library is known in advance: `import.meta.url` is undefined once a bundler turns
 * the library into an IIFE or CommonJS bundle, and then the library shares one file with the
 * user's code. Function names do not help either (a minifier renames them). What is known is
 * where the library's code *starts and ends*: `_libraryStart.ts` is the first module whose body
 * runs (this module imports it, and `index.ts` imports this one first) and `zzLibraryEnd.ts` the
 * last, and ES module order puts their bodies first and last among the library's modules — in the
 * package's own files, and in a bundle, where every bundler that hoists modules into one scope
 * (esbuild, Rollup, Vite, webpack in production) emits them in that order and never puts the user's
 * modules between them (the library imports none of them). Their names sort first and last among
 * dist/'s files, so a bundler that emits modules by path (webpack in development, whose module ids
 * are the paths) also puts them first and last; the user's own modules, outside
 * node_modules/adjoint/, sort outside that range. (A build emitting modules in an order of neither
 * kind — webpack in production with `concatenateModules: false`, whose ids are hashes — can
 * interleave them, and anomaly mode may then name a line of the library.)
 * Each marker records the position of a stack frame captured in its module body. Then:
 * - the markers are in files of their own (`…/_libraryStart.js`): every frame under their
 *   folder is the library's (dist/ or src/, a CDN path, a source-mapped path);
 * - both markers are in one file (a bundle): the library's frames are those of that file whose
 *   line and column lie between the two markers.
 * Frames without a source position (builtins such as `Array.prototype.map`, `node:internal`,
 * generated code) are never the user's line.
 */

/** Where a stack frame points: its file or URL, line and column. */
interface Position {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

import { libraryStartStack } from '../_libraryStart.js';

const startStack = libraryStartStack;

/** The position a frame points at, or null for a frame without one (a builtin, generated code). */
function positionOf(frame: string): Position | null {
  let f = frame.trim();
  if (f.includes('eval at ')) return null; // V8's generated code: "at eval (eval at fn (url:l:c), <anonymous>:l:c)"
  if (f.endsWith(')')) f = f.slice(0, -1);
  const m = /:(\d+):(\d+)$/.exec(f);
  if (m === null) return null;
  let url = f.slice(0, m.index);
  const paren = url.lastIndexOf('(');
  if (paren >= 0) url = url.slice(paren + 1); // V8: "at name (url:line:col)"
  else if (url.startsWith('at ')) url = url.slice(3); // V8: "at url:line:col"
  else if (url.includes('@')) url = url.slice(url.indexOf('@') + 1); // Firefox, Safari: "name@url:line:col"
  if (url === '<anonymous>' || url === '' || url.startsWith('node:')) return null;
  return { url, line: Number(m[1]), column: Number(m[2]) };
}

/** The first frame with a position: the module body (or function) that made the Error. */
function firstPosition(stack: string): Position | null {
  for (const line of stack.split('\n')) {
    const p = positionOf(line);
    if (p !== null) return p;
  }
  return null;
}

const start = firstPosition(startStack);
let end: Position | null = null;

/** Records the end marker's position (called once, by zzLibraryEnd.ts). @internal */
export function markLibraryEnd(stack: string): void {
  end = firstPosition(stack);
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** The folder holding the start marker (the library's root) when the markers are files of their own, else null. */
const libraryRoot = (() => {
  if (start === null) return null;
  const cut = start.url.lastIndexOf('/_libraryStart.');
  return cut >= 0 ? start.url.slice(0, cut + 1) : null;
})();

/**
 * The URL or path of the folder holding the library's modules (dist/ or src/) when they are files
 * of their own, else null (a bundle). @internal
 */
export function libraryFolder(): string | null {
  return libraryRoot;
}

/** Whether a frame is the library's own (or has no position to name): never reported as the user's line. */
export function isLibraryFrame(frame: string): boolean {
  const p = positionOf(frame);
  if (p === null) return true;
  if (start === null) return false; // no positions in this engine's stacks: nothing can be told apart
  if (libraryRoot !== null) return p.url.startsWith(libraryRoot);
  // One bundle: the library lies between the markers (to the file's end if the end marker never ran).
  return p.url === start.url && before(start, p) && (end === null || end.url !== start.url || before(p, end));
}

/** The frames of `stack` outside adjoint, innermost first, each as "name (url:line:col)". */
export function userFrames(stack: string): string[] {
  return stack
    .split('\n')
    .filter((l) => /:\d+:\d+\)?\s*$/.test(l) && !isLibraryFrame(l))
    .map((l) => l.trim().replace(/^at /, ''));
}
