/** `gengov candidate poke <agreementId> <candidateId>` (anyone). */
import type { Command } from "commander";
import { parseEventLogs } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
import { parseId } from "../../runtime.js";
import type { Rt } from "../rt.js";

export function registerCandidatePoke(candidate: Command, rt: Rt) {
  candidate
    .command("poke <agreementId> <candidateId>")
    .description(
      "charge a candidate's due missed targets (anyone), so an up-to-date record is eligible again",
    )
    .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const cid = parseId("candidateId", cidArg);
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "poke",
        args: [id, cid],
      });
      const missed = parseEventLogs({ abi: gengovHubAbi, logs: receipt.logs, eventName: "RevealsMissed" })[0]
        ?.args;
      const misses = missed?.misses ?? 0;
      r.print(`poke: ${misses} miss(es) charged (${receipt.transactionHash})`, {
        misses,
        tx: receipt.transactionHash,
      });
    });
}
