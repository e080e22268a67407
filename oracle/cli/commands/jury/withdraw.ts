/** `gengov jury withdraw --token T`: withdraws the jury fees the signer's juror seats earned. */
import type { Command } from "commander";

import { formatTokens } from "../../../chain/revert.js";
import type { Rt } from "../rt.js";
import { gengovJuryAbi, juryAt, juryOf } from "./reads.js";

export function registerJuryWithdraw(jury: Command, rt: Rt) {
  jury
    .command("withdraw")
    .description("withdraw the jury fees owed to you (the operator of the seated jurors) in a token")
    .requiredOption("--token <address>", "the token (the agreement's bond token)")
    .action(async (o: { token: string }, cmd: Command) => {
      const r = await rt(cmd);
      const address = await juryOf(r);
      const t = await r.token(o.token, "--token");
      const owed = await juryAt(r, address).read("owed", [(await r.account()).address, t.address]);
      const receipt = await r.send({
        address,
        abi: gengovJuryAbi,
        functionName: "withdrawFees",
        args: [t.address],
      });
      r.print(`withdrew ${formatTokens(owed, t)} of jury fees (${receipt.transactionHash})`, {
        amount: owed,
        tx: receipt.transactionHash,
      });
    });
}
