/**
 * Judgement terms files (`gengov judgement configure --terms <file>`, examples/deep-funding/
 * judgement.json): the fields of `IGengovJudgement.JudgementParams` except the item root and count,
 * which come from the item list the file names (`items`, a path relative to the file), plus the
 * `itemsUri` the configuration publishes. Big numbers as decimal strings or numbers; `$NAME`
 * placeholders are filled by `--set NAME=value` as in agreement parameter files.
 */
import { encodeAbiParameters, isAddress, keccak256, stringToHex, type Hex } from "viem";
import { z } from "zod";

import { UsageError } from "../cli/runtime.js";
import { buildItemTree, type JudgementItem } from "./itemTree.js";

const big = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "a decimal integer")])
  .transform((v) => BigInt(v));
const u32 = z
  .number()
  .int()
  .min(1)
  .max(2 ** 32 - 1);
const WAD = 10n ** 18n;
const MAX_UINT128 = 2n ** 128n - 1n;
const u128 = big.refine((v) => v <= MAX_UINT128, { message: "must fit uint128" });

/** Validator of a judgement terms file. */
export const judgementTermsFileSchema = z
  .strictObject({
    items: z.string().min(1).describe("Path of the item list (JSON), relative to this file."),
    itemsUri: z.string().describe("Where the item list is published."),
    sampleSize: z.number().int().min(1).max(65_535),
    maxFlags: z.number().int().min(0).max(255),
    commitWindow: u32,
    answerWindow: u32,
    revealWindow: u32,
    proposeWindow: u32,
    budget: u128,
    submitterShare: big.refine((v) => v <= WAD, { message: `at most ${WAD} (WAD)` }),
    scale: u128.refine((v) => v > 0n, { message: "must be non-zero" }),
    flagBond: u128.default(0n),
    flagReward: u128.default(0n),
    randomness: z
      .string()
      .refine((s) => isAddress(s, { strict: false }), { message: "not an address" })
      .transform((s) => s as Hex),
  })
  .superRefine((t, ctx) => {
    if (t.maxFlags > Math.floor(t.sampleSize / 2))
      ctx.addIssue({
        code: "custom",
        path: ["maxFlags"],
        message: `at most sampleSize / 2 (${Math.floor(t.sampleSize / 2)})`,
      });
  });

export type JudgementTermsFile = z.output<typeof judgementTermsFileSchema>;

/** `IGengovJudgement.JudgementParams` as viem takes it. */
export type JudgementParams = {
  itemsRoot: Hex;
  itemCount: number;
  sampleSize: number;
  maxFlags: number;
  commitWindow: number;
  answerWindow: number;
  revealWindow: number;
  proposeWindow: number;
  budget: bigint;
  submitterShare: bigint;
  scale: bigint;
  flagBond: bigint;
  flagReward: bigint;
  randomness: Hex;
};

/**
 * Validates a terms file (placeholders already filled).
 * @param raw The parsed JSON.
 * @param source Named in the error.
 * @returns The terms.
 * @throws UsageError naming the first invalid field (and how many more there are).
 */
export function parseJudgementTerms(raw: unknown, source = "terms"): JudgementTermsFile {
  const r = judgementTermsFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : "";
    throw new UsageError(
      `invalid judgement terms: ${[source, ...issue.path.map(String)].join(".")}: ${issue.message}${more}`,
    );
  }
  return r.data;
}

/**
 * The contract's terms for an item list.
 * @param terms The terms file.
 * @param items The items it names.
 * @returns The tuple `configure` takes.
 */
export function toJudgementParams(
  terms: JudgementTermsFile,
  items: readonly JudgementItem[],
): JudgementParams {
  return {
    itemsRoot: buildItemTree(items).root,
    itemCount: items.length,
    sampleSize: terms.sampleSize,
    maxFlags: terms.maxFlags,
    commitWindow: terms.commitWindow,
    answerWindow: terms.answerWindow,
    revealWindow: terms.revealWindow,
    proposeWindow: terms.proposeWindow,
    budget: terms.budget,
    submitterShare: terms.submitterShare,
    scale: terms.scale,
    flagBond: terms.flagBond,
    flagReward: terms.flagReward,
    randomness: terms.randomness,
  };
}

/** The tag of a list commitment. */
export const LIST_TAG = keccak256(stringToHex("gengov.judgement.list.v1"));

/**
 * A list commitment, as `IGengovJudgement.listCommitment` computes it: keccak256(abi.encode(tag,
 * chainid, contract, agreementId, round, candidateId, root, salt)).
 */
export function listCommitment(a: {
  chainId: number;
  judgement: Hex;
  agreementId: bigint;
  round: bigint;
  candidateId: bigint;
  root: Hex;
  salt: Hex;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [LIST_TAG, BigInt(a.chainId), a.judgement, a.agreementId, a.round, a.candidateId, a.root, a.salt],
    ),
  );
}
