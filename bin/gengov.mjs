#!/usr/bin/env node
// The gengov CLI. The sources are TypeScript; tsx compiles them on the fly. Needs Node >= 22
// (node:sqlite); `npx gengov` inside the project uses the bundled Node 22.
import { register } from "tsx/esm/api";

// node:sqlite is stable enough for us; its experimental warning is noise on every command.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) =>
  String(warning).includes("SQLite") ? undefined : emitWarning.call(process, warning, ...rest);

register();
const { main } = await import("../oracle/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
