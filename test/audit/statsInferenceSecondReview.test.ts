/**
 * @file Second review of ad.stats and ad.PairwiseMRF (helper 80). Reference numbers are from mpmath at 80–110
 * digits (scratch scripts: the log-densities written out in mpmath, mp.diff for derivatives), pasted here; no
 * Python at test time. Each regression block names the wrong answer it guards against.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const st = ad.stats;
const relErr = (got: number, want: number) => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));
const get = (name: string) => name.split('.').reduce((o: any, k) => o[k], st) as (...a: ad.TensorLike[]) => ad.Tensor;

describe('stats.binom.logpmf for large n (Loader\'s saddle-point form)', () => {
  // Before: log C(n, k) + k log p + (n − k) log1p(−p) added terms of size n·|log p| that cancel to O(log n):
  // (588463769900, 588913586068, 0.99923627…) gave −13.1764912605 for −13.1764915178 (2e−8 relative).
  // Rows: [k, n, p, logpmf, ∂/∂p, ∂/∂n] (mpmath, lgamma form, 80 digits).
  const ROWS: Array<[number, number, number, number, number, number]> = [
    [588463769900, 588913586068, 0.9992362703943092, -13.176491517757349, -59526102.61310794, -0.00010099663634943218],
    [196237548, 401708099, 0.4885473069851688, -11.384464148526735, -63481.14813658589, -7.720238762854382e-05],
    [6938, 5045800, 0.0014119724176257697, -7.8075101351536365, -132293.0750944555, -3.7019185079741815e-05],
  ];
  it('value within 5e−13 (the conditioning of n·p: |k − np|·ε) and ∂/∂p, ∂/∂n within 1e−9', () => {
    for (const [k, n, p, v, dp, dn] of ROWS) {
      expect(relErr(st.binom.logpmf(k, n, p).item(), v), `logpmf(${k}, ${n}, ${p})`).toBeLessThan(5e-13);
      const [gn, gp] = (ad.grad((N: ad.Tensor, P: ad.Tensor) => st.binom.logpmf(k, N, P), [0, 1])(ad.scalar(n), ad.scalar(p)) as ad.Tensor[]).map((t) => t.item());
      expect(relErr(gp!, dp), 'd/dp').toBeLessThan(1e-9);
      expect(relErr(gn!, dn), 'd/dn').toBeLessThan(1e-9);
    }
  });
  it('small n and the edges k = 0, k = n keep the direct form\'s exact values', () => {
    expect(st.binom.logpmf(0, 3, 0.5).item()).toBe(-2.0794415416798357);
    expect(st.binom.pmf(0, 3, 0).item()).toBe(1);
    expect(st.binom.logpmf(0, 1e12, 1e-20).item()).toBe(1e12 * Math.log1p(-1e-20));
    expect(relErr(st.binom.logpmf(1e6, 1e6, 0.5).item(), 1e6 * Math.log(0.5))).toBeLessThan(1e-15);
    expect(st.binom.logpmf(31, 30, 0.5).item()).toBe(-Infinity);
    expect(Math.abs(ad.sum(st.binom.pmf(ad.arange(0, 41), 40, 0.3)).item() - 1)).toBeLessThan(2e-15);
  });
});

describe('stats.beta.logpdf for large a and b', () => {
  // Before: (a − 1) log y + (b − 1) log1p(−y) − betaln(a, b) cancelled terms of size a·|log y|:
  // beta.logpdf(0.5, 1e14, 1e14) was 16.234375 for 16.2388779, its a-derivative 9.0e−15 for 2.5e−15.
  // Rows: [x, a, b, logpdf, ∂/∂a, ∂/∂b, ∂/∂x, ∂²/∂x²] (mpmath, 80 digits).
  const ROWS: Array<[number, number, number, number, number, number, number, number]> = [
    [0.5, 1e14, 1e14, 16.238877888593564, 2.5000000000000063e-15, 2.5000000000000063e-15, 0, -799999999999992.0],
    [0.5, 1e10, 1e10, 11.633707702592973, 2.5000000000625e-11, 2.5000000000625e-11, 0, -79999999992.0],
    [0.3, 3e8, 7e8, 10.223018259087375, 1.1666666305018252e-09, 2.142857302327779e-10, -1.9047618518941418, -4761904748.752834],
    [0.25, 40, 100, 1.9666808376646616, -0.12455499279584646, 0.05022281716901895, 24.0, -800.0],
  ];
  it('value within 1e−14; the a- and b-derivatives (O(1/a), from O(1) terms) within 1e−6; x-derivatives', () => {
    for (const [x, a, b, v, da, db, dx, dxx] of ROWS) {
      const at = `(${x}, ${a}, ${b})`;
      expect(relErr(st.beta.logpdf(x, a, b).item(), v), at).toBeLessThan(1e-14);
      const [gx, ga, gb] = (ad.grad((X: ad.Tensor, A: ad.Tensor, B: ad.Tensor) => st.beta.logpdf(X, A, B), [0, 1, 2])(ad.scalar(x), ad.scalar(a), ad.scalar(b)) as ad.Tensor[]).map((t) => t.item());
      expect(relErr(ga!, da), `d/da${at}`).toBeLessThan(1e-6);
      expect(relErr(gb!, db), `d/db${at}`).toBeLessThan(1e-6);
      // ∂/∂x = (a − 1)/x − (b − 1)/(1 − x): terms of size a cancel, absolute error ~ε·a.
      expect(Math.abs(gx! - dx), `d/dx${at}`).toBeLessThan(1e-14 * (a + b));
      const gxx = ad.grad(ad.grad((X: ad.Tensor) => st.beta.logpdf(X, a, b)))(ad.scalar(x)).item();
      expect(relErr(gxx, dxx), `d²/dx²${at}`).toBeLessThan(1e-12);
    }
  });
  it('small shapes keep the direct form (beta.pdf(0.5, 2, 2) = 1.5 exactly) and the edges', () => {
    expect(st.beta.pdf(0.5, 2, 2).item()).toBe(1.5);
    expect(st.beta.logpdf(0, 20, 20).item()).toBe(-Infinity);
    expect(st.beta.logpdf(1, 20, 20).item()).toBe(-Infinity);
    expect(st.beta.logpdf(0.5, 20, -1).item()).toBeNaN();
    expect(ad.grad((a: ad.Tensor) => st.beta.logpdf(1.5, a, 20))(ad.scalar(20)).item()).toBe(0); // outside: no NaN
  });
});

describe('stats.dirichlet.logpdf for large concentrations', () => {
  // Before: Σ (αᵢ − 1) log xᵢ − Σ lgamma(αᵢ) + lgamma(Σα) cancelled lgammas of size Σα log Σα:
  // ([½, ½]; [1e10, 1e10]) was 11.6336784 for 11.6337077, ([1 − 7.3e−9, 7.3e−9]; [1.3e8, 0.18]) 1.3e−8 off.
  // Rows: [x, α, logpdf (at x/Σx), ∂/∂α] (mpmath, 80 digits).
  const ROWS: Array<[number[], number[], number, number[]]> = [
    [[0.5, 0.5], [1e10, 1e10], 11.633707702592973, [2.5000000000625e-11, 2.5000000000625e-11]],
    [[0.999999992702661, 7.297338955325472e-09], [130685063.3888816, 0.17650217211926753], 16.117533993299887, [-5.946747199704658e-09, 5.937433165030765]],
    [[0.9999999999986263, 1.1347926934105346e-12, 2.389199948993337e-13], [274152893152.7074, 0.12771837964051685, 0.5961444344623595], 52.015522201116724, [1.2666490666900306e-12, 7.046832959245348, -1.170982491490062]],
  ];
  // ∂/∂αᵢ = log xᵢ + (ψ(Σα) − ψ(αᵢ)) cancels to 2.5e−11 in the first row: a change of αᵢ by one ulp (2e−6)
  // moves it by 4e−6 of itself, so agreement to 1e−7 of the largest is well inside the conditioning.
  it('value within 1e−13, ∂/∂α within 1e−7 of the largest, and ∂/∂x the direct form\'s (α − 1)/x (torch\'s)', () => {
    for (const [x, alpha, v, da] of ROWS) {
      expect(relErr(st.dirichlet.logpdf(ad.tensor(x), ad.tensor(alpha)).item(), v), JSON.stringify(alpha)).toBeLessThan(1e-13);
      const [gx, ga] = (ad.grad((X: ad.Tensor, A: ad.Tensor) => st.dirichlet.logpdf(X, A), [0, 1])(ad.tensor(x), ad.tensor(alpha)) as ad.Tensor[]).map((t) => t.toArray() as number[]);
      const big = Math.max(...da.map(Math.abs));
      ga!.forEach((g, i) => expect(Math.abs(g - da[i]!) / Math.max(Math.abs(da[i]!), 1e-3 * big), `d/dα${i}`).toBeLessThan(1e-7));
      gx!.forEach((g, i) => expect(relErr(g, (alpha[i]! - 1) / x[i]!), `d/dx${i}`).toBeLessThan(1e-15));
    }
  });
  // The Hessian in α is diag(−ψ′(αᵢ)) + ψ′(Σα) (mpmath, 60 digits). Its diagonal at the largest αⱼ beside tiny
  // ones is ψ′(Σα) − ψ′(αⱼ): as two trigammas subtracted (the direct and saddle-point forms) it was −1.34e−26
  // for −1.0e−26 at [1e10, 1e−6] and 1e−5 off at [29, 1e−10]; now from betaln's trigammaShift.
  const HESSIANS: Array<[number[], number[], number[], number]> = [
    [[1e10, 1e-6], [0.5, 0.5], [-1.0000000000999999e-26, -1000000000001.645], 1.0000000000499999e-10],
    [[29, 1e-10], [0.3, 0.7], [-1.2307693859375755e-13, -1e+20], 0.03508412099970962],
    [[1e10, 1e-6, 2e-6], [0.2, 0.3, 0.5], [-3.000000000299999e-26, -1000000000001.645, -250000000001.64496], 1.0000000000499997e-10],
    [[5, 3], [0.4, 0.6], [-0.0881859410430839, -0.261797052154195], 0.1331370146940314],
    [[1e-6, 1e12], [0.5, 0.5], [-1000000000001.645, -1.0000000000009999e-30], 1.0000000000005e-12],
  ];
  it.each(HESSIANS)('the Hessian in α at α = %j, by reverse and forward mode', (alpha, x, diag, off) => {
    const f = (a: ad.Tensor) => st.dirichlet.logpdf(ad.tensor(x), a);
    for (const h of [ad.hessian(f)(ad.tensor(alpha)), ad.jacfwd(ad.grad(f))(ad.tensor(alpha))]) {
      const rows = h.toArray() as number[][];
      rows.forEach((row, i) => row.forEach((v, j) => expect(relErr(v, i === j ? diag[i]! : off), `H${i}${j}`).toBeLessThan(1e-13)));
    }
  });
  it('batched rows mixing the two forms, and the conventions', () => {
    const x = ad.tensor([[0.5, 0.5], [0.2, 0.8], [0.5, 0.6], [0, 1]]);
    const a = ad.tensor([[1e10, 1e10], [1, 1], [40, 40], [30, 30]]);
    const got = st.dirichlet.logpdf(x, a).toArray() as number[];
    expect(relErr(got[0]!, 11.633707702592973)).toBeLessThan(1e-13);
    expect(got[1]).toBe(0);
    expect(got[2]).toBe(-Infinity); // off the simplex
    expect(got[3]).toBe(-Infinity); // density 0 on the boundary (α > 1)
    expect(st.dirichlet.logpdf(ad.tensor([0.5, 0.5]), ad.tensor([40, -1])).item()).toBeNaN();
  });
});

describe('logSigmoid and the logistic distribution: second derivatives in the tails', () => {
  // Before: logSigmoid(x) = −softplus(−x) took σ's derivative y(1 − y) at y = σ(−x) ≈ 1 for x ≪ 0, where 1 − y rounds:
  // d²/dx² logSigmoid at −37 was 0 for −8.5e−17, at −34 3 % off; logistic.logpdf (−softplus(z) − softplus(−z)) was
  // half the true −2.4e−16 at z = 36.66. References: mpmath, −σ(x)σ(−x) and −2σ(z)σ(−z).
  it('logSigmoid: value, first and second derivative', () => {
    const rows: Array<[number, number, number, number]> = [
      [-37, -37.0, 0.9999999999999999, -8.533047625744065e-17],
      [-34, -34.0, 0.9999999999999983, -1.713908431542007e-15],
      [-20, -20.000000002061153, 0.9999999979388464, -2.061153613941849e-09],
      [30, -9.357622968839737e-14, 9.357622968839299e-14, -9.357622968838423e-14],
    ];
    for (const [x, v, d1, d2] of rows) {
      expect(relErr(ad.logSigmoid(x).item(), v), `logSigmoid(${x})`).toBeLessThan(1e-15);
      expect(relErr(ad.grad((t: ad.Tensor) => ad.logSigmoid(t))(ad.scalar(x)).item(), d1)).toBeLessThan(1e-15);
      expect(relErr(ad.grad(ad.grad((t: ad.Tensor) => ad.logSigmoid(t)))(ad.scalar(x)).item(), d2), `d²(${x})`).toBeLessThan(1e-14);
    }
    expect(ad.logSigmoid(-Infinity).item()).toBe(-Infinity);
    expect(ad.logSigmoid(Infinity).item()).toBe(-0);
    expect(ad.grad((t: ad.Tensor) => ad.logSigmoid(t))(ad.scalar(-1000)).item()).toBe(1);
  });
  it('logistic.logpdf, logcdf and logsf: ∂²/∂x² within 1e−14 in both tails', () => {
    const d2 = (f: (x: ad.Tensor) => ad.Tensor, x: number) => ad.grad(ad.grad(f))(ad.scalar(x)).item();
    for (const [z, want] of [[36.65696112782441, -2.4049943171902274e-16], [-33.75063575878388, -4.3986066340231746e-15], [10, -9.079161547190335e-05]] as const) {
      expect(relErr(d2((x) => st.logistic.logpdf(x), z), want), `logpdf''(${z})`).toBeLessThan(1e-14);
      expect(relErr(d2((x) => st.logistic.logcdf(x), z), want / 2), `logcdf''(${z})`).toBeLessThan(1e-14);
      expect(relErr(d2((x) => st.logistic.logsf(x), z), want / 2), `logsf''(${z})`).toBeLessThan(1e-14);
    }
    expect(st.logistic.logpdf(0).item()).toBe(-2 * Math.LN2);
  });
});

describe('stats: a seeded sample of the random sweep (one row per function)', () => {
  // From scratch/h80/statsref.py (seed 3: ordinary and tail arguments, random loc/scale) against mpmath at 110
  // digits: [function, args, value, ∂/∂args (null: not checked), ∂²/∂x² (null: not checked)].
  const ROWS: Array<[string, number[], number, Array<number | null>, number | null]> = [
    ["norm.logpdf",[-0.18432256478072762,0,0.3018704945088433],0.09240157481965994,[2.022726538192172,-2.022726538192172,-2.0775990633029675],-10.97384110620657],
    ["norm.cdf",[-311.4961163585501,0,38.571689311682476],3.3525903899855486e-16,[7.123888430727503e-17,-7.123888430727503e-17,5.753088908323028e-16],1.4915314861723077e-17],
    ["norm.logcdf",[-13.768797083618473,0,1],-98.33643705913532,[13.840678326244502,-13.840678326244502,190.5694913736967],-0.9948851568775969],
    ["norm.sf",[-3.817364550159187,0,1],0.9999325576024707,[-0.0002732633467568325,0.0002732633467568325,-0.0010431458127673897],-0.0010431458127673897],
    ["norm.logsf",[0.9094203936329806,1.4525343416663024,0.037310331991980306],-2.6490630775359566e-48,[-1.038367179209006e-45,1.038367179209006e-45,-1.5115161621441642e-44],-4.0511999798582815e-43],
    ["norm.ppf",[0.9327918719473288,-1.098591315780959,22.897361650113904],33.17673541890961,[175.97332574000035,1,1.4969116205805337],2024.4376239090377],
    ["norm.isf",[0.9999999963449236,-0.6238045565209243,0.23738165507633396],-1.9967344657513393,[-10919876.359429652,1,-5.783639467796814],-2905290080985873.5],
    ["lognorm.logpdf",[-1.128517250050504,0.26927584427791373,-1.4101213734665339,1],-9.413599144952114,[58.51145337452576,78.53606500405648,-58.51145337452576,-17.477066537331226],-381.6901616674075],
    ["lognorm.cdf",[0.6675755171135039,6.004639711272161,0.6671012851875275,1.3215093725577456],0.0932379235231738,[58.540654968575744,0.03667552529897411,-58.540654968575744,-0.02100768116380074],-96284.46421847193],
    ["lognorm.logcdf",[0.19476250008189472,0.30715821563748374,0,1],-16.808150779387855,[91.98064957721573,95.41489648079757,-91.98064957721573,-17.91438127081521],-743.4751328334721],
    ["lognorm.sf",[0.12559843647247826,1,0,1],0.9809912252944339,[-0.36920934205584527,-0.09620662819147016,0.36920934205584527,0.04637211609324658],-3.159088150635112],
    ["lognorm.logsf",[0.4888655019445465,1,0.48776344360531976,1],-4.860449583321601e-12,[-3.0659198340445643e-8,-2.3011726317105966e-10,3.0659198340445643e-8,3.378822520509411e-11],-0.0001616498731327531],
    ["t.logpdf",[-3.698142137873487,15.286661999850423,-1.7218043661592888,1],-2.788236554147604,[1.677104227035291,-0.004291486749161446,-1.677104227035291,2.31452443099139],-0.5031953320708713],
    ["gamma.logpdf",[15.280695962426876,6.936937593637427,0,1],-5.554554557850538,[-0.6114746600393374,0.8635360151342903,0.6114746600393374,8.343758368789448],-0.025425892964299066],
    ["gamma.cdf",[18.268927183546754,82.33348561078893,0.02842408055740875,0.24892742671282592],0.1586039626057447,[0.11576313070662583,-0.02722512626100544,-0.11576313070662583,-8.482704267465001],0.05113426164047914],
    ["gamma.logcdf",[1.14288849138687,9.013545590429276,0,0.20944233157310063],-2.291320250222586,[3.904424779553312,-0.6412736858224762,-3.904424779553312,-21.305731809425232],-6.510037550891393],
    ["gamma.sf",[0.3467424958573657,0.11099267620405902,0,5.4575888024017285],0.22719891841443196,[-0.23360501892481306,1.8539249544807377,0.23360501892481306,0.014841863364852754],0.6417397311347584],
    ["gamma.logsf",[27.62005342135515,10.743173574230864,0,1],-9.38153171581868,[-0.664330845995875,1.0422921854740208,0.664330845995875,18.348853455860127],-0.011352136869394375],
    ["chi2.logpdf",[80.32949883294056,21.523162156099673,0,7.151866769938033],-5.978193901561695,[0.051607440921104246,-0.30159282396933007,-0.051607440921104246,-0.7194764710763027],-0.0015127600641205385],
    ["chi2.cdf",[0.0000018348659410292042,21.65667680909374,0,0.5609283684135415],8.394924852576648e-71,[4.954207965942248e-64,-6.611488510417073e-70,-4.954207965942248e-64,-1.6205825865418202e-69],2.6536883825723756e-57],
    ["beta.cdf",[0.6329356863838325,0.06306027812979063,0.39770777936613727,0,1],0.8933399192738315,[0.15763690227211774,-1.4964907955441007,0.3094244713901023,-0.15763690227211774,-0.09977402093902396],0.025305094850569188],
    ["beta.logcdf",[1.1206266705403203,5.959622671283368,5.953816758042212,0.6203829997987347,1],-0.6932231308110758,[5.394096893025666,-0.2393491343218035,0.23958903984081076,-5.394096893025666,-2.698362830102941],-29.085766220130946],
    ["expon.cdf",[8.665332144435867,0.8365055607329204,2.5829780038940253],0.9517292943831684,[0.01868800490908557,-0.01868800490908557,-0.05664204240533784],-0.0072350615765647466],
    ["expon.logcdf",[-1.6359321978832766,-1.6432550428647401,0.48603577351718497],-4.202807096485195,[135.53279939228966,-135.53279939228966,-2.042001296882807],-18647.993258065646],
    ["expon.sf",[6.026885630528455,1.4257571745638415,0.9209383488405501],0.006764067917484737,[-0.007344756493201324,0.007344756493201324,0.036695364185394076],0.007975296611818023],
    ["laplace.cdf",[32.772184252404344,1.3658584225476158,1],0.9999999999999886,[1.146505122784566e-14,-1.146505122784566e-14,-3.6007513451771974e-13],-1.146505122784566e-14],
    ["logistic.logpdf",[1.159244986175882,2.3523930760577247,0.12065829504020384],-7.7739624074247695,[8.287026684491371,-8.287026684491371,73.65966887265677],-0.0069708194671298735],
    ["logistic.cdf",[-15.552793315196691,0,1],1.7599794973753616e-7,[1.7599791876225787e-7,-1.7599791876225787e-7,0.0000027372592544141744],1.7599785681171214e-7],
    ["logistic.logcdf",[-15.81273975683165,-2.905661831735709,1],-12.907080405524603,[0.9999975195744146,-0.9999975195744146,12.907045910049623],-0.0000024804194328131412],
    ["logistic.sf",[9.528522180681911,0,0.7601240008497993],0.000003596722640968195,[-0.00000473174074300168,0.00000473174074300168,0.00005931465994038112],0.000006224914224775996],
    ["logistic.logsf",[0.06586717880643986,0,1],-0.7266229826133846,[-0.5164608438712033,0.5164608438712033,0.03401781874978937],-0.24972904061904788],
    ["logistic.ppf",[0.000005368549322791114,2.081268207022352,0.164517180961114],0.08486085944527276,[30644.789549762947,1,-12.134947462107064],-5708176117.656187],
    ["logistic.isf",[0.8870364816858759,1.1013861534298304,25.380445174270164],-51.20317309749447,[-253.29087449433936,1,-2.060821190951721],-1956.6887599332977],
    ["cauchy.logpdf",[-4.4609627455278025,0,1],-4.184488069515661,[0.42688253462957615,-0.42688253462957615,0.9043070836990212],0.08653578207079259],
    ["cauchy.cdf",[2.038604054396189,0,1],0.8548365737437699,[0.06173693932659214,-0.06173693932659214,-0.12585717481720227],-0.04882058084127198],
    ["cauchy.logcdf",[-46773486.547166765,0,1],-18.805556959430408,[2.1379633502231903e-8,-2.1379633502231903e-8,0.9999999999999997],4.570887286897566e-16],
    ["cauchy.sf",[1.0459428504397774,0,1],0.24285336530461618,[-0.15201070982386058,0.15201070982386058,0.15899451513054264],0.15185748323970896],
    ["cauchy.logsf",[9816.462672584945,0.7595437333985702,9.956909388678742],-8.038202250077152,[-0.00010187750188528562,0.00010187750188528562,0.10043270205431436],1.0379018270528454e-8],
    ["cauchy.ppf",[0.9999972915336577,-1.6384488685788423,2.514052953335692],295460.0023011863,[109088171467.42342,1,117524.03240275069],80553462866006020],
    ["cauchy.isf",[0.01682105694511138,-1.894638077110974,0.010397041228033747],-1.698074937309531,[-11.707323981762132,1,18.905680519131348],1390.6883608720955],
    ["expon.ppf",[0.9999999996463583,-2.7985194117569865,13.464962844875506],290.2359249263536,[38075158924.79214,1,21.762736942837805],107665928517575640000],
    ["poisson.logpmf",[39032302,39014970.79370448,0],-13.507747616675097,[null,0.00044421938407081057,null],null],
    ["poisson.cdf",[2,0.0012106097885707576,0],0.9999999997045615,[null,-7.319014464911629e-7,null],null],
    ["binom.logpmf",[223,224,0.9959885394003006,0],-1.0033085768588095,[null,-0.5275076658597262,-25.38760028481086,null],null],
    ["geom.logpmf",[2,0.999999999865032,0],-22.725983130496523,[null,-7409161635.363555,null],null],
    ["bernoulli.logpmf",[1,0.6057232059761415,0],-0.5013321530724825,[null,1.6509190833929985,null],null]
  ];
  it('values within 2e−12, first derivatives within 1e−9, second x-derivatives within 1e−7', () => {
    for (const [fn, args, value, grads, g2x] of ROWS) {
      const f = get(fn);
      const at = `${fn}(${args.join(', ')})`;
      const v = f(...args).item();
      expect(Math.min(relErr(v, value), Math.abs(v - value) / 1e-3), at).toBeLessThan(2e-12);
      const idx = grads.flatMap((g, i) => (g === null ? [] : [i]));
      const gs = (ad.grad((...a: ad.Tensor[]) => f(...a), idx)(...args.map((a) => ad.scalar(a))) as ad.Tensor[]).map((t) => t.item());
      const scale = Math.max(...idx.map((i) => Math.abs(grads[i]!)));
      idx.forEach((i, j) => expect(Math.abs(gs[j]! - grads[i]!) / Math.max(Math.abs(grads[i]!), 1e-12 * scale), `${at} d${i}`).toBeLessThan(1e-9));
      if (g2x !== null) {
        const g2 = ad.grad(ad.grad((x: ad.Tensor) => f(x, ...args.slice(1))))(ad.scalar(args[0]!)).item();
        expect(relErr(g2, g2x), `${at} d²x`).toBeLessThan(1e-7);
      }
    }
  });
});

describe('PairwiseMRF: seeded property checks (brute force and an independent damped BP)', () => {
  // The second review's sweep (scratch/h80/mrf.mjs, 60 graphs: trees and loopy graphs, V ≤ 6, K ∈ {2, 3}, shared and
  // per-edge tables, damping 0 and 0.3) found no difference: BP on trees within 6e−14 of enumeration, Bethe log Z
  // within 2e−15, loopy BP within 4e−16 of a plain-array damped flooding BP, unrolled gradients within 3e−9 of
  // central differences, implicit within 1e−7 of unrolled at convergence. A smaller seeded copy guards it.
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lse = (a: number[]) => { const m = Math.max(...a); return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0)); };
  it('BP on random trees equals enumeration (marginals and log Z); implicit and unrolled gradients agree', () => {
    for (let c = 0; c < 8; c++) {
      const V = 3 + (c % 3), K = 2 + (c % 2);
      const edges: Array<[number, number]> = [];
      for (let v = 1; v < V; v++) edges.push([Math.floor(rnd() * v), v]);
      const U = Array.from({ length: V }, () => Array.from({ length: K }, () => rnd() * 2 - 1));
      const P = edges.map(() => Array.from({ length: K }, () => Array.from({ length: K }, () => rnd() * 1.2 - 0.6)));
      const scores: Array<[number, number[]]> = [];
      for (let i = 0; i < K ** V; i++) {
        const x: number[] = []; let r = i;
        for (let v = 0; v < V; v++) { x.push(r % K); r = Math.floor(r / K); }
        scores.push([x.reduce((s, k, v) => s + U[v]![k]!, 0) + edges.reduce((s, [a, b], e) => s + P[e]![x[a]!]![x[b]!]!, 0), x]);
      }
      const logZ = lse(scores.map((t) => t[0]));
      const mrf = new ad.PairwiseMRF({ unary: ad.tensor(U), edges, pairwise: ad.tensor(P) });
      const options = { iterations: 200, tol: 1e-13, damping: c % 2 ? 0.3 : 0 };
      const b = mrf.beliefs(options).unary.toArray() as number[][];
      for (let v = 0; v < V; v++) {
        for (let k = 0; k < K; k++) {
          const exact = scores.filter(([, x]) => x[v] === k).reduce((s, [sc]) => s + Math.exp(sc - logZ), 0);
          expect(Math.abs(b[v]![k]! - exact), `graph ${c}, b_${v}(${k})`).toBeLessThan(1e-12);
        }
      }
      expect(Math.abs(mrf.logPartition(options).item() - logZ)).toBeLessThan(1e-12);
      const loss = (o: ad.BeliefsOptions) => (u: ad.Tensor) => ad.sum(ad.mul(ad.arange(1, K + 1), new ad.PairwiseMRF({ unary: u, edges, pairwise: ad.tensor(P) }).beliefs(o).unary));
      const gu = ad.grad(loss({ ...options, checkpoints: 3 }))(ad.tensor(U));
      const gi = ad.grad(loss({ ...options, tol: 1e-12, gradient: 'implicit' }))(ad.tensor(U));
      expect(ad.max(ad.abs(ad.sub(gu, gi))).item()).toBeLessThan(1e-8);
    }
  });
});
