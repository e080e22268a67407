/**
 * What every job gets: clients, the transaction sender, the store, logs and metrics, the contract
 * addresses, and cached, immutable facts about agreements and the candidates this node operates.
 */
import { decodeAbiParameters, getAbiItem, type Hex, type PublicClient } from "viem";

import { gengovHubAbi } from "../chain/abis.js";
import type { TxSender } from "../chain/txSender.js";
import type { CandidateConfig } from "../config/schema.js";
import { BaseError } from "../errors/BaseError.js";
import type { MetricInfo, Model, ModelSpec } from "../models/types.js";
import { readContract } from "../protocol/contracts.js";
import { Selection } from "../protocol/generated.js";
import type { Store } from "../store/Store.js";
import type { ModelBackoff } from "./backoff.js";
import { clockOf, type Clock } from "./clock.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";

export type AgreementRuntime = {
  id: bigint;
  clock: Clock;
  textHash: Hex;
  text: string;
  metrics: MetricInfo[];
  capTokens: readonly Hex[];
  bondToken: Hex;
  /** `Selection.Leader` or `Selection.Weighted` (protocol/generated.ts). */
  selection: number;
  /** Weighted only: the external randomness source, or the zero address for the hub's salt beacon. */
  randomness: Hex;
  /**
   * Whether `executorOf` inside the selection window already gives the answer fixing would give:
   * true for Leader and for the beacon (its input is fixed before the window opens), false for an
   * external source, whose word may depend on the block that fixes the selection.
   */
  stableSelection: boolean;
};

export type CandidateRuntime = {
  config: CandidateConfig;
  agreementId: bigint;
  candidateId: bigint;
  spec: ModelSpec;
  specBytes: Hex;
  specHash: Hex;
  model: Model;
  /** When the model may be asked again after failures (none: ask every time). */
  backoff?: ModelBackoff;
  /** What the node knows of the candidate's record, and when to look again (in memory only). */
  status: {
    /** The epoch the exiting flag was last derived in (-1: never). */
    readIn: bigint;
    /** The owner asked to exit (from the scanned ExitRequested after the last registration). */
    exiting: boolean;
    /** Chain time of the next catch-up check (0: at the first tick, e.g. after downtime). */
    nextCatchUpAt: bigint;
    /** Every target below this was found accounted for on chain (undefined: never checked). */
    accountedThrough?: bigint;
    /** The owner withdrew the bond: nothing is owed any more. */
    withdrawn?: boolean;
    /** Wall-clock ms and epoch of the last read of the candidate's record from the hub. */
    refreshedAt?: number;
    recordEpoch?: bigint;
    /** Epochs whose executor window closed without this candidate's proposal, already counted. */
    missedWindows?: Set<bigint>;
  };
};

export type NodeContext = {
  client: PublicClient;
  sender: TxSender;
  store: Store;
  log: Logger;
  metrics: Metrics;
  chainId: number;
  hub: Hex;
  execution: Hex;
  /** The hub's jury contract (the zero address when none is attached). */
  jury: Hex;
  /** The hub's judgement contract (the zero address or absent when none is attached). */
  judgement?: Hex;
  /** The hub's conditional-forecast contract (the zero address or absent when none is attached). */
  conditional?: Hex;
  agreement(id: bigint): Promise<AgreementRuntime>;
  /** Latest block timestamp: "now" in chain time. */
  now(): Promise<bigint>;
};

const createAgreementInputs = getAbiItem({ abi: gengovHubAbi, name: "createAgreement" }).inputs;

/** Reads an agreement's immutable facts; the text comes from its creation event in the store. */
export async function loadAgreement(
  client: PublicClient,
  store: Store,
  hub: Hex,
  id: bigint,
): Promise<AgreementRuntime> {
  const [params, textHash] = await readContract(client, hub, gengovHubAbi, "agreement", [id]);
  const created = store.logs("AgreementCreated", (a) => a.agreementId === id);
  if (created.length === 0) {
    throw new BaseError(`agreement ${id}: creation event not scanned yet`, { expected: true });
  }
  const [, text] = decodeAbiParameters(createAgreementInputs, created[0].args.creation);
  return {
    id,
    clock: clockOf(params),
    textHash,
    text,
    metrics: params.metrics.map((m) => ({ name: m.name, decimals: m.decimals, scale: m.scale })),
    capTokens: params.capTokens,
    bondToken: params.bondToken,
    selection: params.selection,
    randomness: params.randomness,
    stableSelection: params.selection === Selection.Leader || BigInt(params.randomness) === 0n,
  };
}

const judgementViewAbi = [
  {
    type: "function",
    name: "judgement",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "address" }],
  },
] as const;

/** The hub's judgement contract, or the zero address (none attached, or a hub without judgement). */
export async function hubJudgement(client: PublicClient, hub: Hex): Promise<Hex> {
  try {
    return await readContract(client, hub, judgementViewAbi, "judgement", []);
  } catch {
    return "0x0000000000000000000000000000000000000000";
  }
}

const conditionalViewAbi = [
  {
    type: "function",
    name: "conditional",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "address" }],
  },
] as const;

/** The hub's conditional-forecast contract, or the zero address (none attached, or a hub without one). */
export async function hubConditional(client: PublicClient, hub: Hex): Promise<Hex> {
  try {
    return await readContract(client, hub, conditionalViewAbi, "conditional", []);
  } catch {
    return "0x0000000000000000000000000000000000000000";
  }
}
