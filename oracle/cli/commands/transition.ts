/** `gengov transition show|challenge|rule|finalize`, `gengov payment withdraw`, `gengov status`, `gengov verify`. */
import type { Command } from "commander";
import { erc20Abi, hexToString, type Hex } from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../../chain/abis.js";
import {
  formatDate,
  formatDuration,
  formatTokens,
  formatWhen,
  TRANSITION_STATUS,
} from "../../chain/revert.js";
import { createModel } from "../../models/index.js";
import {
  epochAt,
  epochEnd,
  executorWindow,
  fallbackWindow,
  revealCloses,
  revealOpens,
  type Clock,
} from "../../node/clock.js";
import { verifyTransitions } from "../../verify/verifyTransitions.js";
import { BaseError } from "../../errors/BaseError.js";
import {
  liveStatus,
  transitionHistory,
  type Payment,
  type TransitionStatus,
} from "../../verify/transitionStatus.js";
import { parseId, table, UsageError, type Runtime } from "../runtime.js";
import { candidateState, formatScore, showCandidate } from "./candidate.js";

type Rt = (cmd: Command) => Promise<Runtime>;

type Proposed = {
  epoch: bigint;
  candidateId: bigint;
  newStateHash: Hex;
  manifestHash: Hex;
  newState: Hex;
  actions: readonly { token: Hex; to: Hex; amount: bigint }[];
};

async function proposalsOf(r: Runtime, id: bigint, epoch?: bigint): Promise<Proposed[]> {
  const logs = await r.client.getContractEvents({
    address: r.execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionProposed",
    args: { agreementId: id },
    fromBlock: 0n,
  });
  return logs
    .map((l) => l.args as unknown as Proposed)
    .filter((p) => epoch === undefined || p.epoch === epoch);
}

async function liveProposal(r: Runtime, id: bigint) {
  return (await r.client.readContract({
    address: r.execution,
    abi: gengovExecutionAbi,
    functionName: "proposal",
    args: [id],
  })) as {
    epoch: bigint;
    proposedAt: bigint;
    candidateId: bigint;
    status: number;
    challenges: readonly { challenger: Hex; bond: bigint }[];
  };
}

export async function clockOf(r: Runtime, id: bigint): Promise<Clock> {
  const result = await r.client.readContract({
    address: r.hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [id],
  });
  const p = result[0];
  return {
    genesis: BigInt(p.genesis),
    epochLength: BigInt(p.epochLength),
    horizon: BigInt(p.horizon),
    reportWindow: BigInt(p.reportWindow),
    revealWindow: BigInt(p.revealWindow),
    executionWindow: BigInt(p.executionWindow),
    challengePeriod: BigInt(p.challengePeriod),
    rulingPeriod: BigInt(p.rulingPeriod),
  };
}

