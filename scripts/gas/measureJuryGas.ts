/**
 * Gas of the jury: seating a jury of 3 among 100 eligible candidates (each with its own owner and
 * operator), a juror's vote commit and its reveal with an 800-byte manifest, and the proposal and
 * close around them. The bounds (≤ 40,000 for a commit, ≤ 45,000 for a reveal) count the gas above
 * the transaction's 21,000, its calldata and its logs, as the execution keys' bounds do: what the
 * contract itself spends.
 */
import { encodeFunctionData, keccak256, stringToHex, type Hex } from "viem";

import { canonicalJson } from "../../oracle/models/canonicalJson.js";
import {
  clock,
  deployExecution,
  prepareTransition,
  qualify,
  sendProposal,
  specOf,
  warpTo,
  WAD,
  type Candidate,
  type ExecFixture,
} from "../../test/fixtures/execution.js";
import type { Connection } from "../../test/fixtures/hub.js";
import { txGas } from "./measureExecutionGas.js";

export const JURY_GAS_KEYS = [
  "jury.select.n100",
  "jury.propose.n100",
  "jury.commit",
  "jury.reveal",
  "jury.close",
] as const;
export type JuryGasKey = (typeof JURY_GAS_KEYS)[number];

export const JURY_GAS_NOTES: Record<JuryGasKey, string> = {
  "jury.select.n100": "juryOf seating 3 of 100 eligible candidates (eth_estimateGas of the call)",
  "jury.propose.n100": "a small proposal that seats its jury of 3 among 100",
  "jury.commit": "a juror commits its vote",
  "jury.reveal": "a juror reveals its vote with an 800-byte manifest",
  "jury.close": "the vote is closed and the transition accepted",
};

/** Bounds on the gas above 21,000, calldata and logs. */
export const JURY_GAS_BOUNDS: Partial<Record<JuryGasKey, number>> = {
  "jury.commit": 40_000,
  "jury.reveal": 45_000,
};

const ROSTER = 100;

/** `n` candidates, each registered by its own (impersonated, funded) owner that is also its operator. */
async function roster(x: ExecFixture, n: number): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const address = `0x${(0x9000_0000n + BigInt(i)).toString(16).padStart(40, "0")}` as const;
    await x.networkHelpers.impersonateAccount(address);
    await x.networkHelpers.setBalance(address, 10n ** 21n);
    const op = await x.viem.getWalletClient(address);
    await x.token.write.mint([address, 1_000n * WAD]);
    await x.token.write.approve([x.hub.address, 2n ** 255n], { account: op.account });
    const spec = specOf(`jury-${i}`);
    const specHash = keccak256(spec);
    const args = [x.agreementId, specHash, x.params.minBond, address] as const;
    const { result: id } = await x.hub.simulate.registerCandidate(args, { account: address });
    await x.hub.write.registerCandidate(args, { account: op.account });
    out.push({ id, op: op as Candidate["op"], spec, specHash });
  }
  return out;
}

export async function measureJuryGas(conn: Connection) {
  const x = await deployExecution(conn, {
    minScored: 1,
    jury: {
      jurySize: 3,
      juryQuorum: 2,
      appealJurySize: 0,
      voteCommitWindow: 300,
      voteRevealWindow: 300,
      juryFee: 0n,
      juryPenalty: 0n,
    },
  });
  const juryAddress = await x.hub.read.jury();
  const jury = await x.viem.getContractAt("GengovJury", juryAddress);
  const cands = await roster(x, ROSTER);
  const E = await qualify(x, cands);
  const t = clock(x);
  const gas: Partial<Record<JuryGasKey, number>> = {};
  const overhead: Partial<Record<JuryGasKey, number>> = {};
  const measure = async (key: JuryGasKey, hash: Hex) => {
    ({ gas: gas[key], overhead: overhead[key] } = await txGas(x.publicClient, hash));
  };

  await warpTo(x, t.end(E));
  await x.hub.write.selectExecutor([x.agreementId, E]);
  const [executorId] = await x.hub.read.executorOf([x.agreementId, E]);
  const executor = cands.find((c) => c.id === executorId);
  if (executor === undefined) throw new Error(`executor ${executorId} is not in the roster`);
  gas["jury.select.n100"] = Number(
    await x.publicClient.estimateGas({
      to: x.hub.address,
      data: encodeFunctionData({
        abi: x.hub.abi,
        functionName: "juryOf",
        args: [x.agreementId, E, executorId, 3n, []],
      }),
    }),
  );
  const p = await prepareTransition(x, executor, E);
  await measure("jury.propose.n100", await sendProposal(x, p));

  const vote = await jury.read.vote([x.agreementId, E, executorId, 0]);
  const seat = 0;
  const jurorId = vote.jurors[seat];
  const juror = cands.find((c) => c.id === jurorId);
  if (juror === undefined) throw new Error(`juror ${jurorId} is not in the roster`);
  const manifest = stringToHex(
    canonicalJson({
      agreementId: x.agreementId.toString(),
      epoch: E.toString(),
      jurorId: jurorId.toString(),
      kind: "vote",
      rationale: "The transition records the epoch as the agreement asks and pays nothing. ".repeat(9),
      vote: "accept",
    }).slice(0, 800),
  );
  const salt = keccak256(stringToHex("jury-gas-salt"));
  const commitment = await jury.read.voteCommitment([
    x.agreementId,
    E,
    executorId,
    0,
    jurorId,
    true,
    keccak256(manifest),
    salt,
  ]);
  await measure(
    "jury.commit",
    await jury.write.commitVote([x.agreementId, E, executorId, 0, BigInt(seat), commitment], {
      account: juror.op.account,
    }),
  );
  // The others accept too, so the close accepts.
  for (let i = 1; i < vote.jurors.length; i++) {
    const other = cands.find((c) => c.id === vote.jurors[i]);
    if (other === undefined) continue;
    const h = await jury.read.voteCommitment([
      x.agreementId,
      E,
      executorId,
      0,
      other.id,
      true,
      keccak256(manifest),
      salt,
    ]);
    await jury.write.commitVote([x.agreementId, E, executorId, 0, BigInt(i), h], {
      account: other.op.account,
    });
  }
  await warpTo(x, vote.commitEndsAt);
  await measure(
    "jury.reveal",
    await jury.write.revealVote([x.agreementId, E, executorId, 0, BigInt(seat), true, salt, manifest], {
      account: juror.op.account,
    }),
  );
  for (let i = 1; i < vote.jurors.length; i++) {
    const other = cands.find((c) => c.id === vote.jurors[i]);
    if (other === undefined) continue;
    await jury.write.revealVote([x.agreementId, E, executorId, 0, BigInt(i), true, salt, manifest], {
      account: other.op.account,
    });
  }
  await warpTo(x, vote.revealEndsAt);
  await measure("jury.close", await jury.write.close([x.agreementId, E, executorId, 0]));
  return {
    gas: gas as Record<JuryGasKey, number>,
    overhead: overhead as Record<JuryGasKey, number>,
  };
}
