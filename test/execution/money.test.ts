/**
 * Treasury actions of transitions: per-epoch per-token caps and treasury cover checked at proposal,
 * payments credited at finalization and pulled by recipients (a blocked recipient cannot stall the
 * agreement), and balance-difference accounting of fee-on-transfer deposits.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, zeroAddress, type Address } from "viem";

import {
  addAgreement,
  CAP,
  deadlines,
  deployExecution,
  finalizeTx,
  fund,
  PAYEES,
  prepareTransition,
  propose,
  qualify,
  registerCandidates,
  sendProposal,
  warpTo,
  windows,
  WAD,
  type Action,
  type Candidate,
  type ExecFixture,
  type Transition,
} from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

/** Two qualified candidates (1 executes, 2 is fallback) and a funded treasury, at the first window of E. */
async function funded(conn: Connection) {
  const x = await deployExecution(conn);
  const [c1, c2] = await registerCandidates(x, 2);
  await fund(x, x.treasuryToken.address, 5_000n * WAD);
  const E = await qualify(x, [c1, c2]);
  await warpTo(x, windows(x, E).opens);
  return { x, c1, c2, E };
}

/** Waits out the challenge period of the live proposal and finalizes it. */
async function settle(x: ExecFixture, p: Transition) {
  const live = await x.execution.read.proposal([x.agreementId]);
  await warpTo(x, deadlines(x, live.proposedAt).challengeEnds);
  return finalizeTx(x, p);
}

