/** What the candidate commands and `status` read about candidates, and how they show it. */
import type { Hex } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
import { decodeRevert, formatWhen } from "../../../chain/revert.js";
import type { Runtime, Token } from "../../runtime.js";

/** The agreement's bond token and minBond (an unknown agreement reverts AgreementUnknown). */
export async function bondToken(r: Runtime, id: bigint): Promise<Token & { minBond: bigint }> {
  const [params] = (await r.client.readContract({
    address: r.hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [id],
  })) as readonly [{ bondToken: Hex; minBond: bigint }, Hex, bigint];
  return { ...(await r.token(params.bondToken, "bondToken")), minBond: params.minBond };
}

/**
 * How far the candidate's stored record is behind: `poke` read with eth_call returns the misses it
 * would charge now (due targets from the cursor on that were neither revealed nor void). A record
 * that owes none is up to date; one that owes some is not eligible until it reveals or is poked. In a
 * Weighted agreement poke is refused while the next draw is known (`RosterFrozen`): then unknown.
 */
export async function owedMisses(r: Runtime, id: bigint, cid: bigint): Promise<bigint | null> {
  try {
    return (await r.client.readContract({
      address: r.hub,
      abi: gengovHubAbi,
      functionName: "poke" as never,
      args: [id, cid] as never,
    })) as unknown as bigint;
  } catch (error) {
    if (decodeRevert(error)?.errorName === "RosterFrozen") return null;
    throw error; // explained by the runtime in the command's terms
  }
}

export async function showCandidate(r: Runtime, id: bigint, cid: bigint) {
  const [view, owed] = await Promise.all([
    r.client.readContract({
      address: r.hub,
      abi: gengovHubAbi,
      functionName: "candidate",
      args: [id, cid],
    }),
    owedMisses(r, id, cid),
  ]);
  const v = view as CandidateView;
  return {
    ...v,
    /** Misses due but not yet charged (null: unknown while a Weighted roster is frozen). */
    owedMisses: owed,
    /** Whether the stored record has accounted for every due target (null: unknown). */
    upToDate: owed === null ? null : owed === 0n,
  };
}

type CandidateView = {
  owner: Hex;
  operator: Hex;
  specHash: Hex;
  bond: bigint;
  score: bigint;
  scoredCount: number;
  misses: number;
  executions: number;
  exitAt: bigint;
  exiting: boolean;
  withdrawn: boolean;
  eligible: boolean;
  /** First target not yet accounted for, with every due miss counted (what `poke` would leave). */
  cursor: bigint;
};

/** A WAD score (1e18 = the worst loss) to four decimals. */
export function formatScore(score: bigint): string {
  return (Number(score) / 1e18).toFixed(4);
}

/** Whether a candidate is active, exiting (and from when it can withdraw) or withdrawn. */
export function candidateState(c: { exiting: boolean; withdrawn: boolean; exitAt: bigint }, now: bigint) {
  if (c.withdrawn) return "withdrawn";
  if (c.exiting)
    return c.exitAt > now
      ? `exiting, can withdraw from ${formatWhen(c.exitAt, now)}`
      : "exiting, can withdraw now";
  return "active";
}

/** One line on whether the candidate is up to date with its targets. */
export function upToDateLine(c: { upToDate: boolean | null; owedMisses: bigint | null; cursor: bigint }) {
  if (c.upToDate === null)
    return `unknown (roster frozen; accounted through target ${c.cursor - 1n} once charged)`;
  if (c.upToDate) return `yes (next target to account for: ${c.cursor})`;
  return `no: ${c.owedMisses} missed target(s) not charged yet; not eligible until it reveals or is poked (gengov candidate poke)`;
}
