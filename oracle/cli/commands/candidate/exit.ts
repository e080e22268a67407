/** `gengov candidate exit|withdraw <agreementId> <candidateId>`. */
import type { Command } from "commander";

import { gengovHubAbi } from "../../../chain/abis.js";
import { parseId } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { bondToken } from "./reads.js";

export function registerCandidateExit(candidate: Command, rt: Rt) {
  for (const [name, fn, description] of [
    ["exit", "requestExit", "request exit: ineligible now, bond withdrawable after exitDelay"],
    ["withdraw", "withdraw", "withdraw the remaining bond after the exit delay"],
  ] as const) {
    candidate
      .command(`${name} <agreementId> <candidateId>`)
      .description(description)
      .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
        const r = await rt(cmd);
        const args = [parseId("agreementId", idArg), parseId("candidateId", cidArg)] as const;
        await bondToken(r, args[0]);
        const receipt = await r.send({ address: r.hub, abi: gengovHubAbi, functionName: fn, args });
        r.print(`${name}: done (${receipt.transactionHash})`, { tx: receipt.transactionHash });
      });
  }
}
