/**
 * @file Type-level tests of the public signatures, checked by `npm run typecheck` (this file is
 * in tsconfig.json's `include`, and its types come from the built declarations as a user's do).
 * Each `expectType<T>()(value)` fails to compile unless `value`'s type is exactly `T`.
 */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <Want>() => <Got>(value: Got & (Equal<Got, Want> extends true ? unknown : never)): Got => value;

declare const x: Tensor;
interface Params { w: Tensor; b: Tensor }
declare const params: Params;
const loss = (p: Params, data: Tensor) => ad.sum(ad.add(ad.mul(p.w, data), p.b));

export function signatures(): void {
  // grad: one argument, an index, an array of indices, { argnums, hasAux }.
  expectType<Params>()(ad.grad(loss)(params, x));
  expectType<Tensor>()(ad.grad(loss, 1)(params, x));
  expectType<[Params, Tensor]>()(ad.grad(loss, [0, 1])(params, x));
  // A negative argnum counts from the end, as JAX's.
  expectType<Tensor>()(ad.grad(loss, -1)(params, x));
  expectType<[Tensor, Params]>()(ad.grad(loss, [-1, 0])(params, x));
  const withAux = (p: Params) => [ad.sum(p.w), { n: 3 }] as const;
  expectType<[Params, { readonly n: 3 }]>()(ad.grad(withAux, { hasAux: true })(params));
  expectType<[Tensor, Params]>()(ad.valueAndGrad(loss)(params, x));
  // hasAux on an array literal without `as const`: the gradient keeps its type, the aux is the element
  // types other than tensors and numbers (all of them when the aux is a tensor or number too).
  const arrayAux = (p: Params) => [ad.sum(p.w), { n: 3 }];
  expectType<[Params, { n: number }]>()(ad.grad(arrayAux, { hasAux: true })(params));
  expectType<[[Tensor, { n: number }], Params]>()(ad.valueAndGrad(arrayAux, { hasAux: true })(params));
  expectType<[Tensor, Tensor]>()(ad.grad((t: Tensor) => [ad.sum(t), ad.mean(t)], { hasAux: true })(x));
  expectType<[Tensor, { n: number }]>()(ad.jacobian((t: Tensor) => [ad.exp(t), { n: 3 }], { hasAux: true })(x));
  expectType<[Tensor, { n: number }]>()(ad.jacfwd((t: Tensor) => [ad.exp(t), { n: 3 }], { hasAux: true })(x));
  expectType<[Tensor, { n: number }]>()(ad.hessian((t: Tensor) => [ad.sum(ad.exp(t)), { n: 3 }], { hasAux: true })(x));
  expectType<[[Tensor, { readonly n: 3 }], Params]>()(ad.valueAndGrad(withAux, { hasAux: true })(params));
  // grad and valueAndGrad need a scalar output (a tree-valued f is jacobian's or vjp's).
  // @ts-expect-error a tree of outputs has no gradient
  ad.grad((t: Tensor) => ({ a: ad.sum(t) }));
  // Numbers where tensors are declared (Loosen), at any depth of a pytree argument.
  expectType<Tensor>()(ad.grad((t: Tensor) => ad.sin(t))(2));
  expectType<Params>()(ad.grad(loss)({ w: 1, b: x }, 3));
  expectType<[Tensor, Tensor]>()(ad.grad((p: [Tensor, Tensor]) => ad.mul(p[0], p[1]))([2, 3]));
  // @ts-expect-error but not a string where a tensor is declared
  ad.grad(loss)({ w: '1', b: x }, x);

  // vjp and its pullback: typed from f.
  const [out, pullback] = ad.vjp(loss, params, x);
  expectType<Tensor>()(out);
  expectType<[Params, Tensor]>()(pullback(1));
  const [y, back, aux] = ad.vjpWithAux((t: Tensor) => [ad.mul(t, t), 'note'] as const, x);
  expectType<Tensor>()(y);
  expectType<[Tensor]>()(back(ad.tensor(1)));
  expectType<'note'>()(aux);
  const [ly, ljvp, laux] = ad.linearizeWithAux((t: Tensor) => [ad.mul(t, t), 'note'] as const, x);
  expectType<Tensor>()(ly);
  expectType<Tensor>()(ljvp(x));
  expectType<'note'>()(laux);

  // Forward mode.
  const pair = (t: Tensor) => ({ s: ad.sin(t), c: [ad.cos(t)] as [Tensor] });
  const [primalOut, tangentOut] = ad.jvp(pair, [x], [1]);
  expectType<{ s: Tensor; c: [Tensor] }>()(primalOut);
  expectType<{ s: Tensor; c: [Tensor] }>()(tangentOut);
  const [lin, jvpFn] = ad.linearize(pair, x);
  expectType<{ s: Tensor; c: [Tensor] }>()(lin);
  expectType<{ s: Tensor; c: [Tensor] }>()(jvpFn(x));
  expectType<[Tensor]>()(ad.linearTranspose((t: Tensor) => ad.mul(t, 2), x)(ad.tensor(1)));

  // Dense derivatives: the output's structure outside, the argument's inside.
  expectType<Tensor>()(ad.jacobian((t: Tensor) => ad.exp(t))(x));
  expectType<{ s: Tensor; c: [Tensor] }>()(ad.jacobian(pair)(x));
  expectType<Params>()(ad.jacobian(loss)(params, x));
  expectType<{ w: Params; b: Params }>()(ad.hessian(loss)(params, x));
  expectType<Tensor>()(ad.hessian((t: Tensor) => ad.sum(ad.exp(t)))(x));
  // A non-scalar output: JAX's jacfwd(jacrev(f)), the output's structure outside, then the argument's twice.
  expectType<{ s: { w: Params; b: Params }; c: [{ w: Params; b: Params }] }>()(ad.hessian((p: Params) => ({ s: loss(p, x), c: [ad.exp(p.w)] as [Tensor] }))(params));
  expectType<Tensor>()(ad.hessian(pair, 0)(x).s);

  // hvp keeps x's type.
  expectType<Params>()(ad.hvp((p: Params) => loss(p, x), params, params));

  // null is an empty pytree node (JAX's None): kept as null in gradients, tangents and tree.map.
  type WithNull = { w: Tensor; extra: null; maybe: Tensor | null };
  const withNull = (p: WithNull) => ad.sum(p.w);
  expectType<WithNull>()(ad.grad(withNull)({ w: x, extra: null, maybe: null }));
  const [, nullTangent] = ad.jvp((p: WithNull) => [p.w, null] as [Tensor, null], [{ w: x, extra: null, maybe: x }], [{ w: 1, extra: null, maybe: null }]);
  expectType<[Tensor, null]>()(nullTangent);
  expectType<{ a: Tensor; b: null }>()(ad.tree.map((l) => ad.tensor(l), { a: 1, b: null }));
  expectType<number[]>()(ad.tree.leaves({ a: 1, b: null }));

  // Optimizers take params declared as an interface (no index signature needed).
  const opt = ad.optimizers.adam({ lr: 0.1 });
  const [next] = opt.step(params, ad.grad(loss)(params, x), opt.init(params));
  expectType<Params>()(next);

  // scan: the carry's and ys' trees from step and init (numbers in init come back as tensors).
  expectType<Tensor>()(ad.scan((h) => ad.tanh(h), x, { length: 3 }));
  expectType<Tensor>()(ad.scan((h: Tensor) => ad.add(h, 1), 0, { length: 3 }));
  expectType<[Tensor, { y: Tensor }]>()(ad.scan((h: Tensor, row: Tensor) => [ad.add(h, row), { y: ad.mul(h, row) }], x, { xs: x }));
  const lstm = (c: { h: Tensor; s: Tensor }, row: { e: Tensor }) => [{ h: ad.tanh(c.s), s: ad.add(c.s, row.e) }, c.h] as const;
  expectType<[{ h: Tensor; s: Tensor }, Tensor]>()(ad.scan(lstm, { h: x, s: x }, { xs: { e: x }, checkpoints: 2 }));
  // A carry that is itself a pair stays a carry (as at run time: a result in init's nesting is the carry).
  expectType<[Tensor, Tensor]>()(ad.scan((c: [Tensor, Tensor]) => [c[1], c[0]], [x, x] as [Tensor, Tensor], { length: 2 }));
  // Params declared as an interface.
  expectType<Params>()(ad.scan((p: Params) => ({ w: ad.sin(p.w), b: p.b }), params, { length: 2 }));
  ad.scan((h: Tensor, row) => { expectType<undefined>()(row); return h; }, x, { length: 1 }); // without xs, x is undefined
  // @ts-expect-error a step must return a carry in init's structure, or [carry, y]
  ad.scan((c: { a: Tensor }) => ({ b: c.a }), { a: x }, { length: 2 });
  // @ts-expect-error three things are neither
  ad.scan((h: Tensor) => [h, h, h], x, { length: 2 });

  // whileLoop: the carry's type, interface params included.
  expectType<Params>()(ad.whileLoop((p: Params) => ad.sum(p.w).item() < 1, (p: Params) => ({ w: ad.add(p.w, 1), b: p.b }), params));

  // vmap, jit and checkGrad take functions of interface params.
  expectType<Params>()(ad.vmap((p: Params) => ({ w: ad.sin(p.w), b: p.b }))(params));
  expectType<Tensor>()(ad.jit(loss)(params, x));
  expectType<ad.GradCheckResult>()(ad.checkGrad(loss, [params, x]));
  expectType<ad.GradCheckResult>()(ad.checkGrad((t: Tensor) => ad.sum(t), [2], { order: 1 }));
  expectType<void>()(ad.assertGrad(loss, [params, x]));
  // @ts-expect-error one entry per parameter of f
  ad.checkGrad(loss, [params]);

  // customVjp's jvp option and customJvp's rule: primals and tangents as f's arguments, [out, tangentOut] as its output.
  const square = ad.customVjp((t: Tensor) => ad.mul(t, t), (g) => [ad.mul(g, 2)], {
    jvp: (primals, tangents) => {
      expectType<[t: Tensor]>()(primals);
      return [ad.mul(primals[0], primals[0]), ad.mul(ad.mul(primals[0], 2), tangents[0])];
    },
  });
  expectType<Tensor>()(square(x));
  const rule: ad.JvpRule<[Tensor], Tensor> = ([p], [t]) => [ad.exp(p), ad.mul(ad.exp(p), t)];
  expectType<Tensor>()(ad.customJvp((t: Tensor) => ad.exp(t), rule)(x));

  // Solvers: x in b's structure with tensor leaves; matvec, preconditioner and x0 typed from b.
  const solved = ad.cg((v) => ad.mul(v, 2), x, { preconditioner: (r) => ad.div(r, 2), x0: 0 });
  expectType<ad.LinearSolveResult<Tensor>>()(solved);
  expectType<Tensor>()(solved.x);
  expectType<Params>()(ad.minres((v: Params) => ({ w: ad.mul(v.w, 2), b: v.b }), params).x);
  expectType<{ a: Tensor; b: [Tensor] }>()(ad.gmres((v) => v, { a: x, b: [1] as [number] }).x);
  expectType<Params>()(ad.argmin((p: Params) => loss(p, x), params, { preconditioner: (v) => ({ w: v.w, b: ad.mul(v.b, 0.5) }) }));

  // Structured results: one input's form or a batch's (the scores' rank decides at run time).
  const crf = new ad.LinearChainCRF({ emissions: x, transitions: x });
  expectType<ad.TagsAndScore | ad.TagsAndScore<number[][], number[]>>()(crf.argmax());
  expectType<ad.TagsAndScore<number[][], number[]> | ad.TagsAndScore<number[][][], number[][]>>()(crf.topk(2));
  expectType<number[][] | number[][][]>()(crf.sample(2, 0));
  const one = crf.argmax() as ad.TagsAndScore;
  expectType<number[]>()(one.tags);
  expectType<number>()(one.score);
  expectType<ad.TreeAndScore | ad.TreeAndScore<ad.ParseTree[], number[]>>()(new ad.PCFG({ terminals: x, rules: x }).argmax());
  expectType<ad.TreeAndScore | ad.TreeAndScore<ad.ParseTree[], number[]>>()(new ad.TreeCRF({ spans: x }).argmax());
  expectType<ad.Tensor>()(new ad.TreeCRF({ spans: x, lengths: [2] }).marginals());
  expectType<ad.SegmentsAndScore | ad.SegmentsAndScore<ad.Segment[][], number[]>>()(new ad.SemiMarkovCRF({ segments: x, transitions: x }).argmax());
  expectType<ad.HeadsAndScore | ad.HeadsAndScore<number[][], number[]>>()(new ad.DependencyCRF({ arcScores: x, projective: true }).argmax());
  expectType<ad.StatesAndScore<number[] | null> | ad.StatesAndScore<(number[] | null)[], number[]>>()(new ad.Alignment({ scores: x }).argmax());
  expectType<ad.TagsAndScore | ad.TagsAndScore<number[][], number[]>>()(new ad.HigherOrderCRF({ emissions: x, transitions: x }).argmax());
  // HMM: the batch is an argument, so the form is exact.
  const hmm = new ad.HMM({ initial: x, transition: x, emission: x });
  expectType<ad.StatesAndScore>()(hmm.viterbi([0, 1]));
  expectType<ad.StatesAndScore<number[][], number[]>>()(hmm.viterbi([[0, 1], [1]]));
  expectType<ad.StatesAndScore<number[][], number[]>>()(hmm.topk([0, 1], 2));
  expectType<number[][][]>()(hmm.sample([[0, 1]], 3, 0));

  // A tensor's data is a read-only copy: writing into it does not compile.
  expectType<ad.ReadonlyFloat64Array>()(x.data);
  expectType<number>()(x.data[0]!);
  // @ts-expect-error data is read-only
  x.data[0] = 99;
  // @ts-expect-error data has no mutating methods
  x.data.fill(0);
  expectType<Float64Array>()(x.toFloat64Array()); // the writable copy

  // random.split of one key without n gives exactly two keys (no `!` under noUncheckedIndexedAccess).
  expectType<[ad.random.Key, ad.random.Key]>()(ad.random.split(ad.random.key(0)));
  expectType<ad.random.Key[]>()(ad.random.split(ad.random.key(0), 3));

  // whileLoop: cond, body and the result see number leaves of the carry as tensors (as foriLoop and scan).
  expectType<{ x: Tensor; k: Tensor }>()(ad.whileLoop((c) => c.k.item() < 3, (c) => ({ x: ad.sin(c.x), k: ad.add(c.k, 1) }), { x, k: 0 }));
  // @ts-expect-error the counter is a tensor inside the loop, not a number
  ad.whileLoop((c: { x: Tensor; k: number }) => c.k < 3, (c) => c, { x, k: 0 });

  // Optional options may be given as undefined (exactOptionalPropertyTypes), as the runtime allows.
  expectType<Tensor>()(ad.vmap((a: Tensor) => ad.sum(a), { inAxes: 0, outAxes: undefined })(x));
  // Extra arguments, which the runtime refuses, do not compile.
  // @ts-expect-error foriLoop takes lower, upper, body, init and options
  ad.foriLoop(0, 3, (_i: number, c: Tensor) => c, x, undefined, x);
  // @ts-expect-error associativeScan takes fn, elems and options
  ad.associativeScan((a: Tensor, b: Tensor) => ad.add(a, b), x, {}, x);

  // Callbacks see what the runtime passes: number leaves of a starting point or direction arrive as tensors.
  expectType<Tensor>()(ad.argmin((w) => { expectType<Tensor>()(w); return ad.square(ad.sub(w, 1)); }, 0));
  expectType<{ a: Tensor; b: [Tensor] }>()(ad.argmin((p) => { expectType<{ a: Tensor; b: [Tensor] }>()(p); return ad.add(ad.square(p.a), ad.square(p.b[0])); }, { a: 1, b: [2] as [number] }));
  expectType<Tensor>()(ad.root((z) => { expectType<Tensor>()(z); return ad.sub(ad.pow(z, 3), 2); }, 1));
  expectType<Tensor>()(ad.hvp((z) => { expectType<Tensor>()(z); return ad.pow(z, 3); }, 2, 1));
  // @ts-expect-error the loss receives a tensor, not a number (JavaScript arithmetic on it would leave the trace)
  ad.argmin((w: number) => (w - 1) ** 2, 0);
  // @ts-expect-error the same for hvp
  ad.hvp((z: number) => z * z, 2, 1);
  // Unannotated lambdas (as in the docs' examples) compile, as grad's do, and stopGradient of one is a Tensor.
  const clipGrad = ad.customVjp((t) => t, (g) => [ad.clip(g, -1, 1)]);
  ad.grad((t) => ad.sum(ad.mul(clipGrad(t), 10)))(x); // (grad of an unannotated lambda is any, deliberately)
  expectType<Tensor>()(ad.checkpoint((h) => ad.tanh(h))(x));
  expectType<Tensor>()(ad.customJvp((t) => ad.exp(t), ([t], [dt]) => [ad.exp(t), ad.mul(ad.exp(t), dt)])(x));
  ad.grad((t) => ad.mul(t, ad.stopGradient(t)))(x);
  expectType<Tensor>()(ad.stopGradient(JSON.parse('0') as any)); // eslint-disable-line @typescript-eslint/no-explicit-any
  expectType<{ w: Tensor; b: Tensor }>()(ad.stopGradient({ w: x, b: 0 }));
  // x.logsumexp takes ad.logsumexp's options; jit's function takes numbers where tensors are declared.
  expectType<{ value: Tensor; sign: Tensor }>()(x.logsumexp(1, { returnSign: true }));
  expectType<Tensor>()(x.logsumexp({ keepdims: true }));
  expectType<Tensor>()(ad.jit((a: Tensor) => ad.exp(a))(3));
  // ... and keeps the function's own overloads; stopGradient keeps an all-optional object's type.
  expectType<Tensor>()(ad.jit(ad.logsumexp)(x));
  expectType<{ w?: Tensor; b?: Tensor }>()(ad.stopGradient({} as { w?: Tensor; b?: Tensor }));
  // The functions customVjp, customJvp and checkpoint return take numbers where tensors are declared (as grad's do).
  const scaled = ad.checkpoint((t: Tensor, k: Tensor) => ad.mul(t, k));
  expectType<Tensor>()(scaled(2, x));
  const clipped = ad.customVjp((t: Tensor) => t, (g, ctx) => {
    expectType<[t: Tensor]>()(ctx.args);
    return [ad.clip(g, -1, 1)];
  });
  expectType<Tensor>()(clipped(3));
  // JAX's form: bwd's residuals are typed from fwd's, its cotangent from f's output.
  const sinTimes = ad.customVjp((a: Tensor, b: Tensor) => ad.mul(ad.sin(a), b), {
    fwd: (a: Tensor, b: Tensor) => [ad.mul(ad.sin(a), b), { c: ad.cos(a), b }] as const,
    bwd: (res, g) => {
      expectType<{ readonly c: Tensor; readonly b: Tensor }>()(res);
      expectType<Tensor>()(g);
      return [ad.mul(ad.mul(res.c, g), res.b), null];
    },
  });
  expectType<Tensor>()(sinTimes(x, 2));
  // ctx.args and a rule's primals hold tensors for arguments declared as numbers.
  ad.customVjp((n: number, t: Tensor) => ad.pow(t, n), (g: Tensor, { args: [n, t] }) => {
    expectType<Tensor>()(n);
    return [null, ad.mul(g, ad.mul(n, ad.pow(t, ad.sub(n, 1))))];
  });
  ad.customJvp((n: number, t: Tensor) => ad.pow(t, n), ([n, t], [, dt]) => {
    expectType<Tensor>()(n);
    return [ad.pow(t, n), ad.mul(dt, ad.mul(n, ad.pow(t, ad.sub(n, 1))))];
  });
  // An array literal carry is a tuple: a parameter and its optimizer state side by side.
  const adam = ad.optimizers.adam({ lr: 0.1 });
  const trained = ad.scan(([w, state]) => {
    const g = ad.grad((v: Tensor) => ad.sum(ad.square(v)))(w);
    const [w2, state2] = adam.step(w, g, state);
    return [w2, state2];
  }, [x, adam.init(x)], { length: 3 });
  expectType<Tensor>()(trained[0]);
  expectType<Tensor>()(trained[1].count);
  const fibonacci = ad.foriLoop(0, 3, (_i, [a, b]) => [b, ad.add(a, b)], [x, 1]);
  expectType<[Tensor, Tensor]>()(fibonacci);
  // A body typed to return an array still fits a tuple carry (the runtime checks the length).
  const halved = ad.whileLoop((c: Tensor[]) => ad.sum(c[0]!).item() > 1, (c: Tensor[]) => [ad.mul(c[0]!, 0.5), c[1]!], [x, x]);
  expectType<[Tensor, Tensor]>()(halved);
  // cond: one branch may give a number where the other gives a tensor.
  expectType<Tensor>()(ad.cond(true, () => x, () => 0));
  expectType<{ a: Tensor }>()(ad.cond(x, () => ({ a: 0 }), () => ({ a: x })));

  // A backward rule returns one cotangent per argument, each in its argument's structure or null.
  ad.customVjp((p: Params) => ad.sum(p.w), (g) => [{ w: g, b: null }]);
  ad.customVjp((a: Tensor, b: Tensor) => ad.mul(a, b), (g) => [g, null]);
  // An array built apart: its length is the runtime's to check.
  ad.customVjp((a: Tensor, b: Tensor) => ad.mul(a, b), (g, { args: [a, b] }) => {
    const cotangents = [ad.mul(g, b), ad.mul(g, a)];
    return cotangents;
  });
  // @ts-expect-error a cotangent in its argument's structure
  ad.customVjp((p: Params) => ad.sum(p.w), (g) => [{ w: g }]);

  // einsum's options last; einsumPath's path and report, and the path passed back.
  const path = ad.einsumPath('ij,jk,kl->il', x, x, x);
  expectType<[ad.EinsumPath, string]>()(path);
  expectType<Tensor>()(ad.einsum('ij,jk,kl->il', x, x, x, { optimize: path[0] }));
  expectType<Tensor>()(ad.einsum('ij,jk', x, x, { optimize: ['greedy', 1e6] }));
  expectType<Tensor>()(ad.einsum(x, [0, 1], x, [1, 2], { optimize: 'optimal' }));
  // @ts-expect-error optimize is 'greedy', 'optimal', a flag, a limit or a path
  ad.einsum('ij,jk', x, x, { optimize: 'dp' });
}
