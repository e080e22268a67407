/**
 * Propose epoch `epoch`'s transition when this node's candidate is its executor (first window) or
 * fallback (second window). Renders the prompt from the agreement text, the last finalized state and
 * every input since then (untrusted, datamarked by the template), asks the model, checks the answer
 * against the allow-list and caps, builds the manifest, stores everything, then sends. After a crash
 * the stored proposal is sent as is; the model is not asked again.
 *
 * An epoch with a conditional-forecast decision (futarchy mode): the epoch is decided first if nobody
 * has (`decide`; under advisory terms the node waits for the arbiter's `choose`), the model's request
 * carries the option taken (execute/v3), the manifest records it as `decision`, and the transition is
 * sent with `proposeDecidedTransition` and that option.
 */
import { erc20Abi, getAddress, hexToString, stringToHex, type Hex } from "viem";

import { gengovExecutionAbi } from "../chain/abis.js";
import { BaseError } from "../errors/BaseError.js";
import { buildManifest, transitionManifest } from "../manifest/manifest.js";
import { canonicalJson } from "../models/canonicalJson.js";
import type { AllowedToken, ExecuteRequest, ProposedAction } from "../models/types.js";
import { modelFaultFields, modelFaultKind, withRawAnswer } from "../models/faults.js";
import { assertValidExecution } from "../models/validateExecution.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { crashPoint } from "../node/crashPoints.js";
import { execution, hub, readContract } from "../protocol/contracts.js";
import { TransitionStatus } from "../protocol/generated.js";
import {
  transitionContext,
  type ChainInput,
  type TransitionContext,
  type TransitionSources,
} from "../transition/context.js";
import { decidedOption } from "./conditional.js";
import { recentHistory } from "./history.js";

export type ProposeTransitionParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  epoch: bigint;
  /** Model attempts before abstaining. */
  attempts?: number;
};

export type ProposeTransitionReturnType = { status: "proposed" | "already" | "abstained"; txHash?: Hex };

/** The last finalized state document's bytes and its epoch, from the execution contract's events. */
export function finalizedState(ctx: NodeContext, agreementId: bigint): TransitionSources["previous"] {
  const finalized = ctx.store.logs("TransitionFinalized", (a) => a.agreementId === agreementId);
  if (finalized.length === 0) return { bytes: null, epoch: null };
  const last = finalized[finalized.length - 1].args;
  const proposed = ctx.store
    .logs(
      "TransitionProposed",
      (a) => a.agreementId === agreementId && a.epoch === last.epoch && a.newStateHash === last.stateHash,
    )
    .at(-1);
  if (!proposed) throw new BaseError(`state of epoch ${last.epoch} not scanned yet`, { expected: true });
  return { bytes: proposed.args.newState, epoch: last.epoch };
}

/** Every input of the agreement up to and including `epoch`, in chain order. */
export function inputsUpTo(ctx: NodeContext, agreementId: bigint, epoch: bigint): ChainInput[] {
  return ctx.store
    .logs("InputSubmitted", (a) => a.agreementId === agreementId && a.epoch <= epoch)
    .map((l) => ({
      epoch: l.args.epoch,
      index: Number(l.args.index),
      sender: l.args.sender,
      data: l.args.data,
    }));
}

export async function proposeTransition(
  p: ProposeTransitionParameters,
): Promise<ProposeTransitionReturnType> {
  const { ctx, candidate, epoch } = p;
  const { agreementId, candidateId } = candidate;
  const log = ctx.log.child({ at: "proposeTransition", agreementId, candidateId, epoch });
  const jobKey = `propose:${agreementId}:${epoch}:${candidateId}`;
  const live = await execution(ctx).read("proposal", [agreementId]);
  if (
    live.epoch === epoch &&
    live.candidateId === candidateId &&
    live.status !== TransitionStatus.None &&
    ctx.sender.pending(jobKey).length === 0
  ) {
    return { status: "already" };
  }

  let stored = ctx.store.getProposal(agreementId, epoch, candidateId);
  if (!stored) {
    const built = await build(p);
    if (!built) return { status: "abstained" };
    ctx.store.upsertProposal({ agreementId, epoch, candidateId, ...built, status: "built" });
    stored = ctx.store.getProposal(agreementId, epoch, candidateId)!;
  }
  crashPoint("midProposal");
  const manifest = JSON.parse(stored.manifest) as {
    prevStateHash: Hex;
    inputsHash: Hex;
    decision?: { option: number };
  };
  const actions = (JSON.parse(stored.actionsJson) as { token: Hex; to: Hex; amount: string }[]).map((a) => ({
    ...a,
    amount: BigInt(a.amount),
  }));
  const tail = [
    manifest.prevStateHash,
    manifest.inputsHash,
    stringToHex(stored.newState),
    actions,
    stringToHex(stored.manifest),
    stringToHex(stored.spec),
  ] as const;
  const receipt = manifest.decision
    ? await ctx.sender.send({
        jobKey,
        address: ctx.execution,
        abi: gengovExecutionAbi,
        functionName: "proposeDecidedTransition",
        args: [agreementId, epoch, manifest.decision.option, ...tail],
      })
    : await ctx.sender.send({
        jobKey,
        address: ctx.execution,
        abi: gengovExecutionAbi,
        functionName: "proposeTransition",
        args: [agreementId, epoch, ...tail],
      });
  ctx.store.upsertProposal({ ...stored, status: "proposed" });
  log.info({ at: "proposeTransition", msg: "proposed", tx: receipt.transactionHash });
  return { status: "proposed", txHash: receipt.transactionHash };
}

