/** `gengov agreement list`. */
import type { Command } from "commander";
import type { Hex } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
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
      });
      const rows = await Promise.all(
        logs.map(async (l) => {
          const a = l.args as { agreementId: bigint; creator: Hex; textHash: Hex };
          const [, , count] = (await r.client.readContract({
            address: r.hub,
            abi: gengovHubAbi,
            functionName: "agreement",
            args: [a.agreementId],
          })) as readonly [unknown, Hex, bigint];
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
