/**
 * How the node tells model failures apart: a kind per failure for metrics and backoff, and a bounded
 * excerpt of the answer that was rejected, for the log.
 */
import { ModelError } from "../errors/BaseError.js";
import { InvalidJsonError } from "./schemas.js";
import { ExecutionPolicyError } from "./validateExecution.js";

/** Longest excerpt of a rejected answer put in a log line. */
export const ANSWER_EXCERPT_CHARS = 300;

export type ModelFaultKind =
  "timeout" | "http" | "refusal" | "truncated" | "invalid_json" | "schema" | "policy" | "config" | "other";

/** The kind of a model failure: the ModelError's kind, with answers that are not JSON apart. */
export function modelFaultKind(error: unknown): ModelFaultKind {
  if (error instanceof InvalidJsonError) return "invalid_json";
  if (error instanceof ModelError) return error.kind;
  return "other";
}

const RAW = Symbol("gengov.rawAnswer");

/** Records on an error the raw answer it rejects (returns the error). */
export function withRawAnswer<E>(error: E, raw: string): E {
  if (error !== null && typeof error === "object") (error as Record<symbol, unknown>)[RAW] = raw;
  return error;
}

/** The raw answer an error rejected, when known. */
export function rawAnswerOf(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const raw = (error as Record<symbol, unknown>)[RAW];
  return typeof raw === "string" ? raw : undefined;
}

/** At most `max` characters of `text`, with the number of characters left out. */
export function excerpt(text: string, max = ANSWER_EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Fields for a log line about a rejected model answer: its kind, an excerpt, every policy violation. */
export function modelFaultFields(error: unknown): Record<string, unknown> {
  const raw = rawAnswerOf(error);
  return {
    kind: modelFaultKind(error),
    ...(raw !== undefined ? { answer: excerpt(raw) } : {}),
    ...(error instanceof ExecutionPolicyError
      ? { violations: error.violations.map((v) => `${v.rule}: ${v.message}`) }
      : {}),
  };
}
