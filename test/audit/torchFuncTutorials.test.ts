/**
 * @file PyTorch's torch.func (functorch) tutorials and docstring examples, ported to adjoint as a
 * torch.func user would port them, each asserting PyTorch's numbers (helper 115). The references are
 * functorch 1.13 (torch.func's predecessor: the same transforms, `functional_call` from
 * torch.nn.utils.stateless, `combine_state_for_ensemble` for `stack_module_state`) run in float64 on
 * the same deterministic inputs and pasted here as literals; nothing here runs Python.
 *
 * Inputs: the tutorials draw torch.randn; here every tensor is `det(shape, seed, scale)`, entry k =
 * ((37k + 101·seed) mod 97 − 48)·scale with scale a power of two, so both sides start from the same
 * exactly representable numbers. Sizes are the tutorials' shrunk (a 4×4 layer for 16×16, a CNN of
 * 2 channels for 32), and benchmark cells are left out. Tolerance: 1e-10 relative per entry, with a
 * floor of 1e-13 of the largest entry for entries that are sums cancelling to near zero.
 *
 * Sources (pytorch/tutorials, intermediate_source/): jacobians_hessians.py ("Jacobians, Hessians,
 * hvp, vhp, and more: composing function transforms"), per_sample_grads.py ("Per-sample-gradients"),
 * ensembling.py ("Model ensembling"), neural_tangent_kernels.py ("Neural Tangent Kernels"); functorch's
 * examples/maml_regression (vmap over tasks of inner grad steps, meta-gradient by autograd); and the
 * docstrings of functorch 1.13's grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian and vmap
 * (functorch/_src/eager_transforms.py, vmap.py), torch.func.linearize's (2.x) and vmap's randomness
 * flag. Beyond the pages: per-sample Hessian-vector products and jacfwd through the CNN, third
 * derivatives, Hessians of vector outputs over pytrees, an ensemble of per-sample gradients.
 * The reference script's gist: torch.set_default_dtype(torch.float64); each cell as in the tutorial
 * on det(...) inputs, its asserts (loop == vmap, jacfwd == jacrev, NTK by contraction == by
 * NTK-vector products, vmap(hvp_revrev) == torch.autograd.functional.hvp per sample) checked in
 * Python first, then json.dumps of every result.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** A PyTorch result: its shape and its values, row-major. */
interface Ref {
  shape: number[];
  data: number[];
}
const ref = (shape: number[], data: number[]): Ref => ({ shape, data });

/** The reference script's det(shape, seed, scale): ((37k + 101·seed) mod 97 − 48)·scale, exact in float64. */
function det(shape: number[], seed: number, scale = 1 / 32): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return ad.tensor(Float64Array.from({ length: n }, (_, k) => (((k * 37 + seed * 101) % 97) - 48) * scale), shape);
}

/** Values of a tensor or number, row-major. */
function values(x: Tensor | number): number[] {
  return typeof x === 'number' ? [x] : Array.from(x.toFloat64Array());
}

/**
 * `actual` has PyTorch's shape and values: |a − t| ≤ rtol·(|t| + 1e-3·max|t|) entrywise (the floor
 * is for entries that are sums cancelling to near zero, whose rounding is relative to their terms).
 */
function close(actual: Tensor | number, torch: Ref, rtol = 1e-10): void {
  expect(typeof actual === 'number' ? [] : actual.shape).toEqual(torch.shape);
  const a = values(actual), t = torch.data;
  expect(a.length).toBe(t.length);
  const scale = Math.max(...t.map(Math.abs));
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - t[i]!) <= rtol * (Math.abs(t[i]!) + 1e-3 * scale))) {
      throw new Error(`entry ${i} of [${torch.shape}]: adjoint ${a[i]} vs PyTorch ${t[i]} (|diff| ${Math.abs(a[i]! - t[i]!)})`);
    }
  }
}

/** Two adjoint results agree to rounding (compositions that PyTorch also asserts equal). */
function same(a: Tensor, b: Tensor, rtol = 1e-12): void {
  expect(a.shape).toEqual(b.shape);
  close(a, ref([...b.shape], values(b)), rtol);
}

/** F.linear(x, weight, bias) = x Wᵀ + b, for one example or a batch. */
const linear = (x: Tensor, weight: Tensor, bias: Tensor) => ad.add(ad.matmul(x, ad.transpose(weight)), bias);

