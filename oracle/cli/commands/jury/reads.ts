/**
 * What the jury commands share: the jury contract of the hub, the vote a command names (agreement,
 * epoch, proposer, round), the seat of a candidate, the vote commitment as the contract hashes it,
 * and the saved votes of a human juror (salt, vote and manifest, on disk before the commitment is sent).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { keccak256, stringToBytes, toHex, zeroAddress, type Hex } from "viem";

import { gengovJuryAbi } from "../../../chain/abis.js";
import { voteCommitment as nodeVoteCommitment } from "../../../jobs/vote.js";
import { formatWhen } from "../../../chain/revert.js";
import { VOTE_MANIFEST_VERSION, type HumanVoteManifest } from "../../../manifest/vote.js";
import { canonicalJson } from "../../../models/canonicalJson.js";
import { hub, jury as juryContract, type JuryAbi, type ReadResult } from "../../../protocol/contracts.js";
import { parseId, UsageError, type Runtime } from "../../runtime.js";
import { proposalsOf } from "../transition/reads.js";

export type VoteView = ReadResult<JuryAbi, "vote">;

/** A vote as the jury contract keys it. */
export type VoteKey = { agreementId: bigint; epoch: bigint; proposer: bigint; round: 0 | 1 };

/** The default directory of the CLI's own state (saved votes): $GENGOV_STATE_DIR or ~/.gengov. */
export const defaultStateDir = () => process.env.GENGOV_STATE_DIR ?? join(homedir(), ".gengov");

/** The hub's jury contract; a UsageError when none is attached. */
export async function juryOf(r: Runtime): Promise<Hex> {
  const address = await hub(r).read("jury", []);
  if (address === zeroAddress) throw new UsageError(`--hub: the hub at ${r.hub} has no jury attached`);
  return address;
}

/** The jury contract's typed calls. */
export const juryAt = (r: Runtime, address: Hex) => juryContract({ client: r.client, jury: address });

/** Parses --round: 0 (the proposal's jury) or 1 (the appeal jury). */
export function parseRound(value: string | undefined): 0 | 1 {
  if (value === undefined || value === "0") return 0;
  if (value === "1") return 1;
  throw new UsageError(`--round: expected 0 (the proposal's jury) or 1 (the appeal jury), got "${value}"`);
}

/**
 * The vote named by --agreement, --epoch, --proposer and --round. Without --proposer: the candidate
 * of the epoch's latest proposal (the fallback's when the executor's was rejected).
 */
export async function voteKey(
  r: Runtime,
  o: { agreement: string; epoch: string; proposer?: string; round?: string },
): Promise<VoteKey> {
  const agreementId = parseId("--agreement", o.agreement);
  const epoch = parseId("--epoch", o.epoch);
  const round = parseRound(o.round);
  if (o.proposer !== undefined)
    return { agreementId, epoch, proposer: parseId("--proposer", o.proposer), round };
  await hub(r).read("agreement", [agreementId]); // an unknown agreement reverts AgreementUnknown here
  const latest = (await proposalsOf(r, agreementId, epoch)).at(-1);
  if (!latest) throw new UsageError(`agreement ${agreementId} has no proposal for epoch ${epoch}`);
  return { agreementId, epoch, proposer: latest.candidateId, round };
}

export const describeKey = (k: VoteKey) =>
  `epoch ${k.epoch}'s ${k.round === 0 ? "jury" : "appeal jury"} (agreement ${k.agreementId}, proposer ${k.proposer})`;

/** The vote's state; a UsageError when it was never opened. */
export async function openedVote(r: Runtime, address: Hex, k: VoteKey): Promise<VoteView> {
  const v = await juryAt(r, address).read("vote", [k.agreementId, k.epoch, k.proposer, k.round]);
  if (v.openedAt === 0n) throw new UsageError(`no vote was opened for ${describeKey(k)}`);
  return v;
}

/** The seat of `candidate` in the vote; a UsageError naming the jurors when it has none. */
export function seatOf(v: VoteView, k: VoteKey, candidate: bigint): number {
  const index = v.jurors.findIndex((j) => j === candidate);
  if (index < 0)
    throw new UsageError(
      `candidate ${candidate} is not a juror of ${describeKey(k)}; its jurors are ${v.jurors.join(", ") || "none"}`,
    );
  return index;
}

/** The vote's phase at `now`, in one phrase with its times. */
export function votePhase(v: VoteView, now: bigint): string {
  if (v.closedAt !== 0n)
    return `closed at ${formatWhen(v.closedAt, now)}: ${v.accepted ? "accepted" : "rejected"}`;
  if (now < v.commitEndsAt)
    return `commit window ends at ${formatWhen(v.commitEndsAt, now)}, reveal window ends at ${formatWhen(v.revealEndsAt, now)}`;
  if (now < v.revealEndsAt) return `reveal window ends at ${formatWhen(v.revealEndsAt, now)}`;
  return `vote ended at ${formatWhen(v.revealEndsAt, now)}, not closed yet (gengov jury close)`;
}

/** The vote commitment, as the node computes it (the jury contract's `voteCommitment`). */
export function voteCommitment(a: {
  chainId: number;
  jury: Hex;
  key: VoteKey;
  jurorId: bigint;
  accept: boolean;
  rationaleHash: Hex;
  salt: Hex;
}): Hex {
  return nodeVoteCommitment({ ...a, ...a.key });
}

/** The manifest of a human juror's vote: canonical JSON, its bytes and keccak256 (the rationale hash). */
export function humanVoteManifest(a: {
  chainId: number;
  jury: Hex;
  key: VoteKey;
  jurorId: bigint;
  accept: boolean;
  rationale: string;
}): { text: string; bytes: Hex; hash: Hex } {
  const manifest: HumanVoteManifest = {
    version: VOTE_MANIFEST_VERSION,
    kind: "vote",
    chainId: a.chainId,
    jury: a.jury,
    agreementId: a.key.agreementId.toString(),
    epoch: a.key.epoch.toString(),
    proposer: a.key.proposer.toString(),
    round: a.key.round,
    jurorId: a.jurorId.toString(),
    vote: a.accept ? "accept" : "reject",
    operator: "human",
    rationale: a.rationale,
  };
  const text = canonicalJson(manifest);
  const bytes = toHex(stringToBytes(text));
  return { text, bytes, hash: keccak256(bytes) };
}

/** A vote saved before its commitment is sent: all `revealVote` needs. */
export type SavedVote = {
  chainId: number;
  jury: Hex;
  agreementId: string;
  epoch: string;
  proposer: string;
  round: 0 | 1;
  jurorId: string;
  seat: number;
  accept: boolean;
  salt: Hex;
  manifest: string;
  rationaleHash: Hex;
  commitment: Hex;
};

/**
 * Where a vote is saved: one file per commitment, so a replaced commitment keeps its salt too and the
 * reveal picks the file of the commitment the chain holds.
 */
export function savedVotePath(
  stateDir: string,
  chainId: number,
  juryAddress: Hex,
  k: VoteKey,
  jurorId: bigint,
  commitment: Hex,
) {
  return join(
    stateDir,
    "votes",
    `${chainId}-${juryAddress.toLowerCase()}-${k.agreementId}-${k.epoch}-${k.proposer}-${k.round}-${jurorId}-${commitment.toLowerCase()}.json`,
  );
}

/** Writes `vote` to `path` and flushes it to disk (mode 0600); never overwrites. */
export function saveVote(path: string, vote: SavedVote) {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(vote, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The saved vote at `path`, or undefined when there is none. */
export function loadVote(path: string): SavedVote | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as SavedVote;
}

export { gengovJuryAbi };
