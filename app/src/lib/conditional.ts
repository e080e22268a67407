/**
 * An agreement's decisions (futarchy mode) as the app shows them, read from the conditional
 * contract's events and the hub's outcomes: per decided epoch, its option labels (the terms'
 * `TermsSet`, then `OptionProposed`), the J of each option's combined forecast (`Decided`), the mean
 * of the revealed forecasts per option (`ConditionalRevealed`), the option taken and how, and the
 * realised outcome of the scored epoch once it is final. Empty when the hub has no conditional
 * contract or the agreement no decision.
 */
import { decodeAbiParameters, getAbiItem, type Hex, type PublicClient } from "viem";

import { gengovConditionalAbi, gengovHubAbi } from "../../../oracle/chain/abis.js";

const conditionalViewAbi = [
  {
    type: "function",
    name: "conditional",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "address" }],
  },
] as const;

const configureInputs = getAbiItem({ abi: gengovConditionalAbi, name: "configure" }).inputs;

export type DecisionRow = {
  epoch: bigint;
  options: string[];
  /** J of each option's combined forecast (empty: no forecast carried weight). */
  objectives: bigint[];
  /** Mean of the revealed forecasts, `[option][metric]` (empty: none revealed). */
  meanForecasts: bigint[][];
  revealed: number;
  option: number;
  explored: boolean;
  defaulted: boolean;
  /** The final outcome of the scored epoch (epoch + horizon), null until final. */
  realised: bigint[] | null;
};

/** The mean forecast per option and metric of option-major flat vectors (truncating toward zero). */
export function meanForecasts(
  flat: readonly (readonly bigint[])[],
  options: number,
  metrics: number,
): bigint[][] {
  if (flat.length === 0) return [];
  return Array.from({ length: options }, (_, o) =>
    Array.from({ length: metrics }, (_, m) => {
      const sum = flat.reduce((a, f) => a + f[o * metrics + m], 0n);
      return sum / BigInt(flat.length);
    }),
  );
}

export async function loadDecisions(
  client: PublicClient,
  hub: Hex,
  agreementId: bigint,
  metricCount: number,
): Promise<DecisionRow[]> {
  let conditional: Hex;
  try {
    conditional = await client.readContract({
      address: hub,
      abi: conditionalViewAbi,
      functionName: "conditional",
    });
  } catch {
    return [];
  }
  if (BigInt(conditional) === 0n) return [];
  const base = { address: conditional, abi: gengovConditionalAbi, fromBlock: 0n, strict: true as const };
  const [decided, termsSet, proposed, revealed] = await Promise.all([
    client.getContractEvents({ ...base, eventName: "Decided", args: { agreementId } }),
    client.getContractEvents({ ...base, eventName: "TermsSet", args: { agreementId } }),
    client.getContractEvents({ ...base, eventName: "OptionProposed", args: { agreementId } }),
    client.getContractEvents({ ...base, eventName: "ConditionalRevealed", args: { agreementId } }),
  ]);
  const versions = termsSet.map((t) => decodeAbiParameters(configureInputs, t.args.configuration)[1]);
  const rows: DecisionRow[] = [];
  for (const d of decided) {
    const epoch = d.args.epoch;
    const terms = [...versions].reverse().find((v) => v.firstEpoch <= epoch);
    if (!terms) continue;
    const options = [...terms.options];
    for (const p of proposed.filter((x) => x.args.epoch === epoch)) options[p.args.index] = p.args.label;
    const flat = revealed.filter((r) => r.args.epoch === epoch).map((r) => r.args.forecasts);
    const [status, values] = await client.readContract({
      address: hub,
      abi: gengovHubAbi,
      functionName: "outcome",
      args: [agreementId, epoch + BigInt(terms.horizon)],
    });
    rows.push({
      epoch,
      options,
      objectives: [...d.args.objectives],
      meanForecasts: meanForecasts(flat, options.length, metricCount),
      revealed: flat.length,
      option: d.args.option,
      explored: d.args.explored,
      defaulted: d.args.defaulted,
      realised: status === 1 ? [...values] : null,
    });
  }
  return rows;
}
