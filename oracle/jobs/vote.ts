/**
 * Jury duty. When a vote opens (`VoteOpened`, round 0 on a proposal, round 1 on its first challenge)
 * with one of the node's candidates seated, the node records the seat, asks the candidate's model to
 * validate the proposed transition — the request is the executor's, rebuilt by `transitionContext`
 * from the same chain data and the readings the proposal's manifest states, plus the proposal from
 * its `TransitionProposed` event — and builds the vote's manifest. Vote, manifest and a fresh 32-byte
 * CSPRNG salt are stored durably before `commitVote` is sent, so a crash from there on still reveals
 * the same vote. The reveal (`revealVote`, with the manifest) is sent in the reveal window, and after
 * it the vote is closed if nobody closed it yet (closing round 0 decides the transition).
 *
 * A model that fails is not replaced by a guess: the seat is not committed (logged, counted in the
 * model errors) and the model is asked again on later ticks while the commit window is open. A seat
 * whose commit or reveal window passed without this node's vote is logged and counted as missed.
 */
import { randomBytes } from "node:crypto";

import { encodeAbiParameters, hexToString, keccak256, stringToHex, toHex, type Hex } from "viem";

import { gengovJuryAbi } from "../chain/abis.js";
import { TxRevertedError } from "../chain/txSender.js";
import { BaseError } from "../errors/BaseError.js";
import { manifestReadings, parseManifest } from "../manifest/manifest.js";
import { buildVoteManifest, voteManifest, type VoteReadings } from "../manifest/vote.js";
import { modelFaultFields } from "../models/faults.js";
import type { EpochRecord, ValidateRequest } from "../models/types.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { crashPoint } from "../node/crashPoints.js";
import { jury } from "../protocol/contracts.js";
import type { ProtocolEventArgs } from "../protocol/events.js";
import type { VoteKey, VoteRow } from "../store/Store.js";
import { transitionContext, type TransitionSources } from "../transition/context.js";
import { finalizedState, inputsUpTo, transitionReadings } from "./proposeTransition.js";

export const JURY_TAG = keccak256(stringToHex("gengov.jury.vote.v1"));

/** The vote commitment, exactly as the jury contract's `voteCommitment` hashes it. */
export function voteCommitment(a: {
  chainId: number;
  jury: Hex;
  agreementId: bigint;
  epoch: bigint;
  proposer: bigint;
  round: number;
  jurorId: bigint;
  accept: boolean;
  rationaleHash: Hex;
  salt: Hex;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint64" },
        { type: "uint256" },
        { type: "uint8" },
        { type: "uint256" },
        { type: "bool" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [
        JURY_TAG,
        BigInt(a.chainId),
        a.jury,
        a.agreementId,
        a.epoch,
        a.proposer,
        a.round,
        a.jurorId,
        a.accept,
        a.rationaleHash,
        a.salt,
      ],
    ),
  );
}

type ProposedArgs = ProtocolEventArgs<"TransitionProposed">;

/** The readings a request carries, as a vote manifest records them. */
export function readingsOf(r: Pick<TransitionSources, "history" | "scores" | "allowedTokens">): VoteReadings {
  return {
    outcomes: r.history.map((h) => ({
      epoch: h.epoch.toString(),
      values: h.outcome ? h.outcome.map(String) : null,
      ...(h.pending ? { pending: true as const } : {}),
    })),
    scores: r.scores.map((s) => ({ candidateId: s.candidateId.toString(), score: s.score.toString() })),
    allowedTokens: r.allowedTokens.map((t) => ({
      token: t.token,
      symbol: t.symbol,
      remaining: t.remaining.toString(),
      balance: t.balance.toString(),
    })),
  };
}

/** A vote manifest's readings, typed as the request carries them. */
export function requestReadings(
  r: VoteReadings,
): Pick<TransitionSources, "history" | "scores" | "allowedTokens"> {
  return {
    history: r.outcomes.map((o): EpochRecord => ({
      epoch: BigInt(o.epoch),
      outcome: o.values ? o.values.map(BigInt) : null,
      ...(o.pending ? { pending: true } : {}),
    })),
    scores: r.scores.map((s) => ({ candidateId: BigInt(s.candidateId), score: BigInt(s.score) })),
    allowedTokens: r.allowedTokens.map((t) => ({
      token: t.token,
      symbol: t.symbol,
      remaining: BigInt(t.remaining),
      balance: BigInt(t.balance),
    })),
  };
}

