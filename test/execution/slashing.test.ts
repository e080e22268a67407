/**
 * Who pays for a challenge: a rejected transition costs the executor `rejectPenalty` (capped at its
 * bond; half rounded down to the challenger with its bond back, the rest to the treasury), an upheld
 * one costs the challenger its bond, a lapsed one (no ruling in time) costs the challenger half its
 * bond, rounded up, to the treasury. Several challengers share the reward and the risk alike, and
 * challenging yourself through an accomplice never pays.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { encodeFunctionData, getAddress, type Address } from "viem";

import {
  addAgreement,
  challengeTx,
  CHALLENGER,
  clock,
  commitmentOf,
  deadlines,
  deployExecution,
  finalizeTx,
  OUTSIDER,
  propose,
  qualify,
  registerCandidates,
  ruleTx,
  seeded,
  Status,
  truthOf,
  warpTo,
  windows,
  WAD,
  type Candidate,
  type ExecFixture,
} from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

const ODD_PENALTY = 50n * WAD + 1n;

/**
 * Executor 1 (bond 150) proposed epoch E, the first its candidates may execute (scored once, so not
 * at the never-scored 1.0), and the challenger challenged it.
 */
async function challenged(conn: Connection) {
  const x = await deployExecution(conn, { rejectPenalty: ODD_PENALTY });
  const [c1, c2] = await registerCandidates(x, 2, { bond: 150n * WAD });
  const E = await qualify(x, [c1, c2]);
  await warpTo(x, windows(x, E).opens);
  const p = await propose(x, c1, E);
  await challengeTx(x, E);
  return { x, c1, c2, p, E };
}

async function balances(x: ExecFixture, who: Address) {
  return {
    hub: await x.token.read.balanceOf([x.hub.address]),
    execution: await x.token.read.balanceOf([x.execution.address]),
    who: await x.token.read.balanceOf([who]),
    treasury: await x.hub.read.treasuryBalance([x.agreementId, x.token.address]),
  };
}

