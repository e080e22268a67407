/**
 * Nodes on juries (agreement with a jury of 2, quorum 2), three operators with simulated models:
 * - an honest executor's transition: both jurors' nodes validate it, commit (the commitment is the
 *   contract's `voteCommitment`), reveal, close the vote; the keeper finalizes it. One juror's node
 *   "crashes" after storing its vote and salt, before commitVote is sent: restarted on the same store
 *   it commits that stored vote (the model is not asked again) and reveals it. `gengov verify` checks
 *   the votes: it passes an honest one and FAILs one whose manifest names a prompt hash the chain data
 *   does not reproduce;
 * - a thief executor (an in-cap payment to an attacker): the honest juror rejects it, the juror whose
 *   model fails does not commit (counted, then counted as missed), the vote rejects the transition,
 *   the fallback's node proposes and its transition finalizes.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { keccak256, stringToHex, type EIP1193Provider, type Hex } from "viem";

import { voteCommitment } from "../../oracle/jobs/vote.js";
import { clockOf, fallbackWindowAfterRejection } from "../../oracle/node/clock.js";
import { createModel, SIMULATED_ATTACKER } from "../../oracle/models/index.js";
import type { ForecastRequest, Model, ModelSpec, ValidateRequest } from "../../oracle/models/types.js";
import type { GengovNode } from "../../oracle/node/GengovNode.js";
import { Store, type VoteRow } from "../../oracle/store/Store.js";
import { verifyTransitions } from "../../oracle/verify/verifyTransitions.js";
import { qualify, truth } from "../fixtures/epochDriver.js";
import { deployHub, TEXT, WAD, type HubFixture } from "../fixtures/hub.js";
import { makeNode, registerWithSpec, scriptedRecord, testSpec } from "../fixtures/node.js";

const JURY = {
  jurySize: 2,
  juryQuorum: 2,
  appealJurySize: 0,
  voteCommitWindow: 300,
  voteRevealWindow: 300,
  juryFee: WAD,
  juryPenalty: WAD,
};
const CAP = 100n * WAD;

type Profile = "honest" | "thief";

/** Forecasts the scripted truth (every candidate scores loss 0; ties go to the lower id). */
function juryModel(spec: ModelSpec, wrap?: (m: Model) => Partial<Model>): Model {
  const inner = createModel(spec);
  const model: Model = {
    spec,
    async forecast(r: ForecastRequest) {
      const values = truth(r.targetEpoch);
      return { ...scriptedRecord(JSON.stringify(values.map(String))), values, rationale: "the truth" };
    },
    execute: (r) => inner.execute(r),
    validate: (r) => inner.validate(r),
  };
  return { ...model, ...wrap?.(model) };
}

async function setup(
  profiles: Profile[],
  wraps: ((m: Model) => Partial<Model>)[] = [],
  stores: (string | undefined)[] = [],
  jury: typeof JURY = JURY,
) {
  const conn = await network.create();
  const first = await deployHub(conn, { minScored: 0, jury });
  // Agreement 2: the same, with a capped treasury in the bond token (what a thief pays itself from).
  const params = { ...first.params, capTokens: [first.token.address], maxOutflowPerEpoch: [CAP] };
  await first.hub.write.createAgreement([params, TEXT]);
  const [stored] = await first.hub.read.agreement([2n]);
  const f = { ...first, agreementId: 2n, params, genesis: stored.genesis };
  await f.hub.write.deposit([2n, f.token.address, 10n * CAP]);
  const provider = conn.provider as unknown as EIP1193Provider;
  const dir = mkdtempSync(join(tmpdir(), "gengov-jury-"));
  const candidates: { candidateId: bigint; spec: ModelSpec; specPath: string; walletIndex: number }[] = [];
  for (const [i, profile] of profiles.entries()) {
    const spec = testSpec(`juror-${i}`, { simulation: { skill: 0.8, profile } });
    // Bonds above the minimum: a juror charged juryPenalty stays eligible to sit.
    const candidateId = await registerWithSpec(f, 4 + i, spec, 2n * f.params.minBond);
    const specPath = join(dir, `spec-${i}.json`);
    writeFileSync(specPath, JSON.stringify(spec));
    candidates.push({ candidateId, spec, specPath, walletIndex: 4 + i });
  }
  const start = (i: number) =>
    makeNode(f, provider, {
      walletIndex: candidates[i].walletIndex,
      candidates: [candidates[i]],
      createModel: (s) => juryModel(s, wraps[i]),
      store: stores[i],
    });
  const nodes: GengovNode[] = [];
  for (let i = 0; i < profiles.length; i++) nodes.push(await start(i));
  const tickAll = async () => {
    for (const n of nodes) await n.tick();
  };
  const E = await qualify(
    f,
    f.agreementId,
    candidates.map((c) => c.candidateId),
    nodes.map((n) => ({ pump: () => n.tick(), logs: [] })),
  );
  return { f, nodes, tickAll, E, start, candidates, dir, provider };
}

