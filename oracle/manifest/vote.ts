/**
 * The vote manifest: a juror's reasoning on a proposed transition, as canonical JSON (RFC 8785). Its
 * keccak256 is the rationale hash the vote's commitment binds, and its bytes are revealed with the
 * vote (`revealVote`, event `VoteRevealed`). It names the vote, the juror's model spec, the model
 * call that produced it (the prompt's template and hash, the raw answer) and the values the request
 * was built from, so `gengov verify` can render the same validate prompt from chain data and compare
 * its hash. The spec is embedded as a JSON value: its canonical bytes hash to the juror's specHash.
 */
import { keccak256, stringToBytes, toHex, type Hex } from "viem";
import { z } from "zod";

import { canonicalJson } from "../models/canonicalJson.js";
import { modelSpecSchema } from "../models/spec.js";
import type { ModelSpec, ModelUsage, ValidateResult } from "../models/types.js";
import { NODE_VERSION } from "./manifest.js";

export const VOTE_MANIFEST_VERSION = 1;

const hex = (length: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${length}}$`))
    .transform((s) => s as Hex);
const hash = hex(64);
const address = hex(40);
const uint = z.string().regex(/^\d+$/, "expected a decimal integer string");
const int = z.string().regex(/^-?\d+$/, "expected a decimal integer string");

/** What every vote manifest states: which vote it is, and the vote. */
const voteBindingShape = {
  version: z.literal(VOTE_MANIFEST_VERSION),
  kind: z.literal("vote"),
  chainId: z.number().int(),
  jury: address,
  agreementId: uint,
  epoch: uint,
  proposer: uint,
  round: z.union([z.literal(0), z.literal(1)]),
  jurorId: uint,
  vote: z.enum(["accept", "reject"]),
  rationale: z.string(),
};

/** A vote manifest as read back from chain; `gengov verify` parses every one with it. */
export const voteManifestSchema = z.strictObject({
  ...voteBindingShape,
  /** The values the validate request was built from (as the proposal's manifest states them). */
  readings: z.strictObject({
    outcomes: z.array(
      z.strictObject({ epoch: uint, values: z.array(int).nullable(), pending: z.literal(true).optional() }),
    ),
    scores: z.array(z.strictObject({ candidateId: uint, score: uint })),
    allowedTokens: z.array(
      z.strictObject({ token: address, symbol: z.string(), remaining: uint, balance: uint }),
    ),
  }),
  /** The juror's model spec (its system prompt is part of the prompt); its hash is `specHash`. */
  spec: modelSpecSchema,
  specHash: hash,
  call: z.strictObject({
    templateId: z.string(),
    promptHash: hash,
    raw: z.string(),
    fingerprint: z.string().nullable(),
    usage: z
      .strictObject({
        promptTokens: z.number(),
        completionTokens: z.number(),
        totalTokens: z.number(),
      })
      .nullable(),
  }),
  node: z.string(),
});

export type VoteManifest = Omit<z.infer<typeof voteManifestSchema>, "spec"> & { spec: ModelSpec };

export type VoteReadings = VoteManifest["readings"];

/** Checks a vote manifest read from chain (already parsed from JSON) against `voteManifestSchema`. */
export function parseVoteManifest(value: unknown): { manifest: VoteManifest } | { problem: string } {
  const result = voteManifestSchema.safeParse(value);
  if (result.success) return { manifest: result.data as VoteManifest };
  const issue = result.error.issues[0];
  return { problem: `${issue.path.join(".") || "(root)"}: ${issue.message}` };
}

export type VoteBinding = {
  chainId: number;
  jury: Hex;
  agreementId: bigint;
  epoch: bigint;
  proposer: bigint;
  round: number;
  jurorId: bigint;
  spec: ModelSpec;
  specHash: Hex;
};

/** The manifest of a juror's vote from its binding, the readings and the model's answer. */
export function voteManifest(
  binding: VoteBinding,
  readings: VoteReadings,
  answer: Pick<
    ValidateResult,
    "accept" | "rationale" | "templateId" | "promptHash" | "raw" | "fingerprint"
  > & {
    usage: ModelUsage | null;
  },
): VoteManifest {
  return {
    version: VOTE_MANIFEST_VERSION,
    kind: "vote",
    chainId: binding.chainId,
    jury: binding.jury,
    agreementId: binding.agreementId.toString(),
    epoch: binding.epoch.toString(),
    proposer: binding.proposer.toString(),
    round: binding.round === 1 ? 1 : 0,
    jurorId: binding.jurorId.toString(),
    vote: answer.accept ? "accept" : "reject",
    rationale: answer.rationale,
    readings,
    spec: binding.spec,
    specHash: binding.specHash,
    call: {
      templateId: answer.templateId,
      promptHash: answer.promptHash,
      raw: answer.raw,
      fingerprint: answer.fingerprint,
      usage: answer.usage
        ? {
            promptTokens: answer.usage.promptTokens,
            completionTokens: answer.usage.completionTokens,
            totalTokens: answer.usage.totalTokens,
          }
        : null,
    },
    node: NODE_VERSION,
  };
}

/** The canonical text, bytes and keccak256 (the rationale hash) of a vote manifest. */
export function buildVoteManifest(m: VoteManifest): { text: string; bytes: Hex; hash: Hex } {
  const text = canonicalJson(m);
  const bytes = toHex(stringToBytes(text));
  return { text, bytes, hash: keccak256(bytes) };
}

/**
 * The manifest of a vote cast by hand (`gengov jury vote`): the vote's binding, the vote and the
 * operator's rationale, marked `"operator": "human"`; there is no model call to check.
 */
export const humanVoteManifestSchema = z.strictObject({
  ...voteBindingShape,
  operator: z.literal("human"),
});

export type HumanVoteManifest = z.infer<typeof humanVoteManifestSchema>;
