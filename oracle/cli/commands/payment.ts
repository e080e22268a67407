/** `gengov payment withdraw <token>`. */
import type { Command } from "commander";

import { gengovExecutionAbi } from "../../chain/abis.js";
import { formatTokens } from "../../chain/revert.js";
import { execution } from "../../protocol/contracts.js";
import type { Rt } from "./rt.js";

export function registerPaymentCommands(program: Command, rt: Rt) {
  program
    .command("payment")
    .description("pull payments")
    .command("withdraw <token>")
    .description("withdraw what the execution contract owes you in a token")
    .action(async (token: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const t = await r.token(token, "token");
      const owed = await execution(r).read("owed", [(await r.account()).address, t.address]);
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "withdrawPayment",
        args: [t.address],
      });
      r.print(`withdrew ${formatTokens(owed, t)} (${receipt.transactionHash})`, {
        amount: owed,
        tx: receipt.transactionHash,
      });
    });
}
