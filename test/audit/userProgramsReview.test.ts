/**
 * @file Whole user programs against PyTorch 1.13 in float64: an MLP trained by Adam, a CNN, an LSTM
 * written with scan, masked attention with layer norm, a ridge hypergradient through argmin, a GP
 * likelihood through Cholesky, a CRF tagger, MAML and a gradient penalty, CTC, and a jitted training
 * step on a schedule. Each composes several features the per-op audits test apart; they all agreed
 * (to ~1e-14), and stay here as guards. Inputs are sin(0.7·i + s)·scale in both programs, so the
 * reference values (from torch, written out below) need no data files; the torch programs are
 * sketched beside each case.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose } from '../support/expectClose.js';

/** sin(0.7·i + s)·scale over i = 0 … n − 1, reshaped: the data of the torch programs (numpy's formula). */
function seq(shape: number[], s: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return ad.reshape(ad.mul(ad.sin(ad.add(ad.mul(ad.arange(n), 0.7), s)), scale), shape);
}

/** |actual − expected| ≤ rtol · max|expected| entrywise, shapes equal. */

const crossEntropy = (logits: Tensor, labels: number[], classes: number) =>
  ad.neg(ad.mean(ad.sum(ad.mul(ad.oneHot(ad.tensor(labels), classes), ad.logSoftmax(logits, -1)), -1)));

