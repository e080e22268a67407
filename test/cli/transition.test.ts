/**
 * `gengov status`, `transition show|challenge|rule|finalize`, `payment withdraw` and `verify` (with
 * and without --rerun) on a transition proposed by an in-process node running a simulated model:
 * the agreement, candidate, treasury and inputs are set up through the CLI, the node forecasts until
 * it is scored (a never-scored model never executes) and proposes epoch 2, the first it may execute,
 * and every --json output is checked against the execution contract.
 */
import { expect } from "chai";

import { network } from "hardhat";
import { formatUnits, hexToString, zeroHash, type Hex } from "viem";

import { createModel } from "../../oracle/models/index.js";
import type { GengovNode } from "../../oracle/node/GengovNode.js";
import { deployCli, type CliFixture } from "../fixtures/cli.js";
import { qualify } from "../fixtures/epochDriver.js";
import { CHALLENGER, Status } from "../fixtures/execution.js";
import { WAD } from "../fixtures/hub.js";
import { makeNode, testSpec } from "../fixtures/node.js";

const PAYEE = 13;
/** The epoch the node proposes: the first after its first revealed forecast. */
const E = 2n;

/** A unix time as the CLI writes dates: ISO 8601 in UTC, to the second. */
const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");
/** A duration under a day as the CLI writes it: its two largest non-zero units ("1h", "59m 30s"). */
const minutes = (s: bigint) =>
  (
    [
      [s / 3600n, "h"],
      [(s % 3600n) / 60n, "m"],
      [s % 60n, "s"],
    ] as const
  )
    .filter(([n]) => n > 0n)
    .slice(0, 2)
    .map(([n, u]) => `${n}${u}`)
    .join(" ") || "0s";

