/**
 * What a model must answer, as zod v4 schemas, and the conversion of an answer into the node's types.
 *
 * - Forecast: `{ values: number[], rationale: string }`: decimal numbers in metric units, one per
 *   metric; the node scales them by the metric's decimals (rounding half away from zero) and checks
 *   they fit the hub's int128 (|v| < 2^127). The decimal text is read exactly as the model wrote it
 *   (JSON.parse source access), not through a float, so 18-decimal metrics keep every digit.
 * - Execution: `{ newState: object, actions: [{ token, to, amount }], rationale: string }` where
 *   `amount` is an **integer string in the token's base units** (the prompt shows caps and balances the
 *   same way; the node does not need each token's decimals and no rounding ever happens).
 *
 * - Validation (a juror's vote): `{ vote: "accept" | "reject", rationale: string }`.
 *
 * Objects are strict: an extra field anywhere is a schema failure. Shape only is checked here; the
 * policy (allow-listed tokens, caps, recipients, sizes) is `validateExecution`'s job.
 */
import { z } from "zod";

import { ModelError } from "../errors/BaseError.js";
import type { MetricInfo, ProposedAction } from "./types.js";

/** Forecast values must fit the hub's int128: |v| < 2^127 once scaled. */
export const FORECAST_VALUE_LIMIT = 2n ** 127n;

/** A model's forecast answer. */
export const forecastOutputSchema = z.strictObject({
  values: z.array(z.number()).describe("One decimal number per metric, in metric units, in metric order."),
  rationale: z.string().describe("A short explanation of the forecast."),
});
export type ForecastOutput = z.infer<typeof forecastOutputSchema>;

/** One proposed treasury payment as the model writes it. */
export const actionOutputSchema = z.strictObject({
  token: z.string().describe("Address of an allowed token."),
  to: z.string().describe("Recipient address, 0x-prefixed, 20 bytes, non-zero."),
  amount: z
    .string()
    .regex(/^[0-9]{1,78}$/, "an integer string in the token's base units")
    .describe("Positive integer in the token's smallest unit, as a string of digits."),
});

/** A model's execution answer. */
export const executionOutputSchema = z.strictObject({
  newState: z.record(z.string(), z.json()).describe("The complete next state document (a JSON object)."),
  actions: z.array(actionOutputSchema).describe("Treasury payments; empty when none."),
  rationale: z.string().describe("Why this transition follows the agreement."),
});
export type ExecutionOutput = z.infer<typeof executionOutputSchema>;

/** A juror's answer on a proposed transition. */
export const validateOutputSchema = z.strictObject({
  vote: z.enum(["accept", "reject"]).describe('"accept" if the transition is what the agreement asks for.'),
  rationale: z.string().describe("Why; when rejecting, what differs."),
});
export type ValidateOutput = z.infer<typeof validateOutputSchema>;

/** A parsed forecast in the node's units. */
export type ParsedForecast = { values: bigint[]; rationale: string };

/** A parsed execution in the node's types (addresses not yet checked: see validateExecution). */
export type ParsedExecution = {
  newState: Record<string, unknown>;
  actions: ProposedAction[];
  rationale: string;
};

function excerpt(raw: string): string {
  return raw.length > 2000 ? `${raw.slice(0, 2000)}… (${raw.length} chars)` : raw;
}

/** An answer that is not JSON at all: a "schema" ModelError that metrics count apart. */
export class InvalidJsonError extends ModelError {
  override name = "InvalidJsonError";
  constructor(shortMessage: string, parameters: ConstructorParameters<typeof ModelError>[2] = {}) {
    super(shortMessage, "schema", parameters);
  }
}

/** JSON.parse that fails with a "schema" ModelError (an InvalidJsonError). */
function parseJson(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new InvalidJsonError(`The ${what} answer is not valid JSON.`, {
      details: `${(error as Error).message}; raw: ${excerpt(raw)}`,
      cause: error,
    });
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, raw: string, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ModelError(`The ${what} answer does not match its schema.`, "schema", {
      details: `${z.prettifyError(result.error)}\nraw: ${excerpt(raw)}`,
      cause: result.error,
    });
  }
  return result.data;
}

