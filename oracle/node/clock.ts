/**
 * The epoch clock of an agreement (docs/mechanism.md, lifecycle), in chain time (block timestamps, seconds).
 */
export type Clock = {
  genesis: bigint;
  epochLength: bigint;
  horizon: bigint;
  reportWindow: bigint;
  revealWindow: bigint;
  executionWindow: bigint;
  challengePeriod: bigint;
  rulingPeriod: bigint;
  /** A jury's vote on a proposal (commit + reveal window); 0 (or absent) without a jury. */
  voteWindow?: bigint;
};

/** The clock fields of an agreement's parameters, as the hub's `agreement` view returns them. */
export type ClockParams = {
  genesis: bigint;
  epochLength: number;
  horizon: number;
  reportWindow: number;
  revealWindow: number;
  executionWindow: number;
  challengePeriod: number;
  rulingPeriod: number;
  jury?: { jurySize: number; voteCommitWindow: number; voteRevealWindow: number };
};

/** An agreement's clock from its parameters. */
export const clockOf = (p: ClockParams): Clock => ({
  genesis: p.genesis,
  epochLength: BigInt(p.epochLength),
  horizon: BigInt(p.horizon),
  reportWindow: BigInt(p.reportWindow),
  revealWindow: BigInt(p.revealWindow),
  executionWindow: BigInt(p.executionWindow),
  challengePeriod: BigInt(p.challengePeriod),
  rulingPeriod: BigInt(p.rulingPeriod),
  voteWindow: p.jury && p.jury.jurySize > 0 ? BigInt(p.jury.voteCommitWindow + p.jury.voteRevealWindow) : 0n,
});

export const epochAt = (c: Clock, t: bigint): bigint =>
  t < c.genesis ? -1n : (t - c.genesis) / c.epochLength;
export const epochStart = (c: Clock, e: bigint): bigint => c.genesis + e * c.epochLength;
export const epochEnd = (c: Clock, e: bigint): bigint => epochStart(c, e + 1n);
export const revealOpens = (c: Clock, target: bigint): bigint => epochEnd(c, target) + c.reportWindow;
export const revealCloses = (c: Clock, target: bigint): bigint => revealOpens(c, target) + c.revealWindow;
/** Selection of epoch e can be fixed in [end(e), end(e) + reportWindow + revealWindow). */
export const selectionCloses = (c: Clock, e: bigint): bigint => revealCloses(c, e);
export const executorWindow = (c: Clock, e: bigint) => ({
  opens: epochEnd(c, e),
  closes: epochEnd(c, e) + c.executionWindow,
});
export const fallbackWindow = (c: Clock, e: bigint) => ({
  opens: epochEnd(c, e) + c.executionWindow,
  closes: epochEnd(c, e) + 2n * c.executionWindow,
});
/**
 * Once the executor's transition of e is rejected, the fallback may propose until
 * max(end(e) + 2W, end(e) + epochLength − voteWindow − challengePeriod − rulingPeriod): the last
 * moment its own transition can still be voted on, challenged and ruled on before end(e + 1).
 */
export const fallbackWindowAfterRejection = (c: Clock, e: bigint) => {
  const ordinary = fallbackWindow(c, e);
  const late = epochEnd(c, e) + c.epochLength - (c.voteWindow ?? 0n) - c.challengePeriod - c.rulingPeriod;
  return { opens: ordinary.opens, closes: late > ordinary.closes ? late : ordinary.closes };
};
