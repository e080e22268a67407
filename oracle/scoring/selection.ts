/**
 * Executor selection: the TypeScript twin of `_computeSelection`, `_draw` and `ranking`
 * in `contracts/hub/ExecutorSelection.sol`. Given each candidate's stored standing (see
 * `standingOf` in `./effectiveScore.ts`; the scan never settles), it returns the same executor and
 * fallback as the contract, bit for bit (the differential tests check it). `gengov status` uses it
 * to project the current epoch's executor (`./projection.ts`); the node reads `executorOf` from the
 * hub to know whether it executes.
 *
 * Eligible for epoch e: active, at least one bond unit, `scoredCount ≥ minScored`, `score ≤ maxScore`
 * and up to date (`cursor ≥ upToDateFloor(e)`: every non-void target before e revealed or settled).
 * Leader: lowest score, ties to the lower id, with hysteresis for the incumbent. Weighted: a draw with
 * weight `units · exp(−eta·(S − S_min))`, so splitting one bond over several seats adds no weight.
 */
import { encodeAbiParameters, keccak256, type Hex } from "viem";

import { add, asUint256, div, MAX_UINT256, mod, mul, ScoringInputError, sub } from "./evmMath.js";
import { limits, Selection } from "../protocol/generated.js";
import { CandidateStatus } from "./effectiveScore.js";
import { expNegWad, WAD } from "./lossMath.js";

/** How an agreement chooses its executor (`IGengovHub.Selection`, generated). */
export const SelectionMode = Selection;
export type SelectionMode = (typeof SelectionMode)[keyof typeof SelectionMode];

/** An agreement's `selection` parameter as read from the hub (a uint8), checked to be a mode. */
export function selectionMode(value: number): SelectionMode {
  if (value === SelectionMode.Leader || value === SelectionMode.Weighted) return value;
  throw new ScoringInputError(`unknown selection mode ${value}`);
}

/** Largest Weighted temperature the hub accepts (`0 < eta ≤ MAX_ETA`, a uint96 WAD). */
export const MAX_ETA = limits.MAX_ETA;

/** Most void targets `upToDateFloor` steps back over (`Limits.MAX_VOID_LOOKBACK`). */
export const MAX_VOID_LOOKBACK = limits.MAX_VOID_LOOKBACK;

/** What the selection scan reads per candidate: its stored record and bond units. */
export interface CandidateStanding {
  /** Candidate id (from 1). */
  id: bigint;
  /** Stored score (WAD, lower is better). */
  score: bigint;
  /** Bond units, `floor(bond / minBond)`. */
  units: bigint;
  /** The first target not yet accounted. */
  cursor: bigint;
  /** Accounted non-void targets, misses included. */
  scoredCount: number;
  /** Active, Exiting or Withdrawn. */
  status: CandidateStatus;
}

/** What eligibility for one epoch depends on besides the standing. */
export interface EligibilityRule {
  /** Minimum number of accounted targets. */
  minScored: number;
  /** Highest score that may hold a seat (WAD). */
  maxScore: bigint;
  /** The epoch's `upToDateFloor`: the cursor a candidate needs to be up to date. */
  floor: bigint;
}

/**
 * `ExecutorSelection._upToDateFloor`: the cursor a candidate needs to be up to date for `epoch`.
 * Starts at `epoch` and steps back over targets `epoch − 1`, `epoch − 2`, … while that target is
 * void, at most `MAX_VOID_LOOKBACK` steps (nobody can be scored on a void target, so it holds nobody
 * back).
 * @param epoch The epoch being selected.
 * @param isVoid Whether a target's outcome is void (asked for targets whose report window ended).
 * @returns The floor.
 */
export function upToDateFloor(epoch: bigint, isVoid: (target: bigint) => boolean): bigint {
  let floor = epoch;
  while (floor !== 0n && epoch - floor < BigInt(MAX_VOID_LOOKBACK) && isVoid(floor - 1n)) floor--;
  return floor;
}

/**
 * `ScoreRecord.eligible`: active, `units ≥ 1`, `scoredCount ≥ minScored`, `score ≤ maxScore` and
 * `cursor ≥ floor` (for a selection, the epoch's `upToDateFloor`; the `candidate` view uses the
 * `upToDateFloor` of the current `dueEnd`).
 * @param standing The candidate's stored standing.
 * @param rule The agreement's thresholds and the epoch's floor.
 * @returns Whether the candidate may be selected.
 */
