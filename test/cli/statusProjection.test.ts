/**
 * `gengov status` projects the current epoch's executor from the candidates' records with the scoring
 * twin. Three candidates forecast target 1 with different errors, so their scores differ; status,
 * run once the reveals are in, names an executor and a fallback (Leader), which the hub then fixes
 * when the epoch's selection window opens. In a Weighted agreement status gives each eligible
 * candidate's chance instead, the better score the larger chance.
 */
import { expect } from "chai";

import { network } from "hardhat";
import type { Hex } from "viem";

import { specHash } from "../../oracle/models/spec.js";
import { deployCli, type CliFixture } from "../fixtures/cli.js";
import { commitmentOf, EPOCH, WAD } from "../fixtures/hub.js";
import { testSpec } from "../fixtures/node.js";

const TRUTH = [100n, 50n];
/** Target 1's forecast of candidates 1, 2 and 3 (operators 4, 5, 6): off a little, exact, off a lot. */
const FORECASTS = [
  [130n, 50n],
  [100n, 50n],
  [400n, 900n],
];

/** Creates an agreement, registers three candidates and scores them once on target 1 (returns in
 * target 1's reveal window, inside epoch 2, with every reveal in). */
async function scoredAgreement(x: CliFixture, overrides: Record<string, unknown>) {
  const { agreementId, genesis } = await x.createDirect({ minScored: 0, ...overrides });
  const chainId = await x.publicClient.getChainId();
  const salt = (cid: bigint) => `0x${(agreementId * 1000n + cid).toString(16).padStart(64, "0")}` as Hex;
  for (const [i, values] of FORECASTS.entries()) {
    const cid = BigInt(i + 1);
    const account = x.wallets[4 + i].account;
    await x.hub.write.registerCandidate(
      [agreementId, specHash(testSpec(`c${cid}`)), 100n * WAD, account.address],
      {
        account,
      },
    );
    const c = commitmentOf({
      chainId,
      hub: x.hub.address,
      agreementId,
      candidateId: cid,
      targetEpoch: 1n,
      values,
      salt: salt(cid),
    });
    await x.hub.write.commitForecast([agreementId, cid, 1n, c], { account });
  }
  const L = BigInt(EPOCH);
  await x.networkHelpers.time.increaseTo(genesis + 2n * L);
  for (const r of [1, 2, 3])
    await x.hub.write.reportOutcome([agreementId, 1n, TRUTH], { account: x.wallets[r].account });
  await x.networkHelpers.time.increaseTo(genesis + 2n * L + 600n);
  for (const [i, values] of FORECASTS.entries()) {
    const cid = BigInt(i + 1);
    await x.hub.write.revealForecast([agreementId, cid, 1n, values, salt(cid)], {
      account: x.wallets[4 + i].account,
    });
  }
  return { agreementId, genesis };
}

describe("cli: status projects the next executor with the scoring twin", function () {
  this.timeout(120_000);
  let x: CliFixture;

  before(async () => {
    x = await deployCli(await network.create());
  });

  it("Leader: the executor and fallback status projects are the ones the hub fixes", async () => {
    const { agreementId, genesis } = await scoredAgreement(x, { selection: 0 });
    const id = agreementId.toString();
    const status = await x.run(["status", id]);
    expect(status.code, status.err).to.equal(0);
    const projected = status.json().projected;
    expect(projected).to.include({ epoch: "2", mode: "Leader" });
    const human = (await x.run(["status", id], { json: false })).out.join("\n");
    expect(human).to.include(
      `projected executor of epoch 2: ${projected.executor} (fallback ${projected.fallback}; Leader, from the scores as they stand now)`,
    );
    // The selection window of epoch 2 opens when it ends; fixing it there is what the chain selects.
    await x.networkHelpers.time.increaseTo(genesis + 3n * BigInt(EPOCH));
    await x.hub.write.selectExecutor([agreementId, 2n], { account: x.wallets[9].account });
    const [executor, fallback, fixed] = await x.hub.read.executorOf([agreementId, 2n]);
    expect(fixed).to.equal(true);
    expect(executor).to.not.equal(0n);
    expect({ executor: projected.executor, fallback: projected.fallback }).to.deep.equal({
      executor: executor.toString(),
      fallback: fallback.toString(),
    });
  });

  it("Leader: a best candidate that asked to exit is not projected, as the hub does not select it", async () => {
    const { agreementId, genesis } = await scoredAgreement(x, { selection: 0 });
    await x.hub.write.requestExit([agreementId, 2n], { account: x.wallets[5].account });
    const projected = (await x.run(["status", agreementId.toString()])).json().projected;
    await x.networkHelpers.time.increaseTo(genesis + 3n * BigInt(EPOCH));
    await x.hub.write.selectExecutor([agreementId, 2n], { account: x.wallets[9].account });
    const [executor, fallback] = await x.hub.read.executorOf([agreementId, 2n]);
    expect([executor, fallback]).to.deep.equal([1n, 3n]);
    expect([projected.executor, projected.fallback]).to.deep.equal(["1", "3"]);
  });

  it("Weighted: status says the draw is random and gives each eligible candidate's chance", async () => {
    const { agreementId } = await scoredAgreement(x, { selection: 1, eta: 2n * WAD });
    const id = agreementId.toString();
    const projected = (await x.run(["status", id])).json().projected;
    expect(projected).to.include({ epoch: "2", mode: "Weighted" });
    const chances = projected.chances as { candidateId: string; chance: number }[];
    const scores = await Promise.all(
      chances.map(async (c) => (await x.hub.read.candidate([agreementId, BigInt(c.candidateId)])).score),
    );
    // Every candidate the hub's ranking holds eligible, and only those.
    const [ranked] = await x.hub.read.ranking([agreementId, 2n]);
    expect(chances.map((c) => c.candidateId).sort()).to.deep.equal(ranked.map(String).sort());
    expect(chances.reduce((s, c) => s + c.chance, 0)).to.be.closeTo(1, 1e-5);
    // Equal bonds: the better (lower) score, the larger chance.
    for (let i = 0; i < chances.length; i++)
      for (let j = 0; j < chances.length; j++)
        if (scores[i] < scores[j]) expect(chances[i].chance).to.be.greaterThan(chances[j].chance);
    const human = (await x.run(["status", id], { json: false })).out.join("\n");
    expect(human).to.match(/projected executor of epoch 2: a random draw \(Weighted\); chances 1: \d+\.\d%/);
    expect(human).to.match(/\s+drawChance\n/);
  });
});