/** The proposal under vote, as the juror's request carries it (`ValidateRequest.proposal`). */
export function proposalOf(a: ProposedArgs): ValidateRequest["proposal"] {
  const text = hexToString(a.newState);
  let newState: unknown = text;
  try {
    newState = JSON.parse(text);
  } catch {
    // Not JSON: the juror sees the text as it is.
  }
  return {
    proposer: a.candidateId,
    newState,
    actions: a.actions.map((x) => ({ token: x.token, to: x.to, amount: x.amount })),
    rationale: executorRationale(a.manifest),
  };
}

/** The executor's rationale: the `rationale` of the raw answer its manifest records, if any. */
function executorRationale(manifest: Hex): string | null {
  try {
    const parsed = parseManifest(JSON.parse(hexToString(manifest)));
    if ("problem" in parsed) return null;
    const raw: unknown = JSON.parse(parsed.manifest.response.raw);
    const rationale = (raw as { rationale?: unknown } | null)?.rationale;
    return typeof rationale === "string" ? rationale : null;
  } catch {
    return null;
  }
}

/** The readings the proposal's manifest states, or undefined when its manifest cannot be read. */
export function proposalReadings(a: ProposedArgs): VoteReadings | undefined {
  try {
    const parsed = parseManifest(JSON.parse(hexToString(a.manifest)));
    return "problem" in parsed ? undefined : readingsOf(manifestReadings(parsed.manifest));
  } catch {
    return undefined;
  }
}

/** The proposal a vote is on: the proposer's `TransitionProposed` for the epoch, from the store. */
export function proposedFor(ctx: NodeContext, k: Pick<VoteKey, "agreementId" | "epoch" | "proposer">) {
  return ctx.store
    .logs(
      "TransitionProposed",
      (a) => a.agreementId === k.agreementId && a.epoch === k.epoch && a.candidateId === k.proposer,
    )
    .at(-1);
}

/**
 * Records every seat of this node's candidates in the scanned `VoteOpened` events that the store
 * does not know yet, with the vote's windows (read once from the jury). Returns the new seats.
 */
export async function recordSeats(
  ctx: NodeContext,
  candidates: readonly CandidateRuntime[],
): Promise<VoteRow[]> {
  const added: VoteRow[] = [];
  if (BigInt(ctx.jury) === 0n) return added;
  for (const opened of ctx.store.logs("VoteOpened")) {
    const a = opened.args;
    for (const [seat, jurorId] of a.jurors.entries()) {
      const mine = candidates.some((c) => c.agreementId === a.agreementId && c.candidateId === jurorId);
      if (!mine) continue;
      const key = {
        agreementId: a.agreementId,
        epoch: a.epoch,
        proposer: a.proposer,
        round: a.round,
        jurorId,
      };
      if (ctx.store.getVote(key)) continue;
      const view = await jury(ctx).read("vote", [a.agreementId, a.epoch, a.proposer, a.round]);
      const row = { ...key, seat, commitEndsAt: view.commitEndsAt, revealEndsAt: view.revealEndsAt };
      if (ctx.store.insertSeat(row)) {
        ctx.metrics.juryDuties += 1;
        ctx.log.info({
          at: "juryDuty",
          agreementId: a.agreementId,
          epoch: a.epoch,
          proposer: a.proposer,
          round: a.round,
          jurorId,
          msg: "seated on a jury",
        });
        added.push(ctx.store.getVote(key)!);
      }
    }
  }
  return added;
}

export type JuryDutyParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  vote: VoteRow;
  /** Chain time. */
  now: bigint;
};

export type JuryDutyReturnType = {
  status: "committed" | "revealed" | "closed" | "missed" | "abstained" | "already";
  txHash?: Hex;
};

const jobKeys = (v: VoteKey) => {
  const id = `${v.agreementId}:${v.epoch}:${v.proposer}:${v.round}:${v.jurorId}`;
  return { commit: `vote-commit:${id}`, reveal: `vote-reveal:${id}` };
};

