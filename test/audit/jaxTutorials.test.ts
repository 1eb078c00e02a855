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
    // The page's key chain: cells 20, 38 and 42 each split once, then key, subkey1, subkey2 = split(key, 3).
    const keyD = random.split(random.split(random.split(keys0[0]!)[0]!)[0]!)[0]!;
    const [, s1, s2] = random.split(keyD, 3);
    const X = normal32(s1!, [30, 40]), V = normal32(s2!, [30, 40]);
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
    const cube = ad.customVjp((n: number, x: Tensor) => ad.pow(x, n), (g: Tensor, { args: [n, x] }) => [null, ad.mul(g, ad.mul(n, ad.pow(x, ad.sub(n, 1))))]);
    exact(ad.hvp((x: Tensor) => ad.sum(cube(3, x)), ad.tensor([1, 2]), ad.tensor([1, 1])), [6, 12]);
    exact(ad.grad(ad.grad((x: Tensor) => cube(3, x)))(2), 12);
    // Under jit: the zeros are recorded, and a replay at new inputs gives the rule's values.
    const jitted = ad.jit(ad.grad((k: Tensor, x: Tensor) => ad.sum(scaleX(k, x)), [0, 1]));
    for (const k of [2, 3]) {
      const [gk, gx] = jitted(ad.scalar(k), ad.tensor([1, 2]));
      exact(gk, 0);
      exact(gx, [k, k]);
    }
  });

  it('a wrong structure is still an error naming customVjp', () => {
    // @ts-expect-error a cotangent of the wrong structure: the types refuse it too
    const bad = ad.customVjp((x: Tensor) => x, (g: Tensor) => [[g, g]]);
    expect(() => ad.grad((x: Tensor) => ad.sum(bad(x)))(ad.tensor([1]))).toThrow(/customVjp.*same structure/);
  });
});

describe('Automatic vectorization (automatic-vectorization.md; outputs from jax-101/03-vectorization.ipynb)', () => {
  const x = ad.arange(5);
  const w = ad.tensor([2, 3, 4]);
  const convolve = (xv: Tensor, wv: Tensor) => {
    const output: Tensor[] = [];
    for (let i = 1; i < xv.shape[0]! - 1; i++) output.push(ad.dot(ad.slice(xv, [i - 1], [3]), wv));
    return ad.stack(output);
  };
  const xs = ad.stack([x, x]);
  const ws = ad.stack([w, w]);
  const twice = [[11, 20, 29], [11, 20, 29]];

  it('convolve, manual batching, manual vectorization', () => {
    exact(convolve(x, w), [11, 20, 29]);
    exact(ad.stack([0, 1].map((i) => convolve(ad.take(xs, i, 0), ad.take(ws, i, 0)))), twice);
    const manuallyVectorized = (xb: Tensor, wb: Tensor) => {
      const output: Tensor[] = [];
      for (let i = 1; i < xb.shape[1]! - 1; i++) output.push(ad.sum(ad.mul(ad.slice(xb, [0, i - 1], [xb.shape[0]!, 3]), wb), 1));
      return ad.stack(output, 1);
    };
    exact(manuallyVectorized(xs, ws), twice);
  });

  it('vmap; in_axes=1, out_axes=1; in_axes=[0, None]; jit of vmap; pairwise distances by nested vmap', () => {
    exact(ad.vmap(convolve)(xs, ws), twice);
    exact(ad.vmap(convolve, 1, 1)(ad.transpose(xs), ad.transpose(ws)), [[11, 11], [20, 20], [29, 29]]);
    exact(ad.vmap(convolve, [0, null])(xs, w), twice);
    exact(ad.jit(ad.vmap(convolve))(xs, ws), twice);
    const pairwise = (f: (a: Tensor, b: Tensor) => Tensor, pts: Tensor) => ad.vmap((a: Tensor) => ad.vmap((b: Tensor) => f(a, b))(pts))(pts);
    exact(pairwise((a, b) => ad.linalg.norm(ad.sub(a, b)), ad.tensor([[0, 0], [3, 4], [6, 8]])), [[0, 5, 10], [5, 0, 5], [10, 5, 0]]);
  });
});

describe('Advanced automatic differentiation (jax-101/04-advanced-autodiff.ipynb)', () => {
  it('higher derivatives of a cubic, and hessian = jacfwd(grad) of x·x (cells 2-10)', () => {
    const f = (x: Tensor) => ad.add(ad.sub(ad.add(ad.pow(x, 3), ad.mul(2, ad.pow(x, 2))), ad.mul(3, x)), 1);
    const d1 = ad.grad(f), d2 = ad.grad(d1), d3 = ad.grad(d2), d4 = ad.grad(d3);
    exact(d1(1), 4);
    exact(d2(1), 10);
    exact(d3(1), 6);
    exact(d4(1), 0);
    exact(ad.jacfwd(ad.grad((x: Tensor) => ad.dot(x, x)))(ad.tensor([1, 2, 3])), [[2, 0, 0], [0, 2, 0], [0, 0, 2]]);
  });

  // TD(0) update: the naive gradient, with stop_gradient, per-example gradients (cells 14-36).
  const valueFn = (theta: Tensor, state: Tensor) => ad.dot(theta, state);
  const theta = ad.tensor([0.1, -0.1, 0]);
  const sTm1 = ad.tensor([1, 2, -1]), rT = ad.scalar(1), sT = ad.tensor([2, 1, 0]);
  it('the TD loss: naive gradient, stop_gradient, and the update written by hand (cells 18-22)', () => {
    const naive = (th: Tensor, s0: Tensor, r: Tensor, s1: Tensor) =>
      ad.mul(-0.5, ad.pow(ad.sub(ad.add(r, valueFn(th, s1)), valueFn(th, s0)), 2));
    f32(ad.grad(naive)(theta, sTm1, rT, sT), [-1.2, 1.2, -1.2]);
    const tdLoss = (th: Tensor, s0: Tensor, r: Tensor, s1: Tensor) =>
      ad.mul(-0.5, ad.pow(ad.sub(ad.stopGradient(ad.add(r, valueFn(th, s1))), valueFn(th, s0)), 2));
    f32(ad.grad(tdLoss)(theta, sTm1, rT, sT), [1.2, 2.4, -1.2]);
    const sGrad = ad.grad(valueFn)(theta, sTm1);
    f32(ad.mul(ad.sub(ad.add(rT, valueFn(theta, sT)), valueFn(theta, sTm1)), sGrad), [1.2, 2.4, -1.2]);
    const batched = [ad.stack([sTm1, sTm1]), ad.stack([rT, rT]), ad.stack([sT, sT])] as const;
    const perEx = [[1.2, 2.4, -1.2], [1.2, 2.4, -1.2]];
    f32(ad.jit(ad.vmap(ad.grad(tdLoss), [null, 0, 0, 0]))(theta, ...batched), perEx);
    f32(ad.vmap(ad.grad(tdLoss))(ad.stack([theta, theta]), ...batched), perEx);
    f32(ad.vmap(ad.grad(tdLoss), [null, 0, 0, 0])(theta, ...batched), perEx);
  });

  it('straight-through estimator with stop_gradient (cell 25)', () => {
    const straightThrough = (x: Tensor) => ad.add(ad.sub(x, ad.stopGradient(x)), ad.stopGradient(ad.round(x)));
    exact(ad.round(3.2), 3);
    exact(straightThrough(ad.scalar(3.2)), 3);
    exact(ad.grad(ad.round)(3.2), 0);
    exact(ad.grad(straightThrough)(3.2), 1);
  });
});

