/**
 * The keeper's standalone `selectExecutor` is a backstop: the hub fixes an epoch's executor inside the
 * executor's proposal (or the first reveal), which costs a fraction of a transaction of its own. So a
 * node sends it only once both proposal windows of the epoch have closed with the selection unfixed.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { EIP1193Provider } from "viem";

import { clock, deployHub } from "../fixtures/hub.js";
import { makeNode, registerWithSpec, testSpec } from "../fixtures/node.js";

describe("node keeper: standalone selection only as a backstop", () => {
  it("leaves the selection to proposals, then fixes an unfixed one after the fallback window", async function () {
    this.timeout(120_000);
    const conn = await network.create();
    // executionWindow 300: both proposal windows close at end(e) + 600, the selection at + 1200.
    const f = await deployHub(conn, { executionWindow: 300, minScored: 5 });
    const t = clock(f);
    const spec = testSpec("idle");
    const candidateId = await registerWithSpec(f, 4, spec);
    const specPath = join(mkdtempSync(join(tmpdir(), "gengov-keeper-")), "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const node = await makeNode(f, conn.provider as unknown as EIP1193Provider, {
      walletIndex: 4,
      candidates: [{ candidateId, spec, specPath }],
      // Never asked: the candidate commits nothing useful here, and is never eligible to execute.
      createModel: (s) => ({
        spec: s,
        forecast: async () => {
          throw new Error("no forecasts in this test");
        },
        execute: async () => {
          throw new Error("no executions in this test");
        },
        validate: async () => {
          throw new Error("no jury in this test");
        },
      }),
    });
    const selections = () =>
      f.publicClient.getContractEvents({
        address: f.hub.address,
        abi: f.hub.abi,
        eventName: "ExecutorSelected",
        fromBlock: 0n,
      });
    try {
      // Inside the proposal windows of epoch 0 (nobody is eligible, so nobody proposes).
      await f.networkHelpers.time.increaseTo(t.end(0n) + 1n);
      await node.tick();
      await f.networkHelpers.time.increaseTo(t.end(0n) + 599n);
      await node.tick();
      expect(await selections()).to.deep.equal([]);
      expect((await f.hub.read.executorOf([f.agreementId, 0n]))[2]).to.equal(false);

      // Both proposal windows closed, selection window still open: the backstop fixes it.
      await f.networkHelpers.time.increaseTo(t.end(0n) + 600n);
      await node.tick();
      const fixed = await selections();
      expect(fixed.map((l) => [l.args.epoch, l.args.executor, l.args.fallbackCandidate])).to.deep.equal([
        [0n, 0n, 0n],
      ]);
      expect(await f.hub.read.executorOf([f.agreementId, 0n])).to.deep.equal([0n, 0n, true]);
    } finally {
      await node.stop();
    }
  });
});
