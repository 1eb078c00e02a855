/**
 * @file Third review of ad.PairwiseMRF (mean field, TRW, max-product) and ad.stats.multivariateNormal (helper 82).
 * Reference numbers come from scratch scripts (scratch/h82/): an independent torch (float64) implementation of the
 * documented damped updates, free energies and their autograd / implicit-function-theorem gradients, brute-force
 * enumeration, scipy.stats.multivariate_normal and torch.distributions.MultivariateNormal, pasted here as literals;
 * no Python at test time. Each regression block names the wrong answer it guards against.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const maxAbs = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

describe('PairwiseMRF (trw): edgeWeights given as a tensor are differentiable', () => {
  // Before: ρ was copied into a constant, so ad.grad with respect to edgeWeights was [0, 0, 0, 0] in silence (central
  // differences: −0.0744 on the first edge). The TRW bound is convex in ρ and is tightened by descending it, with
  // ∂B/∂ρ_e = −I_e(μ_e) at the fixed point. References: the torch reimplementation (damped TRW messages, ρ-weighted
  // free energy) run to ‖Δ‖∞ ≤ 1e−13 (29 iterations), differentiated by autograd.
  const edges = [[0, 1], [1, 2], [2, 0], [2, 3]];
  const U = ad.tensor([[0.3, 0], [0, 0.2], [0.1, -0.4], [0.5, 0]]);
  const P = ad.tensor([[0.7, -0.2], [0.1, 0.4]]);
  const mrf = new ad.PairwiseMRF({ unary: U, edges, pairwise: P });
  const rho = ad.tensor([2 / 3, 2 / 3, 2 / 3, 1]);
  const o = { method: 'trw' as const, tol: 1e-12, iterations: 1000 };
  const LOGZ = 4.659037534052693;
  const DLOGZ = [-0.07441357449095094, -0.06554587545173506, -0.06332915676490755, -0.027240124350060964];
  const DLOSS = [-0.05680957851902835, -0.06499205853885304, -0.07293540033325929, -0.03489008623766668]; // of Σ_v (b_v(0) + 2 b_v(1))

  it('the bound and its ρ-gradient (unrolled and implicit) match torch; the gradient is −I_e at the beliefs', () => {
    expect(Math.abs(mrf.logPartition({ ...o, edgeWeights: rho }).item() - LOGZ)).toBeLessThan(1e-12);
    for (const gradient of ['unrolled', 'implicit'] as const) {
      const g = ad.grad((r: ad.Tensor) => mrf.logPartition({ ...o, gradient, edgeWeights: r }))(rho).toArray() as number[];
      expect(maxAbs(g, DLOGZ), gradient).toBeLessThan(1e-10);
      const gl = ad.grad((r: ad.Tensor) => ad.sum(ad.mul(ad.tensor([1, 2]), mrf.beliefs({ ...o, gradient, edgeWeights: r }).unary)))(rho).toArray() as number[];
      expect(maxAbs(gl, DLOSS), gradient).toBeLessThan(1e-10);
    }
    const b = mrf.beliefs({ ...o, edgeWeights: rho });
    const bu = b.unary.toArray() as number[][], bp = b.pairwise.toArray() as number[][][];
    const minusI = edges.map(([s, t], e) => {
      let v = 0;
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) v += bp[e]![i]![j]! * Math.log(bp[e]![i]![j]! / (bu[s!]![i]! * bu[t!]![j]!));
      return -v;
    });
    expect(maxAbs(minusI, DLOGZ)).toBeLessThan(1e-10);
  });

  it('the ρ-Hessian (convexity of the bound) matches torch, unrolled and implicit (second order through root)', () => {
    // torch.autograd.functional.hessian of the reimplementation run to ‖Δ‖∞ ≤ 1e−14.
    const H = [
      [0.21219659645813355, 0.0019129923756131854, 0.0033736528800039182, 0.0007658869187623237],
      [0.0019129923756132294, 0.18768736802216862, 0.005928721309212913, 0.0026381123012786363],
      [0.003373652880003753, 0.005928721309213266, 0.18930431785953275, 0.0024075562019484995],
      [0.0007658869187623153, 0.0026381123012787235, 0.0024075562019481487, 0.05707056516612982],
    ];
    for (const extra of [{ tol: 1e-13, iterations: 3000 }, { tol: 1e-12, gradient: 'implicit' as const }]) {
      const h = ad.hessian((r: ad.Tensor) => mrf.logPartition({ method: 'trw', ...extra, edgeWeights: r }))(rho).toArray() as number[][];
      expect(maxAbs(h.flat(), H.flat()), JSON.stringify(extra)).toBeLessThan(1e-10);
    }
  });

  it('under vmap over the unaries (ρ closed over) the ρ-gradient is the sum over the batch; arrays stay constants', () => {
    const U2 = ad.mul(2, U);
    const one = (u: ad.Tensor) => (r: ad.Tensor) => new ad.PairwiseMRF({ unary: u, edges, pairwise: P }).logPartition({ ...o, edgeWeights: r });
    const batched = ad.grad((r: ad.Tensor) => ad.sum(ad.vmap((u: ad.Tensor) => one(u)(r))(ad.stack([U, U2]))))(rho).toArray() as number[];
    const looped = ad.add(ad.grad(one(U))(rho), ad.grad(one(U2))(rho)).toArray() as number[];
    expect(maxAbs(batched, looped)).toBeLessThan(1e-13);
    // A plain array is a constant: the same bound as the tensor.
    expect(mrf.logPartition({ ...o, edgeWeights: [2 / 3, 2 / 3, 2 / 3, 1] }).item()).toBe(mrf.logPartition({ ...o, edgeWeights: rho }).item());
  });
});

describe('PairwiseMRF: mean field, TRW and max-product against an independent torch implementation (seeded sweep)', () => {
  // The sweep (scratch/h82/mrfgen.py → mrfrun.mjs → mrfcmp.py): 1,860 random graphs (trees, loopy, dense, with an isolated
  // variable; V 3–6, K 2–3; shared and per-edge tables; damping none/0/0.3/0.6, and 0.5/0.8 with scores up to 30 and couplings
  // up to 8; fixed iterations or tol 1e−11; checkpoints all/3/sqrt; default ρ (re-derived from the documented Kruskal rule) or
  // averages of random spanning trees; 30 % max-product) against the documented damped updates written in torch: beliefs within
  // 1.5e−14, unrolled gradients of a loss of the beliefs and of logPartition within 6e−13 of torch autograd (relative), implicit
  // gradients within 6e−10 of the implicit-function-theorem gradient (one singular (I − ∂update/∂m) for max-product, reported by
  // root's warning), ∂logPartition/∂θ = beliefs within 2e−10 at the fixed point, Σ_t b_st = b_s within 5e−12, the ELBO never
  // above the exact log Z and a converged TRW value never below it, max-marginals on trees within 7e−12 of enumeration with the
  // MAP as argmax. vmap and jit: unrolled values and gradients equal to the loop bit for bit (implicit: within tol).
  // Three of those models, with torch's numbers pasted: A mean field (default damping ½, 40 iterations, per-edge tables),
  // B TRW on K4 with ρ = ½ (25 iterations, damping 0.3, one shared table), C max-product TRW on a 4-cycle (ρ = ¾, damping ½).
  // Loss: Σ Wu·b.unary + Σ Wp·b.pairwise with Wu = sin(1, 2, …), Wp = cos(0.7·(1, 2, …)) in row-major order.
  const REF: Record<string, { U: number[][]; P: number[][] | number[][][]; bu: number[][]; logZ?: number; exact?: number; gu: number[][]; gp: number[][] | number[][][]; bconv: number[][]; logZconv?: number; iu: number[][]; ip: number[][] | number[][][] }> = {
  A: {"U": [[0.389, 0.992, 0.141], [-0.916, -0.631, 0.578], [0.941, -0.075, -0.981], [-0.45, 0.74, 0.846], [-0.288, -1.0, -0.247]], "P": [[[0.79, -0.53, -0.653], [0.698, 0.473, -0.82], [-0.262, 0.888, 0.033]], [[-0.896, 0.197, 0.845], [-0.415, -0.738, 0.606], [0.582, -0.756, -0.388]], [[0.855, 0.167, -0.899], [0.064, 0.882, -0.292], [-0.807, 0.5, 0.678]], [[-0.674, -0.504, 0.804], [0.297, -0.881, -0.07], [0.899, -0.162, -0.857]], [[0.382, 0.759, -0.578], [-0.61, 0.735, 0.42], [-0.843, -0.203, 0.896]], [[-0.028, -0.888, 0.257], [0.822, -0.469, -0.702], [0.649, 0.534, -0.787]], [[-0.331, 0.873, 0.106], [-0.9, 0.125, 0.868], [-0.349, -0.778, 0.549]]], "bu": [[0.09371533341575512, 0.7180784687525443, 0.18820619783170056], [0.19807506851807358, 0.3364308202812264, 0.46549411120070006], [0.8029043513489054, 0.10733838450903921, 0.08975726414205544], [0.07361768027910036, 0.4071792028833989, 0.5192031168375006], [0.6999630841741245, 0.13411040056858875, 0.16592651525728683]], "logZ": 6.795100871489469, "exact": 7.28698450036751, "gu": [[0.21214716359007377, -0.6546346569423165, 0.4424874933522431], [-0.30795532307275775, -0.8330148799028134, 1.1409702029755706], [0.16092788084009801, -0.11951163121107038, -0.04141624962902756], [0.23886117657597386, -0.570573979913735, 0.33171280333776154], [-0.34571671642071294, 0.012138940496502734, 0.33357777592421006]], "gp": [[[0.013180743911797275, -0.0066732424432170145, 0.20566091677421283], [-0.3506782477266064, -0.8183358209217009, 0.5144070954859297], [0.029579114109111973, -0.007991310385640354, 0.42085075119611287]], [[-0.21543743747131314, -0.0567018822039749, -0.03577907003040927], [-0.6147448950346055, -0.12959914694630212, -0.08865633176965025], [0.9910685475709019, 0.06680617030302832, 0.08304404558232524]], [[0.20365824308455932, -0.3926183457834711, 0.34984631776389463], [0.016821911258426026, -0.1098939606029584, -0.026422809502716256], [0.018344215986801835, -0.06804248331163672, 0.008306911107100592]], [[0.14162374765563773, 0.03294104349762751, 0.06425957917652177], [-0.5400590423325401, -0.07158596472988722, 0.04109021736436094], [0.05277561998812991, 0.05077914156374665, 0.2281756578164025]], [[0.11613763820185544, -0.7062802547982764, 0.2444829419076486], [0.02958675067983722, -0.0791016533991705, 0.06164912305082025], [0.0664440293611003, 0.1307749350350696, 0.1363064899611155]], [[0.1854180172347145, 0.011576683072371908, 0.015173717935706644], [-0.41014555185683493, -0.15604563612517672, -0.08841578518036554], [0.3856137496871036, 0.024974094205556175, 0.03185071102692462]], [[0.024571338730112333, -0.23836409793079322, -0.0941256305050164], [0.018982227886708967, -0.5311108397572236, -0.32087176188004324], [0.19527080371296573, 0.1989201479899509, 0.7467278117533388]]], "bconv": [[0.09372012744920376, 0.718089968536882, 0.1881899040139143], [0.1980913065321161, 0.3364373975163163, 0.4654712959515678], [0.8028876224740383, 0.10734378676509876, 0.089768590760863], [0.07360714206959769, 0.407185603811583, 0.5192072541188194], [0.6999810894517469, 0.13410619611228647, 0.16591271443596672]], "logZconv": 6.795100873382694, "iu": [[0.2121671333441951, -0.6544036856994738, 0.4422365523552788], [-0.3080734952339861, -0.832925899852535, 1.1409993950865212], [0.16106195700086118, -0.11953820192134261, -0.04152375507951859], [0.23862500312569485, -0.570584839839939, 0.33195983671424434], [-0.3454056493812679, 0.01214263114010377, 0.33326301824116417]], "ip": [[[0.013155777410274457, -0.006680963309104046, 0.20569231924302472], [-0.35085616759926136, -0.8182816061604774, 0.5147340880602649], [0.02962689495500081, -0.007963330382953576, 0.4205729877832317]], [[-0.215443422640762, -0.05674925417947434, -0.03588081841374981], [-0.6145586297773962, -0.12962654174309496, -0.08874072833204392], [0.9910640094190195, 0.06683759400122667, 0.08309779166627515]], [[0.20344437177341892, -0.3925333952663477, 0.3501509804937901], [0.01681604604077709, -0.10992297230706927, -0.026431275655050428], [0.01836458531149885, -0.0681284722665221, 0.00824013187550468]], [[0.14160866695270174, 0.03289487584189774, 0.06412146033109538], [-0.5400428057190545, -0.07157465783762794, 0.04103262371674342], [0.05302848938508495, 0.050822413135833994, 0.22810893419332545]], [[0.11614151966243631, -0.7061025367538122, 0.24455536771010802], [0.02959093613085746, -0.07904008739766463, 0.06159178240691096], [0.06643467755090134, 0.130738938452003, 0.13608940223825988]], [[0.18544111239519195, 0.01157168800114467, 0.015154332947858496], [-0.4097556437142613, -0.15608535335267137, -0.08856268863254119], [0.38537648831993065, 0.02497546343018411, 0.031884600605164105]], [[0.02459312910883364, -0.23847098858650717, -0.09419563575631253], [0.018973079990038576, -0.5311215140397738, -0.32077746580279975], [0.1950587940268227, 0.19900766278634185, 0.7469329382733567]]]},
  B: {"U": [[0.389, 0.992], [0.141, -0.916], [-0.631, 0.578], [0.941, -0.075]], "P": [[0.784, -0.533], [-0.246, 0.781]], "bu": [[0.4898277456256033, 0.5101722543743966], [0.5936532375432003, 0.4063467624567996], [0.48806769767735775, 0.5119323023226423], [0.6223779336480776, 0.37762206635192236]], "logZ": 6.506286454987677, "exact": 6.3419186924137465, "gu": [[0.16448699387770543, -0.16448699387770524], [0.15443228986224214, -0.15443228986224225], [0.06188243286981936, -0.06188243286981958], [0.1314162507409894, -0.13141625074098928]], "gp": [[0.7348868704637441, 0.12942997715178786], [-0.06256515726141053, -0.8017516903541224]], "bconv": [[0.4898331707334237, 0.5101668292665762], [0.5936607081887885, 0.40633929181121153], [0.48806653435000097, 0.511933465649999], [0.6223670340458981, 0.37763296595410184]], "logZconv": 6.506251369539719, "iu": [[0.16444488564213802, -0.16444488564213788], [0.15440376779768128, -0.15440376779768122], [0.06194488539734133, -0.06194488539734122], [0.13144052760904856, -0.13144052760904834]], "ip": [[0.7349630047217407, 0.1291240731973778], [-0.06234788330223126, -0.8017391946168869]]},
  C: {"U": [[0.389, 0.992, 0.141], [-0.916, -0.631, 0.578], [0.941, -0.075, -0.981], [-0.45, 0.74, 0.846]], "P": [[[0.79, -0.53, -0.653], [0.698, 0.473, -0.82], [-0.262, 0.888, 0.033]], [[-0.896, 0.197, 0.845], [-0.415, -0.738, 0.606], [0.582, -0.756, -0.388]], [[0.855, 0.167, -0.899], [0.064, 0.882, -0.292], [-0.807, 0.5, 0.678]], [[-0.674, -0.504, 0.804], [0.297, -0.881, -0.07], [0.899, -0.162, -0.857]]], "bu": [[0.34465094733837187, 0.1641092164418702, 0.49123983621975803], [0.2585177313728153, 0.1961275457201997, 0.5453547229069851], [0.5515872466118358, 0.18694462155420616, 0.2614681318339582], [0.4561918252580039, 0.3200616751666102, 0.2237464995753859]], "gu": [[-0.2186020118810449, -0.09227235245967465, 0.31087436434071986], [-0.07578476076667108, -0.24976970692057665, 0.32555446768724783], [0.17515567242762012, -0.08140372683096526, -0.09375194559665509], [0.3727905056576119, -0.3473037392373498, -0.025486766420261993]], "gp": [[[0.03378180146685915, -0.001254695094309728, -0.2511258518428996], [-0.1091088158033836, -0.09375694522637247, 0.11059342621145596], [-0.0004584655740351099, -0.15475806638282305, 0.4660876122455087]], [[0.04506221915359019, -0.08550289464457678, -0.03534215075428211], [-0.09579529962462019, -0.041126171912118016, -0.11284823534285578], [0.22588928562678653, 0.04522532516576816, 0.05443792233230798]], [[0.40190102164372393, -0.3780605203523196, 0.15131491316795076], [-0.029201049420077622, 0.0007596262239059256, -0.052962259757519975], [9.305542051459249e-05, 0.029996089653377817, -0.12384087657955584]], [[0.032061080901564044, 0.039570197372784825, 0.30115826202255974], [-0.08370601573536952, -0.23890755555239587, -0.024689908250440495], [-0.1669583521426976, 0.10706495240053969, 0.03440733898345528]]], "bconv": [[0.3446510008400623, 0.16410924157848344, 0.4912397575814544], [0.25851667281306645, 0.19612656491215266, 0.545356762274781], [0.5515853652647369, 0.18694540346391697, 0.261469231271346], [0.4561919051065233, 0.32006162824479356, 0.22374646664868333]], "iu": [[-0.21860382368656536, -0.09227191075403639, 0.3108757344406017], [-0.07578275102944643, -0.24976956506919173, 0.3255523160986382], [0.1751562807953768, -0.08140433897125564, -0.09375194182412111], [0.3727885386784645, -0.34730018449126, -0.025488354187204576]], "ip": [[[0.03378404233006488, -0.0012546916903060819, -0.25113317432632415], [-0.10910832839756217, -0.09375649112119593, 0.11059290876472168], [-0.00045846496194922384, -0.15475838225768968, 0.46609258166024065]], [[0.04506240989127169, -0.08550337763288801, -0.03534178328783011], [-0.09579555258376683, -0.04112612195634161, -0.11284789052908326], [0.22588942348787194, 0.04522516061797401, 0.0544377319927922]], [[0.40189669601604616, -0.3780558663537459, 0.1513154511330764], [-0.029201214883180993, 0.0007594081343247905, -0.05296253222239944], [9.305754559930804e-05, 0.02999627372816105, -0.12384127309788157]], [[0.03206107728299287, 0.039570193174422584, 0.301157268221049], [-0.08370425109055711, -0.2389070572790583, -0.024688876121644516], [-0.16696064987900106, 0.10706495335059933, 0.03440734234119718]]]},
  };
  const MODELS: Record<string, { edges: number[][]; options: ad.BeliefsOptions }> = {
    A: { edges: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0], [0, 2], [1, 3]], options: { method: 'meanField', iterations: 40 } },
    B: { edges: [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]], options: { method: 'trw', iterations: 25, damping: 0.3, edgeWeights: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5] } },
    C: { edges: [[0, 1], [1, 2], [2, 3], [3, 0]], options: { method: 'trw', iterations: 30, damping: 0.5, edgeWeights: [0.75, 0.75, 0.75, 0.75], semiring: ad.semirings.max } },
  };
  const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a as number]);
  const relMax = (got: ad.Tensor, want: unknown) => { const w = flat(want); return maxAbs(Array.from(got.toFloat64Array()), w) / Math.max(1, ...w.map(Math.abs)); };
  for (const name of Object.keys(MODELS)) {
    it(`model ${name}: beliefs, the bound, unrolled and implicit gradients`, () => {
      const ref = REF[name]!, { edges, options } = MODELS[name]!;
      const U = ad.tensor(ref.U), P = ad.tensor(ref.P);
      const E = edges.length, [V, K] = U.shape as [number, number];
      const Wu = ad.reshape(ad.sin(ad.arange(1, V * K + 1)), [V, K]);
      const Wp = ad.reshape(ad.cos(ad.mul(0.7, ad.arange(1, E * K * K + 1))), [E, K, K]);
      const mk = (u: ad.Tensor, p: ad.Tensor) => new ad.PairwiseMRF({ unary: u, edges, pairwise: p });
      const loss = (o: ad.BeliefsOptions) => (u: ad.Tensor, p: ad.Tensor) => { const b = mk(u, p).beliefs(o); return ad.add(ad.sum(ad.mul(Wu, b.unary)), ad.sum(ad.mul(Wp, b.pairwise))); };
      expect(relMax(mk(U, P).beliefs(options).unary, ref.bu), 'beliefs').toBeLessThan(1e-13);
      const [gu, gp] = ad.grad(loss(options), [0, 1])(U, P) as ad.Tensor[];
      expect(relMax(gu!, ref.gu), 'unrolled d/dunary').toBeLessThan(1e-12);
      expect(relMax(gp!, ref.gp), 'unrolled d/dpairwise').toBeLessThan(1e-12);
      const converged = { ...options, iterations: 5000, tol: 1e-13 };
      expect(relMax(mk(U, P).beliefs(converged).unary, ref.bconv), 'converged beliefs').toBeLessThan(1e-11);
      const [iu, ip] = ad.grad(loss({ ...converged, gradient: 'implicit' }), [0, 1])(U, P) as ad.Tensor[];
      expect(relMax(iu!, ref.iu), 'implicit d/dunary').toBeLessThan(1e-9);
      expect(relMax(ip!, ref.ip), 'implicit d/dpairwise').toBeLessThan(1e-9);
      if (ref.logZ === undefined) return;
      expect(Math.abs(mk(U, P).logPartition(options).item() - ref.logZ), 'logPartition').toBeLessThan(1e-12);
      const atFixedPoint = mk(U, P).logPartition(converged).item();
      expect(Math.abs(atFixedPoint - ref.logZconv!), 'logPartition at the fixed point').toBeLessThan(1e-11);
      // Mean field: a lower bound at any q; TRW: an upper bound at its fixed point.
      if (options.method === 'meanField') expect(mk(U, P).logPartition(options).item()).toBeLessThanOrEqual(ref.exact!);
      if (options.method === 'meanField') expect(atFixedPoint).toBeLessThanOrEqual(ref.exact!);
      else expect(atFixedPoint).toBeGreaterThanOrEqual(ref.exact!);
      // Stationarity: the gradient of the bound at the fixed point is the beliefs.
      const [zu, zp] = ad.grad((u: ad.Tensor, p: ad.Tensor) => mk(u, p).logPartition({ ...converged, gradient: 'implicit' }), [0, 1])(U, P) as ad.Tensor[];
      const b = mk(U, P).beliefs(converged);
      expect(ad.max(ad.abs(ad.sub(zu!, b.unary))).item()).toBeLessThan(1e-9);
      const bp = P.ndim === 2 ? ad.sum(b.pairwise, 0) : b.pairwise;
      expect(ad.max(ad.abs(ad.sub(zp!, bp))).item()).toBeLessThan(1e-9);
    });
  }
  it('vmap over a batch of unaries and pairwise tables, and jit, equal the plain calls (unrolled: bit for bit)', () => {
    for (const name of Object.keys(MODELS)) {
      const ref = REF[name]!, { edges, options } = MODELS[name]!;
      const U = ad.tensor(ref.U), P = ad.tensor(ref.P);
      const f = (o: ad.BeliefsOptions) => (u: ad.Tensor, p: ad.Tensor) => ad.sum(ad.mul(ad.arange(1, U.shape[1]! + 1), new ad.PairwiseMRF({ unary: u, edges, pairwise: p }).beliefs(o).unary));
      const Us = [0, 1, 2].map((k) => ad.add(U, ad.mul(0.2 * k, ad.cos(ad.reshape(ad.arange(U.size), U.shape)))));
      const Ps = [0, 1, 2].map((k) => ad.mul(1 - 0.1 * k, P));
      for (const o of [options, { ...options, iterations: 500, tol: 1e-10 }]) {
        const g = ad.grad(f(o), [0, 1]);
        const [vu, vp] = ad.vmap(g)(ad.stack(Us), ad.stack(Ps)) as ad.Tensor[];
        const loop = Us.map((u, k) => g(u, Ps[k]!) as ad.Tensor[]);
        expect(vu!.toArray(), `${name} vmap(grad) unary`).toEqual(ad.stack(loop.map((l) => l[0]!)).toArray());
        expect(vp!.toArray(), `${name} vmap(grad) pairwise`).toEqual(ad.stack(loop.map((l) => l[1]!)).toArray());
        const jg = ad.jit(g);
        jg(Us[0]!, Ps[0]!);
        const [ju, jp] = jg(Us[2]!, Ps[2]!) as ad.Tensor[];
        expect(ju!.toArray(), `${name} jit(grad)`).toEqual(loop[2]![0]!.toArray());
        expect(jp!.toArray(), `${name} jit(grad)`).toEqual(loop[2]![1]!.toArray());
      }
    }
  });
});

describe('stats.multivariateNormal against mpmath and torch.distributions.MultivariateNormal', () => {
  // The sweep (scratch/h82/mvngen.py → mvnrun.mjs → mvncmp.py): 650 cases, d 1–8, covariances of condition 1.5 to 1e12,
  // x, mean and cov batched and broadcast against each other, plus d 17–130 (the blocked Cholesky and its blocked
  // adjoint): values within 4.7e−16 (cond ≤ 10) … 3.7e−13 (cond 1e4) of mpmath and never further than torch's own error
  // times 3; ∂/∂x, ∂/∂mean, ∂/∂cov within 6e−15 (cond ≤ 10) … 2.3e−12 (cond 1e4) of torch autograd; ∂²/∂x², ∂²/∂cov² and
  // ∂²/∂x∂cov as well. No bug found. Convention: cov's gradient is that of the function of sym(cov) (as torch's and
  // jax's Cholesky), i.e. the symmetric ½(Σ⁻¹ r rᵀ Σ⁻¹ − Σ⁻¹) per example, and a tangent is read through its symmetric part.
  const st = ad.stats.multivariateNormal;
  const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a as number]);
  const rel = (got: ad.Tensor, want: unknown) => { const w = flat(want); return maxAbs(Array.from(got.toFloat64Array()), w) / Math.max(...w.map(Math.abs)); };

  it('d = 3: value (mpmath), gradients and cov-Hessian products (torch autograd of the function of sym(cov))', () => {
    const R = {"value": -4.867037836235231, "gx": [-0.6499999999999998, 1.2999999999999998, -1.7749999999999997], "gm": [0.6499999999999998, -1.2999999999999998, 1.7749999999999997], "gS": [[-0.08466836734693882, -0.3408673469387754, 0.4085076530612244], [-0.3408673469387754, 0.47765306122448975, -1.0210969387755102], [0.4085076530612244, -1.0210969387755102, 0.8329655612244895]], "hvS": [[-0.2731989275301955, 0.3444780820491459, -1.5583376067263628], [0.3444780820491459, 0.5686942940441487, 2.0598805185339435], [-1.5583376067263628, 2.0598805185339435, -5.442058256976257]], "hxS": [0.7482142857142854, 0.6642857142857145, 4.239285714285713]};
    const x = ad.tensor([0.3, -1.2, 0.5]), m = ad.tensor([0.1, 0.2, -0.4]);
    const S = ad.tensor([[2.0, 0.3, -0.4], [0.3, 1.5, 0.2], [-0.4, 0.2, 0.8]]);
    expect(Math.abs(st.logpdf(x, m, S).item() - R.value)).toBeLessThan(2e-15);
    const [gx, gm, gS] = ad.grad((a: ad.Tensor, b: ad.Tensor, s: ad.Tensor) => st.logpdf(a, b, s), [0, 1, 2])(x, m, S) as ad.Tensor[];
    expect(rel(gx!, R.gx)).toBeLessThan(1e-15);
    expect(rel(gm!, R.gm)).toBeLessThan(1e-15);
    expect(rel(gS!, R.gS)).toBeLessThan(1e-15);
    const V = ad.tensor([[1.0, 0.5, 0], [0.5, -1, 0.25], [0, 0.25, 2]]);
    expect(rel(ad.jvp(ad.grad((s: ad.Tensor) => st.logpdf(x, m, s)), [S], [V])[1], R.hvS)).toBeLessThan(1e-14);
    expect(rel(ad.jvp((s: ad.Tensor) => ad.grad((a: ad.Tensor) => st.logpdf(a, m, s))(x), [S], [V])[1], R.hxS)).toBeLessThan(1e-14);
    // A non-symmetric tangent acts through its symmetric part, and ∂/∂x∂x = −Σ⁻¹.
    const tangent = ad.tensor([[0, 1, 0], [0, 0, 0], [0, 0, 0]]), symTangent = ad.tensor([[0, 0.5, 0], [0.5, 0, 0], [0, 0, 0]]);
    const f = (s: ad.Tensor) => st.logpdf(x, m, s);
    expect(Math.abs(ad.jvp(f, [S], [tangent])[1].item() - ad.jvp(f, [S], [symTangent])[1].item())).toBeLessThan(1e-15);
    const h = ad.hessian((a: ad.Tensor) => st.logpdf(a, m, S))(x);
    expect(ad.max(ad.abs(ad.add(h, ad.linalg.inv(S)))).item()).toBeLessThan(1e-15);
  });

  it('broadcast x [2, 1, 3], mean [3, 3], cov [2, 1, 3, 3] → [2, 3]: values (mpmath) and weighted-sum gradients (torch)', () => {
    const R = {"x": [[[2.041, -2.556, 0.418]], [[-0.568, -0.453, -0.216]]], "mean": [[-2.02, -0.232, -0.865], [3.323, 0.226, -0.353], [-0.281, -0.668, -1.055]], "cov": [[[[2.8513, -0.21590000000000006, -1.9262000000000001], [-0.21590000000000006, 0.6523, 0.0742], [-1.9262000000000001, 0.0742, 2.1755999999999998]]], [[[3.8389, -1.0699, 0.8505], [-1.0699, 1.131, -0.6701999999999999], [0.8505, -0.6701999999999999, 1.391]]]], "value": [[-17.402643758466738, -9.889409332845627, -10.916895467323904], [-3.7127741793340414, -7.1687193792707, -3.8322977356903887]], "gx": [[[-2.907490695602089, 4.38713109555213, -3.3214670459453552]], [[0.8763539419683959, 0.6727820897754536, -1.6956797060220068]]], "gm": [[4.997448372958509, -1.7855414849757354, 5.251024576547417], [-2.171926843492063, -4.364715936922975, -0.158335098161608], [-0.7943847758327522, 1.0903442365711273, -0.07554272641844662]], "gS": [[[[7.484978403140899, -3.613027555585488, 7.642354317223543], [-3.613027555585488, 7.164692619789884, -4.441888812805377], [7.642354317223543, -4.441888812805377, 7.602448338419791]]], [[[0.791164587059274, 1.2727066107922587, 0.2159264031285556], [1.2727066107922587, -0.24812174324300817, -0.6381747931131334], [0.2159264031285556, -0.6381747931131334, -1.3563043284166063]]]]};
    const x = ad.tensor(R.x), m = ad.tensor(R.mean), S = ad.tensor(R.cov);
    const lp = st.logpdf(x, m, S);
    expect(lp.shape).toEqual([2, 3]);
    expect(maxAbs(flat(lp.toArray()), flat(R.value))).toBeLessThan(1e-14);
    const w = ad.tensor([[1.0, 0.5, -0.25], [2.0, 1.0, 0.75]]);
    const [gx, gm, gS] = ad.grad((a: ad.Tensor, b: ad.Tensor, s: ad.Tensor) => ad.sum(ad.mul(w, st.logpdf(a, b, s))), [0, 1, 2])(x, m, S) as ad.Tensor[];
    expect(gx!.shape).toEqual([2, 1, 3]);
    expect(gS!.shape).toEqual([2, 1, 3, 3]);
    expect(rel(gx!, R.gx)).toBeLessThan(1e-14);
    expect(rel(gm!, R.gm)).toBeLessThan(1e-14);
    expect(rel(gS!, R.gS)).toBeLessThan(1e-14);
    // vmap over the covariances and jit agree with the broadcast call.
    const covs = ad.reshape(S, [2, 3, 3]);
    const vm = ad.vmap((s: ad.Tensor) => st.logpdf(x, m, s))(covs);
    const loop = ad.stack([0, 1].map((i) => st.logpdf(x, m, ad.squeeze(ad.take(covs, [i], 0), 0))));
    expect(vm.shape).toEqual([2, 2, 3]);
    expect(maxAbs(flat(vm.toArray()), flat(loop.toArray()))).toBeLessThan(1e-15);
    const j = ad.jit((a: ad.Tensor, b: ad.Tensor, s: ad.Tensor) => st.logpdf(a, b, s));
    j(ad.zerosLike(x), m, S);
    expect(j(x, m, S).toArray()).toEqual(lp.toArray());
  });

  it('condition number 1e8: value and gradients within 1e−8 of mpmath (cond·ε; torch: 1.5e−9, 1.6e−9, 3.2e−9)', () => {
    const R = {"cov": [[4854.084734669385, -2893.922183897098, 3219.815352066159, 2495.4972143723176], [-2893.922183897098, 1727.0893391636757, -1921.3855800673598, -1488.4279888937472], [3219.815352066159, -1921.3855800673598, 2137.5785654047836, 1656.0502899185174], [2495.4972143723176, -1488.4279888937472, 1656.0502899185174, 1283.5474607621554]], "x": [0.5, -0.25, 1.0, 2.0], "mean": [0.0, 0.1, 0.0, -0.1], "value": -142.01043210790817, "gx": [4.484293097071472, -1099.2109460752315, -1188.0837948855772, 249.49411220733393], "gS": [[9.818810020351016, -2458.4827170725407, -2657.223531908444, 558.3851119189652], [-2458.4827170725407, 601885.6415976089, 650545.500974777, -136602.92653274533], [-2657.223531908444, 650545.500974777, 703138.7491786045, -147646.00617732745], [558.3851119189652, -136602.92653274533, -147646.00617732745, 31001.487966290977]]};
    const [gx, gS] = ad.grad((a: ad.Tensor, s: ad.Tensor) => st.logpdf(a, ad.tensor(R.mean), s), [0, 1])(ad.tensor(R.x), ad.tensor(R.cov)) as ad.Tensor[];
    expect(Math.abs(st.logpdf(ad.tensor(R.x), ad.tensor(R.mean), ad.tensor(R.cov)).item() / R.value - 1)).toBeLessThan(1e-8);
    expect(rel(gx!, R.gx)).toBeLessThan(1e-8);
    expect(rel(gS!, R.gS)).toBeLessThan(1e-8);
  });

  it('a covariance that is not positive definite, not symmetric or of the wrong size is an error naming it', () => {
    const z = ad.zeros([2]);
    expect(() => st.logpdf(z, z, ad.tensor([[[1, 0], [0, 1]], [[1, 2], [2, 1]]]))).toThrow(/linalg\.cholesky: the matrix at batch index \[1\] .* not positive definite/);
    expect(() => st.logpdf(z, z, ad.tensor([[2, 0.5], [0.3, 1]]))).toThrow(/not symmetric/);
    expect(() => st.logpdf(z, z, ad.tensor([[1, 0], [0, NaN]]))).toThrow(/non-finite/);
    expect(() => st.logpdf(ad.zeros([3, 2]), z, ad.stack([ad.eye(2), ad.eye(2)]))).toThrow(/stats\.multivariateNormal\.logpdf: shapes \[3\] and \[2\] cannot be broadcast/);
  });
});

describe("PairwiseMRF (gradient: 'implicit'): an iteration that cycles or diverges is reported", () => {
  // Before: undamped parallel mean field on a frustrated 3-cycle runs into a 2-cycle (‖Δ‖∞ 0.2 at the start, 12.1 after
  // 300 iterations); root's Newton solve from there converged to the saddle q ≈ ½ (ELBO 2.16, where the damped iteration's
  // maximum is 3.86 and log Z = 4.88), and since the result is a fixed point nothing was reported: no warning, no
  // ConvergenceError under throw: true, info.converged true.
  const edges = [[0, 1], [1, 2], [2, 0]];
  const mrf = new ad.PairwiseMRF({ unary: ad.tensor([[0.1, 0], [0, 0.05], [0.02, 0]]), edges, pairwise: ad.tensor([[-3, 3], [3, -3]]) });
  const implicit = { method: 'meanField' as const, iterations: 300, gradient: 'implicit' as const };
  it('throws with throw: true and records the warning in info', () => {
    expect(() => mrf.beliefs({ ...implicit, damping: 0, throw: true })).toThrow(ad.ConvergenceError);
    expect(() => mrf.beliefs({ ...implicit, damping: 0, throw: true })).toThrow(/did not approach a fixed point: ‖Δ‖∞ went from 2\.00e-1 to 1\.21e\+1 in 300 iterations/);
    const info: Partial<ad.BeliefsInfo> = {};
    mrf.logPartition({ ...implicit, damping: 0, warn: false, info });
    expect(info.warnings!.some((w) => /PairwiseMRF\.logPartition \(method 'meanField'\) did not approach a fixed point/.test(w))).toBe(true);
  });
  it('a damped iteration, and one that stopped short while converging (Newton polishes it), are not reported', () => {
    const info: Partial<ad.BeliefsInfo> = {};
    const b = mrf.beliefs({ ...implicit, throw: true, info }).unary.toArray() as number[][]; // damping ½
    expect(info.warnings).toEqual([]);
    expect(Math.abs(b[0]![0]! - 0.9975418809903287)).toBeLessThan(1e-9); // the unrolled iteration's fixed point (tol 1e−10)
    expect(Math.abs(mrf.logPartition({ ...implicit, throw: true }).item() - 3.857859521988196)).toBeLessThan(1e-9);
    // BP undamped converges slowly here (‖Δ‖∞ 1.2e−2 after 300 steps); Newton polishes to the damped iteration's fixed point.
    const bp = mrf.beliefs({ iterations: 300, gradient: 'implicit', throw: true }).unary.toArray() as number[][];
    expect(Math.abs(bp[0]![0]! - 0.5002046779215534)).toBeLessThan(1e-9);
  });
});