describe('JAX Quickstart and "JAX as accelerated NumPy" (notebooks/quickstart.ipynb, jax-101/01-jax-basics.ipynb)', () => {
  it('random.normal(key(0), (10,)) in float32, from adjoint\'s JAX-exact bits', () => {
    f32(normal32(random.key(0), [10]), [
      -0.3721109, 0.26423115, -0.18252768, -0.7368197, -0.44030377, -0.1521442, -0.67135346, -0.5908641, 0.73168886, 0.5673026,
    ], 2e-6, 1e-7);
  });

  it('grad of sum_logistic; grad(jit(grad(jit(grad)))) (quickstart cells 20-24)', () => {
    const sumLogistic = (x: Tensor) => ad.sum(ad.div(1, ad.add(1, ad.exp(ad.neg(x)))));
    f32(ad.grad(sumLogistic)(ad.arange(3)), [0.25, 0.19661194, 0.10499357]);
    f32(ad.grad(ad.jit(ad.grad(ad.jit(ad.grad(sumLogistic)))))(1.0), -0.0353256);
    // first_finite_differences in float64: the page's float32 values carry its rounding noise.
    const eps = 1e-3;
    const fd = [0, 1, 2].map((i) => {
      const v = ad.oneHot(ad.tensor(i), 3);
      return (sumLogistic(ad.add(ad.arange(3), ad.mul(eps, v))).item() - sumLogistic(ad.sub(ad.arange(3), ad.mul(eps, v))).item()) / (2 * eps);
    });
    // (The page's float32 differences, [0.24998187, 0.1965761, 0.10502338], are off by 7e-5 relative.)
    f32(ad.tensor(fd), [0.25, 0.19661194, 0.10499357], 1e-6);
  });

  it('sum of squares; argnums (0, 1); value_and_grad; has_aux (jax-basics cells 11-24)', () => {
    const x = ad.tensor([1, 2, 3, 4]), y = ad.tensor([1.1, 2.1, 3.1, 4.1]);
    const sumOfSquares = (v: Tensor) => ad.sum(ad.pow(v, 2));
    exact(sumOfSquares(x), 30);
    exact(ad.grad(sumOfSquares)(x), [2, 4, 6, 8]);
    const sse = (a: Tensor, b: Tensor) => ad.sum(ad.pow(ad.sub(a, b), 2));
    // The page's float32 −0.20000005, −0.19999981 are −0.2 to float32's precision.
    f32(ad.grad(sse)(x, y), [-0.20000005, -0.19999981, -0.19999981, -0.19999981], 1e-6);
    const [gx, gy] = ad.grad(sse, [0, 1])(x, y);
    f32(gx, [-0.20000005, -0.19999981, -0.19999981, -0.19999981], 1e-6);
    f32(gy, [0.20000005, 0.19999981, 0.19999981, 0.19999981], 1e-6);
    const [value, g] = ad.valueAndGrad(sse)(x, y);
    f32(value, 0.03999995, 2e-6);
    f32(g, [-0.2, -0.2, -0.2, -0.2], 1e-12);
    const withAux = (a: Tensor, b: Tensor) => [sse(a, b), ad.sub(a, b)] as [Tensor, Tensor];
    expect(() => (ad.grad as (f: unknown) => (...a: Tensor[]) => unknown)(withAux)(x, y)).toThrow(/grad/);
    const [gAux, aux] = ad.grad(withAux, { hasAux: true })(x, y);
    f32(gAux, [-0.2, -0.2, -0.2, -0.2], 1e-12);
    f32(aux, [-0.10000002, -0.0999999, -0.0999999, -0.0999999], 1e-6);
  });
});

