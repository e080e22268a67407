/**
 * Human rendering of the contracts' custom errors: enum arguments get their member names.
 */

/** Members of IGengovHub.Parameter, in declaration order (test/abis.test.ts keeps this in sync). */
export const PARAMETER_NAMES = [
  "text",
  "epochLength",
  "genesis",
  "horizon",
  "reportWindow",
  "revealWindow",
  "executionWindow",
  "challengePeriod",
  "rulingPeriod",
  "exitDelay",
  "metrics",
  "arbiter",
  "bondToken",
  "minBond",
  "missPenalty",
  "rejectPenalty",
  "challengeBond",
  "alpha",
  "margin",
  "eta",
  "randomness",
  "maxOutflowPerEpoch",
  "maxInputBytes",
  "maxInputsPerEpoch",
  "inputAllowlist",
  "reporters",
  "quorum",
  "capTokens",
  "selection",
  "maxScore",
  "maxInputsPerSender",
] as const;

/** Members of IGengovExecution.Status. */
export const TRANSITION_STATUS = [
  "None",
  "Proposed",
  "Challenged",
  "Upheld",
  "Rejected",
  "Lapsed",
  "Finalized",
] as const;

/**
 * What to do about the errors whose arguments alone do not say it (docs/mechanism.md): appended to
 * the decoded error, so a CLI user reads one self-explanatory line.
 */
const HINTS: Record<string, (args: readonly unknown[]) => string> = {
  BondBelowMinimum: (a) => `the bond must be at least the agreement's minBond (${a[1]})`,
  BondAboveMaximum: (a) => `a bond counts in whole minBond units, at most ${a[1]} in all`,
  RosterFrozen: (a) =>
    `the next Weighted draw is already known: top-ups, exits and pokes wait until ${a[1]} (end of epoch ${a[0]})`,
  CandidateNotSettled: () => "too many unaccounted targets for one call: poke the candidate first",
  InputSenderLimitReached: (a) => `this sender already submitted its ${a[2]} input(s) of epoch ${a[0]}`,
  OutcomeIsVoid: () => "the outcome missed its quorum: nothing to reveal, nobody is scored",
};

export function describeRevert(errorName: string | undefined, args: readonly unknown[] | undefined): string {
  if (!errorName) return "reverted without a known custom error";
  const hint = HINTS[errorName];
  const rendered = (args ?? []).map((a, i) => {
    if (errorName === "AgreementParameterInvalid" && i === 0) return PARAMETER_NAMES[Number(a)] ?? String(a);
    if (
      /Status/.test(errorName) ||
      (errorName === "TransitionPending" && i === 1) ||
      (errorName === "TransitionAlreadyProposed" && i === 1)
    ) {
      if (typeof a === "number" && i === 1) return TRANSITION_STATUS[a] ?? String(a);
    }
    return typeof a === "bigint" ? a.toString() : String(a);
  });
  return `${errorName}(${rendered.join(", ")})${hint ? `: ${hint(args ?? [])}` : ""}`;
}
