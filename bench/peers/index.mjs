// Loads the JavaScript peers (TensorFlow.js, jax-js) lazily for the bench: a peer that is missing or fails to start becomes a note, not a crash.

/** [module path, impl names it may provide]. */
const PEER_MODULES = [
  ['./tfjs.mjs', ['tfjs-cpu', 'tfjs-wasm']],
  ['./jaxjs.mjs', ['jax-js']],
];

/**
 * Imports each peer module and calls its `load()`, which returns [{ impl, rows(w) }]: rows(w) gives
 * the alternatives ({ impl, f, vg, prepare?, tol?, note? } or { impl, skip }) a peer offers for workload w.
 * Returns { forWorkload(w), status: [lines for the log] }.
 */
export async function loadPeers() {
  const peers = [];
  const status = [];
  const missing = [];
  for (const [path, names] of PEER_MODULES) {
    try {
      const mod = await import(path);
      const loaded = await mod.load();
      for (const p of loaded) {
        peers.push(p);
        status.push(`${p.impl}: ${p.skip ? p.skip : 'ready'}`);
      }
    } catch (e) {
      const why = `skipped: could not load (${String(e?.message ?? e).split('\n')[0].slice(0, 120)})`;
      for (const impl of names) {
        missing.push({ impl, skip: why });
        status.push(`${impl}: ${why}`);
      }
    }
  }
  return {
    status,
    forWorkload(w) {
      const out = [];
      for (const p of peers) {
        if (p.skip) {
          out.push({ impl: p.impl, peer: true, skip: p.skip });
          continue;
        }
        let rows;
        try {
          rows = p.rows(w);
        } catch (e) {
          rows = [{ impl: p.impl, skip: `failed: ${e?.message ?? e}` }];
        }
        for (const r of rows) out.push({ ...r, peer: true });
      }
      for (const m of missing) out.push({ ...m, peer: true });
      return out;
    },
  };
}