describe("execution: treasury caps and cover", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(funded);
  const pay = (x: ExecFixture, amount: bigint, payee = 0, token?: Address): Action => ({
    token: token ?? x.treasuryToken.address,
    to: x.wallets[PAYEES[payee]].account.address,
    amount,
  });

  it("an action at the epoch's cap is accepted; one wei over is OutflowCapExceeded", async () => {
    const { x, c1, E } = await load();
    const T = x.treasuryToken.address;
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { actions: [pay(x, CAP + 1n)] })),
      x.execution,
      "OutflowCapExceeded",
      [getAddress(T), CAP, CAP + 1n],
    );
    await propose(x, c1, E, { actions: [pay(x, CAP)] });
  });

  it("two actions of the same token are summed against the cap, whatever lies between them", async () => {
    const { x } = await load();
    const a = await addAgreement(x, {
      capTokens: [x.treasuryToken.address, x.token.address],
      maxOutflowPerEpoch: [CAP, 10n * WAD],
    });
    const [c] = await registerCandidates(a, 1, { first: 9 });
    const Ea = await qualify(a, [c]);
    await fund(a, x.treasuryToken.address, 5_000n * WAD);
    await fund(a, x.token.address, 100n * WAD);
    await warpTo(a, windows(a, Ea).opens);
    const T = getAddress(x.treasuryToken.address);
    const over = [pay(a, 600n * WAD, 0), pay(a, 5n * WAD, 1, x.token.address), pay(a, 400n * WAD + 1n, 2)];
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(a, await prepareTransition(a, c, Ea, { actions: over })),
      x.execution,
      "OutflowCapExceeded",
      [T, CAP, CAP + 1n],
    );
    const bondOver = [
      pay(a, 1n, 0),
      pay(a, 6n * WAD, 1, x.token.address),
      pay(a, 4n * WAD + 1n, 2, x.token.address),
    ];
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(a, await prepareTransition(a, c, Ea, { actions: bondOver })),
      x.execution,
      "OutflowCapExceeded",
      [getAddress(x.token.address), 10n * WAD, 10n * WAD + 1n],
    );
    const exact = [pay(a, 600n * WAD, 0), pay(a, 10n * WAD, 1, x.token.address), pay(a, 400n * WAD, 2)];
    const p = await propose(a, c, Ea, { actions: exact });
    await settle(a, p);
    expect(await x.execution.read.spent([a.agreementId, Ea, T])).to.equal(CAP);
    expect(await x.execution.read.spent([a.agreementId, Ea, x.token.address])).to.equal(10n * WAD);
  });

  it("a token without a cap cannot be paid out, even when the treasury holds it", async () => {
    const { x, c1, E } = await load();
    await fund(x, x.token.address, 50n * WAD);
    expect(await x.hub.read.outflowCap([x.agreementId, x.token.address])).to.equal(0n);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { actions: [pay(x, 1n, 0, x.token.address)] })),
      x.execution,
      "OutflowCapExceeded",
      [getAddress(x.token.address), 0n, 1n],
    );
  });

  it("a proposal the treasury cannot fund is rejected (TreasuryInsufficient), also when split over actions", async () => {
    const { x } = await load();
    const a = await addAgreement(x);
    const [c] = await registerCandidates(a, 1, { first: 9 });
    const Ea = await qualify(a, [c]);
    await fund(a, x.treasuryToken.address, 500n * WAD);
    await warpTo(a, windows(a, Ea).opens);
    const T = getAddress(x.treasuryToken.address);
    for (const actions of [[pay(a, 500n * WAD + 1n)], [pay(a, 300n * WAD, 0), pay(a, 200n * WAD + 1n, 1)]]) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        sendProposal(a, await prepareTransition(a, c, Ea, { actions })),
        x.execution,
        "TreasuryInsufficient",
        [T, 500n * WAD, 500n * WAD + 1n],
      );
    }
    await propose(a, c, Ea, { actions: [pay(a, 300n * WAD, 0), pay(a, 200n * WAD, 1)] });
  });

  it("a malformed action is ActionInvalid(index); more than 16 actions are ActionsTooMany(count, 16)", async () => {
    const { x, c1, E } = await load();
    const good = pay(x, 1n);
    const cases: [Action[], bigint][] = [
      [[good, { ...good, amount: 0n }], 1n],
      [[{ ...good, to: zeroAddress }], 0n],
      [[good, good, { ...good, token: zeroAddress }], 2n],
    ];
    for (const [actions, index] of cases) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        sendProposal(x, await prepareTransition(x, c1, E, { actions })),
        x.execution,
        "ActionInvalid",
        [index],
      );
    }
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { actions: Array.from({ length: 17 }, () => good) })),
      x.execution,
      "ActionsTooMany",
      [17n, 16n],
    );
    await propose(x, c1, E, { actions: Array.from({ length: 16 }, () => good) });
  });

  it("the cap is per epoch: a full cap in epoch E leaves a full cap for epoch E + 1", async () => {
    const { x, c1, E } = await load();
    const p0 = await propose(x, c1, E, { actions: [pay(x, CAP)] });
    await settle(x, p0);
    await warpTo(x, windows(x, E + 1n).opens);
    const p1 = await propose(x, c1, E + 1n, { actions: [pay(x, CAP, 1)] });
    await settle(x, p1);
    const T = x.treasuryToken.address;
    expect(await x.execution.read.spent([x.agreementId, E, T])).to.equal(CAP);
    expect(await x.execution.read.spent([x.agreementId, E + 1n, T])).to.equal(CAP);
    expect(await x.hub.read.treasuryBalance([x.agreementId, T])).to.equal(3_000n * WAD);
  });
});

