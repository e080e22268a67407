/**
 * Crash safety of `gengov node` as a real process against a standalone chain: the node kills itself
 * with SIGKILL at a crash point (GENGOV_CRASH_AT: after persisting a salt but before sending, after
 * broadcasting but before reading the receipt, mid-proposal), is restarted, and the chain must show
 * every job done exactly once: one ForecastCommitted per (candidate, target), every forecast still
 * revealed, one TransitionProposed per epoch from the first one the candidate may execute (epoch 2: a
 * never-scored model never executes), every transition finalized, no missed reveal.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  chainEvents,
  driveEpochs,
  duplicates,
  firstExecutable,
  Supervisor,
  type ChainEvents,
} from "../fixtures/epochDriver.js";
import { Store } from "../../oracle/store/Store.js";
import { testSpec } from "../fixtures/node.js";
import { prng } from "../fixtures/prng.js";
import {
  connectChain,
  createAgreement,
  deployHubOver,
  privateKeyOf,
  registerCandidate,
  startChain,
  stopAll,
  writeNodeConfig,
  type StandaloneChain,
} from "../fixtures/standalone.js";

type Fixture = Awaited<ReturnType<typeof deployHubOver>>;

/** Every job of a candidate that ran epochs 0..last happened exactly once on chain. */
function expectExactlyOnce(ev: ChainEvents, agreementId: bigint, candidateId: bigint, last: bigint) {
  const commits = ev.commits(agreementId).filter((l) => l.args.candidateId === candidateId);
  const reveals = ev.reveals(agreementId).filter((l) => l.args.candidateId === candidateId);
  const proposals = ev.proposals(agreementId).filter((l) => l.args.candidateId === candidateId);
  const finalized = ev.finalized(agreementId);
  expect(duplicates(commits.map((l) => `${l.args.targetEpoch}`)), "duplicate commits").to.deep.equal([]);
  expect(duplicates(reveals.map((l) => `${l.args.targetEpoch}`)), "duplicate reveals").to.deep.equal([]);
  expect(duplicates(proposals.map((l) => `${l.args.epoch}`)), "duplicate proposals").to.deep.equal([]);
  expect(duplicates(finalized.map((l) => `${l.args.epoch}`)), "duplicate finalizations").to.deep.equal([]);
  const range = (from: bigint, to: bigint) => {
    const out: string[] = [];
    for (let x = from; x <= to; x++) out.push(`${x}`);
    return out;
  };
  expect(commits.map((l) => `${l.args.targetEpoch}`).sort()).to.deep.equal(range(1n, last + 1n));
  expect(reveals.map((l) => `${l.args.targetEpoch}`).sort()).to.deep.equal(range(1n, last - 1n));
  const executable = firstExecutable(0n, 1);
  expect(proposals.map((l) => `${l.args.epoch}`).sort()).to.deep.equal(range(executable, last - 1n));
  expect(finalized.map((l) => `${l.args.epoch}`).sort()).to.deep.equal(range(executable, last - 1n));
  expect(ev.missed(agreementId).filter((l) => l.args.candidateId === candidateId)).to.deep.equal([]);
}

describe("node process: crash safety (SIGKILL at crash points, then restart)", function () {
  this.timeout(180_000);
  let chain: StandaloneChain;
  let f: Fixture;
  let chainId: number;
  const dir = mkdtempSync(join(tmpdir(), "gengov-crash-"));

  before(async () => {
    chain = await startChain();
    f = await deployHubOver(await connectChain(chain), { minScored: 0 });
    chainId = await f.publicClient.getChainId();
  });

  after(stopAll);

  /** A fresh agreement with one candidate (operator wallet 4) run by a supervised node process. */
  async function run(name: string, plan: string[], epochs: bigint) {
    const agreement = await createAgreement(f, { minScored: 0 });
    const spec = testSpec(`crash-${name}`);
    const candidateId = await registerCandidate(f, agreement.agreementId, 4, spec);
    const config = writeNodeConfig(dir, name, {
      rpcUrl: chain.url,
      chainId,
      hub: f.hub.address,
      candidates: [{ agreementId: agreement.agreementId, candidateId, spec }],
      pollIntervalMs: 50,
    });
    const supervisor = new Supervisor(config, { GENGOV_TEST_KEY: privateKeyOf(4) }, [...plan]);
    supervisor.start();
    try {
      await driveEpochs(
        { ...f, ...agreement },
        agreement.agreementId,
        { first: 0n, last: epochs },
        { forecasters: [candidateId] },
        [supervisor],
      );
    } finally {
      await supervisor.stop();
    }
    expectExactlyOnce(await chainEvents(f), agreement.agreementId, candidateId, epochs);
    return { supervisor, agreementId: agreement.agreementId, candidateId };
  }

  it("recovers every job after a kill after persisting a salt, after broadcasting, and mid-proposal", async () => {
    // Each start takes the next crash point, so every restart first finishes what its predecessor
    // left: the persisted commitment is sent (not re-asked), the broadcast commit/proposal/reveal/
    // finalize is found by its receipt (not re-sent), the stored proposal is sent as built.
    const plan = [
      "afterPersist",
      "afterBroadcast.commit",
      "midProposal",
      "afterBroadcast.propose",
      "afterBroadcast.reveal",
      "afterBroadcast.finalize",
    ];
    const { supervisor, agreementId, candidateId } = await run("planned", plan, 3n);
    expect(supervisor.crashes).to.deep.equal(plan);
    expect(supervisor.logs.filter((l) => l.level === "error")).to.deep.equal([]);
    // The salt persisted by the first process is the one on chain, and it was signed only once.
    const store = new Store(join(dir, "planned.sqlite"), { chainId, hub: f.hub.address });
    try {
      const [onChain] = await f.hub.read.forecastSlot([agreementId, candidateId, 1n]);
      const row = store.getForecast(agreementId, candidateId, 1n)!;
      expect(row.commitment).to.equal(onChain);
      expect(row.status).to.equal("revealed");
      for (const job of [
        `commit:${agreementId}:${candidateId}:1`,
        `propose:${agreementId}:2:${candidateId}`,
      ]) {
        expect(
          store.attemptsForJob(job).map((a) => a.status),
          job,
        ).to.deep.equal(["mined"]);
      }
    } finally {
      store.close();
    }
  });

  it("holds the invariants for seeded random crash points over several runs", async () => {
    const r = prng(0xc4a5_0001n);
    const POINTS = [
      "afterPersist",
      "midProposal",
      "afterBroadcast.commit",
      "afterBroadcast.propose",
      "afterBroadcast.reveal",
      "afterBroadcast.finalize",
      "afterBroadcast", // the n-th broadcast, whatever its job
    ];
    const point = () => {
      const p = r.pick(POINTS);
      return p === "afterBroadcast" ? `${p}:${r.int(1, 6)}` : p;
    };
    const RUNS = 5;
    const crashes: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const plan = Array.from({ length: r.int(1, 3) }, point);
      const { supervisor } = await run(`random-${i}`, plan, 3n);
      crashes.push(...supervisor.crashes);
      expect(supervisor.crashes.length, `run ${i} (${plan.join(", ")}) crashed`).to.be.greaterThan(0);
      expect(supervisor.logs.filter((l) => l.level === "error")).to.deep.equal([]);
    }
    expect(crashes.length).to.be.greaterThanOrEqual(RUNS);
  });
});