describe('Control flow and logical operators with JIT (control-flow.md) and the Sharp Bits (Common_Gotchas_in_JAX.ipynb)', () => {
  it('Python loops under jit: unrolled over a fixed count and over a shape (jit traces on values here)', () => {
    const f = ad.jit((x: Tensor) => {
      for (let i = 0; i < 3; i++) x = ad.mul(2, x);
      return x;
    });
    exact(f(ad.scalar(3)), 24);
    const g = ad.jit((x: Tensor) => {
      let y: Tensor = ad.scalar(0);
      for (let i = 0; i < x.shape[0]!; i++) y = ad.add(y, ad.take(x, i));
      return y;
    });
    exact(g(ad.tensor([1, 2, 3])), 6);
  });

  it('value-dependent branches: adjoint\'s jit runs them as written (what static_argnames gives in JAX); grad through if', () => {
    const f = (x: Tensor) => (x.item() < 3 ? ad.mul(3, ad.pow(x, 2)) : ad.mul(-4, x));
    const fj = ad.jit(f);
    exact(fj(ad.scalar(2)), 12); // JAX: TracerBoolConversionError without static_argnames
    exact(fj(ad.scalar(4)), -16);
    exact(ad.grad(f)(2), 12);
    exact(ad.grad(f)(4), -4);
    const g = ad.jit((x: Tensor) => ad.logicalAnd(ad.greater(x, 0), ad.less(x, 3)));
    exact(g(ad.scalar(2)), 1);
    const fn = ad.jit((x: Tensor, n: number) => {
      let y: Tensor = ad.scalar(0);
      for (let i = 0; i < n; i++) y = ad.add(y, ad.take(x, i));
      return y;
    });
    exact(fn(ad.tensor([2, 3, 4]), 2), 5);
    const exampleFun = ad.jit((length: number, val: Tensor) => ad.mul(ad.ones([length]), val));
    exact(exampleFun(10, ad.scalar(4)), Array(10).fill(4));
    exact(exampleFun(5, ad.scalar(4)), [4, 4, 4, 4, 4]);
  });

  it('lax.cond, lax.while_loop, lax.fori_loop as on the page', () => {
    const operand = ad.tensor([0]);
    exact(ad.cond(true, (x: Tensor) => ad.add(x, 1), (x: Tensor) => ad.sub(x, 1), operand), [1]);
    exact(ad.cond(false, (x: Tensor) => ad.add(x, 1), (x: Tensor) => ad.sub(x, 1), operand), [-1]);
    exact(ad.whileLoop((x: Tensor) => ad.less(x, 10), (x: Tensor) => ad.add(x, 1), ad.scalar(0)), 10);
    exact(ad.foriLoop(0, 10, (i, x: Tensor) => ad.add(x, i), ad.scalar(0)), 45);
  });

  it('lax.scan cumsum_step (new_docs/201/control-flow.md); scan and while_loop in reverse mode; cond with a batched predicate', () => {
    const cumsumStep = (carry: Tensor, x: Tensor) => {
      const next = ad.add(carry, x);
      return [next, next] as const;
    };
    const [final, cumulative] = ad.scan(cumsumStep, ad.scalar(0), { xs: ad.arange(1, 5) });
    exact(final, 10);
    exact(cumulative, [1, 3, 6, 10]);
    // d(Σ cumulative)/dxs = [4, 3, 2, 1]; JAX's while_loop is forward-mode only, adjoint's reverses too.
    exact(ad.grad((xs: Tensor) => ad.sum(ad.scan(cumsumStep, ad.scalar(0), { xs })[1]))(ad.arange(1, 5)), [4, 3, 2, 1]);
    exact(ad.grad((x: Tensor) => ad.whileLoop((v: Tensor) => ad.less(v, 100), (v: Tensor) => ad.mul(v, 3), x))(2), 81);
    exact(ad.vmap((x: Tensor) => ad.cond(ad.greater(x, 0), (v: Tensor) => ad.add(v, 1), (v: Tensor) => ad.sub(v, 1), x))(ad.tensor([-2, 3])), [-3, 4]);
  });

  it('logical_and does not short-circuit: positive-even check on a scalar and elementwise', () => {
    const check = ad.jit((x: Tensor) => ad.logicalAnd(ad.equal(ad.mod(x, 2), 0), ad.greater(x, 0)));
    exact(check(ad.scalar(24)), 1);
    exact(check(ad.tensor([-1, 2, 5])), [0, 1, 0]);
  });

  it('Sharp Bits: fori_loop reading an array, scan with a tuple of xs, nansum with where under jit', () => {
    const array = ad.arange(10);
    exact(ad.foriLoop(0, 10, (i, x: Tensor) => ad.add(x, ad.take(array, i)), ad.scalar(0)), 45);
    // func11: scan(body, 0., (arr, ones)) with body(carry, (ae1, ae2)) = (carry + ae1·ae2 + extra, carry).
    const func11 = (arr: Tensor, extra: number) => {
      const ones = ad.ones(arr.shape as number[]);
      return ad.scan((carry: Tensor, [ae1, ae2]: Tensor[]) => [ad.add(ad.add(carry, ad.mul(ae1!, ae2!)), extra), carry] as const, ad.scalar(0), {
        xs: [arr, ones],
      });
    };
    const [carry, ys] = func11(ad.arange(16), 5);
    exact(carry, 200);
    exact(ys, [0, 5, 11, 18, 26, 35, 45, 56, 68, 81, 95, 110, 126, 143, 161, 180]);
    const x = ad.tensor([1, 2, NaN, 3, 4]);
    exact(ad.sum(ad.extract(ad.logicalNot(ad.isnan(x)), x)), 10);
    exact(ad.jit((v: Tensor) => ad.sum(ad.where(ad.logicalNot(ad.isnan(v)), v, 0)))(x), 10);
    // x.at[::2, 3:].add(7.): a scatter of the slice's updates.
    const rows = ad.tensor([0, 2, 4]), cols = ad.tensor([3, 4, 5]);
    const flatIdx = ad.reshape(ad.add(ad.mul(ad.expandDims(rows, 1), 6), cols), [-1]);
    const updated = ad.reshape(ad.scatterAdd(ad.reshape(ad.ones([5, 6]), [30]), flatIdx, ad.full([9], 7)), [5, 6]);
    exact(updated, [[1, 1, 1, 8, 8, 8], [1, 1, 1, 1, 1, 1], [1, 1, 1, 8, 8, 8], [1, 1, 1, 1, 1, 1], [1, 1, 1, 8, 8, 8]]);
  });

  it('jax.lax docstrings: switch (clamped index), associative_scan (add, reverse, matmul), cummax/cumsum', () => {
    const branches = [(x: Tensor) => ad.add(x, 1), (x: Tensor) => ad.mul(x, 2), (x: Tensor) => ad.pow(x, 2), (x: Tensor) => ad.sqrt(x)];
    exact(ad.stack([0, 1, 2, 3].map((k) => ad.switch(k, branches, ad.scalar(4)))), [5, 8, 16, 2]);
    exact(ad.stack([-1, 9].map((k) => ad.switch(k, branches, ad.scalar(4)))), [5, 2]); // lax.switch clamps the index
    exact(ad.associativeScan(ad.add, ad.arange(4)), [0, 1, 3, 6]);
    exact(ad.associativeScan(ad.add, ad.arange(4), { reverse: true }), [6, 6, 5, 3]);
    const mats = random.uniform(random.key(0), [4, 2, 2]);
    const partial = ad.associativeScan(ad.matmul, mats);
    expect(partial.shape).toEqual([4, 2, 2]);
    let running = ad.take(mats, 0, 0);
    for (let i = 1; i < 4; i++) {
      running = ad.matmul(running, ad.take(mats, i, 0));
      expect(ad.allclose(ad.take(partial, i, 0), running, { rtol: 1e-14, atol: 0 })).toBe(true);
    }
    exact(ad.cummax(ad.tensor([1, 3, 2, 5, 4]), 0), [1, 3, 3, 5, 5]);
    exact(ad.cumsum(ad.tensor([1, 2, 3]), 0), [1, 3, 6]);
  });
});

describe('Pseudorandom numbers (random-numbers.md; outputs from jax-101/05-random-numbers.ipynb)', () => {
  it('keys, split, and float32 draws: the page\'s numbers from adjoint\'s JAX-exact keys and bits', () => {
    const key = random.key(42);
    exact(ad.tensor(random.keyData(key) as number[]), [0, 42]);
    f32(normal32(key, []), -0.18471184, 2e-6, 1e-7);
    f32(normal32(key, []), -0.18471184, 2e-6, 1e-7); // the same key, the same draw
    const [newKey, subkey] = random.split(key);
    exact(ad.tensor(random.keyData(newKey!) as number[]), [2465931498, 3679230171]);
    exact(ad.tensor(random.keyData(subkey!) as number[]), [255383827, 267815257]);
    f32(normal32(subkey!, []), 1.3694694, 2e-6, 1e-7);
    expect(random.split(key, 43)).toHaveLength(43);
  });

  it('no sequential equivalence: three subkeys drawn one by one differ from one key drawn with shape (3,)', () => {
    const subkeys = random.split(random.key(42), 3);
    f32(ad.stack(subkeys.map((k) => normal32(k, []))), [-0.04838839, 0.10796146, -1.2226542], 2e-6, 1e-7);
    f32(normal32(random.key(42), [3]), [0.18693541, -1.2806507, -1.5593133], 2e-6, 1e-7);
    // jax.vmap(random.normal)(subkeys): vmap over the keys' words draws what the loop draws (in
    // adjoint's float64 mode; the bits under it, the page's float32 draws' source, too).
    const words = random.keyData(subkeys);
    exact(ad.vmap((k: Tensor) => random.normal(k as never, []))(words), flat(ad.stack(subkeys.map((k) => random.normal(k)))));
    exact(ad.vmap((k: Tensor) => random.bits(k as never, []))(words), flat(ad.stack(subkeys.map((k) => random.bits(k)))));
  });

  it('the split-in-a-loop pattern of the current page: draws 0, 1, 2', () => {
    let key = random.key(42);
    const draws: Tensor[] = [];
    for (let i = 0; i < 3; i++) {
      const [next, sub] = random.split(key);
      draws.push(normal32(sub!, []));
      key = next!;
    }
    // draw 0 is the page's 1.3694694 (same subkey as above); 1 and 2 follow the same keys.
    f32(draws[0]!, 1.3694694, 2e-6, 1e-7);
    expect(flat(ad.stack(draws)).every((d, i, all) => all.indexOf(d) === i)).toBe(true);
  });
});

