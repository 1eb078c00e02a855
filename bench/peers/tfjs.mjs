// TensorFlow.js (tfjs-core with the pure-JS cpu backend or the WebAssembly backend, float32) as a bench peer: the workloads written as a TF.js user would.
import { K as CRF_K } from '../workloads/w2.mjs';
import { n as PCFG_n, N as PCFG_N } from '../workloads/w3.mjs';

/** float32 against the float64 plain reference: a normwise relative tolerance a clearly wrong gradient still fails. */
export const TOL32 = 1e-4;
const NOTE32 = 'float32, checked to 1e-4';

/** Loads TF.js with `backend` ('cpu' or 'wasm'; one per process) and returns its peer rows. */
export async function load({ backend = 'cpu' } = {}) {
  // The CommonJS bundles Node would pick register no gradients; the ESM sources that do import paths
  // without '.js', hence the resolve hook, which also keeps one copy of tfjs-core for core, gradients and backend.
  const { register } = await import('node:module');
  register('./tfjs-resolve-hook.mjs', import.meta.url);
  // Its ESM platform_node.js calls require('util') while loading: lend it one for the import only.
  const { createRequire } = await import('node:module');
  const hadRequire = 'require' in globalThis;
  if (!hadRequire) globalThis.require = createRequire(import.meta.url);
  let tf;
  try {
    tf = await import('@tensorflow/tfjs-core/dist/index.js');
  } finally {
    if (!hadRequire) delete globalThis.require;
  }
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js'); // some gradients call x.reshape() etc.
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm/dist/index.js');
    // Node reads the .wasm files from the package (SIMD, and threads if the runtime allows them).
    const { fileURLToPath } = await import('node:url');
    const { dirname } = await import('node:path');
    const dir = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm/dist/index.js')));
    wasm.setWasmPaths(`${dir}/`);
  } else {
    await import('@tensorflow/tfjs-backend-cpu/dist/index.js');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not start`);
  await tf.ready();
  const impl = `tfjs-${backend}`;
  const t32 = (a, shape) => tf.tensor(Float32Array.from(a), shape, 'float32');
  const num = (t) => t.dataSync()[0];

  /** One workload's row: `make(d)` builds { f, vg } on tensors made from d (untimed); both return plain-style results. */
  const row = (make, extra = {}) => {
    let fns = null;
    return {
      impl,
      tol: TOL32,
      note: NOTE32,
      ...extra,
      prepare(d) {
        fns = make(d);
      },
      f: () => tf.tidy(() => fns.f()),
      vg: () => tf.tidy(() => fns.vg()),
      dispose() {
        fns?.dispose?.();
        fns = null;
      },
    };
  };

  const mlp = (d) => {
    const B = d.y.length, D = d.X.length / B, Hn = d.b1.length, C = d.b2.length;
    const Yoh = new Float32Array(B * C);
    for (let i = 0; i < B; i++) Yoh[i * C + d.y[i]] = 1;
    const X = t32(d.X, [B, D]), Y = tf.tensor(Yoh, [B, C]);
    const P = { W1: t32(d.W1, [D, Hn]), b1: t32(d.b1, [Hn]), W2: t32(d.W2, [Hn, C]), b2: t32(d.b2, [C]) };
    const loss = (W1, b1, W2, b2) => {
      const H = tf.tanh(tf.add(tf.matMul(X, W1), b1));
      const logits = tf.add(tf.matMul(H, W2), b2);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), Y), 1)));
    };
    const all = [X, Y, ...Object.values(P)];
    return { X, Y, P, loss, dispose: (more = []) => tf.dispose([...all, ...more]) };
  };

  const byId = {
    W1: () => [
      row((d) => {
        const m = mlp(d);
        const { W1, b1, W2, b2 } = m.P;
        const vgf = tf.valueAndGrads(m.loss);
        return {
          f: () => num(m.loss(W1, b1, W2, b2)),
          vg: () => {
            const { value, grads } = vgf([W1, b1, W2, b2]);
            const [g1, gb1, g2, gb2] = grads.map((g) => g.dataSync());
            return { value: num(value), grads: { W1: g1, b1: gb1, W2: g2, b2: gb2 } };
          },
          dispose: () => m.dispose(),
        };
      }),
    ],
    W7: () => [
      row(
        (d) => {
          const m = mlp(d);
          const { W1, b1, W2, b2 } = m.P;
          const V = t32(d.V, W1.shape);
          const lossW1 = (W) => m.loss(W, b1, W2, b2);
          // No forward mode in TF.js: H·V as the gradient of <∇L(W1), V>.
          const hvp = tf.grad((W) => tf.sum(tf.mul(tf.grad(lossW1)(W), V)));
          return {
            f: () => num(lossW1(W1)),
            vg: () => ({ grads: { HV: hvp(W1).dataSync() } }),
            dispose: () => m.dispose([V]),
          };
        },
        { note: `${NOTE32}; HVP as grad of <grad, V> (TF.js has no forward mode; its tanh and logSoftmax gradients are not differentiable again)` },
      ),
    ],
    W2: () => [
      row((d) => {
        const K = CRF_K;
        const E = t32(d.E, [d.n, K]), T = t32(d.T, [K, K]);
        const logZ = (E, T) => {
          const rows = tf.unstack(E);
          let alpha = rows[0];
          for (let t = 1; t < rows.length; t++) alpha = tf.add(tf.logSumExp(tf.add(tf.reshape(alpha, [K, 1]), T), 0), rows[t]);
          return tf.logSumExp(alpha);
        };
        const vgf = tf.valueAndGrads(logZ);
        return {
          f: () => num(logZ(E, T)),
          vg: () => {
            const { value, grads } = vgf([E, T]);
            return { value: num(value), grads: { E: grads[0].dataSync(), T: grads[1].dataSync() } };
          },
          dispose: () => tf.dispose([E, T]),
        };
      }),
    ],
    W5: () => [
      row((d) => {
        const Ms = d.Ms.map((m) => t32(m, [16, 16]));
        const chain = (...Ms) => tf.sum(Ms.reduce((acc, M) => tf.matMul(acc, M)));
        const vgf = tf.valueAndGrads(chain);
        return {
          f: () => num(chain(...Ms)),
          vg: () => {
            const { value, grads } = vgf(Ms);
            return { value: num(value), grads: { Ms: grads.map((g) => g.dataSync()) } };
          },
          dispose: () => tf.dispose(Ms),
        };
      }),
    ],
    W4: () => [
      row(
        (d) => {
          const x = t32(d.x, [d.x.length]);
          const vgf = tf.valueAndGrad((x) => tf.prod(x));
          return {
            f: () => num(tf.prod(x)),
            vg: () => {
              const { value, grad } = vgf(x);
              return { value: num(value), grads: { x: grad.dataSync() } };
            },
            dispose: () => tf.dispose([x]),
          };
        },
        { tol: 1e-3, note: 'float32, checked to 1e-3 (a product of up to 1e6 float32 factors)' },
      ),
    ],
    W6S: () => [
      row((d) => {
        const a = tf.scalar(d.a), b = tf.scalar(d.b);
        const rec = (a, b) => {
          let x = tf.scalar(0.5);
          for (let t = 0; t < d.steps; t++) x = tf.add(tf.mul(a, tf.sin(x)), tf.mul(b, x));
          return x;
        };
        const vgf = tf.valueAndGrads(rec);
        return {
          f: () => num(rec(a, b)),
          vg: () => {
            const { value, grads } = vgf([a, b]);
            return { value: num(value), grads: { a: num(grads[0]), b: num(grads[1]) } };
          },
          dispose: () => tf.dispose([a, b]),
        };
      }),
    ],
    W6: () => [{ impl, skip: 'skipped: impractical at T=1e5 (about 19 s and 5 GB per gradient, issue 7); measured at T=1e3 as W6S' }],
    W3: () => [
      row((d) => {
        const n = PCFG_n, N = PCFG_N;
        const U = t32(d.U, [n, N]), R = t32(d.R, [N, N, N]);
        // The chart as one tensor per span width w: beta[w] is [n−w+1, N], row i the span (i, i+w).
        const logZ = (U, R) => {
          const R2 = tf.reshape(R, [1, N, N * N]);
          const beta = [null, U];
          for (let w = 2; w <= n; w++) {
            const m = n - w + 1;
            const S = [];
            for (let l = 1; l < w; l++) {
              const left = tf.slice(beta[l], [0, 0], [m, N]); // spans (i, i+l)
              const right = tf.slice(beta[w - l], [l, 0], [m, N]); // spans (i+l, i+w)
              S.push(tf.add(tf.reshape(left, [m, N, 1]), tf.reshape(right, [m, 1, N])));
            }
            const M = tf.logSumExp(tf.stack(S), 0); // [m, N, N]: the split sum over l
            beta[w] = tf.logSumExp(tf.add(R2, tf.reshape(M, [m, 1, N * N])), 2); // [m, N]
          }
          return tf.reshape(tf.slice(beta[n], [0, 0], [1, 1]), []);
        };
        const vgf = tf.valueAndGrads(logZ);
        return {
          f: () => num(logZ(U, R)),
          vg: () => {
            const { value, grads } = vgf([U, R]);
            return { value: num(value), grads: { U: grads[0].dataSync(), R: grads[1].dataSync() } };
          },
          dispose: () => tf.dispose([U, R]),
        };
      }),
    ],
  };
  // 1000 float32 logsumexp steps: measured 2.7e-4 normwise error in grad E, so 1e-3 here.
  byId.W2L = () => byId.W2().map((r) => ({ ...r, tol: 1e-3, note: 'float32, checked to 1e-3 (error grows over the 1000-step recursion)' }));

  return [{ impl, rows: (w) => (byId[w.id] ?? (() => [{ impl, skip: 'skipped: not expressed' }]))() }];
}
