/**
 * A model behind any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, Ollama, a llama.cpp
 * server… Only `chat.completions.create` is used, the one route they all implement.
 *
 * - Decoding parameters come from the spec (temperature, seed, max output tokens), so the manifest's
 *   spec says exactly what was asked.
 * - Structured output: the forecast schema is sent as a strict JSON schema built by the `openai`
 *   package's `zodResponseFormat` (it supports zod v4). The execution schema contains a free-form
 *   object (`newState`), which strict structured outputs cannot express (every object must list its
 *   keys), so it is sent as a non-strict JSON schema built with `z.toJSONSchema`. Either way the node
 *   parses and validates the raw text itself (schemas.ts): the server's enforcement is a help, never
 *   trusted.
 * - Failures are classified: refusal (message.refusal or finish_reason "content_filter"), truncated
 *   (finish_reason "length"), schema, timeout, http. 429, 408, 5xx, timeouts and dropped connections
 *   are retried by our own bounded loop (exponential backoff with jitter, honouring Retry-After); the
 *   client's own retries are off so the bound is ours.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { z } from "zod";

import { ModelError } from "../errors/BaseError.js";
import { renderExecutePrompt, renderForecastPrompt, type RenderedPrompt } from "../prompts/render.js";
import { withRawAnswer } from "./faults.js";
import {
  executionOutputSchema,
  forecastOutputSchema,
  parseExecutionOutput,
  parseForecastOutput,
} from "./schemas.js";
import type {
  ExecuteRequest,
  ExecuteResult,
  ForecastRequest,
  ForecastResult,
  Model,
  ModelCallRecord,
  ModelSpec,
} from "./types.js";

/** What a retry hook is told (for logs and tests). */
export type RetryInfo = { attempt: number; delayMs: number; error: ModelError };

/** Validator of the provider options that are plain values (hooks are checked by TypeScript). */
export const openAIModelOptionsSchema = z.strictObject({
  apiKey: z
    .string()
    .min(1)
    .optional()
    .describe("API key; default $OPENAI_API_KEY (optional for local servers)."),
  baseURL: z
    .url()
    .optional()
    .describe("Endpoint base URL, e.g. http://127.0.0.1:8000/v1; default $OPENAI_BASE_URL, else OpenAI."),
  timeoutMs: z.int().min(1).default(60_000).describe("Timeout of one HTTP attempt, in milliseconds."),
  retries: z
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe("Retries after the first attempt on 429, 408, 5xx, timeouts, dropped connections."),
  baseDelayMs: z
    .number()
    .min(0)
    .default(500)
    .describe("Backoff before the first retry; doubles on each retry."),
  maxDelayMs: z.number().min(0).default(20_000).describe("Longest backoff, Retry-After included."),
  maxTokensField: z
    .enum(["max_tokens", "max_completion_tokens"])
    .optional()
    .describe(
      "Request field for spec.maxOutputTokens; default max_completion_tokens for OpenAI, max_tokens elsewhere.",
    ),
  responseFormat: z
    .enum(["json_schema", "json_object", "none"])
    .default("json_schema")
    .describe(
      "How the answer's shape is requested; json_object or none for servers without JSON-schema support.",
    ),
});

export type OpenAIModelOptions = z.input<typeof openAIModelOptionsSchema> & {
  /** Called before each retry with the backoff about to be slept. */
  onRetry?: (info: RetryInfo) => void;
  /** Uniform [0, 1) source for the jitter (tests fix it). */
  random?: () => number;
};

type ResponseFormat = ResponseFormatJSONSchema | { type: "json_object" } | undefined;

const OPENAI_HOST = "api.openai.com";