describe('Jacobians, Hessians, hvp, vhp, and more: composing function transforms (jacobians_hessians.py)', () => {
  // PyTorch (functorch 1.13, float64):
  const torch = {
    jacobian: ref([4, 4], [-0.08856937609654807, -0.014090582560814465, 0.060388210974919136, -0.060388210974919136, 0.05237664262901438, 0.32922461081094756, -0.11971804029489001, 0.15712992788704314, -0.000957266255883635, -4.9090577224801796e-05, 0.0008590851014340314, -0.0006136322153100224, 0.01636173122028683, -0.06544692488114733, -0.01499825361859626, 0.0354504176439548]),
    'jacWB.0': ref([4, 4, 4], [-0.07246585316990296, 0.002012940365830638, 0.07649173390156425, -0.04428468804827403, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.2693655906635025, 0.007482377518430626, 0.2843303457003638, -0.16461230540547378, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.0008836303900464324, 2.4545288612400898e-05, 0.0009327209672712341, -0.0005399963494728198, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.04908519366086049, 0.0013634776016905692, 0.05181214886424163, -0.02999650723719252]),
    'jacWB.1': ref([4, 4], [0.06441409170658041, 0, 0, 0, 0, 0.23943608058978003, 0, 0, 0, 0, 0.0007854492355968287, 0, 0, 0, 0, 0.043631283254098215]),
    tall: ref([5, 3], [-0.07212877802009184, 0.011270121565639349, 0.09466902115137053, -0.00784075763670048, 0.008276355283183842, -0.017859503505817765, -0.0008456165851738641, 0.006976336827684379, -0.005707911949923583, 0.2408461297525613, 1.1319768098370382, -0.3130999686783297, 0.666619507344302, -0.999929261016453, 0.027775812806012583]),
    wide: ref([3, 5], [-0.2519365426228665, 0.039365084784822896, 0.3306667121925123, -0.1417143052253624, 0.149587322182327, -1.2293244208119187, -0.11993408983530915, 0.9894562411413005, -0.8095551063883367, 0.2998352245882729, 1.097782890000287, -0.3036420759575262, 0.5605699863831253, -0.8408549795746879, 0.023357082765963554]),
    hess: ref([4, 3, 3], [-0.10494568645942629, 0.08920383349051236, -0.22563322588776658, 0.08920383349051234, -0.07582325846693551, 0.19178824200460157, -0.22563322588776652, 0.1917882420046016, -0.48511143565869813, -0.0019381214959286624, 0.010013627728964757, -0.00936758723032187, 0.010013627728964756, -0.05173707659965124, 0.04839920068999632, -0.009367587230321868, 0.04839920068999632, -0.045276671613222366, -0.03322378297494539, -0.1868837792340678, 0.0622945930780226, -0.18688377923406782, -1.0512212581916314, 0.3504070860638771, 0.062294593078022605, 0.3504070860638771, -0.11680236202129238, 0.23604568093256817, -0.4077152670653451, -0.010729349133298554, -0.40771526706534506, 0.704235461294687, 0.018532512139333865, -0.010729349133298554, 0.01853251213933387, 0.000487697687877207]),
    third: ref([2, 2, 2, 2], [0.04369254613422496, -0.04993433843911423, -0.04993433843911423, 0.057067815358987695, -0.04993433843911424, 0.057067815358987695, 0.057067815358987695, -0.06522036041027165, 0.0015865839121007, 0.013327304861645881, 0.013327304861645881, 0.1119493608378254, 0.013327304861645881, 0.11194936083782539, 0.11194936083782539, 0.9403746310377334]),
    batchJac: ref([3, 4, 3], [-0.03632519160103144, 0.13167881955373897, -0.14076011745399683, 0.001976225220156151, 0.01416294741111908, -0.005599304790442427, 0.02871188126450996, -0.05742376252901992, -0.0043067821896764944, 0.5367864243129482, -0.41048373623931333, 0.17366619610124795, -0.06837888486002237, 0.24787345761758112, -0.2649681788325867, 0.12348942013275697, 0.8850075109514249, -0.3498866903761448, 0.17438992276277085, -0.3487798455255417, -0.026158488414415627, 0.10032659598841409, -0.07672033810878724, 0.03245860458448691, -0.05390743124015379, 0.1954144382455575, -0.20889129605559595, 0.17780428565770523, 1.274264047213554, -0.5037788093634982, 0.2877988281351227, -0.5755976562702454, -0.04316982422026841, 0.06086151931397641, -0.046541161828334905, 0.019690491542757073]),
    batchHess: ref([3, 4, 3, 3], [-0.016791309833508208, 0.060868498146467255, -0.06506632560484431, 0.060868498146467255, -0.2206483057809438, 0.2358654303175606, -0.06506632560484431, 0.2358654303175606, -0.2521320117187717, -0.0007371686460719793, -0.005283041963515852, 0.002088644497203941, -0.005283041963515852, -0.03786180073853027, 0.014968618896628245, 0.0020886444972039414, 0.014968618896628247, -0.005917826075411166, 0.03505578782454636, -0.07011157564909272, -0.005258368173681955, -0.07011157564909272, 0.14022315129818544, 0.01051673634736391, -0.005258368173681954, 0.010516736347363907, 0.0007887552260522932, 0.8023624296187343, -0.6135712697084439, 0.2595878448766493, -0.6135712697084439, 0.46920155918881, -0.19850835196449654, 0.2595878448766493, -0.19850835196449654, 0.08398430275421008, 0.02914104911536477, -0.1056363030431973, 0.1129215653220385, -0.10563630304319728, 0.3829315985315902, -0.4093406742923895, 0.11292156532203848, -0.4093406742923895, 0.43757106562289916, 0.02705741256693048, 0.19391145672966847, -0.07666266893963637, 0.19391145672966845, 1.3896987732292907, -0.549415794067394, -0.07666266893963636, -0.5494157940673939, 0.21721089532896973, -0.18509378634233864, 0.3701875726846773, 0.027764067951350793, 0.3701875726846773, -0.7403751453693546, -0.055528135902701586, 0.027764067951350793, -0.055528135902701586, -0.004164610192702619, -0.20287905640190976, 0.1551428078367545, -0.06563734177708845, 0.15514280783675452, -0.11863861775751815, 0.05019326135894999, -0.06563734177708845, 0.050193261358949984, -0.021235610574940382, 0.023871472301857145, -0.08653408709423215, 0.09250195516969643, -0.08653408709423215, 0.3136860657165915, -0.33531958749014956, 0.09250195516969643, -0.33531958749014956, 0.35844507628257366, 0.015162218895341376, 0.10866256874994651, -0.04295962020346723, 0.10866256874994652, 0.7787484093746166, -0.3078772781248485, -0.042959620203467226, -0.30787727812484844, 0.12171892390982383, -0.2642430437206828, 0.5284860874413656, 0.039636456558102426, 0.5284860874413656, -1.0569721748827312, -0.07927291311620485, 0.039636456558102426, -0.07927291311620485, -0.005945468483715364, -0.12557198372358055, 0.09602563461214984, -0.04062623002821723, 0.09602563461214983, -0.07343136764458517, 0.031067117080401416, -0.04062623002821724, 0.03106711708040142, -0.013143780303246753]),
    hvpSin: ref([8], [-0.2397127693021015, 2.57646634038631, -0.6503297174561923, -1.0698506457208916, 2.039969421888156, -0.03656857955877888, 1.7028056144428385, 0.5261748415344297]),
    hvpW: ref([4, 3], [-0.18247056887044094, 0.3649411377408819, 0.027370585330566143, 1.4746271475653199, -2.9492542951306397, -0.221194072134798, 0.5166280256914091, -1.0332560513828182, -0.07749420385371136, -1.8964241956075234, 3.792848391215047, 0.2844636293411285]),
  };
  // def predict(weight, bias, x): return F.linear(x, weight, bias).tanh()
  const predict = (weight: Tensor, bias: Tensor, x: Tensor) => ad.tanh(linear(x, weight, bias));
  const D = 4;
  const weight = det([D, D], 1), bias = det([D], 2), x = det([D], 3);

  it('the Jacobian row by row (autograd.grad with unit vectors), by vmap(vjp_fn)(unit_vectors), and by jacrev(predict, argnums=2)', () => {
    const unitVectors = ad.eye(D);
    const [, vjpFn] = ad.vjp((xp: Tensor) => predict(weight, bias, xp), x);
    const rows = Array.from({ length: D }, (_, i) => vjpFn(ad.take(unitVectors, i, 0))[0]);
    const jacobian = ad.stack(rows);
    close(jacobian, torch.jacobian);
    close(ad.take(jacobian, 0, 0), ref([D], torch.jacobian.data.slice(0, D))); // print(jacobian[0])
    // ft_jacobian, = vmap(vjp_fn)(unit_vectors)
    const [ftJacobian] = ad.vmap(vjpFn)(unitVectors);
    close(ftJacobian!, torch.jacobian);
    close(ad.jacrev(predict, 2)(weight, bias, x), torch.jacobian);
  });

  it('Jacobians in the parameters: jacrev(predict, argnums=(0, 1)) gives [D, D, D] and [D, D]', () => {
    const [jacWeight, jacBias] = ad.jacrev(predict, [0, 1])(weight, bias, x);
    close(jacWeight, torch['jacWB.0']);
    close(jacBias, torch['jacWB.1']);
  });

  it('jacfwd and jacrev agree on a tall (Din < Dout) and a wide (Din > Dout) Jacobian', () => {
    for (const [name, din, dout] of [['tall', 3, 5], ['wide', 5, 3]] as const) {
      const w = det([dout, din], 4), b = det([dout], 5), xx = det([din], 6);
      close(ad.jacfwd(predict, 2)(w, b, xx), torch[name]);
      close(ad.jacrev(predict, 2)(w, b, xx), torch[name]);
      close(ad.jacobian(predict, 2)(w, b, xx), torch[name]);
    }
  });

  it('hessian(predict, argnums=2) of the vector-valued predict is [Dout, Din, Din], = jacfwd(jacfwd) = jacrev(jacrev)', () => {
    const w = det([4, 3], 7), b = det([4], 8), xx = det([3], 9);
    const hessApi = ad.hessian(predict, 2)(w, b, xx);
    close(hessApi, torch.hess);
    close(ad.jacfwd(ad.jacfwd(predict, 2), 2)(w, b, xx), torch.hess);
    close(ad.jacrev(ad.jacrev(predict, 2), 2)(w, b, xx), torch.hess);
    close(ad.jacfwd(ad.jacrev(predict, 2), 2)(w, b, xx), torch.hess);
  });

  it('third order: jacfwd(jacfwd(jacrev(predict))) in x, and the Jacobian of hessian', () => {
    const w = det([2, 2], 19), b = det([2], 20), xx = det([2], 21);
    close(ad.jacfwd(ad.jacfwd(ad.jacrev(predict, 2), 2), 2)(w, b, xx), torch.third);
    close(ad.jacrev(ad.hessian(predict, 2), 2)(w, b, xx), torch.third);
  });

  it('batch Jacobian by vmap(jacrev, in_dims=(None, None, 0)), by the sum trick (jacrev of the batch-summed output, movedim(1, 0)), and batch Hessian', () => {
    const w = det([4, 3], 10), b = det([4], 11), xb = det([3, 3], 12);
    const computeBatchJacobian = ad.vmap(ad.jacrev(predict, 2), [null, null, 0]);
    close(computeBatchJacobian(w, b, xb), torch.batchJac);
    const predictWithOutputSummed = (ww: Tensor, bb: Tensor, xx: Tensor) => ad.sum(predict(ww, bb, xx), 0);
    close(ad.moveaxis(ad.jacrev(predictWithOutputSummed, 2)(w, b, xb), 1, 0), torch.batchJac);
    const computeBatchHessian = ad.vmap(ad.hessian(predict, 2), [null, null, 0]);
    close(computeBatchHessian(w, b, xb), torch.batchHess);
  });

  it('hvp as jvp(grad(f)) and as vjp of grad(f) (reverse over reverse), and ad.hvp', () => {
    const f = (v: Tensor) => ad.sum(ad.sin(v));
    const xs = det([8], 13, 1 / 8), tangent = det([8], 14, 1 / 16);
    const hvp = (fn: (v: Tensor) => Tensor, primals: [Tensor], tangents: [Tensor]) => ad.jvp(ad.grad(fn), primals, tangents)[1];
    const hvpRevrev = (fn: (v: Tensor) => Tensor, primals: [Tensor], tangents: [Tensor]) => {
      const [, vjpFn] = ad.vjp(ad.grad(fn), ...primals);
      return vjpFn(...tangents);
    };
    const result = hvp(f, [xs], [tangent]);
    close(result, torch.hvpSin);
    close(hvpRevrev(f, [xs], [tangent])[0], torch.hvpSin);
    close(ad.hvp(f, xs, tangent), torch.hvpSin);
  });

  it('hvp and vhp of a non-diagonal Hessian in a weight matrix (torch.autograd.functional.hvp/vhp)', () => {
    const w = det([4, 3], 15), b = det([4], 16), xx = det([3], 17), tw = det([4, 3], 18, 1 / 16);
    const lossW = (ww: Tensor) => ad.sum(ad.square(predict(ww, b, xx)));
    close(ad.jvp(ad.grad(lossW), [w], [tw])[1], torch.hvpW);
    close(ad.vjp(ad.grad(lossW), w)[1](tw)[0], torch.hvpW); // vhp: vᵀH, = Hv for a symmetric H
    close(ad.hvp(lossW, w, tw), torch.hvpW);
    close(ad.reshape(ad.matmul(ad.reshape(ad.hessian(lossW)(w), [12, 12]), ad.reshape(tw, [12])), [4, 3]), torch.hvpW);
  });
});

/** Conv2d as nn.Conv2d (stride 1, no padding): x [N, C, H, W], weight [out, in, kh, kw]. */
const conv2d = (x: Tensor, weight: Tensor, bias: Tensor) => ad.conv(x, weight, { bias });

/** F.nll_loss(predictions, targets) with mean reduction: −mean over the batch of predictions[i, targets[i]]. */
const nllLoss = (predictions: Tensor, targets: Tensor) =>
  ad.neg(ad.mean(ad.takeAlongAxis(predictions, ad.expandDims(targets, 1), 1)));

