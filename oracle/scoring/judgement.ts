/**
 * Judgement-round scoring math in WAD (1e18 = 1): the TypeScript twin of
 * `contracts/libraries/JudgementMath.sol` (`lnWad`, `pairLoss`, `combine`), plus the scoring built on
 * them (`listLoss`, `combinedLoss`) and the jury's pair sample (`samplePairs`). Every function
 * computes the same integers as its Solidity namesake, step by step, and throws where the contract
 * reverts: `JudgementMathError` for the library's custom errors, `EvmPanicError` for panics.
 * `test/judgement.math.differential.test.ts` checks this.
 */
import { encodeAbiParameters, keccak256 } from "viem";

import { BaseError } from "../errors/BaseError.js";
import { add, asInt256, asUint256, div, mul, ScoringInputError, subInt256 } from "./evmMath.js";
import { LN2_WAD, WAD } from "./lossMath.js";

/** Odd powers of z summed by `lnWad`'s series (unrolled in `JudgementMath.lnWad`): z, z³, …, z^27. */
export const LN_TERMS = 14n;

/** Largest |lnWad(x) − 1e18·ln(x / 1e18)| over every uint256 x > 0 (see `lnWad`). */
export const LN_ERROR_BOUND = 1500n;

/** Thrown where `JudgementMath` reverts with one of its custom errors; `errorName` is the error's name. */
export class JudgementMathError extends BaseError {
  override name = "JudgementMathError";
  readonly errorName: "LnOfZero" | "ScaleZero" | "LengthMismatch";

  constructor(errorName: JudgementMathError["errorName"], details: string) {
    super(`JudgementMath: ${errorName}`, { details });
    this.errorName = errorName;
  }
}

/**
 * Natural logarithm of `x / 1e18` in WAD (`JudgementMath.lnWad`):
 * 1. `b = ⌊log2 x⌋`; `m = x >> (b − 60)` or `x << (60 − b)`, in [2^60, 2^61); `k = b − 60`; if
 *    `m ≥ 2e18` then `m >>= 1`, `k += 1`; now `m ∈ [1e18, 2e18)`.
 * 2. `z = ⌊(m − 1e18)·1e18 / (m + 1e18)⌋`, `z2 = ⌊z·z / 1e18⌋`.
 * 3. `s = Σ_{i<14} ⌊pᵢ / (2i+1)⌋` with `p₀ = z`, `pᵢ = ⌊pᵢ₋₁·z2 / 1e18⌋` (so `ln m ≈ 2s`).
 * 4. `k·LN2 + 2s`, LN2 = 693147180559945309.
 * Within `LN_ERROR_BOUND` (1.5e-15) of the true value for every x, and non-decreasing in x. The
 * contract runs it unchecked (the loop unrolled); nothing in it can overflow, so bigint gives the
 * same integers.
 * @param x The argument in WAD (uint256).
 * @returns The natural logarithm in WAD.
 */
export function lnWad(x: bigint): bigint {
  asUint256("x", x);
  if (x === 0n) throw new JudgementMathError("LnOfZero", "lnWad(0)");
  const b = BigInt(x.toString(2).length - 1);
  let m = b >= 60n ? x >> (b - 60n) : x << (60n - b);
  let k = b - 60n;
  if (m >= 2n * WAD) {
    m >>= 1n;
    k += 1n;
  }
  const z = ((m - WAD) * WAD) / (m + WAD);
  const z2 = (z * z) / WAD;
  let p = z;
  let s = z;
  for (let i = 1n; i < LN_TERMS; i++) {
    p = (p * z2) / WAD;
    s += p / (2n * i + 1n);
  }
  return k * LN2_WAD + 2n * s;
}

/**
 * Clipped squared log-ratio error of a list on one jury pair (`JudgementMath.pairLoss`): weights
 * floored at 1, `d = (lnWad(xB) − lnWad(xA)) − lnR` (checked int256), 1e18 when `|d| ≥ scale`, else
 * `⌊q·q / 1e18⌋` with `q = ⌊|d|·1e18 / scale⌋` (full precision, like `Math.mulDiv`).
 * @param wA The list's weight of the pair's first item (WAD).
 * @param wB The list's weight of the pair's second item (WAD).
 * @param lnR The jury's answer `ln(credit_b / credit_a)` in WAD.
 * @param scale Log-ratio error that counts as a full miss (WAD), non-zero.
 * @returns The loss in WAD, in [0, 1e18].
 */
export function pairLoss(wA: bigint, wB: bigint, lnR: bigint, scale: bigint): bigint {
  asUint256("wA", wA);
  asUint256("wB", wB);
  asInt256("lnR", lnR);
  asUint256("scale", scale);
  if (scale === 0n) throw new JudgementMathError("ScaleZero", "pairLoss with scale 0");
  const d = subInt256(lnWad(wB === 0n ? 1n : wB) - lnWad(wA === 0n ? 1n : wA), lnR);
  const ad = d >= 0n ? d : -d;
  if (ad >= scale) return WAD;
  const q = (ad * WAD) / scale;
  return (q * q) / WAD;
}

