/**
 * What the judgement commands share: the hub's judgement contract, the round a command names, the
 * terms and item files, and the jurors' answers as typed on the command line.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

import { zeroAddress, type Hex } from "viem";

import { gengovJudgementAbi } from "../../../chain/abis.js";
import { parseItems, type JudgementItem } from "../../../judgement/itemTree.js";
import { parseJudgementTerms, toJudgementParams } from "../../../judgement/terms.js";
import {
  judgementTerms,
  roundState,
  type JudgementReader,
  type RoundState,
} from "../../../jobs/judgement.js";
import { hubJudgement } from "../../../node/context.js";
import { fillPlaceholders, parseSets } from "../../agreementParams.js";
import { parseId, UsageError, type Runtime } from "../../runtime.js";

export { gengovJudgementAbi };

/** The hub's judgement contract as a reader; a UsageError when none is attached. */
export async function judgementOf(r: Runtime): Promise<JudgementReader & { judgement: Hex }> {
  const address = await hubJudgement(r.client, r.hub);
  if (address === zeroAddress)
    throw new UsageError(`--hub: the hub at ${r.hub} has no judgement contract attached`);
  return { client: r.client, judgement: address };
}

/** The round named by --round, else the agreement's latest; a UsageError when there is none. */
export async function namedRound(
  r: Runtime,
  reader: JudgementReader,
  o: { agreement: string; round?: string },
): Promise<{ agreementId: bigint; round: bigint; state: RoundState; rounds: bigint }> {
  const agreementId = parseId("--agreement", o.agreement);
  const { rounds } = await judgementTerms(reader, agreementId);
  if (rounds === 0n)
    throw new UsageError(`agreement ${agreementId} has no judgement round yet (gengov judgement open)`);
  const round = o.round === undefined ? rounds : parseId("--round", o.round);
  if (round === 0n || round > rounds)
    throw new UsageError(`--round: agreement ${agreementId} has rounds 1 to ${rounds}, not ${round}`);
  return { agreementId, round, state: await roundState(reader, agreementId, round), rounds };
}

/** Reads and validates an item list file. */
export function readItemsFile(path: string, what = "--items"): JudgementItem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`${what}: cannot read ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    return parseItems(raw, path);
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}

/** Reads a terms file (placeholders filled by --set) and the item list it names. */
export function readTermsFile(path: string, sets: readonly string[]) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--terms: cannot read ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  const terms = parseJudgementTerms(fillPlaceholders(raw, parseSets(sets), path), path);
  const itemsPath = resolve(dirname(path), terms.items);
  const items = readItemsFile(itemsPath, `--terms ${path}: items`);
  return { terms, items, itemsPath, params: toJudgementParams(terms, items) };
}

/** 1e18. */
const WAD = 10n ** 18n;

/**
 * Parses --ratios: one positive number per pair, how many times more credit the pair's second item
 * deserves than its first, into ln(ratio) in WAD.
 */
export function parseRatios(value: string, pairs: number): bigint[] {
  const parts = value.split(",").map((s) => s.trim());
  if (parts.length !== pairs)
    throw new UsageError(
      `--ratios: ${parts.length} value(s) for the round's ${pairs} pairs (one per pair, comma-separated)`,
    );
  return parts.map((s, i) => {
    const x = Number(s);
    if (!/^\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s) || !(x > 0) || !Number.isFinite(x))
      throw new UsageError(`--ratios: pair ${i}: expected a positive number, got "${s}"`);
    return BigInt(Math.round(Math.log(x) * 1e12)) * 1_000_000n;
  });
}

/** A WAD amount as a decimal with `digits` places. */
export const wad = (v: bigint, digits = 4) => (Number(v) / Number(WAD)).toFixed(digits);

/** The phase of a round at `now`. */
export function phase(s: RoundState, now: bigint): string {
  if (s.finalized) return s.isVoid ? "finalized (void)" : "finalized";
  if (now < s.commitEnds) return "commit";
  if (now < s.answerEnds) return "answer";
  if (now < s.revealEnds) return "reveal";
  if (now < s.proposeEnds) return "propose";
  return "awaiting finalization";
}