/** The source text of every number in a JSON document, in document order (Node ≥ 21). */
type SourceReviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * The exact decimal text of each forecast value. Uses the reviver's `context.source` where the
 * runtime gives it, else the number's shortest round-trip text.
 */
function valueSources(raw: string, values: readonly number[]): string[] {
  const reviver: SourceReviver = (_key, value, context) =>
    typeof value === "number" ? (context?.source ?? String(value)) : value;
  const doc = JSON.parse(raw, reviver as (key: string, value: unknown) => unknown) as { values: unknown[] };
  return values.map((v, i) => (typeof doc.values[i] === "string" ? (doc.values[i] as string) : String(v)));
}

/**
 * Scales a decimal number (JSON number syntax, exponent allowed) by `10^decimals`, rounding half away
 * from zero.
 * @param text e.g. "12.5", "-0.125", "1e-7", "3E+4".
 * @param decimals The metric's decimals.
 * @returns The scaled integer.
 * @throws ModelError "schema" when the text is not a decimal number or |result| ≥ 2^127.
 */
export function scaleDecimal(text: string, decimals: number): bigint {
  const match = /^(-)?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!match) throw new ModelError(`Forecast value "${text}" is not a decimal number.`, "schema");
  const [, sign, int, frac = "", exp = "0"] = match;
  const digits = BigInt(int + frac);
  // value = digits · 10^shift once scaled
  const shift = Number(exp) - frac.length + decimals;
  const limitDigits = FORECAST_VALUE_LIMIT.toString().length;
  let scaled: bigint;
  if (digits === 0n) scaled = 0n;
  else if (shift >= 0) {
    if (shift > limitDigits) throw outOfRange(text);
    scaled = digits * 10n ** BigInt(shift);
  } else if (-shift > (int + frac).length + 1) {
    scaled = 0n;
  } else {
    const divisor = 10n ** BigInt(-shift);
    scaled = digits / divisor;
    if ((digits % divisor) * 2n >= divisor) scaled += 1n;
  }
  if (scaled >= FORECAST_VALUE_LIMIT) throw outOfRange(text);
  return sign ? -scaled : scaled;
}

function outOfRange(text: string): ModelError {
  return new ModelError(
    `Forecast value ${text} is out of range once scaled (|v| must be < 2^127).`,
    "schema",
  );
}

/**
 * Parses a forecast answer into one scaled integer per metric.
 * @param raw The model's raw text.
 * @param metrics The agreement's metrics, in order.
 * @returns Values and rationale.
 * @throws ModelError "schema" on invalid JSON, a schema mismatch, a wrong count or an out-of-range value.
 */
export function parseForecastOutput(raw: string, metrics: readonly MetricInfo[]): ParsedForecast {
  const output = validate(forecastOutputSchema, parseJson(raw, "forecast"), raw, "forecast");
  if (output.values.length !== metrics.length) {
    throw new ModelError(
      `The forecast has ${output.values.length} value(s) for ${metrics.length} metric(s).`,
      "schema",
      { details: `raw: ${excerpt(raw)}` },
    );
  }
  const sources = valueSources(raw, output.values);
  const values = sources.map((text, i) => scaleDecimal(text, metrics[i].decimals));
  return { values, rationale: output.rationale };
}

/**
 * Converts validated execution output to the node's types. Addresses are cast, not checked: the
 * policy check names a bad address as a violation.
 */
export function toParsedExecution(output: ExecutionOutput): ParsedExecution {
  return {
    newState: output.newState as Record<string, unknown>,
    actions: output.actions.map((a) => ({
      token: a.token as `0x${string}`,
      to: a.to as `0x${string}`,
      amount: BigInt(a.amount),
    })),
    rationale: output.rationale,
  };
}

/**
 * Parses an execution answer.
 * @param raw The model's raw text.
 * @returns New state, actions (amounts in base units) and rationale.
 * @throws ModelError "schema" on invalid JSON or a schema mismatch.
 */
export function parseExecutionOutput(raw: string): ParsedExecution {
  return toParsedExecution(validate(executionOutputSchema, parseJson(raw, "execution"), raw, "execution"));
}

/** A parsed vote: true to accept the transition. */
export type ParsedValidation = { accept: boolean; rationale: string };

