/**
 * @file ad.special.hyp1f1 where double precision cancels past use (helper 116): a ≫ b with x ≪ 0 (NaN before), a ≪ 0 < x
 * with derivatives at an integer a (∂M/∂a wrong by up to 1e15 from the old recurrence in a), b < 0 between the poles
 * (NaN before), b within 1e−11 of a pole (the series stopped one term early: 6e−13 off, ∂M/∂b 15× off), the x → +∞
 * form where a terminating series hid the other half (M(1, 91, 51.25) was 2e6× off), SciPy's polynomial past a pole
 * of b (Kummer's transformation was applied to it: M(−68, −68, x) gave eˣ), and a double-double sum that overflowed
 * below 1.8e308. References: mpmath 1.2.1 (/usr/bin/python3) at 50 and 90 digits, agreeing to 1e−25, pasted here:
 *   float(mpmath.hyp1f1(a, b, x)), float(mpmath.diff(lambda t: mpmath.hyp1f1(t, b, x), a)), and likewise in b
 * (scratch/h116/mktest.py: 14 chosen points, 26 random ones in the three hard regions).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const S = ad.special;
const rel = (got: number, want: number) => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));

// a, b, x, M, ∂M/∂a, ∂M/∂b
const ROWS: number[][] = [
  [148.72, 3.82, -157.03, -1.841627923995384e-43, -1.4538829018579725e-41, 2.888090744239928e-41],
  [200, 0.5, -300, -1.2750170916569754e-66, 1.0513863321973166e-65, -8.265758441684536e-66],
  [-194, 0.024500095104376864, 498.19880754341216, 5.021043241535805e+110, 8.661250546129366e+110, -2.3346833156233465e+112],
  [65, -15.999999999993657, -0.025391600207843878, 1.1091570687959953, 0.0017740282327672369, 0.11024170615520931],
  [1, 91, 51.25, 2.251797528596422, 1.8103660805385444, -0.029769159162771515],
  [5, 71, 57, 740.2603039892168, 871.2341326560459, -105.18592507639075],
  [9, 172, 114.78, 9225.604938981645, 8798.589052382391, -731.3866871656504],
  [130, -0.006, -14, 0.3525637611728801, -0.15063144636681638, 58.03195493721502],
  [-110, 0.011, -484, 1.1743883431796534e+130, -2.1542050964925285e+130, -1.1272882479672443e+132],
  [96.25, -37.25, -70.5, 1874811292194758.2, 989275364692205.0, 2259753565905090.5],
  [-145.5, -0.05, 57, 212031036124323.5, 169263084136233.72, 3478882133581500.5],
  [179.5, 50, -123.75, -2.6099533949139664e-72, 5.451706008818874e-71, -1.0770258553115685e-70],
  [-88.0583, 2.37906, 384.662, -5.5482997636413553e+79, 9.282110403007611e+80, 2.687315084494244e+80],
  [0, -188.32481211418425, 50.255903292160106, 1.0, -0.236422197647889, 0.0],
  [72.0844, -48.4611, 4.69153, -61455687813.879166, -37238310952.06666, -119845427128.47809],
  [173.908, 0.0483102, -265.971, 2.1679247443081992e-56, 1.7998565927005367e-56, -6.062528405780323e-55],
  [-105.637, 1.62748, 36.4158, -1143.0980203779895, 235488.5520092928, 508114.33539524116],
  [1.00354, -0.0245458, -15.9405, -0.08461219728969263, -2.8305765715616884, -0.34297071065148643],
  [91.3088, 0.428267, -215.77, -3.780666120980406e-48, 5.077704967188454e-47, -4.319315542838097e-47],
  [-137.013, 1.75609, 290.87, -1.7079351343564223e+59, 1.876761090861548e+60, 1.7368818066456224e+60],
  [-0.157246, -0.0657796, -16.5185, -2.338100738815385, 33.02792292384126, -60.53524246394613],
  [160.06, 0.149737, -134.016, 1.6869612261955108e-28, -1.4423183545420778e-29, -1.9963837486460738e-27],
  [-55.1578, 0.0694393, 51.5509, -5894725488188.504, 4282340820689.9424, 115630688875811.56],
  [-15.3733, -0.926807, 3.19641, 598.6376551059184, 69.82150289019641, -8644.181982964328],
  [119.228, 22.6979, -26.1423, -2.7376823402313192e-24, 4.9978072089379605e-25, 1.519794447733111e-24],
  [-65.7191, 5.37435, 104.235, 272412139325249.47, -511442064959394.44, -1128779048621059.2],
  [-0.170534, -19.7618, 0.250473, 1.002149585434089, -0.012619275379587775, 0.00010814801693399381],
  [72.3625, 0.0174066, -21.1175, -0.0042184063249052885, -0.0014627480545809008, 0.26505200308533394],
  [-143.282, 0.0587551, 395.348, 8.53155285492662e+87, -9.61466287334046e+87, -1.989472289819115e+89],
  [-3.55994, -164.647, 3.57105, 1.0793933087884877, -0.02316993002269068, 0.0004956848752914183],
  [121.924, 0.0518768, -175.595, -1.9272143459155344e-37, 1.0242972681263831e-36, 3.006933583981779e-36],
  [-80.6407, 0.132128, 20.9995, 549204.0293830428, 97156.5478131164, -6153638.789358561],
  [31.7918, -0.0321726, -41.2317, -1.4824702816674946e-07, 4.358788106041083e-09, -3.99088416538328e-06],
  [21.9719, 0.472869, -95.8473, 8.784189454642505e-21, -2.2994637081385097e-21, -5.189314990672794e-20],
  [-142.774, 0.0477063, 102.895, -2.3374528636161752e+24, -6.72803864916539e+22, 6.12905440499778e+25],
  [-2.42043, -0.447227, 3.6005, -31.49821513483453, -23.128658572583976, -7.768381702031652],
  [58.3158, 0.0937169, -455.335, -8.20035048197877e-73, -1.6648969244077352e-72, 1.5652655324247498e-71],
  [-164.614, 0.124609, 345.158, -1.099935436317222e+76, -5.5032114943049083e+76, 1.2683863881893313e+77],
  [-0.415248, -191.92, -0.143138, 0.9996902313343413, 0.0007458685674590451, -1.6144068512789037e-06],
  [46.3445, 0.389457, -20.626, -3.357950348832569e-05, 3.732810361556544e-05, 9.856509028268128e-05],
];
// a, b, x, M where b is a non-positive integer (SciPy's polynomial, the series ended before the pole) or M is near 1.8e308
const VALUES: number[][] = [
  [-68, -68, -56.3717, 2.1484227462054256e+22],
  [-1, -51, -50.6326, 0.0072039215686275195],
  [-15, -170, -127.893, 1.9622458188706873e-08],
  [127, 0.016031183540942812, 396.54321805718706, 2.186004353788697e+306],
  // the x → ∞ form's Γ(b)/Γ(a) past Γ's range or subnormal (from logs: 1.7e−12 and 2.2e−13 off): the series now
  [-6.5298763853134085, -172.63279601330765, 303.0152389376223, 8.426439484419248e+232],
  [-0.003946866563215593, 192.0, 463.4637275913136, -3.095674673047766e+41],
];

const DX = 1.0977275211187626e-41;

describe('hyp1f1 where the double-precision methods cancel', () => {
  it('matches mpmath to 1e−15 in value and both parameter derivatives (exact-arithmetic series)', () => {
    const a = ad.tensor(ROWS.map((r) => r[0]!)), b = ad.tensor(ROWS.map((r) => r[1]!)), x = ad.tensor(ROWS.map((r) => r[2]!));
    const m = Array.from(S.hyp1f1(a, b, x).toFloat64Array());
    const da = Array.from((ad.grad((t: Tensor) => ad.sum(S.hyp1f1(t, b, x)))(a) as Tensor).toFloat64Array());
    const db = Array.from((ad.grad((t: Tensor) => ad.sum(S.hyp1f1(a, t, x)))(b) as Tensor).toFloat64Array());
    ROWS.forEach((r, i) => {
      expect(rel(m[i]!, r[3]!), `M${JSON.stringify(r.slice(0, 3))}`).toBeLessThan(2e-15);
      expect(rel(da[i]!, r[4]!), `∂a${JSON.stringify(r.slice(0, 3))}`).toBeLessThan(2e-15);
      expect(rel(db[i]!, r[5]!), `∂b${JSON.stringify(r.slice(0, 3))}`).toBeLessThan(2e-15);
    });
  });
  it('gives SciPy\'s polynomial past a pole of b, a finite M just below the overflow, and Γ ratios past Γ\'s range', () => {
    for (const [a, b, x, v] of VALUES) expect(rel(S.hyp1f1(a!, b!, x!).item(), v!), String([a, b, x])).toBeLessThan(2e-15);
  });
  it('declines (NaN) where the exact sum would take past ~1 s an element', () => {
    // a = 1e5, x = −1e5: ~3e5 terms of ~6e5 bits (40 s); mpmath itself gives up there (maxterms).
    expect(S.hyp1f1(1e5, 2, -1e5).item()).toBeNaN();
    expect(rel(S.hyp1f1(-50000.5, 3, 100).item(), 20680187528337.98)).toBeLessThan(2e-15); // still summed (0.1 s)
  });
  it('∂M/∂x = (a/b) M(a + 1, b + 1, x) follows (148.72, 3.82, −157.03)', () => {
    // float((a/b)*mpmath.hyp1f1(a + 1, b + 1, x)) at 90 digits
    expect(rel(ad.grad((t: Tensor) => S.hyp1f1(148.72, 3.82, t))(ad.scalar(-157.03)).item(), DX)).toBeLessThan(2e-15);
  });

  // A terminating series (a a non-positive integer) at a root: every run's sum lay within its truncation noise, so the
  // exact sum reran at ever more bits and gave up (NaN in value and derivatives). References: the series summed in
  // mpmath at 80 digits (value exactly 0), mpmath.diff in a, b and x. Found by a review against mpmath.
  it.each([
    // a, b, x, ∂M/∂a, ∂M/∂b, ∂M/∂x
    [-1, 1, 1, 0.71828182845904524, 1, -1],
    [-2, 3, 2, 0.21529867903299795, 0.25, -1 / 3],
    [-2, 3, 6, -0.83531848839229223, -0.41666666666666667, 1 / 3],
    [-1, 0.1, 0.1, 0.95381214416391724, 9.9999999999999994, -9.9999999999999994],
    [-1, 5, 5, 0.43773306190778831, 0.2, -0.2],
  ])('M(%d, %d, %d) = 0 exactly at a root of the polynomial, with finite derivatives', (a, b, x, da, db, dx) => {
    expect(S.hyp1f1(a, b, x).item()).toBe(0);
    const g = ad.grad((a: Tensor, b: Tensor, x: Tensor) => S.hyp1f1(a, b, x), [0, 1, 2])(ad.scalar(a), ad.scalar(b), ad.scalar(x));
    expect(rel(g[0].item(), da)).toBeLessThan(1e-14);
    expect(rel(g[1].item(), db)).toBeLessThan(1e-14);
    expect(rel(g[2].item(), dx)).toBeLessThan(1e-14);
  });

  it('keeps the tiny values beside such a root (M(−3, 1, x) at the double nearest a root of the Laguerre polynomial)', () => {
    expect(rel(S.hyp1f1(-3, 1, 0.41577455678347908).item(), 1.2068879383359003e-17)).toBeLessThan(1e-13);
    expect(rel(S.hyp1f1(-10, 1, 0.13779347054049243).item(), 4.8975634419631134e-18)).toBeLessThan(1e-13);
  });
});
