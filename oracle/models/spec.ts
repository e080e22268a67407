/**
 * The model spec's canonical form. The UTF-8 bytes of its canonical JSON (RFC 8785) are what a
 * candidate publishes on-chain as `spec` when it executes, and keccak256 of those bytes is the
 * candidate's `specHash` from registration on, so a spec can be checked byte for byte.
 */
import { hexToString, keccak256, stringToHex, type Hex } from "viem";
import { z } from "zod";

import { ConfigError } from "../errors/BaseError.js";
import { canonicalJson } from "./canonicalJson.js";
import type { ModelSpec } from "./types.js";

/** Validator of a model spec (field meanings: `ModelSpec` in types.ts). */
export const modelSpecSchema = z
  .strictObject({
    version: z.literal(1).describe("Format version of the spec."),
    provider: z
      .enum(["openai", "simulated"])
      .describe('"openai" (any OpenAI-compatible endpoint) or "simulated".'),
    model: z.string().min(1).describe("Model id at the provider, or the simulation's name."),
    weightsDigest: z.string().min(1).nullable().describe("Digest of the weights where known, else null."),
    systemPrompt: z.string().describe("System prompt prepended to every request."),
    temperature: z.number().min(0).max(2).describe("Sampling temperature."),
    seed: z.int().min(0).describe("Sampling seed (a safe integer)."),
    maxOutputTokens: z.int().min(1).describe("Most tokens the model may write per answer."),
    simulation: z
      .strictObject({
        skill: z.number().min(0).max(1).describe("0 = noise around a naive guess, 1 = near-perfect."),
        profile: z
          .enum(["honest", "adversarial", "thief"])
          .describe("Behaviour as forecaster, executor and juror."),
      })
      .optional()
      .describe("Simulations only: the documented behaviour."),
  })
  .refine((spec) => (spec.provider === "simulated") === (spec.simulation !== undefined), {
    message: 'simulation is required for provider "simulated" and forbidden otherwise',
    path: ["simulation"],
  });

/**
 * Validates a spec.
 * @param value A parsed spec document.
 * @returns The spec, with no field added or dropped.
 * @throws ConfigError naming the invalid field.
 */
export function parseModelSpec(value: unknown): ModelSpec {
  const result = modelSpecSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`Invalid model spec: ${issue.path.join(".") || "(root)"}: ${issue.message}`, {
      details: z.prettifyError(result.error),
      cause: result.error,
    });
  }
  return result.data;
}

/**
 * The canonical JSON text of a spec (validated first).
 * @param spec The spec.
 * @returns Its canonical JSON.
 */
export function canonicalSpecJson(spec: ModelSpec): string {
  return canonicalJson(parseModelSpec(spec));
}

/**
 * The bytes that go on-chain as `spec`: the UTF-8 of the canonical JSON, as hex.
 * @param spec The spec.
 * @returns The bytes.
 */
export function encodeSpec(spec: ModelSpec): Hex {
  return stringToHex(canonicalSpecJson(spec));
}

/**
 * Reads spec bytes published on-chain, insisting they are canonical (re-encoding gives the same bytes).
 * @param bytes The published bytes.
 * @returns The spec.
 * @throws ConfigError when the bytes are not a valid spec in canonical form.
 */
export function decodeSpec(bytes: Hex): ModelSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(hexToString(bytes));
  } catch (error) {
    throw new ConfigError("Spec bytes are not JSON.", { cause: error });
  }
  const spec = parseModelSpec(parsed);
  if (encodeSpec(spec).toLowerCase() !== bytes.toLowerCase()) {
    throw new ConfigError("Spec bytes are not in canonical JSON form.");
  }
  return spec;
}

/**
 * The candidate's `specHash`: keccak256 of `encodeSpec(spec)`.
 * @param spec The spec.
 * @returns The hash.
 */
export function specHash(spec: ModelSpec): Hex {
  return keccak256(encodeSpec(spec));
}
