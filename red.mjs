import { ad, S } from './h.mjs';
// reduce fuzz trial 39
const U = {
  abs: (x) => ad.abs(x), sqrt: (x) => ad.sqrt(ad.abs(x)), relu: (x) => ad.relu(x),
  mul: (x, y) => ad.mul(x, y), where: (x, y) => ad.where(ad.greater(x, y), x, y), maxself: (x) => ad.maximum(x, x),
  sub: (x, y) => ad.sub(x, y), div: (x, y) => ad.div(x, ad.add(ad.square(y), 1)),
};
let body = [['abs',0,0],['mul',2,3],['where',2,1],['sqrt',2,2],['mul',1,2],['sqrt',2,0],['relu',1,0],['maxself',3,2],['sub',0,3],['div',0,0]];
const makeFn = (body, T) => (a, b) => {
  let x = ad.mul(a, 0.5), y = ad.add(b, 0.1);
  for (let t = 0; t < T; t++) {
    const regs = [x, y, a, b];
    for (const [n, i, j] of body) { const r = U[n](regs[i], regs[j]); regs[i < 2 ? i : j % 2] = r; }
    x = ad.tanh(ad.add(regs[0], ad.mul(regs[1], 0.1))); y = ad.sin(ad.sub(regs[1], ad.mul(regs[0], 0.05)));
  }
  return ad.add(x, ad.mul(y, 0.5));
};
const fails = (body, T) => {
  const fn = makeFn(body, T);
  const vg = ad.valueAndGrad(fn, [0, 1]);
  const r = vg(S(NaN), S(1))[1].map((t) => t.item());
  const j = ad.jit(vg); j(S(NaN), S(1)); j(S(NaN), S(1));
  const q = j(S(NaN), S(1))[1].map((t) => t.item());
  return [JSON.stringify(r) !== JSON.stringify(q), r, q];
};
let T = 875;
console.log(fails(body, T));
for (const t of [1, 2, 5, 20]) if (fails(body, t)[0]) { T = t; break; }
console.log('T', T);
let changed = true;
while (changed) { changed = false; for (let k = 0; k < body.length; k++) { const b2 = body.filter((_, i) => i !== k); if (b2.length && fails(b2, T)[0]) { body = b2; changed = true; break; } } }
console.log(JSON.stringify(body), T, fails(body, T));