describe('Gradient checkpointing with jax.checkpoint (gradient-checkpointing.md, autodiff_remat.ipynb)', () => {
  // The pages print which residuals are saved, not numbers: the gradients are PyTorch 1.13's in
  // float64 (torch.autograd.grad of the same programs), and the residuals are memoryStats' bytes
  // held by a vjp's pullback (the arguments not counted), against print_saved_residuals' lists.
  const g = (W: Tensor, x: Tensor) => ad.sin(ad.matmul(W, x));
  const f = (W1: Tensor, W2: Tensor, W3: Tensor, x: Tensor) => g(W3, g(W2, g(W1, x)));
  const f2 = (W1: Tensor, W2: Tensor, W3: Tensor, x: Tensor) =>
    ad.checkpoint(g)(W3, ad.checkpoint(g)(W2, ad.checkpoint(g)(W1, x)));
  const args = [ad.ones([5, 4]), ad.ones([6, 5]), ad.ones([7, 6]), ad.ones([4])] as const;
  const heldBy = <A extends unknown[]>(fn: (...a: A) => Tensor, ...a: A) => {
    const before = ad.memoryStats().residualBytes;
    const [, pull] = ad.vjp(fn as (...b: unknown[]) => Tensor, ...a);
    const held = ad.memoryStats().residualBytes - before;
    return { held, pull };
  };

  it('f and f2 = three jax.checkpoint(g): same gradients (torch), f2 holds only the two sin outputs fed to checkpointed calls', () => {
    const torchGrads = [-19.761188243971976, -3.8133207188978373, -0.5386483895269273, -98.80594121985987];
    for (const fn of [f, f2]) {
      const grads = ad.grad((...a: Tensor[]) => ad.sum(fn(a[0]!, a[1]!, a[2]!, a[3]!)), [0, 1, 2, 3])(...args);
      grads.forEach((gr, i) => f32(gr, ad.full(gr.shape as number[], torchGrads[i]!).toArray(), 1e-14, 0));
    }
    const plain = heldBy(f, ...args), ckpt = heldBy(f2, ...args);
    // print_saved_residuals(f2): f32[5] and f32[6], the outputs of the first two sins — 11 float64s.
    expect(ckpt.held).toBe(11 * 8);
    expect(plain.held).toBeGreaterThan(ckpt.held);
    const ct = ad.ones([7]);
    plain.pull(ct).forEach((c, i) => expect(ad.arrayEqual(c as Tensor, ckpt.pull(ct)[i] as Tensor)).toBe(true));
  });

  it('loss over a list of layers, plain and checkpointed as a whole (torch gradients)', () => {
    const layer = (W: Tensor, x: Tensor) => ad.sin(ad.dot(W, x));
    const predict = (params: Tensor[], x: Tensor) => {
      for (const W of params.slice(0, -1)) x = layer(W, x);
      return ad.dot(params[params.length - 1]!, x);
    };
    const loss = (params: Tensor[], x: Tensor, y: Tensor) => ad.sum(ad.pow(ad.sub(predict(params, x), y), 2));
    const params = [ad.ones([4, 4]), ad.ones([4, 4]), ad.ones([4, 4])];
    const torchLoss = 8.485961281153186;
    const torchGrads = [-30.266645680825516, -8.760841628648425, 0.33247832712751685];
    for (const fn of [loss, ad.checkpoint(loss)]) {
      const [value, grads] = ad.valueAndGrad(fn)(params, ad.ones([4]), ad.ones([4]));
      f32(value, torchLoss, 1e-14, 0);
      grads.forEach((gr, i) => f32(gr, ad.full([4, 4], torchGrads[i]!).toArray(), 1e-14, 0));
    }
  });

  it('chain_compose vs recursive_checkpoint of sin: the page\'s residual counts (8 → 3, 16 → 4 arrays besides x) and torch\'s gradient', () => {
    type Fn = (x: Tensor) => Tensor;
    const chainCompose = (funs: Fn[]): Fn => (x) => funs.reduce((acc, fn) => fn(acc), x);
    const recursiveCheckpoint = (funs: Fn[]): Fn => {
      if (funs.length === 1) return funs[0]!;
      if (funs.length === 2) return (x) => funs[0]!(funs[1]!(x));
      const f1 = recursiveCheckpoint(funs.slice(0, funs.length >> 1));
      const f2r = recursiveCheckpoint(funs.slice(funs.length >> 1));
      return (x) => f1(ad.checkpoint(f2r)(x));
    };
    const torchGrad = { 8: -0.9243828424863165, 16: -0.8578496676535166 };
    const x = ad.full([1000], 3); // arrays, so that the bytes held count values (1000 float64s each)
    for (const n of [8, 16] as const) {
      const sins = Array<Fn>(n).fill(ad.sin);
      const plain = heldBy(chainCompose(sins), x), rec = heldBy(recursiveCheckpoint(sins), x);
      // print_saved_residuals: n cos outputs for the chain; x, 1 sin and 2 cos (n = 8), x, 2 sin and
      // 2 cos (n = 16) for the recursive one. adjoint's sin keeps its input rather than cos, and x is
      // an argument: n − 1 arrays, and 3 and 4.
      expect(plain.held / 8000).toBe(n - 1);
      expect(rec.held / 8000).toBe(n === 8 ? 3 : 4);
      for (const { pull } of [plain, rec]) f32(ad.take(pull(ad.ones([1000]))[0] as Tensor, 0), torchGrad[n], 1e-14, 0);
    }
  });
});

