/**
 * The epoch clock of an agreement (DESIGN §3), in chain time (block timestamps, seconds).
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
};

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
