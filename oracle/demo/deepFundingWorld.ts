/**
 * A simulated deep-funding round: N items with a hidden true credit vector, K candidate models that
 * each publish a full list of WAD weights (one of them gaming one item), and a jury that answers
 * sampled pairs with noisy log-ratios. Deterministic from a seed (mulberry32 streams of `./world.js`).
 *
 * - Truth: `t_i ∝ exp(spread · g_i)` (heavy-tailed credit), normalised to sum 1.
 * - Model k: `w_k,i ∝ t_i · exp(σ_k · g_k,i)`, each with its own noise stream; the gamer model
 *   multiplies one item (drawn per seed) by `gamerFactor` before normalising. Every list is quantised
 *   to WAD integers summing to exactly 1e18, every weight at least 1.
 * - Jury: `samplePairs` from a seed word; each of `jurors` jurors answers `ln(t_b / t_a) + noise · g`;
 *   a pair's answer is the median, in WAD.
 */
import { keccak256, toHex } from "viem";

import { samplePairs, type JudgementPair } from "../scoring/judgement.js";
import { toWadSimplex } from "../scoring/judgementSolver.js";
import { rng } from "./world.js";

export interface DeepFundingOptions {
  /** Items (default 40). */
  items?: number;
  /** Noise of each model's log-weights, one per model (default 0.3, 0.45, 0.6, 0.8, 1.0). */
  sigmas?: readonly number[];
  /** Index of the model that inflates one item, or -1 for none (default 1). */
  gamer?: number;
  /** Factor the gamer multiplies its chosen item by (default 10). */
  gamerFactor?: number;
  /** Spread of the true log-credit (default 1.2). */
  spread?: number;
  /** Jury pairs (default 50). */
  pairs?: number;
  /** Jurors per pair (default 3). */
  jurors?: number;
  /** Noise of a juror's log-ratio (default 0.35). */
  jurorNoise?: number;
  /** Full-miss log-ratio error in WAD (default 2e18). */
  scale?: bigint;
}

export interface DeepFundingRound {
  /** True credit per item, summing to 1. */
  truth: number[];
  /** `lists[k][i]`: model k's weight of item i (WAD, each ≥ 1, each list summing to 1e18). */
  lists: bigint[][];
  /** The gamer's model index and the item it inflates (-1, -1 without a gamer). */
  gamer: { model: number; item: number };
  /** The jury's pair sample and the random word it came from. */
  pairs: JudgementPair[];
  word: bigint;
  /** The jury's answer per pair: the median of the jurors' `ln(t_b / t_a)` estimates (WAD). */
  lnR: bigint[];
  /** Full-miss log-ratio error (WAD). */
  scale: bigint;
}

export const DEEP_FUNDING_DEFAULTS = {
  items: 40,
  sigmas: [0.3, 0.45, 0.6, 0.8, 1.0],
  gamer: 1,
  gamerFactor: 10,
  spread: 1.2,
  pairs: 50,
  jurors: 3,
  jurorNoise: 0.35,
  scale: 2n * 10n ** 18n,
} as const;

/** A 32-bit stream seed from the round's seed and a tag (FNV-1a, then an avalanche). */
function streamSeed(seed: number, ...tags: number[]): number {
  let h = 0x811c9dc5;
  for (const x of [seed, ...tags]) h = Math.imul(h ^ (x >>> 0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) >>> 0;
}

const normalise = (xs: readonly number[]) => {
  const total = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / total);
};

/**
 * Simulates one deep-funding round.
 * @param seed The round's seed (a non-negative integer).
 * @param opts World parameters (see `DEEP_FUNDING_DEFAULTS`).
 * @returns The truth, the models' lists, the jury's pairs and answers, and the scale.
 */
export function simulateDeepFunding(seed: number, opts: DeepFundingOptions = {}): DeepFundingRound {
  const o = { ...DEEP_FUNDING_DEFAULTS, ...opts };
  const n = o.items;
  const truthStream = rng(streamSeed(seed, 1));
  const truth = normalise(Array.from({ length: n }, () => Math.exp(o.spread * truthStream.normal())));

  const gamerItem = o.gamer >= 0 ? Math.floor(rng(streamSeed(seed, 2)).uniform() * n) : -1;
  const lists = o.sigmas.map((sigma, k) => {
    const noise = rng(streamSeed(seed, 3, k));
    const raw = truth.map((t) => t * Math.exp(sigma * noise.normal()));
    if (k === o.gamer) raw[gamerItem] *= o.gamerFactor;
    return toWadSimplex(normalise(raw), 1n);
  });

  const word = BigInt(keccak256(toHex(`deep-funding:${seed}`)));
  const pairs = samplePairs(word, n, o.pairs);
  const jury = rng(streamSeed(seed, 4));
  const lnR = pairs.map(({ a, b }) => {
    const exact = Math.log(truth[b] / truth[a]);
    const answers = Array.from({ length: o.jurors }, () => exact + o.jurorNoise * jury.normal()).sort(
      (x, y) => x - y,
    );
    const mid = answers.length >> 1;
    const median = answers.length % 2 === 1 ? answers[mid] : (answers[mid - 1] + answers[mid]) / 2;
    return BigInt(Math.round(median * 1e18));
  });
  return {
    truth,
    lists,
    gamer: { model: o.gamer >= 0 ? o.gamer : -1, item: gamerItem },
    pairs,
    word,
    lnR,
    scale: o.scale,
  };
}
