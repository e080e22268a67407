/** `gengov input submit <agreementId> --data <text> | --file <file>`. */
import type { Command } from "commander";
import { parseEventLogs, stringToHex } from "viem";

import { gengovHubAbi } from "../../chain/abis.js";
import { BaseError } from "../../errors/BaseError.js";
import { parseId, UsageError } from "../runtime.js";
import { readFile } from "./readFile.js";
import type { Rt } from "./rt.js";

export function registerInputCommands(program: Command, rt: Rt) {
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
        ?.args;
      if (!ev) throw new BaseError(`input submit: no InputSubmitted event in ${receipt.transactionHash}`);
      r.print(`input ${ev.index} of epoch ${ev.epoch}; chain head ${ev.inputsHash}`, {
        ...ev,
        tx: receipt.transactionHash,
      });
    });
}
