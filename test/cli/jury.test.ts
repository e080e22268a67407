/**
 * `gengov jury show|vote|reveal|close|withdraw` with a human operator sitting as its candidate's
 * juror, and the jury in `transition show`, `status` and `transition challenge`. Two candidates run
 * by in-process nodes (simulated models) qualify; candidate 1 executes epoch 2 and its proposal
 * seats candidate 2 as its jury (jurySize 1, quorum 1). From there only the CLI acts: candidate 2's
 * operator commits and reveals, a challenger closes the ended vote and challenges, the arbiter
 * upholds, the transition is finalized, the juror is paid its fee and withdraws it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { network } from "hardhat";
import { keccak256, stringToBytes, toHex, type Hex } from "viem";

import { voteCommitment, type SavedVote } from "../../oracle/cli/commands/jury/reads.js";
import { createModel } from "../../oracle/models/index.js";
import type { GengovNode } from "../../oracle/node/GengovNode.js";
import { deployCli, type CliFixture } from "../fixtures/cli.js";
import { qualify } from "../fixtures/epochDriver.js";
import { CHALLENGER } from "../fixtures/execution.js";
import { WAD } from "../fixtures/hub.js";
import { makeNode, testSpec } from "../fixtures/node.js";

/** The epoch candidate 1 proposes: the first after the first revealed forecasts. */
const E = 2n;
const EXECUTOR_OPERATOR = 4;
const JUROR_OPERATOR = 5;
const STRANGER = 6;
const JURY = {
  jurySize: 1,
  juryQuorum: 1,
  appealJurySize: 1,
  voteCommitWindow: 300,
  voteRevealWindow: 300,
  juryFee: (1n * WAD).toString(),
  juryPenalty: (5n * WAD).toString(),
};

/** A unix time as the CLI writes dates: ISO 8601 in UTC, to the second. */
const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");

/**
 * Two candidates qualified by in-process nodes; candidate 1's node proposes epoch E, which seats
 * candidate 2 (operator JUROR_OPERATOR) as its jury. Only the executor's node ticks after qualifying:
 * the juror's seat is the human operator's.
 */