export function isEligible(standing: CandidateStanding, rule: EligibilityRule): boolean {
  return (
    standing.status === CandidateStatus.Active &&
    standing.units >= 1n &&
    standing.scoredCount >= rule.minScored &&
    standing.score <= rule.maxScore &&
    standing.cursor >= rule.floor
  );
}

export interface ComputeSelectionParameters {
  /** Every candidate of the agreement, in any order; scanned by ascending id like the contract. */
  candidates: readonly CandidateStanding[];
  /** Eligibility thresholds and the epoch's floor. */
  rule: EligibilityRule;
  /** The agreement's last executor (`lastExecutor`, 0 = none): the Leader hysteresis incumbent. */
  incumbent: bigint;
  /** Leader hysteresis margin (WAD). */
  margin: bigint;
  /** Leader or Weighted. */
  mode: SelectionMode;
  /** Weighted temperature (WAD, `0 < eta ≤ MAX_ETA`; unused by Leader). */
  eta: bigint;
  /**
   * The draw's word: `beaconWord(agreementId, epoch, beacon)` or the agreement's external
   * `IRandomnessSource.randomWord(agreementId, epoch)`; required for Weighted with an eligible candidate.
   */
  randomWord?: bigint;
}

export interface ComputeSelectionReturnType {
  /** The executor (0 = none). */
  executor: bigint;
  /** The best eligible candidate other than the executor, per the contract's rule (0 = none). */
  fallback: bigint;
}

function byId(candidates: readonly CandidateStanding[]): CandidateStanding[] {
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].id === sorted[i - 1].id)
      throw new ScoringInputError("duplicate candidate id", { details: `${sorted[i].id}` });
  }
  return sorted;
}

/**
 * The executor and fallback of an epoch, exactly as `ExecutorSelection._computeSelection`: one scan by
 * ascending id keeps the best and second-best eligible scores with strict `<` (ties go to the lower
 * id); Leader keeps an eligible incumbent while `bestScore + margin ≥ incumbentScore`; Weighted draws
 * with `drawWeighted`. The fallback is the best when the executor is not the best, else the second.
 * @returns The executor and fallback (0 = none).
 */
export function computeSelection(params: ComputeSelectionParameters): ComputeSelectionReturnType {
  const { incumbent, margin, mode, eta, rule } = params;
  const weighted = mode === SelectionMode.Weighted;
  let best = 0n;
  let bestScore = MAX_UINT256;
  let second = 0n;
  let secondScore = MAX_UINT256;
  let incumbentScore = MAX_UINT256;
  const ids: bigint[] = [];
  const scores: bigint[] = [];
  const units: bigint[] = [];
  for (const c of byId(params.candidates)) {
    if (!isEligible(c, rule)) continue;
    const score = asUint256("score", c.score);
    if (score < bestScore) {
      [second, secondScore] = [best, bestScore];
      [best, bestScore] = [c.id, score];
    } else if (score < secondScore) {
      [second, secondScore] = [c.id, score];
    }
    if (c.id === incumbent) incumbentScore = score;
    if (weighted) {
      ids.push(c.id);
      scores.push(score);
      units.push(c.units);
    }
  }
  if (best === 0n) return { executor: 0n, fallback: 0n };
  let executor: bigint;
  if (weighted) {
    if (params.randomWord === undefined)
      throw new ScoringInputError("computeSelection: Weighted needs randomWord");
    executor = drawWeighted({ ids, scores, units, minScore: bestScore, eta, randomWord: params.randomWord });
  } else {
    executor = best;
    // Hysteresis: an eligible incumbent keeps the seat unless beaten by more than `margin`.
    if (incumbentScore !== MAX_UINT256 && incumbent !== best && add(bestScore, margin) >= incumbentScore) {
      executor = incumbent;
    }
  }
  return { executor, fallback: executor === best ? second : best };
}

