/**
 * Reentrancy through a malicious (or ERC-777-like) treasury token that calls back before it moves
 * balances: the execution contract's guard stops re-entering withdrawPayment and finalize, and no
 * path pays twice. The hub's deposit has no such guard (see the BUG test).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { encodeFunctionData, toFunctionSelector } from "viem";

import {
  addAgreement,
  CAP,
  deadlines,
  deployExecution,
  finalizeTx,
  fund,
  PAYEES,
  propose,
  qualify,
  registerCandidates,
  Status,
  warpTo,
  windows,
  WAD,
} from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

const REENTRANT_CALL = toFunctionSelector("ReentrancyGuardReentrantCall()");

/** An agreement whose capped treasury token is the reentrant token, funded, with a proposal that pays
 * the token contract itself (so it can try to withdraw twice) and a payee. */
async function malicious(conn: Connection) {
  const base = await deployExecution(conn);
  const evil = await base.viem.deployContract("ReentrantERC20");
  const x = await addAgreement(base, { capTokens: [evil.address], maxOutflowPerEpoch: [CAP] });
  const [c] = await registerCandidates(x, 1, { first: 9 });
  await evil.write.mint([x.wallets[0].account.address, 10_000n * WAD]);
  await evil.write.approve([x.hub.address, 2n ** 255n]);
  await fund(x, evil.address, 5_000n * WAD);
  const E = await qualify(x, [c]);
  await warpTo(x, windows(x, E).opens);
  const payee = x.wallets[PAYEES[0]].account.address;
  const p = await propose(x, c, E, {
    actions: [
      { token: evil.address, to: evil.address, amount: 300n * WAD },
      { token: evil.address, to: payee, amount: 200n * WAD },
    ],
  });
  const live = await x.execution.read.proposal([x.agreementId]);
  await warpTo(x, deadlines(x, live.proposedAt).challengeEnds);
  return { x, evil, p, payee };
}

describe("execution: reentrancy through a malicious token", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(malicious);

  it("re-entering withdrawPayment from the token transfer reverts ReentrancyGuardReentrantCall", async () => {
    const { x, evil, p } = await load();
    await finalizeTx(x, p);
    const withdraw = encodeFunctionData({
      abi: x.execution.abi,
      functionName: "withdrawPayment",
      args: [evil.address],
    });
    await evil.write.arm([x.execution.address, withdraw, true]);
    await x.viem.assertions.revertWithCustomError(
      evil.write.exec([x.execution.address, withdraw]),
      x.execution,
      "ReentrancyGuardReentrantCall",
    );
    expect(await x.execution.read.owed([evil.address, evil.address])).to.equal(300n * WAD);
  });

  it("a swallowed re-entry into withdrawPayment pays exactly once", async () => {
    const { x, evil, p, payee } = await load();
    await finalizeTx(x, p);
    const withdraw = encodeFunctionData({
      abi: x.execution.abi,
      functionName: "withdrawPayment",
      args: [evil.address],
    });
    await evil.write.arm([x.execution.address, withdraw, false]);
    await evil.write.exec([x.execution.address, withdraw]);
    expect(await evil.read.callbacks()).to.equal(1n);
    expect(await evil.read.lastCallOk()).to.equal(false);
    expect(await evil.read.lastReturn()).to.equal(REENTRANT_CALL);
    expect(await evil.read.balanceOf([evil.address])).to.equal(300n * WAD);
    expect(await x.execution.read.owed([evil.address, evil.address])).to.equal(0n);
    // What remains in the contract is exactly the other payee's credit.
    expect(await evil.read.balanceOf([x.execution.address])).to.equal(200n * WAD);
    expect(await x.execution.read.owed([payee, evil.address])).to.equal(200n * WAD);
  });

  it("re-entering finalize while the hub releases the treasury reverts ReentrancyGuardReentrantCall", async () => {
    const { x, evil, p } = await load();
    const again = encodeFunctionData({
      abi: x.execution.abi,
      functionName: "finalize",
      args: [p.agreementId, p.epoch, p.newStateHash, p.manifestHash, p.actions],
    });
    await evil.write.arm([x.execution.address, again, true]);
    await x.viem.assertions.revertWithCustomError(
      finalizeTx(x, p),
      x.execution,
      "ReentrancyGuardReentrantCall",
    );
    expect((await x.execution.read.proposal([x.agreementId])).status).to.equal(Status.Proposed);
  });

  it("a swallowed re-entry into finalize credits every payment once", async () => {
    const { x, evil, p, payee } = await load();
    const again = encodeFunctionData({
      abi: x.execution.abi,
      functionName: "finalize",
      args: [p.agreementId, p.epoch, p.newStateHash, p.manifestHash, p.actions],
    });
    await evil.write.arm([x.execution.address, again, false]);
    await finalizeTx(x, p);
    expect(await evil.read.callbacks()).to.equal(1n);
    expect(await evil.read.lastReturn()).to.equal(REENTRANT_CALL);
    expect(await x.execution.read.owed([evil.address, evil.address])).to.equal(300n * WAD);
    expect(await x.execution.read.owed([payee, evil.address])).to.equal(200n * WAD);
    expect(await x.execution.read.spent([x.agreementId, p.epoch, evil.address])).to.equal(500n * WAD);
    expect(await x.hub.read.treasuryBalance([x.agreementId, evil.address])).to.equal(4_500n * WAD);
    expect(await evil.read.balanceOf([x.execution.address])).to.equal(500n * WAD);
  });

  // Regression: the hub's pulling entry points (deposit, registerCandidate(WithPermit), topUp,
  // withdraw) are nonReentrant. Without the guard a token that calls out before moving balances
  // (ERC-777 hooks) got a nested deposit counted by both balance differences: x + 2y booked for x + y.
  it("a re-entrant deposit is refused, so nothing is booked twice", async () => {
    const { x, evil } = await load();
    await evil.write.mint([evil.address, 1_000n * WAD]);
    const approve = encodeFunctionData({
      abi: evil.abi,
      functionName: "approve",
      args: [x.hub.address, 2n ** 255n],
    });
    await evil.write.exec([evil.address, approve]);
    const deposit = (amount: bigint) =>
      encodeFunctionData({
        abi: x.hub.abi,
        functionName: "deposit",
        args: [x.agreementId, evil.address, amount],
      });
    const bookedBefore = await x.hub.read.treasuryBalance([x.agreementId, evil.address]);
    const heldBefore = await evil.read.balanceOf([x.hub.address]);
    await evil.write.arm([x.hub.address, deposit(100n * WAD), true]);
    await x.viem.assertions.revertWithCustomError(
      evil.write.exec([x.hub.address, deposit(10n * WAD)]),
      x.hub,
      "ReentrancyGuardReentrantCall",
    );
    // Swallowing the nested failure instead: the outer deposit goes through, booked exactly once.
    await evil.write.arm([x.hub.address, deposit(100n * WAD), false]);
    await evil.write.exec([x.hub.address, deposit(10n * WAD)]);
    const booked = (await x.hub.read.treasuryBalance([x.agreementId, evil.address])) - bookedBefore;
    const held = (await evil.read.balanceOf([x.hub.address])) - heldBefore;
    expect(held).to.equal(10n * WAD);
    expect(booked, `booked ${booked} for ${held} received`).to.equal(held);
  });
});