/**
 * Parses a juror's answer.
 * @param raw The model's raw text.
 * @returns The vote (accept or not) and its rationale.
 * @throws ModelError "schema" on invalid JSON or a schema mismatch (a vote other than "accept" or
 *   "reject", a missing rationale, an extra field).
 */
export function parseValidateOutput(raw: string): ParsedValidation {
  const output = validate(validateOutputSchema, parseJson(raw, "validation"), raw, "validation");
  return { accept: output.vote === "accept", rationale: output.rationale };
}

/** One item's weight as the model writes it. */
export const allocationEntrySchema = z.strictObject({
  item: z.int().min(0).describe("The item's index."),
  weight: z.number().min(0).describe("The item's credit, any non-negative number; only ratios matter."),
});

/** A model's allocation answer: a weight for every item. */
export const allocateOutputSchema = z.strictObject({
  allocation: z.array(allocationEntrySchema).describe("Every item exactly once, in any order."),
  rationale: z.string().describe("A short explanation of the main weights."),
});
export type AllocateOutput = z.infer<typeof allocateOutputSchema>;

/** A parsed allocation: WAD weights in item order, summing to 1e18, each at least 1. */
export type ParsedAllocation = { weights: bigint[]; rationale: string };

/** 1e18: the total of a normalised list. */
export const LIST_TOTAL = 10n ** 18n;

/**
 * Normalises non-negative weights to WAD integers summing to exactly 1e18 with every weight at least
 * 1 wei: 1e18 is split in proportion to the weights by the largest-remainder method (ties to the lower
 * index), then each item left at zero takes 1 wei from the largest weight, so the result is
 * deterministic.
 * @param weights One non-negative weight per item (numbers are first scaled to 1e15ths of their sum).
 * @returns The normalised list.
 * @throws ModelError "schema" when a weight is negative or not finite, all are zero, or there are
 *   more items than wei.
 */