describe("execution: slashing and challenge bonds", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(challenged);

  it("the challenge bond moves from the challenger to the execution contract", async () => {
    const { x } = await load();
    const live = await x.execution.read.proposal([x.agreementId]);
    expect(live.status).to.equal(Status.Challenged);
    expect(await x.token.read.balanceOf([x.execution.address])).to.equal(x.params.challengeBond);
  });

  it("rejected: the executor loses rejectPenalty; half rounded down + the bond owed to the challenger; rest to the treasury", async () => {
    const { x, c1, E } = await load();
    const challenger = x.wallets[CHALLENGER].account.address;
    const half = ODD_PENALTY / 2n;
    const before = await balances(x, challenger);
    const hash = await ruleTx(x, E, false);
    await x.viem.assertions.emitWithArgs(hash, x.hub, "BondSlashed", [
      x.agreementId,
      c1.id,
      ODD_PENALTY,
      ODD_PENALTY - half,
    ]);
    await x.viem.assertions.emitWithArgs(hash, x.execution, "TransitionRuled", [
      x.agreementId,
      E,
      false,
      ODD_PENALTY,
    ]);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).bond).to.equal(150n * WAD - ODD_PENALTY);
    const after = await balances(x, challenger);
    expect(after.treasury - before.treasury).to.equal(ODD_PENALTY - half);
    expect(before.hub - after.hub).to.equal(half);
    expect(after.execution - before.execution).to.equal(half);
    expect(await x.execution.read.owed([challenger, x.token.address])).to.equal(
      x.params.challengeBond + half,
    );
    await x.execution.write.withdrawPayment([x.token.address], { account: x.wallets[CHALLENGER].account });
    expect((await balances(x, challenger)).who - before.who).to.equal(x.params.challengeBond + half);
    expect(await x.token.read.balanceOf([x.execution.address])).to.equal(0n);
  });

  it("upheld: the challenger's bond goes to the treasury and the executor keeps its bond", async () => {
    const { x, c1, p, E } = await load();
    const challenger = x.wallets[CHALLENGER].account.address;
    const before = await balances(x, challenger);
    const hash = await ruleTx(x, E, true);
    await x.viem.assertions.emitWithArgs(hash, x.execution, "TransitionRuled", [x.agreementId, E, true, 0n]);
    await x.viem.assertions.emitWithArgs(hash, x.hub, "TreasuryDeposited", [
      x.agreementId,
      getAddress(x.token.address),
      getAddress(x.execution.address),
      x.params.challengeBond,
    ]);
    const after = await balances(x, challenger);
    expect(after.treasury - before.treasury).to.equal(x.params.challengeBond);
    expect(after.execution).to.equal(0n);
    expect(await x.execution.read.owed([challenger, x.token.address])).to.equal(0n);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).bond).to.equal(150n * WAD);
    await finalizeTx(x, p);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).executions).to.equal(1);
  });

  it("lapsed: the executor keeps its bond; the challenger forfeits half its bond (rounded up) to the treasury", async () => {
    // An odd challenge bond: the challenger gets the half rounded down back.
    const { x } = await load();
    const bond = 7n * WAD + 3n;
    const a = await addAgreement(x, { challengeBond: bond });
    const [c1] = await registerCandidates(a, 1, { first: 9, bond: 150n * WAD });
    const Ea = await qualify(a, [c1]);
    await warpTo(a, windows(a, Ea).opens);
    const p = await propose(a, c1, Ea);
    await challengeTx(a, Ea);
    const challenger = x.wallets[CHALLENGER].account.address;
    const before = await balances(a, challenger);
    const live = await a.execution.read.proposal([a.agreementId]);
    await warpTo(a, deadlines(a, live.proposedAt).rulingDeadline);
    const hash = await a.execution.write.lapseChallenge([a.agreementId, Ea]);
    const back = bond / 2n;
    await x.viem.assertions.emitWithArgs(hash, a.hub, "TreasuryDeposited", [
      a.agreementId,
      getAddress(a.token.address),
      getAddress(a.execution.address),
      bond - back,
    ]);
    const after = await balances(a, challenger);
    expect(after.treasury - before.treasury).to.equal(bond - back);
    expect(before.execution - after.execution).to.equal(bond - back);
    expect(await a.execution.read.owed([challenger, a.token.address])).to.equal(back);
    expect((await a.hub.read.candidate([a.agreementId, c1.id])).bond).to.equal(150n * WAD);
    await finalizeTx(a, p);
    expect((await a.hub.read.candidate([a.agreementId, c1.id])).executions).to.equal(1);
  });

  it("the penalty is capped at the bond left after a missed reveal is charged", async () => {
    // rejectPenalty = minBond = bond; a reveal missed after the selection, charged (poked) before the
    // ruling lands, leaves 90. The hub charges misses only on a reveal, a poke or a withdrawal, not
    // inside slashBond.
    const { x } = await load();
    const a = await addAgreement(x, { rejectPenalty: 100n * WAD, missPenalty: 10n * WAD });
    const cands = await registerCandidates(a, 2, { first: 9 });
    const [c1] = cands;
    // Scored once, so it may execute from Ea on; now inside epoch Ea, where target T = Ea + 1 is
    // committed.
    const Ea = await qualify(a, cands);
    const T = Ea + 1n;
    const scored = (await a.hub.read.candidate([a.agreementId, c1.id])).score;
    const t = clock(a);
    const salt = `0x${"11".repeat(32)}` as const;
    const values = truthOf(T);
    const commitment = commitmentOf({
      chainId: await a.publicClient.getChainId(),
      hub: a.hub.address,
      agreementId: a.agreementId,
      candidateId: c1.id,
      targetEpoch: T,
      values,
      salt,
    });
    await a.hub.write.commitForecast([a.agreementId, c1.id, T, commitment], { account: c1.op.account });
    await warpTo(a, t.end(T));
    for (const r of [1, 2, 3]) {
      await a.hub.write.reportOutcome([a.agreementId, T, values], { account: a.wallets[r].account });
    }
    // Selected at end(T) (target Ea is void, T's reveal not yet due): up to date, still executor.
    await propose(a, c1, T);
    await challengeTx(a, T);
    await warpTo(a, t.revealCloses(T)); // the reveal deadline of target T has now passed
    expect((await a.hub.read.candidate([a.agreementId, c1.id])).bond).to.equal(90n * WAD);
    // The miss moves the score alpha of the way to the worst loss: S ← 1 − (1 − α)(1 − S).
    const missed = WAD - ((WAD - a.params.alpha) * (WAD - scored)) / WAD;
    expect(missed > scored).to.equal(true);
    await x.viem.assertions.emitWithArgs(
      a.hub.write.poke([a.agreementId, c1.id], { account: x.wallets[OUTSIDER].account }),
      a.hub,
      "RevealsMissed",
      [a.agreementId, c1.id, 1, 10n * WAD, missed],
    );
    const hash = await ruleTx(a, T, false);
    await x.viem.assertions.emitWithArgs(hash, a.hub, "BondSlashed", [
      a.agreementId,
      c1.id,
      90n * WAD,
      45n * WAD,
    ]);
    await x.viem.assertions.emitWithArgs(hash, a.execution, "TransitionRuled", [
      a.agreementId,
      T,
      false,
      90n * WAD,
    ]);
    expect((await a.hub.read.candidate([a.agreementId, c1.id])).bond).to.equal(0n);
    expect(await a.hub.read.treasuryBalance([a.agreementId, x.token.address])).to.equal(55n * WAD);
    const challenger = x.wallets[CHALLENGER].account.address;
    expect(await a.execution.read.owed([challenger, x.token.address])).to.equal(
      a.params.challengeBond + 45n * WAD,
    );
  });
});

