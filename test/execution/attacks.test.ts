/**
 * Attacks on the challenge game, each played out in full:
 *
 * - A silent arbiter plus a challenger that challenges every transition must not halt the agreement,
 *   and every unruled challenge must cost its challenger.
 * - The executor must not censor its own epoch or profit from a rejection by challenging its own
 *   transition: its operator and owner cannot challenge, a colluder cannot shut out or starve an
 *   honest challenger, and a late rejection still leaves the fallback time to execute the epoch.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress } from "viem";

import {
  challengeTx,
  CHALLENGER,
  deadlines,
  deployExecution,
  finalizeTx,
  fund,
  OUTSIDER,
  propose,
  qualify,
  registerCandidates,
  ruleTx,
  Status,
  at,
  warpTo,
  windows,
  WAD,
  type ExecFixture,
} from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

/**
 * Two candidates with minScored 0, scored once (a never-scored candidate never executes): from
 * epoch E on, the executor is 1 and the fallback 2 (candidate 1 forecast better).
 */
async function twoCandidates(conn: Connection) {
  const x = await deployExecution(conn);
  const [c1, c2] = await registerCandidates(x, 2);
  await fund(x, x.treasuryToken.address, 5_000n * WAD);
  const E = await qualify(x, [c1, c2]);
  return { x, c1, c2, E };
}

const lapse = (x: ExecFixture, epoch: bigint) =>
  x.execution.write.lapseChallenge([x.agreementId, epoch], { account: x.wallets[OUTSIDER].account });

describe("execution attacks", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(twoCandidates);

  it("silent arbiter: a challenger of every transition halts nothing and pays half a bond per challenge", async () => {
    const { x, c1, E } = await load();
    const challenger = x.wallets[CHALLENGER];
    const B = x.token.address;
    const balance = () => x.token.read.balanceOf([challenger.account.address]);
    const treasury = () => x.hub.read.treasuryBalance([x.agreementId, B]);
    const [balance0, treasury0] = [await balance(), await treasury()];
    const bond = x.params.challengeBond;
    const EPOCHS = 4n;
    let state = await x.execution.read.stateHash([x.agreementId]);
    for (let e = E; e < E + EPOCHS; e++) {
      await warpTo(x, windows(x, e).opens);
      const p = await propose(x, c1, e, { state: { epoch: Number(e) } });
      await challengeTx(x, e);
      // The arbiter never rules. At the ruling deadline anyone lapses the challenge; the transition
      // stands and is finalized within its own epoch.
      const { rulingDeadline } = deadlines(x, (await x.execution.read.proposal([x.agreementId])).proposedAt);
      await at(x, rulingDeadline);
      await lapse(x, e);
      await finalizeTx(x, p);
      const next = await x.execution.read.stateHash([x.agreementId]);
      expect(next, `epoch ${e}: state advanced`).to.equal(p.newStateHash);
      expect(next).to.not.equal(state);
      state = next;
      await x.execution.write.withdrawPayment([B], { account: challenger.account });
    }
    const forfeit = bond - bond / 2n;
    expect(balance0 - (await balance())).to.equal(EPOCHS * forfeit);
    expect((await treasury()) - treasury0).to.equal(EPOCHS * forfeit);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).executions).to.equal(Number(EPOCHS));
    expect(await x.token.read.balanceOf([x.execution.address])).to.equal(0n);
  });

  it("self-challenge: the proposer's operator and owner cannot challenge its transition", async () => {
    const { x, c1, E } = await load();
    // Candidate 1's owner rotates its operator key, so owner and operator are two addresses.
    const owner = c1.op;
    const operator = x.wallets[17];
    await x.hub.write.setOperator([x.agreementId, c1.id, operator.account.address], {
      account: owner.account,
    });
    await warpTo(x, windows(x, E).opens);
    await propose(x, { ...c1, op: operator }, E);
    for (const who of [operator, owner]) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        challengeTx(x, E, who),
        x.execution,
        "ProposerCannotChallenge",
        [c1.id, getAddress(who.account.address)],
      );
    }
    // Anyone else still can.
    await challengeTx(x, E);
    expect((await x.execution.read.proposal([x.agreementId])).status).to.equal(Status.Challenged);
  });

  it("colluding challenger: the executor loses, an honest second challenger is paid, the fallback executes the epoch", async () => {
    const { x, c1, c2, E } = await load();
    const B = x.token.address;
    const colluder = x.wallets[OUTSIDER];
    const honest = x.wallets[CHALLENGER];
    const penalty = x.params.rejectPenalty;
    const bond = x.params.challengeBond;
    const wealth = async () =>
      (await x.hub.read.candidate([x.agreementId, c1.id])).bond +
      (await x.token.read.balanceOf([c1.op.account.address])) +
      (await x.token.read.balanceOf([colluder.account.address])) +
      (await x.execution.read.owed([colluder.account.address, B]));
    const before = await wealth();
    const honestBefore = await x.token.read.balanceOf([honest.account.address]);

    // The executor proposes at the very end of its window and its accomplice challenges at once.
    const w = windows(x, E);
    await at(x, w.second - 1n);
    await propose(x, c1, E, { state: { censored: true } });
    await challengeTx(x, E, colluder);
    // The occupied first place does not shut out an honest challenger.
    await challengeTx(x, E, honest);

    // The arbiter rejects only after the fallback's ordinary window has closed.
    await at(x, w.closes + 60n);
    await ruleTx(x, E, false);

    // The fallback still executes the epoch, and its transition settles within the epoch.
    const good = await propose(x, c2, E, { state: { by: "fallback" } });
    const live = await x.execution.read.proposal([x.agreementId]);
    expect(live.candidateId).to.equal(c2.id);
    const { rulingDeadline, challengeEnds } = deadlines(x, live.proposedAt);
    expect(rulingDeadline <= windows(x, E + 1n).opens).to.equal(true);
    await warpTo(x, challengeEnds);
    await finalizeTx(x, good);
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(good.newStateHash);
    expect((await x.hub.read.candidate([x.agreementId, c2.id])).executions).to.equal(1);

    // The reward is shared: the executor and its accomplice together end with less.
    const share = penalty / 2n / 2n;
    expect(await x.execution.read.owed([honest.account.address, B])).to.equal(bond + share);
    expect(await x.execution.read.owed([colluder.account.address, B])).to.equal(bond + share);
    const loss = before - (await wealth());
    expect(loss).to.equal(penalty - share);
    expect(loss > 0n).to.equal(true);
    await x.execution.write.withdrawPayment([B], { account: honest.account });
    expect((await x.token.read.balanceOf([honest.account.address])) - honestBefore).to.equal(share);
  });
});
