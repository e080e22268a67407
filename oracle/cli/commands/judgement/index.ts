/** `gengov judgement show|configure|open|flag|answer|close|propose|finalize|claim|withdraw`. */
import type { Command } from "commander";

import type { Rt } from "../rt.js";
import { registerJudgementPayouts } from "./payout.js";
import { registerJudgementRound } from "./round.js";
import { registerJudgementSetup } from "./setup.js";
import { registerJudgementShow } from "./show.js";

export function registerJudgementCommands(program: Command, rt: Rt) {
  const judgement = program
    .command("judgement")
    .description("distilled human judgement rounds: lists of item weights, a jury's pairs, payouts");
  registerJudgementShow(judgement, rt);
  registerJudgementSetup(judgement, rt);
  registerJudgementRound(judgement, rt);
  registerJudgementPayouts(judgement, rt);
}
