/**
 * Launching and stopping the CLI as the README says. `bin/gengov.mjs node` run directly (under a
 * Node older than 22 it relaunches itself under the bundled Node 22) passes SIGTERM, SIGINT and
 * SIGHUP on: the node logs `stopped`, the launcher exits 0, and no process is left. Under `npm run`
 * and `npx` (which start it through `sh -c`) a SIGTERM to npm still ends in `stopped` and an empty
 * process tree. The postinstall re-installs only for `npm install`/`npm ci`, never when `npx gengov` (npm
 * exec) runs it.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

import { testSpec } from "../fixtures/node.js";
import {
  connectChain,
  deployHubOver,
  privateKeyOf,
  registerCandidate,
  startChain,
  stopAll,
  writeNodeConfig,
} from "../fixtures/standalone.js";
import { alive, descendants, GENGOV_BIN, ROOT, run, waitFor } from "./helpers.js";

/** PATH without the project's node_modules/.bin: `node` is then the machine's own. */
const systemPath = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((p) => !p.includes(join("node_modules", ".bin")))
  .join(delimiter);
const systemNodeMajor = (() => {
  const r = spawnSync("node", ["--version"], { env: { ...process.env, PATH: systemPath }, encoding: "utf8" });
  return r.status === 0 ? Number(/^v(\d+)/.exec(r.stdout)?.[1]) : undefined;
})();

/** A launched command whose stderr is kept; resolves its exit. */
function launch(command: string, args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  return { child, exited, output: () => output };
}

describe("launching and stopping gengov", function () {
  this.timeout(180_000);
  let config: string;
  let env: Record<string, string>;

  before(async () => {
    const chain = await startChain();
    const f = await deployHubOver(await connectChain(chain));
    const spec = testSpec("launcher");
    const candidateId = await registerCandidate(f, f.agreementId, 4, spec);
    const dir = mkdtempSync(join(tmpdir(), "gengov-launcher-"));
    config = writeNodeConfig(dir, "node", {
      rpcUrl: chain.url,
      chainId: await f.publicClient.getChainId(),
      hub: f.hub.address,
      candidates: [{ agreementId: f.agreementId, candidateId, spec }],
      pollIntervalMs: 200,
    });
    env = { GENGOV_TEST_KEY: privateKeyOf(4) };
  });
  after(stopAll);

  /** Starts `launcher`, waits for the node's `started`, signals the launcher, checks how it all ends. */
  async function stopWith(
    command: string,
    args: string[],
    signal: NodeJS.Signals,
    extraEnv = {},
    logged: NodeJS.Signals = signal,
  ) {
    const l = launch(command, args, { ...env, ...extraEnv });
    const started = await waitFor(() => l.output().includes('"msg":"started"'), 60_000);
    expect(started, l.output()).to.equal(true);
    const tree = descendants(l.child.pid!);
    l.child.kill(signal);
    const exit = await l.exited;
    const gone = await waitFor(() => tree.every((pid) => !alive(pid)), 20_000);
    expect(gone, `left running: ${tree.filter(alive).join(", ")}`).to.equal(true);
    await waitFor(() => l.output().includes('"msg":"stopped"'), 5_000);
    expect(l.output()).to.include(`"msg":"${logged}: finishing the current job, then stopping"`);
    expect(l.output()).to.include('"msg":"stopped"');
    return { exit, tree };
  }

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`bin/gengov.mjs node, ${signal} to the launcher: the node stops, the launcher exits 0, nothing left`, async () => {
      const { exit, tree } = await stopWith(GENGOV_BIN, ["node", "--config", config], signal, {
        PATH: systemPath,
      });
      expect(exit).to.deep.equal({ code: 0, signal: null });
      // Under Node < 22 the launcher relaunched itself: the node ran in a child, which is gone too.
      if (systemNodeMajor !== undefined && systemNodeMajor < 22) expect(tree.length).to.be.greaterThan(0);
    });
  }

  it("npm run gengov -- node, SIGTERM to npm: the node logs stopped and no process is left", async function () {
    if (spawnSync("npm", ["--version"], { env: { ...process.env, PATH: systemPath } }).status !== 0)
      this.skip();
    // npm passes SIGTERM to its `sh -c`, which ends without passing it on; the node sees its
    // parent go and stops as on SIGHUP.
    await stopWith(
      "npm",
      ["run", "--silent", "gengov", "--", "node", "--config", config],
      "SIGTERM",
      { PATH: systemPath },
      "SIGHUP",
    );
  });

  it("npx gengov node, SIGTERM to npx: the node logs stopped and no process is left", async function () {
    if (spawnSync("npx", ["--version"], { env: { ...process.env, PATH: systemPath } }).status !== 0)
      this.skip();
    const tracked = () =>
      spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT }).stdout.toString();
    const before = tracked();
    await stopWith("npx", ["gengov", "node", "--config", config], "SIGTERM", { PATH: systemPath }, "SIGHUP");
    // npx ran the project's postinstall; the working tree (package-lock.json included) is unchanged.
    expect(tracked()).to.equal(before);
  });

  it("under Node < 22 without the bundled Node 22: one line saying what to do, exit 1", async function () {
    if (systemNodeMajor === undefined || systemNodeMajor >= 22) this.skip();
    const alone = mkdtempSync(join(tmpdir(), "gengov-bin-"));
    mkdirSync(join(alone, "bin"));
    copyFileSync(GENGOV_BIN, join(alone, "bin", "gengov.mjs"));
    const r = await run("node", [join(alone, "bin", "gengov.mjs"), "--help"], { env: { PATH: systemPath } });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.match(/needs Node >= 22 .*run npm install/);
  });
});

describe("postinstall", () => {
  /** Runs scripts/postinstall.mjs as npm would under Node 20, with an npm that records its calls. */
  function postinstall(npmCommand: string) {
    const dir = mkdtempSync(join(tmpdir(), "gengov-postinstall-"));
    const marker = join(dir, "npm-called");
    const fakeNpm = join(dir, "npm-cli.js");
    writeFileSync(
      fakeNpm,
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, process.argv.slice(2).join(" "));`,
    );
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "postinstall.mjs")], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        npm_command: npmCommand,
        npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false",
        npm_execpath: fakeNpm,
      },
    });
    return { status: r.status, npmCalled: existsSync(marker) };
  }

  it("npx gengov (npm exec) runs it: no re-install", function () {
    if (process.platform !== "linux" || process.arch !== "x64") this.skip();
    expect(postinstall("exec")).to.deep.equal({ status: 0, npmCalled: false });
  });

  it("npm install under Node 20 runs it: it re-installs under Node 22", function () {
    if (process.platform !== "linux" || process.arch !== "x64") this.skip();
    expect(postinstall("install")).to.deep.equal({ status: 0, npmCalled: true });
  });
});
