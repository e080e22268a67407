/**
 * Where a stored forecast stands on chain, read from the hub's slot for its target: the one check
 * every forecast job (and the node's crash and reorg recovery) makes before acting.
 */
import type { NodeContext } from "../node/context.js";
import { hub } from "../protocol/contracts.js";
import { OutcomeStatus } from "../protocol/generated.js";
import type { ForecastRow } from "../store/Store.js";

/**
 * "pending": the slot holds this commitment and the target still awaits its reveal (at or after the
 * candidate's cursor and still answerable — also after its reveal window, until a later reveal or a
 * `poke` charges it as a miss); "closed": the slot holds this commitment but the cursor has moved
 * past the target (revealed, charged as a miss, or skipped as void) or an exiting candidate no longer
 * answers for it; "absent": the slot holds something else (never committed, dropped, or an older
 * target's commitment).
 *
 * The hub's `pending` flag alone says nothing about whose commitment the slot holds (any non-zero
 * commitment counts), so it is only trusted when the slot equals the stored commitment.
 */
export type ForecastOnChain = "pending" | "closed" | "absent";

export async function forecastOnChain(
  ctx: NodeContext,
  forecast: Pick<ForecastRow, "agreementId" | "candidateId" | "targetEpoch" | "commitment">,
): Promise<ForecastOnChain> {
  const [onChain, pending] = await hub(ctx).read("forecastSlot", [
    forecast.agreementId,
    forecast.candidateId,
    forecast.targetEpoch,
  ]);
  if (onChain !== forecast.commitment) return "absent";
  return pending ? "pending" : "closed";
}

/** Whether the scanned logs hold this forecast's ForecastRevealed event. */
export function revealScanned(
  ctx: NodeContext,
  forecast: Pick<ForecastRow, "agreementId" | "candidateId" | "targetEpoch">,
): boolean {
  return (
    ctx.store.logs(
      "ForecastRevealed",
      (a) =>
        a.agreementId === forecast.agreementId &&
        a.candidateId === forecast.candidateId &&
        a.targetEpoch === forecast.targetEpoch,
    ).length > 0
  );
}

/**
 * Whether the target's outcome is (or, once fixed, will be) void: what `finalizeOutcome` would return
 * now, read with eth_call, so an outcome nobody fixed yet is judged by the hub's own rule (reports
 * below the epoch's quorum). Only valid once the target's report window has closed.
 */
export async function outcomeIsVoid(ctx: NodeContext, agreementId: bigint, targetEpoch: bigint) {
  return (await hub(ctx).simulate("finalizeOutcome", [agreementId, targetEpoch])) === OutcomeStatus.Void;
}