/** Backoff before retry `attempt` (1-based): half fixed, half jitter, of `base·2^(attempt−1)`, capped. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Milliseconds a server asked us to wait (Retry-After-Ms / Retry-After), if it said. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const ms = Number(error.headers.get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const header = error.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Classifies a client error: the ModelError to report and whether a retry may help. */
function classify(error: unknown): { error: ModelError; retryable: boolean } {
  if (error instanceof APIConnectionTimeoutError) {
    return {
      error: new ModelError("The model endpoint timed out.", "timeout", { cause: error }),
      retryable: true,
    };
  }
  if (error instanceof APIUserAbortError) {
    return {
      error: new ModelError("The model call was aborted.", "http", { cause: error }),
      retryable: false,
    };
  }
  if (error instanceof APIConnectionError) {
    return {
      error: new ModelError("Could not reach the model endpoint.", "http", {
        details: error.message,
        cause: error,
      }),
      retryable: true,
    };
  }
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    return {
      error: new ModelError(`The model endpoint answered HTTP ${status}.`, "http", {
        details: error.message,
        cause: error,
      }),
      retryable: status === 408 || status === 429 || status >= 500,
    };
  }
  return {
    error: new ModelError("The model call failed.", "http", {
      details: error instanceof Error ? error.message : String(error),
      cause: error,
    }),
    retryable: false,
  };
}