describe("cli: transitions, status, payments, verify", function () {
  this.timeout(120_000);
  let x: CliFixture;
  let id: string;
  let token: Hex;
  let symbol: string;
  let node: GengovNode;
  let proposed: {
    newState: Hex;
    newStateHash: Hex;
    manifestHash: Hex;
    actions: readonly { token: Hex; to: Hex; amount: bigint }[];
  };
  const spec = testSpec("steady-hand");
  const REWARD = (50n * WAD) / 100n; // 1% of the per-epoch cap, paid to the epoch's first input

  before(async () => {
    x = await deployCli(await network.create());
    token = x.token.address;
    symbol = await x.token.read.symbol();
    const agreementId = await x.createAgreement({ minScored: 0 });
    id = agreementId.toString();
    const specPath = x.file("steady-hand.json", JSON.stringify(spec));
    const steps: [string[], number][] = [
      [["candidate", "register", id, "--spec", specPath, "--bond", "100"], 4],
      [["deposit", id, token, "1000"], 0],
      [["input", "submit", id, "--data", "boat 7 asks to fish 20% less next epoch"], PAYEE],
      [["input", "submit", id, "--file", x.file("report.txt", "cooperative catch report: 412 kg")], 14],
    ];
    for (const [args, by] of steps) {
      const r = await x.run(args, { account: x.as(by) });
      if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.err}`);
    }
    node = await makeNode({ ...x, agreementId }, x.provider, {
      walletIndex: 4,
      candidates: [{ candidateId: 1n, spec, specPath }],
      createModel: (s) => createModel(s),
    });
    const [p] = await x.hub.read.agreement([agreementId]);
    // The fisheries example has the default clock (3600 s epochs, 600 s windows, horizon 1).
    const driven = { ...x, agreementId, genesis: p.genesis, params: x.params };
    const ticked = { pump: () => node.tick(), logs: [] };
    if ((await qualify(driven, agreementId, [1n], [ticked])) !== E) throw new Error("not qualified for E");
    await x.networkHelpers.time.increaseTo(p.genesis + (E + 1n) * 3600n + 1n);
    await node.tick(); // candidate 1 is epoch E's executor and proposes
    const [event] = await x.publicClient.getContractEvents({
      address: x.execution.address,
      abi: x.execution.abi,
      eventName: "TransitionProposed",
      args: { agreementId },
      fromBlock: 0n,
    });
    if (!event) throw new Error("the node did not propose");
    proposed = event.args as typeof proposed;
  });

  after(async () => {
    await node?.stop();
  });

  it("transition show: the live proposal and the proposal history as the execution contract holds them", async () => {
    const r = await x.run(["transition", "show", id]);
    expect(r.code, r.err).to.equal(0);
    const out = r.json();
    const live = await x.execution.read.proposal([BigInt(id)]);
    expect(out.current).to.include({
      epoch: "2",
      candidateId: "1",
      status: "Proposed",
      proposedAt: live.proposedAt.toString(),
    });
    expect(out.current.challenges).to.deep.equal([]);
    expect(out.stateHash).to.equal(zeroHash);
    expect(out.proposals).to.have.length(1);
    expect(out.proposals[0]).to.include({
      epoch: "2",
      candidateId: "1",
      newStateHash: proposed.newStateHash,
      manifestHash: proposed.manifestHash,
      newState: hexToString(proposed.newState),
    });
    expect(JSON.parse(out.proposals[0].newState)).to.include({ lastEpoch: "2", inputsSeen: 2 });
    expect(out.proposals[0].actions).to.deep.equal([
      { token, to: x.as(PAYEE).address, amount: REWARD.toString() },
    ]);
    expect(out.proposals[0]).to.include({ status: "pending", challengers: 0, challengeLapsed: false });
    expect(out.proposals[0].payments).to.deep.equal([
      { token, to: x.as(PAYEE).address, amount: REWARD.toString() },
    ]);
    const human = (await x.run(["transition", "show", id], { json: false })).out.join("\n");
    const ends = live.proposedAt + 900n;
    const now = BigInt(await x.networkHelpers.time.latest());
    expect(human).to.include(
      `current: epoch 2 by candidate 1, pending, challenge period ends at ${iso(ends)} (in ${minutes(ends - now)})`,
    );
    expect(human).to.match(/\n2\s+1\s+pending\s+0x[0-9a-f]{16}…\s+1\s/);
    expect(human).to.include(`epoch 2 pays once finalized 0.5 ${symbol} to ${x.as(PAYEE).address}`);
    const none = await x.run(["transition", "show", id, "--epoch", "5"]);
    expect(none.code).to.equal(1);
    expect(none.err).to.equal(`gengov: transition show: agreement ${id} has no transition for epoch 5\n`);
  });

  it("status: epoch, open phases, executor, last transition and candidates", async () => {
    const r = await x.run(["status", id]);
    expect(r.code, r.err).to.equal(0);
    const out = r.json();
    const now = (await x.publicClient.getBlock()).timestamp;
    const [p] = await x.hub.read.agreement([BigInt(id)]);
    const end2 = p.genesis + 3n * 3600n;
    expect(out).to.include({ agreementId: id, epoch: "3", now: now.toString() });
    expect(out.secondsLeftInEpoch).to.equal((end2 + 3600n - now).toString());
    expect(out.phases).to.deep.include({
      phase: "report window of epoch 2",
      secondsLeft: (end2 + 600n - now).toString(),
    });
    expect(out.phases).to.deep.include({
      phase: "execution window of epoch 2",
      secondsLeft: (end2 + 600n - now).toString(),
    });
    expect(out.executor).to.deep.equal({ epoch: "2", executor: "1", fallback: "0", fixed: true });
    expect(out.lastTransition).to.include({ epoch: "2", candidateId: "1", status: "Proposed" });
    expect(out.pendingChallenges).to.deep.equal([]);
    const c = await x.hub.read.candidate([BigInt(id), 1n]);
    expect(out.candidates).to.have.length(1);
    expect(out.candidates[0]).to.include({
      candidateId: "1",
      bond: c.bond.toString(),
      score: c.score.toString(),
      eligible: true,
      // Target 1 revealed; target 2's reveal window is still ahead: nothing owed.
      cursor: "2",
      upToDate: true,
      owedMisses: "0",
    });
    const human = await x.run(["status", id], { json: false });
    expect(human.out.join("\n")).to.match(
      /id\s+state\s+score\s+scored\s+eligible\s+cursor\s+upToDate\s+bond/,
    );
    expect(human.out.join("\n")).to.match(
      new RegExp(
        `\\n1\\s+active\\s+\\d\\.\\d{4}\\s+1\\s+true\\s+2\\s+yes\\s+${formatUnits(c.bond, 18)} ${symbol}\\s`,
      ),
    );
    expect(human.out.join("\n")).to.include(`agreement ${id}: epoch 3, ${minutes(end2 + 3600n - now)} left`);
    expect(human.out.join("\n")).to.include("last transition: epoch 2 by candidate 1, pending");
  });

  it("verify: every check of the node's transition passes (exit 0)", async () => {
    const r = await x.run(["verify", id]);
    expect(r.code, r.err).to.equal(0);
    const [t, ...rest] = r.json();
    expect(rest).to.deep.equal([]);
    expect(t).to.include({
      epoch: "2",
      candidateId: "1",
      manifestHash: proposed.manifestHash,
      finalized: false,
      status: "pending",
      pass: true,
    });
    expect(t.checks.filter((c: { ok: boolean }) => !c.ok)).to.deep.equal([]);
    expect(t.checks.map((c: { name: string }) => c.name)).to.deep.equal([
      "manifest.hash",
      "manifest.canonical",
      "manifest.schema",
      "state.previous",
      "inputs.chain",
      "spec.hash",
      "state.hash",
      "state.canonical",
      "manifest.binding",
      "text.hash",
      "spec.embedded",
      "inputs.count",
      "output.hash",
      "outcomes.match",
      "prompt.hash",
    ]);
    expect(t).to.not.have.property("rerun");
  });

  it("verify --rerun: the simulated spec answers the same again", async () => {
    const r = await x.run(["verify", id, "--rerun"]);
    expect(r.code, r.err).to.equal(0);
    expect(r.json()[0].rerun).to.deep.equal({ same: true, diff: [] });
    const human = await x.run(["verify", id, "--rerun"], { json: false });
    expect(human.out.join("\n")).to.include("epoch 2 candidate 1: PASS").and.include("rerun: same output");
  });

  it("jury show on an agreement without a jury: says no jury was seated, no rounds", async () => {
    const r = await x.run(["jury", "show", "--agreement", id, "--epoch", "2"], { json: false });
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.deep.equal([
      `no jury was seated on epoch 2's proposal by candidate 1 (agreement ${id})`,
    ]);
    const json = (await x.run(["jury", "show", "--agreement", id, "--epoch", "2"])).json();
    expect(json).to.include({ epoch: "2", proposer: "1", settlement: null });
    expect(json.rounds).to.deep.equal([]);
  });

  it("transition challenge: posts the challenge bond; a second challenger joins; status shows both", async () => {
    const balance = await x.token.read.balanceOf([x.as(CHALLENGER).address]);
    const r = await x.run(["transition", "challenge", id, "2"], { account: x.as(CHALLENGER) });
    expect(r.code, r.err).to.equal(0);
    expect(await x.token.read.balanceOf([x.as(CHALLENGER).address])).to.equal(balance - 20n * WAD);
    const second = await x.run(["transition", "challenge", id, "2"], { account: x.as(15), json: false });
    expect(second.out[0]).to.equal(`challenged epoch 2 with a bond of 20 ${symbol}`);
    expect(second.code, second.err).to.equal(0);
    const live = await x.execution.read.proposal([BigInt(id)]);
    expect(live.status).to.equal(Status.Challenged);
    expect(live.challenges).to.deep.equal([
      { challenger: x.as(CHALLENGER).address, bond: 20n * WAD },
      { challenger: x.as(15).address, bond: 20n * WAD },
    ]);
    const status = (await x.run(["status", id])).json();
    expect(status.pendingChallenges).to.deep.equal([
      { challenger: x.as(CHALLENGER).address, bond: (20n * WAD).toString() },
      { challenger: x.as(15).address, bond: (20n * WAD).toString() },
    ]);
    expect(status.lastTransition.status).to.equal("Challenged");
    const human = (await x.run(["status", id], { json: false })).out.join("\n");
    expect(human).to.include("last transition: epoch 2 by candidate 1, challenged by 2 challenger(s)");
    expect(human).to.include(`  challenged by ${x.as(15).address} with 20 ${symbol}`);
    expect((await x.run(["transition", "show", id])).json().proposals[0]).to.include({
      status: "challenged",
      challengers: 2,
    });

    const again = await x.run(["transition", "challenge", id, "2"], { account: x.as(15) });
    expect(again.code).to.equal(1);
    expect(again.err).to.include(`reverted: challenge: AlreadyChallenged(2, ${x.as(15).address})`);
    // The executor's own operator (also its owner) may not challenge its transition.
    const self = await x.run(["transition", "challenge", id, "2"], { account: x.as(4) });
    expect(self.code).to.equal(1);
    expect(self.err).to.include(`reverted: challenge: ProposerCannotChallenge(1, ${x.as(4).address})`);
  });

  it("transition rule: a bad ruling is exit 2, a non-arbiter is refused, the arbiter upholds", async () => {
    const bad = await x.run(["transition", "rule", id, "2", "maybe"], { account: x.as(0) });
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include('ruling: expected "uphold" or "reject", got "maybe"');

    const stranger = await x.run(["transition", "rule", id, "2", "reject"], { account: x.as(CHALLENGER) });
    expect(stranger.code).to.equal(1);
    expect(stranger.err).to.include(`reverted: rule: CallerNotArbiter(${x.as(CHALLENGER).address})`);

    const treasury = await x.hub.read.treasuryBalance([BigInt(id), token]);
    const r = await x.run(["transition", "rule", id, "2", "uphold"], { account: x.as(0) });
    expect(r.code, r.err).to.equal(0);
    expect((await x.execution.read.proposal([BigInt(id)])).status).to.equal(Status.Upheld);
    expect((await x.run(["transition", "show", id])).json().proposals[0].status).to.equal("upheld");
    // A failed challenge forfeits every challenger's bond to the treasury.
    expect(await x.hub.read.treasuryBalance([BigInt(id), token])).to.equal(treasury + 2n * 20n * WAD);
  });

  it("transition finalize: applies the upheld transition; the state, the payment and the executor count follow", async () => {
    const wrongEpoch = await x.run(["transition", "finalize", id, "3"], { account: x.as(16) });
    expect(wrongEpoch.code).to.equal(2);
    expect(wrongEpoch.err).to.include(`no current proposal for epoch 3 of agreement ${id}`);

    const r = await x.run(["transition", "finalize", id, "2"], { account: x.as(16) });
    expect(r.code, r.err).to.equal(0);
    expect((await x.execution.read.proposal([BigInt(id)])).status).to.equal(Status.Finalized);
    expect(await x.execution.read.stateHash([BigInt(id)])).to.equal(proposed.newStateHash);
    expect(await x.execution.read.owed([x.as(PAYEE).address, token])).to.equal(REWARD);
    expect((await x.hub.read.candidate([BigInt(id), 1n])).executions).to.equal(1);
    const show = (await x.run(["transition", "show", id])).json();
    expect(show.current.status).to.equal("Finalized");
    expect(show.stateHash).to.equal(proposed.newStateHash);
    expect(show.proposals[0]).to.include({ status: "finalized", challengers: 2 });
    const human = (await x.run(["transition", "show", id], { json: false })).out.join("\n");
    expect(human).to.match(/\n2\s+1\s+finalized\s/);
    expect(human).to.include(`epoch 2 paid 0.5 ${symbol} to ${x.as(PAYEE).address}`);

    const twice = await x.run(["transition", "finalize", id, "2"], { account: x.as(16) });
    expect(twice.code).to.equal(1);
    expect(twice.err).to.include("reverted: finalize: TransitionStatusInvalid(2, Finalized)");
  });

  it("payment withdraw: the payee pulls what the transition paid it; nothing is owed twice", async () => {
    const balance = await x.token.read.balanceOf([x.as(PAYEE).address]);
    const r = await x.run(["payment", "withdraw", token], { account: x.as(PAYEE) });
    expect(r.code, r.err).to.equal(0);
    expect(r.json().tx).to.match(/^0x[0-9a-f]{64}$/);
    expect(r.json().amount).to.equal(REWARD.toString());
    expect(await x.token.read.balanceOf([x.as(PAYEE).address])).to.equal(balance + REWARD);
    expect(await x.execution.read.owed([x.as(PAYEE).address, token])).to.equal(0n);

    const twice = await x.run(["payment", "withdraw", token], { account: x.as(PAYEE) });
    expect(twice.code).to.equal(1);
    expect(twice.err).to.equal(
      `gengov: reverted: withdrawPayment: NothingOwed: nothing is owed to ${x.as(PAYEE).address} in ${symbol} (${token})\n`,
    );
  });

  it("verify after finalization: still passes and reports the transition as finalized", async () => {
    const r = await x.run(["verify", id, "--epoch", "2"]);
    expect(r.code, r.err).to.equal(0);
    expect(r.json()).to.have.length(1);
    expect(r.json()[0]).to.include({ pass: true, finalized: true, status: "finalized" });
    expect(r.json()[0].payments).to.deep.equal([
      { token, to: x.as(PAYEE).address, amount: REWARD.toString() },
    ]);
    const human = (await x.run(["verify", id, "--epoch", "2"], { json: false })).out.join("\n");
    expect(human).to.include("epoch 2 candidate 1: PASS (finalized)");
    expect(human).to.include(`  paid 0.5 ${symbol} to ${x.as(PAYEE).address}`);
    const other = await x.run(["verify", id, "--epoch", "3"]);
    expect(other.code, other.err).to.equal(0);
    expect(other.json()).to.deep.equal([]);
  });
});
