// A function and its derivatives
// f(x) = sin(2x)·exp(−x²/4) on [−4, 4], with f' and f'' from grad of grad, mapped over the
// points by vmap: each derivative is one batched pass, not 201 calls.
const f = (x) => ad.mul(ad.sin(ad.mul(2, x)), ad.exp(ad.div(ad.square(x), -4)));
const df = ad.grad(f);
const d2f = ad.grad(df);
const xs = ad.linspace(-4, 4, 201);
const [y0, y1, y2] = [ad.vmap(f)(xs), ad.vmap(df)(xs), ad.vmap(d2f)(xs)];
plot(xs, { "f": y0, "f'": y1, "f''": y2 }, { title: 'f(x) = sin(2x)·exp(−x²/4) and its derivatives', xLabel: 'x' });

// Against the closed form f'(x) = (2cos(2x) − (x/2)sin(2x))·exp(−x²/4):
const x = xs.toArray();
const exact = x.map((t) => (2 * Math.cos(2 * t) - (t / 2) * Math.sin(2 * t)) * Math.exp(-t * t / 4));
print("f'(0) =", df(0));                          // 2
print("f''(0) =", d2f(0));                        // 0: f is odd
print('largest error of vmap(grad(f)):', Math.max(...y1.toArray().map((v, i) => Math.abs(v - exact[i]))));
