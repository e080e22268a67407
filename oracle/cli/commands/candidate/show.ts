/** `gengov candidate show <agreementId> <candidateId>`. */
import type { Command } from "commander";

import { formatTokens, formatWhen } from "../../../chain/revert.js";
import { parseId, table } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { bondToken, candidateState, formatScore, showCandidate, upToDateLine } from "./reads.js";

export function registerCandidateShow(candidate: Command, rt: Rt) {
  candidate
    .command("show <agreementId> <candidateId>")
    .description("a candidate's bond, score, scored epochs, eligibility, cursor and whether it is up to date")
    .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const c = await showCandidate(r, id, parseId("candidateId", cidArg));
      const bt = await bondToken(r, id);
      const now = await r.now();
      const human: Record<string, string> = {
        ...Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])),
        bond: formatTokens(c.bond, bt),
        score: formatScore(c.score),
        exitAt: c.exitAt === 0n ? "-" : formatWhen(c.exitAt, now),
      };
      r.print(
        [
          table(["field", "value"], Object.entries(human)),
          `state: ${candidateState(c, now)}`,
          `up to date: ${upToDateLine(c)}`,
        ].join("\n"),
        c,
      );
    });
}
