/**
 * Gas of the execution paths (issue: on-chain execution): a 2 KB state + 4 KB manifest + 2 actions
 * proposal, a challenge, an upholding ruling, finalization with 2 actions and a payment withdrawal.
 * Measured in steady state: the agreement already finalized one transition, so the contract's
 * per-agreement slots are warm-reused rather than created.
 */
import { keccak256, stringToHex, type Hex } from "viem";

import { canonicalJson } from "../../oracle/models/canonicalJson.js";
import {
  challengeTx,
  clock,
  deployExecution,
  finalizeTx,
  fund,
  PAYEES,
  prepareTransition,
  qualify,
  registerCandidates,
  ruleTx,
  sendProposal,
  warpTo,
  WAD,
  type ExecFixture,
} from "../../test/fixtures/execution.js";
import type { Connection } from "../../test/fixtures/hub.js";

export const EXECUTION_GAS_KEYS = [
  "propose.2kb",
  "challenge",
  "rule",
  "finalize.2actions",
  "withdrawPayment",
] as const;
export type ExecutionGasKey = (typeof EXECUTION_GAS_KEYS)[number];

export const EXECUTION_GAS_NOTES: Record<ExecutionGasKey, string> = {
  "propose.2kb": "2 KB state + 4 KB manifest + 2 actions, second transition of the agreement",
  challenge: "challenge of the current proposal (bond pulled)",
  rule: "arbiter upholds (challenge bond to the treasury)",
  "finalize.2actions": "finalize an upheld transition paying 2 actions",
  withdrawPayment: "a payee withdraws what it is owed",
};

/** Bounds on execution gas above the calldata and log cost. */
export const EXECUTION_GAS_BOUNDS: Partial<Record<ExecutionGasKey, number>> = {
  "propose.2kb": 60_000,
  "finalize.2actions": 80_000,
};

/**
 * A mined transaction's gasUsed, and what a bound counts of it: the gas above 21,000, the calldata
 * and the logs (what the contract itself spends).
 */
export async function txGas(publicClient: ExecFixture["publicClient"], hash: Hex) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  const { input } = await publicClient.getTransaction({ hash });
  const bytes = Buffer.from(input.slice(2), "hex");
  const zeros = bytes.filter((b) => b === 0).length;
  let logCost = 0;
  for (const l of receipt.logs) logCost += 375 + 375 * l.topics.length + 8 * ((l.data.length - 2) / 2);
  const gas = Number(receipt.gasUsed);
  return { gas, overhead: gas - 21_000 - 4 * zeros - 16 * (bytes.length - zeros) - logCost };
}

const pad = (label: string, bytes: number) => label + "x".repeat(Math.max(0, bytes - label.length));

export async function measureExecutionGas(conn: Connection) {
  const x = await deployExecution(conn);
  const [c1, c2] = await registerCandidates(x, 2);
  await fund(x, x.treasuryToken.address, 100n * WAD);
  // A never-scored candidate never executes: one scored forecast first; E is the first epoch with
  // an executor.
  const E = await qualify(x, [c1, c2]);
  const t = clock(x);
  const gas: Partial<Record<ExecutionGasKey, number>> = {};
  const overhead: Partial<Record<ExecutionGasKey, number>> = {};
  const measure = async (key: ExecutionGasKey, hash: Hex) => {
    ({ gas: gas[key], overhead: overhead[key] } = await txGas(x.publicClient, hash));
  };

  // Epoch E's transition: small, unchallenged, finalized — the warm-up.
  await warpTo(x, t.end(E));
  const first = await prepareTransition(x, c1, E);
  await sendProposal(x, first);
  await warpTo(x, t.end(E) + BigInt(x.params.challengePeriod) + 1n);
  await finalizeTx(x, first);

  // Epoch E + 1: the measured transition.
  await warpTo(x, t.end(E + 1n));
  const payees = PAYEES.slice(0, 2).map((i) => x.wallets[i].account.address);
  const state = { epoch: Number(E + 1n), ledger: pad("ledger:", 2048 - 40) };
  const p = await prepareTransition(x, c1, E + 1n, {
    state,
    actions: payees.map((to) => ({ token: x.treasuryToken.address, to, amount: 3n * WAD })),
  });
  const manifest = stringToHex(
    canonicalJson({
      ...JSON.parse(Buffer.from(p.manifest.slice(2), "hex").toString()),
      padding: pad("", 4096 - (p.manifest.length - 2) / 2 - 14),
    }),
  );
  const big = { ...p, manifest, manifestHash: keccak256(manifest) };
  await measure("propose.2kb", await sendProposal(x, big));
  await measure("challenge", await challengeTx(x, E + 1n));
  await measure("rule", await ruleTx(x, E + 1n, true));
  await measure("finalize.2actions", await finalizeTx(x, big));
  await measure(
    "withdrawPayment",
    await x.execution.write.withdrawPayment([x.treasuryToken.address], {
      account: x.wallets[PAYEES[0]].account,
    }),
  );
  return {
    gas: gas as Record<ExecutionGasKey, number>,
    overhead: overhead as Record<ExecutionGasKey, number>,
  };
}
