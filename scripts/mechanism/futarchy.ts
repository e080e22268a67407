/**
 * The futarchy scenario of `bench:mechanism`: do conditional forecasts, combined by score, pick good
 * quota decisions in the fisheries futarchy world (`oracle/demo/fisheryFutarchy.ts`)?
 *
 * Per seed: T = 60 epochs of the world; five forecasters (noise 0.02, 0.04, 0.08 and 0.15 of each
 * metric's scale, and a "raiser" of noise 0.04 that overstates catch and stock under "raise the quota
 * 20%" by 0.2 and 0.1 of their scales) forecast every option each epoch; the decision is the twin's
 * `decide` (oracle/scoring/conditional.ts) with the randomWord from a seeded stream; only the taken
 * option's forecast is scored (`conditionalLoss`, every forecaster reveals: no misses) and each
 * score moves by the hub's EWMA step (`ewma`, alpha 0.2); eligibility is `scoredCount ≥ 2` and
 * `score ≤ 0.7` (the fisheries example's minScored and maxScore), one bond unit each.
 *
 * Regret of epoch e: (J(best) − J(taken)) / (J(best) − J(worst)), J of each option's expected
 * (noise-free) metrics. The range is the epoch's own: the share of what this epoch's choice could gain
 * that the decision lost, in [0, 1] whatever the state (a range over the whole run would let one
 * epoch far below the stock floor, where J spans tens of thousands, shrink every other epoch's regret
 * to nothing). Epochs where every option has the same J (a stock so low that the catch is 60 % of it
 * whatever the quota) are left out rather than counted as 0: no decision could matter there, and
 * counting them would reward a rule for running the stock down (uniform choice does, and would score
 * under 0.1; on the epochs that matter it scores about 0.6), and a seed with no such epoch after the
 * burn-in is left out of the mean. The regret is myopic: it judges each decision in the state the
 * earlier ones left, not the path.
 *
 * Keys (means over seeds of the mean over epochs after a burn-in of 10, with standard errors):
 * - `futarchy.decisionRegret`: the rule as specified (weighted combination, epsilon 0.1, eta 300 as in
 *   the vouching example's Weighted selection). Hard bound ≤ 0.10.
 * - `futarchy.explorationRate`: share of decisions taken by the exploration draw.
 * - `futarchy.decisionRegret.leader`: the same rule on the best-scored eligible forecaster's forecast only.
 * - `futarchy.decisionRegret.random`: a uniformly random option.
 */
import {
  deriveSeed,
  FUTARCHY_METRICS,
  FUTARCHY_OBJECTIVE,
  FUTARCHY_OPTIONS,
  futarchyForecasters,
  futarchyWorld,
  type ForecasterSpec,
} from "../../oracle/demo/fisheryFutarchy.js";
import { rng } from "../../oracle/demo/world.js";
import {
  conditionalLoss,
  decide,
  ewma,
  objectiveValue,
  WAD,
  type Revealer,
} from "../../oracle/scoring/index.js";
import { meanOf, type Estimate } from "./scenarios.js";

/** The forecasters of the scenario. */
export const FUTARCHY_FORECASTERS: readonly ForecasterSpec[] = [
  { noise: 0.02 },
  { noise: 0.04 },
  { noise: 0.08 },
  { noise: 0.15 },
  {
    noise: 0.04,
    bias: [
      { option: 2, metric: 0, amount: 0.2 },
      { option: 2, metric: 1, amount: 0.1 },
    ],
  },
];

/** Exploration probability of the scenario (WAD). */
export const FUTARCHY_EPSILON = WAD / 10n;
/** Weighting temperature of the scenario (WAD): the vouching example's. */
export const FUTARCHY_ETA = 300n * WAD;

/** How the option is chosen. */
export type FutarchyPolicy = "weighted" | "leader" | "random";

export interface FutarchyScenarioOptions {
  /** Seeds 1..seeds. */
  seeds: number;
  policy?: FutarchyPolicy;
  /** Epochs per run (default 60). */
  epochs?: number;
  /** Epochs left out of the means (default 10). */
  burnIn?: number;
  /** Exploration probability (WAD, default 0.1). */
  epsilon?: bigint;
  /** Weighting temperature (WAD, default 300). */
  eta?: bigint;
  /** EWMA weight (WAD, default 0.2). */
  alpha?: bigint;
  /** Forecasters (default `FUTARCHY_FORECASTERS`). */
  forecasters?: readonly ForecasterSpec[];
}