const torchRef: Record<string, unknown> = {
  mlp_loss0: 1.0951073865586674,
  mlp_W1: [[0.6705885226733688, 0.31746029746151355, 0.08759363925294923, 0.2518425076453472], [-0.06161224464064895, -0.7044897401829657, -0.2034002865470434, 0.0565372068637306], [0.38230702317589405, 0.1853013447472044, 0.7361085293691759, 0.5792665532808293]],
  mlp_b2: [-0.06443561959559825, 0.009037727796286667, -0.09841859033481871],
  cnn_loss: 1.112431784573512,
  cnn_gw1: [[[[0.026087289926072774, 0.0037006992823686705, -0.01931474380136994], [-0.03411799480848589, -0.044519773801622614, -0.018496987781983932], [0.003908612461774177, 0.030923351202048935, 0.03571165627932699]], [[0.01049296358987395, 0.029432181210005265, 0.03419789070850914], [0.02353026449701355, -0.0026216286225416285, -0.03458778594533704], [-0.020444345293286245, -0.030211241791592302, -0.010319521889240974]]], [[[-0.026011926211404406, -0.003288096880708832, 0.02121495890383466], [0.035744846554327456, 0.049610747548333806, 0.02264691891139325], [-0.009483248789315826, -0.04221375742431084, -0.05034646892609703]], [[-0.012284887265891862, -0.031829931270881864, -0.036474193633671784], [-0.023258942300308665, 7.072667638071772e-05, 0.035486565231113716], [0.03210275789636373, 0.043477871989208855, 0.016484896586333734]]], [[[-0.007497041933203603, -0.020820648640410732, -0.036427693609301155], [-0.04957084569106504, -0.035622331826348705, 0.004070248778371277], [0.048627264268628415, 0.07037871055400802, 0.06316013535549878]], [[0.03443207914829292, 0.03768999795856537, 0.02554907472739955], [0.0006771353915399517, -0.028535484720378222, -0.05602122459484697], [-0.05329936234926311, -0.04337689465237886, 0.0037267074304363074]]], [[[0.011145593282776943, 0.02359672267542036, 0.03118657529917305], [0.0377424182091247, 0.01994636363313976, -0.0116270895825806], [-0.04837790518087647, -0.06791281657693193, -0.0592492327190205]], [[-0.03137536629331236, -0.028567750856089494, -0.013786950712630874], [0.0051333300802306, 0.029074778145936366, 0.045410383183672624], [0.05133290213655699, 0.03947826273039136, -0.006146636924748657]]]],
  cnn_hvp: [[[[-0.0021653985830680294, -0.0055033690684849965, -0.00432453374993773], [0.016661688483744296, -0.0014298239975013053, -0.018215150785592545], [-0.02337734689851854, -0.025177475534730376, -0.009462411298229471]], [[0.003198994599617077, 0.0025311865766104776, -0.0012142736001240113], [0.007402212778274366, 0.024603103695596658, 0.02535825552015655], [0.017409843542976, -0.0028812160600268726, -0.021060129241698974]]], [[[0.0014986982910202154, 0.003801052999760341, 0.0030878139836017964], [-0.017725029238413237, 0.0028474235038336414, 0.019927855051681855], [0.026284601100041168, 0.028050860088326683, 0.011210824616615073]], [[-0.0015856522868885259, -0.0018896737307711826, 0.0006870228201936975], [-0.008298809548180637, -0.02609397123452435, -0.025944883820238497], [-0.02117383898557318, 0.0022734419122823453, 0.02245942901612869]]], [[[0.00777516165627465, 0.027690585382162434, 0.027740458913426372], [0.027572662573965075, 0.004533672946395063, -0.021799376242121044], [-0.03582327548842822, -0.04368721428474623, -0.024755141187548495]], [[-0.02802566365988852, -0.021115647298685616, -0.0028749123007977516], [0.006485138648324484, 0.03344708841298398, 0.03909712505770385], [0.03319901346061948, 0.0066797489625292335, -0.024020827899494397]]], [[[-0.007957094715809535, -0.027180431478182557, -0.02825956406403973], [-0.024724521615565716, -0.00228629611526738, 0.021228702705352372], [0.03555812388210207, 0.04037218149634901, 0.02171377638113783]], [[0.028172579646913793, 0.022169914141388802, 0.004369403716395149], [-0.00804293805877284, -0.03120705702905946, -0.03509130693025291], [-0.03203421423246359, -0.004543624041448654, 0.02394495112533456]]]],
  lstm_loss: 10.682655810617208,
  lstm_gWh: [[-0.003707793470891211, -0.009333298333530016, 0.0015566186294723931, 0.0035058869904925076, -0.02659766998769119, 0.019430534682359675, -0.000767527614543803, -0.006732538668492427], [-0.00561573221138394, -0.010014118602630163, 0.003398856362501793, 0.005241235059453057, -0.023380515270851304, 0.009454981953308746, -0.0008133522049245962, -0.0038223288673182613]],
  lstm_hvp: [[-0.0009154425230444039, -3.7342497216220503e-05, 0.0002362869340521976, -0.0007905598215704319, 0.0016492465232469762, -0.0026575944856428294, -0.0010338349109749296, 0.00022582149744285066], [0.0028457395244912424, 0.00016740048368852289, -7.441751590211643e-06, -0.0017895466377514724, -0.0017801472081789595, -0.003339525587417824, 0.0023386500826786706, -0.0020949712505364485]],
  attn_loss: -0.8194130596678124,
  attn_gWq: [[0.007521009254300133, 0.0026107359736697805, 0.025525201140245844, 0.06203704877460567], [0.011814112409466861, 0.0045249603647589745, 0.027730900186610896, 0.06203187022281399], [0.010550853897862728, 0.004311025191845942, 0.016894323567944673, 0.03285213383052328], [0.004325363936453959, 0.0020695475095809986, -0.0018879174058134447, -0.011778474431013484]],
  ridge_dev: 0.5381059220202583,
  ridge_g: [-6.929252739541331e-05, 0.0009138670384605331, 0.001965024615688232],
  ridge_H: [[-2.8664867701286394e-05, -0.00013504165773623006, 7.31214860836279e-05], [-0.00013504165773622998, -5.70811720111947e-05, 0.0010106892616888307], [7.312148608362785e-05, 0.0010106892616888307, 0.0004944768955896609]],
  gp_nll: 0.7355238736777895,
  gp_g: [4.162508739591721, -3.774091810859362, 1.753671754404249],
  gp_H: [[3.470833063109455, -2.9738494016886583, -1.3978373611409722], [-2.973849401688659, 2.0255859620809162, 3.20472181059089], [-1.3978373611409751, 3.2047218105908892, 1.4924806711805474]],
  crf_nll: 8.719240663536404,
  crf_gtrans: [[0.7756584043033906, -1.140750321742116, 0.0], [0.44863251189831965, -0.5097121218659317, -0.26755240436840283], [-0.6280670735562257, 0.5328681311611101, 0.788922874169857]],
  maml_loss: 0.6128765112343215,
  maml_gW1: [[0.033967543603263976, -0.10692794086681104, -0.19842214214477438], [0.02402469723037732, 0.01517817034969201, -0.0255933296106238]],
  maml_glr: -0.32789055637670816,
  gp_pen: 0.23052094651152522,
  gp_gW1: [[0.04139698961396149, 0.1577316534523714, 0.2667588705429], [-0.08976477179387421, -0.30712252716575306, -0.34009067385209657]],
  ctc_none: [4.902634529802805, 3.1672777900407127, Infinity],
  ctc_gW: [[-0.9622857342197354, -0.05348267911822796, 1.1479195817618533, -0.13215116842389008], [-0.439824023458031, -0.4996927437890838, 0.8305194966730967, 0.1089972705740182]],
  ctc_meanz: 1.6004964333249936,
  ctc_meanz_gW: [[-0.22047007221098386, 0.0520174269700445, 0.1590738160462123, 0.009378829194727045], [-0.06899688061713956, -0.047543720615017944, 0.09008069939011604, 0.02645990184204145]],
  cos_W1: [[0.5458057955522466, 0.38136328671538283, 0.212882656288148, 0.1444659694738996], [-0.18163404688596527, -0.6101530073025513, -0.4342444540347664, -0.06233334807823447], [0.27835266209252263, 0.3018769805272913, 0.6170588163786515, 0.4565014274487733]],
  cos_W2: [[0.19514904743270423, -0.39010355240073785, -0.4733202099005545], [-0.35325702339306014, -0.35313839073782916, 0.011948359455091598], [0.5135745208522446, 0.620975884164685, 0.24227157649110367], [0.17728908600753954, -0.14854094502467755, -0.6033029138209153]],
};

