/** `gengov agreement create|show|list`. */
import type { Command } from "commander";

import type { Rt } from "../rt.js";
import { registerAgreementCreate } from "./create.js";
import { registerAgreementList } from "./list.js";
import { registerAgreementShow } from "./show.js";

export function registerAgreementCommands(program: Command, rt: Rt) {
  const agreement = program.command("agreement").description("create and inspect agreements");
  registerAgreementCreate(agreement, rt);
  registerAgreementShow(agreement, rt);
  registerAgreementList(agreement, rt);
}
