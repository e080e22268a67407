/** The demo's summary: leaderboard, verification of every transition, and how selection went. */
import { gengovExecutionAbi } from "../chain/abis.js";
import { verifyTransitions } from "../verify/verifyTransitions.js";
import type { DemoResult, EpochRow } from "./runDemo.js";
import type { DemoRun } from "./setup.js";

export async function summarize(run: DemoRun, rows: EpochRow[]) {
  const { hub, agreementId, publicClient } = run.setup;
  const leaderboard = await leaderboardOf(run);
  const verification = await verifyTransitions({
    client: publicClient,
    hub: hub.address,
    execution: run.execution,
    agreementId,
  });
  const proposed = await publicClient.getContractEvents({
    address: run.execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionProposed",
    fromBlock: 0n,
    strict: true,
  });
  const adversaryActionsOnChain = proposed.filter((p) => p.args.candidateId === 4n).length;
  const withExecutor = rows.filter((r) => r.executor !== 0n);
  const selection = {
    withExecutor: withExecutor.length,
    byExecutor: withExecutor.filter((r) => r.executedBy === r.executor).length,
    byFallback: rows.filter((r) => r.executedBy !== 0n && r.executedBy !== r.executor).length,
    notExecuted: withExecutor.filter((r) => r.executedBy === 0n).length,
  };
  // The epoch lines and the leaderboard count the same thing: finalized transitions per candidate.
  for (const l of leaderboard) {
    const lines = rows.filter((r) => r.executedBy === l.id).length;
    if (lines !== l.executions)
      throw new Error(
        `demo: ${l.name} executed ${lines} epochs by the epoch lines but ${l.executions} on chain`,
      );
  }
  const thiefRows = rows.filter((r) => r.thief);
  const thief = thiefRows.length
    ? {
        epochs: thiefRows.filter((r) => r.thief!.proposed).length,
        landed: thiefRows.filter((r) => r.thief!.landed).length,
      }
    : undefined;
  return { leaderboard, verification, adversaryActionsOnChain, selection, thief };
}

/** Every candidate's record, best score first. */
async function leaderboardOf(run: DemoRun): Promise<DemoResult["leaderboard"]> {
  const { hub, agreementId } = run.setup;
  const leaderboard: DemoResult["leaderboard"] = [];
  for (const c of run.candidates) {
    const v = await hub.read.candidate([agreementId, c.id]);
    leaderboard.push({
      id: c.id,
      name: c.name,
      score: Number(v.score) / 1e18,
      scored: v.scoredCount,
      executions: v.executions,
      misses: v.misses,
      bond: v.bond,
    });
  }
  return leaderboard.sort((a, b) => a.score - b.score);
}
