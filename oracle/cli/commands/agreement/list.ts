/** `gengov agreement list`. */
import type { Command } from "commander";

import { gengovHubAbi } from "../../../chain/abis.js";
import { hub } from "../../../protocol/contracts.js";
import { table } from "../../runtime.js";
import type { Rt } from "../rt.js";

export function registerAgreementList(agreement: Command, rt: Rt) {
  agreement
    .command("list")
    .description("every agreement on the hub")
    .action(async (_o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const logs = await r.client.getContractEvents({
        address: r.hub,
        abi: gengovHubAbi,
        eventName: "AgreementCreated",
        fromBlock: 0n,
        strict: true,
      });
      const rows = await Promise.all(
        logs.map(async (l) => {
          const a = l.args;
          const [, , count] = await hub(r).read("agreement", [a.agreementId]);
          return { agreementId: a.agreementId, creator: a.creator, textHash: a.textHash, candidates: count };
        }),
      );
      r.print(
        table(
          ["id", "creator", "textHash", "candidates"],
          rows.map((x) => [x.agreementId, x.creator, x.textHash, x.candidates]),
        ),
        rows,
      );
    });
}
