// Hypergradient descent
// Tuning a ridge penalty λ = exp(ρ) by gradient descent on the validation loss: each step's
// hypergradient dL_val/dρ goes through ad.argmin by the implicit function theorem (one CG solve).
// Data as in docs/hypergradients.md.
const X = ad.tensor([[1, 0], [1, 1], [1, 2], [1, 3]]);
const y = ad.tensor([1, 2, 2, 4]);
const Xv = ad.tensor([[1, 1.5], [1, 2.5]]);
const yv = ad.tensor([2, 3.5]);
const trainLoss = (lam) => (theta) =>
  ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(X, theta), y)))), ad.mul(0.5, ad.mul(lam, ad.sum(ad.square(theta)))));
const validation = (theta) => ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.matmul(Xv, theta), yv))));
const outer = (rho) => validation(ad.argmin(trainLoss(ad.exp(rho)), ad.zeros([2]), { tol: 1e-12 }));

let rho = ad.scalar(3); // λ ≈ 20: far too much shrinkage
const losses = [], lambdas = [];
for (let step = 0; step < 30; step++) {
  const [loss, g] = ad.valueAndGrad(outer)(rho);
  losses.push(loss.item());
  lambdas.push(Math.exp(rho.item()));
  rho = ad.sub(rho, ad.mul(0.5, g)); // a plain gradient step on ρ
}
plot(losses, { title: 'Validation loss per outer step', xLabel: 'step', yLabel: 'L_val(θ*(λ))', logY: true });
plot({ 'λ': lambdas }, { title: 'The penalty λ = exp(ρ)', xLabel: 'step' });
print('validation loss, first and last:', losses[0], losses.at(-1));
print('λ after 30 steps:', lambdas.at(-1));
print('losses:', losses);