/**
 * Weight of one item under a simplex combination of lists (`JudgementMath.combine`):
 * `⌊Σ_k c_k·w_k / 1e18⌋`, checked products and sum, one floor.
 * @param weights The item's weight in each list (WAD).
 * @param coefficients One coefficient per list (WAD).
 * @returns The combined weight (WAD).
 */
export function combine(weights: readonly bigint[], coefficients: readonly bigint[]): bigint {
  if (coefficients.length !== weights.length) {
    throw new JudgementMathError(
      "LengthMismatch",
      `${weights.length} weights, ${coefficients.length} coefficients`,
    );
  }
  let acc = 0n;
  for (let k = 0; k < weights.length; k++) {
    acc = add(acc, mul(asUint256("weight", weights[k]), asUint256("coefficient", coefficients[k])));
  }
  return div(acc, WAD);
}

/**
 * A list's loss on a jury sample: `⌊Σ_j pairLoss(wA[j], wB[j], lnR[j], scale) / J⌋`.
 * @param weightsA The list's weight of each pair's first item.
 * @param weightsB The list's weight of each pair's second item.
 * @param lnR The jury's answer for each pair.
 * @param scale Full-miss error (WAD).
 * @returns The mean loss in WAD.
 */
export function listLoss(
  weightsA: readonly bigint[],
  weightsB: readonly bigint[],
  lnR: readonly bigint[],
  scale: bigint,
): bigint {
  const j = lnR.length;
  if (j === 0) throw new ScoringInputError("listLoss: no pairs");
  if (weightsA.length !== j || weightsB.length !== j) {
    throw new ScoringInputError("listLoss: one weight of each side per pair", {
      details: `${weightsA.length} first weights, ${weightsB.length} second weights, ${j} answers`,
    });
  }
  let sum = 0n;
  for (let i = 0; i < j; i++) sum = add(sum, pairLoss(weightsA[i], weightsB[i], lnR[i], scale));
  return sum / BigInt(j);
}

/**
 * The loss of a simplex combination of K lists on a jury sample: `listLoss` of the combined weights
 * (`combine` per pair and side).
 * @param listsA `listsA[k][j]`: list k's weight of pair j's first item (K × J).
 * @param listsB `listsB[k][j]`: list k's weight of pair j's second item (K × J).
 * @param coefficients One coefficient per list (WAD).
 * @param lnR The jury's answer for each pair.
 * @param scale Full-miss error (WAD).
 * @returns The mean loss in WAD.
 */
export function combinedLoss(
  listsA: readonly (readonly bigint[])[],
  listsB: readonly (readonly bigint[])[],
  coefficients: readonly bigint[],
  lnR: readonly bigint[],
  scale: bigint,
): bigint {
  const K = coefficients.length;
  if (listsA.length !== K || listsB.length !== K) {
    throw new ScoringInputError("combinedLoss: one list of each side per coefficient", {
      details: `${listsA.length} and ${listsB.length} lists, ${K} coefficients`,
    });
  }
  const column = (lists: readonly (readonly bigint[])[], j: number) => lists.map((l) => l[j]);
  const a: bigint[] = [];
  const b: bigint[] = [];
  for (let j = 0; j < lnR.length; j++) {
    a.push(combine(column(listsA, j), coefficients));
    b.push(combine(column(listsB, j), coefficients));
  }
  return listLoss(a, b, lnR, scale);
}

/** One jury pair: the items compared (`a ≠ b`). */
export interface JudgementPair {
  a: number;
  b: number;
}

/**
 * The jury's pair sample from a random word: for slot s in 0..j−1, `h = keccak256(abi.encode(word, s))`;
 * `a = flagged[s]` for the first `flagged.length` slots, else `h mod n`; `b = (a + 1 + (h >> 128) mod
 * (n − 1)) mod n`, so `b ≠ a`.
 * @param word The random word (uint256).
 * @param n Number of items, at least 2.
 * @param j Number of pairs.
 * @param flagged Items that must be the first item of the first slots (each < n, at most j of them).
 * @returns j pairs.
 */
export function samplePairs(
  word: bigint,
  n: number,
  j: number,
  flagged: readonly number[] = [],
): JudgementPair[] {
  asUint256("word", word);
  if (!Number.isSafeInteger(n) || n < 2) throw new ScoringInputError(`samplePairs: n must be ≥ 2, got ${n}`);
  if (!Number.isSafeInteger(j) || j < 0) throw new ScoringInputError(`samplePairs: bad pair count ${j}`);
  for (const f of flagged) {
    if (!Number.isSafeInteger(f) || f < 0 || f >= n) {
      throw new ScoringInputError(`samplePairs: flagged item ${f} is not below n = ${n}`);
    }
  }
  const N = BigInt(n);
  const pairs: JudgementPair[] = [];
  for (let s = 0; s < j; s++) {
    const h = BigInt(
      keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [word, BigInt(s)])),
    );
    const a = s < flagged.length ? flagged[s] : Number(h % N);
    const b = (a + 1 + Number((h >> 128n) % (N - 1n))) % n;
    pairs.push({ a, b });
  }
  return pairs;
}
