/**
 * The transition manifest, as canonical JSON (RFC 8785 via the `canonicalize` package).
 * Its keccak256 is stored on-chain and its bytes are in the proposal's calldata and event. The model
 * spec is embedded as a JSON value; canonical JSON is recursive, so the canonical bytes of
 * `manifest.spec` are exactly the spec bytes whose hash is the candidate's on-chain specHash.
 */
import { keccak256, stringToBytes, toHex, type Hex } from "viem";

import { canonicalJson } from "../models/canonicalJson.js";
import type { ModelSpec, ProposedAction } from "../models/types.js";

export const MANIFEST_VERSION = 1;
export const NODE_VERSION = "gengov-node/0.1.0";

export type Manifest = {
  version: number;
  chainId: number;
  hub: Hex;
  execution: Hex;
  agreementId: string;
  epoch: string;
  candidateId: string;
  textHash: Hex;
  prevStateHash: Hex;
  inputsHash: Hex;
  inputs: { count: number; fromEpoch: string; toEpoch: string };
  /** values null: void, or not fixed yet when `pending` (the prompt said so). */
  outcomes: { epoch: string; values: string[] | null; pending?: boolean }[];
  scores: { candidateId: string; score: string }[];
  /** Treasury tokens the prompt offered, with remaining cap and balance at proposal time. */
  allowedTokens: { token: Hex; symbol: string; remaining: string; balance: string }[];
  spec: ModelSpec;
  specHash: Hex;
  prompt: { templateId: string; promptHash: Hex };
  decoding: { temperature: number; seed: number; maxOutputTokens: number };
  response: { raw: string; outputHash: Hex; usage: unknown; fingerprint: string | null };
  node: string;
};

export const hashText = (text: string): Hex => keccak256(stringToBytes(text));

/** The parsed output the manifest commits to: new state and actions with amounts as strings. */
export function outputHash(newState: unknown, actions: ProposedAction[]): Hex {
  return hashText(
    canonicalJson({ newState, actions: actions.map((a) => ({ ...a, amount: a.amount.toString() })) }),
  );
}

export function buildManifest(m: Manifest): { text: string; bytes: Hex; hash: Hex } {
  const text = canonicalJson(m);
  return { text, bytes: toHex(stringToBytes(text)), hash: hashText(text) };
}