describe("execution: payments are credited, then pulled", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(funded);

  async function paid(x: ExecFixture, c: Candidate, E: bigint) {
    const [a, b] = PAYEES.map((i) => x.wallets[i].account.address);
    const T = x.treasuryToken.address;
    const actions = [
      { token: T, to: a, amount: 100n * WAD },
      { token: T, to: b, amount: 250n * WAD },
      { token: T, to: a, amount: 50n * WAD },
    ];
    const p = await propose(x, c, E, { actions });
    return { p, a, b, T };
  }

  it("finalize moves the total from the hub treasury to the execution contract and credits each payee", async () => {
    const { x, c1, E } = await load();
    const { p, a, b, T } = await paid(x, c1, E);
    const hubBefore = await x.treasuryToken.read.balanceOf([x.hub.address]);
    const hash = await settle(x, p);
    await x.viem.assertions.emitWithArgs(hash, x.hub, "TreasuryReleased", [
      x.agreementId,
      getAddress(T),
      100n * WAD,
    ]);
    await x.viem.assertions.emitWithArgs(hash, x.execution, "PaymentCredited", [
      x.agreementId,
      getAddress(T),
      getAddress(b),
      250n * WAD,
    ]);
    expect(await x.treasuryToken.read.balanceOf([x.hub.address])).to.equal(hubBefore - 400n * WAD);
    expect(await x.treasuryToken.read.balanceOf([x.execution.address])).to.equal(400n * WAD);
    expect(await x.hub.read.treasuryBalance([x.agreementId, T])).to.equal(4_600n * WAD);
    expect(await x.execution.read.owed([a, T])).to.equal(150n * WAD);
    expect(await x.execution.read.owed([b, T])).to.equal(250n * WAD);
    expect(await x.execution.read.spent([x.agreementId, E, T])).to.equal(400n * WAD);
    // Nothing moved to the payees yet: they pull.
    const before = await x.treasuryToken.read.balanceOf([a]);
    const payeeA = x.wallets[PAYEES[0]];
    await x.viem.assertions.emitWithArgs(
      x.execution.write.withdrawPayment([T], { account: payeeA.account }),
      x.execution,
      "PaymentWithdrawn",
      [getAddress(a), getAddress(T), 150n * WAD],
    );
    expect(await x.treasuryToken.read.balanceOf([a])).to.equal(before + 150n * WAD);
    expect(await x.execution.read.owed([a, T])).to.equal(0n);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      x.execution.write.withdrawPayment([T], { account: payeeA.account }),
      x.execution,
      "NothingOwed",
      [getAddress(a), getAddress(T)],
    );
  });

  it("a recipient the token blocks cannot block finalization; the others withdraw", async () => {
    const { x, c1, E } = await load();
    const { p, a, b, T } = await paid(x, c1, E);
    await x.treasuryToken.write.setBlocked([a, true]);
    await settle(x, p);
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(p.newStateHash);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      x.execution.write.withdrawPayment([T], { account: x.wallets[PAYEES[0]].account }),
      x.treasuryToken,
      "MockTransferBlocked",
      [getAddress(x.execution.address), getAddress(a)],
    );
    expect(await x.execution.read.owed([a, T])).to.equal(150n * WAD);
    const before = await x.treasuryToken.read.balanceOf([b]);
    await x.execution.write.withdrawPayment([T], { account: x.wallets[PAYEES[1]].account });
    expect(await x.treasuryToken.read.balanceOf([b])).to.equal(before + 250n * WAD);
    // Unblocked later, the payment is still there.
    await x.treasuryToken.write.setBlocked([a, false]);
    await x.execution.write.withdrawPayment([T], { account: x.wallets[PAYEES[0]].account });
    expect(await x.treasuryToken.read.balanceOf([x.execution.address])).to.equal(0n);
  });

  it("a fee-on-transfer deposit is booked at the amount received", async () => {
    const { x } = await load();
    const T = x.treasuryToken.address;
    await x.treasuryToken.write.setFeeBps([250n]); // 2.5 %
    const booked = await x.hub.read.treasuryBalance([x.agreementId, T]);
    const hubBefore = await x.treasuryToken.read.balanceOf([x.hub.address]);
    await x.viem.assertions.emitWithArgs(
      x.hub.write.deposit([x.agreementId, T, 1_000n * WAD]),
      x.hub,
      "TreasuryDeposited",
      [x.agreementId, getAddress(T), getAddress(x.wallets[0].account.address), 975n * WAD],
    );
    expect(await x.hub.read.treasuryBalance([x.agreementId, T])).to.equal(booked + 975n * WAD);
    expect(await x.treasuryToken.read.balanceOf([x.hub.address])).to.equal(hubBefore + 975n * WAD);
  });

  // Regression: the execution contract credits what actually arrived from the hub, so with a
  // fee-on-transfer token it never owes more than it holds.
  it("fee-on-transfer payouts: the execution contract owes exactly what it holds", async () => {
    const { x, c1, E } = await load();
    const { p, a, b, T } = await paid(x, c1, E);
    await x.treasuryToken.write.setFeeBps([100n]); // 1 %
    await settle(x, p);
    const held = await x.treasuryToken.read.balanceOf([x.execution.address]);
    const owed = (await x.execution.read.owed([a, T])) + (await x.execution.read.owed([b, T]));
    expect(held).to.equal(owed);
  });
});
