/** `gengov agreement create|show|list`, `gengov input submit`, `gengov deposit`. */
import { readFileSync } from "node:fs";

import type { Command } from "commander";
import {
  parseEventLogs,
  getAbiItem,
  decodeAbiParameters,
  keccak256,
  stringToHex,
  erc20Abi,
  type Hex,
} from "viem";

import { formatDate, formatDuration, formatTokens, type TokenInfo } from "../../chain/revert.js";

import { gengovHubAbi } from "../../chain/abis.js";
import { fillPlaceholders, parseSets, toContractParams } from "../agreementParams.js";
import { parseAmount, parseId, table, UsageError, type Runtime } from "../runtime.js";

type Rt = (cmd: Command) => Promise<Runtime>;

const readFile = (flag: string, path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`${flag}: cannot read ${path}`);
  }
};

export function registerAgreementCommands(program: Command, rt: Rt) {
  const agreement = program.command("agreement").description("create and inspect agreements");
  agreement
    .command("create")
    .description("create an agreement from a text file and a parameters JSON file")
    .requiredOption("--text <file>", "the agreement in natural language")
    .requiredOption("--params <file>", "parameters JSON (as in examples/*/params.json)")
    .option(
      "--set <NAME=value>",
      "fill the placeholder $NAME in the parameters file (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .action(async (o: { text: string; params: string; set: string[] }, cmd: Command) => {
      // Every check of the files comes before connecting: bad input fails without a chain.
      const sets = parseSets(o.set);
      const text = readFile("--text", o.text);
      let raw: unknown;
      try {
        raw = JSON.parse(readFile("--params", o.params));
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`--params: ${o.params} is not valid JSON`);
      }
      const params = toContractParams(fillPlaceholders(raw, sets, o.params), "params");
      const r = await rt(cmd);
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "createAgreement",
        args: [params, text],
      });
      const log = parseEventLogs({ abi: gengovHubAbi, logs: receipt.logs, eventName: "AgreementCreated" })[0];
      const id = (log?.args as { agreementId: bigint }).agreementId;
      r.print(`created agreement ${id} (text ${keccak256(stringToHex(text))})`, {
        agreementId: id,
        textHash: keccak256(stringToHex(text)),
        tx: receipt.transactionHash,
      });
    });
  agreement
    .command("show <agreementId>")
    .description("parameters, text hash and candidate count of an agreement")
    .option("--full-text", "print the agreement text too")
    .action(async (idArg: string, o: { fullText?: boolean }, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const [params, textHash, count] = (await r.client.readContract({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "agreement",
        args: [id],
      })) as readonly [Record<string, unknown>, Hex, bigint];
      const text = o.fullText ? await agreementText(r, id) : undefined;
      const bt = await r.token(params.bondToken as Hex, "bondToken");
      const shown = humanParams(params, bt);
      const caps = params.capTokens as readonly Hex[];
      const capTokens = await Promise.all(caps.map((t) => r.token(t, "capTokens")));
      shown.maxOutflowPerEpoch = `[${(params.maxOutflowPerEpoch as readonly bigint[])
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
    });
  agreement
    .command("list")
    .description("every agreement on the hub")
    .action(async (_o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const logs = await r.client.getContractEvents({
        address: r.hub,
        abi: gengovHubAbi,
        eventName: "AgreementCreated",
        fromBlock: 0n,
      });
      const rows = await Promise.all(
        logs.map(async (l) => {
          const a = l.args as { agreementId: bigint; creator: Hex; textHash: Hex };
          const [, , count] = (await r.client.readContract({
            address: r.hub,
            abi: gengovHubAbi,
            functionName: "agreement",
            args: [a.agreementId],
          })) as readonly [unknown, Hex, bigint];
          return { agreementId: a.agreementId, creator: a.creator, textHash: a.textHash, candidates: count };
        }),
      );
      r.print(
        table(
          ["id", "creator", "textHash", "candidates"],
          rows.map((x) => [x.agreementId, x.creator, x.textHash, x.candidates]),
        ),
        rows,
      );
    });

  program
    .command("input")
    .description("participant inputs")
    .command("submit <agreementId>")
    .description("submit an input (UTF-8 text or a file) for the current epoch")
    .option("--data <text>", "the input text")
    .option("--file <file>", "read the input from a file")
    .action(async (idArg: string, o: { data?: string; file?: string }, cmd: Command) => {
      const r = await rt(cmd);
      if ((o.data === undefined) === (o.file === undefined))
        throw new UsageError("input submit: pass exactly one of --data or --file");
      const data = o.data ?? readFile("--file", o.file!);
      const id = parseId("agreementId", idArg);
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "submitInput",
        args: [id, stringToHex(data)],
      });
      const ev = parseEventLogs({ abi: gengovHubAbi, logs: receipt.logs, eventName: "InputSubmitted" })[0]
        ?.args as {
        epoch: bigint;
        index: number;
        inputsHash: Hex;
      };
      r.print(`input ${ev.index} of epoch ${ev.epoch}; chain head ${ev.inputsHash}`, {
        ...ev,
        tx: receipt.transactionHash,
      });
    });

  program
    .command("deposit <agreementId> <token> <amount>")
    .description("fund an agreement's treasury (amount in whole tokens; approves the hub first)")
    .option("--decimals <n>", "token decimals (default: read from the token)")
    .action(
      async (idArg: string, token: string, amountArg: string, o: { decimals?: string }, cmd: Command) => {
        const r = await rt(cmd);
        const id = parseId("agreementId", idArg);
        if (o.decimals !== undefined && !/^\d{1,2}$/.test(o.decimals))
          throw new UsageError(`--decimals: expected an integer from 0 to 99, got "${o.decimals}"`);
        // An unknown agreement is refused before anything is approved.
        await r.client.readContract({
          address: r.hub,
          abi: gengovHubAbi,
          functionName: "agreement",
          args: [id],
        });
        const t = await r.token(token, "token");
        const decimals = o.decimals ? Number(o.decimals) : t.decimals;
        const amount = parseAmount("amount", amountArg, decimals);
        await r.send({
          address: token as Hex,
          abi: erc20Abi,
          functionName: "approve",
          args: [r.hub, amount],
        });
        const receipt = await r.send({
          address: r.hub,
          abi: gengovHubAbi,
          functionName: "deposit",
          args: [id, token, amount],
        });
        r.print(`deposited ${formatTokens(amount, { ...t, decimals })} into agreement ${id}'s treasury`, {
          agreementId: id,
          token,
          amount,
          tx: receipt.transactionHash,
        });
      },
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
  });
  if (!logs.length) throw new UsageError(`agreement ${id}: no creation event found`);
  const [, text] = decodeAbiParameters(createInputs, (logs[0].args as { creation: Hex }).creation);
  return text as string;
}

/** Parameters written for people: amounts of the bond token in tokens, times as dates and durations. */
function humanParams(params: Record<string, unknown>, bondToken: TokenInfo): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (["minBond", "missPenalty", "rejectPenalty", "challengeBond"].includes(k))
      shown[k] = formatTokens(BigInt(v as bigint), bondToken);
    else if (k === "genesis") shown[k] = formatDate(BigInt(v as bigint));
    else if (
      [
        "epochLength",
        "reportWindow",
        "revealWindow",
        "executionWindow",
        "challengePeriod",
        "rulingPeriod",
        "exitDelay",
      ].includes(k)
    )
      shown[k] = formatDuration(BigInt(v as number));
  }
  return shown;
}
