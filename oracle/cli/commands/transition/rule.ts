/** `gengov transition rule <agreementId> <epoch> uphold|reject` (the arbiter). */
import type { Command } from "commander";

import { gengovExecutionAbi } from "../../../chain/abis.js";
import { parseId, UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";

export function registerTransitionRule(transition: Command, rt: Rt) {
  transition
    .command("rule <agreementId> <epoch> <ruling>")
    .description("arbiter: rule 'uphold' or 'reject' on a challenged proposal")
    .action(async (idArg: string, epochArg: string, ruling: string, _o: unknown, cmd: Command) => {
      if (ruling !== "uphold" && ruling !== "reject")
        throw new UsageError(`ruling: expected "uphold" or "reject", got "${ruling}"`);
      const r = await rt(cmd);
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "rule",
        args: [parseId("agreementId", idArg), parseId("epoch", epochArg), ruling === "uphold"],
      });
      r.print(`ruled ${ruling}`, { tx: receipt.transactionHash });
    });
}
