/**
 * The transition manifest of DESIGN §6, as canonical JSON (RFC 8785 via the `canonicalize` package).
 * Its keccak256 is stored on-chain and its bytes are in the proposal's calldata and event. The model
 * spec is embedded as a JSON value; canonical JSON is recursive, so the canonical bytes of
 * `manifest.spec` are exactly the spec bytes whose hash is the candidate's on-chain specHash.
 */
import canonicalizeModule from "canonicalize";
import { keccak256, stringToBytes, toHex, type Hex } from "viem";

import type { ModelSpec, ProposedAction } from "../models/types.js";

// The package is CommonJS whose module.exports is the function; its typings describe an ES default.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

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
  outcomes: { epoch: string; values: string[] | null }[];
  scores: { candidateId: string; score: string }[];
  spec: ModelSpec;
  specHash: Hex;
  prompt: { templateId: string; promptHash: Hex };
  decoding: { temperature: number; seed: number; maxOutputTokens: number };
  response: { raw: string; outputHash: Hex; usage: unknown; fingerprint: string | null };
  node: string;
};

/** Canonical JSON text of any JSON value (throws on values JSON cannot carry). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value has no canonical JSON form");
  return text;
}

export const hashText = (text: string): Hex => keccak256(stringToBytes(text));

/** The parsed output the manifest commits to: new state and actions with amounts as strings. */
export function outputHash(newState: unknown, actions: ProposedAction[]): Hex {
  return hashText(
    canonicalJson({ newState, actions: actions.map((a) => ({ ...a, amount: a.amount.toString() })) }),
  );
}

export function specBytes(spec: ModelSpec): Hex {
  return toHex(stringToBytes(canonicalJson(spec)));
}

export function buildManifest(m: Manifest): { text: string; bytes: Hex; hash: Hex } {
  const text = canonicalJson(m);
  return { text, bytes: toHex(stringToBytes(text)), hash: hashText(text) };
}
