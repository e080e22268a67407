/** `gengov agreement create --text <file> --params <file> [--set NAME=value]…`. */
import type { Command } from "commander";
import { keccak256, parseEventLogs, stringToHex } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
import { BaseError } from "../../../errors/BaseError.js";
import { fillPlaceholders, parseSets, toContractParams } from "../../agreementParams.js";
import { UsageError } from "../../runtime.js";
import { readFile } from "../readFile.js";
import type { Rt } from "../rt.js";

export function registerAgreementCreate(agreement: Command, rt: Rt) {
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
      if (!log)
        throw new BaseError(`agreement create: no AgreementCreated event in ${receipt.transactionHash}`);
      const id = log.args.agreementId;
      r.print(`created agreement ${id} (text ${keccak256(stringToHex(text))})`, {
        agreementId: id,
        textHash: keccak256(stringToHex(text)),
        tx: receipt.transactionHash,
      });
    });
}
