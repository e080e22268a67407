/**
 * `gengov jury vote`: a human operator's vote as its candidate's juror. The salt, the vote and its
 * manifest are written under the state directory and flushed before commitVote is sent, so the vote
 * can always be revealed (`gengov jury reveal`).
 */
import { randomBytes } from "node:crypto";

import type { Command } from "commander";
import { toHex } from "viem";

import { formatWhen } from "../../../chain/revert.js";
import { parseId, UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import {
  defaultStateDir,
  describeKey,
  gengovJuryAbi,
  humanVoteManifest,
  juryAt,
  juryOf,
  openedVote,
  saveVote,
  savedVotePath,
  seatOf,
  voteCommitment,
  voteKey,
} from "./reads.js";

type Options = {
  agreement: string;
  candidate: string;
  epoch: string;
  vote: string;
  rationale: string;
  proposer?: string;
  round?: string;
  stateDir: string;
};

export function registerJuryVote(jury: Command, rt: Rt) {
  jury
    .command("vote")
    .description(
      "commit the vote of your candidate's jury seat (the salt, vote and manifest are saved under --state-dir first)",
    )
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--candidate <id>", "your candidate, seated as a juror")
    .requiredOption("--epoch <n>", "the transition's epoch")
    .requiredOption("--vote <vote>", "accept or reject")
    .requiredOption("--rationale <text>", "why (revealed with the vote, in its manifest)")
    .option("--proposer <id>", "the proposing candidate (default: the epoch's latest proposal)")
    .option("--round <n>", "0: the proposal's jury, 1: the appeal jury", "0")
    .option("--state-dir <dir>", "where votes are saved until revealed", defaultStateDir())
    .action(async (o: Options, cmd: Command) => {
      if (o.vote !== "accept" && o.vote !== "reject")
        throw new UsageError(`--vote: expected "accept" or "reject", got "${o.vote}"`);
      if (o.rationale.trim() === "") throw new UsageError("--rationale: empty; say why");
      const candidate = parseId("--candidate", o.candidate);
      const r = await rt(cmd);
      const address = await juryOf(r);
      const key = await voteKey(r, o);
      const v = await openedVote(r, address, key);
      const now = await r.now();
      if (v.closedAt !== 0n) throw new UsageError(`${describeKey(key)} is closed`);
      if (now >= v.commitEndsAt)
        throw new UsageError(
          `the commit window of ${describeKey(key)} closed at ${formatWhen(v.commitEndsAt, now)}`,
        );
      const seat = seatOf(v, key, candidate);
      const accept = o.vote === "accept";
      const manifest = humanVoteManifest({
        chainId: r.chainId,
        jury: address,
        key,
        jurorId: candidate,
        accept,
        rationale: o.rationale,
      });
      const salt = toHex(randomBytes(32));
      const commitment = voteCommitment({
        chainId: r.chainId,
        jury: address,
        key,
        jurorId: candidate,
        accept,
        rationaleHash: manifest.hash,
        salt,
      });
      const onChain = await juryAt(r, address).read("voteCommitment", [
        key.agreementId,
        key.epoch,
        key.proposer,
        key.round,
        candidate,
        accept,
        manifest.hash,
        salt,
      ]);
      if (onChain !== commitment)
        throw new UsageError(`the jury contract at ${address} hashes votes differently; nothing was sent`);
      const path = savedVotePath(o.stateDir, r.chainId, address, key, candidate, commitment);
      saveVote(path, {
        chainId: r.chainId,
        jury: address,
        agreementId: key.agreementId.toString(),
        epoch: key.epoch.toString(),
        proposer: key.proposer.toString(),
        round: key.round,
        jurorId: candidate.toString(),
        seat,
        accept,
        salt,
        manifest: manifest.text,
        rationaleHash: manifest.hash,
        commitment,
      });
      const receipt = await r.send({
        address,
        abi: gengovJuryAbi,
        functionName: "commitVote",
        args: [key.agreementId, key.epoch, key.proposer, key.round, BigInt(seat), commitment],
      });
      r.print(
        `committed ${o.vote} for juror ${candidate} (seat ${seat}) of ${describeKey(key)}; saved to ${path}; reveal from ${formatWhen(v.commitEndsAt, now)} until ${formatWhen(v.revealEndsAt, now)} (gengov jury reveal)`,
        {
          ...key,
          jurorId: candidate,
          seat,
          vote: o.vote,
          commitment,
          rationaleHash: manifest.hash,
          saved: path,
          revealFrom: v.commitEndsAt,
          revealUntil: v.revealEndsAt,
          tx: receipt.transactionHash,
        },
      );
    });
}
