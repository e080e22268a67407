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

export function describeRevert(errorName: string | undefined, args: readonly unknown[] | undefined): string {
  if (!errorName) return "reverted without a known custom error";
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
  return `${errorName}(${rendered.join(", ")})`;
}