async function juriedProposal() {
  const x = await deployCli(await network.create());
  const spec = testSpec("steady-hand");
  const agreementId = await x.createAgreement({ minScored: 0, jury: JURY });
  const id = agreementId.toString();
  const specPath = x.file("steady-hand.json", JSON.stringify(spec));
  const steps: [string[], number][] = [
    [["candidate", "register", id, "--spec", specPath, "--bond", "100"], EXECUTOR_OPERATOR],
    [["candidate", "register", id, "--spec", specPath, "--bond", "100"], JUROR_OPERATOR],
    [["deposit", id, x.token.address, "1000"], 0],
    [["input", "submit", id, "--data", "boat 7 asks to fish 20% less next epoch"], 13],
  ];
  for (const [args, by] of steps) {
    const r = await x.run(args, { account: x.as(by) });
    if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.err}`);
  }
  const nodes = await Promise.all(
    [EXECUTOR_OPERATOR, JUROR_OPERATOR].map((walletIndex, i) =>
      makeNode({ ...x, agreementId }, x.provider, {
        walletIndex,
        candidates: [{ candidateId: BigInt(i + 1), spec, specPath }],
        createModel: (s) => createModel(s),
      }),
    ),
  );
  const [p] = await x.hub.read.agreement([agreementId]);
  const driven = { ...x, agreementId, genesis: p.genesis, params: x.params };
  const ticked = nodes.map((n) => ({ pump: () => n.tick(), logs: [] }));
  if ((await qualify(driven, agreementId, [1n, 2n], ticked)) !== E) throw new Error("not qualified for E");
  await x.networkHelpers.time.increaseTo(p.genesis + (E + 1n) * 3600n + 1n);
  await nodes[0].tick();
  const live = await x.execution.read.proposal([agreementId]);
  if (live.epoch !== E || live.candidateId !== 1n) throw new Error("candidate 1 did not propose epoch 2");
  const openedAt = (await x.jury.read.vote([agreementId, E, 1n, 0])).openedAt;
  return { x, agreementId, nodes, openedAt };
}

describe("cli: jury", function () {
  this.timeout(180_000);
  let x: CliFixture;
  let id: string;
  let agreementId: bigint;
  let token: Hex;
  let symbol: string;
  let nodes: GengovNode[] = [];
  let stateDir: string;
  let openedAt: bigint;
  const where = () => ["--agreement", id, "--epoch", E.toString()];
  const juror = () => ({ account: x.as(JUROR_OPERATOR) });
  const vote = (extra: string[] = []) => [
    "jury",
    "vote",
    ...where(),
    "--candidate",
    "2",
    "--vote",
    "accept",
    "--rationale",
    "the state follows the inputs and pays the first input's sender within the cap",
    "--state-dir",
    stateDir,
    ...extra,
  ];
  const reveal = (dir = stateDir) => ["jury", "reveal", ...where(), "--candidate", "2", "--state-dir", dir];
  const key = () => ({ agreementId, epoch: E, proposer: 1n, round: 0 as const });
  const view = () => x.jury.read.vote([agreementId, E, 1n, 0]);
  const to = async (t: bigint) => {
    if (BigInt(await x.networkHelpers.time.latest()) < t) await x.networkHelpers.time.increaseTo(t);
  };

  before(async () => {
    ({ x, agreementId, nodes, openedAt } = await juriedProposal());
    id = agreementId.toString();
    token = x.token.address;
    symbol = await x.token.read.symbol();
    stateDir = mkdtempSync(join(tmpdir(), "gengov-jury-state-"));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("jury show, transition show and status: the seated juror and the vote's windows while it runs", async () => {
    const v = await view();
    expect(v.jurors).to.deep.equal([2n]);
    const r = await x.run(["jury", "show", ...where()]);
    expect(r.code, r.err).to.equal(0);
    const out = r.json();
    expect(out).to.include({ jury: x.jury.address, agreementId: id, epoch: "2", proposer: "1" });
    expect(out.rounds).to.have.length(1);
    expect(out.rounds[0]).to.include({
      round: 0,
      openedAt: openedAt.toString(),
      commitEndsAt: (openedAt + 300n).toString(),
      revealEndsAt: (openedAt + 600n).toString(),
      closedAt: "0",
      quorum: "1",
      decision: "open",
    });
    expect(out.rounds[0].jurors).to.deep.equal([
      {
        seat: 0,
        jurorId: "2",
        committed: false,
        revealed: false,
        vote: null,
        rationale: null,
        rationaleHash: null,
        manifest: null,
        paid: "0",
        charged: "0",
      },
    ]);
    const human = (await x.run(["jury", "show", ...where()], { json: false })).out.join("\n");
    expect(human).to.include(
      `epoch 2's jury (agreement ${id}, proposer 1): 1 juror(s), quorum 1; commit window ends at ${iso(openedAt + 300n)}`,
    );
    expect(human).to.match(/\n0\s+2\s+no\s+no\s+-\s+-/);
    const shown = (await x.run(["transition", "show", id], { json: false })).out.join("\n");
    expect(shown).to.include("current: epoch 2 by candidate 1, voting");
    expect(shown).to.include(
      `  jury: 2 not committed; 0 accept, 0 reject (quorum 1); voting: commit window ends at ${iso(openedAt + 300n)}`,
    );
    expect(shown).to.include(`reveal window ends at ${iso(openedAt + 600n)}`);
    const status = (await x.run(["status", id], { json: false })).out.join("\n");
    expect(status).to.include("last transition: epoch 2 by candidate 1, voting");
    expect(status).to.include("  jury: 2 not committed");
    const statusJson = (await x.run(["status", id])).json();
    expect(statusJson.jury.rounds[0].jurors[0]).to.include({ jurorId: "2", committed: false });
  });

  it("bad input before the vote: one line, nonzero exit, nothing sent", async () => {
    const cases: [string[], number, string, number?][] = [
      [vote(["--vote", "maybe"]), 2, `--vote: expected "accept" or "reject", got "maybe"`],
      [
        vote(["--candidate", "1"]),
        2,
        `candidate 1 is not a juror of epoch 2's jury (agreement ${id}, proposer 1); its jurors are 2`,
      ],
      [
        vote(["--round", "1"]),
        2,
        `no vote was opened for epoch 2's appeal jury (agreement ${id}, proposer 1)`,
      ],
      [
        vote(["--round", "2"]),
        2,
        `--round: expected 0 (the proposal's jury) or 1 (the appeal jury), got "2"`,
      ],
      [
        [
          "jury",
          "vote",
          "--agreement",
          id,
          "--epoch",
          "7",
          "--candidate",
          "2",
          "--vote",
          "accept",
          "--rationale",
          "x",
        ],
        2,
        `agreement ${id} has no proposal for epoch 7`,
      ],
      [
        reveal(),
        2,
        `the reveal window of epoch 2's jury (agreement ${id}, proposer 1) opens at ${iso(openedAt + 300n)}`,
      ],
      [
        ["jury", "close", ...where()],
        2,
        `epoch 2's jury (agreement ${id}, proposer 1) can be closed from ${iso(openedAt + 600n)}`,
      ],
      [
        ["transition", "challenge", id, "2"],
        2,
        `epoch 2's transition is being voted on by its jury until ${iso(openedAt + 600n)} (in 10m); it can be challenged once accepted`,
        CHALLENGER,
      ],
    ];
    for (const [args, code, line, by] of cases) {
      const r = await x.run(args, { account: x.as(by ?? JUROR_OPERATOR) });
      expect(r.code, args.join(" ")).to.equal(code);
      expect(r.err.split("\n")[0], args.join(" ")).to.match(new RegExp(`^gengov: ${escape(line)}`));
      expect(r.err.trim().split("\n"), args.join(" ")).to.have.length(1);
    }
    // A key that is not the seat's operator: the contract's CallerNotJuror, decoded.
    const stranger = await x.run(vote(), { account: x.as(STRANGER) });
    expect(stranger.code).to.equal(1);
    expect(stranger.err).to.equal(
      `gengov: reverted: commitVote: CallerNotJuror: ${x.as(STRANGER).address} is not the operator of juror 2\n`,
    );
    expect((await view()).commitments).to.deep.equal([`0x${"0".repeat(64)}`]);
    // The vote was saved before commitVote was sent (and refused): its salt is on disk.
    const saved = readdirSync(join(stateDir, "votes")).map(
      (f) => JSON.parse(readFileSync(join(stateDir, "votes", f), "utf8")) as SavedVote,
    );
    expect(saved).to.have.length(1);
    expect(saved[0]).to.include({ jurorId: "2", accept: true });
    expect(saved[0].salt).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("jury vote: saves salt, vote and manifest, then commits what the contract's voteCommitment computes", async () => {
    const before = new Set(existsSync(join(stateDir, "votes")) ? readdirSync(join(stateDir, "votes")) : []);
    const r = await x.run(vote(), juror());
    expect(r.code, r.err).to.equal(0);
    const out = r.json();
    const saved = JSON.parse(readFileSync(out.saved, "utf8")) as SavedVote;
    expect(before.has(out.saved.split("/").at(-1))).to.equal(false);
    expect(saved).to.include({ accept: true, jurorId: "2", seat: 0, round: 0, epoch: "2", proposer: "1" });
    expect(saved.salt).to.match(/^0x[0-9a-f]{64}$/);
    const manifest = JSON.parse(saved.manifest);
    expect(manifest).to.deep.equal({
      version: 1,
      kind: "vote",
      chainId: await x.publicClient.getChainId(),
      jury: x.jury.address,
      agreementId: id,
      epoch: "2",
      proposer: "1",
      round: 0,
      jurorId: "2",
      vote: "accept",
      operator: "human",
      rationale: "the state follows the inputs and pays the first input's sender within the cap",
    });
    const rationaleHash = keccak256(toHex(stringToBytes(saved.manifest)));
    expect(saved.rationaleHash).to.equal(rationaleHash);
    const local = voteCommitment({
      chainId: await x.publicClient.getChainId(),
      jury: x.jury.address,
      key: key(),
      jurorId: 2n,
      accept: true,
      rationaleHash,
      salt: saved.salt,
    });
    const contract = await x.jury.read.voteCommitment([
      agreementId,
      E,
      1n,
      0,
      2n,
      true,
      rationaleHash,
      saved.salt,
    ]);
    expect(local).to.equal(contract);
    expect(saved.commitment).to.equal(contract);
    expect((await view()).commitments).to.deep.equal([contract]);
    // The local hash binds every field: another vote, juror or salt hashes differently.
    const other = {
      chainId: await x.publicClient.getChainId(),
      jury: x.jury.address,
      key: key(),
      jurorId: 2n,
      accept: true,
      rationaleHash,
      salt: saved.salt,
    };
    expect(voteCommitment({ ...other, accept: false })).to.not.equal(contract);
    expect(voteCommitment({ ...other, key: { ...key(), round: 1 } })).to.not.equal(contract);
    const shown = (await x.run(["jury", "show", ...where()])).json();
    expect(shown.rounds[0].jurors[0]).to.include({ committed: true, revealed: false, vote: null });
  });

  it("reveal: refused without the saved vote, and after the commit window no new vote is taken", async () => {
    await to(openedAt + 300n);
    const late = await x.run(vote(), juror());
    expect(late.code).to.equal(2);
    expect(late.err).to.match(
      new RegExp(
        `^gengov: ${escape(`the commit window of epoch 2's jury (agreement ${id}, proposer 1) closed at ${iso(openedAt + 300n)} (`)}.+\\)\n$`,
      ),
    );
    const elsewhere = mkdtempSync(join(tmpdir(), "gengov-jury-empty-"));
    const missing = await x.run(reveal(elsewhere), juror());
    expect(missing.code).to.equal(2);
    expect(missing.err).to.match(
      new RegExp(
        `^gengov: no saved vote for juror 2's commitment 0x[0-9a-f]{64} in epoch 2's jury \\(agreement ${id}, proposer 1\\) \\(looked for ${escape(elsewhere)}/votes/.+\\.json\\)\n$`,
      ),
    );
  });

  it("jury reveal: reveals the saved vote; show has the vote, its rationale and its manifest hash", async () => {
    const r = await x.run(reveal(), juror());
    expect(r.code, r.err).to.equal(0);
    const v = await view();
    expect(v.revealed).to.deep.equal([true]);
    expect(v.votes).to.deep.equal([true]);
    expect(v.accepts).to.equal(1n);
    const [event] = await x.publicClient.getContractEvents({
      address: x.jury.address,
      abi: x.jury.abi,
      eventName: "VoteRevealed",
      fromBlock: 0n,
    });
    const shown = (await x.run(["jury", "show", ...where()])).json();
    expect(shown.rounds[0].jurors[0]).to.include({
      committed: true,
      revealed: true,
      vote: "accept",
      rationale: "the state follows the inputs and pays the first input's sender within the cap",
      rationaleHash: event.args.rationaleHash,
    });
    expect(keccak256(toHex(stringToBytes(shown.rounds[0].jurors[0].manifest)))).to.equal(
      event.args.rationaleHash,
    );
    const human = (await x.run(["jury", "show", ...where()], { json: false })).out.join("\n");
    expect(human).to.include(
      `  juror 2 accept: "the state follows the inputs and pays the first input's sender within the cap" (manifest ${event.args.rationaleHash})`,
    );
    // gengov verify reads the hand-cast vote: its hash, form and binding check; no model call to redo.
    const verified = await x.run(["verify", id, "--epoch", "2"]);
    expect(verified.code, verified.err).to.equal(0);
    const checks = verified.json()[0].checks as { name: string; ok: boolean; detail: string }[];
    const voteChecks = checks.filter((c) => c.name.startsWith("vote.0.2."));
    expect(voteChecks.map((c) => [c.name, c.ok])).to.deep.equal([
      ["vote.0.2.hash", true],
      ["vote.0.2.canonical", true],
      ["vote.0.2.schema", true],
      ["vote.0.2.binding", true],
    ]);
    expect(voteChecks[2].detail).to.equal("cast by hand (operator: human): no model call to check");
    const again = await x.run(reveal(), juror());
    expect(again.code).to.equal(2);
    expect(again.err).to.equal(
      `gengov: juror 2 already revealed its vote in epoch 2's jury (agreement ${id}, proposer 1)\n`,
    );
  });

  it("transition challenge closes the ended vote first, then challenges the accepted transition", async () => {
    await to(openedAt + 600n);
    const r = await x.run(["transition", "challenge", id, "2"], { account: x.as(CHALLENGER) });
    expect(r.code, r.err).to.equal(0);
    const v = await view();
    expect(v.closedAt).to.not.equal(0n);
    expect(v.accepted).to.equal(true);
    const live = await x.execution.read.proposal([agreementId]);
    expect(live.challenges.map((c) => c.challenger)).to.deep.equal([x.as(CHALLENGER).address]);
    const closed = await x.run(["jury", "close", ...where()], { account: x.as(16) });
    expect(closed.code).to.equal(2);
    expect(closed.err).to.match(
      new RegExp(`^gengov: epoch 2's jury \\(agreement ${id}, proposer 1\\) was closed at .+: accepted\n$`),
    );
    const shown = (await x.run(["jury", "show", ...where()])).json();
    expect(shown.rounds[0]).to.include({ decision: "accepted", accepts: "1", rejects: "0" });
  });

  it("after the ruling and finalization the juror's fee is shown and withdrawn", async () => {
    const nothing = await x.run(["jury", "withdraw", "--token", token], juror());
    expect(nothing.code).to.equal(1);
    expect(nothing.err).to.include(
      `reverted: withdrawFees: NothingOwed: nothing is owed to ${x.as(JUROR_OPERATOR).address}`,
    );
    for (const args of [
      ["transition", "rule", id, "2", "uphold"],
      ["transition", "finalize", id, "2"],
    ]) {
      const r = await x.run(args, { account: x.as(0) });
      expect(r.code, r.err).to.equal(0);
    }
    const shown = (await x.run(["jury", "show", ...where()])).json();
    expect(shown.settlement).to.deep.equal({ accepted: true, fees: WAD.toString(), penalties: "0" });
    expect(shown.rounds[0].jurors[0]).to.include({ paid: WAD.toString(), charged: "0" });
    expect(shown.owed).to.deep.equal([{ operator: x.as(JUROR_OPERATOR).address, amount: WAD.toString() }]);
    const human = (await x.run(["jury", "show", ...where()], { json: false })).out.join("\n");
    expect(human).to.include(`settled: the transition finalized; fees 1 ${symbol}, penalties 0 ${symbol}`);
    expect(human).to.include(
      `  ${x.as(JUROR_OPERATOR).address} may withdraw 1 ${symbol} (gengov jury withdraw)`,
    );
    const balance = await x.token.read.balanceOf([x.as(JUROR_OPERATOR).address]);
    const w = await x.run(["jury", "withdraw", "--token", token], { ...juror(), json: false });
    expect(w.code, w.err).to.equal(0);
    expect(w.out[0]).to.match(new RegExp(`^withdrew 1 ${symbol} of jury fees`));
    expect(await x.token.read.balanceOf([x.as(JUROR_OPERATOR).address])).to.equal(balance + WAD);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("cli: a jury that rejects", function () {
  this.timeout(180_000);
  let x: CliFixture;
  let id: string;
  let nodes: GengovNode[] = [];
  let openedAt: bigint;
  let agreementId: bigint;

  before(async () => {
    ({ x, agreementId, nodes, openedAt } = await juriedProposal());
    id = agreementId.toString();
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("a reject vote, a reveal after the window refused, and challenge closes the vote: rejected, nothing to challenge", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "gengov-jury-state-"));
    const where = ["--agreement", id, "--epoch", "2"];
    const juror = { account: x.as(JUROR_OPERATOR) };
    const committed = await x.run(
      [
        "jury",
        "vote",
        ...where,
        "--candidate",
        "2",
        "--vote",
        "reject",
        "--rationale",
        "pays too much",
        "--state-dir",
        stateDir,
      ],
      juror,
    );
    expect(committed.code, committed.err).to.equal(0);
    // Silent until the reveal window closed: the reveal is refused with the window's end.
    await x.networkHelpers.time.increaseTo(openedAt + 600n);
    const late = await x.run(
      ["jury", "reveal", ...where, "--candidate", "2", "--state-dir", stateDir],
      juror,
    );
    expect(late.code).to.equal(2);
    expect(late.err).to.match(
      new RegExp(
        `^gengov: ${escape(`the reveal window of epoch 2's jury (agreement ${id}, proposer 1) closed at ${iso(openedAt + 600n)} (`)}.+\\)\n$`,
      ),
    );
    // Nobody revealed: the silent jury rejects. challenge closes the vote first and says so.
    const challenge = await x.run(["transition", "challenge", id, "2"], { account: x.as(CHALLENGER) });
    expect(challenge.code).to.equal(1);
    expect(challenge.err).to.equal(
      `gengov: closed epoch 2's jury (agreement ${id}, proposer 1): it rejected the transition (0 accept, 0 reject); nothing to challenge\n`,
    );
    const v = await x.jury.read.vote([agreementId, E, 1n, 0]);
    expect([v.closedAt !== 0n, v.accepted]).to.deep.equal([true, false]);
    const shown = (await x.run(["jury", "show", ...where])).json();
    expect(shown.rounds[0]).to.include({ decision: "rejected", accepts: "0", rejects: "0" });
    expect(shown.rounds[0].jurors[0]).to.include({ committed: true, revealed: false, vote: null });
    const human = (await x.run(["jury", "show", ...where], { json: false })).out.join("\n");
    expect(human).to.match(/: rejected; 0 accept, 0 reject/);
    const transitions = await x.run(["transition", "show", id]);
    expect(transitions.json().proposals[0]).to.include({ epoch: "2", candidateId: "1", status: "rejected" });
    const text = (await x.run(["transition", "show", id], { json: false })).out.join("\n");
    expect(text).to.include("current: epoch 2 by candidate 1, rejected");
    expect(text).to.include(
      "  jury: 2 committed, not revealed; 0 accept, 0 reject (quorum 1); decision: rejected",
    );
  });
});