/** One step of a seat's duty, as its window allows: commit, reveal, close. Idempotent. */
export async function juryDuty(p: JuryDutyParameters): Promise<JuryDutyReturnType> {
  const { ctx, now } = p;
  let v = p.vote;
  const log = ctx.log.child({
    at: "juryDuty",
    agreementId: v.agreementId,
    epoch: v.epoch,
    proposer: v.proposer,
    round: v.round,
    jurorId: v.jurorId,
  });
  const keys = jobKeys(v);
  const missed = (msg: string): JuryDutyReturnType => {
    ctx.store.setVoteStatus(v, "missed");
    ctx.metrics.juryMissed += 1;
    log.warn({ at: "juryDuty", msg });
    return { status: "missed" };
  };

  if (v.status === "seated") {
    if (now >= v.commitEndsAt) return missed("commit window passed without this juror's vote");
    const built = await buildVote(p, log);
    if (!built) return { status: "abstained" };
    v = ctx.store.getVote(v)!;
  }

  if (v.status === "persisted") {
    if (ctx.sender.pending(keys.commit).length === 0) {
      const seat = await seatOnChain(ctx, v);
      if (seat.revealed) {
        ctx.store.setVoteStatus(v, "revealed");
        return { status: "already" };
      }
      if (seat.commitment === v.commitment) {
        ctx.store.setVoteStatus(v, "committed");
        v = { ...v, status: "committed" };
      } else if (now >= v.commitEndsAt) {
        return missed("commit window passed: the commit never landed");
      }
    }
    if (v.status === "persisted") {
      const receipt = await ctx.sender.send({
        jobKey: keys.commit,
        address: ctx.jury,
        abi: gengovJuryAbi,
        functionName: "commitVote",
        args: [v.agreementId, v.epoch, v.proposer, v.round, BigInt(v.seat), v.commitment!],
      });
      ctx.store.setVoteStatus(v, "committed");
      ctx.metrics.juryVote(v.accept ? "accept" : "reject");
      log.info({
        at: "juryDuty",
        msg: `committed a vote to ${v.accept ? "accept" : "reject"}`,
        tx: receipt.transactionHash,
      });
      return { status: "committed", txHash: receipt.transactionHash };
    }
  }

  if (v.status === "committed" && now < v.commitEndsAt) {
    // Reorg safety: while the commit window is open, a commit the chain no longer has is sent again
    // (the same stored commitment).
    if (ctx.sender.pending(keys.commit).length > 0) return { status: "already" };
    const seat = await seatOnChain(ctx, v);
    if (seat.commitment === v.commitment || seat.revealed) return { status: "already" };
    log.warn({ at: "juryDuty", msg: "commit no longer on chain (reorg): sending it again" });
    const receipt = await ctx.sender.send({
      jobKey: keys.commit,
      address: ctx.jury,
      abi: gengovJuryAbi,
      functionName: "commitVote",
      args: [v.agreementId, v.epoch, v.proposer, v.round, BigInt(v.seat), v.commitment!],
    });
    return { status: "committed", txHash: receipt.transactionHash };
  }

  if (v.status === "committed") {
    if (now >= v.revealEndsAt) {
      const seat = await seatOnChain(ctx, v);
      if (seat.revealed) ctx.store.setVoteStatus(v, "revealed");
      else return missed("reveal window passed without this juror's reveal");
      v = { ...v, status: "revealed" };
    } else {
      if (ctx.sender.pending(keys.reveal).length === 0) {
        const seat = await seatOnChain(ctx, v);
        if (seat.revealed) {
          ctx.store.setVoteStatus(v, "revealed");
          return { status: "already" };
        }
        if (seat.commitment !== v.commitment) return missed("the commit is not on chain: nothing to reveal");
      }
      const receipt = await ctx.sender.send({
        jobKey: keys.reveal,
        address: ctx.jury,
        abi: gengovJuryAbi,
        functionName: "revealVote",
        args: [
          v.agreementId,
          v.epoch,
          v.proposer,
          v.round,
          BigInt(v.seat),
          v.accept!,
          v.salt!,
          stringToHex(v.manifest!),
        ],
      });
      ctx.store.setVoteStatus(v, "revealed");
      log.info({ at: "juryDuty", msg: "revealed", tx: receipt.transactionHash });
      return { status: "revealed", txHash: receipt.transactionHash };
    }
  }

  if ((v.status === "revealed" || v.status === "missed") && now >= v.revealEndsAt) {
    const closed = await closeVote(ctx, v);
    ctx.store.setVoteStatus(v, "done");
    return { status: closed ? "closed" : "already" };
  }
  return { status: "already" };
}

/** The seat's commitment and reveal flag on chain. */
async function seatOnChain(ctx: NodeContext, v: VoteRow) {
  const view = await jury(ctx).read("vote", [v.agreementId, v.epoch, v.proposer, v.round]);
  return {
    commitment: view.commitments[v.seat] as Hex | undefined,
    revealed: view.revealed[v.seat] ?? false,
  };
}

/**
 * Closes a vote whose reveal window has ended, unless it is closed already (by this node or anyone).
 * Returns whether this call closed it. Losing the race to another closer is not an error.
 */