/**
 * Draw weights `units · expNegWad(eta · (S − S_min) / 1e18)`, as `ExecutorSelection._draw` computes them.
 * @param scores Eligible candidates' scores (WAD), each ≥ `minScore`.
 * @param units Their bond units, one per score.
 * @param minScore The lowest score.
 * @param eta Temperature (WAD, `0 < eta ≤ MAX_ETA`).
 * @returns One weight per score.
 */
export function selectionWeights(
  scores: readonly bigint[],
  units: readonly bigint[],
  minScore: bigint,
  eta: bigint,
): bigint[] {
  if (units.length !== scores.length) {
    throw new ScoringInputError("selectionWeights: scores and units differ in length", {
      details: `${scores.length} scores, ${units.length} units`,
    });
  }
  if (eta <= 0n || eta > MAX_ETA)
    throw new ScoringInputError("eta outside (0, MAX_ETA]", { details: `${eta}` });
  return scores.map((s, i) => mul(units[i], expNegWad(div(mul(eta, sub(s, minScore)), WAD))));
}

export interface DrawWeightedParameters {
  /** Eligible candidate ids, ascending. */
  ids: readonly bigint[];
  /** Their scores (WAD). */
  scores: readonly bigint[];
  /** Their bond units. */
  units: readonly bigint[];
  /** The lowest score. */
  minScore: bigint;
  /** Temperature (WAD). */
  eta: bigint;
  /** The randomness source's word. */
  randomWord: bigint;
}

/**
 * `ExecutorSelection._draw`: `pick = randomWord % Σweights`; the drawn id is the first whose running total
 * of weights exceeds `pick` (the contract bisects the running totals; walking them gives the same id).
 * @returns The drawn candidate id.
 */
export function drawWeighted(params: DrawWeightedParameters): bigint {
  const { ids, randomWord } = params;
  if (ids.length !== params.scores.length || ids.length === 0) {
    throw new ScoringInputError("drawWeighted: ids and scores differ in length or are empty", {
      details: `${ids.length} ids, ${params.scores.length} scores`,
    });
  }
  const weights = selectionWeights(params.scores, params.units, params.minScore, params.eta);
  const total = weights.reduce((acc, w) => add(acc, w), 0n);
  let pick = mod(asUint256("randomWord", randomWord), total);
  for (let i = 0; i < ids.length; i++) {
    if (pick < weights[i]) return ids[i];
    pick -= weights[i];
  }
  return ids[ids.length - 1]; // unreachable: pick < total, as in the contract
}

export interface RankingReturnType {
  /** Eligible candidate ids, best first, ties by lower id. */
  ids: bigint[];
  /** Their scores (WAD). */
  scores: bigint[];
}

/**
 * `ExecutorSelection.ranking`: eligible candidates ordered by (score, id) ascending.
 * @param candidates Every candidate's standing, in any order.
 * @param rule Eligibility thresholds and the epoch's floor.
 * @returns Ids and scores, best first.
 */
export function ranking(candidates: readonly CandidateStanding[], rule: EligibilityRule): RankingReturnType {
  const eligible = byId(candidates)
    .filter((c) => isEligible(c, rule))
    .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.id < b.id ? -1 : 1));
  return { ids: eligible.map((c) => c.id), scores: eligible.map((c) => c.score) };
}

/**
 * The beacon of a target (`Epoch.beacon`): the XOR of the low 64 bits of every salt revealed for it
 * by a candidate that registered into the beacon (every candidate of a Weighted agreement without an
 * external randomness source).
 * @param salts The revealed salts.
 * @returns The beacon (uint64).
 */
export function beaconOf(salts: readonly Hex[]): bigint {
  return salts.reduce((acc, salt) => acc ^ BigInt.asUintN(64, BigInt(salt)), 0n);
}

/**
 * `ExecutorSelection._randomWord` without an external source: `keccak256(abi.encode(agreementId,
 * epoch, beacon(epoch − 1)))`, with beacon 0 for epoch 0 and after a void target.
 * @param agreementId The agreement.
 * @param epoch The epoch being drawn.
 * @param beacon The beacon of target `epoch − 1`.
 * @returns The draw's word.
 */
export function beaconWord(agreementId: bigint, epoch: bigint, beacon: bigint): bigint {
  return BigInt(
    keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint64" }, { type: "uint64" }],
        [agreementId, epoch, beacon],
      ),
    ),
  );
}
