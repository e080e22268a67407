/** `gengov transition challenge <agreementId> <epoch>`. */
import type { Command } from "commander";
import { erc20Abi } from "viem";

import { gengovExecutionAbi } from "../../../chain/abis.js";
import { formatTokens } from "../../../chain/revert.js";
import { hub } from "../../../protocol/contracts.js";
import { parseId } from "../../runtime.js";
import type { Rt } from "../rt.js";

export function registerTransitionChallenge(transition: Command, rt: Rt) {
  transition
    .command("challenge <agreementId> <epoch>")
    .description(
      "challenge the current proposal, alone or next to earlier challengers (posts the challenge bond; approves the execution contract)",
    )
    .action(async (idArg: string, epochArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const [p] = await hub(r).read("agreement", [id]);
      const bt = await r.token(p.bondToken, "bondToken");
      await r.send({
        address: p.bondToken,
        abi: erc20Abi,
        functionName: "approve",
        args: [r.execution, p.challengeBond],
      });
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "challenge",
        args: [id, parseId("epoch", epochArg)],
      });
      r.print(`challenged epoch ${epochArg} with a bond of ${formatTokens(p.challengeBond, bt)}`, {
        tx: receipt.transactionHash,
      });
    });
}
