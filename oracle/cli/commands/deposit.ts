/** `gengov deposit <agreementId> <token> <amount> [--decimals n]`. */
import type { Command } from "commander";
import { erc20Abi } from "viem";

import { gengovHubAbi } from "../../chain/abis.js";
import { formatTokens } from "../../chain/revert.js";
import { parseAmount, parseId, UsageError } from "../runtime.js";
import type { Rt } from "./rt.js";

export function registerDepositCommand(program: Command, rt: Rt) {
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
          address: t.address,
          abi: erc20Abi,
          functionName: "approve",
          args: [r.hub, amount],
        });
        const receipt = await r.send({
          address: r.hub,
          abi: gengovHubAbi,
          functionName: "deposit",
          args: [id, t.address, amount],
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
