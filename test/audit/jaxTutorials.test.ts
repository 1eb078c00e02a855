/**
 * @file JAX's own tutorials and documentation pages, ported to adjoint as a user would port them, each
 * example asserting the number the page prints (helper 111). The pages run JAX in float32 (x64 off),
 * so their numbers are float32 values: adjoint computes in float64 and must land within float32's
 * precision of them (a few ulps, `f32` below). Where a page's inputs are random draws, they are JAX's
 * float32 draws rebuilt from adjoint's JAX-exact 32-bit `random.bits` (`normal32`), so those pages'
 * numbers are reproduced end to end. Where a page prints no number (jax.checkpoint's pages print
 * only which residuals are saved), the reference is PyTorch 1.13 in float64, pasted as literals.
 *
 * Sources (jax-ml/jax, docs/ at cec06d1, the old jax-101 notebooks at 10ed827^ which kept outputs):
 *   - "The Autodiff Cookbook": docs/notebooks/autodiff_cookbook.ipynb
 *   - "Custom derivative rules for JAX-transformable Python functions":
 *     docs/notebooks/Custom_derivative_rules_for_Python_code.ipynb
 *   - "Automatic vectorization": docs/automatic-vectorization.md (outputs: docs/jax-101/03-vectorization.ipynb)
 *   - "Advanced automatic differentiation": docs/jax-101/04-advanced-autodiff.ipynb
 *   - "JAX Quickstart" / "JAX as accelerated NumPy": docs/notebooks/quickstart.ipynb, docs/jax-101/01-jax-basics.ipynb
 *   - "Control flow and logical operators with JIT": docs/control-flow.md; "🔪 JAX - The Sharp Bits 🔪":
 *     docs/notebooks/Common_Gotchas_in_JAX.ipynb
 *   - "Pseudorandom numbers": docs/random-numbers.md (outputs: docs/jax-101/05-random-numbers.ipynb)
 *   - "Gradient checkpointing with jax.checkpoint": docs/gradient-checkpointing.md, docs/notebooks/autodiff_remat.ipynb
 *   - docstring examples of jax.lax (control_flow/loops.py, conditionals.py) and jax.numpy
 *     (lax_numpy.py, indexing.py, einsum.py, linalg.py)
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const { random } = ad;
const f32r = Math.fround;

/** Flattened values of a tensor, a number or nested arrays. */
function flat(x: unknown): number[] {
  if (x instanceof ad.Tensor) return Array.from(x.toFloat64Array());
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return x.flatMap(flat);
  throw new Error(`flat: ${String(x)}`);
}

/** The shape of nested arrays. */
function shapeOf(x: unknown): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0])] : [];
}

/**
 * `actual` equals a page's printed float32 value(s) to float32 precision: |a − p| ≤ rtol·|p| + atol
 * entrywise (rtol 2e-6: a float32 computation's few ulps plus the page's rounding of the print), shapes equal.
 */
function f32(actual: Tensor | number, printed: unknown, rtol = 2e-6, atol = 1e-8): void {
  if (actual instanceof ad.Tensor && !(typeof printed === 'number' && actual.ndim > 0)) expect(actual.shape).toEqual(shapeOf(printed));
  const a = flat(actual), p = flat(printed);
  expect(a.length).toBe(p.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(p[i]!)) expect(a[i]).toBeNaN();
    else if (!Number.isFinite(p[i]!)) expect(a[i]).toBe(p[i]);
    else if (Math.abs(a[i]! - p[i]!) > rtol * Math.abs(p[i]!) + atol) {
      throw new Error(`entry ${i}: adjoint ${a[i]} vs the page's ${p[i]} (|diff| ${Math.abs(a[i]! - p[i]!)})`);
    }
  }
}

/** Exact equality of values, −0 equal to 0 (the page prints integers or exactly representable numbers). */
function exact(actual: Tensor | number, printed: unknown): void {
  if (actual instanceof ad.Tensor) expect(actual.shape).toEqual(shapeOf(printed));
  const plusZero = (v: number) => (v === 0 ? 0 : v);
  expect(flat(actual).map(plusZero)).toEqual(flat(printed).map(plusZero));
}

/**
 * JAX's float32 `random.normal(key, shape)` (x64 off): 32 random bits per value (adjoint's
 * `random.bits` are JAX's, bit for bit), their top 23 as a float32 in [1, 2) minus 1, scaled to
 * [nextafter(−1, 0), 1) in float32 arithmetic (maxval − minval rounds to 2), then √2·erfinv(u) rounded
 * to float32. XLA's float32 erfinv is a polynomial, so a draw may differ from JAX's in the last ulps.
 */
