// Loopy belief propagation in Float64Array loops, for W12: damped sum-product in log space over directed edges (the
// same arithmetic as ad.PairwiseMRF's 'bp': flooding updates, each message normalised, damping a geometric mixture
// renormalised), the loss Σ_v b_v(1), and its gradient by hand-written reverse mode storing every iteration's messages.

/** Directed edges of an undirected edge list [[s, t], …]: d = e runs s → t, d = E + e runs t → s. */
export function directedEdges(edges) {
  const E = edges.length;
  const src = new Int32Array(2 * E), tgt = new Int32Array(2 * E), rev = new Int32Array(2 * E);
  edges.forEach(([s, t], e) => {
    src[e] = s; tgt[e] = t; rev[e] = E + e;
    src[E + e] = t; tgt[E + e] = s; rev[E + e] = e;
  });
  return { E, D: 2 * E, src, tgt, rev };
}

/** field[v, k] = u[v, k] + Σ_{d → v} m[d, k]. */
function fieldOf(g, u, m, V, K, out) {
  out.set(u);
  for (let d = 0; d < g.D; d++) { const v = g.tgt[d] * K, r = d * K; for (let k = 0; k < K; k++) out[v + k] += m[r + k]; }
  return out;
}

/** In place: row ← row − logsumexp(row). */
function normalise(x, at, K) {
  let mx = -Infinity;
  for (let k = 0; k < K; k++) mx = Math.max(mx, x[at + k]);
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.exp(x[at + k] - mx);
  const l = mx + Math.log(s);
  for (let k = 0; k < K; k++) x[at + k] -= l;
}

/** One damped update m → next with a Potts pairwise θ(i, j) = strength·[i = j]; `a` receives the undamped normalised messages. */
function step(g, u, strength, m, V, K, alpha, field, next, a) {
  fieldOf(g, u, m, V, K, field);
  for (let d = 0; d < g.D; d++) {
    const s = g.src[d] * K, r = g.rev[d] * K, o = d * K;
    for (let j = 0; j < K; j++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, field[s + k] - m[r + k] + (k === j ? strength : 0));
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(field[s + k] - m[r + k] + (k === j ? strength : 0) - mx);
      a[o + j] = mx + Math.log(sum);
    }
    normalise(a, o, K);
    for (let j = 0; j < K; j++) next[o + j] = (1 - alpha) * a[o + j] + alpha * m[o + j];
    if (alpha !== 0) normalise(next, o, K);
  }
}

/** Σ_v softmax(field_v)[1] after `iterations` steps from m = 0. */
export function bpLoss(g, u, strength, V, K, iterations, alpha) {
  let m = new Float64Array(g.D * K), next = new Float64Array(g.D * K);
  const a = new Float64Array(g.D * K), field = new Float64Array(V * K);
  for (let t = 0; t < iterations; t++) { step(g, u, strength, m, V, K, alpha, field, next, a); [m, next] = [next, m]; }
  fieldOf(g, u, m, V, K, field);
  let loss = 0;
  for (let v = 0; v < V; v++) {
    let mx = -Infinity, s = 0;
    for (let k = 0; k < K; k++) mx = Math.max(mx, field[v * K + k]);
    for (let k = 0; k < K; k++) s += Math.exp(field[v * K + k] - mx);
    loss += Math.exp(field[v * K + 1] - mx) / s;
  }
  return loss;
}

