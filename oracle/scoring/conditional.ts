/**
 * Futarchy mode ("conditional forecasts decide"): the TypeScript twin of the decision and scoring math
 * of `contracts/conditional/GengovConditional.sol`. Every function computes the same integers as the
 * contract, step by step (checked int256 sums and products, signed division truncating toward zero,
 * ties to the lowest option index), and throws `EvmPanicError` where the contract panics and
 * `ScoringInputError` for an argument its ABI types or terms would not admit.
 *
 * The rule, per decision epoch:
 * - weights: `w_i = U_i · expNegWad(eta · (S_i − S_min) / 1e18)` for eligible revealers (exactly the
 *   Weighted selection's weight, `selectionWeights`), 0 for the others; `W = Σ w_i`;
 * - combined forecast: `x̄[o][m] = (Σ_i w_i · f_i[o][m]) / W`, int256, truncating toward zero;
 * - objective: `J(x) = Σ_m (weight_m · x_m − penalty_m · max(0, floor_m − x_m))`; best = argmax J,
 *   ties to the lowest index;
 * - exploration: `u = keccak256(abi.encode(keccak256("gengov.conditional.explore"), randomWord))`,
 *   explore iff `(u >> 128) % 1e18 < epsilon`, then option `(u mod 2^128) % nOptions`;
 * - `W = 0` (no eligible revealer): option 0, no exploration ("defaulted").
 * Scoring: the loss of a revealed forecast is the mean over metrics (integer division) of `metricLoss`
 * of its vector for the option taken; a committed forecast that was not revealed loses 1e18.
 */
import { encodeAbiParameters, keccak256, stringToHex, type Hex } from "viem";

import {
  add,
  addInt256,
  asInt256,
  asIntN,
  asUint256,
  asUintN,
  div,
  divInt256,
  MAX_INT256,
  mulInt256,
  ScoringInputError,
  subInt256,
} from "./evmMath.js";
import { metricLoss, WAD, type MetricScoring } from "./lossMath.js";
import { selectionWeights } from "./selection.js";

/** Most options a decision epoch may have (fixed and proposed together). */
export const MAX_OPTIONS = 8;

/** The loss of a committed forecast that was not revealed: the worst, 1e18. */
export const MISS_LOSS: bigint = WAD;

/** Domain tag of the exploration draw: `keccak256("gengov.conditional.explore")`. */
export const EXPLORE_TAG: Hex = keccak256(stringToHex("gengov.conditional.explore"));

/** Domain tag of a conditional forecast commitment: `keccak256("gengov.conditional.commit")`. */
export const CONDITIONAL_COMMIT_TAG: Hex = keccak256(stringToHex("gengov.conditional.commit"));

const MASK_128 = (1n << 128n) - 1n;

/** An agreement's objective, one entry per metric (the terms' `int64 weight`, `int128 floor`, `uint64 penalty`). */
export interface Objective {
  /** Value of one unit of the metric (int64; negative = lower is better). */
  weights: bigint[];
  /** Level below which the hinge penalty applies, in the metric's units (int128). */
  floors: bigint[];
  /** Cost of each unit below the floor (uint64). */
  penalties: bigint[];
}

/** A candidate that committed and revealed its conditional forecast, with its hub score record. */
export interface Revealer {
  /** Candidate id. */
  id: bigint;
  /** Stored score (WAD, lower is better). */
  score: bigint;
  /** Bond units. */
  units: bigint;
  /** `ScoreRecord.eligible` for the decision epoch. */
  eligible: boolean;
  /** The revealed forecast, `forecasts[option][metric]` (int128 values). */
  forecasts: bigint[][];
}

function checkObjective(objective: Objective, nMetrics: number): void {
  const { weights, floors, penalties } = objective;
  if (weights.length !== nMetrics || floors.length !== nMetrics || penalties.length !== nMetrics) {
    throw new ScoringInputError("objective: one weight, floor and penalty per metric", {
      details: `${weights.length} weights, ${floors.length} floors, ${penalties.length} penalties, ${nMetrics} metrics`,
    });
  }
  for (let m = 0; m < nMetrics; m++) {
    asIntN(`objective weight ${m}`, weights[m], 64);
    asIntN(`objective floor ${m}`, floors[m], 128);
    asUintN(`objective penalty ${m}`, penalties[m], 64);
  }
}

