/**
 * @file The playground page: presets in a <select>, a <textarea> editor (Tab indents, Esc then
 * Tab leaves, Ctrl/Cmd+Enter runs), and the output of run.js drawn as text, plots and heat maps.
 * The preset in the address (or the first) runs on load. The last run is left in
 * `window.playground.lastRun` for the browser test (and the console).
 */
import * as ad from './build/adjoint.js';
import { presets } from './build/presets.js';
import { runCode } from './run.js';
import { describeHeatmap, describePlot, drawHeatmap, drawPlot } from './draw.js';

const $ = (id) => document.getElementById(id);
const [select, editor, run, status, output, origin] = ['preset', 'code', 'run', 'status', 'output', 'origin'].map($);
const playground = (window.playground = { ad, presets, lastRun: null });

for (const group of [...new Set(presets.map((p) => p.group))]) {
  const optgroup = document.createElement('optgroup');
  optgroup.label = group;
  for (const p of presets.filter((q) => q.group === group)) optgroup.append(new Option(p.title, p.id));
  select.append(optgroup);
}

/** Puts a preset in the editor (and its id in the address, so a link opens it). */
function load(id) {
  const preset = presets.find((p) => p.id === id) ?? presets[0];
  select.value = preset.id;
  editor.value = preset.code;
  origin.textContent = `From ${preset.origin}.`;
  history.replaceState(null, '', `#${preset.id}`);
}

function show(kind, text) {
  const pre = document.createElement('pre');
  pre.textContent = text;
  if (kind === 'error') pre.className = 'error';
  output.append(pre);
}

function picture(draw, describe, spec) {
  const figure = document.createElement('figure');
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', describe(spec));
  figure.append(canvas);
  output.append(figure);
  draw(canvas, spec); // after it is in the page: it takes its width from the layout
}

async function execute() {
  run.disabled = true;
  status.dataset.state = 'running';
  status.textContent = 'Running…';
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))); // let "Running…" paint
  const started = performance.now();
  const result = runCode(ad, editor.value);
  const ms = performance.now() - started;
  output.replaceChildren();
  for (const o of result.outputs) {
    if (o.kind === 'text') show('text', o.text);
    else if (o.kind === 'plot') picture(drawPlot, describePlot, o.spec);
    else picture(drawHeatmap, describeHeatmap, o.spec);
  }
  const { error } = result;
  if (error) {
    const where = error.line !== null ? ` (line ${error.line})` : '';
    show('error', `${error.name}${error.adjoint ? ' — an AdjointError from adjoint' : ''}${where}:\n${error.message}`);
  }
  status.dataset.state = error ? 'error' : 'done';
  status.textContent = error ? `Stopped by an error after ${ms.toFixed(0)} ms` : `Ran in ${ms.toFixed(0)} ms`;
  playground.lastRun = { id: select.value, values: result.values, error, pictures: result.outputs.filter((o) => o.kind !== 'text').length, ms };
  showBackend();
  run.disabled = false;
}

function showBackend() {
  const { wasm, codegen } = ad.backendInfo();
  $('backend').textContent = `adjoint backends: WebAssembly matmul ${wasm ? 'on' : 'off'}, generated jit loops ${codegen ? 'on' : 'off'} (ad.config turns them off).`;
}

// Tab indents (Shift+Tab removes an indent); after Esc, Tab moves focus as usual, so the editor never traps the keyboard.
let tabMovesFocus = false;
editor.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    if (!run.disabled) void execute();
    return;
  }
  if (e.key === 'Escape') { tabMovesFocus = true; return; }
  if (e.key !== 'Tab') {
    if (e.key !== 'Shift') tabMovesFocus = false;
    return;
  }
  if (tabMovesFocus || e.altKey || e.ctrlKey || e.metaKey) return; // the browser moves focus
  e.preventDefault();
  const { selectionStart: start, selectionEnd: end, value } = editor;
  const lineStart = value.lastIndexOf('\n', start - 1) + 1;
  if (e.shiftKey) {
    const cut = /^ {1,2}/.exec(value.slice(lineStart))?.[0].length ?? 0;
    editor.setRangeText('', lineStart, lineStart + cut, 'preserve');
    editor.setSelectionRange(Math.max(lineStart, start - cut), Math.max(lineStart, end - cut));
  } else {
    editor.setRangeText('  ', start, end, 'end');
  }
});
editor.addEventListener('blur', () => { tabMovesFocus = false; });
select.addEventListener('change', () => load(select.value));
window.addEventListener('hashchange', () => load(decodeURIComponent(location.hash.slice(1))));
run.addEventListener('click', () => void execute());

load(decodeURIComponent(location.hash.slice(1)) || presets[0].id);
void execute(); // a visitor sees the first picture (or the linked preset's output) at once
