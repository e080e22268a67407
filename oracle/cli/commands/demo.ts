/**
 * `gengov demo [--example name] [--jury n] [--epochs n] [--rounds n] [--futarchy]`: the end-to-end
 * demo (scripts/demo.ts).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import type { Command } from "commander";

export function registerDemoCommand(program: Command) {
  program
    .command("demo")
    .description("run the end-to-end demo on an embedded chain (same as npm run demo)")
    .option("--example <name>", "fisheries, vouching, council or deep-funding", "fisheries")
    .option("--jury <n>", "fisheries, vouching: a model jury of n on every proposal, and a thief candidate")
    .option("--epochs <n>", "number of epochs", "16")
    .option("--rounds <n>", "deep-funding: number of judgement rounds", "2")
    .option("--futarchy", "fisheries: conditional forecasts decide the quota option each epoch")
    .action((o: { example: string; jury?: string; epochs: string; rounds: string; futarchy?: boolean }) => {
      const root = fileURLToPath(new URL("../../..", import.meta.url));
      const tsx = fileURLToPath(new URL("../../../node_modules/tsx/dist/cli.mjs", import.meta.url));
      const r = spawnSync(
        process.execPath,
        [
          tsx,
          "scripts/demo.ts",
          "--example",
          o.example,
          ...(o.jury === undefined ? [] : ["--jury", o.jury]),
          "--epochs",
          o.epochs,
          "--rounds",
          o.rounds,
          ...(o.futarchy ? ["--futarchy"] : []),
        ],
        {
          cwd: root,
          stdio: "inherit",
        },
      );
      process.exitCode = r.status ?? 1;
    });
}
