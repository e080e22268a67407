/**
 * A candidate's effective score record: the TypeScript twin of `HubStorage._applyMissed`, `_rebase`
 * and `_isEligible` in `contracts/hub/HubStorage.sol`. The hub applies missed reveals lazily: a
 * pending forecast whose reveal deadline has passed counts as a worst-loss miss (closed form) and
 * costs `missPenalty` of bond, unless its target's outcome is void, in which case it is dropped.
 * Selection reads every record as of the epoch's end; this file computes the same record off-chain.
 */
import { add, EvmPanicError, mul, PanicCode } from "./evmMath.js";
import { applyMisses } from "./lossMath.js";
import type { CandidateStanding } from "./selection.js";

/** Candidate status in the hub's hot slot. */
export const CandidateStatus = {
  Active: 0,
  Exiting: 1,
  Withdrawn: 2,
} as const;
export type CandidateStatus = (typeof CandidateStatus)[keyof typeof CandidateStatus];

/** Outcome status of an epoch (`IGengovHub.OutcomeStatus`). */
export const OutcomeStatus = {
  Pending: 0,
  Final: 1,
  Void: 2,
} as const;
export type OutcomeStatus = (typeof OutcomeStatus)[keyof typeof OutcomeStatus];

/** The hub's per-candidate hot slot (`HubStorage.Score`). */
export interface ScoreRecord {
  /** EWMA score (WAD, uint64). */
  score: bigint;
  /** Scored epochs, misses included (uint32). */
  scoredCount: number;
  /** Target epoch of bit 0 of `pendingMask` (uint32). */
  pendingBase: bigint;
  /** Bit i set = an unrevealed commitment for target `pendingBase + i` (uint16). */
  pendingMask: number;
  /** Bond (uint96). */
  bond: bigint;
  /** Active, Exiting or Withdrawn. */
  status: CandidateStatus;
}

/** The agreement's clock: what reveal deadlines depend on. */
export interface AgreementClock {
  genesis: bigint;
  epochLength: bigint;
  reportWindow: bigint;
  revealWindow: bigint;
}

/** Number of pending targets the record can hold (`HubStorage._RING`). */
export const RING = 16;

/**
 * `end(e) = genesis + (e + 1)·L`.
 * @param clock The agreement clock.
 * @param epoch The epoch.
 * @returns The timestamp at which the epoch ends.
 */
export function epochEnd(clock: AgreementClock, epoch: bigint): bigint {
  return clock.genesis + (epoch + 1n) * clock.epochLength;
}

/**
 * Reveal deadline of a target: `end(t) + reportWindow + revealWindow`.
 * @param clock The agreement clock.
 * @param target The target epoch.
 * @returns The first timestamp at which the reveal is late.
 */
export function revealDeadline(clock: AgreementClock, target: bigint): bigint {
  return epochEnd(clock, target) + clock.reportWindow + clock.revealWindow;
}

/**
 * `HubStorage._isVoid` from what `IGengovHub.outcome` returns: a fixed status decides; a pending one
 * is void when nobody or fewer than `quorum` reporters reported (only meaningful once the report
 * window ended). `quorum` is the one in force at the epoch's last report (HubStorage.Epoch.quorum).
 * @param status The stored outcome status.
 * @param reports Number of reports received.
 * @param quorum The quorum in force at the epoch's last report.
 * @returns Whether the target's forecasts are dropped rather than counted as misses.
 */
export function isVoidOutcome(status: OutcomeStatus, reports: number, quorum: number): boolean {
  if (status !== OutcomeStatus.Pending) return status === OutcomeStatus.Void;
  return reports === 0 || reports < quorum;
}

/**
 * `HubStorage._rebase`: shift the window so bit 0 is the lowest pending target. An empty mask keeps
 * the old base (the next commit resets it).
 * @param record The record.
 * @param mask The new pending mask, relative to `record.pendingBase`.
 * @returns A new record.
 */
export function rebase(record: ScoreRecord, mask: number): ScoreRecord {
  if (mask === 0) return { ...record, pendingMask: 0 };
  let shift = 0;
  while ((mask & (1 << shift)) === 0) shift++;
  return { ...record, pendingBase: record.pendingBase + BigInt(shift), pendingMask: mask >>> shift };
}

