/**
 * Pure scoring math in WAD (1e18 = 1 = worst loss): the TypeScript twin of
 * `contracts/libraries/LossMath.sol`. Every function computes the same integers as its Solidity
 * namesake, step by step (same order of operations, same rounding, same early exits), and throws an
 * `EvmPanicError` wherever the contract would revert. `test/scoring.differential.test.ts` checks this.
 */
import {
  add,
  asInt256,
  asUint256,
  div,
  EvmPanicError,
  MAX_UINT256,
  mul,
  PanicCode,
  ScoringInputError,
  sub,
} from "./evmMath.js";
import { limits } from "../protocol/generated.js";

/** 1e18: one in fixed-point. */
export const WAD: bigint = limits.WAD;

/** ln 2 in WAD, truncated, as hard-coded in `LossMath.expNegWad`. */
export const LN2_WAD = 693147180559945309n;

/** Loss kind of a metric (`LossMath.LossKind`): clipped absolute or clipped squared error. */
export const LossKind = {
  Absolute: 0,
  Squared: 1,
} as const;
export type LossKind = (typeof LossKind)[keyof typeof LossKind];

/** What `epochLoss` needs of a metric: its full-miss error and its loss kind. */
export interface MetricScoring {
  /** Error that counts as a full miss (metric units), non-zero in a valid agreement. */
  scale: bigint;
  /** 0 = Absolute, 1 = Squared. */
  lossKind: number;
}

/**
 * Clipped normalised error of one metric: `min(d, 1)` or `min(d², 1)` with `d = |f − o| / scale`.
 * Mirrors `LossMath.metricLoss`, including its quirk: when `|f − o| · 1e18` would overflow uint256
 * (impossible for the hub's int128 values) it returns `1e18 − 1` instead of dividing first.
 * @param forecast The forecast value (int256).
 * @param outcome The outcome value (int256).
 * @param scale Error that counts as a full miss (uint256); 0 makes every loss the worst.
 * @param kind 0 = Absolute, 1 = Squared; anything else panics 0x21 like the enum conversion.
 * @returns The loss in WAD, in [0, 1e18].
 */
export function metricLoss(forecast: bigint, outcome: bigint, scale: bigint, kind: number): bigint {
  asInt256("forecast", forecast);
  asInt256("outcome", outcome);
  asUint256("scale", scale);
  if (kind !== LossKind.Absolute && kind !== LossKind.Squared) {
    throw new EvmPanicError(PanicCode.EnumConversion, "invalid LossKind", `kind ${kind}`);
  }
  // _absDiff: the two's-complement wrap in Solidity yields the true distance, which bigint has directly.
  const diff = forecast >= outcome ? forecast - outcome : outcome - forecast;
  if (diff >= scale) return WAD;
  const d = diff <= MAX_UINT256 / WAD ? div(mul(diff, WAD), scale) : WAD - 1n;
  if (kind === LossKind.Absolute) return d;
  return div(mul(d, d), WAD);
}

/**
 * Epoch loss: the mean over metrics of `metricLoss`, rounding down (`Forecasts._epochLoss`).
 * @param values One forecast value per metric.
 * @param outcome The final outcome, one value per metric (at least as many as `values`).
 * @param metrics The agreement's metrics (at least as many as `values`).
 * @returns The loss in WAD.
 */
export function epochLoss(
  values: readonly bigint[],
  outcome: readonly bigint[],
  metrics: readonly MetricScoring[],
): bigint {
  if (outcome.length < values.length || metrics.length < values.length) {
    throw new ScoringInputError("epochLoss: fewer outcomes or metrics than values", {
      details: `${values.length} values, ${outcome.length} outcomes, ${metrics.length} metrics`,
    });
  }
  let sum = 0n;
  for (let i = 0; i < values.length; i++) {
    const m = metrics[i];
    sum = add(sum, metricLoss(values[i], outcome[i], m.scale, m.lossKind));
  }
  return div(sum, BigInt(values.length));
}

/**
 * One EWMA step `S ← S + alpha·(loss − S)`, rounded toward the old score (`LossMath.ewma`).
 * @param score The current score (WAD).
 * @param loss The newest epoch loss (WAD).
 * @param alpha Weight of the newest loss (WAD).
 * @param first True when the candidate has no scored epoch yet: the score becomes the loss.
 * @returns The new score.
 */
export function ewma(score: bigint, loss: bigint, alpha: bigint, first: boolean): bigint {
  asUint256("score", score);
  asUint256("loss", loss);
  asUint256("alpha", alpha);
  if (first) return loss;
  if (loss >= score) return add(score, div(mul(loss - score, alpha), WAD));
  return sub(score, div(mul(score - loss, alpha), WAD));
}

/**
 * `x^n` in WAD by squaring, rounding down at every step (`LossMath.rpowWad`). Like the contract it
 * squares the base once more after the last bit, so a base above 2^128 overflows even when unused.
 * @param x Base in WAD.
 * @param n Exponent.
 * @returns `x^n` in WAD.
 */
export function rpowWad(x: bigint, n: bigint): bigint {
  asUint256("x", x);
  asUint256("n", n);
  let z = WAD;
  while (n > 0n) {
    if ((n & 1n) === 1n) z = div(mul(z, x), WAD);
    x = div(mul(x, x), WAD);
    n >>= 1n;
  }
  return z;
}

/**
 * Score after `misses` consecutive worst losses, in closed form `1 − (1 − alpha)^m · (1 − S)`
 * (`LossMath.applyMisses`). With no scored epoch yet the score is the worst loss.
 * @param score The current score (WAD).
 * @param alpha EWMA weight (WAD).
 * @param misses Number of missed reveals.
 * @param first True when the candidate has no scored epoch yet.
 * @returns The score after the misses.
 */
export function applyMisses(score: bigint, alpha: bigint, misses: bigint, first: boolean): bigint {
  asUint256("score", score);
  asUint256("alpha", alpha);
  asUint256("misses", misses);
  if (misses === 0n) return score;
  if (first) return WAD;
  return sub(WAD, div(mul(rpowWad(sub(WAD, alpha), misses), sub(WAD, score)), WAD));
}

/** Highest power of `r` in the Taylor series of `e^r` that `expNegWad` sums (`LossMath.expNegWad`). */
export const EXP_TERMS = 7n;

/**
 * `e^(−x)` in WAD for `x ≥ 0` in WAD (`LossMath.expNegWad`): `x = k·ln2 + r`, `e^r` by the Taylor series
 * `1 + r + … + r^7/7!` with term `i = ⌊term(i−1)·r / (i·1e18)⌋`, then `(1e36 / e^r) >> k`; within 7.2e-7
 * relative of `e^(−x)`. The contract computes it unchecked; nothing in it can overflow (term · r < 1e36,
 * sum < 2e18), so bigint gives the same integers.
 * @param x The exponent magnitude in WAD.
 * @returns `e^(−x)` in WAD; 0 from `x ≥ 42e18` on.
 */
export function expNegWad(x: bigint): bigint {
  asUint256("x", x);
  if (x >= 42n * WAD) return 0n;
  const k = x / LN2_WAD;
  const r = x - k * LN2_WAD;
  let term = WAD;
  let sum = WAD;
  for (let i = 1n; i <= EXP_TERMS; i++) {
    term = (term * r) / (i * WAD);
    sum += term;
  }
  return ((WAD * WAD) / sum) >> k;
}
