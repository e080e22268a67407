/**
 * Executor selection of DESIGN §5: the TypeScript twin of `Selection._computeSelection`, `_draw` and
 * `ranking` in `contracts/hub/Selection.sol`. Given each candidate's effective standing at the
 * epoch's end (see `./effectiveScore.ts`), it returns the same executor and fallback as the contract,
 * bit for bit: the node uses it to know whether it executes before anyone fixes the selection.
 */
import { add, asUint256, div, MAX_UINT256, mod, mul, ScoringInputError, sub } from "./evmMath.js";
import { expNegWad, WAD } from "./lossMath.js";

/** How an agreement chooses its executor (`IGengovHub.Selection`). */
export const SelectionMode = {
  Leader: 0,
  Weighted: 1,
} as const;
export type SelectionMode = (typeof SelectionMode)[keyof typeof SelectionMode];

/** A candidate's effective standing at an epoch's end: what the selection loop reads per id. */
export interface CandidateStanding {
  /** Candidate id (from 1). */
  id: bigint;
  /** Effective score (WAD, lower is better). */
  score: bigint;
  /** Bonded ≥ minBond, active, scoredCount ≥ minScored. */
  eligible: boolean;
}

export interface ComputeSelectionParameters {
  /** Every candidate of the agreement, in any order; scanned by ascending id like the contract. */
  candidates: readonly CandidateStanding[];
  /** The agreement's last executor (`lastExecutor`, 0 = none): the Leader hysteresis incumbent. */
  incumbent: bigint;
  /** Leader hysteresis margin (WAD). */
  margin: bigint;
  /** Leader or Weighted. */
  mode: SelectionMode;
  /** Weighted temperature (WAD). */
  eta: bigint;
  /** `IRandomnessSource.randomWord(agreementId, epoch)`; required for Weighted with an eligible candidate. */
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
 * The executor and fallback of an epoch, exactly as `Selection._computeSelection`: one scan by
 * ascending id keeps the best and second-best eligible scores with strict `<` (ties go to the lower
 * id); Leader keeps an eligible incumbent while `bestScore + margin ≥ incumbentScore`; Weighted draws
 * with `drawWeighted`. The fallback is the best when the executor is not the best, else the second.
 * @returns The executor and fallback (0 = none).
 */
export function computeSelection(params: ComputeSelectionParameters): ComputeSelectionReturnType {
  const { incumbent, margin, mode, eta } = params;
  const weighted = mode === SelectionMode.Weighted;
  let best = 0n;
  let bestScore = MAX_UINT256;
  let second = 0n;
  let secondScore = MAX_UINT256;
  let incumbentScore = MAX_UINT256;
  const ids: bigint[] = [];
  const scores: bigint[] = [];
  for (const c of byId(params.candidates)) {
    if (!c.eligible) continue;
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
    }
  }
  if (best === 0n) return { executor: 0n, fallback: 0n };
  let executor: bigint;
  if (weighted) {
    if (params.randomWord === undefined)
      throw new ScoringInputError("computeSelection: Weighted needs randomWord");
    executor = drawWeighted({ ids, scores, minScore: bestScore, eta, randomWord: params.randomWord });
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
 * Draw weights `expNegWad(eta · (S − S_min) / 1e18)`, as `Selection._draw` computes them.
 * @param scores Eligible candidates' scores (WAD), each ≥ `minScore`.
 * @param minScore The lowest of them.
 * @param eta Temperature (WAD).
 * @returns One weight (WAD) per score.
 */
export function selectionWeights(scores: readonly bigint[], minScore: bigint, eta: bigint): bigint[] {
  return scores.map((s) => expNegWad(div(mul(eta, sub(s, minScore)), WAD)));
}

export interface DrawWeightedParameters {
  /** Eligible candidate ids, ascending. */
  ids: readonly bigint[];
  /** Their scores (WAD). */
  scores: readonly bigint[];
  /** The lowest score. */
  minScore: bigint;
  /** Temperature (WAD). */
  eta: bigint;
  /** The randomness source's word. */
  randomWord: bigint;
}

/**
 * `Selection._draw`: `pick = randomWord % Σweights`, then walk the ids in order subtracting weights
 * until `pick < weight`.
 * @returns The drawn candidate id.
 */
export function drawWeighted(params: DrawWeightedParameters): bigint {
  const { ids, randomWord } = params;
  if (ids.length !== params.scores.length || ids.length === 0) {
    throw new ScoringInputError("drawWeighted: ids and scores differ in length or are empty", {
      details: `${ids.length} ids, ${params.scores.length} scores`,
    });
  }
  const weights = selectionWeights(params.scores, params.minScore, params.eta);
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
  /** Their effective scores (WAD). */
  scores: bigint[];
}

/**
 * `Selection.ranking`: eligible candidates ordered by (score, id) ascending.
 * @param candidates Every candidate's standing, in any order.
 * @returns Ids and scores, best first.
 */
export function ranking(candidates: readonly CandidateStanding[]): RankingReturnType {
  const eligible = byId(candidates)
    .filter((c) => c.eligible)
    .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.id < b.id ? -1 : 1));
  return { ids: eligible.map((c) => c.id), scores: eligible.map((c) => c.score) };
}