/** The loss and its gradient with respect to u [V·K] and the Potts strength. */
export function bpLossGrad(g, u, strength, V, K, iterations, alpha) {
  const N = g.D * K;
  const ms = [new Float64Array(N)];
  const a = new Float64Array(N), field = new Float64Array(V * K);
  for (let t = 0; t < iterations; t++) {
    const next = new Float64Array(N);
    step(g, u, strength, ms[t], V, K, alpha, field, next, a);
    ms.push(next);
  }
  const gu = new Float64Array(V * K);
  let gs = 0;
  // Loss = Σ_v b_v(1), b_v = softmax(field_v): field̄ = b ⊙ (ḃ − ⟨b, ḃ⟩) with ḃ = e_1.
  fieldOf(g, u, ms[iterations], V, K, field);
  const fieldBar = new Float64Array(V * K);
  let loss = 0;
  for (let v = 0; v < V; v++) {
    const o = v * K;
    let mx = -Infinity, s = 0;
    for (let k = 0; k < K; k++) mx = Math.max(mx, field[o + k]);
    for (let k = 0; k < K; k++) s += Math.exp(field[o + k] - mx);
    const b1 = Math.exp(field[o + 1] - mx) / s;
    loss += b1;
    for (let k = 0; k < K; k++) { const b = Math.exp(field[o + k] - mx) / s; fieldBar[o + k] = b * ((k === 1 ? 1 : 0) - b1); }
  }
  let mBar = new Float64Array(N);
  const scatterField = (fb, mb) => {
    for (let i = 0; i < V * K; i++) gu[i] += fb[i];
    for (let d = 0; d < g.D; d++) { const v = g.tgt[d] * K, r = d * K; for (let k = 0; k < K; k++) mb[r + k] += fb[v + k]; }
  };
  scatterField(fieldBar, mBar);
  const sm = new Float64Array(K), aBar = new Float64Array(K), w = new Float64Array(K);
  for (let t = iterations - 1; t >= 0; t--) {
    const m = ms[t], mNext = ms[t + 1];
    const prevBar = new Float64Array(N);
    fieldOf(g, u, m, V, K, field);
    fieldBar.fill(0);
    for (let d = 0; d < g.D; d++) {
      const s = g.src[d] * K, r = g.rev[d] * K, o = d * K;
      // mNext = mixed − lse(mixed): mixed̄ = m̄ − softmax(mixed)·Σ m̄, and softmax(mixed) = exp(mNext).
      let tot = 0;
      for (let j = 0; j < K; j++) tot += mBar[o + j];
      const mixedBar = sm;
      for (let j = 0; j < K; j++) mixedBar[j] = alpha !== 0 ? mBar[o + j] - Math.exp(mNext[o + j]) * tot : mBar[o + j];
      for (let j = 0; j < K; j++) prevBar[o + j] += alpha * mixedBar[j];
      // The undamped normalised message n = a − lse(a); recompute a.
      for (let j = 0; j < K; j++) {
        let mx = -Infinity, sum = 0;
        for (let k = 0; k < K; k++) mx = Math.max(mx, field[s + k] - m[r + k] + (k === j ? strength : 0));
        for (let k = 0; k < K; k++) sum += Math.exp(field[s + k] - m[r + k] + (k === j ? strength : 0) - mx);
        a[o + j] = mx + Math.log(sum);
      }
      let amx = -Infinity, as = 0;
      for (let j = 0; j < K; j++) amx = Math.max(amx, a[o + j]);
      for (let j = 0; j < K; j++) as += Math.exp(a[o + j] - amx);
      let nTot = 0;
      for (let j = 0; j < K; j++) nTot += (1 - alpha) * mixedBar[j];
      for (let j = 0; j < K; j++) aBar[j] = (1 - alpha) * mixedBar[j] - (Math.exp(a[o + j] - amx) / as) * nTot;
      // a_j = lse_k(c_k + θ_kj): c̄_k = Σ_j ā_j softmax_k(c + θ_·j), strength̄ = Σ_j ā_j softmax_j(c_j + θ_jj).
      for (let k = 0; k < K; k++) w[k] = 0;
      for (let j = 0; j < K; j++) {
        for (let k = 0; k < K; k++) {
          const p = Math.exp(field[s + k] - m[r + k] + (k === j ? strength : 0) - a[o + j]);
          w[k] += aBar[j] * p;
          if (k === j) gs += aBar[j] * p;
        }
      }
      // c = field[src] − m[rev].
      for (let k = 0; k < K; k++) { fieldBar[s + k] += w[k]; prevBar[r + k] -= w[k]; }
    }
    scatterField(fieldBar, prevBar);
    mBar = prevBar;
  }
  return { value: loss, gu, gs };
}