describe('jax.numpy docstring examples (lax_numpy.py, indexing.py, einsum.py, reductions.py)', () => {
  it('take, take_along_axis, put_along_axis (out-of-range indices are errors here, not JAX\'s NaN fill)', () => {
    const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    exact(ad.take(x, [2, 0]), [3, 1]);
    exact(ad.take(x, [2, 0], 1), [[3, 1], [6, 4]]);
    // jnp.take(x, indices, axis=0) gives [[nan, nan, nan], [1, 2, 3]] (mode 'fill'); adjoint names the index.
    expect(() => ad.take(x, [2, 0], 0)).toThrow(/take: index 2 is out of range for axis 0 of length 2/);
    exact(ad.takeAlongAxis(x, ad.tensor([[0, 2], [1, 0]]), 1), [[1, 3], [5, 4]]);
    const x2 = ad.tensor([[5, 3, 4], [2, 7, 6]]);
    const order = ad.argsort(x2, 1);
    exact(order, [[1, 2, 0], [0, 2, 1]]);
    exact(ad.takeAlongAxis(x2, order, 1), [[3, 4, 5], [2, 6, 7]]);
    const idx = ad.minIndex(x2, 1, true);
    exact(idx, [[1], [0]]);
    exact(ad.takeAlongAxis(x2, idx, 1), [[3], [2]]);
    const a = ad.tensor([[10, 30, 20], [60, 40, 50]]);
    const i = ad.maxIndex(a, 1, true);
    exact(i, [[1], [0]]);
    exact(ad.putAlongAxis(a, i, 99, 1), [[10, 99, 20], [99, 40, 50]]);
  });

  it('where, nonzero (with size and fill_value under jit), select, clip, argwhere, argmax', () => {
    const x = ad.arange(10);
    exact(ad.nonzero(ad.greater(x, 4))[0]!, [5, 6, 7, 8, 9]);
    exact(ad.where(ad.greater(x, 4), x, 0), [0, 0, 0, 0, 0, 5, 6, 7, 8, 9]);
    const [r, c] = ad.nonzero(ad.tensor([[0, 5, 0], [6, 0, 7]]));
    exact(r!, [0, 1, 1]);
    exact(c!, [1, 0, 2]);
    const v = ad.tensor([0, 5, 0, 6, 0, 7]);
    exact(ad.nonzero(v)[0]!, [1, 3, 5]);
    const nonzeroJit = ad.jit((t: Tensor, size: number, fillValue?: number) => ad.nonzero(t, { size, fillValue })[0]!);
    exact(nonzeroJit(v, 3), [1, 3, 5]);
    exact(nonzeroJit(v, 2), [1, 3]);
    exact(nonzeroJit(v, 5), [1, 3, 5, 0, 0]);
    exact(nonzeroJit(v, 5, 6), [1, 3, 5, 6, 6]);
    const condlist = [ad.tensor([0, 1, 0, 0]), ad.tensor([1, 0, 0, 0]), ad.tensor([0, 1, 1, 0])];
    const choicelist = [ad.tensor([1, 2, 3, 4]), ad.tensor([10, 20, 30, 40]), ad.tensor([100, 200, 300, 400])];
    exact(ad.select(condlist, choicelist, 0), [10, 2, 300, 0]);
    exact(ad.where(condlist[0]!, choicelist[0]!, ad.where(condlist[1]!, choicelist[1]!, ad.where(condlist[2]!, choicelist[2]!, 0))), [10, 2, 300, 0]);
    exact(ad.clip(ad.arange(8), 2, 5), [2, 2, 2, 3, 4, 5, 5, 5]);
    exact(ad.argwhere(ad.tensor([[1, 0, 2], [0, 3, 0]])), [[0, 0], [0, 2], [1, 1]]);
    expect(ad.argwhere(1).shape).toEqual([1, 0]);
    expect(ad.argwhere(0).shape).toEqual([0, 0]);
    exact(ad.maxIndex(ad.tensor([1, 3, 5, 4, 2])), 2);
    exact(ad.maxIndex(ad.tensor([[1, 3, 2], [5, 4, 1]]), 1), [1, 0]);
    exact(ad.maxIndex(ad.tensor([[1, 3, 2], [5, 4, 1]]), 1, true), [[1], [0]]);
  });

  it('diff, interp, pad, tril, triu, roll, searchsorted, piecewise', () => {
    const a = ad.tensor([[1, 5, 2, 9], [3, 8, 7, 4]]);
    exact(ad.diff(a), [[4, -3, 7], [5, -1, -3]]);
    exact(ad.diff(a, 2), [[-7, 10], [-6, -2]]);
    exact(ad.diff(a, 1, -1, { prepend: 2 }), [[-1, 4, -3, 7], [1, 5, -1, -3]]);
    exact(ad.diff(a, 1, -1, { append: ad.tensor([[3], [1]]) }), [[4, -3, 7, -6], [5, -1, -3, -3]]);
    const xp = ad.arange(10), fp = ad.mul(2, xp);
    exact(ad.interp(ad.tensor([0.5, 2, 3.5]), xp, fp), [1, 4, 7]);
    exact(ad.interp(ad.tensor([-10, 10]), xp, fp), [0, 18]);
    exact(ad.interp(ad.tensor([-10, 10]), xp, fp, { left: 'extrapolate', right: 'extrapolate' }), [-20, 20]);
    const xq = ad.tensor([0, Math.PI / 2, Math.PI, (3 * Math.PI) / 2]);
    f32(ad.interp(2 * Math.PI, xq, ad.sin(xq), { period: 2 * Math.PI }), 0, 0, 1e-15);
    const p = ad.tensor([10, 20, 30, 40]);
    exact(ad.pad(p, 2), [0, 0, 10, 20, 30, 40, 0, 0]);
    exact(ad.pad(p, [[2, 4]]), [0, 0, 10, 20, 30, 40, 0, 0, 0, 0]);
    exact(ad.pad(p, 2, { value: 99 }), [99, 99, 10, 20, 30, 40, 99, 99]);
    exact(ad.pad(p, 2, { mode: 'reflect' }), [30, 20, 10, 20, 30, 40, 30, 20]);
    exact(ad.pad(ad.tensor([[1, 2, 3], [4, 5, 6]]), [[1, 2], [3, 0]]), [
      [0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 2, 3], [0, 0, 0, 4, 5, 6], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0],
    ]);
    const t = ad.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    exact(ad.tril(t), [[1, 0, 0, 0], [5, 6, 0, 0], [9, 10, 11, 0]]);
    exact(ad.tril(t, 1), [[1, 2, 0, 0], [5, 6, 7, 0], [9, 10, 11, 12]]);
    exact(ad.tril(t, -1), [[0, 0, 0, 0], [5, 0, 0, 0], [9, 10, 0, 0]]);
    exact(ad.tril(ad.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])), [[[1, 0], [3, 4]], [[5, 0], [7, 8]]]);
    const u = ad.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
    exact(ad.triu(u), [[1, 2, 3], [0, 5, 6], [0, 0, 9], [0, 0, 0]]);
    exact(ad.triu(u, 1), [[0, 2, 3], [0, 0, 6], [0, 0, 0], [0, 0, 0]]);
    exact(ad.triu(u, -1), [[1, 2, 3], [4, 5, 6], [0, 8, 9], [0, 0, 12]]);
    const r = ad.reshape(ad.arange(12), [3, 4]);
    exact(ad.roll(ad.arange(6), 2), [4, 5, 0, 1, 2, 3]);
    exact(ad.roll(r, 1, 0), [[8, 9, 10, 11], [0, 1, 2, 3], [4, 5, 6, 7]]);
    exact(ad.roll(r, [2, 3], [0, 1]), [[5, 6, 7, 4], [9, 10, 11, 8], [1, 2, 3, 0]]);
    const s = ad.tensor([1, 2, 2, 3, 4, 5, 5]), vals = ad.tensor([0, 3, 8, 1.5, 2]), b = ad.tensor([4, 3, 5, 1, 2]);
    exact(ad.searchsorted(s, 2), 1);
    exact(ad.searchsorted(s, 2, { side: 'right' }), 3);
    exact(ad.searchsorted(s, vals), [0, 3, 7, 1, 1]);
    exact(ad.searchsorted(b, vals, { sorter: ad.argsort(b) }), [0, 2, 5, 1, 1]);
    exact(ad.searchsorted(ad.sort(b), vals), [0, 2, 5, 1, 1]);
    const xw = ad.arange(-4, 5);
    exact(ad.piecewise(xw, [ad.less(xw, 0), ad.greaterEqual(xw, 0)], [(q: Tensor) => ad.mul(0, q), (q: Tensor) => q]), [0, 0, 0, 0, 0, 1, 2, 3, 4]);
    exact(ad.piecewise(xw, [ad.less(xw, 0), ad.greaterEqual(xw, 0)], [0, (q: Tensor) => q]), [0, 0, 0, 0, 0, 1, 2, 3, 4]);
    exact(ad.piecewise(xw, [ad.less(xw, -1), ad.greater(xw, 1)], [(q: Tensor) => ad.add(1, q), (q: Tensor) => ad.sub(q, 1), 0]), [-3, -2, -1, 0, 0, 0, 1, 2, 3]);
  });

  it('einsum: inner, matrix-vector, outer, sum, batched sum, transpose, in explicit and implicit forms', () => {
    const M = ad.reshape(ad.arange(16), [4, 4]), x = ad.arange(4), y = ad.tensor([5, 4, 3, 2]);
    exact(ad.einsum('i,i', x, y), 16);
    exact(ad.einsum('i,i->', x, y), 16);
    exact(ad.einsum('ij,j->i', M, x), [14, 38, 62, 86]);
    exact(ad.einsum('ij,j', M, x), [14, 38, 62, 86]);
    exact(ad.matmul(M, x), [14, 38, 62, 86]);
    const outer = [[0, 0, 0, 0], [5, 4, 3, 2], [10, 8, 6, 4], [15, 12, 9, 6]];
    exact(ad.einsum('i,j->ij', x, y), outer);
    exact(ad.einsum('i,j', x, y), outer);
    exact(ad.outer(x, y), outer);
    exact(ad.einsum('i->', x), 6);
    exact(ad.einsum('...j->...', M), [6, 22, 38, 54]);
    exact(ad.einsum('ij->ji', ad.tensor([[1, 2, 3], [4, 5, 6]])), [[1, 4], [2, 5], [3, 6]]);
    exact(ad.einsum('ji', ad.tensor([[1, 2, 3], [4, 5, 6]])), [[1, 4], [2, 5], [3, 6]]);
  });

  it('reductions: sum, prod, max, mean, average (weights, returned), var, std, ptp, count_nonzero, nanmean', () => {
    const x = ad.tensor([[1, 3, 4, 2], [5, 2, 6, 3], [8, 1, 3, 9]]);
    exact(ad.sum(x), 47);
    exact(ad.sum(x, 1), [10, 16, 21]);
    exact(ad.sum(x, 1, true), [[10], [16], [21]]);
    const mask = ad.tensor([[0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]]); // jnp's where= argument, as a product
    exact(ad.sum(ad.mul(x, mask), 1, true), [[4], [9], [12]]);
    const xp = ad.tensor([[1, 3, 4, 2], [5, 2, 1, 3], [2, 1, 3, 1]]);
    exact(ad.prod(xp), 4320);
    exact(ad.prod(xp, 1), [24, 30, 6]);
    const xm = ad.tensor([[9, 3, 4, 5], [5, 2, 7, 4], [8, 1, 3, 6]]);
    exact(ad.max(xm), 9);
    exact(ad.max(xm, 1, true), [[9], [7], [8]]);
    const xa = ad.tensor([[1, 3, 4, 2], [5, 2, 6, 3], [8, 1, 2, 9]]);
    f32(ad.mean(xa), 3.8333335);
    exact(ad.mean(xa, 1), [2.5, 4, 5]);
    const v = ad.tensor([1, 2, 3, 2, 4]), wts = ad.tensor([2, 1, 3, 2, 2]);
    f32(ad.average(v), 2.4, 1e-15);
    exact(ad.average(v, undefined, { weights: wts }), 2.5);
    const [avg, total] = ad.average(v, undefined, { weights: wts, returned: true });
    exact(avg, 2.5);
    exact(total, 10);
    exact(ad.average(ad.tensor([[8, 2, 7], [3, 6, 4]]), 1, { weights: ad.tensor([1, 2, 3]) }), [5.5, 4.5]);
    const xv = ad.tensor([[1, 3, 4, 2], [5, 2, 6, 3], [8, 4, 2, 9]]);
    f32(ad.variance(xv), 5.74, 0, 0.005); // printed with precision=2
    exact(ad.variance(xv, 1), [1.25, 2.5, 8.1875]);
    f32(ad.variance(xv, 1, { keepdims: true, ddof: 1 }), [[1.67], [3.33], [10.92]], 0, 0.005);
    const xs = ad.tensor([[1, 3, 4, 2], [4, 2, 5, 3], [5, 4, 2, 3]]);
    f32(ad.std(xs), 1.21, 0, 0.005);
    f32(ad.std(xs, 0), [1.7, 0.82, 1.25, 0.47], 0, 0.005);
    f32(ad.std(xs, 0, { keepdims: true, ddof: 1 }), [[2.08, 1.0, 1.53, 0.58]], 0, 0.005);
    const xt = ad.tensor([[1, 3, 5, 2], [4, 6, 8, 1], [7, 9, 3, 4]]);
    exact(ad.ptp(xt), 8);
    exact(ad.ptp(xt, 1, true), [[4], [7], [6]]);
    const xc = ad.tensor([[1, 0, 0, 0], [0, 0, 1, 0], [1, 1, 1, 0]]);
    exact(ad.countNonzero(xc), 5);
    exact(ad.countNonzero(xc, 1, true), [[1], [1], [3]]);
    const xn = ad.tensor([[2, NaN, 4, 3], [NaN, -2, NaN, 9], [4, -7, 6, NaN]]);
    exact(ad.nanmean(xn), 2.375);
    exact(ad.nanmean(xn, 1, true), [[3], [3.5], [1]]);
  });
});

