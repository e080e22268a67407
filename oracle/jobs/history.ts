/**
 * Recent final outcomes of an agreement, oldest first, for prompts and manifests.
 */
import type { EpochRecord } from "../models/types.js";
import { hubRead, type NodeContext } from "../node/context.js";

const FINAL = 1;

export async function recentHistory(
  ctx: NodeContext,
  agreementId: bigint,
  lastEpoch: bigint,
  count = 8,
): Promise<EpochRecord[]> {
  const epochs: bigint[] = [];
  for (let e = lastEpoch - BigInt(count) + 1n; e <= lastEpoch; e++) if (e >= 0n) epochs.push(e);
  const outcomes = await Promise.all(
    epochs.map(
      (e) =>
        hubRead(ctx, "outcome", [agreementId, e]) as Promise<readonly [number, readonly bigint[], number]>,
    ),
  );
  return epochs.map((epoch, i) => ({
    epoch,
    outcome: outcomes[i][0] === FINAL ? [...outcomes[i][1]] : null,
  }));
}
