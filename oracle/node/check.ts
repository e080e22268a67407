/**
 * `gengov node --check`: everything the node checks at start, and one model call per candidate,
 * without sending anything. Prints what the node would do for each candidate; every problem found is
 * one line, and the check goes on past it where it can.
 */
import { getContractEvents } from "viem/actions";
import {
  decodeAbiParameters,
  erc20Abi,
  getAbiItem,
  type EIP1193Provider,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";

import { gengovHubAbi } from "../chain/abis.js";
import { chainName, connect, hubFromIgnition } from "../chain/connect.js";
import { loadKey } from "../chain/keys.js";
import { formatTokens, formatWhen, type TokenInfo } from "../chain/revert.js";
import { loadNodeConfig, type NodeConfig } from "../config/schema.js";
import type { MetricInfo } from "../models/types.js";
import { hub } from "../protocol/contracts.js";
import { loadCandidate, type ModelFactory } from "./GengovNode.js";

export type CheckResult = { ok: boolean; lines: string[]; problems: string[] };

const firstLine = (error: unknown) =>
  ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error)).split(
    "\n",
  )[0];

const createAgreementInputs = getAbiItem({ abi: gengovHubAbi, name: "createAgreement" }).inputs;

export async function checkNode(
  configPath: string,
  deps: { createModel: ModelFactory; provider?: EIP1193Provider; account?: LocalAccount; root?: string },
): Promise<CheckResult> {
  const lines: string[] = [];
  const problems: string[] = [];
  let config: NodeConfig;
  try {
    config = loadNodeConfig(configPath);
  } catch (error) {
    const message = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    problems.push(...message.split("\n").filter(Boolean));
    return { ok: false, lines, problems };
  }
  lines.push(`config: ${configPath}`);
  let account = deps.account;
  if (!account) {
    try {
      account = (await loadKey(config.key)).account;
    } catch (error) {
      problems.push(firstLine(error));
    }
  }
  if (account) lines.push(`operator: ${account.address}`);
  let client: PublicClient | undefined;
  try {
    client = await connect({ rpcUrls: config.rpcUrls, provider: deps.provider, chainId: config.chainId });
    lines.push(`chain: ${config.chainId} (${chainName(config.chainId)})`);
  } catch (error) {
    problems.push(firstLine(error));
  }
  let hub: Hex | undefined;
  if (client) {
    try {
      hub = config.hub ?? hubFromIgnition(config.chainId, deps.root);
      if (((await client.getCode({ address: hub })) ?? "0x").length <= 2) {
        problems.push(`hub: no contract at ${hub} on chain ${config.chainId}`);
        hub = undefined;
      } else lines.push(`hub: ${hub}`);
    } catch (error) {
      problems.push(firstLine(error));
      hub = undefined;
    }
  }
  for (const [i, c] of config.candidates.entries()) {
    const where = `candidates[${i}]`;
    const name = `candidate ${i + 1}/${config.candidates.length} (agreement ${c.agreementId}, candidate ${c.candidateId})`;
    if (!client || !hub || !account) {
      lines.push(`${name}: not checked (no chain, hub or key)`);
      continue;
    }
    try {
      const candidate = await loadCandidate(client, hub, account, c, i, deps.createModel);
      const plan = await nextAction(client, hub, c.agreementId, c.candidateId);
      lines.push(`${name}: ${plan.status}; next: ${plan.next}`);
      const started = Date.now();
      try {
        await candidate.model.forecast({
          agreementId: c.agreementId,
          agreementText: await agreementText(client, hub, c.agreementId),
          metrics: plan.metrics,
          targetEpoch: plan.target,
          history: [],
        });
        lines.push(`${name}: model ${candidate.spec.model} answered in ${Date.now() - started} ms`);
      } catch (error) {
        problems.push(`${where}: model ${candidate.spec.model}: ${firstLine(error)}`);
      }
    } catch (error) {
      problems.push(firstLine(error));
    }
  }
  lines.push(
    problems.length
      ? `${problems.length} problem(s); nothing was sent`
      : "all checks passed; nothing was sent",
  );
  return { ok: problems.length === 0, lines, problems };
}

/** The candidate's status on the hub and the next thing the node would do for it. */
async function nextAction(client: PublicClient, hubAddress: Hex, agreementId: bigint, candidateId: bigint) {
  const read = hub({ client, hub: hubAddress }).read;
  const [[params], record, block] = await Promise.all([
    read("agreement", [agreementId]),
    read("candidate", [agreementId, candidateId]),
    client.getBlock({ blockTag: "latest" }),
  ]);
  const metrics: MetricInfo[] = params.metrics.map((m) => ({
    name: m.name,
    decimals: m.decimals,
    scale: m.scale,
  }));
  const now = block.timestamp;
  const length = BigInt(params.epochLength);
  const token = await tokenInfo(client, params.bondToken);
  const current = now < params.genesis ? -1n : (now - params.genesis) / length;
  const target = (current < 0n ? 0n : current) + BigInt(params.horizon);
  const status = `status ${record.withdrawn ? "withdrawn" : record.exiting ? "exiting" : "active"}, eligible ${record.eligible ? "yes" : "no"}, bond ${formatTokens(record.bond, token)}`;
  if (record.withdrawn) return { status, next: "nothing (withdrawn)", metrics, target };
  if (record.exiting)
    return { status, next: "reveal the targets still owed; no new commits", metrics, target };
  if (current < 0n)
    return {
      status,
      next: `commit a forecast for target ${target} at genesis, ${formatWhen(params.genesis, now)}`,
      metrics,
      target,
    };
  const [commitment] = await read("forecastSlot", [agreementId, candidateId, target]);
  const next =
    BigInt(commitment) === 0n
      ? `commit a forecast for target ${target} (window closes ${formatWhen(params.genesis + (current + 1n) * length, now)})`
      : `target ${target} is committed; commit target ${target + 1n} from ${formatWhen(params.genesis + (current + 1n) * length, now)}`;
  return { status, next, metrics, target };
}

/** The bond token's decimals and symbol (undefined when it does not answer: amounts print in base units). */
async function tokenInfo(client: PublicClient, token: Hex): Promise<TokenInfo | undefined> {
  try {
    const [decimals, symbol] = await Promise.all([
      client.readContract({ address: token, abi: erc20Abi, functionName: "decimals" }),
      client.readContract({ address: token, abi: erc20Abi, functionName: "symbol" }),
    ]);
    return { decimals: Number(decimals), symbol };
  } catch {
    return undefined;
  }
}

/** The agreement's text from its creation event ("" when the RPC does not serve the logs). */
async function agreementText(client: PublicClient, hub: Hex, agreementId: bigint): Promise<string> {
  try {
    const [created] = await getContractEvents(client, {
      address: hub,
      abi: gengovHubAbi,
      eventName: "AgreementCreated",
      args: { agreementId },
      fromBlock: 0n,
      strict: true,
    });
    if (!created) return "";
    const [, text] = decodeAbiParameters(createAgreementInputs, created.args.creation);
    return text;
  } catch {
    return "";
  }
}
