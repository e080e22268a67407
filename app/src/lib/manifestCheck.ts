/**
 * The in-browser manifest check: `gengov verify`'s recomputation of every hash of every transition
 * from chain data alone (oracle/verify/verifyTransitions.ts), summarised as "verified" or
 * "failed: <the checks that failed>".
 */
import type { Hex, PublicClient } from "viem";

import { verifyTransitions, type TransitionReport } from "../../../oracle/verify/verifyTransitions.js";

export function manifestSummary(report: Pick<TransitionReport, "checks">): string {
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length === 0) return "verified";
  return `failed: ${failed.map((c) => (c.detail ? `${c.name} (${c.detail})` : c.name)).join(", ")}`;
}

/** Key of a proposal in the summaries: its epoch and manifest hash. */
export const proposalKey = (epoch: bigint, manifestHash: Hex) => `${epoch}:${manifestHash.toLowerCase()}`;

/** Every transition's manifest summary, by proposalKey; the whole check failing fails every one. */
export async function checkManifests(
  client: PublicClient,
  hub: Hex,
  execution: Hex,
  agreementId: bigint,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const reports = await verifyTransitions({ client, hub, execution, agreementId });
  for (const r of reports) out.set(proposalKey(r.epoch, r.manifestHash), manifestSummary(r));
  return out;
}
