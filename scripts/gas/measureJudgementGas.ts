/**
 * Gas of a judgement round over 10,000 items (sum trees of depth 14) with a sample of 50 pairs and
 * 8 candidates: a list commit, a reveal (100 weights, each with its 28-word proof, scored on the
 * sample), a proposal combining the 8 revealed lists, and an item's claim against that combination
 * (8 weights with their proofs). The lists are a lognormal truth times independent noise, and the
 * jury answers the truth's log ratios, so the even combination scores below every single list. The
 * bounds count the gas above the transaction's 21,000, its calldata and its logs, as the execution
 * and jury keys' bounds do: what the contract itself spends.
 */
import type { Hex } from "viem";

import type { Connection } from "../../test/fixtures/hub.js";
import { deployJudgement, toWeights, WAD } from "../../test/fixtures/judgement.js";
import { prng } from "../../test/fixtures/prng.js";
import { txGas } from "./measureExecutionGas.js";

export const JUDGEMENT_GAS_KEYS = [
  "judgement.commit",
  "judgement.reveal.j50",
  "judgement.propose.k8.j50",
  "judgement.claim.k8",
] as const;
export type JudgementGasKey = (typeof JUDGEMENT_GAS_KEYS)[number];

export const JUDGEMENT_GAS_NOTES: Record<JudgementGasKey, string> = {
  "judgement.commit": "the round's first list commit",
  "judgement.reveal.j50": "a list over 10,000 items revealed on 50 pairs (100 proofs of depth 14)",
  "judgement.propose.k8.j50": "an even combination of 8 revealed lists scored on 50 pairs",
  "judgement.claim.k8": "an item's claim against the 8-list combination (8 proofs of depth 14)",
};

/** Bounds on the gas above 21,000, calldata and logs. */
export const JUDGEMENT_GAS_BOUNDS: Record<JudgementGasKey, number> = {
  "judgement.commit": 110_000,
  "judgement.reveal.j50": 1_800_000,
  "judgement.propose.k8.j50": 1_000_000,
  "judgement.claim.k8": 220_000,
};

const ITEMS = 10_000;
const SAMPLE = 50;
const LISTS = 8;

export async function measureJudgementGas(conn: Connection) {
  const h = await deployJudgement(conn, { itemCount: ITEMS, sampleSize: SAMPLE, candidates: LISTS });
  const rng = prng(0x6a7564676e656e74n);
  const truth = Array.from({ length: ITEMS }, () => Math.exp(rng.normal()));
  const gas: Partial<Record<JudgementGasKey, number>> = {};
  const overhead: Partial<Record<JudgementGasKey, number>> = {};
  const measure = async (key: JudgementGasKey, hash: Hex) => {
    ({ gas: gas[key], overhead: overhead[key] } = await txGas(h.publicClient, hash));
  };

  await h.open();
  for (const [i, id] of h.candidateIds.entries()) {
    const weights = toWeights(truth.map((t) => t * Math.exp(0.5 * rng.normal())));
    const { tree, receipt } = await h.commit(id, weights);
    if (tree.depth !== 14) throw new Error(`a list over ${ITEMS} items has depth ${tree.depth}, not 14`);
    if (i === 0) await measure("judgement.commit", receipt.transactionHash);
  }
  await h.draw();
  await h.answer(
    (p) => BigInt(Math.round(Math.log(truth[Number(p.b)] / truth[Number(p.a)]) * 1e6)) * 10n ** 12n,
  );
  const closed = await h.close();
  if (closed.isVoid) throw new Error("the jury's answers closed void");
  for (const [i, id] of h.candidateIds.entries()) {
    const { receipt } = await h.reveal(id);
    if (i === 0) await measure("judgement.reveal.j50", receipt.transactionHash);
  }
  const coefficients = h.candidateIds.map(() => WAD / BigInt(LISTS));
  await measure("judgement.propose.k8.j50", (await h.propose(h.candidateIds, coefficients)).transactionHash);
  await h.finalize();
  await measure("judgement.claim.k8", (await h.claim(4321)).transactionHash);
  return {
    gas: gas as Record<JudgementGasKey, number>,
    overhead: overhead as Record<JudgementGasKey, number>,
  };
}
