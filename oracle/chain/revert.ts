/**
 * Human rendering of the contracts' custom errors: enum arguments get their member names. Given a
 * context (the chain's time and the token amounts are in), times read as ISO dates with the time left
 * or passed, amounts as whole tokens, and the common errors as one sentence naming the problem.
 * `decodeRevert` finds the custom error inside any viem error, reads and sends alike.
 */
import {
  BaseError as ViemBaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  formatUnits,
  type Hex,
} from "viem";

import { judgementParameterNames, parameterNames, transitionStatusNames } from "../protocol/generated.js";
import {
  erc20ErrorsAbi,
  gengovConditionalAbi,
  gengovExecutionAbi,
  gengovHubAbi,
  gengovJudgementAbi,
  gengovJuryAbi,
} from "./abis.js";

/** Members of IGengovExecution.Status, in declaration order (the generated list, as the app reads it). */
export const TRANSITION_STATUS = transitionStatusNames;

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

/** How a token's amounts are written: its decimals and, when it has one, its symbol. */
export type TokenInfo = { decimals: number; symbol?: string };

/** What rendering a revert for a person needs beyond the error itself. */
export type RevertContext = {
  /** The chain's current time (seconds), for "in 1h 12m" and "5m ago". */
  now: bigint;
  /** The token of the amounts that name no token (the bond token, the token being deposited). */
  token?: TokenInfo;
  /** Tokens by lower-case address, for the errors that name their token. */
  tokens?: Record<string, TokenInfo>;
};

/**
 * Every custom error a gengov call can surface: the hub's, the execution contract's, the jury's, the
 * ERC-20's. One entry per name (the contracts share none but OpenZeppelin's own).
 */
export const knownErrors = (() => {
  const seen = new Set<string>();
  const all = [
    ...gengovHubAbi,
    ...gengovExecutionAbi,
    ...gengovJuryAbi,
    ...gengovJudgementAbi,
    ...gengovConditionalAbi,
    ...erc20ErrorsAbi,
  ];
  return all.filter((x): x is Extract<(typeof all)[number], { type: "error" }> => {
    if (x.type !== "error" || seen.has(x.name)) return false;
    seen.add(x.name);
    return true;
  });
})();

