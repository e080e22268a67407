/**
 * The oracle's one error hierarchy (after viem): a short message for humans, optional details, the
 * underlying cause, and whether the failure is expected (a race someone else won) so loops log it as
 * a warning and go on.
 */
export type BaseErrorParameters = {
  details?: string;
  cause?: unknown;
  /** An expected outcome (someone else finalized first): log as a warning, not an error. */
  expected?: boolean;
};

export class BaseError extends Error {
  override name = "GengovError";
  readonly shortMessage: string;
  readonly details?: string;
  readonly expected: boolean;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    super(parameters.details ? `${shortMessage}\n\nDetails: ${parameters.details}` : shortMessage, {
      cause: parameters.cause,
    });
    this.shortMessage = shortMessage;
    this.details = parameters.details;
    this.expected = parameters.expected ?? false;
  }
}

/** Configuration that cannot be used; the message names the option. */
export class ConfigError extends BaseError {
  override name = "ConfigError";
}

/** A model call failed or its output was unusable (timeout, refusal, truncation, schema, policy). */
export class ModelError extends BaseError {
  override name = "ModelError";
  constructor(
    shortMessage: string,
    readonly kind: "timeout" | "http" | "refusal" | "truncated" | "schema" | "policy" | "config",
    parameters: BaseErrorParameters = {},
  ) {
    super(shortMessage, parameters);
  }
}