describe("execution: several challengers", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(challenged);
  const others = (x: ExecFixture) => [x.wallets[OUTSIDER], x.wallets[13]];

  it("rejected: every challenger gets its bond back and an equal part of half the penalty; the remainder goes to the first", async () => {
    const { x, E } = await load();
    for (const w of others(x)) await challengeTx(x, E, w);
    const who = [x.wallets[CHALLENGER], ...others(x)].map((w) => w.account.address);
    await ruleTx(x, E, false);
    const half = ODD_PENALTY / 2n; // 25 WAD: 3 parts of 8.33… WAD and 1 base unit left over
    const part = half / 3n;
    expect(half - 3n * part).to.equal(1n);
    const owed = await Promise.all(who.map((a) => x.execution.read.owed([a, x.token.address])));
    const bond = x.params.challengeBond;
    expect(owed).to.deep.equal([bond + part + 1n, bond + part, bond + part]);
    // The contract holds exactly what it owes.
    expect(await x.token.read.balanceOf([x.execution.address])).to.equal(owed.reduce((a, b) => a + b));
  });

  it("upheld: every challenger's bond goes to the treasury", async () => {
    const { x, E } = await load();
    for (const w of others(x)) await challengeTx(x, E, w);
    const before = await balances(x, x.wallets[CHALLENGER].account.address);
    const hash = await ruleTx(x, E, true);
    await x.viem.assertions.emitWithArgs(hash, x.hub, "TreasuryDeposited", [
      x.agreementId,
      getAddress(x.token.address),
      getAddress(x.execution.address),
      3n * x.params.challengeBond,
    ]);
    const after = await balances(x, x.wallets[CHALLENGER].account.address);
    expect(after.treasury - before.treasury).to.equal(3n * x.params.challengeBond);
    expect(after.execution).to.equal(0n);
  });

  it("lapsed: every challenger forfeits half its bond to the treasury", async () => {
    const { x, E } = await load();
    for (const w of others(x)) await challengeTx(x, E, w);
    const live = await x.execution.read.proposal([x.agreementId]);
    await warpTo(x, deadlines(x, live.proposedAt).rulingDeadline);
    const bond = x.params.challengeBond;
    await x.viem.assertions.emitWithArgs(
      x.execution.write.lapseChallenge([x.agreementId, E]),
      x.execution,
      "ChallengeLapsed",
      [x.agreementId, E, 3n * (bond - bond / 2n)],
    );
    for (const w of [x.wallets[CHALLENGER], ...others(x)]) {
      expect(await x.execution.read.owed([w.account.address, x.token.address])).to.equal(bond / 2n);
    }
    expect(await x.hub.read.treasuryBalance([x.agreementId, x.token.address])).to.equal(
      3n * (bond - bond / 2n),
    );
  });

  it("a bond that arrives as nothing, or does not fit in 96 bits, is ChallengeBondInvalid", async () => {
    const { x, E } = await load();
    // A bond token that keeps the whole transfer as its fee delivers nothing.
    await x.token.write.setFeeBps([10_000n]);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(x, E, x.wallets[13]),
      x.execution,
      "ChallengeBondInvalid",
      [0n],
    );
    await x.token.write.setFeeBps([0n]);
    const huge = 2n ** 96n;
    // The hub refuses a challenge bond that does not fit in 96 bits when the agreement is created…
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      addAgreement(x, { challengeBond: huge }),
      x.hub,
      "AgreementParameterInvalid",
      [16], // Parameter.challengeBond
    );
    // …so only a bond token that delivers more than it was asked for can bring one: this one moves
    // 2^96 of its own balance to the execution contract before the challenger's bond.
    const evil = await x.viem.deployContract("ReentrantERC20");
    const a = await addAgreement(x, { bondToken: evil.address });
    const rich = x.wallets[OUTSIDER];
    const op = x.wallets[9];
    await evil.write.mint([op.account.address, a.params.minBond]);
    await evil.write.approve([a.hub.address, 2n ** 255n], { account: op.account });
    await evil.write.mint([rich.account.address, a.params.challengeBond]);
    await evil.write.approve([a.execution.address, 2n ** 255n], { account: rich.account });
    await evil.write.mint([evil.address, huge]);
    const [c] = await registerCandidates(a, 1, { first: 9 });
    const Ea = await qualify(a, [c]);
    await warpTo(a, windows(a, Ea).opens);
    await propose(a, c, Ea);
    const push = encodeFunctionData({
      abi: evil.abi,
      functionName: "transfer",
      args: [a.execution.address, huge],
    });
    await evil.write.arm([evil.address, push, true]);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(a, Ea, rich),
      x.execution,
      "ChallengeBondInvalid",
      [huge + a.params.challengeBond],
    );
  });
});

