/**
 * The deep-funding scenario of `bench:mechanism`: does the best simplex combination of the models'
 * lists, chosen on a small jury sample, land closer to the hidden truth than the best single list?
 *
 * The world is `simulateDeepFunding` (oracle/demo/deepFundingWorld.ts): 40 items with heavy-tailed
 * true credit, five models of log-noise 0.3, 0.45, 0.6, 0.8 and 1.0 (the second also inflating one
 * item tenfold), a jury of three answering 50 sampled pairs with log-noise 0.35 each (the median
 * counts), scale 2 (ln units). Per seed, `solveCoefficients` picks the coefficients on the jury's
 * pairs only (exact bigint loss, never worse there than the best single list); the combined list
 * over all items is `combine` of the lists. Distance to the truth: `Σ_i |x_i − t_i|` (twice the
 * total variation), in floats.
 *
 * Keys (means over seeds, with standard errors):
 * - `judgement.combinedVsBest`: distance(combined) / min_k distance(list_k), where the best list is
 *   the one closest to the truth (which the mechanism cannot know). Hard bound < 1.
 * - `judgement.combinedVsMean`: distance(combined) / distance(equal-weight average of the lists).
 */
import { simulateDeepFunding, type DeepFundingOptions } from "../../oracle/demo/deepFundingWorld.js";
import { combine, solveCoefficients, WAD } from "../../oracle/scoring/index.js";
import { meanOf, type Estimate } from "./scenarios.js";

export interface JudgementResult {
  combinedVsBest: Estimate;
  combinedVsMean: Estimate;
}

export interface JudgementScenarioOptions {
  /** Seeds 1..seeds. */
  seeds: number;
  /** World overrides (e.g. more pairs, no gamer). */
  world?: DeepFundingOptions;
  /**
   * Coefficients to use instead of the solver's (a broken mechanism, for the test): given K, the
   * coefficients in WAD summing to 1e18.
   */
  coefficientsOverride?: (k: number) => bigint[];
}

const distance = (x: readonly number[], t: readonly number[]) =>
  x.reduce((a, xi, i) => a + Math.abs(xi - t[i]), 0);

/** Runs the deep-funding scenario over `seeds` seeds. */
export function judgementScenario(opts: JudgementScenarioOptions): JudgementResult {
  const vsBest: number[] = [];
  const vsMean: number[] = [];
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const round = simulateDeepFunding(seed, opts.world);
    const { lists, pairs, lnR, scale, truth } = round;
    const K = lists.length;
    const coefficients =
      opts.coefficientsOverride?.(K) ??
      solveCoefficients({
        wA: lists.map((l) => pairs.map((p) => l[p.a])),
        wB: lists.map((l) => pairs.map((p) => l[p.b])),
        lnR,
        scale,
      }).coefficients;
    const asFloat = (l: readonly bigint[]) => l.map((w) => Number(w) / Number(WAD));
    const combined = truth.map(
      (_, i) =>
        Number(
          combine(
            lists.map((l) => l[i]),
            coefficients,
          ),
        ) / Number(WAD),
    );
    const mean = truth.map((_, i) => lists.reduce((a, l) => a + Number(l[i]), 0) / K / Number(WAD));
    const best = Math.min(...lists.map((l) => distance(asFloat(l), truth)));
    const d = distance(combined, truth);
    vsBest.push(d / best);
    vsMean.push(d / distance(mean, truth));
  }
  return { combinedVsBest: meanOf(vsBest), combinedVsMean: meanOf(vsMean) };
}
