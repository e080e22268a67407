/**
 * A reorg that drops the node's own mined reveal (or commit) must not cost a miss: while the window
 * is open, the node notices the chain no longer has it and sends it again with the stored values.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import type { EIP1193Provider } from "viem";

import { createModel } from "../../oracle/models/index.js";
import { clock, deployHub } from "../fixtures/hub.js";
import { makeNode, registerWithSpec, testSpec } from "../fixtures/node.js";

describe("node: own transactions dropped by a reorg are sent again", () => {
  it("re-sends a reveal and a commit that a reorg removed, with the same stored values", async function () {
    this.timeout(120_000);
    const conn = await network.create();
    const provider = conn.provider as unknown as EIP1193Provider;
    const f = await deployHub(conn, { minScored: 1 });
    const t = clock(f);
    const spec = testSpec("steady");
    const candidateId = await registerWithSpec(f, 4, spec);
    const specPath = join(mkdtempSync(join(tmpdir(), "gengov-reorg-")), "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const logs: string[] = [];
    const node = await makeNode(f, provider, {
      walletIndex: 4,
      candidates: [{ candidateId, spec, specPath }],
      createModel: (s) => createModel(s),
      logs,
    });
    const events = async (eventName: "ForecastCommitted" | "ForecastRevealed") =>
      f.publicClient.getContractEvents({ address: f.hub.address, abi: f.hub.abi, eventName, fromBlock: 0n });

    // Commit for target 1 during epoch 0, then drop it with a reorg.
    let snapshot = (await provider.request({ method: "evm_snapshot" as never })) as string;
    await node.tick();
    expect(await events("ForecastCommitted")).to.have.length(1);
    await provider.request({ method: "evm_revert" as never, params: [snapshot] as never });
    await f.networkHelpers.mine(3);
    expect(await events("ForecastCommitted")).to.have.length(0);
    await node.tick();
    const commits = await events("ForecastCommitted");
    expect(commits).to.have.length(1);
    expect(logs.some((l) => l.includes("commit no longer on chain"))).to.equal(true);

    // Outcome of epoch 1, then the reveal — dropped by a reorg too.
    await f.networkHelpers.time.increaseTo(t.end(1n));
    for (const r of [1, 2, 3]) {
      await f.hub.write.reportOutcome([f.agreementId, 1n, [1000n, 5000n]], { account: f.wallets[r].account });
    }
    await f.networkHelpers.time.increaseTo(t.revealOpens(1n));
    snapshot = (await provider.request({ method: "evm_snapshot" as never })) as string;
    await node.tick();
    expect(await events("ForecastRevealed")).to.have.length(1);
    await provider.request({ method: "evm_revert" as never, params: [snapshot] as never });
    await f.networkHelpers.mine(3);
    expect(await events("ForecastRevealed")).to.have.length(0);
    await node.tick();
    const reveals = await events("ForecastRevealed");
    expect(reveals).to.have.length(1);
    expect(logs.some((l) => l.includes("reveal no longer on chain"))).to.equal(true);
    const c = await f.hub.read.candidate([f.agreementId, candidateId]);
    expect(c.scoredCount).to.equal(1);
    expect(c.misses).to.equal(0);
    await node.stop();
  });
});
