/**
 * The demo's epochs: the world reports each ended epoch's outcome and submits inputs (with one
 * injection attempt per epoch), the nodes tick through commit, reveal, proposal and finalization,
 * and each ended epoch becomes one row and one printed line. Under a jury the nodes tick every 100
 * seconds of chain time through the epoch, so each seated juror commits, reveals and closes its vote
 * in the vote's 5-minute windows; the row then lists the epoch's proposals with their juries.
 */
import { hexToString, stringToHex } from "viem";

import { gengovExecutionAbi } from "../chain/abis.js";
import { epochEnd, epochStart, revealOpens } from "../node/clock.js";
import { councilEpoch, councilLines, proposalLines, proposalRows, theftLanded } from "./jury.js";
import type { EpochRow } from "./runDemo.js";
import { THIEF, type DemoRun } from "./setup.js";
import { INJECTIONS } from "./world.js";

/** Runs `epochs` epochs; returns a row per epoch and how many injections were submitted. */
export async function runEpochs(run: DemoRun, epochs: number, say: (line: string) => void) {
  let injections = 0;
  const rows: EpochRow[] = [];
  const truths = new Map<bigint, bigint[]>();
  for (let b = 0n; b <= BigInt(epochs); b++) {
    await at(run, epochStart(run.setup.clock, b) + 1n);
    if (b > 0n) truths.set(b - 1n, await reportOutcome(run, b - 1n));
    if (b < BigInt(epochs)) {
      await submitInputs(run, b);
      injections++;
    }
    await tickAll(run); // commits for b + 1; selection and executor's proposal for b − 1
    if (b === 0n) continue;
    const e = b - 1n;
    await settleEpoch(run, e);
    const row = await epochRow(run, e, truths.get(e)!);
    rows.push(row);
    say(epochLine(run, row));
    for (const line of proposalLines(run, row)) say(line);
    if (row.council) for (const line of councilLines(row.council)) say(line);
  }
  return { rows, injections };
}

export const tickAll = async (run: DemoRun) => {
  for (const n of run.nodes) await n.tick();
};

export const at = async (run: DemoRun, t: bigint) => {
  if ((await run.chain.latest()) < t) await run.chain.setTime(t);
};

/** The world's truth of epoch `e`, reported by the three reporters with a jitter of −1, 0, +1. */
export async function reportOutcome(run: DemoRun, e: bigint): Promise<bigint[]> {
  const { hub, agreementId, accounts, walletOf } = run.setup;
  const truth = run.world.advance(e, await finalizedState(run));
  for (const [k, r] of accounts.slice(1, 4).entries()) {
    const jitter = BigInt(k - 1);
    await hub.write.reportOutcome([agreementId, e, truth.map((v) => v + jitter)], {
      account: walletOf(r).account,
    });
  }
  return truth;
}

/** The world's inputs of epoch `b` from the boat, and one injection attempt from the adversary. */
export async function submitInputs(run: DemoRun, b: bigint) {
  const { hub, agreementId, accounts, walletOf } = run.setup;
  const [boat, adversary] = accounts.slice(8, 10);
  for (const input of run.world.inputs(b))
    await hub.write.submitInput([agreementId, stringToHex(input)], { account: walletOf(boat).account });
  const injection = INJECTIONS[Number(b) % INJECTIONS.length];
  await hub.write.submitInput([agreementId, stringToHex(injection)], {
    account: walletOf(adversary).account,
  });
}

/** Epoch `e`'s reveals, a fallback's proposal if the executor did not, and finalization. */
export async function settleEpoch(run: DemoRun, e: bigint) {
  const { clock } = run.setup;
  if (run.setup.juried) {
    const end = epochEnd(clock, e);
    for (let t = end + 100n; t < end + clock.epochLength - 60n; t += 100n) {
      await at(run, t);
      await tickAll(run);
    }
    return;
  }
  await at(run, revealOpens(clock, e));
  await tickAll(run); // reveals of target e; a fallback proposes if the executor did not
  await at(run, epochEnd(clock, e) + clock.challengePeriod + 30n);
  await tickAll(run); // finalize the executor's transition
  await at(run, epochEnd(clock, e) + clock.executionWindow + clock.challengePeriod + 60n);
  await tickAll(run); // finalize a fallback's transition
}