describe('jax.numpy.linalg docstring examples (linalg.py)', () => {
  const L = ad.linalg;
  it('cholesky (lower and upper), svd values, matrix_power (3, 0, −2), matrix_rank, slogdet, det', () => {
    const x = ad.tensor([[2, 1], [1, 2]]);
    f32(L.cholesky(x), [[1.4142135, 0], [0.70710677, 1.2247449]]);
    f32(L.cholesky(x, { upper: true }), [[1.4142135, 0.70710677], [0, 1.2247449]]);
    f32(L.svd(ad.tensor([[1, 2, 3], [6, 5, 4]]), { fullMatrices: false }).s, [9.361919, 1.8315067]);
    const a = ad.tensor([[1, 2], [3, 4]]);
    exact(L.matrixPower(a, 3), [[37, 54], [81, 118]]);
    exact(L.matrixPower(a, 0), [[1, 0], [0, 1]]);
    f32(L.matrixPower(a, -2), [[5.5, -2.5], [-3.75, 1.75]], 1e-14);
    exact(L.matrixRank(a), 2);
    exact(L.matrixRank(ad.tensor([[1, 0], [0, 0]])), 1);
    const { sign, logAbsDet } = L.slogdet(a);
    exact(sign, -1);
    f32(ad.exp(logAbsDet), 2, 1e-15);
    f32(L.det(a), -2, 1e-15);
  });

  it('pinv, inv, solve, lstsq, norm (vector and matrix orders), qr (up to signs: adjoint makes diag(R) ≥ 0), cross, outer', () => {
    // pinv's and inv's printed values are float32 (+SKIP in the docstring): a few ulps off.
    f32(L.pinv(ad.tensor([[1, 2], [3, 4], [5, 6]])), [[-1.333332, -0.33333257, 0.6666657], [1.0833322, 0.33333272, -0.41666582]], 5e-6);
    const a = ad.tensor([[1, 2, 3], [2, 4, 2], [3, 2, 1]]);
    f32(L.inv(a), [[0, -0.25, 0.5], [-0.25, 0.5, -0.25000003], [0.5, -0.25, 0]], 2e-7, 1e-15);
    f32(ad.matmul(L.inv(a), ad.tensor([1, 4, 2])), [0, 1.25, -0.5], 1e-15, 1e-15);
    f32(L.solve(a, ad.tensor([1, 4, 2])), [0, 1.25, -0.5], 1e-15, 1e-15);
    f32(L.solve(a, ad.tensor([14, 16, 10])), [1, 2, 3], 1e-15);
    f32(L.lstsq(ad.tensor([[1, 2], [3, 4]]), ad.tensor([5, 6])).solution, [-4, 4.5], 1e-14);
    const v = ad.tensor([3, 4, 12]);
    exact(L.norm(v), 13);
    exact(L.norm(v, 1), 19);
    exact(L.norm(v, 0), 3);
    const m = ad.tensor([[1, 2, 3], [4, 5, 7]]);
    f32(L.norm(m), 10.198039);
    f32(L.norm(m, 'nuc'), 10.762535);
    exact(L.norm(m, 1), 10);
    f32(L.norm(m, undefined, 1), [3.7416575, 9.486833]);
    f32(L.vectorNorm(ad.tensor([1, 2, 3])), 3.7416575);
    f32(L.matrixNorm(ad.reshape(ad.arange(1, 10), [3, 3])), 16.881943);
    const { q, r } = L.qr(ad.tensor([[1, 2, 3, 4], [5, 4, 2, 1], [6, 3, 1, 5]]));
    // LAPACK's (the page's) R has a negative diagonal here: adjoint's factors are the page's negated.
    f32(ad.neg(q), [[-0.12700021, -0.7581426, -0.6396022], [-0.63500065, -0.43322435, 0.63960224], [-0.7620008, 0.48737738, -0.42640156]], 5e-6);
    f32(ad.neg(r), [[-7.8740077, -5.080005, -2.4130025, -4.953006], [0, -1.7870499, -2.6534991, -1.028908], [0, 0, -1.0660033, -4.050814]], 5e-6, 1e-7);
    exact(ad.cross(ad.tensor([1, 0, 0]), ad.tensor([0, 1, 0])), [0, 0, 1]);
    exact(ad.cross(ad.tensor([1, 0, 0]), ad.eye(3)), [[0, 0, 0], [0, 0, 1], [0, -1, 0]]);
    exact(ad.outer(ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])), [[4, 5, 6], [8, 10, 12], [12, 15, 18]]);
  });

  it('diagonal, trace (offsets, batched), cond (3 and inf), tensorinv / tensorsolve / multi_dot identities', () => {
    const x = ad.reshape(ad.arange(1, 13), [3, 4]), x3 = ad.reshape(ad.arange(24), [2, 3, 4]);
    exact(L.diagonal(x), [1, 6, 11]);
    exact(L.diagonal(x, 1), [2, 7, 12]);
    exact(L.diagonal(x, -1), [5, 10]);
    exact(L.diagonal(x3), [[0, 5, 10], [12, 17, 22]]);
    exact(L.trace(x), 18);
    exact(L.trace(x, 1), 21);
    exact(L.trace(x, -1), 15);
    exact(L.trace(x3), [15, 51]);
    f32(L.cond(ad.tensor([[1, 2], [2, 1]])), 3, 1e-14);
    exact(L.cond(ad.tensor([[1, 2], [0, 0]])), Infinity);
    const t = random.normal(random.key(1337), [2, 2, 4]);
    expect(ad.allclose(ad.tensordot(L.tensorinv(t, 2), t, 2), ad.eye(4), { atol: 1e-10 })).toBe(true);
    const [k1, k2] = random.split(random.key(8675309));
    const ta = random.normal(k1!, [2, 2, 4]), tb = random.normal(k2!, [2, 2]);
    const sol = L.tensorsolve(ta, tb);
    expect(sol.shape).toEqual([4]);
    expect(ad.allclose(ad.tensordot(ta, sol, 1), tb)).toBe(true);
    const [m1, m2, m3] = random.split(random.key(0), 3);
    const A = random.normal(m1!, [200, 5]), B = random.normal(m2!, [5, 100]), C = random.normal(m3!, [100, 10]);
    expect(ad.allclose(L.multiDot([A, B, C]), ad.matmul(ad.matmul(A, B), C), { rtol: 1e-12, atol: 1e-12 })).toBe(true);
  });
});

