/**
 * `gengov judgement show --agreement A [--round R]`: the agreement's judgement terms and a round: its
 * phase and windows, the sampled pairs, the jury's answers, the revealed lists with their losses and
 * the best combination.
 */
import type { Command } from "commander";

import { formatWhen } from "../../../chain/revert.js";
import {
  bestCombination,
  closedMedians,
  judgementTerms,
  committedCandidates,
  revealedLists,
  samplePairsOf,
} from "../../../jobs/judgement.js";
import { parseId, table } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { judgementOf, namedRound, phase, wad } from "./reads.js";

export function registerJudgementShow(judgement: Command, rt: Rt) {
  judgement
    .command("show")
    .description(
      "an agreement's judgement terms and a round (default: the latest): phase, pairs, lists, best",
    )
    .requiredOption("--agreement <id>", "the agreement")
    .option("--round <n>", "the round (default: the latest)")
    .action(async (o: { agreement: string; round?: string }, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const agreementId = parseId("--agreement", o.agreement);
      const { params, rounds } = await judgementTerms(reader, agreementId);
      const p = params as {
        itemCount: number;
        sampleSize: number;
        budget: bigint;
        submitterShare: bigint;
        scale: bigint;
      };
      const lines = [
        `agreement ${agreementId}: ${p.itemCount} items, ${p.sampleSize} pairs a round, budget ${wad(p.budget, 2)}, submitters ${wad(p.submitterShare * 100n, 0)}%, scale ${wad(p.scale, 2)} (ln units), ${rounds} round(s)`,
      ];
      if (rounds === 0n) {
        r.print(lines.join("\n"), { agreementId, params, rounds });
        return;
      }
      const { round, state } = await namedRound(r, reader, o);
      const now = await r.now();
      lines.push(
        `round ${round}: ${phase(state, now)}; commits until ${formatWhen(state.commitEnds, now)}, answers until ${formatWhen(state.answerEnds, now)}, reveals until ${formatWhen(state.revealEnds, now)}, proposals until ${formatWhen(state.proposeEnds, now)}`,
        `  ${state.listCount} list(s) committed, ${state.revealedCount} revealed; ${state.answered} juror(s) answered (quorum ${state.quorum})`,
      );
      const machine: Record<string, unknown> = { agreementId, round, state };
      if (state.word !== 0n) {
        const pairs = await samplePairsOf(reader, agreementId, round);
        const closed = await closedMedians(reader, agreementId, round);
        machine.pairs = pairs;
        machine.medians = closed?.medians ?? null;
        lines.push(
          table(
            ["pair", "a", "b", "jury ln(b/a)"],
            pairs.a.map((a, i) => [i, a, pairs.b[i], closed ? wad(closed.medians[i]) : "-"]),
          ),
        );
      }
      const lists = await revealedLists(reader, agreementId, round);
      const committed = await committedCandidates(reader, agreementId, round);
      machine.lists = lists.map((l) => ({ candidateId: l.candidateId, loss: l.loss }));
      if (committed.length)
        lines.push(
          table(
            ["candidate", "revealed", "loss"],
            committed.map((id) => {
              const l = lists.find((x) => x.candidateId === id);
              return [id, Boolean(l), l ? wad(l.loss) : "-"];
            }),
          ),
        );
      const best = await bestCombination(reader, agreementId, round);
      machine.best = best ?? null;
      if (best)
        lines.push(
          `best: ${best.candidateIds.map((id, i) => `${wad(best.coefficients[i], 3)} · list ${id}`).join(" + ")}, loss ${wad(best.loss)}`,
        );
      if (state.finalized)
        lines.push(`pools: items ${wad(state.itemPool, 2)}, submitters ${wad(state.submitterPool, 2)}`);
      r.print(lines.join("\n"), machine);
    });
}