async function juryEvents(f: HubFixture) {
  return f.publicClient.getContractEvents({ address: f.jury.address, abi: f.jury.abi, fromBlock: 0n });
}

function named<T>(logs: { eventName: string; args: unknown }[], name: string): T[] {
  return logs.filter((l) => l.eventName === name).map((l) => l.args as T);
}

describe("nodes on a jury", () => {
  it("accept an honest transition (commitment = voteCommitment, crash-safe commit) and verify checks the votes", async function () {
    this.timeout(240_000);
    // Juror 2's manifest names a prompt hash of its own; juror 3's node "crashes" before its commit.
    const lying = (m: Model): Partial<Model> => ({
      validate: async (r: ValidateRequest) => ({ ...(await m.validate(r)), promptHash: keccak256("0x01") }),
    });
    let validateCalls3 = 0;
    const counted = (m: Model): Partial<Model> => ({
      validate: (r: ValidateRequest) => (validateCalls3++, m.validate(r)),
    });
    const store3 = join(mkdtempSync(join(tmpdir(), "gengov-jury-store-")), "node3.sqlite");
    const { f, nodes, tickAll, E, start, provider } = await setup(
      ["honest", "honest", "honest"],
      [() => ({}), lying, counted],
      [undefined, undefined, store3],
    );
    const a = f.agreementId;
    const chainId = await f.publicClient.getChainId();
    const key = (jurorId: bigint) => ({ agreementId: a, epoch: E, proposer: 1n, round: 0, jurorId });

    // Node 3 stops dead right before its commitVote is sent: the vote and salt must be on disk then.
    const sender3 = nodes[2].ctx.sender as unknown as {
      send: (p: { functionName: string }) => Promise<unknown>;
    };
    const send = sender3.send.bind(sender3);
    let onDisk: VoteRow | undefined;
    sender3.send = async (p) => {
      if (p.functionName === "commitVote" && onDisk === undefined) {
        const peek = new Store(store3, { chainId, hub: f.hub.address });
        onDisk = peek.getVote(key(3n));
        peek.close();
        throw new Error("simulated crash before commitVote is sent");
      }
      return send(p);
    };
    try {
      await f.networkHelpers.time.increaseTo((await clockEnd(f, E)) + 1n);
      await nodes[0].tick(); // the proposal, and its vote opens
      // Node 2 commits; a reorg drops the commit; in the commit window node 2 sends it again.
      const snapshot = (await provider.request({ method: "evm_snapshot" as never })) as string;
      await nodes[1].tick();
      expect(named(await juryEvents(f), "VoteCommitted")).to.have.length(1);
      await provider.request({ method: "evm_revert" as never, params: [snapshot] as never });
      await f.networkHelpers.mine(3);
      expect(named(await juryEvents(f), "VoteCommitted")).to.have.length(0);
      await tickAll();
      const live = await f.execution.read.proposal([a]);
      expect([live.epoch, live.candidateId, live.status]).to.deep.equal([E, 1n, 7]); // Voting
      const opened = named<{ jurors: readonly bigint[] }>(await juryEvents(f), "VoteOpened");
      expect(opened.map((o) => [...o.jurors].sort())).to.deep.equal([[2n, 3n]]);
      expect(onDisk?.status).to.equal("persisted");
      expect(onDisk?.salt).to.match(/^0x[0-9a-f]{64}$/);
      let committed = named<{ jurorId: bigint; commitment: Hex }>(await juryEvents(f), "VoteCommitted");
      expect(committed.map((c) => c.jurorId)).to.deep.equal([2n]);

      // The node's commitment is the contract's voteCommitment of its stored vote.
      const row2 = nodes[1].ctx.store.getVote(key(2n))!;
      const rationaleHash = keccak256(stringToHex(row2.manifest!));
      const onChain = await f.jury.read.voteCommitment([
        a,
        E,
        1n,
        0,
        2n,
        row2.accept!,
        rationaleHash,
        row2.salt!,
      ]);
      expect(row2.commitment).to.equal(onChain);
      expect(
        voteCommitment({
          chainId,
          jury: f.jury.address,
          agreementId: a,
          epoch: E,
          proposer: 1n,
          round: 0,
          jurorId: 2n,
          accept: row2.accept!,
          rationaleHash,
          salt: row2.salt!,
        }),
      ).to.equal(committed[0].commitment);

      // Restarted on the same store, node 3 commits the stored vote without asking its model again.
      await nodes[2].stop();
      nodes[2] = await start(2);
      await tickAll();
      committed = named<{ jurorId: bigint; commitment: Hex }>(await juryEvents(f), "VoteCommitted");
      expect(committed.map((c) => [c.jurorId, c.commitment])).to.deep.equal([
        [2n, row2.commitment],
        [3n, onDisk!.commitment],
      ]);
      expect(validateCalls3).to.equal(1);

      const vote = await f.jury.read.vote([a, E, 1n, 0]);
      await f.networkHelpers.time.increaseTo(vote.commitEndsAt);
      await tickAll();
      const revealed = named<{ jurorId: bigint; accept: boolean }>(await juryEvents(f), "VoteRevealed");
      expect(revealed.map((r) => [r.jurorId, r.accept])).to.deep.equal([
        [2n, true],
        [3n, true],
      ]);
      expect(nodes[2].ctx.store.getVote(key(3n))?.salt).to.equal(onDisk!.salt);

      // The executor's own node (no seat) closes its proposal's vote: closing decides the transition.
      await f.networkHelpers.time.increaseTo(vote.revealEndsAt);
      await nodes[0].tick();
      const closed = await f.execution.read.proposal([a]);
      expect(closed.status).to.equal(1); // Proposed: its challenge period runs
      await tickAll();
      await f.networkHelpers.time.increaseTo(closed.challengeOpensAt + BigInt(f.params.challengePeriod));
      await tickAll();
      expect((await f.execution.read.proposal([a])).status).to.equal(6); // Finalized
      expect(nodes[1].ctx.metrics.juryDuties).to.equal(1);
      expect(nodes[1].ctx.metrics.juryVoteCount("accept")).to.equal(1);
      expect(nodes[1].ctx.metrics.render()).to.include('gengov_jury_votes_total{vote="accept"} 1');

      const [report] = await verifyTransitions({
        client: f.publicClient,
        hub: f.hub.address,
        execution: f.execution.address,
        agreementId: a,
        epoch: E,
      });
      const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failed).to.deep.equal(["vote.0.2.prompt.hash"]);
      const honest = report.checks.filter((c) => c.name.startsWith("vote.0.3.")).map((c) => c.name);
      expect(honest).to.deep.equal([
        "vote.0.3.hash",
        "vote.0.3.canonical",
        "vote.0.3.schema",
        "vote.0.3.binding",
        "vote.0.3.spec",
        "vote.0.3.prompt.hash",
      ]);
    } finally {
      for (const n of nodes) await n.stop();
    }
  });

  it("reject a thief's transition; a failing juror model commits nothing; the fallback's transition finalizes", async function () {
    this.timeout(240_000);
    let failures = 0;
    const failsOnThief = (m: Model): Partial<Model> => ({
      validate: async (r: ValidateRequest) => {
        if (r.proposal.proposer === 1n) {
          failures++;
          throw new Error("the validate model is down");
        }
        return m.validate(r);
      },
    });
    const { f, nodes, tickAll, E } = await setup(
      ["thief", "honest", "honest"],
      [() => ({}), () => ({}), failsOnThief],
    );
    const a = f.agreementId;
    try {
      await f.networkHelpers.time.increaseTo((await clockEnd(f, E)) + 1n);
      await tickAll();
      const [thiefProposal] = (await f.publicClient.getContractEvents({
        address: f.execution.address,
        abi: f.execution.abi,
        eventName: "TransitionProposed",
        fromBlock: 0n,
      })) as { args: { epoch: bigint; candidateId: bigint; actions: readonly { to: Hex }[] } }[];
      expect([thiefProposal.args.epoch, thiefProposal.args.candidateId]).to.deep.equal([E, 1n]);
      expect(thiefProposal.args.actions.map((x) => x.to)).to.include(SIMULATED_ATTACKER);
      const committed = named<{ jurorId: bigint }>(await juryEvents(f), "VoteCommitted");
      expect(committed.map((c) => c.jurorId)).to.deep.equal([2n]);
      expect(failures).to.be.greaterThan(0);
      expect(nodes[2].ctx.metrics.jobCount("juryDuty", "abstained")).to.be.greaterThan(0);
      expect(nodes[2].ctx.metrics.render()).to.match(/^gengov_model_errors_total\{kind="[^"]+"\} [1-9]/m);

      const vote = await f.jury.read.vote([a, E, 1n, 0]);
      await f.networkHelpers.time.increaseTo(vote.commitEndsAt);
      await tickAll();
      expect(nodes[2].ctx.metrics.juryMissed).to.equal(1);
      expect(nodes[2].ctx.metrics.render()).to.include("gengov_jury_missed_total 1");
      const revealed = named<{ jurorId: bigint; accept: boolean }>(await juryEvents(f), "VoteRevealed");
      expect(revealed.map((r) => [r.jurorId, r.accept])).to.deep.equal([[2n, false]]);
      expect(nodes[1].ctx.metrics.juryVoteCount("reject")).to.equal(1);

      // After the vote: closed (rejected), and the fallback (candidate 2) proposes in its window.
      await f.networkHelpers.time.increaseTo(vote.revealEndsAt);
      await tickAll();
      const vetoed = await f.publicClient.getContractEvents({
        address: f.execution.address,
        abi: f.execution.abi,
        eventName: "TransitionVetoed",
        fromBlock: 0n,
      });
      expect(vetoed.length).to.equal(1);
      let live = await f.execution.read.proposal([a]);
      expect([live.epoch, live.candidateId]).to.deep.equal([E, 2n]);
      await tickAll();
      const second = await f.jury.read.vote([a, E, 2n, 0]);
      expect(second.openedAt).to.not.equal(0n);
      await f.networkHelpers.time.increaseTo(second.commitEndsAt);
      await tickAll();
      await f.networkHelpers.time.increaseTo(second.revealEndsAt);
      await tickAll();
      live = await f.execution.read.proposal([a]);
      expect(live.status).to.equal(1);
      await f.networkHelpers.time.increaseTo(live.challengeOpensAt + BigInt(f.params.challengePeriod));
      await tickAll();
      const finalized = (await f.publicClient.getContractEvents({
        address: f.execution.address,
        abi: f.execution.abi,
        eventName: "TransitionFinalized",
        fromBlock: 0n,
      })) as { args: { epoch: bigint; candidateId: bigint } }[];
      expect(finalized.map((l) => [l.args.epoch, l.args.candidateId])).to.deep.equal([[E, 2n]]);
      expect(await f.execution.read.owed([SIMULATED_ATTACKER, f.token.address])).to.equal(0n);
      const reports = await verifyTransitions({
        client: f.publicClient,
        hub: f.hub.address,
        execution: f.execution.address,
        agreementId: a,
        epoch: E,
      });
      expect(reports.map((r) => [r.candidateId, r.status, r.pass])).to.deep.equal([
        [1n, "rejected", true],
        [2n, "finalized", true],
      ]);
    } finally {
      for (const n of nodes) await n.stop();
    }
  });
});

