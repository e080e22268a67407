/** `gengov agreement show <agreementId> [--full-text]`. */
import type { Command } from "commander";
import { decodeAbiParameters, getAbiItem } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
import { formatDate, formatDuration, formatTokens, type TokenInfo } from "../../../chain/revert.js";
import { hub, type HubAbi, type ReadResult } from "../../../protocol/contracts.js";
import { parseId, UsageError, type Runtime } from "../../runtime.js";
import type { Rt } from "../rt.js";

export function registerAgreementShow(agreement: Command, rt: Rt) {
  agreement
    .command("show <agreementId>")
    .description("parameters, text hash and candidate count of an agreement")
    .option("--full-text", "print the agreement text too")
    .action(async (idArg: string, o: { fullText?: boolean }, cmd: Command) => {
      const r = await rt(cmd);
      await showAgreement(r, parseId("agreementId", idArg), o.fullText === true);
    });
}

async function showAgreement(r: Runtime, id: bigint, fullText: boolean) {
  const [params, textHash, count] = await hub(r).read("agreement", [id]);
  const text = fullText ? await agreementText(r, id) : undefined;
  const bt = await r.token(params.bondToken, "bondToken");
  const shown = humanParams(params, bt);
  const capTokens = await Promise.all(params.capTokens.map((t) => r.token(t, "capTokens")));
  shown.maxOutflowPerEpoch = `[${params.maxOutflowPerEpoch
    .map((cap, i) => formatTokens(cap, capTokens[i]))
    .join(", ")}]`;
  r.print(
    [
      `agreement ${id}  text ${textHash}  candidates ${count}`,
      ...Object.entries(params).map(
        ([k, v]) =>
          `  ${k}: ${shown[k] ?? JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x))}`,
      ),
      ...(text ? ["", text] : []),
    ].join("\n"),
    { agreementId: id, textHash, candidateCount: count, params, ...(text ? { text } : {}) },
  );
}

const createInputs = getAbiItem({ abi: gengovHubAbi, name: "createAgreement" }).inputs;

export async function agreementText(r: Runtime, id: bigint): Promise<string> {
  const logs = await r.client.getContractEvents({
    address: r.hub,
    abi: gengovHubAbi,
    eventName: "AgreementCreated",
    args: { agreementId: id },
    fromBlock: 0n,
    strict: true,
  });
  if (!logs.length) throw new UsageError(`agreement ${id}: no creation event found`);
  const [, text] = decodeAbiParameters(createInputs, logs[0].args.creation);
  return text;
}

type AgreementParams = ReadResult<HubAbi, "agreement">[0];

const TOKEN_AMOUNTS = ["minBond", "missPenalty", "rejectPenalty", "challengeBond"] as const;
const DURATIONS = [
  "epochLength",
  "reportWindow",
  "revealWindow",
  "executionWindow",
  "challengePeriod",
  "rulingPeriod",
  "exitDelay",
] as const;

/** Parameters written for people: amounts of the bond token in tokens, times as dates and durations. */
function humanParams(params: AgreementParams, bondToken: TokenInfo): Record<string, string> {
  const shown: Record<string, string> = { genesis: formatDate(params.genesis) };
  for (const k of TOKEN_AMOUNTS) shown[k] = formatTokens(params[k], bondToken);
  for (const k of DURATIONS) shown[k] = formatDuration(BigInt(params[k]));
  return shown;
}
