// require('adjoint') from CommonJS (Node ≥ 20.19 loads the ES module).
const ad = require('adjoint');

const x = ad.tensor([0, 1, 2]);
console.log(JSON.stringify({
  grad: ad.grad((t) => ad.sum(ad.mul(ad.sin(t), t)))(x).toArray(),
  tensorClass: x instanceof ad.Tensor,
  version: require('adjoint/package.json').version,
}));