export async function closeVote(
  ctx: NodeContext,
  k: Pick<VoteKey, "agreementId" | "epoch" | "proposer" | "round">,
): Promise<boolean> {
  const view = await jury(ctx).read("vote", [k.agreementId, k.epoch, k.proposer, k.round]);
  if (view.openedAt === 0n || view.closedAt !== 0n) return false;
  try {
    await ctx.sender.send({
      jobKey: `vote-close:${k.agreementId}:${k.epoch}:${k.proposer}:${k.round}`,
      address: ctx.jury,
      abi: gengovJuryAbi,
      functionName: "close",
      args: [k.agreementId, k.epoch, k.proposer, k.round],
    });
    return true;
  } catch (error) {
    if (error instanceof TxRevertedError && error.errorName === "VoteClosedAlready") return false;
    const again = await jury(ctx)
      .read("vote", [k.agreementId, k.epoch, k.proposer, k.round])
      .catch(() => undefined);
    if (again && again.closedAt !== 0n) return false;
    throw error;
  }
}

/**
 * Builds the seat's vote: the request, the model's answer, the manifest, the salt and the
 * commitment, stored before anything is sent. Returns false when the model gave no usable answer.
 */
async function buildVote(p: JuryDutyParameters, log: NodeContext["log"]): Promise<boolean> {
  const { ctx, candidate, agreement, vote: v } = p;
  // Per vote: a proposal the model fails on does not hold up its votes on other proposals.
  const backoffKey = `validate:${v.agreementId}:${v.epoch}:${v.proposer}:${v.round}`;
  const waiting = candidate.backoff?.ready(backoffKey);
  if (waiting && !waiting.ok) {
    log.debug({ at: "juryDuty", msg: `model backing off after ${waiting.failures} failure(s)` });
    return false;
  }
  const request = await validateRequest(ctx, agreement, v);
  let answer;
  try {
    answer = await candidate.model.validate(request.request);
    ctx.metrics.model(answer.latencyMs, answer.usage?.totalTokens ?? 0);
    candidate.backoff?.succeeded(backoffKey);
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    const retryInMs = candidate.backoff?.failed(backoffKey, reason) ?? 0;
    log.warn({
      at: "juryDuty",
      msg: `model failed: not voting (asked again while the commit window is open): ${reason}`,
      retryInMs,
      ...modelFaultFields(error),
    });
    return false;
  }
  const vote = {
    chainId: ctx.chainId,
    jury: ctx.jury,
    agreementId: v.agreementId,
    epoch: v.epoch,
    proposer: v.proposer,
    round: v.round,
    jurorId: v.jurorId,
  };
  const manifest = buildVoteManifest(
    voteManifest({ ...vote, spec: candidate.spec, specHash: candidate.specHash }, request.readings, answer),
  );
  const salt = toHex(randomBytes(32));
  const commitment = voteCommitment({
    ...vote,
    accept: answer.accept,
    rationaleHash: manifest.hash,
    salt,
  });
  // Durable before the transaction exists: a crash from here on still reveals this vote.
  ctx.store.persistVote(v, { accept: answer.accept, manifest: manifest.text, salt, commitment });
  crashPoint("afterVotePersist");
  return true;
}

/**
 * The juror's request: the executor's request rebuilt by `transitionContext` from the scanned
 * previous state and inputs, with the readings the proposal's manifest states (the node's own reads
 * when that manifest cannot be read), and the proposal itself.
 */
export async function validateRequest(
  ctx: NodeContext,
  agreement: AgreementRuntime,
  v: Pick<VoteKey, "agreementId" | "epoch" | "proposer">,
): Promise<{ request: ValidateRequest; readings: VoteReadings }> {
  const proposed = proposedFor(ctx, v);
  if (!proposed)
    throw new BaseError(`epoch ${v.epoch}: the proposal under vote is not scanned yet`, { expected: true });
  const a = proposed.args;
  const readings = proposalReadings(a) ?? readingsOf(await transitionReadings(ctx, agreement, v.epoch));
  const built = transitionContext({
    agreementId: v.agreementId,
    epoch: v.epoch,
    agreementText: agreement.text,
    metrics: agreement.metrics,
    previous: finalizedState(ctx, v.agreementId),
    inputs: inputsUpTo(ctx, v.agreementId, v.epoch),
    ...requestReadings(readings),
  });
  if (built.prevStateHash !== a.prevStateHash || built.inputsHash !== a.inputsHash) {
    throw new BaseError(`epoch ${v.epoch}: the proposal's previous state or inputs are not all scanned yet`, {
      expected: true,
    });
  }
  return { request: { ...built.request, proposal: proposalOf(a) }, readings };
}
