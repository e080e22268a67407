/**
 * `gengov candidate register|show|top-up|poke|exit|withdraw` and `outcome report` in-process: bonds,
 * eligibility, cursor and up-to-dateness checked against the hub, the exit delay enforced, and the
 * decoded reverts of a bond below minBond, a bond the sender cannot pay, a report outside its window
 * and a withdrawal before the exit delay.
 */
import { expect } from "chai";

import { network } from "hardhat";
import { formatUnits, type Hex } from "viem";

import { specHash } from "../../oracle/models/spec.js";
import { deployCli, type CliFixture } from "../fixtures/cli.js";
import { WAD } from "../fixtures/hub.js";
import { testSpec } from "../fixtures/node.js";

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

describe("cli: candidates and outcomes", function () {
  this.timeout(120_000);
  let x: CliFixture;
  let id: string;
  let genesis: bigint;
  const spec = testSpec("alpha");
  let specPath: string;

  before(async () => {
    x = await deployCli(await network.create());
    id = (await x.createAgreement({ minScored: 0 })).toString();
    genesis = (await x.hub.read.agreement([BigInt(id)]))[0].genesis;
    specPath = x.file("alpha.json", JSON.stringify(spec));
  });

  const show = async (cid: string) => {
    const r = await x.run(["candidate", "show", id, cid]);
    expect(r.code, r.err).to.equal(0);
    return r.json();
  };

  it("candidate register: bonds and registers with the spec's canonical hash; candidate show matches the hub", async () => {
    // Registered in epoch 0 with horizon 1: it answers from target 1 on, owes nothing yet, and is not
    // eligible until a revealed forecast brings its score (1.0 when never scored) under maxScore.
    const balance = await x.token.read.balanceOf([x.as(4).address]);
    const r = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "100"], {
      account: x.as(4),
    });
    expect(r.code, r.err).to.equal(0);
    expect(r.json()).to.include({
      agreementId: id,
      candidateId: "1",
      specHash: specHash(spec),
      bond: (100n * WAD).toString(),
    });
    expect(await x.token.read.balanceOf([x.as(4).address])).to.equal(balance - 100n * WAD);

    const onChain = await x.hub.read.candidate([BigInt(id), 1n]);
    expect(onChain).to.include({
      owner: x.as(4).address,
      operator: x.as(4).address,
      specHash: specHash(spec),
    });
    expect(await show("1")).to.deep.equal({
      owner: onChain.owner,
      operator: onChain.operator,
      specHash: onChain.specHash,
      bond: (100n * WAD).toString(),
      score: onChain.score.toString(),
      scoredCount: 0,
      misses: 0,
      executions: 0,
      exitAt: "0",
      exiting: false,
      withdrawn: false,
      eligible: false,
      cursor: "1",
      owedMisses: "0",
      upToDate: true,
    });
    const human = await x.run(["candidate", "show", id, "1"], { json: false });
    expect(human.out.join("\n")).to.include("up to date: yes (next target to account for: 1)");
  });

  it("candidate register --operator: the sender owns the candidate, the operator key runs it", async () => {
    const r = await x.run(
      ["candidate", "register", id, "--spec", specPath, "--bond", "150", "--operator", x.as(7).address],
      { account: x.as(6) },
    );
    expect(r.code, r.err).to.equal(0);
    const cid = r.json().candidateId as string;
    expect(await show(cid)).to.include({ owner: x.as(6).address, operator: x.as(7).address });
  });

  it("a bond below minBond: one line in tokens, exit 2, nothing approved or registered", async () => {
    const [, , before] = await x.hub.read.agreement([BigInt(id)]);
    const allowance = await x.token.read.allowance([x.as(5).address, x.hub.address]);
    const r = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "10"], {
      account: x.as(5),
    });
    expect(r.code).to.equal(2);
    const symbol = await x.token.read.symbol();
    expect(r.err).to.equal(
      `gengov: --bond: 10 ${symbol} is below agreement ${id}'s minBond of 100 ${symbol}\n`,
    );
    const [, , after] = await x.hub.read.agreement([BigInt(id)]);
    expect(after).to.equal(before);
    expect(await x.token.read.allowance([x.as(5).address, x.hub.address])).to.equal(allowance);
    // The hub refuses it too, with the same error, when something else sends it.
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      x.hub.write.registerCandidate([BigInt(id), specHash(spec), 10n * WAD, x.as(5).address], {
        account: x.wallets[5].account,
      }),
      x.hub,
      "BondBelowMinimum",
      [10n * WAD, 100n * WAD],
    );
  });

  it("candidate top-up: adds to the bond", async () => {
    const r = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "100"], {
      account: x.as(5),
    });
    expect(r.code, r.err).to.equal(0);
    const cid = r.json().candidateId as string;
    const top = await x.run(["candidate", "top-up", id, cid, "90"], { account: x.as(5) });
    expect(top.code, top.err).to.equal(0);
    expect(top.json().tx).to.match(/^0x[0-9a-f]{64}$/);
    expect(await show(cid)).to.include({ bond: (190n * WAD).toString() });
    expect((await x.hub.read.candidate([BigInt(id), BigInt(cid)])).bond).to.equal(190n * WAD);
  });

  it("a bond larger than the sender's balance: exit 1 with the token's ERC20InsufficientBalance in tokens", async () => {
    const [, , before] = await x.hub.read.agreement([BigInt(id)]);
    const balance = await x.token.read.balanceOf([x.as(8).address]);
    const r = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "2000000"], {
      account: x.as(8),
    });
    expect(r.code).to.equal(1);
    const symbol = await x.token.read.symbol();
    expect(r.err).to.equal(
      `gengov: reverted: registerCandidate: ERC20InsufficientBalance: ${x.as(8).address} holds ${formatUnits(balance, 18)} ${symbol}; 2000000 ${symbol} needed\n`,
    );
    const [, , after] = await x.hub.read.agreement([BigInt(id)]);
    expect(after).to.equal(before);
  });

  it("bad candidate input: an invalid spec file, a bad id, a bad amount: exit 2 naming the argument", async () => {
    const badSpec = x.file("bad-spec.json", JSON.stringify({ ...spec, temperature: 9 }));
    const r = await x.run(["candidate", "register", id, "--spec", badSpec, "--bond", "100"], {
      account: x.as(9),
    });
    expect(r.code).to.equal(2);
    expect(r.err).to.include(`--spec: ${badSpec}: Invalid model spec: temperature`);

    const badId = await x.run(["candidate", "show", id, "abc"]);
    expect(badId.code).to.equal(2);
    expect(badId.err).to.include('candidateId: expected a non-negative integer, got "abc"');

    const badBond = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "1e3"], {
      account: x.as(9),
    });
    expect(badBond.code).to.equal(2);
    expect(badBond.err).to.include('--bond: expected an amount like 100 or 12.5, got "1e3"');
  });

  it("outcome report: before the epoch ended exit 1 ReportWindowClosed; in the report window it is recorded", async () => {
    const opens = genesis + 3600n;
    const early = await x.run(["outcome", "report", id, "0", "1000", "5000"], { account: x.as(1) });
    expect(early.code).to.equal(1);
    const now = BigInt(await x.networkHelpers.time.latest());
    expect(early.err).to.equal(
      `gengov: reverted: reportOutcome: ReportWindowClosed: epoch 0's report window opens at ${iso(opens)} (in ${minutes(opens - now)})\n`,
    );

    const notInt = await x.run(["outcome", "report", id, "0", "10.5", "5000"], { account: x.as(1) });
    expect(notInt.code).to.equal(2);
    expect(notInt.err).to.include('values: expected integers, got "10.5"');

    await x.networkHelpers.time.increaseTo(opens);
    const stranger = await x.run(["outcome", "report", id, "0", "1000", "5000"], { account: x.as(9) });
    expect(stranger.code).to.equal(1);
    expect(stranger.err).to.include(`reverted: reportOutcome: ReporterUnknown(${x.as(9).address})`);

    const txs: Hex[] = [];
    for (const [reporter, values] of [
      [1, ["1000", "5000"]],
      [2, ["1010", "-20"]],
    ] as const) {
      const r = await x.run(["outcome", "report", id, "0", ...values], { account: x.as(reporter) });
      expect(r.code, r.err).to.equal(0);
      txs.push(r.json().tx);
    }
    const [status, , reports] = await x.hub.read.outcome([BigInt(id), 0n]);
    expect([status, reports]).to.deep.equal([0, 2]);
    const events = await x.publicClient.getContractEvents({
      address: x.hub.address,
      abi: x.hub.abi,
      eventName: "OutcomeReported",
      args: { agreementId: BigInt(id) },
      fromBlock: 0n,
    });
    expect(
      events.map((e) => [e.args.reporter, e.args.epoch, e.args.values, e.transactionHash]),
    ).to.deep.equal([
      [x.as(1).address, 0n, [1000n, 5000n], txs[0]],
      [x.as(2).address, 0n, [1010n, -20n], txs[1]],
    ]);
  });

  it("candidate exit then withdraw: refused before the exit delay, the bond paid back after it", async () => {
    const exitBy = await x.run(["candidate", "exit", id, "1"], { account: x.as(5) });
    expect(exitBy.code).to.equal(1);
    expect(exitBy.err).to.include(`reverted: requestExit: CallerNotOwner(1, ${x.as(5).address})`);

    const r = await x.run(["candidate", "exit", id, "1"], { account: x.as(4) });
    expect(r.code, r.err).to.equal(0);
    const receipt = await x.publicClient.getTransactionReceipt({ hash: r.json().tx });
    const { timestamp } = await x.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    const exitAt = timestamp + 10800n;
    expect(await show("1")).to.include({ exiting: true, eligible: false, exitAt: exitAt.toString() });
    const symbol = await x.token.read.symbol();
    const human = (await x.run(["candidate", "show", id, "1"], { json: false })).out.join("\n");
    expect(human).to.match(new RegExp(`\\nbond\\s+100 ${symbol}\\n`));
    expect(human).to.match(new RegExp(`\\nexitAt\\s+${iso(exitAt)} \\(in 3h\\)\\n`));
    expect(human).to.include(`state: exiting, can withdraw from ${iso(exitAt)} (in 3h)`);

    const early = await x.run(["candidate", "withdraw", id, "1"], { account: x.as(4) });
    expect(early.code).to.equal(1);
    // Right after the exit: the whole exit delay (3 h) is left.
    expect(early.err).to.equal(
      `gengov: reverted: withdraw: CandidateExitNotReady: candidate 1 can withdraw from ${iso(exitAt)} (in 3h)\n`,
    );

    await x.networkHelpers.time.increaseTo(exitAt);
    const balance = await x.token.read.balanceOf([x.as(4).address]);
    const done = await x.run(["candidate", "withdraw", id, "1"], { account: x.as(4) });
    expect(done.code, done.err).to.equal(0);
    expect(await x.token.read.balanceOf([x.as(4).address])).to.equal(balance + 100n * WAD);
    expect(await show("1")).to.include({ withdrawn: true, exiting: false, bond: "0", eligible: false });
    expect((await x.run(["candidate", "show", id, "1"], { json: false })).out.join("\n")).to.include(
      "state: withdrawn",
    );
    expect((await x.run(["status", id])).json().candidates[0]).to.include({
      candidateId: "1",
      state: "withdrawn",
    });

    const twice = await x.run(["candidate", "withdraw", id, "1"], { account: x.as(4) });
    expect(twice.code).to.equal(1);
    expect(twice.err).to.equal(
      "gengov: reverted: withdraw: CandidateExitNotReady: candidate 1 has already withdrawn its bond\n",
    );
  });

  it("a candidate that skipped a target: not up to date until candidate poke charges the miss", async () => {
    // Candidate 2 never commits. Epoch e's outcome is reported (final), so once its reveal deadline
    // passes target e is owed as a miss.
    const t = BigInt(await x.networkHelpers.time.latest());
    const e = (t - genesis) / 3600n;
    await x.networkHelpers.time.increaseTo(genesis + (e + 1n) * 3600n);
    for (const r of [1, 2]) {
      const rep = await x.run(["outcome", "report", id, e.toString(), "100", "50"], { account: x.as(r) });
      expect(rep.code, rep.err).to.equal(0);
    }
    await x.networkHelpers.time.increaseTo(genesis + (e + 1n) * 3600n + 1200n);
    const behind = await show("2");
    expect(behind).to.include({ upToDate: false, owedMisses: "1", eligible: false });
    const human = await x.run(["candidate", "show", id, "2"], { json: false });
    expect(human.out.join("\n")).to.include(
      "up to date: no: 1 missed target(s) not charged yet; not eligible until it reveals or is poked",
    );
    const status = (await x.run(["status", id])).json();
    expect(status.candidates.find((c: { candidateId: string }) => c.candidateId === "2")).to.include({
      upToDate: false,
      owedMisses: "1",
    });

    const poke = await x.run(["candidate", "poke", id, "2"], { account: x.as(9) });
    expect(poke.code, poke.err).to.equal(0);
    expect(poke.json().misses).to.equal(1);
    expect(await show("2")).to.include({
      upToDate: true,
      owedMisses: "0",
      misses: 1,
      bond: (140n * WAD).toString(),
      cursor: (e + 1n).toString(),
    });
  });
});
