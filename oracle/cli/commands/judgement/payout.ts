/**
 * `gengov judgement claim` (anyone, after finalization: pays items their shares to their payout
 * addresses and credits the list submitters) and `withdraw` (what the caller is owed: submitter
 * shares, flag refunds).
 */
import type { Command } from "commander";
import { parseEventLogs } from "viem";

import { formatTokens } from "../../../chain/revert.js";
import { claimItemArgs, combinationLists, payoutsOf } from "../../../jobs/judgement.js";
import { buildItemTree } from "../../../judgement/itemTree.js";
import { judgement as judgementContract } from "../../../protocol/contracts.js";
import { parseId, UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { gengovJudgementAbi, judgementOf, namedRound, readItemsFile } from "./reads.js";

export function registerJudgementPayouts(judgement: Command, rt: Rt) {
  judgement
    .command("claim")
    .description("pay items their shares of a finalized round (anyone) and credit the list submitters")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--items <file>", "the round's item list (JSON: index, name, url, payout)")
    .option("--item <index>", "only this item (default: every item not paid yet)")
    .option("--round <n>", "the round (default: the latest)")
    .action(async (o: { agreement: string; items: string; item?: string; round?: string }, cmd: Command) => {
      const items = readItemsFile(o.items);
      const only = o.item === undefined ? undefined : Number(parseId("--item", o.item));
      if (only !== undefined && only >= items.length)
        throw new UsageError(`--item: the list has items 0 to ${items.length - 1}, not ${only}`);
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const { agreementId, round, state } = await namedRound(r, reader, o);
      if (!state.finalized) throw new UsageError(`round ${round} is not finalized yet`);
      if (state.isVoid) throw new UsageError(`round ${round} is void: its budget went back to the treasury`);
      if (buildItemTree(items).root.toLowerCase() !== state.itemsRoot.toLowerCase())
        throw new UsageError(`--items: the list's root is not round ${round}'s item root ${state.itemsRoot}`);
      const combination = await combinationLists(reader, agreementId, round);
      if (!combination) throw new UsageError(`round ${round} has no combination to pay by`);
      const already = await payoutsOf(reader, agreementId, round);
      const payouts: { item: number; amount: bigint }[] = [];
      for (const item of items) {
        if (only !== undefined && item.index !== only) continue;
        if (already.items.has(item.index)) continue;
        const receipt = await r.send({
          address: reader.judgement,
          abi: gengovJudgementAbi,
          functionName: "claimItem",
          args: claimItemArgs(agreementId, round, item, items, combination),
        });
        const [event] = parseEventLogs({
          abi: gengovJudgementAbi,
          eventName: "ItemPaid",
          logs: receipt.logs,
        });
        payouts.push({ item: item.index, amount: event.args.amount });
      }
      if (!already.submittersPaid && only === undefined) {
        await r.send({
          address: reader.judgement,
          abi: gengovJudgementAbi,
          functionName: "paySubmitters",
          args: [agreementId, round, combination.candidateIds, combination.coefficients],
        });
      }
      r.print(
        payouts.length
          ? payouts.map((p) => `item ${p.item} (${items[p.item].name}): ${p.amount}`).join("\n")
          : "nothing left to pay",
        { agreementId, round, payouts },
      );
    });

  judgement
    .command("withdraw")
    .description("withdraw what you are owed by judgement rounds (submitter shares, flag refunds) in a token")
    .requiredOption("--token <address>", "the token (the agreement's bond token)")
    .action(async (o: { token: string }, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const t = await r.token(o.token, "--token");
      const owed = await judgementContract(reader).read("owed", [(await r.account()).address, t.address]);
      if (owed === 0n)
        throw new UsageError(`nothing is owed to ${(await r.account()).address} in ${t.symbol}`);
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "withdraw",
        args: [t.address],
      });
      r.print(`withdrew ${formatTokens(owed, t)} (${receipt.transactionHash})`, {
        amount: owed,
        tx: receipt.transactionHash,
      });
    });
}