describe("interp's left/right 'extrapolate', as jnp.interp's (regression)", () => {
  const xp = ad.tensor([0, 1, 3]), fp = ad.tensor([0, 10, 40]);
  const ex = { left: 'extrapolate', right: 'extrapolate' } as const;
  it('continues the end segments; one side at a time; values inside and at the knots unchanged', () => {
    exact(ad.interp(ad.tensor([-1, 0, 0.5, 1, 2, 3, 5]), xp, fp, ex), [-10, 0, 5, 10, 25, 40, 70]);
    exact(ad.interp(ad.tensor([-1, 5]), xp, fp, { left: 'extrapolate' }), [-10, 40]);
    exact(ad.interp(ad.tensor([-1, 5]), xp, fp, { right: 'extrapolate', left: -3 }), [-3, 70]);
    expect(() => ad.interp(1, xp, fp, { left: 'linear' as never })).toThrow(/interp: left must be a number, a tensor or 'extrapolate'/);
  });

  it('differentiable in x, xp and fp beyond the ends; under vmap and jit', () => {
    const [gx, gxp, gfp] = ad.grad((x: Tensor, a: Tensor, b: Tensor) => ad.sum(ad.interp(x, a, b, ex)), [0, 1, 2])(ad.tensor([-1, 5]), xp, fp);
    // f(-1) = fp0 + (x − xp0)(fp1 − fp0)/(xp1 − xp0); f(5) = fp1 + (x − xp1)(fp2 − fp1)/(xp2 − xp1).
    exact(gx, [10, 15]);
    f32(gfp, [2, -1 - 1, 2], 1e-15, 1e-15);
    f32(gxp, [-10 - 10, 10 + (-15 + 30), -30], 1e-15, 1e-14);
    exact(ad.vmap((x: Tensor) => ad.interp(x, xp, fp, ex))(ad.tensor([-1, 5])), [-10, 70]);
    exact(ad.jit((x: Tensor) => ad.interp(x, xp, fp, ex))(ad.tensor([-2, 4])), [-20, 55]);
  });
});

