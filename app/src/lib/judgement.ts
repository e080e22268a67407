/**
 * A judgement round's allocation as the app shows it, read from the judgement contract's views and
 * events: the latest round with a best combination, each item's combined weight (Σ coefficient ·
 * weight over the combination's full lists, published in their reveals' list URIs as data: URIs),
 * and the item names when the terms' items URI is reachable over http(s). Undefined when the hub has
 * no judgement contract or the agreement no round with a combination.
 */
import { type Hex, type PublicClient } from "viem";

import { gengovJudgementAbi } from "../../../oracle/chain/abis.js";

const judgementViewAbi = [
  {
    type: "function",
    name: "judgement",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "address" }],
  },
] as const;

export type Allocation = {
  round: bigint;
  finalized: boolean;
  /** The combination: candidates and their coefficients (0 to 1). */
  combination: { candidateId: bigint; coefficient: number }[];
  /** The combined list's loss on the jury's sample (0 to 1). */
  loss: number;
  /** Per item: its name (or "item i") and combined weight (0 to 1). */
  items: { index: number; name: string; weight: number }[];
};

const WAD = 10n ** 18n;

/** A published full list: a data: URI of a JSON array of decimal weights (others are not fetched). */
export function decodeListUri(uri: string): bigint[] | undefined {
  if (!uri.startsWith("data:")) return undefined;
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(uri.slice(uri.indexOf(",") + 1)));
    if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === "string" && /^\d+$/.test(w)))
      return undefined;
    return parsed.map((w: string) => BigInt(w));
  } catch {
    return undefined;
  }
}

/** Each item's combined weight: ⌊Σ c_k · w_k / 1e18⌋ (WAD). */
export function combineLists(
  lists: readonly (readonly bigint[])[],
  coefficients: readonly bigint[],
): bigint[] {
  const n = lists[0]?.length ?? 0;
  return Array.from(
    { length: n },
    (_, i) => lists.reduce((sum, l, k) => sum + coefficients[k] * l[i], 0n) / WAD,
  );
}

async function itemNames(uri: string | undefined): Promise<string[] | undefined> {
  if (!uri || !/^https?:\/\//.test(uri)) return undefined;
  try {
    const response = await fetch(uri);
    const parsed: unknown = await response.json();
    if (!Array.isArray(parsed)) return undefined;
    return parsed.map((x: { name?: unknown }, i) => (typeof x?.name === "string" ? x.name : `item ${i}`));
  } catch {
    return undefined;
  }
}

export async function loadAllocation(
  client: PublicClient,
  hub: Hex,
  agreementId: bigint,
): Promise<Allocation | undefined> {
  let judgement: Hex;
  try {
    judgement = await client.readContract({ address: hub, abi: judgementViewAbi, functionName: "judgement" });
  } catch {
    return undefined;
  }
  if (BigInt(judgement) === 0n) return undefined;
  const base = { address: judgement, abi: gengovJudgementAbi, fromBlock: 0n, strict: true as const };
  const proposals = await client.getContractEvents({
    ...base,
    eventName: "CombinationProposed",
    args: { agreementId },
  });
  const best = proposals.at(-1);
  if (!best) return undefined;
  const round = best.args.round;
  const [reveals, configured, state] = await Promise.all([
    client.getContractEvents({ ...base, eventName: "ListRevealed", args: { agreementId, round } }),
    client.getContractEvents({ ...base, eventName: "JudgementConfigured", args: { agreementId } }),
    client.readContract({ ...base, functionName: "roundOf", args: [agreementId, round] }),
  ]);
  const lists = best.args.candidateIds.map((id) =>
    decodeListUri(reveals.find((r) => r.args.candidateId === id)?.args.listUri ?? ""),
  );
  if (lists.some((l) => l === undefined)) return undefined;
  const combined = combineLists(lists as bigint[][], best.args.coefficients);
  const names = await itemNames(configured.at(-1)?.args.itemsUri);
  return {
    round,
    finalized: state.finalized,
    combination: best.args.candidateIds.map((candidateId, k) => ({
      candidateId,
      coefficient: Number(best.args.coefficients[k]) / 1e18,
    })),
    loss: Number(best.args.loss) / 1e18,
    items: combined.map((w, index) => ({
      index,
      name: names?.[index] ?? `item ${index}`,
      weight: Number(w) / 1e18,
    })),
  };
}
