/**
 * Commit a forecast for `targetEpoch` (= current epoch + horizon). Asks the model once, stores the
 * values and a fresh 32-byte CSPRNG salt durably, then sends. Idempotent: a stored forecast is never
 * re-asked, and a commitment already on chain is not sent again.
 *
 * Participation is mandatory: a target with no commitment counts as a miss (the worst loss and
 * `missPenalty`). When the model fails, the job asks it again on later ticks, and once the commit
 * window is in its last quarter it commits a fallback forecast instead — the last final outcome (or
 * zeros before there is one) — whose loss is at most a miss's and which costs no penalty.
 */
import { randomBytes } from "node:crypto";

import { encodeAbiParameters, keccak256, stringToHex, toHex, type Hex } from "viem";

import { gengovHubAbi } from "../chain/abis.js";
import { epochEnd } from "../node/clock.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { crashPoint } from "../node/crashPoints.js";
import { modelFaultFields } from "../models/faults.js";
import { forecastOnChain } from "./forecastOnChain.js";
import { recentHistory } from "./history.js";

export const FORECAST_TAG = keccak256(stringToHex("gengov.forecast.v1"));

export type CommitForecastParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  targetEpoch: bigint;
  /** Chain time (default: the latest block's timestamp). */
  now?: bigint;
};

export type CommitForecastReturnType = {
  /** "abstained": the model failed and the fallback is not due yet; the job runs again next tick. */
  status: "committed" | "already" | "abstained";
  txHash?: Hex;
  /** The committed values are the fallback forecast, not the model's. */
  fallback?: boolean;
};

/**
 * From when on a failed model is replaced by the fallback forecast: the last quarter of the commit
 * window (epoch `targetEpoch − horizon`), so a slow or flaky model still has most of the epoch.
 */
export function fallbackAt(agreement: AgreementRuntime, targetEpoch: bigint): bigint {
  const c = agreement.clock;
  return epochEnd(c, targetEpoch - c.horizon) - c.epochLength / 4n;
}

/** The fallback forecast: the last final outcome in `history` (persistence), else zeros. */
export function fallbackForecast(
  agreement: AgreementRuntime,
  history: { epoch: bigint; outcome: bigint[] | null }[],
): { values: bigint[]; rationale: string } {
  const last = [...history].reverse().find((h) => h.outcome !== null);
  if (last?.outcome && last.outcome.length === agreement.metrics.length) {
    return { values: [...last.outcome], rationale: `fallback: the final outcome of epoch ${last.epoch}` };
  }
  return { values: agreement.metrics.map(() => 0n), rationale: "fallback: no final outcome yet, zeros" };
}

/** The forecast commitment, exactly as `ForecastCommitment.compute` hashes it. */
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
  let fallback = false;
  if (row) {
    if ((await forecastOnChain(ctx, row)) === "pending") {
      ctx.store.setForecastStatus(agreementId, candidateId, targetEpoch, "committed");
      log.info({ at: "commitForecast", msg: "already committed on chain" });
      return { status: "already" };
    }
  } else {
    let forecast: { values: bigint[]; rationale: string };
    const history = await recentHistory(ctx, agreementId, targetEpoch - agreement.clock.horizon - 1n);
    const due = fallbackAt(agreement, targetEpoch);
    const waiting = candidate.backoff?.ready("forecast");
    if (waiting && !waiting.ok) {
      // The model failed recently: it is not asked again before its backoff ends.
      const now = p.now ?? (await ctx.now());
      if (now < due) return { status: "abstained" };
      forecast = fallbackForecast(agreement, history);
      fallback = true;
      log.warn({
        at: "commitForecast",
        msg: `model failed, committing the fallback forecast (a skipped commit is a miss): ${waiting.reason} (model backing off after ${waiting.failures} failure(s))`,
      });
    } else {
      try {
        const answer = await candidate.model.forecast({
          agreementId,
          agreementText: agreement.text,
          metrics: agreement.metrics,
          targetEpoch,
          history,
        });
        ctx.metrics.model(answer.latencyMs, answer.usage?.totalTokens ?? 0);
        candidate.backoff?.succeeded("forecast");
        forecast = answer;
      } catch (error) {
        const reason = (error as Error).message.split("\n")[0];
        const waitMs = candidate.backoff?.failed("forecast", reason) ?? 0;
        const now = p.now ?? (await ctx.now());
        if (now < due) {
          log.warn({
            at: "commitForecast",
            msg: `model failed, retrying (fallback forecast from ${due}): ${reason}`,
            retryInMs: waitMs,
            ...modelFaultFields(error),
          });
          return { status: "abstained" };
        }
        forecast = fallbackForecast(agreement, history);
        fallback = true;
        log.warn({
          at: "commitForecast",
          msg: `model failed, committing the fallback forecast (a skipped commit is a miss): ${reason}`,
          ...modelFaultFields(error),
        });
      }
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
  return { status: "committed", txHash: receipt.transactionHash, ...(fallback ? { fallback } : {}) };
}
