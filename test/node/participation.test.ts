/**
 * The node under the participation rules (docs/mechanism.md): every target from the cursor on is
 * revealed, void or a miss, and only an up-to-date record is eligible. A void reveal is closed once,
 * for good; after downtime the node pokes its own record so it executes again; in a Weighted
 * agreement a frozen roster is a schedule, not an error; an exiting candidate stops committing; the
 * executor acts only on a selection that cannot change under it (with an external randomness source
 * it fixes the selection first).
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { decodeFunctionData, zeroAddress, type EIP1193Provider, type Hex } from "viem";

import { createModel } from "../../oracle/models/index.js";
import type { ModelSpec } from "../../oracle/models/types.js";
import { advanceTo, chainEvents, qualify, reportOutcome, type Pumped } from "../fixtures/epochDriver.js";
import { clock, deployHub, WAD, type HubFixture } from "../fixtures/hub.js";
import { makeNode, testSpec } from "../fixtures/node.js";
import { createAgreement, registerCandidate, type LogLine } from "../fixtures/standalone.js";

describe("node: participation, catch-up and a stable selection", function () {
  this.timeout(180_000);
  let f: HubFixture;
  let provider: EIP1193Provider;
  const dir = mkdtempSync(join(tmpdir(), "gengov-participation-"));
  const stops: (() => Promise<void>)[] = [];

  before(async () => {
    const conn = await network.create();
    provider = conn.provider as unknown as EIP1193Provider;
    f = await deployHub(conn);
  });

  after(async () => {
    for (const stop of stops) await stop().catch(() => undefined);
  });

  /** A fresh agreement (genesis now) and one node per candidate (operator wallets 4, 5, …). */
  async function setup(
    name: string,
    overrides: Record<string, unknown>,
    count = 1,
    bond = 100n * WAD,
    config: Record<string, unknown> = {},
  ) {
    const agreement = await createAgreement(f, { minScored: 0, ...overrides });
    const a = agreement.agreementId;
    const fx = { ...f, ...agreement };
    const nodes: (Pumped & { node: Awaited<ReturnType<typeof makeNode>>; raw: string[] })[] = [];
    const ids: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const spec: ModelSpec = testSpec(`${name}-${i}`, { seed: 30 + i });
      const candidateId = await registerCandidate(f, a, 4 + i, spec, bond);
      ids.push(candidateId);
      const specPath = join(dir, `${name}-${i}.json`);
      writeFileSync(specPath, JSON.stringify(spec));
      const raw: string[] = [];
      const node = await makeNode(fx, provider, {
        walletIndex: 4 + i,
        candidates: [{ candidateId, spec, specPath }],
        createModel: (s) => createModel(s),
        logs: raw,
        config,
      });
      stops.push(() => node.stop());
      nodes.push({
        node,
        raw,
        pump: () => node.tick(),
        get logs() {
          return raw.map((l) => JSON.parse(l) as LogLine);
        },
      });
    }
    return { a, fx, t: clock(fx), nodes, ids };
  }

  const sentTo = async (from: Hex, fromBlock: bigint) => {
    const txs: { functionName: string; args: readonly unknown[] }[] = [];
    const head = await f.publicClient.getBlockNumber();
    for (let b = fromBlock; b <= head; b++) {
      const block = await f.publicClient.getBlock({ blockNumber: b, includeTransactions: true });
      for (const tx of block.transactions) {
        if (
          tx.from.toLowerCase() !== from.toLowerCase() ||
          tx.to?.toLowerCase() !== f.hub.address.toLowerCase()
        )
          continue;
        const { functionName, args } = decodeFunctionData({ abi: f.hub.abi, data: tx.input });
        txs.push({ functionName, args: args ?? [] });
      }
    }
    return txs;
  };

  it("a reveal whose outcome is void is closed once and never retried", async () => {
    const { a, t, nodes, ids } = await setup("void", {});
    const [n] = nodes;
    await n.pump(); // commits target 1
    // Nobody reports epoch 1: its outcome is void.
    await advanceTo(f, t.revealOpens(1n));
    const from = await f.publicClient.getBlockNumber();
    for (let i = 0; i < 5; i++) await n.pump();
    expect(n.node.ctx.store.getForecast(a, ids[0], 1n)!.status).to.equal("void");
    const voidLines = n.logs.filter((l) => l.at === "revealForecast" && /void/.test(l.msg));
    expect(voidLines.map((l) => l.msg)).to.deep.equal(["outcome is void: nothing to reveal"]);
    expect((await sentTo(n.node.ctx.sender.account.address, from)).map((x) => x.functionName)).to.not.include(
      "revealForecast",
    );
    // Past the window: nothing is owed for a void target, and no error is logged.
    await advanceTo(f, t.revealCloses(1n) + 1n);
    await n.pump();
    expect(n.logs.filter((l) => l.level === "error")).to.deep.equal([]);
    expect((await f.hub.read.candidate([a, ids[0]])).misses).to.equal(0);
  });

  it("after downtime it pokes its own record and executes again at once (Leader)", async () => {
    // Bonded well above minBond, so the misses' penalties leave it at least one bond unit.
    const { a, fx, t, nodes, ids } = await setup("downtime", {}, 1, 200n * WAD);
    const [n] = nodes;
    const E = await qualify(fx, a, ids, nodes);
    // Down for epochs 3–5 (targets 2–6 never revealed or committed); the world goes on.
    for (let e = E; e <= 5n; e++) {
      await advanceTo(f, t.end(e));
      await reportOutcome(fx, a, e);
    }
    await advanceTo(f, t.end(5n) + 1n);
    expect((await f.hub.read.candidate([a, ids[0]])).eligible, "behind: not eligible").to.equal(false);
    expect(await f.hub.read.executorOf([a, 5n])).to.deep.equal([0n, 0n, false]);
    await n.pump();
    const ev = await chainEvents(fx);
    // Targets 2–4 are due (5's reveal window is still open): charged by the poke, not left to block.
    expect(ev.missed(a).map((l) => [l.args.candidateId, l.args.misses])).to.deep.equal([[ids[0], 3]]);
    expect(
      n.logs.some((l) => l.at === "catchUp" && /^behind by 3 missed target\(s\): poked/.test(l.msg)),
    ).to.equal(true);
    // Up to date again, it is epoch 5's executor and proposes in the same pass.
    expect(ev.proposals(a).map((l) => [l.args.epoch, l.args.candidateId])).to.deep.equal([[5n, ids[0]]]);
    // The next check waits for the next due target: no second poke.
    await n.pump();
    expect((await chainEvents(fx)).missed(a)).to.have.length(1);
  });

  it("in a Weighted agreement a frozen roster is a schedule: it pokes when the draw is no longer known", async () => {
    const { a, fx, t, nodes, ids } = await setup("frozen", {
      selection: 1,
      eta: 5n * WAD,
      randomness: zeroAddress,
    });
    const [n] = nodes;
    const E = await qualify(fx, a, ids, nodes);
    for (let e = E; e <= 5n; e++) {
      await advanceTo(f, t.end(e));
      await reportOutcome(fx, a, e);
    }
    // Back inside epoch 6's reveal phase: roster changes wait for the end of epoch 6.
    await advanceTo(f, t.start(6n) + 700n);
    await n.pump();
    await n.pump();
    expect((await chainEvents(fx)).missed(a)).to.deep.equal([]);
    expect(n.logs.filter((l) => l.at === "catchUp" && l.level !== "debug")).to.deep.equal([]);
    expect(n.logs.filter((l) => l.level === "error" && l.at !== "revealForecast")).to.deep.equal([]);
    await advanceTo(f, t.end(6n) + 1n);
    await n.pump();
    const missed = (await chainEvents(fx)).missed(a);
    expect(missed.map((l) => l.args.candidateId)).to.deep.equal([ids[0]]);
    expect(n.logs.some((l) => l.at === "catchUp" && /poked/.test(l.msg))).to.equal(true);
  });

  it("an exiting candidate stops committing and still reveals what it owes", async () => {
    const { a, fx, t, nodes, ids } = await setup("exit", {});
    const [n] = nodes;
    await n.pump(); // target 1
    await advanceTo(f, t.start(1n) + 1n);
    await n.pump(); // target 2
    await f.hub.write.requestExit([a, ids[0]], { account: f.wallets[4].account });
    // Exit asked in epoch 1: it answers for targets up to 1 (2 was committed, but is no longer owed).
    await advanceTo(f, t.end(1n));
    await reportOutcome(fx, a, 1n);
    await advanceTo(f, t.revealOpens(1n));
    await n.pump();
    await advanceTo(f, t.start(3n) + 1n);
    await n.pump();
    const ev = await chainEvents(fx);
    const mine = <T extends { args: { candidateId: bigint } }>(xs: T[]) =>
      xs.filter((l) => l.args.candidateId === ids[0]);
    expect(mine(ev.commits(a)).map((l) => l.args.targetEpoch)).to.deep.equal([1n, 2n]);
    expect(mine(ev.reveals(a)).map((l) => l.args.targetEpoch)).to.deep.equal([1n]);
    expect(n.logs.some((l) => l.at === "candidateStatus" && l.msg === "exiting: no new commits")).to.equal(
      true,
    );
  });

  it("notices an exit from the hub's record before its log is confirmed, says so once, reveals what it owes", async () => {
    // Five confirmations: the node's log scan lags the head, as on a real chain.
    const { a, fx, t, nodes, ids } = await setup("exit-record", {}, 1, 100n * WAD, { confirmations: 5 });
    const [n] = nodes;
    const mine = async (blocks: number) => {
      await provider.request({ method: "hardhat_mine", params: [`0x${blocks.toString(16)}`] } as never);
    };
    await mine(6);
    await n.pump(); // target 1
    await advanceTo(f, t.start(1n) + 1n);
    await n.pump(); // target 2
    await f.hub.write.requestExit([a, ids[0]], { account: f.wallets[4].account });
    await advanceTo(f, t.start(2n) + 1n);
    for (let i = 0; i < 3; i++) await n.pump();
    const commits = async () =>
      (await chainEvents(fx))
        .commits(a)
        .filter((l) => l.args.candidateId === ids[0])
        .map((l) => l.args.targetEpoch);
    expect(await commits(), "no commit once the hub says exiting").to.deep.equal([1n, 2n]);
    // Target 1 is still owed: revealed.
    await reportOutcome(fx, a, 1n);
    await advanceTo(f, t.revealOpens(1n));
    await mine(6);
    for (let i = 0; i < 5; i++) await n.pump();
    await advanceTo(f, t.start(4n) + 1n);
    await mine(6);
    for (let i = 0; i < 5; i++) await n.pump();
    const ev = await chainEvents(fx);
    expect(
      ev
        .reveals(a)
        .filter((l) => l.args.candidateId === ids[0])
        .map((l) => l.args.targetEpoch),
    ).to.deep.equal([1n]);
    expect(await commits()).to.deep.equal([1n, 2n]);
    expect(n.logs.filter((l) => l.at === "candidateStatus").map((l) => l.msg)).to.deep.equal([
      "exiting: no new commits",
    ]);
    expect(n.logs.filter((l) => l.level === "error")).to.deep.equal([]);
    expect(n.node.ctx.metrics.render()).to.match(
      /^gengov_candidate_exiting\{agreement="\d+",candidate="\d+"\} 1$/m,
    );
  });

  for (const external of [false, true]) {
    it(`Weighted on ${external ? "an external randomness source: the node fixes the selection before acting" : "the hub's beacon: the node acts on executorOf, which the window cannot change"}`, async () => {
      let randomness: Hex = zeroAddress;
      if (external) {
        const source = await f.viem.deployContract("FixedRandomness");
        await source.write.setDefault([12345n]);
        randomness = source.address;
      }
      const { a, fx, t, nodes, ids } = await setup(
        external ? "external" : "beacon",
        { selection: 1, eta: 5n * WAD, randomness },
        2,
      );
      const E = await qualify(fx, a, ids, nodes);
      const from = await f.publicClient.getBlockNumber();
      await advanceTo(f, t.end(E) + 1n);
      for (const n of nodes) await n.pump();
      const [executor, fallback, fixed] = await f.hub.read.executorOf([a, E]);
      expect(fixed).to.equal(true);
      expect(ids).to.include(executor);
      expect(ids).to.include(fallback);
      const ev = await chainEvents(fx);
      expect(ev.proposals(a).map((l) => [l.args.epoch, l.args.candidateId])).to.deep.equal([[E, executor]]);
      const selects = (
        await Promise.all(nodes.map((n) => sentTo(n.node.ctx.sender.account.address, from)))
      ).flatMap((txs) => txs.filter((x) => x.functionName === "selectExecutor"));
      // With the beacon the executor's proposal fixes the selection; with an external source the
      // first node to look fixes it with selectExecutor, and the other reads the stored result.
      expect(selects).to.have.length(external ? 1 : 0);
      for (const n of nodes) expect(n.logs.filter((l) => l.level === "error")).to.deep.equal([]);
    });
  }
});