function checkOptions(nOptions: number): void {
  if (!Number.isSafeInteger(nOptions) || nOptions < 2 || nOptions > MAX_OPTIONS) {
    throw new ScoringInputError(`a decision has 2 to ${MAX_OPTIONS} options, got ${nOptions}`);
  }
}

function checkShape(
  forecasts: readonly (readonly bigint[])[],
  nOptions: number,
  nMetrics: number,
  who: string,
) {
  if (forecasts.length !== nOptions || forecasts.some((row) => row.length !== nMetrics)) {
    throw new ScoringInputError(`${who}: forecasts must be ${nOptions} options × ${nMetrics} metrics`, {
      details: `got ${forecasts.length} rows of ${forecasts.map((r) => r.length).join(", ")}`,
    });
  }
  forecasts.forEach((row, o) => row.forEach((v, m) => asIntN(`${who} forecast [${o}][${m}]`, v, 128)));
}

/**
 * `J(x) = Σ_m (weight_m · x_m − penalty_m · max(0, floor_m − x_m))`, checked int256 in this order per
 * metric: `floor − x`, `penalty · gap`, `weight · x`, their difference, then the running sum.
 * @param objective The objective (one entry per metric of `x`).
 * @param x One value per metric (int256), in the metric's units.
 * @returns J (int256); higher is better.
 */
export function objectiveValue(objective: Objective, x: readonly bigint[]): bigint {
  checkObjective(objective, x.length);
  let j = 0n;
  for (let m = 0; m < x.length; m++) {
    const xm = asInt256(`x[${m}]`, x[m]);
    const gap = subInt256(objective.floors[m], xm);
    const penalty = gap > 0n ? mulInt256(objective.penalties[m], gap) : 0n;
    j = addInt256(j, subInt256(mulInt256(objective.weights[m], xm), penalty));
  }
  return j;
}

/** Index of the largest value, ties to the lowest index. */
function argmax(values: readonly bigint[]): number {
  let best = 0;
  for (let o = 1; o < values.length; o++) if (values[o] > values[best]) best = o;
  return best;
}

/**
 * Decision weights: `U_i · expNegWad(eta · (S_i − S_min) / 1e18)` for eligible revealers, with `S_min`
 * the lowest eligible score; 0 for the others.
 * @param revealers The revealers, in any order.
 * @param eta Temperature (WAD, `0 < eta ≤ MAX_ETA`).
 * @returns One weight per revealer, in the same order.
 */
export function decisionWeights(revealers: readonly Revealer[], eta: bigint): bigint[] {
  const eligible = revealers.filter((r) => r.eligible);
  if (eligible.length === 0) return revealers.map(() => 0n);
  const scores = eligible.map((r) => asUint256(`score of candidate ${r.id}`, r.score));
  const minScore = scores.reduce((a, s) => (s < a ? s : a));
  const w = selectionWeights(
    scores,
    eligible.map((r) => asUint256(`units of candidate ${r.id}`, r.units)),
    minScore,
    eta,
  );
  let k = 0;
  return revealers.map((r) => (r.eligible ? w[k++] : 0n));
}

/**
 * The weighted mean forecast `x̄[o][m] = (Σ_i w_i · f_i[o][m]) / W` (checked int256 products and sums,
 * one division truncating toward zero).
 * @param revealers The revealers.
 * @param weights One weight per revealer (`decisionWeights`).
 * @param nOptions Options of the epoch.
 * @param nMetrics Metrics of the agreement.
 * @returns The combined forecast (`[]` when `W = 0`: there is none) and `W`.
 */
export function combineForecasts(
  revealers: readonly Revealer[],
  weights: readonly bigint[],
  nOptions: number,
  nMetrics: number,
): { combined: bigint[][]; totalWeight: bigint } {
  if (weights.length !== revealers.length) {
    throw new ScoringInputError("combineForecasts: one weight per revealer", {
      details: `${weights.length} weights, ${revealers.length} revealers`,
    });
  }
  const totalWeight = weights.reduce((a, w) => add(a, asUint256("weight", w)), 0n);
  if (totalWeight === 0n) return { combined: [], totalWeight };
  if (totalWeight > MAX_INT256)
    throw new ScoringInputError("total weight is not an int256", { details: `${totalWeight}` });
  const combined: bigint[][] = [];
  revealers.forEach((r) => checkShape(r.forecasts, nOptions, nMetrics, `candidate ${r.id}`));
  for (let o = 0; o < nOptions; o++) {
    const row: bigint[] = [];
    for (let m = 0; m < nMetrics; m++) {
      let sum = 0n;
      for (let i = 0; i < revealers.length; i++) {
        if (weights[i] === 0n) continue;
        sum = addInt256(sum, mulInt256(weights[i], revealers[i].forecasts[o][m]));
      }
      row.push(divInt256(sum, totalWeight));
    }
    combined.push(row);
  }
  return { combined, totalWeight };
}