/** A unix time as an ISO date in UTC, to the second: 2026-12-02T14:00:00Z. */
export function formatDate(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A number of seconds in its two largest units: "2h 5m", "3d 4h", "45s". */
export function formatDuration(seconds: bigint): string {
  let s = seconds < 0n ? -seconds : seconds;
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86400n],
    ["h", 3600n],
    ["m", 60n],
    ["s", 1n],
  ] as const) {
    if (s >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${s / size}${unit}`);
      s %= size;
    }
  }
  return parts
    .filter((p, i) => i === 0 || !/^0/.test(p))
    .slice(0, 2)
    .join(" ");
}

/** A time as a date and how far it is from `now`: "2026-12-02T14:00:00Z (in 1h 12m)". */
export function formatWhen(at: bigint, now: bigint): string {
  const rel =
    at === now ? "now" : at > now ? `in ${formatDuration(at - now)}` : `${formatDuration(now - at)} ago`;
  return `${formatDate(at)} (${rel})`;
}

/** An amount in whole tokens with the token's symbol: "12.5 GOV" (base units when the token is unknown). */
export function formatTokens(amount: bigint, token: TokenInfo | undefined): string {
  if (!token) return `${amount} base units`;
  return `${formatUnits(amount, token.decimals)} ${token.symbol || "tokens"}`;
}

/** Error arguments that are unix times, and those that are token amounts, by their ABI names. */
const TIME_ARGS = new Set([
  "genesis",
  "exitAt",
  "opensAt",
  "closesAt",
  "readyAt",
  "until",
  "endsAt",
  "endedAt",
  "deadline",
]);
const AMOUNT_ARGS = new Set([
  "bond",
  "minBond",
  "maxBond",
  "amount",
  "available",
  "remaining",
  "received",
  "allowance",
  "balance",
  "needed",
]);

type Fmt = {
  when(at: unknown): string;
  tokens(amount: unknown, token?: unknown): string;
  now: bigint;
};

const window = (label: string, opens: unknown, closes: unknown, f: Fmt) =>
  f.now < BigInt(opens as bigint)
    ? `${label} opens at ${f.when(opens)}`
    : `${label} closed at ${f.when(closes)}`;

/** One sentence naming the problem, for the errors a person meets most; arguments rendered by `f`. */
const SENTENCES: Record<string, (a: readonly unknown[], f: Fmt) => string> = {
  AgreementUnknown: (a) => `no agreement ${a[0]} on this hub`,
  AgreementNotStarted: (a, f) => `agreement ${a[0]} starts at ${f.when(a[1])}`,
  CandidateUnknown: (a) => `no candidate ${a[0]} in this agreement`,
  CandidateExiting: (a) => `candidate ${a[0]} is exiting`,
  CandidateExitNotReady: (a, f) => {
    const exitAt = BigInt(a[1] as bigint);
    if (exitAt === 0n) return `candidate ${a[0]} has not requested its exit (gengov candidate exit)`;
    if (f.now < exitAt) return `candidate ${a[0]} can withdraw from ${f.when(exitAt)}`;
    return `candidate ${a[0]} has already withdrawn its bond`;
  },
  BondBelowMinimum: (a, f) =>
    `a bond of ${f.tokens(a[0])} is below the agreement's minBond of ${f.tokens(a[1])}`,
  BondAboveMaximum: (a, f) =>
    `a bond of ${f.tokens(a[0])} is above the ${f.tokens(a[1])} that can count (whole minBond units)`,
  BondAmountInvalid: (a, f) => `${f.tokens(a[0])} is not a valid bond amount`,
  ReportWindowClosed: (a, f) => window(`epoch ${a[0]}'s report window`, a[1], a[2], f),
  RevealWindowClosed: (a, f) => window(`target ${a[0]}'s reveal window`, a[1], a[2], f),
  SelectionWindowClosed: (a, f) => window(`epoch ${a[0]}'s selection window`, a[1], a[2], f),
  ProposalWindowClosed: (a, f) => window(`epoch ${a[0]}'s proposal window`, a[1], a[2], f),
  OutcomeNotReady: (a, f) => `the outcome of epoch ${a[0]} is final from ${f.when(a[1])}`,
  RosterFrozen: (a, f) =>
    `the next Weighted draw is already known: top-ups, exits and pokes wait until ${f.when(a[1])} (end of epoch ${a[0]})`,
  ChallengePeriodActive: (a, f) => `epoch ${a[0]}'s challenge period ends at ${f.when(a[1])}`,
  ChallengePeriodOver: (a, f) => `epoch ${a[0]}'s challenge period ended at ${f.when(a[1])}`,
  RulingPeriodOver: (a, f) => `epoch ${a[0]}'s ruling period ended at ${f.when(a[1])}`,
  RulingPeriodActive: (a, f) => `the arbiter may rule on epoch ${a[0]} until ${f.when(a[1])}`,
  TreasuryInsufficient: (a, f) =>
    `the treasury holds ${f.tokens(a[1], a[0])} of ${a[0]}; ${f.tokens(a[2], a[0])} needed`,
  OutflowCapExceeded: (a, f) =>
    `paying ${f.tokens(a[2], a[0])} of ${a[0]} exceeds the ${f.tokens(a[1], a[0])} left under this epoch's cap`,
  ActionsTooMany: (a) => `${a[0]} actions; a transition pays with at most ${a[1]}`,
  ChallengeBondInvalid: (a, f) => `the challenge bond that arrived (${f.tokens(a[0])}) is zero or too large`,
  ERC20InsufficientBalance: (a, f) => `${a[0]} holds ${f.tokens(a[1])}; ${f.tokens(a[2])} needed`,
  ERC20InsufficientAllowance: (a, f) =>
    `${a[0]} may spend ${f.tokens(a[1])} of the sender's tokens; ${f.tokens(a[2])} needed`,
  VoteRevealWindowActive: (a, f) => `epoch ${a[0]}'s vote can be closed from ${f.when(a[1])}`,
  VoteCommitWindowClosed: (a, f) => window(`epoch ${a[0]}'s vote commit window`, a[1], a[2], f),
  VoteRevealWindowClosed: (a, f) => window(`epoch ${a[0]}'s vote reveal window`, a[1], a[2], f),
  VoteNotOpen: (a) => `no vote is open for epoch ${a[0]}'s proposal by candidate ${a[1]} (round ${a[2]})`,
  VoteClosedAlready: (a) =>
    `the vote on epoch ${a[0]}'s proposal by candidate ${a[1]} (round ${a[2]}) is closed`,
  SeatUnknown: (a) => `seat ${a[0]} is not a seat of this jury (${a[1]} seats)`,
  CallerNotJuror: (a) => `${a[1]} is not the operator of juror ${a[0]}`,
  VoteNotPending: (a) => `juror ${a[0]} has no committed vote awaiting its reveal`,
  VoteMismatch: (a) => `the revealed vote of juror ${a[0]} does not match its commitment`,
  NothingOwed: (a, f) => `nothing is owed to ${a[0]} in ${f.tokens(0n, a[1]).replace(/^0 /, "")} (${a[1]})`,
};

/**
 * One line for a custom error. Without a context: the error with its raw arguments and a hint (the
 * node's logs). With one: a sentence naming the problem, times as dates, amounts in tokens.
 */
export function describeRevert(
  errorName: string | undefined,
  args: readonly unknown[] | undefined,
  ctx?: RevertContext,
): string {
  if (!errorName) return "reverted without a known custom error";
  if (ctx) return describeForPeople(errorName, args ?? [], ctx);
  const hint = HINTS[errorName];
  const rendered = (args ?? []).map((a, i) => renderPlain(errorName, a, i));
  return `${errorName}(${rendered.join(", ")})${hint ? `: ${hint(args ?? [])}` : ""}`;
}

function tokenOf(ctx: RevertContext, address: unknown): TokenInfo | undefined {
  if (typeof address === "string") return ctx.tokens?.[address.toLowerCase()];
  return ctx.token;
}

function describeForPeople(errorName: string, args: readonly unknown[], ctx: RevertContext): string {
  const f: Fmt = {
    now: ctx.now,
    when: (at) => formatWhen(BigInt(at as bigint), ctx.now),
    tokens: (amount, token) => formatTokens(BigInt(amount as bigint), tokenOf(ctx, token)),
  };
  const sentence = SENTENCES[errorName];
  if (sentence) return `${errorName}: ${sentence(args, f)}`;
  const item = knownErrors.find((e) => e.name === errorName);
  const rendered = args.map((a, i) => {
    const name = item?.inputs[i]?.name ?? "";
    if (TIME_ARGS.has(name)) return f.when(a);
    if (AMOUNT_ARGS.has(name)) return f.tokens(a);
    return undefined;
  });
  const hint = HINTS[errorName];
  const shown = args.map((a, i) => rendered[i] ?? renderPlain(errorName, a, i));
  return `${errorName}(${shown.join(", ")})${hint ? `: ${hint(args)}` : ""}`;
}

/** An argument as the contracts mean it: enum members by name, numbers in full. */
function renderPlain(errorName: string, a: unknown, i: number): string {
  if (errorName === "AgreementParameterInvalid" && i === 0) return parameterNames[Number(a)] ?? String(a);
  if (errorName === "JudgementParameterInvalid" && i === 0)
    return judgementParameterNames[Number(a)] ?? String(a);
  if (
    typeof a === "number" &&
    i === 1 &&
    /Status|TransitionPending|TransitionAlreadyProposed/.test(errorName)
  )
    return transitionStatusNames[a] ?? String(a);
  return typeof a === "bigint" ? a.toString() : String(a);
}

/** A revert found inside a viem error: its custom error when known, else the reason if any. */
export type DecodedRevert = {
  errorName?: string;
  args?: readonly unknown[];
  reason?: string;
  /** The contract function that reverted (when viem knows it). */
  functionName?: string;
};

/**
 * Finds the revert inside any viem error (a read or a simulated send) and decodes its custom error
 * against every known gengov and ERC-20 error, also when the ABI of the call did not list it.
 * Undefined when the error is not a revert (an RPC failure, a bad argument).
 */
export function decodeRevert(error: unknown): DecodedRevert | undefined {
  if (!(error instanceof ViemBaseError)) return undefined;
  const reverted = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  if (!reverted) return undefined;
  const functionName = (error as { functionName?: string }).functionName;
  if (reverted.data?.errorName)
    return { errorName: reverted.data.errorName, args: reverted.data.args ?? [], functionName };
  const raw = (reverted as { raw?: Hex }).raw;
  if (raw && raw.length >= 10) {
    try {
      const d = decodeErrorResult({ abi: knownErrors, data: raw });
      return { errorName: d.errorName, args: (d.args ?? []) as readonly unknown[], functionName };
    } catch {
      // not one of ours: fall through to the reason
    }
  }
  return { reason: reverted.reason || undefined, functionName };
}
