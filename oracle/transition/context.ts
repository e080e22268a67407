/**
 * The context of a transition: the request its executor's model answers and the values its manifest
 * commits to, rebuilt from the previous finalized state, the agreement's inputs and the values read
 * when the transition was proposed. The proposer builds it from its store and `gengov verify` from
 * RPC, both with `transitionContext`, so verify recomputes exactly what the proposer did.
 */
import { hexToString, keccak256, zeroHash, type Hex } from "viem";

import type {
  AllowedToken,
  EpochRecord,
  ExecuteRequest,
  MetricInfo,
  TransitionDecision,
} from "../models/types.js";

/** An `InputSubmitted` event's arguments. */
export type ChainInput = { epoch: bigint; index: number; sender: Hex; data: Hex };

export type TransitionSources = {
  agreementId: bigint;
  epoch: bigint;
  agreementText: string;
  metrics: MetricInfo[];
  /** The last finalized state document's bytes and epoch; null and null before the first transition. */
  previous: { bytes: Hex | null; epoch: bigint | null };
  /** Every input of the agreement up to and including `epoch`, in chain order. */
  inputs: readonly ChainInput[];
  /** Values read at proposal time; `gengov verify` takes them from the manifest and checks the outcomes. */
  history: EpochRecord[];
  scores: { candidateId: bigint; score: bigint }[];
  allowedTokens: AllowedToken[];
  /** An epoch with a decision: the option taken (from the conditional contract, or the manifest). */
  decision?: TransitionDecision;
};

export type TransitionContext = {
  request: ExecuteRequest;
  /** keccak256 of the previous state's bytes, zero before the first transition. */
  prevStateHash: Hex;
  /** The head of the input hash chain after the last input up to `epoch`. */
  inputsHash: Hex;
  /** The inputs the request holds: those after the previous state's epoch up to `epoch`. */
  inputs: { count: number; fromEpoch: string; toEpoch: string };
};

/** The hub's input hash chain: `head = keccak256(head ‖ sender ‖ data)` from zero, over `inputs`. */
export function inputsHead(inputs: readonly ChainInput[]): Hex {
  let head: Hex = zeroHash;
  for (const i of inputs)
    head = keccak256(`0x${head.slice(2)}${i.sender.slice(2).toLowerCase()}${i.data.slice(2)}` as Hex);
  return head;
}

export function transitionContext(s: TransitionSources): TransitionContext {
  const upTo = s.inputs.filter((i) => i.epoch <= s.epoch);
  const since = upTo.filter((i) => s.previous.epoch === null || i.epoch > s.previous.epoch);
  const bytes = s.previous.bytes;
  return {
    request: {
      agreementId: s.agreementId,
      epoch: s.epoch,
      agreementText: s.agreementText,
      state: bytes ? JSON.parse(hexToString(bytes)) : {},
      inputs: since.map((i) => ({
        epoch: i.epoch,
        index: i.index,
        sender: i.sender,
        data: hexToString(i.data),
      })),
      metrics: s.metrics.map((m) => ({ name: m.name, decimals: m.decimals, scale: m.scale })),
      history: s.history,
      scores: s.scores,
      allowedTokens: s.allowedTokens,
      ...(s.decision ? { decision: s.decision } : {}),
    },
    prevStateHash: bytes ? keccak256(bytes) : zeroHash,
    inputsHash: inputsHead(upTo),
    inputs: {
      count: since.length,
      fromEpoch: s.previous.epoch === null ? "0" : (s.previous.epoch + 1n).toString(),
      toEpoch: s.epoch.toString(),
    },
  };
}