export interface RecommendParameters {
  /** Candidates that committed and revealed. */
  revealers: readonly Revealer[];
  /** Weighting temperature (WAD). */
  eta: bigint;
  /** The objective, one entry per metric. */
  objective: Objective;
  /** Options of the epoch (2 to 8). */
  nOptions: number;
  /** Metrics of the agreement. */
  nMetrics: number;
}

export interface RecommendReturnType {
  /** argmax J over options, ties to the lowest index; 0 when `W = 0`. */
  option: number;
  /** J of each option's combined forecast (`[]` when `W = 0`). */
  objectives: bigint[];
  /** The combined forecast (`[]` when `W = 0`). */
  combined: bigint[][];
  /** `W`, the sum of the weights. */
  totalWeight: bigint;
}

/**
 * The option the weighted forecasts recommend, before exploration.
 * @returns The option, J per option, the combined forecast and `W`.
 */
export function recommend(params: RecommendParameters): RecommendReturnType {
  const { revealers, eta, objective, nOptions, nMetrics } = params;
  checkOptions(nOptions);
  checkObjective(objective, nMetrics);
  const weights = decisionWeights(revealers, eta);
  const { combined, totalWeight } = combineForecasts(revealers, weights, nOptions, nMetrics);
  if (totalWeight === 0n) return { option: 0, objectives: [], combined, totalWeight };
  const objectives = combined.map((x) => objectiveValue(objective, x));
  return { option: argmax(objectives), objectives, combined, totalWeight };
}

/**
 * The exploration draw: `u = uint256(keccak256(abi.encode(EXPLORE_TAG, randomWord)))`; explore iff
 * `(u >> 128) % 1e18 < epsilon`; the option explored is `(u & (2^128 − 1)) % nOptions`.
 * @param randomWord The third return value of `hub.drawRecords(agreementId, epoch)` (uint256).
 * @param epsilon Exploration probability (WAD, in [0, 1e18]).
 * @param nOptions Options of the epoch (2 to 8).
 * @returns Whether to explore and the option drawn (computed either way).
 */
export function explorationDraw(
  randomWord: bigint,
  epsilon: bigint,
  nOptions: number,
): { explore: boolean; option: number } {
  asUint256("randomWord", randomWord);
  if (epsilon < 0n || epsilon > WAD)
    throw new ScoringInputError("epsilon outside [0, 1e18]", { details: `${epsilon}` });
  checkOptions(nOptions);
  const u = BigInt(
    keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [EXPLORE_TAG, randomWord])),
  );
  return { explore: (u >> 128n) % WAD < epsilon, option: Number((u & MASK_128) % BigInt(nOptions)) };
}

export interface DecideParameters extends RecommendParameters {
  /** The third return value of `hub.drawRecords(agreementId, epoch)`. */
  randomWord: bigint;
  /** Exploration probability (WAD). */
  epsilon: bigint;
  /** Advisory terms: the arbiter chooses (`chosen`), nothing explores. */
  advisory?: boolean;
  /** The arbiter's choice (required when `advisory`). */
  chosen?: number;
}

export interface DecideReturnType {
  /** The option taken. */
  option: number;
  /** The exploration draw chose it (it may equal the recommendation). */
  explored: boolean;
  /** `W = 0` under non-advisory terms: option 0 was taken for want of a weighted forecast. */
  defaulted: boolean;
  /** J per option (`[]` when `W = 0`). */
  objectives: bigint[];
  /** The combined forecast (`[]` when `W = 0`). */
  combined: bigint[][];
}

/**
 * The full decision rule: the recommendation, then the exploration draw (not when `W = 0`, not under
 * advisory terms, where the arbiter's `chosen` option is taken).
 * @returns The option taken and how.
 */