export interface FutarchyResult {
  decisionRegret: Estimate;
  explorationRate: Estimate;
  /** Each seed's mean regret, seed 1 first (`undefined` for a seed with no epoch that mattered). */
  seedRegrets: (number | undefined)[];
}

const MIN_SCORED = 2;
const MAX_SCORE = (7n * WAD) / 10n;
const STREAM_WORD = 3;
const STREAM_RANDOM = 4;

/** A uint256 from eight 32-bit draws of a mulberry32 stream. */
function word256(uniform: () => number): bigint {
  let w = 0n;
  for (let i = 0; i < 8; i++) w = (w << 32n) | BigInt(Math.floor(uniform() * 2 ** 32));
  return w;
}

/** Runs the futarchy scenario over `seeds` seeds. */
export function futarchyScenario(opts: FutarchyScenarioOptions): FutarchyResult {
  const policy = opts.policy ?? "weighted";
  const epochs = opts.epochs ?? 60;
  const burnIn = opts.burnIn ?? 10;
  const epsilon = opts.epsilon ?? FUTARCHY_EPSILON;
  const eta = opts.eta ?? FUTARCHY_ETA;
  const alpha = opts.alpha ?? WAD / 5n;
  const specs = opts.forecasters ?? FUTARCHY_FORECASTERS;
  const regrets: number[] = [];
  const seedRegrets: (number | undefined)[] = [];
  const explorations: number[] = [];
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const world = futarchyWorld(seed);
    const forecasters = futarchyForecasters(seed, specs);
    const words = rng(deriveSeed(STREAM_WORD, seed));
    const uniform = rng(deriveSeed(STREAM_RANDOM, seed));
    const scores = specs.map(() => 0n);
    const scored = specs.map(() => 0);
    let regret = 0;
    let mattered = 0;
    let explored = 0;
    for (let e = 0; e < epochs; e++) {
      const j = world.counterfactuals().map((x) => Number(objectiveValue(FUTARCHY_OBJECTIVE, x)));
      const forecasts = forecasters.map((f) => f.forecast(world));
      const revealers: Revealer[] = forecasts.map((f, k) => ({
        id: BigInt(k + 1),
        score: scores[k],
        units: 1n,
        eligible: scored[k] >= MIN_SCORED && scores[k] <= MAX_SCORE,
        forecasts: f,
      }));
      const randomWord = word256(words.uniform);
      let option: number;
      let wasExplored = false;
      if (policy === "random") {
        option = Math.floor(uniform.uniform() * FUTARCHY_OPTIONS.length);
      } else {
        let input = revealers;
        if (policy === "leader") {
          const eligible = revealers.filter((r) => r.eligible);
          const leader = eligible.reduce<Revealer | undefined>(
            (best, r) => (best === undefined || r.score < best.score ? r : best),
            undefined,
          );
          input = leader ? [leader] : [];
        }
        const d = decide({
          revealers: input,
          eta,
          objective: FUTARCHY_OBJECTIVE,
          nOptions: FUTARCHY_OPTIONS.length,
          nMetrics: FUTARCHY_METRICS.length,
          randomWord,
          epsilon,
        });
        option = d.option;
        wasExplored = d.explored;
      }
      const outcome = world.take(option);
      for (let k = 0; k < specs.length; k++) {
        const loss = conditionalLoss(forecasts[k][option], outcome, FUTARCHY_METRICS);
        scores[k] = ewma(scores[k], loss, alpha, scored[k] === 0);
        scored[k]++;
      }
      if (e >= burnIn) {
        const best = Math.max(...j);
        const range = best - Math.min(...j);
        if (range > 0) {
          regret += (best - j[option]) / range;
          mattered++;
        }
        if (wasExplored) explored++;
      }
    }
    if (mattered > 0) regrets.push(regret / mattered);
    seedRegrets.push(mattered > 0 ? regret / mattered : undefined);
    explorations.push(explored / (epochs - burnIn));
  }
  return { decisionRegret: meanOf(regrets), explorationRate: meanOf(explorations), seedRegrets };
}
