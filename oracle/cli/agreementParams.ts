/**
 * The agreement parameters file (`gengov agreement create --params <file>`): JSON with the names of
 * IGengovHub.AgreementParams; big numbers as decimal strings or numbers, selection as "Leader" or
 * "Weighted"; `genesis` 0 (the default) starts epoch 0 at creation. A string may hold `$NAME`
 * placeholders (the shipped examples leave reporters, arbiter and token as `$REPORTER1`, `$ARBITER`,
 * `$TOKEN`), filled by `--set NAME=value`. The ranges
 * of docs/mechanism.md that one field or a pair of fields decide are checked here, so a bad file fails
 * with the field's name before anything is sent; the clock and bond relations are left to the hub,
 * whose AgreementParameterInvalid(<name>) the CLI decodes.
 */
import { isAddress, zeroAddress, type Hex } from "viem";
import { z } from "zod";

import { formatIssues } from "../config/schema.js";
import { limits, LossKind, lossKindNames, Selection, selectionNames } from "../protocol/generated.js";
import { UsageError } from "./runtime.js";

const big = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "a decimal integer")])
  .transform((v) => BigInt(v));
const u32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const WAD: bigint = limits.WAD;
/** Largest Weighted temperature (contracts/hub/Limits.sol MAX_ETA). */
export const MAX_ETA = limits.MAX_ETA;

const addr = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), { message: "not an address" })
  .transform((s) => s as Hex);

export const agreementParamsFileSchema = z
  .object({
    genesis: big.default(0n),
    epochLength: u32,
    horizon: z.number().int().min(1).max(limits.MAX_HORIZON),
    reportWindow: u32,
    revealWindow: u32,
    executionWindow: u32,
    challengePeriod: u32,
    rulingPeriod: u32,
    metrics: z
      .array(
        z
          .object({
            name: z.string().min(1),
            decimals: z.number().int().min(0).max(18),
            lossKind: z.enum(lossKindNames),
            scale: big,
          })
          .strict(),
      )
      .min(1),
    reporters: z.array(addr).min(1),
    quorum: z.number().int().min(1).max(255),
    arbiter: addr,
    bondToken: addr,
    minBond: big,
    missPenalty: big,
    rejectPenalty: big,
    challengeBond: big,
    exitDelay: u32,
    alpha: big,
    minScored: z.number().int().min(0).max(65_535),
    selection: z.enum(selectionNames),
    margin: big.default(0n),
    eta: big.default(0n).refine((v) => v <= MAX_ETA, { message: `at most ${MAX_ETA} (10,000 in WAD)` }),
    /** Weighted only: zero (the default) = the hub's beacon of revealed salts; else an IRandomnessSource. */
    randomness: addr.default(zeroAddress),
    treasuryCaps: z.array(z.object({ token: addr, maxOutflowPerEpoch: big }).strict()).default([]),
    openInputs: z.boolean().default(true),
    inputAllowlist: z.array(addr).default([]),
    maxInputBytes: u32,
    maxInputsPerEpoch: u32,
    maxInputsPerSender: u32.min(1),
    /** Eligibility ceiling on the score (WAD), in (0, 1e18): a never-scored model (1.0) never executes. */
    maxScore: big.refine((v) => v > 0n && v < WAD, { message: `must be in (0, ${WAD}) (WAD, below 1.0)` }),
    /** The model jury; absent = no jury (every field 0). The hub checks the values at creation. */
    jury: z
      .object({
        jurySize: z.number().int().min(0).max(255),
        juryQuorum: z.number().int().min(0).max(255),
        appealJurySize: z.number().int().min(0).max(255).default(0),
        voteCommitWindow: u32,
        voteRevealWindow: u32,
        juryFee: big.default(0n),
        juryPenalty: big.default(0n),
      })
      .strict()
      .default({
        jurySize: 0,
        juryQuorum: 0,
        appealJurySize: 0,
        voteCommitWindow: 0,
        voteRevealWindow: 0,
        juryFee: 0n,
        juryPenalty: 0n,
      }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.selection === "Weighted" && p.eta === 0n)
      ctx.addIssue({ code: "custom", path: ["eta"], message: "Weighted selection needs eta > 0" });
    if (p.maxInputsPerSender > p.maxInputsPerEpoch)
      ctx.addIssue({
        code: "custom",
        path: ["maxInputsPerSender"],
        message: `at most maxInputsPerEpoch (${p.maxInputsPerEpoch})`,
      });
    else if (!p.openInputs && p.maxInputsPerSender * p.inputAllowlist.length > p.maxInputsPerEpoch)
      ctx.addIssue({
        code: "custom",
        path: ["maxInputsPerSender"],
        message: `× ${p.inputAllowlist.length} listed senders exceeds maxInputsPerEpoch (${p.maxInputsPerEpoch}): every listed sender must be able to use its share`,
      });
  });

