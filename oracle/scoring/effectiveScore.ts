/**
 * A candidate's score record and how it moves: the TypeScript twin of the hub's participation rules
 * in `contracts/hub/` (registration, `revealForecast`, `poke` and the `candidate` view's settlement,
 * `HubStorage._accountTo` / `_settleTo` / `_dueEnd` / `_settleEnd`, bond units).
 *
 * Every candidate has a `cursor`, the first target epoch not yet accounted. Each target from the
 * cursor on ends up revealed (scored with `ewma`), void (no outcome: skipped, no effect) or missed: a
 * forecast committed but not revealed and a forecast never committed are the same miss, the worst
 * loss. Misses are applied when the candidate next reveals (the targets between its cursor and the
 * revealed one) or is settled (`poke`: the targets whose reveal deadline has passed), in closed form
 * with `applyMisses`, each costing `missPenalty` of bond. Selection never settles: it only admits
 * candidates whose cursor is up to date (see `isEligible` in `./selection.ts`), so a stored score is
 * the effective one for every eligible candidate.
 */
import { add, div, EvmPanicError, mul, PanicCode, ScoringInputError } from "./evmMath.js";
import { applyMisses, ewma, WAD } from "./lossMath.js";
import {
  CandidateStatus as candidateStatus,
  limits,
  OutcomeStatus as outcomeStatus,
} from "../protocol/generated.js";
import type { CandidateStanding } from "./selection.js";

/** Candidate status in the hub's hot slot (generated from `HubStorage`'s constants). */
export const CandidateStatus = candidateStatus;
export type CandidateStatus = (typeof CandidateStatus)[keyof typeof CandidateStatus];

/** Outcome status of an epoch (`IGengovHub.OutcomeStatus`, generated). */
export const OutcomeStatus = outcomeStatus;
export type OutcomeStatus = (typeof OutcomeStatus)[keyof typeof OutcomeStatus];

