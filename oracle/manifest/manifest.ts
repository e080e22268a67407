/**
 * The transition manifest, as canonical JSON (RFC 8785 via the `canonicalize` package).
 * Its keccak256 is stored on-chain and its bytes are in the proposal's calldata and event. The model
 * spec is embedded as a JSON value; canonical JSON is recursive, so the canonical bytes of
 * `manifest.spec` are exactly the spec bytes whose hash is the candidate's on-chain specHash.
 */
import { keccak256, stringToBytes, toHex, type Hex } from "viem";
import { z } from "zod";

import { canonicalJson } from "../models/canonicalJson.js";
import { modelSpecSchema } from "../models/spec.js";
import type {
  EpochRecord,
  ExecuteResult,
  ModelSpec,
  ProposedAction,
  TransitionDecision,
} from "../models/types.js";
import type { TransitionContext } from "../transition/context.js";

export const MANIFEST_VERSION = 1;
export const NODE_VERSION = "gengov-node/0.1.0";

const hex = (length?: number) =>
  z
    .string()
    .regex(length === undefined ? /^0x[0-9a-fA-F]*$/ : new RegExp(`^0x[0-9a-fA-F]{${length}}$`))
    .transform((s) => s as Hex);
const hash = hex(64);
const address = hex(40);
const uint = z.string().regex(/^\d+$/, "expected a decimal integer string");
const int = z.string().regex(/^-?\d+$/, "expected a decimal integer string");

/** A manifest as read back from chain; `gengov verify` parses every manifest with it. */
export const manifestSchema = z.object({
  version: z.number().int(),
  chainId: z.number().int(),
  hub: address,
  execution: address,
  agreementId: uint,
  epoch: uint,
  candidateId: uint,
  textHash: hash,
  prevStateHash: hash,
  inputsHash: hash,
  inputs: z.object({ count: z.number().int().nonnegative(), fromEpoch: uint, toEpoch: uint }),
  /** values null: void, or not fixed yet when `pending` (the prompt said so). */
  outcomes: z.array(
    z.object({ epoch: uint, values: z.array(int).nullable(), pending: z.literal(true).optional() }),
  ),
  scores: z.array(z.object({ candidateId: uint, score: uint })),
  /** Treasury tokens the prompt offered, with remaining cap and balance at proposal time. */
  allowedTokens: z.array(z.object({ token: address, symbol: z.string(), remaining: uint, balance: uint })),
  /** Epochs with a decision (futarchy mode): the option the transition carries out. */
  decision: z
    .object({ option: z.number().int().min(0).max(7), label: z.string(), explored: z.boolean() })
    .optional(),
  spec: modelSpecSchema,
  specHash: hash,
  prompt: z.object({ templateId: z.string(), promptHash: hash }),
  decoding: z.object({ temperature: z.number(), seed: z.number(), maxOutputTokens: z.number() }),
  response: z.object({
    raw: z.string(),
    outputHash: hash,
    usage: z.unknown(),
    fingerprint: z.string().nullable(),
  }),
  node: z.string(),
});

export type Manifest = Omit<z.infer<typeof manifestSchema>, "spec" | "response"> & {
  spec: ModelSpec;
  response: { raw: string; outputHash: Hex; usage: unknown; fingerprint: string | null };
};

/**
 * Checks a manifest read from chain (already parsed from JSON) against `manifestSchema`.
 * @returns The manifest, or the problem with it in one line naming the first offending field.
 */
export function parseManifest(value: unknown): { manifest: Manifest } | { problem: string } {
  const result = manifestSchema.safeParse(value);
  if (result.success) return { manifest: result.data as Manifest };
  const issue = result.error.issues[0];
  return { problem: `${issue.path.join(".") || "(root)"}: ${issue.message}` };
}

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

/** Who proposes, where: what a manifest binds besides the transition's context and answer. */
export type ManifestBinding = {
  chainId: number;
  hub: Hex;
  execution: Hex;
  candidateId: bigint;
  textHash: Hex;
  spec: ModelSpec;
  specHash: Hex;
};

export type ManifestAnswer = Pick<
  ExecuteResult,
  "templateId" | "promptHash" | "raw" | "newState" | "usage" | "fingerprint"
> & { actions: ProposedAction[] };

/** The manifest of a transition built from `context` (see oracle/transition/context.ts). */
export function transitionManifest(
  context: TransitionContext,
  binding: ManifestBinding,
  answer: ManifestAnswer,
): Manifest {
  const { request } = context;
  const { spec } = binding;
  return {
    version: MANIFEST_VERSION,
    chainId: binding.chainId,
    hub: binding.hub,
    execution: binding.execution,
    agreementId: request.agreementId.toString(),
    epoch: request.epoch.toString(),
    candidateId: binding.candidateId.toString(),
    textHash: binding.textHash,
    prevStateHash: context.prevStateHash,
    inputsHash: context.inputsHash,
    inputs: context.inputs,
    outcomes: request.history.map((h) => ({
      epoch: h.epoch.toString(),
      values: h.outcome ? h.outcome.map(String) : null,
      ...(h.pending ? { pending: true as const } : {}),
    })),
    scores: request.scores.map((s) => ({ candidateId: s.candidateId.toString(), score: s.score.toString() })),
    allowedTokens: request.allowedTokens.map((t) => ({
      token: t.token,
      symbol: t.symbol,
      remaining: t.remaining.toString(),
      balance: t.balance.toString(),
    })),
    ...(request.decision ? { decision: request.decision } : {}),
    spec,
    specHash: binding.specHash,
    prompt: { templateId: answer.templateId, promptHash: answer.promptHash },
    decoding: { temperature: spec.temperature, seed: spec.seed, maxOutputTokens: spec.maxOutputTokens },
    response: {
      raw: answer.raw,
      outputHash: outputHash(answer.newState, answer.actions),
      usage: answer.usage,
      fingerprint: answer.fingerprint,
    },
    node: NODE_VERSION,
  };
}

/** The values a manifest says were read at proposal time, typed as the request carries them. */
export function manifestReadings(m: Manifest): {
  history: EpochRecord[];
  scores: { candidateId: bigint; score: bigint }[];
  allowedTokens: { token: Hex; symbol: string; remaining: bigint; balance: bigint }[];
  decision?: TransitionDecision;
} {
  return {
    history: m.outcomes.map((o) => ({
      epoch: BigInt(o.epoch),
      outcome: o.values ? o.values.map(BigInt) : null,
      ...(o.pending ? { pending: true } : {}),
    })),
    scores: m.scores.map((s) => ({ candidateId: BigInt(s.candidateId), score: BigInt(s.score) })),
    allowedTokens: m.allowedTokens.map((t) => ({
      token: t.token,
      symbol: t.symbol,
      remaining: BigInt(t.remaining),
      balance: BigInt(t.balance),
    })),
    ...(m.decision ? { decision: m.decision } : {}),
  };
}
