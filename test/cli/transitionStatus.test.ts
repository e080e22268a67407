/**
 * Where each proposed transition stands, from the execution contract's events: a history of an
 * agreement whose epoch-1 transition was finalized, whose epoch-2 executor was challenged and rejected
 * and whose fallback then proposed epoch 2 again, still in its challenge period.
 */
import { expect } from "chai";
import type { Hex, PublicClient } from "viem";

import { transitionHistory } from "../../oracle/verify/transitionStatus.js";

const A = 7n;
const TOKEN = "0x00000000000000000000000000000000000000aa" as Hex;
const PAYEE = "0x00000000000000000000000000000000000000bb" as Hex;

type Log = { blockNumber: bigint; logIndex: number; args: Record<string, unknown> };
const at = (block: number, args: Record<string, unknown>): Log => ({
  blockNumber: BigInt(block),
  logIndex: 0,
  args: { agreementId: A, ...args },
});

function stubClient(
  events: Record<string, Log[]>,
  live: { epoch: bigint; candidateId: bigint; status: number },
) {
  return {
    getContractEvents: async ({ eventName }: { eventName: string }) => events[eventName] ?? [],
    readContract: async () => live,
  } as unknown as PublicClient;
}

const proposal = (block: number, epoch: bigint, candidateId: bigint, amount: bigint) =>
  at(block, { epoch, candidateId, actions: [{ token: TOKEN, to: PAYEE, amount }], newState: "0x7b7d" });

describe("transitionHistory: each transition's status and payments", () => {
  const events = {
    TransitionProposed: [proposal(10, 1n, 1n, 5n), proposal(20, 2n, 1n, 6n), proposal(30, 2n, 2n, 7n)],
    TransitionFinalized: [at(12, { epoch: 1n, candidateId: 1n })],
    TransitionChallenged: [at(21, { epoch: 2n }), at(22, { epoch: 2n })],
    TransitionRuled: [at(25, { epoch: 2n, upheld: false })],
    ChallengeLapsed: [],
  };

  it("finalized, rejected (two challengers), then the fallback's pending one from the live status", async () => {
    const history = await transitionHistory(
      stubClient(events, { epoch: 2n, candidateId: 2n, status: 1 }),
      "0x01",
      A,
    );
    expect(history.map((t) => [t.epoch, t.candidateId, t.status, t.challengers])).to.deep.equal([
      [1n, 1n, "finalized", 0],
      [2n, 1n, "rejected", 2],
      [2n, 2n, "pending", 0],
    ]);
    expect(history.map((t) => t.payments)).to.deep.equal([
      [{ token: TOKEN, to: PAYEE, amount: 5n }],
      [{ token: TOKEN, to: PAYEE, amount: 6n }],
      [{ token: TOKEN, to: PAYEE, amount: 7n }],
    ]);
  });

  it("the latest follows the contract's live status (challenged, lapsed)", async () => {
    for (const [status, name] of [
      [2, "challenged"],
      [5, "lapsed"],
    ] as const) {
      const history = await transitionHistory(
        stubClient(events, { epoch: 2n, candidateId: 2n, status }),
        "0x01",
        A,
      );
      expect(history.at(-1)!.status).to.equal(name);
      expect(history[1].status).to.equal("rejected");
    }
  });
});
