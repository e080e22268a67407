/**
 * What a participant may do about a transition now: challenge it (the live proposal, Proposed or
 * Challenged, inside its challenge period) or finalize it (Proposed after its challenge period, or
 * Upheld, or Lapsed) — the conditions GengovExecution checks. The challenge period opens at
 * `challengeOpensAt`: the proposal, or under a jury the end of its vote.
 */
import { TRANSITION_STATUS } from "../../../oracle/chain/revert.js";
import type { TransitionStatus } from "../../../oracle/verify/transitionStatus.js";

/** The execution contract's `proposal(agreementId)`. */
export type LiveProposal = {
  epoch: bigint;
  proposedAt: bigint;
  candidateId: bigint;
  status: number;
  challengeOpensAt: bigint;
};

export type TransitionRef = { epoch: bigint; candidateId: bigint };

/** The status word shown for a transition, lowercase: voting, proposed, challenged, upheld, rejected, lapsed, finalized. */
export const statusWord = (s: TransitionStatus): string => (s === "pending" ? "proposed" : s);

const isLive = (t: TransitionRef, live: LiveProposal) =>
  live.epoch === t.epoch && live.candidateId === t.candidateId && TRANSITION_STATUS[live.status] !== "None";

export function canChallenge(
  t: TransitionRef,
  live: LiveProposal,
  challengePeriod: bigint,
  now: bigint,
): boolean {
  const s = TRANSITION_STATUS[live.status];
  return (
    isLive(t, live) &&
    (s === "Proposed" || s === "Challenged") &&
    now >= live.challengeOpensAt &&
    now < live.challengeOpensAt + challengePeriod
  );
}

export function canFinalize(
  t: TransitionRef,
  live: LiveProposal,
  challengePeriod: bigint,
  now: bigint,
): boolean {
  const s = TRANSITION_STATUS[live.status];
  if (!isLive(t, live)) return false;
  if (s === "Upheld" || s === "Lapsed") return true;
  return s === "Proposed" && now >= live.challengeOpensAt + challengePeriod;
}
