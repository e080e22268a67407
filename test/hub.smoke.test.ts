import { expect } from "chai";
import { network } from "hardhat";
import { toHex } from "viem";

import { clock, commitmentOf, deployHub, WAD } from "./fixtures/hub.js";

describe("hub smoke: one full forecast cycle", () => {
  it("commits, reports, reveals and scores exactly as the loss formula says", async () => {
    const conn = await network.create();
    const f = await deployHub(conn);
    const { hub, wallets, agreementId, networkHelpers } = f;
    const t = clock(f);
    const op = wallets[4];
    await hub.write.registerCandidate(
      [agreementId, toHex("spec", { size: 32 }), 100n * WAD, op.account.address],
      {
        account: op.account,
      },
    );
    const chainId = await f.publicClient.getChainId();
    const salt = toHex("salt-1", { size: 32 });
    const values = [1100n, 4000n];
    const c = commitmentOf({
      chainId,
      hub: hub.address,
      agreementId,
      candidateId: 1n,
      targetEpoch: 1n,
      values,
      salt,
    });
    await hub.write.commitForecast([agreementId, 1n, 1n, c], { account: op.account });
    await networkHelpers.time.increaseTo(t.end(1n));
    await hub.write.reportOutcome([agreementId, 1n, [1000n, 5000n]], { account: wallets[1].account });
    await hub.write.reportOutcome([agreementId, 1n, [1200n, 5000n]], { account: wallets[2].account });
    await hub.write.reportOutcome([agreementId, 1n, [1000n, 4000n]], { account: wallets[3].account });
    await networkHelpers.time.increaseTo(t.revealOpens(1n));
    await hub.write.revealForecast([agreementId, 1n, 1n, values, salt], { account: op.account });
    const cand = await hub.read.candidate([agreementId, 1n]);
    // outcome medians: 1000 and 5000; metric 0 abs |1100-1000|/1000 = 0.1; metric 1 sq (1000/5000)^2 = 0.04
    expect(cand.score).to.equal((WAD / 10n + (4n * WAD) / 100n) / 2n);
    expect(cand.scoredCount).to.equal(1);
  });
});