describe('Per-sample-gradients (per_sample_grads.py)', () => {
  // PyTorch (functorch 1.13, float64): per-sample gradients, loss of the minibatch
  const torch = {
    'conv1.weight': ref([3, 2, 1, 3, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.057038783834804395, -0.038361147237844, 0.05229048579305094, 0.01614603510607763, -0.018414782060256076, 0.06333818389513018, -0.12042316246287024, -0.007367083958176861, 0.07438588199720939, -0.01060396841388028, 0.02965864511980155, -0.03963963526909167, -0.005163074693112466, 0.035099538840569364, -0.03019118580864442, 0.0002778190276553487, 0.09203910159406829, -0.024750292087876602, -0.11689584996315285, 0.07021987156972487, -0.053079272100454065, -0.0739402257541869, 0.0805154972928645, -0.07395345481816008, 0.03172756284771556, 0.05964131457515848, -0.09482763753586612, 0.04937086674796781, -0.11392443149717338, 0.11991591724503381, 0.027303934552678464, -0.13599136369246273, 0.12881182265100946, 0.005237002357389113, -0.11575345627746754, 0.10674489045572012]),
    'conv1.bias': ref([3, 2], [0, 0, 0.07070526785330702, 0.03482171981291402, -0.13359476939331857, -0.14122836604985184]),
    'conv2.weight': ref([3, 2, 2, 3, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.08620425138326464, 0, 0.09680626790702083, -0.04929986480799752, 0.0009759450620211326, 0.05279049497982642, -0.03701206584711011, 0.025830012641492643, 0.08646450339980359, 0, 0.01561024126702802, 0, 0.012044788640444145, -0.0069223783249159005, 0, 0.04674776847081225, -0.07060181767673278, 0, 0.07523300231104373, 0, 0.024919130583606255, 0.10152463696687239, 0, 0.044804987167348855, 0.006529723094962728, 0, 0.05112195423879097, 0, 0.03910807052531083, 0, 0, 0.06295236028061113, 0, 0, 0.058017982047032304, 0, 0.24061234926448619, 0.0020756828117943806, -0.07568475522265225, 0.12569445773732568, 0.019249568312997723, 0.007502159504799583, 0.05322991273214885, -0.0497207968272588, 0.07785688217825121, 0.011375714784951235, 0.1315579202854455, 0, 0.013958796211717557, 0.13831114407176254, 0, -0.08777270574216038, 0.14018924441195724, 0, -0.3198873017518642, 0, -0.05336817778786872, -0.3952729094311226, 0.00511580706163467, -0.13716960387407545, -0.1961708024505309, 0.05336860453186785, -0.21331310889579824, 0, -0.2984003146513998, 0, 0.021536916148363238, -0.29562349144902605, 0, 0.08891083198785439, -0.2692417506784791, 0]),
    'conv2.bias': ref([3, 2], [0, 0, 0.03464474844166751, 0.04796965168846272, 0.043698585511460636, -0.16081079468217513]),
    'fc1.weight': ref([3, 4, 8], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.33315218483676123, 0.04170050592505963, 0.212774891791806, 0.2331070805839129, 0.20714889382427484, 0.24405425634460398, 0.13164197626582386, 0.27954482384002316, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.44431048911576565, -0.19772713781537754, -0.28568803766115664, -0.3105480093307869, -0.27891091621088804, -0.34543987893209116, -0.033187880812756775, -0.3702226099378779, -0.44431048911576565, -0.19772713781537754, -0.28568803766115664, -0.3105480093307869, -0.27891091621088804, -0.34543987893209116, -0.033187880812756775, -0.3702226099378779, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'fc1.bias': ref([3, 4], [0, 0, 0, 0, 0.17055876155897853, 0, 0, 0, -0.22373675781867847, -0.22373675781867847, 0, 0]),
    'fc2.weight': ref([3, 3, 4], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.5972735911500432, 0, 0, 0, 0.2963187068361727, 0, 0, 0, 0.3009548843138704, 0, 0, 0, 0.17967477616430744, 0.0068141073348775985, 0, 0, -0.5112448658428916, -0.019388794936206506, 0, 0, 0.33157008967858415, 0.012574687601328906, 0, 0]),
    'fc2.bias': ref([3, 3], [0.24284411721714255, 0.324239436549932, -0.5670835537670744, -0.7847005412389254, 0.38930475594249175, 0.39539578529643354, 0.21074940175411497, -0.5996643041743537, 0.3889149024202387]),
    psgLoss: ref([], [1.0961292557306759]),
  };
  // PyTorch: the minibatch's gradient, loss.backward() on nll_loss(model(data), targets)
  const psgMean = {
    'conv1.weight': ref([2, 1, 3, 3], [-0.01995235537611614, 0.010619574777293611, -0.0002629287691343768, -0.019264730216036422, 0.02070023841086947, -0.0035384236410099836, -0.029565199871718226, 0.017424743538993863, -0.006813918512885587, 0.012922299444695844, -0.028088595459123934, 0.026758760658647372, 0.007380286619855331, -0.033630608283964455, 0.032873545614121674, 0.0018382737950148201, -0.007904784894466398, 0.027331532789281174]),
    'conv1.bias': ref([2], [-0.02096316718000385, -0.035468882078979275]),
    'conv2.weight': ref([2, 2, 3, 3], [0.051469365960407173, 0.0006918942705981267, 0.007040504228122874, 0.025464864309776056, 0.006741837791672949, 0.020097551494875344, 0.005405948961679582, -0.007963594728588722, 0.05477379519268494, 0.003791904928317077, 0.0490560538508245, 0, 0.00866786161738723, 0.04379625524894888, 0, -0.013674979090449377, 0.02319580891174149, 0, -0.08155143314694015, 0, -0.009483015734754153, -0.09791609082141672, 0.0017052690205448895, -0.030788205568908864, -0.06321369311852272, 0.017789534843955946, -0.05406371821900241, 0, -0.08643074804202965, 0, 0.0071789720494544115, -0.07755704372280495, 0, 0.02963694399595146, -0.07040792287714892, 0]),
    'conv2.bias': ref([2], [0.02611444465104272, -0.03761371433123748]),
    'fc1.weight': ref([4, 8], [-0.037052768093001454, -0.05200887729677263, -0.024304381956450207, -0.02581364291562465, -0.023920674128871038, -0.03379520752916239, 0.032818031817689025, -0.030225928699284914, -0.14810349637192186, -0.06590904593845917, -0.0952293458870522, -0.10351600311026228, -0.09297030540362933, -0.11514662631069704, -0.01106262693758559, -0.1234075366459593, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'fc1.bias': ref([4], [-0.017725998753233302, -0.07457891927289281, 0, 0]),
    'fc2.weight': ref([3, 4], [-0.13919960499524525, 0.0022713691116258657, 0, 0, -0.07164205300223961, -0.006462931645402167, 0, 0, 0.21084165799748483, 0.004191562533776301, 0, 0]),
    'fc2.bias': ref([3], [-0.11036900742255595, 0.03795996277269004, 0.07240904464986589]),
  };
  // PyTorch: per-sample Hessian-vector products, vmap(hvp_revrev) (each = torch.autograd.functional.hvp of that sample)
  const psh = {
    'conv1.weight': ref([3, 2, 1, 3, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.38126396427050685, 0.2581035927755231, -0.21826055777696415, -0.05829287343726335, 0.022144585473993596, -0.25582386140992636, 0.5415570264030902, -0.015418718158968558, -0.2933871650428884, 0.04369347556393807, -0.1596222952407526, 0.2579879039347545, 0.016218371401142042, -0.18709739940354864, 0.14260385055000382, -0.011256732761653999, -0.3308748736067282, 0.11512874638720778, 1.061914689548303, -0.31733393121828757, -0.1153995283783378, 0.849627293354332, -0.3969805258843884, -0.0714024975180173, 0.23050551402586358, -0.35298349502406806, -0.027405466657696984, -0.3647709732270805, 0.3136419191936907, -0.6837783043143679, -0.2730935553323818, 0.4053193370883895, -0.6948096776479963, -0.18141613743768292, 0.6726741872507153, -0.6031322597532974]),
    'conv1.bias': ref([3, 2], [0, 0, -0.24040514325095777, -0.17584066664189466, 0.2815809975060506, 0.5867354745260724]),
    'conv2.weight': ref([3, 2, 2, 3, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3700616622203793, 0, -0.5008052899826647, 0.32870465346455396, -0.03894487141202621, -0.24536053011202996, 0.2621409291709622, -0.17780723678451138, -0.25218045365227304, 0, -0.024838286747669774, 0, -0.12418638045306658, 0.13111404176772934, 0, -0.2729252010307982, 0.32673604643253984, 0, -0.44042790273189214, 0, -0.09938049346922515, -0.42390595440076084, 0, -0.15539435700137383, -0.06403714002421652, 0, -0.07320577686248728, 0, -0.166301154984145, 0, 0, -0.19876946663120165, 0, 0, -0.29669038140574794, 0, -0.6769324696735499, -0.052052246868071, 0.23294378357653647, -0.4406079400647512, -0.13849643615156298, 0.07083080022757676, -0.23483759155937442, 0.13768766576705677, -0.2438568887565703, -0.15575527550453966, -0.28374082876291473, 0, -0.11793686681611842, -0.35260638644446585, 0, 0.1882348723027343, -0.38649732421635163, 0, 1.4215671158951406, 0, -0.06219578379919588, 1.3384262073878648, -0.08975227969931357, 0.24563070837274606, 0.8812633666206509, -0.30995278526966735, 0.2596201976931393, 0, 0.7664208060144257, 0, -0.20685361627487303, 0.791070954818534, 0, -0.4266557292850268, 1.0431184814423584, 0]),
    'conv2.bias': ref([3, 2], [0, 0, -0.08427233510295196, -0.0859349949576369, -0.09214782728479126, 0.07285726260380454]),
    'fc1.weight': ref([3, 4, 8], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.5450630061914463, -0.5097246277302259, -1.2975984338792217, -1.246436351647186, -1.2067275654208687, -1.3722073408315105, -1.0604615204139674, -1.5765861194326805, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.628762296354505, 0.6998986011233853, 1.4571959915585746, 1.356570757298583, 1.3348200103677346, 1.5957190836890707, -0.4456028822765037, 1.7181128591465469, 1.628762296354505, 0.6998986011233853, 1.4571959915585746, 1.356570757298583, 1.3348200103677346, 1.5957190836890707, -0.4456028822765037, 1.7181128591465469, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'fc1.bias': ref([3, 4], [0, 0, 0, 0, -0.36239956925792394, 0, 0, 0, 0.2570095881922, 0.2570095881922, 0, 0]),
    'fc2.weight': ref([3, 3, 4], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3.2329404777400526, 0, 0, 0, -1.7668210924315066, 0, 0, 0, -1.4661193853085457, 0, 0, 0, -0.8669237589791974, -0.24424915839869676, 0, 0, 2.6455931044813052, 0.7017672669459736, 0, 0, -1.7786693455021072, -0.4575181085472768, 0, 0]),
    'fc2.bias': ref([3, 3], [-0.007739824832862848, 0.17711690228462473, -0.1693770774517619, 0.16822653369679968, -0.2974767935388123, 0.12925025984201255, 0.26353599751554013, -0.5400729941752962, 0.27653699665975606]),
  };
  // SimpleCNN shrunk: conv1 (1→2, 3×3), relu, conv2 (2→2, 3×3), relu, max_pool2d(2), flatten, fc1 (8→4), relu, fc2 (4→3), log_softmax.
  type Params = Record<'conv1.weight' | 'conv1.bias' | 'conv2.weight' | 'conv2.bias' | 'fc1.weight' | 'fc1.bias' | 'fc2.weight' | 'fc2.bias', Tensor>;
  const shapes: Array<[keyof Params, number[]]> = [
    ['conv1.weight', [2, 1, 3, 3]], ['conv1.bias', [2]], ['conv2.weight', [2, 2, 3, 3]], ['conv2.bias', [2]],
    ['fc1.weight', [4, 8]], ['fc1.bias', [4]], ['fc2.weight', [3, 4]], ['fc2.bias', [3]],
  ];
  // model.named_parameters() in order, parameter i filled with det(shape, 20 + i, 1/128).
  const params = Object.fromEntries(shapes.map(([k, s], i) => [k, det(s, 20 + i, 1 / 128)])) as Params;
  const model = (p: Params, x: Tensor) => {
    let h = ad.relu(conv2d(x, p['conv1.weight'], p['conv1.bias']));
    h = ad.relu(conv2d(h, p['conv2.weight'], p['conv2.bias']));
    h = ad.maxPool(h, [2, 2]);
    h = ad.reshape(h, [h.shape[0]!, -1]); // torch.flatten(x, 1)
    h = ad.relu(linear(h, p['fc1.weight'], p['fc1.bias']));
    return ad.logSoftmax(linear(h, p['fc2.weight'], p['fc2.bias']), 1);
  };
  const batchSize = 3;
  const data = det([batchSize, 1, 8, 8], 30, 1 / 32);
  const targets = ad.tensor([2, 0, 1]);
  // def compute_loss(params, buffers, sample, target): batch = sample.unsqueeze(0); ... (no buffers here: an empty dict)
  const computeLoss = (p: Params, buffers: Record<string, Tensor>, sample: Tensor, target: Tensor) =>
    nllLoss(model(p, ad.expandDims(sample, 0)), ad.expandDims(target, 0));

  it('vmap(grad(compute_loss), in_dims=(None, None, 0, 0)) gives PyTorch\'s per-sample gradients, and the loop of grads', () => {
    const ftComputeSampleGrad = ad.vmap(ad.grad(computeLoss), [null, null, 0, 0]);
    const ftPerSampleGrads = ftComputeSampleGrad(params, {}, data, targets);
    for (const [k] of shapes) close(ftPerSampleGrads[k], torch[k]);
    // compute_sample_grads: one forward and backward pass per sample, stacked.
    const loop = Array.from({ length: batchSize }, (_, i) => ad.grad(computeLoss)(params, {}, ad.take(data, i, 0), ad.take(targets, i)));
    for (const [k] of shapes) close(ad.stack(loop.map((g) => g[k])), torch[k]);
  });

  it('the minibatch\'s averaged gradient (loss.backward()) is the mean of the per-sample gradients', () => {
    const [loss, g] = ad.valueAndGrad((p: Params) => nllLoss(model(p, data), targets))(params);
    close(loss, torch.psgLoss);
    for (const [k] of shapes) close(g[k], psgMean[k]);
    const perSample = ad.vmap(ad.grad(computeLoss), [null, null, 0, 0])(params, {}, data, targets);
    for (const [k] of shapes) close(ad.mean(perSample[k], 0), psgMean[k]);
  });

  it('per-sample Hessian-vector products through the CNN: vmap of jvp(grad) (forward over reverse) and of vjp(grad) (the tutorial\'s hvp_revrev)', () => {
    // PyTorch 1.13 has no forward-mode rule for nll_loss_backward, so its reference is hvp_revrev under vmap.
    const tangent = Object.fromEntries(shapes.map(([k, s], i) => [k, det(s, 200 + i, 1 / 64)])) as Params;
    const gradLoss = (p: Params, sample: Tensor, target: Tensor) => ad.grad(computeLoss)(p, {}, sample, target);
    const hvpFwdRev = (p: Params, sample: Tensor, target: Tensor, t: Params) =>
      ad.jvp((q: Params) => gradLoss(q, sample, target), [p], [t])[1];
    const hvpRevRev = (p: Params, sample: Tensor, target: Tensor, t: Params) =>
      ad.vjp((q: Params) => gradLoss(q, sample, target), p)[1](t)[0];
    for (const hvp of [hvpFwdRev, hvpRevRev]) {
      const perSample = ad.vmap(hvp, [null, 0, 0, null])(params, data, targets, tangent);
      for (const [k] of shapes) close(perSample[k], psh[k]);
    }
  });

  it('forward mode through conv, max-pool, log-softmax and the label gather: jacfwd of one sample\'s loss is its gradient', () => {
    const jac = ad.jacfwd(computeLoss)(params, {}, ad.take(data, 1, 0), ad.take(targets, 1));
    for (const [k, s] of shapes) close(jac[k], ref(s, torch[k].data.slice(torch[k].data.length / 3, (2 * torch[k].data.length) / 3)));
  });
});

describe('Model ensembling (ensembling.py)', () => {
  // PyTorch (functorch 1.13, combine_state_for_ensemble, float64): predictions
  const ens = {
    diff: ref([3, 2, 2], [2.4163503646850586, 1.1386537551879883, 1.9423828125, 0.4912109375, -0.6951904296875, -0.06062030792236328, 4.754514694213867, -2.2026443481445312, 0.7211380004882812, -0.3378753662109375, -3.8800182342529297, -3.576436996459961]),
    same: ref([3, 2, 2], [2.4163503646850586, 1.1386537551879883, 1.9423828125, 0.4912109375, -0.9619140625, -0.00194549560546875, 4.038805961608887, -2.0078086853027344, 1.6097602844238281, 0.7820205688476562, -2.8646907806396484, -2.8179779052734375]),
  };
  // PyTorch: each model's F.cross_entropy gradient on its own minibatch, stacked
  const ensGrad = {
    'fc1.weight': ref([3, 3, 4], [0.040691303190951725, -0.02355812290002468, 0.0160623565227441, -0.0481870695682323, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.10678617864488013, 1.2102433579753082, -0.9254802149222945, 0.39154932169789386, -0.5919460458090734, -0.6688810920685646, 0.4016959861842537, 0.32476093992476246, 0.013273322018167737, 0.2588297793542709, -0.13936988119076124, 0.1061865761453419, 0.007921082492655565, -0.0019802706231638913, 0.004125563798258107, -0.0057757893175613495, 0.0019664180767655906, 0.03834515249692902, -0.0206473898060387, 0.015731344614124725]),
    'fc1.bias': ref([3, 3], [0.03426636058185408, 0, 0, 0, 1.1390525722120548, -1.3824584792950638, 0.2123731522906838, 0.005280721661770377, 0.03146268922824945]),
    'fc2.weight': ref([3, 3, 3], [0.0345922634678228, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.09037237015713134, 0, -0.4528770585556174, -0.010244155895697283, 0, 2.6849139900083028, 0.5965122615989125, 0, 0.05038688585605795, 0, 0.26325422002699345, 0.05038688585605787, 0.19492119185938916, 0.26325422002699345, 0, 0.19492119185938916]),
    'fc2.bias': ref([3, 3], [-0.12955165879417, 0, -0.17722659525587997, -0.0757914062579054, -0.21854199244154204, 1.7449765780038669, 0.0563276977255495, 0.1821784546385472, 0.1258507569129978]),
    'fc3.weight': ref([3, 2, 3], [0.1930194805487617, 0, 0.05063617007310855, -0.19301948054876172, 0, -0.050636170073108555, 0.09579661561057796, 0.627728945644379, 1.7194270787476995, -0.09579661561057796, -0.627728945644379, -1.7194270787476997, -0.19499379064757033, -0.8019451970522218, -0.6756226251072919, 0.19499379064757041, 0.8019451970522218, 0.6756226251072919]),
    'fc3.bias': ref([3, 2], [0.29611807724381695, -0.296118077243817, 0.6727620541701655, -0.6727620541701655, -0.4164078963166794, 0.41640789631667946]),
  };
  // SimpleMLP shrunk: flatten(1), fc1 (4→3), relu, fc2 (3→3), relu, fc3 (3→2).
  type Params = Record<'fc1.weight' | 'fc1.bias' | 'fc2.weight' | 'fc2.bias' | 'fc3.weight' | 'fc3.bias', Tensor>;
  const shapes: Array<[keyof Params, number[]]> = [
    ['fc1.weight', [3, 4]], ['fc1.bias', [3]], ['fc2.weight', [3, 3]], ['fc2.bias', [3]], ['fc3.weight', [2, 3]], ['fc3.bias', [2]],
  ];
  const numModels = 3;
  // models[m]'s parameter i is det(shape, 40 + 10m + i, 1/32).
  const models = Array.from({ length: numModels }, (_, m) =>
    Object.fromEntries(shapes.map(([k, s], i) => [k, det(s, 40 + 10 * m + i, 1 / 32)])) as Params);
  const fmodel = (p: Params, buffers: Record<string, Tensor>, x: Tensor) => {
    let h = ad.reshape(x, [x.shape[0]!, -1]);
    h = ad.relu(linear(h, p['fc1.weight'], p['fc1.bias']));
    h = ad.relu(linear(h, p['fc2.weight'], p['fc2.bias']));
    return linear(h, p['fc3.weight'], p['fc3.bias']);
  };
  const data = det([4, 2, 1, 2, 2], 70, 1 / 32);
  const minibatches = ad.slice(data, [0, 0, 0, 0, 0], [numModels, -1, -1, -1, -1]); // data[:num_models]
  const minibatch = ad.take(data, 0, 0); // data[0]
  // stack_module_state(models): each parameter stacked along a new leading axis of size num_models.
  const params = ad.tree.map((...leaves: Tensor[]) => ad.stack(leaves), models[0]!, ...models.slice(1));

  it('stack_module_state: every parameter gains a leading num_models axis', () => {
    expect(Object.values(params).map((p) => p.shape[0])).toEqual([numModels, numModels, numModels, numModels, numModels, numModels]);
  });

  it('option 1, a different minibatch per model: the loop and vmap(fmodel)(params, buffers, minibatches)', () => {
    const loop = ad.stack(models.map((m, i) => fmodel(m, {}, ad.take(minibatches, i, 0))));
    close(loop, ens.diff);
    close(ad.vmap(fmodel)(params, {}, minibatches), ens.diff);
  });

  it('option 2, the same minibatch: vmap(fmodel, in_dims=(0, 0, None))', () => {
    close(ad.stack(models.map((m) => fmodel(m, {}, minibatch))), ens.same);
    close(ad.vmap(fmodel, [0, 0, null])(params, {}, minibatch), ens.same);
  });

  it('each model\'s gradient on its own minibatch (cross-entropy): vmap(grad) over the stacked models against the loop', () => {
    const labels = ad.tensor([[0, 1], [1, 1], [0, 0]]);
    // F.cross_entropy(logits, target): mean of −log_softmax(logits)[target].
    const loss = (p: Params, x: Tensor, y: Tensor) => nllLoss(ad.logSoftmax(fmodel(p, {}, x), 1), y);
    const perModel = ad.vmap(ad.grad(loss))(params, minibatches, labels);
    for (const [k] of shapes) close(perModel[k], ensGrad[k]);
    const loop = models.map((m, i) => ad.grad(loss)(m, ad.take(minibatches, i, 0), ad.take(labels, i, 0)));
    for (const [k] of shapes) close(ad.stack(loop.map((g) => g[k])), ensGrad[k]);
  });

  it('an ensemble of per-sample gradients, vmap(vmap(grad)): averaged over each minibatch, each model\'s gradient', () => {
    const labels = ad.tensor([[0, 1], [1, 1], [0, 0]]);
    const lossOne = (p: Params, x: Tensor, y: Tensor) => nllLoss(ad.logSoftmax(fmodel(p, {}, ad.expandDims(x, 0)), 1), ad.expandDims(y, 0));
    const perModelPerSample = ad.vmap(ad.vmap(ad.grad(lossOne), [null, 0, 0]))(params, minibatches, labels);
    for (const [k, s] of shapes) {
      expect(perModelPerSample[k].shape).toEqual([numModels, 2, ...s]);
      close(ad.mean(perModelPerSample[k], 1), ensGrad[k]);
    }
  });
});

describe('Neural Tangent Kernels (neural_tangent_kernels.py)', () => {
  // PyTorch (functorch 1.13, float64): NTK(x_train, x_test) by contraction; NTK(x_test, x_train) by NTK-vector products
  const ntk = {
    full: ref([3, 2, 3, 3], [7624.737802765426, 7899.803658577425, 1670.1487837514596, 7906.318783399079, 8751.314798009716, 1584.664592569242, 1246.134418198043, 1117.905703819396, 2552.0038393226596, 5426.5384692820635, 5759.0385670182895, 3992.072082490223, 6005.606599639338, 6576.247051798323, 4589.320413448159, -1089.5301309848646, -1234.474058532075, -273.71622732060223, 7953.2008889414265, 8251.338990113532, 1651.1917509930736, 8228.104554326497, 9120.862551308877, 1550.9817348945244, 1726.936404500977, 1642.4204481814395, 2700.512335443106, 5724.520021441943, 6169.796803297786, 4002.2006960047693, 6418.619753874759, 6928.48200057292, 4593.619463290901, -596.5687656626387, -685.465648632905, -225.780131916119, 5585.323915010569, 6271.783501504485, -756.4526151532637, 5836.920144739081, 6597.668646569029, -949.1267171112913, 3557.0276218470153, 4042.7211918056864, -9.561713679499007, 8646.332604658273, 8879.015841211214, 5875.342232528821, 8682.544913565673, 9745.138730105828, 6248.3980183742615, 5714.619593825008, 6187.987123445058, 5768.012797429414]),
    trace: ref([3, 2], [18928.056440097796, 11729.069293759785, 19774.57577569341, 12427.221890098743, 12173.4308479001, 24159.484132193516]),
    diagonal: ref([3, 2, 3], [7624.737802765426, 8751.314798009716, 2552.0038393226596, 5426.5384692820635, 6576.247051798323, -273.71622732060223, 7953.2008889414265, 9120.862551308877, 2700.512335443106, 5724.520021441943, 6928.48200057292, -225.780131916119, 5585.323915010569, 6597.668646569029, -9.561713679499007, 8646.332604658273, 9745.138730105828, 5768.012797429414]),
    vps: ref([2, 3, 3, 3], [7624.737802765426, 7906.318783399079, 1246.134418198043, 7899.803658577425, 8751.314798009716, 1117.905703819396, 1670.1487837514596, 1584.664592569242, 2552.0038393226596, 7953.2008889414265, 8228.104554326497, 1726.936404500977, 8251.338990113532, 9120.862551308877, 1642.4204481814395, 1651.1917509930736, 1550.9817348945244, 2700.512335443106, 5585.323915010569, 5836.920144739081, 3557.0276218470153, 6271.783501504485, 6597.668646569029, 4042.7211918056864, -756.4526151532637, -949.1267171112913, -9.561713679499007, 5426.5384692820635, 6005.606599639338, -1089.5301309848646, 5759.0385670182895, 6576.247051798323, -1234.474058532075, 3992.072082490223, 4589.320413448159, -273.71622732060223, 5724.520021441943, 6418.619753874759, -596.5687656626387, 6169.796803297786, 6928.48200057292, -685.465648632905, 4002.2006960047693, 4593.619463290901, -225.780131916119, 8646.332604658273, 8682.544913565673, 5714.619593825008, 8879.015841211214, 9745.138730105828, 6187.987123445058, 5875.342232528821, 6248.3980183742615, 5768.012797429414]),
    vpsTrace: ref([2, 3], [18928.056440097804, 19774.57577569341, 12173.4308479001, 11729.069293759785, 12427.221890098743, 24159.484132193516]),
    vpsDiag: ref([2, 3, 3], [7624.737802765426, 8751.314798009716, 2552.0038393226596, 7953.2008889414265, 9120.862551308877, 2700.512335443106, 5585.323915010569, 6597.668646569029, -9.561713679499007, 5426.5384692820635, 6576.247051798323, -273.71622732060223, 5724.520021441943, 6928.48200057292, -225.780131916119, 8646.332604658273, 9745.138730105828, 5768.012797429414]),
  };
  // CNN shrunk: conv1 (2→3, 2×2), relu, conv2 (3→3, 2×2), relu, conv3 (3→2, 2×2), flatten, fc (8→3); inputs 2×5×5.
  type Params = Record<'conv1.weight' | 'conv1.bias' | 'conv2.weight' | 'conv2.bias' | 'conv3.weight' | 'conv3.bias' | 'fc.weight' | 'fc.bias', Tensor>;
  const shapes: Array<[keyof Params, number[]]> = [
    ['conv1.weight', [3, 2, 2, 2]], ['conv1.bias', [3]], ['conv2.weight', [3, 3, 2, 2]], ['conv2.bias', [3]],
    ['conv3.weight', [2, 3, 2, 2]], ['conv3.bias', [2]], ['fc.weight', [3, 8]], ['fc.bias', [3]],
  ];
  const params = Object.fromEntries(shapes.map(([k, s], i) => [k, det(s, 80 + i, 1 / 32)])) as Params;
  const net = (p: Params, x: Tensor) => {
    let h = ad.relu(conv2d(x, p['conv1.weight'], p['conv1.bias']));
    h = ad.relu(conv2d(h, p['conv2.weight'], p['conv2.bias']));
    h = conv2d(h, p['conv3.weight'], p['conv3.bias']);
    return linear(ad.reshape(h, [h.shape[0]!, -1]), p['fc.weight'], p['fc.bias']);
  };
  const xTrain = det([3, 2, 5, 5], 90, 1 / 32);
  const xTest = det([2, 2, 5, 5], 91, 1 / 32);
  // def fnet_single(params, x): return functional_call(net, params, (x.unsqueeze(0),)).squeeze(0)
  const fnetSingle = (p: Params, x: Tensor) => ad.squeeze(net(p, ad.expandDims(x, 0)), 0);

  type Compute = 'full' | 'trace' | 'diagonal';
  const empiricalNtkJacobianContraction = (fnet: typeof fnetSingle, p: Params, x1: Tensor, x2: Tensor, compute: Compute = 'full') => {
    // jac1 = vmap(jacrev(fnet_single), (None, 0))(params, x1); [j.flatten(2) for j in jac1.values()]
    const flatJacobians = (xs: Tensor) =>
      Object.values(ad.vmap(ad.jacrev(fnet), [null, 0])(p, xs)).map((j) => ad.reshape(j, [j.shape[0]!, j.shape[1]!, -1]));
    const jac1 = flatJacobians(x1), jac2 = flatJacobians(x2);
    const expr = { full: 'Naf,Mbf->NMab', trace: 'Naf,Maf->NM', diagonal: 'Naf,Maf->NMa' }[compute];
    return ad.sum(ad.stack(jac1.map((j1, i) => ad.einsum(expr, j1, jac2[i]!))), 0);
  };

  const empiricalNtkNtkVps = (func: typeof fnetSingle, p: Params, x1: Tensor, x2: Tensor, compute: Compute = 'full') => {
    const getNtk = (a: Tensor, b: Tensor) => {
      const funcX1 = (q: Params) => func(q, a);
      const funcX2 = (q: Params) => func(q, b);
      const [output, vjpFn] = ad.vjp(funcX1, p);
      // vec @ J(x2)ᵀ by the vjp, then J(x1) @ that by a jvp: one slice of the NTK per unit vector.
      const getNtkSlice = (vec: Tensor) => {
        const vjps = vjpFn(vec);
        const [, jvps] = ad.jvp(funcX2, [p], vjps);
        return jvps;
      };
      const basis = ad.eye(output.size);
      return ad.vmap(getNtkSlice)(basis);
    };
    const result = ad.vmap(ad.vmap(getNtk, [null, 0]), [0, null])(x1, x2);
    if (compute === 'full') return result;
    if (compute === 'trace') return ad.einsum('NMKK->NM', result);
    return ad.einsum('NMKK->NMK', result);
  };

  it('method 1, Jacobian contraction: full, trace and diagonal', () => {
    close(empiricalNtkJacobianContraction(fnetSingle, params, xTrain, xTest), ntk.full);
    close(empiricalNtkJacobianContraction(fnetSingle, params, xTrain, xTest, 'trace'), ntk.trace);
    close(empiricalNtkJacobianContraction(fnetSingle, params, xTrain, xTest, 'diagonal'), ntk.diagonal);
  });

  it('method 2, NTK-vector products (vmap over vmap of a vjp then a jvp): full, trace and diagonal, = method 1', () => {
    const vps = empiricalNtkNtkVps(fnetSingle, params, xTest, xTrain);
    close(vps, ntk.vps);
    same(vps, empiricalNtkJacobianContraction(fnetSingle, params, xTest, xTrain));
    close(empiricalNtkNtkVps(fnetSingle, params, xTest, xTrain, 'trace'), ntk.vpsTrace);
    close(empiricalNtkNtkVps(fnetSingle, params, xTest, xTrain, 'diagonal'), ntk.vpsDiag);
  });
});

describe('MAML (functorch examples/maml_regression): vmap over tasks of inner grad steps, differentiated again', () => {
  // PyTorch (functorch 1.13, float64): vmap(get_loss_for_task) and the parameters' .grad after task_losses.mean().backward()
  const maml = {
    taskLosses: ref([3], [29.652795783714225, 0.4976693153257238, 2.6596607679628312]),
    'grad.0': ref([8, 1], [1.005222638787443, 10.836521766218612, 0.5158135449879611, 4.135983369373343, 19.3335441012036, 0.8137147325180804, 7.970449265722959, 0.3243056387185987]),
    'grad.1': ref([8], [-0.500615167345456, 5.787443054723934, -0.2250803382340163, 1.171322491012878, 11.231969619736212, -0.3927971907366318, 4.176895416168521, -0.11726236162519219]),
    'grad.2': ref([8, 8], [0, 12.374171586942255, 0, 0.613630792824308, 26.33706820286943, 0, 8.02987155011837, 0, 0.031194105041011926, -2.1403202081859436, -0.017910115642675337, -0.6384872512106151, -2.609984087800475, 0.011979409990873434, -1.5907189226407223, -0.037124810692813835, -0.14345223247364353, -1.0488857165060468, -0.5352305885287991, -0.12656940231983543, -0.2791479412247722, -0.29675680658218256, -0.5199506744506335, -0.6885351626373383, 0.023183129422108793, -1.461870036015155, 0.09200122569960377, -0.22446259526527312, -3.1589104552732046, 0.05011194970460679, -1.043623005768057, 0.11893004598210175, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.36325803243029753, 0.04765184596537987, 0.6374203182120287, 0.6954139145713746, -0.1976042145488978, 0.47053892686662707, 0.038128084513743686, 0.7447012126483583, -0.4581960284706642, 0, -0.9913491770209979, -0.6285338439388304, 0, -0.6668211735555772, 0, -1.1999743221059112]),
    'grad.3': ref([8], [7.566189967284139, 0.12213758256635796, -0.3553131387579467, -0.7324684950207541, 0, 0, -0.058801924388229565, -0.5820033913371796]),
    'grad.4': ref([1, 8], [-20.889817019210042, -0.4884932263980554, 0.9970150362415546, 5.8170501034688815, 0, 0, 0.7420231855904513, 2.4205620382709547]),
    'grad.5': ref([1], [-2.183698142076709]),
  };
  // mlp(params, x): Linear(1, 8), relu, Linear(8, 8), relu, Linear(8, 1); params a list, as make_functional's tuple.
  const mlp = (p: Tensor[], x: Tensor) => {
    const [w1, b1, w2, b2, w3, b3] = p as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const h = ad.relu(linear(ad.relu(linear(x, w1, b1)), w2, b2));
    return linear(h, w3, b3);
  };
  const mseLoss = (a: Tensor, b: Tensor) => ad.mean(ad.square(ad.sub(a, b)));
  const shapes = [[8, 1], [8], [8, 8], [8], [1, 8], [1]];
  const params = shapes.map((s, i) => det(s, 300 + i, 1 / 32));
  const x1 = det([3, 4, 1], 310, 1 / 16), y1 = det([3, 4, 1], 311, 1 / 16);
  const x2 = det([3, 4, 1], 312, 1 / 16), y2 = det([3, 4, 1], 313, 1 / 16);
  const alpha = 1 / 32;
  // Two inner SGD steps on the support set, then the query loss: a grad inside the function vmap maps and grad differentiates.
  const getLossForTask = (p0: Tensor[], xs: Tensor, ys: Tensor, xq: Tensor, yq: Tensor) => {
    const innerLoss = (p: Tensor[], x: Tensor, y: Tensor) => mseLoss(mlp(p, x), y);
    let p = p0;
    for (let step = 0; step < 2; step++) {
      const grads = ad.grad(innerLoss)(p, xs, ys);
      p = p.map((w, i) => ad.sub(w, ad.mul(alpha, grads[i]!)));
    }
    return mseLoss(mlp(p, xq), yq);
  };

  it('the task losses, vmap(get_loss_for_task) with the parameters shared', () => {
    close(ad.vmap(getLossForTask, [null, 0, 0, 0, 0])(params, x1, y1, x2, y2), maml.taskLosses);
  });

  it('the meta-gradient (task_losses.mean().backward()): grad over vmap over grad, and the loop over tasks', () => {
    const metaLoss = (p: Tensor[]) => ad.mean(ad.vmap(getLossForTask, [null, 0, 0, 0, 0])(p, x1, y1, x2, y2));
    const g = ad.grad(metaLoss)(params);
    g.forEach((gi, i) => close(gi, maml[`grad.${i}` as keyof typeof maml]));
    const loopLoss = (p: Tensor[]) =>
      ad.mean(ad.stack([0, 1, 2].map((t) => getLossForTask(p, ad.take(x1, t, 0), ad.take(y1, t, 0), ad.take(x2, t, 0), ad.take(y2, t, 0)))));
    ad.grad(loopLoss)(params).forEach((gi, i) => close(gi, maml[`grad.${i}` as keyof typeof maml]));
  });
});

describe('torch.func API docstrings (functorch 1.13 eager_transforms.py, vmap.py)', () => {
  // PyTorch (functorch 1.13, float64)
  const api = {
    gradSin: ref([], [0.955336489125606]),
    grad2Sin: ref([], [-0.29552020666133955]),
    perExample: ref([3, 5], [-457.25, 71.4453125, 600.140625, -257.203125, 271.4921875, -544.2109375, -53.09375, 438.0234375, -358.3828125, 132.734375, -64.9921875, 17.9765625, -33.1875, 49.78125, -1.3828125]),
    'hasAux.0.0': ref([4], [-0.875, 0.28125, -1.59375, -0.4375]),
    'hasAux.0.1': ref([4], [0.4375, -0.140625, 0.796875, 0.21875]),
    'hasAux.1.0': ref([4], [-2.5, 2.125, -5.375, -0.75]),
    'hasAux.1.1': ref([4], [3.0625, 0.31640625, 10.16015625, 0.765625]),
    noGrad: ref([], [1]),
    'gradAndValue.0': ref([5], [-0.4161468365471424, -0.8695071814659844, 0.16189533041753676, 0.9689124217106447, -0.3310244072528874]),
    'gradAndValue.1': ref([], [-0.6195953440566367]),
    vjpTuple: ref([5], [1.0682321882717574, -1.0164542373110346, -1.2746465995538498, 0.7215084624561218, 1.1487032661319778]),
    'vjpMatmul.0': ref([5, 4], [-2.8125, -0.28125, 2.25, -30.078125, 60.125, 55.34375, 50.5625, -2.71875, 51.828125, 53.375, 54.921875, -5.671875, 2.609375, -3.15625, -8.921875, 56.546875, -5.6875, -5.125, -4.5625, 53.59375]),
    'vjpMatmul.1': ref([4, 5], [-26.578125, 20.828125, 19.734375, -8.640625, 50.890625, -24.046875, 18.15625, -9.359375, -8.078125, -9.828125, 5.765625, -13.3125, 23.6875, -1.453125, 26.453125, 8.296875, -15.984375, -5.40625, -0.890625, -34.265625]),
    'jvpScale.0': ref([3], [0.4, 0.8, 1.2000000000000002]),
    'jvpScale.1': ref([3], [1, 2, 3]),
    'linearize.0': ref([3, 3], [0.479425538604203, -0.9160769210262436, -0.6936850319532718, 0.7780731968879212, 0.858934493426592, -0.5850972729404621, -0.7568024953079282, 0.35078322768961984, 0.9022675940990952]),
    'linearize.1': ref([3, 3], [0.8775825618903728, 2.255639551751453, 1.3505221339812972, -1.7274774624875326, -2.4324060168987436, -0.10137038993815224, -2.9413962938862537, 2.809370061872389, 0.7006618397978326]),
    hessSinSum: ref([5, 5], [-0.9974949866040544, 0, 0, 0, 0, 0, -0.27941549819892586, 0, 0, 0, 0, 0, 0.9808930570231557, 0, 0, 0, 0, 0, 0.10819513453010837, 0, 0, 0, 0, 0, -0.8949893582285835]),
    hessSin: ref([5, 5, 5], [-0.9974949866040544, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.27941549819892586, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.9808930570231557, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.10819513453010837, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.8949893582285835]),
    'hessXY.0.0': ref([3, 3, 3], [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.75]),
    'hessXY.0.1': ref([3, 3, 3], [3.1988563844530664, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -10.716337814536773, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.8194923780876857]),
    'hessXY.1.0': ref([3, 3, 3], [3.1988563844530664, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -10.716337814536773, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.8194923780876857]),
    'hessXY.1.1': ref([3, 3, 3], [-1.1969442882079129, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5.274083510647261, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.32048846295029165]),
    hessVecOut: ref([2, 3, 3], [0.1809910859384989, 0.002961104394356994, 5.90721798570236, 0.002961104394356994, 0.008881120877743827, 0, 5.90721798570236, 0, -2.203740865923752, 0, 0.125, -4.5, 0.125, 0, 3, -4.5, 3, 0]),
    vmapDot: ref([2], [-1.265625, 59.3125]),
    vmapModel: ref([3], [64.46875, 66.15625, 2.671875]),
    vmapNested: ref([2, 3], [-3.78125, 64.609375, 65.328125, 59, 65.328125, 64.609375]),
    vmapInDims1: ref([5], [27.703125, 29.578125, 1.828125, -10.078125, 9.015625]),
    vmapNone: ref([2], [-35.703125, -31.625]),
    vmapDict: ref([2], [-35.703125, -31.625]),
    'vmapJac.0': ref([5, 5], [7, 0, 0, 0, 0, 0, -8, 0, 0, 0, 0, 0, 1.25, 0, 0, 0, 0, 0, 10.5, 0, 0, 0, 0, 0, -4.5]),
  };
  it('grad: cos and −sin by grad and grad(grad); per-example gradients with in_dims=(None, 0, 0)', () => {
    close(ad.grad(ad.sin)(0.3), api.gradSin);
    close(ad.grad(ad.grad(ad.sin))(0.3), api.grad2Sin);
    const model = (weights: Tensor, featureVec: Tensor) => ad.relu(ad.dot(featureVec, weights));
    const computeLoss = (weights: Tensor, example: Tensor, target: Tensor) => ad.mean(ad.square(ad.sub(model(weights, example), target)));
    const weights = det([5], 100, 1 / 8), examples = det([3, 5], 101, 1 / 8), targets = det([3], 102, 1 / 8);
    close(ad.vmap(ad.grad(computeLoss), [null, 0, 0])(weights, examples, targets), api.perExample);
  });

  it('grad with argnums=(0, 1) and has_aux=True returns ((∂y_true, ∂y_pred), (y_pred, loss_per_sample))', () => {
    const myLossFunc = (y: Tensor, yPred: Tensor) => {
      const lossPerSample = ad.square(ad.sub(ad.mul(0.5, yPred), y));
      return [ad.mean(lossPerSample), [yPred, lossPerSample]] as const;
    };
    const fn = ad.grad(myLossFunc, { argnums: [0, 1], hasAux: true });
    const [[gTrue, gPred], [yPred, lossPerSample]] = fn(det([4], 103, 1 / 8), det([4], 104, 1 / 8));
    close(gTrue, api['hasAux.0.0']);
    close(gPred, api['hasAux.0.1']);
    close(yPred, api['hasAux.1.0']);
    close(lossPerSample, api['hasAux.1.1']);
  });

  it('torch.no_grad inside the function is stopGradient: grad(x − no_grad(x²)) = 1; grad_and_value is valueAndGrad', () => {
    close(ad.grad((x: Tensor) => ad.sub(x, ad.stopGradient(ad.pow(x, 2))))(0.7), api.noGrad);
    // grad_and_value returns (grad, value); adjoint's valueAndGrad returns [value, grad], as JAX's.
    const [value, g] = ad.valueAndGrad((x: Tensor) => ad.sum(ad.sin(x)))(det([5], 105, 1 / 8));
    close(g, api['gradAndValue.0']);
    close(value, api['gradAndValue.1']);
  });

  it('vjp: of a scalar, of a tuple and of a dict output, of matmul in both arguments, and of f(x, scale=4.)', () => {
    const x = det([5], 106, 1 / 8);
    const f = (v: Tensor) => ad.sum(ad.sin(v));
    const [, vjpfunc] = ad.vjp(f, x);
    same(vjpfunc(ad.scalar(1))[0], ad.grad(f)(x));
    const [, tupleVjp] = ad.vjp((v: Tensor) => [ad.sin(v), ad.cos(v)], x);
    close(tupleVjp([ad.ones([5]), ad.ones([5])])[0], api.vjpTuple);
    const [, dictVjp] = ad.vjp((v: Tensor) => ({ first: ad.sin(v), second: ad.cos(v) }), x);
    close(dictVjp({ first: ad.ones([5]), second: ad.ones([5]) })[0], api.vjpTuple);
    const [, matmulVjp] = ad.vjp(ad.matmul, det([5, 4], 107, 1 / 8), det([4, 5], 108, 1 / 8));
    const vjps = matmulVjp(det([5, 5], 109, 1 / 8));
    expect(vjps.length).toBe(2);
    close(vjps[0], api['vjpMatmul.0']);
    close(vjps[1], api['vjpMatmul.1']);
    const scaled = (v: Tensor, scale = 4) => ad.mul(v, scale);
    const [, scaledVjp] = ad.vjp(scaled, x);
    expect(values(scaledVjp(ad.onesLike(x))[0])).toEqual([4, 4, 4, 4, 4]);
  });

  it('jvp: x·[1, 2, 3] along 1, and x·y along (ones, ones) is x + y', () => {
    const [value, tangent] = ad.jvp((x: Tensor) => ad.mul(x, ad.tensor([1, 2, 3])), [ad.scalar(0.4)], [ad.scalar(1)]);
    close(value, api['jvpScale.0']);
    close(tangent, api['jvpScale.1']);
    const x = det([5], 106, 1 / 8), y = det([5], 107, 1 / 8);
    const [, output] = ad.jvp((a: Tensor, b: Tensor) => ad.mul(a, b), [x, y], [ad.ones([5]), ad.ones([5])]);
    same(output, ad.add(x, y));
  });

  it('linearize (torch.func 2.x): sin at zeros(3, 3) along ones is ones; at a point, the jvp', () => {
    const [output, jvpFn] = ad.linearize(ad.sin, ad.zeros([3, 3]));
    expect(values(output)).toEqual(Array(9).fill(0));
    expect(values(jvpFn(ad.ones([3, 3])))).toEqual(Array(9).fill(1));
    const [out2, jvpFn2] = ad.linearize(ad.sin, det([3, 3], 110, 1 / 8));
    close(out2, api['linearize.0']);
    close(jvpFn2(det([3, 3], 111, 1 / 8)), api['linearize.1']);
  });

  it('jacrev and jacfwd: diag(cos x), has_aux, under vmap (64, 5, 5), argnums=1 and (0, 1), jacrev(jacrev) and jacfwd(jacrev) of sin-sum', () => {
    const x = det([5], 112, 1 / 8);
    const f = (v: Tensor) => ad.sum(ad.sin(v));
    for (const jac of [ad.jacrev, ad.jacfwd]) {
      same(jac(ad.sin)(x), ad.diag(ad.cos(x)));
      const g = (v: Tensor) => {
        const result = ad.sin(v);
        return [result, result] as const;
      };
      const [jacobianF, fX] = jac(g, { hasAux: true })(x);
      same(jacobianF, ad.diag(ad.cos(x)));
      same(fX, ad.sin(x));
      expect(ad.vmap(jac(ad.sin))(det([64, 5], 113, 1 / 8)).shape).toEqual([64, 5, 5]);
      const fxy = (a: Tensor, b: Tensor) => ad.add(a, ad.pow(b, 2));
      const y = det([5], 114, 1 / 8);
      same(jac(fxy, 1)(x, y), ad.diag(ad.mul(2, y)));
      const [jx, jy] = jac(fxy, [0, 1])(x, y);
      same(jx, ad.diag(ad.onesLike(x)));
      same(jy, ad.diag(ad.mul(2, y)));
      close(jac(ad.jacrev(f))(x), api.hessSinSum);
    }
  });

  it('hessian: of sin-sum is diag(−sin x); of the vector-valued sin, [5, 5, 5]; with argnums=(0, 1) nested ((H_xx, H_xy), (H_yx, H_yy)); of a 2-vector output', () => {
    const x = det([5], 112, 1 / 8);
    close(ad.hessian((v: Tensor) => ad.sum(ad.sin(v)))(x), api.hessSinSum);
    close(ad.hessian(ad.sin)(x), api.hessSin);
    // f(x, y) = x·sin(y) + x²·y, elementwise: each output element's Hessian in (x, y).
    const fxy = (a: Tensor, b: Tensor) => ad.add(ad.mul(a, ad.sin(b)), ad.mul(ad.pow(a, 2), b));
    const h = ad.hessian(fxy, [0, 1])(det([3], 113, 1 / 8), det([3], 114, 1 / 8));
    close(h[0][0], api['hessXY.0.0']);
    close(h[0][1], api['hessXY.0.1']);
    close(h[1][0], api['hessXY.1.0']);
    close(h[1][1], api['hessXY.1.1']);
    // torch.stack([(x.tanh() * x[0] ** 2).sum(), x.prod()])
    const fvec = (v: Tensor) => ad.stack([ad.sum(ad.mul(ad.tanh(v), ad.pow(ad.take(v, 0), 2))), ad.prod(v)]);
    close(ad.hessian(fvec)(det([3], 115, 1 / 8)), api.hessVecOut);
  });

  it('hessian of a vector output in several arguments and in a dict of parameters: output outside, then argument, then argument', () => {
    // PyTorch: hessian(predict, argnums=(0, 1)) (= hessian of the dict {weight, bias}, asserted in Python)
    const hpt = {
      '0.0': ref([2, 2, 2, 2, 2], [-0.026939136674029116, 0.040408705011043676, 0, 0, 0.040408705011043676, -0.06061305751656551, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.03136503071930866, -0.047047546078962985, 0, 0, -0.04704754607896299, 0.07057131911844447]),
      '0.1': ref([2, 2, 2, 2], [-0.03591884889870549, 0, 0.053878273348058225, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.041820040959078215, 0, -0.06273006143861733]),
      '1.0': ref([2, 2, 2, 2], [-0.03591884889870549, 0.05387827334805823, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.041820040959078215, -0.06273006143861731]),
      '1.1': ref([2, 2, 2], [-0.04789179853160731, 0, 0, 0, 0, 0, 0, 0.05576005461210429]),
    };
    const predict = (weight: Tensor, bias: Tensor, x: Tensor) => ad.tanh(linear(x, weight, bias));
    const w = det([2, 2], 210), b = det([2], 211), x = det([2], 212);
    const h = ad.hessian(predict, [0, 1])(w, b, x);
    close(h[0][0], hpt['0.0']);
    close(h[0][1], hpt['0.1']);
    close(h[1][0], hpt['1.0']);
    close(h[1][1], hpt['1.1']);
    const hd = ad.hessian((p: { weight: Tensor; bias: Tensor }) => predict(p.weight, p.bias, x))({ weight: w, bias: b });
    close(hd.weight.weight, hpt['0.0']);
    close(hd.weight.bias, hpt['0.1']);
    close(hd.bias.weight, hpt['1.0']);
    close(hd.bias.bias, hpt['1.1']);
  });

  it('vmap: batched dot, a model with relu, nested vmap, in_dims=1, in_dims=(0, None), a dict with in_dims ({x: 0, y: None},), out_dims=1, an unbatched keyword', () => {
    const x = det([2, 5], 117, 1 / 8), y = det([2, 5], 118, 1 / 8);
    close(ad.vmap(ad.dot)(x, y), api.vmapDot);
    const weights = det([5], 119, 1 / 8);
    close(ad.vmap((featureVec: Tensor) => ad.relu(ad.dot(featureVec, weights)))(det([3, 5], 120, 1 / 8)), api.vmapModel);
    close(ad.vmap(ad.vmap(ad.dot))(det([2, 3, 5], 121, 1 / 8), det([2, 3, 5], 122, 1 / 8)), api.vmapNested);
    close(ad.vmap(ad.dot, 1)(x, y), api.vmapInDims1);
    const y5 = det([5], 123, 1 / 8);
    close(ad.vmap(ad.dot, [0, null])(x, y5), api.vmapNone);
    const f = (d: { x: Tensor; y: Tensor }) => ad.dot(d.x, d.y);
    close(ad.vmap(f, [{ x: 0, y: null }])({ x, y: y5 }), api.vmapDict);
    // out_dims=1: [2, 5] in, [5, 2] out.
    const batchedPow = ad.vmap((v: Tensor) => ad.pow(v, 2), 0, 1);
    same(batchedPow(x), ad.transpose(ad.pow(x, 2)));
    // def f(x, scale=4.): keyword arguments are not batched; in adjoint an unmapped argument is null in inAxes.
    const scaled = (v: Tensor, scale: Tensor | number = 4) => ad.mul(v, scale);
    same(ad.vmap(scaled)(x), ad.mul(x, 4));
    expect(ad.vmap(scaled, [0, null])(x, x).shape).toEqual([2, 2, 5]);
  });

  it('vmap of a vjp function over the identity gives the Jacobian (the docstring\'s vmap(get_vjp)(I_N))', () => {
    const xq = det([5], 116, 1 / 8);
    const [, pullback] = ad.vjp((v: Tensor) => ad.pow(v, 2), xq);
    const jacobian = ad.vmap((v: Tensor) => pullback(v)[0])(ad.eye(5));
    close(jacobian, api['vmapJac.0']);
    const rows = Array.from({ length: 5 }, (_, i) => pullback(ad.take(ad.eye(5), i, 0))[0]);
    close(ad.stack(rows), api['vmapJac.0']);
  });

  it('randomness="different" is a key per example, randomness="same" one key shared (null in inAxes)', () => {
    const keys = ad.random.split(ad.random.key(0), 3);
    const x = ad.zeros([3]);
    const addNoise = (key: Tensor, v: Tensor) => ad.add(v, ad.random.uniform(key, []));
    const different = ad.vmap(addNoise)(ad.random.keyData(keys), x);
    expect(different.shape).toEqual([3]);
    expect(new Set(values(different)).size).toBe(3);
    expect(values(different)).toEqual(keys.map((k) => ad.random.uniform(k, []).item()));
    const shared = ad.vmap((key: ad.random.Key, v: Tensor) => ad.add(v, ad.random.uniform(key, [])), [null, 0])(keys[0]!, x);
    expect(new Set(values(shared)).size).toBe(1);
    expect(values(shared)[0]).toBe(ad.random.uniform(keys[0]!, []).item());
  });
});

describe('torch.func keywords adjoint does not take: the errors say what to write instead', () => {
  it('vmap({ inAxes, chunkSize }) or { inAxes, randomness }: named as options vmap does not have, with the route (slices; keys)', () => {
    const x = ad.ones([4, 3]);
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ad.InvalidArgumentError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    // torch.vmap(f, in_dims=0, chunk_size=2): read as an axis spec for an argument with keys inAxes and chunkSize, it said
    // only that the spec had keys [inAxes, chunkSize] where the argument was a tensor.
    const chunked = message(() => ad.vmap(ad.sum, { inAxes: 0, chunkSize: 2 })(x));
    expect(chunked).toMatch(/^vmap: the options object has keys \[inAxes, chunkSize\], but vmap's only options are inAxes and outAxes/);
    expect(chunked).toMatch(/Leave out chunkSize: .*call it on slices and concatenate/);
    // randomness='different' (a string) was refused as "inAxes entries must be integers, …, got string 'different'".
    const random = message(() => ad.vmap(ad.sum, { inAxes: 0, randomness: 'different' } as unknown as ad.VmapOptions));
    expect(random).toMatch(/keys \[inAxes, randomness\].*Leave out randomness: .*randomness comes from keys/);
    // An axis spec whose keys happen to include inAxes still maps an argument with those keys.
    const dict = { inAxes: ad.ones([2]), chunkSize: ad.ones([3]) };
    expect(ad.vmap((d: typeof dict) => ad.add(d.inAxes, d.chunkSize), { inAxes: 0, chunkSize: null })(dict).shape).toEqual([2, 3]);
  });
});
