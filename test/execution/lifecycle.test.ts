/**
 * The whole lifecycle once, end to end: an agreement, three candidates, forecasts over the
 * burn-in, the executor's transition challenged and rejected, the fallback's transition finalized in
 * the second window, payments pulled, and the next epoch building on the new state.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, stringToHex, zeroHash } from "viem";

import {
  burnIn,
  challengeTx,
  CHALLENGER,
  clock,
  deadlines,
  deployExecution,
  finalizeTx,
  fund,
  PAYEES,
  propose,
  registerCandidates,
  ruleTx,
  Status,
  warpTo,
  windows,
  WAD,
} from "../fixtures/execution.js";

describe("execution: full lifecycle", () => {
  it("burn-in → executor rejected → fallback finalized in the second window → payments withdrawn", async () => {
    const x = await deployExecution(await network.create(), { minScored: 2 });
    const { hub, execution, treasuryToken, token, agreementId, wallets } = x;
    const T = treasuryToken.address;
    const [c1, c2, c3] = await registerCandidates(x, 3);
    await fund(x, T, 2_000n * WAD);

    // Burn-in: two scored epochs each; nobody may execute before that.
    const e = await burnIn(x, [c1, c2, c3], 2);
    expect(await hub.read.executorOf([agreementId, e - 1n])).to.deep.equal([0n, 0n, true]);
    for (const c of [c1, c2, c3])
      expect((await hub.read.candidate([agreementId, c.id])).scoredCount).to.equal(2);

    // Participants submit inputs during epoch e.
    const alice = wallets[PAYEES[0]];
    await hub.write.submitInput([agreementId, stringToHex("pay alice 100 for the nets")], {
      account: alice.account,
    });
    await hub.write.submitInput([agreementId, stringToHex("pay bob 40 for fuel")], {
      account: wallets[PAYEES[1]].account,
    });

    // Executor: candidate 1 (best score), fallback: candidate 2.
    const w = windows(x, e);
    await warpTo(x, w.opens);
    expect(await hub.read.executorOf([agreementId, e])).to.deep.equal([c1.id, c2.id, false]);
    const pay = (i: number, amount: bigint) => ({ token: T, to: wallets[PAYEES[i]].account.address, amount });
    const bad = await propose(x, c1, e, {
      state: { paid: { alice: 1000 } },
      actions: [pay(0, 1_000n * WAD)],
    });
    expect(bad.inputsHash).to.equal(await hub.read.inputsHeadAt([agreementId, e]));
    expect(bad.inputsHash).to.not.equal(zeroHash);
    await challengeTx(x, e);
    await ruleTx(x, e, false);
    expect((await execution.read.proposal([agreementId])).status).to.equal(Status.Rejected);
    expect((await hub.read.candidate([agreementId, c1.id])).bond).to.equal(
      x.params.minBond - x.params.rejectPenalty,
    );

    // The fallback proposes in the second window, on the unchanged state and the same inputs.
    await warpTo(x, w.second);
    const good = await propose(x, c2, e, {
      state: { paid: { alice: 100, bob: 40 } },
      actions: [pay(0, 100n * WAD), pay(1, 40n * WAD)],
    });
    expect(good.prevStateHash).to.equal(zeroHash);
    expect(good.inputsHash).to.equal(bad.inputsHash);
    const live = await execution.read.proposal([agreementId]);
    expect(live.candidateId).to.equal(c2.id);
    await warpTo(x, deadlines(x, live.proposedAt).challengeEnds);
    await x.viem.assertions.emitWithArgs(finalizeTx(x, good), execution, "TransitionFinalized", [
      agreementId,
      e,
      c2.id,
      good.newStateHash,
    ]);
    expect(await execution.read.stateHash([agreementId])).to.equal(good.newStateHash);
    const executions = async () =>
      Promise.all([c1, c2, c3].map(async (c) => (await hub.read.candidate([agreementId, c.id])).executions));
    expect(await executions()).to.deep.equal([0, 1, 0]);

    // Everyone pulls what they are owed.
    for (const [i, amount] of [
      [0, 100n * WAD],
      [1, 40n * WAD],
    ] as const) {
      const who = wallets[PAYEES[i]];
      const before = await treasuryToken.read.balanceOf([who.account.address]);
      await execution.write.withdrawPayment([T], { account: who.account });
      expect(await treasuryToken.read.balanceOf([who.account.address])).to.equal(before + amount);
    }
    const reward = x.params.challengeBond + x.params.rejectPenalty / 2n;
    const challenger = wallets[CHALLENGER];
    await x.viem.assertions.emitWithArgs(
      execution.write.withdrawPayment([token.address], { account: challenger.account }),
      execution,
      "PaymentWithdrawn",
      [getAddress(challenger.account.address), getAddress(token.address), reward],
    );
    expect(await treasuryToken.read.balanceOf([execution.address])).to.equal(0n);
    expect(await token.read.balanceOf([execution.address])).to.equal(0n);
    expect(await hub.read.treasuryBalance([agreementId, T])).to.equal(1_860n * WAD);
    expect(await hub.read.treasuryBalance([agreementId, token.address])).to.equal(
      x.params.rejectPenalty - x.params.rejectPenalty / 2n,
    );

    // Next epoch: candidate 1's bond is below minBond, so candidate 2 executes on top of the new state.
    const next = windows(x, e + 1n);
    await warpTo(x, next.opens);
    expect(await hub.read.executorOf([agreementId, e + 1n])).to.deep.equal([c2.id, c3.id, false]);
    const p2 = await propose(x, c2, e + 1n, { state: { paid: { alice: 100, bob: 40 }, epoch: 2 } });
    expect(p2.prevStateHash).to.equal(good.newStateHash);
    await warpTo(x, deadlines(x, (await execution.read.proposal([agreementId])).proposedAt).challengeEnds);
    await finalizeTx(x, p2);
    expect(await executions()).to.deep.equal([0, 2, 0]);
    expect(await execution.read.stateHash([agreementId])).to.equal(p2.newStateHash);
    // Settled before epoch e + 2's executor may propose on top of it.
    expect(BigInt(await x.networkHelpers.time.latest()) < clock(x).end(e + 2n)).to.equal(true);
  });
});
