/** `gengov jury close` (anyone): closes a vote after its reveal window; round 0 decides the transition. */
import type { Command } from "commander";
import { parseEventLogs } from "viem";

import { formatWhen } from "../../../chain/revert.js";
import { UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { describeKey, gengovJuryAbi, juryOf, openedVote, voteKey } from "./reads.js";

export function registerJuryClose(jury: Command, rt: Rt) {
  jury
    .command("close")
    .description("close a vote after its reveal window (anyone); closing round 0 decides the transition")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--epoch <n>", "the transition's epoch")
    .option("--proposer <id>", "the proposing candidate (default: the epoch's latest proposal)")
    .option("--round <n>", "0: the proposal's jury, 1: the appeal jury", "0")
    .action(
      async (o: { agreement: string; epoch: string; proposer?: string; round?: string }, cmd: Command) => {
        const r = await rt(cmd);
        const address = await juryOf(r);
        const key = await voteKey(r, o);
        const v = await openedVote(r, address, key);
        const now = await r.now();
        if (v.closedAt !== 0n)
          throw new UsageError(
            `${describeKey(key)} was closed at ${formatWhen(v.closedAt, now)}: ${v.accepted ? "accepted" : "rejected"}`,
          );
        if (now < v.revealEndsAt)
          throw new UsageError(
            `${describeKey(key)} can be closed from ${formatWhen(v.revealEndsAt, now)} (the end of its reveal window)`,
          );
        const receipt = await r.send({
          address,
          abi: gengovJuryAbi,
          functionName: "close",
          args: [key.agreementId, key.epoch, key.proposer, key.round],
        });
        const [closed] = parseEventLogs({ abi: gengovJuryAbi, eventName: "VoteClosed", logs: receipt.logs });
        const { accepted, accepts, rejects } = closed.args;
        r.print(
          `closed ${describeKey(key)}: ${accepted ? "accepted" : "rejected"} (${accepts} accept, ${rejects} reject, quorum ${v.quorum})`,
          { ...key, accepted, accepts, rejects, tx: receipt.transactionHash },
        );
      },
    );
}