function normal32(key: ad.random.Key, shape: number[]): Tensor {
  const bits = random.bits(key, shape).toFloat64Array();
  const lo = f32r(-0.99999994);
  const out = new Float64Array(bits.length);
  const word = new DataView(new ArrayBuffer(4));
  bits.forEach((b, i) => {
    word.setUint32(0, ((b >>> 9) | 0x3f800000) >>> 0);
    const unit = f32r(word.getFloat32(0) - 1);
    const u = Math.max(lo, f32r(f32r(unit * 2) + lo));
    out[i] = f32r(Math.SQRT2 * ad.erfinv(u).item());
  });
  return ad.tensor(out, shape);
}

describe('The Autodiff Cookbook (docs/notebooks/autodiff_cookbook.ipynb)', () => {
  // Cell 1 and 8: key = random.key(0); key, W_key, b_key = random.split(key, 3).
  const keys0 = random.split(random.key(0), 3);
  const W = normal32(keys0[1]!, [3]);
  const b = normal32(keys0[2]!, []);
  const sigmoid = (x: Tensor) => ad.mul(0.5, ad.add(ad.tanh(ad.div(x, 2)), 1));
  const predict = (w: Tensor, bias: Tensor, x: Tensor) => sigmoid(ad.add(ad.dot(x, w), bias));
  const inputs = ad.tensor([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]]);
  const targets = ad.tensor([1, 1, 0, 1]); // [True, True, False, True]
  const loss = (w: Tensor, bias: Tensor) => {
    const preds = predict(w, bias, inputs);
    const labelProbs = ad.add(ad.mul(preds, targets), ad.mul(ad.sub(1, preds), ad.sub(1, targets)));
    return ad.neg(ad.sum(ad.log(labelProbs)));
  };
  const Wgrad = [-0.16965576, -0.8774645, -1.4901344];
  const bgrad = -0.29227236;
  const J = [
    [0.05981756, 0.12883782, 0.088576],
    [0.04015914, -0.04928622, 0.00684531],
    [0.12188289, 0.01406341, -0.3047072],
    [0.00140428, -0.00472522, 0.00263777],
  ];
  const f = (w: Tensor) => predict(w, b, inputs);

  it('grad of tanh, to third order (cells 4, 6)', () => {
    f32(ad.grad(ad.tanh)(2.0), 0.070650935);
    f32(ad.grad(ad.grad(ad.tanh))(2.0), -0.13621889);
    f32(ad.grad(ad.grad(ad.grad(ad.tanh)))(2.0), 0.2526544);
  });

  it('logistic regression: grad with argnums 0, 1, (0, 1); pytrees; valueAndGrad (cells 10, 14, 18)', () => {
    f32(ad.grad(loss, 0)(W, b), Wgrad);
    f32(ad.grad(loss)(W, b), Wgrad);
    f32(ad.grad(loss, 1)(W, b), bgrad);
    const [gw, gb] = ad.grad(loss, [0, 1])(W, b);
    f32(gw, Wgrad);
    f32(gb, bgrad);
    const loss2 = (params: { W: Tensor; b: Tensor }) => loss(params.W, params.b);
    const g2 = ad.grad(loss2)({ W, b });
    expect(Object.keys(g2).sort()).toEqual(['W', 'b']);
    f32(g2.W, Wgrad);
    f32(g2.b, bgrad);
    const [value, [vw, vb]] = ad.valueAndGrad(loss, [0, 1])(W, b);
    f32(value, 3.051939);
    f32(loss(W, b), 3.051939);
    f32(vw, Wgrad);
    f32(vb, bgrad);
  });

  it('the directional derivative along a random unit vector, and check_grads to order 2 (cells 20, 22)', () => {
    // key, subkey = random.split(key): key is the first of the three keys above.
    const [, subkey] = random.split(keys0[0]!);
    const vec = normal32(subkey!, [3]);
    const unitvec = ad.div(vec, ad.sqrt(ad.vdot(vec, vec)));
    f32(ad.vdot(ad.grad(loss)(W, b), unitvec), -0.19909099);
    // The page's finite differences (eps = 1e-4 in float32: b −0.29563904, W −0.19788742) are float32
    // rounding noise; in float64 the same central differences agree with autodiff.
    const eps = 1e-4;
    const bNumerical = (loss(W, ad.add(b, eps / 2)).item() - loss(W, ad.sub(b, eps / 2)).item()) / eps;
    expect(Math.abs(bNumerical - ad.grad(loss, 1)(W, b).item())).toBeLessThan(1e-8);
    // check_grads(loss, (W, b), order=2): first and second order.
    expect(ad.checkGrad(loss, [W, b]).ok).toBe(true);
    expect(ad.checkGrad((w: Tensor, bias: Tensor) => ad.vdot(ad.grad(loss)(w, bias), unitvec), [W, b]).ok).toBe(true);
  });

  it('jacfwd and jacrev, of an array and of a dict (cells 28, 31)', () => {
    f32(ad.jacfwd(f)(W), J, 2e-6, 2e-8);
    f32(ad.jacrev(f)(W), J, 2e-6, 2e-8);
    const predictDict = (params: { W: Tensor; b: Tensor }, x: Tensor) => predict(params.W, params.b, x);
    const Jdict = ad.jacrev(predictDict)({ W, b }, inputs);
    f32(Jdict.W, J, 2e-6, 2e-8);
    f32(Jdict.b, [0.11503378, 0.04563539, 0.23439017, 0.00189768], 2e-6, 2e-8);
  });

  it('hessian as jacfwd(jacrev(f)), and the grad-of-grad hvp against it (cells 24, 34)', () => {
    const H = [
      [[0.02285465, 0.0492254, 0.03384246], [0.0492254, 0.10602394, 0.07289147], [0.03384246, 0.07289146, 0.05011288]],
      [[-0.03195214, 0.03921399, -0.00544639], [0.03921399, -0.04812626, 0.0066842], [-0.00544639, 0.0066842, -0.00092836]],
      [[-0.01583708, -0.00182736, 0.03959271], [-0.00182736, -0.00021085, 0.00456839], [0.03959271, 0.00456839, -0.09898177]],
      [[-0.00103522, 0.00348336, -0.00194453], [0.00348336, -0.01172105, 0.00654308], [-0.00194453, 0.00654308, -0.00365256]],
    ];
    const hessian = (fn: (x: Tensor) => Tensor) => ad.jacfwd(ad.jacrev(fn) as (x: Tensor) => Tensor);
    // Example 3 is saturated (p(1 − p) = 0.0019), where float32's 1 − tanh² loses digits: the page's
    // entries there are off by up to 4e-6 relative. PyTorch in float64 gives that block exactly
    // (torch.autograd.functional.jacobian twice, at the same float32 W and b).
    // (The page's own hessian; ad.hessian, unlike jax.hessian, takes scalar functions only.)
    const Hf = hessian(f)(W) as Tensor;
    f32(Hf, H, 1e-5, 2e-8);
    const torch64 = [
      -0.0010352126666577075, 0.0034833507296995843, -0.0019445210900732614, 0.0034833507296995847, -0.011721004482367521,
      0.006543050694976246, -0.0019445210900732616, 0.006543050694976246, -0.00365254637189437,
    ];
    f32(ad.take(Hf, 3, 0), [torch64.slice(0, 3), torch64.slice(3, 6), torch64.slice(6)], 1e-12, 0);
    // hvp by reverse over reverse, on the scalar loss: H·e_j is column j of loss's Hessian.
    const hvpRevRev = (fn: (x: Tensor) => Tensor, x: Tensor, v: Tensor) => ad.grad((y: Tensor) => ad.vdot(ad.grad(fn)(y), v))(x);
    const lossW = (w: Tensor) => loss(w, b);
    const Hloss = ad.hessian(lossW)(W);
    for (let j = 0; j < 3; j++) {
      const e = ad.oneHot(ad.tensor(j), 3);
      const col = hvpRevRev(lossW, W, e);
      expect(flat(ad.sub(col, ad.take(Hloss, j, 1))).every((d) => Math.abs(d) < 1e-14)).toBe(true);
    }
  });

  it('jvp and vjp push a random vector forward and pull one back (cells 38, 42); vgrad (cell 45)', () => {
    const [k1, sub1] = random.split(random.split(keys0[0]!)[0]!);
    const v = normal32(sub1!, [3]);
    const [y, u] = ad.jvp(f, [W], [v]);
    f32(y, flat(predict(W, b, inputs)));
    // u = J v, J the page's Jacobian.
    const Jv = J.map((row) => row.reduce((s, jij, j) => s + jij * flat(v)[j]!, 0));
    f32(u, Jv, 1e-5, 1e-7);
    const [y2, vjpFun] = ad.vjp(f, W);
    const [, sub2] = random.split(k1!);
    const cot = normal32(sub2!, y2.shape as number[]);
    const [vBack] = vjpFun(cot);
    const JTu = [0, 1, 2].map((j) => J.reduce((s, row, i) => s + row[j]! * flat(cot)[i]!, 0));
    f32(vBack!, JTu, 1e-5, 1e-7);
    const vgrad = (fn: (x: Tensor) => Tensor, x: Tensor) => {
      const [out, pull] = ad.vjp(fn, x);
      return pull(ad.ones(out.shape as number[]))[0]!;
    };
    exact(vgrad((x) => ad.mul(3, ad.pow(x, 2)), ad.ones([2, 2])), [[6, 6], [6, 6]]);
  });

  it('hvp forward-over-reverse, reverse-over-forward and reverse-over-reverse agree with the dense Hessian (cells 50-56)', () => {
    const fx = (X: Tensor) => ad.sum(ad.pow(ad.tanh(X), 2));
    const [, s1, s2] = random.split(random.key(5), 3);
    // The page's X, V are (30, 40); the check is the same at (6, 8), which keeps the dense Hessian small.
    const X = normal32(s1!, [6, 8]), V = normal32(s2!, [6, 8]);
    const hvp = (fn: (x: Tensor) => Tensor, primals: [Tensor], tangents: [Tensor]) => ad.jvp(ad.grad(fn), primals, tangents)[1];
    const hvpRevFwd = (fn: (x: Tensor) => Tensor, primals: [Tensor], tangents: [Tensor]) =>
      ad.grad((p: Tensor) => ad.jvp(fn, [p], tangents)[1])(primals[0]);
    const hvpRevRev = (fn: (x: Tensor) => Tensor, primals: [Tensor], tangents: [Tensor]) =>
      ad.grad((x: Tensor) => ad.vdot(ad.grad(fn)(x), tangents[0]))(primals[0]);
    const ans1 = hvp(fx, [X], [V]);
    const ans2 = ad.tensordot(ad.hessian(fx)(X), V, 2);
    expect(ad.allclose(ans1, ans2, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
    expect(ad.allclose(hvpRevFwd(fx, [X], [V]), ans2, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
    expect(ad.allclose(hvpRevRev(fx, [X], [V]), ans2, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
    expect(ad.allclose(ad.hvp(fx, X, V), ans2, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
  });

  it('matrix-Jacobian and Jacobian-matrix products by vmap equal the loops; our_jacrev / our_jacfwd (cells 59-64)', () => {
    const [y, vjpFun] = ad.vjp(f, W);
    const U = normal32(random.key(0), [128, ...(y.shape as number[])]);
    const loopVs = ad.vstack(Array.from({ length: 128 }, (_, i) => vjpFun(ad.take(U, i, 0))[0]!));
    const [vmapVs] = ad.vmap(vjpFun)(U) as [Tensor];
    expect(ad.allclose(loopVs, vmapVs, { rtol: 1e-13, atol: 1e-15 })).toBe(true);
    const S = normal32(random.key(0), [128, 3]);
    const loopJ = ad.vstack(Array.from({ length: 128 }, (_, i) => ad.jvp(f, [W], [ad.take(S, i, 0)])[1]));
    const vmapJ = ad.vmap((s: Tensor) => ad.jvp(f, [W], [s])[1])(S);
    expect(ad.allclose(loopJ, vmapJ, { rtol: 1e-13, atol: 1e-15 })).toBe(true);
    const ourJacrev = (fn: (x: Tensor) => Tensor) => (x: Tensor) => {
      const [out, pull] = ad.vjp(fn, x);
      return (ad.vmap(pull, 0)(ad.eye(out.shape[0]!)) as [Tensor])[0];
    };
    const ourJacfwd = (fn: (x: Tensor) => Tensor) => (x: Tensor) =>
      ad.transpose(ad.vmap((s: Tensor) => ad.jvp(fn, [x], [s])[1], 1)(ad.eye(x.shape[0]!)));
    f32(ourJacrev(f)(W), J, 2e-6, 2e-8);
    f32(ourJacfwd(f)(W), J, 2e-6, 2e-8);
  });

  it('jit of a VJP whose function used Python control flow (cell 67)', () => {
    const fc = (x: Tensor) => {
      try {
        if (x.item() < 3) return ad.mul(2, ad.pow(x, 3));
        throw new RangeError('x ≥ 3');
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        return ad.mul(Math.PI, x);
      }
    };
    const [, fVjp] = ad.vjp(fc, 4.0);
    const out = ad.jit(fVjp)(1.0);
    expect(out).toHaveLength(1);
    f32(out[0]!, 3.1415927);
  });
});

describe('Custom derivative rules for JAX-transformable Python functions (Custom_derivative_rules_for_Python_code.ipynb)', () => {
  // custom_jvp's defjvp(f_jvp) is ad.customJvp(f, rule); defjvps(...) is the same rule summed over
  // arguments; a None in defjvps (no derivative for that argument) is a rule ignoring its tangent.
  // nondiff_argnums (functions as arguments) are closures: a function is no pytree leaf.
  it('TL;DR: custom_jvp and custom_vjp of sin(x)·y (cells 2-8)', () => {
    const f: (x: Tensor | number, y: Tensor | number) => Tensor = ad.customJvp(
      (x: Tensor | number, y: Tensor | number) => ad.mul(ad.sin(x), y),
      ([x, y], [xd, yd]) => [f(x, y), ad.add(ad.mul(ad.mul(ad.cos(x), xd), y), ad.mul(ad.sin(x), yd))],
    );
    f32(f(ad.scalar(2), ad.scalar(3)), 2.7278922);
    const [y, yDot] = ad.jvp(f, [2, 3], [1, 0]) as [Tensor, Tensor];
    f32(y, 2.7278922);
    f32(yDot, -1.2484405);
    f32(ad.grad(f)(2, 3), -1.2484405);
    const g = ad.customVjp(
      (x: Tensor, y: Tensor) => ad.mul(ad.sin(x), y),
      (ct: Tensor, { args: [x, y] }) => [ad.mul(ad.mul(ad.cos(x), ct), y), ad.mul(ad.sin(x), ct)],
    );
    f32(ad.grad(g)(2, 3), -1.2484405);
  });

  it('log1pexp: values, jit, vmap; the naive gradient is NaN where exp overflows, the custom rule gives 1 (cells 12-25)', () => {
    const naive = (x: Tensor) => ad.log(ad.add(1, ad.exp(x)));
    f32(naive(ad.scalar(3)), 3.0485873);
    f32(ad.jit(naive)(ad.scalar(3)), 3.0485873);
    f32(ad.jit(ad.grad(naive))(3), 0.95257413);
    f32(ad.vmap(ad.jit(ad.grad(naive)))(ad.arange(3)), [0.5, 0.7310586, 0.88079715]);
    // The page's NaN at x = 100 is float32's exp(100) = inf; float64's exp overflows past 709.78.
    // There JAX's (1/(1 + e^x))·e^x is 0·∞ = NaN; adjoint's strong zeros (DESIGN.md) make it 0: the
    // zero cotangent 1/∞ contributes nothing, silently, where the derivative is 1.
    f32(ad.grad(naive)(100), 1.0);
    exact(ad.grad(naive)(1000), 0);
    const log1pexp: (x: Tensor) => Tensor = ad.customJvp(naive, ([x]: Tensor[], [t]: Tensor[]) => [
      log1pexp(x!),
      ad.mul(ad.sub(1, ad.div(1, ad.add(1, ad.exp(x!)))), t!),
    ]);
    f32(ad.grad(log1pexp)(100), 1.0);
    f32(ad.grad(log1pexp)(1000), 1.0);
    f32(ad.jit(log1pexp)(ad.scalar(3)), 3.0485873);
    f32(ad.jit(ad.grad(log1pexp))(3), 0.95257413);
    f32(ad.vmap(ad.jit(ad.grad(log1pexp)))(ad.arange(3)), [0.5, 0.7310586, 0.8807971]);
  });

  it('x / (1 + √x) at 0: NaN in JAX, 1 here without a rule (strong zeros), 1 with the custom rule (cells 28-36)', () => {
    const naive = (x: Tensor) => ad.div(x, ad.add(1, ad.sqrt(x)));
    // JAX prints nan; adjoint's strong zeros (DESIGN.md) make the naive gradient the limit already.
    f32(ad.grad(naive)(0), 1.0);
    const f: (x: Tensor) => Tensor = ad.customJvp(naive, ([x]: Tensor[], [t]: Tensor[]) => [
      f(x!),
      ad.mul(ad.div(ad.add(ad.sqrt(x!), 2), ad.mul(2, ad.pow(ad.add(ad.sqrt(x!), 1), 2))), t!),
    ]);
    f32(ad.grad(f)(0), 1.0);
  });

  it('clip_gradient: a custom_vjp with None cotangents for its bounds (cells 38-40)', () => {
    // JAX: return (None, None, jnp.clip(g, lo, hi)); null is JAX's None here.
    const clipGradient = ad.customVjp(
      (lo: number, hi: number, x: Tensor) => x,
      (g: Tensor, { args: [lo, hi] }) => [null, null, ad.clip(g, lo, hi)],
    );
    const clipSin = (x: Tensor) => ad.sin(clipGradient(-0.75, 0.75, x));
    const t = ad.linspace(0, 10, 1000);
    const g = ad.vmap(ad.grad(clipSin))(t);
    const expected = ad.clip(ad.cos(t), -0.75, 0.75);
    expect(ad.arrayEqual(g, expected)).toBe(true);
    exact(clipSin(t), flat(ad.sin(t)));
    // The bounds as tensors get zero cotangents of their shapes.
    const [glo, ghi, gx] = ad.grad((lo: Tensor, hi: Tensor, x: Tensor) => ad.sum(ad.sin(clipGradient(lo.item(), hi.item(), x))), [0, 1, 2])(
      ad.scalar(-0.75), ad.scalar(0.75), ad.tensor([0.1, 2]),
    );
    exact(glo, 0);
    exact(ghi, 0);
    f32(gx, [0.75, Math.cos(2)], 1e-15, 0);
  });

  it('fixed_point with while_loop and a custom_vjp (implicit differentiation), to second order (cells 45-56)', () => {
    type Fn = (a: any, x: Tensor) => Tensor;
    const fixedPointLoop = (f: Fn, a: any, xGuess: Tensor): Tensor =>
      ad.whileLoop(
        ([xPrev, x]: [Tensor, Tensor]) => ad.greater(ad.abs(ad.sub(xPrev, x)), 1e-6),
        ([, x]: [Tensor, Tensor]) => [x, f(a, x)] as [Tensor, Tensor],
        [xGuess, f(a, xGuess)] as [Tensor, Tensor],
      )[1];
    const update = (a: Tensor, x: Tensor) => ad.mul(0.5, ad.add(x, ad.div(a, x)));
    const newtonSqrt0 = (a: Tensor) => fixedPointLoop(update, a, a);
    f32(newtonSqrt0(ad.scalar(2)), 1.4142135);
    f32(ad.jit(ad.vmap(newtonSqrt0))(ad.tensor([1, 2, 3, 4])), [1, 1.4142135, 1.7320508, 2]);
    // @partial(custom_vjp, nondiff_argnums=(0,)): the function f is closed over.
    const fixedPoint = (f: Fn): ((a: any, xGuess: Tensor) => Tensor) =>
      ad.customVjp(
        (a: any, xGuess: Tensor) => fixedPointLoop(f, a, xGuess),
        (xStarBar: Tensor, { args: [a], out: xStar }) => {
          const [, vjpA] = ad.vjp((aa: any) => f(aa, xStar), a);
          const revIter = ([aa, xs, xsb]: [any, Tensor, Tensor], u: Tensor) => ad.add(xsb, ad.vjp((x: Tensor) => f(aa, x), xs)[1](u)[0]!);
          const [aBar] = vjpA(fixedPoint(revIter)([a, xStar, xStarBar], xStarBar));
          return [aBar, ad.zerosLike(xStar)];
        },
      );
    const newtonSqrt = (a: Tensor) => fixedPoint(update)(a, a);
    f32(newtonSqrt(ad.scalar(2)), 1.4142135);
    f32(ad.grad(newtonSqrt)(2), 0.35355335, 2e-7 + 1.2e-7); // JAX's float32 loop stops a few ulps short
    f32(ad.grad(ad.grad(newtonSqrt))(2), -0.088388346);
    f32(ad.grad(ad.sqrt)(2), 0.35355338);
    f32(ad.grad(ad.grad(ad.sqrt))(2), -0.08838835);
    f32(ad.jit(ad.vmap(newtonSqrt))(ad.tensor([1, 2, 3, 4])), [1, 1.4142135, 1.7320508, 2]);
    f32(ad.vmap(ad.grad(newtonSqrt))(ad.tensor([1, 4])), [0.5, 0.25], 1e-12, 0);
  });

  it('custom_jvp basics: jvp, grad, grad of grad, several arguments, defjvps with None (cells 60-78)', () => {
    const f: (x: Tensor) => Tensor = ad.customJvp((x: Tensor) => ad.sin(x), ([x]: Tensor[], [t]: Tensor[]) => [f(x!), ad.mul(ad.cos(x!), t!)]);
    f32(f(ad.scalar(3)), 0.14112);
    const [y, yDot] = ad.jvp(f, [3], [1]);
    f32(y, 0.14112);
    f32(yDot, -0.9899925);
    f32(ad.grad(f)(3), -0.9899925);
    f32(ad.grad(ad.grad(f))(3), -0.14112);
    const g: (x: Tensor, y: Tensor) => Tensor = ad.customJvp(
      (x: Tensor, y: Tensor) => ad.mul(ad.pow(x, 2), y),
      ([x, yy]: Tensor[], [xd, yd]: Tensor[]) => [g(x!, yy!), ad.add(ad.mul(ad.mul(ad.mul(2, x!), yy!), xd!), ad.mul(ad.pow(x!, 2), yd!))],
    );
    f32(ad.grad(g)(2, 3), 12.0);
    f32(ad.grad(g, 0)(2, 3), 12.0);
    f32(ad.grad(g, 1)(2, 3), 4.0);
    // defjvps(lambda x_dot, ...: 2 * x * y * x_dot, None): y's tangent contributes nothing.
    const h: (x: Tensor, y: Tensor) => Tensor = ad.customJvp(
      (x: Tensor, y: Tensor) => ad.mul(ad.pow(x, 2), y),
      ([x, yy]: Tensor[], [xd]: Tensor[]) => [h(x!, yy!), ad.mul(ad.mul(ad.mul(2, x!), yy!), xd!)],
    );
    f32(ad.grad(h)(2, 3), 12.0);
    f32(ad.grad(h, 1)(2, 3), 0.0);
  });

  it('custom_jvp under vmap and jit, and with Python control flow on values (cells 81-91)', () => {
    const f: (x: Tensor) => Tensor = ad.customJvp((x: Tensor) => ad.sin(x), ([x]: Tensor[], [t]: Tensor[]) => [f(x!), ad.mul(ad.cos(x!), t!)]);
    f32(ad.vmap(f)(ad.arange(3)), [0, 0.841471, 0.9092974]);
    f32(ad.jit(f)(ad.scalar(3)), 0.14112);
    const g: (x: Tensor) => Tensor = ad.customJvp(
      (x: Tensor) => (x.item() > 0 ? ad.sin(x) : ad.cos(x)),
      ([x]: Tensor[], [t]: Tensor[]) => [g(x!), x!.item() > 0 ? ad.mul(2, t!) : ad.mul(3, t!)],
    );
    f32(ad.grad(g)(1), 2.0);
    f32(ad.grad(g)(-1), 3.0);
  });

  it('custom_vjp basics; vjp; jvp of a custom_vjp function (cells 93-107)', () => {
    const f = ad.customVjp((x: Tensor) => ad.sin(x), (yBar: Tensor, { args: [x] }) => [ad.mul(ad.cos(x), yBar)]);
    f32(f(ad.scalar(3)), 0.14112);
    f32(ad.grad(f)(3), -0.9899925);
    const [y, fVjp] = ad.vjp(f, 3);
    f32(y, 0.14112);
    const cts = fVjp(1);
    expect(cts).toHaveLength(1);
    f32(cts[0]!, -0.9899925);
    // JAX: "can't apply forward-mode autodiff (jvp) to a custom_vjp function". adjoint transposes a
    // rule that is linear in its cotangent, so jvp gives the derivative the rule defines.
    f32(ad.jvp(f, [3], [1])[1], -0.9899925);
    const g = ad.customVjp((x: Tensor, yy: Tensor) => ad.mul(ad.sin(x), yy), (ct: Tensor, { args: [x, yy] }) => [
      ad.mul(ad.mul(ad.cos(x), ct), yy),
      ad.mul(ad.sin(x), ct),
    ]);
    f32(ad.grad(g)(2, 3), -1.2484405);
  });

  it('custom rules over pytrees: a Point in, a dict of a tuple out, for custom_jvp and custom_vjp (cells 115-121)', () => {
    type Point = { x: Tensor; y: Tensor };
    const pt = { x: ad.scalar(1), y: ad.scalar(2) };
    const fj: (p: Point) => { a: Tensor; b: [Tensor, Tensor] } = ad.customJvp(
      (p: Point) => ({ a: ad.pow(p.x, 2), b: [ad.sin(p.x), ad.cos(p.y)] as [Tensor, Tensor] }),
      ([p]: Point[], [pd]: Point[]) => [
        fj(p!),
        { a: ad.mul(ad.mul(2, p!.x), pd!.x), b: [ad.mul(ad.cos(p!.x), pd!.x), ad.mul(ad.neg(ad.sin(p!.y)), pd!.y)] as [Tensor, Tensor] },
      ],
    );
    const out = fj(pt);
    f32(out.a, 1.0);
    f32(out.b[0], 0.841471);
    f32(out.b[1], -0.4161468);
    const funJ = (p: Point) => { const d = fj(p); return ad.add(d.a, d.b[0]); };
    const gj = ad.grad(funJ)(pt);
    f32(gj.x, 2.5403023);
    exact(gj.y, 0);
    const fv = ad.customVjp(
      (p: Point) => ({ a: ad.pow(p.x, 2), b: [ad.sin(p.x), ad.cos(p.y)] as [Tensor, Tensor] }),
      (g: { a: Tensor; b: [Tensor, Tensor] }, { args: [p] }) => [
        { x: ad.add(ad.mul(ad.mul(2, p.x), g.a), ad.mul(ad.cos(p.x), g.b[0])), y: ad.mul(ad.neg(ad.sin(p.y)), g.b[1]) },
      ],
    );
    const funV = (p: Point) => { const d = fv(p); return ad.add(d.a, d.b[0]); };
    const gv = ad.grad(funV)(pt);
    f32(gv.x, 2.5403023);
    exact(gv.y, 0); // the page prints -0.
  });

  it('nondiff_argnums as closures: app and app2 (custom_jvp), app (custom_vjp) (cells 125-136)', () => {
    const app = (f: (x: Tensor) => Tensor) => ad.customJvp((x: Tensor) => f(x), ([x]: Tensor[], [xd]: Tensor[]) => [f(x!), ad.mul(2, xd!)]);
    f32(app((x) => ad.pow(x, 3))(ad.scalar(3)), 27.0);
    f32(ad.grad(app((x) => ad.pow(x, 3)))(3), 2.0);
    const app2 = (f: (x: Tensor) => Tensor, g: (x: Tensor) => Tensor) =>
      ad.customJvp((x: Tensor) => f(g(x)), ([x]: Tensor[], [xd]: Tensor[]) => [f(g(x!)), ad.mul(3, xd!)]);
    f32(app2((x) => ad.pow(x, 3), (y) => ad.mul(5, y))(ad.scalar(3)), 3375.0);
    f32(ad.grad(app2((x) => ad.pow(x, 3), (y) => ad.mul(5, y)))(3), 3.0);
    const appV = (f: (x: Tensor) => Tensor) => ad.customVjp((x: Tensor) => f(x), (g: Tensor) => [ad.mul(5, g)]);
    f32(appV((x) => ad.pow(x, 2))(ad.scalar(4)), 16.0);
    f32(ad.grad(appV((x) => ad.pow(x, 2)))(4), 5.0);
    // Passing the function itself as an argument is refused with the fix (close over it).
    const passed = ad.customJvp((f: (x: Tensor) => Tensor, x: Tensor) => f(x), ([f, x]: any[], [, xd]: any[]) => [f(x), ad.mul(2, xd)]);
    expect(() => passed((x: Tensor) => ad.pow(x, 3), ad.scalar(3))).toThrow(/customJvp: the leaf at \[0\] is a function.*Close over/);
  });
});

describe('customVjp: null cotangents, as JAX custom_vjp None (regression)', () => {
  it('a null for a tensor argument, for part of a pytree, and undefined, are zeros of its shapes', () => {
    const scale = ad.customVjp(
      (p: { k: Tensor; unused: Tensor[] }, x: Tensor) => ad.mul(p.k, x),
      (g: Tensor, { args: [p, x] }) => [{ k: ad.sum(ad.mul(g, x)), unused: null }, ad.mul(g, p.k)],
    );
    const p = { k: ad.scalar(3), unused: [ad.ones([2]), ad.ones([3, 1])] };
    const [gp, gx] = ad.grad((q: typeof p, x: Tensor) => ad.sum(scale(q, x)), [0, 1])(p, ad.tensor([1, 2]));
    exact(gp.k, 3);
    exact(gp.unused[0]!, [0, 0]);
    exact(gp.unused[1]!, [[0], [0], [0]]);
    exact(gx, [3, 3]);
    const second = ad.customVjp((k: Tensor, x: Tensor) => ad.mul(k, x), (g: Tensor, { args: [k] }) => [undefined as never, ad.mul(g, k)]);
    exact(ad.grad((k: Tensor) => ad.sum(second(k, ad.tensor([1, 2]))))(ad.scalar(2)), 0);
  });

  it('under vmap, jvp (the rule transposed), hvp and grad of grad', () => {
    const scaleX = ad.customVjp((k: Tensor, x: Tensor) => ad.mul(k, x), (g: Tensor, { args: [k] }) => [null, ad.mul(g, k)]);
    exact(ad.vmap(ad.grad((x: Tensor) => scaleX(ad.scalar(3), x)))(ad.tensor([1, 2])), [3, 3]);
    exact(ad.vmap((k: Tensor) => ad.grad((kk: Tensor) => ad.sum(scaleX(kk, ad.tensor([1, 2]))))(k))(ad.tensor([1, 2])), [0, 0]);
    // Forward mode transposes the rule: k's tangent contributes nothing, as the rule says.
    exact(ad.jvp(scaleX, [2, 5], [1, 1])[1], 2);
    const cube = ad.customVjp((n: number, x: Tensor) => ad.pow(x, n), (g: Tensor, { args: [n, x] }) => [null, ad.mul(g, ad.mul(n, ad.pow(x, n - 1)))]);
    exact(ad.hvp((x: Tensor) => ad.sum(cube(3, x)), ad.tensor([1, 2]), ad.tensor([1, 1])), [6, 12]);
    exact(ad.grad(ad.grad((x: Tensor) => cube(3, x)))(2), 12);
  });

  it('a wrong structure is still an error naming customVjp', () => {
    const bad = ad.customVjp((x: Tensor) => x, (g: Tensor) => [[g, g]]);
    expect(() => ad.grad((x: Tensor) => ad.sum(bad(x)))(ad.tensor([1]))).toThrow(/customVjp.*same structure/);
  });
});
