/**
 * @file Runs playground code: the editor's text as the body of a synchronous function of `ad`,
 * `print`, `plot` and `heatmap`. The page and the browser test (which runs every preset in Node to
 * check the page's numbers) share it, so it uses nothing but the language.
 */

/**
 * Runs `code` with `ad` and the three helpers, collecting what they are given. Returns
 * `{ outputs, values, error }`: `outputs` in order (`{ kind: 'text', text }`, `{ kind: 'plot',
 * spec }`, `{ kind: 'heatmap', spec }`), `values` what each `print` call printed as plain data,
 * and `error` (null, or `{ name, message, adjoint, line }`) if the code threw.
 */
export function runCode(ad, code) {
  const outputs = [];
  const values = [];
  const plain = (v) => toPlain(ad, v);
  const print = (...args) => {
    outputs.push({ kind: 'text', text: args.map((a) => format(ad, a)).join(' ') });
    values.push(args.length === 1 ? plain(args[0]) : args.map(plain));
  };
  const plot = (x, y, options) => outputs.push({ kind: 'plot', spec: plotSpec(ad, plain, x, y, options) });
  const heatmap = (matrix, options = {}) => {
    const rows = plain(matrix);
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.length === rows[0].length)) {
      throw new TypeError('heatmap(matrix, options?): matrix must be a 2-D tensor or an array of equal-length rows');
    }
    outputs.push({ kind: 'heatmap', spec: { rows, ...options } });
  };
  let error = null;
  try {
    new Function('ad', 'print', 'plot', 'heatmap', code)(ad, print, plot, heatmap);
  } catch (e) {
    error = describeError(ad, e);
  }
  return { outputs, values, error };
}

/** Tensors to nested arrays (a 0-d tensor to a number), inside arrays and plain objects too. */
export function toPlain(ad, v) {
  if (v instanceof ad.Tensor) return v.toArray();
  if (Array.isArray(v)) return v.map((e) => toPlain(ad, e));
  if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) return Array.from(v);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, toPlain(ad, e)]));
  }
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  return v === undefined ? null : v;
}

/** How `print` shows a value: a tensor as its toString(), a string as is, the rest as JSON-like text. */
function format(ad, v) {
  if (typeof v === 'string') return v;
  if (v instanceof ad.Tensor) return v.toString();
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null || typeof v === 'bigint') return String(v);
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  return JSON.stringify(toPlain(ad, v), (_, e) => (typeof e === 'number' && !Number.isFinite(e) ? String(e) : e));
}

/**
 * plot(y), plot(x, y) or plot(x, { label: y, … }), with options last ({ title, xLabel, yLabel,
 * logX, logY }): one or several series over shared x values (0, 1, … when x is left out).
 */
function plotSpec(ad, plain, x, y, options) {
  const isData = (v) => v instanceof ad.Tensor || Array.isArray(v) || ArrayBuffer.isView(v);
  const isSeries = (v) => v !== null && typeof v === 'object' && !isData(v) && Object.keys(v).length > 0 && Object.values(v).every(isData);
  if (!isData(y) && !isSeries(y)) [x, y, options] = [undefined, x, y];
  const series = Object.entries(isSeries(y) ? y : { y }).map(([label, s]) => ({ label, y: numbers(plain(s), label) }));
  const xs = x === undefined ? series[0].y.map((_, i) => i) : numbers(plain(x), 'x');
  for (const s of series) {
    if (s.y.length !== xs.length) throw new TypeError(`plot: ${s.label} has ${s.y.length} values for ${xs.length} x values`);
  }
  return { x: xs, series, ...(options ?? {}) };
}

function numbers(values, what) {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) {
    throw new TypeError(`plot: ${what} must be a 1-D tensor or an array of numbers`);
  }
  return values;
}

/** An error as the page shows it; `line` is the line of the editor's code that threw, when the stack says. */
export function describeError(ad, e) {
  if (!(e instanceof Error)) return { name: 'Thrown value', message: String(e), adjoint: false, line: null };
  // V8 and SpiderMonkey put two lines ("function anonymous(…\n) {") before the body of a new Function.
  const at = /(?:<anonymous>|Function):(\d+):\d+/.exec(e.stack ?? '');
  return { name: e.name, message: e.message, adjoint: e instanceof ad.AdjointError, line: at ? Number(at[1]) - 2 : null };
}
