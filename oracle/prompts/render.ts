/**
 * Rendering of versioned prompt templates. A template is code (`<name>.v<version>.ts`); its id is
 * recorded in the manifest with `promptHash` = keccak256 of the canonical JSON of the rendered
 * messages, so anyone can re-render a prompt from chain data and compare. A template never changes
 * once released: a new wording is a new version with a new id.
 */
import { keccak256, stringToHex, type Hex } from "viem";

import { canonicalJson } from "../models/canonicalJson.js";
import type {
  AllocateRequest,
  ExecuteRequest,
  ForecastOptionsRequest,
  ForecastRequest,
  ModelSpec,
  ValidateRequest,
} from "../models/types.js";
import { allocateV1 } from "./allocate.v1.js";
import { executeV1 } from "./execute.v1.js";
import { executeV2 } from "./execute.v2.js";
import { executeV3 } from "./execute.v3.js";
import { forecastV1 } from "./forecast.v1.js";
import { forecastOptionsV1 } from "./forecastOptions.v1.js";
import { forecastV2 } from "./forecast.v2.js";
import { validateV1 } from "./validate.v1.js";

/** One chat message. Only "system" (instructions) and "user" (delimited data) are ever rendered. */
export type PromptMessage = { role: "system" | "user"; content: string };

/** What the model receives and what the manifest records about it. */
export type RenderedPrompt = {
  /** e.g. "forecast/v1". */
  templateId: string;
  messages: PromptMessage[];
  /** keccak256 of the canonical JSON of `messages`. */
  promptHash: Hex;
};

/** What a template may read of the model spec: only its system prompt. */
export type PromptContext = Pick<ModelSpec, "systemPrompt">;

/** A versioned template: a pure function from a request to messages. */
export type PromptTemplate<Request> = {
  /** "<name>/v<version>", unique and never reused. */
  readonly id: string;
  /** Name of the JSON schema the model must answer with. */
  readonly responseName: string;
  build(context: PromptContext, request: Request): PromptMessage[];
};

/** Every released template by id (`gengov verify` re-renders with the id in the manifest). */
export const promptTemplates = {
  [forecastV1.id]: forecastV1,
  [executeV1.id]: executeV1,
  [forecastV2.id]: forecastV2,
  [executeV2.id]: executeV2,
  [validateV1.id]: validateV1,
  [allocateV1.id]: allocateV1,
  [forecastOptionsV1.id]: forecastOptionsV1,
  [executeV3.id]: executeV3,
} as const;

/** The transition templates by id: what a transition's manifest may name. */
export const executeTemplates: Readonly<Record<string, PromptTemplate<ExecuteRequest>>> = {
  [executeV1.id]: executeV1,
  [executeV2.id]: executeV2,
  [executeV3.id]: executeV3,
};

/** The juror templates by id: what a juror's vote record may name. */
export const validateTemplates: Readonly<Record<string, PromptTemplate<ValidateRequest>>> = {
  [validateV1.id]: validateV1,
};

/** The templates a node uses for new calls. */
export const currentTemplates = {
  forecast: forecastV2,
  execute: executeV2,
  validate: validateV1,
  allocate: allocateV1,
  forecastOptions: forecastOptionsV1,
} as const;

/**
 * keccak256 of the canonical JSON of a message list.
 * @param messages The rendered messages.
 * @returns The prompt hash.
 */
export function hashPrompt(messages: readonly PromptMessage[]): Hex {
  return keccak256(stringToHex(canonicalJson(messages.map(({ role, content }) => ({ role, content })))));
}

/**
 * Renders a template.
 * @param template The template.
 * @param context The spec's system prompt.
 * @param request What the template may show the model.
 * @returns Template id, messages and prompt hash.
 */
export function renderPrompt<Request>(
  template: PromptTemplate<Request>,
  context: PromptContext,
  request: Request,
): RenderedPrompt {
  const messages = template.build({ systemPrompt: context.systemPrompt }, request);
  return { templateId: template.id, messages, promptHash: hashPrompt(messages) };
}

/** Renders the current forecast template. */
export function renderForecastPrompt(context: PromptContext, request: ForecastRequest): RenderedPrompt {
  return renderPrompt(currentTemplates.forecast, context, request);
}

/** Renders the current execute template (execute/v3 for an epoch with a decision). */
export function renderExecutePrompt(context: PromptContext, request: ExecuteRequest): RenderedPrompt {
  return renderPrompt(request.decision ? executeV3 : currentTemplates.execute, context, request);
}

/** Renders the current validate template (a juror's vote on a proposed transition). */
export function renderValidatePrompt(context: PromptContext, request: ValidateRequest): RenderedPrompt {
  return renderPrompt(currentTemplates.validate, context, request);
}

/** Renders the current allocate template (a list of a judgement round). */
export function renderAllocatePrompt(context: PromptContext, request: AllocateRequest): RenderedPrompt {
  return renderPrompt(currentTemplates.allocate, context, request);
}

/** Renders the current forecastOptions template (conditional forecasts of a decision epoch). */
export function renderForecastOptionsPrompt(
  context: PromptContext,
  request: ForecastOptionsRequest,
): RenderedPrompt {
  return renderPrompt(currentTemplates.forecastOptions, context, request);
}
