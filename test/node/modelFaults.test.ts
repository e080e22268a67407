/**
 * Model faults through the real OpenAI-compatible provider, against the in-process fake server
 * (test/support/fakeOpenAI.ts): malformed JSON, extra fields, a refusal, timeouts, HTTP 429,
 * out-of-range and miscounted values, actions over the cap or off the allow-list. For each: the
 * provider retries what may pass on a retry, the node logs a clear line and sends nothing for that
 * job yet — and once the fault clears it commits or proposes normally. A model that keeps failing
 * still never skips a target (a skipped commit is a miss): in the commit window's last quarter the
 * node commits its fallback forecast. A model that fails after a commit does not stop the stored
 * forecast from being revealed.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { EIP1193Provider, PublicClient } from "viem";

import { createModel } from "../../oracle/models/index.js";
import type { ModelSpec } from "../../oracle/models/types.js";
import type { GengovNode } from "../../oracle/node/GengovNode.js";
import { verifyTransitions } from "../../oracle/verify/verifyTransitions.js";
import { fallbackAt } from "../../oracle/jobs/commitForecast.js";
import { advanceTo, chainEvents, qualify, reportOutcome } from "../fixtures/epochDriver.js";
import { clock, deployHub, WAD, type HubFixture } from "../fixtures/hub.js";
import { ALICE, openaiSpec, TOKEN_OFF_LIST } from "../fixtures/models.js";
import { makeNode } from "../fixtures/node.js";
import { createAgreement, registerCandidate, type LogLine } from "../fixtures/standalone.js";
import { FakeOpenAI, reply, type FakeReply, type RecordedRequest } from "../support/fakeOpenAI.js";

type Kind = "forecast" | "execution";
const CAP = 100n * WAD;
// Close to the scripted truth (test/fixtures/epochDriver.ts), so the candidate scores under maxScore.
const GOOD_FORECAST = { values: [1.2, 0.6], rationale: "steady catch" };
const GOOD_EXECUTION = { newState: { note: "all quiet" }, actions: [], rationale: "nothing to pay" };

const kindOf = (r: RecordedRequest): Kind =>
  r.body.response_format?.json_schema?.name === "execution" ? "execution" : "forecast";

describe("node: model faults through the OpenAI-compatible provider", function () {
  this.timeout(120_000);
  let f: HubFixture;
  let provider: EIP1193Provider;
  let fake: FakeOpenAI;
  const queues: Record<Kind, FakeReply[]> = { forecast: [], execution: [] };
  let down = false;
  const dir = mkdtempSync(join(tmpdir(), "gengov-model-"));
  const nodes: GengovNode[] = [];

  before(async () => {
    const conn = await network.create();
    provider = conn.provider as unknown as EIP1193Provider;
    f = await deployHub(conn);
    fake = await FakeOpenAI.start();
    fake.handle((r) => {
      if (down) return reply.httpError(500);
      return (
        queues[kindOf(r)].shift() ?? reply.json(kindOf(r) === "forecast" ? GOOD_FORECAST : GOOD_EXECUTION)
      );
    });
  });

  beforeEach(() => {
    queues.forecast.length = 0;
    queues.execution.length = 0;
    down = false;
  });

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => undefined);
    await fake?.close();
  });

  /** A fresh agreement (one cap token, funded treasury) and a node for its one openai candidate. */
  async function setup(name: string, config: Record<string, unknown> = { modelBackoff: { initialMs: 0 } }) {
    const agreement = await createAgreement(f, {
      minScored: 0,
      capTokens: [f.token.address],
      maxOutflowPerEpoch: [CAP],
    });
    const a = agreement.agreementId;
    await f.hub.write.deposit([a, f.token.address, 1000n * WAD]);
    const spec: ModelSpec = openaiSpec({ model: `fake-${name}` });
    const candidateId = await registerCandidate(f, a, 4, spec);
    const specPath = join(dir, `${name}.json`);
    writeFileSync(specPath, JSON.stringify(spec));
    const raw: string[] = [];
    const node = await makeNode({ ...f, agreementId: a }, provider, {
      walletIndex: 4,
      candidates: [{ candidateId, spec, specPath }],
      createModel: (s) =>
        createModel(s, {
          openai: {
            baseURL: fake.baseURL,
            apiKey: "test",
            timeoutMs: 300,
            retries: 1,
          },
        }),
      logs: raw,
      config,
    });
    nodes.push(node);
    const logs = () => raw.map((l) => JSON.parse(l) as LogLine);
    const mine = async () => {
      const ev = await chainEvents(f);
      return {
        commits: ev.commits(a).filter((l) => l.args.candidateId === candidateId),
        reveals: ev.reveals(a).filter((l) => l.args.candidateId === candidateId),
        proposals: ev.proposals(a).filter((l) => l.args.candidateId === candidateId),
      };
    };
    return { a, agreement, candidateId, node, logs, mine, t: clock(agreement) };
  }

  it("retries every kind of bad forecast answer, with a clear log line, then commits when it clears", async () => {
    const { node, logs, mine } = await setup("forecast-faults");
    const cases: { name: string; replies: FakeReply[]; requests: number; log: RegExp }[] = [
      { name: "malformed JSON", replies: [reply.malformed()], requests: 1, log: /not valid JSON/ },
      {
        name: "extra fields",
        replies: [reply.withExtraFields(GOOD_FORECAST, { confidence: 0.9 })],
        requests: 1,
        log: /does not match its schema/,
      },
      { name: "refusal", replies: [reply.refusal()], requests: 1, log: /refused/ },
      {
        name: "timeout (retried once)",
        replies: [
          { ...reply.json(GOOD_FORECAST), delayMs: 1_000 },
          { ...reply.json(GOOD_FORECAST), delayMs: 1_000 },
        ],
        requests: 2,
        log: /timed out/,
      },
      {
        name: "HTTP 429 (retried once)",
        replies: [reply.httpError(429), reply.httpError(429)],
        requests: 2,
        log: /HTTP 429/,
      },
      {
        name: "out-of-range value",
        replies: [reply.json({ values: [1e40, 50], rationale: "huge" })],
        requests: 1,
        log: /out of range/,
      },
      {
        name: "wrong number of values",
        replies: [reply.json({ values: [12.5], rationale: "one" })],
        requests: 1,
        log: /1 value\(s\) for 2 metric\(s\)/,
      },
    ];
    for (const c of cases) {
      queues.forecast.push(...c.replies);
      const before = fake.requests.length;
      const lines = logs().length;
      await node.tick();
      expect(fake.requests.length - before, `${c.name}: model requests`).to.equal(c.requests);
      expect((await mine()).commits, `${c.name}: no commit`).to.deep.equal([]);
      const line = logs()
        .slice(lines)
        .find((l) => l.at === "commitForecast" && l.level === "warn");
      expect(line?.msg, c.name).to.match(/^model failed, retrying \(fallback forecast from \d+\): /);
      expect(line?.msg, c.name).to.match(c.log);
    }
    await node.tick();
    const { commits } = await mine();
    expect(commits.map((l) => l.args.targetEpoch)).to.deep.equal([1n]);
    expect(logs().some((l) => l.at === "commitForecast" && l.msg === "committed")).to.equal(true);
  });

  it("a model that keeps failing: the fallback forecast is committed in the window's last quarter", async () => {
    const { a, candidateId, node, logs, mine } = await setup("fallback");
    down = true;
    await node.tick();
    expect((await mine()).commits, "retrying, nothing sent yet").to.deep.equal([]);
    const runtime = await node.ctx.agreement(a);
    await advanceTo(f, fallbackAt(runtime, 1n));
    const lines = logs().length;
    await node.tick();
    const { commits } = await mine();
    expect(commits.map((l) => l.args.targetEpoch)).to.deep.equal([1n]);
    const stored = node.ctx.store.getForecast(a, candidateId, 1n)!;
    // No outcome is final yet: the fallback is zeros, whose loss is at most a miss's, without penalty.
    expect(stored.values).to.deep.equal([0n, 0n]);
    expect(stored.rationale).to.equal("fallback: no final outcome yet, zeros");
    const warned = logs()
      .slice(lines)
      .filter((l) => l.at === "commitForecast" && l.level === "warn")
      .map((l) => l.msg);
    expect(warned).to.have.length(1);
    expect(warned[0]).to.match(
      /^model failed, committing the fallback forecast \(a skipped commit is a miss\): /,
    );
  });

  it("rejects actions over the cap or off the allow-list, abstains, then proposes an acceptable answer", async () => {
    const { a, agreement, candidateId, node, logs, mine, t } = await setup("execution-faults");
    // A never-scored candidate never executes: forecast until scored, then execute epoch E.
    const ticked = { pump: () => node.tick(), logs: [] };
    const E = await qualify({ ...f, ...agreement }, a, [candidateId], [ticked]);
    await advanceTo(f, t.end(E) + 1n);
    const overCap = { token: f.token.address, to: ALICE, amount: (CAP + 1n).toString() };
    const offList = { token: TOKEN_OFF_LIST, to: ALICE, amount: "1" };
    queues.execution.push(
      reply.json({ ...GOOD_EXECUTION, actions: [overCap], rationale: "pay too much" }),
      reply.json({ ...GOOD_EXECUTION, actions: [offList, overCap], rationale: "pay in a rogue token" }),
    );
    let lines = logs().length;
    await node.tick();
    expect((await mine()).proposals, "no proposal after two rejected answers").to.deep.equal([]);
    const rejected = logs()
      .slice(lines)
      .filter((l) => l.at === "proposeTransition");
    expect(rejected.map((l) => l.msg)).to.deep.equal([
      `model answer rejected (attempt 1): Execution rejected by policy: token ${f.token.address} (GBOND): total ${CAP + 1n} exceeds the remaining cap ${CAP}`,
      `model answer rejected (attempt 2): Execution rejected by policy: action 0: token ${TOKEN_OFF_LIST} is not allowed`,
      "abstaining: no acceptable model answer",
    ]);
    // Every violation is logged, with an excerpt of the rejected answer; each counts as "policy".
    expect(rejected[1].violations).to.deep.equal([
      `tokenNotAllowed: action 0: token ${TOKEN_OFF_LIST} is not allowed`,
      `overCap: token ${f.token.address} (GBOND): total ${CAP + 1n} exceeds the remaining cap ${CAP}`,
    ]);
    expect(rejected[1].answer).to.contain(`"token":"${TOKEN_OFF_LIST}"`);
    expect(node.ctx.metrics.modelErrorCount("policy")).to.equal(2);

    // Next tick: a refusal is retried within the job, and the acceptable second answer is proposed.
    const pay = { token: f.token.address, to: ALICE, amount: (CAP / 2n).toString() };
    queues.execution.push(
      reply.refusal(),
      reply.json({ newState: { paid: "alice" }, actions: [pay], rationale: "ok" }),
    );
    lines = logs().length;
    await node.tick();
    const { proposals } = await mine();
    expect(proposals.map((l) => l.args.epoch)).to.deep.equal([E]);
    expect(
      logs()
        .slice(lines)
        .filter((l) => l.at === "proposeTransition")
        .map((l) => l.msg.split(":")[0]),
    ).to.deep.equal(["model answer rejected (attempt 1)", "proposed"]);
    // The model wrote ALICE with a bad mixed-case checksum; the node proposes (and hashes) the
    // checksummed address, so the manifest verifies against the chain.
    const [report] = await verifyTransitions({
      client: f.publicClient as unknown as PublicClient,
      hub: f.hub.address,
      execution: f.execution.address,
      agreementId: a,
      epoch: E,
    });
    expect(report.checks.filter((c) => !c.ok)).to.deep.equal([]);
    expect(report.pass).to.equal(true);
  });

  it("reveals the stored forecast although the model fails after the commit", async () => {
    const { a, candidateId, node, logs, mine, t } = await setup("down-after-commit");
    await node.tick();
    expect((await mine()).commits.map((l) => l.args.targetEpoch)).to.deep.equal([1n]);
    const stored = node.ctx.store.getForecast(a, candidateId, 1n)!;

    down = true;
    await advanceTo(f, t.end(1n) + 1n);
    await reportOutcome(f, a, 1n);
    await advanceTo(f, t.revealOpens(1n));
    const requests = fake.requests.length;
    await node.tick();
    const { commits, reveals } = await mine();
    expect(reveals.map((l) => [l.args.targetEpoch, [...l.args.values]])).to.deep.equal([[1n, stored.values]]);
    // The model was asked (for target 3's forecast and epoch 1's transition) and failed every time.
    expect(fake.requests.length).to.be.greaterThan(requests);
    expect(commits.map((l) => l.args.targetEpoch)).to.deep.equal([1n]);
    expect(logs().some((l) => l.at === "revealForecast" && l.msg === "revealed")).to.equal(true);
  });

  it("backs a failing model off across ticks, counts its errors by kind and logs a bounded excerpt", async () => {
    const { node, logs, mine } = await setup("backoff", { modelBackoff: { initialMs: 200, maxMs: 800 } });
    const asked = fake.requests.length;
    // The reply queued now answers the next request: answers alternate not JSON / not the schema.
    const garbage = () =>
      (fake.requests.length - asked) % 2 === 0
        ? reply.text(`{"values": [1.5, ${"9".repeat(5_000)}`)
        : reply.withExtraFields(GOOD_FORECAST, { note: "x".repeat(5_000) });
    const started = Date.now();
    let ticks = 0;
    while (Date.now() - started < 2_000) {
      queues.forecast.length = 0;
      queues.forecast.push(garbage());
      await node.tick();
      ticks++;
      await new Promise((r) => setTimeout(r, 10));
    }
    const requests = fake.requests.length - asked;
    const warned = logs().filter((l) => l.at === "commitForecast" && l.level === "warn");
    const kinds = warned.map((l) => (l as unknown as { kind: string }).kind);
    // Waits of 200, 400, 800, 800… ms: at most 5 asks in 2 s, though the node ticked far more often.
    expect(ticks).to.be.greaterThan(20);
    expect(warned.length).to.be.within(3, 5);
    expect(requests).to.be.at.most(2 * warned.length); // one retry per ask, on a timeout only
    expect((await mine()).commits).to.deep.equal([]);
    expect(kinds).to.include("invalid_json");
    const text = node.ctx.metrics.render();
    for (const kind of new Set(kinds)) {
      const count = kinds.filter((k) => k === kind).length;
      expect(text).to.include(`gengov_model_errors_total{kind="${kind}"} ${count}`);
    }
    for (const l of warned) {
      const answer = (l as unknown as { answer?: string; kind: string }).answer;
      if (l.kind === "timeout") continue;
      expect(answer!.length).to.be.lessThan(400);
      expect(answer).to.match(/… \(\d+ more characters\)$/);
    }
    // A good answer after the backoff resets it: committed.
    queues.forecast.length = 0;
    await new Promise((r) => setTimeout(r, 800));
    await node.tick();
    expect((await mine()).commits.map((l) => l.args.targetEpoch)).to.deep.equal([1n]);
    expect(node.candidates[0].backoff!.failures("forecast")).to.equal(0);
  });
});
