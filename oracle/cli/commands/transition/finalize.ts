/** `gengov transition finalize <agreementId> <epoch>` (anyone). */
import type { Command } from "commander";

import { gengovExecutionAbi } from "../../../chain/abis.js";
import { parseId, UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { liveProposal, proposalsOf } from "./reads.js";

export function registerTransitionFinalize(transition: Command, rt: Rt) {
  transition
    .command("finalize <agreementId> <epoch>")
    .description("finalize a proposal after its challenge period, or once upheld or lapsed (anyone)")
    .action(async (idArg: string, epochArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = parseId("epoch", epochArg);
      const live = await liveProposal(r, id);
      const p = (await proposalsOf(r, id, epoch)).filter((x) => x.candidateId === live.candidateId).at(-1);
      if (!p || live.epoch !== epoch)
        throw new UsageError(`no current proposal for epoch ${epoch} of agreement ${id}`);
      const receipt = await r.send({
        address: r.execution,
        abi: gengovExecutionAbi,
        functionName: "finalize",
        args: [id, epoch, p.newStateHash, p.manifestHash, p.actions],
      });
      r.print(`finalized epoch ${epoch}`, { tx: receipt.transactionHash });
    });
}
