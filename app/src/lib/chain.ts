/**
 * Everything the agreement pages show, read from the chain with viem and the project's ABIs: the
 * agreement list from AgreementCreated logs, and one agreement's parameters, text, clock, treasury,
 * candidates, forecasts, outcomes, executors, inputs and transitions.
 */
import {
  decodeAbiParameters,
  erc20Abi,
  getAbiItem,
  getAddress,
  hexToString,
  keccak256,
  stringToBytes,
  type Hex,
  type PublicClient,
} from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../../../oracle/chain/abis.js";
import { transitionHistory, type TransitionEntry } from "../../../oracle/verify/transitionStatus.js";
import { clockOf } from "../../../oracle/node/clock.js";
import type { Clock } from "./clock.js";
import { checkManifests, proposalKey } from "./manifestCheck.js";
import type { LiveProposal } from "./transitions.js";

const createAgreementInputs = getAbiItem({ abi: gengovHubAbi, name: "createAgreement" }).inputs;

export type TokenMeta = { address: Hex; decimals: number; symbol: string };
export type Metric = { name: string; decimals: number; lossKind: number; scale: bigint };
export type Params = {
  genesis: bigint;
  epochLength: number;
  horizon: number;
  reportWindow: number;
  revealWindow: number;
  executionWindow: number;
  challengePeriod: number;
  rulingPeriod: number;
  metrics: readonly Metric[];
  reporters: readonly Hex[];
  quorum: number;
  arbiter: Hex;
  bondToken: Hex;
  minBond: bigint;
  missPenalty: bigint;
  rejectPenalty: bigint;
  challengeBond: bigint;
  exitDelay: number;
  alpha: bigint;
  minScored: number;
  selection: number;
  margin: bigint;
  eta: bigint;
  randomness: Hex;
  capTokens: readonly Hex[];
  maxOutflowPerEpoch: readonly bigint[];
  openInputs: boolean;
  inputAllowlist: readonly Hex[];
  maxInputBytes: number;
  maxInputsPerEpoch: number;
  maxInputsPerSender: number;
  maxScore: bigint;
};
export type CandidateView = {
  owner: Hex;
  operator: Hex;
  specHash: Hex;
  bond: bigint;
  score: bigint;
  scoredCount: number;
  misses: number;
  executions: number;
  exitAt: bigint;
  exiting: boolean;
  withdrawn: boolean;
  eligible: boolean;
  cursor: bigint;
};

type Log = { blockNumber: bigint; logIndex: number; args: Record<string, unknown> };
const byOrder = (a: Log, b: Log) =>
  a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;

async function events(
  client: PublicClient,
  address: Hex,
  abi: typeof gengovHubAbi | typeof gengovExecutionAbi,
  eventName: string,
  args?: Record<string, unknown>,
): Promise<Log[]> {
  const logs = (await client.getContractEvents({
    address,
    abi,
    eventName: eventName as never,
    args: args as never,
    fromBlock: 0n,
  })) as unknown as Log[];
  return logs.sort(byOrder);
}

/** The agreement text from its creation event (the full text is emitted once, in `creation`). */
export const decodeCreationText = (creation: Hex): string =>
  (decodeAbiParameters(createAgreementInputs, creation) as readonly [unknown, string])[1];

