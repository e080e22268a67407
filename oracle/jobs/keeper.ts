/**
 * Permissionless upkeep the node does when it is due and nobody else has: fix the executor of an
 * epoch nobody fixed, close a jury's vote on the live proposal once its reveal window ended (closing
 * round 0 decides the transition, so the executor's own node closes it before it can finalize),
 * finalize a transition whose challenge period is over (or that was upheld), and
 * lapse a challenge the arbiter left unruled past its deadline — the transition then stands, so the
 * same tick finalizes it.
 *
 * Fixing the executor is a backstop. The hub fixes it inside the first call that needs it — the
 * executor's (or fallback's) proposal, or the first reveal for the epoch — at a fraction of a
 * standalone transaction's gas (`selection.nN` against `selectExecutor.nN` in `npm run bench:gas`).
 * The keeper only sends `selectExecutor` once both proposal windows have closed with the selection
 * still open and unfixed, so the record of who was due to execute is kept. Each step re-reads the chain first; losing a race
 * to another keeper is an expected outcome, logged as a warning.
 */
import { gengovExecutionAbi, gengovHubAbi } from "../chain/abis.js";
import { BaseError } from "../errors/BaseError.js";
import { epochAt, fallbackWindow, selectionCloses } from "../node/clock.js";
import type { AgreementRuntime, NodeContext } from "../node/context.js";
import { execution, hub } from "../protocol/contracts.js";
import { TransitionStatus } from "../protocol/generated.js";
import { closeVote } from "./vote.js";

const { Proposed, Challenged, Upheld, Lapsed, Finalized, Voting } = TransitionStatus;

/**
 * Sends an upkeep transaction that other keepers race for. When it fails (its simulation reverts, or
 * it reverts on chain because a rival's transaction was mined first) and the chain shows the
 * transition already in a state it was after, the failure is an expected race: a warning.
 */
async function raced(
  ctx: NodeContext,
  id: bigint,
  epoch: bigint,
  after: readonly number[],
  send: () => Promise<unknown>,
) {
  try {
    await send();
  } catch (error) {
    const live = await execution(ctx)
      .read("proposal", [id])
      .catch(() => undefined);
    if (live?.epoch === epoch && after.includes(live.status)) {
      throw new BaseError(`epoch ${epoch}: another keeper got there first`, {
        expected: true,
        cause: error,
      });
    }
    throw error;
  }
}

export type KeepAgreementParameters = { ctx: NodeContext; agreement: AgreementRuntime; now: bigint };
export type KeepAgreementReturnType = {
  selected?: bigint;
  /** The epoch whose proposal's vote (round 0) this call closed. */
  closed?: bigint;
  finalized?: bigint;
  lapsed?: bigint;
};

export async function keepAgreement(p: KeepAgreementParameters): Promise<KeepAgreementReturnType> {
  const { ctx, agreement, now } = p;
  const id = agreement.id;
  const c = agreement.clock;
  const done: KeepAgreementReturnType = {};
  const e = epochAt(c, now) - 1n;
  if (e >= 0n && now >= fallbackWindow(c, e).closes && now < selectionCloses(c, e)) {
    const [, , fixed] = await hub(ctx).read("executorOf", [id, e]);
    if (!fixed) {
      await ctx.sender.send({
        jobKey: `select:${id}:${e}`,
        address: ctx.hub,
        abi: gengovHubAbi,
        functionName: "selectExecutor",
        args: [id, e],
      });
      done.selected = e;
    }
  }
  let live = await execution(ctx).read("proposal", [id]);
  // The challenge period opens when the jury's vote ends (at the proposal without a jury).
  if (live.status === Voting && now >= live.challengeOpensAt) {
    if (await closeVote(ctx, { agreementId: id, epoch: live.epoch, proposer: live.candidateId, round: 0 })) {
      done.closed = live.epoch;
    }
    live = await execution(ctx).read("proposal", [id]);
  }
  if (live.status === Challenged && now >= live.challengeOpensAt + c.challengePeriod + c.rulingPeriod) {
    const { epoch, proposedAt } = live;
    // A rival may have lapsed it and finalized it already.
    await raced(ctx, id, epoch, [Lapsed, Finalized], () =>
      ctx.sender.send({
        jobKey: `lapse:${id}:${epoch}:${proposedAt}`,
        address: ctx.execution,
        abi: gengovExecutionAbi,
        functionName: "lapseChallenge",
        args: [id, epoch],
      }),
    );
    done.lapsed = epoch;
    live = await execution(ctx).read("proposal", [id]);
  }
  if (
    (live.status === Proposed && now >= live.challengeOpensAt + c.challengePeriod) ||
    live.status === Upheld ||
    live.status === Lapsed
  ) {
    const proposed = ctx.store
      .logs("TransitionProposed", (a) => a.agreementId === id && a.epoch === live.epoch)
      .at(-1);
    if (proposed) {
      const a = proposed.args;
      await raced(ctx, id, live.epoch, [Finalized], () =>
        ctx.sender.send({
          jobKey: `finalize:${id}:${live.epoch}:${live.proposedAt}`,
          address: ctx.execution,
          abi: gengovExecutionAbi,
          functionName: "finalize",
          args: [id, live.epoch, a.newStateHash, a.manifestHash, a.actions],
        }),
      );
      done.finalized = live.epoch;
    }
  }
  return done;
}
