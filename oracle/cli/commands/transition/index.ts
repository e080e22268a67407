/** `gengov transition show|challenge|rule|finalize`. */
import type { Command } from "commander";

import type { Rt } from "../rt.js";
import { registerTransitionChallenge } from "./challenge.js";
import { registerTransitionFinalize } from "./finalize.js";
import { registerTransitionRule } from "./rule.js";
import { registerTransitionShow } from "./show.js";

export function registerTransitionCommands(program: Command, rt: Rt) {
  const transition = program.command("transition").description("proposed state transitions");
  registerTransitionShow(transition, rt);
  registerTransitionChallenge(transition, rt);
  registerTransitionRule(transition, rt);
  registerTransitionFinalize(transition, rt);
}