/** A candidate's score record: what the hub keeps per candidate for scoring and selection. */
export interface ScoreRecord {
  /** EWMA score (WAD, lower is better; 1e18 = worst). */
  score: bigint;
  /** Accounted non-void targets, misses included (uint32). */
  scoredCount: number;
  /** The first target epoch not yet accounted. */
  cursor: bigint;
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

/** Most bond units a candidate can hold: the hub refuses a bond above `MAX_BOND_UNITS · minBond`. */
export const MAX_BOND_UNITS = BigInt(limits.MAX_BOND_UNITS);

/**
 * Bond units, `floor(bond / minBond)`: what a candidate weighs in a Weighted draw, and at least 1 to
 * be eligible. Splitting a bond over several seats never adds units.
 * @param bond The candidate's bond.
 * @param minBond The agreement's minimum bond (non-zero in a valid agreement).
 * @returns The units.
 * @throws ScoringInputError when the bond is above what the hub accepts.
 */
export function bondUnits(bond: bigint, minBond: bigint): bigint {
  const units = div(bond, minBond);
  if (units > MAX_BOND_UNITS)
    throw new ScoringInputError("bond above MAX_BOND_UNITS · minBond", { details: `${bond} / ${minBond}` });
  return units;
}

export interface RegisteredRecordParameters {
  /** The epoch the candidate registers in. */
  epoch: bigint;
  /** The agreement's horizon: the first target it can commit to is `epoch + horizon`. */
  horizon: bigint;
  /** Its bond. */
  bond: bigint;
}

/**
 * The record of a candidate registered during `epoch`: worst score, nothing scored, cursor at its
 * first committable target.
 * @returns A new active record.
 */
export function registeredRecord(params: RegisteredRecordParameters): ScoreRecord {
  return {
    score: WAD,
    scoredCount: 0,
    cursor: params.epoch + params.horizon,
    bond: params.bond,
    status: CandidateStatus.Active,
  };
}

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
 * `HubStorage._dueEnd`: the first target whose reveal deadline is after `asOf`; every earlier target
 * is due (settling at `asOf` may account it).
 * @param clock The agreement clock.
 * @param asOf A timestamp.
 * @returns The exclusive bound of the due targets.
 */
export function dueEnd(clock: AgreementClock, asOf: bigint): bigint {
  // revealDeadline(t) ≤ asOf ⇔ (t + 1)·L ≤ asOf − genesis − reportWindow − revealWindow.
  const lag = clock.genesis + clock.reportWindow + clock.revealWindow;
  return asOf < lag ? 0n : (asOf - lag) / clock.epochLength;
}

/**
 * Whether an epoch's outcome is void, from what `IGengovHub.outcome` returns: a fixed status decides;
 * a pending one is void when nobody or fewer than `quorum` reporters reported (only meaningful once
 * the report window ended). `quorum` is the one in force at the epoch's last report.
 * @param status The stored outcome status.
 * @param reports Number of reports received.
 * @param quorum The quorum in force at the epoch's last report.
 * @returns Whether the target is skipped rather than scored or counted as a miss.
 */
export function isVoidOutcome(status: number, reports: number, quorum: number): boolean {
  if (status !== OutcomeStatus.Pending) return status === OutcomeStatus.Void;
  return reports === 0 || reports < quorum;
}

/**
 * Misses in `[from, to)`: the targets that are not void.
 * @param from The first target.
 * @param to The exclusive bound.
 * @param isVoid Whether a target's outcome is void.
 * @returns The number of missed targets.
 */
export function countMisses(from: bigint, to: bigint, isVoid: (target: bigint) => boolean): number {
  let misses = 0;
  for (let t = from; t < to; t++) if (!isVoid(t)) misses++;
  return misses;
}

/** What accounting misses depends on besides the record. */
export interface MissRule {
  /** EWMA weight (WAD). */
  alpha: bigint;
  /** Bond moved to the treasury per miss. */
  missPenalty: bigint;
  /** Whether a target's outcome is void; asked only for targets whose report window has ended. */
  isVoid: (target: bigint) => boolean;
}

export interface ApplyMissedParameters extends MissRule {
  /** The stored record. */
  record: ScoreRecord;
  /** Account every target in `[record.cursor, through)`; nothing when `through ≤ cursor`. */
  through: bigint;
}

export interface ApplyMissedReturnType {
  /** The record with the misses applied and the cursor at `max(cursor, through)`. */
  record: ScoreRecord;
  /** Misses applied (void targets are skipped, not counted). */
  misses: number;
  /** Bond moved to the treasury, at most the bond. */
  penalty: bigint;
}

/**
 * `HubStorage._settleTo`: accounts the targets `[cursor, through)` (`_accountTo`): the non-void ones
 * are misses, applied in closed form (`applyMisses`, worst score while nothing was scored yet) and
 * added to `scoredCount`, and each takes `missPenalty` from the bond (at most the whole bond); the
 * cursor moves to `through`. Every target in the range must be due.
 * @returns The new record, the misses and the penalty.
 */
export function applyMissed(params: ApplyMissedParameters): ApplyMissedReturnType {
  const { record, through } = params;
  if (through <= record.cursor) return { record: { ...record }, misses: 0, penalty: 0n };
  const misses = countMisses(record.cursor, through, params.isVoid);
  const s: ScoreRecord = { ...record, cursor: through };
  if (misses === 0) return { record: s, misses: 0, penalty: 0n };
  s.score = applyMisses(s.score, params.alpha, BigInt(misses), s.scoredCount === 0);
  s.scoredCount = checkedCount(BigInt(s.scoredCount) + BigInt(misses));
  let penalty = mul(params.missPenalty, BigInt(misses));
  if (penalty > s.bond) penalty = s.bond;
  s.bond -= penalty;
  return { record: s, misses, penalty };
}

function checkedCount(count: bigint): number {
  if (count >= 1n << 32n)
    throw new EvmPanicError(PanicCode.ArithmeticOverflow, "scoredCount overflows uint32", `${count}`);
  return Number(count);
}

/** Most targets one `poke` accounts (`Limits.SETTLE_CHUNK`). */
export const SETTLE_CHUNK = BigInt(limits.SETTLE_CHUNK);

/**
 * `HubStorage._settleEnd`: where settling at `asOf` stops: the due targets, and for a candidate that
 * is exiting no further than its last obligated target.
 * @param clock The agreement clock.
 * @param record The record.
 * @param asOf The settlement's timestamp.
 * @param lastTarget The candidate's last obligated target (read only when it is not active).
 * @returns The exclusive bound.
 */
export function settleEnd(clock: AgreementClock, record: ScoreRecord, asOf: bigint, lastTarget = 0n): bigint {
  const end = dueEnd(clock, asOf);
  return record.status !== CandidateStatus.Active && end > lastTarget + 1n ? lastTarget + 1n : end;
}

export interface SettleParameters extends MissRule {
  /** The stored record. */
  record: ScoreRecord;
  /** The agreement clock. */
  clock: AgreementClock;
  /** The settlement's timestamp. */
  asOf: bigint;
  /** The last obligated target of an exiting candidate (`Candidate.lastTarget`). */
  lastTarget?: bigint;
  /** Most targets to account (`poke` passes `SETTLE_CHUNK`; the `candidate` view none). */
  chunk?: bigint;
}

/**
 * Settlement at `asOf`, as `poke` (with `chunk: SETTLE_CHUNK`) and the `candidate` view (without)
 * do it: `applyMissed` up to `settleEnd`. A settled active candidate is up to date again, its misses
 * in its score.
 * @returns The new record, the misses and the penalty.
 */
export function settle(params: SettleParameters): ApplyMissedReturnType {
  const { record, chunk } = params;
  let through = settleEnd(params.clock, record, params.asOf, params.lastTarget);
  if (chunk !== undefined && through > record.cursor + chunk) through = record.cursor + chunk;
  return applyMissed({ ...params, through });
}

export interface ApplyRevealParameters extends MissRule {
  /** The stored record. */
  record: ScoreRecord;
  /** The revealed target; at or after the cursor, with a final (non-void) outcome. */
  target: bigint;
  /** The revealed forecast's loss (`epochLoss`, WAD). */
  loss: bigint;
}

export interface ApplyRevealReturnType extends ApplyMissedReturnType {
  /** The score after the misses and the revealed loss. */
  record: ScoreRecord;
}

/**
 * `Forecasts.revealForecast` on the record: first the misses in `[cursor, target)` (`applyMissed`),
 * then the loss with `ewma` (the first scored target sets the score), `scoredCount + 1`, cursor at
 * `target + 1`. (The hub refuses a reveal of a void target or below the cursor.)
 * @returns The new record, the misses applied before it and their penalty.
 * @throws ScoringInputError when the target is already accounted (below the cursor).
 */
export function applyReveal(params: ApplyRevealParameters): ApplyRevealReturnType {
  const { target } = params;
  if (target < params.record.cursor) {
    throw new ScoringInputError("reveal of a target already accounted", {
      details: `target ${target} < cursor ${params.record.cursor}`,
    });
  }
  const missed = applyMissed({ ...params, through: target });
  const s = missed.record;
  s.score = ewma(s.score, params.loss, params.alpha, s.scoredCount === 0);
  s.scoredCount = checkedCount(add(BigInt(s.scoredCount), 1n));
  s.cursor = target + 1n;
  return { ...missed, record: s };
}

/**
 * The standing selection reads from a stored record (selection never settles).
 * @param id The candidate's id.
 * @param record Its stored record.
 * @param minBond The agreement's minimum bond.
 * @returns Its standing.
 */
export function standingOf(id: bigint, record: ScoreRecord, minBond: bigint): CandidateStanding {
  return {
    id,
    score: record.score,
    units: bondUnits(record.bond, minBond),
    cursor: record.cursor,
    scoredCount: record.scoredCount,
    status: record.status,
  };
}
