/** What the candidate commands and `status` read about candidates, and how they show it. */
import { decodeRevert, formatWhen } from "../../../chain/revert.js";
import { hub, type HubAbi, type ReadResult } from "../../../protocol/contracts.js";
import { limits } from "../../../protocol/generated.js";
import type { Runtime, Token } from "../../runtime.js";

/** The agreement's bond token and minBond (an unknown agreement reverts AgreementUnknown). */
export async function bondToken(r: Runtime, id: bigint): Promise<Token & { minBond: bigint }> {
  const [params] = await hub(r).read("agreement", [id]);
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
    return await hub(r).simulate("poke", [id, cid]);
  } catch (error) {
    if (decodeRevert(error)?.errorName === "RosterFrozen") return null;
    throw error; // explained by the runtime in the command's terms
  }
}

export async function showCandidate(r: Runtime, id: bigint, cid: bigint) {
  const [view, owed] = await Promise.all([hub(r).read("candidate", [id, cid]), owedMisses(r, id, cid)]);
  return {
    ...view,
    /** Misses due but not yet charged (null: unknown while a Weighted roster is frozen). */
    owedMisses: owed,
    /** Whether the stored record has accounted for every due target (null: unknown). */
    upToDate: owed === null ? null : owed === 0n,
  };
}

/** The hub's candidate view; `cursor` is the first target not yet accounted for (what `poke` would leave). */
export type CandidateView = ReadResult<HubAbi, "candidate">;

/** A WAD score (1e18 = the worst loss) to four decimals. */
export function formatScore(score: bigint): string {
  return (Number(score) / Number(limits.WAD)).toFixed(4);
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
