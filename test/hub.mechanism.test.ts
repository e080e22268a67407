/**
 * Mechanism tests: simulated candidates of known forecasting skill over many epochs. The most
 * skilful one must become Leader after burn-in, and hysteresis must stop flapping between
 * near-equal candidates.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toHex, type Hex } from "viem";

import { rng } from "../oracle/demo/world.js";
import { clock, commitmentOf, deployHub, WAD, type HubFixture } from "./fixtures/hub.js";

/** Deterministic PRNG (mulberry32, shared with the demo's worlds) so every run sees the same world. */
const prng = (seed: number) => rng(seed).uniform;

type Sim = { noise: number; rand: () => number };

/**
 * Runs `epochs` epochs: each candidate forecasts truth + uniform noise of its own width; three
 * reporters report the truth; every forecast is revealed. Returns the executor of every epoch.
 */
async function runWorld(f: HubFixture, sims: Sim[], epochs: number): Promise<bigint[]> {
  const { hub, wallets, agreementId, networkHelpers } = f;
  const t = clock(f);
  const chainId = await f.publicClient.getChainId();
  const ops = sims.map((_, i) => wallets[4 + i]);
  for (const op of ops) {
    await hub.write.registerCandidate(
      [agreementId, keccak256(toHex(op.account.address)), 100n * WAD, op.account.address],
      {
        account: op.account,
      },
    );
  }
  const world = prng(7);
  const truth: bigint[][] = [];
  const truthOf = (e: number) =>
    (truth[e] ??= [BigInt(1000 + Math.floor(world() * 400)), BigInt(5000 + Math.floor(world() * 2000))]);
  const pending = new Map<string, { values: bigint[]; salt: Hex }>();
  const executors: bigint[] = [];
  for (let e = 0n; e < BigInt(epochs); e++) {
    if (BigInt(await networkHelpers.time.latest()) < t.start(e))
      await networkHelpers.time.increaseTo(Number(t.start(e)));
    for (const [i, sim] of sims.entries()) {
      const target = e + 1n;
      const [c0, c1] = truthOf(Number(target));
      const values = [
        c0 + BigInt(Math.round((sim.rand() - 0.5) * sim.noise * 1000)),
        c1 + BigInt(Math.round((sim.rand() - 0.5) * sim.noise * 5000)),
      ];
      const salt = keccak256(toHex(`salt-${i}-${target}`));
      const candidateId = BigInt(i + 1);
      const commitment = commitmentOf({
        chainId,
        hub: hub.address,
        agreementId,
        candidateId,
        targetEpoch: target,
        values,
        salt,
      });
      await hub.write.commitForecast([agreementId, candidateId, target, commitment], {
        account: ops[i].account,
      });
      pending.set(`${i}:${target}`, { values, salt });
    }
    await networkHelpers.time.increaseTo(t.end(e));
    for (const r of [1, 2, 3])
      await hub.write.reportOutcome([agreementId, e, truthOf(Number(e))], { account: wallets[r].account });
    await networkHelpers.time.increaseTo(t.revealOpens(e));
    await hub.write.selectExecutor([agreementId, e]);
    for (const [i] of sims.entries()) {
      const p = pending.get(`${i}:${e}`);
      if (!p) continue;
      await hub.write.revealForecast([agreementId, BigInt(i + 1), e, p.values, p.salt], {
        account: ops[i].account,
      });
    }
    const [executor] = await hub.read.executorOf([agreementId, e]);
    executors.push(executor);
  }
  return executors;
}

const switches = (xs: bigint[]) =>
  xs.slice(1).filter((x, i) => x !== 0n && xs[i] !== 0n && x !== xs[i]).length;

describe("mechanism: skill earns execution", () => {
  it("the most skilful of three candidates leads after burn-in (30+ epochs)", async function () {
    this.timeout(300_000);
    const f = await deployHub(await network.create(), { minScored: 3, margin: WAD / 100n });
    const sims = [
      { noise: 0.8, rand: prng(11) },
      { noise: 0.05, rand: prng(12) }, // the skilful one: candidate 2
      { noise: 0.4, rand: prng(13) },
    ];
    const executors = await runWorld(f, sims, 32);
    // Burn-in: nobody has 3 scored epochs before epoch 4 (first reveal is for target 1).
    expect(executors.slice(0, 3)).to.deep.equal([0n, 0n, 0n]);
    expect(executors.slice(8)).to.satisfy((xs: bigint[]) => xs.every((x) => x === 2n));
    const best = await f.hub.read.candidate([f.agreementId, 2n]);
    for (const id of [1n, 3n])
      expect((await f.hub.read.candidate([f.agreementId, id])).score > best.score).to.equal(true);
  });

  it("hysteresis stops flapping between near-equal candidates", async function () {
    this.timeout(300_000);
    const equalPair = () => [
      { noise: 0.3, rand: prng(21) },
      { noise: 0.3, rand: prng(22) },
    ];
    const flappy = await runWorld(
      await deployHub(await network.create(), { minScored: 2, margin: 0n }),
      equalPair(),
      24,
    );
    const sticky = await runWorld(
      await deployHub(await network.create(), { minScored: 2, margin: WAD / 5n }),
      equalPair(),
      24,
    );
    expect(switches(flappy)).to.be.greaterThan(1);
    expect(switches(sticky)).to.be.lessThan(switches(flappy));
    expect(switches(sticky)).to.be.at.most(1);
  });
});