const PLACEHOLDER = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Parses repeated `--set NAME=value` flags; a malformed or repeated one is a UsageError naming it. */
export function parseSets(flags: readonly string[]): Map<string, string> {
  const sets = new Map<string, string>();
  for (const flag of flags) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(flag);
    if (!m) throw new UsageError(`--set: expected NAME=value, got "${flag}"`);
    if (sets.has(m[1])) throw new UsageError(`--set: ${m[1]} is set twice`);
    sets.set(m[1], m[2]);
  }
  return sets;
}

/**
 * Replaces every `$NAME` in the strings of a parsed parameters file with the value of `--set
 * NAME=value`. An unfilled placeholder, or a --set that names none, is one UsageError naming it.
 */
export function fillPlaceholders(
  raw: unknown,
  sets: ReadonlyMap<string, string>,
  source = "params",
): unknown {
  const missing = new Set<string>();
  const used = new Set<string>();
  const fill = (v: unknown): unknown => {
    if (typeof v === "string")
      return v.replace(PLACEHOLDER, (whole, name: string) => {
        const value = sets.get(name);
        if (value === undefined) {
          missing.add(name);
          return whole;
        }
        used.add(name);
        return value;
      });
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const filled = fill(raw);
  if (missing.size) {
    const names = [...missing];
    throw new UsageError(
      `${source}: ${names.map((n) => `$${n}`).join(", ")} not filled; pass ${names.map((n) => `--set ${n}=<value>`).join(" ")}`,
    );
  }
  const unused = [...sets.keys()].filter((n) => !used.has(n));
  if (unused.length) throw new UsageError(`--set ${unused[0]}: ${source} has no $${unused[0]}`);
  return filled;
}

export type AgreementParamsFile = z.input<typeof agreementParamsFileSchema>;

/** Validates the file's JSON and returns the tuple the contract takes. */
export function toContractParams(raw: unknown, source = "params") {
  const r = agreementParamsFileSchema.safeParse(raw);
  if (!r.success) throw new UsageError(`invalid agreement parameters:\n${formatIssues(r.error, source)}`);
  const p = r.data;
  return {
    genesis: p.genesis,
    epochLength: p.epochLength,
    horizon: p.horizon,
    reportWindow: p.reportWindow,
    revealWindow: p.revealWindow,
    executionWindow: p.executionWindow,
    challengePeriod: p.challengePeriod,
    rulingPeriod: p.rulingPeriod,
    metrics: p.metrics.map((m) => ({
      name: m.name,
      decimals: m.decimals,
      lossKind: LossKind[m.lossKind],
      scale: m.scale,
    })),
    reporters: p.reporters,
    quorum: p.quorum,
    arbiter: p.arbiter,
    bondToken: p.bondToken,
    minBond: p.minBond,
    missPenalty: p.missPenalty,
    rejectPenalty: p.rejectPenalty,
    challengeBond: p.challengeBond,
    exitDelay: p.exitDelay,
    alpha: p.alpha,
    minScored: p.minScored,
    selection: Selection[p.selection],
    margin: p.margin,
    eta: p.eta,
    randomness: p.randomness,
    capTokens: p.treasuryCaps.map((c) => c.token),
    maxOutflowPerEpoch: p.treasuryCaps.map((c) => c.maxOutflowPerEpoch),
    openInputs: p.openInputs,
    inputAllowlist: p.inputAllowlist,
    maxInputBytes: p.maxInputBytes,
    maxInputsPerEpoch: p.maxInputsPerEpoch,
    maxInputsPerSender: p.maxInputsPerSender,
    maxScore: p.maxScore,
    jury: p.jury,
  };
}