/** An OpenAI-compatible model. Create with `new OpenAIModel(spec, options)` or `createModel`. */
export class OpenAIModel implements Model {
  readonly spec: ModelSpec;
  readonly #client: OpenAI;
  readonly #options: z.output<typeof openAIModelOptionsSchema> & {
    maxTokensField: "max_tokens" | "max_completion_tokens";
  };
  readonly #onRetry?: (info: RetryInfo) => void;
  readonly #random: () => number;
  readonly #forecastFormat: ResponseFormat;
  readonly #executionFormat: ResponseFormat;

  /**
   * @param spec A spec with provider "openai".
   * @param options Endpoint, key, timeout and retry policy; key and URL default to the environment.
   * @throws ModelError "config" on a wrong provider, an invalid option or no key for OpenAI itself.
   */
  constructor(spec: ModelSpec, options: OpenAIModelOptions = {}) {
    if (spec.provider !== "openai") {
      throw new ModelError(
        `OpenAIModel needs a spec with provider "openai", not "${spec.provider}".`,
        "config",
      );
    }
    const { onRetry, random, ...values } = options;
    const parsed = openAIModelOptionsSchema.safeParse({
      ...values,
      apiKey: values.apiKey ?? (process.env.OPENAI_API_KEY || undefined),
      baseURL: values.baseURL ?? (process.env.OPENAI_BASE_URL || undefined),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ModelError(`Invalid model option ${issue.path.join(".")}: ${issue.message}`, "config", {
        cause: parsed.error,
      });
    }
    const opts = parsed.data;
    const isOpenAI = opts.baseURL === undefined || new URL(opts.baseURL).hostname === OPENAI_HOST;
    if (opts.apiKey === undefined && isOpenAI) {
      throw new ModelError(
        "No API key: pass apiKey or set OPENAI_API_KEY (or point OPENAI_BASE_URL at a local server).",
        "config",
      );
    }
    this.spec = spec;
    this.#options = {
      ...opts,
      maxTokensField: opts.maxTokensField ?? (isOpenAI ? "max_completion_tokens" : "max_tokens"),
    };
    this.#onRetry = onRetry;
    this.#random = random ?? Math.random;
    this.#client = new OpenAI({
      // Local servers ignore the key, but the client insists on one.
      apiKey: opts.apiKey ?? "unused",
      baseURL: opts.baseURL,
      timeout: opts.timeoutMs,
      maxRetries: 0,
    });
    const jsonObject = { type: "json_object" } as const;
    this.#forecastFormat =
      opts.responseFormat === "json_schema"
        ? zodResponseFormat(forecastOutputSchema, "forecast")
        : opts.responseFormat === "json_object"
          ? jsonObject
          : undefined;
    this.#executionFormat =
      opts.responseFormat === "json_schema"
        ? {
            type: "json_schema",
            json_schema: {
              name: "execution",
              strict: false,
              schema: z.toJSONSchema(executionOutputSchema, { target: "draft-7" }) as Record<string, unknown>,
            },
          }
        : opts.responseFormat === "json_object"
          ? jsonObject
          : undefined;
  }

  /** @inheritdoc */
  async forecast(request: ForecastRequest): Promise<ForecastResult> {
    const call = await this.#complete(renderForecastPrompt(this.spec, request), this.#forecastFormat);
    try {
      return { ...call, ...parseForecastOutput(call.raw, request.metrics) };
    } catch (error) {
      throw withRawAnswer(error, call.raw);
    }
  }

  /** @inheritdoc */
  async execute(request: ExecuteRequest): Promise<ExecuteResult> {
    const call = await this.#complete(renderExecutePrompt(this.spec, request), this.#executionFormat);
    try {
      return { ...call, ...parseExecutionOutput(call.raw) };
    } catch (error) {
      throw withRawAnswer(error, call.raw);
    }
  }

  /** One chat completion with bounded retries; returns the raw text and the call record. */
  async #complete(prompt: RenderedPrompt, responseFormat: ResponseFormat): Promise<ModelCallRecord> {
    const started = performance.now();
    const { retries, baseDelayMs, maxDelayMs, maxTokensField } = this.#options;
    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
      model: this.spec.model,
      messages: prompt.messages,
      temperature: this.spec.temperature,
      seed: this.spec.seed,
      ...(maxTokensField === "max_tokens"
        ? { max_tokens: this.spec.maxOutputTokens }
        : { max_completion_tokens: this.spec.maxOutputTokens }),
      ...(responseFormat ? { response_format: responseFormat } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      let completion: OpenAI.Chat.ChatCompletion;
      try {
        completion = await this.#client.chat.completions.create(body);
      } catch (thrown) {
        const { error, retryable } = classify(thrown);
        if (!retryable || attempt >= retries) {
          if (attempt > 0) {
            throw new ModelError(error.shortMessage, error.kind, {
              details: `gave up after ${attempt + 1} attempts${error.details ? `; ${error.details}` : ""}`,
              cause: thrown,
            });
          }
          throw error;
        }
        const backoff = backoffDelay(attempt + 1, baseDelayMs, maxDelayMs, this.#random);
        const delayMs = Math.min(maxDelayMs, Math.max(backoff, retryAfterMs(thrown) ?? 0));
        this.#onRetry?.({ attempt: attempt + 1, delayMs, error });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        continue;
      }
      return this.#record(prompt, completion, performance.now() - started);
    }
  }

  /** Checks a completion's finish state and extracts the call record. */
  #record(
    prompt: RenderedPrompt,
    completion: OpenAI.Chat.ChatCompletion,
    latencyMs: number,
  ): ModelCallRecord {
    if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices)) {
      throw new ModelError("The model endpoint did not answer with a chat completion.", "http", {
        details: String(typeof completion === "string" ? completion : JSON.stringify(completion)).slice(
          0,
          2000,
        ),
      });
    }
    const choice = completion.choices[0];
    if (!choice) throw new ModelError("The model endpoint returned no choices.", "http");
    const message = choice.message;
    if (message?.refusal) {
      throw new ModelError("The model refused.", "refusal", { details: message.refusal });
    }
    if (choice.finish_reason === "content_filter") {
      throw new ModelError("The provider's content filter stopped the answer.", "refusal");
    }
    if (choice.finish_reason === "length") {
      throw new ModelError(`The answer was cut at ${this.spec.maxOutputTokens} output tokens.`, "truncated", {
        details: `raw: ${(message?.content ?? "").slice(0, 2000)}`,
      });
    }
    const raw = message?.content;
    if (typeof raw !== "string" || raw.length === 0) {
      throw new ModelError("The model returned no text.", "schema");
    }
    const usage = completion.usage
      ? {
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
          totalTokens: completion.usage.total_tokens,
        }
      : null;
    return {
      templateId: prompt.templateId,
      promptHash: prompt.promptHash,
      raw,
      usage,
      fingerprint: completion.system_fingerprint ?? null,
      latencyMs,
    };
  }
}
