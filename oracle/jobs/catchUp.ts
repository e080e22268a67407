/**
 * Brings the node's own candidate back up to date after it fell behind (downtime, a lost key, a
 * crash loop): every target from its cursor on must be revealed, void or charged as a miss, and a
 * record that has not accounted for every due target is not eligible to execute. The candidate's next
 * reveal charges the skipped targets anyway, but only for the epoch after it; a `poke` charges them
 * now, so in a Leader agreement the candidate is eligible again for the current epoch. The misses
 * cost the same either way, so the poke costs only its gas.
 *
 * `poke` is read first with eth_call: it returns how many misses it would charge. In a Weighted
 * agreement the hub refuses roster changes (`RosterFrozen(epoch, until)`) while the next draw is
 * known; that is a schedule, not a failure: the job says when to come back.
 */
import { gengovHubAbi } from "../chain/abis.js";
import { asRevert, TxRevertedError } from "../chain/txSender.js";
import { epochAt, epochStart, revealCloses } from "../node/clock.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { hub } from "../protocol/contracts.js";
import { Selection } from "../protocol/generated.js";

export type CatchUpParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  now: bigint;
  /** Poke only when at least this many misses are owed (fewer are charged by the next reveal). */
  minMisses: number;
};

export type CatchUpReturnType = {
  status: "poked" | "up-to-date" | "behind" | "frozen";
  /** Misses the poke charged (poked) or that are owed (behind). */
  misses?: bigint;
  /** When to check again (chain time). */
  next: bigint;
};

/**
 * The next moment a check can find something new: in a Leader agreement when the next target's
 * reveal window closes (its miss becomes due and a poke still helps the current epoch's selection);
 * in a Weighted one at the next epoch's start (poke is frozen from the reveal phase to the epoch's
 * end).
 */
export function nextCatchUpCheck(agreement: AgreementRuntime, now: bigint): bigint {
  const c = agreement.clock;
  const current = epochAt(c, now);
  if (current < 0n) return c.genesis;
  if (agreement.selection !== Selection.Leader) return epochStart(c, current + 1n);
  const closes = revealCloses(c, current - 1n);
  return now < closes ? closes : revealCloses(c, current);
}

export async function catchUp(p: CatchUpParameters): Promise<CatchUpReturnType> {
  const { ctx, candidate, agreement, now } = p;
  const { agreementId, candidateId } = candidate;
  const next = nextCatchUpCheck(agreement, now);
  let owed: bigint;
  try {
    owed = await hub(ctx).simulate("poke", [agreementId, candidateId]);
  } catch (error) {
    const revert = asRevert(error, "poke");
    if (revert instanceof TxRevertedError && revert.errorName === "RosterFrozen") {
      return { status: "frozen", next: frozenUntil(revert.errorArgs, now) };
    }
    throw revert;
  }
  if (owed === 0n) return { status: "up-to-date", next };
  if (owed < BigInt(p.minMisses)) return { status: "behind", misses: owed, next };
  const log = ctx.log.child({ at: "catchUp", agreementId, candidateId });
  try {
    const receipt = await ctx.sender.send({
      jobKey: `poke:${agreementId}:${candidateId}:${epochAt(agreement.clock, now)}`,
      address: ctx.hub,
      abi: gengovHubAbi,
      functionName: "poke",
      args: [agreementId, candidateId],
    });
    log.warn({
      at: "catchUp",
      msg: `behind by ${owed} missed target(s): poked, so the record is up to date and eligible again`,
      tx: receipt.transactionHash,
    });
    return { status: "poked", misses: owed, next };
  } catch (error) {
    if (error instanceof TxRevertedError && error.errorName === "RosterFrozen") {
      return { status: "frozen", next: frozenUntil(error.errorArgs, now) };
    }
    throw error;
  }
}

/** When to look again after `RosterFrozen(epoch, until)`: at `until`, or at once if it has passed. */
function frozenUntil(errorArgs: readonly unknown[] | undefined, now: bigint): bigint {
  const until = errorArgs?.[1];
  return typeof until === "bigint" && until > now ? until : now + 1n;
}
