/**
 * Full epoch loop driven only by two in-process nodes and a scripted reporter: commit → report →
 * reveal → scored → executor proposes → finalized.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { stringToHex, type EIP1193Provider } from "viem";

import type { ExecuteRequest, ForecastRequest, Model, ModelSpec } from "../../oracle/models/types.js";
import type { GengovNode } from "../../oracle/node/GengovNode.js";
import { clock, deployHub, WAD } from "../fixtures/hub.js";
import { makeNode, registerWithSpec, scriptedRecord, testSpec } from "../fixtures/node.js";

/** Forecasts truth + a fixed bias; executes by counting inputs. Deterministic. */
function scriptedModel(spec: ModelSpec, bias: bigint, truth: (e: bigint) => bigint[]): Model {
  return {
    spec,
    async forecast(r: ForecastRequest) {
      const values = truth(r.targetEpoch).map((v) => v + bias);
      return { ...scriptedRecord(JSON.stringify(values.map(String))), values, rationale: "scripted" };
    },
    async execute(r: ExecuteRequest) {
      const prev = (r.state as { inputs?: number }).inputs ?? 0;
      const newState = { epoch: Number(r.epoch), inputs: prev + r.inputs.length };
      return {
        ...scriptedRecord(JSON.stringify(newState)),
        newState,
        actions: [],
        rationale: "count inputs",
      };
    },
    async validate() {
      throw new Error("no jury in this test");
    },
  };
}

describe("node: full epoch loop with two candidates", () => {
  it("commits, reveals, gets scored, proposes as executor and finalizes — driven only by nodes", async function () {
    this.timeout(240_000);
    const conn = await network.create();
    const f = await deployHub(conn, { minScored: 1 });
    const t = clock(f);
    const truth = (e: bigint) => [1000n + e * 10n, 5000n + e * 7n];
    const dir = mkdtempSync(join(tmpdir(), "gengov-node-"));
    const specs = [testSpec("sharp"), testSpec("blunt")];
    const nodes: GengovNode[] = [];
    for (const [i, spec] of specs.entries()) {
      const candidateId = await registerWithSpec(f, 4 + i, spec);
      const specPath = join(dir, `spec-${i}.json`);
      writeFileSync(specPath, JSON.stringify(spec));
      nodes.push(
        await makeNode(f, conn.provider as unknown as EIP1193Provider, {
          walletIndex: 4 + i,
          candidates: [{ candidateId, spec, specPath }],
          createModel: (s) => scriptedModel(s, i === 0 ? 5n : 400n, truth),
        }),
      );
    }
    await f.hub.write.submitInput([f.agreementId, stringToHex("a proposal from a participant")]);
    const tickAll = async () => {
      for (const n of nodes) await n.tick();
    };
    const EPOCHS = 5n;
    for (let e = 0n; e < EPOCHS; e++) {
      const now = BigInt(await f.networkHelpers.time.latest());
      if (now < t.start(e) + 1n) await f.networkHelpers.time.increaseTo(t.start(e) + 1n);
      await tickAll(); // commits for e + 1 (and, from e = 1, the proposal for e − 1)
      await f.networkHelpers.time.increaseTo(t.end(e) + 1n);
      for (const r of [1, 2, 3])
        await f.hub.write.reportOutcome([f.agreementId, e, truth(e)], { account: f.wallets[r].account });
      await tickAll(); // selection and proposal of e
      await f.networkHelpers.time.increaseTo(t.revealOpens(e));
      await tickAll(); // reveals of target e
      await f.networkHelpers.time.increaseTo(t.end(e) + BigInt(f.params.challengePeriod) + 60n);
      await tickAll(); // finalize the transition of e
    }
    const sharp = await f.hub.read.candidate([f.agreementId, 1n]);
    const blunt = await f.hub.read.candidate([f.agreementId, 2n]);
    expect(sharp.scoredCount).to.equal(Number(EPOCHS) - 1);
    expect(blunt.scoredCount).to.equal(Number(EPOCHS) - 1);
    expect(sharp.score < blunt.score).to.equal(true);
    expect(sharp.misses).to.equal(0);
    // The sharp candidate became executor after burn-in and its transitions were finalized.
    expect(sharp.executions).to.be.greaterThan(0);
    expect(await f.execution.read.stateHash([f.agreementId])).to.not.equal(`0x${"0".repeat(64)}`);
    // Exactly one commit per candidate per target: no duplicate transactions.
    const commits = await f.publicClient.getContractEvents({
      address: f.hub.address,
      abi: f.hub.abi,
      eventName: "ForecastCommitted",
      fromBlock: 0n,
    });
    const keys = commits.map((l) => `${l.args.candidateId}:${l.args.targetEpoch}`);
    expect(new Set(keys).size).to.equal(keys.length);
    for (const n of nodes) await n.stop();
    void WAD;
  });
});