describe("execution: challenging your own proposal never pays", () => {
  // The proposer's operator and owner cannot challenge (ProposerCannotChallenge, attacks.test.ts);
  // an accomplice's address can, and is what these cases use.
  it("fuzz: over random bonds, challenge bonds and penalties, a proposer challenging through an accomplice ends with less", async () => {
    const conn = await network.create();
    const x = await deployExecution(conn);
    const rnd = seeded(0x5e1f);
    const accomplice = x.wallets[OUTSIDER];
    const wealth = async (a: ExecFixture, c: Candidate) => {
      let sum = (await a.hub.read.candidate([a.agreementId, c.id])).bond;
      for (const who of [c.op.account.address, accomplice.account.address]) {
        sum += (await a.token.read.balanceOf([who])) + (await a.execution.read.owed([who, a.token.address]));
      }
      return sum;
    };
    for (let i = 0; i < 8; i++) {
      const minBond = rnd.big(1n, 1_000n * WAD);
      const rejectPenalty = rnd.big(1n, minBond);
      const challengeBond = rnd.big(1n, 500n * WAD);
      const bond = rnd.big(minBond, 5n * minBond);
      const upheld = i % 2 === 0;
      const a = await addAgreement(x, { minBond, rejectPenalty, missPenalty: 0n, challengeBond });
      const [c] = await registerCandidates(a, 1, { first: 4 + (i % 4), bond });
      const Ea = await qualify(a, [c]);
      const before = await wealth(a, c);
      await warpTo(a, windows(a, Ea).opens);
      await propose(a, c, Ea);
      await challengeTx(a, Ea, accomplice);
      await ruleTx(a, Ea, upheld);
      const loss = before - (await wealth(a, c));
      const expected = upheld ? challengeBond : rejectPenalty - rejectPenalty / 2n;
      expect(
        loss,
        `case ${i}: bond ${bond}, challengeBond ${challengeBond}, penalty ${rejectPenalty}`,
      ).to.equal(expected);
      expect(loss > 0n).to.equal(true);
    }
  });

  it("with rejectPenalty 0 a rejected challenge through an accomplice is free, never a gain", async () => {
    const conn = await network.create();
    const x = await deployExecution(conn, { rejectPenalty: 0n });
    const [c] = await registerCandidates(x, 1);
    const E = await qualify(x, [c]);
    const accomplice = x.wallets[OUTSIDER];
    const who = accomplice.account.address;
    const before = await x.token.read.balanceOf([who]);
    await warpTo(x, windows(x, E).opens);
    await propose(x, c, E);
    await challengeTx(x, E, accomplice);
    await ruleTx(x, E, false);
    await x.execution.write.withdrawPayment([x.token.address], { account: accomplice.account });
    expect(await x.token.read.balanceOf([who])).to.equal(before);
    expect((await x.hub.read.candidate([x.agreementId, c.id])).bond).to.equal(x.params.minBond);
  });
});
