import type { Command } from "commander";

import type { Runtime } from "../runtime.js";

/** How a command gets its runtime: connects with the command's global options. */
export type Rt = (cmd: Command) => Promise<Runtime>;
