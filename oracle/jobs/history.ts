/**
 * Recent final outcomes of an agreement, oldest first, for prompts and manifests.
 */
import type { EpochRecord } from "../models/types.js";
import type { NodeContext } from "../node/context.js";
import { hub, type HubAbi, type ReadResult } from "../protocol/contracts.js";
import { OutcomeStatus } from "../protocol/generated.js";

type Outcome = ReadResult<HubAbi, "outcome">;
/** Fixed outcomes never change again, so each node reads each one once. */
const fixedOutcomes = new WeakMap<NodeContext, Map<string, Outcome>>();

async function outcomeOf(ctx: NodeContext, agreementId: bigint, epoch: bigint): Promise<Outcome> {
  let cache = fixedOutcomes.get(ctx);
  if (!cache) fixedOutcomes.set(ctx, (cache = new Map()));
  const key = `${agreementId}:${epoch}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const outcome = await hub(ctx).read("outcome", [agreementId, epoch]);
  if (outcome[0] !== OutcomeStatus.Pending) cache.set(key, outcome);
  return outcome;
}

export async function recentHistory(
  ctx: NodeContext,
  agreementId: bigint,
  lastEpoch: bigint,
  count = 8,
): Promise<EpochRecord[]> {
  const epochs: bigint[] = [];
  for (let e = lastEpoch - BigInt(count) + 1n; e <= lastEpoch; e++) if (e >= 0n) epochs.push(e);
  const outcomes = await Promise.all(epochs.map((e) => outcomeOf(ctx, agreementId, e)));
  return epochs.map((epoch, i) => ({
    epoch,
    outcome: outcomes[i][0] === OutcomeStatus.Final ? [...outcomes[i][1]] : null,
    ...(outcomes[i][0] === OutcomeStatus.Pending ? { pending: true } : {}),
  }));
}
