/** `gengov jury show|vote|reveal|close|withdraw`. */
import type { Command } from "commander";

import type { Rt } from "../rt.js";
import { registerJuryClose } from "./close.js";
import { registerJuryReveal } from "./reveal.js";
import { registerJuryShow } from "./show.js";
import { registerJuryVote } from "./vote.js";
import { registerJuryWithdraw } from "./withdraw.js";

export function registerJuryCommands(program: Command, rt: Rt) {
  const jury = program.command("jury").description("model juries: votes on proposed transitions");
  registerJuryShow(jury, rt);
  registerJuryVote(jury, rt);
  registerJuryReveal(jury, rt);
  registerJuryClose(jury, rt);
  registerJuryWithdraw(jury, rt);
}