describe("nodes on an appeal jury", () => {
  it("a challenge seats the appeal jury; its juror's node votes, reveals and closes; the transition stands", async function () {
    this.timeout(240_000);
    const { f, nodes, tickAll, E } = await setup(["honest", "honest", "honest", "honest"], [], [], {
      ...JURY,
      appealJurySize: 1,
    });
    const a = f.agreementId;
    const challenger = f.wallets[12];
    await f.token.write.approve([f.execution.address, 2n ** 255n], { account: challenger.account });
    try {
      await f.networkHelpers.time.increaseTo((await clockEnd(f, E)) + 1n);
      await tickAll();
      const first = await f.jury.read.vote([a, E, 1n, 0]);
      await f.networkHelpers.time.increaseTo(first.commitEndsAt);
      await tickAll();
      await f.networkHelpers.time.increaseTo(first.revealEndsAt);
      await tickAll();
      const accepted = await f.execution.read.proposal([a]);
      expect(accepted.status).to.equal(1);

      await f.execution.write.challenge([a, E], { account: challenger.account });
      const appeal = await f.jury.read.vote([a, E, 1n, 1]);
      expect(appeal.jurors.length).to.equal(1);
      const [appealJuror] = appeal.jurors;
      expect(first.jurors).to.not.include(appealJuror);
      await tickAll();
      await f.networkHelpers.time.increaseTo(appeal.commitEndsAt);
      await tickAll();
      await f.networkHelpers.time.increaseTo(appeal.revealEndsAt);
      await tickAll();
      const closed = await f.jury.read.vote([a, E, 1n, 1]);
      expect([closed.closedAt !== 0n, [...closed.revealed], [...closed.votes]]).to.deep.equal([
        true,
        [true],
        [true],
      ]);
      const juror = nodes[Number(appealJuror) - 1];
      expect(
        juror.ctx.store.getVote({ agreementId: a, epoch: E, proposer: 1n, round: 1, jurorId: appealJuror })
          ?.status,
      ).to.equal("done");

      // The arbiter is silent and the appeal jury kept the transition: it lapses and finalizes.
      const deadline =
        accepted.challengeOpensAt + BigInt(f.params.challengePeriod) + BigInt(f.params.rulingPeriod);
      await f.networkHelpers.time.increaseTo(deadline);
      await tickAll();
      expect((await f.execution.read.proposal([a])).status).to.equal(6);
      const [report] = await verifyTransitions({
        client: f.publicClient,
        hub: f.hub.address,
        execution: f.execution.address,
        agreementId: a,
        epoch: E,
      });
      expect(report.pass).to.equal(true);
      expect(report.checks.map((c) => c.name)).to.include(`vote.1.${appealJuror}.prompt.hash`);
    } finally {
      for (const n of nodes) await n.stop();
    }
  });
});

describe("the node's clock with a jury", () => {
  it("ends the fallback's window after a rejection early enough for the fallback's own vote", () => {
    const params = {
      genesis: 1000n,
      epochLength: 3600,
      horizon: 1,
      reportWindow: 600,
      revealWindow: 600,
      executionWindow: 600,
      challengePeriod: 600,
      rulingPeriod: 600,
    };
    const c = clockOf({ ...params, jury: { jurySize: 2, voteCommitWindow: 300, voteRevealWindow: 300 } });
    // end(0) + L − (commit + reveal) − challengePeriod − rulingPeriod, as the execution contract.
    expect(fallbackWindowAfterRejection(c, 0n).closes).to.equal(1000n + 3600n + 3600n - 600n - 1200n);
    const none = clockOf({ ...params, jury: { jurySize: 0, voteCommitWindow: 0, voteRevealWindow: 0 } });
    expect(fallbackWindowAfterRejection(none, 0n).closes).to.equal(1000n + 3600n + 3600n - 1200n);
  });
});

async function clockEnd(f: HubFixture, e: bigint): Promise<bigint> {
  return f.genesis + (e + 1n) * BigInt(f.params.epochLength);
}
