/**
 * `npm run demo -- --app` in short mode, as a child process: it prints the app's URL, which answers
 * with the app; the chain's RPC it prints holds the agreement with the example's text; Ctrl-C
 * (SIGINT) stops it and every process it started, and nothing listens on either port any more. A
 * port in use or a malformed port is one line and a nonzero exit.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { createPublicClient, getAddress, http, keccak256, stringToHex, type Address } from "viem";

import { gengovHubAbi } from "../../oracle/chain/abis.js";
import { ensureAppBuilt } from "../../oracle/demo/app.js";
import { freePort } from "../fixtures/standalone.js";
import { alive, descendants, ROOT, run, waitFor } from "../operator/helpers.js";

const TSX_CLI = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe("demo --app (short mode)", function () {
  this.timeout(240_000);

  it("serves the app and the chain with the agreement; Ctrl-C stops both and leaves no process", async () => {
    const [rpcPort, appPort] = [await freePort(), await freePort()];
    const out = join(mkdtempSync(join(tmpdir(), "gengov-demo-app-")), "report.html");
    const child = spawn(
      process.execPath,
      [
        TSX_CLI,
        "--disable-warning=ExperimentalWarning",
        "scripts/demo.ts",
        "--app",
        "--epochs",
        "3",
        "--rpc-port",
        String(rpcPort),
        "--app-port",
        String(appPort),
        "--out",
        out,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    let pids: number[] = [];
    try {
      const ready = await waitFor(() => /^app: \S+/m.test(stdout) || child.exitCode !== null, 200_000);
      expect(
        ready && child.exitCode === null,
        `demo --app did not print its URL:\n${stdout}\n${stderr}`,
      ).to.equal(true);
      const url = /^app: (\S+)/m.exec(stdout)![1];
      const parsed = new URL(url);
      expect(parsed.origin).to.equal(`http://127.0.0.1:${appPort}`);
      expect(parsed.searchParams.get("rpc")).to.equal(`http://127.0.0.1:${rpcPort}`);
      const page = await fetch(url);
      expect(page.status).to.equal(200);
      expect(page.headers.get("content-type")).to.contain("text/html");
      expect(await page.text()).to.match(/<html/i);

      const hub = getAddress(parsed.searchParams.get("hub")!) as Address;
      const client = createPublicClient({ transport: http(parsed.searchParams.get("rpc")!) });
      const [, textHash] = await client.readContract({
        address: hub,
        abi: gengovHubAbi,
        functionName: "agreement",
        args: [1n],
      });
      const text = readFileSync(join(ROOT, "examples", "fisheries", "agreement.md"), "utf8");
      expect(textHash).to.equal(keccak256(stringToHex(text)));

      pids = [child.pid!, ...descendants(child.pid!)];
      child.kill("SIGINT");
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 20_000))]);
      expect(code, stderr).to.equal(0);
      expect(
        await waitFor(() => pids.every((p) => !alive(p)), 10_000),
        `left running: ${pids.filter(alive)}`,
      ).to.equal(true);
      expect(await answers(`http://127.0.0.1:${appPort}/`)).to.equal(false);
      expect(await answers(`http://127.0.0.1:${rpcPort}/`)).to.equal(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      for (const p of pids)
        if (alive(p))
          try {
            process.kill(p, "SIGKILL");
          } catch {
            // already gone
          }
    }
  });

  it("a port in use: one line naming it, exit 1, before the demo runs", async () => {
    const busy = createServer();
    const port = await new Promise<number>((done) =>
      busy.listen(0, "127.0.0.1", () => done((busy.address() as { port: number }).port)),
    );
    try {
      const r = await run(
        process.execPath,
        [
          TSX_CLI,
          "--disable-warning=ExperimentalWarning",
          "scripts/demo.ts",
          "--app",
          "--epochs",
          "3",
          "--rpc-port",
          String(port),
          "--app-port",
          String(await freePort()),
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.equal(`demo: cannot serve the chain's JSON-RPC: port ${port} is in use`);
      expect(r.stdout).to.not.match(/^epoch /m);
    } finally {
      busy.close();
    }
  });

  it("a malformed port: one line, exit 2", async () => {
    const r = await run(process.execPath, [
      TSX_CLI,
      "--disable-warning=ExperimentalWarning",
      "scripts/demo.ts",
      "--app",
      "--app-port",
      "80a",
    ]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim()).to.equal('demo: --app-port must be a port number (0–65535), got "80a"');
  });

  it("the app's build: missing sources are named; a bundle newer than every source is served as it is", async () => {
    const root = mkdtempSync(join(tmpdir(), "gengov-app-root-"));
    mkdirSync(join(root, "oracle"));
    writeFileSync(join(root, "oracle", "x.ts"), "export {};\n");
    let message = "";
    await ensureAppBuilt(root).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      `the web app's sources are missing: ${join(root, "app", "index.html")} does not exist`,
    );
    mkdirSync(join(root, "app", "dist"), { recursive: true });
    writeFileSync(join(root, "app", "index.html"), "<!doctype html>");
    writeFileSync(join(root, "app", "dist", "index.html"), "<!doctype html><p>built</p>");
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "app", "dist", "index.html"), later, later);
    const built = statSync(join(root, "app", "dist", "index.html")).mtimeMs;
    // No node_modules here: a build would fail, so returning proves nothing was rebuilt.
    expect(await ensureAppBuilt(root)).to.equal(join(root, "app", "dist"));
    expect(statSync(join(root, "app", "dist", "index.html")).mtimeMs).to.equal(built);
    const newer = new Date(Date.now() + 120_000);
    utimesSync(join(root, "oracle", "x.ts"), newer, newer);
    message = "";
    await ensureAppBuilt(root).catch((e: Error) => (message = e.message));
    expect(message).to.match(/^vite build app failed/);
  });
});
