/**
 * gengov models: what runs a candidate, behind the `Model` interface of types.ts.
 *
 *   types.ts              the interface the node and every provider share
 *   openaiModel.ts        any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server)
 *   simulatedModel.ts     deterministic offline simulations (demo, benchmarks, tests)
 *   schemas.ts            zod schemas of the answers and their conversion to node types
 *   validateExecution.ts  the node-side policy check of an executor's answer
 *   spec.ts               canonical spec bytes and the on-chain specHash
 *   canonicalJson.ts      RFC 8785 canonical JSON, the input of every JSON hash
 *
 * Prompts live in ../prompts (versioned templates, spotlighting of untrusted data).
 */
import { ModelError } from "../errors/BaseError.js";
import { OpenAIModel, type OpenAIModelOptions } from "./openaiModel.js";
import {
  SimulatedModel,
  type ExecutionPolicy,
  type ListPeek,
  type OptionsPeek,
  type TruthPeek,
} from "./simulatedModel.js";
import { parseModelSpec } from "./spec.js";
import type { Model, ModelSpec } from "./types.js";

export type CreateModelOptions = {
  /** Endpoint, key, timeout and retries for provider "openai" (key and URL default to the environment). */
  openai?: OpenAIModelOptions;
  /** Simulation cheat for provider "simulated": the simulated world's truth (see simulatedModel.ts). */
  peek?: TruthPeek;
  /** Domain behaviour of an honest simulated executor (see simulatedModel.ts). */
  policy?: ExecutionPolicy;
  /** Simulation cheat for provider "simulated": a judgement round's list (see simulatedModel.ts). */
  lists?: ListPeek;
  /** Simulation cheat for provider "simulated": a decision epoch's conditional forecasts. */
  options?: OptionsPeek;
};

/**
 * Builds the model a spec describes.
 * @param spec The candidate's spec (validated here).
 * @param options Provider options.
 * @returns The model.
 * @throws ConfigError on an invalid spec; ModelError "config" on unusable provider options.
 */
export function createModel(spec: ModelSpec, options: CreateModelOptions = {}): Model {
  const valid = parseModelSpec(spec);
  switch (valid.provider) {
    case "openai":
      return new OpenAIModel(valid, options.openai);
    case "simulated":
      return new SimulatedModel(valid, {
        peek: options.peek,
        policy: options.policy,
        lists: options.lists,
        options: options.options,
      });
    default:
      throw new ModelError(`Unknown model provider "${(valid as ModelSpec).provider}".`, "config");
  }
}

export * from "./canonicalJson.js";
export * from "./faults.js";
export * from "./openaiModel.js";
export * from "./schemas.js";
export * from "./simulatedModel.js";
export * from "./spec.js";
export type * from "./types.js";
export * from "./validateExecution.js";
