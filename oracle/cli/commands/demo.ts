/** `gengov demo [--example name] [--epochs n]`: the end-to-end demo (scripts/demo.ts). */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import type { Command } from "commander";

export function registerDemoCommand(program: Command) {
  program
    .command("demo")
    .description("run the end-to-end demo on an embedded chain (same as npm run demo)")
    .option("--example <name>", "fisheries or vouching", "fisheries")
    .option("--epochs <n>", "number of epochs", "16")
    .action((o: { example: string; epochs: string }) => {
      const root = fileURLToPath(new URL("../../..", import.meta.url));
      const tsx = fileURLToPath(new URL("../../../node_modules/tsx/dist/cli.mjs", import.meta.url));
      const r = spawnSync(
        process.execPath,
        [tsx, "scripts/demo.ts", "--example", o.example, "--epochs", o.epochs],
        {
          cwd: root,
          stdio: "inherit",
        },
      );
      process.exitCode = r.status ?? 1;
    });
}
