/**
 * Reveal a stored forecast in its target's reveal window — after a crash too, since values and salt
 * come from the store, never from the model again. A void outcome needs no reveal: the hub refuses
 * it (`OutcomeIsVoid`) and skips the target when the candidate's cursor next moves, so the row is
 * closed as "void" for good and never sent again.
 */
import type { Hex } from "viem";

import { gengovHubAbi } from "../chain/abis.js";
import { TxRevertedError } from "../chain/txSender.js";
import type { ForecastRow } from "../store/Store.js";
import type { CandidateRuntime, NodeContext } from "../node/context.js";
import { forecastOnChain } from "./forecastOnChain.js";

export type RevealForecastParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  forecast: ForecastRow;
};
export type RevealForecastReturnType = {
  status: "revealed" | "already" | "void" | "not-committed";
  txHash?: Hex;
};

export async function revealForecast(p: RevealForecastParameters): Promise<RevealForecastReturnType> {
  const { ctx, candidate, forecast } = p;
  const { agreementId, candidateId } = candidate;
  const t = forecast.targetEpoch;
  const log = ctx.log.child({ at: "revealForecast", agreementId, candidateId, targetEpoch: t });
  const jobKey = `reveal:${agreementId}:${candidateId}:${t}`;
  if (ctx.sender.pending(jobKey).length === 0) {
    // Inside the reveal window nothing but a reveal moves the cursor past this target (a poke only
    // settles targets whose window has closed), so "closed" means this forecast was revealed.
    const where = await forecastOnChain(ctx, forecast);
    if (where !== "pending") {
      ctx.store.setForecastStatus(agreementId, candidateId, t, where === "closed" ? "revealed" : "missed");
      return { status: where === "closed" ? "already" : "not-committed" };
    }
  }
  try {
    const receipt = await ctx.sender.send({
      jobKey,
      address: ctx.hub,
      abi: gengovHubAbi,
      functionName: "revealForecast",
      args: [agreementId, candidateId, t, forecast.values, forecast.salt],
    });
    ctx.store.setForecastStatus(agreementId, candidateId, t, "revealed");
    log.info({ at: "revealForecast", msg: "revealed", tx: receipt.transactionHash });
    return { status: "revealed", txHash: receipt.transactionHash };
  } catch (error) {
    if (error instanceof TxRevertedError && error.errorName === "OutcomeIsVoid") {
      ctx.store.setForecastStatus(agreementId, candidateId, t, "void");
      log.info({ at: "revealForecast", msg: "outcome is void: nothing to reveal" });
      return { status: "void" };
    }
    throw error;
  }
}