describe('Working with pytrees (jax-101/05.1-pytrees.ipynb; docs/pytrees.md)', () => {
  it('tree leaves of lists, tuples, dicts and an array; leaves must be tensors or numbers here (JAX takes any object)', () => {
    expect(ad.tree.leaves([1, [2, 3], []])).toEqual([1, 2, 3]);
    expect(ad.tree.leaves([1, { k1: 2, k2: [3, 4] }, 5])).toEqual([1, 2, 3, 4, 5]);
    expect(ad.tree.leaves({ a: 2, b: [2, 3] })).toEqual([2, 2, 3]);
    expect(ad.tree.leaves(ad.tensor([1, 2, 3]))).toHaveLength(1);
    // jax.tree_util.tree_leaves([1, 'a', object()]) has 3 leaves; adjoint's leaves are tensors and numbers.
    expect(() => ad.tree.leaves([1, 'a'] as never)).toThrow(/tree.leaves: the leaf at \[1\] is string 'a'/);
    expect(String(ad.tree.structure([1, { k1: 2, k2: [3, 4] }, 5]))).toBe('[*, {k1: *, k2: [*, *]}, *]');
  });

  it('tree.map over one and two trees; the shapes of MLP parameters; an SGD update with tree.map under jit', () => {
    const lol = [[1, 2, 3], [1, 2], [1, 2, 3, 4]];
    expect(ad.tree.map((x: number) => x * 2, lol)).toEqual([[2, 4, 6], [2, 4], [2, 4, 6, 8]]);
    expect(ad.tree.map((x: number, y: number) => x + y, lol, lol)).toEqual([[2, 4, 6], [2, 4], [2, 4, 6, 8]]);
    const widths = [1, 8, 8, 1];
    const keys = random.split(random.key(0), widths.length - 1);
    const params = keys.map((k, i) => ({
      weights: ad.mul(random.normal(k, [widths[i]!, widths[i + 1]!]), Math.sqrt(2 / widths[i]!)),
      biases: ad.ones([widths[i + 1]!]),
    }));
    expect(ad.tree.map((x: Tensor) => x.shape, params)).toEqual([
      { biases: [8], weights: [1, 8] }, { biases: [8], weights: [8, 8] }, { biases: [1], weights: [8, 1] },
    ]);
    type Params = typeof params;
    const forward = (ps: Params, x: Tensor) => {
      for (const layer of ps.slice(0, -1)) x = ad.relu(ad.add(ad.matmul(x, layer.weights), layer.biases));
      const last = ps[ps.length - 1]!;
      return ad.add(ad.matmul(x, last.weights), last.biases);
    };
    const lossFn = (ps: Params, x: Tensor, y: Tensor) => ad.mean(ad.pow(ad.sub(forward(ps, x), y), 2));
    const update = (ps: Params, x: Tensor, y: Tensor) => ad.tree.map((p: Tensor, g: Tensor) => ad.sub(p, ad.mul(0.01, g)), ps, ad.grad(lossFn)(ps, x, y));
    const xs = random.normal(random.key(1), [32, 1]), ys = ad.pow(xs, 2);
    const jitted = ad.jit(update);
    let eager = params, viaJit = params;
    for (let i = 0; i < 20; i++) {
      eager = update(eager, xs, ys) as Params;
      viaJit = jitted(viaJit, xs, ys) as Params;
    }
    ad.tree.leaves(eager).forEach((leaf, i) => expect(ad.allclose(leaf, ad.tree.leaves(viaJit)[i]!, { rtol: 1e-13, atol: 1e-15 })).toBe(true));
    expect(lossFn(eager, xs, ys).item()).toBeLessThan(lossFn(params, xs, ys).item());
  });
});

describe('JAX FAQ (docs/faq.rst): where and NaN gradients, gradients of step functions, jit numerics', () => {
  it('my_log = where(x > 0, log x, 0): JAX\'s gradient at 0 is NaN, adjoint\'s strong zeros give 0; the double-where forms give 0 in both', () => {
    const myLog = (x: Tensor) => ad.where(ad.greater(x, 0), ad.log(x), 0);
    exact(myLog(ad.scalar(0)), 0);
    exact(ad.grad(myLog)(0), 0); // JAX: NaN (DESIGN.md: strong zeros)
    const safeForGradLog = (x: Tensor) => ad.log(ad.where(ad.greater(x, 0), x, 1));
    exact(safeForGradLog(ad.scalar(0)), 0);
    exact(ad.grad(safeForGradLog)(0), 0);
    const myLogOrY = (x: Tensor, y: Tensor) => ad.where(ad.greater(x, 0), ad.log(ad.where(ad.greater(x, 0), x, 1)), y);
    const [gx, gy] = ad.grad(myLogOrY, [0, 1])(ad.scalar(0), ad.scalar(5));
    exact(gx, 0);
    exact(gy, 1);
  });

  it('the gradient of a step function is zero everywhere (vmap of grad); sigmoid is the smooth replacement', () => {
    const f = (x: Tensor) => ad.greater(x, 0);
    const x = ad.tensor([-1, -0.5, 0, 0.5, 1]);
    exact(f(x), [0, 0, 0, 1, 1]);
    exact(ad.vmap(ad.grad(f))(x), [0, 0, 0, 0, 0]);
    f32(ad.vmap(ad.grad(ad.sigmoid))(x), flat(ad.mul(ad.sigmoid(x), ad.sub(1, ad.sigmoid(x)))), 1e-15, 0);
  });

  it('jit does not rewrite the math: log(sqrt(π)) and log(exp(x)) equal their eager values (XLA rewrites both)', () => {
    const f = (x: Tensor) => ad.log(ad.sqrt(x));
    exact(ad.jit(f)(ad.scalar(Math.PI)), f(ad.scalar(Math.PI)).item());
    f32(f(ad.scalar(Math.PI)), 0.572365, 1e-6); // the page's eager float32 value
    const g = (x: Tensor) => ad.log(ad.exp(x));
    exact(ad.jit(g)(ad.scalar(1000)), Infinity); // XLA simplifies to x (1000); eager and replay both overflow
    exact(g(ad.scalar(1000)), Infinity);
  });
});

describe('Jacobians and Hessians of pytrees (the cookbook\'s containers, and pytree outputs)', () => {
  const inputs = ad.tensor([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]]);
  const targets = ad.tensor([1, 1, 0, 1]);
  const sigmoid = (x: Tensor) => ad.mul(0.5, ad.add(ad.tanh(ad.div(x, 2)), 1));
  const loss2 = (p: { W: Tensor; b: Tensor }) => {
    const preds = sigmoid(ad.add(ad.dot(inputs, p.W), p.b));
    return ad.neg(ad.sum(ad.log(ad.add(ad.mul(preds, targets), ad.mul(ad.sub(1, preds), ad.sub(1, targets))))));
  };
  it('hessian of a dict of parameters nests as JAX\'s (argument outside and inside) and equals jacfwd(jacrev)', () => {
    const P = { W: ad.tensor([0.1, -0.2, 0.3]), b: ad.scalar(0.4) };
    const H = ad.hessian(loss2)(P);
    const H2 = ad.jacfwd(ad.jacrev(loss2))(P) as typeof H;
    expect([H.W.W.shape, H.W.b.shape, H.b.W.shape, H.b.b.shape]).toEqual([[3, 3], [3], [3], []]);
    for (const a of ['W', 'b'] as const) for (const c of ['W', 'b'] as const) expect(ad.allclose(H[a][c], H2[a][c], { rtol: 1e-13, atol: 1e-15 })).toBe(true);
    // ∂²/∂b² = Σ p(1 − p) over the examples (the logistic loss's curvature in the bias).
    const p = sigmoid(ad.add(ad.dot(inputs, P.W), P.b));
    f32(H.b.b, ad.sum(ad.mul(p, ad.sub(1, p))).item(), 1e-14, 0);
  });

  it('jacfwd and jacrev of a function with a dict-of-list output', () => {
    const fo = (x: Tensor) => ({ a: ad.sin(x), b: [ad.sum(x), ad.mul(x, 2)] });
    const x = ad.tensor([1, 2]);
    for (const J of [ad.jacrev(fo)(x), ad.jacfwd(fo)(x)]) {
      f32(J.a, [[Math.cos(1), 0], [0, Math.cos(2)]], 1e-15, 0);
      exact(J.b[0]!, [1, 1]);
      exact(J.b[1]!, [[2, 0], [0, 2]]);
    }
  });
});