export function registerTransitionCommands(program: Command, rt: Rt) {
  const transition = program.command("transition").description("proposed state transitions");
  transition
    .command("show <agreementId>")
    .description("the current proposal and every proposal with its status and payments")
    .option("--epoch <n>", "only this epoch")
    .action(async (idArg: string, o: { epoch?: string }, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = o.epoch === undefined ? undefined : parseId("--epoch", o.epoch);
      const c = await clockOf(r, id); // an unknown agreement reverts AgreementUnknown here
      const [live, history, stateHash, now] = await Promise.all([
        liveProposal(r, id),
        transitionHistory(r.client, r.execution, id),
        r.client.readContract({
          address: r.execution,
          abi: gengovExecutionAbi,
          functionName: "stateHash",
          args: [id],
        }) as Promise<Hex>,
        r.now(),
      ]);
      const shown = history.filter((t) => epoch === undefined || t.epoch === epoch);
      if (epoch !== undefined && shown.length === 0)
        throw new BaseError(`transition show: agreement ${id} has no transition for epoch ${epoch}`);
      const payments = await paymentLines(r, shown);
      let current = "none yet";
      if (live.status !== 0) {
        const status = liveStatus(live.status)!;
        const endsAt = live.proposedAt + c.challengePeriod;
        const ends =
          status === "pending" || status === "challenged"
            ? endsAt > now
              ? `, challenge period ends at ${formatWhen(endsAt, now)}`
              : `, challenge period ended at ${formatWhen(endsAt, now)}`
            : "";
        current = `epoch ${live.epoch} by candidate ${live.candidateId}, ${status}${ends}`;
      }
      r.print(
        [
          `current: ${current}; state ${stateHash}`,
          ...(shown.length === 0
            ? [`agreement ${id} has no transitions yet`]
            : [
                table(
                  ["epoch", "candidate", "status", "stateHash", "payments", "state"],
                  shown.map((t, i) => [
                    t.epoch,
                    t.candidateId,
                    t.status + (t.challengeLapsed && t.status === "finalized" ? " (challenge lapsed)" : ""),
                    (t.args.newStateHash as Hex).slice(0, 18) + "…",
                    payments[i].length,
                    hexToString(t.args.newState as Hex).slice(0, 60),
                  ]),
                ),
                ...shown.flatMap((t, i) =>
                  payments[i].map((line) => `epoch ${t.epoch} ${paidVerb(t.status)} ${line}`),
                ),
              ]),
        ].join("\n"),
        {
          current: { ...live, status: TRANSITION_STATUS[live.status] },
          stateHash,
          proposals: shown.map((t) => ({
            ...t.args,
            newState: hexToString(t.args.newState as Hex),
            status: t.status,
            challengers: t.challengers,
            challengeLapsed: t.challengeLapsed,
            payments: t.payments,
          })),
        },
      );
    });
  transition
    .command("challenge <agreementId> <epoch>")
    .description(
      "challenge the current proposal, alone or next to earlier challengers (posts the challenge bond; approves the execution contract)",
    )
    .action(async (idArg: string, epochArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const [p] = (await r.client.readContract({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "agreement",
        args: [id],
      })) as readonly [{ bondToken: Hex; challengeBond: bigint }, Hex, bigint];
      const bt = await r.token(p.bondToken, "bondToken");
      await r.send({
        address: p.bondToken,
        abi: erc20Abi,
        functionName: "approve",
        args: [r.execution, p.challengeBond],
      });
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "challenge",
        args: [id, parseId("epoch", epochArg)],
      });
      r.print(`challenged epoch ${epochArg} with a bond of ${formatTokens(p.challengeBond, bt)}`, {
        tx: receipt.transactionHash,
      });
    });
  transition
    .command("rule <agreementId> <epoch> <ruling>")
    .description("arbiter: rule 'uphold' or 'reject' on a challenged proposal")
    .action(async (idArg: string, epochArg: string, ruling: string, _o: unknown, cmd: Command) => {
      if (ruling !== "uphold" && ruling !== "reject")
        throw new UsageError(`ruling: expected "uphold" or "reject", got "${ruling}"`);
      const r = await rt(cmd);
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "rule",
        args: [parseId("agreementId", idArg), parseId("epoch", epochArg), ruling === "uphold"],
      });
      r.print(`ruled ${ruling}`, { tx: receipt.transactionHash });
    });
  transition
    .command("finalize <agreementId> <epoch>")
    .description("finalize a proposal after its challenge period, or once upheld or lapsed (anyone)")
    .action(async (idArg: string, epochArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = parseId("epoch", epochArg);
      const live = await liveProposal(r, id);
      const p = (await proposalsOf(r, id, epoch)).filter((x) => x.candidateId === live.candidateId).at(-1);
      if (!p || live.epoch !== epoch)
        throw new UsageError(`no current proposal for epoch ${epoch} of agreement ${id}`);
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "finalize",
        args: [id, epoch, p.newStateHash, p.manifestHash, p.actions],
      });
      r.print(`finalized epoch ${epoch}`, { tx: receipt.transactionHash });
    });

  program
    .command("payment")
    .description("pull payments")
    .command("withdraw <token>")
    .description("withdraw what the execution contract owes you in a token")
    .action(async (token: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const t = await r.token(token, "token");
      const owed = (await r.client.readContract({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "owed",
        args: [(await r.account()).address, t.address],
      })) as bigint;
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "withdrawPayment",
        args: [token],
      });
      r.print(`withdrew ${formatTokens(owed, t)} (${receipt.transactionHash})`, {
        amount: owed,
        tx: receipt.transactionHash,
      });
    });

  program
    .command("status <agreementId>")
    .description(
      "epoch and phase with time left, candidates (score, eligibility, cursor, up to date), executor, last transition",
    )
    .action(async (idArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const c = await clockOf(r, id);
      const now = (await r.client.getBlock()).timestamp;
      const e = epochAt(c, now);
      const phases: { name: string; opens: bigint; closes: bigint }[] = [];
      if (e >= 1n) {
        const prev = e - 1n;
        phases.push({
          name: `report window of epoch ${prev}`,
          opens: epochEnd(c, prev),
          closes: epochEnd(c, prev) + c.reportWindow,
        });
        phases.push({
          name: `reveal window of target ${prev}`,
          opens: revealOpens(c, prev),
          closes: revealCloses(c, prev),
        });
        phases.push({ name: `execution window of epoch ${prev}`, ...executorWindow(c, prev) });
        phases.push({ name: `fallback window of epoch ${prev}`, ...fallbackWindow(c, prev) });
      }
      const active = phases
        .filter((p) => now >= p.opens && now < p.closes)
        .map((p) => ({ phase: p.name, secondsLeft: p.closes - now }));
      const [, , count] = (await r.client.readContract({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "agreement",
        args: [id],
      })) as readonly [unknown, Hex, bigint];
      const candidates = await Promise.all(
        Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1)).map(async (cid) => ({
          candidateId: cid,
          ...(await showCandidate(r, id, cid)),
        })),
      );
      const executor =
        e >= 1n
          ? ((await r.client.readContract({
              address: r.hub,
              abi: gengovHubAbi,
              functionName: "executorOf",
              args: [id, e - 1n],
            })) as readonly [bigint, bigint, boolean])
          : [0n, 0n, false];
      const live = await liveProposal(r, id);
      const [params] = await r.client.readContract({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "agreement",
        args: [id],
      });
      const bt = await r.token(params.bondToken, "bondToken");
      const machine = {
        agreementId: id,
        now,
        epoch: e,
        secondsLeftInEpoch: e >= 0n ? epochEnd(c, e) - now : c.genesis - now,
        phases: active,
        executor: { epoch: e - 1n, executor: executor[0], fallback: executor[1], fixed: executor[2] },
        lastTransition: { ...live, status: TRANSITION_STATUS[live.status] },
        pendingChallenges: live.status === 2 ? live.challenges : [],
        candidates: candidates.map((k) => ({
          ...k,
          state: k.withdrawn ? "withdrawn" : k.exiting ? "exiting" : "active",
        })),
      };
      const lastStatus = liveStatus(live.status);
      r.print(
        [
          e >= 0n
            ? `agreement ${id}: epoch ${e}, ${formatDuration(machine.secondsLeftInEpoch)} left (ends ${formatDate(epochEnd(c, e))})`
            : `agreement ${id}: starts at ${formatWhen(c.genesis, now)}`,
          ...active.map((p) => `  ${p.phase}: ${formatDuration(p.secondsLeft)} left`),
          e >= 1n
            ? `executor of epoch ${e - 1n}: ${executor[0] || "none"} (fallback ${executor[1] || "none"}${executor[2] ? ", fixed" : ""})`
            : "executor: none yet (no epoch has ended)",
          lastStatus
            ? `last transition: epoch ${live.epoch} by candidate ${live.candidateId}, ${lastStatus}${live.status === 2 ? ` by ${live.challenges.length} challenger(s)` : ""}`
            : "last transition: none yet",
          ...(live.status === 2
            ? live.challenges.map(
                (ch) => `  challenged by ${ch.challenger} with ${formatTokens(ch.bond, bt)}`,
              )
            : []),
          table(
            [
              "id",
              "state",
              "score",
              "scored",
              "eligible",
              "cursor",
              "upToDate",
              "bond",
              "executions",
              "misses",
            ],
            candidates.map((k) => [
              k.candidateId,
              candidateState(k, now),
              formatScore(k.score),
              k.scoredCount,
              k.eligible,
              k.cursor,
              k.upToDate === null ? "?" : k.upToDate ? "yes" : `no (owes ${k.owedMisses})`,
              formatTokens(k.bond, bt),
              k.executions,
              k.misses,
            ]),
          ),
        ].join("\n"),
        machine,
      );
    });

  program
    .command("verify <agreementId>")
    .description("recompute every manifest hash from chain data; --rerun asks the model again")
    .option("--epoch <n>", "only this epoch")
    .option("--rerun", "re-ask the model of each manifest and diff the result")
    .action(async (idArg: string, o: { epoch?: string; rerun?: boolean }, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = o.epoch === undefined ? undefined : parseId("--epoch", o.epoch);
      const reports = await verifyTransitions({
        client: r.client,
        hub: r.hub,
        execution: r.execution,
        agreementId: id,
        epoch,
        rerun: o.rerun ? (spec) => createModel(spec) : undefined,
      });
      const payments = await paymentLines(r, reports);
      const human = reports
        .map((t, i) =>
          [
            `epoch ${t.epoch} candidate ${t.candidateId}: ${t.pass ? "PASS" : "FAIL"} (${t.status})`,
            ...(payments[i].length
              ? payments[i].map((line) => `  ${paidVerb(t.status)} ${line}`)
              : ["  no payments"]),
            ...t.checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"} ${c.name}${c.detail ? `  ${c.detail}` : ""}`),
            ...(t.rerun
              ? [
                  `  rerun: ${t.rerun.same ? "same output" : "differs"}`,
                  ...t.rerun.diff.map((d) => `    ${d}`),
                ]
              : []),
          ].join("\n"),
        )
        .join("\n");
      r.print(
        human ||
          (epoch === undefined
            ? `agreement ${id} has no transitions yet`
            : `agreement ${id} has no transition for epoch ${epoch}`),
        reports,
      );
      if (reports.some((t) => !t.pass)) process.exitCode = 1;
    });
}

/** What a transition's payments did or will do, by its status. */
function paidVerb(status: TransitionStatus): string {
  if (status === "finalized") return "paid";
  if (status === "rejected") return "did not pay";
  return "pays once finalized";
}

/** Each transition's payments as "0.5 GOV to 0x…", in the token's own units. */
async function paymentLines(r: Runtime, transitions: { payments: Payment[] }[]): Promise<string[][]> {
  return Promise.all(
    transitions.map((t) =>
      Promise.all(
        t.payments.map(async (p) => {
          const token = await r.token(p.token, "payment token").catch(() => undefined);
          return `${formatTokens(p.amount, token)}${token ? "" : ` of ${p.token}`} to ${p.to}`;
        }),
      ),
    ),
  );
}
