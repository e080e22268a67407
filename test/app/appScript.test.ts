/**
 * `npm run app`: refuses with one line when the RPC is unreachable, no hub is known for the chain,
 * or the hub is not a gengov hub; otherwise serves the app and prints its URL. The chain is a small
 * fake JSON-RPC server answering eth_chainId and eth_call.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect } from "chai";

const SCRIPT = resolve("scripts/app.ts");
const TSX = resolve("node_modules/tsx/dist/cli.mjs");
const HUB = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CHAIN = 424242;

type Run = { code: number | null; out: string; err: string; page?: string };

/** Runs the script until it exits, or until it prints its URL (then stops it). */
function runApp(args: string[], cwd = process.cwd()): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [TSX, SCRIPT, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let page: string | undefined;
    child.stdout.on("data", async (b) => {
      out += b;
      const url = /gengov app: (\S+)/.exec(out)?.[1];
      if (url && page === undefined) {
        page = "";
        page = await fetch(url).then(
          (r) => r.text(),
          (e: Error) => `fetch failed: ${e.message}`,
        );
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (b) => (err += b));
    child.on("exit", (code) => done({ code, out, err, page }));
  });
}

/** A JSON-RPC endpoint for chain CHAIN whose eth_call answers `callResult`. */
async function fakeChain(callResult: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const one = (r: { id: number; method: string }) => ({
        jsonrpc: "2.0",
        id: r.id,
        result:
          r.method === "eth_chainId"
            ? `0x${CHAIN.toString(16)}`
            : r.method === "eth_call"
              ? callResult
              : null,
      });
      const parsed = JSON.parse(body);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(one) : one(parsed)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, server };
}

const execution = `0x${"0".repeat(24)}${"ab".repeat(20)}`;

describe("app: npm run app", function () {
  this.timeout(60_000);
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it("an unreachable RPC: one line, exit 1", async () => {
    const r = await runApp(["--rpc", "http://127.0.0.1:1"]);
    expect(r.code).to.equal(1);
    expect(r.err.trim().split("\n")).to.have.length(1);
    expect(r.err).to.match(/^app: cannot reach the RPC endpoint http:\/\/127\.0\.0\.1:1 /);
  });

  it("a malformed --hub: one line, exit 2", async () => {
    const r = await runApp(["--hub", "0x12"]);
    expect(r.code).to.equal(2);
    expect(r.err.trim()).to.equal('app: --hub: expected an address (0x and 40 hex digits), got "0x12"');
  });

  it("no --hub and no Ignition deployment for the chain: one line naming the chain, exit 1", async () => {
    const { url, server } = await fakeChain(execution);
    servers.push(server);
    const r = await runApp(["--rpc", url], mkdtempSync(join(tmpdir(), "gengov-app-")));
    expect(r.code).to.equal(1);
    expect(r.err.trim().split("\n")).to.have.length(1);
    expect(r.err).to.include(`no Ignition deployment for chain ${CHAIN}`);
  });

  it("a contract that is not a hub: one line, exit 1", async () => {
    const { url, server } = await fakeChain("0x");
    servers.push(server);
    const r = await runApp(["--rpc", url, "--hub", HUB]);
    expect(r.code).to.equal(1);
    expect(r.err.trim()).to.equal(
      `app: the contract at ${HUB} on chain ${CHAIN} is not a gengov hub (no execution contract)`,
    );
  });

  it("the hub from the chain's Ignition deployment: serves the app and prints its URL", async () => {
    const { url, server } = await fakeChain(execution);
    servers.push(server);
    const dir = mkdtempSync(join(tmpdir(), "gengov-app-"));
    mkdirSync(join(dir, "ignition", "deployments", `chain-${CHAIN}`), { recursive: true });
    writeFileSync(
      join(dir, "ignition", "deployments", `chain-${CHAIN}`, "deployed_addresses.json"),
      JSON.stringify({ "Gengov#GengovHub": HUB }),
    );
    const r = await runApp(["--rpc", url, "--port", "0"], dir);
    const m = /gengov app: (http:\/\/127\.0\.0\.1:\d+\/\?rpc=([^&]+)&hub=(0x[0-9a-fA-F]{40}))/.exec(r.out);
    expect(m, r.out + r.err).to.not.equal(null);
    expect(decodeURIComponent(m![2])).to.equal(url);
    expect(m![3]).to.equal(HUB);
    expect(r.page).to.include('<div id="root"></div>').and.include("src/main.tsx");
  });
});
