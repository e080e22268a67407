/**
 * Gas of a futarchy-mode decision epoch with fisheries' two metrics and three fixed options: the
 * epoch's first conditional commit, a reveal of 3 × 2 forecasts, and the decision over 10 revealers
 * (which also fixes the hub's executor selection of the epoch, scanning the 10 seats, as the node's
 * call before proposing does). The bounds count the gas above the transaction's 21,000, its calldata
 * and its logs, as the execution, jury and judgement keys' bounds do: what the contract itself spends.
 */
import type { Hex } from "viem";

import { deployConditional } from "../../test/fixtures/conditional.js";
import type { Connection } from "../../test/fixtures/hub.js";
import { txGas } from "./measureExecutionGas.js";

export const CONDITIONAL_GAS_KEYS = [
  "conditional.commit.o3",
  "conditional.reveal.o3",
  "conditional.decide.n10",
] as const;
export type ConditionalGasKey = (typeof CONDITIONAL_GAS_KEYS)[number];

export const CONDITIONAL_GAS_NOTES: Record<ConditionalGasKey, string> = {
  "conditional.commit.o3":
    "the epoch's first conditional commit (3 options; reads the seat's eligibility from the hub)",
  "conditional.reveal.o3": "a reveal of 3 options × 2 metrics",
  "conditional.decide.n10": "the decision over 10 revealers, fixing the epoch's selection",
};

/** Bounds on the gas above 21,000, calldata and logs. */
export const CONDITIONAL_GAS_BOUNDS: Record<ConditionalGasKey, number> = {
  "conditional.commit.o3": 160_000,
  "conditional.reveal.o3": 170_000,
  "conditional.decide.n10": 420_000,
};

const SEATS = 10;

export async function measureConditionalGas(conn: Connection) {
  const h = await deployConditional(conn, { units: Array.from({ length: SEATS }, (_, i) => 1 + (i % 3)) });
  const gas: Partial<Record<ConditionalGasKey, number>> = {};
  const overhead: Partial<Record<ConditionalGasKey, number>> = {};
  const measure = async (key: ConditionalGasKey, hash: Hex) => {
    ({ gas: gas[key], overhead: overhead[key] } = await txGas(h.publicClient, hash));
  };
  // Option 0 keeps the stock above its floor; the others trade catch for stock.
  const forecast = (i: number) => [
    [1200n + 10n * BigInt(i), 5200n],
    [1300n + 10n * BigInt(i), 4800n],
    [1000n + 10n * BigInt(i), 6000n],
  ];
  await h.warpTo(h.times(h.D).start);
  for (const [i, c] of h.candidates.entries()) {
    const { receipt } = await h.commit(c.id, forecast(i));
    if (i === 0) await measure("conditional.commit.o3", receipt.transactionHash);
  }
  await h.warpTo(h.times(h.D).revealOpens);
  for (const [i, c] of h.candidates.entries()) {
    const receipt = await h.reveal(c.id);
    if (i === 0) await measure("conditional.reveal.o3", receipt.transactionHash);
  }
  const decided = await h.decide();
  if (decided.defaulted) throw new Error("no revealer carried weight: the decision defaulted");
  await measure("conditional.decide.n10", decided.receipt.transactionHash);
  return {
    gas: gas as Record<ConditionalGasKey, number>,
    overhead: overhead as Record<ConditionalGasKey, number>,
  };
}
