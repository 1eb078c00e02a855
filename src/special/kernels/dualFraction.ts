/**
 * @file A continued fraction b₀ + a₁/(b₁ + a₂/(b₂ + …)) and its derivative in one parameter,
 * by the forward recurrences A_n = b_n A_{n−1} + a_n A_{n−2} (B likewise) carried with their
 * derivatives (dual numbers) and rescaled by B_n each step so nothing overflows — the method of
 * Boik & Robison-Cox, "Derivatives of the incomplete beta function" (J. Stat. Software 3, 1998).
 * The coefficients come from `coefficients(n, out)`, which writes a_n, da_n, b_n, db_n into out.
 */

/** Scratch for the coefficients of one step: a, da, b, db. */
const coef = new Float64Array(4);
/** The result of `dualFraction`: [value, derivative, converged (1) or not (0)]. */
export const fractionResult = new Float64Array(3);

export type Coefficients = (n: number, out: Float64Array) => void;

/**
 * Evaluates the fraction to relative accuracy `eps` in both value and derivative (at most
 * `maxTerms` terms) into `fractionResult`. `b0`, `db0` are its leading term and derivative.
 */
export function dualFraction(b0: number, db0: number, coefficients: Coefficients, eps: number, maxTerms: number): void {
  let aPrev = 1, daPrev = 0, bPrev = 0, dbPrev = 0; // A₋₁, B₋₁
  let aCur = b0, daCur = db0, bCur = 1, dbCur = 0; // A₀, B₀
  let f = aCur / bCur, df = daCur;
  for (let n = 1; n <= maxTerms; n++) {
    coefficients(n, coef);
    const an = coef[0]!, dan = coef[1]!, bn = coef[2]!, dbn = coef[3]!;
    const aNext = bn * aCur + an * aPrev;
    const daNext = dbn * aCur + bn * daCur + dan * aPrev + an * daPrev;
    const bNext = bn * bCur + an * bPrev;
    const dbNext = dbn * bCur + bn * dbCur + dan * bPrev + an * dbPrev;
    if (bNext === 0) { aPrev = aCur; daPrev = daCur; bPrev = bCur; dbPrev = dbCur; aCur = aNext; daCur = daNext; bCur = bNext; dbCur = dbNext; continue; }
    // Rescale by 1/B_n: the recurrence is linear in (A, dA, B, dB) jointly, so ratios are kept.
    const s = 1 / bNext;
    aPrev = aCur * s; daPrev = daCur * s; bPrev = bCur * s; dbPrev = dbCur * s;
    aCur = aNext * s; daCur = daNext * s; bCur = 1; dbCur = dbNext * s;
    const fNext = aCur, dfNext = daCur - aCur * dbCur; // (dA·B − A·dB)/B² with B = 1
    const done = Math.abs(fNext - f) <= eps * Math.abs(fNext) && Math.abs(dfNext - df) <= eps * Math.abs(dfNext);
    f = fNext; df = dfNext;
    if (done && n > 2) { fractionResult[0] = f; fractionResult[1] = df; fractionResult[2] = 1; return; }
  }
  fractionResult[0] = f; fractionResult[1] = df; fractionResult[2] = 0;
}