export function decide(params: DecideParameters): DecideReturnType {
  const rec = recommend(params);
  const base = { objectives: rec.objectives, combined: rec.combined };
  if (params.advisory) {
    const chosen = params.chosen;
    if (chosen === undefined || !Number.isSafeInteger(chosen) || chosen < 0 || chosen >= params.nOptions) {
      throw new ScoringInputError(
        `decide: advisory terms need the arbiter's option in [0, ${params.nOptions})`,
        {
          details: `chosen ${chosen}`,
        },
      );
    }
    return { option: chosen, explored: false, defaulted: false, ...base };
  }
  if (rec.totalWeight === 0n) {
    asUint256("randomWord", params.randomWord);
    return { option: 0, explored: false, defaulted: true, ...base };
  }
  const draw = explorationDraw(params.randomWord, params.epsilon, params.nOptions);
  if (draw.explore) return { option: draw.option, explored: true, defaulted: false, ...base };
  return { option: rec.option, explored: false, defaulted: false, ...base };
}

/**
 * A forecaster's own best option: argmax over options of J of its forecast vector, ties to the lowest
 * index (an option bond is returned when some revealed forecast "supports" its option this way).
 * @param forecasts `forecasts[option][metric]`.
 * @param objective The objective.
 * @returns The option index.
 */
export function bestOptionOf(forecasts: readonly (readonly bigint[])[], objective: Objective): number {
  if (forecasts.length === 0) throw new ScoringInputError("bestOptionOf: no options");
  return argmax(forecasts.map((x) => objectiveValue(objective, x)));
}

/**
 * The loss of a conditional forecast on the option taken: `(Σ_m metricLoss(f[m], o[m], scale_m,
 * kind_m)) / M` (one integer division by the metric count); `undefined` (committed, not revealed) is a
 * miss, `MISS_LOSS`.
 * @param forecast The forecaster's vector for the option taken, one value per metric, or undefined.
 * @param outcome The final outcome of epoch e + h, one value per metric.
 * @param metrics The agreement's metrics.
 * @returns The loss in WAD.
 */
export function conditionalLoss(
  forecast: readonly bigint[] | undefined,
  outcome: readonly bigint[],
  metrics: readonly MetricScoring[],
): bigint {
  if (forecast === undefined) return MISS_LOSS;
  const n = metrics.length;
  if (n === 0 || forecast.length !== n || outcome.length !== n) {
    throw new ScoringInputError("conditionalLoss: one forecast value and one outcome per metric", {
      details: `${forecast.length} values, ${outcome.length} outcomes, ${n} metrics`,
    });
  }
  let sum = 0n;
  for (let m = 0; m < n; m++)
    sum = add(sum, metricLoss(forecast[m], outcome[m], metrics[m].scale, metrics[m].lossKind));
  return div(sum, BigInt(n));
}

/** `keccak256(bytes(label))`, an option's hash. */
export function optionHash(label: string): Hex {
  return keccak256(stringToHex(label));
}

/** `keccak256(abi.encode(bytes32[] optionHashes))`, in option order. */
export function optionSetHash(labels: readonly string[]): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32[]" }], [labels.map(optionHash)]));
}

/** A forecast flattened option-major: `[o0m0, o0m1, …, o1m0, …]`. */
export function flattenForecasts(forecasts: readonly (readonly bigint[])[]): bigint[] {
  return forecasts.flatMap((row) => [...row]);
}

/**
 * A conditional forecast commitment: `keccak256(abi.encode(CONDITIONAL_COMMIT_TAG, chainid,
 * conditional, agreementId, epoch, candidateId, optionSetHash, int128[] flattened forecasts, salt))`.
 * @returns The commitment.
 */
export function conditionalCommitment(a: {
  chainId: number | bigint;
  conditional: Hex;
  agreementId: bigint;
  epoch: bigint;
  candidateId: bigint;
  optionSetHash: Hex;
  forecasts: readonly (readonly bigint[])[];
  salt: Hex;
}): Hex {
  const flat = flattenForecasts(a.forecasts);
  flat.forEach((v, i) => asIntN(`forecast ${i}`, v, 128));
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes32" },
        { type: "int128[]" },
        { type: "bytes32" },
      ],
      [
        CONDITIONAL_COMMIT_TAG,
        BigInt(a.chainId),
        a.conditional,
        a.agreementId,
        a.epoch,
        a.candidateId,
        a.optionSetHash,
        flat,
        a.salt,
      ],
    ),
  );
}
