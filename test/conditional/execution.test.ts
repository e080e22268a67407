/**
 * Conditional forecasts bind execution: in an epoch with a decision the executor (and the fallback)
 * may only propose through `proposeDecidedTransition`, after the decision, carrying the option
 * decided; in an epoch without one only a plain `proposeTransition` goes through; the finalization of
 * the decided transition marks the decision executed.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { parseEventLogs } from "viem";

import { defaultTerms, deployConditional, type ConditionalHarness } from "../fixtures/conditional.js";
import { sendProposal } from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

/** J of each option: 1200, 1100, 1300 − 10·300 = −1700: option 0 for everyone. */
const F = [
  [1200n, 5200n],
  [1100n, 5600n],
  [1300n, 4700n],
];

const base = (conn: Connection) => deployConditional(conn);

/** Every candidate commits and reveals F for decision epoch D. */
async function forecastAll(h: ConditionalHarness) {
  await h.warpTo(h.times(h.D).start);
  for (const c of h.candidates) await h.commit(c.id, F);
  await h.warpTo(h.times(h.D).revealOpens);
  for (const c of h.candidates) await h.reveal(c.id);
}

describe("conditional: decided execution", function () {
  this.timeout(300_000);
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(base);

  it("before the decision DecisionPending; a plain proposal DecisionRequired; another option OptionNotDecided; the decided one executes", async () => {
    const h = await load();
    await forecastAll(h);
    const { end } = h.times(h.D);
    await h.warpTo(end);
    expect(await h.conditional.read.decisionOf([h.agreementId, h.D])).to.deep.equal([true, false, 0]);
    const { executor } = await h.executor();
    expect(executor?.id).to.equal(h.candidates[0].id);
    const p = await h.prepare(executor!);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.proposeDecidedTx(p, 0),
      h.execution,
      "DecisionPending",
      [h.D],
    );
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(h.x, p),
      h.execution,
      "DecisionRequired",
      [h.D],
    );
    const decided = await h.decide();
    expect(decided.option).to.equal(0);
    expect(await h.conditional.read.decisionOf([h.agreementId, h.D])).to.deep.equal([true, true, 0]);
    for (const wrong of [1, 2, 7]) {
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.proposeDecidedTx(p, wrong),
        h.execution,
        "OptionNotDecided",
        [wrong, 0],
      );
    }
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(h.x, p),
      h.execution,
      "DecisionRequired",
      [h.D],
    );
    await h.viem.assertions.emitWithArgs(h.proposeDecidedTx(p, 0), h.execution, "TransitionOption", [
      h.agreementId,
      h.D,
      0,
    ]);
    expect((await h.decision()).executed).to.equal(false);
    const receipt = await h.finalize(p);
    const [ev] = parseEventLogs({
      abi: h.conditional.abi,
      logs: receipt.logs,
      eventName: "DecisionExecuted",
    });
    expect(ev.args).to.deep.equal({ agreementId: h.agreementId, epoch: h.D });
    expect((await h.decision()).executed).to.equal(true);
  });

  it("the fallback, in the second window, must carry the decided option too", async () => {
    const h = await load();
    await forecastAll(h);
    await h.decide();
    const { fallback } = await h.executor();
    expect(fallback?.id).to.equal(h.candidates[1].id);
    await h.warpTo(h.windows().second);
    const p = await h.prepare(fallback!);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.proposeDecidedTx(p, 1),
      h.execution,
      "OptionNotDecided",
      [1, 0],
    );
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(h.x, p),
      h.execution,
      "DecisionRequired",
      [h.D],
    );
    await h.wait(await h.proposeDecidedTx(p, 0));
    await h.finalize(p);
    expect((await h.decision()).executed).to.equal(true);
  });

  it("an epoch before the terms, or with fewer than two options, has no decision: only a plain proposal goes through", async () => {
    const h = await load();
    // Epoch E precedes the terms' first epoch.
    await h.warpTo(h.windows(h.E).opens);
    const { executor } = await h.executor(h.E);
    const p = await h.prepare(executor!, h.E);
    expect(await h.conditional.read.decisionOf([h.agreementId, h.E])).to.deep.equal([false, false, 0]);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.proposeDecidedTx(p, 0),
      h.execution,
      "NoDecision",
      [h.E],
    );
    await h.wait(await sendProposal(h.x, p));
    await h.finalize(p);
    // From D + 1 a version with a single fixed option and no proposals: no decision either.
    const one = defaultTerms(h.D + 1n, { options: ["hold quota"], maxProposed: 0 });
    await h.configure(one);
    const e = h.D + 1n;
    await h.warpTo(h.times(e).start);
    const { commitment } = await h.commitmentOf(h.candidates[0].id, [[1n, 2n]], { e });
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.commit([h.agreementId, e, h.candidates[0].id, commitment], {
        account: h.candidates[0].op.account,
      }),
      h.conditional,
      "NoDecision",
      [h.agreementId, e],
    );
    await h.warpTo(h.windows(e).opens);
    const { executor: ex } = await h.executor(e);
    const q = await h.prepare(ex!, e);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.proposeDecidedTx(q, 0),
      h.execution,
      "NoDecision",
      [e],
    );
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.decide([h.agreementId, e]),
      h.conditional,
      "NoDecision",
      [h.agreementId, e],
    );
  });
});
