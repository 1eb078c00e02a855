// Builds adjoint's optional native kernels for Node (native/gemm.cc, native/rows.cc, native/vmath.cc, native/chain.cc, native/lu.cc, native/triangular.cc, native/heap.cc, native/transpose.cc, native/elementwise.cc → native/build/adjoint-native.node)
// with the machine's C++ compiler against Node's own headers: `npm install` runs it. Where there is
// no compiler, no headers, or the build fails, it says why in one line and exits 0 — adjoint then
// multiplies with its WebAssembly kernel (the same API, about half the speed of this one on large
// products). ADJOINT_NATIVE=0 skips the build (and, at run time, the loading); --if-missing builds
// only where there is no build yet or a source is newer (npm test runs it first, after an install without scripts).
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = ['gemm.cc', 'gemmCalls.cc', 'rows.cc', 'vmath.cc', 'chain.cc', 'lu.cc', 'triangular.cc', 'heap.cc', 'transpose.cc', 'elementwise.cc'].map((f) => join(root, 'native', f));
/** What the sources include of their own (a change to it, too, makes --if-missing rebuild). */
const ownHeaders = ['gemm.h', 'schedule.h', 'tanhLanes.h', 'team.h', 'tiles.h'].map((f) => join(root, 'native', f));
const target = join(root, 'native', 'build', 'adjoint-native.node');
const record = join(root, 'native', 'build', 'adjoint-native.json');
const say = (line) => console.log(`build-native: ${line}`);

/** Node's headers: the npm setting nodedir (npm sets it where the headers are installed), beside the node binary, or the system's. */
function nodeHeaders() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((d) => d && existsSync(join(d, 'node_api.h'))) ?? null;
}

function build() {
  if (process.env.ADJOINT_NATIVE === '0') return 'skipped (ADJOINT_NATIVE=0)';
  // --if-missing (npm test's pretest): only where no build is there yet (an install run with
  // --ignore-scripts), or where a source is newer than the build (a checkout that changed them).
  if (process.argv.includes('--if-missing') && existsSync(target) && existsSync(record) && [...sources, ...ownHeaders].every((f) => !existsSync(f) || statSync(f).mtimeMs <= statSync(target).mtimeMs)) return null;
  const absent = [...sources, ...ownHeaders].find((f) => !existsSync(f));
  if (absent !== undefined) return `skipped (${absent} is missing)`;
  if (process.platform === 'win32') return 'skipped on Windows (the WebAssembly kernel is used)';
  const headers = nodeHeaders();
  if (headers === null) return "skipped: Node's headers (node_api.h) were not found (set npm's nodedir)";
  // CXX may carry arguments of its own ("ccache g++").
  const found = [process.env.CXX, 'c++', 'g++', 'clang++'].map((c) => c?.trim().split(/\s+/) ?? []).find(([c, ...pre]) => c && spawnSync(c, [...pre, '--version'], { stdio: 'ignore' }).status === 0);
  if (found === undefined) return 'skipped: no C++ compiler (c++, g++ or clang++; or set CXX)';
  const [compiler, ...prefix] = found;
  mkdirSync(dirname(target), { recursive: true });
  // The instruction set: AVX2 where this machine has it (four float64 lanes), else the
  // architecture's baseline — never -march=native, whose other extensions (AVX-512, BMI, …) the
  // compiler may use anywhere: a node_modules built on one machine and run on an older CPU (a
  // container image) would then die of an illegal instruction. The loader checks the CPU for what
  // the record below says the build needs, and keeps to WebAssembly where it is missing.
  // -ffp-contract=off: the compiler fuses no multiply-add of its own, so the separate steps are the
  // WebAssembly kernel's, rounded as it rounds (the fused steps are explicit: gemm.cc's tileFused).
  const avx2 = process.arch === 'x64' && /#define __AVX2__ 1/.test(spawnSync(compiler, [...prefix, '-march=native', '-dM', '-E', '-x', 'c++', '-'], { input: '', encoding: 'utf8' }).stdout ?? '');
  const isa = avx2 ? ['-mavx2'] : [];
  const flags = ['-O3', ...isa, '-ffp-contract=off', '-std=c++17', '-fPIC', '-shared', '-pthread', '-fvisibility=hidden', `-I${headers}`];
  if (process.platform === 'darwin') flags.push('-undefined', 'dynamic_lookup');
  // Built into a temporary file and renamed into place: a build cut short (a killed install) never
  // leaves a truncated addon where the loader looks (loading one ends the process with SIGBUS).
  const partial = `${target}.${process.pid}.tmp`;
  const compile = (extra) => spawnSync(compiler, [...prefix, ...extra, ...sources, '-o', partial], { encoding: 'utf8' });
  let used = [...flags, '-mtune=native'];
  let out = compile(used);
  if (out.status !== 0) out = compile((used = flags)); // a compiler without -mtune=native
  if (out.status !== 0) {
    rmSync(partial, { force: true });
    rmSync(target, { force: true });
    rmSync(record, { force: true });
    const why = (out.stderr || out.error?.message || '').trim().split('\n').slice(0, 2).join(' ');
    return `failed with ${compiler} (${why}); the WebAssembly kernel is used`;
  }
  renameSync(partial, target);
  // What the build needs of the CPU, as /proc/cpuinfo's flags name it — also written aside and
  // renamed into place, so that a process loading the addon meanwhile reads a whole record (the old
  // build's, from this machine, until then).
  writeFileSync(`${record}.${process.pid}.tmp`, JSON.stringify({ requires: avx2 ? ['avx', 'avx2'] : [], arch: process.arch, compiler, flags: used.filter((f) => !f.startsWith('-I')) }, null, 2) + '\n');
  renameSync(`${record}.${process.pid}.tmp`, record);
  return `built ${target} with ${compiler}${avx2 ? ' (AVX2)' : ''}`;
}

const said = build();
if (said !== null) say(said);