/** The last finalized state document ({} before the first). */
async function finalizedState(run: DemoRun): Promise<Record<string, unknown>> {
  const { publicClient } = run.setup;
  const fin = await publicClient.getContractEvents({
    address: run.execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionFinalized",
    fromBlock: 0n,
    strict: true,
  });
  if (!fin.length) return {};
  const last = fin[fin.length - 1].args;
  const props = await publicClient.getContractEvents({
    address: run.execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionProposed",
    fromBlock: 0n,
    strict: true,
  });
  const p = props.filter((x) => x.args.epoch === last.epoch && x.args.newStateHash === last.stateHash).at(-1);
  return p ? JSON.parse(hexToString(p.args.newState)) : {};
}

/**
 * Epoch `e` as it ended: the selection the hub fixed (the executor's proposal or the first reveal
 * fixed it), whose transition was finalized (the executor's, or the fallback's when the executor did
 * not propose), every candidate's forecast and score, and the state.
 */
export async function epochRow(run: DemoRun, e: bigint, outcome: bigint[]): Promise<EpochRow> {
  const { hub, agreementId, publicClient } = run.setup;
  const [selected] = await publicClient.getContractEvents({
    address: hub.address,
    abi: hub.abi,
    eventName: "ExecutorSelected",
    args: { agreementId, epoch: e },
    fromBlock: 0n,
    strict: true,
  });
  const [fixedExecutor, fixedFallback, isFixed] = await hub.read.executorOf([agreementId, e]);
  const executor: bigint = selected ? selected.args.executor : isFixed ? fixedExecutor : 0n;
  const fallbackCandidate: bigint = selected ? selected.args.fallbackCandidate : isFixed ? fixedFallback : 0n;
  const [finalized] = await publicClient.getContractEvents({
    address: run.execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionFinalized",
    args: { agreementId, epoch: e },
    fromBlock: 0n,
    strict: true,
  });
  const executedBy: bigint = finalized ? finalized.args.candidateId : 0n;
  const { forecasts, scores } = await forecastsAndScores(run, e);
  const state = await finalizedState(run);
  const row: EpochRow = {
    epoch: e,
    outcome,
    forecasts,
    scores,
    executor,
    fallbackCandidate,
    executedBy,
    state,
  };
  const thief = run.candidates.find((c) => c.name === THIEF);
  if (run.setup.juried || thief) {
    row.proposals = await proposalRows(run, e);
    if (thief)
      row.thief = {
        proposed: row.proposals.some((p) => p.proposer === thief.id),
        landed: theftLanded(row.proposals),
      };
    if (run.world.name === "council") row.council = councilEpoch(run, row, run.world.inputs(e)[0] ?? "");
  }
  return row;
}

/** Each candidate's revealed forecast of target `e` (null: none) and its score now (NaN: never scored). */
async function forecastsAndScores(run: DemoRun, e: bigint) {
  const { hub, agreementId, publicClient } = run.setup;
  const revealed = await publicClient.getContractEvents({
    address: hub.address,
    abi: hub.abi,
    eventName: "ForecastRevealed",
    args: { agreementId, targetEpoch: e },
    fromBlock: 0n,
    strict: true,
  });
  const forecasts: Record<string, bigint[] | null> = {};
  const scores: Record<string, number> = {};
  for (const c of run.candidates) {
    const r = revealed.find((l) => l.args.candidateId === c.id);
    forecasts[c.name] = r ? [...r.args.values] : null;
    const v = await hub.read.candidate([agreementId, c.id]);
    scores[c.name] = v.scoredCount > 0 ? Number(v.score) / 1e18 : NaN;
  }
  return { forecasts, scores };
}

/** One printed line per epoch: outcome, selected and executing candidate, every score. */
export function epochLine(run: DemoRun, row: EpochRow): string {
  const { candidates } = run;
  const nameOf = (id: bigint) => candidates.find((c) => c.id === id)?.name ?? "none";
  const { executedBy, executor, scores } = row;
  const executed =
    executedBy === 0n
      ? "-"
      : executedBy === executor
        ? nameOf(executedBy)
        : `${nameOf(executedBy)} (fallback)`;
  return (
    `epoch ${String(row.epoch).padStart(2)}  outcome ${row.outcome.map(String).join("/").padEnd(12)}  selected ${nameOf(executor).padEnd(12)}  executed ${executed.padEnd(23)}  ` +
    candidates
      .map((c) => `${c.name} ${Number.isNaN(scores[c.name]) ? "  -  " : scores[c.name].toFixed(3)}`)
      .join("  ")
  );
}
