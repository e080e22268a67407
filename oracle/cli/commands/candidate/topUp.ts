/** `gengov candidate top-up <agreementId> <candidateId> <amount>`. */
import type { Command } from "commander";
import { erc20Abi } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
import { formatTokens } from "../../../chain/revert.js";
import { parseAmount, parseId } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { bondToken } from "./reads.js";

export function registerCandidateTopUp(candidate: Command, rt: Rt) {
  candidate
    .command("top-up <agreementId> <candidateId> <amount>")
    .description("add to a candidate's bond (whole tokens; approves the hub first)")
    .action(async (idArg: string, cidArg: string, amountArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const bt = await bondToken(r, id);
      const amount = parseAmount("amount", amountArg, bt.decimals);
      await r.send({ address: bt.address, abi: erc20Abi, functionName: "approve", args: [r.hub, amount] });
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "topUp",
        args: [id, parseId("candidateId", cidArg), amount],
      });
      r.print(`top-up: added ${formatTokens(amount, bt)} (${receipt.transactionHash})`, {
        tx: receipt.transactionHash,
      });
    });
}