export interface ApplyMissedParameters {
  /** The stored record. */
  record: ScoreRecord;
  /** The agreement clock. */
  clock: AgreementClock;
  /** EWMA weight (WAD). */
  alpha: bigint;
  /** Bond moved to the treasury per miss. */
  missPenalty: bigint;
  /** Apply every pending forecast whose reveal deadline is at or before this timestamp. */
  asOf: bigint;
  /** Whether a target's outcome is void; asked only for targets whose deadline has passed. */
  isVoid: (target: bigint) => boolean;
}

export interface ApplyMissedReturnType {
  /** The record with the misses applied and the window rebased. */
  record: ScoreRecord;
  /** Misses applied (void targets are dropped, not counted). */
  misses: number;
  /** Bond moved to the treasury, at most the bond. */
  penalty: bigint;
}

/**
 * `HubStorage._applyMissed`: scan the pending bits from the lowest; stop at the first target whose
 * deadline is after `asOf` (later targets have later deadlines); drop the others, counting non-void
 * ones as misses; then `applyMisses` in closed form, add the misses to `scoredCount` and take
 * `missPenalty · misses` (capped at the bond) from the bond.
 * @returns The effective record, the misses and the penalty.
 */
export function applyMissed(params: ApplyMissedParameters): ApplyMissedReturnType {
  const { record, clock, asOf, isVoid } = params;
  let mask = record.pendingMask;
  if (mask === 0) return { record: { ...record }, misses: 0, penalty: 0n };
  let misses = 0;
  for (let i = 0; i < RING; i++) {
    if ((mask & (1 << i)) === 0) continue;
    const target = record.pendingBase + BigInt(i);
    if (revealDeadline(clock, target) > asOf) break; // later targets have later deadlines
    mask &= ~(1 << i);
    if (!isVoid(target)) misses++;
  }
  const s = rebase(record, mask);
  if (misses === 0) return { record: s, misses: 0, penalty: 0n };
  // `uint64(...)` in the contract: the closed form stays ≤ 1e18 for a valid record, so this is exact.
  s.score = BigInt.asUintN(64, applyMisses(s.score, params.alpha, BigInt(misses), s.scoredCount === 0));
  const scoredCount = add(BigInt(s.scoredCount), BigInt(misses));
  if (scoredCount >= 1n << 32n) {
    throw new EvmPanicError(PanicCode.ArithmeticOverflow, "scoredCount overflows uint32", `${scoredCount}`);
  }
  s.scoredCount = Number(scoredCount);
  let penalty = mul(params.missPenalty, BigInt(misses));
  if (penalty > s.bond) penalty = s.bond;
  s.bond -= penalty;
  return { record: s, misses, penalty };
}

/** What eligibility depends on besides the record. */
export interface EligibilityRule {
  /** Minimum bond. */
  minBond: bigint;
  /** Minimum number of scored epochs. */
  minScored: number;
}

/**
 * `HubStorage._isEligible`: active, bond ≥ minBond, scoredCount ≥ minScored.
 * @param record An effective record (misses applied).
 * @param rule The agreement's thresholds.
 * @returns Whether the candidate may be selected.
 */
export function isEligible(record: ScoreRecord, rule: EligibilityRule): boolean {
  return (
    record.status === CandidateStatus.Active &&
    record.bond >= rule.minBond &&
    record.scoredCount >= rule.minScored
  );
}

export interface EffectiveStandingParameters extends ApplyMissedParameters, EligibilityRule {
  /** The candidate's id. */
  id: bigint;
}

/**
 * `Selection._effective`: the standing selection reads for one candidate as of `asOf` (for an epoch
 * `e`, `asOf = epochEnd(e)`).
 * @returns The candidate's id, effective score and eligibility.
 */
export function effectiveStanding(params: EffectiveStandingParameters): CandidateStanding {
  const { record } = applyMissed(params);
  return { id: params.id, score: record.score, eligible: isEligible(record, params) };
}