describe('whole programs that agree with PyTorch', () => {
  const X = seq([6, 3], 0.1), y = [0, 2, 1, 1, 0, 2];

  it('an MLP trained 5 steps by Adam with coupled L2 (addDecayedWeights), parameters a nested pytree', () => {
    // torch.optim.Adam([W1, b1, W2, b2], lr=0.05, weight_decay=0.01) on F.cross_entropy(tanh(X W1 + b1) W2 + b2, y)
    type P = { l1: { w: Tensor; b: Tensor }; l2: [Tensor, Tensor] };
    const loss = (p: P) => crossEntropy(ad.tanh(X.matmul(p.l1.w).add(p.l1.b)).matmul(p.l2[0]).add(p.l2[1]), y, 3);
    const opt = ad.optimizers.chain(ad.optimizers.addDecayedWeights(0.01), ad.optimizers.adam({ lr: 0.05 }));
    let p: P = { l1: { w: seq([3, 4], 1, 0.5), b: seq([4], 2, 0.1) }, l2: [seq([4, 3], 3, 0.5), seq([3], 4, 0.1)] };
    let s = opt.init(p);
    for (let i = 0; i < 5; i++) {
      const [v, g] = ad.valueAndGrad(loss)(p);
      if (i === 0) expectClose(v, torchRef.mlp_loss0);
      [p, s] = opt.step(p, g, s);
    }
    expectClose(p.l1.w, torchRef.mlp_W1);
    expectClose(p.l2[1], torchRef.mlp_b2);
  });

  it('a CNN: grouped, strided, dilated conv, relu, padded maxPool, same conv, avgPool without pad counts; gradient and HVP', () => {
    // F.conv2d(x, w1, c1, (1, 2), (2, 1), (2, 1), groups=2) → relu → max_pool2d(2, 2, 1) → conv2d(padding='same')
    // → tanh → avg_pool2d((2, 3), 2, (0, 1), count_include_pad=False) → linear → cross_entropy
    const x = seq([1, 4, 7, 6], 0.3), c1 = seq([4], 2.2, 0.1), w2 = seq([2, 4, 2, 2], 3.3, 0.3), W = seq([4, 3], 4.4, 0.3);
    const cnn = (act: (t: Tensor) => Tensor) => (w1: Tensor) => {
      let h = act(ad.conv(x, w1, { stride: [1, 2], padding: [2, 1], dilation: [2, 1], groups: 2, bias: c1 }));
      h = ad.maxPool(h, [2, 2], { stride: 2, padding: 1 });
      h = ad.avgPool(ad.tanh(ad.conv(h, w2, { padding: 'same' })), [2, 3], { stride: 2, padding: [0, 1], countIncludePad: false });
      return crossEntropy(h.reshape([1, -1]).matmul(W), [2], 3);
    };
    const w1 = seq([4, 2, 3, 3], 1.1, 0.3);
    const [v, g] = ad.valueAndGrad(cnn(ad.relu))(w1);
    expectClose(v, torchRef.cnn_loss);
    expectClose(g, torchRef.cnn_gw1);
    expectClose(ad.hvp(cnn(ad.softplus), w1, seq([4, 2, 3, 3], 5.5)), torchRef.cnn_hvp);
  });

  it('an LSTM written with scan: the same loss, gradient and HVP with every checkpoint setting', () => {
    // the recurrence written out in torch, gates (i, f, g, o); loss Σ_t |h_t − target_t|² + |c_T|²
    const xs = seq([5, 2, 3], 0.2), Wx = seq([3, 8], 1.3, 0.4), b = seq([8], 3.5, 0.1), tg = seq([5, 2, 2], 4.6);
    const lstm = (checkpoints: 'all' | number) => (Wh: Tensor) => {
      const [{ c }, losses] = ad.scan(({ h, c }: { h: Tensor; c: Tensor }, [x, t]: Tensor[]) => {
        const [i, f, g, o] = ad.split(ad.add(ad.add(ad.matmul(x!, Wx), h.matmul(Wh)), b), 4, -1) as [Tensor, Tensor, Tensor, Tensor];
        const c2 = ad.add(ad.mul(ad.sigmoid(f), c), ad.mul(ad.sigmoid(i), ad.tanh(g)));
        const h2 = ad.mul(ad.sigmoid(o), ad.tanh(c2));
        return [{ h: h2, c: c2 }, ad.sum(ad.square(ad.sub(h2, t!)))] as const;
      }, { h: ad.zeros([2, 2]), c: ad.zeros([2, 2]) }, { xs: [xs, tg], checkpoints });
      return ad.add(ad.sum(losses), ad.sum(ad.square(c)));
    };
    const Wh = seq([2, 8], 2.4, 0.4);
    for (const ck of ['all', 3, 1] as const) {
      const [v, g] = ad.valueAndGrad(lstm(ck))(Wh);
      expectClose(v, torchRef.lstm_loss);
      expectClose(g, torchRef.lstm_gWh);
      expectClose(ad.hvp(lstm(ck), Wh, seq([2, 8], 6.7)), torchRef.lstm_hvp);
    }
  });

  it('causal attention with a padding mask of −∞ (einsum, softmax) and layerNorm', () => {
    const xa = seq([2, 4, 4], 0.4), Wk = seq([4, 4], 2.6, 0.3), Wv = seq([4, 4], 3.7, 0.3), gam = ad.add(1, seq([4], 4.8, 0.1));
    const pad = ad.tensor([[1, 1, 1, 1], [1, 1, 0, 0]]);
    const attn = (Wq: Tensor) => {
      const [q, k, v] = [Wq, Wk, Wv].map((w) => xa.matmul(w).reshape([2, 4, 2, 2])) as [Tensor, Tensor, Tensor];
      const m = ad.mul(ad.tril(ad.ones([4, 4])), ad.reshape(pad, [2, 1, 1, 4]));
      const s = ad.add(ad.div(ad.einsum('btnh,bsnh->bnts', q, k), Math.SQRT2), ad.where(ad.greater(m, 0), 0, -Infinity));
      const o = ad.add(xa, ad.einsum('bnts,bsnh->btnh', ad.softmax(s, -1), v).reshape([2, 4, 4]));
      return ad.sum(ad.mul(ad.sin(ad.layerNorm(o, [4], { weight: gam })), ad.arange(4)));
    };
    const [v, g] = ad.valueAndGrad(attn)(seq([4, 4], 1.5, 0.3));
    expectClose(v, torchRef.attn_loss);
    expectClose(g, torchRef.attn_gWq);
  });

  it('a ridge hypergradient and Hessian through argmin against torch.linalg.solve differentiated', () => {
    // per-feature log-penalties ll, an unpenalised bias; θ* from the normal equations in torch
    const Xtr = seq([10, 3], 0.5), ytr = seq([10], 1.6), Xdv = seq([6, 3], 2.7), ydv = seq([6], 3.8);
    const dev = (ll: Tensor) => {
      const th = ad.argmin((t: { w: Tensor; b: Tensor }) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.add(ad.matmul(Xtr, t.w), t.b), ytr)))),
        ad.mul(0.5, ad.sum(ad.mul(ad.exp(ll), ad.square(t.w))))), { w: ad.zeros([3]), b: ad.scalar(0) }, { tol: 1e-12 });
      return ad.mean(ad.square(ad.sub(ad.add(ad.matmul(Xdv, th.w), th.b), ydv)));
    };
    const ll = seq([3], 4.9, 0.5);
    expectClose(dev(ll), torchRef.ridge_dev, 1e-9);
    expectClose(ad.grad(dev)(ll), torchRef.ridge_g, 1e-9);
    expectClose(ad.hessian(dev)(ll), torchRef.ridge_H, 1e-9);
  });

  it('a Gaussian-process likelihood through cholesky and triangularSolve: gradient and Hessian in the log-hyperparameters', () => {
    const xg = ad.linspace(0, 4, 7), yg = seq([7], 0.6);
    const nll = (th: Tensor) => {
      const [s2, l2, n2] = [0, 1, 2].map((i) => ad.exp(ad.mul(2, ad.take(th, i, 0)))) as [Tensor, Tensor, Tensor];
      const d = ad.sub(ad.expandDims(xg, 1), ad.expandDims(xg, 0));
      const L = ad.linalg.cholesky(ad.add(ad.mul(s2, ad.exp(ad.div(ad.mul(-0.5, ad.square(d)), l2))), ad.mul(n2, ad.eye(7))));
      const a = ad.linalg.triangularSolve(L, yg, { lower: true });
      return ad.add(ad.mul(0.5, ad.sum(ad.square(a))), ad.sum(ad.log(ad.linalg.diagonal(L))));
    };
    const th = ad.tensor([0.3, -0.2, -1]);
    expectClose(nll(th), torchRef.gp_nll);
    expectClose(ad.grad(nll)(th), torchRef.gp_g);
    expectClose(ad.hessian(nll)(th), torchRef.gp_H);
  });

  it('a CRF tagger with lengths and a forbidden transition: the loss and its gradient against the forward algorithm', () => {
    const E = seq([2, 4, 3], 0.7), mask = ad.tensor([[0, 0, -Infinity], [0, 0, 0], [0, 0, 0]]);
    const tags = [[0, 1, 1, 2], [2, 0, 1]];
    const nll = (trans: Tensor) =>
      ad.neg(ad.sum(new ad.LinearChainCRF({ emissions: E, transitions: ad.add(trans, mask), lengths: [4, 3] }).logProbability(tags)));
    const [v, g] = ad.valueAndGrad(nll)(seq([3, 3], 1.8, 0.3));
    expectClose(v, torchRef.crf_nll);
    expectClose(g, torchRef.crf_gtrans);
  });

  it('MAML (a gradient through three inner gradient steps) and a WGAN-GP penalty (vmap of grad inside grad)', () => {
    type P = { W1: Tensor; b1: Tensor; w2: Tensor };
    const Dn = (x: Tensor, p: P) => ad.matmul(ad.tanh(ad.add(ad.matmul(x, p.W1), p.b1)), p.w2);
    const Xs = seq([4, 2], 0.8), ys = seq([4], 1.9), Xq = seq([4, 2], 2.1), yq = seq([4], 3.2);
    const P0: P = { W1: seq([2, 3], 4.3, 0.5), b1: seq([3], 5.4, 0.1), w2: seq([3], 6.5, 0.5) };
    const maml = (p: P, lr: Tensor) => {
      let cur = p;
      for (let i = 0; i < 3; i++) {
        const g = ad.grad((q: P) => ad.mean(ad.square(ad.sub(Dn(Xs, q), ys))))(cur);
        cur = { W1: ad.sub(cur.W1, ad.mul(lr, g.W1)), b1: ad.sub(cur.b1, ad.mul(lr, g.b1)), w2: ad.sub(cur.w2, ad.mul(lr, g.w2)) };
      }
      return ad.mean(ad.square(ad.sub(Dn(Xq, cur), yq)));
    };
    const [v, [gP, glr]] = ad.valueAndGrad(maml, [0, 1])(P0, ad.scalar(0.1));
    expectClose(v, torchRef.maml_loss);
    expectClose(gP.W1, torchRef.maml_gW1);
    expectClose(glr, torchRef.maml_glr);
    const penalty = (p: P) => {
      const gx = ad.vmap(ad.grad((x: Tensor) => Dn(x, p)))(Xq);
      return ad.add(ad.mean(ad.square(ad.sub(ad.linalg.norm(gx, 2, 1), 1))), ad.mean(Dn(Xq, p)));
    };
    const [pv, pg] = ad.valueAndGrad(penalty)(P0);
    expectClose(pv, torchRef.gp_pen);
    expectClose(pg.W1, torchRef.gp_gW1);
  });

  it('CTC with an infeasible sequence: its loss is +∞, and a loss that leaves it out gets a finite gradient (torch: NaN)', () => {
    const xc = seq([5, 3, 2], 0.9), tgt = [[1, 2, 2], [3, 0, 0], [1, 2, 3]], il = [5, 4, 2], tl = [3, 1, 3];
    const lp = (W: Tensor) => ad.logSoftmax(ad.matmul(xc, W), -1);
    const W = seq([2, 4], 1.1, 0.8);
    expectClose(ad.slice(ad.ctcLoss(lp(W), tgt, il, tl, { reduction: 'none' }), [0], [2]), (torchRef.ctc_none as number[]).slice(0, 2));
    expect(ad.ctcLoss(lp(W), tgt, il, tl, { reduction: 'none' }).toArray()).toContain(Infinity);
    // strong zeros: the infinite loss gets a zero cotangent; torch's ctc_loss backward is NaN there,
    // so its reference is the gradient of the feasible sub-batch's loss.
    expectClose(ad.grad((w: Tensor) => ad.sum(ad.take(ad.ctcLoss(lp(w), tgt, il, tl, { reduction: 'none' }), [0, 1], 0)))(W), torchRef.ctc_gW);
    const [mz, gz] = ad.valueAndGrad((w: Tensor) => ad.ctcLoss(lp(w), tgt, il, tl, { zeroInfinity: true }))(W);
    expectClose(mz, torchRef.ctc_meanz);
    expectClose(gz, torchRef.ctc_meanz_gW);
  });

  it('a jitted training step (Adam on a cosine schedule) replays to the eager run and to torch', () => {
    // torch.optim.Adam(lr=0.05) with CosineAnnealingLR(T_max=4), stepped after each update
    type P = { W1: Tensor; W2: Tensor };
    const loss = (p: P) => crossEntropy(ad.tanh(X.matmul(p.W1)).matmul(p.W2), y, 3);
    const opt = ad.optimizers.adam({ lr: ad.optimizers.schedules.cosineDecay({ initValue: 0.05, decaySteps: 4 }) });
    const step = ad.jit((p: P, s: ReturnType<typeof opt.init>) => opt.step(p, ad.grad(loss)(p), s));
    let p: P = { W1: seq([3, 4], 1, 0.5), W2: seq([4, 3], 3, 0.5) };
    let s = opt.init(p);
    for (let i = 0; i < 4; i++) [p, s] = step(p, s);
    expect(step.cacheInfo()[0]!.status).toBe('replayed');
    expectClose(p.W1, torchRef.cos_W1);
    expectClose(p.W2, torchRef.cos_W2);
  });
});
