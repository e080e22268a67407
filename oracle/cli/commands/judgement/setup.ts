/**
 * `gengov judgement configure` (the arbiter: terms and items), `open` (anyone: the next round, its
 * budget taken from the treasury) and `flag` (anyone, in the commit window: an item the lists over- or
 * under-credit, with a bond).
 */
import type { Command } from "commander";
import { erc20Abi, parseEventLogs } from "viem";

import { formatTokens } from "../../../chain/revert.js";
import { hub } from "../../../protocol/contracts.js";
import { parseId, UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { gengovJudgementAbi, judgementOf, namedRound, readTermsFile } from "./reads.js";
import { judgementTerms } from "../../../jobs/judgement.js";

export function registerJudgementSetup(judgement: Command, rt: Rt) {
  judgement
    .command("configure")
    .description("set an agreement's judgement terms and items (its arbiter); later rounds use them")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--terms <file>", "the terms (JSON, e.g. examples/deep-funding/judgement.json)")
    .option("--items-uri <uri>", "where the items are published (default: the terms' itemsUri)")
    .option(
      "--set <NAME=value>",
      "fill a $NAME placeholder of the terms (repeatable)",
      (v, a: string[]) => [...a, v],
      [],
    )
    .action(
      async (o: { agreement: string; terms: string; itemsUri?: string; set: string[] }, cmd: Command) => {
        const agreementId = parseId("--agreement", o.agreement);
        const { terms, items, params } = readTermsFile(o.terms, o.set);
        const r = await rt(cmd);
        const reader = await judgementOf(r);
        await hub(r).read("agreement", [agreementId]); // an unknown agreement reverts AgreementUnknown here
        const receipt = await r.send({
          address: reader.judgement,
          abi: gengovJudgementAbi,
          functionName: "configure",
          args: [agreementId, params, o.itemsUri ?? terms.itemsUri],
        });
        r.print(
          `configured agreement ${agreementId}: ${items.length} items (root ${params.itemsRoot}), ${params.sampleSize} pairs a round`,
          { agreementId, params, tx: receipt.transactionHash },
        );
      },
    );

  judgement
    .command("open")
    .description("open the agreement's next round (anyone), taking its budget from the treasury")
    .requiredOption("--agreement <id>", "the agreement")
    .action(async (o: { agreement: string }, cmd: Command) => {
      const agreementId = parseId("--agreement", o.agreement);
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "openRound",
        args: [agreementId],
      });
      const [opened] = parseEventLogs({
        abi: gengovJudgementAbi,
        eventName: "RoundOpened",
        logs: receipt.logs,
      });
      r.print(
        `opened round ${opened.args.round} of agreement ${agreementId} (budget ${opened.args.budget})`,
        {
          agreementId,
          round: opened.args.round,
          budget: opened.args.budget,
          tx: receipt.transactionHash,
        },
      );
    });

  judgement
    .command("flag")
    .description(
      "flag an item as over- or under-credited (anyone, in the commit window; approves the bond first)",
    )
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--item <index>", "the item")
    .requiredOption("--side <side>", "over or under")
    .action(async (o: { agreement: string; item: string; side: string }, cmd: Command) => {
      if (o.side !== "over" && o.side !== "under")
        throw new UsageError(`--side: expected "over" or "under", got "${o.side}"`);
      const item = parseId("--item", o.item);
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const { agreementId, round, state } = await namedRound(r, reader, o);
      if (item >= BigInt(state.itemCount))
        throw new UsageError(`--item: round ${round} has items 0 to ${state.itemCount - 1}, not ${item}`);
      const { params } = await judgementTerms(reader, agreementId);
      const bond = (params as { flagBond: bigint }).flagBond;
      if (bond === 0n)
        throw new UsageError(`agreement ${agreementId} does not take flags (its flag bond is zero)`);
      const [agreement] = await hub(r).read("agreement", [agreementId]);
      const t = await r.token(agreement.bondToken, "the bond token");
      await r.send({
        address: t.address,
        abi: erc20Abi,
        functionName: "approve",
        args: [reader.judgement, bond],
      });
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "flagItem",
        args: [agreementId, round, item, o.side === "over"],
      });
      r.print(
        `flagged item ${item} as ${o.side}-credited in round ${round} (bond ${formatTokens(bond, t)})`,
        {
          agreementId,
          round,
          item,
          over: o.side === "over",
          tx: receipt.transactionHash,
        },
      );
    });
}
