/**
 * Nodes around challenges, once their candidates are scored (a never-scored model never executes, so
 * the nodes first forecast their way to E, the first epoch they may execute):
 * - an arbiter that never rules: once the ruling deadline has passed, a node lapses the challenge
 *   (the transition stands, the challenger forfeits half its bond to the treasury) and finalizes the
 *   transition in the same tick, so the agreement moves on;
 * - an executor's transition rejected after the fallback's ordinary window: the fallback's node
 *   still proposes, in the window a rejection keeps open, and the transition is finalized;
 * - an executor whose execution model fails: its missed window is counted once in /metrics.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { EIP1193Provider } from "viem";

import type { ExecuteRequest, ForecastRequest, Model, ModelSpec } from "../../oracle/models/types.js";
import type { GengovNode } from "../../oracle/node/GengovNode.js";
import { qualify, truth } from "../fixtures/epochDriver.js";
import { clock, deployHub } from "../fixtures/hub.js";
import { makeNode, registerWithSpec, scriptedRecord, testSpec } from "../fixtures/node.js";

const CHALLENGER = 12;

function countingModel(spec: ModelSpec): Model {
  return {
    spec,
    async forecast(r: ForecastRequest) {
      // The scripted truth the driver's reporters report: every forecast scores loss 0, so the
      // candidates qualify after one reveal and tie (the lower id executes).
      const values = truth(r.targetEpoch);
      return { ...scriptedRecord(JSON.stringify(values.map(String))), values, rationale: "the truth" };
    },
    async execute(r: ExecuteRequest) {
      const newState = { epoch: Number(r.epoch), by: spec.model };
      return {
        ...scriptedRecord(JSON.stringify(newState)),
        newState,
        actions: [],
        rationale: "note the epoch",
      };
    },
    async validate() {
      throw new Error("no jury in this test");
    },
  };
}

describe("nodes and challenges", () => {
  it("lapses at the ruling deadline and finalizes in the same tick", async function () {
    this.timeout(120_000);
    const conn = await network.create();
    const f = await deployHub(conn, { minScored: 0 });
    const t = clock(f);
    const spec = testSpec("executor");
    const candidateId = await registerWithSpec(f, 4, spec);
    const specPath = join(mkdtempSync(join(tmpdir(), "gengov-lapse-")), "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const node = await makeNode(f, conn.provider as unknown as EIP1193Provider, {
      walletIndex: 4,
      candidates: [{ candidateId, spec, specPath }],
      createModel: countingModel,
    });
    const challenger = f.wallets[CHALLENGER];
    await f.token.write.approve([f.execution.address, 2n ** 255n], { account: challenger.account });
    try {
      const E = await qualify(f, f.agreementId, [candidateId], [{ pump: () => node.tick(), logs: [] }]);
      await f.networkHelpers.time.increaseTo(t.end(E) + 1n);
      await node.tick(); // selection and the executor's proposal of epoch E
      const live = await f.execution.read.proposal([f.agreementId]);
      expect([live.epoch, live.candidateId, live.status]).to.deep.equal([E, candidateId, 1]);
      await f.execution.write.challenge([f.agreementId, E], { account: challenger.account });

      // The arbiter stays silent. Before the deadline the keeper leaves the challenge alone.
      const deadline = live.proposedAt + BigInt(f.params.challengePeriod + f.params.rulingPeriod);
      await f.networkHelpers.time.increaseTo(deadline - 2n);
      await node.tick();
      expect((await f.execution.read.proposal([f.agreementId])).status).to.equal(2);

      const treasury = await f.hub.read.treasuryBalance([f.agreementId, f.token.address]);
      await f.networkHelpers.time.increaseTo(deadline);
      await node.tick();
      expect((await f.execution.read.proposal([f.agreementId])).status).to.equal(6);
      const [proposed] = await f.publicClient.getContractEvents({
        address: f.execution.address,
        abi: f.execution.abi,
        eventName: "TransitionProposed",
        fromBlock: 0n,
      });
      expect(await f.execution.read.stateHash([f.agreementId])).to.equal(proposed.args.newStateHash);
      const bond = f.params.challengeBond;
      expect(await f.hub.read.treasuryBalance([f.agreementId, f.token.address])).to.equal(
        treasury + bond - bond / 2n,
      );
      expect(await f.execution.read.owed([challenger.account.address, f.token.address])).to.equal(bond / 2n);
    } finally {
      await node.stop();
    }
  });

  it("the fallback's node proposes after a rejection that came after its ordinary window", async function () {
    this.timeout(120_000);
    const conn = await network.create();
    const f = await deployHub(conn, { minScored: 0 });
    const t = clock(f);
    const dir = mkdtempSync(join(tmpdir(), "gengov-late-"));
    const nodes: GengovNode[] = [];
    const ids: bigint[] = [];
    for (const [i, name] of ["executor", "fallback"].entries()) {
      const spec = testSpec(name);
      const candidateId = await registerWithSpec(f, 4 + i, spec);
      const specPath = join(dir, `${name}.json`);
      writeFileSync(specPath, JSON.stringify(spec));
      ids.push(candidateId);
      nodes.push(
        await makeNode(f, conn.provider as unknown as EIP1193Provider, {
          walletIndex: 4 + i,
          candidates: [{ candidateId, spec, specPath }],
          createModel: countingModel,
        }),
      );
    }
    const tickAll = async () => {
      for (const n of nodes) await n.tick();
    };
    const challenger = f.wallets[CHALLENGER];
    await f.token.write.approve([f.execution.address, 2n ** 255n], { account: challenger.account });
    const W = BigInt(f.params.executionWindow);
    try {
      const pumped = nodes.map((n) => ({ pump: () => n.tick(), logs: [] }));
      const E = await qualify(f, f.agreementId, ids, pumped);
      await f.networkHelpers.time.increaseTo(t.end(E) + 1n);
      await tickAll(); // the executor (candidate 1) proposes epoch E
      const first = await f.execution.read.proposal([f.agreementId]);
      expect([first.epoch, first.candidateId]).to.deep.equal([E, ids[0]]);
      await f.execution.write.challenge([f.agreementId, E], { account: challenger.account });
      // Still challenged while the fallback's ordinary window runs: the fallback waits.
      await f.networkHelpers.time.increaseTo(t.end(E) + W + 1n);
      await tickAll();
      expect((await f.execution.read.proposal([f.agreementId])).candidateId).to.equal(ids[0]);
      // The arbiter rejects after that window has closed.
      await f.networkHelpers.time.increaseTo(t.end(E) + 2n * W + 30n);
      await f.execution.write.rule([f.agreementId, E, false]);
      await tickAll();
      const live = await f.execution.read.proposal([f.agreementId]);
      expect([live.epoch, live.candidateId, live.status]).to.deep.equal([E, ids[1], 1]);
      await f.networkHelpers.time.increaseTo(live.proposedAt + BigInt(f.params.challengePeriod));
      await tickAll(); // a keeper finalizes it
      expect((await f.execution.read.proposal([f.agreementId])).status).to.equal(6);
      expect((await f.hub.read.candidate([f.agreementId, ids[1]])).executions).to.equal(1);
      expect(BigInt(await f.networkHelpers.time.latest()) < t.end(E + 1n)).to.equal(true);
    } finally {
      for (const n of nodes) await n.stop();
    }
  });
  it("counts an executor window that closed without the executor's proposal, once, in /metrics", async function () {
    this.timeout(120_000);
    const conn = await network.create();
    const f = await deployHub(conn, { minScored: 0 });
    const t = clock(f);
    const spec = testSpec("silent-executor");
    const candidateId = await registerWithSpec(f, 4, spec);
    const specPath = join(mkdtempSync(join(tmpdir(), "gengov-missed-")), "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    // Forecasts well, so it is selected; every execution call fails, so it never proposes.
    const failingExecutor = (s: ModelSpec): Model => ({
      ...countingModel(s),
      async execute() {
        throw new Error("the execution model is down");
      },
    });
    const node = await makeNode(f, conn.provider as unknown as EIP1193Provider, {
      walletIndex: 4,
      candidates: [{ candidateId, spec, specPath }],
      createModel: failingExecutor,
    });
    const missed = () =>
      node.ctx.metrics
        .render()
        .split("\n")
        .find((l) => l.startsWith("gengov_candidate_executor_window_missed_total{"));
    try {
      const E = await qualify(f, f.agreementId, [candidateId], [{ pump: () => node.tick(), logs: [] }]);
      await f.networkHelpers.time.increaseTo(t.end(E) + 1n);
      await node.tick().catch(() => undefined); // selected; the model fails, nothing is proposed
      const [executor] = await f.hub.read.executorOf([f.agreementId, E]);
      expect(executor).to.equal(candidateId);
      expect(missed() ?? "", "no miss counted while the window is open").to.not.match(/ [1-9]\d*$/);
      // Past the executor's window: the miss is counted once, however often
      // the node ticks afterwards.
      await f.networkHelpers.time.increaseTo(t.end(E) + BigInt(f.params.executionWindow) + 1n);
      await node.tick().catch(() => undefined);
      await node.tick().catch(() => undefined);
      expect(missed()).to.match(/ 1$/);
    } finally {
      await node.stop();
    }
  });
});
