/**
 * `gengov judgement answer` (a juror: the agreement's reporters), `close` (anyone, after the answer
 * window), `propose` (anyone, in the proposal window: the solver's combination when it beats the best)
 * and `finalize` (anyone, after the proposal window).
 */
import type { Command } from "commander";

import { formatWhen } from "../../../chain/revert.js";
import { bestProposal, closeAnswersArgs, closedMedians, finalizeArgs } from "../../../jobs/judgement.js";
import { UsageError } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { gengovJudgementAbi, judgementOf, namedRound, parseRatios, wad } from "./reads.js";

type RoundOptions = { agreement: string; round?: string };

export function registerJudgementRound(judgement: Command, rt: Rt) {
  judgement
    .command("answer")
    .description("answer every sampled pair as a juror (a reporter of the agreement, in the answer window)")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption(
      "--ratios <list>",
      "per pair, how many times more credit its second item deserves than its first (comma-separated, e.g. 2,0.5,1)",
    )
    .option("--round <n>", "the round (default: the latest)")
    .action(async (o: RoundOptions & { ratios: string }, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const { agreementId, round, state } = await namedRound(r, reader, o);
      const now = await r.now();
      if (now >= state.answerEnds)
        throw new UsageError(`round ${round}'s answer window closed at ${formatWhen(state.answerEnds, now)}`);
      if (now < state.commitEnds)
        throw new UsageError(`round ${round}'s answers open at ${formatWhen(state.commitEnds, now)}`);
      // The first answer draws the sample; `gengov judgement show` lists the pairs once drawn.
      const lnRatios = parseRatios(o.ratios, state.sampleSize);
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "answerPairs",
        args: [agreementId, round, lnRatios],
      });
      r.print(`answered ${lnRatios.length} pairs of round ${round}`, {
        agreementId,
        round,
        lnRatios,
        tx: receipt.transactionHash,
      });
    });

  judgement
    .command("close")
    .description(
      "close the answers after the answer window (anyone): each pair's answer is the jurors' median",
    )
    .requiredOption("--agreement <id>", "the agreement")
    .option("--round <n>", "the round (default: the latest)")
    .action(async (o: RoundOptions, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const { agreementId, round, state } = await namedRound(r, reader, o);
      const now = await r.now();
      if (now < state.answerEnds)
        throw new UsageError(
          `round ${round}'s answers can be closed from ${formatWhen(state.answerEnds, now)}`,
        );
      if (await closedMedians(reader, agreementId, round))
        throw new UsageError(`round ${round}'s answers are closed already`);
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "closeAnswers",
        args: await closeAnswersArgs(reader, agreementId, round),
      });
      const closed = await closedMedians(reader, agreementId, round);
      r.print(
        `closed round ${round}'s answers${closed?.isVoid ? ": void (fewer jurors than the quorum)" : ""}`,
        { agreementId, round, isVoid: closed?.isVoid, tx: receipt.transactionHash },
      );
    });

  judgement
    .command("propose")
    .description(
      "propose the best combination of the revealed lists (anyone, in the proposal window) if it beats the best",
    )
    .requiredOption("--agreement <id>", "the agreement")
    .option("--round <n>", "the round (default: the latest)")
    .action(async (o: RoundOptions, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const { agreementId, round, state } = await namedRound(r, reader, o);
      const now = await r.now();
      if (now < state.revealEnds || now >= state.proposeEnds)
        throw new UsageError(
          `round ${round}'s proposal window is ${formatWhen(state.revealEnds, now)} to ${formatWhen(state.proposeEnds, now)}`,
        );
      const closed = await closedMedians(reader, agreementId, round);
      if (!closed || closed.isVoid)
        throw new UsageError(
          `round ${round} has no jury answers to fit (closed: ${Boolean(closed)}, void: ${closed?.isVoid ?? false})`,
        );
      const solved = await bestProposal(reader, agreementId, round, state, closed.medians);
      if (solved === "no lists") throw new UsageError(`round ${round} has no revealed list`);
      if (solved === "not better")
        throw new UsageError(
          `the best combination of round ${round} (loss ${wad(state.bestLoss)}) is already as good as the solver's`,
        );
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "proposeCombination",
        args: [agreementId, round, solved.candidateIds, solved.coefficients, closed.medians, solved.weights],
      });
      r.print(
        `proposed ${solved.candidateIds.map((id, i) => `${wad(solved.coefficients[i], 3)} · list ${id}`).join(" + ")}: loss ${wad(solved.loss)}`,
        { agreementId, round, ...solved, tx: receipt.transactionHash },
      );
    });

  judgement
    .command("finalize")
    .description("finalize a round after its proposal window (anyone): scores, flags, pools")
    .requiredOption("--agreement <id>", "the agreement")
    .option("--round <n>", "the round (default: the latest)")
    .action(async (o: RoundOptions, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await judgementOf(r);
      const { agreementId, round, state } = await namedRound(r, reader, o);
      const now = await r.now();
      if (state.finalized) throw new UsageError(`round ${round} is finalized already`);
      if (now < state.proposeEnds)
        throw new UsageError(`round ${round} can be finalized from ${formatWhen(state.proposeEnds, now)}`);
      const receipt = await r.send({
        address: reader.judgement,
        abi: gengovJudgementAbi,
        functionName: "finalizeRound",
        args: await finalizeArgs(reader, agreementId, round),
      });
      r.print(`finalized round ${round} of agreement ${agreementId}`, {
        agreementId,
        round,
        tx: receipt.transactionHash,
      });
    });
}
