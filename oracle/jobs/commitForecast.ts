/**
 * Commit a forecast for `targetEpoch` (= current epoch + horizon). Asks the model once, stores the
 * values and a fresh 32-byte CSPRNG salt durably, then sends. Idempotent: a stored forecast is never
 * re-asked, and a commitment already on chain is not sent again. Model failure → abstain (no commit).
 */
import { randomBytes } from "node:crypto";

import { encodeAbiParameters, keccak256, stringToHex, toHex, type Hex } from "viem";

import { gengovHubAbi } from "../chain/abis.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { crashPoint } from "../node/crashPoints.js";
import { forecastOnChain } from "./forecastOnChain.js";
import { recentHistory } from "./history.js";

export const FORECAST_TAG = keccak256(stringToHex("gengov.forecast.v1"));

export type CommitForecastParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  targetEpoch: bigint;
};

export type CommitForecastReturnType = { status: "committed" | "already" | "abstained"; txHash?: Hex };

/** The normative commitment of DESIGN §3. */
export function forecastCommitment(a: {
  chainId: number;
  hub: Hex;
  agreementId: bigint;
  candidateId: bigint;
  targetEpoch: bigint;
  values: readonly bigint[];
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
        { type: "uint64" },
        { type: "int128[]" },
        { type: "bytes32" },
      ],
      [
        FORECAST_TAG,
        BigInt(a.chainId),
        a.hub,
        a.agreementId,
        a.candidateId,
        a.targetEpoch,
        [...a.values],
        a.salt,
      ],
    ),
  );
}

export async function commitForecast(p: CommitForecastParameters): Promise<CommitForecastReturnType> {
  const { ctx, candidate, agreement, targetEpoch } = p;
  const { agreementId, candidateId } = candidate;
  const log = ctx.log.child({ at: "commitForecast", agreementId, candidateId, targetEpoch });
  let row = ctx.store.getForecast(agreementId, candidateId, targetEpoch);
  if (row && row.status !== "persisted") return { status: "already" };
  if (row) {
    if ((await forecastOnChain(ctx, row)) === "pending") {
      ctx.store.setForecastStatus(agreementId, candidateId, targetEpoch, "committed");
      log.info({ at: "commitForecast", msg: "already committed on chain" });
      return { status: "already" };
    }
  } else {
    let forecast;
    try {
      const history = await recentHistory(ctx, agreementId, targetEpoch - agreement.clock.horizon - 1n);
      forecast = await candidate.model.forecast({
        agreementId,
        agreementText: agreement.text,
        metrics: agreement.metrics,
        targetEpoch,
        history,
      });
      ctx.metrics.model(forecast.latencyMs, forecast.usage?.totalTokens ?? 0);
    } catch (error) {
      log.warn({
        at: "commitForecast",
        msg: `model failed, abstaining: ${(error as Error).message.split("\n")[0]}`,
      });
      return { status: "abstained" };
    }
    const salt = toHex(randomBytes(32));
    const commitment = forecastCommitment({
      chainId: ctx.chainId,
      hub: ctx.hub,
      agreementId,
      candidateId,
      targetEpoch,
      values: forecast.values,
      salt,
    });
    // Durable before the transaction exists: a crash from here on still reveals this forecast.
    ctx.store.insertForecast({
      agreementId,
      candidateId,
      targetEpoch,
      values: forecast.values,
      salt,
      commitment,
      rationale: forecast.rationale,
    });
    crashPoint("afterPersist");
    row = ctx.store.getForecast(agreementId, candidateId, targetEpoch)!;
  }
  const receipt = await ctx.sender.send({
    jobKey: `commit:${agreementId}:${candidateId}:${targetEpoch}`,
    address: ctx.hub,
    abi: gengovHubAbi,
    functionName: "commitForecast",
    args: [agreementId, candidateId, targetEpoch, row.commitment],
  });
  ctx.store.setForecastStatus(agreementId, candidateId, targetEpoch, "committed");
  log.info({ at: "commitForecast", msg: "committed", tx: receipt.transactionHash });
  return { status: "committed", txHash: receipt.transactionHash };
}
