/**
 * Attacks on the challenge game, each played out in full:
 *
 * - A silent arbiter plus a challenger that challenges every transition must not halt the agreement,
 *   and every unruled challenge must cost its challenger.
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

/** Two candidates with minScored 0: executor of every epoch is 1, fallback 2 (equal scores). */
async function twoCandidates(conn: Connection) {
  const x = await deployExecution(conn);
  const [c1, c2] = await registerCandidates(x, 2);
  await fund(x, x.treasuryToken.address, 5_000n * WAD);
  return { x, c1, c2 };
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
    const { x, c1 } = await load();
    const challenger = x.wallets[CHALLENGER];
    const B = x.token.address;
    const balance = () => x.token.read.balanceOf([challenger.account.address]);
    const treasury = () => x.hub.read.treasuryBalance([x.agreementId, B]);
    const [balance0, treasury0] = [await balance(), await treasury()];
    const bond = x.params.challengeBond;
    const EPOCHS = 4n;
    let state = await x.execution.read.stateHash([x.agreementId]);
    for (let e = 0n; e < EPOCHS; e++) {
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
});