/** The first Markdown heading of a text, or its first line. */
export function titleOf(text: string): string {
  const lines = text.split("\n").map((l) => l.trim());
  const heading = lines.find((l) => /^#{1,6}\s/.test(l));
  return (heading ?? lines.find(Boolean) ?? "").replace(/^#{1,6}\s+/, "").slice(0, 120);
}

export type AgreementSummary = { id: bigint; creator: Hex; title: string };

export async function listAgreements(client: PublicClient, hub: Hex): Promise<AgreementSummary[]> {
  const created = await events(client, hub, gengovHubAbi, "AgreementCreated");
  return created.map((l) => ({
    id: l.args.agreementId as bigint,
    creator: l.args.creator as Hex,
    title: titleOf(decodeCreationText(l.args.creation as Hex)),
  }));
}

export async function tokenMeta(client: PublicClient, address: Hex): Promise<TokenMeta> {
  const [decimals, symbol] = await Promise.all([
    client.readContract({ address, abi: erc20Abi, functionName: "decimals" }).catch(() => 18),
    client.readContract({ address, abi: erc20Abi, functionName: "symbol" }).catch(() => ""),
  ]);
  return { address, decimals: Number(decimals), symbol: String(symbol) || "tokens" };
}

export type Transition = TransitionEntry & {
  manifestHash: Hex;
  manifestText: string;
  newStateText: string;
  /** The parsed new state (undefined when it is not JSON). */
  newState: unknown;
  /** The state it built on: the last finalized one before it ({} at the start). */
  prevState: unknown;
  /** "verified" or "failed: <reason>". */
  manifestCheck: string;
};

export type AgreementData = {
  id: bigint;
  params: Params;
  textHash: Hex;
  text: string;
  textMatches: boolean;
  execution: Hex;
  /** The latest block's timestamp. */
  now: bigint;
  /** Wall-clock time (ms) when the latest block was first seen: chain time runs on from `now` since then. */
  nowSeenAt: number;
  clock: Clock;
  bondToken: TokenMeta;
  tokens: Record<string, TokenMeta>;
  treasury: { token: TokenMeta; balance: bigint; cap?: bigint; remaining?: bigint }[];
  candidates: { id: bigint; view: CandidateView }[];
  /** Each revealed forecast: its values, loss and the score after it. */
  reveals: { candidateId: bigint; target: bigint; values: readonly bigint[]; loss: bigint; score: bigint }[];
  /** Final outcomes (values) or void ones (null), by epoch. */
  outcomes: { epoch: bigint; values: readonly bigint[] | null }[];
  executors: { epoch: bigint; executor: bigint; fallback: bigint }[];
  inputs: { epoch: bigint; index: number; sender: Hex; text: string }[];
  transitions: Transition[];
  live: LiveProposal;
};

/** When each block was first seen (wall clock, ms), so chain time keeps running on a chain with no new blocks. */
const firstSeen = new Map<string, number>();
function seenAt(blockHash: string): number {
  if (!firstSeen.has(blockHash)) {
    if (firstSeen.size > 1000) firstSeen.clear();
    firstSeen.set(blockHash, Date.now());
  }
  return firstSeen.get(blockHash)!;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export async function loadAgreement(client: PublicClient, hub: Hex, id: bigint): Promise<AgreementData> {
  const [params, textHash, count] = (await client.readContract({
    address: hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [id],
  })) as unknown as readonly [Params, Hex, bigint];
  const filter = { agreementId: id };
  const [execution, block, created, revealed, finalized, voided, selected, inputs, deposited] =
    await Promise.all([
      client.readContract({ address: hub, abi: gengovHubAbi, functionName: "execution" }) as Promise<Hex>,
      client.getBlock(),
      events(client, hub, gengovHubAbi, "AgreementCreated", filter),
      events(client, hub, gengovHubAbi, "ForecastRevealed", filter),
      events(client, hub, gengovHubAbi, "OutcomeFinalized", filter),
      events(client, hub, gengovHubAbi, "OutcomeVoided", filter),
      events(client, hub, gengovHubAbi, "ExecutorSelected", filter),
      events(client, hub, gengovHubAbi, "InputSubmitted", filter),
      events(client, hub, gengovHubAbi, "TreasuryDeposited", filter),
    ]);
  const text = created[0] ? decodeCreationText(created[0].args.creation as Hex) : "";
  const now = block.timestamp;
  const clock = clockOf(params);
  const [history, live, checks, candidates] = await Promise.all([
    transitionHistory(client, execution, id),
    client.readContract({
      address: execution,
      abi: gengovExecutionAbi,
      functionName: "proposal",
      args: [id],
    }) as unknown as Promise<{
      epoch: bigint;
      proposedAt: bigint;
      candidateId: bigint;
      status: number;
      challengeOpensAt: bigint;
    }>,
    checkManifests(client, hub, execution, id).catch(
      (e: Error) => new Map<string, string>([["*", `failed: ${e.message.split("\n")[0]}`]]),
    ),
    Promise.all(
      Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1)).map(async (cid) => ({
        id: cid,
        view: (await client.readContract({
          address: hub,
          abi: gengovHubAbi,
          functionName: "candidate",
          args: [id, cid],
        })) as unknown as CandidateView,
      })),
    ),
  ]);
  const tokenAddresses = new Set<string>([params.bondToken.toLowerCase()]);
  for (const t of params.capTokens) tokenAddresses.add(t.toLowerCase());
  for (const d of deposited) tokenAddresses.add((d.args.token as string).toLowerCase());
  for (const t of history) for (const p of t.payments) tokenAddresses.add(p.token.toLowerCase());
  const metas = await Promise.all([...tokenAddresses].map((a) => tokenMeta(client, getAddress(a))));
  const tokens = Object.fromEntries(metas.map((m) => [m.address.toLowerCase(), m]));
  const epoch = now < clock.genesis ? 0n : (now - clock.genesis) / clock.epochLength;
  const treasury = await Promise.all(
    metas.map(async (token) => {
      const capIndex = params.capTokens.findIndex((t) => t.toLowerCase() === token.address.toLowerCase());
      const [balance, spent] = await Promise.all([
        client.readContract({
          address: hub,
          abi: gengovHubAbi,
          functionName: "treasuryBalance",
          args: [id, token.address],
        }) as Promise<bigint>,
        client.readContract({
          address: execution,
          abi: gengovExecutionAbi,
          functionName: "spent",
          args: [id, epoch, token.address],
        }) as Promise<bigint>,
      ]);
      const cap = capIndex >= 0 ? params.maxOutflowPerEpoch[capIndex] : undefined;
      return {
        token,
        balance,
        cap,
        remaining: cap === undefined ? undefined : cap > spent ? cap - spent : 0n,
      };
    }),
  );
  const transitions: Transition[] = history.map((t) => {
    const manifestHash = t.args.manifestHash as Hex;
    const newStateText = hexToString(t.args.newState as Hex);
    const prior = history.filter((h) => h.status === "finalized" && byOrder(h, t) < 0).at(-1);
    return {
      ...t,
      manifestHash,
      manifestText: hexToString(t.args.manifest as Hex),
      newStateText,
      newState: parseJson(newStateText),
      prevState: prior ? parseJson(hexToString(prior.args.newState as Hex)) : {},
      manifestCheck:
        checks.get(proposalKey(t.epoch, manifestHash)) ?? checks.get("*") ?? "failed: not checked",
    };
  });
  return {
    id,
    params,
    textHash,
    text,
    textMatches: keccak256(stringToBytes(text)) === textHash,
    execution,
    now,
    nowSeenAt: seenAt(block.hash ?? String(block.number)),
    clock,
    bondToken: tokens[params.bondToken.toLowerCase()],
    tokens,
    treasury,
    candidates,
    reveals: revealed.map((l) => ({
      candidateId: l.args.candidateId as bigint,
      target: BigInt(l.args.targetEpoch as bigint),
      values: l.args.values as readonly bigint[],
      loss: l.args.loss as bigint,
      score: l.args.score as bigint,
    })),
    outcomes: [
      ...finalized.map((l) => ({
        epoch: BigInt(l.args.epoch as bigint),
        values: l.args.values as readonly bigint[],
      })),
      ...voided.map((l) => ({ epoch: BigInt(l.args.epoch as bigint), values: null })),
    ].sort((a, b) => (a.epoch < b.epoch ? -1 : 1)),
    executors: selected.map((l) => ({
      epoch: BigInt(l.args.epoch as bigint),
      executor: l.args.executor as bigint,
      fallback: l.args.fallbackCandidate as bigint,
    })),
    inputs: inputs.map((l) => ({
      epoch: BigInt(l.args.epoch as bigint),
      index: Number(l.args.index),
      sender: l.args.sender as Hex,
      text: hexToString(l.args.data as Hex),
    })),
    transitions,
    live: {
      epoch: BigInt(live.epoch),
      proposedAt: BigInt(live.proposedAt),
      challengeOpensAt: BigInt(live.challengeOpensAt),
      candidateId: live.candidateId,
      status: Number(live.status),
    },
  };
}

/** What the execution contract owes `account`, per token (only tokens with something owed). */
export async function loadOwed(
  client: PublicClient,
  execution: Hex,
  account: Hex,
  tokens: TokenMeta[],
): Promise<{ token: TokenMeta; amount: bigint }[]> {
  const owed = await Promise.all(
    tokens.map(async (token) => ({
      token,
      amount: (await client.readContract({
        address: execution,
        abi: gengovExecutionAbi,
        functionName: "owed",
        args: [account, token.address],
      })) as bigint,
    })),
  );
  return owed.filter((o) => o.amount > 0n);
}
