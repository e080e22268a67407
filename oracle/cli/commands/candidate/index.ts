/** `gengov candidate register|show|poke|top-up|exit|withdraw`. */
import type { Command } from "commander";

import type { Rt } from "../rt.js";
import { registerCandidateExit } from "./exit.js";
import { registerCandidatePoke } from "./poke.js";
import { registerCandidateRegister } from "./register.js";
import { registerCandidateShow } from "./show.js";
import { registerCandidateTopUp } from "./topUp.js";

export function registerCandidateCommands(program: Command, rt: Rt) {
  const candidate = program.command("candidate").description("bonded candidate models");
  registerCandidateRegister(candidate, rt);
  registerCandidateShow(candidate, rt);
  registerCandidatePoke(candidate, rt);
  registerCandidateTopUp(candidate, rt);
  registerCandidateExit(candidate, rt);
}
