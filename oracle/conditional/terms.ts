/**
 * Conditional-forecast terms files (futarchy mode; `gengov conditional configure --terms <file>`,
 * examples/fisheries/futarchy.json): the fields of `IGengovConditional.Terms`, labels included.
 * Big numbers (WAD values, the option bond) as decimal strings or numbers. `firstEpoch` may be left
 * out: the CLI then takes the first epoch terms may reach, two after the current one (1 before the
 * agreement's genesis).
 */
import { z } from "zod";

import { UsageError } from "../cli/runtime.js";

const big = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "a decimal integer")])
  .transform((v) => BigInt(v));
const signed = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, "a decimal integer")])
  .transform((v) => BigInt(v));
const WAD = 10n ** 18n;
const MAX_ETA = 10_000n * WAD;

/** Validator of a conditional terms file. */
export const conditionalTermsFileSchema = z
  .strictObject({
    firstEpoch: z.number().int().min(0).optional().describe("First decision epoch."),
    horizon: z.number().int().min(1).max(14).describe("Epoch e's decision is scored on epoch e + horizon."),
    revealWindow: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1),
    maxProposed: z.number().int().min(0).max(8).default(0),
    advisory: z.boolean().default(false),
    epsilon: big.refine((v) => v <= WAD, { message: `at most ${WAD} (WAD)` }),
    eta: big.refine((v) => v > 0n && v <= MAX_ETA, { message: `in (0, ${MAX_ETA}] (WAD)` }),
    optionBond: big.refine((v) => v < 2n ** 128n, { message: "must fit uint128" }).default(0n),
    weights: z.array(signed.refine((v) => v >= -(2n ** 63n) && v < 2n ** 63n, { message: "must fit int64" })),
    floors: z.array(
      signed.refine((v) => v >= -(2n ** 127n) && v < 2n ** 127n, { message: "must fit int128" }),
    ),
    penalties: z.array(big.refine((v) => v < 2n ** 64n, { message: "must fit uint64" })),
    options: z.array(z.string().min(1).max(256)).max(8),
  })
  .superRefine((t, ctx) => {
    if (t.floors.length !== t.weights.length || t.penalties.length !== t.weights.length)
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: `one weight, floor and penalty per metric (${t.weights.length}, ${t.floors.length}, ${t.penalties.length})`,
      });
    const seen = new Set<string>();
    t.options.forEach((label, i) => {
      if (seen.has(label)) ctx.addIssue({ code: "custom", path: ["options", i], message: "duplicate label" });
      seen.add(label);
    });
  });

export type ConditionalTermsFile = z.output<typeof conditionalTermsFileSchema>;

/** `IGengovConditional.Terms` as viem takes it. */
export type ConditionalTerms = {
  firstEpoch: bigint;
  horizon: number;
  revealWindow: number;
  maxProposed: number;
  advisory: boolean;
  epsilon: bigint;
  eta: bigint;
  optionBond: bigint;
  weights: bigint[];
  floors: bigint[];
  penalties: bigint[];
  options: string[];
};

/**
 * Validates a terms file.
 * @param raw The parsed JSON.
 * @param source Named in the error.
 * @returns The terms file's values.
 * @throws UsageError naming the first invalid field (and how many more there are).
 */
export function parseConditionalTerms(raw: unknown, source = "terms"): ConditionalTermsFile {
  const r = conditionalTermsFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : "";
    throw new UsageError(
      `invalid conditional terms: ${[source, ...issue.path.map(String)].join(".")}: ${issue.message}${more}`,
    );
  }
  return r.data;
}

/**
 * The tuple `configure` takes.
 * @param terms The terms file's values.
 * @param firstEpoch The first decision epoch when the file has none.
 * @returns The terms.
 */
export function toConditionalTerms(terms: ConditionalTermsFile, firstEpoch?: bigint): ConditionalTerms {
  const first = terms.firstEpoch !== undefined ? BigInt(terms.firstEpoch) : firstEpoch;
  if (first === undefined) throw new UsageError("conditional terms: no firstEpoch (set it in the file)");
  return {
    firstEpoch: first,
    horizon: terms.horizon,
    revealWindow: terms.revealWindow,
    maxProposed: terms.maxProposed,
    advisory: terms.advisory,
    epsilon: terms.epsilon,
    eta: terms.eta,
    optionBond: terms.optionBond,
    weights: terms.weights,
    floors: terms.floors,
    penalties: terms.penalties,
    options: terms.options,
  };
}
