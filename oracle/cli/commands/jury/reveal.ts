/** `gengov jury reveal`: reveals the vote `gengov jury vote` saved, in the vote's reveal window. */
import type { Command } from "commander";

import { formatWhen } from "../../../chain/revert.js";
import { parseId, UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import {
  defaultStateDir,
  describeKey,
  gengovJuryAbi,
  juryOf,
  loadVote,
  openedVote,
  savedVotePath,
  seatOf,
  voteKey,
} from "./reads.js";

type Options = {
  agreement: string;
  candidate: string;
  epoch: string;
  proposer?: string;
  round?: string;
  stateDir: string;
};

export function registerJuryReveal(jury: Command, rt: Rt) {
  jury
    .command("reveal")
    .description("reveal the vote committed with `gengov jury vote` (from the saved salt, vote and manifest)")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--candidate <id>", "your candidate, seated as a juror")
    .requiredOption("--epoch <n>", "the transition's epoch")
    .option("--proposer <id>", "the proposing candidate (default: the epoch's latest proposal)")
    .option("--round <n>", "0: the proposal's jury, 1: the appeal jury", "0")
    .option("--state-dir <dir>", "where `gengov jury vote` saved the vote", defaultStateDir())
    .action(async (o: Options, cmd: Command) => {
      const candidate = parseId("--candidate", o.candidate);
      const r = await rt(cmd);
      const address = await juryOf(r);
      const key = await voteKey(r, o);
      const v = await openedVote(r, address, key);
      const now = await r.now();
      const seat = seatOf(v, key, candidate);
      if (v.revealed[seat])
        throw new UsageError(`juror ${candidate} already revealed its vote in ${describeKey(key)}`);
      if (now < v.commitEndsAt)
        throw new UsageError(
          `the reveal window of ${describeKey(key)} opens at ${formatWhen(v.commitEndsAt, now)}`,
        );
      if (now >= v.revealEndsAt)
        throw new UsageError(
          `the reveal window of ${describeKey(key)} closed at ${formatWhen(v.revealEndsAt, now)}`,
        );
      const commitment = v.commitments[seat];
      if (/^0x0+$/.test(commitment))
        throw new UsageError(`juror ${candidate} committed no vote in ${describeKey(key)}`);
      const path = savedVotePath(o.stateDir, r.chainId, address, key, candidate, commitment);
      const saved = loadVote(path);
      if (!saved)
        throw new UsageError(
          `no saved vote for juror ${candidate}'s commitment ${commitment} in ${describeKey(key)} (looked for ${path})`,
        );
      const receipt = await r.send({
        address,
        abi: gengovJuryAbi,
        functionName: "revealVote",
        args: [
          key.agreementId,
          key.epoch,
          key.proposer,
          key.round,
          BigInt(seat),
          saved.accept,
          saved.salt,
          `0x${Buffer.from(saved.manifest, "utf8").toString("hex")}`,
        ],
      });
      const vote = saved.accept ? "accept" : "reject";
      r.print(`revealed ${vote} for juror ${candidate} (seat ${seat}) of ${describeKey(key)}`, {
        ...key,
        jurorId: candidate,
        seat,
        vote,
        rationaleHash: saved.rationaleHash,
        tx: receipt.transactionHash,
      });
    });
}
