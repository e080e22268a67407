/** `gengov transition challenge <agreementId> <epoch>`. */
import type { Command } from "commander";
import { erc20Abi, parseEventLogs } from "viem";

import { gengovExecutionAbi } from "../../../chain/abis.js";
import { formatTokens, formatWhen } from "../../../chain/revert.js";
import { BaseError } from "../../../errors/BaseError.js";
import { hub } from "../../../protocol/contracts.js";
import { TransitionStatus } from "../../../protocol/generated.js";
import { parseId, UsageError, type Runtime } from "../../runtime.js";
import { describeKey, gengovJuryAbi, juryAt, juryOf } from "../jury/reads.js";
import type { Rt } from "../rt.js";
import { liveProposal } from "./reads.js";

export function registerTransitionChallenge(transition: Command, rt: Rt) {
  transition
    .command("challenge <agreementId> <epoch>")
    .description(
      "challenge the current proposal, alone or next to earlier challengers (posts the challenge bond; approves the execution contract; closes its jury's ended vote first)",
    )
    .action(async (idArg: string, epochArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = parseId("epoch", epochArg);
      const [p] = await hub(r).read("agreement", [id]);
      await closeEndedVote(r, id, epoch);
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
        args: [id, epoch],
      });
      r.print(`challenged epoch ${epochArg} with a bond of ${formatTokens(p.challengeBond, bt)}`, {
        tx: receipt.transactionHash,
      });
    });
}

/**
 * A transition under a jury is challenged once its vote is closed and accepted: a vote whose reveal
 * window ended is closed here first (anyone may); a running or rejecting vote is named in one line.
 */
async function closeEndedVote(r: Runtime, id: bigint, epoch: bigint) {
  const live = await liveProposal(r, id);
  if (live.status !== TransitionStatus.Voting || live.epoch !== epoch) return;
  const address = await juryOf(r);
  const key = { agreementId: id, epoch, proposer: live.candidateId, round: 0 as const };
  const v = await juryAt(r, address).read("vote", [id, epoch, live.candidateId, 0]);
  const now = await r.now();
  if (now < v.revealEndsAt)
    throw new UsageError(
      `epoch ${epoch}'s transition is being voted on by its jury until ${formatWhen(v.revealEndsAt, now)}; it can be challenged once accepted`,
    );
  const receipt = await r.send({
    address,
    abi: gengovJuryAbi,
    functionName: "close",
    args: [id, epoch, live.candidateId, 0],
  });
  const [closed] = parseEventLogs({ abi: gengovJuryAbi, eventName: "VoteClosed", logs: receipt.logs });
  if (!closed.args.accepted)
    throw new BaseError(
      `closed ${describeKey(key)}: it rejected the transition (${closed.args.accepts} accept, ${closed.args.rejects} reject); nothing to challenge`,
    );
}
