/** `gengov transition show <agreementId> [--epoch n]`. */
import type { Command } from "commander";
import { hexToString } from "viem";

import { formatWhen } from "../../../chain/revert.js";
import { BaseError } from "../../../errors/BaseError.js";
import type { Clock } from "../../../node/clock.js";
import { execution } from "../../../protocol/contracts.js";
import { TransitionStatus, transitionStatusNames } from "../../../protocol/generated.js";
import { liveStatus, transitionHistory, type TransitionEntry } from "../../../verify/transitionStatus.js";
import { parseId, table, type Runtime } from "../../runtime.js";
import { juryBrief } from "../jury/show.js";
import type { Rt } from "../rt.js";
import { agreementClock, liveProposal, paidVerb, paymentLines, type LiveProposal } from "./reads.js";

export function registerTransitionShow(transition: Command, rt: Rt) {
  transition
    .command("show <agreementId>")
    .description("the current proposal and every proposal with its status and payments")
    .option("--epoch <n>", "only this epoch")
    .action(async (idArg: string, o: { epoch?: string }, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = o.epoch === undefined ? undefined : parseId("--epoch", o.epoch);
      await showTransitions(r, id, epoch);
    });
}

async function showTransitions(r: Runtime, id: bigint, epoch: bigint | undefined) {
  const c = await agreementClock(r, id); // an unknown agreement reverts AgreementUnknown here
  const [live, history, stateHash, now] = await Promise.all([
    liveProposal(r, id),
    transitionHistory(r.client, r.execution, id),
    execution(r).read("stateHash", [id]),
    r.now(),
  ]);
  const shown = history.filter((t) => epoch === undefined || t.epoch === epoch);
  if (epoch !== undefined && shown.length === 0)
    throw new BaseError(`transition show: agreement ${id} has no transition for epoch ${epoch}`);
  const payments = await paymentLines(r, shown);
  const jury =
    live.status !== TransitionStatus.None && live.juried
      ? await juryBrief(r, { agreementId: id, epoch: live.epoch, proposer: live.candidateId })
      : undefined;
  r.print(
    [
      `current: ${currentLine(live, c, now)}; state ${stateHash}`,
      ...(jury?.lines ?? []),
      ...(shown.length === 0
        ? [`agreement ${id} has no transitions yet`]
        : [
            transitionTable(shown, payments),
            ...shown.flatMap((t, i) =>
              payments[i].map((line) => `epoch ${t.epoch} ${paidVerb(t.status)} ${line}`),
            ),
          ]),
    ].join("\n"),
    {
      current: { ...live, status: transitionStatusNames[live.status] },
      jury: jury?.machine ?? null,
      stateHash,
      proposals: shown.map((t) => ({
        ...t.args,
        newState: hexToString(t.args.newState),
        status: t.status,
        challengers: t.challengers,
        challengeLapsed: t.challengeLapsed,
        payments: t.payments,
      })),
    },
  );
}

/** The live proposal in one line, with when its challenge period ends while it can be challenged. */
function currentLine(live: LiveProposal, c: Clock, now: bigint): string {
  if (live.status === TransitionStatus.None) return "none yet";
  const status = liveStatus(live.status)!;
  // Under a jury the challenge period opens when the vote ends.
  const endsAt = (live.juried ? live.challengeOpensAt : live.proposedAt) + c.challengePeriod;
  const ends =
    status === "pending" || status === "challenged"
      ? endsAt > now
        ? `, challenge period ends at ${formatWhen(endsAt, now)}`
        : `, challenge period ended at ${formatWhen(endsAt, now)}`
      : "";
  return `epoch ${live.epoch} by candidate ${live.candidateId}, ${status}${ends}`;
}

function transitionTable(shown: TransitionEntry[], payments: string[][]): string {
  return table(
    ["epoch", "candidate", "status", "stateHash", "payments", "state"],
    shown.map((t, i) => [
      t.epoch,
      t.candidateId,
      t.status + (t.challengeLapsed && t.status === "finalized" ? " (challenge lapsed)" : ""),
      t.args.newStateHash.slice(0, 18) + "…",
      payments[i].length,
      hexToString(t.args.newState).slice(0, 60),
    ]),
  );
}
