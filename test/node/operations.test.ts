/**
 * What an operator sees and relies on: RPC endpoints ordered by health (a dead one is passed over for
 * a cooldown), the startup and broadcast lines, one clear line for a busy HTTP port or an unknown
 * option, and `gengov node --check`, which checks everything once, sends nothing and says what the
 * node would do.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { getAddress } from "viem";

import { connect } from "../../oracle/chain/connect.js";
import { main } from "../../oracle/cli/main.js";
import { openaiSpec } from "../fixtures/models.js";
import { testSpec } from "../fixtures/node.js";
import {
  connectChain,
  deployHubOver,
  NodeProcess,
  privateKeyOf,
  registerCandidate,
  sleep,
  stopAll,
  writeNodeConfig,
} from "../fixtures/standalone.js";
import { FakeOpenAI, reply } from "../support/fakeOpenAI.js";

/** An HTTP server that answers every request with 503 and counts them: a dead RPC endpoint. */
async function deadEndpoint() {
  let count = 0;
  const server: Server = createServer((_, res) => {
    count++;
    res.writeHead(503).end("down");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get count() {
      return count;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("node: operations", function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof network.createServer>>;
  let url: string;
  let f: Awaited<ReturnType<typeof deployHubOver>>;
  let chainId: number;
  const dir = mkdtempSync(join(tmpdir(), "gengov-ops-"));

  before(async () => {
    server = await network.createServer("default", "127.0.0.1", 0);
    const { port } = await server.listen();
    url = `http://127.0.0.1:${port}`;
    f = await deployHubOver(await connectChain({ url }), { minScored: 0 });
    chainId = await f.publicClient.getChainId();
  });

  after(async () => {
    await stopAll();
    await server?.close();
  });

  it("passes over a dead RPC endpoint after its first failure, and tries it again after the cooldown", async () => {
    const dead = await deadEndpoint();
    try {
      const failed: string[] = [];
      const client = await connect({
        rpcUrls: [dead.url, url],
        chainId,
        cooldownMs: 1_000,
        onEndpointFailed: (u) => failed.push(u),
      });
      expect(dead.count).to.equal(1);
      for (let i = 0; i < 10; i++) await client.getBlockNumber();
      expect(dead.count, "demoted: the live endpoint answers first").to.equal(1);
      expect(failed).to.deep.equal([dead.url]);
      await sleep(1_100);
      expect(await client.getBlockNumber()).to.be.a("bigint");
      expect(dead.count, "tried again once the cooldown is over").to.equal(2);
      for (let i = 0; i < 5; i++) await client.getBlockNumber();
      expect(dead.count).to.equal(2);
    } finally {
      await dead.close();
    }
  });

  it("logs who it is at start and every broadcast with its hash and nonce", async () => {
    const spec = testSpec("startup");
    const candidateId = await registerCandidate(f, f.agreementId, 4, spec);
    const config = writeNodeConfig(dir, "startup", {
      rpcUrl: url,
      chainId,
      hub: f.hub.address,
      candidates: [{ agreementId: f.agreementId, candidateId, spec }],
    });
    const node = new NodeProcess(config, { GENGOV_TEST_KEY: privateKeyOf(4) });
    const deadline = Date.now() + 60_000;
    while (!node.logs.some((l) => l.at === "txSender" && l.msg === "broadcast") && Date.now() < deadline) {
      expect(node.running, node.stderr).to.equal(true);
      await sleep(50);
    }
    await node.kill("SIGTERM");
    const started = node.logs.find((l) => l.msg === "started")!;
    expect(started).to.include({
      at: "node",
      operator: getAddress(f.wallets[4].account.address),
      chainId,
      hub: f.hub.address,
    });
    expect(started.chain).to.match(/\bHardhat\b/);
    expect(started.http).to.match(/^127\.0\.0\.1:\d+$/);
    expect(started.candidates).to.deep.include({
      agreementId: f.agreementId.toString(),
      candidateId: candidateId.toString(),
      model: "startup",
      specHash: (started.candidates as { specHash: string }[])[0].specHash,
    });
    const broadcast = node.logs.find((l) => l.at === "txSender" && l.msg === "broadcast")!;
    expect(broadcast.tx).to.match(/^0x[0-9a-f]{64}$/);
    expect(broadcast.nonce).to.be.a("number");
    expect(broadcast.jobKey).to.match(/^commit:/);
  });

  it("a busy HTTP port: one line naming http.port, a nonzero exit, never 'started'", async () => {
    const busy = createServer(() => undefined);
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const spec = testSpec("busy-port");
      const candidateId = await registerCandidate(f, f.agreementId, 5, spec);
      const config = writeNodeConfig(dir, "busy", {
        rpcUrl: url,
        chainId,
        hub: f.hub.address,
        candidates: [{ agreementId: f.agreementId, candidateId, spec }],
        extra: { http: { host: "127.0.0.1", port } },
      });
      const node = new NodeProcess(config, { GENGOV_TEST_KEY: privateKeyOf(5) });
      const { code } = await node.exited;
      expect(code).to.not.equal(0);
      expect(node.stderr.trim().split("\n")).to.deep.equal([
        `gengov: http.port: port ${port} on 127.0.0.1 is already in use`,
      ]);
      expect(node.logs.map((l) => l.msg)).to.not.include("started");
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });

  it("an unknown option: one line naming it, exit 2", async () => {
    const config = writeNodeConfig(dir, "unknown", {
      rpcUrl: url,
      chainId,
      hub: f.hub.address,
      candidates: [{ agreementId: f.agreementId, candidateId: 1n, spec: testSpec("unknown") }],
      extra: { pollIntervalMS: 100, http: { host: "127.0.0.1", port: 0, prot: 1 } },
    });
    const node = new NodeProcess(config, {});
    const { code } = await node.exited;
    expect(code).to.equal(2);
    expect(node.stderr.trim().split("\n").sort()).to.deep.equal([
      "gengov: config.http.prot: unknown option",
      "gengov: config.pollIntervalMS: unknown option",
    ]);
  });

  describe("gengov node --check", () => {
    let models: FakeOpenAI;
    let modelDown = false;

    before(async () => {
      models = await FakeOpenAI.start();
      models.handle(() =>
        modelDown ? reply.httpError(500) : reply.json({ values: [1.5, 2], rationale: "steady" }),
      );
      process.env.GENGOV_CHECK_KEY = privateKeyOf(6);
    });
    after(async () => {
      delete process.env.GENGOV_CHECK_KEY;
      await models?.close();
    });

    /** Runs `gengov node --config <path> --check` in-process; stdout lines and stderr captured. */
    async function check(path: string) {
      const out: string[] = [];
      let err = "";
      const write = process.stderr.write;
      process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
      try {
        const code = await main(["node", "--config", path, "--check"], { out: (s) => out.push(s) });
        return { code, out, err };
      } finally {
        process.stderr.write = write;
      }
    }

    function configFor(name: string, candidates: { candidateId: bigint; spec: object }[]) {
      const path = writeNodeConfig(dir, name, {
        rpcUrl: url,
        chainId,
        hub: f.hub.address,
        keyEnv: "GENGOV_CHECK_KEY",
        candidates: candidates.map((c) => ({
          agreementId: f.agreementId,
          candidateId: c.candidateId,
          spec: c.spec as never,
        })),
      });
      // Every candidate's model is the fake endpoint, asked once without retries.
      const config = JSON.parse(readFileSync(path, "utf8")) as {
        candidates: Record<string, unknown>[];
      };
      for (const c of config.candidates) {
        c.provider = {
          baseURL: models.baseURL,
          apiKeyEnv: "GENGOV_CHECK_KEY",
          maxRetries: 0,
          timeoutMs: 2_000,
        };
      }
      writeFileSync(path, JSON.stringify(config));
      return path;
    }

    it("all good: says what it would do for each candidate, exits 0, sends nothing", async () => {
      const spec = openaiSpec({ model: "check-good" });
      const candidateId = await registerCandidate(f, f.agreementId, 6, spec);
      const path = configFor("check-good", [{ candidateId, spec }]);
      const operator = getAddress(f.wallets[6].account.address);
      const nonce = await f.publicClient.getTransactionCount({ address: operator });
      const asked = models.requests.length;
      const r = await check(path);
      expect(r.err).to.equal("");
      expect(r.code).to.equal(0);
      const name = `candidate 1/1 (agreement ${f.agreementId}, candidate ${candidateId})`;
      expect(r.out).to.include(`operator: ${operator}`);
      expect(r.out.find((l) => l.startsWith("chain:"))).to.match(
        new RegExp(`^chain: ${chainId} \\(.*\\bHardhat\\b.*\\)$`),
      );
      expect(r.out).to.include(`hub: ${f.hub.address}`);
      expect(r.out.find((l) => l.startsWith(`${name}: status`))).to.match(
        // Bond in whole tokens, times as dates with how far they are.
        /: status active, eligible (yes|no), bond \d+(\.\d+)? [A-Za-z]+; next: (commit a forecast for target \d+ \(window closes \d{4}-\d\d-\d\dT[\d:]+Z \(in [\dhms ]+\)\)|target \d+ is committed; commit target \d+ from \d{4}-\d\d-\d\dT[\d:]+Z \(in [\dhms ]+\))$/,
      );
      expect(r.out.find((l) => l.startsWith(`${name}: model`))).to.match(
        /model check-good answered in \d+ ms$/,
      );
      expect(r.out.at(-1)).to.equal("all checks passed; nothing was sent");
      expect(models.requests.length - asked).to.equal(1);
      expect(await f.publicClient.getTransactionCount({ address: operator })).to.equal(nonce);
    });

    it("problems: one line each, nonzero exit", async () => {
      const good = openaiSpec({ model: "check-down" });
      const candidateId = await registerCandidate(f, f.agreementId, 6, good);
      const other = await registerCandidate(f, f.agreementId, 6, openaiSpec({ model: "check-registered" }));
      const wrong = openaiSpec({ model: "check-not-registered" });
      const path = configFor("check-bad", [
        { candidateId: other, spec: wrong },
        { candidateId, spec: good },
      ]);
      modelDown = true;
      try {
        const r = await check(path);
        expect(r.code).to.equal(1);
        const lines = r.err.trim().split("\n");
        expect(lines).to.have.length(2);
        expect(lines[0]).to.match(
          /^gengov: candidates\[0\]\.spec: hash 0x[0-9a-f]{64} differs from the candidate's on-chain specHash/,
        );
        expect(lines[1]).to.equal(
          "gengov: candidates[1]: model check-down: The model endpoint answered HTTP 500.",
        );
        expect(r.out.at(-1)).to.equal("2 problem(s); nothing was sent");
      } finally {
        modelDown = false;
      }
    });
  });
});
