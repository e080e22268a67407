/** Reads the transition commands, `status` and `verify` share. */
import { gengovExecutionAbi } from "../../../chain/abis.js";
import { execution, hub, type ExecutionAbi, type ReadResult } from "../../../protocol/contracts.js";
import type { ProtocolEventArgs } from "../../../protocol/events.js";
import { formatTokens } from "../../../chain/revert.js";
import { clockOf, type Clock } from "../../../node/clock.js";
import type { Payment, TransitionStatus } from "../../../verify/transitionStatus.js";
import type { Runtime } from "../../runtime.js";

export type Proposed = ProtocolEventArgs<"TransitionProposed">;

export async function proposalsOf(r: Runtime, id: bigint, epoch?: bigint): Promise<Proposed[]> {
  const logs = await r.client.getContractEvents({
    address: r.execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionProposed",
    args: { agreementId: id },
    fromBlock: 0n,
    strict: true,
  });
  return logs.map((l) => l.args).filter((p) => epoch === undefined || p.epoch === epoch);
}

export type LiveProposal = ReadResult<ExecutionAbi, "proposal">;

export async function liveProposal(r: Runtime, id: bigint): Promise<LiveProposal> {
  return execution(r).read("proposal", [id]);
}

/** An agreement's clock, read from the hub. */
export async function agreementClock(r: Runtime, id: bigint): Promise<Clock> {
  const [params] = await hub(r).read("agreement", [id]);
  return clockOf(params);
}

/** What a transition's payments did or will do, by its status. */
export function paidVerb(status: TransitionStatus): string {
  if (status === "finalized") return "paid";
  if (status === "rejected") return "did not pay";
  return "pays once finalized";
}

/** Each transition's payments as "0.5 GOV to 0x…", in the token's own units. */
export async function paymentLines(r: Runtime, transitions: { payments: Payment[] }[]): Promise<string[][]> {
  return Promise.all(
    transitions.map((t) =>
      Promise.all(
        t.payments.map(async (p) => {
          const token = await r.token(p.token, "payment token").catch(() => undefined);
          return `${formatTokens(p.amount, token)}${token ? "" : ` of ${p.token}`} to ${p.to}`;
        }),
      ),
    ),
  );
}
