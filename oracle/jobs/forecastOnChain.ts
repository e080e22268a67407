/**
 * Where a stored forecast stands on chain, read from the hub's slot for its target: the one check
 * every forecast job (and the node's crash and reorg recovery) makes before acting.
 */
import type { Hex } from "viem";

import { hubRead, type NodeContext } from "../node/context.js";
import type { ForecastRow } from "../store/Store.js";

/**
 * "pending": committed and awaiting its reveal; "closed": the slot still holds this commitment but
 * it no longer awaits a reveal (revealed, or counted as missed); "absent": the slot holds something
 * else (never committed, dropped, or an older target's commitment).
 */
export type ForecastOnChain = "pending" | "closed" | "absent";

export async function forecastOnChain(
  ctx: NodeContext,
  forecast: Pick<ForecastRow, "agreementId" | "candidateId" | "targetEpoch" | "commitment">,
): Promise<ForecastOnChain> {
  const [onChain, pending] = (await hubRead(ctx, "forecastSlot", [
    forecast.agreementId,
    forecast.candidateId,
    forecast.targetEpoch,
  ])) as [Hex, boolean];
  if (onChain !== forecast.commitment) return "absent";
  return pending ? "pending" : "closed";
}
