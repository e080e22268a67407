/**
 * Every proposed transition of an agreement with where it stands, read from the execution contract's
 * events: a proposal is replaced only once finalized or rejected, so the events between it and the
 * agreement's next proposal say how it ended; the latest one also has the contract's live status.
 */
import type { Hex, PublicClient } from "viem";

import { gengovExecutionAbi } from "../chain/abis.js";
import { execution as executionContract } from "../protocol/contracts.js";
import type { ProtocolEventArgs } from "../protocol/events.js";
import { transitionStatusNames } from "../protocol/generated.js";

/**
 * voting: its jury has not decided yet; pending: proposed (and accepted by its jury, if any),
 * unchallenged, not finalized yet; challenged: waiting for the arbiter; upheld: the arbiter let it
 * stand, not finalized yet; lapsed: the arbiter did not rule in time, the transition stands and may
 * be finalized; rejected: its jury, the arbiter or (the arbiter silent) the appeal jury rejected it
 * (state unchanged); finalized: its state and payments took effect.
 */
export type TransitionStatus =
  "voting" | "pending" | "challenged" | "upheld" | "lapsed" | "rejected" | "finalized";

export type Payment = { token: Hex; to: Hex; amount: bigint };

export type TransitionEntry = {
  epoch: bigint;
  candidateId: bigint;
  status: TransitionStatus;
  /** How many challenged it. */
  challengers: number;
  /** The arbiter did not rule on its challenge in time. */
  challengeLapsed: boolean;
  /** The treasury payments it makes (credited to the recipients once finalized). */
  payments: Payment[];
  blockNumber: bigint;
  logIndex: number;
  /** The TransitionProposed event's arguments. */
  args: ProtocolEventArgs<"TransitionProposed">;
};

type Log = { blockNumber: bigint; logIndex: number };

const order = (a: Log, b: Log) =>
  a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;

/** The live Status enum as a TransitionStatus (None has no transition). */
export function liveStatus(status: number): TransitionStatus | undefined {
  const name = transitionStatusNames[status];
  switch (name) {
    case undefined:
    case "None":
      return undefined;
    case "Voting":
      return "voting";
    case "Proposed":
      return "pending";
    case "Challenged":
      return "challenged";
    case "Upheld":
      return "upheld";
    case "Lapsed":
      return "lapsed";
    case "Rejected":
      return "rejected";
    case "Finalized":
      return "finalized";
  }
}

export async function transitionHistory(
  client: PublicClient,
  execution: Hex,
  agreementId: bigint,
): Promise<TransitionEntry[]> {
  const { proposed, challenged, ruled, lapsed, finalized, vetoed, overturned, live } = await readEvents(
    client,
    execution,
    agreementId,
  );
  return proposed.map((p, i) => {
    const next = proposed[i + 1];
    const { epoch, candidateId } = p.args;
    const within = <L extends Log & { args: { epoch: bigint } }>(logs: L[]) =>
      logs.filter(
        (l) => order(l, p) > 0 && (next === undefined || order(l, next) < 0) && l.args.epoch === epoch,
      );
    let status = statusFromEvents(candidateId, {
      finalized: within(finalized),
      ruled: within(ruled),
      lapsed: within(lapsed),
      challenged: within(challenged),
      vetoed: [...within(vetoed), ...within(overturned)],
    });
    if (!next && live.epoch === epoch && live.candidateId === candidateId)
      status = liveStatus(live.status) ?? status;
    return {
      epoch,
      candidateId,
      status,
      challengers: within(challenged).length,
      challengeLapsed: within(lapsed).length > 0,
      payments: p.args.actions.map((a) => ({
        token: a.token,
        to: a.to,
        amount: a.amount,
      })),
      blockNumber: p.blockNumber,
      logIndex: p.logIndex,
      args: p.args,
    };
  });
}

/** A proposal's status from the events between it and the agreement's next proposal. */
function statusFromEvents(
  candidateId: bigint,
  e: {
    finalized: { args: { candidateId: bigint } }[];
    ruled: { args: { upheld: boolean } }[];
    lapsed: unknown[];
    challenged: unknown[];
    /** TransitionVetoed (its jury rejected it) and TransitionOverturned (the appeal jury did). */
    vetoed: unknown[];
  },
): TransitionStatus {
  const ruling = e.ruled.at(-1);
  if (e.finalized.some((f) => f.args.candidateId === candidateId)) return "finalized";
  if (e.vetoed.length) return "rejected";
  if (ruling) return ruling.args.upheld ? "upheld" : "rejected";
  if (e.lapsed.length) return "lapsed";
  if (e.challenged.length) return "challenged";
  return "pending";
}

/** The agreement's transition events in chain order, and its live proposal. */
async function readEvents(client: PublicClient, execution: Hex, agreementId: bigint) {
  const where = {
    address: execution,
    abi: gengovExecutionAbi,
    args: { agreementId },
    fromBlock: 0n,
    strict: true as const,
  };
  const inOrder = <L extends Log & { args: { agreementId: bigint } }>(logs: L[]) =>
    logs.filter((l) => l.args.agreementId === agreementId).sort(order);
  const [proposed, challenged, ruled, lapsed, finalized, vetoed, overturned, live] = await Promise.all([
    client.getContractEvents({ ...where, eventName: "TransitionProposed" }).then(inOrder),
    client.getContractEvents({ ...where, eventName: "TransitionChallenged" }).then(inOrder),
    client.getContractEvents({ ...where, eventName: "TransitionRuled" }).then(inOrder),
    client.getContractEvents({ ...where, eventName: "ChallengeLapsed" }).then(inOrder),
    client.getContractEvents({ ...where, eventName: "TransitionFinalized" }).then(inOrder),
    client.getContractEvents({ ...where, eventName: "TransitionVetoed" }).then(inOrder),
    client.getContractEvents({ ...where, eventName: "TransitionOverturned" }).then(inOrder),
    executionContract({ client, execution }).read("proposal", [agreementId]),
  ]);
  return { proposed, challenged, ruled, lapsed, finalized, vetoed, overturned, live };
}
