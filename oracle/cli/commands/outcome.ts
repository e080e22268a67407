/** `gengov outcome report <agreementId> <epoch> <values...>` (reporters). */
import type { Command } from "commander";

import { gengovHubAbi } from "../../chain/abis.js";
import { parseId, UsageError } from "../runtime.js";
import type { Rt } from "./rt.js";

export function registerOutcomeCommands(program: Command, rt: Rt) {
  program
    .command("outcome")
    .description("reporters' observations")
    .command("report <agreementId> <epoch> <values...>")
    .description("report the metrics of an epoch (integers scaled by each metric's decimals)")
    .action(async (idArg: string, epochArg: string, values: string[], _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const parsed = values.map((v) => {
        if (!/^-?\d+$/.test(v)) throw new UsageError(`values: expected integers, got "${v}"`);
        return BigInt(v);
      });
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "reportOutcome",
        args: [parseId("agreementId", idArg), parseId("epoch", epochArg), parsed],
      });
      r.print(`reported epoch ${epochArg}`, { tx: receipt.transactionHash });
    });
}
