// A user's program, bundled by every bundler and format in packaging.test.ts and run: it prints
// one JSON line with a gradient, the names of errors adjoint throws, and anomaly mode's site.
// The marker string opens the user's code in a bundle (it survives minification).
import * as ad from 'adjoint';

const report = { begin: 'USER-CODE-BEGIN' };

function userModel(x) {
  return ad.sum(ad.sqrt(ad.sub(x, 5)));
}

report.grad = ad.grad((x) => ad.sum(ad.mul(ad.sin(x), x)))(ad.tensor([0, 1, 2])).toArray();
report.hvp = ad.hvp((x) => ad.sum(ad.pow(x, 3)), ad.tensor([1, 2]), ad.tensor([1, 0])).toArray();
try {
  ad.add(ad.zeros([2, 3]), ad.zeros([4]));
} catch (e) {
  report.shapeError = { name: e.name, adjoint: e instanceof ad.AdjointError, shape: e instanceof ad.ShapeError };
}
try {
  ad.cg((v) => ad.mul(v, ad.tensor([1, 100, 10000])), ad.ones([3]), { maxIter: 1, tol: 1e-14, throw: true });
} catch (e) {
  report.convergenceError = { name: e.name, adjoint: e instanceof ad.AdjointError };
}
try {
  ad.detectAnomalies(() => userModel(ad.tensor([9, 1])));
} catch (e) {
  report.anomaly = { name: e.name, op: e.op, site: e.site };
}
report.backend = ad.backendInfo();
console.log(JSON.stringify(report));
