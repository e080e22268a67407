/**
 * A model behind any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, Ollama, a llama.cpp
 * server… Only `chat.completions.create` is used, the one route they all implement.
 *
 * - Decoding parameters come from the spec (temperature, seed, max output tokens), so the manifest's
 *   spec says exactly what was asked.
 * - Structured output: the forecast, validation (a juror's vote) and allocation schemas are sent as strict JSON
 *   schemas built by the `openai` package's `zodResponseFormat` (it supports zod v4). The execution schema contains a free-form
 *   object (`newState`), which strict structured outputs cannot express (every object must list its
 *   keys), so it is sent as a non-strict JSON schema built with `z.toJSONSchema`. Either way the node
 *   parses and validates the raw text itself (schemas.ts): the server's enforcement is a help, never
 *   trusted.
 * - Failures are classified: refusal (message.refusal or finish_reason "content_filter"), truncated
 *   (finish_reason "length"), schema, timeout, http. 408, 409, 429, 5xx, timeouts and dropped
 *   connections are retried by the `openai` client itself, `retries` times at most (exponential
 *   backoff with jitter from 0.5 s up to 8 s, or what Retry-After / Retry-After-Ms asks, up to 60 s).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { z } from "zod";

import { ModelError } from "../errors/BaseError.js";
import {
  renderAllocatePrompt,
  renderForecastOptionsPrompt,
  renderExecutePrompt,
  renderForecastPrompt,
  renderValidatePrompt,
  type RenderedPrompt,
} from "../prompts/render.js";
import { withRawAnswer } from "./faults.js";
import {
  allocateOutputSchema,
  forecastOptionsOutputSchema,
  executionOutputSchema,
  forecastOutputSchema,
  parseAllocateOutput,
  parseForecastOptionsOutput,
  parseExecutionOutput,
  parseForecastOutput,
  parseValidateOutput,
  validateOutputSchema,
} from "./schemas.js";
import type {
  AllocateRequest,
  AllocateResult,
  ForecastOptionsRequest,
  ForecastOptionsResult,
  ExecuteRequest,
  ExecuteResult,
  ForecastRequest,
  ForecastResult,
  Model,
  ModelCallRecord,
  ModelSpec,
  ValidateRequest,
  ValidateResult,
} from "./types.js";

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

export type OpenAIModelOptions = z.input<typeof openAIModelOptionsSchema>;

type ResponseFormat = ResponseFormatJSONSchema | { type: "json_object" } | undefined;

const OPENAI_HOST = "api.openai.com";

/** Classifies a client error: the ModelError to report and whether the client retried it. */
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
      retryable: status === 408 || status === 409 || status === 429 || status >= 500,
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
  readonly #forecastFormat: ResponseFormat;
  readonly #executionFormat: ResponseFormat;
  readonly #validationFormat: ResponseFormat;
  readonly #allocationFormat: ResponseFormat;
  readonly #optionsFormat: ResponseFormat;

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
    const values = options;
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
    this.#client = new OpenAI({
      // Local servers ignore the key, but the client insists on one.
      apiKey: opts.apiKey ?? "unused",
      baseURL: opts.baseURL,
      timeout: opts.timeoutMs,
      maxRetries: opts.retries,
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
    this.#validationFormat =
      opts.responseFormat === "json_schema"
        ? zodResponseFormat(validateOutputSchema, "validation")
        : opts.responseFormat === "json_object"
          ? jsonObject
          : undefined;
    this.#allocationFormat =
      opts.responseFormat === "json_schema"
        ? zodResponseFormat(allocateOutputSchema, "allocation")
        : opts.responseFormat === "json_object"
          ? jsonObject
          : undefined;
    this.#optionsFormat =
      opts.responseFormat === "json_schema"
        ? zodResponseFormat(forecastOptionsOutputSchema, "conditional_forecast")
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

  /** @inheritdoc */
  async validate(request: ValidateRequest): Promise<ValidateResult> {
    const call = await this.#complete(renderValidatePrompt(this.spec, request), this.#validationFormat);
    try {
      return { ...call, ...parseValidateOutput(call.raw) };
    } catch (error) {
      throw withRawAnswer(error, call.raw);
    }
  }

  /** @inheritdoc */
  async allocate(request: AllocateRequest): Promise<AllocateResult> {
    const call = await this.#complete(renderAllocatePrompt(this.spec, request), this.#allocationFormat);
    try {
      return { ...call, ...parseAllocateOutput(call.raw, request.items.length) };
    } catch (error) {
      throw withRawAnswer(error, call.raw);
    }
  }

  /** @inheritdoc */
  async forecastOptions(request: ForecastOptionsRequest): Promise<ForecastOptionsResult> {
    const call = await this.#complete(renderForecastOptionsPrompt(this.spec, request), this.#optionsFormat);
    try {
      return { ...call, ...parseForecastOptionsOutput(call.raw, request.options.length, request.metrics) };
    } catch (error) {
      throw withRawAnswer(error, call.raw);
    }
  }

  /** One chat completion (the client retries it); returns the raw text and the call record. */
  async #complete(prompt: RenderedPrompt, responseFormat: ResponseFormat): Promise<ModelCallRecord> {
    const started = performance.now();
    const { retries, maxTokensField } = this.#options;
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
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create(body);
    } catch (thrown) {
      const { error, retryable } = classify(thrown);
      // A retryable failure that reached us is the last of the client's 1 + retries attempts.
      if (retryable && retries > 0) {
        throw new ModelError(error.shortMessage, error.kind, {
          details: `gave up after ${retries + 1} attempts${error.details ? `; ${error.details}` : ""}`,
          cause: thrown,
        });
      }
      throw error;
    }
    return this.#record(prompt, completion, performance.now() - started);
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