/** The transition's context from the store, checked against the chain's state and input heads. */
async function context(p: ProposeTransitionParameters): Promise<TransitionContext> {
  const { ctx, agreement, epoch } = p;
  const { agreementId } = p.candidate;
  const built = transitionContext({
    agreementId,
    epoch,
    agreementText: agreement.text,
    metrics: agreement.metrics,
    previous: finalizedState(ctx, agreementId),
    inputs: inputsUpTo(ctx, agreementId, epoch),
    ...(await transitionReadings(ctx, agreement, epoch)),
    decision: await decidedOption(ctx, agreement, epoch),
  });
  const prevStateHash = await execution(ctx).read("stateHash", [agreementId]);
  if (prevStateHash !== built.prevStateHash)
    throw new BaseError("finalized state not scanned yet", { expected: true });
  const inputsHash = await hub(ctx).read("inputsHeadAt", [agreementId, epoch]);
  if (built.inputsHash !== inputsHash)
    throw new BaseError("inputs not all scanned yet (waiting for confirmations)", { expected: true });
  return built;
}

/** What a transition's request reads from the chain now: recent outcomes, scores, allowed tokens. */
export async function transitionReadings(
  ctx: NodeContext,
  agreement: AgreementRuntime,
  epoch: bigint,
): Promise<Pick<TransitionSources, "history" | "scores" | "allowedTokens">> {
  return {
    history: await recentHistory(ctx, agreement.id, epoch - 1n),
    scores: await candidateScores(ctx, agreement.id),
    allowedTokens: await allowedTokens(ctx, agreement, epoch),
  };
}

/** Every candidate's score (WAD), by id. */
async function candidateScores(ctx: NodeContext, agreementId: bigint) {
  const [, , candidateCount] = await hub(ctx).read("agreement", [agreementId]);
  return Promise.all(
    Array.from({ length: Number(candidateCount) }, (_, i) => BigInt(i + 1)).map(async (id) => ({
      candidateId: id,
      score: (await hub(ctx).read("candidate", [agreementId, id])).score,
    })),
  );
}

/** The capped treasury tokens with what remains of this epoch's cap and the treasury's balance. */
function allowedTokens(
  ctx: NodeContext,
  agreement: AgreementRuntime,
  epoch: bigint,
): Promise<AllowedToken[]> {
  const agreementId = agreement.id;
  return Promise.all(
    agreement.capTokens.map(async (token) => {
      const [cap, spent, balance, symbol] = await Promise.all([
        hub(ctx).read("outflowCap", [agreementId, token]),
        execution(ctx).read("spent", [agreementId, epoch, token]),
        hub(ctx).read("treasuryBalance", [agreementId, token]),
        readContract(ctx.client, token, erc20Abi, "symbol", []).catch(() => "TOKEN"),
      ]);
      return { token, symbol, remaining: cap > spent ? cap - spent : 0n, balance };
    }),
  );
}

/** The model's first answer that passes the allow-list and caps, within `attempts`; undefined: abstain. */
async function askModel(p: ProposeTransitionParameters, request: ExecuteRequest) {
  const { ctx, candidate } = p;
  const log = ctx.log.child({ at: "proposeTransition", ...ids(p) });
  const waiting = candidate.backoff?.ready("execute");
  if (waiting && !waiting.ok) {
    log.debug({ at: "proposeTransition", msg: `model backing off after ${waiting.failures} failure(s)` });
    return undefined;
  }
  let reason = "";
  for (let attempt = 1; attempt <= (p.attempts ?? 2); attempt++) {
    try {
      const r = await candidate.model.execute(request);
      ctx.metrics.model(r.latencyMs, r.usage?.totalTokens ?? 0);
      try {
        assertValidExecution(r, request);
      } catch (error) {
        ctx.metrics.modelError(modelFaultKind(error));
        throw withRawAnswer(error, r.raw);
      }
      candidate.backoff?.succeeded("execute");
      return r;
    } catch (error) {
      reason = (error as Error).message.split("\n")[0];
      log.warn({
        at: "proposeTransition",
        msg: `model answer rejected (attempt ${attempt}): ${reason}`,
        ...modelFaultFields(error),
      });
    }
  }
  const waitMs = candidate.backoff?.failed("execute", reason) ?? 0;
  log.warn({ at: "proposeTransition", msg: "abstaining: no acceptable model answer", retryInMs: waitMs });
  return undefined;
}

const ids = (p: ProposeTransitionParameters) => ({
  agreementId: p.candidate.agreementId,
  candidateId: p.candidate.candidateId,
  epoch: p.epoch,
});

async function build(p: ProposeTransitionParameters) {
  const { ctx, candidate } = p;
  const built = await context(p);
  const result = await askModel(p, built.request);
  if (!result) return undefined;
  // Checksummed, as the chain gives them back: the calldata encoder rejects a mixed-case address with
  // a bad checksum (which the policy check, like most tools, accepts), and `gengov verify` recomputes
  // outputHash from the actions decoded from the proposal event.
  const actions: ProposedAction[] = result.actions.map((a) => ({
    token: getAddress(a.token),
    to: getAddress(a.to),
    amount: a.amount,
  }));
  const manifest = buildManifest(
    transitionManifest(
      built,
      {
        chainId: ctx.chainId,
        hub: ctx.hub,
        execution: ctx.execution,
        candidateId: candidate.candidateId,
        textHash: p.agreement.textHash,
        spec: candidate.spec,
        specHash: candidate.specHash,
      },
      { ...result, actions },
    ),
  );
  return {
    newState: canonicalJson(result.newState),
    actionsJson: JSON.stringify(
      actions.map((a) => ({ token: a.token, to: a.to, amount: a.amount.toString() })),
    ),
    manifest: manifest.text,
    spec: hexToString(candidate.specBytes),
  };
}
