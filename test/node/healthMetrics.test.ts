/**
 * The node's HTTP endpoints, served on port 0 by a running node: /healthz is 200 while the loop ticks
 * or waits on a model call that may still answer (a slow model is not a stuck node), and 503 once a
 * model call outlives its provider's timeout plus the stall limit; /metrics is the Prometheus text
 * format with job counters, the last block seen, model usage and per-candidate gauges; anything else
 * 404.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { EIP1193Provider } from "viem";

import { parseNodeConfig } from "../../oracle/config/schema.js";
import { createModel } from "../../oracle/models/index.js";
import type { ForecastRequest, Model } from "../../oracle/models/types.js";
import { GengovNode } from "../../oracle/node/GengovNode.js";
import { createLogger } from "../../oracle/node/logger.js";
import { advanceTo, chainEvents } from "../fixtures/epochDriver.js";
import { clock, deployHub } from "../fixtures/hub.js";
import { localAccount, registerWithSpec, testSpec } from "../fixtures/node.js";
import { openaiSpec } from "../fixtures/models.js";
import { sleep } from "../fixtures/standalone.js";
import { FakeOpenAI, reply } from "../support/fakeOpenAI.js";

/** A gate a model call waits at until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe("node: /healthz and /metrics", function () {
  this.timeout(60_000);
  let node: GengovNode | undefined;
  let running: Promise<void> | undefined;
  const gates: ReturnType<typeof gate>[] = [];

  after(async () => {
    for (const g of gates) g.open();
    await node?.stop();
    await running;
  });

  it("reports health and Prometheus metrics while the loop runs, and a loop stuck in a model as unhealthy", async () => {
    const conn = await network.create();
    const f = await deployHub(conn, { minScored: 0 });
    const spec = testSpec("observed");
    const candidateId = await registerWithSpec(f, 4, spec);
    const dir = mkdtempSync(join(tmpdir(), "gengov-http-"));
    const specPath = join(dir, "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const config = parseNodeConfig({
      rpcUrls: ["http://127.0.0.1:1"],
      chainId: await f.publicClient.getChainId(),
      hub: f.hub.address,
      store: ":memory:",
      confirmations: 0,
      pollIntervalMs: 20,
      http: { host: "127.0.0.1", port: 0, stalledAfterMs: 500 },
      key: { privateKeyEnv: "UNUSED", allowRawKey: true },
      candidates: [
        {
          agreementId: Number(f.agreementId),
          candidateId: Number(candidateId),
          spec: specPath,
          // A model call may take 300 ms: with the 500 ms stall limit, /healthz waits 800 ms on it.
          provider: { timeoutMs: 300, maxRetries: 0 },
        },
      ],
    });
    // Each forecast waits at its own gate: the test decides when a tick may finish.
    const gated = (inner: Model): Model => ({
      spec: inner.spec,
      forecast: async (r: ForecastRequest) => {
        const g = gate();
        gates.push(g);
        await g.opened;
        return inner.forecast(r);
      },
      execute: (r) => inner.execute(r),
      validate: (r) => inner.validate(r),
    });
    node = await GengovNode.create(config, {
      provider: conn.provider as unknown as EIP1193Provider,
      account: localAccount(4),
      createModel: (s) => gated(createModel(s)),
      logger: createLogger("error", () => undefined),
    });
    running = node.start();
    while (node.httpPort === undefined || gates.length === 0) await sleep(10);
    const base = `http://127.0.0.1:${node.httpPort}`;
    expect(node.httpPort).to.be.greaterThan(0);

    // The first tick waits on the model: live while the call may still answer, stuck after 800 ms.
    let res = await fetch(`${base}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.include({ ok: true, lastTickAgeMs: null });
    while ((res = await fetch(`${base}/healthz`)).status === 200) await sleep(20);
    const stuck = (await res.json()) as { ok: boolean; awaitingModelMs: number };
    expect(stuck.ok).to.equal(false);
    expect(stuck.awaitingModelMs).to.be.greaterThanOrEqual(800);

    gates[0].open();
    // Healthy again once the model answered; wait for the whole tick to finish.
    const deadline = Date.now() + 10_000;
    while (node.ctx.metrics.lastTickAt === 0 && Date.now() < deadline) await sleep(20);
    res = await fetch(`${base}/healthz`);
    expect(res.status).to.equal(200);
    const health = (await res.json()) as { ok: boolean; lastBlock: string; lastTickAgeMs: number };
    expect(health.ok).to.equal(true);
    expect(Number(health.lastBlock)).to.be.greaterThan(0);
    expect((await chainEvents(f)).commits(f.agreementId)).to.have.length(1);

    res = await fetch(`${base}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).to.include("# TYPE gengov_jobs_total counter");
    expect(text).to.include('gengov_jobs_total{job="commitForecast",result="done"} 1');
    expect(text).to.match(/^gengov_jobs_total\{job="keeper",result="done"\} [1-9]\d*$/m);
    expect(text).to.match(/^gengov_last_block_seen [1-9]\d*$/m);
    expect(text).to.include("gengov_model_latency_seconds_count 1");
    expect((await fetch(`${base}/nope`)).status).to.equal(404);

    expect(text).to.match(
      new RegExp(
        `^gengov_candidate_pending_reveals\\{agreement="${f.agreementId}",candidate="${candidateId}"\\} 1$`,
        "m",
      ),
    );
    expect(text).to.match(
      /^gengov_candidate_bond\{agreement="\d+",candidate="\d+"\} 100000000000000000000$/m,
    );

    // The next epoch's forecast hangs past the model budget: unhealthy.
    await advanceTo(f, clock(f).start(1n) + 1n);
    while (gates.length < 2) await sleep(20);
    const stalledSince = Date.now();
    while ((res = await fetch(`${base}/healthz`)).status === 200) await sleep(20);
    expect(res.status).to.equal(503);
    expect(Date.now() - stalledSince).to.be.greaterThan(600);
    gates[1].open();
  });

  it("stays healthy while a slow model answers, although no tick finished for longer than the stall limit", async () => {
    const conn = await network.create();
    const f = await deployHub(conn, { minScored: 0 });
    const spec = openaiSpec({ model: "slow-model" });
    const candidateId = await registerWithSpec(f, 4, spec);
    const dir = mkdtempSync(join(tmpdir(), "gengov-slow-"));
    const specPath = join(dir, "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const server = await FakeOpenAI.start();
    let delayMs = 0;
    server.handle(() => ({ ...reply.json({ values: [1.5, 2], rationale: "steady" }), delayMs }));
    const config = parseNodeConfig({
      rpcUrls: ["http://127.0.0.1:1"],
      chainId: await f.publicClient.getChainId(),
      hub: f.hub.address,
      store: ":memory:",
      confirmations: 0,
      pollIntervalMs: 20,
      http: { host: "127.0.0.1", port: 0, stalledAfterMs: 300 },
      key: { privateKeyEnv: "UNUSED", allowRawKey: true },
      candidates: [
        {
          agreementId: Number(f.agreementId),
          candidateId: Number(candidateId),
          spec: specPath,
          provider: { baseURL: server.baseURL, timeoutMs: 10_000, maxRetries: 0 },
        },
      ],
    });
    const slow = await GengovNode.create(config, {
      provider: conn.provider as unknown as EIP1193Provider,
      account: localAccount(4),
      createModel: (s, c) =>
        createModel(s, {
          openai: { apiKey: "test", baseURL: c.provider.baseURL, timeoutMs: 10_000, retries: 0 },
        }),
      logger: createLogger("error", () => undefined),
    });
    const run = slow.start();
    try {
      while ((await chainEvents(f)).commits(f.agreementId).length === 0) await sleep(20);
      const base = `http://127.0.0.1:${slow.httpPort}`;
      // The next forecast takes 1.5 s, five times the stall limit.
      delayMs = 1_500;
      await advanceTo(f, clock(f).start(1n) + 1n);
      const asked = server.requests.length;
      while (server.requests.length === asked) await sleep(10);
      const seen: { status: number; lastTickAgeMs: number; awaitingModelMs: number | null }[] = [];
      while ((await chainEvents(f)).commits(f.agreementId).length < 2) {
        const res = await fetch(`${base}/healthz`);
        seen.push({
          status: res.status,
          ...((await res.json()) as { lastTickAgeMs: number; awaitingModelMs: number | null }),
        });
        await sleep(50);
      }
      expect(seen.map((h) => h.status)).to.not.include(503);
      expect(Math.max(...seen.map((h) => h.lastTickAgeMs))).to.be.greaterThan(1_000);
      expect(seen.some((h) => h.awaitingModelMs !== null && h.awaitingModelMs > 1_000)).to.equal(true);
    } finally {
      await slow.stop();
      await run;
      await server.close();
    }
  });
});