export function normalizeWeights(weights: readonly (number | bigint)[]): bigint[] {
  const n = weights.length;
  if (n === 0) throw new ModelError("The allocation has no items.", "schema");
  let shares: bigint[];
  if (weights.every((w) => typeof w === "bigint")) {
    shares = weights as bigint[];
  } else {
    const values = weights.map(Number);
    const bad = values.findIndex((w) => !Number.isFinite(w) || w < 0);
    if (bad >= 0)
      throw new ModelError(`Item ${bad}'s weight ${values[bad]} is not a non-negative number.`, "schema");
    const sum = values.reduce((a, b) => a + b, 0);
    if (!(sum > 0) || !Number.isFinite(sum))
      throw new ModelError("The allocation's weights sum to zero.", "schema");
    shares = values.map((w) => BigInt(Math.round((w / sum) * 1e15)));
  }
  const negative = shares.findIndex((w) => w < 0n);
  if (negative >= 0) throw new ModelError(`Item ${negative}'s weight is negative.`, "schema");
  const total = shares.reduce((a, b) => a + b, 0n);
  if (total === 0n) throw new ModelError("The allocation's weights sum to zero.", "schema");
  if (BigInt(n) > LIST_TOTAL)
    throw new ModelError(`${n} items cannot each get a weight of at least 1 wei.`, "schema");
  const base = shares.map((w) => (w * LIST_TOTAL) / total);
  let left = LIST_TOTAL - base.reduce((a, b) => a + b, 0n);
  const order = shares
    .map((w, i) => ({ i, r: (w * LIST_TOTAL) % total }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    base[i] += 1n;
    left -= 1n;
  }
  // Every item at least 1 wei, taken from the largest weight (the lowest index on ties).
  for (let i = 0; i < n; i++) {
    if (base[i] > 0n) continue;
    let max = 0;
    for (let j = 1; j < n; j++) if (base[j] > base[max]) max = j;
    base[max] -= 1n;
    base[i] = 1n;
  }
  return base;
}

/**
 * Parses an allocation answer into a normalised list.
 * @param raw The model's raw text.
 * @param itemCount The round's items.
 * @returns Weights in item order (WAD, summing to 1e18, each ≥ 1) and the rationale.
 * @throws ModelError "schema" on invalid JSON, a schema mismatch, an item out of range, missing or
 *   given twice, or weights that sum to zero.
 */
export function parseAllocateOutput(raw: string, itemCount: number): ParsedAllocation {
  const output = validate(allocateOutputSchema, parseJson(raw, "allocation"), raw, "allocation");
  const weights: (number | undefined)[] = Array.from({ length: itemCount }, () => undefined);
  for (const { item, weight } of output.allocation) {
    if (item >= itemCount)
      throw new ModelError(
        `The allocation names item ${item}; the round has ${itemCount} (0–${itemCount - 1}).`,
        "schema",
      );
    if (weights[item] !== undefined)
      throw new ModelError(`The allocation weighs item ${item} twice.`, "schema");
    weights[item] = weight;
  }
  const missing = weights.findIndex((w) => w === undefined);
  if (missing >= 0)
    throw new ModelError(
      `The allocation has no weight for item ${missing} (every item needs one).`,
      "schema",
      {
        details: `raw: ${excerpt(raw)}`,
      },
    );
  return { weights: normalizeWeights(weights as number[]), rationale: output.rationale };
}

/** One option's forecast as the model writes it (futarchy mode). */
export const optionForecastSchema = z.strictObject({
  option: z.int().min(0).describe("The option's index."),
  values: z
    .array(z.number())
    .describe("One decimal number per metric, in metric units, in metric order, if this option is taken."),
});

/** A model's conditional forecast answer: one metric vector per option. */
export const forecastOptionsOutputSchema = z.strictObject({
  forecasts: z.array(optionForecastSchema).describe("Every option exactly once, in any order."),
  rationale: z.string().describe("A short explanation of how the options differ."),
});
export type ForecastOptionsOutput = z.infer<typeof forecastOptionsOutputSchema>;

/** A parsed conditional forecast: `forecasts[option][metric]` in the node's units. */
export type ParsedOptionForecasts = { forecasts: bigint[][]; rationale: string };

/** The exact decimal text of every forecast value of a conditional answer, per entry. */
function optionValueSources(raw: string, output: ForecastOptionsOutput): string[][] {
  const reviver: SourceReviver = (_key, value, context) =>
    typeof value === "number" ? (context?.source ?? String(value)) : value;
  const doc = JSON.parse(raw, reviver as (key: string, value: unknown) => unknown) as {
    forecasts: { values: unknown[] }[];
  };
  return output.forecasts.map((entry, k) =>
    entry.values.map((v, i) => {
      const text = doc.forecasts[k]?.values[i];
      return typeof text === "string" ? text : String(v);
    }),
  );
}

/**
 * Parses a conditional forecast answer into one scaled vector per option, in option order.
 * @param raw The model's raw text.
 * @param optionCount The epoch's options.
 * @param metrics The agreement's metrics, in order.
 * @returns `forecasts[option][metric]` and the rationale.
 * @throws ModelError "schema" on invalid JSON, a schema mismatch, an option out of range, missing or
 *   given twice, a wrong number of values or a value out of range.
 */
export function parseForecastOptionsOutput(
  raw: string,
  optionCount: number,
  metrics: readonly MetricInfo[],
): ParsedOptionForecasts {
  const output = validate(
    forecastOptionsOutputSchema,
    parseJson(raw, "conditional forecast"),
    raw,
    "conditional forecast",
  );
  const sources = optionValueSources(raw, output);
  const rows: (bigint[] | undefined)[] = Array.from({ length: optionCount }, () => undefined);
  output.forecasts.forEach(({ option }, k) => {
    if (option >= optionCount)
      throw new ModelError(
        `The conditional forecast names option ${option}; the epoch has ${optionCount} (0–${optionCount - 1}).`,
        "schema",
      );
    if (rows[option] !== undefined)
      throw new ModelError(`The conditional forecast gives option ${option} twice.`, "schema");
    if (sources[k].length !== metrics.length)
      throw new ModelError(
        `The conditional forecast of option ${option} has ${sources[k].length} value(s) for ${metrics.length} metric(s).`,
        "schema",
      );
    rows[option] = sources[k].map((text, i) => scaleDecimal(text, metrics[i].decimals));
  });
  const missing = rows.findIndex((r) => r === undefined);
  if (missing >= 0)
    throw new ModelError(`The conditional forecast has no values for option ${missing}.`, "schema", {
      details: `raw: ${excerpt(raw)}`,
    });
  return { forecasts: rows as bigint[][], rationale: output.rationale };
}
